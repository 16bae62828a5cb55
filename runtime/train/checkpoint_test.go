package train

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/optim"
	"github.com/nngen/nngen/runtime/safetensors"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

// resumeCase is a training configuration to be run both uninterrupted and
// interrupted and resumed.
type resumeCase struct {
	name string
	cfg  func(t *testing.T) Config[float64] // with a new optimizer
	val  func(val *data.Dataset[float64]) *data.Dataset[float64]
}

var resumeCases = []resumeCase{
	{name: "adam", cfg: func(t *testing.T) Config[float64] {
		return Config[float64]{Epochs: 12, Batch: 16, Optimizer: newOpt[float64](t, "adam"), LR: 0.01, Seed: 5}
	}},
	{name: "momentum, cosine, clipping", cfg: func(t *testing.T) Config[float64] {
		return Config[float64]{Epochs: 12, Batch: 32, Optimizer: newOpt[float64](t, "nesterov"),
			Schedule: optim.Cosine{Base: 0.1, Min: 0.01, Total: 40}, ClipNorm: 0.5, Seed: 9}
	}},
	{name: "sgd without state", cfg: func(t *testing.T) Config[float64] {
		return Config[float64]{Epochs: 12, Batch: 9, Optimizer: newOpt[float64](t, "sgd"), LR: 0.05, Seed: 2}
	}},
	{name: "early stopping", cfg: func(t *testing.T) Config[float64] {
		return Config[float64]{Epochs: 40, Batch: 16, Optimizer: newOpt[float64](t, "adamw"), LR: 0.01, Seed: 5, Patience: 5}
	}, val: flipped},
}

// fitIris trains the iris classifier from its spec's initial weights, or
// from a checkpoint if cfg says so.
func fitIris(t *testing.T, ctx context.Context, cfg Config[float64], val *data.Dataset[float64]) (*softmax.Classifier, History, error) {
	t.Helper()
	tr, _, _ := iris(t)
	m := new(softmax.Classifier)
	if cfg.ResumeFrom == "" {
		m.Init(softmax.ClassifierSeed)
	}
	h, err := Fit(ctx, m, tr, val, cfg)
	return m, h, err
}

// checkResumed resumes the run of rc from the checkpoint at path and
// checks that it ends with the weights of the uninterrupted run, full, and
// trains its epochs from the checkpoint's on, rest; it returns the
// history of the resumed run.
func checkResumed(t *testing.T, rc resumeCase, path string, val *data.Dataset[float64], full *softmax.Classifier, rest []EpochStats) History {
	t.Helper()
	cfg := rc.cfg(t)
	cfg.ResumeFrom = path
	resumed, h, err := fitIris(t, context.Background(), cfg, val)
	if err != nil {
		t.Fatal(err)
	}
	if !sameBits(resumed.Params(), full.Params()) {
		t.Error("resumed run ends with weights different from the uninterrupted run's")
	}
	if !sameEpochs(h.Epochs, rest) {
		t.Errorf("resumed epochs:\n%+v\nuninterrupted:\n%+v", h.Epochs, rest)
	}
	return h
}

// sameEpochs compares the statistics that must not depend on an
// interruption.
func sameEpochs(a, b []EpochStats) bool {
	return slices.EqualFunc(a, b, func(x, y EpochStats) bool {
		x.Elapsed, y.Elapsed = 0, 0
		return slicesEqualMetrics(x, y)
	})
}

func slicesEqualMetrics(x, y EpochStats) bool {
	return x.Epoch == y.Epoch && x.Steps == y.Steps && x.LR == y.LR && x.TrainLoss == y.TrainLoss &&
		x.Best == y.Best && x.Val.N == y.Val.N && x.Val.Loss == y.Val.Loss && x.Val.Accuracy == y.Val.Accuracy &&
		slices.EqualFunc(x.Val.Confusion, y.Val.Confusion, slices.Equal)
}

// TestResume interrupts training at an epoch boundary, by training fewer
// epochs with checkpoints, and resumes it from the checkpoint: the final
// weights and the statistics of the resumed epochs must be those of an
// uninterrupted run, bit for bit.
func TestResume(t *testing.T) {
	for _, rc := range resumeCases {
		t.Run(rc.name, func(t *testing.T) {
			_, val, _ := iris(t)
			if rc.val != nil {
				val = rc.val(val)
			}
			full, fullHist, err := fitIris(t, context.Background(), rc.cfg(t), val)
			if err != nil {
				t.Fatal(err)
			}
			stop := 4
			if fullHist.EarlyStopped {
				stop = fullHist.Best // before the end, and early stopping must resume
			}

			path := filepath.Join(t.TempDir(), "ckpt.safetensors")
			cfg := rc.cfg(t)
			cfg.Epochs, cfg.CheckpointPath, cfg.CheckpointEvery = stop, path, 2
			if stop%2 != 0 {
				cfg.CheckpointEvery = 1
			}
			if _, _, err := fitIris(t, context.Background(), cfg, val); err != nil {
				t.Fatal(err)
			}

			h := checkResumed(t, rc, path, val, full, fullHist.Epochs[stop:])
			if h.Best != fullHist.Best || h.BestLoss != fullHist.BestLoss || h.EarlyStopped != fullHist.EarlyStopped {
				t.Errorf("resumed: best %d (%v), early stop %v; uninterrupted: %d (%v), %v",
					h.Best, h.BestLoss, h.EarlyStopped, fullHist.Best, fullHist.BestLoss, fullHist.EarlyStopped)
			}
			if rc.val != nil && !h.EarlyStopped {
				t.Error("the early stopping case did not stop early")
			}
		})
	}
}

// TestCancel cancels training within an epoch and at an epoch boundary:
// Fit must return the context's error, wrapped, and write a checkpoint
// from which training resumes as if never interrupted.
func TestCancel(t *testing.T) {
	rc := resumeCases[1]
	_, val, _ := iris(t)
	full, fullHist, err := fitIris(t, context.Background(), rc.cfg(t), val)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name         string
		epoch, batch int // completed when cancelled
		want         string
	}{
		{"within an epoch", 3, 2, "train: stopped in epoch 4 after 2 of 4 batches: context canceled"},
		{"after an epoch", 5, 0, "train: stopped in epoch 6 after 0 of 4 batches: context canceled"},
		{"after the last batch", 6, 4, "train: stopped in epoch 7 after 4 of 4 batches: context canceled"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ckpt.safetensors")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cfg := rc.cfg(t)
			cfg.CheckpointPath = path
			cfg.OnBatch = func(b BatchStats) {
				if b.Epoch == tt.epoch+1 && b.Batch == tt.batch {
					cancel()
				}
			}
			cfg.OnEpoch = func(e EpochStats) error {
				if e.Epoch == tt.epoch && tt.batch == 0 {
					cancel()
				}
				return nil
			}
			_, h, err := fitIris(t, ctx, cfg, val)
			if !errors.Is(err, context.Canceled) || err.Error() != tt.want {
				t.Fatalf("error %v, want %q wrapping context.Canceled", err, tt.want)
			}
			if len(h.Epochs) != tt.epoch {
				t.Errorf("history of %d epochs, want %d", len(h.Epochs), tt.epoch)
			}
			meta, err := ReadMeta(path)
			if err != nil {
				t.Fatal(err)
			}
			if meta.Head != "softmax" || !slices.Equal(meta.Classes, []string{"setosa", "versicolor", "virginica"}) {
				t.Errorf("checkpoint metadata %+v", meta)
			}
			f, err := safetensors.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if f.Metadata["nngen.epoch"] != strconv.Itoa(tt.epoch) || f.Metadata["nngen.batch"] != strconv.Itoa(tt.batch) {
				t.Errorf("checkpoint at epoch %s, batch %s; want %d, %d",
					f.Metadata["nngen.epoch"], f.Metadata["nngen.batch"], tt.epoch, tt.batch)
			}
			if _, err := f.Tensor("optimizer.velocity"); err != nil {
				t.Error(err)
			}
			if pos, err := ReadPosition(path); err != nil || pos != (Position{tt.epoch, tt.batch, 4}) {
				t.Errorf("ReadPosition = %+v, %v; want epoch %d, batch %d of 4", pos, err, tt.epoch, tt.batch)
			}

			checkResumed(t, rc, path, val, full, fullHist.Epochs[tt.epoch:])
		})
	}

	// Cancelled before it starts, without checkpoints.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m, h, err := fitIris(t, ctx, rc.cfg(t), val)
	const want = "train: stopped in epoch 1 after 0 of 4 batches: context canceled"
	if !errors.Is(err, context.Canceled) || err.Error() != want || len(h.Epochs) != 0 {
		t.Errorf("error %v after %d epochs, want %q after 0", err, len(h.Epochs), want)
	}
	var init softmax.Classifier
	init.Init(softmax.ClassifierSeed)
	if *m != init {
		t.Error("training cancelled before it started changed the weights")
	}
}

// TestCancelRestoresBest checks that a cancelled run with early stopping
// leaves the model with the best weights, and its checkpoint holds them
// as well as the current ones.
func TestCancelRestoresBest(t *testing.T) {
	_, val, _ := iris(t)
	val = flipped(val)
	var snapshots [][]float64
	var m *softmax.Classifier
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	path := filepath.Join(t.TempDir(), "ckpt.safetensors")
	cfg := resumeCases[3].cfg(t)
	cfg.Patience = 100
	cfg.CheckpointPath = path
	cfg.OnEpoch = func(e EpochStats) error {
		snapshots = append(snapshots, slices.Clone(m.Params()))
		if e.Epoch == 6 {
			cancel()
		}
		return nil
	}
	tr, _, _ := iris(t)
	m = new(softmax.Classifier)
	m.Init(softmax.ClassifierSeed)
	h, err := Fit(ctx, m, tr, val, cfg)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if h.Best == 6 {
		t.Fatal("the last epoch is the best; the test proves nothing")
	}
	if !sameBits(m.Params(), snapshots[h.Best-1]) {
		t.Errorf("the model does not hold the weights of the best epoch %d", h.Best)
	}
	var current softmax.Classifier
	if _, err := LoadWeights(path, &current); err != nil {
		t.Fatal(err)
	}
	if !sameBits(current.Params(), snapshots[5]) {
		t.Error("the checkpoint's weights are not those of the last epoch")
	}
	f, err := safetensors.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	best := make([]float64, len(current.Params()))
	if err := readTensors(path, f, "best.", current.Widths(), best); err != nil {
		t.Fatal(err)
	}
	if !sameBits(best, snapshots[h.Best-1]) {
		t.Error("the checkpoint's best weights are not those of the best epoch")
	}
	if got := f.Metadata["nngen.best_epoch"]; got != strconv.Itoa(h.Best) {
		t.Errorf("checkpoint's best epoch %s, want %d", got, h.Best)
	}
}

func TestResumeErrors(t *testing.T) {
	dir := t.TempDir()
	tr, val, _ := iris(t)
	ckpt := filepath.Join(dir, "ckpt.safetensors")
	base := func() Config[float64] {
		return Config[float64]{Epochs: 2, Batch: 16, Optimizer: newOpt[float64](t, "adam"), LR: 0.01, Seed: 5}
	}
	cfg := base()
	cfg.CheckpointPath, cfg.CheckpointEvery = ckpt, 2
	cfg.Meta.Arch = Arch{Activations: []Activation{{Name: "relu"}, {Name: "softmax"}}}
	if _, _, err := fitIris(t, context.Background(), cfg, val); err != nil {
		t.Fatal(err)
	}
	weights := filepath.Join(dir, "weights.safetensors")
	var m softmax.Classifier
	if err := SaveWeights(weights, &m, Meta{}); err != nil {
		t.Fatal(err)
	}
	all := make([]int, tr.Len())
	for i := range all {
		all[i] = i
	}
	renamed := tr.Subset(all)
	renamed.Classes = []string{"cat", "dog", "eel"}
	reordered := tr.Subset(all)
	reordered.Features = []string{"sepal_width", "sepal_length", "petal_length", "petal_width"}
	edited := tr.Subset(all)
	edited.X[7] += 0.5
	for _, tt := range []struct {
		name  string
		path  string
		cfg   func(*Config[float64])
		train *data.Dataset[float64]
		want  string
	}{
		{"classes", ckpt, nil, renamed,
			"the training data are not the checkpoint's: the classes are cat, dog, eel, the checkpoint's setosa, versicolor, virginica"},
		{"features", ckpt, nil, reordered,
			"the training data are not the checkpoint's: the feature columns are sepal_width, sepal_length, petal_length, petal_width, the checkpoint's sepal_length, sepal_width, petal_length, petal_width"},
		{"standardization", ckpt, func(c *Config[float64]) { c.Meta = Meta{Mean: []float64{1, 2, 3, 4}, Std: []float64{1, 1, 1, 1}} }, tr,
			"the training data are not the checkpoint's: the standardization (the mean and standard deviation of each feature) differs from the checkpoint's"},
		{"values", ckpt, nil, edited,
			"the training data are not the checkpoint's: their values differ (their fingerprint is " + fingerprint(edited) + ", the checkpoint's " + fingerprint(tr) + ")"},

		{"seed", ckpt, func(c *Config[float64]) { c.Seed = 6 }, tr,
			"the checkpoint was written with seed 5, this run has seed 6"},
		{"batch", ckpt, func(c *Config[float64]) { c.Batch = 8 }, tr,
			"the checkpoint was written with batch size 16, this run has 8"},
		{"samples", ckpt, nil, tr.Subset([]int{1, 2, 3}),
			"written for 120 training samples, the training set has 3"},
		{"optimizer", ckpt, func(c *Config[float64]) { c.Optimizer = newOpt[float64](t, "momentum") }, tr,
			`optimizer state: optim: the state holds buffers "m", "v", this optimizer keeps buffer "velocity": another kind of optimizer saved it`},
		{"optimizer without state", ckpt, func(c *Config[float64]) { c.Optimizer = newOpt[float64](t, "sgd") }, tr,
			`optimizer state: optim: the state holds buffers "m", "v", this optimizer keeps no buffers: another kind of optimizer saved it`},
		{"no best weights", ckpt, func(c *Config[float64]) { c.Patience = 3 }, tr,
			`no best weights ("best.0.weight", …) for early stopping; the checkpoint was written without it`},
		{"weights file", weights, nil, tr,
			`not a checkpoint: no "nngen.epoch" in the metadata`},
	} {
		cfg := base()
		cfg.ResumeFrom = tt.path
		if tt.cfg != nil {
			tt.cfg(&cfg)
		}
		m := softmax.Classifier{}
		m.Init(1)
		before := m
		_, err := Fit(context.Background(), &m, tt.train, val, cfg)
		want := "train: resume from " + tt.path + ": " + tt.want
		if err == nil || err.Error() != want {
			t.Errorf("%s: error %v\nwant %s", tt.name, err, want)
		}
		if m != before {
			t.Errorf("%s: the failed resume changed the model", tt.name)
		}
		if s := cfg.Optimizer.State(); s.Steps != 0 {
			t.Errorf("%s: the failed resume changed the optimizer: %d steps", tt.name, s.Steps)
		}
	}

	// A checkpoint of another architecture, and a missing one.
	var other softmax.Classifier
	cfg = base()
	cfg.ResumeFrom = ckpt
	cfg.Meta.Arch = Arch{Activations: []Activation{{Name: "tanh"}, {Name: "softmax"}}}
	_, err := Fit(context.Background(), &other, tr, val, cfg)
	if want := "train: resume: " + ckpt + ": layer 1: the weights were trained with activation relu, the model has tanh"; err == nil || err.Error() != want {
		t.Errorf("other architecture: error %v\nwant %s", err, want)
	}
	_, err = Fit(context.Background(), &other, tr, val, Config[float64]{
		Epochs: 1, Batch: 16, Optimizer: newOpt[float64](t, "adam"), LR: 0.01, ResumeFrom: filepath.Join(dir, "absent"),
	})
	if err == nil || !strings.HasPrefix(err.Error(), "train: resume: safetensors: open ") {
		t.Errorf("missing checkpoint: error %v", err)
	}
	_, err = LoadWeights(ckpt, &other)
	if err != nil {
		t.Errorf("LoadWeights of a checkpoint: %v", err)
	}
	_, err = ReadPosition(weights)
	if want := weights + `: not a checkpoint: no "nngen.epoch" in the metadata`; err == nil || err.Error() != want {
		t.Errorf("ReadPosition of a weights file: error %v\nwant %s", err, want)
	}
}

// TestResumeFinished resumes from a checkpoint written after the last
// epoch: there is nothing left to train.
func TestResumeFinished(t *testing.T) {
	_, val, _ := iris(t)
	path := filepath.Join(t.TempDir(), "ckpt.safetensors")
	cfg := resumeCases[0].cfg(t)
	cfg.Epochs, cfg.CheckpointPath, cfg.CheckpointEvery = 3, path, 3
	m, _, err := fitIris(t, context.Background(), cfg, val)
	if err != nil {
		t.Fatal(err)
	}
	cfg = resumeCases[0].cfg(t)
	cfg.Epochs, cfg.ResumeFrom = 3, path
	r, h, err := fitIris(t, context.Background(), cfg, val)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Epochs) != 0 || !sameBits(r.Params(), m.Params()) {
		t.Errorf("resumed a finished run: %d epochs, same weights %v", len(h.Epochs), sameBits(r.Params(), m.Params()))
	}
	if h.Best == 0 {
		t.Errorf("History.Best = %d, want the checkpoint's best epoch", h.Best)
	}
}
