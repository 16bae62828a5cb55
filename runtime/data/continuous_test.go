package data

import (
	"strings"
	"testing"
)

func TestLooksContinuous(t *testing.T) {
	for _, c := range []struct {
		labels []string
		want   bool
	}{
		{[]string{"0.5", "1.5", "2.5"}, true},
		{[]string{"1", "2", "0.25"}, true},
		{[]string{"-3", "1e-3"}, true},
		{[]string{"0", "1", "2"}, false}, // class indices
		{[]string{"1.0", "2.0"}, false},  // whole numbers written with a point
		{[]string{"0.5", "cat"}, false},  // names
		{[]string{"0.5", "NaN"}, false},  // not finite: not a measurement
		{[]string{"setosa", "virginica"}, false},
		{nil, false},
	} {
		if got := LooksContinuous(c.labels); got != c.want {
			t.Errorf("LooksContinuous(%q) = %v, want %v", c.labels, got, c.want)
		}
	}
}

// TestReadCSVContinuousTarget checks that the errors for a classifier's
// target with too many labels advise an identity head when the labels
// look continuous, and only then.
func TestReadCSVContinuousTarget(t *testing.T) {
	const hint = "; the values look continuous: for regression use an identity head (a last layer of 1 unit, activation: identity)"
	for _, c := range []struct {
		in   string
		opts CSVOptions
		want string
	}{
		{"x,y\n1,0.5\n2,1.25\n3,2\n", CSVOptions{Task: Binary},
			`data.csv: column "y" has 3 distinct labels, binary classification needs exactly 2` + hint},
		{"x,y\n1,0.5\n2,1.25\n3,2\n", CSVOptions{MaxClasses: 2},
			`data.csv: column "y" has 3 distinct labels ("0.5", "1.25", "2"), more than the 2 classes expected` + hint},
		{"x,y\n1,0\n2,1\n3,2\n", CSVOptions{MaxClasses: 2},
			`data.csv: column "y" has 3 distinct labels ("0", "1", "2"), more than the 2 classes expected`},
		{"x,y\n1,a\n2,b\n3,c\n", CSVOptions{Task: Binary},
			`data.csv: column "y" has 3 distinct labels, binary classification needs exactly 2`},
	} {
		_, err := ReadCSV[float64](strings.NewReader(c.in), "data.csv", c.opts)
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: error %v\nwant %s", c.in, err, c.want)
		}
	}
}
