package data

import (
	"slices"
	"strings"
	"testing"
)

func TestReadColumns(t *testing.T) {
	in := "\ufeffid, x ,name\r\n 7 ,1.5,\"Ann, B\"\r\n08,2,\n"
	rows, err := ReadColumns(strings.NewReader(in), "in.csv", CSVOptions{}, []string{"name", "id"})
	want := [][]string{{"Ann, B", "7"}, {"", "08"}}
	if err != nil || !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("ReadColumns = %q, %v; want %q", rows, err, want)
	}
	rows, err = ReadColumns(strings.NewReader("a;b\n1;2\n"), "in.csv", CSVOptions{Comma: ';'}, []string{"b"})
	if err != nil || !slices.EqualFunc(rows, [][]string{{"2"}}, slices.Equal) {
		t.Errorf("with ';': %q, %v", rows, err)
	}
	for _, tt := range []struct{ in, col, want string }{
		{"id,x\n1,2\n", "ID", `in.csv:1: no column "ID" in the header (did you mean "id"? its columns: "id", "x")`},
		{"id,x\n1,2\n", "name", `in.csv:1: no column "name" in the header (its columns: "id", "x")`},
		{"id,x,id\n1,2,3\n", "id", `in.csv:1: column "id" appears more than once in the header`},
		{"id,x\n1,2\n3\n", "id", "in.csv:3: row has 1 field, want 2"},
		{"id,x\n\"1,2\n", "id", "in.csv:2: extraneous or missing \" in quoted-field"},
		{"", "id", "in.csv: empty file"},
	} {
		if _, err := ReadColumns(strings.NewReader(tt.in), "in.csv", CSVOptions{}, []string{tt.col}); err == nil || err.Error() != tt.want {
			t.Errorf("%q: error %v\nwant %s", tt.in, err, tt.want)
		}
	}
}
