package train

import (
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/safetensors"
	"github.com/nngen/nngen/testdata/golden/mixed32"
	"github.com/nngen/nngen/testdata/golden/regression"
	"github.com/nngen/nngen/testdata/golden/sigmoid"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

func TestWeightsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	var m softmax.Classifier
	m.Init(42)
	for i := range m.B1 {
		m.B1[i] = float64(i) / 3
	}
	meta := Meta{
		Arch:     Arch{Activations: []Activation{{Name: "leaky_relu", Alpha: 0.015625}, {Name: "softmax"}}, Loss: "cross_entropy"},
		Classes:  []string{"setosa", "versicolor", `vir"ginica`},
		Target:   "species",
		Features: []string{"sepal length", "sepal_width", "petal,length", "petal_width"},
		Mean:     []float64{5.843333333333334, 3.0573333333333337, 3.7580000000000005, 1.1993333333333336},
		Std:      []float64{0.8253012917851409, 0.4344109677354946, 1.759404065775303, 0.7596926279021594},
		Missing:  data.MissingMean,
		Fill:     []float64{5.8, 3.1, 3.75, 1.2},
		Run: Run{
			Version:  "v1.2.3",
			Files:    map[string]FileSum{"data": {Name: "data/iris.csv", Size: 4551, SHA256: "ab12"}},
			Settings: map[string]string{"lr": "0.01", "schedule": "cosine"},
			Metrics:  map[string]float64{"val_loss": 0.1, "test_accuracy": 29.0 / 30},
		},
	}
	if err := SaveWeights(path, &m, meta); err != nil {
		t.Fatal(err)
	}

	var got softmax.Classifier
	gotMeta, err := LoadWeights(path, &got)
	if err != nil {
		t.Fatal(err)
	}
	if !sameBits(got.Params(), m.Params()) {
		t.Error("loaded weights differ from the saved ones")
	}
	meta.Widths, meta.Head, meta.Arch.DType = []int{4, 6, 3}, "softmax", "float64"
	if !reflect.DeepEqual(gotMeta, meta) {
		t.Errorf("loaded metadata %+v, want %+v", gotMeta, meta)
	}
	if rm, err := ReadMeta(path); err != nil || !reflect.DeepEqual(rm, meta) {
		t.Errorf("ReadMeta = %+v, %v; want %+v", rm, err, meta)
	}

	// The file as PyTorch sees it.
	f, err := safetensors.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wantMD := map[string]string{
		"format":            "pt",
		"nngen.widths":      "4,6,3",
		"nngen.head":        "softmax",
		"nngen.dtype":       "float64",
		"nngen.activations": "leaky_relu(0.015625),softmax",
		"nngen.loss":        "cross_entropy",
		"nngen.classes":     `["setosa","versicolor","vir\"ginica"]`,
		"nngen.target":      "species",
		"nngen.features":    `["sepal length","sepal_width","petal,length","petal_width"]`,
		"nngen.mean":        "[5.843333333333334,3.0573333333333337,3.7580000000000005,1.1993333333333336]",
		"nngen.std":         "[0.8253012917851409,0.4344109677354946,1.759404065775303,0.7596926279021594]",
		"nngen.missing":     "mean",
		"nngen.fill":        "[5.8,3.1,3.75,1.2]",
		"nngen.version":     "v1.2.3",
		"nngen.files":       `{"data":{"name":"data/iris.csv","size":4551,"sha256":"ab12"}}`,
		"nngen.settings":    `{"lr":"0.01","schedule":"cosine"}`,
		"nngen.metrics":     `{"test_accuracy":0.9666666666666667,"val_loss":0.1}`,
	}
	if !maps.Equal(f.Metadata, wantMD) {
		t.Errorf("metadata %q, want %q", f.Metadata, wantMD)
	}
	var w1, w2 []float64 // the weights row after row
	for _, row := range m.W1 {
		w1 = append(w1, row[:]...)
	}
	for _, row := range m.W2 {
		w2 = append(w2, row[:]...)
	}
	wantTensors := []struct {
		name   string
		shape  []int
		values []float64
	}{
		{"0.weight", []int{6, 4}, w1},
		{"0.bias", []int{6}, m.B1[:]},
		{"2.weight", []int{3, 6}, w2},
		{"2.bias", []int{3}, m.B2[:]},
	}
	if len(f.Tensors) != len(wantTensors) {
		t.Fatalf("%d tensors, want %d", len(f.Tensors), len(wantTensors))
	}
	for _, w := range wantTensors {
		ft, err := f.Tensor(w.name)
		if err != nil {
			t.Fatal(err)
		}
		v, err := safetensors.Floats[float64](ft)
		if err != nil {
			t.Fatal(err)
		}
		if ft.DType != safetensors.F64 || !slices.Equal(ft.Shape, w.shape) || !slices.Equal(v, w.values) {
			t.Errorf("tensor %q: %s %v %v, want F64 %v %v", w.name, ft.DType, ft.Shape, v, w.shape, w.values)
		}
	}
}

func TestWeightsFloat32(t *testing.T) {
	path := filepath.Join(t.TempDir(), "small.safetensors")
	var m mixed32.Small
	m.Init(7)
	if err := SaveWeights(path, &m, Meta{}); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, ft := range f.Tensors {
		if ft.DType != safetensors.F32 {
			t.Errorf("tensor %q has dtype %s, want F32", ft.Name, ft.DType)
		}
	}
	want := map[string]string{"format": "pt", "nngen.widths": "8,12,6,4", "nngen.head": "softmax", "nngen.dtype": "float32"}
	if !maps.Equal(f.Metadata, want) {
		t.Errorf("metadata %q, want %q", f.Metadata, want)
	}
	var got mixed32.Small
	meta, err := LoadWeights(path, &got)
	if err != nil {
		t.Fatal(err)
	}
	if !sameBits(got.Params(), m.Params()) || !reflect.DeepEqual(meta, Meta{Widths: []int{8, 12, 6, 4}, Head: "softmax", Arch: Arch{DType: "float32"}}) {
		t.Errorf("round trip: metadata %+v, weights equal %v", meta, sameBits(got.Params(), m.Params()))
	}
}

// TestLoadPyTorchFile loads a file with only the tensors and PyTorch's
// metadata, as safetensors.torch.save_file writes.
func TestLoadPyTorchFile(t *testing.T) {
	var src sigmoid.Binary
	src.Init(3)
	path := filepath.Join(t.TempDir(), "torch.safetensors")
	writeFile(t, path, map[string]string{"format": "pt"}, appendTensors(nil, "", src.Widths(), src.Params()))
	var m sigmoid.Binary
	meta, err := LoadWeights(path, &m)
	if err != nil {
		t.Fatal(err)
	}
	if !sameBits(m.Params(), src.Params()) || !reflect.DeepEqual(meta, Meta{}) {
		t.Errorf("metadata %+v, weights equal %v", meta, sameBits(m.Params(), src.Params()))
	}
}

func writeFile(t *testing.T, path string, md map[string]string, ts []safetensors.Tensor) {
	t.Helper()
	if err := safetensors.WriteFile(path, &safetensors.File{Tensors: ts, Metadata: md}); err != nil {
		t.Fatal(err)
	}
}

func TestLoadWeightsErrors(t *testing.T) {
	dir := t.TempDir()
	var ref softmax.Classifier
	ref.Init(1)
	good := func() []safetensors.Tensor { return appendTensors(nil, "", ref.Widths(), ref.Params()) }
	md := func(kv ...string) map[string]string {
		m := map[string]string{"format": "pt", "nngen.widths": "4,6,3", "nngen.head": "softmax"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	without := func(name string) []safetensors.Tensor {
		return slices.DeleteFunc(good(), func(t safetensors.Tensor) bool { return t.Name == name })
	}
	replace := func(name string, shape []int, v any) []safetensors.Tensor {
		ts := without(name)
		var nt safetensors.Tensor
		var err error
		switch v := v.(type) {
		case []float32:
			nt, err = safetensors.FromFloats(name, shape, v)
		case []float64:
			nt, err = safetensors.FromFloats(name, shape, v)
		}
		if err != nil {
			t.Fatal(err)
		}
		return append(ts, nt)
	}
	for _, tt := range []struct {
		name    string
		md      map[string]string
		tensors []safetensors.Tensor
		want    string
	}{
		{"missing tensor", md(), without("2.bias"),
			`missing tensor "2.bias" (F64 [3])`},
		{"wrong shape", md(), replace("2.weight", []int{6, 3}, make([]float64, 18)),
			`tensor "2.weight": shape [6 3], want [3 6]`},
		{"wrong dtype", md(), replace("0.bias", []int{6}, make([]float32, 6)),
			`tensor "0.bias": dtype F32, want F64`},
		{"unknown tensor", md(), append(good(), mustTensor(t, "4.weight", []int{1}, []float64{1})),
			`unexpected tensor "4.weight": not part of a 4,6,3 softmax network`},
		{"wrong architecture", md("nngen.widths", "4,16,3"), good(),
			`the file holds a 4,16,3 softmax network, the model is 4,6,3 softmax`},
		{"wrong head", map[string]string{"nngen.head": "sigmoid"}, good(),
			`the file holds a sigmoid network, the model is 4,6,3 softmax`},
		{"bad widths", md("nngen.widths", "4,x,3"), good(),
			`metadata "nngen.widths": "4,x,3" is not a list of at least 2 positive widths`},
		{"bad head", md("nngen.head", "relu"), good(),
			`metadata "nngen.head": unknown head "relu"`},
		{"bad classes", md("nngen.classes", `["a",1]`), good(),
			`metadata "nngen.classes": "[\"a\",1]" is not a JSON array of strings`},
		{"class count", md("nngen.classes", `["a","b"]`), good(),
			`metadata: 2 classes for a 4,6,3 softmax network, want 3`},
		{"bad mean", md("nngen.mean", `{}`, "nngen.std", "[1,1,1,1]"), good(),
			`metadata "nngen.mean": "{}" is not a JSON array of numbers`},
		{"mean without std", md("nngen.mean", `[0,0,0,0]`), good(),
			`metadata: data: standardizer has 4 means but 0 standard deviations`},
		{"zero std", md("nngen.mean", `[0,0,0,0]`, "nngen.std", "[1,0,1,1]"), good(),
			`metadata: data: standardizer standard deviation 1 is 0, want finite and positive`},
		{"feature count", md("nngen.mean", `[0,0]`, "nngen.std", "[1,1]"), good(),
			`metadata: standardization of 2 features for a network of 4 inputs`},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".safetensors")
		writeFile(t, path, tt.md, tt.tensors)
		m := ref
		_, err := LoadWeights(path, &m)
		if want := path + ": " + tt.want; err == nil || err.Error() != want {
			t.Errorf("%s: error %v\nwant %s", tt.name, err, want)
		}
		if m != ref {
			t.Errorf("%s: the failed load changed the model", tt.name)
		}
	}

	// A file of another model altogether.
	var bin sigmoid.Binary
	path := filepath.Join(dir, "binary.safetensors")
	if err := SaveWeights(path, &bin, Meta{}); err != nil {
		t.Fatal(err)
	}
	var m softmax.Classifier
	_, err := LoadWeights(path, &m)
	if want := path + ": the file holds a 5,4,1 sigmoid network, the model is 4,6,3 softmax"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}

	// A corrupted file: truncated, and with a garbled header.
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, "truncated.safetensors")
	if err := os.WriteFile(path, raw[:len(raw)-3], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadWeights(path, &m)
	if want := "safetensors: " + path + `: tensor "2.weight": data_offsets [200, 232] exceed the 229-byte data section`; err == nil || err.Error() != want {
		t.Errorf("truncated file: error %v, want %q", err, want)
	}
	garbled := slices.Clone(raw)
	copy(garbled[8:], "[")
	path = filepath.Join(dir, "garbled.safetensors")
	if err := os.WriteFile(path, garbled, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadWeights(path, &m)
	if want := "safetensors: " + path + ": header does not start with '{'"; err == nil || err.Error() != want {
		t.Errorf("garbled file: error %v, want %q", err, want)
	}
	_, err = LoadWeights(filepath.Join(dir, "absent"), &m)
	if err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("absent file: error %v, want one for a file that does not exist", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok || u.Unwrap() == nil {
			return err
		}
		err = u.Unwrap()
	}
}

func mustTensor(t *testing.T, name string, shape []int, v []float64) safetensors.Tensor {
	t.Helper()
	ts, err := safetensors.FromFloats(name, shape, v)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func TestSaveWeightsErrors(t *testing.T) {
	dir := t.TempDir()
	var m regression.Sine
	for _, tt := range []struct {
		meta Meta
		want string
	}{
		{Meta{Widths: []int{1, 8, 3}}, "metadata describes a 1,8,3 network, the model is 1,8,8,2 identity"},
		{Meta{Head: "softmax"}, `metadata gives head "softmax", the model has "identity"`},
		{Meta{Classes: []string{"a", "b"}}, "metadata: classes given for a regression network (identity head)"},
		{Meta{Mean: []float64{0, 1}, Std: []float64{1, 1}}, "metadata: standardization of 2 features for a network of 1 inputs"},
		{Meta{Mean: []float64{0}, Std: []float64{-1}}, "metadata: data: standardizer standard deviation 0 is -1, want finite and positive"},
		{Meta{Arch: Arch{DType: "float32"}}, "metadata gives dtype float32, the model is float64"},
		{Meta{Arch: Arch{Activations: []Activation{{Name: "tanh"}, {Name: "identity"}}}}, "metadata: activations tanh, identity do not fit a 1,8,8,2 identity network"},
		{Meta{Arch: Arch{Activations: []Activation{{Name: "tanh"}, {Name: "tanh"}, {Name: "sigmoid"}}}}, "metadata: activations tanh, tanh, sigmoid do not fit a 1,8,8,2 identity network"},
		{Meta{Features: []string{"x", "y"}}, "metadata: 2 feature names for a network of 1 inputs"},
		{Meta{Run: Run{Metrics: map[string]float64{"r2": math.NaN(), "a": 1, "mse": math.Inf(1)}}}, `metadata: metric "mse" is +Inf, not a finite number`},
		{Meta{Missing: data.MissingMean}, "metadata: missing values are filled in with means, but no fill values are given"},
		{Meta{Missing: data.MissingDrop, Fill: []float64{1}}, "metadata: fill values given, but the policy for missing values is drop, not mean"},
		{Meta{Fill: []float64{1}}, "metadata: fill values given, but the policy for missing values is error, not mean"},
		{Meta{Missing: data.MissingMean, Fill: []float64{1, 2}}, "metadata: 2 fill values for missing features for a network of 1 inputs"},
		{Meta{Missing: data.MissingMean, Fill: []float64{math.NaN()}}, "metadata: fill value 0 is NaN, not a finite number"},
		{Meta{Missing: data.Missing(5)}, "metadata: unknown policy for missing values Missing(5)"},
	} {
		path := filepath.Join(dir, "w.safetensors")
		err := SaveWeights(path, &m, tt.meta)
		if want := path + ": " + tt.want; err == nil || err.Error() != want {
			t.Errorf("SaveWeights(%+v): error %v\nwant %s", tt.meta, err, want)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("SaveWeights(%+v) failed but wrote the file", tt.meta)
		}
	}
	// Classes for a binary classifier: two names for one output.
	var b sigmoid.Binary
	if err := SaveWeights(filepath.Join(dir, "b.safetensors"), &b, Meta{Classes: []string{"no", "yes"}}); err != nil {
		t.Error(err)
	}
	err := SaveWeights(filepath.Join(dir, "b.safetensors"), &b, Meta{Classes: []string{"no", ""}})
	if want := filepath.Join(dir, "b.safetensors") + ": metadata: classes: empty class name"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	// Duplicate class names, which no data could tell apart.
	err = SaveWeights(filepath.Join(dir, "b.safetensors"), &b, Meta{Classes: []string{"1", "01"}})
	if want := filepath.Join(dir, "b.safetensors") + `: metadata: classes: class "01" is listed twice`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}

func TestSumFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.csv")
	if err := os.WriteFile(path, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := SumFile(path)
	// sha256sum of "abc", as in FIPS 180-2's example.
	want := FileSum{Name: path, Size: 3, SHA256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}
	if err != nil || got != want {
		t.Errorf("SumFile = %+v, %v; want %+v", got, err, want)
	}
	if _, err := SumFile(path + ".missing"); !os.IsNotExist(err) {
		t.Errorf("SumFile of a missing file: %v", err)
	}
}

// TestCheckArch checks that weights trained for another architecture of
// the same shapes are refused, naming what differs, and that files which
// record less say what could not be checked.
func TestCheckArch(t *testing.T) {
	relu := Arch{DType: "float64", Activations: []Activation{{Name: "relu"}, {Name: "softmax"}}, Loss: "cross_entropy"}
	path := filepath.Join(t.TempDir(), "w.safetensors")
	var m softmax.Classifier
	if err := SaveWeights(path, &m, Meta{Arch: relu}); err != nil {
		t.Fatal(err)
	}
	meta, err := LoadWeights(path, &m)
	if err != nil {
		t.Fatal(err)
	}
	if note, err := CheckArch(path, meta, relu); note != "" || err != nil {
		t.Errorf("same architecture: note %q, error %v", note, err)
	}
	for _, tc := range []struct {
		want Arch
		msg  string
	}{
		{Arch{DType: "float64", Activations: []Activation{{Name: "tanh"}, {Name: "softmax"}}, Loss: "cross_entropy"},
			"layer 1: the weights were trained with activation relu, the model has tanh"},
		{Arch{DType: "float64", Activations: []Activation{{Name: "leaky_relu", Alpha: 0.01}, {Name: "softmax"}}},
			"layer 1: the weights were trained with activation relu, the model has leaky_relu(0.01)"},
		{Arch{DType: "float32", Activations: relu.Activations}, "the file holds float64 weights, the model is float32"},
		{Arch{Activations: []Activation{{Name: "relu"}, {Name: "relu"}, {Name: "softmax"}}},
			"the file holds a network of 2 layers (relu, softmax), the model has 3 (relu, relu, softmax)"},
		{Arch{Loss: "mse"}, "the weights were trained with loss cross_entropy, the model's is mse"},
	} {
		if _, err := CheckArch(path, meta, tc.want); err == nil || err.Error() != path+": "+tc.msg {
			t.Errorf("%+v: error %v, want %s", tc.want, err, tc.msg)
		}
	}
	// Alphas must match exactly.
	leaky := func(a float64) Arch {
		return Arch{Activations: []Activation{{Name: "leaky_relu", Alpha: a}, {Name: "softmax"}}}
	}
	if err := SaveWeights(path, &m, Meta{Arch: leaky(0.1)}); err != nil {
		t.Fatal(err)
	}
	if meta, err = LoadWeights(path, &m); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckArch(path, meta, leaky(0.2)); err == nil || !strings.HasSuffix(err.Error(), "activation leaky_relu(0.1), the model has leaky_relu(0.2)") {
		t.Errorf("other alpha: error %v", err)
	}
	if _, err := CheckArch(path, meta, leaky(0.1)); err != nil {
		t.Errorf("same alpha: error %v", err)
	}

	// An older nngen file, and a plain state dict.
	old, err := CheckArch(path, Meta{Widths: []int{4, 6, 3}, Head: "softmax"}, relu)
	if err != nil || old != path+" does not record its activations (an older nngen wrote it): only the widths and the head were checked" {
		t.Errorf("older file: note %q, error %v", old, err)
	}
	plain, err := CheckArch(path, Meta{}, relu)
	if err != nil || plain != path+" has no nngen metadata: only the shapes of its tensors were checked, not the activations, the loss or the preprocessing" {
		t.Errorf("state dict: note %q, error %v", plain, err)
	}
}

// TestDecodeMetaErrors checks the messages for malformed new metadata.
func TestDecodeMetaErrors(t *testing.T) {
	for _, tc := range []struct {
		md   map[string]string
		want string
	}{
		{map[string]string{"nngen.dtype": "float16"}, `metadata "nngen.dtype": unknown dtype "float16"`},
		{map[string]string{"nngen.activations": "relu,leaky_relu(x),softmax"}, `metadata "nngen.activations": "leaky_relu(x)" is not an activation with a parameter, as leaky_relu(0.01)`},
		{map[string]string{"nngen.activations": "relu,,softmax"}, `metadata "nngen.activations": "" is not an activation`},
		{map[string]string{"nngen.features": `{"a":1}`}, `metadata "nngen.features": "{\"a\":1}" is not a JSON array of strings`},
		{map[string]string{"nngen.features": `["a","a"]`}, `metadata: feature "a" is named twice`},
		{map[string]string{"nngen.classes": `["a","a"]`}, `metadata: classes: class "a" is listed twice`},
		{map[string]string{"nngen.settings": `{"lr":0.1}`}, `metadata "nngen.settings": "{\"lr\":0.1}" is not a JSON object of strings`},
		{map[string]string{"nngen.metrics": `[1]`}, `metadata "nngen.metrics": "[1]" is not a JSON object of numbers`},
		{map[string]string{"nngen.files": `null`}, `metadata "nngen.files": "null" is not a JSON object of file sums`},
		{map[string]string{"nngen.missing": "zero"}, `metadata "nngen.missing": unknown policy for missing values "zero": want error, drop or mean`},
		{map[string]string{"nngen.missing": "mean", "nngen.fill": `["a"]`}, `metadata "nngen.fill": "[\"a\"]" is not a JSON array of numbers`},
		{map[string]string{"nngen.missing": "drop", "nngen.fill": `[1]`}, "metadata: fill values given, but the policy for missing values is drop, not mean"},
		{map[string]string{"nngen.widths": "4,6,3", "nngen.head": "softmax", "nngen.activations": "relu,sigmoid"},
			"metadata: activations relu, sigmoid do not fit a 4,6,3 softmax network"},
	} {
		if _, err := decodeMeta(tc.md); err == nil || err.Error() != tc.want {
			t.Errorf("%q: error %v\nwant %s", tc.md, err, tc.want)
		}
	}
}
