// Package digits is the benchmark workload digits: 64-64-32-10 float32 on the 8x8 digits.
// model.go is generated from spec.yaml by nngen; run go generate after changing either.
package digits

//go:generate go run github.com/nngen/nngen/cmd/nngen gen -test -o model.go spec.yaml
