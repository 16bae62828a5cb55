package driver

import (
	"os"
	"strconv"
)

// termWidth is the width of the terminal f, in columns: what the system
// reports, else $COLUMNS, else 80.
func termWidth(f *os.File) int {
	if w := sysTermWidth(f); w > 0 {
		return w
	}
	if w, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && w > 0 {
		return w
	}
	return 80
}
