// Package tiny is the benchmark workload tiny: 4-16-3 float64 on iris.
// model.go is generated from spec.yaml by nngen; run go generate after changing either.
package tiny

//go:generate go run github.com/nngen/nngen/cmd/nngen gen -o model.go spec.yaml
