// Package ir lowers a validated spec to the form the code generator emits:
// every size resolved, every identifier named, the forward schedule (one
// dense step per layer) and the backward schedule derived from it by the
// chain rule, top layer first. All mathematical choices are made here, as
// expressions (Expr) or as facts named in the types: the hidden
// activations and their derivatives, what the forward pass saves for the
// backward pass, the head (its output, its numerically stable loss and the
// gradient δ = ∂L/∂z fused with it, see Head), the initialization scales
// and the chunks of the batch functions. Package gen only renders them as
// Go; a new activation or head is a change here alone.
package ir

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/spec"
)

// UnrollThreshold is the largest number of weights of a layer that
// unroll: auto lays out as straight-line code; larger layers get loops.
// It was set by measuring both forms with bench/cmd/unroll (see README).
const UnrollThreshold = 64

// Model is a network ready to emit.
type Model struct {
	Source    string // base name of the spec file
	Name      string // Go type of the model; it also holds gradients
	Package   string
	Float     spec.DType // Go element type
	Inputs    int
	Outputs   int
	NumParams int
	Seed      uint64
	Layers    []*Layer // the forward schedule, input to output
	Backward  []*Step  // the backward schedule, output to input
	Head      Head
	Names     Names
	Funcs     []*Func  // activation helpers, in first-use order
	Trained   *Trained // built-in trained parameters, or nil
	// Chunk is the number of samples TrainBatch and ForwardBatch process
	// together, layer by layer; 0 means one at a time (see chunk).
	Chunk int
	// Masks is the number of dropout keep-mask values of one sample: the
	// units of the layers with dropout.
	Masks int
}

// Names are the package-level identifiers of one model, all derived from
// its type name so that several models can share a package.
type Names struct {
	Inputs, Outputs, NumParams, Seed string // constants
	Masks                            string // constant: Model.Masks
	Trace                            string // type of the saved forward values
	Prefix                           string // of unexported names: the type name with a lower-case first letter
}

// Layer is one dense layer: z = W·a + b, a' = f(z).
type Layer struct {
	N       int    // 1-based position; layer N reads A[N-1], x for N = 1
	Line    int    // of the layer in the spec file; 0 if unknown
	In, Out int    // sizes
	W, B    string // fields of the model: weight [Out][In], bias [Out]
	// PyTorch's names of W and B ("0.weight", "0.bias"), and the index of
	// W[0][0] in the flat parameters (B follows W): runtime/model's Layout
	TorchW, TorchB string
	Offset         int
	Act            *Activation
	Unrolled       bool // straight-line code rather than loops
	Init           Init
	// Saved forward values for the backward pass: Z (pre-activation) is
	// kept only when the derivative needs it; A (output) always is, being
	// the next layer's input.
	Z, A string
	// Input is the vector this layer reads: "x", or the previous layer's
	// A, or its Dropout.H.
	Input string
	// Dropout is the layer's dropout in training, or nil.
	Dropout *Dropout
}

// Dropout is inverted dropout on a hidden layer's output, in training
// only: h = m ⊙ a, where a sample's keep-mask m holds for each unit 0 (the
// unit is dropped, with probability P) or 1/(1−P) (it is kept), so that h
// has the expected value a and inference uses a unchanged. The runtime
// draws the masks; the generated code multiplies by them, forward and
// backward: ∂L/∂a = m ⊙ ∂L/∂h.
type Dropout struct {
	P      float64
	Scale  float64 // 1/(1−P), the mask of a kept unit
	Offset int     // of the layer's mask within the masks of a sample
	// Saved for the backward pass: M the mask, H the output after
	// dropout, the next layer's input (A keeps f(z), which f' reads).
	M, H string
}

// Next returns the saved vector the layer above l reads: H after
// dropout, else A.
func (l *Layer) Next() string {
	if l.Dropout != nil {
		return l.Dropout.H
	}
	return l.A
}

// Output reports whether l is the output layer.
func (l *Layer) Output() bool { return l.Act == nil }

// Activation is a hidden layer's elementwise function f and its derivative.
type Activation struct {
	Name    spec.Activation
	Formula string // f(z) in math, for comments
	Deriv   string // f'(z) expressed through DerivOf, for comments
	DerivOf Arg    // what f' is computed from
	// Rectifier says that f(z) = max(z, 0) and f'(z) = 1 where a > 0, else
	// 0 (relu): the matrix kernels apply f to their sums, and f' as a mask.
	Rectifier bool
	Func      *Func // nil for identity
	DerivFunc *Func // nil for identity
}

// Arg is the saved value of a layer that its derivative f' reads.
type Arg int

const (
	// OfA is the layer's output a = f(z), saved anyway as the next layer's
	// input: f' reads it wherever that is exact and no dearer than z.
	OfA Arg = iota
	// OfZ is the pre-activation z, saved for f' alone.
	OfZ
)

// Var is the name of f”s parameter: a or z.
func (x Arg) Var() Var {
	if x == OfZ {
		return z
	}
	return a
}

// Func is a scalar helper function of the generated code.
type Func struct {
	Name  string
	Param Var // z, or a for a derivative read off the output
	Doc   string
	Body  Expr
}

// Init is the initial distribution of a layer's weights; biases start at 0.
type Init struct {
	Scheme spec.Init
	Normal bool    // normal with standard deviation Scale, else uniform on [−Scale, Scale]
	Scale  float64 // bound or standard deviation
	Doc    string  // the formula, for comments
}

// Step is one layer of the backward pass. Given δ = ∂L/∂z of its layer it
// accumulates ∂L/∂W = δ·aᵀ and ∂L/∂b = δ; unless it is the first layer it
// then passes δ' = (Wᵀδ) ⊙ f'(z') down to the layer below, or with
// dropout on the layer below δ' = (Wᵀδ ⊙ m) ⊙ f'(z'), a its output h.
type Step struct {
	Layer    *Layer
	Below    *Layer // nil for the first layer: nothing to pass down
	Delta    string // local name of δ for this layer
	Up       string // local name of δ for the layer below
	DerivArg string // saved value f' of the layer below reads: its Z or A
}

// SparseDelta reports whether the step's δ has many zeros: that of a hidden
// layer with relu, whose δ is 0 where a unit is off, or with dropout, whose δ
// is 0 where it dropped a unit.
func (s *Step) SparseDelta() bool {
	l := s.Layer
	return !l.Output() && (l.Act.Rectifier || l.Dropout != nil)
}

// SparseDeltas reports whether a step of m's backward pass has a sparse δ.
func (m *Model) SparseDeltas() bool {
	for _, s := range m.Backward {
		if s.SparseDelta() {
			return true
		}
	}
	return false
}

// Lower builds the emit-ready form of m; pkg names the package when the
// spec does not.
func Lower(m *spec.Model, pkg string) (*Model, error) {
	if m.Package != "" {
		pkg = m.Package
	}
	if err := spec.CheckPackage(pkg); err != nil {
		return nil, fmt.Errorf("package: %v", err)
	}
	// Parse has checked these; a spec.Model built by hand may not be.
	if err := spec.CheckName(m.Name); err != nil {
		return nil, fmt.Errorf("name: %v", err)
	}
	if m.DType != spec.Float32 && m.DType != spec.Float64 {
		return nil, fmt.Errorf("dtype: unknown value %q", m.DType)
	}
	if len(m.Layers) == 0 || m.Inputs < 1 {
		return nil, fmt.Errorf("the model has %d inputs and %d layers, want at least 1 of each", m.Inputs, len(m.Layers))
	}
	for i, l := range m.Layers {
		if !(l.Dropout >= 0 && l.Dropout < 1) || i == len(m.Layers)-1 && l.Dropout != 0 {
			return nil, fmt.Errorf("layer %d: dropout %g, want [0, 1) on a hidden layer and none on the output layer", i+1, l.Dropout)
		}
	}
	lower := lowerFirst(m.Name)
	out := &Model{
		Source:    SourceName(m.File),
		Name:      m.Name,
		Package:   pkg,
		Float:     m.DType,
		Inputs:    m.Inputs,
		Outputs:   m.Outputs(),
		NumParams: m.NumParams(),
		Seed:      m.Seed,
		Names: Names{
			Inputs:    m.Name + "Inputs",
			Outputs:   m.Name + "Outputs",
			NumParams: m.Name + "NumParams",
			Seed:      m.Name + "Seed",
			Masks:     m.Name + "Masks",
			Trace:     m.Name + "Trace",
			Prefix:    lower,
		},
	}
	funcs := map[string]*Func{}
	use := func(f *Func) *Func {
		if f == nil {
			return nil
		}
		f.Name = lower + f.Name
		if g, ok := funcs[f.Name]; ok {
			return g
		}
		funcs[f.Name] = f
		out.Funcs = append(out.Funcs, f)
		return f
	}
	widths := []int{m.Inputs}
	for _, sl := range m.Layers {
		widths = append(widths, sl.Units)
	}
	layout := model.Layout(widths)
	in, input := m.Inputs, "x"
	for i, sl := range m.Layers {
		w, b := layout[2*i], layout[2*i+1]
		l := &Layer{
			N: i + 1, Line: sl.Pos.Line, In: in, Out: sl.Units,
			W: fmt.Sprintf("W%d", i+1), B: fmt.Sprintf("B%d", i+1),
			TorchW: w.Name, TorchB: b.Name, Offset: w.Offset,
			Unrolled: sl.Unroll == spec.Full || sl.Unroll == spec.Auto && in*sl.Units <= UnrollThreshold,
			Init:     initOf(sl.Init, in, sl.Units),
			A:        fmt.Sprintf("A%d", i+1),
			Input:    input,
		}
		if i < len(m.Layers)-1 {
			l.Act = activation(sl.Activation, sl.Alpha)
			l.Act.Func, l.Act.DerivFunc = use(l.Act.Func), use(l.Act.DerivFunc)
			if l.Act.DerivOf == OfZ {
				l.Z = fmt.Sprintf("Z%d", i+1)
			}
			if p := sl.Dropout; p > 0 {
				l.Dropout = &Dropout{P: p, Scale: 1 / (1 - p), Offset: out.Masks,
					M: fmt.Sprintf("M%d", i+1), H: fmt.Sprintf("H%d", i+1)}
				out.Masks += sl.Units
			}
		} else {
			l.Z, l.A = fmt.Sprintf("Z%d", i+1), "Y"
		}
		out.Layers = append(out.Layers, l)
		in, input = sl.Units, "s."+l.Next()
	}
	out.Chunk = chunk(out)
	out.Head = head(m.Head(), m.Loss, m.Outputs())
	out.Head.weigh()
	out.Head.useFuncs(use)
	for i := len(out.Layers) - 1; i >= 0; i-- {
		st := &Step{Layer: out.Layers[i], Delta: fmt.Sprintf("d%d", i+1)}
		if i > 0 {
			st.Below = out.Layers[i-1]
			st.Up = fmt.Sprintf("d%d", i)
			st.DerivArg = st.Below.A
			if st.Below.Act.DerivOf == OfZ {
				st.DerivArg = st.Below.Z
			}
		}
		out.Backward = append(out.Backward, st)
	}
	return out, nil
}

// SourceName returns the base name of the spec file at path as the
// generated code's comments show it: unchanged when it is printable text
// that cannot end or open a comment, and otherwise as a Go string literal
// in ASCII with '*' and '`' escaped too, so that no file name can inject
// code or break the "Code generated ... DO NOT EDIT." line.
func SourceName(path string) string {
	base := filepath.Base(path)
	if safeInComment(base) {
		return base
	}
	return strings.NewReplacer("*", `\x2a`, "`", `\x60`).Replace(strconv.QuoteToASCII(base))
}

// safeInComment reports whether s is valid UTF-8 of printable characters
// (no control, format or line-separator characters, and of the spaces
// only ' ') without '`', "/*" or "*/".
func safeInComment(s string) bool {
	if !utf8.ValidString(s) || strings.Contains(s, "/*") || strings.Contains(s, "*/") {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || r == '`' {
			return false
		}
	}
	return true
}

func initOf(s spec.Init, in, out int) Init {
	switch s {
	case spec.HeNormal:
		return Init{s, true, math.Sqrt(2 / float64(in)), fmt.Sprintf("He normal: N(0, σ²), σ = √(2/fan_in) = √(2/%d)", in)}
	case spec.XavierUniform:
		return Init{s, false, math.Sqrt(6 / float64(in+out)), fmt.Sprintf("Xavier uniform: U(−b, b), b = √(6/(fan_in+fan_out)) = √(6/%d)", in+out)}
	case spec.XavierNormal:
		return Init{s, true, math.Sqrt(2 / float64(in+out)), fmt.Sprintf("Xavier normal: N(0, σ²), σ = √(2/(fan_in+fan_out)) = √(2/%d)", in+out)}
	}
	return Init{spec.HeUniform, false, math.Sqrt(6 / float64(in)), fmt.Sprintf("He uniform: U(−b, b), b = √(6/fan_in) = √(6/%d)", in)}
}

// lowerFirst makes an exported name unexported: Iris → iris.
func lowerFirst(name string) string { return strings.ToLower(name[:1]) + name[1:] }
