package train

import (
	"context"
	"errors"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/gradcheck"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/testdata/golden/mixed32"
	multilabel "github.com/nngen/nngen/testdata/golden/multilabel"
	"github.com/nngen/nngen/testdata/golden/regression"
	"github.com/nngen/nngen/testdata/golden/sigmoid"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

// randomSet returns n samples of random features and targets of the kind
// the head calls for.
func randomSet[T model.Float](r *rand.Rand, n, in, out int, head string) *data.Dataset[T] {
	d := &data.Dataset[T]{Inputs: in, Outputs: out, X: make([]T, n*in)}
	for i := range d.X {
		d.X[i] = T(r.NormFloat64())
	}
	d.Y = gradcheck.Targets[T](head, out, n, r)
	return d
}

// checkLossAgrees compares the loss of Evaluate with the summed loss that
// TrainBatch returns, divided by the number of samples.
func checkLossAgrees[T model.Float, M any, P model.Model[T, M]](t *testing.T, m P, tol float64) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	m.Init(5)
	for i := range m.Params() { // non-zero biases
		m.Params()[i] += T(0.2 * r.NormFloat64())
	}
	w := m.Widths()
	d := randomSet[T](r, 300, w[0], w[len(w)-1], m.Head()) // more than one evaluation batch
	met, err := Evaluate(m, d)
	if err != nil {
		t.Fatal(err)
	}
	want := float64(m.TrainBatch(new(M), d.X, d.Y)) / float64(d.Len())
	if met.N != 300 || math.Abs(met.Loss-want) > tol*math.Abs(want) {
		t.Errorf("Evaluate: %d samples, loss %v; TrainBatch: loss %v (relative difference %.2g)",
			met.N, met.Loss, want, math.Abs(met.Loss-want)/want)
	}
	t.Logf("loss %v, relative difference %.2g", met.Loss, math.Abs(met.Loss-want)/want)
}

func TestEvaluateLossAgreesWithTrainBatch(t *testing.T) {
	t.Run("softmax", func(t *testing.T) { checkLossAgrees(t, new(softmax.Classifier), 1e-12) })
	t.Run("sigmoid", func(t *testing.T) { checkLossAgrees(t, new(sigmoid.Binary), 1e-10) })
	// log(1−p) computed from p loses digits when p is near 1.
	t.Run("multilabel", func(t *testing.T) { checkLossAgrees(t, new(multilabel.Tagger), 1e-10) })
	t.Run("regression", func(t *testing.T) { checkLossAgrees(t, new(regression.Sine), 1e-12) })
	t.Run("float32", func(t *testing.T) { checkLossAgrees(t, new(mixed32.Small), 1e-5) })
}

// sc returns the scores of a class, or averages.
func sc(precision, recall, f1 float64, support int) data.Scores {
	return data.Scores{Precision: precision, Recall: recall, F1: f1, Support: support}
}

// TestEvaluateZeroWeights evaluates models whose parameters are all zero,
// whose outputs are known exactly.
func TestEvaluateZeroWeights(t *testing.T) {
	t.Run("softmax", func(t *testing.T) {
		// Every output is 1/3: the loss is log 3 and the prediction class 0
		// (the first of the tied outputs).
		d := &data.Dataset[float64]{Inputs: 4, Outputs: 3, X: make([]float64, 5*4),
			Y: []float64{1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0}}
		met, err := Evaluate(new(softmax.Classifier), d)
		if err != nil {
			t.Fatal(err)
		}
		want := Metrics{N: 5, Loss: math.Log(3), Accuracy: 0.4, Confusion: [][]int{{2, 0, 0}, {1, 0, 0}, {2, 0, 0}},
			Report: data.Report{
				// Class 0: 2 of 5 predictions right, both its samples found.
				Classes:  []data.Scores{sc(0.4, 1, 4.0/7, 2), sc(0, 0, 0, 1), sc(0, 0, 0, 2)},
				Macro:    sc(0.4/3, 1.0/3, 4.0/21, 5),
				Weighted: sc(0.16, 0.4, 8.0/35, 5),
			}}
		if !sameMetrics(met, want, 1e-15) {
			t.Errorf("Evaluate = %+v, want %+v", met, want)
		}
	})
	t.Run("sigmoid", func(t *testing.T) {
		// p = 0.5 everywhere: predicted 1, loss log 2.
		d := &data.Dataset[float64]{Inputs: 5, Outputs: 1, X: make([]float64, 4*5), Y: []float64{1, 0, 0, 0}}
		met, err := Evaluate(new(sigmoid.Binary), d)
		if err != nil {
			t.Fatal(err)
		}
		want := Metrics{N: 4, Loss: math.Log(2), Accuracy: 0.25, Confusion: [][]int{{0, 3}, {0, 1}},
			Report: data.Report{
				Classes:  []data.Scores{sc(0, 0, 0, 3), sc(0.25, 1, 0.4, 1)},
				Macro:    sc(0.125, 0.5, 0.2, 4),
				Weighted: sc(0.0625, 0.25, 0.1, 4),
			},
			// Every output ties: ROC AUC ½, AP the fraction of positives.
			ROCAUC: 0.5, AP: 0.25, Outputs: []OutputMetrics{{ROCAUC: 0.5, AP: 0.25}}}
		if !sameMetrics(met, want, 1e-15) {
			t.Errorf("Evaluate = %+v, want %+v", met, want)
		}
	})
	t.Run("multilabel", func(t *testing.T) {
		// Three outputs per sample, each predicted 1: 4 of 6 are right.
		// The loss is averaged over the outputs, as PyTorch's BCELoss does:
		// log 2.
		d := &data.Dataset[float64]{Inputs: 6, Outputs: 3, X: make([]float64, 2*6), Y: []float64{1, 0, 1, 1, 1, 0}}
		met, err := Evaluate(new(multilabel.Tagger), d)
		if err != nil {
			t.Fatal(err)
		}
		// Each output is one class of the report: all predicted 1.
		want := Metrics{N: 2, Loss: math.Log(2), Accuracy: 4.0 / 6,
			Report: data.Report{
				Classes:  []data.Scores{sc(1, 1, 1, 2), sc(0.5, 1, 2.0/3, 1), sc(0.5, 1, 2.0/3, 1)},
				Macro:    sc(2.0/3, 1, 7.0/9, 4),
				Weighted: sc(0.75, 1, 5.0/6, 4),
			},
			// Output 0 is 1 for both samples: its ROC AUC is undefined.
			ROCAUC: math.NaN(), AP: 2.0 / 3,
			Undefined: map[string]string{"roc_auc": "output 0: ROC AUC is undefined: only one class present, all 2 samples are positive"},
			Outputs: []OutputMetrics{
				{ROCAUC: math.NaN(), AP: 1, Undefined: map[string]string{"roc_auc": "ROC AUC is undefined: only one class present, all 2 samples are positive"}},
				{ROCAUC: 0.5, AP: 0.5}, {ROCAUC: 0.5, AP: 0.5}}}
		if !sameMetrics(met, want, 1e-15) {
			t.Errorf("Evaluate = %+v, want %+v", met, want)
		}
	})
	t.Run("regression", func(t *testing.T) {
		// Outputs 0: errors are the targets.
		d := &data.Dataset[float64]{Inputs: 1, Outputs: 2, X: make([]float64, 2), Y: []float64{1, -2, 3, 0.5}}
		met, err := Evaluate(new(regression.Sine), d)
		if err != nil {
			t.Fatal(err)
		}
		mse := (1 + 4 + 9 + 0.25) / 4.0
		// Output 0 has targets 1 and 3, mean 2: R² = 1 − 10/2; output 1
		// −2 and 0.5, mean −0.75: R² = 1 − 4.25/3.125.
		want := Metrics{N: 2, Loss: mse, MSE: mse, MAE: 6.5 / 4, R2: (-4 + 1 - 4.25/3.125) / 2,
			Outputs: []OutputMetrics{{MSE: 5, MAE: 2, R2: -4}, {MSE: 2.125, MAE: 1.25, R2: 1 - 4.25/3.125}}}
		if !sameMetrics(met, want, 1e-15) {
			t.Errorf("Evaluate = %+v, want %+v", met, want)
		}
	})
}

// TestEvaluateAgainstData compares the metrics of a trained model with
// those of package data, computed from the model's per-sample outputs.
func TestEvaluateAgainstData(t *testing.T) {
	tr, val, _ := iris(t)
	var m softmax.Classifier
	m.Init(softmax.ClassifierSeed)
	for i, p := range m.Params() {
		m.Params()[i] = p * 0.7
	}
	full := tr.Subset(slices.Collect(func(yield func(int) bool) {
		for i := range 300 { // more than one evaluation batch
			if !yield(i % tr.Len()) {
				return
			}
		}
	}))
	for _, d := range []*data.Dataset[float64]{val, full} {
		met, err := Evaluate(&m, d)
		if err != nil {
			t.Fatal(err)
		}
		pred := make([]int, d.Len())
		var loss float64
		for i := range pred {
			x, y := d.Row(i)
			pred[i] = m.Predict((*[4]float64)(x))
			p := m.Forward((*[4]float64)(x))
			loss -= math.Log(p[d.Labels[i]]) * y[d.Labels[i]]
		}
		confusion := data.ConfusionMatrix(pred, d.Labels, 3)
		want := Metrics{
			N:         d.Len(),
			Loss:      loss / float64(d.Len()),
			Accuracy:  data.Accuracy(pred, d.Labels),
			Confusion: confusion,
			Report:    data.ClassificationReport(data.ClassCounts(confusion)),
		}
		if !sameMetrics(met, want, 1e-14) {
			t.Errorf("%d samples: Evaluate = %+v, want %+v", d.Len(), met, want)
		}
	}

	// Regression: MSE, MAE and R² as computed by package data, for each
	// output and averaged. The targets are offset by 1e6 so that their
	// spread is small beside their mean, which R² must not lose.
	var s regression.Sine
	s.Init(3)
	d := sine(300)
	for i := range d.Y {
		d.Y[i] += 1e6
	}
	out := make([]float64, len(d.Y))
	s.ForwardBatch(out, d.X)
	met, err := Evaluate(&s, d)
	if err != nil {
		t.Fatal(err)
	}
	mse, mae := data.MSE(out, d.Y), data.MAE(out, d.Y)
	want := Metrics{N: d.Len(), Loss: mse, MSE: mse, MAE: mae}
	for k := range 2 {
		pred, truth := column(out, 2, k), column(d.Y, 2, k)
		r2, err := data.R2(pred, truth)
		if err != nil {
			t.Fatal(err)
		}
		want.Outputs = append(want.Outputs, OutputMetrics{MSE: data.MSE(pred, truth), MAE: data.MAE(pred, truth), R2: r2})
		want.R2 += r2 / 2
	}
	if !sameMetrics(met, want, 1e-9) {
		t.Errorf("regression: Evaluate = %+v\nwant %+v", met, want)
	}
}

// column returns column k of the rows of width values in v.
func column[T model.Float](v []T, width, k int) []T {
	c := make([]T, 0, len(v)/width)
	for i := k; i < len(v); i += width {
		c = append(c, v[i])
	}
	return c
}

// TestEvaluateSigmoidScores compares the report and the ranking scores
// of a multi-label model, at a threshold of 0.3, with those of package
// data computed from its outputs, and checks that Fit's validation
// computes the ranking scores only when asked.
func TestEvaluateSigmoidScores(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var m multilabel.Tagger
	m.Init(2)
	d := randomSet[float64](r, 300, 6, 3, model.Sigmoid)
	out := make([]float64, len(d.Y))
	m.ForwardBatch(out, d.X)
	met, err := EvaluateWith(&m, d, 2, Scoring{Threshold: 0.3, Ranking: true})
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]data.Counts, 3)
	hits := 0
	for i, p := range out {
		pred, truth := p >= 0.3, d.Y[i] == 1
		c := &counts[i%3]
		switch {
		case pred && truth:
			c.TP++
		case pred:
			c.FP++
		case truth:
			c.FN++
		}
		if pred == truth {
			hits++
		}
	}
	loss, _ := Evaluate(&m, d)
	want := Metrics{N: 300, Loss: loss.Loss, Accuracy: float64(hits) / 900, Report: data.ClassificationReport(counts)}
	for k := range 3 {
		score, positive := column(out, 3, k), column(d.Y, 3, k)
		pos := make([]bool, len(positive))
		for i, y := range positive {
			pos[i] = y == 1
		}
		auc, err1 := data.ROCAUC(score, pos)
		ap, err2 := data.AveragePrecision(score, pos)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		want.Outputs = append(want.Outputs, OutputMetrics{ROCAUC: auc, AP: ap})
		want.ROCAUC, want.AP = want.ROCAUC+auc/3, want.AP+ap/3
	}
	if !sameMetrics(met, want, 1e-15) {
		t.Errorf("Evaluate = %+v\nwant %+v", met, want)
	}
	if loss.Accuracy == met.Accuracy {
		t.Error("the threshold changes no prediction")
	}
	if _, err := EvaluateWith(&m, d, 1, Scoring{Threshold: 1}); err == nil || err.Error() != "train: evaluate: threshold 1 is not in (0, 1)" {
		t.Errorf("threshold 1: error %v", err)
	}
	cfg := Config[float64]{Epochs: 1, Batch: 1, LR: 1, Optimizer: newOpt[float64](t, "sgd"), Scoring: Scoring{Threshold: math.NaN()}}
	if err := cfg.Validate(); err == nil || err.Error() != "train: Scoring: threshold NaN is not in (0, 1)" {
		t.Errorf("Config.Validate with a threshold of NaN: %v", err)
	}

	for _, ranking := range []bool{false, true} {
		h, err := Fit(context.Background(), &m, d, d, Config[float64]{Epochs: 1, Batch: 50, LR: 0.01,
			Optimizer: newOpt[float64](t, "adam"), Scoring: Scoring{Ranking: ranking}})
		if err != nil {
			t.Fatal(err)
		}
		if val := h.Epochs[0].Val; (val.ROCAUC > 0) != ranking || (val.Outputs != nil) != ranking || val.Report.Classes == nil {
			t.Errorf("Fit with Ranking %v: validation %+v", ranking, val)
		}
	}
}

// TestEvaluateClampsLog checks that a confidently wrong prediction gives a
// large finite loss.
func TestEvaluateClampsLog(t *testing.T) {
	var m sigmoid.Binary
	m.B2[0] = 1000 // p = 1 for every sample
	d := &data.Dataset[float64]{Inputs: 5, Outputs: 1, X: make([]float64, 5), Y: []float64{0}}
	met, err := Evaluate(&m, d)
	if err != nil {
		t.Fatal(err)
	}
	if met.Loss != 100 {
		t.Errorf("loss of a certain wrong prediction = %v, want 100", met.Loss)
	}
}

func TestEvaluateErrors(t *testing.T) {
	for _, tt := range []struct {
		d    *data.Dataset[float64]
		want string
	}{
		{nil, "train: evaluate: nil data set"},
		{&data.Dataset[float64]{Inputs: 4, Outputs: 3}, "train: evaluate: data set has no samples"},
		{&data.Dataset[float64]{Inputs: 5, Outputs: 3, X: make([]float64, 5), Y: make([]float64, 3)},
			"train: evaluate: data set has 5 inputs and 3 outputs per sample, the model 4 and 3"},
		{&data.Dataset[float64]{Inputs: 4, Outputs: 3, X: make([]float64, 8), Y: make([]float64, 3)},
			"train: evaluate: data set is malformed: 8 features and 3 targets for 4 inputs and 3 outputs per sample"},
	} {
		_, err := Evaluate(new(softmax.Classifier), tt.d)
		if err == nil || err.Error() != tt.want {
			t.Errorf("error %v, want %q", err, tt.want)
		}
	}
}

// sameMetrics reports whether a and b hold the same metrics, up to a
// relative difference of tol; NaN equals NaN.
func sameMetrics(a, b Metrics, tol float64) bool {
	near := func(x, y float64) bool {
		return math.IsNaN(x) && math.IsNaN(y) || math.Abs(x-y) <= tol*max(1, math.Abs(y))
	}
	scores := func(x, y data.Scores) bool {
		return near(x.Precision, y.Precision) && near(x.Recall, y.Recall) && near(x.F1, y.F1) && x.Support == y.Support
	}
	outputs := func(x, y OutputMetrics) bool {
		return near(x.ROCAUC, y.ROCAUC) && near(x.AP, y.AP) && near(x.MSE, y.MSE) && near(x.MAE, y.MAE) &&
			near(x.R2, y.R2) && maps.Equal(x.Undefined, y.Undefined)
	}
	return a.N == b.N && near(a.Loss, b.Loss) && near(a.Accuracy, b.Accuracy) &&
		near(a.MSE, b.MSE) && near(a.MAE, b.MAE) && near(a.R2, b.R2) && near(a.ROCAUC, b.ROCAUC) && near(a.AP, b.AP) &&
		slices.EqualFunc(a.Confusion, b.Confusion, slices.Equal) && (a.Confusion == nil) == (b.Confusion == nil) &&
		slices.EqualFunc(a.Report.Classes, b.Report.Classes, scores) &&
		scores(a.Report.Macro, b.Report.Macro) && scores(a.Report.Weighted, b.Report.Weighted) &&
		maps.Equal(a.Undefined, b.Undefined) && slices.EqualFunc(a.Outputs, b.Outputs, outputs)
}

// TestEvaluateNonFinite checks that outputs that are NaN or infinite, as
// a feature of 1e308 gives once standardized, are an error naming the
// rows rather than a NaN loss and a prediction of class 0.
func TestEvaluateNonFinite(t *testing.T) {
	train, _, _ := iris(t)
	var m softmax.Classifier
	m.Init(1)
	d := train.Subset([]int{0, 1, 2, 3, 4})
	st, err := data.NewStandardizer[float64]([]float64{0, 0, 0, 0}, []float64{0.5, 0.5, 0.5, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	d.X[3*4] = -1e308
	copy(d.X[1*4:2*4], d.X[3*4:])
	st.Apply(d)
	_, err = Evaluate(&m, d)
	var nf *NonFiniteError
	if !errors.As(err, &nf) || nf.Count != 2 || !slices.Equal(nf.Rows, []int{1, 3}) {
		t.Fatalf("error %v", err)
	}
	if want := "the model's outputs are NaN or infinite for 2 of 5 samples (data rows 2, 4): their features are far outside the range of the training data"; err.Error() != want {
		t.Errorf("error %s\nwant %s", err, want)
	}
	called := false
	err = Predict(&m, d, func([]float64) error { called = true; return nil })
	if err == nil || err.Error() != nf.Error() || called {
		t.Errorf("Predict: error %v, called %v", err, called)
	}
}

// TestPredict checks that Predict gives ForwardBatch's outputs, in
// order, over more samples than one buffer holds.
func TestPredict(t *testing.T) {
	var m softmax.Classifier
	m.Init(1)
	d := &data.Dataset[float64]{Inputs: 4}
	for i := range 3*evalBatch + 5 {
		d.X = append(d.X, float64(i%7), float64(i%5)-2, float64(i%3), 0.5)
	}
	want := make([]float64, d.Len()*3)
	m.ForwardBatch(want, d.X)
	var got []float64
	if err := Predict(&m, d, func(y []float64) error { got = append(got, y...); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Error("Predict's outputs differ from ForwardBatch's")
	}
}
