package data

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CSVOptions configures [ReadCSV] and [LoadCSV]. The zero value reads a
// comma-separated file with a header row, takes the last column as the
// target and treats the task as [Classification].
type CSVOptions struct {
	// NoHeader reports that the file has no header row, so that its first
	// record is data. By default the first record holds the column names.
	NoHeader bool

	// Comma is the field delimiter. Zero means ','.
	Comma rune

	// Target is the name of the target column, as spelled in the header.
	Target string

	// NoTarget reports that every column is a feature, as in inputs to a
	// trained model: the data set then has no targets (Outputs is 0) and
	// Task is ignored.
	NoTarget bool

	// TargetIndex is the 0-based index of the target column, for example
	// new(0) for the first column. At most one of Target and TargetIndex
	// may be set; if neither is, the target is the last column. Every other
	// column is a feature and must be numeric.
	TargetIndex *int

	// Task is the kind of problem, which decides how the target column is
	// read and encoded; see [Task].
	Task Task

	// Classes, for the classification tasks, is an existing list of class
	// names, for example one saved with a model. Labels are then mapped to
	// their index in Classes, and a label not in the list is an error. If
	// Classes is nil the classes are the distinct labels of the file in
	// sorted order: numeric order if every label is an integer (names are
	// then written in canonical form, so "07" and "7" are one class), byte
	// order of the strings otherwise. Labels that are integers match class
	// names by value when every class name is an integer too.
	// [Binary] needs exactly two classes: the first is encoded 0, the
	// second 1.
	Classes []string

	// MaxClasses, if positive, is the largest number of classes a
	// [Classification] file may have when Classes is nil, for example
	// the outputs of a model; more is an error, reported before the
	// one-hot targets (rows × classes values) are allocated.
	MaxClasses int

	// Features, if not nil, names the feature columns in the order of the
	// inputs, for example as saved with a model: the columns of a file
	// with a header are then matched by name, in whatever order they
	// come, and a missing or unknown column is an error. Without a
	// header, or with Features nil, the columns are taken in file order.
	Features []string

	// Ignore names columns to skip entirely, if the header has them, such
	// as the target column in the inputs given to a trained model.
	Ignore []string

	// Missing is what to do with missing values; see [Missing]. By
	// default they are errors.
	Missing Missing

	// Fill, with MissingMean, holds the value for each feature's missing
	// values, in the order of the inputs (that of Features, if given):
	// the training data's means, as [MissingReport].Fill gives them and
	// as saved with a model. If Fill is nil, the means of the file's own
	// values are used, which is right for the training data only.
	Fill []float64

	// MarkMissing, with MissingMean and Fill nil, leaves each missing
	// feature NaN instead of filling it in, for the caller to fill in
	// with [FillMissing] once it knows the means to use: those of the
	// part it trains on, if it splits the file. The report's Fill is
	// then nil.
	MarkMissing bool
}

// LoadCSV reads the named CSV file with [ReadCSV], naming the file by path
// in error messages.
func LoadCSV[T Float](path string, opts CSVOptions) (*Dataset[T], error) {
	d, _, err := LoadCSVReport[T](path, opts)
	return d, err
}

// LoadCSVReport is [LoadCSV] that also reports the missing values, as
// [ReadCSVReport] does.
func LoadCSVReport[T Float](path string, opts CSVOptions) (*Dataset[T], *MissingReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return ReadCSVReport[T](f, path, opts)
}

// ReadCSV reads a data set in CSV format from r. Name identifies the input
// in error messages, which have the form "name:line: message"; without a
// name they read "line N: message".
//
// Fields are trimmed of surrounding white space, and may be quoted as RFC
// 4180 says. Every row must have as many fields as the first record.
// Features must be finite numbers written with a decimal point; NaN,
// infinities and decimal commas are errors, and so are missing values
// unless [CSVOptions].Missing says otherwise. Numbers are rounded once,
// directly to T, as strconv.ParseFloat rounds them. Column names and class
// labels must be valid UTF-8, since they are saved with a model. A leading
// UTF-8 byte order mark is skipped, and lines may end in CRLF.
//
// The error lists every bad field of the file, one to a line of its text,
// in file order, each with its line and column, up to 50 (then how many
// more there are). Columns are named by their header name, or by their
// 0-based index if there is no header; values quoted in messages are cut
// to 64 characters.
//
// If r is an [io.Seeker], such as an [os.File], ReadCSV first counts its
// lines and seeks back, so that the data set is allocated once, at its
// size: reading then takes little more memory than the data set itself.
func ReadCSV[T Float](r io.Reader, name string, opts CSVOptions) (*Dataset[T], error) {
	d, _, err := ReadCSVReport[T](r, name, opts)
	return d, err
}

// ReadCSVReport is [ReadCSV] that also says which values were missing and
// what was done with them, for the caller to show. The report is nil if
// the error is not.
func ReadCSVReport[T Float](r io.Reader, name string, opts CSVOptions) (*Dataset[T], *MissingReport, error) {
	if err := opts.check(); err != nil {
		return nil, nil, err
	}
	p := newParser[T](r, name, &opts)
	var err error
	// The reader's buffer is free until it reads.
	if p.lines, p.size, err = countLines(r, p.cr.buf); err != nil {
		return nil, nil, p.errorf(0, "%w", err)
	}
	return p.parse()
}

// newParser returns a parser of the CSV records of r, past a byte order
// mark.
func newParser[T Float](r io.Reader, name string, opts *CSVOptions) *csvParser[T] {
	cr := newCSVReader(r, cmp.Or(opts.Comma, ','), make([]byte, readSize))
	return &csvParser[T]{name: name, cr: cr, opts: opts, lines: -1, size: -1}
}

const bom = "\ufeff"

// countLines returns the size of r and its lines that are not blank,
// which bound its records, reading it to the end into buf and seeking
// back. It returns -1, -1 if r cannot seek, or if reading fails (ReadCSV
// then meets the failure itself).
func countLines(r io.Reader, buf []byte) (lines, size int, err error) {
	s, ok := r.(io.Seeker)
	if !ok {
		return -1, -1, nil
	}
	start, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return -1, -1, nil
	}
	lines, size, readErr := countBlankFree(r, buf)
	if _, err := s.Seek(start, io.SeekStart); err != nil {
		return 0, 0, err
	}
	if readErr != nil {
		return -1, -1, nil
	}
	return lines, size, nil
}

// countBlankFree reads r to its end into buf and returns its size and the
// number of its lines that are neither empty nor a lone CR.
func countBlankFree(r io.Reader, buf []byte) (lines, size int, err error) {
	cur, first := 0, byte(0) // the length and first byte of the line so far
	for {
		n, err := r.Read(buf)
		size += n
		for b := buf[:n]; len(b) > 0; {
			if cur == 0 {
				first = b[0]
			}
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				cur += len(b)
				break
			}
			if cur += i; cur > 1 || cur == 1 && first != '\r' {
				lines++
			}
			cur, b = 0, b[i+1:]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, 0, err
		}
	}
	if cur > 1 || cur == 1 && first != '\r' {
		lines++
	}
	return lines, size, nil
}

// check reports inconsistent options.
func (o *CSVOptions) check() error {
	switch {
	case o.Task < Classification || o.Task > Regression:
		return fmt.Errorf("data: unknown task %v", o.Task)
	case o.NoTarget && (o.Target != "" || o.TargetIndex != nil || o.Classes != nil):
		return errors.New("data: CSVOptions.NoTarget excludes Target, TargetIndex and Classes")
	case o.Ignore != nil && (o.NoHeader || slices.Contains(o.Ignore, o.Target)):
		return errors.New("data: CSVOptions.Ignore needs a header and must not name the target")
	case o.Features != nil && !distinct(o.Features):
		return errors.New("data: CSVOptions.Features names a column twice")
	case o.Comma != 0 && !validComma(o.Comma):
		return fmt.Errorf("data: CSVOptions.Comma %q cannot separate fields", o.Comma)
	case o.Missing < MissingError || o.Missing > MissingMean:
		return fmt.Errorf("data: unknown policy for missing values %v", o.Missing)
	case o.Fill != nil && o.Missing != MissingMean:
		return errors.New("data: CSVOptions.Fill is for MissingMean")
	case o.MarkMissing && (o.Missing != MissingMean || o.Fill != nil):
		return errors.New("data: CSVOptions.MarkMissing is for MissingMean without Fill")
	}
	for k, v := range o.Fill {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("data: CSVOptions.Fill[%d] is %v, want a finite number", k, v)
		}
	}
	switch {
	case o.NoTarget:
		return nil
	case o.Target != "" && o.TargetIndex != nil:
		return errors.New("data: CSVOptions.Target and TargetIndex are both set")
	case o.Target != "" && o.NoHeader:
		return fmt.Errorf("data: target column %s given by name, but the file has no header", quote(o.Target))
	case o.Classes == nil:
		return nil
	case o.Task == Regression:
		return errors.New("data: CSVOptions.Classes given for regression")
	case o.Task == Binary && len(o.Classes) != 2:
		return fmt.Errorf("data: binary classification needs 2 classes, CSVOptions.Classes has %d", len(o.Classes))
	case len(o.Classes) < 2:
		return fmt.Errorf("data: classification needs at least 2 classes, CSVOptions.Classes has %d", len(o.Classes))
	}
	if err := CheckClasses(o.Classes); err != nil {
		return fmt.Errorf("data: CSVOptions.Classes: %w", err)
	}
	return nil
}

// validComma reports whether encoding/csv accepts c as a delimiter.
func validComma(c rune) bool {
	return c != '"' && c != '\r' && c != '\n' && utf8.ValidRune(c) && c != utf8.RuneError
}

// CheckClasses reports an empty class name, or two names of one class:
// equal strings, or equal integers if every name is an integer (as "1"
// and "01"), which labels could not tell apart.
func CheckClasses(classes []string) error {
	ints := allInts(classes)
	seen := make(map[string]bool)
	for _, c := range classes {
		if c == "" {
			return errors.New("empty class name")
		}
		k := classKey(c, ints)
		if seen[k] {
			return fmt.Errorf("class %s is listed twice", quote(c))
		}
		seen[k] = true
	}
	return nil
}

// maxErrors is the number of errors listed for one file, as for a spec;
// more are counted.
const maxErrors = 50

type csvParser[T Float] struct {
	name   string
	cr     *csvReader
	opts   *CSVOptions
	header []string // nil without a header
	target int      // index of the target column, or -1
	// input is the index in a row's features of each column's value, or
	// -1 for the target and ignored columns.
	input []int
	// lines and size are countLines' bound on the records and the
	// input's size, or -1 if unknown.
	lines, size int

	d     *Dataset[T]
	rows  int // data rows kept
	total int // data rows read
	// labels are the class labels, for classification.
	labels labelSet
	// missing counts each column's missing values, and missingRows the
	// rows that had any.
	missing     []int
	missingRows int
	dropped     []int   // with MissingDrop, the rows left out
	errs        []error // the first maxErrors errors
	more        int     // errors past those
}

// labelSet holds the class labels of a file: each distinct label once,
// and for each row the index of its label among them.
type labelSet struct {
	ids   map[string]int
	names []string // in order of appearance
	rows  []int
	// given maps the given classes' keys to their index, if
	// CSVOptions.Classes is set; class is then the class of each name,
	// -1 if none.
	given map[string]int
	ints  bool // the given classes are integers
	class []int
}

// errorf returns an error located at the given line of the input, or at
// the input as a whole if line is 0.
func (p *csvParser[T]) errorf(line int, format string, args ...any) error {
	msg := fmt.Errorf(format, args...)
	switch {
	case line == 0 && p.name == "":
		return fmt.Errorf("data: %w", msg)
	case line == 0:
		return fmt.Errorf("%s: %w", p.name, msg)
	case p.name == "":
		return fmt.Errorf("line %d: %w", line, msg)
	}
	return fmt.Errorf("%s:%d: %w", p.name, line, msg)
}

// fail records an error in a data row; past maxErrors it only counts it.
func (p *csvParser[T]) fail(err error) {
	if len(p.errs) == maxErrors {
		p.more++
		return
	}
	p.errs = append(p.errs, err)
}

// failed returns the errors recorded, or nil if there are none.
func (p *csvParser[T]) failed() error {
	if p.more > 0 {
		return errors.Join(append(p.errs, p.errorf(0, "and %d more %s", p.more, plural(p.more, "error")))...)
	}
	if len(p.errs) == 1 {
		return p.errs[0]
	}
	return errors.Join(p.errs...)
}

// readError locates an error of p.cr.next.
func (p *csvParser[T]) readError(err error) error {
	se, ok := err.(*syntaxError)
	if !ok {
		return p.errorf(0, "%w", err)
	}
	if se.start < se.line && errors.Is(se.err, csv.ErrQuote) {
		// An unmatched quote runs to the end of the file.
		return p.errorf(se.start, "%w (a quoted field runs from this line to line %d)", se.err, se.line)
	}
	return p.errorf(se.line, "%w", se.err)
}

// read returns the next record, with its fields trimmed, or io.EOF.
func (p *csvParser[T]) read() ([]string, error) {
	if err := p.cr.next(); err != nil {
		if err == io.EOF {
			return nil, err
		}
		return nil, p.readError(err)
	}
	rec := make([]string, len(p.cr.spans()))
	for j := range rec {
		rec[j] = string(trim(p.cr.field(j)))
	}
	return rec, nil
}

// line returns the line on which field j of the last record starts.
func (p *csvParser[T]) line(j int) int { return p.cr.fieldLine(j) }

// column names column j in messages.
func (p *csvParser[T]) column(j int) string {
	if p.header != nil && p.header[j] != "" {
		return fmt.Sprintf("column %s", quote(p.header[j]))
	}
	return fmt.Sprintf("column %d", j)
}

// trim returns b without its leading and trailing white space, as
// bytes.TrimSpace does, quickly when there is none.
func trim(b []byte) []byte {
	if n := len(b); n > 0 && b[0] > ' ' && b[0] < utf8.RuneSelf && b[n-1] > ' ' && b[n-1] < utf8.RuneSelf {
		return b
	}
	return bytes.TrimSpace(b)
}

func (p *csvParser[T]) parse() (*Dataset[T], *MissingReport, error) {
	err := p.cr.next()
	if err == io.EOF {
		return nil, nil, p.errorf(0, "empty file")
	}
	if err != nil {
		return nil, nil, p.readError(err)
	}
	if err := p.setUp(); err != nil {
		return nil, nil, err
	}
	if p.header == nil {
		p.row() // the first record is data
	}
	for {
		err := p.cr.next()
		if err == io.EOF {
			break
		}
		if err == nil {
			p.row()
			continue
		}
		if _, ok := err.(*syntaxError); !ok {
			p.errs = append(p.errs, p.readError(err))
			return nil, nil, p.failed()
		}
		p.fail(p.readError(err)) // reading goes on at the next line
	}
	if len(p.errs) > 0 {
		return nil, nil, p.failed()
	}
	return p.finish()
}

// setUp reads the first record, which is the header or else the first
// row, places the target and feature columns, and allocates the data set.
func (p *csvParser[T]) setUp() error {
	width := len(p.cr.spans())
	if !p.opts.NoHeader {
		p.header = make([]string, width)
		for j := range p.header {
			h := string(trim(p.cr.field(j)))
			// Column names are saved with a model, in UTF-8.
			if !utf8.ValidString(h) {
				return p.errorf(p.line(j), "column %d: name %s is not valid UTF-8; save the file as UTF-8", j, quote(h))
			}
			p.header[j] = h
		}
	}
	if width == 1 && !p.opts.NoTarget {
		// A file of another locale, say, with ';' between the fields.
		comma := cmp.Or(p.opts.Comma, ',')
		for _, sep := range []rune{';', '\t', '|'} {
			if sep != comma && bytes.ContainsRune(trim(p.cr.field(0)), sep) {
				return p.errorf(p.line(0), "need at least 2 columns, a feature and a target; found 1 (the fields seem separated by %q, not %q)", sep, comma)
			}
		}
	}
	if err := p.findTarget(width); err != nil {
		return err
	}
	inputs, features, err := p.placeInputs(width)
	switch {
	case err != nil:
		return err
	case inputs == 0:
		return p.errorf(p.line(0), "no feature columns: every column is the target or ignored")
	case p.opts.Fill != nil && len(p.opts.Fill) != inputs:
		return p.errorf(p.line(0), "%d fill values for missing features, but %d feature columns", len(p.opts.Fill), inputs)
	}

	d := &Dataset[T]{Task: p.opts.Task, Inputs: inputs, Outputs: 1, Features: features}
	rows := 64 // and growing, if the input's size is unknown
	if p.lines >= 0 {
		rows = min(p.lines, p.size/width+1) // a row takes at least width bytes
		if p.header != nil {
			rows = max(rows-1, 0)
		}
	}
	d.X = make([]T, rows*inputs)
	switch {
	case p.opts.NoTarget:
		d.Outputs = 0
	case d.Task == Regression:
		d.Y = make([]T, 0, rows)
	default:
		p.labels.ids = make(map[string]int)
		p.labels.rows = make([]int, 0, rows)
		if c := p.opts.Classes; c != nil {
			p.labels.ints = allInts(c)
			p.labels.given = make(map[string]int, len(c))
			for i, name := range c {
				p.labels.given[classKey(name, p.labels.ints)] = i
			}
		}
	}
	if p.header != nil && !p.opts.NoTarget {
		d.Target = p.header[p.target]
	}
	p.d = d
	p.missing = make([]int, width)
	return nil
}

// row reads the last record as a data row, and keeps it unless it is bad
// or, with MissingDrop, has a missing value.
func (p *csvParser[T]) row() {
	cr, d := p.cr, p.d
	p.total++
	line := cr.unquoted()
	var n int
	if line != nil && len(cr.comma) == 1 {
		n = bytes.Count(line, cr.comma) + 1
	} else {
		n = len(cr.spans())
	}
	if n != len(p.input) {
		p.fail(p.errorf(p.line(0), "row has %d %s, want %d", n, plural(n, "field"), len(p.input)))
		return
	}
	if (p.rows+1)*d.Inputs > len(d.X) {
		d.X = slices.Grow(d.X, d.Inputs)
		d.X = d.X[:cap(d.X)]
	}
	r := rowCells[T]{x: d.X[p.rows*d.Inputs : (p.rows+1)*d.Inputs]}
	if line != nil && len(cr.comma) == 1 {
		p.splitRow(&r, line, cr.comma[0])
	} else {
		for j, k := range p.input {
			p.cell(&r, j, k, cr.field(j))
		}
	}
	switch r.worst {
	case cellBad:
		return
	case cellMissing:
		p.missingRows++
		if p.opts.Missing == MissingDrop {
			p.dropped = append(p.dropped, p.total-1)
			return
		}
	}
	switch {
	case p.opts.NoTarget:
	case d.Task == Regression:
		d.Y = append(d.Y, r.y)
	default:
		p.labels.rows = append(p.labels.rows, r.label)
	}
	p.rows++
}

// splitRow reads the cells of a row that is one line without quotes,
// with a one-byte separator, parsing plain decimal features as it finds
// the fields' ends.
func (p *csvParser[T]) splitRow(r *rowCells[T], line []byte, comma byte) {
	pos := 0
	for j, k := range p.input {
		if k >= 0 {
			v, n, ok := parseDecimal[T](line[pos:])
			if end := pos + n; ok && (end == len(line) || line[end] == comma) {
				r.x[k] = v
				pos = end + 1
				continue
			}
		}
		end := len(line)
		if i := bytes.IndexByte(line[pos:], comma); i >= 0 {
			end = pos + i
		}
		p.cell(r, j, k, line[pos:end])
		pos = end + 1
	}
}

// rowCells is what a row's cells hold.
type rowCells[T Float] struct {
	x     []T // the features
	y     T   // a regression target
	label int
	worst cell
}

// cell is what a field of a row holds.
type cell int

const (
	cellOK cell = iota
	cellMissing
	cellBad // reported
)

// cell reads field j of a row, f, into feature k, or if k < 0, as the
// target or an ignored column.
func (p *csvParser[T]) cell(r *rowCells[T], j, k int, f []byte) {
	var c cell
	switch {
	case k >= 0:
		if r.x[k], c = p.value(j, trim(f)); c == cellMissing {
			r.x[k] = p.fill(k)
		}
	case j != p.target:
		return // ignored
	case p.d.Task == Regression:
		if r.y, c = p.value(j, trim(f)); c == cellMissing && p.opts.Missing == MissingMean {
			p.fail(p.errorf(p.line(j), "%s: missing target: only features are filled in with a mean; drop the rows with missing values instead", p.column(j)))
			c = cellBad
		}
	default:
		r.label, c = p.label(j, trim(f))
	}
	r.worst = max(r.worst, c)
}

// value parses field j, a number, reporting it if it is bad, and
// counting it if it is missing.
func (p *csvParser[T]) value(j int, f []byte) (T, cell) {
	if v, ok := parseFloat[T](f); ok {
		return v, cellOK
	}
	if p.opts.Missing != MissingError && isMissing(f) {
		p.missing[j]++
		return 0, cellMissing
	}
	_, msg := parseNumber[T](string(f))
	p.fail(p.errorf(p.line(j), "%s: %s", p.column(j), msg))
	return 0, cellBad
}

// fill returns the value of feature k when it is missing: with
// MissingMean, CSVOptions.Fill[k], or NaN to mark it for the mean.
func (p *csvParser[T]) fill(k int) T {
	switch {
	case p.opts.Missing != MissingMean:
		return 0 // the row is dropped
	case p.opts.Fill != nil:
		return T(p.opts.Fill[k])
	}
	return T(math.NaN())
}

// label reads field j as a class label and returns its index among the
// distinct labels of the file, reporting it if it is bad, and counting it
// if it is missing.
func (p *csvParser[T]) label(j int, f []byte) (int, cell) {
	ls := &p.labels
	if len(f) == 0 {
		switch p.opts.Missing {
		case MissingDrop:
			p.missing[j]++
			return 0, cellMissing
		case MissingMean:
			p.fail(p.errorf(p.line(j), "%s: missing label: a class label cannot be filled in with a mean; drop the rows with missing values instead", p.column(j)))
		default:
			p.fail(p.errorf(p.line(j), "%s: missing label", p.column(j)))
		}
		return 0, cellBad
	}
	id, ok := ls.ids[string(f)]
	if !ok {
		if !utf8.Valid(f) {
			// Class names are saved with a model, in UTF-8.
			p.fail(p.errorf(p.line(j), "%s: label %s is not valid UTF-8; save the file as UTF-8", p.column(j), quote(string(f))))
			return 0, cellBad
		}
		s := string(f)
		id = len(ls.names)
		ls.ids[s] = id
		ls.names = append(ls.names, s)
		if ls.given != nil {
			c, ok := ls.given[classKey(s, ls.ints)]
			if !ok {
				c = -1
			}
			ls.class = append(ls.class, c)
		}
	}
	if ls.given != nil && ls.class[id] < 0 {
		p.fail(p.errorf(p.line(j), "%s: label %s is not one of the %d given classes", p.column(j), quote(ls.names[id]), len(ls.given)))
		return 0, cellBad
	}
	return id, cellOK
}

// finish completes the data set once every row is read: the missing
// features' means, and the classes.
func (p *csvParser[T]) finish() (*Dataset[T], *MissingReport, error) {
	d := p.d
	switch {
	case p.total == 0:
		return nil, nil, p.errorf(0, "header but no data rows")
	case p.rows == 0:
		return nil, nil, p.errorf(0, "every one of the %d data %s has a missing value", p.total, plural(p.total, "row"))
	}
	d.X = d.X[:p.rows*d.Inputs]
	rep := &MissingReport{Policy: p.opts.Missing, Rows: p.missingRows, Total: p.total, Dropped: p.dropped}
	for j, n := range p.missing {
		if n > 0 {
			c := MissingColumn{Index: j, Count: n}
			if p.header != nil {
				c.Name = p.header[j]
			}
			rep.Columns = append(rep.Columns, c)
		}
	}
	if p.opts.Missing == MissingMean && !p.opts.MarkMissing {
		rep.Fill, rep.Given = slices.Clone(p.opts.Fill), p.opts.Fill != nil
		if !rep.Given {
			var err error
			if rep.Fill, err = FillMissing(d, nil); err != nil {
				return nil, nil, p.errorf(0, "%w", err)
			}
		}
	}
	if d.Task != Regression && !p.opts.NoTarget {
		if err := p.encodeClasses(d); err != nil {
			return nil, nil, err
		}
	}
	return d, rep, nil
}

// FillMissing puts fill[k] in place of each value of feature k of d that
// is NaN, as [CSVOptions].MarkMissing leaves the missing ones, and
// returns fill. If fill is nil, it fills in the mean of each feature
// over the rows that have it, and returns the means; a feature without
// a value, or whose sum overflows float64, is an error naming it. It
// panics if fill is neither nil nor one value per feature.
func FillMissing[T Float](d *Dataset[T], fill []float64) ([]float64, error) {
	m := d.Inputs
	if fill != nil && len(fill) != m {
		panic(fmt.Sprintf("data: FillMissing: %d fill values for %d features", len(fill), m))
	}
	if fill == nil {
		var err error
		if fill, err = means(d); err != nil {
			return nil, err
		}
	}
	for i, v := range d.X {
		if v != v {
			d.X[i] = T(fill[i%m])
		}
	}
	return fill, nil
}

// means returns the mean of each feature of d over the rows where it is
// not NaN.
func means[T Float](d *Dataset[T]) ([]float64, error) {
	m := d.Inputs
	mean := make([]float64, m)
	count := make([]int, m)
	for i := 0; i < len(d.X); i += m {
		for k, v := range d.X[i : i+m] {
			if v == v {
				mean[k] += float64(v)
				count[k]++
			}
		}
	}
	for k := range mean {
		switch {
		case count[k] == 0:
			return nil, fmt.Errorf("%s: every value is missing, so there is no mean to fill in", featureName(d, k))
		case math.IsInf(mean[k], 0):
			return nil, fmt.Errorf("%s: the values are too large to fill in their mean: their sum overflows float64", featureName(d, k))
		}
		mean[k] /= float64(count[k])
	}
	return mean, nil
}

// findTarget sets p.target from the options and checks the row width.
func (p *csvParser[T]) findTarget(width int) error {
	line := p.line(0)
	if p.opts.NoTarget {
		p.target = -1
		return nil
	}
	if width < 2 {
		return p.errorf(line, "need at least 2 columns, a feature and a target; found %d", width)
	}
	switch {
	case p.opts.Target != "":
		p.target = -1
		for j, h := range p.header {
			if h != p.opts.Target {
				continue
			}
			if p.target >= 0 {
				return p.errorf(line, "target column %s appears more than once in the header", quote(h))
			}
			p.target = j
		}
		if p.target < 0 {
			return p.errorf(line, "%s", noColumn(p.opts.Target, p.header))
		}
	case p.opts.TargetIndex != nil:
		p.target = *p.opts.TargetIndex
		if p.target < 0 || p.target >= width {
			return p.errorf(line, "target column %d out of range: rows have %d fields", p.target, width)
		}
	default:
		p.target = width - 1
	}
	return nil
}

// placeInputs sets p.input for rows of width fields, matching the header
// against the expected features by name if both are known, and returns
// the number of features and their names in input order (nil if unknown).
func (p *csvParser[T]) placeInputs(width int) (int, []string, error) {
	p.input = make([]int, width)
	n := 0
	for j := range p.input {
		p.input[j] = -1
		if j != p.target && (p.header == nil || !slices.Contains(p.opts.Ignore, p.header[j])) {
			p.input[j] = n
			n++
		}
	}
	if p.header == nil {
		return n, nil, nil
	}
	var names []string
	for j, k := range p.input {
		if k >= 0 {
			names = append(names, p.header[j])
		}
	}
	want := p.opts.Features
	if want == nil || slices.Equal(names, want) {
		return n, names, nil
	}
	if err := p.matchFeatures(names); err != nil {
		return 0, nil, err
	}
	return n, slices.Clone(want), nil
}

// matchFeatures sets p.input to place each feature column, whose header
// names are names in file order, where CSVOptions.Features puts it, or
// reports the missing and unknown columns.
func (p *csvParser[T]) matchFeatures(names []string) error {
	want := p.opts.Features
	index := make(map[string]int, len(want))
	for k, name := range want {
		index[name] = k
	}
	var unknown []string
	seen := make(map[string]bool, len(names))
	for j, k := range p.input {
		if k < 0 {
			continue
		}
		h := p.header[j]
		w, ok := index[h]
		switch {
		case !ok:
			unknown = append(unknown, h)
		case seen[h]:
			return p.errorf(p.line(0), "column %s appears more than once in the header", quote(h))
		}
		seen[h] = true
		p.input[j] = w
	}
	var missing []string
	for _, name := range want {
		if !seen[name] {
			missing = append(missing, name)
		}
	}
	if unknown != nil || missing != nil {
		var what []string
		if missing != nil {
			what = append(what, "missing "+quoteAll(missing))
		}
		if unknown != nil {
			what = append(what, "unknown "+quoteAll(unknown))
		}
		return p.errorf(p.line(0), "the feature columns do not match the model's: %s (the model's: %s; the file's: %s)",
			strings.Join(what, "; "), quoteAll(want), quoteAll(names))
	}
	return nil
}

// encodeClasses maps the labels to class indices and sets d's Labels,
// Classes, Outputs and one-hot or 0/1 targets.
func (p *csvParser[T]) encodeClasses(d *Dataset[T]) error {
	ls := &p.labels
	classes, class := slices.Clone(p.opts.Classes), ls.class
	if classes == nil {
		col := p.column(p.target)
		classes = distinctSorted(ls.names)
		switch {
		case d.Task == Binary && len(classes) != 2:
			return p.errorf(0, "%s has %d distinct %s, binary classification needs exactly 2%s",
				col, len(classes), plural(len(classes), "label"), continuousHint(classes))
		case len(classes) < 2:
			return p.errorf(0, "%s has only 1 distinct label, %s; classification needs at least 2",
				col, quote(classes[0]))
		case p.opts.MaxClasses > 0 && len(classes) > p.opts.MaxClasses:
			return p.errorf(0, "%s has %d distinct labels (%s), more than the %d classes expected%s",
				col, len(classes), quoteAll(classes), p.opts.MaxClasses, continuousHint(classes))
		}
		ints := allInts(classes)
		index := make(map[string]int, len(classes))
		for i, c := range classes {
			index[classKey(c, ints)] = i
		}
		class = make([]int, len(ls.names))
		for id, name := range ls.names {
			class[id] = index[classKey(name, ints)]
		}
	}

	d.Classes = classes
	d.Labels = ls.rows
	for i, id := range d.Labels {
		d.Labels[i] = class[id]
	}
	if d.Task == Binary {
		d.Y = make([]T, len(d.Labels))
		for i, k := range d.Labels {
			d.Y[i] = T(k)
		}
		return nil
	}
	d.Outputs = len(classes)
	d.Y = make([]T, len(d.Labels)*d.Outputs)
	for i, k := range d.Labels {
		d.Y[i*d.Outputs+k] = 1
	}
	return nil
}

// distinctSorted returns the distinct labels in sorted order: numerically,
// in canonical form, if all are integers; by bytes otherwise.
func distinctSorted(labels []string) []string {
	ints := allInts(labels)
	seen := make(map[string]bool)
	var out []string
	for _, l := range labels {
		k := classKey(l, ints)
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	if !ints {
		slices.Sort(out)
		return out
	}
	slices.SortFunc(out, func(a, b string) int {
		x, _ := strconv.ParseInt(a, 10, 64)
		y, _ := strconv.ParseInt(b, 10, 64)
		return cmp.Compare(x, y)
	})
	return out
}

// allInts reports whether every string is a base-10 integer.
func allInts(ss []string) bool {
	for _, s := range ss {
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			return false
		}
	}
	return true
}

// classKey returns the string by which a label or class name is matched:
// its canonical integer form if ints is set (and it is an integer),
// otherwise the string itself.
func classKey(s string, ints bool) string {
	if ints {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			return strconv.FormatInt(v, 10)
		}
	}
	return s
}

// distinct reports whether no string of ss appears twice.
func distinct(ss []string) bool {
	seen := make(map[string]bool, len(ss))
	for _, s := range ss {
		if seen[s] {
			return false
		}
		seen[s] = true
	}
	return true
}

// quoteAll quotes the strings of ss for a message, joined by commas: the
// first 10, then how many there are.
func quoteAll(ss []string) string {
	const n = 10
	q := make([]string, 0, n+1)
	for _, s := range ss[:min(n, len(ss))] {
		q = append(q, quote(s))
	}
	if len(ss) > n {
		q = append(q, fmt.Sprintf("… (%d in all)", len(ss)))
	}
	return strings.Join(q, ", ")
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// quote quotes a value of the data for a message, shortened to its first
// 64 characters: a field can be megabytes long.
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
