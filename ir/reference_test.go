package ir

import (
	"math"
	"testing"

	"github.com/nngen/nngen/spec"
)

// TestApply evaluates every activation's expression against its formula
// written out with package math.
func TestApply(t *testing.T) {
	sigmoid := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	elu := func(z float64) float64 {
		if z > 0 {
			return z
		}
		return 0.1 * math.Expm1(z)
	}
	want := map[spec.Activation]func(float64) float64{
		spec.ReLU:      func(z float64) float64 { return math.Max(z, 0) },
		spec.LeakyReLU: func(z float64) float64 { return math.Max(z, 0.1*z) },
		spec.Sigmoid:   sigmoid,
		spec.Tanh:      math.Tanh,
		spec.Softplus:  func(z float64) float64 { return math.Log(1 + math.Exp(z)) },
		spec.ELU:       elu,
		spec.GELU:      func(z float64) float64 { return 0.5 * z * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(z+0.044715*z*z*z))) },
		spec.SiLU:      func(z float64) float64 { return z * sigmoid(z) },
	}
	for act, f := range want {
		fn := activation(act, 0.1).Func
		for _, z := range []float64{-3, -0.5, 0, 0.25, 2} {
			if got, want := fn.Apply(z), f(z); math.Abs(got-want) > 1e-14*math.Max(1, math.Abs(want)) {
				t.Errorf("%s(%g) = %g, want %g", act, z, got, want)
			}
		}
	}
}
