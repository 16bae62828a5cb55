//go:build !purego

package train

import "github.com/nngen/nngen/runtime/internal/cpu"

// The reduction kernels of reduce_amd64.s use AVX2, 256-bit vectors of 8
// float32 or 4 float64.

const vecBytes = 32

// useAsm reports whether the processor and the operating system support
// AVX2.
var useAsm = cpu.AVX2
