package gen_test

import (
	"testing"

	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/spec"
)

// FuzzGenerate skips models with more parameters, or more weights in
// straight-line code, than these: they take long to emit (a second for
// 16000 unrolled weights) and cover nothing that smaller ones do not.
const (
	fuzzMaxParams   = 20000
	fuzzMaxUnrolled = 4096
)

// unrolled counts the weights of m's layers that are emitted as
// straight-line code.
func unrolled(m *spec.Model) int {
	n, in := 0, m.Inputs
	for _, l := range m.Layers {
		if l.Unroll == spec.Full || l.Unroll == spec.Auto && in*l.Units <= ir.UnrollThreshold {
			n += in * l.Units
		}
		in = l.Units
	}
	return n
}

// FuzzGenerate parses an arbitrary spec file, under an arbitrary file
// name, and generates the code of every spec accepted, both the model and
// its test file. The code must parse, name the spec file only in one-line
// comments, and otherwise equal the code of the same model under a
// reference name (see checkGenerated): so no value of a spec, and no file
// name, puts anything into the code but what it is meant to.
//
// The seed corpus is testdata/fuzz/FuzzGenerate; run it longer with
//
//	go test -run '^$' -fuzz FuzzGenerate -fuzztime 1m ./gen
func FuzzGenerate(f *testing.F) {
	f.Fuzz(func(t *testing.T, file string, src []byte) {
		m, err := spec.Parse(file, src)
		if err != nil || m.NumParams() > fuzzMaxParams || unrolled(m) > fuzzMaxUnrolled {
			return
		}
		pkg := m.Package
		if pkg == "" {
			pkg = "model"
		}
		checkGenerated(t, m, pkg, generateModel)
		checkGenerated(t, m, pkg, generateTest)
	})
}
