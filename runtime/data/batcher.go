package data

import (
	"fmt"
	"math/rand/v2"
)

// Batcher draws shuffled mini-batches from a Dataset for training.
//
// Each epoch visits every row exactly once, in an order given by a seeded
// permutation: the first epoch uses [Perm](d.Len(), seed), and each later
// epoch reshuffles the previous order with the same generator, so the whole
// sequence of batches is determined by the seed. Rows are gathered into
// buffers owned by the Batcher that are allocated once, by NewBatcher, and
// reused: drawing batches does not allocate.
//
// A Batcher must not be used concurrently, and the Dataset must not change
// size while it is in use.
type Batcher[T Float] struct {
	d    *Dataset[T]
	size int
	src  *rand.PCG
	perm []int
	pos  int

	x, y   []T
	labels []int
}

// NewBatcher returns a Batcher over d that yields batches of size rows
// (the last batch of each epoch may be smaller), shuffled according to seed.
// It panics if size < 1.
func NewBatcher[T Float](d *Dataset[T], size int, seed uint64) *Batcher[T] {
	if size < 1 {
		panic(fmt.Sprintf("data: batch size %d must be positive", size))
	}
	n := d.Len()
	rows := min(size, n)
	b := &Batcher[T]{
		d:    d,
		size: size,
		src:  rand.NewPCG(seed, 0),
		perm: make([]int, n),
		x:    make([]T, rows*d.Inputs),
		y:    make([]T, rows*d.Outputs),
	}
	if d.Labels != nil {
		b.labels = make([]int, rows)
	}
	for i := range b.perm {
		b.perm[i] = i
	}
	shuffle(b.src, b.perm)
	return b
}

// Next returns the next batch of the current epoch and true. When the
// epoch is exhausted it returns a zero Batch and false, and the following
// call starts the next epoch. A typical epoch loop is
//
//	for batch, ok := b.Next(); ok; batch, ok = b.Next() {
//		...
//	}
//
// The returned slices are valid until the next call to Next, which
// overwrites them.
func (b *Batcher[T]) Next() (Batch[T], bool) {
	n := len(b.perm)
	if b.pos >= n {
		shuffle(b.src, b.perm)
		b.pos = 0
		return Batch[T]{}, false
	}
	k := min(b.size, n-b.pos)
	idx := b.perm[b.pos : b.pos+k]
	b.pos += k

	d := b.d
	in, out := d.Inputs, d.Outputs
	for i, r := range idx {
		copy(b.x[i*in:(i+1)*in], d.X[r*in:(r+1)*in])
		copy(b.y[i*out:(i+1)*out], d.Y[r*out:(r+1)*out])
	}
	batch := Batch[T]{N: k, X: b.x[:k*in], Y: b.y[:k*out]}
	if b.labels != nil {
		for i, r := range idx {
			b.labels[i] = d.Labels[r]
		}
		batch.Labels = b.labels[:k]
	}
	return batch, true
}
