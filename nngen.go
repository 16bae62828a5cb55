// Package nngen holds the module's own source files that a program built
// around a generated model needs: go.mod and the runtime. The
// nngen command writes them into a temporary module beside the generated
// code and builds it with the Go toolchain (see internal/build), so that
// a checkout and an installed nngen build against the runtime they came
// with.
//
// The compiler itself is in packages spec, ir and gen; the command is
// cmd/nngen.
package nngen

import "embed"

// Source is go.mod and the Go files of the runtime packages, of the
// driver that runs generated models for the nngen command, and of the
// packages they import.
//
//go:embed go.mod
//go:embed runtime/*/*.go runtime/*/*.s runtime/internal/*/*.go runtime/internal/*/*.s
//go:embed internal/driver/*.go internal/atomicfile/*.go internal/suggest/*.go
var Source embed.FS
