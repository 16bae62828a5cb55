package data

import (
	"bufio"
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
}

// LoadCSV reads the named CSV file with [ReadCSV], naming the file by path
// in error messages.
func LoadCSV[T Float](path string, opts CSVOptions) (*Dataset[T], error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadCSV[T](f, path, opts)
}

// ReadCSV reads a data set in CSV format from r. Name identifies the input
// in error messages, which have the form "name:line: message"; without a
// name they read "line N: message".
//
// Fields are trimmed of surrounding white space. Every row must have as
// many fields as the first record. Features must be finite numbers written
// with a decimal point; NaN, infinities, empty fields and decimal commas are
// errors. Column names and class labels must be valid UTF-8, since they are
// saved with a model. A leading UTF-8 byte order mark is skipped, and lines
// may end in CRLF. Columns are named in messages by their header name, or
// by their 0-based index if there is no header; values quoted in messages
// are cut to 64 characters.
func ReadCSV[T Float](r io.Reader, name string, opts CSVOptions) (*Dataset[T], error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	return newParser[T](r, name, &opts).parse()
}

// newParser returns a parser of the CSV records of r, past a byte order
// mark.
func newParser[T Float](r io.Reader, name string, opts *CSVOptions) *csvParser[T] {
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(bom)); err == nil && string(b) == bom {
		br.Discard(len(bom))
	}
	cr := csv.NewReader(br)
	if opts.Comma != 0 {
		cr.Comma = opts.Comma
	}
	cr.FieldsPerRecord = -1 // checked here, for better messages
	cr.ReuseRecord = true
	return &csvParser[T]{name: name, cr: cr, opts: opts}
}

const bom = "\ufeff"

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

type csvParser[T Float] struct {
	name   string
	cr     *csv.Reader
	opts   *CSVOptions
	header []string // nil without a header
	target int      // index of the target column
	// input is the index in a row's features of each column's value, or
	// -1 for the target and ignored columns.
	input []int
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

// read returns the next record, with its fields trimmed, or io.EOF.
func (p *csvParser[T]) read() ([]string, error) {
	rec, err := p.cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil, err
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if pe.StartLine < pe.Line && errors.Is(pe.Err, csv.ErrQuote) {
				// An unmatched quote runs to the end of the file.
				return nil, p.errorf(pe.StartLine, "%w (a quoted field runs from this line to line %d)", pe.Err, pe.Line)
			}
			return nil, p.errorf(pe.Line, "%w", pe.Err)
		}
		return nil, p.errorf(0, "%w", err)
	}
	for i, f := range rec {
		rec[i] = strings.TrimSpace(f)
	}
	return rec, nil
}

// line returns the line on which field j of the last record starts.
func (p *csvParser[T]) line(j int) int {
	line, _ := p.cr.FieldPos(j)
	return line
}

// column names column j in messages.
func (p *csvParser[T]) column(j int) string {
	if p.header != nil && p.header[j] != "" {
		return fmt.Sprintf("column %s", quote(p.header[j]))
	}
	return fmt.Sprintf("column %d", j)
}

func (p *csvParser[T]) parse() (*Dataset[T], error) {
	rec, err := p.read()
	if err == io.EOF {
		return nil, p.errorf(0, "empty file")
	}
	if err != nil {
		return nil, err
	}
	width := len(rec)
	if !p.opts.NoHeader {
		p.header = slices.Clone(rec)
		// Column names are saved with a model, in UTF-8.
		for j, h := range p.header {
			if !utf8.ValidString(h) {
				return nil, p.errorf(p.line(j), "column %d: name %s is not valid UTF-8; save the file as UTF-8", j, quote(h))
			}
		}
	}
	if width == 1 && !p.opts.NoTarget {
		// A file of another locale, say, with ';' between the fields.
		comma := cmp.Or(p.opts.Comma, ',')
		for _, sep := range []rune{';', '\t', '|'} {
			if sep != comma && strings.ContainsRune(rec[0], sep) {
				return nil, p.errorf(p.line(0), "need at least 2 columns, a feature and a target; found 1 (the fields seem separated by %q, not %q)", sep, comma)
			}
		}
	}
	if err := p.findTarget(width); err != nil {
		return nil, err
	}
	inputs, features, err := p.placeInputs(width)
	if err != nil {
		return nil, err
	}

	d := &Dataset[T]{Task: p.opts.Task, Inputs: inputs, Outputs: 1, Features: features}
	if p.opts.NoTarget {
		d.Outputs = 0
	} else if p.header != nil {
		d.Target = p.header[p.target]
	}
	var (
		labels []string // raw class labels, for classification
		lines  []int    // line of each label
	)
	for n := 0; ; n++ {
		if n > 0 || p.header != nil {
			rec, err = p.read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
		}
		if len(rec) != width {
			return nil, p.errorf(p.line(0), "row has %d %s, want %d", len(rec), plural(len(rec), "field"), width)
		}
		row := len(d.X)
		d.X = slices.Grow(d.X, d.Inputs)[:row+d.Inputs]
		for j, f := range rec {
			if j != p.target && p.input[j] < 0 {
				continue // ignored
			}
			if j == p.target && d.Task != Regression {
				if f == "" {
					return nil, p.errorf(p.line(j), "%s: missing label", p.column(j))
				}
				if !utf8.ValidString(f) {
					// Class names are saved with a model, in UTF-8.
					return nil, p.errorf(p.line(j), "%s: label %s is not valid UTF-8; save the file as UTF-8", p.column(j), quote(f))
				}
				labels = append(labels, f)
				lines = append(lines, p.line(j))
				continue
			}
			v, msg := parseNumber[T](f)
			if msg != "" {
				return nil, p.errorf(p.line(j), "%s: %s", p.column(j), msg)
			}
			if j == p.target {
				d.Y = append(d.Y, v)
			} else {
				d.X[row+p.input[j]] = v
			}
		}
	}
	if d.Len() == 0 {
		return nil, p.errorf(0, "header but no data rows")
	}
	if d.Task != Regression && !p.opts.NoTarget {
		if err := p.encodeClasses(d, labels, lines); err != nil {
			return nil, err
		}
	}
	return d, nil
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
			return p.errorf(line, "no column %s in the header", quote(p.opts.Target))
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

// encodeClasses maps the raw labels to class indices and sets d's Labels,
// Classes, Outputs and one-hot or 0/1 targets.
func (p *csvParser[T]) encodeClasses(d *Dataset[T], labels []string, lines []int) error {
	col := p.column(p.target)
	classes := slices.Clone(p.opts.Classes)
	given := classes != nil
	if !given {
		classes = distinctSorted(labels)
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
	}
	ints := allInts(classes)
	index := make(map[string]int, len(classes))
	for i, c := range classes {
		index[classKey(c, ints)] = i
	}

	d.Classes = classes
	d.Labels = make([]int, len(labels))
	for i, l := range labels {
		k, ok := index[classKey(l, ints)]
		if !ok {
			return p.errorf(lines[i], "%s: label %s is not one of the %d given classes", col, quote(l), len(classes))
		}
		d.Labels[i] = k
	}

	if d.Task == Binary {
		d.Y = make([]T, len(labels))
		for i, k := range d.Labels {
			d.Y[i] = T(k)
		}
		return nil
	}
	d.Outputs = len(classes)
	d.Y = make([]T, len(labels)*d.Outputs)
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

// parseNumber parses a feature or regression target, rounding it directly
// to T's precision. On failure it returns a message saying why.
func parseNumber[T Float](s string) (T, string) {
	if s == "" {
		return 0, "missing value"
	}
	size := bitSize[T]()
	f, err := strconv.ParseFloat(s, size)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Sprintf("%s is out of range for float%d", quote(s), size)
		}
		if strings.Contains(s, ",") {
			if _, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64); err == nil {
				return 0, fmt.Sprintf("%s is not a number: use a decimal point, not a comma", quote(s))
			}
		}
		return 0, fmt.Sprintf("%s is not a number", quote(s))
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Sprintf("%s is not a finite number", quote(s))
	}
	return T(f), ""
}

// bitSize returns the size in bits of T's underlying float type.
func bitSize[T Float]() int {
	var x T = 1 << 24 // float32 has a 24-bit significand
	if T(x+1) == x {  // the conversion forces rounding to T
		return 32
	}
	return 64
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
