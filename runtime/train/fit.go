package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
	"unsafe"

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

	// Meta is the metadata to save the trained weights with
	// ([SaveWeights]): Config.Meta with the Widths, Head and Arch.DType
	// of the model and, where Config.Meta leaves them empty, the Classes,
	// Target and Features of the training set.
	Meta Meta
}

// DivergedError reports that training produced a loss, gradient or
// parameter that is NaN or infinite.
type DivergedError struct {
	// Epoch and Batch are the 1-based epoch and batch within it of the
	// loss or gradient that is not finite, or the batch after whose
	// update a parameter was found not finite.
	Epoch, Batch int
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

// InterruptedError reports that Fit stopped because its context was
// cancelled. It wraps the context's error, and the checkpoint's if
// writing it failed.
type InterruptedError struct {
	// Epoch is the 1-based epoch in which training stopped, after Batch
	// of its Batches batches; the epochs before it are complete.
	Epoch, Batch, Batches int

	Cause error // the context's error

	// Checkpoint is the error writing the checkpoint of
	// Config.CheckpointPath; nil if it was written or none was asked for.
	Checkpoint error
}

func (e *InterruptedError) Error() string {
	s := fmt.Sprintf("train: stopped in epoch %d after %d of %d batches: %v", e.Epoch, e.Batch, e.Batches, e.Cause)
	if e.Checkpoint != nil {
		s += "; the checkpoint was not written: " + e.Checkpoint.Error()
	}
	return s
}

func (e *InterruptedError) Unwrap() []error {
	if e.Checkpoint != nil {
		return []error{e.Cause, e.Checkpoint}
	}
	return []error{e.Cause}
}

// Fit trains m on the samples of train, for cfg.Epochs epochs of
// mini-batches of cfg.Batch samples, and returns what it did.
//
// Fit starts from the current parameters of m: initialize them with
// m.Init first, or load them, or pass cfg.ResumeFrom. Each epoch visits the
// samples of train in the order of a [data.Batcher] with seed cfg.Seed.
// For each batch of n samples it
//
//  1. splits the batch into shards: one shard of up to 32 samples, else
//     one per 32 samples begun, at most 4 and rounded up to a power of
//     two (2 for 33 to 64 samples, 4 from 65 on), contiguous, of nearly
//     equal sizes that are multiples of 4 but for the last;
//  2. for each shard, lets m.Gradient write the gradient of the shard's
//     loss into a gradient of the shape of m (one per shard, allocated
//     once), with the weights of its samples (see cfg.ClassWeights) and
//     their dropout masks (see below);
//  3. sums the shard gradients element by element, in shard order, and
//     averages the sum, multiplying it by 1/n; the batch's loss is the
//     sum of the shards' losses, in shard order;
//  4. clips the gradient to a norm of cfg.ClipNorm, if set;
//  5. lets cfg.Optimizer update the parameters of m with the learning rate
//     that cfg.Schedule (or cfg.LR) gives for the update.
//
// With cfg.Threads above 1, the shards are computed on that many
// goroutines, and so are the sums of step 3 and the validation; the next
// batch is drawn during step 5. Since the shards depend only on the batch
// size, the number of threads does not change the results: the same
// initial weights, data and configuration, whatever cfg.Threads, always
// give the same weights, bit for bit, on a given platform. (Across architectures
// the compiler's fusing of multiply-adds may change the rounding.) Once
// the optimizer has allocated its state, at the first update, training
// allocates nothing per batch.
//
// For a model whose Dropout gives a layer a probability p > 0, each
// sample of a batch gets a keep-mask for that layer: 0 for each unit
// with probability p, else 1/(1−p). The bits of a unit are a hash of
// cfg.Seed, the epoch, the batch, the sample's position in the batch,
// the layer and the unit, so the masks do not depend on the threads
// either, and a resumed run draws those it would have drawn. The masks
// of a batch take Batch values per unit of the layers with dropout.
// Validation and inference use ForwardBatch, which never drops a unit.
//
// After each epoch Fit evaluates the model on val, if not nil, as
// [EvaluateWith] does with cfg.Scoring, and calls cfg.OnEpoch. With cfg.Patience set it stops when
// the validation loss has not improved for that many epochs, and then
// copies the weights of the best epoch back into m: m always ends with
// them when Fit returns without error, and when it is cancelled.
//
// If a loss, the clipped gradient or a parameter becomes NaN or infinite,
// Fit stops with a [*DivergedError], leaving m as it is. The loss of every
// batch is checked, and the gradient, as the shard gradients are summed;
// the parameters are checked after an update whose gradient is not
// finite, before the loss of a batch is reported as not finite, at the
// end of each epoch (before validation and checkpoints), and before the
// checkpoint of a cancelled run. So a parameter that overflows with a
// finite gradient is found at the latest at the end of its epoch, and the
// error then names the batches whose updates may have made it.
//
// Fit checks ctx between batches. If it is cancelled, Fit writes a
// checkpoint if cfg.CheckpointPath is set, so that the run can be resumed
// from the batch where it stopped, and returns an [*InterruptedError]
// wrapping ctx.Err(), along with the history so far.
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
	defer t.close()
	return t.run(ctx)
}

// trainer is the state of a Fit.
type trainer[T model.Float, M any, P model.Model[T, M]] struct {
	cfg        *Config[T]
	m          P
	train, val *data.Dataset[T]
	widths     []int
	layout     []model.Tensor
	meta       Meta // for checkpoints and the history
	// fingerprint identifies the training data in checkpoints.
	fingerprint string

	params []T
	grads  []T // the gradient of the current batch: shardP[0]

	// scaled is the optimizer where it takes the average of a gradient
	// in its update (optim.ScaledStepper) and there is no clipping, which
	// needs the average first; else nil. summed tells whether the
	// gradient of the current batch waits for it: a batch of one shard,
	// which the reduction then leaves alone.
	scaled optim.ScaledStepper[T]
	summed bool

	// Each shard of a batch has a gradient: shardG[k], whose parameters
	// are shardP[k], and a loss, shardLoss[k]. They are allocated for the
	// most shards a batch has.
	shardG    []*M
	shardP    [][]T
	shardLoss []T
	gradOK    []bool // per block of the reduction: whether its gradient is finite

	// The inputs of TrainWith beside the samples: the weights of the
	// current batch's samples (nil without class weights) and the
	// dropout masks (nil without dropout).
	weigher *weigher[T]
	weights []T
	masker  *masker[T]

	// The parallel work: the pool of Threads goroutines, the tasks (bound
	// method values, made once) and the batch they work on.
	pool                  *pool
	fwd                   *forwarder[T, M, P]
	shardTask, reduceTask func(int)
	cur                   data.Batch[T]
	shards                int // of cur
	inv                   T   // 1/cur.N

	// With helpers, the next batch is drawn while the optimizer updates
	// the parameters (updateTask), into next; updateOK is what the update
	// reports (see apply).
	updateTask func(int)
	lr         T
	updateOK   bool
	next       data.Batch[T]
	nextOK     bool
	prefetched bool

	batcher *data.Batcher[T]
	batches int // per epoch

	// Position: the number of completed epochs, and within the next one
	// the batches done, their samples and the sum of their losses.
	epoch   int
	batch   int
	samples int
	lossSum float64

	// clean is the number of batches of the current epoch after whose
	// update the parameters were last seen finite (0: at its start).
	clean int

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
		batcher:  data.NewBatcher(train, cfg.Batch, cfg.Seed),
		batches:  (train.Len() + cfg.Batch - 1) / cfg.Batch,
		bestLoss: math.Inf(1),
	}
	if cfg.Patience > 0 {
		t.best = make([]T, len(t.params))
	}
	t.meta = cfg.Meta.filled(Meta{Classes: train.Classes, Target: train.Target, Features: train.Features})
	t.meta = t.meta.filled(Meta{Widths: widths, Head: m.Head(), Arch: Arch{DType: dtypeName[T]()}})
	rows := min(cfg.Batch, train.Len())
	var err error
	if t.weigher, err = newWeigher(cfg.ClassWeights, train, rows); err != nil {
		return nil, err
	}
	if t.masker, err = newMasker[T](widths, m.Dropout(), rows, cfg.Seed); err != nil {
		return nil, err
	}
	if cfg.CheckpointPath != "" || cfg.ResumeFrom != "" {
		// Fail now rather than at the first checkpoint.
		if _, err := encodeMeta(t.meta, widths, m.Head(), dtypeName[T]()); err != nil {
			return nil, fmt.Errorf("train: Config.Meta: %w", err)
		}
		t.fingerprint = fingerprint(train)
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
	t.clean = t.batch // a checkpoint's parameters were checked before it was written

	// The shards, the reduction and the pool.
	shards := shardCount(min(cfg.Batch, train.Len()))
	t.shardG = make([]*M, shards)
	t.shardP = make([][]T, shards)
	t.shardLoss = make([]T, shards)
	for k := range t.shardG {
		t.shardG[k] = new(M)
		t.shardP[k] = P(t.shardG[k]).Params()
	}
	t.grads = t.shardP[0]
	if s, ok := cfg.Optimizer.(optim.ScaledStepper[T]); ok && cfg.ClipNorm == 0 {
		t.scaled = s
	}
	reduceBlocks := blocks(len(t.grads), reduceBlock)
	t.gradOK = make([]bool, reduceBlocks)
	tasks := max(shards, reduceBlocks)
	if val != nil {
		tasks = max(tasks, min(valParts, forwardTasks(val.Len())))
	}
	t.pool = newPool(cfg.Threads, tasks)
	t.fwd = newForwarder(m)
	t.fwd.fixed = valParts
	t.shardTask, t.reduceTask, t.updateTask = t.shard, t.reduce, t.update
	return t, nil
}

// close stops the goroutines of t.
func (t *trainer[T, M, P]) close() { t.pool.close() }

// run trains the remaining epochs.
func (t *trainer[T, M, P]) run(ctx context.Context) (History, error) {
	h := &t.hist
	h.Best, h.BestLoss, h.Meta = t.bestEpoch, t.bestLossOrZero(), t.meta
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
		b, ok := t.draw()
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
	loss, finite := t.gradient(b)
	if !isFinite(loss) {
		// A non-finite parameter makes the loss not finite: if an
		// unchecked update made one, name it rather than the loss.
		if err := t.checkParams(); err != nil {
			return err
		}
		return t.diverged(t.batch+1, fmt.Sprintf("loss is %v", loss))
	}
	if t.cfg.ClipNorm > 0 {
		// A norm beyond the range of T is +Inf even if the clipped
		// gradient is finite; only non-finite elements are divergence.
		if norm := optim.ClipGlobalNorm(t.grads, T(t.cfg.ClipNorm)); !isFinite(norm) {
			for i, g := range t.grads {
				if !isFinite(g) {
					return t.diverged(t.batch+1, fmt.Sprintf("the gradient of %s is %v", t.paramName(i), g))
				}
			}
		}
	}
	lr := t.cfg.rate(t.steps)
	if !(lr >= 0) || math.IsInf(lr, 0) {
		return fmt.Errorf("train: the schedule gives learning rate %v for step %d", lr, t.steps)
	}
	if t.pool.helpers > 0 {
		// The batch's samples are not needed any more: draw the next
		// batch while the parameters are updated. The batches come
		// from the same calls of Next as without.
		t.lr = T(lr)
		t.pool.run(2, t.updateTask)
		finite = t.updateOK && finite
	} else {
		finite = t.apply(T(lr)) && finite
	}
	t.steps++
	t.batch++
	if !finite {
		// A non-finite gradient makes non-finite parameters: look now,
		// so that the error names this batch.
		if err := t.checkParams(); err != nil {
			return err
		}
	}
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

// draw returns the next batch of the epoch, and false at its end.
func (t *trainer[T, M, P]) draw() (data.Batch[T], bool) {
	if t.prefetched {
		t.prefetched = false
		return t.next, t.nextOK
	}
	return t.batcher.Next()
}

// apply updates the parameters from t.grads at learning rate lr. It
// reports whether the gradient is finite where the update takes its
// average, and true where the reduction has checked it.
func (t *trainer[T, M, P]) apply(lr T) bool {
	if t.summed {
		return t.scaled.StepScaled(t.params, t.grads, t.inv, lr)
	}
	t.cfg.Optimizer.Step(t.params, t.grads, lr)
	return true
}

// update updates the parameters (task 0), or draws the next batch (task 1).
func (t *trainer[T, M, P]) update(i int) {
	if i == 0 {
		t.updateOK = t.apply(t.lr)
		return
	}
	t.next, t.nextOK = t.batcher.Next()
	t.prefetched = true
}

// gradient computes the averaged gradient of batch b into t.grads, the
// shards on the pool, and returns the batch's loss and whether the
// gradient is finite. If the loss is not finite, the gradient is not
// computed. A gradient that the update is to average (t.summed) stays
// the sum, and its finiteness is that of the update.
func (t *trainer[T, M, P]) gradient(b data.Batch[T]) (loss T, finite bool) {
	t.cur, t.shards, t.inv = b, shardCount(b.N), 1/T(b.N)
	t.summed = t.shards == 1 && t.scaled != nil
	t.weights = t.weigher.weigh(b)
	t.pool.run(t.shards, t.shardTask)
	loss = t.shardLoss[0]
	for _, l := range t.shardLoss[1:t.shards] {
		loss += l
	}
	if !isFinite(loss) || t.summed {
		return loss, isFinite(loss)
	}
	ok := t.gradOK
	t.pool.run(len(ok), t.reduceTask)
	for _, o := range ok {
		if !o {
			return loss, false
		}
	}
	return loss, true
}

// shard computes the gradient and the loss of shard k of the current
// batch, drawing its samples' dropout masks first.
func (t *trainer[T, M, P]) shard(k int) {
	n, in, out := t.cur.N, t.widths[0], t.widths[len(t.widths)-1]
	lo, hi := shardStart(n, t.shards, k), shardStart(n, t.shards, k+1)
	var w []T
	if t.weights != nil {
		w = t.weights[lo:hi]
	}
	masks := t.masker.fill(t.epoch, t.batch, lo, hi)
	t.shardLoss[k] = t.m.Gradient(t.shardG[k], t.cur.X[lo*in:hi*in], t.cur.Y[lo*out:hi*out], w, masks)
}

// reduce sums the shard gradients of block i of the parameters into
// t.grads, in shard order, multiplies the sums by t.inv, and records
// whether the results are finite.
func (t *trainer[T, M, P]) reduce(i int) {
	lo := i * reduceBlock
	hi := min(lo+reduceBlock, len(t.grads))
	sh := t.shardP[:t.shards]
	var ok bool
	switch len(sh) {
	case 1:
		ok = scale(sh[0][lo:hi], t.inv)
	case 2:
		ok = sum2(sh[0][lo:hi], sh[1][lo:hi], t.inv)
	case 4:
		ok = sum4(sh[0][lo:hi], sh[1][lo:hi], sh[2][lo:hi], sh[3][lo:hi], t.inv)
	default: // not with the shard counts of shardCount
		g := sh[0][lo:hi]
		for _, gk := range sh[1:] {
			for j, v := range gk[lo:hi] {
				g[j] += v
			}
		}
		ok = scale(g, t.inv)
	}
	t.gradOK[i] = ok
}

// The sums of the reduction, which report whether their results are
// finite. Each hands the longest prefix of whole vectors to an assembly
// kernel where there is one (reduce_amd64.s with AVX2, reduce_arm64.s with
// NEON) and the rest to its plain form, scaleGo, sum2Go or sum4Go, which is
// the definition. The kernels round as the plain forms do (no product feeds
// an add, so there is nothing for a compiler to fuse), so the results are
// bit-identical. The purego build tag selects the plain forms.

// scale multiplies g by inv.
func scale[T model.Float](g []T, inv T) (finite bool) {
	n := vecLen[T](len(g))
	finite = true
	if n > 0 {
		if is32[T]() {
			finite = scaleF32(ptr32(g), n, float32(inv))
		} else {
			finite = scaleF64(ptr64(g), n, float64(inv))
		}
	}
	return scaleGo(g[n:], inv) && finite
}

// sum2 sets g to (g+g1)·inv.
func sum2[T model.Float](g, g1 []T, inv T) (finite bool) {
	g1 = g1[:len(g)]
	n := vecLen[T](len(g))
	finite = true
	if n > 0 {
		if is32[T]() {
			finite = sum2F32(ptr32(g), ptr32(g1), n, float32(inv))
		} else {
			finite = sum2F64(ptr64(g), ptr64(g1), n, float64(inv))
		}
	}
	return sum2Go(g[n:], g1[n:], inv) && finite
}

// sum4 sets g to (((g+g1)+g2)+g3)·inv.
func sum4[T model.Float](g, g1, g2, g3 []T, inv T) (finite bool) {
	g1, g2, g3 = g1[:len(g)], g2[:len(g)], g3[:len(g)]
	n := vecLen[T](len(g))
	finite = true
	if n > 0 {
		if is32[T]() {
			finite = sum4F32(ptr32(g), ptr32(g1), ptr32(g2), ptr32(g3), n, float32(inv))
		} else {
			finite = sum4F64(ptr64(g), ptr64(g1), ptr64(g2), ptr64(g3), n, float64(inv))
		}
	}
	return sum4Go(g[n:], g1[n:], g2[n:], g3[n:], inv) && finite
}

// vecLen returns the number of leading elements of a slice of length n that
// the assembly kernels handle: n rounded down to whole vectors, or 0 without
// them.
func vecLen[T model.Float](n int) int {
	if !useAsm {
		return 0
	}
	lanes := vecBytes / int(unsafe.Sizeof(T(0)))
	return n &^ (lanes - 1)
}

// is32 reports whether T is float32 or a type derived from it.
func is32[T model.Float]() bool { return unsafe.Sizeof(T(0)) == 4 }

// ptr32 and ptr64 return the first element of x, which must not be empty, as
// a pointer to the element type the kernels take.
func ptr32[T model.Float](x []T) *float32 { return (*float32)(unsafe.Pointer(unsafe.SliceData(x))) }
func ptr64[T model.Float](x []T) *float64 { return (*float64)(unsafe.Pointer(unsafe.SliceData(x))) }

// In the plain forms a non-finite v makes v·0 NaN, and four partial sums of
// the v·0 keep the loops as fast as without them.

// scaleGo is the plain form of scale.
func scaleGo[T model.Float](g []T, inv T) (finite bool) {
	var f0, f1, f2, f3 T
	j := 0
	for ; j+4 <= len(g); j += 4 {
		q := g[j : j+4 : j+4]
		v0, v1, v2, v3 := q[0]*inv, q[1]*inv, q[2]*inv, q[3]*inv
		q[0], q[1], q[2], q[3] = v0, v1, v2, v3
		f0 += v0 * 0
		f1 += v1 * 0
		f2 += v2 * 0
		f3 += v3 * 0
	}
	for ; j < len(g); j++ {
		v := g[j] * inv
		g[j] = v
		f0 += v * 0
	}
	return f0+f1+f2+f3 == 0
}

// sum2Go is the plain form of sum2.
func sum2Go[T model.Float](g, g1 []T, inv T) (finite bool) {
	g1 = g1[:len(g)]
	var f0, f1, f2, f3 T
	j := 0
	for ; j+4 <= len(g); j += 4 {
		q, q1 := g[j:j+4:j+4], g1[j:j+4:j+4]
		v0 := (q[0] + q1[0]) * inv
		v1 := (q[1] + q1[1]) * inv
		v2 := (q[2] + q1[2]) * inv
		v3 := (q[3] + q1[3]) * inv
		q[0], q[1], q[2], q[3] = v0, v1, v2, v3
		f0 += v0 * 0
		f1 += v1 * 0
		f2 += v2 * 0
		f3 += v3 * 0
	}
	for ; j < len(g); j++ {
		v := (g[j] + g1[j]) * inv
		g[j] = v
		f0 += v * 0
	}
	return f0+f1+f2+f3 == 0
}

// sum4Go is the plain form of sum4.
func sum4Go[T model.Float](g, g1, g2, g3 []T, inv T) (finite bool) {
	g1, g2, g3 = g1[:len(g)], g2[:len(g)], g3[:len(g)]
	var f0, f1 T
	j := 0
	for ; j+2 <= len(g); j += 2 {
		q, q1, q2, q3 := g[j:j+2:j+2], g1[j:j+2:j+2], g2[j:j+2:j+2], g3[j:j+2:j+2]
		v0 := (((q[0] + q1[0]) + q2[0]) + q3[0]) * inv
		v1 := (((q[1] + q1[1]) + q2[1]) + q3[1]) * inv
		q[0], q[1] = v0, v1
		f0 += v0 * 0
		f1 += v1 * 0
	}
	for ; j < len(g); j++ {
		v := (((g[j] + g1[j]) + g2[j]) + g3[j]) * inv
		g[j] = v
		f0 += v * 0
	}
	return f0+f1 == 0
}

// checkParams returns a *DivergedError naming the first parameter that is
// not finite, if any, blaming the updates since the parameters were last
// seen finite; it notes that they are finite otherwise.
func (t *trainer[T, M, P]) checkParams() error {
	if t.batch == t.clean {
		return nil // no update since
	}
	for i, p := range t.params {
		if !isFinite(p) {
			what := fmt.Sprintf("%s is %v after the update", t.paramName(i), p)
			if t.batch > t.clean+1 {
				what += fmt.Sprintf(" of one of batches %d to %d", t.clean+1, t.batch)
			}
			return t.diverged(t.batch, what)
		}
	}
	t.clean = t.batch
	return nil
}

// endEpoch completes an epoch whose batches are done: it validates,
// records the statistics, writes a checkpoint if one is due and calls
// OnEpoch. It reports whether training should stop.
func (t *trainer[T, M, P]) endEpoch(start time.Time) (stop bool, err error) {
	if err := t.checkParams(); err != nil {
		return true, err
	}
	t.epoch++
	s := EpochStats{
		Epoch:     t.epoch,
		Steps:     t.steps,
		LR:        t.lastLR,
		TrainLoss: t.lossSum / float64(t.samples),
	}
	t.batch, t.samples, t.lossSum, t.clean = 0, 0, 0, 0
	if t.val != nil {
		if s.Val, err = evaluate(t.m, t.val, t.cfg.Scoring, &t.evalBuf, t.pool, t.fwd, valBatch); err != nil {
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
	if len(h.Epochs) == cap(h.Epochs) {
		// append grows a long slice by a quarter, copying the history
		// again every few epochs into fresh memory; doubling copies each
		// record about once.
		h.Epochs = slices.Grow(h.Epochs, max(len(h.Epochs), 16))
	}
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
	if err := t.checkParams(); err != nil {
		return err
	}
	err := &InterruptedError{Epoch: t.epoch + 1, Batch: t.batch, Batches: t.batches, Cause: cause}
	if t.cfg.CheckpointPath != "" {
		err.Checkpoint = t.checkpoint()
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

// diverged returns the error for a non-finite value in batch batch of the
// current epoch.
func (t *trainer[T, M, P]) diverged(batch int, what string) error {
	return &DivergedError{Epoch: t.epoch + 1, Batch: batch, What: what, Clipping: t.cfg.ClipNorm > 0}
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
