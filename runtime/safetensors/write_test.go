package safetensors

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nngen/nngen/internal/checktest"
)

// failingWriter passes through the first n bytes, then fails.
type failingWriter struct {
	w io.Writer
	n int
}

var errInjected = errors.New("injected write failure")

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k, _ := f.w.Write(p[:f.n])
		f.n = 0
		return k, errInjected
	}
	f.n -= len(p)
	return f.w.Write(p)
}

func TestWriteFileFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	old := mustWrite(t, mlpFile(t, nil))
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	newFile := mlpFile(t, map[string]string{"format": "pt"})

	// Fail at every possible point of the byte stream: in the prefix,
	// the header, and the tensor data.
	total := len(mustWrite(t, newFile))
	for _, cut := range []int{0, 4, 8, 100, total - 1} {
		testHookWriter = func(w io.Writer) io.Writer { return &failingWriter{w: w, n: cut} }
		err := WriteFile(path, newFile)
		testHookWriter = nil
		if !errors.Is(err, errInjected) || !strings.Contains(err.Error(), path) {
			t.Fatalf("cut %d: error %v, want the injected failure naming %s", cut, err, path)
		}
		got, rerr := os.ReadFile(path)
		if rerr != nil || !bytes.Equal(got, old) {
			t.Fatalf("cut %d: existing file changed (%v)", cut, rerr)
		}
		if names := checktest.DirNames(t, dir); !slices.Equal(names, []string{"model.safetensors"}) {
			t.Fatalf("cut %d: temporary file left behind: %v", cut, names)
		}
	}

	// Without the hook the same write succeeds, replaces the file and
	// keeps its permissions.
	writeRead(t, path, newFile)
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode after replace: %v, %v", st.Mode(), err)
	}
	if names := checktest.DirNames(t, dir); !slices.Equal(names, []string{"model.safetensors"}) {
		t.Fatalf("directory holds %v", names)
	}
}

func TestWriteFileNewFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.safetensors")
	if err := WriteFile(path, &File{}); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("mode of a new file: %v, %v", st.Mode(), err)
	}
}

// A rename failure (the target is a non-empty directory) must leave no
// temporary file and the target untouched.
func TestWriteFileRenameFailure(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "model.safetensors")
	if err := os.MkdirAll(filepath.Join(target, "keep"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(target, mlpFile(t, nil))
	if err == nil || !strings.Contains(err.Error(), target) {
		t.Fatalf("error %v, want a rename failure naming %s", err, target)
	}
	if names := checktest.DirNames(t, dir); !slices.Equal(names, []string{"model.safetensors"}) {
		t.Fatalf("directory holds %v", names)
	}
	if names := checktest.DirNames(t, target); !slices.Equal(names, []string{"keep"}) {
		t.Fatalf("target directory changed: %v", names)
	}
}

// Invalid input is rejected before anything touches the file system.
func TestWriteFileInvalidInput(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := &File{Tensors: []Tensor{{Name: "x", DType: F32, Shape: []int{2}}}}
	if err := WriteFile(path, bad); err == nil {
		t.Fatal("WriteFile accepted a tensor without data")
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Fatalf("file changed to %q", got)
	}
	if names := checktest.DirNames(t, dir); len(names) != 1 {
		t.Fatalf("directory holds %v", names)
	}
}

func TestWriteFileMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "m.safetensors")
	if err := WriteFile(path, &File{}); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("error %v, want not-exist", err)
	}
}

func TestWriteErrorPropagates(t *testing.T) {
	err := Write(&failingWriter{w: io.Discard, n: 10}, mlpFile(t, nil))
	if !errors.Is(err, errInjected) {
		t.Fatalf("error %v", err)
	}
}
