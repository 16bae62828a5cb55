// Package gradcheck checks a generated model's backward pass against
// central finite differences of its loss.
package gradcheck

import (
	"math"
	"math/rand/v2"

	"github.com/nngen/nngen/runtime/model"
)

// Options of a check; the zero value takes the defaults.
type Options struct {
	Seed      uint64  // of the parameters, samples and the choice of entries (default 1)
	Samples   int     // in the mini-batch whose summed loss is differentiated (default 4)
	PerTensor int     // entries checked per tensor at most, chosen at random (default 256)
	Step      float64 // of the central differences (default 1e-5)
}

// Result is the check of one weight or bias tensor.
type Result struct {
	model.Tensor
	Checked  int     // entries compared
	MaxError float64 // largest relative error
}

// Floor is the magnitude below which errors are measured absolutely: the
// relative error of an entry is |backward − numeric| / max(|numeric|, Floor).
const Floor = 1e-3

// Tolerance is the largest relative error of a correct backward pass in
// float64: nngen check -grad fails above it, and Check tries other steps
// for an entry whose error exceeds it.
const Tolerance = 1e-6

// WithDefaults returns opt with its zero fields set to their defaults.
func (opt Options) WithDefaults() Options {
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	opt.Samples = cmpOr(opt.Samples, 4)
	opt.PerTensor = cmpOr(opt.PerTensor, 256)
	if opt.Step == 0 {
		opt.Step = 1e-5
	}
	return opt
}

// Check compares the gradient computed by the model's TrainWith with
// central differences of the loss it returns,
//
//	∂L/∂θᵢ ≈ (L(θ + h·eᵢ) − L(θ − h·eᵢ)) / 2h,
//
// at random parameters (the model's Init, plus noise so that biases are
// not zero), random samples, targets and sample weights, and for a model
// with dropout random keep-masks, fixed for the check. m's parameters are
// overwritten. The check is meaningful in float64; in float32 the
// differences are dominated by rounding.
func Check[T model.Float, M any, P model.Model[T, M]](m P, opt Options) []Result {
	opt = opt.WithDefaults()
	r := rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15))
	m.Init(opt.Seed)
	params := m.Params()
	for i := range params {
		params[i] += T(0.1 * r.NormFloat64())
	}
	widths := m.Widths()
	in, out := widths[0], widths[len(widths)-1]
	x := make([]T, opt.Samples*in)
	for i := range x {
		x[i] = T(r.NormFloat64())
	}
	y := Targets[T](m.Head(), out, opt.Samples, r)
	w := make([]T, opt.Samples)
	for k := range w {
		w[k] = T(0.5 + r.Float64())
	}
	masks := Masks[T](widths, m.Dropout(), opt.Samples, r)

	g := new(M)
	m.TrainWith(g, x, y, w, masks)
	analytic := P(g).Params()
	scratch := new(M)
	loss := func(i int, v float64) float64 {
		old := params[i]
		params[i] = T(v)
		l := m.TrainWith(scratch, x, y, w, masks)
		params[i] = old
		return float64(l)
	}
	var results []Result
	for _, t := range model.Layout(widths) {
		res := Result{Tensor: t}
		for _, i := range choose(r, t.Offset, t.Size(), opt.PerTensor) {
			numeric := func(h float64) float64 {
				return central(func(v float64) float64 { return loss(i, v) }, float64(params[i]), h)
			}
			e := relError(float64(analytic[i]), numeric(opt.Step))
			if e > Tolerance {
				// A kink of relu and its kin between θ ± h spoils the
				// difference quotient; a smaller step avoids it.
				e = math.Min(e, relError(float64(analytic[i]), numeric(opt.Step/16)))
			}
			if e > Tolerance {
				// Rounding in the loss, about ε·|L|, makes the quotient
				// off by ε·|L|/h: with many outputs and samples the loss
				// is large, and a gradient near Floor is swamped at the
				// default step. A larger step shrinks that error.
				e = math.Min(e, relError(float64(analytic[i]), numeric(opt.Step*10)))
			}
			res.MaxError = math.Max(res.MaxError, e)
			res.Checked++
		}
		results = append(results, res)
	}
	return results
}

// central is the central difference of f at x with step h,
//
//	f′(x) ≈ (f(x + h) − f(x − h)) / 2h.
func central(f func(float64) float64, x, h float64) float64 {
	return (f(x+h) - f(x-h)) / (2 * h)
}

func relError(got, want float64) float64 {
	e := math.Abs(got-want) / math.Max(math.Abs(want), Floor)
	if math.IsNaN(e) {
		return math.Inf(1)
	}
	return e
}

// choose returns up to k distinct indices of [off, off+n), in order.
func choose(r *rand.Rand, off, n, k int) []int {
	idx := make([]int, 0, min(n, k))
	if n <= k {
		for i := range n {
			idx = append(idx, off+i)
		}
		return idx
	}
	for _, i := range r.Perm(n)[:k] {
		idx = append(idx, off+i)
	}
	return idx
}

// Targets draws n random targets of a model with the given head and
// number of outputs: one-hot vectors for softmax, 0 or 1 for sigmoid,
// standard normal values for identity.
func Targets[T model.Float](head string, outputs, n int, r *rand.Rand) []T {
	y := make([]T, n*outputs)
	for k := range n {
		row := y[k*outputs : (k+1)*outputs]
		switch head {
		case model.Softmax:
			row[r.IntN(outputs)] = 1
		case model.Sigmoid:
			for j := range row {
				row[j] = T(r.IntN(2))
			}
		default:
			for j := range row {
				row[j] = T(r.NormFloat64())
			}
		}
	}
	return y
}

// Masks draws the dropout keep-masks of n samples of a model with the
// given widths and dropout probabilities, laid out as TrainWith reads
// them: for each unit of a layer with dropout p, 0 with probability p,
// else 1/(1−p). It returns nil if no layer has dropout.
func Masks[T model.Float](widths []int, dropout []float64, n int, r *rand.Rand) []T {
	var masks []T
	for range n {
		for l, p := range dropout {
			if p == 0 {
				continue
			}
			for range widths[l+1] {
				v := T(1 / (1 - p))
				if r.Float64() < p {
					v = 0
				}
				masks = append(masks, v)
			}
		}
	}
	return masks
}

func cmpOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}
