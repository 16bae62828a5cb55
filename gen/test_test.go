package gen

import (
	"strconv"
	"testing"

	"github.com/nngen/nngen/runtime/gradcheck"
)

// TestGradTolerance checks that the generated gradient check of a float64
// model accepts what runtime/gradcheck, and nngen check -grad, accept.
func TestGradTolerance(t *testing.T) {
	tol, err := strconv.ParseFloat(gradTolerance, 64)
	if err != nil || tol != gradcheck.Tolerance {
		t.Errorf("the generated gradient check's tolerance is %s, runtime/gradcheck's %g", gradTolerance, gradcheck.Tolerance)
	}
}
