//go:build !purego

package train

import "github.com/nngen/nngen/runtime/internal/cpu"

// The reduction kernels of reduce_amd64.s use AVX2, 256-bit vectors of 8
// float32 or 4 float64. n is the number of elements, a multiple of the
// vector length. Each kernel reports whether its results are finite.

const vecBytes = 32

// useAsm reports whether the processor and the operating system support
// AVX2.
var useAsm = cpu.AVX2

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
