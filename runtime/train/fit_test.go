package train

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/optim"
	"github.com/nngen/nngen/testdata/golden/mixed32"
	"github.com/nngen/nngen/testdata/golden/regression"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

func TestFitIris(t *testing.T) {
	tr, val, _ := iris(t)
	var m softmax.Classifier
	m.Init(softmax.ClassifierSeed)
	var epochs, batches int
	h, err := Fit(context.Background(), &m, tr, val, Config[float64]{
		Epochs:    300,
		Batch:     16,
		Optimizer: newOpt[float64](t, "adam"),
		LR:        0.01,
		Seed:      1,
		OnEpoch:   func(EpochStats) error { epochs++; return nil },
		OnBatch:   func(BatchStats) { batches++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Epochs) != 300 || epochs != 300 {
		t.Fatalf("%d epochs in the history, %d callbacks; want 300", len(h.Epochs), epochs)
	}
	perEpoch := (tr.Len() + 15) / 16
	if batches != 300*perEpoch {
		t.Errorf("%d batch callbacks, want %d", batches, 300*perEpoch)
	}
	first, last := h.Epochs[0], h.Epochs[len(h.Epochs)-1]
	t.Logf("epoch 1: train loss %.4f, val loss %.4f, accuracy %.3f", first.TrainLoss, first.Val.Loss, first.Val.Accuracy)
	t.Logf("epoch %d: train loss %.4f, val loss %.4f, accuracy %.3f", last.Epoch, last.TrainLoss, last.Val.Loss, last.Val.Accuracy)
	if last.Val.Accuracy <= 0.9 {
		t.Errorf("validation accuracy %v, want > 0.9", last.Val.Accuracy)
	}
	if !(last.TrainLoss < first.TrainLoss/5) {
		t.Errorf("training loss went from %v to only %v", first.TrainLoss, last.TrainLoss)
	}
	if last.Steps != int64(300*perEpoch) || last.Val.N != val.Len() || last.LR != 0.01 {
		t.Errorf("last epoch: %d steps, %d validation samples, LR %v; want %d, %d, 0.01",
			last.Steps, last.Val.N, last.LR, 300*perEpoch, val.Len())
	}
	// The epoch's validation metrics are those of Evaluate.
	met, err := Evaluate(&m, val)
	if err != nil {
		t.Fatal(err)
	}
	if met.Loss != last.Val.Loss || met.Accuracy != last.Val.Accuracy {
		t.Errorf("Evaluate after training: %+v, last epoch's validation: %+v", met, last.Val)
	}
	// Best is the epoch of the lowest validation loss.
	best := slices.MinFunc(h.Epochs, func(a, b EpochStats) int { return compareFloat(a.Val.Loss, b.Val.Loss) })
	if h.Best != best.Epoch || h.BestLoss != best.Val.Loss || !h.Epochs[h.Best-1].Best {
		t.Errorf("History.Best = %d (loss %v), want %d (loss %v)", h.Best, h.BestLoss, best.Epoch, best.Val.Loss)
	}
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestFitDeterministic trains twice with each seed and compares the weights
// bit for bit.
func TestFitDeterministic(t *testing.T) {
	tr, val, _ := iris(t)
	run := func(seed uint64) []float64 {
		var m softmax.Classifier
		m.Init(softmax.ClassifierSeed)
		_, err := Fit(context.Background(), &m, tr, val, Config[float64]{
			Epochs:    20,
			Batch:     7,
			Optimizer: newOpt[float64](t, "adamw"),
			Schedule:  optim.Cosine{Base: 0.05, Min: 0.001, Total: 300},
			ClipNorm:  1,
			Seed:      seed,
		})
		if err != nil {
			t.Fatal(err)
		}
		return slices.Clone(m.Params())
	}
	a, b, c := run(1), run(1), run(2)
	if !sameBits(a, b) {
		t.Error("two runs with the same seed give different weights")
	}
	if sameBits(a, c) {
		t.Error("runs with different seeds give the same weights")
	}
}

func TestFitFloat32(t *testing.T) {
	d := synthetic32(200)
	tr, val := d.Split(0.25, 1)
	run := func() ([]float32, History) {
		var m mixed32.Small
		m.Init(mixed32.SmallSeed)
		h, err := Fit(context.Background(), &m, tr, val, Config[float32]{
			Epochs:    60,
			Batch:     10,
			Optimizer: newOpt[float32](t, "adam"),
			LR:        0.01,
			Seed:      3,
		})
		if err != nil {
			t.Fatal(err)
		}
		return slices.Clone(m.Params()), h
	}
	a, h := run()
	b, _ := run()
	if !sameBits(a, b) {
		t.Error("two float32 runs give different weights")
	}
	if acc := h.Epochs[len(h.Epochs)-1].Val.Accuracy; acc < 0.9 {
		t.Errorf("float32 model: validation accuracy %v, want ≥ 0.9", acc)
	}
}

// TestEarlyStopping validates on the iris validation set with its labels
// changed, so that learning the training set makes the validation loss
// rise: training must stop Patience epochs after the best epoch and end
// with that epoch's weights.
func TestEarlyStopping(t *testing.T) {
	tr, val, _ := iris(t)
	var m softmax.Classifier
	m.Init(softmax.ClassifierSeed)
	var snapshots [][]float64 // the weights after each epoch
	const patience = 4
	h, err := Fit(context.Background(), &m, tr, flipped(val), Config[float64]{
		Epochs:    100,
		Batch:     16,
		Optimizer: newOpt[float64](t, "adam"),
		LR:        0.01,
		Seed:      1,
		Patience:  patience,
		OnEpoch: func(EpochStats) error {
			snapshots = append(snapshots, slices.Clone(m.Params()))
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !h.EarlyStopped {
		t.Fatalf("training ran %d epochs without stopping early", len(h.Epochs))
	}
	if h.Best < 1 || len(h.Epochs) != h.Best+patience {
		t.Fatalf("stopped after %d epochs with the best at %d, want %d epochs", len(h.Epochs), h.Best, h.Best+patience)
	}
	for _, e := range h.Epochs[h.Best:] {
		if !(e.Val.Loss >= h.BestLoss) || e.Best {
			t.Errorf("epoch %d after the best: validation loss %v, best %v", e.Epoch, e.Val.Loss, h.BestLoss)
		}
	}
	if !sameBits(m.Params(), snapshots[h.Best-1]) {
		t.Error("the model does not hold the weights of the best epoch")
	}
	if sameBits(m.Params(), snapshots[len(snapshots)-1]) {
		t.Error("the weights of the best and the last epoch are the same; the test proves nothing")
	}
}

// TestBestRestoredAtEnd checks that with early stopping on, the best
// weights are restored even if training runs all its epochs.
func TestBestRestoredAtEnd(t *testing.T) {
	tr, val, _ := iris(t)
	var m softmax.Classifier
	m.Init(softmax.ClassifierSeed)
	var snapshots [][]float64
	h, err := Fit(context.Background(), &m, tr, val, Config[float64]{
		Epochs:    100,
		Batch:     16,
		Optimizer: newOpt[float64](t, "adam"),
		LR:        0.02,
		Seed:      1,
		Patience:  1000,
		OnEpoch: func(EpochStats) error {
			snapshots = append(snapshots, slices.Clone(m.Params()))
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if h.EarlyStopped || len(h.Epochs) != 100 {
		t.Fatalf("EarlyStopped %v after %d epochs, want false after 100", h.EarlyStopped, len(h.Epochs))
	}
	if h.Best == 100 {
		t.Fatal("the last epoch is the best; the test proves nothing")
	}
	if !sameBits(m.Params(), snapshots[h.Best-1]) {
		t.Errorf("the model does not hold the weights of the best epoch %d", h.Best)
	}
}

var divergedRE = regexp.MustCompile(`^train: diverged at epoch (\d+), batch (\d+): (.*) \(try a lower learning rate or gradient clipping\)$`)

// TestDivergence trains the regression model with plain SGD at a learning
// rate that makes it diverge, and then with clipping, which prevents it.
func TestDivergence(t *testing.T) {
	cfg := Config[float64]{Epochs: 60, Batch: 8, LR: 1, Seed: 1}
	fit := func(clip float64) (History, error) {
		var m regression.Sine
		m.Init(1)
		cfg.Optimizer = newOpt[float64](t, "sgd")
		cfg.ClipNorm = clip
		return Fit(context.Background(), &m, sine(64), sine(16), cfg)
	}

	h, err := fit(0)
	if err == nil {
		t.Fatal("training at learning rate 1 did not diverge")
	}
	t.Log(err)
	match := divergedRE.FindStringSubmatch(err.Error())
	if match == nil {
		t.Fatalf("error %q does not match %s", err, divergedRE)
	}
	var de *DivergedError
	if !errors.As(err, &de) {
		t.Fatalf("error %T is not a *DivergedError", err)
	}
	if match[1] != strconv.Itoa(de.Epoch) || match[2] != strconv.Itoa(de.Batch) || match[3] != de.What {
		t.Errorf("message %q does not agree with %+v", err, *de)
	}
	if de.Epoch != len(h.Epochs)+1 || de.Batch < 1 || de.Batch > 8 {
		t.Errorf("diverged at epoch %d, batch %d with %d epochs in the history", de.Epoch, de.Batch, len(h.Epochs))
	}
	if de.What != "loss is +Inf" && de.What != "loss is NaN" && !strings.Contains(de.What, "after the update") {
		t.Errorf("unexpected cause %q", de.What)
	}

	h, err = fit(1)
	if err != nil {
		t.Fatalf("with clipping: %v", err)
	}
	if last := h.Epochs[len(h.Epochs)-1]; !(last.Val.Loss < h.Epochs[0].Val.Loss) {
		t.Errorf("with clipping the validation loss went from %v to %v", h.Epochs[0].Val.Loss, last.Val.Loss)
	}
}

// TestDivergedParameters makes the very first update overflow the
// parameters.
func TestDivergedParameters(t *testing.T) {
	tr, _, _ := iris(t)
	big := &data.Dataset[float64]{Inputs: 4, Outputs: 3, X: []float64{1000, -1000, 1000, -1000}, Y: []float64{0, 1, 0}}
	var m softmax.Classifier
	m.Init(softmax.ClassifierSeed)
	before := slices.Clone(m.Params())
	_, err := Fit(context.Background(), &m, big, nil, Config[float64]{
		Epochs: 1, Batch: 16, Optimizer: newOpt[float64](t, "sgd"), LR: math.MaxFloat64, Seed: 1,
	})
	want := regexp.MustCompile(`^train: diverged at epoch 1, batch 1: \d\.(weight\[\d+\]\[\d+\]|bias\[\d+\]) is [-+]Inf after the update \(try a lower learning rate or gradient clipping\)$`)
	if err == nil || !want.MatchString(err.Error()) {
		t.Fatalf("error %v, want one matching %s", err, want)
	}
	if sameBits(before, m.Params()) {
		t.Error("the parameters did not change")
	}

	// With clipping the hint changes, and a gradient norm is checked.
	m.Init(softmax.ClassifierSeed)
	m.W1[0][0] = math.Inf(1)
	_, err = Fit(context.Background(), &m, tr, nil, Config[float64]{
		Epochs: 1, Batch: 16, Optimizer: newOpt[float64](t, "sgd"), LR: 0.1, ClipNorm: 1, Seed: 1,
	})
	const msg = "train: diverged at epoch 1, batch 1: loss is NaN (try a lower learning rate or a smaller ClipNorm)"
	if err == nil || err.Error() != msg {
		t.Errorf("error %v, want %q", err, msg)
	}
}

func TestCallbacks(t *testing.T) {
	tr, val, _ := iris(t)
	sched := optim.StepDecay{Base: 0.1, Gamma: 0.5, Every: 5}
	var got []BatchStats
	cfg := Config[float64]{
		Epochs:    10,
		Batch:     50, // 120 samples: batches of 50, 50 and 20
		Optimizer: newOpt[float64](t, "momentum"),
		Schedule:  sched,
		Seed:      1,
		OnBatch:   func(b BatchStats) { got = append(got, b) },
		OnEpoch: func(e EpochStats) error {
			if e.Epoch == 3 {
				return Stop
			}
			return nil
		},
	}
	var m softmax.Classifier
	m.Init(softmax.ClassifierSeed)
	h, err := Fit(context.Background(), &m, tr, val, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Epochs) != 3 || h.EarlyStopped {
		t.Fatalf("Stop after epoch 3: %d epochs, EarlyStopped %v", len(h.Epochs), h.EarlyStopped)
	}
	if len(got) != 9 {
		t.Fatalf("%d batch callbacks, want 9", len(got))
	}
	var sum float64
	for i, b := range got {
		want := BatchStats{Epoch: i/3 + 1, Batch: i%3 + 1, Batches: 3, N: []int{50, 50, 20}[i%3],
			LR: sched.Rate(i), Steps: int64(i + 1), Loss: b.Loss}
		if b != want {
			t.Errorf("batch %d: %+v, want %+v", i, b, want)
		}
		sum += b.Loss * float64(b.N)
		if i%3 == 2 {
			e := h.Epochs[i/3]
			if math.Abs(e.TrainLoss-sum/120) > 1e-15 || e.LR != b.LR || e.Steps != b.Steps {
				t.Errorf("epoch %d: %+v, batches give mean loss %v, LR %v, %d steps", e.Epoch, e, sum/120, b.LR, b.Steps)
			}
			sum = 0
		}
	}

	// Another error from OnEpoch ends training with it.
	boom := errors.New("boom")
	cfg.OnEpoch = func(e EpochStats) error { return boom }
	cfg.OnBatch = nil
	cfg.Optimizer = newOpt[float64](t, "momentum")
	h, err = Fit(context.Background(), &m, tr, val, cfg)
	if err != boom || len(h.Epochs) != 1 {
		t.Errorf("OnEpoch error: Fit returned %v after %d epochs, want boom after 1", err, len(h.Epochs))
	}
}

func TestScheduleErrors(t *testing.T) {
	tr, _, _ := iris(t)
	var m softmax.Classifier
	m.Init(softmax.ClassifierSeed)
	_, err := Fit(context.Background(), &m, tr, nil, Config[float64]{
		Epochs: 2, Batch: 200, Optimizer: newOpt[float64](t, "sgd"), Seed: 1,
		Schedule: optim.StepDecay{Base: 0.1, Gamma: -1, Every: 1},
	})
	const want = "train: the schedule gives learning rate -0.1 for step 1"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}

func TestFitErrors(t *testing.T) {
	tr, val, _ := iris(t)
	ok := func() Config[float64] {
		return Config[float64]{Epochs: 1, Batch: 8, Optimizer: newOpt[float64](t, "sgd"), LR: 0.1}
	}
	bin := &data.Dataset[float64]{Task: data.Binary, Inputs: 4, Outputs: 1, X: make([]float64, 8), Y: make([]float64, 2)}
	for _, tt := range []struct {
		name       string
		train, val *data.Dataset[float64]
		cfg        func(*Config[float64])
		want       string
	}{
		{"no training set", nil, val, nil, "train: no training samples"},
		{"empty training set", &data.Dataset[float64]{Inputs: 4, Outputs: 3}, val, nil, "train: no training samples"},
		{"training set shape", bin, nil, nil,
			"train: the training set has 4 inputs and 1 outputs per sample, the model 4 and 3"},
		{"validation set shape", tr, bin, nil,
			"train: the validation set has 4 inputs and 1 outputs per sample, the model 4 and 3"},
		{"empty validation set", tr, &data.Dataset[float64]{Inputs: 4, Outputs: 3}, nil,
			"train: the validation set has no samples"},
		{"patience without validation", tr, nil, func(c *Config[float64]) { c.Patience = 3 },
			"train: early stopping (Patience) needs a validation set"},
		{"invalid config", tr, val, func(c *Config[float64]) { c.Epochs = 0 },
			"train: Epochs is 0, want at least 1"},
		{"bad meta", tr, val, func(c *Config[float64]) {
			c.CheckpointPath = t.TempDir() + "/ckpt"
			c.Meta.Classes = []string{"a", "b"}
		}, "train: Config.Meta: metadata: 2 classes for a 4,6,3 softmax network, want 3"},
	} {
		var m softmax.Classifier
		cfg := ok()
		if tt.cfg != nil {
			tt.cfg(&cfg)
		}
		_, err := Fit(context.Background(), &m, tt.train, tt.val, cfg)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	opt := newOpt[float32](t, "sgd")
	for _, tt := range []struct {
		cfg  Config[float32]
		want string
	}{
		{Config[float32]{Epochs: 1, Batch: 1, Optimizer: opt, LR: 0.1}, ""},
		{Config[float32]{Epochs: 1, Batch: 1, Optimizer: opt, Schedule: optim.Constant(0.1)}, ""},
		{Config[float32]{Epochs: 1, Batch: 1, Optimizer: opt, LR: 0.1, ClipNorm: 5, Patience: 3,
			CheckpointPath: "x", CheckpointEvery: 2}, ""},
		{Config[float32]{Epochs: -1, Batch: 1, Optimizer: opt, LR: 0.1}, "train: Epochs is -1, want at least 1"},
		{Config[float32]{Epochs: 1, Batch: 0, Optimizer: opt, LR: 0.1}, "train: Batch is 0, want at least 1"},
		{Config[float32]{Epochs: 1, Batch: 1, LR: 0.1}, "train: no Optimizer"},
		{Config[float32]{Epochs: 1, Batch: 1, Optimizer: opt},
			"train: LR is 0, want a positive finite learning rate (or a Schedule)"},
		{Config[float32]{Epochs: 1, Batch: 1, Optimizer: opt, LR: math.Inf(1)},
			"train: LR is +Inf, want a positive finite learning rate (or a Schedule)"},
		{Config[float32]{Epochs: 1, Batch: 1, Optimizer: opt, LR: 0.1, Schedule: optim.Constant(0.1)},
			"train: both LR (0.1) and Schedule are set; the schedule gives the learning rate"},
		{Config[float32]{Epochs: 1, Batch: 1, Optimizer: opt, LR: 0.1, ClipNorm: math.NaN()},
			"train: ClipNorm is NaN, want 0 (no clipping) or a positive finite norm"},
		{Config[float32]{Epochs: 1, Batch: 1, Optimizer: opt, LR: 0.1, ClipNorm: 1e-50},
			"train: ClipNorm 1e-50 is zero in float32"},
		{Config[float32]{Epochs: 1, Batch: 1, Optimizer: opt, LR: 0.1, Patience: -2},
			"train: Patience is -2, want 0 (no early stopping) or more"},
		{Config[float32]{Epochs: 1, Batch: 1, Optimizer: opt, LR: 0.1, CheckpointEvery: -1},
			"train: CheckpointEvery is -1, want 0 or more"},
		{Config[float32]{Epochs: 1, Batch: 1, Optimizer: opt, LR: 0.1, CheckpointEvery: 5},
			"train: CheckpointEvery is 5 but CheckpointPath is empty"},
	} {
		err := tt.cfg.Validate()
		if got := errString(err); got != tt.want {
			t.Errorf("Validate(%+v) = %q, want %q", tt.cfg, got, tt.want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestTrainingAllocs checks that a steady-state epoch of training, with
// clipping, a schedule and a batch callback, allocates nothing, on one
// thread and on several.
func TestTrainingAllocs(t *testing.T) {
	smallReduceBlock(t, 8) // several blocks of the reduction on the pool
	type epochTrainer interface {
		trainEpoch(context.Context) error
		close()
	}
	run := func(t *testing.T, trainer epochTrainer) {
		defer trainer.close()
		ctx := context.Background()
		if err := trainer.trainEpoch(ctx); err != nil { // warm up: the optimizer allocates its state
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(5, func() {
			if err := trainer.trainEpoch(ctx); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%v allocations per epoch, want 0", allocs)
		}
	}
	tr, _, _ := iris(t)
	for _, tt := range []struct{ batch, threads int }{{16, 1}, {16, 2}, {50, 2}, {100, 3}} {
		var batches int
		cfg := Config[float64]{
			Epochs:    1000,
			Batch:     tt.batch,
			Optimizer: newOpt[float64](t, "adam"),
			Schedule:  optim.Warmup{Steps: 10, Schedule: optim.Cosine{Base: 0.01, Total: 1000}},
			ClipNorm:  1,
			Seed:      1,
			Threads:   tt.threads,
			OnBatch:   func(BatchStats) { batches++ },
		}
		t.Run(fmt.Sprintf("float64, batch %d, %d threads", tt.batch, tt.threads), func(t *testing.T) {
			var m softmax.Classifier
			m.Init(softmax.ClassifierSeed)
			trainer, err := newTrainer(&m, tr, nil, &cfg)
			if err != nil {
				t.Fatal(err)
			}
			run(t, trainer)
			if batches == 0 {
				t.Error("OnBatch was not called")
			}
		})
	}
	for _, tt := range []struct{ batch, threads int }{{10, 1}, {64, 2}, {100, 2}} {
		t.Run(fmt.Sprintf("float32, batch %d, %d threads", tt.batch, tt.threads), func(t *testing.T) {
			var s mixed32.Small
			s.Init(1)
			d32 := &data.Dataset[float32]{Task: data.Classification, Inputs: 8, Outputs: 4}
			for i := range 300 {
				for j := range 8 {
					d32.X = append(d32.X, float32(math.Cos(float64(i*8+j))))
				}
				y := make([]float32, 4)
				y[i%4] = 1
				d32.Y = append(d32.Y, y...)
			}
			cfg32 := Config[float32]{Epochs: 10, Batch: tt.batch, Optimizer: newOpt[float32](t, "nesterov"), LR: 0.01,
				ClipNorm: 1, Threads: tt.threads}
			trainer, err := newTrainer(&s, d32, nil, &cfg32)
			if err != nil {
				t.Fatal(err)
			}
			run(t, trainer)
		})
	}
}

// scripted is a model of one linear unit whose TrainWith returns the
// loss and adds the gradient held in the package variables below, per
// sample, whatever the weights and masks. A weight that is not finite
// makes the loss NaN, as in a real model, unless scriptedBlind is set.
type scripted[T model.Float] struct {
	W [1][1]T
	B [1]T
}

var (
	scriptedLoss, scriptedGrad float64
	scriptedBlind              bool
)

func (m *scripted[T]) Params() []T             { return unsafe.Slice(&m.W[0][0], 2) }
func (m *scripted[T]) Widths() []int           { return []int{1, 1} }
func (m *scripted[T]) Head() string            { return model.Identity }
func (m *scripted[T]) Init(uint64)             { *m = scripted[T]{} }
func (m *scripted[T]) ForwardBatch(dst, x []T) { copy(dst, x) }

func (m *scripted[T]) Dropout() []float64 { return []float64{0} }

func (m *scripted[T]) TrainBatch(g *scripted[T], x, y []T) T { return m.TrainWith(g, x, y, nil, nil) }

func (m *scripted[T]) Gradient(g *scripted[T], x, y, w, masks []T) T {
	*g = scripted[T]{}
	return m.TrainWith(g, x, y, w, masks)
}

func (m *scripted[T]) TrainWith(g *scripted[T], x, y, _, _ []T) T {
	n := float64(len(x))
	g.W[0][0] += T(scriptedGrad * n)
	g.B[0] += T(scriptedGrad * n)
	if scriptedBlind {
		return T(scriptedLoss * n)
	}
	return T(scriptedLoss*n) + 0*m.W[0][0]
}

// TestDivergedGradient checks the gradient after clipping.
func TestDivergedGradient(t *testing.T) {
	defer func() { scriptedLoss, scriptedGrad = 0, 0 }()
	d := &data.Dataset[float64]{Inputs: 1, Outputs: 1, X: []float64{1, 2, 3}, Y: []float64{0, 0, 0}}
	cfg := func(clip float64) Config[float64] {
		return Config[float64]{Epochs: 2, Batch: 2, Optimizer: newOpt[float64](t, "sgd"), LR: 0.1, ClipNorm: clip}
	}
	scriptedLoss, scriptedGrad = 1, math.Inf(-1)
	_, err := Fit(context.Background(), new(scripted[float64]), d, nil, cfg(1))
	const want = "train: diverged at epoch 1, batch 1: the gradient of 0.weight[0][0] is -Inf (try a lower learning rate or a smaller ClipNorm)"
	if err == nil || err.Error() != want {
		t.Errorf("error %v\nwant %s", err, want)
	}
	_, err = Fit(context.Background(), new(scripted[float64]), d, nil, cfg(0))
	const want0 = "train: diverged at epoch 1, batch 1: 0.weight[0][0] is +Inf after the update (try a lower learning rate or gradient clipping)"
	if err == nil || err.Error() != want0 {
		t.Errorf("error %v\nwant %s", err, want0)
	}
	scriptedGrad = math.NaN()
	_, err = Fit(context.Background(), new(scripted[float64]), d, nil, cfg(0))
	const wantNaN = "train: diverged at epoch 1, batch 1: 0.weight[0][0] is NaN after the update (try a lower learning rate or gradient clipping)"
	if err == nil || err.Error() != wantNaN {
		t.Errorf("error %v\nwant %s", err, wantNaN)
	}

	// In float32 a gradient of finite elements can have a norm beyond
	// float32's range: clipping scales it to a finite one, which is not
	// divergence.
	scriptedGrad = 3e38
	d32 := &data.Dataset[float32]{Inputs: 1, Outputs: 1, X: []float32{1, 2, 3}, Y: []float32{0, 0, 0}}
	var m scripted[float32]
	_, err = Fit(context.Background(), &m, d32, nil, Config[float32]{
		Epochs: 1, Batch: 1, Optimizer: newOpt[float32](t, "sgd"), LR: 0.5, ClipNorm: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if w := -1.5 / math.Sqrt2; math.Abs(float64(m.W[0][0])-w) > 1e-6 || m.W[0][0] != m.B[0] {
		t.Errorf("after 3 clipped steps of 0.5: %v, want both %v", m.Params(), w)
	}

	// A loss of +Inf.
	scriptedLoss, scriptedGrad = math.Inf(1), 0
	_, err = Fit(context.Background(), new(scripted[float64]), d, nil, Config[float64]{
		Epochs: 3, Batch: 2, Optimizer: newOpt[float64](t, "sgd"), LR: 0.1,
	})
	const wantLoss = "train: diverged at epoch 1, batch 1: loss is +Inf (try a lower learning rate or gradient clipping)"
	if err == nil || err.Error() != wantLoss {
		t.Errorf("error %v\nwant %s", err, wantLoss)
	}
}

// TestDivergedLater makes finite gradients overflow the weights at the
// update of batch 4 of 6, which Fit finds when the next loss is NaN, or if
// the loss stays finite, at the end of the epoch: the error names the
// batches whose updates may have done it.
func TestDivergedLater(t *testing.T) {
	defer func() { scriptedLoss, scriptedGrad, scriptedBlind = 0, 0, false }()
	d := &data.Dataset[float64]{Inputs: 1, Outputs: 1, X: make([]float64, 6), Y: make([]float64, 6)}
	cfg := Config[float64]{Epochs: 2, Batch: 1, Optimizer: newOpt[float64](t, "sgd"), LR: 1}
	scriptedLoss, scriptedGrad = 1, 0.5e308 // the weights go 0, -0.5e308, …, -1.5e308, -Inf
	var batches int
	cfg.OnBatch = func(BatchStats) { batches++ }
	_, err := Fit(context.Background(), new(scripted[float64]), d, nil, cfg)
	const want = "train: diverged at epoch 1, batch 4: 0.weight[0][0] is -Inf after the update of one of batches 1 to 4 (try a lower learning rate or gradient clipping)"
	if err == nil || err.Error() != want {
		t.Errorf("error %v\nwant %s", err, want)
	}
	var de *DivergedError
	if !errors.As(err, &de) || de.Epoch != 1 || de.Batch != 4 {
		t.Errorf("error %#v, want a *DivergedError at epoch 1, batch 4", err)
	}
	if batches != 4 {
		t.Errorf("%d batch callbacks, want 4", batches)
	}

	scriptedBlind = true
	var epochs int
	cfg.Optimizer = newOpt[float64](t, "sgd")
	cfg.OnEpoch = func(EpochStats) error { epochs++; return nil }
	_, err = Fit(context.Background(), new(scripted[float64]), d, nil, cfg)
	const wantEnd = "train: diverged at epoch 1, batch 6: 0.weight[0][0] is -Inf after the update of one of batches 1 to 6 (try a lower learning rate or gradient clipping)"
	if err == nil || err.Error() != wantEnd {
		t.Errorf("error %v\nwant %s", err, wantEnd)
	}
	if epochs != 0 {
		t.Errorf("OnEpoch called %d times, want 0: the epoch diverged", epochs)
	}

	// A checkpoint of a cancelled run is not written if the weights are
	// not finite.
	path := filepath.Join(t.TempDir(), "ckpt")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg.Optimizer = newOpt[float64](t, "sgd")
	cfg.OnEpoch = nil
	cfg.CheckpointPath = path
	cfg.OnBatch = func(b BatchStats) {
		if b.Batch == 5 {
			cancel()
		}
	}
	_, err = Fit(ctx, new(scripted[float64]), d, nil, cfg)
	const wantCancel = "train: diverged at epoch 1, batch 5: 0.weight[0][0] is -Inf after the update of one of batches 1 to 5 (try a lower learning rate or gradient clipping)"
	if err == nil || err.Error() != wantCancel {
		t.Errorf("error %v\nwant %s", err, wantCancel)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a checkpoint of non-finite weights was written: %v", err)
	}
}

// TestInterruptedError cancels training, once with a checkpoint that
// cannot be written: the error is an *InterruptedError naming where
// training stopped, wrapping the context's error and the checkpoint's,
// and the model is left with the weights trained so far.
func TestInterruptedError(t *testing.T) {
	_, val, _ := iris(t)
	for _, ckpt := range []string{"", filepath.Join(t.TempDir(), "missing", "ckpt.safetensors")} {
		ctx, cancel := context.WithCancel(context.Background())
		cfg := resumeCases[0].cfg(t)
		cfg.CheckpointPath = ckpt
		var snapshot []float64
		var m *softmax.Classifier
		cfg.OnBatch = func(b BatchStats) {
			if b.Epoch == 3 && b.Batch == 2 {
				snapshot = slices.Clone(m.Params())
				cancel()
			}
		}
		tr, _, _ := iris(t)
		m = new(softmax.Classifier)
		m.Init(softmax.ClassifierSeed)
		h, err := Fit(ctx, m, tr, val, cfg)
		var ie *InterruptedError
		if !errors.As(err, &ie) || !errors.Is(err, context.Canceled) {
			t.Fatalf("checkpoint %q: error %v, want an *InterruptedError wrapping context.Canceled", ckpt, err)
		}
		if ie.Epoch != 3 || ie.Batch != 2 || ie.Batches != 8 || len(h.Epochs) != 2 {
			t.Errorf("stopped in epoch %d after %d of %d batches, %d epochs done; want 3, 2 of 8, 2",
				ie.Epoch, ie.Batch, ie.Batches, len(h.Epochs))
		}
		want := "train: stopped in epoch 3 after 2 of 8 batches: context canceled"
		if ckpt != "" {
			if !errors.Is(err, fs.ErrNotExist) || ie.Checkpoint == nil {
				t.Errorf("error %v, want one wrapping the checkpoint's fs.ErrNotExist", err)
			}
			want += "; the checkpoint was not written: "
		}
		if !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error %q, want %q…", err, want)
		}
		if !sameBits(m.Params(), snapshot) {
			t.Error("the model does not hold the weights it was interrupted with")
		}
		cancel()
	}
}
