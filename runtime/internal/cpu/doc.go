// Package cpu reports the processor features that the runtime's assembly
// kernels need, checked once when the program starts: on amd64, AVX2. It
// serves runtime/optim and runtime/train, which pick their AVX2 kernels
// or their plain Go loops by it.
//
// Elsewhere, on arm64 (where every processor has NEON) and on other
// architectures, and with the purego build tag, the package is empty:
// the kernels that would ask are not built.
package cpu

//go:generate go run github.com/nngen/nngen/internal/asmgen internal/cpu
