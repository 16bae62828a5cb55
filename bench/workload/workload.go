// Package workload describes the four benchmark workloads of the shared
// benchmark README and loads their data: their names, layer widths, the
// FLOPs per sample that GFLOP/s figures are computed from, and the data sets.
package workload

import (
	"fmt"
	"math/rand/v2"

	benchdata "github.com/nngen/nngen/bench/data"
	"github.com/nngen/nngen/runtime/data"
)

// Workload is one benchmark workload.
type Workload struct {
	Name   string // as reported: tiny, digits, mnist-shaped, wide
	Ref    string // the C reference's name: W1 … W4
	Dir    string // the folder of its generated package under bench/
	Dtype  string // float32 or float64
	Widths []int  // inputs, then the units of each layer
	// TrainN is the number of training samples an epoch of train_sgd
	// visits; 0 means the whole training set.
	TrainN int
}

// The workloads, in the order of the shared README.
var (
	Tiny   = Workload{Name: "tiny", Ref: "W1", Dir: "tiny", Dtype: "float64", Widths: []int{4, 16, 3}}
	Digits = Workload{Name: "digits", Ref: "W2", Dir: "digits", Dtype: "float32", Widths: []int{64, 64, 32, 10}}
	Mnist  = Workload{Name: "mnist-shaped", Ref: "W3", Dir: "mnist", Dtype: "float32", Widths: []int{784, 128, 64, 10}}
	Wide   = Workload{Name: "wide", Ref: "W4", Dir: "wide", Dtype: "float32", Widths: []int{784, 512, 512, 10}, TrainN: 2048}

	All = []Workload{Tiny, Digits, Mnist, Wide}
)

// SyntheticN is the number of synthetic samples of mnist-shaped and wide.
const SyntheticN = 8192

// ByRef returns the workload the C reference calls ref (W1 … W4).
func ByRef(ref string) (Workload, bool) {
	for _, w := range All {
		if w.Ref == ref {
			return w, true
		}
	}
	return Workload{}, false
}

// ByName returns the workload of the given name.
func ByName(name string) (Workload, bool) {
	for _, w := range All {
		if w.Name == name {
			return w, true
		}
	}
	return Workload{}, false
}

// ForwardFLOPs returns the FLOPs of one sample's forward pass: the sum over
// the layers of 2·in·out.
func ForwardFLOPs(widths []int) float64 {
	f := 0
	for l := 0; l+1 < len(widths); l++ {
		f += 2 * widths[l] * widths[l+1]
	}
	return float64(f)
}

// TrainFLOPs returns the FLOPs of one sample's training step: the forward
// pass, the weight gradients (as many again) and the backward input
// product of every layer but the first.
func TrainFLOPs(widths []int) float64 {
	f := 2 * ForwardFLOPs(widths)
	for l := 1; l+1 < len(widths); l++ {
		f += float64(2 * widths[l] * widths[l+1])
	}
	return f
}

// Train returns the training data of w: iris or digits from the embedded
// files, or SyntheticN synthetic samples. The CSV files are used as they
// are, without standardization: iris is standardized already and digits
// scaled to [0, 1].
func (w Workload) Train() (*data.Dataset[float64], error) {
	return w.load("train")
}

// Test returns the test data of w; the synthetic workloads have none.
func (w Workload) Test() (*data.Dataset[float64], error) {
	return w.load("test")
}

func (w Workload) load(part string) (*data.Dataset[float64], error) {
	var set string
	switch w.Name {
	case Tiny.Name:
		set = "iris"
	case Digits.Name:
		set = "digits"
	default:
		if part != "train" {
			return nil, fmt.Errorf("workload %s has no %s data", w.Name, part)
		}
		return Synthetic(SyntheticN, w.Widths[0], w.Widths[len(w.Widths)-1], 42), nil
	}
	name := set + "_" + part + ".csv"
	f, err := benchdata.FS.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	first := 0
	d, err := data.ReadCSV[float64](f, name, data.CSVOptions{NoHeader: true, TargetIndex: &first, Task: data.Classification})
	if err != nil {
		return nil, err
	}
	if d.Inputs != w.Widths[0] || d.Outputs != w.Widths[len(w.Widths)-1] {
		return nil, fmt.Errorf("%s: %d features and %d classes, workload %s wants %d and %d",
			name, d.Inputs, d.Outputs, w.Name, w.Widths[0], w.Widths[len(w.Widths)-1])
	}
	return d, nil
}

// Synthetic returns n samples of the given number of inputs, each uniform
// in [0, 1), with uniformly random labels among classes, drawn with seed.
func Synthetic(n, inputs, classes int, seed uint64) *data.Dataset[float64] {
	r := rand.New(rand.NewPCG(seed, 0))
	d := &data.Dataset[float64]{
		Task:    data.Classification,
		Inputs:  inputs,
		Outputs: classes,
		X:       make([]float64, n*inputs),
		Y:       make([]float64, n*classes),
		Labels:  make([]int, n),
		Classes: make([]string, classes),
	}
	for i := range d.X {
		d.X[i] = r.Float64()
	}
	for i := range d.Labels {
		c := r.IntN(classes)
		d.Labels[i] = c
		d.Y[i*classes+c] = 1
	}
	for c := range d.Classes {
		d.Classes[c] = fmt.Sprint(c)
	}
	return d
}

// Convert returns a copy of d with elements of type T.
func Convert[T data.Float](d *data.Dataset[float64]) *data.Dataset[T] {
	c := &data.Dataset[T]{
		Task:     d.Task,
		Inputs:   d.Inputs,
		Outputs:  d.Outputs,
		X:        make([]T, len(d.X)),
		Y:        make([]T, len(d.Y)),
		Labels:   d.Labels,
		Classes:  d.Classes,
		Features: d.Features,
		Target:   d.Target,
	}
	for i, v := range d.X {
		c.X[i] = T(v)
	}
	for i, v := range d.Y {
		c.Y[i] = T(v)
	}
	return c
}

// Head returns the first n rows of d (all of them if n is 0 or too large),
// as a view.
func Head[T data.Float](d *data.Dataset[T], n int) *data.Dataset[T] {
	if n <= 0 || n >= d.Len() {
		return d
	}
	h := *d
	h.X = d.X[:n*d.Inputs]
	h.Y = d.Y[:n*d.Outputs]
	if d.Labels != nil {
		h.Labels = d.Labels[:n]
	}
	return &h
}
