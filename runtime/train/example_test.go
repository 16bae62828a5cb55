package train_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/nngen/nngen/runtime/optim"
	"github.com/nngen/nngen/runtime/train"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

// This example trains a generated 4-6-3 classifier on the iris data with
// Adam and early stopping, evaluates it, saves its weights with what is
// needed to use it on new data, and loads them back as a predictor of
// raw measurements.
func Example() {
	var m softmax.Classifier // generated from a spec by nngen
	d, err := train.Load(&m, train.Sources{Train: "../data/testdata/iris.csv", ValSplit: 0.2, Seed: softmax.ClassifierSeed})
	if err != nil {
		log.Fatal(err)
	}
	opt, err := optim.New[float64]("adam", optim.DefaultConfig("adam"))
	if err != nil {
		log.Fatal(err)
	}
	// FitData initializes m, and shuffles, with the seed of the data.
	hist, err := train.FitData(context.Background(), &m, d, train.Config[float64]{
		Epochs:    300,
		Batch:     16,
		Optimizer: opt,
		LR:        0.01,
		Patience:  50,
	})
	if err != nil {
		log.Fatal(err)
	}
	met, err := train.Evaluate(&m, d.Val)
	if err != nil {
		log.Fatal(err)
	}
	first, last := hist.Epochs[0], hist.Epochs[len(hist.Epochs)-1]
	fmt.Println("training loss fell:", last.TrainLoss < first.TrainLoss/5)
	fmt.Println("accuracy above 90%:", met.Accuracy > 0.9)

	dir, err := os.MkdirTemp("", "nngen")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "iris.safetensors")
	// The history's metadata holds the classes, the feature names and
	// the standardization.
	if err := train.SaveWeights(path, &m, hist.Meta); err != nil {
		log.Fatal(err)
	}

	p, err := train.LoadPredictor(path, new(softmax.Classifier))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Meta.Widths, p.Meta.Head, p.Meta.Classes, p.Meta.Target)
	fmt.Println("same weights:", *p.Model == m)
	// Raw measurements: the predictor standardizes them as in training.
	fmt.Println(p.PredictClass([]float64{5.1, 3.5, 1.4, 0.2}), p.PredictClass([]float64{6.3, 3.3, 6.0, 2.5}))
	// Output:
	// training loss fell: true
	// accuracy above 90%: true
	// [4 6 3] softmax [setosa versicolor virginica] species
	// same weights: true
	// setosa virginica
}
