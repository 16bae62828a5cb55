package spec

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"go/token"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ParseFile reads and validates the spec file at path.
func ParseFile(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(&limitReader{f, MaxFileSize + 1}); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return Parse(path, buf.Bytes())
}

type limitReader struct {
	f *os.File
	n int64
}

func (r *limitReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > r.n {
		p = p[:r.n]
	}
	n, err := r.f.Read(p)
	r.n -= int64(n)
	return n, err
}

var errTooLarge = fmt.Errorf("spec file is larger than %d bytes", MaxFileSize)

// Parse decodes and validates the spec in src; file names it in errors.
// The error, if any, is an ErrorList holding every problem found.
func Parse(file string, src []byte) (*Model, error) {
	d := &decoder{file: file}
	if len(src) > MaxFileSize {
		d.errs = append(d.errs, &Error{File: file, Msg: errTooLarge.Error()})
		return nil, d.errs
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		d.yamlError(err)
		return nil, d.errs
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		d.errorf(nil, "empty spec: want a mapping with name, inputs and layers")
		return nil, d.errs
	}
	m := d.model(doc.Content[0])
	if len(d.errs) > 0 {
		slices.SortStableFunc(d.errs, func(a, b *Error) int {
			return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
		})
		return nil, d.errs
	}
	return m, nil
}

type decoder struct {
	file string
	errs ErrorList
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	e := &Error{File: d.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Pos = Pos{n.Line, n.Column}
	}
	d.errs = append(d.errs, e)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns a YAML syntax error into a positioned Error.
func (d *decoder) yamlError(err error) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		d.errs = append(d.errs, &Error{File: d.file, Pos: Pos{line, 1}, Msg: "invalid YAML: " + m[2]})
		return
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msg = strings.Join(te.Errors, "; ")
	}
	d.errs = append(d.errs, &Error{File: d.file, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")})
}

// fields decodes the mapping n, calling the handler of each key; unknown,
// duplicate and missing required keys are errors.
func (d *decoder) fields(n *yaml.Node, what string, handlers map[string]func(*yaml.Node), required ...string) {
	if !d.kind(n, yaml.MappingNode, what, "a mapping") {
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if d.alias(k) || d.alias(v) {
			seen[k.Value] = true
			continue
		}
		h, ok := handlers[k.Value]
		switch {
		case k.Kind != yaml.ScalarNode:
			d.errorf(k, "%s: keys must be plain names", what)
		case !ok:
			d.errorf(k, "%s: unknown key %q (known: %s)", what, k.Value, knownKeys(handlers))
		case seen[k.Value]:
			d.errorf(k, "%s: duplicate key %q", what, k.Value)
		default:
			seen[k.Value] = true
			h(v)
		}
	}
	for _, r := range required {
		if !seen[r] {
			d.errorf(n, "%s: missing required key %q", what, r)
		}
	}
}

func knownKeys(handlers map[string]func(*yaml.Node)) string {
	keys := make([]string, 0, len(handlers))
	for k := range handlers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return strings.Join(keys, ", ")
}

// alias rejects YAML anchors and aliases: a spec never needs them, and
// expanding them is how small files grow into huge documents.
func (d *decoder) alias(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		d.errorf(n, "YAML anchors and aliases are not supported in specs")
		return true
	}
	return false
}

func (d *decoder) kind(n *yaml.Node, k yaml.Kind, what, want string) bool {
	if n.Kind == k {
		return true
	}
	d.errorf(n, "%s: want %s, got %s", what, want, describe(n))
	return false
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an alias"
}

func (d *decoder) scalar(n *yaml.Node, what, want string) bool {
	return d.kind(n, yaml.ScalarNode, what, want)
}

func (d *decoder) str(n *yaml.Node, what string, dst *string) {
	if d.scalar(n, what, "a string") {
		if n.Tag != "!!str" {
			d.errorf(n, "%s: want a string, got %s", what, describe(n))
			return
		}
		*dst = n.Value
	}
}

// choice decodes a string that must be one of options.
func choice[S ~string](d *decoder, n *yaml.Node, what string, options []S, dst *S) {
	var s string
	d.str(n, what, &s)
	if s == "" && n.Tag != "!!str" {
		return
	}
	if !slices.Contains(options, S(s)) {
		names := make([]string, len(options))
		for i, o := range options {
			names[i] = string(o)
		}
		d.errorf(n, "%s: unknown value %q (want one of: %s)", what, s, strings.Join(names, ", "))
		return
	}
	*dst = S(s)
}

// integer decodes an integer in [min, max].
func (d *decoder) integer(n *yaml.Node, what string, min, max int, dst *int) {
	if !d.scalar(n, what, "an integer") {
		return
	}
	v, err := strconv.ParseInt(n.Value, 0, 64)
	if n.Tag != "!!int" || err != nil {
		d.errorf(n, "%s: want an integer, got %s", what, describe(n))
		return
	}
	if v < int64(min) || v > int64(max) {
		d.errorf(n, "%s: %d is out of range [%d, %d]", what, v, min, max)
		return
	}
	*dst = int(v)
}

// number decodes a finite number in [min, max].
func (d *decoder) number(n *yaml.Node, what string, min, max float64, dst *float64) {
	if !d.scalar(n, what, "a number") {
		return
	}
	v, err := strconv.ParseFloat(n.Value, 64)
	if (n.Tag != "!!float" && n.Tag != "!!int") || err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		d.errorf(n, "%s: want a finite number, got %s", what, describe(n))
		return
	}
	if v < min || v > max {
		d.errorf(n, "%s: %g is out of range [%g, %g]", what, v, min, max)
		return
	}
	*dst = v
}

var (
	typeName    = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	packageName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// model decodes the top-level mapping and checks what spans several keys.
func (d *decoder) model(n *yaml.Node) *Model {
	m := &Model{File: d.file, DType: Float32, Seed: 1}
	var (
		init                         = HeUniform
		unroll                       = Auto
		layersNode, lossNode, unNode *yaml.Node
		loss                         Loss
		layerNodes                   []*yaml.Node
	)
	d.fields(n, "spec", map[string]func(*yaml.Node){
		"name": func(v *yaml.Node) {
			d.str(v, "name", &m.Name)
			if v.Tag == "!!str" && !typeName.MatchString(m.Name) || len(m.Name) > MaxNameLength {
				d.errorf(v, "name: %q is not an exported Go identifier (an upper-case ASCII letter, then ASCII letters and digits, at most %d)", m.Name, MaxNameLength)
			}
		},
		"package": func(v *yaml.Node) {
			d.str(v, "package", &m.Package)
			if v.Tag == "!!str" {
				if err := CheckPackage(m.Package); err != nil {
					d.errorf(v, "package: %v", err)
				}
			}
		},
		"dtype":  func(v *yaml.Node) { choice(d, v, "dtype", []DType{Float32, Float64}, &m.DType) },
		"inputs": func(v *yaml.Node) { d.integer(v, "inputs", 1, MaxUnits, &m.Inputs) },
		"init":   func(v *yaml.Node) { choice(d, v, "init", inits, &init) },
		"unroll": func(v *yaml.Node) { unNode = v; choice(d, v, "unroll", unrolls, &unroll) },
		"seed": func(v *yaml.Node) {
			var s int
			d.integer(v, "seed", 0, math.MaxInt64, &s)
			m.Seed = uint64(s)
		},
		"loss": func(v *yaml.Node) {
			lossNode = v
			choice(d, v, "loss", []Loss{CrossEntropy, BinaryCrossEntropy, MSE}, &loss)
		},
		"layers": func(v *yaml.Node) {
			layersNode = v
			if d.kind(v, yaml.SequenceNode, "layers", "a list of layers") {
				layerNodes = v.Content
			}
		},
		"train": func(v *yaml.Node) { d.train(v, &m.Train) },
	}, "name", "inputs", "layers")

	if layersNode != nil && len(layerNodes) == 0 && layersNode.Kind == yaml.SequenceNode {
		d.errorf(layersNode, "layers: want at least one layer")
	}
	if len(layerNodes) > MaxLayers {
		d.errorf(layersNode, "layers: %d layers, at most %d are allowed", len(layerNodes), MaxLayers)
		return m
	}
	for i, ln := range layerNodes {
		m.Layers = append(m.Layers, d.layer(ln, i, i == len(layerNodes)-1, init, unroll))
	}
	if len(m.Layers) == 0 {
		return m
	}

	head := m.Head()
	if loss == "" {
		m.Loss = LossFor[head]
	} else if m.Loss = loss; LossFor[head] != "" && LossFor[head] != loss {
		d.errorf(lossNode, "loss: %s does not pair with a %s output layer (want %s)", loss, head, LossFor[head])
	}
	if p := m.NumParams(); p > MaxParams {
		d.errorf(layersNode, "layers: the model has %d parameters, at most %d are allowed", p, MaxParams)
	}
	in := m.Inputs
	for i, l := range m.Layers {
		if l.Unroll == Full && in*l.Units > MaxFullUnroll {
			at := layerNodes[i]
			if unNode != nil && unroll == Full {
				at = unNode
			}
			d.errorf(at, "layer %d: unroll: full allows at most %d weights per layer, this layer has %d (use auto or loops)", i+1, MaxFullUnroll, in*l.Units)
		}
		in = l.Units
	}
	return m
}

var (
	inits   = []Init{HeUniform, HeNormal, XavierUniform, XavierNormal}
	unrolls = []Unroll{Auto, Full, Loops}
)

// layer decodes one entry of layers; init and unroll are the model's defaults.
func (d *decoder) layer(n *yaml.Node, i int, last bool, init Init, unroll Unroll) Layer {
	l := Layer{Pos: Pos{n.Line, n.Column}, Init: init, Unroll: unroll}
	what := fmt.Sprintf("layer %d", i+1)
	var actNode, alphaNode *yaml.Node
	d.fields(n, what, map[string]func(*yaml.Node){
		"units": func(v *yaml.Node) { d.integer(v, what+": units", 1, MaxUnits, &l.Units) },
		"activation": func(v *yaml.Node) {
			actNode = v
			all := append(slices.Clone(Hidden), Softmax)
			choice(d, v, what+": activation", all, &l.Activation)
		},
		"alpha":  func(v *yaml.Node) { alphaNode = v; d.number(v, what+": alpha", 0, 100, &l.Alpha) },
		"init":   func(v *yaml.Node) { choice(d, v, what+": init", inits, &l.Init) },
		"unroll": func(v *yaml.Node) { choice(d, v, what+": unroll", unrolls, &l.Unroll) },
	}, "units", "activation")
	if l.Activation == "" {
		return l
	}
	switch {
	case last && !slices.Contains(Heads, l.Activation):
		d.errorf(actNode, "%s: the output layer's activation must be softmax, sigmoid or identity, not %s", what, l.Activation)
	case !last && l.Activation == Softmax:
		d.errorf(actNode, "%s: softmax is allowed only on the output layer", what)
	case last && l.Activation == Softmax && l.Units == 1:
		d.errorf(n, "%s: softmax needs at least 2 units (use sigmoid for one output)", what)
	}
	switch l.Activation {
	case LeakyReLU:
		if alphaNode == nil {
			l.Alpha = 0.01
		} else if l.Alpha <= 0 || l.Alpha >= 1 {
			d.errorf(alphaNode, "%s: alpha of leaky_relu must be in (0, 1), got %g", what, l.Alpha)
		}
	case ELU:
		if alphaNode == nil {
			l.Alpha = 1
		} else if l.Alpha <= 0 {
			d.errorf(alphaNode, "%s: alpha of elu must be positive, got %g", what, l.Alpha)
		}
	default:
		if alphaNode != nil {
			d.errorf(alphaNode, "%s: alpha applies only to leaky_relu and elu", what)
		}
	}
	return l
}

// train decodes the optional training defaults.
func (d *decoder) train(n *yaml.Node, t *Train) {
	d.fields(n, "train", map[string]func(*yaml.Node){
		"epochs":    func(v *yaml.Node) { d.integer(v, "train: epochs", 1, 1_000_000, &t.Epochs) },
		"batch":     func(v *yaml.Node) { d.integer(v, "train: batch", 1, 1<<20, &t.Batch) },
		"lr":        func(v *yaml.Node) { d.number(v, "train: lr", 1e-12, 100, &t.LR) },
		"val_split": func(v *yaml.Node) { d.number(v, "train: val_split", 0, 0.9, &t.ValSplit) },
		"target":    func(v *yaml.Node) { d.str(v, "train: target", &t.Target) },
		"optimizer": func(v *yaml.Node) {
			choice(d, v, "train: optimizer", Optimizers, &t.Optimizer)
		},
	})
}

// Optimizers lists the optimizer names a spec and the CLI accept.
var Optimizers = []string{"sgd", "momentum", "nesterov", "adam", "adamw"}

// CheckPackage reports whether name can be the package of generated code.
func CheckPackage(name string) error {
	switch {
	case !packageName.MatchString(name) || len(name) > MaxNameLength:
		return fmt.Errorf("%q is not a Go package name (a lower-case ASCII letter, then lower-case letters, digits and underscores, at most %d)", name, MaxNameLength)
	case token.IsKeyword(name):
		return fmt.Errorf("%q is a Go keyword", name)
	case name == "init":
		return fmt.Errorf("%q is reserved in Go", name)
	}
	return nil
}
