// Command sine fits sin(x) on [−π, π] with the 1-32-32-1 tanh network
// generated from sine.yaml, and reports the mean squared error on points
// between the training points.
//
//	go run ./examples/sine [-epochs n]
package main

//go:generate go run github.com/nngen/nngen/cmd/nngen gen sine.yaml

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/optim"
	"github.com/nngen/nngen/runtime/train"
)

const points = 256

func main() {
	epochs := flag.Int("epochs", 1000, "passes over the training points")
	flag.Parse()
	if _, err := run(*epochs, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sine:", err)
		os.Exit(1)
	}
}

// grid samples y = sin(x) at n points evenly spaced on [−π, π], shifted by
// offset spacings.
func grid(n int, offset float64) *data.Dataset[float64] {
	d := &data.Dataset[float64]{Task: data.Regression, Inputs: 1, Outputs: 1}
	for i := range n {
		x := -math.Pi + (float64(i)+offset)*2*math.Pi/float64(n)
		d.X = append(d.X, x)
		d.Y = append(d.Y, math.Sin(x))
	}
	return d
}

// run trains a new model on a grid and returns its mean squared error on
// the midpoints of that grid.
func run(epochs int, w io.Writer) (float64, error) {
	m := new(Sine)
	opt, err := optim.New[float64]("adam", optim.DefaultConfig("adam"))
	if err != nil {
		return 0, err
	}
	cfg := train.Config[float64]{Epochs: epochs, Batch: 32, Optimizer: opt,
		Schedule: optim.Cosine{Base: 0.01, Min: 1e-4, Total: epochs * points / 32}}
	if _, err := train.FitData(context.Background(), m, &train.Data[float64]{Train: grid(points, 0), Seed: SineSeed}, cfg); err != nil {
		return 0, err
	}
	test, err := train.Evaluate(m, grid(points-1, 0.5))
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(w, "after %d epochs: mean squared error %.2e, mean absolute error %.2e (%d points between the training points)\n", epochs, test.MSE, test.MAE, test.N)
	return test.MSE, nil
}
