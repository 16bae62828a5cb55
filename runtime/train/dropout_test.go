package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/optim"
	"github.com/nngen/nngen/testdata/golden/dropout"
	"github.com/nngen/nngen/testdata/golden/persample"
)

// dropoutSet returns n labelled samples for the dropout golden model: 5
// features, 3 classes told apart by the sign of two of them, unbalanced
// (about half of class 0).
func dropoutSet(n int, seed uint64) *data.Dataset[float64] {
	r := rand.New(rand.NewPCG(seed, 3))
	d := &data.Dataset[float64]{Task: data.Classification, Inputs: 5, Outputs: 3, Classes: []string{"a", "b", "c"}}
	for range n {
		x := make([]float64, 5)
		for i := range x {
			x[i] = r.NormFloat64()
		}
		c := 0
		switch {
		case x[0] > 0 && x[1] > 0:
			c = 1
		case x[0] < 0 && x[1] > 0.5:
			c = 2
		}
		y := make([]float64, 3)
		y[c] = 1
		d.X, d.Y, d.Labels = append(d.X, x...), append(d.Y, y...), append(d.Labels, c)
	}
	return d
}

// TestMasks checks the masks' values and their frequencies, and that they
// depend on their position alone: on the epoch, the batch, the sample in
// it, the layer and the unit, not on the samples drawn with them.
func TestMasks(t *testing.T) {
	widths, rates := []int{5, 40, 30, 20, 3}, []float64{0.5, 0, 0.2, 0}
	const n = 2000
	k, err := newMasker[float64](widths, rates, n, 9)
	if err != nil {
		t.Fatal(err)
	}
	if k.width != 40+20 {
		t.Fatalf("%d mask values per sample, want 60", k.width)
	}
	all := slices.Clone(k.fill(2, 5, 0, n))
	for i, p := range map[int]float64{0: 0.5, 40: 0.2} {
		units := 40
		if i == 40 {
			units = 20
		}
		dropped := 0
		for q := range n {
			for _, v := range all[q*k.width+i : q*k.width+i+units] {
				switch v {
				case 0:
					dropped++
				case 1 / (1 - p):
				default:
					t.Fatalf("a mask value %v of a layer with p = %g", v, p)
				}
			}
		}
		// The count of drops is binomial: 5 standard deviations of slack.
		draws := float64(n * units)
		if got, sd := float64(dropped), math.Sqrt(draws*p*(1-p)); math.Abs(got-draws*p) > 5*sd {
			t.Errorf("p = %g: %d of %v units dropped, want about %v", p, dropped, draws, draws*p)
		}
	}
	// Samples 300 to 999 drawn alone are those drawn with the others.
	part := k.fill(2, 5, 300, 1000)
	if !slices.Equal(part, all[300*k.width:1000*k.width]) {
		t.Error("the masks of part of a batch differ from those drawn with the whole batch")
	}
	// Another epoch, batch or seed: other masks.
	for _, c := range []struct {
		what         string
		seed         uint64
		epoch, batch int
	}{{"epoch", 9, 3, 5}, {"batch", 9, 2, 6}, {"seed", 10, 2, 5}} {
		o, err := newMasker[float64](widths, rates, n, c.seed)
		if err != nil {
			t.Fatal(err)
		}
		if got := o.fill(c.epoch, c.batch, 0, 4); slices.Equal(got, all[:4*k.width]) {
			t.Errorf("another %s gives the same masks", c.what)
		}
	}
	// Neighbouring samples and layers are not alike.
	if slices.Equal(all[:k.width], all[k.width:2*k.width]) || slices.Equal(all[:20], all[40:60]) {
		t.Error("two samples, or two layers, have the same masks")
	}
}

// TestMaskerErrors checks the probabilities a model's Dropout may give.
func TestMaskerErrors(t *testing.T) {
	for _, c := range []struct {
		rates []float64
		want  string
	}{
		{[]float64{0.5, 0, 0}, "train: the model's Dropout has 3 entries for 2 layers"},
		{[]float64{1, 0}, "train: the model's Dropout gives layer 1 the probability 1, want [0, 1) and 0 for the output layer"},
		{[]float64{math.NaN(), 0}, "train: the model's Dropout gives layer 1 the probability NaN, want [0, 1) and 0 for the output layer"},
		{[]float64{0, 0.1}, "train: the model's Dropout gives layer 2 the probability 0.1, want [0, 1) and 0 for the output layer"},
	} {
		if _, err := newMasker[float32]([]int{2, 3, 1}, c.rates, 4, 1); err == nil || err.Error() != c.want {
			t.Errorf("%v: error %v, want %s", c.rates, err, c.want)
		}
	}
	if k, err := newMasker[float32]([]int{2, 3, 1}, []float64{0, 0}, 4, 1); k != nil || err != nil {
		t.Errorf("no dropout: masker %v, error %v; want neither", k, err)
	}
}

// fitDropout trains the dropout golden model for 4 epochs.
func fitDropout(t *testing.T, ctx context.Context, cfg Config[float64], tr, val *data.Dataset[float64]) (*dropout.Dropped, History, error) {
	t.Helper()
	m := new(dropout.Dropped)
	if cfg.ResumeFrom == "" {
		m.Init(dropout.DroppedSeed)
	}
	cfg.Epochs, cfg.Optimizer, cfg.LR = 4, newOpt[float64](t, "adam"), 0.01
	h, err := Fit(ctx, m, tr, val, cfg)
	return m, h, err
}

// TestFitDropoutThreads trains a model with dropout and class weights on 1
// to 4 threads: the weights and the epochs are the same, bit for bit.
func TestFitDropoutThreads(t *testing.T) {
	tr, val := dropoutSet(300, 1).Split(0.2, 2)
	for _, batch := range []int{16, 40, 100, 240} {
		t.Run(fmt.Sprintf("batch %d", batch), func(t *testing.T) {
			cfg := Config[float64]{Batch: batch, Seed: 5, ClassWeights: BalancedWeights(tr)}
			want, wantH, err := fitDropout(t, context.Background(), cfg, tr, val)
			if err != nil {
				t.Fatal(err)
			}
			for _, threads := range []int{2, 3, 4} {
				cfg.Threads = threads
				m, h, err := fitDropout(t, context.Background(), cfg, tr, val)
				if err != nil {
					t.Fatal(err)
				}
				if !sameBits(m.Params(), want.Params()) || !sameEpochs(h.Epochs, wantH.Epochs) {
					t.Errorf("%d threads: not the weights or epochs of one thread", threads)
				}
			}
		})
	}
}

// TestFitDropoutByHand checks that Fit computes what its documentation
// says: each shard's gradient by TrainWith, with the masks drawn for its
// samples' positions and the class weights scaled to average 1 over the
// batch; and that without them the masks make a difference.
func TestFitDropoutByHand(t *testing.T) {
	tr := dropoutSet(120, 4)
	cw := []float64{1, 3, 0.5}
	for _, batch := range []int{24, 50, 120} {
		var m, want dropout.Dropped
		m.Init(dropout.DroppedSeed)
		want.Init(dropout.DroppedSeed)
		const lr, seed, epochs = 0.1, 3, 2
		if _, err := Fit(context.Background(), &m, tr, nil, Config[float64]{
			Epochs: epochs, Batch: batch, Optimizer: &optim.SGD[float64]{}, LR: lr, Seed: seed, Threads: 2, ClassWeights: cw,
		}); err != nil {
			t.Fatal(err)
		}
		b := data.NewBatcher(tr, batch, seed)
		k, err := newMasker[float64](want.Widths(), want.Dropout(), batch, seed)
		if err != nil {
			t.Fatal(err)
		}
		params := want.Params()
		for e := range epochs {
			bi := 0
			for bt, ok := b.Next(); ok; bt, ok = b.Next() {
				w, sum := make([]float64, bt.N), 0.0
				for i, c := range bt.Labels {
					sum += cw[c]
					w[i] = cw[c]
				}
				for i := range w {
					w[i] *= float64(bt.N) / sum
				}
				shardStep(params, bt.N, lr, func(g *dropout.Dropped, lo, hi int) {
					want.TrainWith(g, bt.X[lo*5:hi*5], bt.Y[lo*3:hi*3], w[lo:hi], k.fill(e, bi, lo, hi))
				})
				bi++
			}
		}
		if !sameBits(m.Params(), params) {
			t.Errorf("batch %d: Fit's weights are not those computed by hand", batch)
		}
	}
	// The same run without the masks ends elsewhere.
	var m, plain dropout.Dropped
	m.Init(dropout.DroppedSeed)
	plain.Init(dropout.DroppedSeed)
	cfg := Config[float64]{Epochs: 1, Batch: 30, Optimizer: &optim.SGD[float64]{}, LR: 0.1, Seed: 3}
	if _, err := Fit(context.Background(), &m, tr, nil, cfg); err != nil {
		t.Fatal(err)
	}
	b := data.NewBatcher(tr, 30, 3)
	p := plain.Params()
	for bt, ok := b.Next(); ok; bt, ok = b.Next() {
		var g dropout.Dropped
		plain.TrainBatch(&g, bt.X, bt.Y)
		for i := range p {
			p[i] -= 0.1 * (g.Params()[i] * (1 / float64(bt.N)))
		}
	}
	if sameBits(m.Params(), p) {
		t.Error("training with dropout gives the weights of training without")
	}
}

// TestResumeDropout interrupts a run with dropout and class weights within
// its third epoch and resumes it: the weights and epochs are those of an
// uninterrupted run, whose masks the resumed run draws again.
func TestResumeDropout(t *testing.T) {
	tr, val := dropoutSet(300, 1).Split(0.2, 2)
	cfg := Config[float64]{Batch: 50, Seed: 8, ClassWeights: BalancedWeights(tr)}
	whole, wholeH, err := fitDropout(t, context.Background(), cfg, tr, val)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ckpt.safetensors")
	ctx, cancel := context.WithCancel(context.Background())
	c := cfg
	c.CheckpointPath, c.Threads = path, 2
	c.OnBatch = func(b BatchStats) {
		if b.Epoch == 3 && b.Batch == 2 {
			cancel()
		}
	}
	_, _, err = fitDropout(t, ctx, c, tr, val)
	cancel()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	c = cfg
	c.ResumeFrom = path
	m, h, err := fitDropout(t, context.Background(), c, tr, val)
	if err != nil {
		t.Fatal(err)
	}
	if !sameBits(m.Params(), whole.Params()) || !sameEpochs(h.Epochs, wholeH.Epochs[2:]) {
		t.Error("the resumed run ends with other weights or epochs than the uninterrupted one")
	}
}

// TestDropoutNotInInference checks that evaluation runs the network
// without dropout: the validation loss of the last epoch is that of
// Evaluate after training, which is the loss of TrainBatch (no masks) and
// not that of TrainWith with masks; and a model too wide for chunks
// (one sample at a time) agrees too.
func TestDropoutNotInInference(t *testing.T) {
	tr, val := dropoutSet(300, 1).Split(0.2, 2)
	m, h, err := fitDropout(t, context.Background(), Config[float64]{Batch: 32, Seed: 1}, tr, val)
	if err != nil {
		t.Fatal(err)
	}
	met, err := Evaluate(m, val)
	if err != nil {
		t.Fatal(err)
	}
	if last := h.Epochs[len(h.Epochs)-1].Val; last.Loss != met.Loss || last.Accuracy != met.Accuracy {
		t.Errorf("last validation: loss %v, accuracy %v; Evaluate after training: %v, %v", last.Loss, last.Accuracy, met.Loss, met.Accuracy)
	}
	plain := float64(m.TrainBatch(new(dropout.Dropped), val.X, val.Y)) / float64(val.Len())
	if math.Abs(plain-met.Loss) > 1e-12*plain {
		t.Errorf("Evaluate's loss %v, TrainBatch's %v", met.Loss, plain)
	}
	k, err := newMasker[float64](m.Widths(), m.Dropout(), val.Len(), 1)
	if err != nil {
		t.Fatal(err)
	}
	masked := float64(m.TrainWith(new(dropout.Dropped), val.X, val.Y, nil, k.fill(0, 0, 0, val.Len()))) / float64(val.Len())
	if masked == plain {
		t.Errorf("the loss with dropout masks is the loss without, %v", plain)
	}
	checkLossAgrees(t, new(persample.Wide), 1e-5)
}

// TestDropoutTrainingAllocs checks that training with dropout and class
// weights allocates nothing per batch once the optimizer has its state.
func TestDropoutTrainingAllocs(t *testing.T) {
	tr := dropoutSet(200, 1)
	for _, threads := range []int{1, 2} {
		cfg := Config[float64]{Epochs: 100, Batch: 64, Optimizer: newOpt[float64](t, "adam"), LR: 0.01, Seed: 1,
			Threads: threads, ClassWeights: BalancedWeights(tr)}
		var m dropout.Dropped
		m.Init(1)
		trainer, err := newTrainer(&m, tr, nil, &cfg)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := trainer.trainEpoch(ctx); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(5, func() {
			if err := trainer.trainEpoch(ctx); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("%d threads: %v allocations per epoch, want 0", threads, n)
		}
		trainer.close()
	}
}
