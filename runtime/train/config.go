package train

import (
	"errors"
	"fmt"
	"math"

	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/optim"
)

// Config configures [Fit]. Epochs, Batch, Optimizer and one of LR and
// Schedule are required; every other field has a usable zero value.
type Config[T model.Float] struct {
	// Epochs is the number of passes over the training data, counted from
	// the start of training: a run resumed from a checkpoint written after
	// epoch k trains epochs k+1 to Epochs. At least 1.
	Epochs int

	// Batch is the number of samples per mini-batch; the last batch of an
	// epoch may be smaller. At least 1.
	Batch int

	// Optimizer applies the updates. Fit takes it over: it must not be
	// used elsewhere while Fit runs, and on resume its state is replaced
	// by the checkpoint's. Its step count at the start of Fit (zero for a
	// new optimizer) is the schedule's first step.
	Optimizer optim.Optimizer[T]

	// Schedule gives the learning rate of each update from the number of
	// updates the optimizer has applied before it. If nil, the rate is
	// the constant LR.
	Schedule optim.Schedule

	// LR is the constant learning rate used when Schedule is nil. It must
	// be positive and finite then, and zero when Schedule is set.
	LR float64

	// ClipNorm, if positive, is the largest Euclidean norm allowed for the
	// averaged gradient of a batch (see [optim.ClipGlobalNorm]). Zero
	// disables clipping.
	ClipNorm float64

	// Seed determines the order in which the training samples are visited:
	// epoch after epoch, the order of a [data.Batcher] created with Seed.
	// Fit does not initialize the model; call its Init first.
	Seed uint64

	// Patience, if positive, enables early stopping: training stops when
	// the validation loss has not improved for Patience consecutive
	// epochs, and the model is left with the weights of the epoch with the
	// lowest validation loss. It requires a validation set. Zero disables
	// early stopping.
	Patience int

	// CheckpointPath is the file to which checkpoints are written, every
	// CheckpointEvery epochs and when the context is cancelled. Empty
	// disables checkpoints.
	CheckpointPath string

	// CheckpointEvery is the interval, in epochs, of the periodic
	// checkpoints. Zero writes a checkpoint only when training is
	// cancelled. A positive value requires CheckpointPath.
	CheckpointEvery int

	// ResumeFrom, if not empty, is a checkpoint written by an earlier Fit
	// with the same model architecture, training data, Batch and Seed.
	// Training continues from where that checkpoint was taken.
	ResumeFrom string

	// Meta is stored in the checkpoints along with the weights, so that a
	// checkpoint loads with [LoadWeights] like a weights file. Its Widths
	// and Head are taken from the model; Classes, Target and Features, if
	// empty, from the training data. A resumed run checks it against the
	// checkpoint's: the architecture (as [CheckArch]), the classes, the
	// target, the feature names and the standardization.
	Meta Meta

	// Threads is the number of goroutines that compute the gradients of
	// the shards of each mini-batch, sum them, and run the validation's
	// forward passes; 0 or 1 means the calling goroutine alone. The
	// results do not depend on it (see [Fit]). Only up to 4 threads share
	// a mini-batch's gradients (the most shards a batch has), and batches
	// of up to 32 samples are one shard; GOMAXPROCS bounds the threads
	// that run at once. Between the parallel steps of a batch the extra
	// goroutines spin for up to a millisecond before they sleep, if
	// GOMAXPROCS is at least Threads.
	Threads int

	// Scoring says how the validation after each epoch scores the model
	// beyond its loss, accuracy and errors (see [EvaluateWith]); the
	// ranking scores cost a sort of the outputs per epoch.
	Scoring Scoring

	// OnEpoch, if not nil, is called after each epoch with its statistics.
	// Returning [Stop] ends training as if the last epoch had been
	// reached; returning another error ends it with that error.
	OnEpoch func(EpochStats) error

	// OnBatch, if not nil, is called after each update with the batch's
	// statistics, for example to draw a progress bar. It runs between
	// batches on the goroutine that called Fit, so it should be quick.
	OnBatch func(BatchStats)

	// ClassWeights, if not nil, weighs the loss of each training sample,
	// and so its gradient, by the weight of its class: ClassWeights[c]
	// for the samples labelled c, one positive weight per class of the
	// training set (see [BalancedWeights]). In each batch the weights are
	// scaled to average 1, so that the batch's gradient is the weighted
	// mean Σ wᵢ∇Lᵢ / Σ wᵢ, as with PyTorch's CrossEntropyLoss(weight=…);
	// the training loss Fit reports is that weighted mean too. The
	// validation is not weighted.
	ClassWeights []float64
}

// Stop is returned by a [Config.OnEpoch] callback to end training early
// without an error.
var Stop = errors.New("train: stop")

// Validate reports the first field of c that is out of range, or nil if c
// is usable by [Fit].
func (c *Config[T]) Validate() error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case c.Epochs < 1:
		return fmt.Errorf("train: Epochs is %d, want at least 1", c.Epochs)
	case c.Batch < 1:
		return fmt.Errorf("train: Batch is %d, want at least 1", c.Batch)
	case c.Optimizer == nil:
		return errors.New("train: no Optimizer")
	case c.Schedule == nil && !(c.LR > 0 && finite(c.LR)):
		return fmt.Errorf("train: LR is %v, want a positive finite learning rate (or a Schedule)", c.LR)
	case c.Schedule != nil && c.LR != 0:
		return fmt.Errorf("train: both LR (%v) and Schedule are set; the schedule gives the learning rate", c.LR)
	case !(c.ClipNorm >= 0 && finite(c.ClipNorm)):
		return fmt.Errorf("train: ClipNorm is %v, want 0 (no clipping) or a positive finite norm", c.ClipNorm)
	case c.ClipNorm > 0 && !(T(c.ClipNorm) > 0):
		return fmt.Errorf("train: ClipNorm %v is zero in %T", c.ClipNorm, T(0))
	case c.Patience < 0:
		return fmt.Errorf("train: Patience is %d, want 0 (no early stopping) or more", c.Patience)
	case c.Threads < 0:
		return fmt.Errorf("train: Threads is %d, want 0 or more", c.Threads)
	case c.CheckpointEvery < 0:
		return fmt.Errorf("train: CheckpointEvery is %d, want 0 or more", c.CheckpointEvery)
	case c.CheckpointEvery > 0 && c.CheckpointPath == "":
		return fmt.Errorf("train: CheckpointEvery is %d but CheckpointPath is empty", c.CheckpointEvery)
	}
	if _, err := c.Scoring.threshold(); err != nil {
		return fmt.Errorf("train: Scoring: %w", err)
	}
	for i, w := range c.ClassWeights {
		if !(w > 0 && finite(w)) {
			return fmt.Errorf("train: ClassWeights[%d] is %v, want a positive finite weight", i, w)
		}
	}
	return nil
}

// rate returns the learning rate of update step.
func (c *Config[T]) rate(step int64) float64 {
	if c.Schedule == nil {
		return c.LR
	}
	return c.Schedule.Rate(int(step))
}
