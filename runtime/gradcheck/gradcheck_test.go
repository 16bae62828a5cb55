package gradcheck

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/nngen/nngen/testdata/golden/dropout"
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

// TestCheckDropout checks a model with dropout, whose gradient goes
// through the masks, and the masks that Check draws.
func TestCheckDropout(t *testing.T) {
	for _, r := range Check[float64](new(dropout.Dropped), Options{}) {
		if r.Checked == 0 || r.MaxError > 1e-6 {
			t.Errorf("%s: %d entries checked, largest relative error %.2g", r.Name, r.Checked, r.MaxError)
		}
	}
	masks := Masks[float64]([]int{3, 100, 50, 2}, []float64{0.25, 0, 0}, 40, rand.New(rand.NewPCG(1, 2)))
	if len(masks) != 40*100 {
		t.Fatalf("%d mask values, want 4000", len(masks))
	}
	kept := 0
	for _, v := range masks {
		switch v {
		case 0:
		case 1 / 0.75:
			kept++
		default:
			t.Fatalf("mask value %v", v)
		}
	}
	if kept < 2800 || kept > 3200 { // binomial(4000, 0.75): 3000 ± 27.4
		t.Errorf("%d of 4000 units kept, want about 3000", kept)
	}
	if Masks[float64]([]int{3, 4, 1}, []float64{0, 0}, 5, rand.New(rand.NewPCG(1, 2))) != nil {
		t.Error("masks for a model without dropout")
	}
}
