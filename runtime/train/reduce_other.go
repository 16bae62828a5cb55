//go:build (!amd64 && !arm64) || purego

package train

// Without assembly kernels scale, sum2 and sum4 use the plain Go forms
// only; the kernels below are never called.

const (
	useAsm   = false
	vecBytes = 16
)

const errNoAsm = "train: no assembly kernels in this build"

func scaleF32(x *float32, n int, inv float32) bool            { panic(errNoAsm) }
func scaleF64(x *float64, n int, inv float64) bool            { panic(errNoAsm) }
func sum2F32(x, x1 *float32, n int, inv float32) bool         { panic(errNoAsm) }
func sum2F64(x, x1 *float64, n int, inv float64) bool         { panic(errNoAsm) }
func sum4F32(x, x1, x2, x3 *float32, n int, inv float32) bool { panic(errNoAsm) }
func sum4F64(x, x1, x2, x3 *float64, n int, inv float64) bool { panic(errNoAsm) }
