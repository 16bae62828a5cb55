package data

import (
	"fmt"
	"math"
)

// Standardizer rescales each feature to zero mean and unit standard
// deviation: x'[j] = (x[j] - Mean[j]) / Std[j].
//
// Fit it on the training data only, with [FitStandardizer], and apply the
// same Standardizer to the training, validation and test data and to every
// row given to the model later. Mean and Std are plain float64 slices so
// that they can be saved with a model's weights; [NewStandardizer] restores
// a Standardizer from them.
type Standardizer[T Float] struct {
	Mean []float64
	Std  []float64 // all finite and positive
}

// FitStandardizer returns the Standardizer for the features of d: the mean
// and the population standard deviation (dividing by n, not n-1) of each
// feature column, computed in float64. A feature that is constant across d
// gets standard deviation 1, so it is mapped to 0 rather than divided by
// zero. A feature whose values are so large that its mean or variance
// overflows float64 (beyond about 1e154 for the variance) is an error
// naming the column. FitStandardizer panics if d has no rows.
func FitStandardizer[T Float](d *Dataset[T]) (*Standardizer[T], error) {
	n, m := d.Len(), d.Inputs
	if n == 0 {
		panic("data: FitStandardizer on a dataset with no rows")
	}
	mean := make([]float64, m)
	std := make([]float64, m)
	constant := make([]bool, m)
	for j := range constant {
		constant[j] = true
	}
	first := d.X[:m]
	for i := range n {
		for j, v := range d.X[i*m : (i+1)*m] {
			mean[j] += float64(v)
			if v != first[j] {
				constant[j] = false
			}
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	// Second pass: sum of squared deviations, with the sum of deviations
	// as a correction for the rounding error in the mean.
	comp := make([]float64, m)
	for i := range n {
		for j, v := range d.X[i*m : (i+1)*m] {
			dv := float64(v) - mean[j]
			std[j] += dv * dv
			comp[j] += dv
		}
	}
	for j := range std {
		if constant[j] {
			mean[j], std[j] = float64(first[j]), 1
			continue
		}
		if math.IsInf(mean[j], 0) {
			return nil, fmt.Errorf("%s: the values are too large to standardize: their sum overflows float64", featureName(d, j))
		}
		v := (std[j] - comp[j]*comp[j]/float64(n)) / float64(n)
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, fmt.Errorf("%s: the values are too large to standardize: their variance overflows float64", featureName(d, j))
		}
		std[j] = math.Sqrt(v)
		if !(std[j] > 0) {
			// Variance lost to rounding: do not divide by it.
			std[j] = 1
		}
	}
	return &Standardizer[T]{Mean: mean, Std: std}, nil
}

// featureName names feature j of d in messages.
func featureName[T Float](d *Dataset[T], j int) string {
	if j < len(d.Features) && d.Features[j] != "" {
		return "column " + quote(d.Features[j])
	}
	return fmt.Sprintf("feature %d", j)
}

// NewStandardizer returns a Standardizer with the given means and standard
// deviations, typically ones saved from [FitStandardizer] with a model. The
// slices are copied. It returns an error if their lengths differ, if a mean
// is not finite, or if a standard deviation is not finite and positive.
func NewStandardizer[T Float](mean, std []float64) (*Standardizer[T], error) {
	if len(mean) != len(std) {
		return nil, fmt.Errorf("data: standardizer has %d means but %d standard deviations", len(mean), len(std))
	}
	for j := range mean {
		if math.IsNaN(mean[j]) || math.IsInf(mean[j], 0) {
			return nil, fmt.Errorf("data: standardizer mean %d is %v", j, mean[j])
		}
		if !(std[j] > 0) || math.IsInf(std[j], 0) {
			return nil, fmt.Errorf("data: standardizer standard deviation %d is %v, want finite and positive", j, std[j])
		}
	}
	return &Standardizer[T]{
		Mean: append([]float64(nil), mean...),
		Std:  append([]float64(nil), std...),
	}, nil
}

// Apply standardizes the features of every row of d in place. It panics if
// d.Inputs differs from the number of features of s.
func (s *Standardizer[T]) Apply(d *Dataset[T]) {
	m := len(s.Mean)
	if d.Inputs != m {
		panic(fmt.Sprintf("data: standardizer has %d features, dataset has %d", m, d.Inputs))
	}
	for i := 0; i+m <= len(d.X); i += m {
		s.apply(d.X[i : i+m])
	}
}

// ApplyRow standardizes the features of one row in place. It panics if
// len(x) differs from the number of features of s.
func (s *Standardizer[T]) ApplyRow(x []T) {
	if len(x) != len(s.Mean) {
		panic(fmt.Sprintf("data: standardizer has %d features, row has %d", len(s.Mean), len(x)))
	}
	s.apply(x)
}

func (s *Standardizer[T]) apply(x []T) {
	mean, std := s.Mean[:len(x)], s.Std[:len(x)]
	for j, v := range x {
		x[j] = T((float64(v) - mean[j]) / std[j])
	}
}
