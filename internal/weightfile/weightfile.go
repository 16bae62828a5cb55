// Package weightfile reads a weights file for the code generator: it attaches
// the trained parameters of a file, written by nngen train,
// runtime/train.SaveWeights or PyTorch, to a lowered model, so that package
// gen builds them into the code it emits without reading files itself.
package weightfile

import (
	"path/filepath"

	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/runtime/train"
	"github.com/nngen/nngen/spec"
)

// Attach reads the weights file at path for the model of s and attaches
// its parameters and metadata to m, the lowered s; blob names the sibling
// file for models too large for literals (see ir.Model.AttachTrained). The
// file must hold weights of the architecture of s as far as it records
// one; the note returned says what it left unchecked (see train.CheckArch).
func Attach(m *ir.Model, s *spec.Model, path, blob string) (note string, err error) {
	widths := []int{s.Inputs}
	for _, l := range s.Layers {
		widths = append(widths, l.Units)
	}
	var (
		params []float64
		meta   train.Meta
	)
	if s.DType == spec.Float32 {
		var p32 []float32
		p32, meta, err = train.ReadParams[float32](path, widths, string(s.Head()))
		for _, v := range p32 {
			params = append(params, float64(v))
		}
	} else {
		params, meta, err = train.ReadParams[float64](path, widths, string(s.Head()))
	}
	if err != nil {
		return "", err
	}
	if note, err = train.CheckArch(path, meta, Arch(s)); err != nil {
		return "", err
	}
	sum, err := train.SumFile(path)
	if err != nil {
		return "", err
	}
	if err := m.AttachTrained(filepath.Base(path), params, meta.Classes, meta.Mean, meta.Std, blob); err != nil {
		return "", err
	}
	if meta.Fill != nil {
		if err := m.AttachFill(meta.Fill); err != nil {
			return "", err
		}
	}
	m.Trained.SHA256 = sum.SHA256
	return note, nil
}

// Arch returns the architecture of s as weights files record it.
func Arch(s *spec.Model) train.Arch {
	a := train.Arch{DType: string(s.DType), Loss: string(s.Loss)}
	for _, l := range s.Layers {
		a.Activations = append(a.Activations, train.Activation{Name: string(l.Activation), Alpha: l.Alpha})
	}
	return a
}
