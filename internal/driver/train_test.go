package driver

import (
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

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
	}{
		{"before the first batch", 1, nil, `^interrupted before the first batch: nothing saved\n$`, false},
		{"within an epoch", 15, nil, `^interrupted in epoch 2 after 3 of 10 batches: weights saved to \S+\n$`, true},
		{"under early stopping", 40, func(o *TrainOptions) { o.ValSplit, o.Patience, o.Batch = 0.2, 100, 16 },
			`^interrupted in epoch 5 after 3 of 8 batches: weights of epoch (\d), the best so far \(validation loss 0\.\d+\), saved to \S+\n$`, true},
		{"with a checkpoint", 15, func(o *TrainOptions) { o.Checkpoint = filepath.Join(dir, "c.safetensors") },
			`^interrupted in epoch 2 after 3 of 10 batches: checkpoint saved to \S+; continue with -resume \S+\n$`, false},
		{"with a checkpoint that cannot be written", 15, func(o *TrainOptions) { o.Checkpoint = filepath.Join(dir, "missing", "c.safetensors") },
			`^nngen: train: checkpoint: .*\ninterrupted in epoch 2 after 3 of 10 batches: weights saved to \S+\n$`, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := base
			o.Out = filepath.Join(t.TempDir(), "w.safetensors")
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
