//go:build !purego

package optim

// The kernels of kernels_amd64.s use AVX2, 256-bit vectors of 8 float32 or
// 4 float64. n is the number of elements, a multiple of the vector length.

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
func sgdF32(p, grad *float32, n int, lr, wd float32, flags int)

//go:noescape
func sgdF64(p, grad *float64, n int, lr, wd float64, flags int)

//go:noescape
func momentumF32(p, grad, v *float32, n int, lr, mu, wd float32, flags int)

//go:noescape
func momentumF64(p, grad, v *float64, n int, lr, mu, wd float64, flags int)

// adamF32 and adamF64 take their coefficients in k: β₁, 1-β₁, β₂, 1-β₂,
// invSqrtBc2, ε, stepSize, l2, decay.
//
//go:noescape
func adamF32(p, grad, m, v *float32, n int, k *[9]float32, flags int)

//go:noescape
func adamF64(p, grad, m, v *float64, n int, k *[9]float64, flags int)
