// Package data holds the data sets of the benchmark workloads: copies of the
// iris and 8x8 digits train and test files of the shared benchmark folder
// (no header; the class label is the first column, then the features: iris
// standardized, digits divided by 16), embedded so that the benchmarks find
// them from any working directory.
package data

import "embed"

// FS holds iris_train.csv, iris_test.csv, digits_train.csv and digits_test.csv.
//
//go:embed *.csv
var FS embed.FS
