package data

import "github.com/nngen/nngen/internal/suggest"

// noColumn is the message for a column that a header lacks: it suggests
// the header's name nearest to name, if one is near, and lists the
// header's names.
func noColumn(name string, header []string) string {
	s := "no column " + quote(name) + " in the header ("
	if near := suggest.Nearest(name, header); near != "" {
		s += "did you mean " + quote(near) + "? "
	}
	return s + "its columns: " + quoteAll(header) + ")"
}
