package baseline

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/nngen/nngen/internal/checktest"
)

func randomBatch(r *rand.Rand, rows, cols, classes int) (*mat.Dense, []int) {
	x := mat.NewDense(rows, cols, nil)
	labels := make([]int, rows)
	for i := range rows {
		for j := range cols {
			x.Set(i, j, r.NormFloat64())
		}
		labels[i] = r.IntN(classes)
	}
	return x, labels
}

// loss is the summed cross-entropy of the batch, computed sample by sample
// with Forward.
func loss(n *MLP, x *mat.Dense, labels []int) float64 {
	var l float64
	for i, c := range labels {
		l -= math.Log(n.Forward(x.RawRowView(i))[c])
	}
	return l
}

// TestForwardBatch checks that the batched forward pass agrees with the
// per-sample one and gives probabilities.
func TestForwardBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := New([]int{7, 9, 5, 4})
	n.Init(3)
	for l := range n.B {
		for i := range n.B[l].Len() {
			n.B[l].SetVec(i, r.NormFloat64()/4)
		}
	}
	x, _ := randomBatch(r, 6, 7, 4)
	p := mat.DenseCopyOf(n.ForwardBatch(x))
	for i := range 6 {
		y := n.Forward(x.RawRowView(i))
		sum := 0.0
		for k, v := range y {
			if math.Abs(v-p.At(i, k)) > 1e-14 {
				t.Errorf("sample %d, output %d: Forward %v, ForwardBatch %v", i, k, v, p.At(i, k))
			}
			sum += v
		}
		if math.Abs(sum-1) > 1e-14 {
			t.Errorf("sample %d: probabilities sum to %v", i, sum)
		}
	}
}

// gradientCase returns a network and a batch whose gradients the tests
// check, the gradients computed.
func gradientCase(t *testing.T) (n *MLP, x *mat.Dense, labels []int) {
	t.Helper()
	r := rand.New(rand.NewPCG(4, 5))
	n = New([]int{6, 8, 7, 3})
	n.Init(6)
	x, labels = randomBatch(r, 5, 6, 3)
	want := n.Gradients(x, labels)
	if got := loss(n, x, labels); math.Abs(got-want) > 1e-12*math.Abs(want) {
		t.Errorf("Gradients returns loss %v, Forward gives %v", want, got)
	}
	return n, x, labels
}

// TestGradients checks Gradients against central differences of the loss.
func TestGradients(t *testing.T) {
	n, x, labels := gradientCase(t)
	checkGradients(t, n, n.Grads(), x, labels)
}

// TestGradientsFaults checks that checkGradients fails the gradients with
// each fault of checktest, naming elements of the tensor the fault alters
// only.
func TestGradientsFaults(t *testing.T) {
	n, x, labels := gradientCase(t)
	for _, f := range checktest.Faults {
		grads := n.Grads()
		checktest.Apply(f, n.Widths, grads)
		failures := checktest.Record(t, func(tb testing.TB) { checkGradients(tb, n, grads, x, labels) })
		if len(failures) == 0 {
			t.Errorf("%+v: no failure", f)
		}
		for _, msg := range failures {
			if !strings.HasPrefix(msg, f.Tensor+"[") {
				t.Errorf("%+v: %s", f, msg)
			}
		}
	}
}

// checkGradients checks grads, the gradients of n's summed loss over the
// batch, against central differences of the loss.
func checkGradients(t testing.TB, n *MLP, grads []float64, x *mat.Dense, labels []int) {
	t.Helper()
	p := n.Params()
	defer n.SetParams(p)
	const h = 1e-6
	for i := range p {
		q := append([]float64(nil), p...)
		q[i] = p[i] + h
		n.SetParams(q)
		up := loss(n, x, labels)
		q[i] = p[i] - h
		n.SetParams(q)
		down := loss(n, x, labels)
		fd := (up - down) / (2 * h)
		if math.Abs(fd-grads[i]) > 1e-6*max(1, math.Abs(fd)) {
			t.Errorf("%s: gradient %v, central difference %v", checktest.Param(n.Widths, i), grads[i], fd)
		}
	}
}

// TestTrainEpoch checks that SGD epochs lower the loss of a learnable
// problem and that a step moves the parameters by −lr times the mean
// gradient.
func TestTrainEpoch(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	n := New([]int{4, 16, 3})
	n.Init(9)
	x, labels := randomBatch(r, 100, 4, 3)
	for i := range labels { // a learnable rule: the quadrant of (x0, x1), folded
		switch {
		case x.At(i, 0) < 0:
			labels[i] = 0
		case x.At(i, 1) < 0:
			labels[i] = 1
		default:
			labels[i] = 2
		}
	}
	p := n.Params()
	n.Gradients(x, labels)
	g := n.Grads()
	n.Step(0.1, 100)
	for i, v := range n.Params() {
		if want := p[i] - 0.1*g[i]/100; math.Abs(v-want) > 1e-15*max(1, math.Abs(want)) {
			t.Fatalf("parameter %d after a step: %v, want %v", i, v, want)
		}
	}
	first := n.TrainEpoch(x, labels, 32, 0.05, 1)
	var last float64
	for range 30 {
		last = n.TrainEpoch(x, labels, 32, 0.05, 1)
	}
	if !(last < first/2) {
		t.Errorf("epoch loss went from %v to %v", first, last)
	}
}
