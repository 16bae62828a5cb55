package safetensors

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// build returns a file with the given header (unpadded) and data section.
func build(header string, data []byte) []byte {
	return concat(lenPrefix(len(header)), []byte(header), data)
}

// tensorJSON returns one header entry.
func tensorJSON(name, dtype, shape, offsets string) string {
	return `"` + name + `":{"dtype":"` + dtype + `","shape":` + shape + `,"data_offsets":` + offsets + `}`
}

type corruptCase struct {
	name  string
	input []byte
	// want must appear in the error of both Read and ReadFile, unless
	// wantFile is set, which is then what ReadFile must report.
	want, wantFile string
}

func corruptCases() []corruptCase {
	a8 := tensorJSON("a", "F32", "[2]", "[0,8]")
	huge := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	return []corruptCase{
		{"empty", nil, "too short: 0 bytes, need at least 8", ""},
		{"too short", []byte{1, 2, 3}, "too short: 3 bytes", ""},
		{"header length larger than file", concat(lenPrefix(100), []byte("{}   ")),
			"truncated header: got 5 of 100 bytes", "header length 100 is larger than the 5 bytes after the length prefix"},
		{"header length above limit", concat(lenPrefix(MaxHeaderSize+1), []byte("{}")),
			"header length 100000001 exceeds the limit of 100000000 bytes", ""},
		{"header length 2^64-1", concat(huge, []byte("{}")), "header length 18446744073709551615 exceeds the limit", ""},
		{"empty header", build("", nil), "header does not start with '{'", ""},
		{"header not an object", build("[]", nil), "header does not start with '{'", ""},
		{"leading space", build(" {}", nil), "header does not start with '{'", ""},
		{"invalid UTF-8", build("{\"\xff\":1}", nil), "header is not valid UTF-8", ""},
		{"invalid JSON", build(`{"a":`, nil), "invalid header JSON", ""},
		{"invalid JSON syntax", build(`{"a" 1}`, nil), "invalid header JSON", ""},
		{"unterminated", build(`{`, nil), "invalid header JSON", ""},
		{"trailing JSON", build(`{}{}`, nil), "unexpected data after the closing '}'", ""},
		{"NUL padding", build("{}\x00\x00", nil), "unexpected data after the closing '}'", ""},
		{"tensor not an object", build(`{"a":1}`, nil), `tensor "a": expected '{', found number 1`, ""},
		{"unknown dtype", build("{"+tensorJSON("a", "F31", "[2]", "[0,8]")+"}", make([]byte, 8)),
			`tensor "a": unknown dtype "F31"`, ""},
		{"dtype not a string", build(`{"a":{"dtype":4}}`, nil), `tensor "a" dtype: expected a string, found number 4`, ""},
		{"negative dimension", build("{"+tensorJSON("a", "F32", "[-1]", "[0,0]")+"}", nil),
			`tensor "a" shape: negative value -1`, ""},
		{"fractional dimension", build("{"+tensorJSON("a", "F32", "[1.5]", "[0,6]")+"}", nil),
			`tensor "a" shape: 1.5 is not an integer`, ""},
		{"exponent dimension", build("{"+tensorJSON("a", "F32", "[1e2]", "[0,400]")+"}", nil),
			"1e2 is not an integer", ""},
		{"overflowing dimension", build("{"+tensorJSON("a", "F32", "[99999999999999999999]", "[0,0]")+"}", nil),
			"value 99999999999999999999 overflows", ""},
		{"overflowing shape", build("{"+tensorJSON("a", "F32", "[4294967296,4294967296]", "[0,0]")+"}", nil),
			`tensor "a": shape [4294967296 4294967296] is too large`, ""},
		{"overflowing byte size", build("{"+tensorJSON("a", "F64", "[2305843009213693952]", "[0,0]")+"}", nil),
			`tensor "a": shape [2305843009213693952] is too large`, ""},
		{"shape not an array", build(`{"a":{"shape":3}}`, nil), `tensor "a" shape: expected '[', found number 3`, ""},
		{"nested shape", build(`{"a":{"shape":[[1]]}}`, nil), `expected an integer, found '['`, ""},
		{"negative offset", build("{"+tensorJSON("a", "F32", "[2]", "[-8,0]")+"}", nil),
			`tensor "a" data_offsets: negative value -8`, ""},
		{"one offset", build("{"+tensorJSON("a", "F32", "[2]", "[8]")+"}", nil),
			"data_offsets has 1 elements, want 2", ""},
		{"three offsets", build("{"+tensorJSON("a", "F32", "[2]", "[0,8,8]")+"}", nil),
			"data_offsets has 3 elements, want 2", ""},
		{"reversed offsets", build("{"+tensorJSON("a", "F32", "[2]", "[8,0]")+"}", make([]byte, 8)),
			`tensor "a": data_offsets [8, 0] end before they begin`, ""},
		{"offsets out of range", build("{"+tensorJSON("a", "F32", "[25]", "[0,100]")+"}", make([]byte, 8)),
			"truncated data section: got 8 of 100 bytes", `tensor "a": data_offsets [0, 100] exceed the 8-byte data section`},
		{"size does not match shape", build("{"+tensorJSON("a", "F32", "[3]", "[0,8]")+"}", make([]byte, 8)),
			`tensor "a": data_offsets [0, 8] span 8 bytes, but F32[3] needs 12`, ""},
		{"overlap", build("{"+a8+","+tensorJSON("b", "F32", "[2]", "[4,12]")+"}", make([]byte, 12)),
			`tensor "b": data_offsets [4, 12] overlap tensor "a"`, ""},
		{"same offsets", build("{"+a8+","+tensorJSON("b", "F32", "[2]", "[0,8]")+"}", make([]byte, 16)),
			`overlap tensor`, ""},
		{"hole", build("{"+a8+","+tensorJSON("b", "F32", "[2]", "[12,20]")+"}", make([]byte, 20)),
			`data section has a hole: bytes [8, 12) before tensor "b" belong to no tensor`, ""},
		{"not starting at 0", build("{"+tensorJSON("a", "F32", "[2]", "[4,12]")+"}", make([]byte, 12)),
			`hole: bytes [0, 4) before tensor "a"`, ""},
		{"data not covered", build("{"+a8+"}", make([]byte, 12)),
			"trailing garbage after the data section", "trailing garbage: 4 bytes after the last tensor's data"},
		{"data truncated", build("{"+a8+"}", make([]byte, 6)),
			"truncated data section: got 6 of 8 bytes", `tensor "a": data_offsets [0, 8] exceed the 6-byte data section`},
		{"duplicate tensor", build("{"+a8+","+a8+"}", make([]byte, 8)), `header: duplicate key "a"`, ""},
		{"duplicate field", build(`{"a":{"dtype":"F32","dtype":"F64"}}`, nil), `tensor "a": duplicate key "dtype"`, ""},
		{"unknown field", build(`{"a":{"dtype":"F32","offsets":[0,0]}}`, nil), `tensor "a": unknown field "offsets"`, ""},
		{"missing field", build(`{"a":{"dtype":"F32","shape":[]}}`, nil), `tensor "a": missing field "data_offsets"`, ""},
		{"duplicate metadata", build(`{"__metadata__":{},"__metadata__":{}}`, nil), `duplicate key "__metadata__"`, ""},
		{"metadata not an object", build(`{"__metadata__":"pt"}`, nil), `__metadata__: expected '{', found string "pt"`, ""},
		{"metadata value not a string", build(`{"__metadata__":{"n":1}}`, nil),
			`__metadata__["n"]: expected a string, found number 1`, ""},
		{"metadata duplicate key", build(`{"__metadata__":{"k":"a","k":"b"}}`, nil), `__metadata__: duplicate key "k"`, ""},
		{"metadata null", build(`{"__metadata__":null}`, nil), "found null", ""},
	}
}

func TestReadCorrupt(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range corruptCases() {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Read(bytes.NewReader(tc.input))
			checkFormatErr(t, "Read", f, err, "", tc.want)

			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".safetensors")
			if err := os.WriteFile(path, tc.input, 0o644); err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if tc.wantFile != "" {
				want = tc.wantFile
			}
			f, err = ReadFile(path)
			checkFormatErr(t, "ReadFile", f, err, path, want)
			// The header alone tells the same, the size of the file known.
			md, err := ReadMetadata(path)
			checkFormatErr(t, "ReadMetadata", &File{Metadata: md}, err, path, want)
		})
	}
}

func checkFormatErr(t *testing.T, fn string, f *File, err error, path, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s succeeded (%d tensors), want error %q", fn, len(f.Tensors), want)
	}
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("%s error %v (%T) is not a *FormatError", fn, err, err)
	}
	if fe.Path != path {
		t.Fatalf("%s error names %q, want %q", fn, fe.Path, path)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("%s error\n  %v\nwant it to contain\n  %s", fn, err, want)
	}
	if path != "" && !strings.HasPrefix(err.Error(), "safetensors: "+path+": ") {
		t.Fatalf("%s error %q does not start with the file name", fn, err)
	}
}

// TestReadMetadata checks that ReadMetadata returns the metadata that
// ReadFile does, and ignores the tensors' data.
func TestReadMetadata(t *testing.T) {
	dir := t.TempDir()
	a, err := FromFloats("a", []int{2, 3}, []float32{1, 2, 3, 4, 5, 6})
	if err != nil {
		t.Fatal(err)
	}
	for i, meta := range []map[string]string{nil, {}, {"format": "pt", "k": "v\n\"w\""}} {
		path := filepath.Join(dir, fmt.Sprintf("%d.safetensors", i))
		if err := WriteFile(path, &File{Tensors: []Tensor{a}, Metadata: meta}); err != nil {
			t.Fatal(err)
		}
		got, err := ReadMetadata(path)
		if err != nil {
			t.Fatal(err)
		}
		if (got == nil) != (meta == nil) || !maps.Equal(got, meta) {
			t.Errorf("metadata %#v read back as %#v", meta, got)
		}
	}
	if _, err := ReadMetadata(filepath.Join(dir, "missing.safetensors")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadMetadata of a missing file: %v, want an error wrapping os.ErrNotExist", err)
	}
}

func TestReadFileMissing(t *testing.T) {
	_, err := ReadFile(filepath.Join(t.TempDir(), "nope.safetensors"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "nope.safetensors") {
		t.Fatalf("error %v, want a not-exist error naming the file", err)
	}
}

// A lying reader: claims a huge data section but delivers little. Read must
// not allocate the claimed size up front (checked loosely via the result),
// and must report truncation.
func TestReadClaimedSizeNotAllocated(t *testing.T) {
	hdr := "{" + tensorJSON("a", "U8", "[1000000000000]", "[0,1000000000000]") + "}"
	_, err := Read(bytes.NewReader(build(hdr, make([]byte, 10))))
	if err == nil || !strings.Contains(err.Error(), "truncated data section: got 10 of 1000000000000 bytes") {
		t.Fatalf("error %v", err)
	}
}

// Zero-sized tensors take no bytes and may share an offset.
func TestReadZeroSized(t *testing.T) {
	hdr := "{" + tensorJSON("e1", "F32", "[0]", "[0,0]") + "," + tensorJSON("a", "F32", "[1]", "[0,4]") + "," +
		tensorJSON("e2", "F64", "[3,0]", "[4,4]") + "," + tensorJSON("e0", "F64", "[0]", "[0,0]") + "}"
	f, err := Read(bytes.NewReader(build(hdr, make([]byte, 4))))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(f), []string{"e1", "e0", "a", "e2"}; !equalSlices(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

// Read must return tensors in data order, whatever the header order.
func TestReadDataOrder(t *testing.T) {
	hdr := "{" + tensorJSON("b", "U8", "[2]", "[2,4]") + "," + tensorJSON("a", "U8", "[2]", "[0,2]") + "}"
	f, err := Read(bytes.NewReader(build(hdr, []byte{1, 2, 3, 4})))
	if err != nil {
		t.Fatal(err)
	}
	if names(f)[0] != "a" || !bytes.Equal(f.Tensors[0].Data, []byte{1, 2}) || !bytes.Equal(f.Tensors[1].Data, []byte{3, 4}) {
		t.Fatalf("got %+v", f.Tensors)
	}
	// Appending to one tensor's data must not clobber the next one.
	_ = append(f.Tensors[0].Data, 9)
	if f.Tensors[1].Data[0] != 3 {
		t.Fatal("tensor data slices share capacity")
	}
}

func TestReadAcceptsJSONWhitespace(t *testing.T) {
	hdr := "{ \"a\" : {\"dtype\":\"U8\",\n\"shape\":[ 1 ],\t\"data_offsets\":[0,1]} }\r\n  "
	if _, err := Read(bytes.NewReader(build(hdr, []byte{5}))); err != nil {
		t.Fatal(err)
	}
}

// errReader yields data, then fails with err.
type errReader struct {
	data []byte
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// I/O errors are passed on (wrapped), not disguised as format errors.
func TestReadIOError(t *testing.T) {
	boom := errors.New("disk on fire")
	full := mustWrite(t, mlpFile(t, nil))
	for _, cut := range []int{0, 4, 8, 20, len(full) - 1, len(full)} {
		_, err := Read(&errReader{data: full[:cut], err: boom})
		var fe *FormatError
		if !errors.Is(err, boom) || errors.As(err, &fe) {
			t.Fatalf("cut %d: error %v, want the I/O error", cut, err)
		}
	}
}
