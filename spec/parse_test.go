package spec

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

const valid = `name: Iris
package: iris
dtype: float64
inputs: 4
init: xavier_normal
seed: 42
unroll: loops
layers:
  - units: 16
    activation: leaky_relu
    init: he_uniform
    unroll: full
  - units: 8
    activation: elu
    alpha: 0.5
  - units: 3
    activation: softmax
train:
  epochs: 10
  batch: 8
  lr: 0.01
  optimizer: adam
  val_split: 0.2
  target: species
`

func TestParseValid(t *testing.T) {
	m, err := Parse("iris.yaml", []byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "Iris" || m.Package != "iris" || m.DType != Float64 || m.Inputs != 4 || m.Seed != 42 {
		t.Errorf("model fields: %+v", m)
	}
	if len(m.Layers) != 3 || m.Head() != Softmax || m.Loss != CrossEntropy || m.Outputs() != 3 {
		t.Fatalf("layers: %+v, loss %s", m.Layers, m.Loss)
	}
	l0, l1, l2 := m.Layers[0], m.Layers[1], m.Layers[2]
	if l0.Alpha != 0.01 || l0.Init != HeUniform || l0.Unroll != Full || l0.Pos != (Pos{9, 5}) {
		t.Errorf("layer 1: %+v", l0)
	}
	if l1.Alpha != 0.5 || l1.Init != XavierNormal || l1.Unroll != Loops {
		t.Errorf("layer 2: %+v", l1)
	}
	if l2.Unroll != Loops || l2.Init != XavierNormal {
		t.Errorf("layer 3: %+v", l2)
	}
	if want := (Train{Epochs: 10, Batch: 8, LR: 0.01, Optimizer: "adam", ValSplit: 0.2, Target: "species"}); m.Train != want {
		t.Errorf("train = %+v, want %+v", m.Train, want)
	}
	if n := m.NumParams(); n != 4*16+16+16*8+8+8*3+3 {
		t.Errorf("NumParams = %d", n)
	}
}

func TestParseDefaults(t *testing.T) {
	m, err := Parse("s.yaml", []byte("name: M\ninputs: 2\nlayers: [{units: 1, activation: sigmoid}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m.DType != Float32 || m.Seed != 1 || m.Loss != BinaryCrossEntropy || m.Layers[0].Init != HeUniform || m.Layers[0].Unroll != Auto {
		t.Errorf("defaults: %+v", m)
	}
}

// TestParseErrors checks the message and position of each kind of bad spec.
func TestParseErrors(t *testing.T) {
	const head = "name: M\ninputs: 2\n"
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"empty", "", []string{"s.yaml: empty spec: want a mapping with name, inputs and layers"}},
		{"not a mapping", "- 1\n", []string{"s.yaml:1:1: spec: want a mapping, got a list"}},
		{"syntax", "name: [\n", []string{"s.yaml:1:1: invalid YAML: did not find expected node content"}},
		{"missing keys", "dtype: float32\n", []string{
			`s.yaml:1:1: spec: missing required key "name"`,
			`s.yaml:1:1: spec: missing required key "inputs"`,
			`s.yaml:1:1: spec: missing required key "layers"`}},
		{"unknown key", head + "layer: []\nlayers: [{units: 1, activation: identity}]\n",
			[]string{`s.yaml:3:1: spec: unknown key "layer" (known: dtype, init, inputs, layers, loss, name, package, seed, train, unroll)`}},
		{"duplicate key", head + "inputs: 3\nlayers: [{units: 1, activation: identity}]\n",
			[]string{`s.yaml:3:1: spec: duplicate key "inputs"`}},
		{"wrong type", "name: M\ninputs: four\nlayers: [{units: 1, activation: identity}]\n",
			[]string{`s.yaml:2:9: inputs: want an integer, got "four"`}},
		{"float size", "name: M\ninputs: 2.5\nlayers: [{units: 1, activation: identity}]\n",
			[]string{`s.yaml:2:9: inputs: want an integer, got "2.5"`}},
		{"size below 1", head + "layers: [{units: 0, activation: identity}]\n",
			[]string{`s.yaml:3:18: layer 1: units: 0 is out of range [1, 16384]`}},
		{"size above limit", "name: M\ninputs: 100000\nlayers: [{units: 1, activation: identity}]\n",
			[]string{`s.yaml:2:9: inputs: 100000 is out of range [1, 16384]`}},
		{"no layers", head + "layers: []\n", []string{"s.yaml:3:9: layers: want at least one layer"}},
		{"layers not a list", head + "layers: 3\n", []string{`s.yaml:3:9: layers: want a list of layers, got "3"`}},
		{"unknown activation", head + "layers:\n  - {units: 3, activation: swish}\n  - {units: 1, activation: identity}\n",
			[]string{`s.yaml:4:28: layer 1: activation: unknown value "swish" (want one of: identity, relu, leaky_relu, sigmoid, tanh, softplus, elu, gelu, silu, softmax)`}},
		{"hidden softmax", head + "layers:\n  - {units: 3, activation: softmax}\n  - {units: 1, activation: identity}\n",
			[]string{`s.yaml:4:28: layer 1: softmax is allowed only on the output layer`}},
		{"bad head", head + "layers:\n  - {units: 3, activation: relu}\n",
			[]string{`s.yaml:4:28: layer 1: the output layer's activation must be softmax, sigmoid or identity, not relu`}},
		{"softmax of one", head + "layers:\n  - {units: 1, activation: softmax}\n",
			[]string{`s.yaml:4:5: layer 1: softmax needs at least 2 units (use sigmoid for one output)`}},
		{"impossible loss", head + "layers: [{units: 2, activation: softmax}]\nloss: mse\n",
			[]string{`s.yaml:4:7: loss: mse does not pair with a softmax output layer (want cross_entropy)`}},
		{"unknown loss", head + "layers: [{units: 2, activation: softmax}]\nloss: hinge\n",
			[]string{`s.yaml:4:7: loss: unknown value "hinge" (want one of: cross_entropy, binary_cross_entropy, mse)`}},
		{"alpha on relu", head + "layers:\n  - {units: 3, activation: relu, alpha: 0.1}\n  - {units: 1, activation: identity}\n",
			[]string{`s.yaml:4:41: layer 1: alpha applies only to leaky_relu and elu`}},
		{"leaky alpha range", head + "layers:\n  - {units: 3, activation: leaky_relu, alpha: 1.5}\n  - {units: 1, activation: identity}\n",
			[]string{`s.yaml:4:47: layer 1: alpha of leaky_relu must be in (0, 1), got 1.5`}},
		{"alpha 0 in float32", head + "layers:\n  - {units: 3, activation: elu, alpha: 1e-50}\n  - {units: 1, activation: identity}\n",
			[]string{`s.yaml:4:40: layer 1: alpha 1e-50 is 0 in float32 (the smallest positive float32 is 1.4e-45)`}},
		{"negative seed", head + "seed: -1\nlayers: [{units: 1, activation: identity}]\n",
			[]string{`s.yaml:3:7: seed: want an integer in [0, 18446744073709551615], got "-1"`}},
		{"lowercase name", "name: iris\ninputs: 2\nlayers: [{units: 1, activation: identity}]\n",
			[]string{`s.yaml:1:7: name: "iris" is not an exported Go identifier (an upper-case ASCII letter, then ASCII letters and digits, at most 64)`}},
		{"name with quote", "name: 'A\"b'\ninputs: 2\nlayers: [{units: 1, activation: identity}]\n",
			[]string{`s.yaml:1:7: name: "A\"b" is not an exported Go identifier (an upper-case ASCII letter, then ASCII letters and digits, at most 64)`}},
		{"unicode look-alike", "name: Мodel\ninputs: 2\nlayers: [{units: 1, activation: identity}]\n",
			[]string{`s.yaml:1:7: name: "Мodel" is not an exported Go identifier (an upper-case ASCII letter, then ASCII letters and digits, at most 64)`}},
		{"keyword package", head + "package: func\nlayers: [{units: 1, activation: identity}]\n",
			[]string{`s.yaml:3:10: package: "func" is a Go keyword`}},
		{"package init", head + "package: init\nlayers: [{units: 1, activation: identity}]\n",
			[]string{`s.yaml:3:10: package: "init" is reserved in Go`}},
		{"bad package", head + "package: my-model\nlayers: [{units: 1, activation: identity}]\n",
			[]string{`s.yaml:3:10: package: "my-model" is not a Go package name (a lower-case ASCII letter, then lower-case letters, digits and underscores, at most 64)`}},
		{"name not a string", "name: 12\ninputs: 2\nlayers: [{units: 1, activation: identity}]\n",
			[]string{`s.yaml:1:7: name: want a string, got "12" (write "12" in quotes for the string)`}},
		{"name a YAML boolean", "name: True\ninputs: 2\nlayers: [{units: 1, activation: identity}]\n",
			[]string{`s.yaml:1:7: name: want a string, got "True" (write "True" in quotes for the string)`}},
		{"alias", head + "x: &a 1\nlayers: [{units: *a, activation: identity}]\n",
			[]string{`s.yaml:3:4: YAML anchors and aliases are not supported in specs`, `s.yaml:4:18: YAML anchors and aliases are not supported in specs`}},
		{"too many layers", head + "layers: [" + strings.Repeat("{units: 1, activation: relu}, ", 33) + "{units: 1, activation: identity}]\n",
			[]string{`s.yaml:3:9: layers: 34 layers, at most 32 are allowed`}},
		{"too many parameters", "name: M\ninputs: 16384\nlayers: [{units: 16384, activation: relu}, {units: 2, activation: softmax}]\n",
			[]string{`s.yaml:3:9: layers: the model has 268484610 parameters, at most 16777216 are allowed`}},
		{"full unroll too big", "name: M\ninputs: 100\nunroll: full\nlayers: [{units: 100, activation: relu}, {units: 2, activation: softmax}]\n",
			[]string{`s.yaml:3:9: layer 1: unroll: full allows at most 4096 weights per layer, this layer has 10000 (use auto or loops)`}},
		{"bad train", head + "layers: [{units: 1, activation: identity}]\ntrain: {epochs: -1, optimizer: rmsprop, lr: 0}\n",
			[]string{`s.yaml:4:17: train: epochs: -1 is out of range [1, 1000000]`,
				`s.yaml:4:32: train: optimizer: unknown value "rmsprop" (want one of: sgd, momentum, nesterov, adam, adamw)`,
				`s.yaml:4:45: train: lr: 0 is out of range [1e-12, 100]`}},
		{"dropout on the output layer", head + "layers:\n  - {units: 3, activation: relu, dropout: 0.5}\n  - {units: 1, activation: identity, dropout: 0.2}\n",
			[]string{`s.yaml:5:47: layer 2: dropout applies to hidden layers only: the output layer's units are the model's outputs`}},
		{"dropout range", head + "layers:\n  - {units: 3, activation: relu, dropout: 1}\n  - {units: 3, activation: relu, dropout: -0.1}\n  - {units: 3, activation: relu, dropout: half}\n  - {units: 1, activation: identity}\n",
			[]string{`s.yaml:4:43: layer 1: dropout must be in [0, 1), got 1, which drops every unit`,
				`s.yaml:5:43: layer 2: dropout: -0.1 is out of range [0, 1]`,
				`s.yaml:6:43: layer 3: dropout: want a finite number, got "half"`}},
		{"bad weight decay", head + "layers: [{units: 1, activation: identity}]\ntrain: {weight_decay: -1}\n",
			[]string{`s.yaml:4:23: train: weight_decay: -1 is out of range [0, 100]`}},
		{"bad class weights", head + "layers: [{units: 2, activation: softmax}]\ntrain:\n  class_weight: {a: 0, b: -2, c: x, a: 1, [d]: 1, \"e,f\": 1}\n",
			[]string{`s.yaml:5:21: train: class_weight: class "a": the weight must be positive, got 0`,
				`s.yaml:5:27: train: class_weight: class "b": the weight must be positive, got -2`,
				`s.yaml:5:34: train: class_weight: class "c": want a finite number, got "x"`,
				`s.yaml:5:37: train: class_weight: duplicate class "a"`,
				`s.yaml:5:43: train: class_weight: a class is a name or a number, as the target column writes it; got a list`,
				`s.yaml:5:51: train: class_weight: class "e,f": a class with a comma in its name cannot be weighed`}},
		{"class weights not a mapping", head + "layers: [{units: 2, activation: softmax}]\ntrain: {class_weight: balance}\n",
			[]string{`s.yaml:4:23: train: class_weight: want balanced or a mapping of classes to weights, got "balance"`}},
		{"class weights of no class", head + "layers: [{units: 2, activation: softmax}]\ntrain: {class_weight: {}}\n",
			[]string{`s.yaml:4:23: train: class_weight: want at least one class`}},
		{"class weights of a regression", head + "layers: [{units: 1, activation: identity}]\ntrain: {class_weight: balanced}\n",
			[]string{`s.yaml:4:23: train: class_weight: a regression model (identity head) has no classes to weigh`}},
		{"class weights of a multilabel head", head + "layers: [{units: 3, activation: sigmoid}]\ntrain: {class_weight: balanced}\n",
			[]string{`s.yaml:4:23: train: class_weight: needs one class per sample, and a head of 3 sigmoid outputs gives each sample 3 labels`}},
		{"all at once", "name: m\ndtype: half\ninputs: 0\nlayers: [{units: 2, activation: swish}]\n", []string{
			`s.yaml:1:7: name: "m" is not an exported Go identifier (an upper-case ASCII letter, then ASCII letters and digits, at most 64)`,
			`s.yaml:2:8: dtype: unknown value "half" (want one of: float32, float64)`,
			`s.yaml:3:9: inputs: 0 is out of range [1, 16384]`,
			`s.yaml:4:33: layer 1: activation: unknown value "swish" (want one of: identity, relu, leaky_relu, sigmoid, tanh, softplus, elu, gelu, silu, softmax)`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("s.yaml", []byte(tc.src))
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Parse error = %v, want an ErrorList", err)
			}
			got := strings.Split(list.Error(), "\n")
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestParseRegularization checks dropout, weight decay and class weights.
func TestParseRegularization(t *testing.T) {
	m, err := Parse("s.yaml", []byte(`name: M
inputs: 2
layers:
  - {units: 4, activation: relu, dropout: 0.25}
  - {units: 4, activation: tanh}
  - {units: 2, activation: softmax}
train:
  weight_decay: 0.001
  class_weight: {benign: 1, 1: 2.5}
`))
	if err != nil {
		t.Fatal(err)
	}
	if d := []float64{m.Layers[0].Dropout, m.Layers[1].Dropout, m.Layers[2].Dropout}; d[0] != 0.25 || d[1] != 0 || d[2] != 0 {
		t.Errorf("dropout %v, want [0.25 0 0]", d)
	}
	if wd := m.Train.WeightDecay; wd == nil || *wd != 0.001 {
		t.Errorf("weight decay %v, want 0.001", wd)
	}
	want := []NamedWeight{{"benign", 1}, {"1", 2.5}}
	if cw := m.Train.ClassWeight; cw == nil || cw.Balanced || !slices.Equal(cw.Weights, want) {
		t.Errorf("class weights %+v, want %v", cw, want)
	}
	for src, want := range map[string]*ClassWeight{
		"train: {class_weight: balanced}": {Balanced: true},
		"train: {weight_decay: 0}":        nil,
	} {
		m, err := Parse("s.yaml", []byte("name: M\ninputs: 2\nlayers: [{units: 1, activation: sigmoid}]\n"+src+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Train.ClassWeight; (got == nil) != (want == nil) || got != nil && got.Balanced != want.Balanced {
			t.Errorf("%s: class weights %+v, want %+v", src, got, want)
		}
	}
}

func TestParseTooLarge(t *testing.T) {
	_, err := Parse("big.yaml", make([]byte, MaxFileSize+1))
	if err == nil || err.Error() != "big.yaml: spec file is larger than 1048576 bytes" {
		t.Errorf("error = %v", err)
	}
}

// TestParseSeed checks that a spec takes every seed the -seed flags do.
func TestParseSeed(t *testing.T) {
	m, err := Parse("s.yaml", []byte("name: M\ninputs: 2\nseed: 18446744073709551615\nlayers: [{units: 1, activation: identity}]\n"))
	if err != nil || m.Seed != 1<<64-1 {
		t.Errorf("seed %d, error %v", m.Seed, err)
	}
}
