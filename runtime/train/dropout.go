package train

import (
	"fmt"

	"github.com/nngen/nngen/runtime/model"
)

// Dropout: Fit draws, for each sample of a training batch and each layer
// whose Dropout probability p is positive, a keep-mask holding for each
// unit 0 (with probability p) or 1/(1−p), and passes the masks to
// TrainWith. The masks come from a counter-based generator: the bits of a
// unit are a hash of the run's seed, the epoch, the batch within it, the
// sample's position in the batch, the layer and the unit, so they depend
// on neither the number of threads nor the order in which the shards are
// computed, and a resumed run draws those of an uninterrupted one.

// masker holds the dropout masks of the current batch.
type masker[T model.Float] struct {
	key    uint64      // the run's seed, hashed for dropout
	width  int         // mask values per sample
	layers []maskLayer // the layers with dropout, in order
	buf    []T         // the masks of a whole batch, row after row
}

// maskLayer is a layer with dropout.
type maskLayer struct {
	layer, units int
	drop         uint64 // a unit is dropped if its top 53 random bits are below drop, p·2⁵³
	keep         float64
}

// newMasker returns the masker of a model with the given widths and
// dropout probabilities (as its Dropout method gives them) for batches of
// up to batch samples, or nil if the model has no dropout.
func newMasker[T model.Float](widths []int, rates []float64, batch int, seed uint64) (*masker[T], error) {
	if len(rates) != len(widths)-1 {
		return nil, fmt.Errorf("train: the model's Dropout has %d entries for %d layers", len(rates), len(widths)-1)
	}
	k := &masker[T]{key: mix64(seed ^ dropoutDomain)}
	for l, p := range rates {
		switch {
		case !(p >= 0 && p < 1) || p > 0 && l == len(rates)-1:
			return nil, fmt.Errorf("train: the model's Dropout gives layer %d the probability %v, want [0, 1) and 0 for the output layer", l+1, p)
		case p > 0:
			k.layers = append(k.layers, maskLayer{layer: l, units: widths[l+1], drop: uint64(p * (1 << 53)), keep: 1 / (1 - p)})
			k.width += widths[l+1]
		}
	}
	if k.width == 0 {
		return nil, nil
	}
	k.buf = make([]T, batch*k.width)
	return k, nil
}

// dropoutDomain separates the masks' use of the seed from its others.
const dropoutDomain = 0x64726f706f757421 // "dropout!"

// fill draws the masks of samples lo to hi−1 of batch batch (from 0) of
// epoch epoch (from 0) and returns them, or nil if k is nil.
func (k *masker[T]) fill(epoch, batch, lo, hi int) []T {
	if k == nil {
		return nil
	}
	dst := k.buf[lo*k.width : hi*k.width]
	i := 0
	for q := lo; q < hi; q++ {
		for _, l := range k.layers {
			key := maskKey(k.key, epoch, batch, q, l.layer)
			keep := T(l.keep)
			for u := range l.units {
				v := keep
				if mix64(key+uint64(u+1)*golden)>>11 < l.drop {
					v = 0
				}
				dst[i] = v
				i++
			}
		}
	}
	return dst
}

// maskKey hashes the position of a mask: sample q of batch b of epoch e,
// layer l, under the run's key.
func maskKey(key uint64, e, b, q, l int) uint64 {
	for _, v := range [...]int{e, b, q, l} {
		key = mix64(key + uint64(v+1)*golden)
	}
	return key
}

// golden is 2⁶⁴/φ, SplitMix64's increment.
const golden = 0x9e3779b97f4a7c15

// mix64 is SplitMix64's finalizer, a bijection of 64-bit words whose
// every output bit depends on every input bit.
func mix64(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xbf58476d1ce4e5b9
	z ^= z >> 27
	z *= 0x94d049bb133111eb
	return z ^ z>>31
}
