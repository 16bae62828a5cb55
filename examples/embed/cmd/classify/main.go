// Command classify predicts with the models built into it, from raw
// measurements given as arguments: no weights file, no framework.
//
//	classify iris 5.1 3.5 1.4 0.2
//	classify cancer 17.99 10.38 122.8 … (30 values)
package main

import (
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/nngen/nngen/examples/embed/models"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: classify iris|cancer value...")
		return 2
	}
	values := make([]float64, len(args)-1)
	for i, a := range args[1:] {
		v, err := strconv.ParseFloat(a, 64)
		if err != nil {
			fmt.Fprintf(stderr, "classify: argument %d: %q is not a number\n", i+2, a)
			return 2
		}
		values[i] = v
	}
	switch args[0] {
	case "iris":
		var x [models.IrisInputs]float64
		if len(values) != len(x) {
			fmt.Fprintf(stderr, "classify: iris takes %d values, got %d\n", len(x), len(values))
			return 2
		}
		copy(x[:], values)
		p := models.IrisTrained.Forward(&x)
		fmt.Fprintln(stdout, models.IrisTrained.PredictClass(&x))
		for k, c := range models.IrisClasses {
			fmt.Fprintf(stdout, "  %-10s %.4f\n", c, p[k])
		}
	case "cancer":
		var x [models.CancerInputs]float64
		if len(values) != len(x) {
			fmt.Fprintf(stderr, "classify: cancer takes %d values, got %d\n", len(x), len(values))
			return 2
		}
		copy(x[:], values)
		fmt.Fprintf(stdout, "%s (p(%s) = %.4f)\n", models.CancerTrained.PredictClass(&x), models.CancerClasses[1], models.CancerTrained.Forward(&x)[0])
	default:
		fmt.Fprintf(stderr, "classify: unknown model %q (want iris or cancer)\n", args[0])
		return 2
	}
	return 0
}
