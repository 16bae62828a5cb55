package train

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
)

// Predictor is a trained model with the preprocessing its metadata
// records: it fills in missing (NaN) features with the training means
// when the model was trained with [data.MissingMean], standardizes raw
// features as the training data were before the model sees them, and
// names the classes of a classifier. It
// is what nngen gen -weights builds into code, for a model whose weights
// are read at run time. Its methods are safe for concurrent use while
// the model's parameters do not change.
type Predictor[T model.Float, M any, P model.Model[T, M]] struct {
	Model P
	Meta  Meta

	std     *data.Standardizer[T] // nil without standardization
	in, out int                   // the model's inputs and outputs
}

// NewPredictor returns a predictor of m, whose weights have the
// metadata meta: as [LoadWeights] returns it, or the Meta of the History
// of the Fit that trained m. The metadata must fit the model: its
// widths and head, if it records them, must be m's, and its
// standardization must have one mean and one deviation per input.
func NewPredictor[T model.Float, M any, P model.Model[T, M]](m P, meta Meta) (*Predictor[T, M, P], error) {
	widths := m.Widths()
	if _, err := encodeMeta(meta, widths, m.Head(), dtypeName[T]()); err != nil {
		return nil, fmt.Errorf("train: NewPredictor: %w", err)
	}
	p := &Predictor[T, M, P]{Model: m, Meta: meta, in: widths[0], out: widths[len(widths)-1]}
	if meta.Mean != nil {
		var err error
		if p.std, err = data.NewStandardizer[T](meta.Mean, meta.Std); err != nil {
			return nil, fmt.Errorf("train: NewPredictor: %w", err)
		}
	}
	return p, nil
}

// LoadPredictor loads the weights file at path into m, as [LoadWeights]
// does, and returns the predictor of m with the file's metadata.
func LoadPredictor[T model.Float, M any, P model.Model[T, M]](path string, m P) (*Predictor[T, M, P], error) {
	meta, err := LoadWeights(path, m)
	if err != nil {
		return nil, err
	}
	p, err := NewPredictor(m, meta)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// Forward returns the model's outputs for the raw features x of one
// sample: its class probabilities, or its regression values. It panics
// if len(x) is not the number of inputs.
func (p *Predictor[T, M, P]) Forward(x []T) []T {
	if len(x) != p.in {
		panic(fmt.Sprintf("train: Predictor.Forward: %d features, the model takes %d", len(x), p.in))
	}
	y := make([]T, p.out)
	p.ForwardBatch(y, x)
	return y
}

// ForwardBatch writes to dst the model's outputs for the raw features
// of the samples in x, row after row. It panics if x does not hold whole
// samples or dst has not room for exactly their outputs.
func (p *Predictor[T, M, P]) ForwardBatch(dst, x []T) {
	if len(x)%p.in != 0 || len(dst) != len(x)/p.in*p.out {
		panic(fmt.Sprintf("train: Predictor.ForwardBatch: %d values for outputs of %d outputs each and %d features of %d each",
			len(dst), p.out, len(x), p.in))
	}
	fill := p.Meta.Fill
	if p.std != nil || fill != nil {
		x = slices.Clone(x)
		for i := 0; i < len(x); i += p.in {
			row := x[i : i+p.in]
			for j, f := range fill {
				if row[j] != row[j] { // NaN, a missing value
					row[j] = T(f)
				}
			}
			if p.std != nil {
				p.std.ApplyRow(row)
			}
		}
	}
	p.Model.ForwardBatch(dst, x)
}

// Predict returns the class that the model predicts for the raw features
// x of one sample: for one sigmoid output, 1 if its probability is at
// least ½, else 0; otherwise the output with the highest probability. It
// panics for a regression model (an identity head), and if len(x) is not
// the number of inputs.
func (p *Predictor[T, M, P]) Predict(x []T) int {
	head := p.Model.Head()
	if head == model.Identity {
		panic("train: Predictor.Predict: a regression model predicts values, not classes; use Forward")
	}
	y := p.Forward(x)
	if head == model.Sigmoid && len(y) == 1 {
		if y[0] >= 0.5 {
			return 1
		}
		return 0
	}
	best := 0
	for k, v := range y {
		if v > y[best] {
			best = k
		}
	}
	return best
}

// PredictClass returns the name of the class that Predict returns: as
// Meta.Classes names it, or its index in decimal if the metadata names
// no classes. It panics as Predict does.
func (p *Predictor[T, M, P]) PredictClass(x []T) string {
	k := p.Predict(x)
	if p.Meta.Classes == nil {
		return strconv.Itoa(k)
	}
	return p.Meta.Classes[k]
}
