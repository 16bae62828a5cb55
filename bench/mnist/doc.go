// Package mnist is the benchmark workload mnist-shaped: 784-128-64-10 float32 on synthetic samples.
// model.go is generated from spec.yaml by nngen; run go generate after changing either.
package mnist

//go:generate go run github.com/nngen/nngen/cmd/nngen gen -test -o model.go spec.yaml
