package build_test

import "testing"

// TestProgramCacheKey checks that the program cache tells apart builds
// that differ only in the settings of the target, here GOAMD64, and
// reuses a program built with the same ones.
func TestProgramCacheKey(t *testing.T) {
	isolateCache(t)
	s := loopsSpec(t)
	build := func(goamd64 string) string {
		t.Helper()
		t.Setenv("GOAMD64", goamd64)
		return program(t, s)
	}
	v1, v3 := build("v1"), build("v3")
	if v1 == v3 {
		t.Errorf("GOAMD64=v1 and v3 share the program %s", v1)
	}
	if again := build("v1"); again != v1 {
		t.Errorf("GOAMD64=v1 built %s, then %s", v1, again)
	}
}
