//go:build !purego

package cpu

import (
	"os"
	"strings"
)

// AVX2 reports whether the processor has AVX and AVX2, the operating
// system saves the YMM registers, and GODEBUG does not turn AVX2 off.
var AVX2 = !off("avx2") && hasAVX2()

// off reports whether GODEBUG turns the processor feature off, as the Go
// runtime reads its cpu options: cpu.<feature>=off, or cpu.all=off, the
// last setting of a feature winning.
func off(feature string) bool {
	off := false
	for _, opt := range strings.Split(os.Getenv("GODEBUG"), ",") {
		switch opt {
		case "cpu.all=off", "cpu." + feature + "=off":
			off = true
		case "cpu." + feature + "=on":
			off = false
		}
	}
	return off
}

func hasAVX2() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const osxsave, avx = 1 << 27, 1 << 28
	if ecx1&osxsave == 0 || ecx1&avx == 0 {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 { // XMM and YMM state enabled
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const avx2 = 1 << 5
	return ebx7&avx2 != 0
}

// cpuid executes CPUID with EAX = leaf and ECX = sub.
func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

// xgetbv executes XGETBV with ECX = 0 and returns XCR0.
func xgetbv() (eax, edx uint32)
