// Package recipe is the training recipe the CSV examples share: read the
// embedded data, hold out a test fifth, standardize, train with Adam and
// score the model on the test part.
package recipe

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/optim"
	"github.com/nngen/nngen/runtime/train"
)

// Settings are an example's data and training settings.
type Settings struct {
	Data   string // CSV file in the example's embedded files
	Target string // its target column
	Seed   uint64 // of the initialization, the split and the shuffling
	Epochs int
	Batch  int
	LR     float64
}

// Main is an example's main function: it reads -epochs and -o, runs
// Train and exits with status 1 on error.
func Main[T model.Float, M any, P model.Model[T, M]](m P, files fs.FS, s Settings) {
	flag.IntVar(&s.Epochs, "epochs", s.Epochs, "passes over the training data")
	out := flag.String("o", "", "write the trained weights to this safetensors file")
	flag.Parse()
	if _, err := Train(m, files, s, *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// Train trains m from its initialization, reports its test scores to w
// and returns them; if out is not empty, it saves the weights there.
func Train[T model.Float, M any, P model.Model[T, M]](m P, files fs.FS, s Settings, out string, w io.Writer) (train.Metrics, error) {
	d, err := train.Load(m, train.Sources{FS: files, Train: s.Data, Target: s.Target, TestSplit: 0.2, Seed: s.Seed})
	if err != nil {
		return train.Metrics{}, err
	}
	opt, err := optim.New[T]("adam", optim.DefaultConfig("adam"))
	if err != nil {
		return train.Metrics{}, err
	}
	// FitData initializes m and shuffles with the seed of the data, and
	// returns the metadata to save the weights with.
	cfg := train.Config[T]{Epochs: s.Epochs, Batch: s.Batch, LR: s.LR, Optimizer: opt}
	h, err := train.FitData(context.Background(), m, d, cfg)
	if err != nil {
		return train.Metrics{}, err
	}
	test, err := train.Evaluate(m, d.Test)
	if err != nil {
		return test, err
	}
	fmt.Fprintf(w, "after %d epochs: test accuracy %.2f%% (%d samples), test loss %.4f\n", s.Epochs, 100*test.Accuracy, test.N, test.Loss)
	if out != "" {
		return test, train.SaveWeights(out, m, h.Meta)
	}
	return test, nil
}
