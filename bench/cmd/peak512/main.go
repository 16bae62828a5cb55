// Command peak512 measures this machine's one-thread peak throughput of
// 512-bit FMA, float32 and float64, the peak of the AVX-512 kernels, which
// ../shared/bench/run-peak.sh (256-bit AVX2 FMA) does not measure. It prints
// one JSON line in run-peak.sh's form, which bench/run.sh adds to that
// script's output:
//
//	{"impl":"peak512","threads":1,"fp32_avx512_gflops":…,"fp64_avx512_gflops":…}
//
// It runs sixteen independent chains of FMA, more than the latency of FMA
// times its throughput on any AVX-512 core, and reports the best of five
// rounds of about 0.2 s each. On a processor without AVX-512F, or off amd64,
// it says so and exits with status 1.
//
// Usage:
//
//	go run ./bench/cmd/peak512
package main

import (
	"fmt"
	"os"
	"time"
)

// flopsPerCall is the floating-point operations of one iteration of the
// kernels' loop, per lane: sixteen FMAs of two operations each.
const flopsPerCall = 16 * 2

func main() {
	if !hasAVX512 {
		fmt.Fprintln(os.Stderr, "peak512: this processor or operating system has no AVX-512F")
		os.Exit(1)
	}
	fp32 := best(fma32, 16)
	fp64 := best(fma64, 8)
	fmt.Printf("{\"impl\":\"peak512\",\"threads\":1,\"fp32_avx512_gflops\":%.2f,\"fp64_avx512_gflops\":%.2f}\n", fp32, fp64)
}

// best returns the best GFLOP/s of five rounds of the kernel f, whose
// vectors hold lanes values.
func best(f func(n int), lanes int) float64 {
	n := 1 << 16
	for { // grow n until a call takes 0.2 s
		start := time.Now()
		f(n)
		if time.Since(start) > 200*time.Millisecond {
			break
		}
		n *= 2
	}
	var top float64
	for range 5 {
		start := time.Now()
		f(n)
		top = max(top, float64(n)*flopsPerCall*float64(lanes)/time.Since(start).Seconds()/1e9)
	}
	return top
}
