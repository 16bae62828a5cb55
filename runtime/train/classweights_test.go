package train

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/optim"
	"github.com/nngen/nngen/testdata/golden/dropout"
)

// TestClassWeights checks BalancedWeights against scikit-learn's
// compute_class_weight("balanced", classes=[0, 1, 2], y=y) for y =
// [0, 0, 0, 0, 1, 1, 2]: [0.58333333, 1.16666667, 2.33333333]; and that a
// class without samples weighs 1.
func TestClassWeights(t *testing.T) {
	d := &data.Dataset[float32]{Labels: []int{0, 0, 0, 0, 1, 1, 2}, Classes: []string{"a", "b", "c"}}
	got := BalancedWeights(d)
	for i, want := range []float64{0.58333333, 1.16666667, 2.33333333} {
		if math.Abs(got[i]-want) > 1e-8 {
			t.Errorf("class %d weighs %v, want %v", i, got[i], want)
		}
	}
	d.Classes = append(d.Classes, "d")
	if got := BalancedWeights(d); got[3] != 1 || math.Abs(got[0]-7.0/16) > 1e-15 {
		t.Errorf("with a class of no samples: %v", got)
	}
	if got := BalancedWeights(&data.Dataset[float32]{}); got != nil {
		t.Errorf("no labels: %v, want nil", got)
	}
	// A batch's weights average 1 and keep their ratios.
	s, err := newWeigher([]float64{1, 3, 0.5}, dropoutSet(10, 1), 4)
	if err != nil {
		t.Fatal(err)
	}
	w := s.weigh(data.Batch[float64]{N: 4, Labels: []int{0, 1, 1, 2}})
	if want := []float64{1.0 / 1.875, 3 / 1.875, 3 / 1.875, 0.5 / 1.875}; !slices.Equal(w, want) {
		t.Errorf("batch weights %v, want %v", w, want)
	}
}

// TestClassWeightsOfOne checks that class weights all 1 change nothing, bit
// for bit, and that others do change the weights.
func TestClassWeightsOfOne(t *testing.T) {
	tr, val := dropoutSet(200, 6).Split(0.2, 2)
	run := func(cw []float64) []float64 {
		m, _, err := fitDropout(t, context.Background(), Config[float64]{Batch: 20, Seed: 2, ClassWeights: cw}, tr, val)
		if err != nil {
			t.Fatal(err)
		}
		return m.Params()
	}
	plain := run(nil)
	if !sameBits(run([]float64{1, 1, 1}), plain) {
		t.Error("class weights of 1 change the weights")
	}
	if sameBits(run([]float64{1, 4, 2}), plain) {
		t.Error("class weights 1, 4, 2 give the weights of training without")
	}
}

// TestClassWeightsErrors checks the class weights that Fit refuses.
func TestClassWeightsErrors(t *testing.T) {
	tr := dropoutSet(20, 1)
	cfg := func(cw []float64) Config[float64] {
		return Config[float64]{Epochs: 1, Batch: 4, Optimizer: &optim.SGD[float64]{}, LR: 0.1, ClassWeights: cw}
	}
	for _, c := range []struct {
		cw   []float64
		d    *data.Dataset[float64]
		want string
	}{
		{[]float64{1, 2}, tr, "train: 2 ClassWeights for 3 classes"},
		{[]float64{1, 0, 2}, tr, "train: ClassWeights[1] is 0, want a positive finite weight"},
		{[]float64{1, math.Inf(1), 2}, tr, "train: ClassWeights[1] is +Inf, want a positive finite weight"},
		{[]float64{1, 2}, &data.Dataset[float64]{Task: data.Regression, Inputs: 1, Outputs: 1, X: []float64{1, 2}, Y: []float64{0, 1}},
			"train: ClassWeights need the class of each training sample, and the training set has no labels"},
	} {
		var err error
		if c.d.Inputs == 5 {
			_, err = Fit(context.Background(), new(dropout.Dropped), c.d, nil, cfg(c.cw))
		} else {
			_, err = Fit(context.Background(), new(scripted[float64]), c.d, nil, cfg(c.cw))
		}
		if err == nil || err.Error() != c.want {
			t.Errorf("%v: error %v, want %s", c.cw, err, c.want)
		}
	}
}
