package train

import (
	"context"
	"math"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/testdata/golden/regression"
	"github.com/nngen/nngen/testdata/golden/sigmoid"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

// TestFitData checks that FitData trains as Load's seed and metadata
// passed by hand to Init, Fit and SaveWeights do, and that the history's
// metadata is what those give.
func TestFitData(t *testing.T) {
	src := Sources{Train: irisCSV, TestSplit: 0.2, ValSplit: 0.25, Seed: 5, Missing: data.MissingMean}
	cfg := func() Config[float64] {
		return Config[float64]{Epochs: 3, Batch: 16, Optimizer: newOpt[float64](t, "adam"), LR: 0.01,
			Meta: Meta{Arch: Arch{Loss: "cross_entropy"}, Run: Run{Version: "v0"}}}
	}
	byHand := new(softmax.Classifier)
	d, err := Load(byHand, src)
	if err != nil {
		t.Fatal(err)
	}
	if d.Seed != 5 {
		t.Errorf("Load: Data.Seed %d, want the Sources' 5", d.Seed)
	}
	byHand.Init(5)
	c := cfg()
	c.Seed = 5
	c.Meta.Classes, c.Meta.Target, c.Meta.Features, c.Meta.Mean, c.Meta.Std = d.Meta.Classes, d.Meta.Target, d.Meta.Features, d.Meta.Mean, d.Meta.Std
	c.Meta.Missing, c.Meta.Fill = data.MissingMean, d.Meta.Fill
	if len(d.Meta.Fill) != 4 {
		t.Fatalf("Load: fill %v, want the 4 training means", d.Meta.Fill)
	}
	want, err := Fit(context.Background(), byHand, d.Train, d.Val, c)
	if err != nil {
		t.Fatal(err)
	}

	m := new(softmax.Classifier)
	m.Init(99) // FitData initializes it
	h, err := FitData(context.Background(), m, d, cfg())
	if err != nil {
		t.Fatal(err)
	}
	if *m != *byHand {
		t.Error("FitData trained other weights than Init, Fit with the data's seed")
	}
	if !sameEpochs(h.Epochs, want.Epochs) {
		t.Errorf("FitData epochs %+v, want %+v", h.Epochs, want.Epochs)
	}
	wantMeta := c.Meta
	wantMeta.Widths, wantMeta.Head, wantMeta.Arch.DType = []int{4, 6, 3}, "softmax", "float64"
	if !reflect.DeepEqual(h.Meta, wantMeta) || !reflect.DeepEqual(want.Meta, wantMeta) {
		t.Errorf("history metadata\n%+v\n%+v\nwant %+v", h.Meta, want.Meta, wantMeta)
	}

	// The seed is the data's; a config that is not valid changes nothing.
	c = cfg()
	c.Seed = 6
	if _, err := FitData(context.Background(), m, d, c); err == nil ||
		err.Error() != "train: FitData: Config.Seed is 6, the data's seed 5: leave it 0, the seed is Data.Seed" {
		t.Errorf("FitData with another seed: error %v", err)
	}
	c = cfg()
	c.Epochs = 0
	before := *m
	if _, err := FitData(context.Background(), m, d, c); err == nil || *m != before {
		t.Errorf("FitData with 0 epochs: error %v, model changed %v", err, *m != before)
	}
}

// TestPredictor checks that a predictor loaded from a weights file takes
// raw features: its outputs are the model's on the features standardized
// as in training.
func TestPredictor(t *testing.T) {
	m := new(softmax.Classifier)
	d, err := Load(m, Sources{Train: irisCSV, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	h, err := FitData(context.Background(), m, d, Config[float64]{Epochs: 5, Batch: 16, Optimizer: newOpt[float64](t, "adam"), LR: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "iris.safetensors")
	if err := SaveWeights(path, m, h.Meta); err != nil {
		t.Fatal(err)
	}
	p, err := LoadPredictor(path, new(softmax.Classifier))
	if err != nil {
		t.Fatal(err)
	}
	if *p.Model != *m {
		t.Error("LoadPredictor loaded other weights")
	}
	raw, err := data.LoadCSV[float64](irisCSV, data.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	correct := 0
	for i := range raw.Len() {
		x, _ := raw.Row(i)
		xs, _ := d.Train.Row(i) // the same row, standardized
		want := make([]float64, 3)
		m.ForwardBatch(want, xs)
		got := p.Forward(x)
		for k := range want {
			if diff := got[k] - want[k]; diff > 1e-12 || diff < -1e-12 {
				t.Fatalf("row %d: Forward %v, want %v", i, got, want)
			}
		}
		if p.PredictClass(x) == raw.Classes[raw.Labels[i]] {
			correct++
		}
	}
	if correct < 100 {
		t.Errorf("PredictClass right on %d of 150 rows", correct)
	}
	// Without saved class names, the class is the index.
	p.Meta.Classes = nil
	if got, want := p.PredictClass(raw.X[:4]), "0"; got != want {
		t.Errorf("PredictClass without names = %q, want %q (setosa)", got, want)
	}
	// ForwardBatch takes whole samples.
	batch := make([]float64, 6)
	p.ForwardBatch(batch, raw.X[:8])
	if first := p.Forward(raw.X[:4]); !sameBits(batch[:3], first) {
		t.Errorf("ForwardBatch %v, Forward of the first row %v", batch, first)
	}
	mustPanic(t, "train: Predictor.Forward: 3 features, the model takes 4", func() { p.Forward(raw.X[:3]) })
	mustPanic(t, "train: Predictor.ForwardBatch: 3 values for outputs of 3 outputs each and 8 features of 4 each",
		func() { p.ForwardBatch(batch[:3], raw.X[:8]) })
}

// TestPredictorHeads checks Predict on a sigmoid and an identity head, and
// the metadata NewPredictor refuses.
func TestPredictorHeads(t *testing.T) {
	var b sigmoid.Binary
	b.Init(1)
	p, err := NewPredictor(&b, Meta{Classes: []string{"no", "yes"}})
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0.5, -1, 2, 0, 1}
	for _, tc := range []struct {
		bias float64
		want string
	}{{-20, "no"}, {20, "yes"}} {
		b.B2[0] = tc.bias
		if got := p.PredictClass(x); got != tc.want {
			t.Errorf("bias %g: PredictClass %q (probability %v), want %q", tc.bias, got, p.Forward(x)[0], tc.want)
		}
	}

	var r regression.Sine
	pr, err := NewPredictor(&r, Meta{Mean: []float64{1}, Std: []float64{2}})
	if err != nil {
		t.Fatal(err)
	}
	y := pr.Forward([]float64{3})
	want := make([]float64, 2)
	r.ForwardBatch(want, []float64{1}) // (3 - 1) / 2
	if !sameBits(y, want) {
		t.Errorf("regression Forward %v, want %v", y, want)
	}
	mustPanic(t, "train: Predictor.Predict: a regression model predicts values, not classes; use Forward",
		func() { pr.Predict([]float64{0}) })

	for _, tc := range []struct {
		meta Meta
		want string
	}{
		{Meta{Mean: []float64{0, 1}, Std: []float64{1, 1}}, "train: NewPredictor: metadata: standardization of 2 features for a network of 1 inputs"},
		{Meta{Widths: []int{1, 3}}, "train: NewPredictor: metadata describes a 1,3 network, the model is 1,8,8,2 identity"},
	} {
		if _, err := NewPredictor(&r, tc.meta); err == nil || err.Error() != tc.want {
			t.Errorf("NewPredictor(%+v): error %v\nwant %s", tc.meta, err, tc.want)
		}
	}
}

// TestPredictorFill checks that a predictor of a model trained with
// missing values filled in fills a sample's NaN features with the same
// training means before standardizing them.
func TestPredictorFill(t *testing.T) {
	var b sigmoid.Binary
	b.Init(1)
	fill := []float64{0.5, -1, 2, 0, 1}
	meta := Meta{Missing: data.MissingMean, Fill: fill,
		Mean: []float64{0, 1, 2, 3, 4}, Std: []float64{1, 2, 3, 4, 5}}
	p, err := NewPredictor(&b, meta)
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{3, math.NaN(), -2, math.NaN(), 7}
	filled := []float64{3, fill[1], -2, fill[3], 7}
	got, want := p.Forward(x), p.Forward(filled)
	if math.IsNaN(got[0]) || got[0] != want[0] {
		t.Errorf("Forward with NaN features %v, want %v as with the training means", got, want)
	}
	if !math.IsNaN(x[1]) {
		t.Error("Forward changed its input")
	}
}
