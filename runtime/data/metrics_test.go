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

// near reports whether got is want up to rounding.
func near(got, want float64) bool { return math.Abs(got-want) <= 1e-15*max(1, math.Abs(want)) }

// The expected scores of the tests below are those that scikit-learn
// 1.2.1 prints (with NumPy 1.24) for the Python in each test's comment,
// after
//
//	import numpy as np
//	from sklearn.metrics import *

// TestClassificationReport scores classes of which one is never
// predicted (3), one never true (4) and one neither (5), which
// scikit-learn does not list and the macro average leaves out:
//
//	y_true = [0, 1, 2, 2, 1, 0, 3, 3, 1, 2, 0, 1, 2]
//	y_pred = [0, 2, 2, 2, 1, 1, 0, 1, 1, 2, 0, 4, 4]
//	classification_report(y_true, y_pred, zero_division=0, output_dict=True)
func TestClassificationReport(t *testing.T) {
	truth := []int{0, 1, 2, 2, 1, 0, 3, 3, 1, 2, 0, 1, 2}
	pred := []int{0, 2, 2, 2, 1, 1, 0, 1, 1, 2, 0, 4, 4}
	r := ClassificationReport(ClassCounts(ConfusionMatrix(pred, truth, 6)))
	want := Report{
		Classes: []Scores{
			{0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 3},
			{0.5, 0.5, 0.5, 4},
			{0.75, 0.75, 0.75, 4},
			{0, 0, 0, 2},
			{0, 0, 0, 0},
			{0, 0, 0, 0}, // not in scikit-learn's report
		},
		Macro:    Scores{0.3833333333333333, 0.3833333333333333, 0.3833333333333333, 13},
		Weighted: Scores{0.5384615384615384, 0.5384615384615384, 0.5384615384615384, 13},
	}
	checkReport(t, r, want)
}

// TestClassificationReportMultiLabel scores the labels of
//
//	Y = np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 1], [1, 1, 1], [0, 0, 0]])
//	P = np.array([[1, 0, 0], [0, 1, 1], [0, 1, 0], [1, 0, 1], [1, 0, 0], [0, 0, 1], [1, 1, 0], [0, 1, 0]])
//	classification_report(Y, P, zero_division=0, output_dict=True)
func TestClassificationReportMultiLabel(t *testing.T) {
	y := [][]int{{1, 0, 1}, {0, 1, 1}, {1, 1, 0}, {0, 0, 1}, {1, 0, 0}, {0, 1, 1}, {1, 1, 1}, {0, 0, 0}}
	p := [][]int{{1, 0, 0}, {0, 1, 1}, {0, 1, 0}, {1, 0, 1}, {1, 0, 0}, {0, 0, 1}, {1, 1, 0}, {0, 1, 0}}
	counts := make([]Counts, 3)
	for i := range y {
		for k := range counts {
			switch {
			case y[i][k] == 1 && p[i][k] == 1:
				counts[k].TP++
			case p[i][k] == 1:
				counts[k].FP++
			case y[i][k] == 1:
				counts[k].FN++
			}
		}
	}
	want := Report{
		Classes: []Scores{
			{0.75, 0.75, 0.75, 4},
			{0.75, 0.75, 0.75, 4},
			{1.0, 0.6, 0.7499999999999999, 5},
		},
		Macro:    Scores{0.8333333333333334, 0.7000000000000001, 0.75, 13},
		Weighted: Scores{0.8461538461538461, 0.6923076923076923, 0.75, 13},
	}
	checkReport(t, ClassificationReport(counts), want)

	// A label that never occurs scores 0 and is left out of the macro
	// average; with none occurring, every average is 0.
	r := ClassificationReport(append(counts, Counts{}))
	if r.Classes[3] != (Scores{}) || !near(r.Macro.F1, want.Macro.F1) {
		t.Errorf("with a label that never occurs: %+v, macro %+v", r.Classes[3], r.Macro)
	}
	if r := ClassificationReport([]Counts{{}, {}}); r.Macro != (Scores{}) || r.Weighted != (Scores{}) {
		t.Errorf("no label occurs: macro %+v, weighted %+v", r.Macro, r.Weighted)
	}
}

func checkReport(t *testing.T, got, want Report) {
	t.Helper()
	same := func(a, b Scores) bool {
		return near(a.Precision, b.Precision) && near(a.Recall, b.Recall) && near(a.F1, b.F1) && a.Support == b.Support
	}
	if !slices.EqualFunc(got.Classes, want.Classes, same) {
		t.Errorf("classes:\n%v\nwant\n%v", got.Classes, want.Classes)
	}
	if !same(got.Macro, want.Macro) || !same(got.Weighted, want.Weighted) {
		t.Errorf("macro %v, weighted %v\nwant %v, %v", got.Macro, got.Weighted, want.Macro, want.Weighted)
	}
}

// TestRanking compares ROCAUC and AveragePrecision with
//
//	roc_auc_score(y, s), average_precision_score(y, s)
//
// on scores with ties, in float64 and float32, with y and s as each case
// gives them.
func TestRanking(t *testing.T) {
	pos := func(y ...int) []bool {
		b := make([]bool, len(y))
		for i, v := range y {
			b[i] = v == 1
		}
		return b
	}
	check := func(name string, auc, ap func() (float64, error), wantAUC, wantAP float64) {
		t.Helper()
		gotAUC, err1 := auc()
		gotAP, err2 := ap()
		if err1 != nil || err2 != nil || !near(gotAUC, wantAUC) || !near(gotAP, wantAP) {
			t.Errorf("%s: ROC AUC %v (%v), AP %v (%v); want %v, %v", name, gotAUC, err1, gotAP, err2, wantAUC, wantAP)
		}
	}
	// y = [0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0]
	// s = [0.1, 0.4, 0.35, 0.8, 0.4, 0.35, 0.9, 0.2, 0.4, 0.05, 0.6, 0.6]
	y := pos(0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0)
	s := []float64{0.1, 0.4, 0.35, 0.8, 0.4, 0.35, 0.9, 0.2, 0.4, 0.05, 0.6, 0.6}
	check("ties", func() (float64, error) { return ROCAUC(s, y) }, func() (float64, error) { return AveragePrecision(s, y) },
		0.7638888888888888, 0.7757936507936507)
	// s32 = np.array([0.25, 0.5, 0.5, 0.75, 0.125, 0.5], dtype=np.float32); y32 = [0, 1, 0, 1, 0, 0]
	y32 := pos(0, 1, 0, 1, 0, 0)
	s32 := []float32{0.25, 0.5, 0.5, 0.75, 0.125, 0.5}
	check("float32", func() (float64, error) { return ROCAUC(s32, y32) }, func() (float64, error) { return AveragePrecision(s32, y32) },
		0.875, 0.75)
	// y = [0, 1, 1, 0, 1], s = [0.5] * 5: one threshold.
	tied := []float64{0.5, 0.5, 0.5, 0.5, 0.5}
	check("all tied", func() (float64, error) { return ROCAUC(tied, pos(0, 1, 1, 0, 1)) },
		func() (float64, error) { return AveragePrecision(tied, pos(0, 1, 1, 0, 1)) }, 0.5, 0.6)

	// Only one class: roc_auc_score([1, 1, 1], [0.2, 0.9, 0.4]) raises;
	// average_precision_score gives 1 for these labels, and for
	// [0, 0, 0] warns and gives -0.0, where we say it is undefined.
	three := []float64{0.2, 0.9, 0.4}
	if ap, err := AveragePrecision(three, pos(1, 1, 1)); ap != 1 || err != nil {
		t.Errorf("AP of positives only: %v, %v; want 1", ap, err)
	}
	for _, tt := range []struct {
		f    func() (float64, error)
		want string
	}{
		{func() (float64, error) { return ROCAUC(three, pos(1, 1, 1)) }, "ROC AUC is undefined: only one class present, all 3 samples are positive"},
		{func() (float64, error) { return ROCAUC(three, pos(0, 0, 0)) }, "ROC AUC is undefined: only one class present, all 3 samples are negative"},
		{func() (float64, error) { return AveragePrecision(three, pos(0, 0, 0)) }, "average precision is undefined: no positive sample among 3"},
		{func() (float64, error) { return ROCAUC([]float64{}, nil) }, "ROC AUC: no samples"},
		{func() (float64, error) { return AveragePrecision([]float64{0.1, math.NaN()}, pos(0, 1)) }, "average precision: score 1 is NaN"},
	} {
		if v, err := tt.f(); err == nil || err.Error() != tt.want {
			t.Errorf("got %v, error %v; want error %q", v, err, tt.want)
		}
	}
}

// TestR2 compares R2, MSE and MAE with
//
//	yt = [3, -0.5, 2, 7, 4.2]; yp = [2.5, 0.0, 2, 8, 4.0]
//	r2_score(yt, yp), mean_squared_error(yt, yp), mean_absolute_error(yt, yp)
//	r2_score([2, 2, 2], [2, 2, 2]), r2_score([2, 2, 2], [2, 3, 2]), r2_score([2.0], [1.0])
func TestR2(t *testing.T) {
	truth := []float64{3, -0.5, 2, 7, 4.2}
	pred := []float64{2.5, 0.0, 2, 8, 4.0}
	if r2, err := R2(pred, truth); err != nil || !near(r2, 0.9496600418410042) {
		t.Errorf("R2 = %v, %v; want 0.9496600418410042", r2, err)
	}
	if mse, mae := MSE(pred, truth), MAE(pred, truth); !near(mse, 0.308) || !near(mae, 0.44000000000000006) {
		t.Errorf("MSE %v, MAE %v; want 0.308, 0.44000000000000006", mse, mae)
	}
	// Constant targets: 1 for exact predictions, 0 otherwise, as
	// scikit-learn's force_finite.
	constant := []float32{2, 2, 2}
	if r2, err := R2(constant, constant); r2 != 1 || err != nil {
		t.Errorf("R2 of exact predictions of a constant = %v, %v; want 1", r2, err)
	}
	if r2, err := R2([]float32{2, 3, 2}, constant); r2 != 0 || err != nil {
		t.Errorf("R2 of other predictions of a constant = %v, %v; want 0", r2, err)
	}
	// scikit-learn warns and returns NaN.
	if _, err := R2([]float64{1}, []float64{2}); err == nil || err.Error() != "R² is undefined for fewer than 2 samples, got 1" {
		t.Errorf("R2 of one sample: error %v", err)
	}
}
