package train

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/safetensors"
)

// Meta describes a weights file beyond its tensors: what the model is and
// what it needs to be used on new data. It is stored as the file's
// safetensors metadata, a map of strings:
//
//	"format"            "pt", which PyTorch's safetensors loader expects
//	"nngen.widths"      Widths as decimal integers joined by commas: "4,16,3"
//	"nngen.head"        Head
//	"nngen.dtype"       Arch.DType
//	"nngen.activations" Arch.Activations joined by commas, if any:
//	                    "leaky_relu(0.01),softmax" (see [Activation.String])
//	"nngen.loss"        Arch.Loss, if not empty
//	"nngen.classes"     Classes as a JSON array of strings, if any
//	"nngen.target"      Target, if not empty
//	"nngen.features"    Features as a JSON array of strings, if any
//	"nngen.mean"        Mean as a JSON array of numbers, if any
//	"nngen.std"         Std as a JSON array of numbers, if any
//	"nngen.missing"     Missing, "drop" or "mean", unless "error"
//	"nngen.fill"        Fill as a JSON array of numbers, if any
//	"nngen.version"     Run.Version, if not empty
//	"nngen.files"       Run.Files as a JSON object, if any:
//	                    {"data": {"name": "iris.csv", "size": 4551, "sha256": "…"}}
//	"nngen.settings"    Run.Settings as a JSON object of strings, if any:
//	                    {"batch": "16", "lr": "0.01"}
//	"nngen.metrics"     Run.Metrics as a JSON object of numbers, if any:
//	                    {"test_accuracy": 0.97}
type Meta struct {
	// Widths is the number of inputs, then the units of each layer, and
	// Head the output activation: the architecture. SaveWeights takes
	// both from the model; LoadWeights returns those recorded in the
	// file, which are nil and "" for a file written by other software.
	Widths []int
	Head   string

	// Arch is the rest of the architecture. SaveWeights takes its DType
	// from the model and the rest from the caller, who knows the spec;
	// files of other software, and of nngen before it recorded them,
	// leave it empty. [CheckArch] compares it with a model's.
	Arch Arch

	// Classes names the classes of a classifier, indexed by label: one
	// per output for softmax and for multi-output sigmoid models, two
	// (the labels 0 and 1) for a single sigmoid output.
	Classes []string

	// Target is the name of the target column of the training data.
	Target string

	// Features names the feature columns of the training data, in the
	// order of the inputs, so that new data can be matched by name.
	Features []string

	// Mean and Std are the per-feature statistics of the standardization
	// applied to the inputs (see data.Standardizer), one per input.
	Mean, Std []float64

	// Missing is what was done with the missing values of the training
	// data, and is done with those of other data for the model: they are
	// errors (the zero value, also of files that do not record it), their
	// rows are left out, or each missing feature is filled in with Fill,
	// the training means, one per input, which MissingMean needs and the
	// others exclude. Missing values are filled in before the
	// standardization.
	Missing data.Missing
	Fill    []float64

	// Run records how the weights were made, for the people and programs
	// that read the file; loading and resuming do not check it.
	Run Run
}

// filled returns meta with the fields it leaves empty taken from d: the
// Widths, the Head, the Arch's DType, the Classes, the Target, the
// Features, the Mean and Std together, and the Missing and Fill together.
func (meta Meta) filled(d Meta) Meta {
	if meta.Widths == nil {
		meta.Widths = d.Widths
	}
	meta.Head = cmp.Or(meta.Head, d.Head)
	meta.Arch.DType = cmp.Or(meta.Arch.DType, d.Arch.DType)
	if meta.Classes == nil {
		meta.Classes = d.Classes
	}
	meta.Target = cmp.Or(meta.Target, d.Target)
	if meta.Features == nil {
		meta.Features = d.Features
	}
	if meta.Mean == nil && meta.Std == nil {
		meta.Mean, meta.Std = d.Mean, d.Std
	}
	if meta.Missing == data.MissingError && meta.Fill == nil {
		meta.Missing, meta.Fill = d.Missing, d.Fill
	}
	return meta
}

// Run is the record of a training run.
type Run struct {
	Version string // of the software that trained the weights

	// Files identify the files the run read, by their role: "spec",
	// "data", "val", "test".
	Files map[string]FileSum

	// Settings are the training settings, each written as on a command
	// line: {"batch": "16", "lr": "0.01", "schedule": "cosine"}.
	Settings map[string]string

	// Metrics are the final scores, by name: {"val_loss": 0.08}. They
	// must be finite.
	Metrics map[string]float64
}

// FileSum identifies the contents of a file.
type FileSum struct {
	Name   string `json:"name"`   // the path it was read from
	Size   int64  `json:"size"`   // in bytes
	SHA256 string `json:"sha256"` // of its bytes, in hexadecimal
}

// SumFile returns the FileSum of the file at path: its size and the
// SHA-256 of its bytes, which it reads through once.
func SumFile(path string) (FileSum, error) {
	f, err := os.Open(path)
	if err != nil {
		return FileSum{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return FileSum{}, fmt.Errorf("%s: %w", path, err)
	}
	return FileSum{Name: path, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Arch is the architecture of a network beyond its widths and head.
type Arch struct {
	DType       string       // "float32" or "float64"
	Activations []Activation // of each layer, the output layer's (the head) last
	Loss        string       // "cross_entropy", "binary_cross_entropy" or "mse"
}

// Activation is the activation function of a layer.
type Activation struct {
	Name  string  // "relu", "leaky_relu", …, as in a spec
	Alpha float64 // the parameter of leaky_relu and elu; 0 for the others
}

// String returns a's name, followed by its parameter in parentheses if it
// has one: "relu", "leaky_relu(0.01)".
func (a Activation) String() string {
	if a.Alpha == 0 {
		return a.Name
	}
	return a.Name + "(" + formatFloat(a.Alpha) + ")"
}

// Metadata keys.
const (
	keyFormat      = "format"
	keyWidths      = "nngen.widths"
	keyHead        = "nngen.head"
	keyDType       = "nngen.dtype"
	keyActivations = "nngen.activations"
	keyLoss        = "nngen.loss"
	keyClasses     = "nngen.classes"
	keyTarget      = "nngen.target"
	keyFeatures    = "nngen.features"
	keyMean        = "nngen.mean"
	keyStd         = "nngen.std"
	keyMissing     = "nngen.missing"
	keyFill        = "nngen.fill"
	keyVersion     = "nngen.version"
	keyFiles       = "nngen.files"
	keySettings    = "nngen.settings"
	keyMetrics     = "nngen.metrics"
)

// Prefixes of the tensors that checkpoints hold besides the weights.
const (
	optimizerPrefix = "optimizer."
	bestPrefix      = "best."
)

// SaveWeights writes the parameters of m to a safetensors file at path,
// replacing it atomically, with meta as metadata (see [Meta]). The tensors
// are named and shaped as PyTorch names and shapes the parameters of an
// nn.Sequential of Linear layers (see [model.Layout]), with dtype F32 for
// float32 models and F64 for float64 models, so that
//
//	model.load_state_dict(safetensors.torch.load_file(path))
//
// loads them into the equivalent PyTorch model.
//
// The Widths, Head and Arch.DType of meta must be empty or agree with the
// model's, and Arch.Activations, if given, must fit its layers and head.
func SaveWeights[T model.Float, M any, P model.Model[T, M]](path string, m P, meta Meta) error {
	md, err := encodeMeta(meta, m.Widths(), m.Head(), dtypeName[T]())
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	f := &safetensors.File{
		Tensors:  appendTensors(nil, "", m.Widths(), m.Params()),
		Metadata: md,
	}
	return safetensors.WriteFile(path, f)
}

// LoadWeights reads a weights file written by [SaveWeights], by PyTorch or
// by a checkpoint of [Fit] into the parameters of m, and returns its
// metadata. (A checkpoint's weights are those of the moment it was taken,
// not the best ones.)
//
// Every tensor of the model's layout must be present with the right shape
// and the model's dtype and hold no NaN or infinity, and the file must
// hold no other tensors but the optimizer state and best weights of a
// checkpoint. If the metadata records widths and a head, they must be the
// model's; [CheckArch] compares the rest of the architecture. The errors
// name the file and the tensor, for example
//
//	model.safetensors: tensor "2.weight": shape [16 4], want [3 16]
//
// On error the parameters of m are unchanged.
func LoadWeights[T model.Float, M any, P model.Model[T, M]](path string, m P) (Meta, error) {
	params, meta, err := ReadParams[T](path, m.Widths(), m.Head())
	if err != nil {
		return Meta{}, err
	}
	copy(m.Params(), params)
	return meta, nil
}

// ReadParams reads the parameters of a network with the given widths and
// head from a weights file, in the order of a model's Params, with the
// checks of [LoadWeights]; it needs no model type.
func ReadParams[T model.Float](path string, widths []int, head string) ([]T, Meta, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, Meta{}, err
	}
	meta, err := checkFile(path, f, widths, head)
	if err != nil {
		return nil, Meta{}, err
	}
	n := 0
	for _, t := range model.Layout(widths) {
		n += t.Size()
	}
	params := make([]T, n)
	if err := readTensors(path, f, "", widths, params); err != nil {
		return nil, Meta{}, err
	}
	return params, meta, nil
}

// ReadMeta returns the metadata of a weights file or checkpoint without
// loading its tensors, for example to find out the architecture it was
// trained with; it reads the file's header alone.
func ReadMeta(path string) (Meta, error) {
	md, err := safetensors.ReadMetadata(path)
	if err != nil {
		return Meta{}, err
	}
	meta, err := decodeMeta(md)
	if err != nil {
		return Meta{}, fmt.Errorf("%s: %w", path, err)
	}
	return meta, nil
}

// CheckArch reports whether meta, the metadata of the weights file at
// path, describes the architecture want, as far as it records one. A
// file that records less — a state dict of other software, or a file of
// an older nngen — may hold the weights of another network of the same
// shapes; the note returned then says what could not be checked.
func CheckArch(path string, meta Meta, want Arch) (note string, err error) {
	got := meta.Arch
	if got.DType != "" && want.DType != "" && got.DType != want.DType {
		return "", fmt.Errorf("%s: the file holds %s weights, the model is %s", path, got.DType, want.DType)
	}
	if got.Activations != nil && want.Activations != nil {
		if len(got.Activations) != len(want.Activations) {
			return "", fmt.Errorf("%s: the file holds a network of %d layers (%s), the model has %d (%s)",
				path, len(got.Activations), got.activations(), len(want.Activations), want.activations())
		}
		for i, a := range want.Activations {
			if got.Activations[i] != a {
				return "", fmt.Errorf("%s: layer %d: the weights were trained with activation %s, the model has %s",
					path, i+1, got.Activations[i], a)
			}
		}
	}
	if got.Loss != "" && want.Loss != "" && got.Loss != want.Loss {
		return "", fmt.Errorf("%s: the weights were trained with loss %s, the model's is %s", path, got.Loss, want.Loss)
	}
	switch {
	case meta.Widths == nil:
		return fmt.Sprintf("%s has no nngen metadata: only the shapes of its tensors were checked, not the activations, the loss or the preprocessing", path), nil
	case got.Activations == nil && want.Activations != nil:
		return fmt.Sprintf("%s does not record its activations (an older nngen wrote it): only the widths and the head were checked", path), nil
	}
	return "", nil
}

// checkFile decodes the metadata of f, read from path, checks the
// architecture it records against widths and head, and checks that f holds
// no tensors but the layout's and the extra ones of checkpoints.
func checkFile(path string, f *safetensors.File, widths []int, head string) (Meta, error) {
	meta, err := decodeMeta(f.Metadata)
	if err != nil {
		return Meta{}, fmt.Errorf("%s: %w", path, err)
	}
	if meta.Widths != nil && !slices.Equal(meta.Widths, widths) {
		return Meta{}, fmt.Errorf("%s: the file holds a %s network, the model is %s",
			path, architecture(meta.Widths, meta.Head), architecture(widths, head))
	}
	if meta.Head != "" && meta.Head != head {
		return Meta{}, fmt.Errorf("%s: the file holds a %s network, the model is %s",
			path, architecture(meta.Widths, meta.Head), architecture(widths, head))
	}
	known := make(map[string]bool)
	for _, t := range model.Layout(widths) {
		known[t.Name] = true
	}
	for _, t := range f.Tensors {
		if known[t.Name] || isOwn(t.Name) {
			continue
		}
		return Meta{}, fmt.Errorf("%s: unexpected tensor %q: not part of a %s network",
			path, t.Name, architecture(widths, head))
	}
	return meta, nil
}

// isOwn reports whether name is a tensor that nngen's checkpoints hold
// besides the weights.
func isOwn(name string) bool {
	return strings.HasPrefix(name, optimizerPrefix) || strings.HasPrefix(name, bestPrefix)
}

// architecture describes a network for messages: "4,16,3 softmax".
func architecture(widths []int, head string) string {
	return strings.TrimSpace(joinInts(widths) + " " + head)
}

// readTensors decodes the tensors of the layout for widths, with names
// prefixed by prefix, from f into dst, which has the length of the
// parameters.
func readTensors[T model.Float](path string, f *safetensors.File, prefix string, widths []int, dst []T) error {
	want := dtypeOf[T]()
	for _, lt := range model.Layout(widths) {
		name := prefix + lt.Name
		t := findTensor(f, name)
		if t == nil {
			return fmt.Errorf("%s: missing tensor %q (%s %v)", path, name, want, lt.Shape)
		}
		if !slices.Equal(t.Shape, lt.Shape) {
			return fmt.Errorf("%s: tensor %q: shape %v, want %v", path, name, t.Shape, lt.Shape)
		}
		if t.DType != want {
			return fmt.Errorf("%s: tensor %q: dtype %s, want %s", path, name, t.DType, want)
		}
		v, err := safetensors.Floats[T](t)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		// No model trains to a NaN or an infinity (Fit stops first): such
		// a value is damage, and would make every output NaN.
		for i, x := range v {
			if f := float64(x); math.IsNaN(f) || math.IsInf(f, 0) {
				return fmt.Errorf("%s: tensor %q: element %d is %v", path, name, i, f)
			}
		}
		copy(dst[lt.Offset:lt.Offset+lt.Size()], v)
	}
	return nil
}

// findTensor returns the tensor of f with the given name, or nil.
func findTensor(f *safetensors.File, name string) *safetensors.Tensor {
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i]
		}
	}
	return nil
}

// appendTensors appends to ts the tensors of the layout for widths, holding
// the values of params, with names prefixed by prefix.
func appendTensors[T model.Float](ts []safetensors.Tensor, prefix string, widths []int, params []T) []safetensors.Tensor {
	for _, lt := range model.Layout(widths) {
		t, err := safetensors.FromFloats(prefix+lt.Name, lt.Shape, params[lt.Offset:lt.Offset+lt.Size()])
		if err != nil {
			panic(err) // the layout always matches the parameters
		}
		ts = append(ts, t)
	}
	return ts
}

// dtypeName returns the name of T's underlying type, as in a spec.
func dtypeName[T model.Float]() string {
	if dtypeOf[T]() == safetensors.F32 {
		return "float32"
	}
	return "float64"
}

// dtypeOf returns the safetensors dtype of T.
func dtypeOf[T model.Float]() safetensors.DType {
	var x T
	if unsafe.Sizeof(x) == 4 {
		return safetensors.F32
	}
	return safetensors.F64
}

// encodeMeta checks meta against the model's widths, head and dtype and
// returns it as safetensors metadata.
func encodeMeta(meta Meta, widths []int, head, dtype string) (map[string]string, error) {
	if meta.Widths != nil && !slices.Equal(meta.Widths, widths) {
		return nil, fmt.Errorf("metadata describes a %s network, the model is %s",
			architecture(meta.Widths, meta.Head), architecture(widths, head))
	}
	if meta.Head != "" && meta.Head != head {
		return nil, fmt.Errorf("metadata gives head %q, the model has %q", meta.Head, head)
	}
	if meta.Arch.DType != "" && meta.Arch.DType != dtype {
		return nil, fmt.Errorf("metadata gives dtype %s, the model is %s", meta.Arch.DType, dtype)
	}
	meta.Widths, meta.Head, meta.Arch.DType = widths, head, dtype
	if err := meta.check(); err != nil {
		return nil, err
	}
	md := map[string]string{
		keyFormat: "pt",
		keyWidths: joinInts(widths),
		keyHead:   head,
		keyDType:  dtype,
	}
	if acts := meta.Arch.Activations; acts != nil {
		names := make([]string, len(acts))
		for i, a := range acts {
			names[i] = a.String()
		}
		md[keyActivations] = strings.Join(names, ",")
	}
	if meta.Missing != data.MissingError {
		md[keyMissing] = meta.Missing.String()
	}
	for key, v := range map[string]string{keyLoss: meta.Arch.Loss, keyTarget: meta.Target, keyVersion: meta.Run.Version} {
		if v != "" {
			md[key] = v
		}
	}
	for _, err := range []error{
		putJSON(md, keyClasses, meta.Classes), putJSON(md, keyFeatures, meta.Features),
		putJSON(md, keyMean, meta.Mean), putJSON(md, keyStd, meta.Std), putJSON(md, keyFill, meta.Fill),
		putObject(md, keyFiles, meta.Run.Files), putObject(md, keySettings, meta.Run.Settings),
		putObject(md, keyMetrics, meta.Run.Metrics),
	} {
		if err != nil {
			return nil, err
		}
	}
	return md, nil
}

// putJSON stores v in md under key as a JSON array, unless v is nil.
func putJSON[E any](md map[string]string, key string, v []E) error {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("metadata %q: %v", key, err)
	}
	md[key] = string(b)
	return nil
}

// putObject stores m in md under key as a JSON object, unless m is empty.
func putObject[V any](md map[string]string, key string, m map[string]V) error {
	if len(m) == 0 {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("metadata %q: %v", key, err)
	}
	md[key] = string(b)
	return nil
}

// getObject decodes the JSON object of what stored in md under key, if
// any, into dst.
func getObject[V any](md map[string]string, key, what string, dst *map[string]V) error {
	s, ok := md[key]
	if !ok {
		return nil
	}
	if err := json.Unmarshal([]byte(s), dst); err != nil || *dst == nil {
		return fmt.Errorf("metadata %q: %q is not a JSON object of %s", key, s, what)
	}
	return nil
}

// getJSON decodes the JSON array of what stored in md under key, if any,
// into dst.
func getJSON[E any](md map[string]string, key, what string, dst *[]E) error {
	s, ok := md[key]
	if !ok {
		return nil
	}
	if err := json.Unmarshal([]byte(s), dst); err != nil || *dst == nil {
		return fmt.Errorf("metadata %q: %q is not a JSON array of %s", key, s, what)
	}
	return nil
}

// decodeMeta parses and checks the metadata of a weights file. Keys it does
// not know are ignored.
func decodeMeta(md map[string]string) (Meta, error) {
	var meta Meta
	if s, ok := md[keyWidths]; ok {
		w, err := splitInts(s)
		if err != nil || len(w) < 2 || slices.ContainsFunc(w, func(n int) bool { return n < 1 }) {
			return Meta{}, fmt.Errorf("metadata %q: %q is not a list of at least 2 positive widths", keyWidths, s)
		}
		meta.Widths = w
	}
	if s, ok := md[keyHead]; ok {
		switch s {
		case model.Softmax, model.Sigmoid, model.Identity:
			meta.Head = s
		default:
			return Meta{}, fmt.Errorf("metadata %q: unknown head %q", keyHead, s)
		}
	}
	if s, ok := md[keyDType]; ok {
		if s != "float32" && s != "float64" {
			return Meta{}, fmt.Errorf("metadata %q: unknown dtype %q", keyDType, s)
		}
		meta.Arch.DType = s
	}
	if s, ok := md[keyActivations]; ok {
		for f := range strings.SplitSeq(s, ",") {
			a, err := parseActivation(f)
			if err != nil {
				return Meta{}, fmt.Errorf("metadata %q: %v", keyActivations, err)
			}
			meta.Arch.Activations = append(meta.Arch.Activations, a)
		}
	}
	if s, ok := md[keyMissing]; ok {
		if err := meta.Missing.UnmarshalText([]byte(s)); err != nil {
			return Meta{}, fmt.Errorf("metadata %q: %v", keyMissing, err)
		}
	}
	meta.Arch.Loss = md[keyLoss]
	meta.Target = md[keyTarget]
	meta.Run.Version = md[keyVersion]
	for _, err := range []error{
		getJSON(md, keyClasses, "strings", &meta.Classes), getJSON(md, keyFeatures, "strings", &meta.Features),
		getJSON(md, keyMean, "numbers", &meta.Mean), getJSON(md, keyStd, "numbers", &meta.Std),
		getJSON(md, keyFill, "numbers", &meta.Fill),
		getObject(md, keyFiles, "file sums", &meta.Run.Files), getObject(md, keySettings, "strings", &meta.Run.Settings),
		getObject(md, keyMetrics, "numbers", &meta.Run.Metrics),
	} {
		if err != nil {
			return Meta{}, err
		}
	}
	if err := meta.check(); err != nil {
		return Meta{}, err
	}
	return meta, nil
}

// parseActivation parses the form of [Activation.String].
func parseActivation(s string) (Activation, error) {
	name, arg, ok := strings.Cut(s, "(")
	a := Activation{Name: name}
	if ok {
		var err error
		arg, closed := strings.CutSuffix(arg, ")")
		if a.Alpha, err = strconv.ParseFloat(arg, 64); !closed || err != nil || !(a.Alpha != 0) || math.IsInf(a.Alpha, 0) {
			return Activation{}, fmt.Errorf("%q is not an activation with a parameter, as leaky_relu(0.01)", s)
		}
	}
	if name == "" || strings.ContainsAny(name, "() ") {
		return Activation{}, fmt.Errorf("%q is not an activation", s)
	}
	return a, nil
}

// check reports inconsistencies within meta: activations that do not
// fit the layers and head, classes that do not fit the head and outputs,
// feature names, standardization statistics and fill values that do not
// fit the inputs or are not finite, fill values without the policy mean
// or the reverse, and metrics that are not finite. Fields of the
// architecture that are unknown are not checked against.
func (meta *Meta) check() error {
	if acts := meta.Arch.Activations; acts != nil && meta.Widths != nil {
		if len(acts) != len(meta.Widths)-1 || acts[len(acts)-1].Name != meta.Head {
			return fmt.Errorf("metadata: activations %s do not fit a %s network", meta.Arch.activations(), architecture(meta.Widths, meta.Head))
		}
	}
	if meta.Classes != nil {
		if err := data.CheckClasses(meta.Classes); err != nil {
			return fmt.Errorf("metadata: classes: %w", err)
		}
		if want := classCount(meta.Widths, meta.Head); want > 0 && len(meta.Classes) != want {
			return fmt.Errorf("metadata: %d classes for a %s network, want %d",
				len(meta.Classes), architecture(meta.Widths, meta.Head), want)
		}
		if meta.Head == model.Identity {
			return errors.New("metadata: classes given for a regression network (identity head)")
		}
	}
	if meta.Features != nil {
		if meta.Widths != nil && len(meta.Features) != meta.Widths[0] {
			return fmt.Errorf("metadata: %d feature names for a network of %d inputs", len(meta.Features), meta.Widths[0])
		}
		seen := make(map[string]bool, len(meta.Features))
		for _, f := range meta.Features {
			if seen[f] {
				return fmt.Errorf("metadata: feature %q is named twice", f)
			}
			seen[f] = true
		}
	}
	if meta.Mean != nil || meta.Std != nil {
		if _, err := data.NewStandardizer[float64](meta.Mean, meta.Std); err != nil {
			return fmt.Errorf("metadata: %w", err)
		}
		if meta.Widths != nil && len(meta.Mean) != meta.Widths[0] {
			return fmt.Errorf("metadata: standardization of %d features for a network of %d inputs",
				len(meta.Mean), meta.Widths[0])
		}
	}
	if err := meta.checkMissing(); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(meta.Run.Metrics)) {
		if v := meta.Run.Metrics[name]; math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("metadata: metric %q is %v, not a finite number", name, v)
		}
	}
	return nil
}

// checkMissing reports a policy for missing values that is unknown, or
// whose fill values are missing, unneeded, not finite, or not one per
// input.
func (meta *Meta) checkMissing() error {
	switch m := meta.Missing; {
	case m < data.MissingError || m > data.MissingMean:
		return fmt.Errorf("metadata: unknown policy for missing values %v", m)
	case m == data.MissingMean && meta.Fill == nil:
		return errors.New("metadata: missing values are filled in with means, but no fill values are given")
	case m != data.MissingMean && meta.Fill != nil:
		return fmt.Errorf("metadata: fill values given, but the policy for missing values is %s, not mean", m)
	case meta.Widths != nil && meta.Fill != nil && len(meta.Fill) != meta.Widths[0]:
		return fmt.Errorf("metadata: %d fill values for missing features for a network of %d inputs", len(meta.Fill), meta.Widths[0])
	}
	for k, v := range meta.Fill {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("metadata: fill value %d is %v, not a finite number", k, v)
		}
	}
	return nil
}

// activations lists the activations of a for messages: "relu, softmax".
func (a Arch) activations() string {
	names := make([]string, len(a.Activations))
	for i, act := range a.Activations {
		names[i] = act.String()
	}
	return strings.Join(names, ", ")
}

// classCount returns the number of class names a classifier of the given
// architecture has, or 0 if unknown or not a classifier.
func classCount(widths []int, head string) int {
	if widths == nil {
		return 0
	}
	out := widths[len(widths)-1]
	switch {
	case head == model.Softmax:
		return out
	case head == model.Sigmoid && out == 1:
		return 2
	case head == model.Sigmoid:
		return out
	}
	return 0
}

func joinInts(v []int) string {
	var b []byte
	for i, n := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return string(b)
}

func splitInts(s string) ([]int, error) {
	var v []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, err
		}
		v = append(v, n)
	}
	return v, nil
}
