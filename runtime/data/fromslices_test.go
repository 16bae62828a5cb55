package data

import (
	"math"
	"path/filepath"
	"slices"
	"testing"
)

// TestFromSlicesDigits rebuilds the digits data set from its rows and
// class indices and checks it is the one ReadCSV makes.
func TestFromSlicesDigits(t *testing.T) {
	want, err := LoadCSV[float32](filepath.Join("..", "..", "examples", "digits", "digits.csv"), CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	x := make([][]float32, want.Len())
	y := make([]float32, want.Len())
	for i := range x {
		x[i], _ = want.Row(i)
		y[i] = float32(want.Labels[i])
	}
	got, err := FromSlices(x, y, Classification)
	if err != nil {
		t.Fatal(err)
	}
	got.Features, got.Target = want.Features, want.Target
	checkDataset(t, got, want)
	x[0][0] = -1 // the rows were copied
	if got.X[0] == -1 {
		t.Error("X shares its rows with x")
	}
}

func TestFromSlices(t *testing.T) {
	x := [][]float64{{1, 2}, {3, 4}, {5, 6}}
	checkDataset(t, mustSlices(t, x, []float64{0.5, -1, 2}, Regression), &Dataset[float64]{
		Task: Regression, Inputs: 2, Outputs: 1, X: []float64{1, 2, 3, 4, 5, 6}, Y: []float64{0.5, -1, 2},
	})
	checkDataset(t, mustSlices(t, x, []float64{1, 0, 1}, Binary), &Dataset[float64]{
		Task: Binary, Inputs: 2, Outputs: 1, X: []float64{1, 2, 3, 4, 5, 6}, Y: []float64{1, 0, 1},
		Labels: []int{1, 0, 1}, Classes: []string{"0", "1"},
	})
	checkDataset(t, mustSlices(t, x, []float64{2, 0, 2}, Classification), &Dataset[float64]{
		Task: Classification, Inputs: 2, Outputs: 3, X: []float64{1, 2, 3, 4, 5, 6},
		Y: []float64{0, 0, 1, 1, 0, 0, 0, 0, 1}, Labels: []int{2, 0, 2}, Classes: []string{"0", "1", "2"},
	})
	d := mustSlices(t, x, nil, Regression)
	if d.Outputs != 0 || d.Len() != 3 || d.Y != nil {
		t.Errorf("no targets: %+v", d)
	}

	nan := math.NaN()
	for _, tc := range []struct {
		x    [][]float64
		y    []float64
		task Task
		want string
	}{
		{nil, nil, Regression, "data: FromSlices: no rows"},
		{[][]float64{{}}, nil, Regression, "data: FromSlices: row 0 has no features"},
		{[][]float64{{1, 2}, {3}}, nil, Regression, "data: FromSlices: row 1 has 1 feature, row 0 has 2"},
		{[][]float64{{1, 2}, {3, nan}}, nil, Regression, "data: FromSlices: row 1, feature 1: NaN is not a finite number"},
		{x, []float64{1, 2}, Regression, "data: FromSlices: 2 targets for 3 rows"},
		{x, []float64{1, math.Inf(-1), 2}, Regression, "data: FromSlices: target 1: -Inf is not a finite number"},
		{x, []float64{0, 1, 2}, Binary, "data: FromSlices: target 2: 2 is not 0 or 1, as binary classification needs"},
		{x, []float64{0, 1.5, 2}, Classification, "data: FromSlices: target 1: 1.5 is not a class index, an integer from 0 to 65535"},
		{x, []float64{0, -1, 2}, Classification, "data: FromSlices: target 1: -1 is not a class index, an integer from 0 to 65535"},
		{x, []float64{0, 1e9, 2}, Classification, "data: FromSlices: target 1: 1e+09 is not a class index, an integer from 0 to 65535"},
		{x, []float64{0, nan, 2}, Classification, "data: FromSlices: target 1: NaN is not a class index, an integer from 0 to 65535"},
		{x, []float64{0, 0, 0}, Classification, "data: FromSlices: every target is class 0; classification needs at least 2 classes"},
		{x, nil, Task(5), "data: FromSlices: unknown task Task(5)"},
	} {
		if _, err := FromSlices(tc.x, tc.y, tc.task); err == nil || err.Error() != tc.want {
			t.Errorf("%v, %v: error %v\nwant %s", tc.x, tc.y, err, tc.want)
		}
	}
	if d := mustSlices(t, x, []float64{0, 0, 1}, Classification); !slices.Equal(d.Classes, []string{"0", "1"}) {
		t.Errorf("classes %q", d.Classes)
	}
}

func mustSlices(t *testing.T, x [][]float64, y []float64, task Task) *Dataset[float64] {
	t.Helper()
	d, err := FromSlices(x, y, task)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
