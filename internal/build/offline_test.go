package build_test

import (
	"testing"

	"github.com/nngen/nngen/runtime/gradcheck"
)

// TestProgramOffline builds and runs a model program with the module
// proxy off and an empty module cache: the program needs nothing but the
// standard library and the embedded runtime.
func TestProgramOffline(t *testing.T) {
	isolateCache(t)
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOMODCACHE", t.TempDir())
	exe := program(t, loopsSpec(t))
	if status, out := runGradcheck(t, exe, gradcheck.Options{}); !gradcheckPassed(status, out) {
		t.Fatalf("gradcheck: status %d\n%s", status, out)
	}
}
