package driver

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/train"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

// countdown is a context cancelled with cause at the n-th call of its Err,
// as a stop signal would between two batches: Fit checks the context
// before each batch and once at the end of each epoch.
type countdown struct {
	context.Context
	n      int
	cancel context.CancelCauseFunc
	cause  error
}

func newCountdown(t *testing.T, n int, cause error) *countdown {
	ctx, cancel := context.WithCancelCause(context.Background())
	t.Cleanup(func() { cancel(nil) })
	return &countdown{ctx, n, cancel, cause}
}

func (c *countdown) Err() error {
	if c.n--; c.n == 0 {
		c.cancel(c.cause)
	}
	return c.Context.Err()
}

// TestTrainInterrupted interrupts training at given points: the message
// says where and what was saved, the weights so far (the best under early
// stopping) go to -o unless a checkpoint holds them, and the exit status
// is SIGINT's.
func TestTrainInterrupted(t *testing.T) {
	dir := t.TempDir()
	_, iris := trained(t, dir)
	base := TrainOptions{Data: iris, Epochs: 30, Batch: 15, LR: 0.01, Optimizer: "adam", Schedule: "constant", Seed: 1}
	for _, c := range []struct {
		name   string
		checks int // of the context until it is cancelled
		edit   func(o *TrainOptions)
		want   string // stderr, a regular expression
		saved  bool
		lines  int // of the history: the epochs completed
	}{
		{"before the first batch", 1, nil, `^interrupted before the first batch: nothing saved\n$`, false, 0},
		{"within an epoch", 15, nil, `^interrupted in epoch 2 after 3 of 10 batches: weights saved to \S+\n$`, true, 1},
		{"under early stopping", 40, func(o *TrainOptions) { o.ValSplit, o.Patience, o.Batch = 0.2, 100, 16 },
			`^interrupted in epoch 5 after 3 of 8 batches: weights of epoch (\d), the best so far \(validation loss 0\.\d+\), saved to \S+\n$`, true, 4},
		{"with a checkpoint", 15, func(o *TrainOptions) { o.Checkpoint = filepath.Join(dir, "c.safetensors") },
			`^interrupted in epoch 2 after 3 of 10 batches: checkpoint saved to \S+; continue with -resume \S+\n$`, false, 1},
		{"with a checkpoint that cannot be written", 15, func(o *TrainOptions) { o.Checkpoint = filepath.Join(dir, "missing", "c.safetensors") },
			`^nngen: train: checkpoint: .*\ninterrupted in epoch 2 after 3 of 10 batches: weights saved to \S+\n$`, true, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := base
			o.Out = filepath.Join(t.TempDir(), "w.safetensors")
			o.History = filepath.Join(t.TempDir(), "run.jsonl")
			if c.edit != nil {
				c.edit(&o)
			}
			var stdout, stderr strings.Builder
			ctx := newCountdown(t, c.checks, stopSignal{syscall.SIGINT})
			err := trainModel[float64, softmax.Classifier](ctx, reluArch, o, &stdout, &stderr)
			if err != exitStatus(130) {
				t.Errorf("error %v, want exit status 130", err)
			}
			m := regexp.MustCompile(c.want).FindStringSubmatch(stderr.String())
			if m == nil {
				t.Fatalf("stderr %q, want %q", &stderr, c.want)
			}
			var got softmax.Classifier
			_, err = train.LoadWeights(o.Out, &got)
			if c.saved != (err == nil) {
				t.Fatalf("weights saved: %v, want %v", err, c.saved)
			}
			// The history keeps the epochs completed.
			if b, err := os.ReadFile(o.History); err != nil || strings.Count(string(b), "\n") != c.lines {
				t.Errorf("history %q, %v; want %d lines", b, err, c.lines)
			}
			if len(m) < 2 {
				return
			}
			// The weights of the best epoch are those of a run that ends there.
			o.Epochs, _ = strconv.Atoi(m[1])
			o.Out = filepath.Join(t.TempDir(), "best.safetensors")
			if err := trainModel[float64, softmax.Classifier](context.Background(), reluArch, o, &stdout, &stderr); err != nil {
				t.Fatal(err)
			}
			var best softmax.Classifier
			if _, err := train.LoadWeights(o.Out, &best); err != nil {
				t.Fatal(err)
			}
			if got != best {
				t.Errorf("the weights saved are not those of epoch %d", o.Epochs)
			}
		})
	}
}

func TestStopSignalStatus(t *testing.T) {
	for sig, want := range map[syscall.Signal]int{syscall.SIGINT: 130, syscall.SIGTERM: 143, syscall.SIGHUP: 129} {
		if got := (stopSignal{sig}).status(); got != want {
			t.Errorf("after %v: exit status %d, want %d", sig, got, want)
		}
	}
	if got := (stopSignal{}).status(); got != 1 {
		t.Errorf("without a signal: exit status %d, want 1", got)
	}
}

func TestDivergedError(t *testing.T) {
	de := &train.DivergedError{Epoch: 3, Batch: 7, What: "loss is +Inf"}
	o := TrainOptions{LR: 100}
	const want = "training diverged in epoch 3, batch 7: loss is +Inf; try a lower -lr (now 100) or -clip 1"
	if err := divergedError(de, o); err.Error() != want {
		t.Errorf("%v\nwant %s", err, want)
	}
	o.Clip = 5
	const wantClip = "training diverged in epoch 3, batch 7: loss is +Inf; try a lower -lr (now 100) or a lower -clip (now 5)"
	if err := divergedError(de, o); err.Error() != wantClip {
		t.Errorf("%v\nwant %s", err, wantClip)
	}
}

// TestLossGrowth feeds losses to the watch: it warns once, at the first
// epoch over a thousand times the lowest and above the start.
func TestLossGrowth(t *testing.T) {
	for _, c := range []struct {
		name   string
		first  float64   // of the first batch
		epochs []float64 // the epochs' losses
		warn   int       // the epoch warned about, 0 for none
	}{
		{"lr 100 on iris", 1.1, []float64{27434, 44904, 52281, 13000}, 1},
		{"later, once", 1.1, []float64{0.5, 0.01, 0.2, 11, 30}, 4},
		{"a hundredfold", 1.1, []float64{0.5, 0.01, 1.05}, 0},
		{"from near zero, below the start", 0.7, []float64{0.1, 1e-7, 1e-3, 0.5}, 0},
		{"falling", 1e10, []float64{1e8, 1e5, 1e3}, 0},
	} {
		var g lossGrowth
		g.start(c.first)
		g.start(c.first * 10) // later batches are not the start
		warned := 0
		for i, l := range c.epochs {
			if w := g.check(i+1, l, 100); w != "" {
				if warned != 0 {
					t.Errorf("%s: a second warning at epoch %d: %s", c.name, i+1, w)
				}
				warned = i + 1
				if !strings.Contains(w, "try a lower -lr (now 100)") {
					t.Errorf("%s: warning %q does not say what to try", c.name, w)
				}
			}
		}
		if warned != c.warn {
			t.Errorf("%s: warned at epoch %d, want %d", c.name, warned, c.warn)
		}
	}
}

// TestTrainWarnings trains iris with a learning rate far too high, and a
// classifier on numbers that are not whole: each warns once.
func TestTrainWarnings(t *testing.T) {
	dir := t.TempDir()
	_, iris := trained(t, dir)
	o := TrainOptions{Data: iris, Epochs: 10, Batch: 16, LR: 100, Optimizer: "adam", Schedule: "constant", Seed: 1, Out: filepath.Join(dir, "lr.safetensors")}
	status, _, stderr := run(t, reluArch, "train", o)
	warning := regexp.MustCompile(`^nngen: warning: the training loss of epoch \d+, \S+, is over 1000 times its lowest, \S+: the learning rate is probably too high; try a lower -lr \(now 100\)\n$`)
	if status != 0 || !warning.MatchString(stderr) {
		t.Errorf("-lr 100: status %d, stderr %q\nwant %s", status, stderr, warning)
	}

	recs := readCSV(t, iris)
	for i, r := range recs[1:] {
		r[4] = []string{"0.5", "1.5", "2.5"}[i%3]
	}
	o = TrainOptions{Data: writeCSV(t, dir, "halves.csv", recs), Epochs: 1, Batch: 16, LR: 0.01, Optimizer: "adam", Schedule: "constant", Out: filepath.Join(dir, "halves.safetensors")}
	status, _, stderr = run(t, reluArch, "train", o)
	const want = `nngen: warning: column "species" looks continuous: its values (0.5, 1.5, 2.5) are numbers, not all whole, each taken as a class; ` +
		"for regression use an identity head (a last layer of 1 unit, activation: identity)\n"
	if status != 0 || stderr != want {
		t.Errorf("labels 0.5, 1.5, 2.5: status %d, stderr %q\nwant %q", status, stderr, want)
	}
}

// TestEpochLine checks that an epoch's line shows a regression's small
// loss with its digits, as its validation summary does, and a classifier's
// with four decimals.
func TestEpochLine(t *testing.T) {
	e := train.EpochStats{Epoch: 3, TrainLoss: 1.234e-05, Val: train.Metrics{N: 10, Loss: 2.5e-05, MSE: 2.5e-05}}
	got := epochLine(e, 10, model.Identity, nil)
	for _, want := range []string{"epoch  3/10  loss 1.234e-05", "val loss 2.5e-05"} {
		if !strings.Contains(got, want) {
			t.Errorf("regression: %q lacks %q", got, want)
		}
	}
	e.TrainLoss, e.Val.Loss = 0.123456, 0.5
	got = epochLine(e, 10, model.Softmax, nil)
	for _, want := range []string{"loss 0.1235", "val loss 0.5000"} {
		if !strings.Contains(got, want) {
			t.Errorf("classifier: %q lacks %q", got, want)
		}
	}
}
