// Package goldentest compiles the golden models of testdata/golden and
// checks them numerically: forward against a gonum/mat reference, backward
// against finite differences, no allocations. It has only tests; the
// registry goldens_test.go is written by go test ./gen -update.
package goldentest
