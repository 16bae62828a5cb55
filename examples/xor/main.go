// Command xor trains the 2-4-1 XOR model, generated from xor.yaml, on the
// four points of the XOR truth table and prints its prediction for each:
// a hidden layer with a nonlinear activation is what lets a network learn
// a function that no linear model can.
//
//	go run ./examples/xor [-epochs n]
package main

//go:generate go run github.com/nngen/nngen/cmd/nngen gen xor.yaml

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/optim"
	"github.com/nngen/nngen/runtime/train"
)

// table is the XOR truth table: inputs, then the target.
var table = [4][3]float64{{0, 0, 0}, {0, 1, 1}, {1, 0, 1}, {1, 1, 0}}

func main() {
	epochs := flag.Int("epochs", 500, "passes over the four samples")
	flag.Parse()
	if _, err := run(*epochs, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "xor:", err)
		os.Exit(1)
	}
}

// run trains a new model and returns how many of the four rows it gets right.
func run(epochs int, w io.Writer) (int, error) {
	d := &data.Dataset[float64]{Task: data.Binary, Inputs: 2, Outputs: 1}
	for _, r := range table {
		d.X = append(d.X, r[0], r[1])
		d.Y = append(d.Y, r[2])
	}
	m := new(XOR)
	opt, err := optim.New[float64]("adam", optim.DefaultConfig("adam"))
	if err != nil {
		return 0, err
	}
	// The spec's seed, given once, initializes the model and shuffles.
	cfg := train.Config[float64]{Epochs: epochs, Batch: 4, LR: 0.05, Optimizer: opt}
	if _, err := train.FitData(context.Background(), m, &train.Data[float64]{Train: d, Seed: XORSeed}, cfg); err != nil {
		return 0, err
	}
	correct := 0
	for _, r := range table {
		x := [XORInputs]float64{r[0], r[1]}
		p, class := m.Forward(&x)[0], m.Predict(&x)
		if float64(class) == r[2] {
			correct++
		}
		fmt.Fprintf(w, "%g xor %g = %g: predicted %d (p = %.4f)\n", r[0], r[1], r[2], class, p)
	}
	fmt.Fprintf(w, "%d of 4 correct after %d epochs\n", correct, epochs)
	return correct, nil
}
