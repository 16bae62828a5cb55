package ir_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/spec"
)

// TestSourceName checks how spec and weights file names appear in the
// generated code's comments: unchanged when harmless, otherwise as an
// ASCII Go string literal that can neither end a line nor open or close a
// comment, and that still names the file.
func TestSourceName(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"iris.yaml", "iris.yaml"},
		{"/some/dir/iris.yaml", "iris.yaml"},
		{"my spec (v2).yaml", "my spec (v2).yaml"},
		{"modèle-ünïcode.yaml", "modèle-ünïcode.yaml"},
		{"Мodel.yaml", "Мodel.yaml"}, // a Cyrillic look-alike is printable text
		{"a*b.yaml", "a*b.yaml"},
		{"x\n*/\nfunc init() {}\n/*.yaml", "*.yaml"}, // a name holds no '/'
		{"x\nfunc init() {}\n.yaml", `"x\nfunc init() {}\n.yaml"`},
		{"x*\x00*.yaml", `"x\x2a\x00\x2a.yaml"`},
		{"evil*/x.yaml", "x.yaml"}, // a directory, dropped
		{"a*/b", "b"},
		{"quote`s.yaml", `"quote\x60s.yaml"`},
		{"tab\there.yaml", `"tab\there.yaml"`},
		{"nul\x00.yaml", `"nul\x00.yaml"`},
		{"cr\r.yaml", `"cr\r.yaml"`},
		{"ls\u2028ps\u2029.yaml", `"ls\u2028ps\u2029.yaml"`},
		{"rlo\u202egnp.yaml", `"rlo\u202egnp.yaml"`},
		{"nbsp\u00a0.yaml", `"nbsp\u00a0.yaml"`},
		{"bad\xffutf8.yaml", `"bad\xffutf8.yaml"`},
		{"é\n", `"\u00e9\n"`},
	} {
		got := ir.SourceName(tc.path)
		if got != tc.want {
			t.Errorf("SourceName(%q) = %s, want %s", tc.path, got, tc.want)
		}
		if strings.ContainsAny(got, "\n\r`") || strings.Contains(got, "*/") || strings.Contains(got, "/*") {
			t.Errorf("SourceName(%q) = %q is unsafe in a comment", tc.path, got)
		}
		if got != tc.path[strings.LastIndex(tc.path, "/")+1:] {
			// A quoted name still says which file it was.
			if u, err := strconv.Unquote(got); err != nil || u != tc.path[strings.LastIndex(tc.path, "/")+1:] {
				t.Errorf("SourceName(%q) = %s does not unquote to the name: %q, %v", tc.path, got, u, err)
			}
		}
	}
	long := strings.Repeat("n", 5000) + ".yaml"
	if got := ir.SourceName(long); got != long {
		t.Errorf("a long but harmless name changed")
	}
}

func model() *spec.Model {
	return &spec.Model{
		File: "m.yaml", Name: "M", DType: spec.Float64, Inputs: 2, Seed: 1, Loss: spec.MSE,
		Layers: []spec.Layer{{Units: 1, Activation: spec.Identity, Init: spec.HeUniform, Unroll: spec.Auto}},
	}
}

// TestLowerRejectsUnchecked checks that Lower does not trust a spec.Model
// built by hand: the names it puts into code must be identifiers.
func TestLowerRejectsUnchecked(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*spec.Model)
		pkg  string
		want string
	}{
		{"injected name", func(m *spec.Model) { m.Name = "M struct{}; func init() {}; type X" }, "p",
			`name: "M struct{}; func init() {}; type X" is not an exported Go identifier`},
		{"empty name", func(m *spec.Model) { m.Name = "" }, "p", `name: "" is not an exported Go identifier`},
		{"lower-case name", func(m *spec.Model) { m.Name = "init" }, "p", `name: "init" is not an exported Go identifier`},
		{"long name", func(m *spec.Model) { m.Name = "A" + strings.Repeat("b", 64) }, "p", "is not an exported Go identifier"},
		{"injected package", func(m *spec.Model) {}, "p\nfunc init() {}", `package: "p\nfunc init() {}" is not a Go package name`},
		{"keyword package", func(m *spec.Model) {}, "type", `package: "type" is a Go keyword`},
		{"init package", func(m *spec.Model) {}, "init", `package: "init" is reserved in Go`},
		{"package in the spec", func(m *spec.Model) { m.Package = "a b" }, "ok", `package: "a b" is not a Go package name`},
		{"dtype", func(m *spec.Model) { m.DType = "float64; var x int" }, "p", `dtype: unknown value "float64; var x int"`},
		{"no layers", func(m *spec.Model) { m.Layers = nil }, "p", "the model has 2 inputs and 0 layers"},
		{"no inputs", func(m *spec.Model) { m.Inputs = 0 }, "p", "the model has 0 inputs and 1 layers"},
		{"dropout on the output layer", func(m *spec.Model) { m.Layers[0].Dropout = 0.5 }, "p", "layer 1: dropout 0.5, want [0, 1) on a hidden layer and none on the output layer"},
		{"dropout of 1", func(m *spec.Model) {
			m.Layers = append([]spec.Layer{{Units: 2, Activation: spec.ReLU, Init: spec.HeUniform, Unroll: spec.Auto, Dropout: 1}}, m.Layers...)
		}, "p", "layer 1: dropout 1, want [0, 1)"},
	} {
		m := model()
		tc.edit(m)
		_, err := ir.Lower(m, tc.pkg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := ir.Lower(model(), "main"); err != nil {
		t.Errorf("a valid model: %v", err)
	}
}

// TestAttachTrainedNames checks the names that trained weights bring into
// the code: the weights file's, shown in comments, and the sibling file's,
// which follows //go:embed and so must be one plain file name.
func TestAttachTrainedNames(t *testing.T) {
	m, err := ir.Lower(model(), "p")
	if err != nil {
		t.Fatal(err)
	}
	params := []float64{1, 2, 3}
	if err := m.AttachTrained("w\nfunc init() {}\n.safetensors", params, nil, nil, nil, ""); err != nil {
		t.Fatal(err)
	}
	if want := `"w\nfunc init() {}\n.safetensors"`; m.Trained.Source != want {
		t.Errorf("Source = %s, want %s", m.Trained.Source, want)
	}
	// A small model's parameters are literals: the sibling file's name is
	// not used, whatever it is.
	if err := m.AttachTrained("w.safetensors", params, nil, nil, nil, "my model_weights.bin"); err != nil {
		t.Errorf("a small model with an unusable sibling name: %v", err)
	}
	big := model()
	big.Inputs = ir.MaxLiteralParams
	mb, err := ir.Lower(big, "p")
	if err != nil {
		t.Fatal(err)
	}
	bigParams := make([]float64, mb.NumParams)
	for _, blob := range []string{"model_weights.bin", "my-model.v2_weights.bin", "модель_weights.bin", "a+b=(c)_weights.bin"} {
		if err := mb.AttachTrained("w.safetensors", bigParams, nil, nil, nil, blob); err != nil {
			t.Errorf("blob %q: %v", blob, err)
		}
	}
	for _, blob := range []string{"my model_weights.bin", "x\nfunc init() {}\n//_weights.bin", "a*_weights.bin", "a[1]_weights.bin",
		`a"b_weights.bin`, "a`b_weights.bin", `a\b_weights.bin`, "a?_weights.bin", "..", "\x00_weights.bin", "\u202e_weights.bin"} {
		err := mb.AttachTrained("w.safetensors", bigParams, nil, nil, nil, blob)
		if want := strconv.Quote(blob) + " cannot be named in a //go:embed line"; err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("blob %q: error %v", blob, err)
		}
	}
}

// TestLowerDropout checks the masks' layout: one value per unit of each
// layer with dropout, in layer order, and what the layers read.
func TestLowerDropout(t *testing.T) {
	s, err := spec.Parse("s.yaml", []byte(`name: D
inputs: 3
layers:
  - {units: 4, activation: relu, dropout: 0.5}
  - {units: 5, activation: tanh, dropout: 0}
  - {units: 6, activation: gelu, dropout: 0.2}
  - {units: 2, activation: softmax}
`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := ir.Lower(s, "p")
	if err != nil {
		t.Fatal(err)
	}
	if m.Masks != 4+6 {
		t.Errorf("Masks = %d, want 10", m.Masks)
	}
	l1, l2, l3 := m.Layers[0], m.Layers[1], m.Layers[2]
	if d := l1.Dropout; d == nil || d.P != 0.5 || d.Scale != 2 || d.Offset != 0 || d.M != "M1" || d.H != "H1" {
		t.Errorf("layer 1 dropout %+v", d)
	}
	if l2.Dropout != nil {
		t.Errorf("layer 2 dropout %+v, want none for p = 0", l2.Dropout)
	}
	if d := l3.Dropout; d == nil || d.Offset != 4 || d.Scale != 1/0.8 {
		t.Errorf("layer 3 dropout %+v", d)
	}
	for i, want := range []string{"x", "s.H1", "s.A2", "s.H3"} {
		if got := m.Layers[i].Input; got != want {
			t.Errorf("layer %d reads %s, want %s", i+1, got, want)
		}
	}
	if st := m.Stats(); st.TrainValues != 3+3*4+5+4*6+2*2+1 {
		// x; a1, m1, h1 (relu); a2 (tanh); z3, a3, m3, h3 (gelu); z4, y; log-sum-exp
		t.Errorf("training keeps %d values per sample", st.TrainValues)
	}
}

// TestStatsTraining checks that training keeps more values per sample
// than inference, whatever the widths: its count holds the input too.
func TestStatsTraining(t *testing.T) {
	for _, src := range []string{
		"name: A\ninputs: 64\nlayers: [{units: 64, activation: relu}, {units: 32, activation: relu}, {units: 10, activation: softmax}]\n",
		"name: B\ninputs: 784\nlayers: [{units: 8, activation: tanh}, {units: 1, activation: sigmoid}]\n",
		"name: C\ninputs: 3\nlayers: [{units: 2, activation: identity}]\n",
	} {
		s, err := spec.Parse("s.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		m, err := ir.Lower(s, "p")
		if err != nil {
			t.Fatal(err)
		}
		if st := m.Stats(); st.TrainValues <= st.InferValues {
			t.Errorf("%s: training keeps %d values per sample, inference %d", m.Name, st.TrainValues, st.InferValues)
		}
	}
}
