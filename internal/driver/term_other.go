//go:build !linux

package driver

import "os"

// sysTermWidth is 0: only Linux is asked for the terminal's width, which
// $COLUMNS gives elsewhere.
func sysTermWidth(*os.File) int { return 0 }
