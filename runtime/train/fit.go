package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/optim"
)

// EpochStats are the statistics of one epoch of training.
type EpochStats struct {
	// Epoch is the 1-based number of the epoch, counted from the start of
	// training, across resumes.
	Epoch int

	// Steps is the number of updates the optimizer has applied so far.
	Steps int64

	// LR is the learning rate of the epoch's last update.
	LR float64

	// TrainLoss is the mean loss of the epoch's training samples, each
	// computed with the weights before the update of its batch.
	TrainLoss float64

	// Val holds the scores on the validation set after the epoch; its N
	// is zero if Fit has no validation set.
	Val Metrics

	// Best reports whether Val.Loss is the lowest validation loss so far.
	Best bool

	// Elapsed is the wall time spent on the epoch's updates and its
	// validation, in this run.
	Elapsed time.Duration
}

// BatchStats are the statistics of one update, passed to Config.OnBatch.
type BatchStats struct {
	Epoch   int     // 1-based epoch
	Batch   int     // 1-based index of the batch within the epoch
	Batches int     // number of batches per epoch
	N       int     // samples in the batch
	Loss    float64 // mean loss of the batch's samples, before the update
	LR      float64 // learning rate of the update
	Steps   int64   // updates applied so far, this one included
}

// History records what a call of Fit did.
type History struct {
	// Epochs holds the statistics of the epochs this call trained, in
	// order; a resumed run starts at the epoch after the checkpoint's.
	Epochs []EpochStats

	// Best is the epoch with the lowest validation loss and BestLoss that
	// loss, which may be an epoch trained before a resume. Best is 0 if
	// there is no validation set.
	Best     int
	BestLoss float64

	// EarlyStopped reports whether training ended because the validation
	// loss had not improved for Config.Patience epochs.
	EarlyStopped bool
}

// DivergedError reports that training produced a loss, gradient or
// parameter that is NaN or infinite.
type DivergedError struct {
	Epoch, Batch int    // 1-based epoch and batch within it
	What         string // what is not finite, e.g. "loss is NaN"
	Clipping     bool   // whether gradient clipping was on
}

func (e *DivergedError) Error() string {
	hint := "try a lower learning rate or gradient clipping"
	if e.Clipping {
		hint = "try a lower learning rate or a smaller ClipNorm"
	}
	return fmt.Sprintf("train: diverged at epoch %d, batch %d: %s (%s)", e.Epoch, e.Batch, e.What, hint)
}

// Fit trains m on the samples of train, for cfg.Epochs epochs of
// mini-batches of cfg.Batch samples, and returns what it did.
//
// Fit starts from the current parameters of m: initialize them with
// m.Init first, or load them, or pass cfg.ResumeFrom. Each epoch visits the
// samples of train in the order of a [data.Batcher] with seed cfg.Seed.
// For each batch of n samples it
//
//  1. clears a gradient of the shape of m and lets m.TrainBatch add the
//     gradient of the batch's loss to it;
//  2. averages the gradient, multiplying it by 1/n;
//  3. clips it to a norm of cfg.ClipNorm, if set;
//  4. lets cfg.Optimizer update the parameters of m with the learning rate
//     that cfg.Schedule (or cfg.LR) gives for the update.
//
// The same initial weights, data and configuration always give the same
// weights, bit for bit, on a given platform. (Across architectures the
// compiler's fusing of multiply-adds may change the rounding.) Once the
// optimizer has allocated its state, at the first update, training
// allocates nothing per batch.
//
// After each epoch Fit evaluates the model on val, if not nil, with
// [Evaluate], and calls cfg.OnEpoch. With cfg.Patience set it stops when
// the validation loss has not improved for that many epochs, and then
// copies the weights of the best epoch back into m: m always ends with
// them when Fit returns without error, and when it is cancelled.
//
// If a loss, the clipped gradient or a parameter becomes NaN or infinite,
// Fit stops with a [*DivergedError], leaving m as it is.
//
// Fit checks ctx between batches. If it is cancelled, Fit writes a
// checkpoint if cfg.CheckpointPath is set, so that the run can be resumed
// from the batch where it stopped, and returns an error wrapping
// ctx.Err(), along with the history so far.
//
// A run resumed from a checkpoint with the same data and configuration
// continues exactly as if it had not been interrupted: its final weights
// are bit for bit those of an uninterrupted run. The batch order of the
// resumed epochs is recovered by replaying the batcher's shuffles from
// cfg.Seed up to the checkpoint's position, which costs one pass over the
// indices per epoch replayed, without any training.
func Fit[T model.Float, M any, P model.Model[T, M]](ctx context.Context, m P, train, val *data.Dataset[T], cfg Config[T]) (History, error) {
	t, err := newTrainer(m, train, val, &cfg)
	if err != nil {
		return History{}, err
	}
	return t.run(ctx)
}

// trainer is the state of a Fit.
type trainer[T model.Float, M any, P model.Model[T, M]] struct {
	cfg        *Config[T]
	m          P
	train, val *data.Dataset[T]
	widths     []int
	layout     []model.Tensor
	meta       Meta // for checkpoints

	params []T
	g      *M
	grads  []T // the parameters of g

	batcher *data.Batcher[T]
	batches int // per epoch

	// Position: the number of completed epochs, and within the next one
	// the batches done, their samples and the sum of their losses.
	epoch   int
	batch   int
	samples int
	lossSum float64

	steps  int64   // optimizer updates so far
	lastLR float64 // learning rate of the last update

	bestEpoch int // 0 if none yet
	bestLoss  float64
	best      []T // weights of bestEpoch, with Patience set

	evalBuf []T
	hist    History
}

func newTrainer[T model.Float, M any, P model.Model[T, M]](m P, train, val *data.Dataset[T], cfg *Config[T]) (*trainer[T, M, P], error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	widths := m.Widths()
	switch {
	case train == nil || train.Len() == 0:
		return nil, errors.New("train: no training samples")
	case cfg.Patience > 0 && val == nil:
		return nil, errors.New("train: early stopping (Patience) needs a validation set")
	case val != nil && val.Len() == 0:
		return nil, errors.New("train: the validation set has no samples")
	}
	if err := checkDims(train, widths, "the training set"); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if val != nil {
		if err := checkDims(val, widths, "the validation set"); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
	}
	t := &trainer[T, M, P]{
		cfg:      cfg,
		m:        m,
		train:    train,
		val:      val,
		widths:   widths,
		layout:   model.Layout(widths),
		params:   m.Params(),
		g:        new(M),
		batcher:  data.NewBatcher(train, cfg.Batch, cfg.Seed),
		batches:  (train.Len() + cfg.Batch - 1) / cfg.Batch,
		bestLoss: math.Inf(1),
	}
	t.grads = P(t.g).Params()
	if cfg.Patience > 0 {
		t.best = make([]T, len(t.params))
	}
	if cfg.CheckpointPath != "" {
		t.meta = cfg.Meta
		if t.meta.Classes == nil {
			t.meta.Classes = train.Classes
		}
		if t.meta.Target == "" {
			t.meta.Target = train.Target
		}
		// Fail now rather than at the first checkpoint.
		if _, err := encodeMeta(t.meta, widths, m.Head()); err != nil {
			return nil, fmt.Errorf("train: Config.Meta: %w", err)
		}
	}
	if cfg.ResumeFrom != "" {
		if err := t.resume(cfg.ResumeFrom); err != nil {
			return nil, err
		}
	} else {
		t.steps = cfg.Optimizer.State().Steps
		if t.steps > 0 {
			t.lastLR = cfg.rate(t.steps - 1)
		}
	}
	return t, nil
}

// run trains the remaining epochs.
func (t *trainer[T, M, P]) run(ctx context.Context) (History, error) {
	h := &t.hist
	h.Best, h.BestLoss = t.bestEpoch, t.bestLossOrZero()
	if t.stalled() { // a resumed run that had already stopped early
		h.EarlyStopped = true
		t.restoreBest()
		return *h, nil
	}
	for t.epoch < t.cfg.Epochs {
		start := time.Now()
		if err := t.trainEpoch(ctx); err != nil {
			if cause := ctx.Err(); cause != nil && err == cause {
				return *h, t.interrupted(cause)
			}
			return *h, err
		}
		stop, err := t.endEpoch(start)
		if err != nil {
			return *h, err
		}
		if stop {
			break
		}
	}
	t.restoreBest()
	return *h, nil
}

// trainEpoch trains the remaining batches of the current epoch. It returns
// ctx.Err() itself if ctx is cancelled.
func (t *trainer[T, M, P]) trainEpoch(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, ok := t.batcher.Next()
		if !ok {
			return nil
		}
		if err := t.step(b); err != nil {
			return err
		}
	}
}

// step trains one batch.
func (t *trainer[T, M, P]) step(b data.Batch[T]) error {
	clear(t.grads)
	loss := t.m.TrainBatch(t.g, b.X, b.Y)
	if !isFinite(loss) {
		return t.diverged(fmt.Sprintf("loss is %v", loss))
	}
	inv := 1 / T(b.N)
	for i := range t.grads {
		t.grads[i] *= inv
	}
	if t.cfg.ClipNorm > 0 {
		// A norm beyond the range of T is +Inf even if the clipped
		// gradient is finite; only non-finite elements are divergence.
		if norm := optim.ClipGlobalNorm(t.grads, T(t.cfg.ClipNorm)); !isFinite(norm) {
			for i, g := range t.grads {
				if !isFinite(g) {
					return t.diverged(fmt.Sprintf("the gradient of %s is %v", t.paramName(i), g))
				}
			}
		}
	}
	lr := t.cfg.rate(t.steps)
	if !(lr >= 0) || math.IsInf(lr, 0) {
		return fmt.Errorf("train: the schedule gives learning rate %v for step %d", lr, t.steps)
	}
	t.cfg.Optimizer.Step(t.params, t.grads, T(lr))
	t.steps++
	for i, p := range t.params {
		if !isFinite(p) {
			return t.diverged(fmt.Sprintf("%s is %v after the update", t.paramName(i), p))
		}
	}
	t.batch++
	t.samples += b.N
	t.lossSum += float64(loss)
	t.lastLR = lr
	if t.cfg.OnBatch != nil {
		t.cfg.OnBatch(BatchStats{
			Epoch:   t.epoch + 1,
			Batch:   t.batch,
			Batches: t.batches,
			N:       b.N,
			Loss:    float64(loss) / float64(b.N),
			LR:      lr,
			Steps:   t.steps,
		})
	}
	return nil
}

// endEpoch completes an epoch whose batches are done: it validates,
// records the statistics, writes a checkpoint if one is due and calls
// OnEpoch. It reports whether training should stop.
func (t *trainer[T, M, P]) endEpoch(start time.Time) (stop bool, err error) {
	t.epoch++
	s := EpochStats{
		Epoch:     t.epoch,
		Steps:     t.steps,
		LR:        t.lastLR,
		TrainLoss: t.lossSum / float64(t.samples),
	}
	t.batch, t.samples, t.lossSum = 0, 0, 0
	if t.val != nil {
		if s.Val, err = evaluate(t.m, t.val, &t.evalBuf); err != nil {
			return true, err
		}
		if s.Val.Loss < t.bestLoss {
			s.Best = true
			t.bestEpoch, t.bestLoss = t.epoch, s.Val.Loss
			copy(t.best, t.params)
		}
	}
	s.Elapsed = time.Since(start)
	h := &t.hist
	h.Epochs = append(h.Epochs, s)
	h.Best, h.BestLoss = t.bestEpoch, t.bestLossOrZero()
	if n := t.cfg.CheckpointEvery; n > 0 && t.epoch%n == 0 {
		if err := t.checkpoint(); err != nil {
			return true, err
		}
	}
	if t.cfg.OnEpoch != nil {
		if err := t.cfg.OnEpoch(s); errors.Is(err, Stop) {
			return true, nil
		} else if err != nil {
			return true, err
		}
	}
	if t.stalled() {
		h.EarlyStopped = true
		return true, nil
	}
	return false, nil
}

// interrupted handles the cancellation of training by cause.
func (t *trainer[T, M, P]) interrupted(cause error) error {
	err := fmt.Errorf("train: stopped in epoch %d after %d of %d batches: %w",
		t.epoch+1, t.batch, t.batches, cause)
	if t.cfg.CheckpointPath != "" {
		if cerr := t.checkpoint(); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}
	t.restoreBest()
	return err
}

// stalled reports whether early stopping is on and the validation loss
// has not improved for Patience epochs.
func (t *trainer[T, M, P]) stalled() bool {
	return t.cfg.Patience > 0 && t.epoch-t.bestEpoch >= t.cfg.Patience
}

// restoreBest copies the best weights into the model, with early stopping.
func (t *trainer[T, M, P]) restoreBest() {
	if t.best != nil && t.bestEpoch > 0 {
		copy(t.params, t.best)
	}
}

func (t *trainer[T, M, P]) bestLossOrZero() float64 {
	if t.bestEpoch == 0 {
		return 0
	}
	return t.bestLoss
}

// diverged returns the error for a non-finite value in the current batch.
func (t *trainer[T, M, P]) diverged(what string) error {
	return &DivergedError{Epoch: t.epoch + 1, Batch: t.batch + 1, What: what, Clipping: t.cfg.ClipNorm > 0}
}

// paramName names parameter i for messages: "2.weight[1][0]", "0.bias[3]".
func (t *trainer[T, M, P]) paramName(i int) string {
	for _, lt := range t.layout {
		j := i - lt.Offset
		if j < 0 || j >= lt.Size() {
			continue
		}
		if len(lt.Shape) == 2 {
			return fmt.Sprintf("%s[%d][%d]", lt.Name, j/lt.Shape[1], j%lt.Shape[1])
		}
		return fmt.Sprintf("%s[%d]", lt.Name, j)
	}
	return fmt.Sprintf("parameter %d", i)
}

func isFinite[T model.Float](x T) bool {
	return x-x == 0
}
