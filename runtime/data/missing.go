package data

import (
	"fmt"
	"strings"
)

// Missing is what [ReadCSV] does with a missing value: an empty field, or
// in a numeric column (a feature, or a [Regression] target) one of the
// strings that pandas' read_csv reads as missing by default:
//
//	#N/A  #N/A N/A  #NA  -1.#IND  -1.#QNAN  -NaN  -nan  1.#IND  1.#QNAN
//	<NA>  N/A  NA  NULL  NaN  None  n/a  nan  null
//
// matched exactly, after the field is trimmed of white space. A class
// label is missing only if it is empty: "NA" or "None" may name a class.
type Missing int

const (
	// MissingError makes a missing value an error naming its line and
	// column, as for any value that is not a number. It is the default.
	MissingError Missing = iota
	// MissingDrop leaves out every row with a missing value.
	MissingDrop
	// MissingMean fills in a missing feature with the mean of its
	// column, or with [CSVOptions].Fill if given. A missing target is
	// still an error: a class label has no mean, and a made-up target
	// would be trained on as if it were data.
	MissingMean
)

var missingNames = [...]string{MissingError: "error", MissingDrop: "drop", MissingMean: "mean"}

// String returns the policy's name: "error", "drop" or "mean".
func (m Missing) String() string {
	if m >= 0 && int(m) < len(missingNames) {
		return missingNames[m]
	}
	return fmt.Sprintf("Missing(%d)", int(m))
}

// MarshalText returns the policy's name, so that a Missing can be a
// flag.TextVar.
func (m Missing) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText sets m to the policy named "error", "drop" or "mean".
func (m *Missing) UnmarshalText(text []byte) error {
	for i, name := range missingNames {
		if string(text) == name {
			*m = Missing(i)
			return nil
		}
	}
	return fmt.Errorf("unknown policy for missing values %s: want error, drop or mean", quote(string(text)))
}

// missingTokens are the strings other than "" that pandas reads as
// missing by default (pandas._libs.parsers.STR_NA_VALUES).
var missingTokens = map[string]bool{
	"#N/A": true, "#N/A N/A": true, "#NA": true, "-1.#IND": true, "-1.#QNAN": true,
	"-NaN": true, "-nan": true, "1.#IND": true, "1.#QNAN": true, "<NA>": true,
	"N/A": true, "NA": true, "NULL": true, "NaN": true, "None": true,
	"n/a": true, "nan": true, "null": true,
}

// isMissing reports whether a trimmed numeric field is a missing value.
func isMissing(b []byte) bool {
	return len(b) == 0 || len(b) <= len("#N/A N/A") && missingTokens[string(b)]
}

// MissingReport says which values of a file were missing and what
// [ReadCSVReport] did with them, for the caller to show.
type MissingReport struct {
	Policy Missing
	Rows   int // rows with a missing value: left out by MissingDrop, filled in by MissingMean
	Total  int // data rows in the file, those left out included
	// Columns are the columns that had missing values, in file order.
	Columns []MissingColumn
	// Fill, with MissingMean, holds the value given to each feature's
	// missing values, in the order of the inputs: the column means if
	// CSVOptions.Fill was nil, else a copy of it. Save it with the model,
	// and pass it as CSVOptions.Fill when reading other data for the
	// model, so that their missing values are filled in with the training
	// data's means.
	Fill []float64
	// Given reports that Fill came from CSVOptions.Fill, which holds the
	// training data's means.
	Given bool
	// Dropped, with MissingDrop, holds the 0-based index of each data
	// row left out, in file order, among all the file's data rows: to
	// leave out the same rows of columns read with [ReadColumns].
	Dropped []int
}

// MissingColumn counts the missing values of one column of a file.
type MissingColumn struct {
	Index int    // the column's 0-based index in the file
	Name  string // its name in the header, or "" if none
	Count int
}

// String names the column as messages do: column "name", or column 3.
func (c MissingColumn) String() string {
	if c.Name != "" {
		return "column " + quote(c.Name)
	}
	return fmt.Sprintf("column %d", c.Index)
}

// String says in one line what was done, for example
//
//	left out 3 of 150 rows with missing values: column "a" (2), column "b" (1)
//	filled in 4 missing values in 3 of 150 rows with the column means: column "a" (3), column "b" (1)
//	filled in 1 missing value in 1 of 30 rows with the training means: column "b" (1)
func (r *MissingReport) String() string {
	if r.Rows == 0 {
		return "no missing values"
	}
	cells := 0
	cols := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		cells += c.Count
		cols[i] = fmt.Sprintf("%v (%d)", c, c.Count)
	}
	const n = 10
	if len(cols) > n {
		cols = append(cols[:n], fmt.Sprintf("… (%d columns in all)", len(cols)))
	}
	list := strings.Join(cols, ", ")
	if r.Policy == MissingDrop {
		return fmt.Sprintf("left out %d of %d %s with missing values: %s", r.Rows, r.Total, plural(r.Total, "row"), list)
	}
	with := "the column means"
	if r.Given {
		with = "the training means"
	}
	return fmt.Sprintf("filled in %d missing %s in %d of %d %s with %s: %s",
		cells, plural(cells, "value"), r.Rows, r.Total, plural(r.Total, "row"), with, list)
}
