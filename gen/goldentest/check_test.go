package goldentest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/nngen/nngen/internal/checktest"
	"github.com/nngen/nngen/runtime/gradcheck"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/train"
	"github.com/nngen/nngen/spec"
)

// Tolerances of the numerical checks, relative to max(|want|, floor).
const (
	forwardTol64 = 1e-12 // generated forward vs the gonum/mat reference, float64
	gradTol64    = 1e-6  // backward vs central differences, float64
	tol32        = 5e-4  // float32 forward, loss and gradients vs the float64 reference
	relFloor     = 1e-3  // below this magnitude, errors count as absolute
	batchSize    = 6     // a chunk's quad of samples and two more
)

// checkModel checks a generated model against an independent reference
// written with gonum/mat: the forward pass, the loss, and the backward
// pass against central finite differences of the reference loss. Float32
// models are checked against the float64 reference at their own parameters.
//
// backward runs Trace and Backward on one sample, the per-sample path that
// TrainBatch may bypass.
func checkModel[T float32 | float64, M any, P model.Model[T, M]](t testing.TB, s *spec.Model, backward func(m, g *M, x, y []T) T) {
	ref := newReference(s)
	m := P(new(M))
	m.Init(7)
	if got, want := m.Widths(), ref.widths; !slices.Equal(got, want) {
		t.Fatalf("Widths() = %v, want %v", got, want)
	}
	if got, want := m.Head(), string(s.Head()); got != want {
		t.Fatalf("Head() = %q, want %q", got, want)
	}
	r := rand.New(rand.NewPCG(1, 2))
	params := m.Params()
	for i := range params {
		// Make biases nonzero so that their gradients are tested too.
		params[i] += T(0.1 * r.NormFloat64())
	}
	x := make([]T, batchSize*s.Inputs)
	for i := range x {
		x[i] = T(r.NormFloat64())
	}
	y := gradcheck.Targets[T](string(s.Head()), s.Outputs(), batchSize, r)
	p64, x64, y64 := wide(params), wide(x), wide(y)
	single := any(T(0)) == any(float32(0))

	// Forward against the reference.
	out := make([]T, batchSize*s.Outputs())
	m.ForwardBatch(out, x)
	want := make([]float64, 0, len(out))
	for k := range batchSize {
		_, yk := ref.forward(p64, x64[k*s.Inputs:(k+1)*s.Inputs])
		want = append(want, yk...)
	}
	tol := forwardTol64
	if single {
		tol = tol32
	}
	compare(t, "Forward", wide(out), want, tol)

	// Loss and gradient.
	g := new(M)
	loss := m.TrainBatch(g, x, y)
	compare(t, "loss", []float64{float64(loss)}, []float64{ref.loss(p64, x64, y64)}, tol)
	numeric := make([]float64, len(p64))
	fd.Gradient(numeric, func(p []float64) float64 { return ref.loss(p, x64, y64) }, p64, &fd.Settings{Formula: fd.Central, Step: 1e-5})
	tol = gradTol64
	if single {
		tol = tol32
	}
	compareParams(t, "gradient", ref.widths, wide(P(g).Params()), numeric, tol)

	// Gradients accumulate: a second pass doubles them.
	once := wide(P(g).Params())
	m.TrainBatch(g, x, y)
	floats.Scale(2, once)
	tol = forwardTol64
	if single {
		tol = tol32
	}
	compareParams(t, "accumulated gradient", ref.widths, wide(P(g).Params()), once, tol)

	// Batches of any size agree with the samples taken one at a time:
	// ForwardBatch with Forward, TrainBatch with Trace and Backward (through
	// TrainBatch of single samples), across chunk boundaries.
	tol = 1e-10
	if single {
		tol = 1e-3 // float32 sums in another order
	}
	big := 2*37 + 3
	xb := make([]T, big*s.Inputs)
	for i := range xb {
		xb[i] = T(r.NormFloat64())
	}
	yb := gradcheck.Targets[T](string(s.Head()), s.Outputs(), big, r)
	outB := make([]T, big*s.Outputs())
	m.ForwardBatch(outB, xb)
	gB, g1, gs := new(M), new(M), new(M)
	lossB, loss1, lossS := m.TrainBatch(gB, xb, yb), T(0), T(0)
	for k := range big {
		xk, yk := xb[k*s.Inputs:(k+1)*s.Inputs], yb[k*s.Outputs():(k+1)*s.Outputs()]
		one := make([]T, s.Outputs())
		m.ForwardBatch(one, xk)
		compare(t, "ForwardBatch of one sample vs of many", wide(one), wide(outB[k*s.Outputs():(k+1)*s.Outputs()]), tol)
		loss1 += m.TrainBatch(g1, xk, yk)
		lossS += backward((*M)(m), gs, xk, yk)
	}
	compare(t, "TrainBatch loss, many vs one at a time", []float64{float64(lossB)}, []float64{float64(loss1)}, tol)
	compareParams(t, "TrainBatch gradient, many vs one at a time", ref.widths, wide(P(gB).Params()), wide(P(g1).Params()), tol)
	compare(t, "Backward loss vs TrainBatch", []float64{float64(lossS)}, []float64{float64(lossB)}, tol)
	compareParams(t, "Backward gradient vs TrainBatch", ref.widths, wide(P(gs).Params()), wide(P(gB).Params()), tol)

	// Nothing allocates.
	if n := testing.AllocsPerRun(10, func() { m.ForwardBatch(out, x) }); n != 0 {
		t.Errorf("ForwardBatch allocates %v times per call", n)
	}
	if n := testing.AllocsPerRun(10, func() { m.TrainBatch(g, x, y) }); n != 0 {
		t.Errorf("TrainBatch allocates %v times per call", n)
	}
}

// compare fails t where got and want differ by more than tol relative to
// max(|want|, relFloor).
func compare(t testing.TB, what string, got, want []float64, tol float64) {
	t.Helper()
	compareNamed(t, what, got, want, tol, func(i int) string { return fmt.Sprintf("index %d", i) })
}

// compareParams is compare for parameters of a model with the given
// widths, or their gradients, naming the tensor and element that differ.
func compareParams(t testing.TB, what string, widths []int, got, want []float64, tol float64) {
	t.Helper()
	compareNamed(t, what, got, want, tol, func(i int) string { return checktest.Param(widths, i) })
}

// compareNamed is compare naming the value at index i by name(i).
func compareNamed(t testing.TB, what string, got, want []float64, tol float64, name func(int) string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	worst, at := 0.0, 0
	for i := range got {
		e := math.Abs(got[i]-want[i]) / math.Max(math.Abs(want[i]), relFloor)
		if !(e <= worst) {
			worst, at = e, i
		}
	}
	if testing.Verbose() {
		t.Logf("%s: largest relative error %.3g", what, worst)
	}
	if worst > tol || math.IsNaN(worst) {
		t.Errorf("%s: relative error %.3g at %s (got %v, want %v), tolerance %g", what, worst, name(at), got[at], want[at], tol)
	}
}

func wide[T float32 | float64](s []T) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = float64(v)
	}
	return out
}

// reference is a plain MLP sized at run time, computed with gonum/mat
// from the spec alone: it shares no code with the generator.
type reference struct {
	widths []int
	layers []spec.Layer
	loss_  spec.Loss
}

func newReference(s *spec.Model) *reference {
	r := &reference{widths: []int{s.Inputs}, layers: s.Layers, loss_: s.Loss}
	for _, l := range s.Layers {
		r.widths = append(r.widths, l.Units)
	}
	return r
}

// forward returns the logits and the output of one sample; params are in
// the generated layout: per layer W [out][in] row-major, then b.
func (r *reference) forward(params, x []float64) (z, y []float64) {
	a := mat.NewVecDense(len(x), append([]float64(nil), x...))
	off := 0
	for i, l := range r.layers {
		in, out := r.widths[i], r.widths[i+1]
		w := mat.NewDense(out, in, params[off:off+in*out])
		b := mat.NewVecDense(out, params[off+in*out:off+in*out+out])
		off += in*out + out
		var zv mat.VecDense
		zv.MulVec(w, a)
		zv.AddVec(&zv, b)
		z = zv.RawVector().Data
		if i == len(r.layers)-1 {
			break
		}
		av := make([]float64, out)
		for k, v := range z {
			av[k] = activate(l.Activation, l.Alpha, v)
		}
		a = mat.NewVecDense(out, av)
	}
	y = make([]float64, len(z))
	switch r.loss_ {
	case spec.CrossEntropy:
		lse := floats.LogSumExp(z)
		for k, v := range z {
			y[k] = math.Exp(v - lse)
		}
	case spec.BinaryCrossEntropy:
		for k, v := range z {
			y[k] = 1 / (1 + math.Exp(-v))
		}
	default:
		copy(y, z)
	}
	return z, y
}

// loss is the summed loss of the samples in xs with targets ys.
func (r *reference) loss(params, xs, ys []float64) float64 {
	in, out := r.widths[0], r.widths[len(r.widths)-1]
	total := 0.0
	for k := range len(xs) / in {
		z, p := r.forward(params, xs[k*in:(k+1)*in])
		t := ys[k*out : (k+1)*out]
		for j := range z {
			switch r.loss_ {
			case spec.CrossEntropy:
				total -= t[j] * math.Log(p[j])
			case spec.BinaryCrossEntropy:
				total -= (t[j]*math.Log(p[j]) + (1-t[j])*math.Log(1-p[j])) / float64(out)
			default:
				total += (z[j] - t[j]) * (z[j] - t[j]) / float64(out)
			}
		}
	}
	return total
}

func activate(act spec.Activation, alpha, z float64) float64 {
	switch act {
	case spec.ReLU:
		return math.Max(z, 0)
	case spec.LeakyReLU:
		if z < 0 {
			return alpha * z
		}
		return z
	case spec.Sigmoid:
		return 1 / (1 + math.Exp(-z))
	case spec.Tanh:
		return math.Tanh(z)
	case spec.Softplus:
		return math.Log(1 + math.Exp(z))
	case spec.ELU:
		if z < 0 {
			return alpha * (math.Exp(z) - 1)
		}
		return z
	case spec.GELU:
		return 0.5 * z * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(z+0.044715*z*z*z)))
	case spec.SiLU:
		return z / (1 + math.Exp(-z))
	}
	return z
}

// checkTrained compares the parameters built into net with those of the
// weights file at path, bit for bit.
func checkTrained[T float32 | float64, M any, P model.Model[T, M]](t *testing.T, net P, path string) {
	want := P(new(M))
	if _, err := train.LoadWeights(path, want); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(net.Params(), want.Params()) {
		t.Errorf("the built-in parameters differ from those of %s", path)
	}
}
