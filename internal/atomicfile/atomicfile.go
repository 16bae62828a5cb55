// Package atomicfile replaces files atomically, so that an interrupted
// save never leaves a partial file, and cleans up after saves that were
// killed.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Write replaces path with what write writes: it writes a temporary file
// in the same directory, syncs and closes it, renames it over path and
// syncs the directory. If anything before the rename fails, the temporary
// file is removed and an existing file at path is left untouched. The
// temporary files of earlier saves of path that were killed midway are
// removed first; saving one path from two processes at once is not
// supported.
//
// A new file gets mode 0644; a replaced file keeps its permission bits.
func Write(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	perm := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
		perm = st.Mode().Perm()
	}
	removeStale(dir, base)
	tmp, err := os.CreateTemp(dir, tempPrefix(base)+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// The new file is in place; a failure to sync the directory only
	// means the rename may not yet be durable.
	if derr := syncDir(dir); derr != nil {
		return fmt.Errorf("file replaced, but syncing its directory failed: %w", derr)
	}
	return nil
}

// tempPrefix starts the names of the temporary files of base, which
// os.CreateTemp ends with random digits.
func tempPrefix(base string) string {
	return "." + base + ".tmp"
}

// removeStale removes the temporary files of saves of base in dir that
// never got renamed. Failures are ignored: the files only take space.
func removeStale(dir, base string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := tempPrefix(base)
	for _, e := range entries {
		if rest, ok := strings.CutPrefix(e.Name(), prefix); ok && rest != "" && strings.Trim(rest, "0123456789") == "" && e.Type().IsRegular() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be opened for syncing there
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
