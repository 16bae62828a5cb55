package data

import (
	"fmt"
	"iter"
	"math"
	"math/bits"
	"math/rand/v2"
)

// Float is the set of element types a [Dataset] can hold.
type Float interface{ ~float32 | ~float64 }

// Task is the kind of problem a data set poses, which decides how its
// targets are encoded.
type Task int

const (
	// Classification is multi-class classification with a softmax output:
	// each target is a one-hot vector with one element per class.
	Classification Task = iota
	// Binary is two-class classification with a single sigmoid output:
	// each target is 0 for the first class and 1 for the second.
	Binary
	// Regression is regression of one numeric target: each target is the
	// raw value.
	Regression
)

// String returns the name of the task.
func (t Task) String() string {
	switch t {
	case Classification:
		return "classification"
	case Binary:
		return "binary classification"
	case Regression:
		return "regression"
	}
	return fmt.Sprintf("Task(%d)", int(t))
}

// Dataset is an in-memory data set of Len() rows, read from CSV by
// [ReadCSV] or [LoadCSV], or made from slices by [FromSlices].
//
// Row i has features X[i*Inputs:(i+1)*Inputs] and targets
// Y[i*Outputs:(i+1)*Outputs]. For [Classification] and [Binary] tasks
// Labels[i] is the class index of row i, in [0, len(Classes)); for
// [Regression] Labels and Classes are nil.
//
// Datasets derived from another one by [Dataset.Subset] or [Dataset.Split]
// share its Classes and Features slices, which must be treated as read-only.
type Dataset[T Float] struct {
	Task    Task
	Inputs  int // features per row
	Outputs int // targets per row
	X       []T // features, row-major, len Len()*Inputs
	Y       []T // targets, row-major, len Len()*Outputs

	Labels  []int    // class index per row; nil for regression
	Classes []string // class names, indexed by label; nil for regression

	Features []string // names of the feature columns, or nil if unknown
	Target   string   // name of the target column, or "" if unknown
}

// Len returns the number of rows in d.
func (d *Dataset[T]) Len() int {
	if d.Inputs == 0 {
		return 0
	}
	return len(d.X) / d.Inputs
}

// Row returns the features and targets of row i. The slices are views of
// d.X and d.Y, not copies.
func (d *Dataset[T]) Row(i int) (x, y []T) {
	return d.X[i*d.Inputs : (i+1)*d.Inputs], d.Y[i*d.Outputs : (i+1)*d.Outputs]
}

// Batch is a mini-batch of N rows laid out like a [Dataset]: features X
// (N×Inputs) and targets Y (N×Outputs), row-major, and for classification
// tasks the class index of each row in Labels (nil otherwise).
type Batch[T Float] struct {
	N      int
	X      []T
	Y      []T
	Labels []int
}

// Batch returns rows [i, j) of d as a Batch whose slices are views of d's,
// not copies. It panics if the range is out of bounds.
func (d *Dataset[T]) Batch(i, j int) Batch[T] {
	if i < 0 || j < i || j > d.Len() {
		panic(fmt.Sprintf("data: batch [%d, %d) out of range for %d rows", i, j, d.Len()))
	}
	b := Batch[T]{
		N: j - i,
		X: d.X[i*d.Inputs : j*d.Inputs],
		Y: d.Y[i*d.Outputs : j*d.Outputs],
	}
	if d.Labels != nil {
		b.Labels = d.Labels[i:j]
	}
	return b
}

// Batches returns an iterator over d in row order, in batches of size rows
// (the last batch may be smaller). Each batch is a view made by
// [Dataset.Batch], so nothing is copied; this is meant for evaluation.
// It panics if size < 1.
func (d *Dataset[T]) Batches(size int) iter.Seq[Batch[T]] {
	if size < 1 {
		panic("data: batch size must be positive")
	}
	return func(yield func(Batch[T]) bool) {
		n := d.Len()
		for i := 0; i < n; i += size {
			if !yield(d.Batch(i, min(i+size, n))) {
				return
			}
		}
	}
}

// Subset returns a new Dataset holding copies of the rows of d listed in
// idx, in that order. Rows may be repeated. The metadata (Task, Classes,
// Features, Target) is shared with d.
func (d *Dataset[T]) Subset(idx []int) *Dataset[T] {
	s := &Dataset[T]{
		Task:     d.Task,
		Inputs:   d.Inputs,
		Outputs:  d.Outputs,
		X:        make([]T, 0, len(idx)*d.Inputs),
		Y:        make([]T, 0, len(idx)*d.Outputs),
		Classes:  d.Classes,
		Features: d.Features,
		Target:   d.Target,
	}
	if d.Labels != nil {
		s.Labels = make([]int, 0, len(idx))
	}
	for _, r := range idx {
		x, y := d.Row(r)
		s.X = append(s.X, x...)
		s.Y = append(s.Y, y...)
		if d.Labels != nil {
			s.Labels = append(s.Labels, d.Labels[r])
		}
	}
	return s
}

// Split shuffles the rows of d with the given seed and divides them into two
// new Datasets: test receives round(frac×Len()) rows and train the rest.
// When d has at least two rows, each side receives at least one.
// Both sides hold copies of the rows, in shuffled order: test holds the rows
// at positions [0, k) of [Perm](d.Len(), seed) and train those after.
// The same seed always gives the same split of the same data.
// Split panics unless 0 < frac < 1.
func (d *Dataset[T]) Split(frac float64, seed uint64) (train, test *Dataset[T]) {
	if !(frac > 0 && frac < 1) {
		panic(fmt.Sprintf("data: split fraction %v not in (0, 1)", frac))
	}
	n := d.Len()
	k := int(math.Round(frac * float64(n)))
	if n >= 2 {
		k = min(max(k, 1), n-1)
	}
	p := Perm(n, seed)
	return d.Subset(p[k:]), d.Subset(p[:k])
}

// Perm returns a pseudo-random permutation of the integers [0, n),
// determined by seed as described in the package documentation.
func Perm(n int, seed uint64) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	shuffle(rand.NewPCG(seed, 0), p)
	return p
}

// shuffle permutes p in place by a Fisher–Yates shuffle driven by src.
func shuffle(src *rand.PCG, p []int) {
	for i := len(p) - 1; i > 0; i-- {
		j := uniform(src, uint64(i)+1)
		p[i], p[j] = p[j], p[i]
	}
}

// uniform returns a uniformly distributed integer in [0, n), n > 0, using
// Lemire's multiply-and-reject method, which is unbiased.
func uniform(src *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}
