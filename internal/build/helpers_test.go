package build_test

import (
	"path/filepath"
	"testing"

	"github.com/nngen/nngen/internal/build"
	"github.com/nngen/nngen/internal/checktest"
	"github.com/nngen/nngen/spec"
)

// isolateCache skips a test that builds programs where
// checktest.NeedGoTool says, and otherwise points the program cache of
// build.Program at a temporary folder, so that test models do not pile up
// in the user's cache, while go build keeps using the user's build cache.
func isolateCache(t *testing.T) {
	t.Helper()
	checktest.NeedGoTool(t)
	t.Setenv(build.CacheEnv, t.TempDir())
}

// loopsSpec returns the spec of the golden loops model.
func loopsSpec(t *testing.T) *spec.Model {
	t.Helper()
	s, err := spec.ParseFile(filepath.Join("..", "..", "testdata", "golden", "loops", "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// program builds the program of s.
func program(t *testing.T, s *spec.Model) string {
	t.Helper()
	exe, _, err := build.Program(s)
	if err != nil {
		t.Fatalf("building the model: %v", err)
	}
	return exe
}
