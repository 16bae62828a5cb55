package train

import (
	"math"
	"os"
	"path/filepath"
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
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
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
