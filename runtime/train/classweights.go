package train

import (
	"fmt"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
)

// BalancedWeights returns the class weights that scikit-learn calls
// balanced, for the samples of d:
//
//	w_c = n / (K · n_c)
//
// for n samples of K classes, n_c of them of class c: each class then
// weighs as much in the loss as any other. A class without samples in d
// weighs 1, which applies to none. It returns nil if d has no labels.
func BalancedWeights[T model.Float](d *data.Dataset[T]) []float64 {
	if d.Labels == nil {
		return nil
	}
	counts := make([]int, len(d.Classes))
	for _, c := range d.Labels {
		counts[c]++
	}
	w := make([]float64, len(counts))
	for c, n := range counts {
		w[c] = 1
		if n > 0 {
			w[c] = float64(len(d.Labels)) / float64(len(counts)*n)
		}
	}
	return w
}

// weigher turns class weights into the sample weights of each batch.
type weigher[T model.Float] struct {
	class []float64
	buf   []T // the weights of a whole batch
}

// newWeigher returns the weigher of the class weights cw for batches of
// up to batch samples of train, or nil if cw is nil.
func newWeigher[T model.Float](cw []float64, train *data.Dataset[T], batch int) (*weigher[T], error) {
	switch {
	case cw == nil:
		return nil, nil
	case train.Labels == nil:
		return nil, fmt.Errorf("train: ClassWeights need the class of each training sample, and the training set has no labels")
	case len(cw) != len(train.Classes):
		return nil, fmt.Errorf("train: %d ClassWeights for %d classes", len(cw), len(train.Classes))
	}
	return &weigher[T]{class: cw, buf: make([]T, batch)}, nil
}

// weigh returns the weights of the samples of b, or nil if s is nil: the
// weight of each sample's class, scaled so that they average 1 over the
// batch. The batch's gradient is then the weighted mean of the samples',
// Σ wᵢ∇Lᵢ / Σ wᵢ, whatever the classes of the batch.
func (s *weigher[T]) weigh(b data.Batch[T]) []T {
	if s == nil {
		return nil
	}
	sum := 0.0
	for _, c := range b.Labels {
		sum += s.class[c]
	}
	scale := float64(b.N) / sum
	w := s.buf[:b.N]
	for i, c := range b.Labels {
		w[i] = T(s.class[c] * scale)
	}
	return w
}
