package train

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/testdata/golden/regression"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

const irisCSV = "../data/testdata/iris.csv"

func TestTask(t *testing.T) {
	for _, tc := range []struct {
		head    string
		outputs int
		want    data.Task
		err     string
	}{
		{"softmax", 3, data.Classification, ""},
		{"sigmoid", 1, data.Binary, ""},
		{"identity", 1, data.Regression, ""},
		{"sigmoid", 3, 0, "a model with 3 sigmoid outputs cannot read its targets from one CSV column"},
		{"identity", 2, 0, "a model with 2 identity outputs cannot read its targets from one CSV column"},
	} {
		got, err := Task(tc.head, tc.outputs)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Task(%s, %d) error = %v, want %s", tc.head, tc.outputs, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Task(%s, %d) = %v, %v", tc.head, tc.outputs, got, err)
		}
	}
}

func TestLoad(t *testing.T) {
	m := new(softmax.Classifier)
	d, err := Load(m, Sources{Train: irisCSV, TestSplit: 0.2, ValSplit: 0.25, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != 90 || d.Val.Len() != 30 || d.Test.Len() != 30 {
		t.Fatalf("parts: %d, %d, %d", d.Train.Len(), d.Val.Len(), d.Test.Len())
	}
	if got := d.Meta.Classes; len(got) != 3 || got[0] != "setosa" || d.Meta.Target != "species" {
		t.Errorf("meta: %+v", d.Meta)
	}
	// The training part is standardized: mean 0, standard deviation 1.
	for j := range 4 {
		var sum, sq float64
		for i := range d.Train.Len() {
			v := d.Train.X[i*4+j]
			sum += v
			sq += v * v
		}
		mean := sum / 90
		if math.Abs(mean) > 1e-12 || math.Abs(sq/90-mean*mean-1) > 1e-12 {
			t.Errorf("feature %d: mean %g, variance %g", j, mean, sq/90-mean*mean)
		}
	}
	// The same seed gives the same parts.
	again, err := Load(m, Sources{Train: irisCSV, TestSplit: 0.2, ValSplit: 0.25, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range d.Test.X {
		if again.Test.X[i] != v {
			t.Fatal("two loads with one seed differ")
		}
	}

	// ReadCSV applies the saved standardization: a file read with the
	// metadata matches the training part it was fitted on.
	raw, err := data.LoadCSV[float64](irisCSV, data.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	full, err := ReadCSV(m, irisCSV, d.Meta)
	if err != nil {
		t.Fatal(err)
	}
	if want := (raw.X[0] - d.Meta.Mean[0]) / d.Meta.Std[0]; math.Abs(full.X[0]-want) > 1e-12 {
		t.Errorf("standardized x = %g, want %g", full.X[0], want)
	}
}

func TestReadCSVErrors(t *testing.T) {
	dir := t.TempDir()
	write := writer(t, dir)
	narrow := write("narrow.csv", "a,b,c\n1,2,x\n3,4,y\n5,6,z\n")
	if _, err := ReadCSV(new(softmax.Classifier), narrow, Meta{}); err == nil || err.Error() != narrow+": 2 feature columns, the model takes 4 inputs" {
		t.Errorf("error = %v", err)
	}
	two := write("two.csv", "a,b,c,d,e\n1,2,3,4,x\n1,2,3,4,y\n")
	if _, err := ReadCSV(new(softmax.Classifier), two, Meta{}); err == nil || err.Error() != two+": 2 classes (x, y), the model has 3 outputs" {
		t.Errorf("error = %v", err)
	}
	if _, err := ReadCSV(new(regression.Sine), two, Meta{}); err == nil || err.Error() != "a model with 2 identity outputs cannot read its targets from one CSV column" {
		t.Errorf("error = %v", err)
	}
	unseen := write("unseen.csv", "a,b,c,d,species\n1,2,3,4,setosa\n1,2,3,4,rose\n")
	if _, err := ReadCSV(new(softmax.Classifier), unseen, Meta{Classes: []string{"setosa", "versicolor", "virginica"}, Target: "species"}); err == nil {
		t.Error("an unseen label is accepted")
	}
}

// irisWithHoles writes iris.csv to dir with some values missing: the
// petal width where the sepal length is above 6, the sepal width where
// it is below 5, so that holed reports whether the file has a hole in
// feature j of a row with sepal length x0.
func irisWithHoles(t *testing.T, dir string) (path string, holed func(x0 float64, j int) bool) {
	t.Helper()
	holed = func(x0 float64, j int) bool { return j == 3 && x0 > 6 || j == 1 && x0 < 5 }
	src, err := os.ReadFile(irisCSV)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(src), "\n"), "\n")
	for i := 1; i < len(lines); i++ {
		fields := strings.Split(lines[i], ",")
		x0, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			t.Fatal(err)
		}
		for j := range 4 {
			if holed(x0, j) {
				fields[j] = []string{"", "NA"}[i%2]
			}
		}
		lines[i] = strings.Join(fields, ",")
	}
	path = filepath.Join(dir, "holes.csv")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, holed
}

// TestLoadMissingMean checks that the missing values of a split file are
// filled in with the means of its training part alone, in every part.
func TestLoadMissingMean(t *testing.T) {
	m := new(softmax.Classifier)
	holes, holed := irisWithHoles(t, t.TempDir())
	src := Sources{Train: irisCSV, TestSplit: 0.2, ValSplit: 0.25, Seed: 3, NoStandardize: true}
	full, err := Load(m, src)
	if err != nil {
		t.Fatal(err)
	}
	src.Train, src.Missing = holes, data.MissingMean
	d, err := Load(m, src)
	if err != nil {
		t.Fatal(err)
	}
	// The means of the training part's values, holes left out.
	var sum [4]float64
	var n [4]int
	for i := range full.Train.Len() {
		x, _ := full.Train.Row(i)
		for j, v := range x {
			if !holed(x[0], j) {
				sum[j] += v
				n[j]++
			}
		}
	}
	var fill []float64
	for j := range 4 {
		fill = append(fill, sum[j]/float64(n[j]))
	}
	if !slices.Equal(d.Meta.Fill, fill) || d.Meta.Missing != data.MissingMean {
		t.Fatalf("fill %v (%v), want the training part's means %v", d.Meta.Fill, d.Meta.Missing, fill)
	}
	_, whole, err := data.LoadCSVReport[float64](holes, data.CSVOptions{Missing: data.MissingMean})
	if err != nil {
		t.Fatal(err)
	}
	if whole.Fill[3] == fill[3] {
		t.Fatalf("the whole file's mean %v is the training part's: the test cannot tell them apart", fill[3])
	}
	for _, p := range []struct {
		name      string
		got, want *data.Dataset[float64]
	}{{"train", d.Train, full.Train}, {"val", d.Val, full.Val}, {"test", d.Test, full.Test}} {
		for i := range p.want.Len() {
			x, _ := p.want.Row(i)
			for j, v := range x {
				if holed(x[0], j) {
					v = fill[j]
				}
				if got := p.got.X[i*4+j]; got != v {
					t.Fatalf("%s row %d, feature %d: %v, want %v", p.name, i, j, got, v)
				}
			}
		}
	}
	if len(d.Missing) != 1 || d.Missing[0].Path != holes || d.Missing[0].Report.Rows != whole.Rows {
		t.Errorf("reports %+v, want that of %s: %v", d.Missing, holes, whole)
	}

	// ReadCSV fills other data in with the saved means, then standardizes.
	std, err := Load(m, Sources{Train: holes, Missing: data.MissingMean})
	if err != nil {
		t.Fatal(err)
	}
	again, err := ReadCSV(m, holes, std.Meta)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again.X, std.Train.X) {
		t.Error("ReadCSV with the metadata of Load reads the training file otherwise")
	}
	if _, err := ReadCSV(m, holes, Meta{Missing: data.MissingMean}); err == nil ||
		err.Error() != "train: Meta.Missing is mean, but Meta.Fill holds no training means to fill in missing values with" {
		t.Errorf("error %v", err)
	}
	if _, err := ReadCSV(m, holes, Meta{}); err == nil || !strings.Contains(err.Error(), `column "sepal_width": missing value`) {
		t.Errorf("error %v, want a missing value", err)
	}
}

// TestLoadMissingFiles checks the policies on separate validation and
// test files, and the error of a training part without any value of a
// feature.
func TestLoadMissingFiles(t *testing.T) {
	m := new(softmax.Classifier)
	dir := t.TempDir()
	write := writer(t, dir)
	tr := write("train.csv", "a,b,c,d,y\n1,2,3,4,p\n3,,5,6,q\n5,6,7,8,r\n")
	val := write("val.csv", "a,b,c,d,y\n,1,1,1,q\n2,2,2,2,r\n")
	test := write("test.csv", "a,b,c,d,y\n9,9,9,9,p\n")
	src := Sources{Train: tr, Val: val, Test: test, NoStandardize: true, Missing: data.MissingDrop}
	d, err := Load(m, src)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != 2 || d.Val.Len() != 1 || d.Test.Len() != 1 || d.Meta.Missing != data.MissingDrop || d.Meta.Fill != nil {
		t.Errorf("parts of %d, %d, %d rows, meta %+v", d.Train.Len(), d.Val.Len(), d.Test.Len(), d.Meta)
	}
	var got []string
	for _, f := range d.Missing {
		got = append(got, filepath.Base(f.Path)+": "+f.Report.String())
	}
	want := []string{
		`train.csv: left out 1 of 3 rows with missing values: column "b" (1)`,
		`val.csv: left out 1 of 2 rows with missing values: column "a" (1)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("reports %q, want %q", got, want)
	}

	src.Missing = data.MissingMean
	if d, err = Load(m, src); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Meta.Fill, []float64{3, 4, 5, 6}) || !slices.Equal(d.Val.X, []float64{3, 1, 1, 1, 2, 2, 2, 2}) {
		t.Errorf("fill %v, validation %v", d.Meta.Fill, d.Val.X)
	}
	got = got[:0]
	for _, f := range d.Missing {
		got = append(got, filepath.Base(f.Path)+": "+f.Report.String())
	}
	want = []string{
		`train.csv: filled in 1 missing value in 1 of 3 rows with the column means: column "b" (1)`,
		`val.csv: filled in 1 missing value in 1 of 2 rows with the training means: column "a" (1)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("reports %q, want %q", got, want)
	}

	// Of three rows, a split of 0.5 trains on the last of data.Perm(3, 1).
	rows := []string{"1,2,3,4,p", "3,4,5,6,q", "5,6,7,8,r"}
	k := data.Perm(3, 1)[2]
	rows[k] = "0,,0,0," + rows[k][len(rows[k])-1:]
	one := write("one.csv", "a,b,c,d,y\n"+strings.Join(rows, "\n")+"\n")
	_, err = Load(m, Sources{Train: one, TestSplit: 0.5, Seed: 1, Missing: data.MissingMean})
	if err == nil || !strings.HasPrefix(err.Error(), one+` (its training part): column "b": every value is missing`) {
		t.Errorf("error %v", err)
	}
}
