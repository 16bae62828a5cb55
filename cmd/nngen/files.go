package main

import (
	"bytes"
	"fmt"
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
