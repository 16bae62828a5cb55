package safetensors

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/nngen/nngen/internal/atomicfile"
)

// Write writes f to w in canonical form (see the package documentation).
// f is validated completely before the first byte is written.
func Write(w io.Writer, f *File) error {
	hdr, order, err := encode(f)
	if err != nil {
		return err
	}
	if err := writeTo(w, hdr, order); err != nil {
		return fmt.Errorf("safetensors: write: %w", err)
	}
	return nil
}

// testHookWriter, when set by tests, wraps the temporary file's writer in
// WriteFile so that write failures can be injected.
var testHookWriter func(io.Writer) io.Writer

// WriteFile writes f to path atomically: it writes a temporary file in the
// same directory, syncs and closes it, renames it over path and syncs the
// directory. If anything before the rename fails, the temporary file is
// removed and an existing file at path is left untouched. Temporary files
// of saves of path that were killed are removed (see internal/atomicfile).
//
// A new file gets mode 0644; a replaced file keeps its permission bits.
func WriteFile(path string, f *File) error {
	hdr, order, err := encode(f)
	if err != nil {
		return err
	}
	err = atomicfile.Write(path, func(w io.Writer) error {
		if testHookWriter != nil {
			w = testHookWriter(w)
		}
		return writeTo(w, hdr, order)
	})
	if err != nil {
		return fmt.Errorf("safetensors: write %s: %w", path, err)
	}
	return nil
}

func writeTo(w io.Writer, hdr []byte, order []*Tensor) error {
	var prefix [8]byte
	binary.LittleEndian.PutUint64(prefix[:], uint64(len(hdr)))
	if _, err := w.Write(prefix[:]); err != nil {
		return err
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	for _, t := range order {
		if _, err := w.Write(t.Data); err != nil {
			return err
		}
	}
	return nil
}

// encode validates f and returns its padded header and the tensors in
// data order.
func encode(f *File) ([]byte, []*Tensor, error) {
	if f == nil {
		return nil, nil, errors.New("safetensors: nil File")
	}
	order := make([]*Tensor, len(f.Tensors))
	seen := make(map[string]bool, len(f.Tensors))
	for i := range f.Tensors {
		t := &f.Tensors[i]
		switch {
		case !utf8.ValidString(t.Name):
			return nil, nil, fmt.Errorf("safetensors: tensor name %q is not valid UTF-8", t.Name)
		case t.Name == metadataKey:
			return nil, nil, fmt.Errorf("safetensors: tensor name %q is reserved", t.Name)
		case seen[t.Name]:
			return nil, nil, fmt.Errorf("safetensors: duplicate tensor name %q", t.Name)
		}
		seen[t.Name] = true
		if _, err := t.check(); err != nil {
			return nil, nil, err
		}
		order[i] = t
	}
	for k, v := range f.Metadata {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, nil, fmt.Errorf("safetensors: metadata %q: %q is not valid UTF-8", k, v)
		}
	}
	// Largest alignment first, then by name: the reference layout.
	slices.SortFunc(order, func(a, b *Tensor) int {
		return cmp.Or(cmp.Compare(b.DType.rank(), a.DType.rank()), cmp.Compare(a.Name, b.Name))
	})

	h := []byte{'{'}
	if f.Metadata != nil {
		h = appendString(h, metadataKey)
		h = append(h, ':', '{')
		for i, k := range slices.Sorted(maps.Keys(f.Metadata)) {
			if i > 0 {
				h = append(h, ',')
			}
			h = appendString(h, k)
			h = append(h, ':')
			h = appendString(h, f.Metadata[k])
		}
		h = append(h, '}')
	}
	offset := 0
	for _, t := range order {
		if len(h) > 1 {
			h = append(h, ',')
		}
		h = appendString(h, t.Name)
		h = append(h, `:{"dtype":`...)
		h = appendString(h, string(t.DType))
		h = append(h, `,"shape":`...)
		h = appendInts(h, t.Shape...)
		h = append(h, `,"data_offsets":`...)
		h = appendInts(h, offset, offset+len(t.Data))
		h = append(h, '}')
		offset += len(t.Data)
	}
	h = append(h, '}')
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	if len(h) > MaxHeaderSize {
		return nil, nil, fmt.Errorf("safetensors: header of %d bytes exceeds the limit of %d", len(h), MaxHeaderSize)
	}
	return h, order, nil
}

func appendInts(b []byte, v ...int) []byte {
	b = append(b, '[')
	for i, x := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(x), 10)
	}
	return append(b, ']')
}

// appendString appends s as a JSON string escaped the way serde_json (and
// so the reference implementation) does: '"' and '\\' get a backslash,
// control characters get \b, \t, \n, \f, \r or \u00xx with lowercase hex,
// and everything else, including non-ASCII UTF-8, is written as is.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\f':
			b = append(b, '\\', 'f')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"')
}
