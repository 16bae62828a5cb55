package train_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/optim"
	"github.com/nngen/nngen/runtime/train"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

// This example trains a generated 4-6-3 classifier on the iris data with
// Adam and early stopping, evaluates it, and saves its weights with what
// is needed to use it on new data.
func Example() {
	d, err := data.LoadCSV[float64]("../data/testdata/iris.csv", data.CSVOptions{})
	if err != nil {
		log.Fatal(err)
	}
	trainSet, valSet := d.Split(0.2, 3)
	std, err := data.FitStandardizer(trainSet)
	if err != nil {
		log.Fatal(err)
	}
	std.Apply(trainSet)
	std.Apply(valSet)

	var m softmax.Classifier // generated from a spec by nngen
	m.Init(softmax.ClassifierSeed)
	opt, err := optim.New[float64]("adam", optim.DefaultConfig("adam"))
	if err != nil {
		log.Fatal(err)
	}
	hist, err := train.Fit(context.Background(), &m, trainSet, valSet, train.Config[float64]{
		Epochs:    300,
		Batch:     16,
		Optimizer: opt,
		LR:        0.01,
		Seed:      1,
		Patience:  50,
	})
	if err != nil {
		log.Fatal(err)
	}
	met, err := train.Evaluate(&m, valSet)
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
	meta := train.Meta{Classes: d.Classes, Target: d.Target, Mean: std.Mean, Std: std.Std}
	if err := train.SaveWeights(path, &m, meta); err != nil {
		log.Fatal(err)
	}

	var loaded softmax.Classifier
	meta, err = train.LoadWeights(path, &loaded)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(meta.Widths, meta.Head, meta.Classes, meta.Target)
	fmt.Println("same weights:", loaded == m)
	// Output:
	// training loss fell: true
	// accuracy above 90%: true
	// [4 6 3] softmax [setosa versicolor virginica] species
	// same weights: true
}
