package safetensors

import (
	"bytes"
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the testdata fixtures")

// lenPrefix returns the 8-byte little-endian header length prefix.
func lenPrefix(n int) []byte {
	return []byte{byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24), 0, 0, 0, 0}
}

// concat joins byte strings.
func concat(parts ...[]byte) []byte {
	return bytes.Join(parts, nil)
}

// unhex decodes hex with spaces allowed between bytes.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustWrite(t testing.TB, f *File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, f); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

// mlpFile is the fixture: one PyTorch nn.Linear(3, 2) layer saved as
// "0.weight" (shape [2,3]) and "0.bias" (shape [2]), F32.
func mlpFile(t testing.TB, meta map[string]string) *File {
	t.Helper()
	w, err := FromFloats("0.weight", []int{2, 3}, []float32{0.5, -1, 2, 0.25, 3, -0.125})
	if err != nil {
		t.Fatal(err)
	}
	b, err := FromFloats("0.bias", []int{2}, []float32{1, -2})
	if err != nil {
		t.Fatal(err)
	}
	// Deliberately not in layout order: Write must sort.
	return &File{Tensors: []Tensor{w, b}, Metadata: meta}
}

// The bytes below are written out by hand following the reference
// conventions (see doc.go): "0.bias" sorts before "0.weight", the header
// is compact JSON padded with spaces to a multiple of 8, and the data of
// "0.bias" comes first.
var (
	mlpData = []byte("" +
		// 0.bias: 1, -2
		"\x00\x00\x80\x3f" + "\x00\x00\x00\xc0" +
		// 0.weight: 0.5, -1, 2, 0.25, 3, -0.125
		"\x00\x00\x00\x3f" + "\x00\x00\x80\xbf" + "\x00\x00\x00\x40" +
		"\x00\x00\x80\x3e" + "\x00\x00\x40\x40" + "\x00\x00\x00\xbe")
	mlpHeader = `{"0.bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},` +
		`"0.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[8,32]}}` +
		"      " // 122 bytes of JSON + 6 spaces = 128
	mlpHeaderMeta = `{"__metadata__":{"format":"pt"},` +
		`"0.bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},` +
		`"0.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[8,32]}}` +
		"       " // 153 bytes of JSON + 7 spaces = 160
)

func TestFixtureBytes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		file    string
		meta    map[string]string
		prefix  string // the length prefix, in hex
		header  string
		wantLen int
	}{
		{"plain", "mlp_f32.safetensors", nil, "80 00 00 00 00 00 00 00", mlpHeader, 8 + 128 + 32},
		{"metadata", "mlp_f32_meta.safetensors", map[string]string{"format": "pt"},
			"a0 00 00 00 00 00 00 00", mlpHeaderMeta, 8 + 160 + 32},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := concat(unhex(t, tc.prefix), []byte(tc.header), mlpData)
			if len(want) != tc.wantLen {
				t.Fatalf("hand-written fixture is %d bytes, want %d", len(want), tc.wantLen)
			}
			got := mustWrite(t, mlpFile(t, tc.meta))
			if !bytes.Equal(got, want) {
				t.Fatalf("Write output differs from the hand-written bytes\ngot  %q\nwant %q", got, want)
			}

			path := filepath.Join("testdata", tc.file)
			if *update {
				if err := WriteFile(path, mlpFile(t, tc.meta)); err != nil {
					t.Fatal(err)
				}
			}
			disk, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(disk, want) {
				t.Fatalf("%s differs from the hand-written bytes (run go test -update?)", path)
			}

			f, err := ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Tensors) != 2 || f.Tensors[0].Name != "0.bias" || f.Tensors[1].Name != "0.weight" {
				t.Fatalf("tensors read in wrong order: %v", names(f))
			}
			wt, err := f.Tensor("0.weight")
			if err != nil {
				t.Fatal(err)
			}
			if err := wt.CheckShape(2, 3); err != nil {
				t.Fatal(err)
			}
			w, err := Floats[float32](wt)
			if err != nil {
				t.Fatal(err)
			}
			if want := []float32{0.5, -1, 2, 0.25, 3, -0.125}; !equalSlices(w, want) {
				t.Fatalf("0.weight = %v, want %v", w, want)
			}
			if !equalMeta(f.Metadata, tc.meta) {
				t.Fatalf("metadata = %v, want %v", f.Metadata, tc.meta)
			}
		})
	}
}

// TestReferenceVectors checks Write against byte strings asserted by the
// reference project's own tests, so the layout matches what the Python
// safetensors library writes.
func TestReferenceVectors(t *testing.T) {
	zeros := func(n int) []byte { return make([]byte, n) }
	f32s := func(v ...float32) []byte {
		tt, err := FromFloats("", []int{len(v)}, v)
		if err != nil {
			t.Fatal(err)
		}
		return tt.Data
	}
	for _, tc := range []struct {
		name string
		file *File
		want []byte
	}{
		{
			// test_simple.py: test_serialization
			"python I32",
			&File{Tensors: []Tensor{{Name: "test", DType: I32, Shape: []int{2, 2}, Data: zeros(16)}}},
			concat([]byte("@\x00\x00\x00\x00\x00\x00\x00"),
				[]byte(`{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}    `), zeros(16)),
		},
		{
			// test_simple.py: test_serialization_forces_alignment
			// (I32 is laid out before F16 although "test2" > "test1"
			// would not require it; inputs given in reverse order).
			"python alignment order",
			&File{Tensors: []Tensor{
				{Name: "test2", DType: F16, Shape: []int{2, 2}, Data: zeros(8)},
				{Name: "test1", DType: I32, Shape: []int{2, 2}, Data: zeros(16)},
			}},
			concat([]byte("\x80\x00\x00\x00\x00\x00\x00\x00"),
				[]byte(`{"test1":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]},`+
					`"test2":{"dtype":"F16","shape":[2,2],"data_offsets":[16,24]}}      `), zeros(24)),
		},
		{
			// test_simple.py: test_serialization_metadata
			"python metadata",
			&File{
				Tensors:  []Tensor{{Name: "test1", DType: I32, Shape: []int{2, 2}, Data: zeros(16)}},
				Metadata: map[string]string{"framework": "pt"},
			},
			concat([]byte("`\x00\x00\x00\x00\x00\x00\x00"),
				[]byte(`{"__metadata__":{"framework":"pt"},"test1":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}} `),
				zeros(16)),
		},
		{
			// tensor.rs: test_empty
			"rust empty",
			&File{},
			concat(lenPrefix(8), []byte("{}      ")),
		},
		{
			// tensor.rs: test_empty with metadata
			"rust empty metadata",
			&File{Metadata: map[string]string{"framework": "pt"}},
			concat(lenPrefix(40), []byte(`{"__metadata__":{"framework":"pt"}}     `)),
		},
		{
			// tensor.rs: test_serialization (header needs no padding)
			"rust F32",
			&File{Tensors: []Tensor{{Name: "attn.0", DType: F32, Shape: []int{1, 2, 3}, Data: f32s(0, 1, 2, 3, 4, 5)}}},
			concat(lenPrefix(64),
				[]byte(`{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}`), f32s(0, 1, 2, 3, 4, 5)),
		},
		{
			// tensor.rs: test_serialization_forced_alignement
			"rust F32 padded",
			&File{Tensors: []Tensor{{Name: "attn0", DType: F32, Shape: []int{1, 1, 2, 3}, Data: f32s(0, 1, 2, 3, 4, 5)}}},
			concat(lenPrefix(72),
				[]byte(`{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       `), f32s(0, 1, 2, 3, 4, 5)),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustWrite(t, tc.file)
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("Write:\ngot  %q\nwant %q", got, tc.want)
			}
			if _, err := Read(bytes.NewReader(tc.want)); err != nil {
				t.Fatalf("Read: %v", err)
			}
		})
	}
}

// The reference reader accepts headers that are not padded (files written
// before padding was introduced); so must we.
func TestReadUnpadded(t *testing.T) {
	b := concat([]byte("<\x00\x00\x00\x00\x00\x00\x00"),
		[]byte(`{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}`), make([]byte, 16))
	f, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tensors) != 1 || f.Tensors[0].Name != "test" || len(f.Tensors[0].Data) != 16 {
		t.Fatalf("got %+v", f.Tensors)
	}
}

func TestWriteOrderF64BeforeF32(t *testing.T) {
	a, _ := FromFloats("a", []int{1}, []float32{1})
	z, _ := FromFloats("z", []int{1}, []float64{2})
	got := mustWrite(t, &File{Tensors: []Tensor{a, z}})
	hdr := `{"z":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`
	want := concat(lenPrefix(112), []byte(hdr+"    "), z.Data, a.Data)
	if !bytes.Equal(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestWriteEscaping(t *testing.T) {
	f := &File{
		Tensors:  []Tensor{{Name: "a\"\\\n\x01/é<", DType: U8, Shape: []int{}, Data: []byte{7}}},
		Metadata: map[string]string{"k\t": "v\x1f\r", "b": "\b\f"},
	}
	got := mustWrite(t, f)
	hdr := `{"__metadata__":{"b":"\b\f","k\t":"v\u001f\r"},` +
		`"a\"\\\n\u0001/é<":{"dtype":"U8","shape":[],"data_offsets":[0,1]}}`
	want := concat(lenPrefix(len(hdr)+(8-len(hdr)%8)%8), []byte(hdr), bytes.Repeat([]byte(" "), (8-len(hdr)%8)%8), []byte{7})
	if !bytes.Equal(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	back, err := Read(bytes.NewReader(got))
	if err != nil {
		t.Fatal(err)
	}
	if back.Tensors[0].Name != f.Tensors[0].Name || !equalMeta(back.Metadata, f.Metadata) {
		t.Fatalf("round trip changed names: %+v", back)
	}
}

func names(f *File) []string {
	var s []string
	for _, t := range f.Tensors {
		s = append(s, t.Name)
	}
	return s
}
