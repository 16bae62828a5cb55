package ir

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLiteralParams is the largest number of parameters built into
// generated code as Go literals; larger models get them from a sibling
// binary file through //go:embed, because the Go compiler is slow on large
// composite literals. It was set by measuring go build time (see README).
const MaxLiteralParams = 8192

// Trained is a model's trained state, built into the generated code.
type Trained struct {
	Source    string    // base name of the weights file
	Params    []float64 // in the order of the model's Params
	Classes   []string  // class names in the order of the outputs, or nil
	Mean, Std []float64 // standardization of the inputs: x' = (x − Mean)/Std
	// Fill holds the training means that replace a missing (NaN) input,
	// for weights trained with -missing mean; nil otherwise.
	Fill []float64
	// Blob names the file, beside the generated code, that holds the
	// parameters as little-endian floats of the model's element type;
	// empty when they are written as literals.
	Blob string
	// Package-level names: the predictor type, its trained value, the
	// class names, the embedded bytes and their SHA-256.
	Predictor, Value, ClassNames, BlobVar, BlobSum string

	// For the header of the generated file: the SHA-256 of the weights
	// file, in hexadecimal, and the command that built it in, if known.
	SHA256, Command string
}

// AttachFill makes the trained model m fill in a missing (NaN) input i
// with fill[i], the mean of the training data, before standardizing it.
func (m *Model) AttachFill(fill []float64) error {
	if m.Trained == nil {
		return fmt.Errorf("fill values for a model without trained parameters")
	}
	if len(fill) != m.Inputs {
		return fmt.Errorf("%s: %d fill values for missing inputs, the model has %d inputs", m.Trained.Source, len(fill), m.Inputs)
	}
	for i, v := range fill {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: the fill value of input %d is %g", m.Trained.Source, i, v)
		}
	}
	m.Trained.Fill = fill
	return nil
}

// AttachTrained makes m carry trained parameters and the metadata saved
// with them. blob names the sibling file for models too large for
// literals; it must not be empty then.
func (m *Model) AttachTrained(source string, params []float64, classes []string, mean, std []float64, blob string) error {
	if len(params) != m.NumParams {
		return fmt.Errorf("%s holds %d parameters, the model has %d", source, len(params), m.NumParams)
	}
	switch t := m.Head.Target; {
	case classes == nil:
	case t == OneHot && len(classes) != m.Outputs:
		return fmt.Errorf("%s names %d classes, the model has %d outputs", source, len(classes), m.Outputs)
	case t == Bits && (m.Outputs != 1 || len(classes) != 2):
		return fmt.Errorf("%s names %d classes for %d %s outputs", source, len(classes), m.Outputs, m.Head.Act)
	case t == Real:
		return fmt.Errorf("%s names classes for a regression model", source)
	}
	if mean == nil {
		mean, std = make([]float64, m.Inputs), make([]float64, m.Inputs)
		for i := range std {
			std[i] = 1
		}
	}
	if len(mean) != m.Inputs || len(std) != m.Inputs {
		return fmt.Errorf("%s: the standardization has %d and %d values, the model has %d inputs", source, len(mean), len(std), m.Inputs)
	}
	for i := range std {
		if !(std[i] > 0) || math.IsInf(std[i], 0) || math.IsNaN(mean[i]) || math.IsInf(mean[i], 0) {
			return fmt.Errorf("%s: invalid standardization of input %d: mean %g, std %g", source, i, mean[i], std[i])
		}
	}
	for i, v := range params {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: parameter %d is %g", source, i, v)
		}
	}
	t := &Trained{
		Source: SourceName(source), Params: params, Classes: classes, Mean: mean, Std: std,
		Predictor: m.Name + "Predictor", Value: m.Name + "Trained", ClassNames: m.Name + "Classes",
		BlobVar: m.Names.Prefix + "Weights", BlobSum: m.Names.Prefix + "WeightsSHA256",
	}
	if len(params) > MaxLiteralParams {
		if blob == "" {
			return fmt.Errorf("%s: %d parameters are too many for Go literals (at most %d): they go in a file beside the code, so write the code to a file", source, len(params), MaxLiteralParams)
		}
		if !embeddable(blob) {
			return fmt.Errorf("%q cannot be named in a //go:embed line: name the output file with letters, digits and - _ . + only", blob)
		}
		t.Blob = blob
	}
	m.Trained = t
	return nil
}

// embeddable reports whether name can follow //go:embed as it is: one
// file name that the go command accepts in a module (letters, digits and
// a few punctuation marks), with no space to split it, no glob
// metacharacter and no quote.
func embeddable(name string) bool {
	if name == "" || name == "." || name == ".." || !utf8.ValidString(name) {
		return false
	}
	for _, r := range name {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("!#$%&()+,-.=@^_{}~", r)):
		case r >= utf8.RuneSelf && unicode.IsLetter(r):
		default:
			return false
		}
	}
	return true
}
