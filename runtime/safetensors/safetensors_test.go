package safetensors

import (
	"bytes"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func equalSlices[T comparable](a, b []T) bool { return slices.Equal(a, b) }

func equalMeta(a, b map[string]string) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// equalFiles compares two files tensor by tensor, ignoring order.
func equalFiles(t testing.TB, got, want *File) {
	t.Helper()
	if !equalMeta(got.Metadata, want.Metadata) {
		t.Fatalf("metadata = %#v, want %#v", got.Metadata, want.Metadata)
	}
	if len(got.Tensors) != len(want.Tensors) {
		t.Fatalf("%d tensors, want %d", len(got.Tensors), len(want.Tensors))
	}
	for _, w := range want.Tensors {
		g, err := got.Tensor(w.Name)
		if err != nil {
			t.Fatal(err)
		}
		if g.DType != w.DType || !slices.Equal(g.Shape, w.Shape) || !bytes.Equal(g.Data, w.Data) {
			t.Fatalf("tensor %q = %s%v %x, want %s%v %x", w.Name, g.DType, g.Shape, g.Data, w.DType, w.Shape, w.Data)
		}
	}
}

// writeRead writes f to path with WriteFile, reads it back with ReadFile,
// checks that it reads f and returns what it read.
func writeRead(t testing.TB, path string, f *File) *File {
	t.Helper()
	if err := WriteFile(path, f); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	equalFiles(t, got, f)
	return got
}

func TestRoundTrip(t *testing.T) {
	w32, err := FromFloats("layer.0.weight", []int{2, 3}, []float32{1, 2, 3, -4, float32(math.Inf(1)), 1e-40})
	if err != nil {
		t.Fatal(err)
	}
	b32, err := FromFloats("layer.0.bias", []int{2}, []float32{0.5, -0.5})
	if err != nil {
		t.Fatal(err)
	}
	w64, err := FromFloats("layer.1.weight", []int{1, 2}, []float64{math.Pi, -math.MaxFloat64})
	if err != nil {
		t.Fatal(err)
	}
	s64, err := FromFloats("scale", nil, []float64{math.SmallestNonzeroFloat64})
	if err != nil {
		t.Fatal(err)
	}
	empty, err := FromFloats("empty", []int{0, 3}, []float32{})
	if err != nil {
		t.Fatal(err)
	}
	raw := Tensor{Name: "steps", DType: I64, Shape: []int{1}, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8}}
	in := &File{
		Tensors:  []Tensor{w32, b32, w64, s64, empty, raw},
		Metadata: map[string]string{"format": "pt", "nngen.layers": "2", "unicode": "héllo ✓"},
	}

	out := writeRead(t, filepath.Join(t.TempDir(), "model.safetensors"), in)

	// Through io.Reader / io.Writer too, and the output is stable.
	b := mustWrite(t, in)
	out2, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	equalFiles(t, out2, in)
	if again := mustWrite(t, out2); !bytes.Equal(again, b) {
		t.Fatal("rewriting a read file changed its bytes")
	}

	// Layout: F64 tensors first, then F32, each group by name; I64 ranks
	// above F64 in the reference order.
	want := []string{"steps", "layer.1.weight", "scale", "empty", "layer.0.bias", "layer.0.weight"}
	if got := names(out2); !slices.Equal(got, want) {
		t.Fatalf("layout order %v, want %v", got, want)
	}

	got32, err := Floats[float32](&out.Tensors[slices.IndexFunc(out.Tensors, func(t Tensor) bool { return t.Name == "layer.0.weight" })])
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{1, 2, 3, -4, float32(math.Inf(1)), 1e-40}; !slices.Equal(got32, want) {
		t.Fatalf("F32 values %v, want %v", got32, want)
	}
	pt, err := out.Tensor("layer.1.weight")
	if err != nil {
		t.Fatal(err)
	}
	got64, err := Floats[float64](pt)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{math.Pi, -math.MaxFloat64}; !slices.Equal(got64, want) {
		t.Fatalf("F64 values %v, want %v", got64, want)
	}
}

func TestMetadataNilVersusEmpty(t *testing.T) {
	for _, meta := range []map[string]string{nil, {}} {
		f, err := Read(bytes.NewReader(mustWrite(t, &File{Metadata: meta})))
		if err != nil {
			t.Fatal(err)
		}
		if (f.Metadata == nil) != (meta == nil) || len(f.Metadata) != 0 {
			t.Fatalf("metadata %#v read back as %#v", meta, f.Metadata)
		}
	}
}

func TestFloatsConversions(t *testing.T) {
	type weight float32
	w, err := FromFloats("w", []int{2}, []weight{1.5, -2})
	if err != nil {
		t.Fatal(err)
	}
	if w.DType != F32 {
		t.Fatalf("dtype %s for a float32-based type", w.DType)
	}
	wide, err := Floats[float64](&w)
	if err != nil || !slices.Equal(wide, []float64{1.5, -2}) {
		t.Fatalf("F32 to float64: %v, %v", wide, err)
	}
	d, err := FromFloats("d", []int{1}, []float64{0.1})
	if err != nil {
		t.Fatal(err)
	}
	narrow, err := Floats[weight](&d)
	if err != nil || !slices.Equal(narrow, []weight{weight(float32(0.1))}) {
		t.Fatalf("F64 to float32: %v, %v", narrow, err)
	}
}

func TestHelperErrors(t *testing.T) {
	check := func(err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error %v, want it to contain %q", err, want)
		}
	}
	_, err := FromFloats("w", []int{2, 3}, []float32{1, 2})
	check(err, `tensor "w": shape [2 3] holds 6 elements, got 2 values`)
	_, err = FromFloats("w", []int{-1}, []float32{})
	check(err, "negative dimension -1")
	_, err = FromFloats("w", []int{math.MaxInt, 3}, []float32{})
	check(err, "too large")

	i := Tensor{Name: "i", DType: I32, Shape: []int{1}, Data: make([]byte, 4)}
	_, err = Floats[float32](&i)
	check(err, `tensor "i" has dtype I32; only F32 and F64 convert`)
	short := Tensor{Name: "s", DType: F32, Shape: []int{2}, Data: make([]byte, 4)}
	_, err = Floats[float32](&short)
	check(err, `tensor "s": F32[2] needs 8 bytes, data has 4`)
	unknown := Tensor{Name: "u", DType: "Q4"}
	_, err = Floats[float32](&unknown)
	check(err, `unknown dtype "Q4"`)

	w, _ := FromFloats("w", []int{2, 3}, make([]float32, 6))
	check(w.CheckShape(3, 2), `tensor "w" has shape [2 3], want [3 2]`)
	if err := w.CheckShape(2, 3); err != nil {
		t.Fatal(err)
	}
	_, err = (&File{Tensors: []Tensor{w}}).Tensor("x")
	check(err, `no tensor named "x"`)
}

func TestWriteRejectsInvalid(t *testing.T) {
	ok, _ := FromFloats("ok", []int{1}, []float32{1})
	for _, tc := range []struct {
		name string
		file *File
		want string
	}{
		{"nil", nil, "nil File"},
		{"duplicate", &File{Tensors: []Tensor{ok, ok}}, `duplicate tensor name "ok"`},
		{"reserved", &File{Tensors: []Tensor{{Name: "__metadata__", DType: U8, Shape: []int{0}}}}, "reserved"},
		{"bad utf8 name", &File{Tensors: []Tensor{{Name: "\xff", DType: U8, Shape: []int{0}}}}, "not valid UTF-8"},
		{"bad utf8 metadata", &File{Metadata: map[string]string{"k": "\xfe"}}, "not valid UTF-8"},
		{"unknown dtype", &File{Tensors: []Tensor{{Name: "x", DType: "F31"}}}, `unknown dtype "F31"`},
		{"negative dim", &File{Tensors: []Tensor{{Name: "x", DType: F32, Shape: []int{-2}}}}, "negative dimension"},
		{"size mismatch", &File{Tensors: []Tensor{{Name: "x", DType: F64, Shape: []int{2}, Data: make([]byte, 8)}}},
			`tensor "x": F64[2] needs 16 bytes, data has 8`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Write(&buf, tc.file)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Write error %v, want %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Fatalf("Write wrote %d bytes before failing", buf.Len())
			}
		})
	}
}
