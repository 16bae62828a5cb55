package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWriteFileUnchanged checks that rewriting a file with the same
// contents leaves it alone, modification time included, and that new
// contents replace it.
func TestWriteFileUnchanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.go")
	if err := writeFile(path, []byte("a")); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(path, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || !fi.ModTime().Equal(past) {
		t.Errorf("an unchanged file was rewritten: %v, %v", fi.ModTime(), err)
	}
	if err := writeFile(path, []byte("b")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "b" {
		t.Errorf("contents %q, want b", b)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}
