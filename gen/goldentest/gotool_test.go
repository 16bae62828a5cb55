package goldentest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// goTest runs go test -count=1 with args in the module at dir, which
// needs nothing but the standard library, and returns its output.
func goTest(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", append([]string{"test", "-count=1"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// writeModule writes a go.mod for module example.com/m at dir.
func writeModule(t *testing.T, dir string) {
	t.Helper()
	write(t, filepath.Join(dir, "go.mod"), "module example.com/m\n\ngo 1.26\n")
}
