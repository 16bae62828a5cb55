package spec_test

import (
	"errors"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/spec"
)

// FuzzParse feeds arbitrary bytes to Parse. It must never panic; a spec it
// rejects must come with a non-empty ErrorList, in file order, whose every
// entry names the file and has either a position inside the file or one
// of the few file-level messages; a spec it accepts must satisfy every
// documented rule and lower to the intermediate form.
//
// The seed corpus is testdata/fuzz/FuzzParse; run it longer with
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 1m ./spec
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, src []byte) {
		m, err := spec.Parse("f.yaml", src)
		if err != nil {
			if m != nil {
				t.Fatalf("Parse returned a model and the error %v", err)
			}
			CheckErrorList(t, "f.yaml", src, err)
			return
		}
		CheckModel(t, m)
	})
}

// fileLevel are the messages of errors that have no position: they are
// about the file as a whole.
var fileLevel = regexp.MustCompile(`^(empty spec: |spec file is larger than |too many errors: )`)

// CheckErrorList checks the error of a rejected spec src read from file.
func CheckErrorList(t *testing.T, file string, src []byte, err error) {
	t.Helper()
	list, ok := err.(spec.ErrorList)
	if !ok {
		t.Fatalf("error %T %q is not a spec.ErrorList", err, err)
	}
	if len(list) == 0 || len(list) > spec.MaxErrors+1 {
		t.Fatalf("ErrorList of %d entries", len(list))
	}
	var el spec.ErrorList
	if !errors.As(err, &el) {
		t.Fatal("errors.As does not find the ErrorList")
	}
	lines := yamlLines(src)
	var prev spec.Pos
	for i, e := range list {
		if e == nil {
			t.Fatalf("entry %d is nil", i)
		}
		if e.File != file {
			t.Errorf("entry %d names file %q, want %q", i, e.File, file)
		}
		if e.Msg == "" || strings.ContainsAny(e.Msg, "\n\r") {
			t.Errorf("entry %d: message %q is empty or spans lines", i, e.Msg)
		}
		switch p := e.Pos; {
		case p == spec.Pos{}:
			if !fileLevel.MatchString(e.Msg) {
				t.Errorf("entry %d has no position and is not a file-level message: %q", i, e.Msg)
			}
			continue
		case p.Line < 1 || p.Col < 1 || p.Line > lines:
			t.Errorf("entry %d: position %d:%d outside the file's %d lines: %s", i, p.Line, p.Col, lines, e.Msg)
		case p.Line < prev.Line || p.Line == prev.Line && p.Col < prev.Col:
			t.Errorf("entry %d at %d:%d comes after one at %d:%d", i, p.Line, p.Col, prev.Line, prev.Col)
		}
		prev = e.Pos
	}
	if s := err.Error(); strings.Count(s, "\n") != len(list)-1 {
		t.Errorf("Error() has %d lines for %d errors", strings.Count(s, "\n")+1, len(list))
	}
}

// yamlLines counts the lines of src as YAML does: CR LF, CR, LF, NEL, LS
// and PS all end a line.
func yamlLines(src []byte) int {
	s := string(src)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return 1 + strings.Count(s, "\n") + strings.Count(s, "\r") + strings.Count(s, "\u0085") + strings.Count(s, "\u2028") + strings.Count(s, "\u2029")
}

var (
	typeName    = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	inits       = []spec.Init{spec.HeUniform, spec.HeNormal, spec.XavierUniform, spec.XavierNormal}
	unrolls     = []spec.Unroll{spec.Full, spec.Loops, spec.Auto}
	optimizers  = append(slices.Clone(spec.Optimizers), "")
	bothDTypes  = []spec.DType{spec.Float32, spec.Float64}
	allowedActs = append(slices.Clone(spec.Hidden), spec.Softmax)
)

// CheckModel checks that an accepted spec keeps every rule of the spec
// format, and that it lowers.
func CheckModel(t *testing.T, m *spec.Model) {
	t.Helper()
	if !typeName.MatchString(m.Name) || len(m.Name) > spec.MaxNameLength {
		t.Errorf("accepted name %q", m.Name)
	}
	if m.Package != "" {
		if err := spec.CheckPackage(m.Package); err != nil {
			t.Errorf("accepted package: %v", err)
		}
	}
	if !slices.Contains(bothDTypes, m.DType) {
		t.Errorf("accepted dtype %q", m.DType)
	}
	if m.Inputs < 1 || m.Inputs > spec.MaxUnits {
		t.Errorf("accepted %d inputs", m.Inputs)
	}
	if len(m.Layers) < 1 || len(m.Layers) > spec.MaxLayers {
		t.Fatalf("accepted %d layers", len(m.Layers))
	}
	in := m.Inputs
	for i, l := range m.Layers {
		last := i == len(m.Layers)-1
		switch {
		case l.Units < 1 || l.Units > spec.MaxUnits:
			t.Errorf("layer %d: accepted %d units", i+1, l.Units)
		case !slices.Contains(allowedActs, l.Activation):
			t.Errorf("layer %d: accepted activation %q", i+1, l.Activation)
		case last && !slices.Contains(spec.Heads, l.Activation):
			t.Errorf("accepted output activation %q", l.Activation)
		case !last && l.Activation == spec.Softmax:
			t.Errorf("layer %d: accepted a hidden softmax", i+1)
		case last && l.Activation == spec.Softmax && l.Units < 2:
			t.Errorf("accepted a softmax of one unit")
		case l.Activation == spec.LeakyReLU && !(l.Alpha > 0 && l.Alpha < 1):
			t.Errorf("layer %d: accepted leaky_relu alpha %g", i+1, l.Alpha)
		case l.Activation == spec.ELU && !(l.Alpha > 0 && l.Alpha <= 100):
			t.Errorf("layer %d: accepted elu alpha %g", i+1, l.Alpha)
		case l.Activation != spec.LeakyReLU && l.Activation != spec.ELU && l.Alpha != 0:
			t.Errorf("layer %d: accepted alpha %g on %s", i+1, l.Alpha, l.Activation)
		case !slices.Contains(inits, l.Init) || !slices.Contains(unrolls, l.Unroll):
			t.Errorf("layer %d: accepted init %q, unroll %q", i+1, l.Init, l.Unroll)
		case l.Unroll == spec.Full && in*l.Units > spec.MaxFullUnroll:
			t.Errorf("layer %d: accepted a full unroll of %d weights", i+1, in*l.Units)
		case !(l.Dropout >= 0 && l.Dropout < 1) || last && l.Dropout != 0:
			t.Errorf("layer %d: accepted dropout %g", i+1, l.Dropout)
		case l.Pos.Line < 1 || l.Pos.Col < 1:
			t.Errorf("layer %d: position %v", i+1, l.Pos)
		}
		in = l.Units
	}
	if m.Loss != spec.LossFor[m.Head()] {
		t.Errorf("accepted loss %q for a %s head", m.Loss, m.Head())
	}
	if p := m.NumParams(); p > spec.MaxParams {
		t.Errorf("accepted %d parameters", p)
	}
	tr := m.Train
	if tr.Epochs < 0 || tr.Batch < 0 || tr.LR < 0 || tr.ValSplit < 0 || tr.ValSplit > 0.9 || !slices.Contains(optimizers, tr.Optimizer) {
		t.Errorf("accepted train section %+v", tr)
	}
	if wd := tr.WeightDecay; wd != nil && !(*wd >= 0 && *wd <= 100) {
		t.Errorf("accepted weight decay %g", *wd)
	}
	if cw := tr.ClassWeight; cw != nil {
		if m.Head() == spec.Identity || m.Head() == spec.Sigmoid && m.Outputs() > 1 {
			t.Errorf("accepted class weights for %d %s outputs", m.Outputs(), m.Head())
		}
		for _, w := range cw.Weights {
			if !(w.Weight > 0 && w.Weight <= math.MaxFloat64) {
				t.Errorf("accepted the weight %g of class %q", w.Weight, w.Class)
			}
		}
	}
	if _, err := ir.Lower(m, "model"); err != nil {
		t.Errorf("an accepted spec does not lower: %v", err)
	}
}
