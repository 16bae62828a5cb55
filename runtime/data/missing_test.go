package data

import (
	"encoding"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var (
	_ encoding.TextMarshaler   = MissingMean
	_ encoding.TextUnmarshaler = new(Missing)
)

func TestMissingText(t *testing.T) {
	for _, m := range []Missing{MissingError, MissingDrop, MissingMean} {
		var got Missing = 7
		if err := got.UnmarshalText([]byte(m.String())); err != nil || got != m {
			t.Errorf("%v: read back as %v, %v", m, got, err)
		}
	}
	var m Missing
	if err := m.UnmarshalText([]byte("zero")); err == nil || err.Error() != `unknown policy for missing values "zero": want error, drop or mean` {
		t.Errorf("error %v", err)
	}
	if s := Missing(9).String(); s != "Missing(9)" {
		t.Errorf("String() = %q", s)
	}
}

// TestReadCSVMissingTokens checks that every token pandas reads as missing
// is missing in a feature column, that other text is still an error, and
// that a label is missing only if empty.
func TestReadCSVMissingTokens(t *testing.T) {
	tokens := []string{"", " ", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
		"1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", " NA "}
	var b strings.Builder
	b.WriteString("x,y\n")
	for i, tok := range tokens {
		fmt.Fprintf(&b, "%s,a\n%d,b\n", tok, i)
	}
	d, rep, err := ReadCSVReport[float64](strings.NewReader(b.String()), "m.csv", CSVOptions{Missing: MissingDrop})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != len(tokens) || rep.Rows != len(tokens) || rep.Total != 2*len(tokens) {
		t.Errorf("%d rows kept, %d of %d dropped; want %d of %d", d.Len(), rep.Rows, rep.Total, len(tokens), 2*len(tokens))
	}
	// Tokens match exactly, as in pandas.
	_, err = ReadCSV[float64](strings.NewReader("x,y\nna,a\n1,b\n"), "m.csv", CSVOptions{Missing: MissingDrop})
	if want := `m.csv:2: column "x": "na" is not a number`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	// "NA" and "None" may be class names; an empty label is missing.
	d, rep, err = ReadCSVReport[float64](strings.NewReader("x,y\n1,NA\n2,None\n3,\n4,NA\n"), "m.csv", CSVOptions{Missing: MissingDrop})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Classes, []string{"NA", "None"}) || !slices.Equal(d.Labels, []int{0, 1, 0}) || rep.Rows != 1 {
		t.Errorf("classes %q, labels %v, %d rows dropped", d.Classes, d.Labels, rep.Rows)
	}
	if got := rep.String(); got != `left out 1 of 4 rows with missing values: column "y" (1)` {
		t.Errorf("report %q", got)
	}
}

func TestReadCSVMissingDrop(t *testing.T) {
	const in = "a,b,price\n1,2,10\n,4,20\n5,NA,\n7,8,40\n9,,50\n"
	d, rep, err := ReadCSVReport[float32](strings.NewReader(in), "m.csv", CSVOptions{Missing: MissingDrop, Task: Regression})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.X, []float32{1, 2, 7, 8}) || !slices.Equal(d.Y, []float32{10, 40}) {
		t.Errorf("X = %v, Y = %v", d.X, d.Y)
	}
	want := MissingReport{Policy: MissingDrop, Rows: 3, Total: 5, Columns: []MissingColumn{
		{Index: 0, Name: "a", Count: 1}, {Index: 1, Name: "b", Count: 2}, {Index: 2, Name: "price", Count: 1}},
		Dropped: []int{1, 2, 4}}
	if fmt.Sprint(*rep) != fmt.Sprint(want) {
		t.Errorf("report %+v\nwant   %+v", *rep, want)
	}
	if got := rep.String(); got != `left out 3 of 5 rows with missing values: column "a" (1), column "b" (2), column "price" (1)` {
		t.Errorf("report %q", got)
	}
	_, err = ReadCSV[float32](strings.NewReader("a,y\n,p\n1,\n"), "m.csv", CSVOptions{Missing: MissingDrop})
	if want := "m.csv: every one of the 2 data rows has a missing value"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

func TestReadCSVMissingMean(t *testing.T) {
	const in = "a,b,y\n1,10,p\n,20,q\n3,NaN,p\n5,,q\n"
	d, rep, err := ReadCSVReport[float64](strings.NewReader(in), "m.csv", CSVOptions{Missing: MissingMean})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{1, 10, 3, 20, 3, 15, 5, 15}; !slices.Equal(d.X, want) {
		t.Errorf("X = %v, want %v", d.X, want)
	}
	if !slices.Equal(rep.Fill, []float64{3, 15}) || rep.Given || rep.Rows != 3 || rep.Total != 4 {
		t.Errorf("report %+v", *rep)
	}
	if got := rep.String(); got != `filled in 3 missing values in 3 of 4 rows with the column means: column "a" (1), column "b" (2)` {
		t.Errorf("report %q", got)
	}

	// Other data for the model takes the training means, in the order of
	// the features, whatever the order of its columns.
	opts := CSVOptions{Missing: MissingMean, Fill: rep.Fill, Features: d.Features, Classes: d.Classes, Target: d.Target}
	test, rep2, err := ReadCSVReport[float64](strings.NewReader("y,b,a\nq,,\np,7,100\n"), "t.csv", opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{3, 15, 100, 7}; !slices.Equal(test.X, want) {
		t.Errorf("X = %v, want %v", test.X, want)
	}
	if got := rep2.String(); got != `filled in 2 missing values in 1 of 2 rows with the training means: column "b" (1), column "a" (1)` || !slices.Equal(rep2.Fill, rep.Fill) {
		t.Errorf("report %q, fill %v", got, rep2.Fill)
	}
	// Inputs to predict from, without a target.
	in2, err := ReadCSV[float32](strings.NewReader("a,b\n,1\n"), "p.csv", CSVOptions{NoTarget: true, Missing: MissingMean, Fill: []float64{0.1, 2}})
	if err != nil || !slices.Equal(in2.X, []float32{0.1, 1}) {
		t.Errorf("X = %v, error %v", in2.X, err)
	}

	for _, tc := range []struct {
		in   string
		opts CSVOptions
		want string
	}{
		{"a,y\n1,p\n2,\n", CSVOptions{Missing: MissingMean},
			`m.csv:3: column "y": missing label: a class label cannot be filled in with a mean; drop the rows with missing values instead`},
		{"a,y\n1,2\n2,NA\n", CSVOptions{Missing: MissingMean, Task: Regression},
			`m.csv:3: column "y": missing target: only features are filled in with a mean; drop the rows with missing values instead`},
		{"a,b,y\n1,,p\n2,NA,q\n", CSVOptions{Missing: MissingMean},
			`m.csv: column "b": every value is missing, so there is no mean to fill in`},
		{"a,b,y\n1e308,1,p\n1e308,,q\n", CSVOptions{Missing: MissingMean},
			`m.csv: column "a": the values are too large to fill in their mean: their sum overflows float64`},
		{"a,b,y\n1,2,p\n", CSVOptions{Missing: MissingMean, Fill: []float64{1}},
			"m.csv:1: 1 fill values for missing features, but 2 feature columns"},
		{"a,y\n1,p\n", CSVOptions{Missing: MissingDrop, Fill: []float64{1}}, "data: CSVOptions.Fill is for MissingMean"},
		{"a,y\n1,p\n", CSVOptions{Missing: MissingMean, Fill: []float64{math.Inf(1)}}, "data: CSVOptions.Fill[0] is +Inf, want a finite number"},
		{"a,y\n1,p\n", CSVOptions{Missing: Missing(3)}, "data: unknown policy for missing values Missing(3)"},
		{"a,y\n1,p\n", CSVOptions{Missing: MissingDrop, MarkMissing: true}, "data: CSVOptions.MarkMissing is for MissingMean without Fill"},
		{"a,y\n1,p\n", CSVOptions{Missing: MissingMean, Fill: []float64{1}, MarkMissing: true}, "data: CSVOptions.MarkMissing is for MissingMean without Fill"},
	} {
		if _, err := ReadCSV[float64](strings.NewReader(tc.in), "m.csv", tc.opts); err == nil || err.Error() != tc.want {
			t.Errorf("%q: error %v\nwant %s", tc.in, err, tc.want)
		}
	}
}

// TestReadCSVMarkMissing checks that MarkMissing leaves the missing
// features NaN, and that FillMissing fills them in with the means of the
// rows it is given, or with the values it is given.
func TestReadCSVMarkMissing(t *testing.T) {
	const in = "a,b,y\n1,10,p\n,20,q\n3,NaN,p\n5,,q\n7,40,p\n"
	d, rep, err := ReadCSVReport[float32](strings.NewReader(in), "m.csv", CSVOptions{Missing: MissingMean, MarkMissing: true})
	if err != nil {
		t.Fatal(err)
	}
	nan := float32(math.NaN())
	want := []float32{1, 10, nan, 20, 3, nan, 5, nan, 7, 40}
	if !slices.EqualFunc(d.X, want, func(a, b float32) bool { return a == b || a != a && b != b }) {
		t.Errorf("X = %v, want %v", d.X, want)
	}
	if rep.Fill != nil || rep.Rows != 3 || rep.Total != 5 {
		t.Errorf("report %+v", *rep)
	}
	// The first three rows train, the last two are held out.
	train, held := d.Subset([]int{0, 1, 2}), d.Subset([]int{3, 4})
	fill, err := FillMissing(train, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fill, []float64{2, 15}) || !slices.Equal(train.X, []float32{1, 10, 2, 20, 3, 15}) {
		t.Errorf("fill %v, training part %v", fill, train.X)
	}
	if got, err := FillMissing(held, fill); err != nil || !slices.Equal(got, fill) || !slices.Equal(held.X, []float32{5, 15, 7, 40}) {
		t.Errorf("held-out part %v, fill %v, error %v", held.X, got, err)
	}
	// A feature the training part has no value of has no mean.
	if _, err := FillMissing(d.Subset([]int{1}), nil); err == nil || err.Error() != `column "a": every value is missing, so there is no mean to fill in` {
		t.Errorf("error %v", err)
	}
}

// TestReadCSVMissingRealData blanks out cells of the breast cancer data
// and checks that drop keeps exactly the untouched rows and that mean
// fills in the means of the values left.
func TestReadCSVMissingRealData(t *testing.T) {
	path := filepath.Join("..", "..", "examples", "breast_cancer", "breast_cancer.csv")
	full, err := LoadCSV[float64](path, CSVOptions{Task: Binary})
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(src), "\n"), "\n")
	blank := func(i, j int) bool { return (i*31+j*7)%97 == 0 } // row i, feature j
	var kept []int
	for i := range full.Len() {
		fields := strings.Split(lines[i+1], ",")
		hit := false
		for j := range full.Inputs {
			if blank(i, j) {
				fields[j], hit = []string{"", "NA", "nan", "NULL"}[(i+j)%4], true
			}
		}
		if !hit {
			kept = append(kept, i)
		}
		lines[i+1] = strings.Join(fields, ",")
	}
	holes := strings.Join(lines, "\n") + "\n"

	d, rep, err := ReadCSVReport[float64](strings.NewReader(holes), "holes.csv", CSVOptions{Task: Binary, Missing: MissingDrop})
	if err != nil {
		t.Fatal(err)
	}
	checkDataset(t, d, full.Subset(kept))
	if rep.Rows != full.Len()-len(kept) || rep.Total != full.Len() {
		t.Errorf("report %v", rep)
	}
	for i, k := 0, 0; i < full.Len(); i++ {
		if k < len(kept) && kept[k] == i {
			k++
		} else if dropped := rep.Dropped[i-k]; dropped != i {
			t.Fatalf("rows left out: %d where %d was", dropped, i)
		}
	}
	if len(rep.Dropped) != rep.Rows {
		t.Errorf("%d rows listed as left out, %d were", len(rep.Dropped), rep.Rows)
	}

	d, rep, err = ReadCSVReport[float64](strings.NewReader(holes), "holes.csv", CSVOptions{Task: Binary, Missing: MissingMean})
	if err != nil {
		t.Fatal(err)
	}
	for j := range full.Inputs {
		sum, n := 0.0, 0
		for i := range full.Len() {
			if !blank(i, j) {
				sum += full.X[i*full.Inputs+j]
				n++
			}
		}
		mean := sum / float64(n)
		if rep.Fill[j] != mean {
			t.Errorf("feature %d: fill %v, want the mean %v", j, rep.Fill[j], mean)
		}
		for i := range full.Len() {
			want := full.X[i*full.Inputs+j]
			if blank(i, j) {
				want = mean
			}
			if got := d.X[i*d.Inputs+j]; got != want {
				t.Fatalf("row %d, feature %d: %v, want %v", i, j, got, want)
			}
		}
	}
}
