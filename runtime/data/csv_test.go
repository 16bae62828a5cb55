package data

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadCSVErrors(t *testing.T) {
	classes := []string{"a", "b"}
	tests := []struct {
		name string
		in   string
		opts CSVOptions
		want string
	}{
		{name: "empty", in: "", want: "data.csv: empty file"},
		{name: "BOM only", in: "\ufeff", want: "data.csv: empty file"},
		{name: "blank lines", in: "\n\r\n\n", want: "data.csv: empty file"},
		{name: "header only", in: "x1,x2,y\n", want: "data.csv: header but no data rows"},
		{name: "header only CRLF", in: "x1,x2,y\r\n", want: "data.csv: header but no data rows"},
		{
			name: "too few fields",
			in:   "x1,x2,y\n1,2,a\n3,a\n",
			want: "data.csv:3: row has 2 fields, want 3",
		},
		{
			name: "too many fields",
			in:   "x1,x2,y\n1,2,a\n\n3,4,5,a\n",
			want: "data.csv:4: row has 4 fields, want 3",
		},
		{
			name: "one field",
			in:   "x1,x2,y\n1,2,a\n3\n",
			want: "data.csv:3: row has 1 field, want 3",
		},
		{
			name: "not a number",
			in:   "x1,x2,x3,y\n1,2,3,a\n1,2,abc,b\n",
			want: `data.csv:3: column "x3": "abc" is not a number`,
		},
		{
			name: "NaN",
			in:   "x1,x2,y\n1,NaN,a\n",
			want: `data.csv:2: column "x2": "NaN" is not a finite number`,
		},
		{
			name: "Inf",
			in:   "x1,x2,y\n1,2,a\n-Inf,2,b\n",
			want: `data.csv:3: column "x1": "-Inf" is not a finite number`,
		},
		{
			name: "out of range",
			in:   "x1,x2,y\n1,1e400,a\n",
			want: `data.csv:2: column "x2": "1e400" is out of range for float64`,
		},
		{
			name: "decimal comma",
			in:   "x1,x2,y\n\"3,14\",2,a\n",
			want: `data.csv:2: column "x1": "3,14" is not a number: use a decimal point, not a comma`,
		},
		{
			name: "decimal comma semicolon separated",
			in:   "x1;x2;y\n1;2,5;a\n",
			opts: CSVOptions{Comma: ';'},
			want: `data.csv:2: column "x2": "2,5" is not a number: use a decimal point, not a comma`,
		},
		{
			name: "missing value",
			in:   "x1,x2,y\n1, ,a\n",
			want: `data.csv:2: column "x2": missing value`,
		},
		{
			name: "missing label",
			in:   "x1,x2,y\n1,2,\n",
			want: `data.csv:2: column "y": missing label`,
		},
		{
			name: "no header column index",
			in:   "1,2,a\nabc,2,b\n",
			opts: CSVOptions{NoHeader: true},
			want: `data.csv:2: column 0: "abc" is not a number`,
		},
		{
			name: "unnamed header column",
			in:   "x1,,y\n1,z,a\n",
			want: `data.csv:2: column 1: "z" is not a number`,
		},
		{
			name: "CRLF line numbers",
			in:   "x1,x2,y\r\n1,2,a\r\n1,2,b\r\n1,x,a\r\n",
			want: `data.csv:4: column "x2": "x" is not a number`,
		},
		{
			name: "line after multi-line field",
			in:   "x1,x2,y\n1,2,\"a\nb\"\n1,?,a\n",
			want: `data.csv:4: column "x2": "?" is not a number`,
		},
		{
			name: "bare quote",
			in:   "x1,x2,y\n1,2,a\n1,2\"3,b\n",
			want: `data.csv:3: bare " in non-quoted-field`,
		},
		{
			name: "unterminated quote",
			in:   "x1,x2,y\n1,2,\"a\n",
			want: `data.csv:2: extraneous or missing " in quoted-field`,
		},
		{
			name: "single column",
			in:   "y\na\n",
			want: "data.csv:1: need at least 2 columns, a feature and a target; found 1",
		},
		{
			name: "unknown target name",
			in:   "x1,x2,y\n1,2,a\n",
			opts: CSVOptions{Target: "z"},
			want: `data.csv:1: no column "z" in the header (its columns: "x1", "x2", "y")`,
		},
		{
			name: "misspelled target name",
			in:   "sepal_length,species\n1,a\n",
			opts: CSVOptions{Target: "specis"},
			want: `data.csv:1: no column "specis" in the header (did you mean "species"? its columns: "sepal_length", "species")`,
		},
		{
			name: "ambiguous target name",
			in:   "y,x,y\n1,2,a\n",
			opts: CSVOptions{Target: "y"},
			want: `data.csv:1: target column "y" appears more than once in the header`,
		},
		{
			name: "target index out of range",
			in:   "x1,x2,y\n1,2,a\n",
			opts: CSVOptions{TargetIndex: new(3)},
			want: "data.csv:1: target column 3 out of range: rows have 3 fields",
		},
		{
			name: "negative target index",
			in:   "1,2,a\n",
			opts: CSVOptions{NoHeader: true, TargetIndex: new(-1)},
			want: "data.csv:1: target column -1 out of range: rows have 3 fields",
		},
		{
			name: "unknown class",
			in:   "x,y\n1,a\n2,b\n3,c\n",
			opts: CSVOptions{Classes: classes},
			want: `data.csv:4: column "y": label "c" is not one of the 2 given classes`,
		},
		{
			name: "unknown integer class",
			in:   "x,y\n1,0\n2,2\n",
			opts: CSVOptions{Classes: []string{"0", "1"}},
			want: `data.csv:3: column "y": label "2" is not one of the 2 given classes`,
		},
		{
			name: "binary with three labels",
			in:   "x,y\n1,a\n2,b\n3,c\n",
			opts: CSVOptions{Task: Binary},
			want: `data.csv: column "y" has 3 distinct labels, binary classification needs exactly 2`,
		},
		{
			name: "binary with one label",
			in:   "x,y\n1,a\n2,a\n",
			opts: CSVOptions{Task: Binary},
			want: `data.csv: column "y" has 1 distinct label, binary classification needs exactly 2`,
		},
		{
			name: "classification with one label",
			in:   "x,y\n1,a\n2,a\n",
			want: `data.csv: column "y" has only 1 distinct label, "a"; classification needs at least 2`,
		},
		{
			name: "regression target not a number",
			in:   "x,y\n1,2\n2,two\n",
			opts: CSVOptions{Task: Regression},
			want: `data.csv:3: column "y": "two" is not a number`,
		},
		{
			name: "regression target NaN",
			in:   "x,y\n1,nan\n",
			opts: CSVOptions{Task: Regression},
			want: `data.csv:2: column "y": "nan" is not a finite number`,
		},
		{
			name: "Target and TargetIndex",
			in:   "x,y\n1,a\n",
			opts: CSVOptions{Target: "y", TargetIndex: new(1)},
			want: "data: CSVOptions.Target and TargetIndex are both set",
		},
		{
			name: "Target without header",
			in:   "1,a\n",
			opts: CSVOptions{Target: "y", NoHeader: true},
			want: `data: target column "y" given by name, but the file has no header`,
		},
		{
			name: "unknown task",
			in:   "x,y\n1,a\n",
			opts: CSVOptions{Task: Task(7)},
			want: "data: unknown task Task(7)",
		},
		{
			name: "classes for regression",
			in:   "x,y\n1,2\n",
			opts: CSVOptions{Task: Regression, Classes: classes},
			want: "data: CSVOptions.Classes given for regression",
		},
		{
			name: "binary with three classes",
			in:   "x,y\n1,a\n",
			opts: CSVOptions{Task: Binary, Classes: []string{"a", "b", "c"}},
			want: "data: binary classification needs 2 classes, CSVOptions.Classes has 3",
		},
		{
			name: "one class",
			in:   "x,y\n1,a\n",
			opts: CSVOptions{Classes: []string{"a"}},
			want: "data: classification needs at least 2 classes, CSVOptions.Classes has 1",
		},
		{
			name: "duplicate class",
			in:   "x,y\n1,a\n",
			opts: CSVOptions{Classes: []string{"a", "b", "a"}},
			want: `data: CSVOptions.Classes: class "a" is listed twice`,
		},
		{
			name: "duplicate integer class",
			in:   "x,y\n1,1\n",
			opts: CSVOptions{Classes: []string{"1", "2", "01"}},
			want: `data: CSVOptions.Classes: class "01" is listed twice`,
		},
		{
			name: "empty class",
			in:   "x,y\n1,a\n",
			opts: CSVOptions{Classes: []string{"a", ""}},
			want: "data: CSVOptions.Classes: empty class name",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ReadCSV[float64](strings.NewReader(tt.in), "data.csv", tt.opts)
			if err == nil {
				t.Fatalf("got no error and %d rows, want %q", d.Len(), tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("got error\n\t%s\nwant\n\t%s", err, tt.want)
			}
		})
	}
}

func TestReadCSVErrorNames(t *testing.T) {
	for _, tt := range []struct {
		in, want string
	}{
		{"x,y\n1,a\nz,b\n", `line 3: column "x": "z" is not a number`},
		{"", "data: empty file"},
	} {
		_, err := ReadCSV[float64](strings.NewReader(tt.in), "", CSVOptions{})
		if err == nil || err.Error() != tt.want {
			t.Errorf("ReadCSV(%q) with no name: got error %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestReadCSVFloat32Range(t *testing.T) {
	const in = "x,y\n1e39,a\n1,b\n"
	_, err := ReadCSV[float32](strings.NewReader(in), "data.csv", CSVOptions{})
	const want = `data.csv:2: column "x": "1e39" is out of range for float32`
	if err == nil || err.Error() != want {
		t.Errorf("got error %v, want %q", err, want)
	}
	if _, err := ReadCSV[float64](strings.NewReader(in), "data.csv", CSVOptions{}); err != nil {
		t.Errorf("float64: unexpected error %v", err)
	}
}

func TestReadCSVErrorWrapping(t *testing.T) {
	_, err := LoadCSV[float64](filepath.Join(t.TempDir(), "missing.csv"), CSVOptions{})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: got %v, want an fs.ErrNotExist error", err)
	}
}

func TestReadCSVReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("x,y\n1,a\n"), iotest.ErrReader(boom))
	_, err := ReadCSV[float64](r, "data.csv", CSVOptions{})
	if !errors.Is(err, boom) || err.Error() != "data.csv: boom" {
		t.Errorf("got error %v, want data.csv: boom", err)
	}
}

func TestTaskString(t *testing.T) {
	for task, want := range map[Task]string{
		Classification: "classification",
		Binary:         "binary classification",
		Regression:     "regression",
		Task(-1):       "Task(-1)",
	} {
		if got := task.String(); got != want {
			t.Errorf("Task(%d).String() = %q, want %q", int(task), got, want)
		}
	}
}

func mustRead[T Float](t *testing.T, in string, opts CSVOptions) *Dataset[T] {
	t.Helper()
	d, err := ReadCSV[T](strings.NewReader(in), "test.csv", opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// checkDataset compares d with a wanted dataset field by field.
func checkDataset[T Float](t *testing.T, got, want *Dataset[T]) {
	t.Helper()
	if got.Task != want.Task || got.Inputs != want.Inputs || got.Outputs != want.Outputs {
		t.Errorf("got task %v, %d inputs, %d outputs; want %v, %d, %d",
			got.Task, got.Inputs, got.Outputs, want.Task, want.Inputs, want.Outputs)
	}
	if !slices.Equal(got.X, want.X) {
		t.Errorf("X = %v, want %v", got.X, want.X)
	}
	if !slices.Equal(got.Y, want.Y) {
		t.Errorf("Y = %v, want %v", got.Y, want.Y)
	}
	if !slices.Equal(got.Labels, want.Labels) || (got.Labels == nil) != (want.Labels == nil) {
		t.Errorf("Labels = %#v, want %#v", got.Labels, want.Labels)
	}
	if !slices.Equal(got.Classes, want.Classes) || (got.Classes == nil) != (want.Classes == nil) {
		t.Errorf("Classes = %#v, want %#v", got.Classes, want.Classes)
	}
	if !slices.Equal(got.Features, want.Features) || (got.Features == nil) != (want.Features == nil) {
		t.Errorf("Features = %#v, want %#v", got.Features, want.Features)
	}
	if got.Target != want.Target {
		t.Errorf("Target = %q, want %q", got.Target, want.Target)
	}
}

func TestReadCSV(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts CSVOptions
		want *Dataset[float64]
	}{
		{
			name: "header, string labels in sorted order",
			in:   "a,b,kind\n1,2,dog\n3,4,cat\n5,6,emu\n7,8,cat\n",
			want: &Dataset[float64]{
				Task: Classification, Inputs: 2, Outputs: 3,
				X:        []float64{1, 2, 3, 4, 5, 6, 7, 8},
				Y:        []float64{0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0},
				Labels:   []int{1, 0, 2, 0},
				Classes:  []string{"cat", "dog", "emu"},
				Features: []string{"a", "b"},
				Target:   "kind",
			},
		},
		{
			name: "byte order of string labels",
			in:   "a,k\n1,b\n2,B\n3,a\n4,10\n",
			want: &Dataset[float64]{
				Task: Classification, Inputs: 1, Outputs: 4,
				X:        []float64{1, 2, 3, 4},
				Y:        []float64{0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0},
				Labels:   []int{3, 1, 2, 0},
				Classes:  []string{"10", "B", "a", "b"},
				Features: []string{"a"},
				Target:   "k",
			},
		},
		{
			name: "integer labels in numeric order",
			in:   "x,digit\n1,10\n2,2\n3,-1\n4,02\n5, +10 \n",
			want: &Dataset[float64]{
				Task: Classification, Inputs: 1, Outputs: 3,
				X:        []float64{1, 2, 3, 4, 5},
				Y:        []float64{0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1},
				Labels:   []int{2, 1, 0, 1, 2},
				Classes:  []string{"-1", "2", "10"},
				Features: []string{"x"},
				Target:   "digit",
			},
		},
		{
			name: "given classes keep their order",
			in:   "x,y\n1,b\n2,c\n",
			opts: CSVOptions{Classes: []string{"c", "b", "a"}},
			want: &Dataset[float64]{
				Task: Classification, Inputs: 1, Outputs: 3,
				X:        []float64{1, 2},
				Y:        []float64{0, 1, 0, 1, 0, 0},
				Labels:   []int{1, 0},
				Classes:  []string{"c", "b", "a"},
				Features: []string{"x"},
				Target:   "y",
			},
		},
		{
			name: "given integer classes match by value",
			in:   "x,y\n1,07\n2,0\n",
			opts: CSVOptions{Classes: []string{"0", "3", "7"}},
			want: &Dataset[float64]{
				Task: Classification, Inputs: 1, Outputs: 3,
				X:        []float64{1, 2},
				Y:        []float64{0, 0, 1, 1, 0, 0},
				Labels:   []int{2, 0},
				Classes:  []string{"0", "3", "7"},
				Features: []string{"x"},
				Target:   "y",
			},
		},
		{
			name: "no header, default target is last",
			in:   "1,2,1\n3,4,0\n",
			opts: CSVOptions{NoHeader: true},
			want: &Dataset[float64]{
				Task: Classification, Inputs: 2, Outputs: 2,
				X:       []float64{1, 2, 3, 4},
				Y:       []float64{0, 1, 1, 0},
				Labels:  []int{1, 0},
				Classes: []string{"0", "1"},
			},
		},
		{
			name: "no header, target by index",
			in:   "b,1,2\na,3,4\n",
			opts: CSVOptions{NoHeader: true, TargetIndex: new(0)},
			want: &Dataset[float64]{
				Task: Classification, Inputs: 2, Outputs: 2,
				X:       []float64{1, 2, 3, 4},
				Y:       []float64{0, 1, 1, 0},
				Labels:  []int{1, 0},
				Classes: []string{"a", "b"},
			},
		},
		{
			name: "header, target by index",
			in:   "x1,y,x2\n1,b,2\n3,a,4\n",
			opts: CSVOptions{TargetIndex: new(1)},
			want: &Dataset[float64]{
				Task: Classification, Inputs: 2, Outputs: 2,
				X:        []float64{1, 2, 3, 4},
				Y:        []float64{0, 1, 1, 0},
				Labels:   []int{1, 0},
				Classes:  []string{"a", "b"},
				Features: []string{"x1", "x2"},
				Target:   "y",
			},
		},
		{
			name: "target by name, spaces and quotes",
			in:   "\"x 1\", label ,x2\n 1.5 ,no,-2e-1\n3,yes,\"4\"\n",
			opts: CSVOptions{Target: "label", Task: Binary},
			want: &Dataset[float64]{
				Task: Binary, Inputs: 2, Outputs: 1,
				X:        []float64{1.5, -0.2, 3, 4},
				Y:        []float64{0, 1},
				Labels:   []int{0, 1},
				Classes:  []string{"no", "yes"},
				Features: []string{"x 1", "x2"},
				Target:   "label",
			},
		},
		{
			name: "binary with given classes",
			in:   "x,y\n1,pos\n2,pos\n",
			opts: CSVOptions{Task: Binary, Classes: []string{"pos", "neg"}},
			want: &Dataset[float64]{
				Task: Binary, Inputs: 1, Outputs: 1,
				X:        []float64{1, 2},
				Y:        []float64{0, 0},
				Labels:   []int{0, 0},
				Classes:  []string{"pos", "neg"},
				Features: []string{"x"},
				Target:   "y",
			},
		},
		{
			name: "binary integer labels",
			in:   "x,y\n1,1\n2,-1\n",
			opts: CSVOptions{Task: Binary},
			want: &Dataset[float64]{
				Task: Binary, Inputs: 1, Outputs: 1,
				X:        []float64{1, 2},
				Y:        []float64{1, 0},
				Labels:   []int{1, 0},
				Classes:  []string{"-1", "1"},
				Features: []string{"x"},
				Target:   "y",
			},
		},
		{
			name: "regression",
			in:   "price,x1,x2\n10.5,1,2\n-3,3,4\n",
			opts: CSVOptions{Task: Regression, Target: "price"},
			want: &Dataset[float64]{
				Task: Regression, Inputs: 2, Outputs: 1,
				X:        []float64{1, 2, 3, 4},
				Y:        []float64{10.5, -3},
				Features: []string{"x1", "x2"},
				Target:   "price",
			},
		},
		{
			name: "semicolons",
			in:   "x;y\n1.25;a\n2;b\n",
			opts: CSVOptions{Comma: ';'},
			want: &Dataset[float64]{
				Task: Classification, Inputs: 1, Outputs: 2,
				X:        []float64{1.25, 2},
				Y:        []float64{1, 0, 0, 1},
				Labels:   []int{0, 1},
				Classes:  []string{"a", "b"},
				Features: []string{"x"},
				Target:   "y",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkDataset(t, mustRead[float64](t, tt.in, tt.opts), tt.want)
		})
	}
}

func TestReadCSVBOMAndCRLF(t *testing.T) {
	const plain = "x1,x2,y\n1,2,a\n3,\"4\",b\n5,6,a\n"
	want := mustRead[float64](t, plain, CSVOptions{})
	crlf := strings.ReplaceAll(plain, "\n", "\r\n")
	for name, in := range map[string]string{
		"BOM":           "\ufeff" + plain,
		"CRLF":          crlf,
		"BOM and CRLF":  "\ufeff" + crlf,
		"no final EOL":  strings.TrimSuffix(crlf, "\r\n"),
		"BOM, no final": "\ufeff" + strings.TrimSuffix(plain, "\n"),
	} {
		t.Run(name, func(t *testing.T) {
			got := mustRead[float64](t, in, CSVOptions{})
			checkDataset(t, got, want)
		})
	}
	// The BOM must not end up in the first column's name.
	d := mustRead[float64](t, "\ufeffprice,x\r\n1,2\r\n", CSVOptions{Target: "price", Task: Regression})
	if d.Target != "price" || !slices.Equal(d.Y, []float64{1}) {
		t.Errorf("target %q with Y = %v, want price with [1]", d.Target, d.Y)
	}
	// A BOM-prefixed file without a header: the BOM must not break the
	// first number.
	d = mustRead[float64](t, "\ufeff1.5,a\r\n2,b\r\n", CSVOptions{NoHeader: true})
	if !slices.Equal(d.X, []float64{1.5, 2}) {
		t.Errorf("X = %v, want [1.5 2]", d.X)
	}
}

func TestReadCSVFloat32(t *testing.T) {
	d := mustRead[float32](t, "x,y\n0.1,1.5\n3.4028234e38,2\n", CSVOptions{Task: Regression})
	if want := []float32{0.1, 3.4028234e38}; !slices.Equal(d.X, want) {
		t.Errorf("X = %v, want %v", d.X, want)
	}
	if want := []float32{1.5, 2}; !slices.Equal(d.Y, want) {
		t.Errorf("Y = %v, want %v", d.Y, want)
	}
}

func TestLoadCSVIris(t *testing.T) {
	d, err := LoadCSV[float32](filepath.Join("testdata", "iris.csv"), CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 150 || d.Inputs != 4 || d.Outputs != 3 {
		t.Fatalf("got %d rows, %d inputs, %d outputs; want 150, 4, 3", d.Len(), d.Inputs, d.Outputs)
	}
	if want := []string{"setosa", "versicolor", "virginica"}; !slices.Equal(d.Classes, want) {
		t.Errorf("Classes = %q, want %q", d.Classes, want)
	}
	if want := []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}; !slices.Equal(d.Features, want) {
		t.Errorf("Features = %q, want %q", d.Features, want)
	}
	counts := make([]int, 3)
	for _, l := range d.Labels {
		counts[l]++
	}
	if !slices.Equal(counts, []int{50, 50, 50}) {
		t.Errorf("class counts %v, want 50 each", counts)
	}
	x, y := d.Row(0)
	if !slices.Equal(x, []float32{5.1, 3.5, 1.4, 0.2}) || !slices.Equal(y, []float32{1, 0, 0}) {
		t.Errorf("row 0 = %v, %v", x, y)
	}

	// Reading again with the saved class list gives the same encoding.
	again, err := LoadCSV[float32](filepath.Join("testdata", "iris.csv"), CSVOptions{Classes: d.Classes})
	if err != nil {
		t.Fatal(err)
	}
	checkDataset(t, again, d)
}

func TestReadCSVNoTarget(t *testing.T) {
	d, err := ReadCSV[float64](strings.NewReader("a,b\n1,2\n3,4.5\n"), "in.csv", CSVOptions{NoTarget: true})
	if err != nil {
		t.Fatal(err)
	}
	if d.Inputs != 2 || d.Outputs != 0 || d.Len() != 2 || !slices.Equal(d.X, []float64{1, 2, 3, 4.5}) || len(d.Y) != 0 || !slices.Equal(d.Features, []string{"a", "b"}) {
		t.Errorf("data set: %+v", d)
	}
	_, err = ReadCSV[float64](strings.NewReader("a,b\n1,x\n"), "in.csv", CSVOptions{NoTarget: true})
	if err == nil || err.Error() != `in.csv:2: column "b": "x" is not a number` {
		t.Errorf("error = %v", err)
	}
	_, err = ReadCSV[float64](strings.NewReader("a\n1\n"), "in.csv", CSVOptions{NoTarget: true, Target: "a"})
	if err == nil || err.Error() != "data: CSVOptions.NoTarget excludes Target, TargetIndex and Classes" {
		t.Errorf("error = %v", err)
	}
}

// TestReadCSVFeaturesByName checks that with CSVOptions.Features the
// columns are matched by name, in any order, and that a missing, unknown
// or repeated column is an error listing both sets.
func TestReadCSVFeaturesByName(t *testing.T) {
	opts := CSVOptions{Features: []string{"a", "b", "c"}}
	d, err := ReadCSV[float64](strings.NewReader("c,y,a,b\n3,p,1,2\n6,q,4,5\n"), "in.csv", CSVOptions{Target: "y", Features: opts.Features})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.X, []float64{1, 2, 3, 4, 5, 6}) || !slices.Equal(d.Features, opts.Features) {
		t.Errorf("X = %v, Features = %q", d.X, d.Features)
	}
	// Without a header the columns are taken in file order.
	d, err = ReadCSV[float64](strings.NewReader("3,1,2,p\n6,4,5,q\n"), "in.csv", CSVOptions{NoHeader: true, Features: opts.Features})
	if err != nil || !slices.Equal(d.X, []float64{3, 1, 2, 6, 4, 5}) {
		t.Errorf("no header: X = %v, error %v", d.X, err)
	}
	for _, tc := range []struct{ in, want string }{
		{"a,b,y\n1,2,p\n", `in.csv:1: the feature columns do not match the model's: missing "c" (the model's: "a", "b", "c"; the file's: "a", "b")`},
		{"a,b,x,c,y\n1,2,3,4,p\n", `in.csv:1: the feature columns do not match the model's: unknown "x" (the model's: "a", "b", "c"; the file's: "a", "b", "x", "c")`},
		{"a,B,c2,y\n1,2,3,p\n", `in.csv:1: the feature columns do not match the model's: missing "b", "c"; unknown "B", "c2" (the model's: "a", "b", "c"; the file's: "a", "B", "c2")`},
		{"a,b,c,a,y\n1,2,3,4,p\n", `in.csv:1: column "a" appears more than once in the header`},
	} {
		if _, err := ReadCSV[float64](strings.NewReader(tc.in), "in.csv", opts); err == nil || err.Error() != tc.want {
			t.Errorf("%q: error %v\nwant %s", tc.in, err, tc.want)
		}
	}
}

// TestReadCSVIgnore checks that ignored columns are skipped whatever
// they hold, and that they need not be present.
func TestReadCSVIgnore(t *testing.T) {
	for _, in := range []string{"a,label,b\n1,,2\n3,eel,4\n", "a,b\n1,2\n3,4\n", "note,a,b,label\nx,1,2,y\n,3,4,z\n"} {
		d, err := ReadCSV[float64](strings.NewReader(in), "in.csv", CSVOptions{NoTarget: true, Ignore: []string{"label", "note"}})
		if err != nil || !slices.Equal(d.X, []float64{1, 2, 3, 4}) || !slices.Equal(d.Features, []string{"a", "b"}) {
			t.Errorf("%q: X = %v, error %v", in, d.X, err)
		}
	}
}

// TestReadCSVMaxClasses checks that too many classes are reported before
// rows × classes targets are allocated.
func TestReadCSVMaxClasses(t *testing.T) {
	var b strings.Builder
	b.WriteString("x,y\n")
	const rows = 200_000
	for i := range rows {
		fmt.Fprintf(&b, "1,%d\n", i)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadCSV[float64](strings.NewReader(b.String()), "in.csv", CSVOptions{MaxClasses: 3})
	runtime.ReadMemStats(&after)
	want := `in.csv: column "y" has 200000 distinct labels ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", … (200000 in all)), more than the 3 classes expected`
	if err == nil || err.Error() != want {
		t.Errorf("error %v\nwant %s", err, want)
	}
	if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 1000 {
		t.Errorf("allocated %d MB", mb)
	}
}
