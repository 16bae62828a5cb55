package data

import "io"

// ReadColumns returns the fields of the named columns of the CSV data in
// r, row by row, each row's in the order of columns, read as [ReadCSV]
// reads them (a byte order mark skipped, fields trimmed) with the
// delimiter of opts, whose other options it ignores. The data must have
// a header. It returns an error, located as ReadCSV's are, for a column
// that the header lacks or has twice and for a row of the wrong width.
// To carry columns such as an id through to a model's predictions, read
// the data with ReadCSV too, ignoring them.
func ReadColumns(r io.Reader, name string, opts CSVOptions, columns []string) ([][]string, error) {
	p := newParser[float64](r, name, &opts)
	header, err := p.read()
	if err == io.EOF {
		return nil, p.errorf(0, "empty file")
	}
	if err != nil {
		return nil, err
	}
	index := make([]int, len(columns))
	for k, c := range columns {
		index[k] = -1
		for j, h := range header {
			if h != c {
				continue
			}
			if index[k] >= 0 {
				return nil, p.errorf(p.line(0), "column %s appears more than once in the header", quote(c))
			}
			index[k] = j
		}
		if index[k] < 0 {
			return nil, p.errorf(p.line(0), "%s", noColumn(c, header))
		}
	}
	width := len(header)
	var rows [][]string
	for {
		rec, err := p.read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		if len(rec) != width {
			return nil, p.errorf(p.line(0), "row has %d %s, want %d", len(rec), plural(len(rec), "field"), width)
		}
		row := make([]string, len(columns))
		for k, j := range index {
			row[k] = rec[j]
		}
		rows = append(rows, row)
	}
}
