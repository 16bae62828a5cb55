// Package model is the contract between generated models and the runtime:
// the methods every generated model type has, and the parameter layout
// they share with PyTorch.
//
// Generated code imports nothing from nngen; its types satisfy Model
// structurally. For a model type Iris generated with dtype float64,
// *Iris satisfies Model[float64, Iris].
package model

import "fmt"

// Float is the element type of a model.
type Float interface{ ~float32 | ~float64 }

// Model is implemented by *M for every generated model type M. A value of
// M holds parameters; another value of M accumulates their gradients.
type Model[T Float, M any] interface {
	*M
	// Params returns the parameters as one slice sharing the model's
	// memory, laid out as described by Layout.
	Params() []T
	// Widths returns the number of inputs, then the units of each layer.
	Widths() []int
	// Head returns the output activation: "softmax", "sigmoid" or "identity".
	Head() string
	// Init draws the initial weights with the given seed; biases are zero.
	Init(seed uint64)
	// ForwardBatch writes the outputs of the samples in x, row after row, to dst.
	ForwardBatch(dst, x []T)
	// TrainBatch adds the sum of the per-sample gradients of the loss to g
	// and returns the sum of the losses. It is TrainWith(g, x, y, nil, nil).
	TrainBatch(g *M, x, y []T) T
	// Dropout returns, for each layer, the probability that training drops
	// a unit of its output: 0 for a layer without dropout and for the
	// output layer.
	Dropout() []float64
	// TrainWith is TrainBatch with a weight per sample in w, which
	// multiplies the sample's loss and gradient, and the dropout
	// keep-masks of each sample in masks, row after row: for each layer
	// with dropout, in order, one value per unit, 0 to drop it and
	// 1/(1−p) to keep it. Either may be nil: every
	// sample weighs 1, no unit is dropped.
	TrainWith(g *M, x, y, w, masks []T) T
	// Gradient is TrainWith writing the sum of the gradients into g
	// rather than adding it: what g held before does not matter.
	Gradient(g *M, x, y, w, masks []T) T
}

// Heads of a model.
const (
	Softmax  = "softmax"
	Sigmoid  = "sigmoid"
	Identity = "identity"
)

// Tensor is one weight or bias within the flat parameters.
type Tensor struct {
	Name   string // PyTorch's name in an nn.Sequential: "0.weight", "0.bias", "2.weight", …
	Shape  []int  // [out, in] for weights, [out] for biases
	Offset int    // index of the first element in Params
}

// Size returns the number of elements of t.
func (t Tensor) Size() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Layout returns the tensors of a model with the given widths, in the
// order of Params: for each layer its weight [out][in], row-major, then
// its bias. Layer n (from 0) is module 2n of an nn.Sequential that
// alternates Linear and activation modules.
func Layout(widths []int) []Tensor {
	var ts []Tensor
	off := 0
	for n := 0; n+1 < len(widths); n++ {
		in, out := widths[n], widths[n+1]
		ts = append(ts,
			Tensor{Name: fmt.Sprintf("%d.weight", 2*n), Shape: []int{out, in}, Offset: off},
			Tensor{Name: fmt.Sprintf("%d.bias", 2*n), Shape: []int{out}, Offset: off + in*out},
		)
		off += in*out + out
	}
	return ts
}
