// Package wide is the benchmark workload wide: 784-512-512-10 float32 on synthetic samples.
// model.go is generated from spec.yaml by nngen; run go generate after changing either.
package wide

//go:generate go run github.com/nngen/nngen/cmd/nngen gen -test -o model.go spec.yaml
