package suggest

import (
	"strings"
	"testing"
)

func TestNearest(t *testing.T) {
	columns := []string{"sepal_length", "sepal_width", "petal_length", "petal_width", "species"}
	for _, tc := range []struct{ name, want string }{
		{"specis", "species"},  // a deletion
		{"speceis", "species"}, // a transposition
		{"Species", "species"}, // case
		{"petal_widht", "petal_width"},
		{"sepal_lenght", "sepal_length"},
		{"petal", ""}, // too far from any
		{"x", ""},     // one byte: no edit is fewer than its length
		{"kind", ""},
	} {
		if got := Nearest(tc.name, columns); got != tc.want {
			t.Errorf("Nearest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
	long := strings.Repeat("x", MaxLen+1)
	if got := Nearest(long, []string{long[1:], long}); got != "" {
		t.Errorf("Nearest of a name longer than MaxLen = %q, want none", got)
	}
	if got := Nearest("ab", []string{"ax", "ay"}); got != "ax" {
		t.Errorf("of two equally near, Nearest chose %q, want the first", got)
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2}, {"kitten", "sitting", 3}, {"ca", "ac", 1}, {"abc", "ca", 3},
	} {
		if got := distance(tc.a, tc.b); got != tc.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
