package gradcheck

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// TestCentral compares the central differences with gonum's, the
// independent reference, on smooth functions at several steps.
func TestCentral(t *testing.T) {
	funcs := map[string]func(float64) float64{
		"sin":   math.Sin,
		"exp":   math.Exp,
		"cubic": func(x float64) float64 { return x*x*x - 2*x },
	}
	for name, f := range funcs {
		for _, x := range []float64{-1.5, 0, 0.3, 2} {
			for _, h := range []float64{1e-5, 1e-5 / 16, 1e-4} {
				want := fd.Derivative(f, x, &fd.Settings{Formula: fd.Central, Step: h})
				if got := central(f, x, h); math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
					t.Errorf("%s at %g, step %g: %g, gonum %g", name, x, h, got, want)
				}
			}
		}
	}
}
