package train

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/optim"
	"github.com/nngen/nngen/runtime/safetensors"
)

// Metadata keys of checkpoints, besides those of weights files; see the
// package documentation. The values are decimal numbers.
const (
	keyEpoch     = "nngen.epoch"      // epochs completed
	keyBatch     = "nngen.batch"      // batches done of the next epoch
	keyLossSum   = "nngen.loss_sum"   // sum of their losses (exact float64)
	keySteps     = "nngen.steps"      // optimizer updates applied
	keySeed      = "nngen.seed"       // Config.Seed
	keyBatchSize = "nngen.batch_size" // Config.Batch
	keySamples   = "nngen.samples"    // training samples
	keyBestEpoch = "nngen.best_epoch" // epoch of the lowest validation loss, 0 if none
	keyBestLoss  = "nngen.best_loss"  // that loss (exact float64)
	keyData      = "nngen.data"       // the fingerprint of the training data (hexadecimal)
)

// checkpoint writes the training state to cfg.CheckpointPath.
func (t *trainer[T, M, P]) checkpoint() error {
	path := t.cfg.CheckpointPath
	md, err := encodeMeta(t.meta, t.widths, t.m.Head(), dtypeName[T]())
	if err != nil {
		return fmt.Errorf("train: checkpoint %s: %w", path, err)
	}
	state := t.cfg.Optimizer.State()
	for k, v := range map[string]int64{
		keyEpoch:     int64(t.epoch),
		keyBatch:     int64(t.batch),
		keySteps:     state.Steps,
		keyBatchSize: int64(t.cfg.Batch),
		keySamples:   int64(t.train.Len()),
		keyBestEpoch: int64(t.bestEpoch),
	} {
		md[k] = strconv.FormatInt(v, 10)
	}
	md[keySeed] = strconv.FormatUint(t.cfg.Seed, 10)
	md[keyData] = t.fingerprint
	md[keyLossSum] = formatFloat(t.lossSum)
	md[keyBestLoss] = formatFloat(t.bestLoss)

	ts := appendTensors(nil, "", t.widths, t.params)
	for _, b := range state.Buffers {
		bt, err := safetensors.FromFloats(optimizerPrefix+b.Name, []int{len(b.Data)}, b.Data)
		if err != nil {
			return fmt.Errorf("train: checkpoint %s: %w", path, err)
		}
		ts = append(ts, bt)
	}
	if t.best != nil && t.bestEpoch > 0 {
		ts = appendTensors(ts, bestPrefix, t.widths, t.best)
	}
	if err := safetensors.WriteFile(path, &safetensors.File{Tensors: ts, Metadata: md}); err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	return nil
}

// resume restores the training state from the checkpoint at path. It
// changes nothing, neither the model nor the optimizer, if it fails.
func (t *trainer[T, M, P]) resume(path string) error {
	errorf := func(format string, args ...any) error {
		return fmt.Errorf("train: resume from %s: "+format, append([]any{path}, args...)...)
	}
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return fmt.Errorf("train: resume: %w", err)
	}
	meta, err := checkFile(path, f, t.widths, t.m.Head())
	if err != nil {
		return fmt.Errorf("train: resume: %w", err)
	}
	md := f.Metadata
	c, err := readCounters(md)
	if err != nil {
		return errorf("%w", err)
	}
	if _, err := CheckArch(path, meta, t.meta.Arch); err != nil {
		return fmt.Errorf("train: resume: %w", err)
	}

	// The configuration that decides the batch order.
	switch n := t.train.Len(); {
	case c.seed != t.cfg.Seed:
		return errorf("the checkpoint was written with seed %d, this run has seed %d", c.seed, t.cfg.Seed)
	case c.batchSize != int64(t.cfg.Batch):
		return errorf("the checkpoint was written with batch size %d, this run has %d", c.batchSize, t.cfg.Batch)
	case c.samples != int64(n):
		return errorf("written for %d training samples, the training set has %d", c.samples, n)
	case c.batch > int64(t.batches):
		return errorf("metadata %q: batch %d of %d", keyBatch, c.batch, t.batches)
	case c.bestEpoch > c.epoch:
		return errorf("metadata %q: best epoch %d after epoch %d", keyBestEpoch, c.bestEpoch, c.epoch)
	}
	if what := t.changed(meta, md[keyData]); what != "" {
		return errorf("the training data are not the checkpoint's: %s", what)
	}

	// Tensors: the weights, the optimizer's state and the best weights.
	params := make([]T, len(t.params))
	if err := readTensors(path, f, "", t.widths, params); err != nil {
		return fmt.Errorf("train: resume: %w", err)
	}
	var best []T
	if t.best != nil && c.bestEpoch > 0 {
		best = make([]T, len(t.params))
		if findTensor(f, bestPrefix+t.layout[0].Name) == nil {
			return errorf("no best weights (%q, …) for early stopping; the checkpoint was written without it",
				bestPrefix+t.layout[0].Name)
		}
		if err := readTensors(path, f, bestPrefix, t.widths, best); err != nil {
			return fmt.Errorf("train: resume: %w", err)
		}
	}
	state := optim.State[T]{Steps: c.steps}
	for i := range f.Tensors {
		ft := &f.Tensors[i]
		name, ok := strings.CutPrefix(ft.Name, optimizerPrefix)
		if !ok {
			continue
		}
		if len(ft.Shape) != 1 || ft.Shape[0] != len(params) {
			return errorf("tensor %q: shape %v, want [%d]", ft.Name, ft.Shape, len(params))
		}
		if want := dtypeOf[T](); ft.DType != want {
			return errorf("tensor %q: dtype %s, want %s", ft.Name, ft.DType, want)
		}
		v, err := safetensors.Floats[T](ft)
		if err != nil {
			return errorf("%w", err)
		}
		state.Buffers = append(state.Buffers, optim.Buffer[T]{Name: name, Data: v})
	}
	if err := t.cfg.Optimizer.SetState(state); err != nil {
		return errorf("optimizer state: %w", err)
	}

	copy(t.params, params)
	if best != nil {
		copy(t.best, best)
	}
	t.epoch, t.batch = int(c.epoch), int(c.batch)
	t.samples = min(t.batch*t.cfg.Batch, t.train.Len())
	t.lossSum = c.lossSum
	t.steps = c.steps
	if t.steps > 0 {
		t.lastLR = t.cfg.rate(t.steps - 1)
	}
	t.bestEpoch = int(c.bestEpoch)
	t.bestLoss = c.bestLoss
	if t.bestEpoch == 0 {
		t.bestLoss = math.Inf(1)
	}
	t.replay()
	return nil
}

// counters are the position and configuration that a checkpoint's
// metadata records.
type counters struct {
	epoch, batch, steps, batchSize, samples, bestEpoch int64
	seed                                               uint64
	lossSum, bestLoss                                  float64
}

// readCounters parses the counters of the checkpoint metadata md.
func readCounters(md map[string]string) (counters, error) {
	var c counters
	if _, ok := md[keyEpoch]; !ok {
		return c, fmt.Errorf("not a checkpoint: no %q in the metadata", keyEpoch)
	}
	for _, e := range []struct {
		key string
		dst *int64
	}{
		{keyEpoch, &c.epoch}, {keyBatch, &c.batch}, {keySteps, &c.steps},
		{keyBatchSize, &c.batchSize}, {keySamples, &c.samples}, {keyBestEpoch, &c.bestEpoch},
	} {
		v, err := strconv.ParseInt(md[e.key], 10, 64)
		if err != nil || v < 0 {
			return c, fmt.Errorf("metadata %q: %q is not a count", e.key, md[e.key])
		}
		*e.dst = v
	}
	var err error
	if c.seed, err = strconv.ParseUint(md[keySeed], 10, 64); err != nil {
		return c, fmt.Errorf("metadata %q: %q is not a seed", keySeed, md[keySeed])
	}
	for _, e := range []struct {
		key string
		dst *float64
	}{{keyLossSum, &c.lossSum}, {keyBestLoss, &c.bestLoss}} {
		if *e.dst, err = strconv.ParseFloat(md[e.key], 64); err != nil {
			return c, fmt.Errorf("metadata %q: %q is not a number", e.key, md[e.key])
		}
	}
	if c.batchSize == 0 {
		return c, fmt.Errorf("metadata %q: the batch size is 0", keyBatchSize)
	}
	return c, nil
}

// Position is how far the training of a checkpoint had got.
type Position struct {
	Epoch   int // the epochs completed
	Batch   int // the batches done of the next epoch
	Batches int // the batches of an epoch
}

// ReadPosition returns the position of the checkpoint at path, reading
// its header alone.
func ReadPosition(path string) (Position, error) {
	md, err := safetensors.ReadMetadata(path)
	if err != nil {
		return Position{}, err
	}
	c, err := readCounters(md)
	if err != nil {
		return Position{}, fmt.Errorf("%s: %w", path, err)
	}
	return Position{Epoch: int(c.epoch), Batch: int(c.batch), Batches: int((c.samples + c.batchSize - 1) / c.batchSize)}, nil
}

// changed says how the training data differ from those of a checkpoint
// with metadata meta and data fingerprint fp, or returns "" if they do
// not. What the checkpoint does not record is not compared.
func (t *trainer[T, M, P]) changed(meta Meta, fp string) string {
	for _, c := range []struct {
		what      string
		now, then []string
	}{
		{"the classes", t.meta.Classes, meta.Classes},
		{"the feature columns", t.meta.Features, meta.Features},
	} {
		if c.then != nil && !slices.Equal(c.now, c.then) {
			return fmt.Sprintf("%s are %s, the checkpoint's %s", c.what, strings.Join(c.now, ", "), strings.Join(c.then, ", "))
		}
	}
	switch {
	case meta.Target != "" && t.meta.Target != meta.Target:
		return fmt.Sprintf("the target column is %q, the checkpoint's %q", t.meta.Target, meta.Target)
	case (meta.Mean != nil || t.meta.Mean != nil) && !(slices.Equal(t.meta.Mean, meta.Mean) && slices.Equal(t.meta.Std, meta.Std)):
		return "the standardization (the mean and standard deviation of each feature) differs from the checkpoint's"
	case fp != "" && fp != t.fingerprint:
		return "their values differ (their fingerprint is " + t.fingerprint + ", the checkpoint's " + fp + ")"
	}
	return ""
}

// fingerprint returns a hash of the features and targets of d, in
// hexadecimal, by which a resumed run knows the data of its checkpoint.
func fingerprint[T model.Float](d *data.Dataset[T]) string {
	h := sha256.New()
	buf := make([]byte, 0, 8<<10)
	for _, part := range [][]T{d.X, d.Y} {
		for _, v := range part {
			if len(buf) == cap(buf) {
				h.Write(buf)
				buf = buf[:0]
			}
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(float64(v)))
		}
	}
	h.Write(buf)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// replay advances the batcher to the checkpoint's position: past t.epoch
// whole epochs and t.batch batches of the next.
func (t *trainer[T, M, P]) replay() {
	for range t.epoch {
		for _, ok := t.batcher.Next(); ok; _, ok = t.batcher.Next() {
		}
	}
	for range t.batch {
		t.batcher.Next()
	}
}

// formatFloat formats x so that strconv.ParseFloat gives it back exactly.
func formatFloat(x float64) string {
	return strconv.FormatFloat(x, 'g', -1, 64)
}
