package build_test

import (
	"path/filepath"
	"testing"

	"github.com/nngen/nngen/internal/build"
	"github.com/nngen/nngen/runtime/gradcheck"
	"github.com/nngen/nngen/spec"
)

// TestProgramOffline builds and runs a model program with the module
// proxy off and an empty module cache: the program needs nothing but the
// standard library and the embedded runtime.
func TestProgramOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the Go toolchain")
	}
	isolateCache(t)
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOMODCACHE", t.TempDir())
	s, err := spec.ParseFile(filepath.Join("..", "..", "testdata", "golden", "loops", "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	exe, _, err := build.Program(s)
	if err != nil {
		t.Fatal(err)
	}
	if status, out := runGradcheck(t, exe, gradcheck.Options{}); !gradcheckPassed(status, out) {
		t.Fatalf("gradcheck: status %d\n%s", status, out)
	}
}
