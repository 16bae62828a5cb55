package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nngen/nngen/internal/checktest"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

// TestWriteRemovesStale checks that a save removes the temporary files
// that killed saves of the same file left, and no other file.
func TestWriteRemovesStale(t *testing.T) {
	dir := t.TempDir()
	keep := []string{".m.bin.tmp.bak", ".m.binx.tmp123", ".other.tmp123", "m.bin.tmp123"}
	for _, n := range append([]string{".m.bin.tmp123", ".m.bin.tmp98765"}, keep...) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("stale"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(filepath.Join(dir, "m.bin"), writeString("new")); err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(append(keep, "m.bin")))
	if got := checktest.DirNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("files after the save: %q, want %q", got, want)
	}
}

// TestWriteFailure checks that a failing save leaves the old file as it
// was, creates no new one, and leaves no temporary file.
func TestWriteFailure(t *testing.T) {
	dir := t.TempDir()
	old, fresh := filepath.Join(dir, "old.bin"), filepath.Join(dir, "new.bin")
	if err := os.WriteFile(old, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	failing := func(w io.Writer) error {
		io.WriteString(w, "partial")
		return errors.New("disk full")
	}
	for _, p := range []string{old, fresh} {
		if err := Write(p, failing); err == nil || err.Error() != "disk full" {
			t.Errorf("%s: error %v, want disk full", p, err)
		}
	}
	if b, err := os.ReadFile(old); err != nil || string(b) != "old" {
		t.Errorf("the old file holds %q, %v", b, err)
	}
	if got := checktest.DirNames(t, dir); !slices.Equal(got, []string{"old.bin"}) {
		t.Errorf("files after the failed saves: %q, want only old.bin", got)
	}
	if err := Write(old, writeString("new")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(old); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the replaced file's mode: %v, %v; want 0600 kept", fi.Mode(), err)
	}
}
