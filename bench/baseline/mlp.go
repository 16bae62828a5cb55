// Package baseline is the yardstick the generated models are measured
// against: a generic multilayer perceptron, its sizes known only at run
// time, written as a Go programmer would write one by hand with gonum's mat
// package. Weights are mat.Dense matrices in PyTorch's [out][in] layout;
// the forward pass of one sample is a MulVec per layer, that of a batch a
// Mul per layer; the backward pass and the SGD update are mat operations
// too. It is float64 only, as gonum is.
//
// Hidden layers use ReLU, the output layer softmax with cross-entropy, the
// benchmark workloads' architecture. Workspaces are kept between calls, as
// a programmer who cares about speed would keep them, so that the
// comparison is with a reasonable hand-written network rather than a
// careless one.
package baseline

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// MLP is a ReLU network with a softmax output.
type MLP struct {
	Widths []int           // inputs, then the units of each layer
	W      []*mat.Dense    // weights of layer l, out×in
	B      []*mat.VecDense // biases of layer l
	GW     []*mat.Dense    // gradients of W, filled by Gradients
	GB     []*mat.VecDense // gradients of B
	x      mat.VecDense    // Forward's input, a view of its argument
	act    []*mat.VecDense // Forward's activations
	h      []mat.Dense     // the batch activations of each layer; the last holds probabilities
	dz     []mat.Dense     // ∂L/∂z of each layer, for the batch
	xb     mat.Dense       // a gathered training batch
	yb     []int           // its labels
	perm   []int           // the order of the training samples
	rng    *rand.Rand      // for shuffling
	ones   *mat.VecDense   // a column of ones, for the bias gradient
	scaled []*mat.Dense    // scaled weight gradients, for the update
}

// New returns a network of the given widths with zero parameters.
func New(widths []int) *MLP {
	if len(widths) < 2 {
		panic("baseline: need at least an input width and one layer")
	}
	n := &MLP{Widths: append([]int(nil), widths...)}
	for l := 0; l+1 < len(widths); l++ {
		in, out := widths[l], widths[l+1]
		n.W = append(n.W, mat.NewDense(out, in, nil))
		n.B = append(n.B, mat.NewVecDense(out, nil))
		n.GW = append(n.GW, mat.NewDense(out, in, nil))
		n.GB = append(n.GB, mat.NewVecDense(out, nil))
		n.scaled = append(n.scaled, mat.NewDense(out, in, nil))
		n.act = append(n.act, mat.NewVecDense(out, nil))
	}
	n.h = make([]mat.Dense, len(n.W))
	n.dz = make([]mat.Dense, len(n.W))
	return n
}

// Layers returns the number of layers.
func (n *MLP) Layers() int { return len(n.W) }

// NumParams returns the number of weights and biases.
func (n *MLP) NumParams() int {
	p := 0
	for l := range n.W {
		r, c := n.W[l].Dims()
		p += r*c + r
	}
	return p
}

// Init draws He uniform weights, U(−b, b) with b = √(6/fan_in), and sets
// the biases to zero.
func (n *MLP) Init(seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0))
	for l, w := range n.W {
		bound := math.Sqrt(6 / float64(n.Widths[l]))
		raw := w.RawMatrix().Data
		for i := range raw {
			raw[i] = (2*r.Float64() - 1) * bound
		}
		n.B[l].Zero()
	}
}

// SetParams copies p into the parameters, in the order of a generated
// model's Params: for each layer its weight [out][in] row-major, then its
// bias.
func (n *MLP) SetParams(p []float64) {
	if len(p) != n.NumParams() {
		panic(fmt.Sprintf("baseline: %d parameters, want %d", len(p), n.NumParams()))
	}
	for l := range n.W {
		k := copy(n.W[l].RawMatrix().Data, p)
		p = p[k:]
		k = copy(n.B[l].RawVector().Data, p)
		p = p[k:]
	}
}

// Params returns a copy of the parameters in the order of SetParams.
func (n *MLP) Params() []float64 {
	return flatten(n.W, n.B)
}

// Grads returns a copy of the gradients in the order of SetParams.
func (n *MLP) Grads() []float64 {
	return flatten(n.GW, n.GB)
}

func flatten(w []*mat.Dense, b []*mat.VecDense) []float64 {
	var p []float64
	for l := range w {
		p = append(p, w[l].RawMatrix().Data...)
		p = append(p, b[l].RawVector().Data...)
	}
	return p
}

// Forward returns the class probabilities of one sample x. The result is
// overwritten by the next call.
func (n *MLP) Forward(x []float64) []float64 {
	n.x.SetRawVector(blas64.Vector{N: len(x), Inc: 1, Data: x})
	in := &n.x
	last := len(n.W) - 1
	for l, w := range n.W {
		a := n.act[l]
		a.MulVec(w, in)
		a.AddVec(a, n.B[l])
		if l < last {
			relu(a.RawVector().Data)
		}
		in = a
	}
	y := n.act[last].RawVector().Data
	softmax(y)
	return y
}

// ForwardBatch returns the class probabilities of the samples in the rows
// of x, one row each. The result is overwritten by the next call of
// ForwardBatch, Gradients or TrainEpoch.
func (n *MLP) ForwardBatch(x *mat.Dense) *mat.Dense {
	rows, _ := x.Dims()
	var in mat.Matrix = x
	last := len(n.W) - 1
	for l, w := range n.W {
		h := &n.h[l]
		h.Reset()
		h.Mul(in, w.T())
		b := n.B[l].RawVector().Data
		for i := range rows {
			row := h.RawRowView(i)
			floats.Add(row, b)
			if l < last {
				relu(row)
			} else {
				softmax(row)
			}
		}
		in = h
	}
	return &n.h[last]
}

// Gradients sets GW and GB to the gradient of the summed cross-entropy
// loss of the samples in the rows of x, whose classes are labels, and
// returns that loss.
func (n *MLP) Gradients(x *mat.Dense, labels []int) (loss float64) {
	rows, _ := x.Dims()
	if len(labels) != rows {
		panic("baseline: the batch and its labels differ in length")
	}
	p := n.ForwardBatch(x)
	last := len(n.W) - 1
	// At the output, ∂L/∂z = p − y for softmax and cross-entropy.
	dz := &n.dz[last]
	dz.Reset()
	dz.ReuseAs(rows, n.Widths[last+1])
	dz.Copy(p)
	for i, c := range labels {
		loss -= math.Log(p.At(i, c))
		dz.Set(i, c, dz.At(i, c)-1)
	}
	if n.ones == nil || n.ones.Len() != rows {
		n.ones = mat.NewVecDense(rows, nil)
		for i := range rows {
			n.ones.SetVec(i, 1)
		}
	}
	for l := last; l >= 0; l-- {
		var a mat.Matrix = x
		if l > 0 {
			a = &n.h[l-1]
		}
		d := &n.dz[l]
		// ∂L/∂W = δᵀ·a, ∂L/∂b = δᵀ·1.
		n.GW[l].Mul(d.T(), a)
		n.GB[l].MulVec(d.T(), n.ones)
		if l == 0 {
			break
		}
		// δ below = (δ·W) ⊙ relu'(z below), relu'(z) = 1 where a > 0.
		below := &n.dz[l-1]
		below.Reset()
		below.Mul(d, n.W[l])
		reluDeriv(below.RawMatrix().Data, n.h[l-1].RawMatrix().Data)
	}
	return loss
}

// Step applies one SGD update with learning rate lr to the gradients of a
// batch of the given number of samples, which it averages.
func (n *MLP) Step(lr float64, samples int) {
	s := -lr / float64(samples)
	for l := range n.W {
		n.scaled[l].Scale(s, n.GW[l])
		n.W[l].Add(n.W[l], n.scaled[l])
		n.B[l].AddScaledVec(n.B[l], s, n.GB[l])
	}
}

// TrainEpoch trains one epoch of SGD with learning rate lr on the samples
// in the rows of x with classes labels: it shuffles them, then for each
// mini-batch of batch samples gathers them, computes the gradient and
// updates the parameters. It returns the summed loss. The shuffle is
// seeded by the first call's seed and continues from epoch to epoch.
func (n *MLP) TrainEpoch(x *mat.Dense, labels []int, batch int, lr float64, seed uint64) (loss float64) {
	rows, cols := x.Dims()
	if len(n.perm) != rows {
		n.perm = make([]int, rows)
		for i := range n.perm {
			n.perm[i] = i
		}
		n.rng = rand.New(rand.NewPCG(seed, 0))
		n.yb = make([]int, batch)
	}
	n.rng.Shuffle(rows, func(i, j int) { n.perm[i], n.perm[j] = n.perm[j], n.perm[i] })
	for s := 0; s < rows; s += batch {
		m := min(batch, rows-s)
		n.xb.Reset()
		n.xb.ReuseAs(m, cols)
		for i, r := range n.perm[s : s+m] {
			copy(n.xb.RawRowView(i), x.RawRowView(r))
			n.yb[i] = labels[r]
		}
		loss += n.Gradients(&n.xb, n.yb[:m])
		n.Step(lr, m)
	}
	return loss
}

// reluDeriv multiplies d by relu'(z) = 1 where the activation a > 0, else
// 0. Both are compact matrices of the same shape.
func reluDeriv(d, a []float64) {
	for i, v := range a {
		if !(v > 0) {
			d[i] = 0
		}
	}
}

func relu(v []float64) {
	for i, x := range v {
		if x < 0 {
			v[i] = 0
		}
	}
}

// softmax replaces v by its softmax, subtracting the largest value first.
func softmax(v []float64) {
	mx := floats.Max(v)
	sum := 0.0
	for i, x := range v {
		v[i] = math.Exp(x - mx)
		sum += v[i]
	}
	floats.Scale(1/sum, v)
}
