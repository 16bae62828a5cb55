package goldentest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// needGoTool skips a test that runs generated code with the go command
// unless the test itself runs on the host the go command builds for: under
// emulation (GOARCH=arm64 go test -exec qemu-aarch64) the programs the go
// command builds would not start.
func needGoTool(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a program with the Go toolchain")
	}
	out, err := exec.Command("go", "env", "GOHOSTARCH").Output()
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	if host := strings.TrimSpace(string(out)); host != runtime.GOARCH {
		t.Skipf("runs on %s, emulated on %s: the programs the go command builds would not start", runtime.GOARCH, host)
	}
}

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
