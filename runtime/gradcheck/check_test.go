package gradcheck_test

import (
	"testing"

	"github.com/nngen/nngen/internal/checktest"
	"github.com/nngen/nngen/runtime/gradcheck"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

// broken is the softmax golden model, 4 → 6 relu → 3 softmax, with the
// fault K in its backward pass. Its tensors are small enough for Check
// to compare every entry.
type broken[K checktest.Kind] = checktest.Model[float64, softmax.Classifier, *softmax.Classifier, K]

// TestCheck checks that Check passes the backward pass of the softmax
// golden model at the tolerance of nngen check -grad, comparing every
// entry.
func TestCheck(t *testing.T) {
	for _, r := range gradcheck.Check[float64, softmax.Classifier](new(softmax.Classifier), gradcheck.Options{}) {
		if r.Checked != r.Size() || r.MaxError > gradcheck.Tolerance {
			t.Errorf("%s: %d of %d entries checked, largest relative error %.2e", r.Name, r.Checked, r.Size(), r.MaxError)
		}
	}
}

// TestCheckFaults checks that Check finds each fault in the backward pass
// of the softmax golden model, in the tensor the fault alters and no
// other.
func TestCheckFaults(t *testing.T) {
	checktest.RunKinds(t, checkFault[checktest.Doubled], checkFault[checktest.OneElement],
		checkFault[checktest.Flipped], checkFault[checktest.NoBias])
}

func checkFault[K checktest.Kind](t *testing.T) {
	wrong := checktest.Of[K]().Tensor
	for _, r := range gradcheck.Check[float64, broken[K]](new(broken[K]), gradcheck.Options{}) {
		if off := r.MaxError > gradcheck.Tolerance; off != (r.Name == wrong) {
			t.Errorf("%s, with %s wrong: largest relative error %.2e, tolerance %.0e", r.Name, wrong, r.MaxError, gradcheck.Tolerance)
		}
	}
}
