//go:build !purego

package train

// The reduction kernels of reduce_arm64.s use NEON, 128-bit vectors of 4
// float32 or 2 float64. n is the number of elements, a multiple of the
// vector length. Each kernel reports whether its results are finite.

const vecBytes = 16

// useAsm is true: every arm64 processor has NEON (ASIMD).
const useAsm = true

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
