package build_test

import (
	"path/filepath"
	"testing"

	"github.com/nngen/nngen/internal/build"
	"github.com/nngen/nngen/spec"
)

// TestProgramCacheKey checks that the program cache tells apart builds
// that differ only in the settings of the target, here GOAMD64, and
// reuses a program built with the same ones.
func TestProgramCacheKey(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs with the Go toolchain")
	}
	isolateCache(t)
	s, err := spec.ParseFile(filepath.Join("..", "..", "testdata", "golden", "loops", "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	program := func(goamd64 string) string {
		t.Helper()
		t.Setenv("GOAMD64", goamd64)
		exe, _, err := build.Program(s)
		if err != nil {
			t.Fatal(err)
		}
		return exe
	}
	v1, v3 := program("v1"), program("v3")
	if v1 == v3 {
		t.Errorf("GOAMD64=v1 and v3 share the program %s", v1)
	}
	if again := program("v1"); again != v1 {
		t.Errorf("GOAMD64=v1 built %s, then %s", v1, again)
	}
}
