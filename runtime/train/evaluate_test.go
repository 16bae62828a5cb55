package train

import (
	"errors"
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
		want := Metrics{N: 5, Loss: math.Log(3), Accuracy: 0.4, Confusion: [][]int{{2, 0, 0}, {1, 0, 0}, {2, 0, 0}}}
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
		want := Metrics{N: 4, Loss: math.Log(2), Accuracy: 0.25, Confusion: [][]int{{0, 3}, {0, 1}}}
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
		want := Metrics{N: 2, Loss: math.Log(2), Accuracy: 4.0 / 6}
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
		want := Metrics{N: 2, Loss: mse, MSE: mse, MAE: 6.5 / 4}
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
		want := Metrics{
			N:         d.Len(),
			Loss:      loss / float64(d.Len()),
			Accuracy:  data.Accuracy(pred, d.Labels),
			Confusion: data.ConfusionMatrix(pred, d.Labels, 3),
		}
		if !sameMetrics(met, want, 1e-14) {
			t.Errorf("%d samples: Evaluate = %+v, want %+v", d.Len(), met, want)
		}
	}

	// Regression: MSE and MAE as computed by package data.
	var s regression.Sine
	s.Init(3)
	d := sine(300)
	out := make([]float64, len(d.Y))
	s.ForwardBatch(out, d.X)
	met, err := Evaluate(&s, d)
	if err != nil {
		t.Fatal(err)
	}
	if mse, mae := data.MSE(out, d.Y), data.MAE(out, d.Y); math.Abs(met.MSE-mse) > 1e-14 ||
		math.Abs(met.MAE-mae) > 1e-14 || math.Abs(met.Loss-mse) > 1e-14 {
		t.Errorf("regression: Evaluate = %+v, want MSE = loss = %v, MAE %v", met, mse, mae)
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

func sameMetrics(a, b Metrics, tol float64) bool {
	near := func(x, y float64) bool { return math.Abs(x-y) <= tol*max(1, math.Abs(y)) }
	return a.N == b.N && near(a.Loss, b.Loss) && near(a.Accuracy, b.Accuracy) &&
		near(a.MSE, b.MSE) && near(a.MAE, b.MAE) &&
		slices.EqualFunc(a.Confusion, b.Confusion, slices.Equal) && (a.Confusion == nil) == (b.Confusion == nil)
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
