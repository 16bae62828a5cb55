package gen

import (
	"path/filepath"

	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/runtime/train"
	"github.com/nngen/nngen/spec"
)

// AttachWeights reads the weights file at path (written by nngen train,
// runtime/train.SaveWeights or PyTorch) for the model of s and attaches its
// parameters and metadata to m, so that Emit builds them in; blob names
// the sibling file for models too large for literals.
func AttachWeights(m *ir.Model, s *spec.Model, path, blob string) error {
	widths := []int{s.Inputs}
	for _, l := range s.Layers {
		widths = append(widths, l.Units)
	}
	var (
		params []float64
		meta   train.Meta
		err    error
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
		return err
	}
	return m.AttachTrained(filepath.Base(path), params, meta.Classes, meta.Mean, meta.Std, blob)
}
