package goldentest

import (
	"os/exec"
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
