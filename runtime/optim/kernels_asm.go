//go:build (amd64 || arm64) && !purego

package optim

// The kernels of kernels_amd64.s and kernels_arm64.s. n is the number of
// elements, a multiple of the vector length, which the architecture's
// file gives in vecBytes with useAsm; scale is the gradient's scale s, and
// finite reports whether every s·g is finite. kernels_other.go stands in for them
// on other architectures and with the purego build tag.

//go:noescape
func sgdF32(p, grad *float32, n int, lr, wd, scale float32, flags int) (finite bool)

//go:noescape
func sgdF64(p, grad *float64, n int, lr, wd, scale float64, flags int) (finite bool)

//go:noescape
func momentumF32(p, grad, v *float32, n int, lr, mu, wd, scale float32, flags int) (finite bool)

//go:noescape
func momentumF64(p, grad, v *float64, n int, lr, mu, wd, scale float64, flags int) (finite bool)

// adamF32 and adamF64 take their coefficients in k: β₁, 1-β₁, β₂, 1-β₂,
// invSqrtBc2, ε, stepSize, l2, decay, s.
//
//go:noescape
func adamF32(p, grad, m, v *float32, n int, k *[10]float32, flags int) (finite bool)

//go:noescape
func adamF64(p, grad, m, v *float64, n int, k *[10]float64, flags int) (finite bool)
