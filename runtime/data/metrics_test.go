package data

import (
	"math"
	"slices"
	"testing"
)

func TestAccuracy(t *testing.T) {
	for _, tt := range []struct {
		pred, truth []int
		want        float64
	}{
		{[]int{0, 1, 2, 1}, []int{0, 1, 1, 1}, 0.75},
		{[]int{2, 2}, []int{2, 2}, 1},
		{[]int{0, 0, 0}, []int{1, 2, 1}, 0},
	} {
		if got := Accuracy(tt.pred, tt.truth); got != tt.want {
			t.Errorf("Accuracy(%v, %v) = %v, want %v", tt.pred, tt.truth, got, tt.want)
		}
	}
	if got := Accuracy(nil, nil); !math.IsNaN(got) {
		t.Errorf("Accuracy of nothing = %v, want NaN", got)
	}
}

func TestConfusionMatrix(t *testing.T) {
	pred := []int{0, 1, 2, 1, 0, 2, 2}
	truth := []int{0, 1, 1, 1, 2, 2, 0}
	want := [][]int{
		{1, 0, 1}, // true 0: predicted 0 once, 2 once
		{0, 2, 1}, // true 1
		{1, 0, 1}, // true 2
	}
	got := ConfusionMatrix(pred, truth, 3)
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("ConfusionMatrix = %v, want %v", got, want)
	}
	// Rows must not share capacity: appending to one must not clobber the next.
	_ = append(got[0], 7)
	if got[1][0] != 0 {
		t.Error("rows of the confusion matrix overlap")
	}
	for name, f := range map[string]func(){
		"pred out of range":  func() { ConfusionMatrix([]int{3}, []int{0}, 3) },
		"truth out of range": func() { ConfusionMatrix([]int{0}, []int{-1}, 3) },
		"length mismatch":    func() { ConfusionMatrix([]int{0}, nil, 3) },
	} {
		mustPanic(t, name, f)
	}
}

func TestRegressionMetrics(t *testing.T) {
	pred := []float32{1, 2, 3, 4}
	truth := []float32{1.5, 2, 1, 5}
	// Errors -0.5, 0, 2, -1: squares 0.25+0+4+1 = 5.25, absolutes 3.5.
	if got := MSE(pred, truth); got != 5.25/4 {
		t.Errorf("MSE = %v, want %v", got, 5.25/4)
	}
	if got := MAE(pred, truth); got != 3.5/4 {
		t.Errorf("MAE = %v, want %v", got, 3.5/4)
	}
	if !math.IsNaN(MSE[float64](nil, nil)) || !math.IsNaN(MAE[float64](nil, nil)) {
		t.Error("MSE or MAE of nothing is not NaN")
	}
	mustPanic(t, "MSE of a length mismatch", func() { MSE([]float64{1}, []float64{1, 2}) })
}
