// Package data loads, splits, batches, standardizes and scores the
// in-memory data sets that nngen's generated models train on.
//
// A [Dataset] holds n rows as two row-major flat slices: the features X
// (n×Inputs) and the targets Y (n×Outputs). The targets are already in the
// form the model's loss expects:
//
//   - [Classification]: one-hot vectors, Outputs is the number of classes,
//     for a softmax output layer;
//   - [Binary]: a single 0 or 1 per row, for a single sigmoid output;
//   - [Regression]: the raw numeric target, Outputs is 1.
//
// For the two classification tasks a Dataset also keeps the integer class
// index of each row (Labels) and the class names (Classes), which is what
// [Accuracy] and [ConfusionMatrix] work with.
//
// [ReadCSV] and [LoadCSV] read a Dataset from CSV, reporting every bad row
// of a file at once; [FromSlices] makes one from Go slices. Missing values
// in a CSV file are errors unless [CSVOptions].Missing drops their rows or
// fills them in with the column means.
//
// # Metrics
//
// The metrics follow scikit-learn's definitions, and its tests check them
// against its values: [ClassificationReport] (precision, recall and F1
// per class, macro and weighted averages, undefined ratios 0), [ROCAUC]
// and [AveragePrecision] for scores of two classes, [R2], [MSE] and [MAE]
// for regression. Where scikit-learn raises or returns NaN (ROC AUC with
// one class present, R² of one sample) they return an error saying why.
//
// # Reproducibility
//
// Every random choice in the package — [Perm], [Dataset.Split] and the
// epoch order of a [Batcher] — is a Fisher–Yates shuffle driven by a
// math/rand/v2 PCG generator created as rand.NewPCG(seed, 0). The bounded
// draws are computed by this package from the generator's raw 64-bit output,
// so a given seed yields the same permutation on every platform and does not
// depend on the algorithms behind rand.Rand's helper methods.
//
// # Typical use
//
//	d, err := data.LoadCSV[float32]("iris.csv", data.CSVOptions{})
//	if err != nil { ... }
//	train, test := d.Split(0.2, seed)
//	std, err := data.FitStandardizer(train) // fit on training data only
//	if err != nil { ... }
//	std.Apply(train)
//	std.Apply(test)
//	b := data.NewBatcher(train, 32, seed)
//	for epoch := 0; epoch < epochs; epoch++ {
//		for batch, ok := b.Next(); ok; batch, ok = b.Next() {
//			// train on batch.X, batch.Y (batch.N rows)
//		}
//	}
//	for batch := range test.Batches(256) {
//		// evaluate on contiguous views of test, no copies
//	}
//
// Save std.Mean and std.Std and d.Classes with the model's weights, and
// restore them with [NewStandardizer] and [CSVOptions].Classes at prediction
// time, so that new data is scaled and labelled exactly as the training data
// was. Likewise, when missing values are filled in with means, read the
// training data with [LoadCSVReport], save the report's Fill, and pass it
// as [CSVOptions].Fill for every other file. To fill a file that is split
// in with the means of its training part alone, read it with
// [CSVOptions].MarkMissing, split it, and call [FillMissing] on the
// training part, then with the means it returns on the others.
package data
