// Package gen emits the Go source of a model lowered by package ir.
//
// Files returns everything a model needs, by path, for a code file such as
// iris.go:
//
//	iris.go                 the model: its type (the parameters in PyTorch's nn.Linear
//	                        layout), Forward and Predict for inference, Trace and
//	                        Backward for training (the chain rule written out layer by
//	                        layer), ForwardBatch and TrainBatch over a mini-batch, and
//	                        TrainWith, TrainBatch with sample weights and dropout masks,
//	                        and Gradient, which writes the gradient rather than adding it
//	iris_weights.bin        built-in trained parameters too large for literals (ir.Model.AttachTrained)
//	iris_amd64.s, _amd64.go the kernels in assembly with AVX2 and FMA, gemm and gemv with AVX-512F
//	                        too, and their declarations
//	iris_arm64.s, _arm64.go the kernels with NEON
//	iris_other.go           the plain Go kernels, for other architectures and -tags purego
//	iris_test.go            with test: a finite-difference check, Gradient against
//	                        TrainWith, allocations, benchmarks
//	iris_kernels_test.go    with test: each kernel against its plain Go version
//	iris_kernels_amd64_test.go  with test: the same with AVX-512 turned off, where it is on,
//	                        and with the AVX-512 gemv's other form
//
// The kernel files exist for every model whose code calls the kernels: one
// that runs its batches in chunks or has a looped layer (ir.Model.Kernels;
// package gen/asm writes the assembly). They hold the kernels the code
// calls and no others. Every Go file is gofmt-clean, imports only the
// standard library, declares no function it does not call, and keeps
// within MaxColumns, as the assembly does.
//
// Every choice of what to compute was made by ir; gen only writes it
// down. Emit renders the model file alone, Generate lowers a spec first.
// gen reads and writes no files: trained parameters come attached to the
// ir.Model (internal/weightfile reads them from a weights file for nngen
// gen), and the caller writes what Files returns.
package gen
