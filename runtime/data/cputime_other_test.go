//go:build !unix

package data

import "time"

// cpuTime returns 0: the benchmarks report processor time on Unix only.
func cpuTime() time.Duration { return 0 }
