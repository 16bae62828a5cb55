package safetensors

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"unicode/utf8"
)

// MaxHeaderSize is the largest header length, in bytes, that Read and
// ReadFile accept (and that Write produces). It is the limit of the
// reference implementation: 100 MB.
const MaxHeaderSize = 100_000_000

// metadataKey is the reserved header key of the metadata object.
const metadataKey = "__metadata__"

// ReadFile reads and validates the safetensors file at path. Malformed
// content yields a *FormatError whose Path is path.
//
// The header length is checked against the file size before anything
// else is allocated, so a corrupt length never causes a large allocation.
func ReadFile(path string) (*File, error) {
	return readPath(path, decode)
}

// ReadMetadata returns the metadata of the safetensors file at path, nil
// if it has none, reading only its header: the header is validated as
// ReadFile validates it, and the tensors it describes are checked to fill
// the rest of the file, but their data are not read.
func ReadMetadata(path string) (map[string]string, error) {
	h, err := readPath(path, decodeHeader)
	if err != nil {
		return nil, err
	}
	return h.meta, nil
}

// readPath opens the file at path and decodes it with decode, which is
// given its size (-1 if it is not a regular file), naming path in the
// errors.
func readPath[R any](path string, decode func(r io.Reader, size int64) (*R, error)) (*R, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	defer fh.Close()
	size := int64(-1)
	if st, err := fh.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	v, err := decode(fh, size)
	if err != nil {
		if fe, ok := err.(*FormatError); ok {
			fe.Path = path
			return nil, fe
		}
		return nil, fmt.Errorf("safetensors: read %s: %w", path, err)
	}
	return v, nil
}

// Read reads and validates safetensors data from r, which must end right
// after the last tensor's data. Malformed content yields a *FormatError.
//
// Memory grows only with the bytes actually read from r, never with
// lengths claimed by the data.
func Read(r io.Reader) (*File, error) {
	f, err := decode(r, -1)
	if err != nil {
		if _, ok := err.(*FormatError); ok {
			return nil, err
		}
		return nil, fmt.Errorf("safetensors: read: %w", err)
	}
	return f, nil
}

// entry is one tensor as described by the header.
type entry struct {
	name       string
	dtype      DType
	shape      []int
	begin, end int
}

// header is the decoded header of a safetensors stream.
type header struct {
	entries []entry // sorted by data offset
	meta    map[string]string
	total   int // the length of the data section the entries describe
}

// decodeHeader reads and checks the length prefix and the header of a
// safetensors stream from r. size is the total number of bytes r holds,
// or -1 if unknown.
func decodeHeader(r io.Reader, size int64) (*header, error) {
	var prefix [8]byte
	if k, err := io.ReadFull(r, prefix[:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, formatErr("too short: %d bytes, need at least 8 for the header length", k)
		}
		return nil, err
	}
	n := binary.LittleEndian.Uint64(prefix[:])
	if n > MaxHeaderSize {
		return nil, formatErr("header length %d exceeds the limit of %d bytes", n, MaxHeaderSize)
	}
	dataLen := int64(-1)
	if size >= 0 {
		avail := max(size-8, 0)
		if n > uint64(avail) {
			return nil, formatErr("header length %d is larger than the %d bytes after the length prefix", n, avail)
		}
		dataLen = avail - int64(n)
	}

	hdr, err := readN(r, int(n), size >= 0)
	if err != nil {
		return nil, err
	}
	if len(hdr) < int(n) {
		return nil, formatErr("truncated header: got %d of %d bytes", len(hdr), n)
	}
	entries, meta, err := parseHeader(hdr)
	if err != nil {
		return nil, err
	}
	total, err := checkLayout(entries, dataLen)
	if err != nil {
		return nil, err
	}
	return &header{entries: entries, meta: meta, total: total}, nil
}

// decode reads a whole safetensors stream from r. size is the total number
// of bytes r holds, or -1 if unknown.
func decode(r io.Reader, size int64) (*File, error) {
	h, err := decodeHeader(r, size)
	if err != nil {
		return nil, err
	}
	data, err := readN(r, h.total, size >= 0)
	if err != nil {
		return nil, err
	}
	if len(data) < h.total {
		return nil, formatErr("truncated data section: got %d of %d bytes", len(data), h.total)
	}
	var extra [1]byte
	if k, err := io.ReadFull(r, extra[:]); k > 0 {
		return nil, formatErr("trailing garbage after the data section")
	} else if err != io.EOF {
		return nil, err
	}

	f := &File{Tensors: make([]Tensor, len(h.entries)), Metadata: h.meta}
	for i, e := range h.entries {
		f.Tensors[i] = Tensor{
			Name:  e.name,
			DType: e.dtype,
			Shape: e.shape,
			Data:  data[e.begin:e.end:e.end],
		}
	}
	return f, nil
}

// readN reads up to n bytes from r. With exact set, n is known to be
// backed by the input and is allocated at once; otherwise the buffer grows
// with the bytes that actually arrive. A short result is not an error.
func readN(r io.Reader, n int, exact bool) ([]byte, error) {
	if exact {
		buf := make([]byte, n)
		k, err := io.ReadFull(r, buf)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			err = nil
		}
		return buf[:k], err
	}
	return io.ReadAll(io.LimitReader(r, int64(n)))
}

// checkLayout validates each entry's offsets against its dtype and shape,
// sorts entries by data offset and checks that they tile the data section
// without overlaps or holes. dataLen is the data section's length, or -1
// if unknown. It returns the data section length the header describes.
func checkLayout(entries []entry, dataLen int64) (int, error) {
	for _, e := range entries {
		if e.begin > e.end {
			return 0, formatErr("tensor %q: data_offsets [%d, %d] end before they begin", e.name, e.begin, e.end)
		}
		if dataLen >= 0 && int64(e.end) > dataLen {
			return 0, formatErr("tensor %q: data_offsets [%d, %d] exceed the %d-byte data section",
				e.name, e.begin, e.end, dataLen)
		}
		n, err := numElements(e.shape)
		if err != nil {
			return 0, formatErr("tensor %q: %v", e.name, err)
		}
		size := e.dtype.Size()
		if n > math.MaxInt/size {
			return 0, formatErr("tensor %q: shape %v is too large", e.name, e.shape)
		}
		if e.end-e.begin != n*size {
			return 0, formatErr("tensor %q: data_offsets [%d, %d] span %d bytes, but %s%v needs %d",
				e.name, e.begin, e.end, e.end-e.begin, e.dtype, e.shape, n*size)
		}
	}
	slices.SortStableFunc(entries, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.begin, b.begin), cmp.Compare(a.end, b.end))
	})
	pos := 0
	for i, e := range entries {
		if e.begin < pos {
			return 0, formatErr("tensor %q: data_offsets [%d, %d] overlap tensor %q",
				e.name, e.begin, e.end, entries[i-1].name)
		}
		if e.begin > pos {
			return 0, formatErr("data section has a hole: bytes [%d, %d) before tensor %q belong to no tensor",
				pos, e.begin, e.name)
		}
		pos = e.end
	}
	if dataLen >= 0 && int64(pos) != dataLen {
		return 0, formatErr("trailing garbage: %d bytes after the last tensor's data", dataLen-int64(pos))
	}
	return pos, nil
}

// parseHeader decodes the JSON header strictly: an object whose keys are
// unique, holding tensor descriptions and at most one metadata object,
// followed by nothing but whitespace.
func parseHeader(hdr []byte) ([]entry, map[string]string, error) {
	if !utf8.Valid(hdr) {
		return nil, nil, formatErr("header is not valid UTF-8")
	}
	if len(hdr) == 0 || hdr[0] != '{' {
		return nil, nil, formatErr("header does not start with '{'")
	}
	p := &parser{dec: json.NewDecoder(bytes.NewReader(hdr))}
	p.dec.UseNumber()
	if err := p.delim('{', "header"); err != nil {
		return nil, nil, err
	}
	var (
		entries []entry
		meta    map[string]string
		seen    = map[string]bool{}
	)
	for p.dec.More() {
		key, err := p.key(seen, "header")
		if err != nil {
			return nil, nil, err
		}
		if key == metadataKey {
			if meta, err = p.metadata(); err != nil {
				return nil, nil, err
			}
			continue
		}
		e, err := p.tensor(key)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	if err := p.delim('}', "header"); err != nil {
		return nil, nil, err
	}
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, nil, formatErr("invalid header JSON: unexpected data after the closing '}'")
	}
	return entries, meta, nil
}

// parser reads the header token by token, so that duplicate keys and
// values of the wrong type are caught, and nesting never goes deeper than
// the format allows.
type parser struct {
	dec *json.Decoder
}

// token returns the next JSON token, turning syntax errors into
// FormatErrors.
func (p *parser) token() (json.Token, error) {
	tok, err := p.dec.Token()
	if err == io.EOF {
		return nil, formatErr("invalid header JSON: unexpected end")
	}
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, formatErr("invalid header JSON at byte %d: %v", se.Offset, err)
		}
		return nil, formatErr("invalid header JSON: %v", err)
	}
	return tok, nil
}

func (p *parser) delim(want json.Delim, what string) error {
	tok, err := p.token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return formatErr("%s: expected '%c', found %s", what, want, describe(tok))
	}
	return nil
}

// key reads an object key and rejects one already in seen.
func (p *parser) key(seen map[string]bool, what string) (string, error) {
	tok, err := p.token()
	if err != nil {
		return "", err
	}
	k, ok := tok.(string)
	if !ok {
		return "", formatErr("%s: expected a key, found %s", what, describe(tok))
	}
	if seen[k] {
		return "", formatErr("%s: duplicate key %q", what, k)
	}
	seen[k] = true
	return k, nil
}

func (p *parser) str(what string) (string, error) {
	tok, err := p.token()
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", formatErr("%s: expected a string, found %s", what, describe(tok))
	}
	return s, nil
}

// int reads a non-negative integer that fits an int.
func (p *parser) int(what string) (int, error) {
	tok, err := p.token()
	if err != nil {
		return 0, err
	}
	num, ok := tok.(json.Number)
	if !ok {
		return 0, formatErr("%s: expected an integer, found %s", what, describe(tok))
	}
	v, err := strconv.ParseInt(string(num), 10, 64)
	switch {
	case err == nil && v < 0, err != nil && num[0] == '-':
		return 0, formatErr("%s: negative value %s", what, num)
	case err != nil && errors.Is(err, strconv.ErrRange), v > math.MaxInt:
		return 0, formatErr("%s: value %s overflows", what, num)
	case err != nil:
		return 0, formatErr("%s: %s is not an integer", what, num)
	}
	return int(v), nil
}

// ints reads an array of non-negative integers.
func (p *parser) ints(what string) ([]int, error) {
	if err := p.delim('[', what); err != nil {
		return nil, err
	}
	out := []int{}
	for p.dec.More() {
		v, err := p.int(what)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, p.delim(']', what)
}

func (p *parser) metadata() (map[string]string, error) {
	const what = metadataKey
	if err := p.delim('{', what); err != nil {
		return nil, err
	}
	meta := map[string]string{}
	seen := map[string]bool{}
	for p.dec.More() {
		k, err := p.key(seen, what)
		if err != nil {
			return nil, err
		}
		if meta[k], err = p.str(fmt.Sprintf("%s[%q]", what, k)); err != nil {
			return nil, err
		}
	}
	return meta, p.delim('}', what)
}

func (p *parser) tensor(name string) (entry, error) {
	what := fmt.Sprintf("tensor %q", name)
	e := entry{name: name}
	if err := p.delim('{', what); err != nil {
		return e, err
	}
	seen := map[string]bool{}
	for p.dec.More() {
		k, err := p.key(seen, what)
		if err != nil {
			return e, err
		}
		switch k {
		case "dtype":
			s, err := p.str(what + " dtype")
			if err != nil {
				return e, err
			}
			if e.dtype = DType(s); e.dtype.Size() == 0 {
				return e, formatErr("%s: unknown dtype %q", what, s)
			}
		case "shape":
			if e.shape, err = p.ints(what + " shape"); err != nil {
				return e, err
			}
		case "data_offsets":
			offs, err := p.ints(what + " data_offsets")
			if err != nil {
				return e, err
			}
			if len(offs) != 2 {
				return e, formatErr("%s: data_offsets has %d elements, want 2", what, len(offs))
			}
			e.begin, e.end = offs[0], offs[1]
		default:
			return e, formatErr("%s: unknown field %q", what, k)
		}
	}
	for _, f := range []string{"dtype", "shape", "data_offsets"} {
		if !seen[f] {
			return e, formatErr("%s: missing field %q", what, f)
		}
	}
	return e, p.delim('}', what)
}

// describe names a JSON token for error messages.
func describe(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		return fmt.Sprintf("'%c'", rune(v))
	case string:
		return fmt.Sprintf("string %q", v)
	case json.Number:
		return "number " + string(v)
	case bool:
		return fmt.Sprintf("%t", v)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", tok)
}
