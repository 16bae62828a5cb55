package data_test

import (
	"fmt"
	"log"

	"github.com/nngen/nngen/runtime/data"
)

func Example() {
	d, err := data.LoadCSV[float32]("testdata/iris.csv", data.CSVOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Len(), "rows,", d.Inputs, "features, classes", d.Classes)

	train, test := d.Split(0.2, 1)
	fmt.Println("train", train.Len(), "test", test.Len())

	std, err := data.FitStandardizer(train) // training data only
	if err != nil {
		log.Fatal(err)
	}
	std.Apply(train)
	std.Apply(test)

	b := data.NewBatcher(train, 32, 1)
	for epoch := range 2 {
		batches := 0
		for batch, ok := b.Next(); ok; batch, ok = b.Next() {
			batches++
			_ = batch // train on batch.X and batch.Y
		}
		fmt.Println("epoch", epoch, "batches", batches)
	}

	// Evaluate with a stand-in model that classifies by petal length alone.
	var pred []int
	for batch := range test.Batches(16) {
		for i := range batch.N {
			petal := batch.X[i*test.Inputs+2]
			switch {
			case petal < -0.7:
				pred = append(pred, 0)
			case petal < 0.6:
				pred = append(pred, 1)
			default:
				pred = append(pred, 2)
			}
		}
	}
	fmt.Printf("accuracy %.2f\n", data.Accuracy(pred, test.Labels))
	fmt.Println(data.ConfusionMatrix(pred, test.Labels, len(test.Classes)))
	// Output:
	// 150 rows, 4 features, classes [setosa versicolor virginica]
	// train 120 test 30
	// epoch 0 batches 4
	// epoch 1 batches 4
	// accuracy 0.90
	// [[7 0 0] [0 13 3] [0 0 7]]
}
