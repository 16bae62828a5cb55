package data

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"unicode/utf8"
)

// csvReader splits CSV input into records by the rules of encoding/csv
// with LazyQuotes off (RFC 4180: a field may be quoted, a quote inside it
// doubled, and it may then span lines; CRLF ends a line like LF; blank
// lines are skipped), giving the same line numbers in its errors. Unlike
// encoding/csv it copies no record without quotes: its fields are views of
// the buffer, valid until the next call of next, so that a data row costs
// no allocation.
type csvReader struct {
	src      io.Reader
	buf      []byte
	pos, end int  // buf[pos:end] is read from src and not yet consumed
	eof      bool // src has nothing more
	started  bool // a leading byte order mark was looked for
	line     int  // lines consumed
	comma    []byte

	// The last record: its fields are rec[f.lo:f.hi] for f in fields,
	// where rec is buf, or unquote if the record has quotes. Without
	// quotes it is the line rec[raw.lo:raw.hi], split into fields only
	// when they are asked for. Its fields start on line recLine, or if
	// it has quotes, on lines[j].
	rec     []byte
	raw     span
	quoted  bool
	split   bool // fields holds the record's fields
	fields  []span
	recLine int
	lines   []int
	unquote []byte
}

// span locates a field in csvReader.rec.
type span struct{ lo, hi int }

// syntaxError is a quote out of place. The record is consumed: reading
// goes on at the next line.
type syntaxError struct {
	start, line int   // the record's first line, the error's line
	err         error // csv.ErrBareQuote or csv.ErrQuote
}

func (e *syntaxError) Error() string { return e.err.Error() }

// errShort reports that a record runs past the buffered input.
var errShort = errors.New("record continues past the buffer")

const readSize = 256 << 10

// newCSVReader returns a reader of src with the given separator, reading
// into buf, which grows for records longer than it.
func newCSVReader(src io.Reader, comma rune, buf []byte) *csvReader {
	return &csvReader{src: src, buf: buf, comma: utf8.AppendRune(nil, comma)}
}

// next reads the next record. It returns io.EOF at the end
// of the input, a *syntaxError for a misplaced quote, or the error of the
// underlying reader.
func (r *csvReader) next() error {
	for {
		err := r.scan()
		if err != errShort {
			return err
		}
		if err := r.fill(); err != nil {
			return err
		}
	}
}

// spans returns the fields of the last record.
func (r *csvReader) spans() []span {
	if !r.split {
		r.fields = split(r.fields[:0], r.rec, r.raw.lo, r.raw.hi, r.comma)
		r.split = true
	}
	return r.fields
}

// field returns field j of the last record.
func (r *csvReader) field(j int) []byte {
	f := r.spans()[j]
	return r.rec[f.lo:f.hi]
}

// unquoted returns the last record's line if it has no quotes, or nil.
func (r *csvReader) unquoted() []byte {
	if r.quoted {
		return nil
	}
	return r.rec[r.raw.lo:r.raw.hi]
}

// fieldLine returns the line on which field j of the last record starts.
func (r *csvReader) fieldLine(j int) int {
	if r.quoted {
		return r.lines[j]
	}
	return r.recLine
}

// fill moves the unconsumed input to the front of the buffer, doubles the
// buffer if that input fills it, and reads more.
func (r *csvReader) fill() error {
	if r.eof {
		return nil
	}
	r.end = copy(r.buf, r.buf[r.pos:r.end])
	r.pos = 0
	if r.end == len(r.buf) {
		r.buf = slices.Grow(r.buf, len(r.buf))
		r.buf = r.buf[:cap(r.buf)]
	}
	for {
		n, err := r.src.Read(r.buf[r.end:])
		r.end += n
		if err == io.EOF {
			r.eof = true
			return nil
		}
		if err != nil || n > 0 {
			return err
		}
	}
}

// lineEnd finds the end of the line starting at pos: its content ends at
// hi, before the LF or CRLF (or a lone CR before the end of the input),
// and the next line starts at next. It returns errShort if the line is
// not buffered whole.
func (r *csvReader) lineEnd(pos int) (hi, next int, err error) {
	i := bytes.IndexByte(r.buf[pos:r.end], '\n')
	switch {
	case i >= 0:
		hi, next = pos+i, pos+i+1
	case !r.eof:
		return 0, 0, errShort
	default:
		hi, next = r.end, r.end
	}
	if hi > pos && r.buf[hi-1] == '\r' {
		hi--
	}
	return hi, next, nil
}

// scan reads the next record from the buffered input, committing the
// position only once the record is whole.
func (r *csvReader) scan() error {
	if !r.started {
		if r.end-r.pos < len(bom) && !r.eof {
			return errShort
		}
		r.started = true
		if bytes.HasPrefix(r.buf[r.pos:r.end], []byte(bom)) {
			r.pos += len(bom)
		}
	}
	pos, line := r.pos, r.line
	for {
		if pos == r.end && r.eof {
			r.pos, r.line = pos, line
			return io.EOF
		}
		hi, next, err := r.lineEnd(pos)
		if err != nil {
			return err
		}
		line++
		if hi > pos {
			break
		}
		pos = next // a blank line
	}
	r.recLine = line
	hi, next, _ := r.lineEnd(pos)
	if bytes.IndexByte(r.buf[pos:hi], '"') < 0 {
		r.rec, r.raw, r.quoted, r.split = r.buf, span{pos, hi}, false, false
		r.pos, r.line = next, line
		return nil
	}
	return r.scanQuoted(pos, line)
}

// split appends to fields the spans of the fields of b[lo:hi], a line
// without quotes.
func split(fields []span, b []byte, lo, hi int, comma []byte) []span {
	if len(comma) == 1 {
		c, start := comma[0], lo
		for i := lo; i < hi; i++ {
			if b[i] == c {
				fields = append(fields, span{start, i})
				start = i + 1
			}
		}
		return append(fields, span{start, hi})
	}
	for {
		i := bytes.Index(b[lo:hi], comma)
		if i < 0 {
			return append(fields, span{lo, hi})
		}
		fields = append(fields, span{lo, lo + i})
		lo += i + len(comma)
	}
}

// scanQuoted reads a record with quotes, which starts at pos on the given
// line, as encoding/csv's readRecord does, copying its fields to
// r.unquote.
func (r *csvReader) scanQuoted(pos, line int) error {
	r.fields, r.lines, r.unquote = r.fields[:0], r.lines[:0], r.unquote[:0]
	start := line
	hi, next, _ := r.lineEnd(pos)
	// fail consumes the record up to the end of the current line.
	fail := func(err error) error {
		r.pos, r.line = next, line
		return &syntaxError{start: start, line: line, err: err}
	}
	i := pos
fields:
	for {
		if i == hi || r.buf[i] != '"' {
			end := hi
			if k := bytes.Index(r.buf[i:hi], r.comma); k >= 0 {
				end = i + k
			}
			if bytes.IndexByte(r.buf[i:end], '"') >= 0 {
				return fail(csv.ErrBareQuote)
			}
			lo := len(r.unquote)
			r.unquote = append(r.unquote, r.buf[i:end]...)
			r.fields = append(r.fields, span{lo, len(r.unquote)})
			r.lines = append(r.lines, line)
			if end == hi {
				break fields
			}
			i = end + len(r.comma)
			continue
		}
		lo := len(r.unquote)
		r.lines = append(r.lines, line)
		i++
		for {
			k := bytes.IndexByte(r.buf[i:hi], '"')
			if k < 0 {
				// The field goes on past the end of the line.
				r.unquote = append(r.unquote, r.buf[i:hi]...)
				if next == r.end {
					if !r.eof {
						return errShort
					}
					return fail(csv.ErrQuote) // the input ends inside the field
				}
				r.unquote = append(r.unquote, '\n')
				i = next
				var err error
				if hi, next, err = r.lineEnd(i); err != nil {
					return err
				}
				if hi > i || r.buf[next-1] == '\n' {
					line++ // not a lone CR at the end, which encoding/csv drops
				}
				continue
			}
			r.unquote = append(r.unquote, r.buf[i:i+k]...)
			i += k + 1
			if i < hi && r.buf[i] == '"' {
				r.unquote = append(r.unquote, '"') // a doubled quote
				i++
				continue
			}
			r.fields = append(r.fields, span{lo, len(r.unquote)})
			switch {
			case i == hi:
				break fields
			case bytes.HasPrefix(r.buf[i:hi], r.comma):
				i += len(r.comma)
				continue fields
			}
			return fail(csv.ErrQuote) // text after the closing quote
		}
	}
	r.rec, r.quoted, r.split = r.unquote, true, true
	r.pos, r.line = next, line
	return nil
}
