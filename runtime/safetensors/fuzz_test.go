package safetensors

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzRead checks that no input makes the reader panic, that reading a
// stream and reading a file of known size agree, that every failure is a
// *FormatError, and that whatever is accepted is written back canonically:
// writing it and reading that back gives the same tensors, and writing
// again gives the same bytes.
func FuzzRead(f *testing.F) {
	f.Add(mustWrite(f, mlpFile(f, nil)))
	f.Add(mustWrite(f, mlpFile(f, map[string]string{"format": "pt", "x": "y"})))
	f.Add(mustWrite(f, &File{}))
	f.Add(mustWrite(f, &File{Tensors: []Tensor{
		{Name: "s", DType: U8, Shape: []int{}, Data: []byte{1}},
		{Name: "z", DType: BF16, Shape: []int{0, 2}, Data: nil},
		{Name: "q\"\n", DType: I16, Shape: []int{1, 1}, Data: []byte{1, 2}},
	}}))
	for _, tc := range corruptCases() {
		f.Add(tc.input)
	}

	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Read(bytes.NewReader(b))
		known, kerr := decode(bytes.NewReader(b), int64(len(b)))
		if (err == nil) != (kerr == nil) {
			t.Fatalf("Read error %v, but with known size: %v", err, kerr)
		}
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || !errors.As(kerr, &fe) {
				t.Fatalf("not a *FormatError: %v / %v", err, kerr)
			}
			return
		}
		equalFiles(t, known, got)

		var buf bytes.Buffer
		if err := Write(&buf, got); err != nil {
			t.Fatalf("Write of an accepted file: %v", err)
		}
		first := bytes.Clone(buf.Bytes())
		back, err := Read(&buf)
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		equalFiles(t, back, got)
		if again := mustWrite(t, back); !bytes.Equal(again, first) {
			t.Fatalf("canonical output not stable:\n%q\n%q", first, again)
		}
	})
}
