package main

// hasAVX512 reports whether the processor and the operating system run
// AVX-512F: CPUID.1:ECX has OSXSAVE (bit 27), CPUID.7:EBX has AVX512F (bit
// 16), and XCR0 has the SSE, AVX, opmask and ZMM state enabled (bits 1, 2
// and 5–7).
var hasAVX512 = func() bool {
	_, _, c1, _ := cpuid(1, 0)
	if c1&(1<<27) == 0 {
		return false
	}
	_, b7, _, _ := cpuid(7, 0)
	return b7&(1<<16) != 0 && xgetbv()&0xe6 == 0xe6
}()

// fma32 runs n iterations of sixteen independent 512-bit float32 FMAs.
//
//go:noescape
func fma32(n int)

// fma64 runs n iterations of sixteen independent 512-bit float64 FMAs.
//
//go:noescape
func fma64(n int)

// cpuid executes CPUID with EAX = leaf and ECX = sub.
func cpuid(leaf, sub uint32) (a, b, c, d uint32)

// xgetbv returns the low half of XCR0, the state the operating system saves.
func xgetbv() (eax uint32)
