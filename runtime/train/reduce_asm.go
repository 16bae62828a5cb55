//go:build (amd64 || arm64) && !purego

package train

// The reduction kernels of reduce_amd64.s and reduce_arm64.s. n is the
// number of elements, a multiple of the vector length, which the
// architecture's file gives in vecBytes with useAsm. Each kernel reports
// whether its results are finite. reduce_other.go stands in for them on
// other architectures and with the purego build tag.

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
