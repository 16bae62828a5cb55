package spec

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"go/token"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/optim"
)

// ParseFile reads and validates the spec file at path. It reads at most
// MaxFileSize bytes: a larger file is an error without being read whole.
func ParseFile(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(&limitReader{f, MaxFileSize + 1}); err != nil {
		if err == errTooLarge {
			return nil, ErrorList{{File: path, Msg: err.Error()}}
		}
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
// The error, if any, is an ErrorList holding every problem found (at most
// MaxErrors of them), each with its position, in file order.
//
// Parse is safe on any input: it reads at most MaxFileSize bytes, rejects
// YAML anchors and aliases (so nothing is expanded), lists and mappings
// nested deeper than MaxDepth, more than one YAML document, invalid UTF-8
// and the control characters YAML forbids.
func Parse(file string, src []byte) (*Model, error) {
	d := &decoder{file: file, src: src}
	if len(src) > MaxFileSize {
		d.errs = append(d.errs, &Error{File: file, Msg: errTooLarge.Error()})
		return nil, d.errs
	}
	if !d.text(src) {
		return nil, d.errs
	}
	doc, err := decodeYAML(src)
	if err != nil {
		d.yamlError(err, src)
		return nil, d.list()
	}
	if doc == nil || len(doc.Content) == 0 {
		d.errorf(nil, "empty spec: want a mapping with name, inputs and layers")
		return nil, d.errs
	}
	if !d.structure(doc) {
		return nil, d.list()
	}
	m := d.model(doc.Content[0])
	if len(d.errs) > 0 {
		return nil, d.list()
	}
	return m, nil
}

// list returns the errors in file order, at most MaxErrors of them, then
// the count of those left out. A position past the end of the file, where
// the YAML library places what it misses at the end, becomes the end.
func (d *decoder) list() ErrorList {
	end := posOf(d.src, len(d.src))
	for _, e := range d.errs {
		if e.Pos.Line > end.Line || e.Pos.Line == end.Line && e.Pos.Col > end.Col {
			e.Pos = end
		}
	}
	slices.SortStableFunc(d.errs, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
	})
	if n := len(d.errs) - MaxErrors; n > 0 {
		d.errs = append(d.errs[:MaxErrors:MaxErrors], &Error{File: d.file, Msg: fmt.Sprintf("too many errors: %d more not shown", n)})
	}
	return d.errs
}

// decodeYAML parses the one YAML document of src. It returns nil for a
// stream without a document (empty, or only comments). The YAML library
// does not expand aliases into a yaml.Node, so nothing here grows beyond
// the size of src; its own limit on nesting (10000 levels) bounds its
// recursion.
func decodeYAML(src []byte) (doc *yaml.Node, err error) {
	defer func() {
		// The YAML library turns its own failures into errors; anything
		// else escaping it is a bug there, reported as a bad spec rather
		// than a crash of nngen.
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("yaml: the YAML parser failed on this input: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var first yaml.Node
	if err := dec.Decode(&first); err == io.EOF {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == io.EOF:
		return &first, nil
	case err != nil:
		return nil, err
	}
	return nil, &extraDocument{Pos{next.Line, max(next.Column, 1)}}
}

// extraDocument reports a second YAML document in a spec file.
type extraDocument struct{ pos Pos }

func (e *extraDocument) Error() string { return "a spec is one YAML document; another starts here" }

type decoder struct {
	file string
	src  []byte
	errs ErrorList
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	e := &Error{File: d.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Pos = Pos{n.Line, n.Column}
	}
	d.errs = append(d.errs, e)
}

func (d *decoder) errorAt(p Pos, format string, args ...any) {
	d.errs = append(d.errs, &Error{File: d.file, Pos: p, Msg: fmt.Sprintf(format, args...)})
}

// text checks that src is text that YAML accepts: valid UTF-8 without
// control characters other than tab, line feed, carriage return and NEL.
// (The YAML library reports these without a position.) A UTF-16 stream,
// told by its byte order mark, is left to the YAML library.
func (d *decoder) text(src []byte) bool {
	if bytes.HasPrefix(src, []byte{0xff, 0xfe}) || bytes.HasPrefix(src, []byte{0xfe, 0xff}) {
		return true
	}
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			d.errorAt(posOf(src, i), "invalid YAML: the file is not valid UTF-8 (byte 0x%02x)", src[i])
			return false
		case !yamlChar(r):
			d.errorAt(posOf(src, i), "invalid YAML: control character %U is not allowed", r)
			return false
		}
		i += size
	}
	return true
}

// yamlChar reports whether YAML allows r in a stream.
func yamlChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		return true
	case r >= 0x20 && r <= 0x7e, r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000 && r <= 0x10ffff:
		return true
	}
	return false
}

// posOf returns the position of byte offset off of src as YAML counts
// lines and columns: lines end at LF, CR, CR LF, NEL, LS and PS, and
// columns count characters, from 1.
func posOf(src []byte, off int) Pos {
	p := Pos{1, 1}
	for i := 0; i < off && i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == '\r' && i+1 < len(src) && src[i+1] == '\n':
			size = 2
			fallthrough
		case r == '\n' || r == '\r' || r == 0x85 || r == 0x2028 || r == 0x2029:
			p = Pos{p.Line + 1, 1}
		default:
			p.Col++
		}
		i += size
	}
	return p
}

var (
	yamlLine      = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	unknownAnchor = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
	maxDepth      = regexp.MustCompile(`exceeded max depth of \d+$`)
)

// yamlError turns an error of the YAML library into a positioned Error.
// The library gives lines but no columns, and no line at all for
// problems on the first line, for unknown aliases and for nesting beyond
// its own limit.
func (d *decoder) yamlError(err error, src []byte) {
	var extra *extraDocument
	if errors.As(err, &extra) {
		d.errorAt(extra.pos, "%s", extra.Error())
		return
	}
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msg = "yaml: " + strings.Join(te.Errors, "; ")
	}
	pos := Pos{1, 1}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		pos.Line = max(line, 1)
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	switch {
	case maxDepth.MatchString(msg):
		if p, ok := deepestFlow(src); ok {
			pos = p
		}
		d.errorAt(pos, "%s", depthMessage)
	case unknownAnchor.MatchString("yaml: " + msg):
		name := unknownAnchor.FindStringSubmatch("yaml: " + msg)[1]
		if i := bytes.Index(src, []byte("*"+name)); i >= 0 {
			pos = posOf(src, i)
		}
		d.errorAt(pos, "%s", aliasMessage)
	default:
		d.errorAt(pos, "invalid YAML: %s", strings.ReplaceAll(msg, "\n", " "))
	}
}

var depthMessage = fmt.Sprintf("lists and mappings are nested deeper than %d levels (a spec needs 3)", MaxDepth)

const aliasMessage = "YAML anchors and aliases are not supported in specs"

// deepestFlow finds where brackets first open more than MaxDepth levels,
// ignoring quoted text and comments only roughly: it places the error of
// a stream that the YAML library found nested beyond its limit.
func deepestFlow(src []byte) (Pos, bool) {
	depth := 0
	var quote byte
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '[' || c == '{':
			if depth++; depth > MaxDepth {
				return posOf(src, i), true
			}
		case c == ']' || c == '}':
			depth = max(depth-1, 0)
		}
	}
	return Pos{}, false
}

// structure checks the shape of the YAML tree before its content: no
// anchors or aliases anywhere (a spec never needs them, and expanding
// them is how small files grow into huge documents) and lists and
// mappings nested at most MaxDepth levels deep. It walks the tree without
// recursion.
func (d *decoder) structure(doc *yaml.Node) bool {
	type item struct {
		n     *yaml.Node
		depth int
	}
	ok := true
	stack := []item{{doc, 0}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n, depth := it.n, it.depth
		if n.Kind == yaml.AliasNode || n.Anchor != "" {
			d.errorf(n, aliasMessage)
			ok = false
			continue
		}
		if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
			if depth++; depth > MaxDepth {
				d.errorf(n, "%s", depthMessage)
				return false
			}
		}
		for i := len(n.Content) - 1; i >= 0; i-- {
			stack = append(stack, item{n.Content[i], depth})
		}
	}
	return ok
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
		h, ok := handlers[k.Value]
		switch {
		case k.Kind != yaml.ScalarNode:
			d.errorf(k, "%s: keys must be plain names", what)
		case !ok:
			d.errorf(k, "%s: unknown key %s (known: %s)", what, quote(k.Value), knownKeys(handlers))
		case seen[k.Value]:
			d.errorf(k, "%s: duplicate key %s", what, quote(k.Value))
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

// quote quotes s for a message, shortened to its first 64 characters.
func quote(s string) string {
	const n = 64
	if utf8.RuneCountInString(s) <= n {
		return strconv.Quote(s)
	}
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return strconv.Quote(s[:i]) + "…"
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
		return quote(n.Value)
	}
	return "an alias"
}

func (d *decoder) scalar(n *yaml.Node, what, want string) bool {
	return d.kind(n, yaml.ScalarNode, what, want)
}

func (d *decoder) str(n *yaml.Node, what string, dst *string) {
	if d.scalar(n, what, "a string") {
		if n.Tag != "!!str" {
			hint := ""
			if n.Value != "" && n.Style == 0 {
				hint = fmt.Sprintf(" (write %s in quotes for the string)", quote(n.Value))
			}
			d.errorf(n, "%s: want a string, got %s%s", what, describe(n), hint)
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
		d.errorf(n, "%s: unknown value %s (want one of: %s)", what, quote(s), strings.Join(names, ", "))
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

// boolean decodes true or false.
func (d *decoder) boolean(n *yaml.Node, what string, dst *bool) {
	if !d.scalar(n, what, "true or false") {
		return
	}
	v, err := strconv.ParseBool(n.Value)
	if n.Tag != "!!bool" || err != nil {
		d.errorf(n, "%s: want true or false, got %s", what, describe(n))
		return
	}
	*dst = v
}

// seed decodes a seed: any integer that fits in 64 bits unsigned, as
// the -seed flags take.
func (d *decoder) seed(n *yaml.Node, dst *uint64) {
	if !d.scalar(n, "seed", "an integer") {
		return
	}
	v, err := strconv.ParseUint(n.Value, 0, 64)
	if n.Tag != "!!int" || err != nil {
		d.errorf(n, "seed: want an integer in [0, %d], got %s", uint64(math.MaxUint64), describe(n))
		return
	}
	*dst = v
}

// number decodes a finite number in [min, max] and reports whether it
// could.
func (d *decoder) number(n *yaml.Node, what string, min, max float64, dst *float64) bool {
	if !d.scalar(n, what, "a number") {
		return false
	}
	v, err := strconv.ParseFloat(n.Value, 64)
	if (n.Tag != "!!float" && n.Tag != "!!int") || err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		d.errorf(n, "%s: want a finite number, got %s", what, describe(n))
		return false
	}
	if v < min || v > max {
		d.errorf(n, "%s: %g is out of range [%g, %g]", what, v, min, max)
		return false
	}
	*dst = v
	return true
}

var (
	typeName    = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	packageName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// model decodes the top-level mapping and checks what spans several keys.
func (d *decoder) model(n *yaml.Node) *Model {
	m := &Model{File: d.file, DType: Float32, Seed: 1}
	var (
		init                                 = HeUniform
		unroll                               = Auto
		layersNode, lossNode, unNode, cwNode *yaml.Node
		loss                                 Loss
		layerNodes                           []*yaml.Node
	)
	d.fields(n, "spec", map[string]func(*yaml.Node){
		"name": func(v *yaml.Node) {
			d.str(v, "name", &m.Name)
			if v.Tag == "!!str" {
				if err := CheckName(m.Name); err != nil {
					d.errorf(v, "name: %v", err)
				}
			}
		},
		"package": func(v *yaml.Node) {
			m.PackagePos = Pos{v.Line, v.Column}
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
		"seed":   func(v *yaml.Node) { d.seed(v, &m.Seed) },
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
		"train": func(v *yaml.Node) { cwNode = d.train(v, &m.Train) },
	}, "name", "inputs", "layers")

	if layersNode != nil && len(layerNodes) == 0 && layersNode.Kind == yaml.SequenceNode {
		d.errorf(layersNode, "layers: want at least one layer")
	}
	if len(layerNodes) > MaxLayers {
		d.errorf(layersNode, "layers: %d layers, at most %d are allowed", len(layerNodes), MaxLayers)
		return m
	}
	alphas := make([]*yaml.Node, len(layerNodes))
	for i, ln := range layerNodes {
		var l Layer
		l, alphas[i] = d.layer(ln, i, i == len(layerNodes)-1, init, unroll)
		m.Layers = append(m.Layers, l)
	}
	if len(m.Layers) == 0 {
		return m
	}
	if m.DType == Float32 {
		for i, l := range m.Layers {
			if alphas[i] != nil && l.Alpha > 0 && float32(l.Alpha) == 0 {
				d.errorf(alphas[i], "layer %d: alpha %g is 0 in float32 (the smallest positive float32 is %.2g)", i+1, l.Alpha, math.SmallestNonzeroFloat32)
			}
		}
	}

	head := m.Head()
	if loss == "" {
		m.Loss = LossFor[head]
	} else if m.Loss = loss; LossFor[head] != "" && LossFor[head] != loss {
		d.errorf(lossNode, "loss: %s does not pair with a %s output layer (want %s)", loss, head, LossFor[head])
	}
	if m.Train.ClassWeight != nil {
		if err := m.CheckClassWeights(); err != nil {
			d.errorf(cwNode, "train: class_weight: %v", err)
		}
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

// layer decodes one entry of layers; init and unroll are the model's
// defaults. It returns the node of the layer's alpha too, nil if none.
func (d *decoder) layer(n *yaml.Node, i int, last bool, init Init, unroll Unroll) (Layer, *yaml.Node) {
	l := Layer{Pos: Pos{n.Line, n.Column}, Init: init, Unroll: unroll}
	what := fmt.Sprintf("layer %d", i+1)
	var actNode, alphaNode, dropNode *yaml.Node
	alphaBad := false // alpha was given but is no number in range, which is reported
	dropBad := false  // so was dropout
	d.fields(n, what, map[string]func(*yaml.Node){
		"units": func(v *yaml.Node) { d.integer(v, what+": units", 1, MaxUnits, &l.Units) },
		"activation": func(v *yaml.Node) {
			actNode = v
			all := append(slices.Clone(Hidden), Softmax)
			choice(d, v, what+": activation", all, &l.Activation)
		},
		"alpha": func(v *yaml.Node) {
			alphaNode = v
			alphaBad = !d.number(v, what+": alpha", 0, 100, &l.Alpha)
		},
		"init":   func(v *yaml.Node) { choice(d, v, what+": init", inits, &l.Init) },
		"unroll": func(v *yaml.Node) { choice(d, v, what+": unroll", unrolls, &l.Unroll) },
		"dropout": func(v *yaml.Node) {
			dropNode = v
			dropBad = !d.number(v, what+": dropout", 0, 1, &l.Dropout)
		},
	}, "units", "activation")
	if dropNode != nil && !dropBad {
		switch {
		case last:
			d.errorf(dropNode, "%s: dropout applies to hidden layers only: the output layer's units are the model's outputs", what)
		case l.Dropout == 1:
			d.errorf(dropNode, "%s: dropout must be in [0, 1), got 1, which drops every unit", what)
		}
	}
	if l.Activation == "" {
		return l, alphaNode
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
		} else if !alphaBad && (l.Alpha <= 0 || l.Alpha >= 1) {
			d.errorf(alphaNode, "%s: alpha of leaky_relu must be in (0, 1), got %g", what, l.Alpha)
		}
	case ELU:
		if alphaNode == nil {
			l.Alpha = 1
		} else if !alphaBad && l.Alpha <= 0 {
			d.errorf(alphaNode, "%s: alpha of elu must be positive, got %g", what, l.Alpha)
		}
	default:
		if alphaNode != nil {
			d.errorf(alphaNode, "%s: alpha applies only to leaky_relu and elu", what)
		}
	}
	return l, alphaNode
}

// train decodes the optional training defaults and returns the node of
// class_weight, nil if there is none.
func (d *decoder) train(n *yaml.Node, t *Train) (classWeight *yaml.Node) {
	d.fields(n, "train", map[string]func(*yaml.Node){
		"epochs":    func(v *yaml.Node) { d.integer(v, "train: epochs", 1, 1_000_000, &t.Epochs) },
		"batch":     func(v *yaml.Node) { d.integer(v, "train: batch", 1, 1<<20, &t.Batch) },
		"lr":        func(v *yaml.Node) { d.number(v, "train: lr", 1e-12, 100, &t.LR) },
		"val_split": func(v *yaml.Node) { d.number(v, "train: val_split", 0, 0.9, &t.ValSplit) },
		"target":    func(v *yaml.Node) { d.str(v, "train: target", &t.Target) },

		"test_split":       func(v *yaml.Node) { d.number(v, "train: test_split", 0, 0.9, &t.TestSplit) },
		"schedule":         func(v *yaml.Node) { choice(d, v, "train: schedule", Schedules, &t.Schedule) },
		"warmup":           func(v *yaml.Node) { d.integer(v, "train: warmup", 0, 1_000_000, &t.Warmup) },
		"clip":             func(v *yaml.Node) { d.number(v, "train: clip", 0, math.Inf(1), &t.Clip) },
		"patience":         func(v *yaml.Node) { d.integer(v, "train: patience", 0, 1_000_000, &t.Patience) },
		"no_standardize":   func(v *yaml.Node) { d.boolean(v, "train: no_standardize", &t.NoStandardize) },
		"checkpoint_every": func(v *yaml.Node) { d.integer(v, "train: checkpoint_every", 0, 1_000_000, &t.CheckpointEvery) },
		"threads":          func(v *yaml.Node) { d.integer(v, "train: threads", 0, 4096, &t.Threads) },
		"missing":          func(v *yaml.Node) { choice(d, v, "train: missing", MissingPolicies, &t.Missing) },
		"optimizer": func(v *yaml.Node) {
			choice(d, v, "train: optimizer", Optimizers, &t.Optimizer)
		},
		"weight_decay": func(v *yaml.Node) {
			var wd float64
			if d.number(v, "train: weight_decay", 0, 100, &wd) {
				t.WeightDecay = &wd
			}
		},
		"class_weight": func(v *yaml.Node) {
			classWeight = v
			t.ClassWeight = d.classWeight(v)
		},
	})
	return classWeight
}

// classWeight decodes class_weight: balanced, or a mapping of classes to
// positive weights. It returns nil if n is neither.
func (d *decoder) classWeight(n *yaml.Node) *ClassWeight {
	const what = "train: class_weight"
	if n.Kind == yaml.ScalarNode && n.Value == "balanced" && n.Tag == "!!str" {
		return &ClassWeight{Balanced: true}
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: want balanced or a mapping of classes to weights, got %s", what, describe(n))
		return nil
	}
	if len(n.Content) == 0 {
		d.errorf(n, "%s: want at least one class", what)
		return nil
	}
	cw := &ClassWeight{}
	seen := map[string]bool{}
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode || k.Tag == "!!null":
			d.errorf(k, "%s: a class is a name or a number, as the target column writes it; got %s", what, describe(k))
			ok = false
			continue
		case seen[k.Value]:
			d.errorf(k, "%s: duplicate class %s", what, quote(k.Value))
			ok = false
			continue
		case strings.Contains(k.Value, ","):
			// -class-weight separates its classes by commas.
			d.errorf(k, "%s: class %s: a class with a comma in its name cannot be weighed", what, quote(k.Value))
			ok = false
			continue
		}
		seen[k.Value] = true
		var w float64
		if !d.number(v, fmt.Sprintf("%s: class %s", what, quote(k.Value)), -math.MaxFloat64, math.MaxFloat64, &w) {
			ok = false
			continue
		}
		if w <= 0 {
			d.errorf(v, "%s: class %s: the weight must be positive, got %g", what, quote(k.Value), w)
			ok = false
			continue
		}
		cw.Weights = append(cw.Weights, NamedWeight{k.Value, w})
	}
	if !ok {
		return nil
	}
	return cw
}

// Schedules lists the learning-rate schedules a spec accepts, which are
// those of the CLI's -schedule.
var Schedules = []string{"constant", "step", "cosine"}

// MissingPolicies lists what a spec may do with missing values: those of
// runtime/data, which the CLI's -missing takes too.
var MissingPolicies = []string{data.MissingError.String(), data.MissingDrop.String(), data.MissingMean.String()}

// Optimizers lists the optimizer names a spec accepts: those of
// runtime/optim, which the CLI accepts too.
var Optimizers = optim.Names()

// CheckName reports whether name can be the name of a model: its Go type,
// and the prefix of every other name the generated code declares.
func CheckName(name string) error {
	if !typeName.MatchString(name) || len(name) > MaxNameLength {
		return fmt.Errorf("%s is not an exported Go identifier (an upper-case ASCII letter, then ASCII letters and digits, at most %d)", quote(name), MaxNameLength)
	}
	return nil
}

// CheckPackage reports whether name can be the package of generated code.
func CheckPackage(name string) error {
	switch {
	case !packageName.MatchString(name) || len(name) > MaxNameLength:
		return fmt.Errorf("%s is not a Go package name (a lower-case ASCII letter, then lower-case letters, digits and underscores, at most %d)", quote(name), MaxNameLength)
	case token.IsKeyword(name):
		return fmt.Errorf("%q is a Go keyword", name)
	case name == "init":
		return fmt.Errorf("%q is reserved in Go", name)
	}
	return nil
}
