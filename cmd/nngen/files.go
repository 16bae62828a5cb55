package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

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

// arg is a file named on the command line, with the flag that names it.
type arg struct {
	flag, path string
}

func (a arg) String() string { return a.flag + " " + a.path }

// checkOutputs reports the first output that is one of the inputs, the
// same file once links are resolved.
func checkOutputs(outputs, inputs []arg) error {
	for _, out := range outputs {
		oi, err := os.Stat(out.path)
		if err != nil {
			continue // no path, or no file yet: no input
		}
		for _, in := range inputs {
			if ii, err := os.Stat(in.path); err == nil && os.SameFile(oi, ii) {
				return fmt.Errorf("%v would overwrite %v", out, in)
			}
		}
	}
	return nil
}

// distinctOutputs returns an error if two of the outputs name the same
// file, which one would overwrite with the other.
func distinctOutputs(outputs []arg) error {
	for i, a := range outputs {
		for _, b := range outputs[i+1:] {
			if a.path != "" && b.path != "" && sameFile(a.path, b.path) {
				return fmt.Errorf("%v and %v name the same file", a, b)
			}
		}
	}
	return nil
}

// sameFile reports whether the paths a and b name one file, existing or
// not.
func sameFile(a, b string) bool {
	if ai, err := os.Stat(a); err == nil {
		if bi, err := os.Stat(b); err == nil {
			return os.SameFile(ai, bi)
		}
	}
	aa, errA := filepath.Abs(a)
	ab, errB := filepath.Abs(b)
	return errA == nil && errB == nil && aa == ab
}
