//go:build !purego

package train

// The reduction kernels of reduce_amd64.s use AVX2, 256-bit vectors of 8
// float32 or 4 float64. n is the number of elements, a multiple of the
// vector length. Each kernel reports whether its results are finite.

const vecBytes = 32

// useAsm reports whether the processor and the operating system support
// AVX2, checked once.
var useAsm = hasAVX2()

// hasAVX2 reports whether the processor has AVX and AVX2 and the operating
// system saves the YMM registers.
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

//go:noescape
func scaleF32(x *float32, n int, inv float32) (finite bool)

//go:noescape
func scaleF64(x *float64, n int, inv float64) (finite bool)

//go:noescape
func sum2F32(x, x1 *float32, n int, inv float32) (finite bool)

//go:noescape
func sum2F64(x, x1 *float64, n int, inv float64) (finite bool)

//go:noescape
func sum4F32(x, x1, x2, x3 *float32, n int, inv float32) (finite bool)

//go:noescape
func sum4F64(x, x1, x2, x3 *float64, n int, inv float64) (finite bool)
