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
	forwardTol64 = 1e-12               // generated forward vs the gonum/mat reference, float64
	gradTol64    = gradcheck.Tolerance // backward vs central differences, float64
	tol32        = 5e-4                // float32 forward, loss and gradients vs the float64 reference
	relFloor     = 1e-3                // below this magnitude, errors count as absolute
	batchSize    = 6                   // a chunk's quad of samples and two more
)

// checkModel checks a generated model against an independent reference
// written with gonum/mat: the forward pass, the loss, and the backward
// pass against central finite differences of the reference loss, plain
// and with sample weights and dropout masks. Float32 models are checked
// against the float64 reference at their own parameters.
//
// backward runs Trace and Backward on one sample with its weight and its
// dropout masks (nil for none), the per-sample path that TrainWith may
// bypass.
func checkModel[T float32 | float64, M any, P model.Model[T, M]](t testing.TB, s *spec.Model, backward func(m, g *M, x, y []T, w T, mask []T) T) {
	ref := newReference(s)
	m := P(new(M))
	m.Init(7)
	if got, want := m.Widths(), ref.widths; !slices.Equal(got, want) {
		t.Fatalf("Widths() = %v, want %v", got, want)
	}
	if got, want := m.Head(), string(s.Head()); got != want {
		t.Fatalf("Head() = %q, want %q", got, want)
	}
	if got, want := m.Dropout(), ref.dropout; !slices.Equal(got, want) {
		t.Fatalf("Dropout() = %v, want %v", got, want)
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
	checked := checkedParams(m.Widths())
	numeric := gradientAt(func(p []float64) float64 { return ref.loss(p, x64, y64) }, p64, checked)
	tol = gradTol64
	if single {
		tol = tol32
	}
	compareChecked(t, "gradient", ref.widths, wide(P(g).Params()), numeric, checked, tol)

	// With sample weights and dropout masks: the same checks, and with
	// weights and masks of 1, the plain results bit for bit.
	w, masks := ref.weights(r, batchSize), ref.masks(r, batchSize)
	gw := new(M)
	lossW := m.TrainWith(gw, x, y, narrow[T](w), narrow[T](masks))
	tol = forwardTol64
	if single {
		tol = tol32
	}
	compare(t, "weighted loss with dropout", []float64{float64(lossW)}, []float64{ref.lossWith(p64, x64, y64, w, masks)}, tol)
	numeric = gradientAt(func(p []float64) float64 { return ref.lossWith(p, x64, y64, w, masks) }, p64, checked)
	tol = gradTol64
	if single {
		tol = tol32
	}
	compareChecked(t, "weighted gradient with dropout", ref.widths, wide(P(gw).Params()), numeric, checked, tol)
	ones := func(n int) []T {
		v := make([]T, n)
		for i := range v {
			v[i] = 1
		}
		return v
	}
	g1 := new(M)
	if loss1 := m.TrainWith(g1, x, y, ones(len(w)), ones(len(masks))); loss1 != loss || !slices.Equal(P(g1).Params(), P(g).Params()) {
		t.Errorf("TrainWith with weights and masks of 1 differs from TrainBatch: loss %v, want %v", loss1, loss)
	}

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
	// ForwardBatch with Forward, TrainBatch and TrainWith with Trace and
	// Backward (through TrainWith of single samples), across chunk
	// boundaries.
	tol = 1e-10
	if single {
		// float32 sums of 77 samples' terms in another order: where they
		// cancel, the error is some n·ε of the terms, not of the sum.
		tol = 5e-3
	}
	big := 2*37 + 3
	xb := make([]T, big*s.Inputs)
	for i := range xb {
		xb[i] = T(r.NormFloat64())
	}
	yb := gradcheck.Targets[T](string(s.Head()), s.Outputs(), big, r)
	outB := make([]T, big*s.Outputs())
	m.ForwardBatch(outB, xb)
	for k := range big {
		one := make([]T, s.Outputs())
		m.ForwardBatch(one, xb[k*s.Inputs:(k+1)*s.Inputs])
		compare(t, "ForwardBatch of one sample vs of many", wide(one), wide(outB[k*s.Outputs():(k+1)*s.Outputs()]), tol)
	}
	wb, mb := narrow[T](ref.weights(r, big)), narrow[T](ref.masks(r, big))
	for _, c := range []struct {
		what     string
		w, masks []T
	}{{"TrainBatch", nil, nil}, {"TrainWith with weights and masks", wb, mb}} {
		gB, g1, gs := new(M), new(M), new(M)
		lossB, loss1, lossS := m.TrainWith(gB, xb, yb, c.w, c.masks), T(0), T(0)
		for k := range big {
			xk, yk := xb[k*s.Inputs:(k+1)*s.Inputs], yb[k*s.Outputs():(k+1)*s.Outputs()]
			wk, mk := T(1), []T(nil)
			if c.w != nil {
				wk, mk = c.w[k], c.masks[k*ref.units:(k+1)*ref.units]
				loss1 += m.TrainWith(g1, xk, yk, c.w[k:k+1], mk)
			} else {
				loss1 += m.TrainBatch(g1, xk, yk)
			}
			lossS += backward((*M)(m), gs, xk, yk, wk, mk)
		}
		compare(t, c.what+" loss, many vs one at a time", []float64{float64(lossB)}, []float64{float64(loss1)}, tol)
		compareParams(t, c.what+" gradient, many vs one at a time", ref.widths, wide(P(gB).Params()), wide(P(g1).Params()), tol)
		compare(t, "Backward loss vs "+c.what, []float64{float64(lossS)}, []float64{float64(lossB)}, tol)
		compareParams(t, "Backward gradient vs "+c.what, ref.widths, wide(P(gs).Params()), wide(P(gB).Params()), tol)
	}

	// Nothing allocates.
	if n := testing.AllocsPerRun(10, func() { m.ForwardBatch(out, x) }); n != 0 {
		t.Errorf("ForwardBatch allocates %v times per call", n)
	}
	if n := testing.AllocsPerRun(10, func() { m.TrainBatch(g, x, y) }); n != 0 {
		t.Errorf("TrainBatch allocates %v times per call", n)
	}
	wn, mn := narrow[T](w), narrow[T](masks)
	if n := testing.AllocsPerRun(10, func() { m.TrainWith(g, x, y, wn, mn) }); n != 0 {
		t.Errorf("TrainWith allocates %v times per call", n)
	}
}

// perTensor is the most entries of a weight or bias whose gradient is
// compared with central differences: spread over the tensor, they find
// what the whole would, in a fraction of the time on the widest goldens.
const perTensor = 256

// checkedParams returns the parameters whose gradient is checked: every
// entry of a tensor of up to perTensor, else perTensor spread evenly.
func checkedParams(widths []int) []int {
	var idx []int
	for _, t := range model.Layout(widths) {
		n := min(t.Size(), perTensor)
		for k := range n {
			idx = append(idx, t.Offset+k*t.Size()/n)
		}
	}
	return idx
}

// gradientAt returns the central differences of f at p, step 1e-5, with
// respect to the parameters idx.
func gradientAt(f func([]float64) float64, p []float64, idx []int) []float64 {
	x := slices.Clone(p)
	out := make([]float64, len(idx))
	for j, i := range idx {
		out[j] = fd.Derivative(func(v float64) float64 {
			x[i] = v
			return f(x)
		}, p[i], &fd.Settings{Formula: fd.Central, Step: 1e-5})
		x[i] = p[i]
	}
	return out
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

// compareChecked is compareParams for the gradient got of a model with
// the given widths and its central differences want at the parameters idx.
func compareChecked(t testing.TB, what string, widths []int, got, want []float64, idx []int, tol float64) {
	t.Helper()
	picked := make([]float64, len(idx))
	for j, i := range idx {
		picked[j] = got[i]
	}
	compareNamed(t, what, picked, want, tol, func(j int) string { return checktest.Param(widths, idx[j]) })
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

// narrow converts s to T, keeping nil nil.
func narrow[T float32 | float64](s []float64) []T {
	if s == nil {
		return nil
	}
	out := make([]T, len(s))
	for i, v := range s {
		out[i] = T(v)
	}
	return out
}

// reference is a plain MLP sized at run time, computed with gonum/mat
// from the spec alone: it shares no code with the generator.
type reference struct {
	widths  []int
	layers  []spec.Layer
	loss_   spec.Loss
	dropout []float64 // per layer
	units   int       // dropout mask values per sample
}

func newReference(s *spec.Model) *reference {
	r := &reference{widths: []int{s.Inputs}, layers: s.Layers, loss_: s.Loss}
	for _, l := range s.Layers {
		r.widths = append(r.widths, l.Units)
		r.dropout = append(r.dropout, l.Dropout)
		if l.Dropout > 0 {
			r.units += l.Units
		}
	}
	return r
}

// forward returns the logits and the output of one sample; params are in
// the generated layout: per layer W [out][in] row-major, then b.
func (r *reference) forward(params, x []float64) (z, y []float64) {
	return r.forwardMasked(params, x, nil)
}

// forwardMasked is forward with dropout: mask, if not nil, holds the
// keep-masks of the layers with dropout in order, which multiply their
// outputs.
func (r *reference) forwardMasked(params, x, mask []float64) (z, y []float64) {
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
		if l.Dropout > 0 && mask != nil {
			floats.Mul(av, mask[:out])
			mask = mask[out:]
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
	return r.lossWith(params, xs, ys, nil, nil)
}

// lossWith is the summed loss of the samples in xs with targets ys, each
// weighted by w (if not nil) and with the dropout masks of masks (if not
// nil), r.units values per sample.
func (r *reference) lossWith(params, xs, ys, w, masks []float64) float64 {
	in, out := r.widths[0], r.widths[len(r.widths)-1]
	total := 0.0
	for k := range len(xs) / in {
		var mask []float64
		if masks != nil {
			mask = masks[k*r.units : (k+1)*r.units]
		}
		z, p := r.forwardMasked(params, xs[k*in:(k+1)*in], mask)
		t := ys[k*out : (k+1)*out]
		l := 0.0
		for j := range z {
			switch r.loss_ {
			case spec.CrossEntropy:
				l -= t[j] * math.Log(p[j])
			case spec.BinaryCrossEntropy:
				l -= (t[j]*math.Log(p[j]) + (1-t[j])*math.Log(1-p[j])) / float64(out)
			default:
				l += (z[j] - t[j]) * (z[j] - t[j]) / float64(out)
			}
		}
		if w != nil {
			l *= w[k]
		}
		total += l
	}
	return total
}

// weights draws n sample weights in [0.5, 1.5).
func (r *reference) weights(rng *rand.Rand, n int) []float64 {
	w := make([]float64, n)
	for k := range w {
		w[k] = 0.5 + rng.Float64()
	}
	return w
}

// masks draws the dropout masks of n samples, as the runtime does: for
// each unit, 0 with probability p, else 1/(1−p); nil without dropout.
func (r *reference) masks(rng *rand.Rand, n int) []float64 {
	if r.units == 0 {
		return nil
	}
	m := make([]float64, 0, n*r.units)
	for range n {
		for i, p := range r.dropout {
			if p == 0 {
				continue
			}
			for range r.widths[i+1] {
				v := 1 / (1 - p)
				if rng.Float64() < p {
					v = 0
				}
				m = append(m, v)
			}
		}
	}
	return m
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
