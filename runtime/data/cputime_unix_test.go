//go:build unix

package data

import (
	"syscall"
	"time"
)

// cpuTime returns the processor time the process has used, in user and
// system mode.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
