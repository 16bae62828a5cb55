//go:build !purego

package optim

// The kernels of kernels_arm64.s use NEON, 128-bit vectors of 4 float32 or
// 2 float64.

const vecBytes = 16

// useAsm is true: every arm64 processor has NEON (ASIMD).
const useAsm = true
