package main

import (
	"bytes"
	"io"
	"os"

	"github.com/nngen/nngen/internal/atomicfile"
)

// writeFile replaces path with data atomically (see internal/atomicfile),
// so readers never see a partial file. If path already holds data it is
// left untouched, modification time included.
func writeFile(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
