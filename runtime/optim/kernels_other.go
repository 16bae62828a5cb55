//go:build (!amd64 && !arm64) || purego

package optim

// Without assembly kernels the dispatchers of kernels.go use the plain Go
// forms only; the kernels below are never called.

const (
	useAsm   = false
	vecBytes = 16
)

const errNoAsm = "optim: no assembly kernels in this build"

func sgdF32(p, grad *float32, n int, lr, wd, s float32, flags int) bool { panic(errNoAsm) }
func sgdF64(p, grad *float64, n int, lr, wd, s float64, flags int) bool { panic(errNoAsm) }
func momentumF32(p, grad, v *float32, n int, lr, mu, wd, s float32, flags int) bool {
	panic(errNoAsm)
}
func momentumF64(p, grad, v *float64, n int, lr, mu, wd, s float64, flags int) bool {
	panic(errNoAsm)
}
func adamF32(p, grad, m, v *float32, n int, k *[10]float32, flags int) bool { panic(errNoAsm) }
func adamF64(p, grad, m, v *float64, n int, k *[10]float64, flags int) bool { panic(errNoAsm) }
