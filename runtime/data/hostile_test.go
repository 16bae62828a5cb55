package data

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestReadCSVHostile covers what TestReadCSVErrors does not: very long
// lines and fields, which must give short messages; text that is not
// UTF-8 where it becomes names saved with a model; and odd bytes.
func TestReadCSVHostile(t *testing.T) {
	const mb10 = 10 << 20
	for _, tc := range []struct {
		name string
		in   string
		opts CSVOptions
		want string
	}{
		{"10 MB number", "x,y\n1" + strings.Repeat("0", mb10) + ",a\n2,b\n", CSVOptions{},
			`big.csv:2: column "x": "1000000000000000000000000000000000000000000000000000000000000000"… is out of range for float64`},
		{"10 MB of digits after the point", "x,y\n0." + strings.Repeat("1", mb10) + "x,a\n", CSVOptions{},
			`big.csv:2: column "x": "0.11111111111111111111111111111111111111111111111111111111111111"… is not a number`},
		{"10 MB label", "x,y\n1,a\n2," + strings.Repeat("b", mb10) + "\n", CSVOptions{Classes: []string{"a", "b"}},
			`big.csv:3: column "y": label "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"… is not one of the 2 given classes`},
		{"10 MB only label", "x,y\n1," + strings.Repeat("c", mb10) + "\n", CSVOptions{},
			`big.csv: column "y" has only 1 distinct label, "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"…; classification needs at least 2`},
		{"10 MB column name", "x" + strings.Repeat("x", mb10) + ",y\nz,a\n", CSVOptions{},
			`big.csv:2: column "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"…: "z" is not a number`},
		{"10 MB target name asked for", "x,y\n1,a\n", CSVOptions{Target: strings.Repeat("t", mb10)},
			`big.csv:1: no column "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"… in the header (its columns: "x", "y")`},
		{"5 million fields", "x,y\n" + strings.Repeat("1,", 5<<20) + "a\n", CSVOptions{},
			"big.csv:2: row has 5242881 fields, want 2"},
		{"10 MB quoted field across lines", "x,y\n1,\"" + strings.Repeat("a\n", 5<<20) + "\n", CSVOptions{},
			`big.csv:2: extraneous or missing " in quoted-field (a quoted field runs from this line to line 5242882)`},
		{"Latin-1 column name", "temp\xe9rature,y\n1,a\n2,b\n", CSVOptions{},
			`big.csv:1: column 0: name "temp\xe9rature" is not valid UTF-8; save the file as UTF-8`},
		{"Latin-1 target name", "x,esp\xe8ce\n1,a\n2,b\n", CSVOptions{},
			`big.csv:1: column 1: name "esp\xe8ce" is not valid UTF-8; save the file as UTF-8`},
		{"Latin-1 label", "x,y\n1,caf\xe9\n2,b\n", CSVOptions{},
			`big.csv:2: column "y": label "caf\xe9" is not valid UTF-8; save the file as UTF-8`},
		{"UTF-16 file", "\xff\xfex\x00,\x00y\x00\n\x001\x00,\x00a\x00\n\x00", CSVOptions{},
			`big.csv:1: column 0: name "\xff\xfex\x00" is not valid UTF-8; save the file as UTF-8`},
		{"semicolons", "x;y\n1,5;a\n", CSVOptions{},
			`big.csv:1: need at least 2 columns, a feature and a target; found 1 (the fields seem separated by ';', not ',')`},
		{"tabs", "x\ty\n1.5\ta\n", CSVOptions{},
			`big.csv:1: need at least 2 columns, a feature and a target; found 1 (the fields seem separated by '\t', not ',')`},
		{"NUL in a number", "x,y\n1\x002,a\n", CSVOptions{}, `big.csv:2: column "x": "1\x002" is not a number`},
		{"hex float is no escape hatch for NaN", "x,y\n0x1p-2,a\nnan(0x1),b\n", CSVOptions{}, `big.csv:3: column "x": "nan(0x1)" is not a number`},
		{"Infinity spelled out", "x,y\n+Infinity,a\n", CSVOptions{}, `big.csv:2: column "x": "+Infinity" is not a finite number`},
		{"decimal comma, 10 MB", "x;y\n1," + strings.Repeat("5", mb10) + ";a\n", CSVOptions{Comma: ';'},
			`big.csv:2: column "x": "1,` + strings.Repeat("5", 62) + `"… is not a number: use a decimal point, not a comma`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := ReadCSV[float64](strings.NewReader(tc.in), "big.csv", tc.opts)
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("ReadCSV did not return within 10 s")
			}
			if err == nil {
				t.Fatalf("got no error, want %q", tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("got error\n\t%.300s\nwant\n\t%s", err, tc.want)
			}
		})
	}
}

// TestReadCSVLongRows checks that long valid lines are read: a 10 MB row
// of features, and long labels within the UTF-8 rules.
func TestReadCSVLongRows(t *testing.T) {
	const n = 1 << 20 // features: a row of about 10 MB
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "x%06d,", i)
	}
	b.WriteString("y\n")
	row := strings.Repeat("1.2345678,", n)
	b.WriteString(row + "a\n" + row + "b\n")
	d, err := ReadCSV[float32](strings.NewReader(b.String()), "wide.csv", CSVOptions{})
	if err != nil {
		t.Fatalf("%.300v", err)
	}
	if d.Inputs != n || d.Len() != 2 || d.X[n-1] != 1.2345678 {
		t.Errorf("got %d inputs, %d rows", d.Inputs, d.Len())
	}
	label := "é" + strings.Repeat("ü", 1<<20)
	d2, err := ReadCSV[float64](strings.NewReader("x,y\n1,"+label+"\n2,b\n"), "labels.csv", CSVOptions{})
	if err != nil {
		t.Fatalf("%.300v", err)
	}
	if len(d2.Classes) != 2 || d2.Classes[1] != label {
		t.Errorf("classes of %d", len(d2.Classes))
	}
}
