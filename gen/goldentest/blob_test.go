package goldentest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nngen/nngen/internal/checktest"
)

// TestBlobMismatch builds the embedded golden model beside a weights file
// of the right length but other contents, as a run of nngen gen -weights
// for other weights would leave it: the program must stop at init, naming
// both files and the command that regenerates them. With its own weights
// file it runs.
func TestBlobMismatch(t *testing.T) {
	checktest.NeedGoTool(t)
	src := filepath.Join("..", "..", "testdata", "golden", "embedded")
	dir := t.TempDir()
	files, err := filepath.Glob(filepath.Join(src, "model*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		copyFile(t, f, filepath.Join(dir, filepath.Base(f)))
	}
	writeModule(t, dir)
	write(t, filepath.Join(dir, "init_test.go"), "package embedded\n\nimport \"testing\"\n\nfunc TestInit(t *testing.T) {}\n")
	if out, err := goTest(dir, "."); err != nil {
		t.Fatalf("with its own weights file: %v\n%s", err, out)
	}
	blob := filepath.Join(dir, "model_weights.bin")
	b, err := os.ReadFile(blob)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(blob, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := goTest(dir, ".")
	want := "panic: Reader: model_weights.bin is not the file generated with model.go (its SHA-256 differs); regenerate both with nngen gen -weights weights.safetensors spec.yaml"
	if err == nil || !strings.Contains(out, want) {
		t.Errorf("with another weights file: %v\n%s\nwant the message\n%s", err, out, want)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	write(t, to, string(b))
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
