package ir

import (
	"maps"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nngen/nngen/spec"
)

// TestHeadGradient checks each head's expressions against one another and
// against the textbook: its loss is the cross-entropy, binary
// cross-entropy or mean squared error of the outputs its forward
// expression computes, and its δ is the derivative of that loss, by
// central differences.
func TestHeadGradient(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		act  spec.Activation
		k    int
		loss func(p, y []float64) float64 // the textbook loss of the outputs p
	}{
		{spec.Softmax, 3, func(p, y []float64) float64 {
			l := 0.0
			for k := range p {
				l -= y[k] * math.Log(p[k])
			}
			return l
		}},
		{spec.Sigmoid, 1, bce},
		{spec.Sigmoid, 4, bce},
		{spec.Identity, 1, mse},
		{spec.Identity, 3, mse},
	} {
		h := head(c.act, spec.LossFor[c.act], c.k)
		for range 20 {
			z, y := make([]float64, c.k), targets(r, h.Target, c.k)
			for k := range z {
				z[k] = 3 * r.NormFloat64()
			}
			loss, delta := h.lossAndDelta(z, y, 1)
			if want := c.loss(h.apply(append([]float64(nil), z...)), y); math.Abs(loss-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("%s, K = %d, z = %v: the loss is %g, want %g", c.act, c.k, z, loss, want)
			}
			for k := range z {
				const step = 1e-6
				zp, zm := append([]float64(nil), z...), append([]float64(nil), z...)
				zp[k] += step
				zm[k] -= step
				lp, _ := h.lossAndDelta(zp, y, 1)
				lm, _ := h.lossAndDelta(zm, y, 1)
				if want := (lp - lm) / (2 * step); math.Abs(delta[k]-want) > 1e-6*math.Max(1, math.Abs(want)) {
					t.Errorf("%s, K = %d, z = %v: δ[%d] = %g, the central difference is %g", c.act, c.k, z, k, delta[k], want)
				}
			}
		}
	}
}

// TestHeadWeighed checks that a weighed head's loss and δ are those of
// the head times the sample's weight, for every head.
func TestHeadWeighed(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		act spec.Activation
		k   int
	}{{spec.Softmax, 3}, {spec.Sigmoid, 1}, {spec.Sigmoid, 4}, {spec.Identity, 2}} {
		plain := head(c.act, spec.LossFor[c.act], c.k)
		weighed := plain
		weighed.weigh()
		for range 10 {
			z, y, w := make([]float64, c.k), targets(r, plain.Target, c.k), 0.25+2*r.Float64()
			for k := range z {
				z[k] = 3 * r.NormFloat64()
			}
			loss, delta := plain.lossAndDelta(z, y, 1)
			wloss, wdelta := weighed.lossAndDelta(z, y, w)
			if math.Abs(wloss-w*loss) > 1e-12*math.Abs(w*loss) {
				t.Errorf("%s, K = %d, w = %g: the loss is %g, want %g", c.act, c.k, w, wloss, w*loss)
			}
			for k := range delta {
				if math.Abs(wdelta[k]-w*delta[k]) > 1e-12*math.Abs(w*delta[k]) {
					t.Errorf("%s, K = %d, w = %g: δ[%d] is %g, want %g", c.act, c.k, w, k, wdelta[k], w*delta[k])
				}
			}
		}
	}
}

// lossAndDelta evaluates the loss and δ of h at the logits z for the
// targets y and the sample's weight w, as the generated code computes
// them.
func (h *Head) lossAndDelta(z, y []float64, w float64) (loss float64, delta []float64) {
	p := h.apply(append([]float64(nil), z...))
	top := math.Inf(-1)
	for _, v := range z {
		top = math.Max(top, v)
	}
	sum := 0.0
	for _, v := range z {
		sum += math.Exp(v - top)
	}
	delta = make([]float64, len(z))
	for k := range z {
		env := map[string]float64{string(Z): z[k], string(P): p[k], string(Y): y[k], string(LSE): top + math.Log(sum), string(W): w}
		for _, l := range h.Locals {
			env = maps.Clone(env)
			env[string(l.Name)] = eval(l.Value, env)
		}
		delta[k] = eval(h.Delta, env)
		loss += eval(h.Term, env)
	}
	return loss, delta
}

// targets returns random targets of the kind t.
func targets(r *rand.Rand, t Target, k int) []float64 {
	y := make([]float64, k)
	switch t {
	case OneHot:
		y[r.IntN(k)] = 1
	case Bits:
		for i := range y {
			y[i] = float64(r.IntN(2))
		}
	default:
		for i := range y {
			y[i] = r.NormFloat64()
		}
	}
	return y
}

func bce(p, y []float64) float64 {
	l := 0.0
	for k := range p {
		l -= y[k]*math.Log(p[k]) + (1-y[k])*math.Log(1-p[k])
	}
	return l / float64(len(p))
}

func mse(p, y []float64) float64 {
	l := 0.0
	for k := range p {
		l += (p[k] - y[k]) * (p[k] - y[k])
	}
	return l / float64(len(p))
}
