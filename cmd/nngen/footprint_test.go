package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestToolModules lists the modules that `go get -tool` of nngen adds to
// a user's go.mod as indirect requirements: those providing a package
// that the command imports, nngen aside. The generated code imports only
// the standard library, so they are the emitter's and the YAML library's.
func TestToolModules(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the Go toolchain")
	}
	out, err := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}}{{end}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	mods := slices.Compact(slices.Sorted(slices.Values(strings.Fields(string(out)))))
	if want := []string{"github.com/dave/jennifer", "gopkg.in/yaml.v3"}; !slices.Equal(mods, want) {
		t.Errorf("cmd/nngen needs the modules\n\t%s\nwant only\n\t%s", strings.Join(mods, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// maxBinary is the size the nngen binary must stay under.
const maxBinary = 12 << 20

// TestBinarySize builds the command and checks its size.
func TestBinarySize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the Go toolchain")
	}
	exe := filepath.Join(t.TempDir(), "nngen")
	if out, err := exec.Command("go", "build", "-o", exe, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	fi, err := os.Stat(exe)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("nngen binary: %.1f MB", float64(fi.Size())/1e6)
	if fi.Size() > maxBinary {
		t.Errorf("the nngen binary is %d bytes, more than %d", fi.Size(), maxBinary)
	}
}
