package data

import (
	"fmt"
	"math"
)

// Accuracy returns the fraction of positions at which pred and truth hold
// the same class index. It returns NaN for empty slices and panics if their
// lengths differ.
func Accuracy(pred, truth []int) float64 {
	checkLen(len(pred), len(truth))
	if len(pred) == 0 {
		return math.NaN()
	}
	hits := 0
	for i, p := range pred {
		if p == truth[i] {
			hits++
		}
	}
	return float64(hits) / float64(len(pred))
}

// ConfusionMatrix returns the classes×classes confusion matrix of the
// predicted class indices pred against the true ones truth: element [t][p]
// counts the rows of true class t predicted as class p, so the diagonal
// holds the correct predictions. It panics if the lengths differ or if an
// index is outside [0, classes).
func ConfusionMatrix(pred, truth []int, classes int) [][]int {
	checkLen(len(pred), len(truth))
	cells := make([]int, classes*classes)
	m := make([][]int, classes)
	for t := range m {
		m[t] = cells[t*classes : (t+1)*classes : (t+1)*classes]
	}
	for i, p := range pred {
		t := truth[i]
		if p < 0 || p >= classes || t < 0 || t >= classes {
			panic(fmt.Sprintf("data: class index out of range [0, %d) at %d: predicted %d, true %d", classes, i, p, t))
		}
		m[t][p]++
	}
	return m
}

// MSE returns the mean squared error between pred and truth, computed in
// float64. It returns NaN for empty slices and panics if their lengths differ.
func MSE[T Float](pred, truth []T) float64 {
	checkLen(len(pred), len(truth))
	var sum float64
	for i, p := range pred {
		e := float64(p) - float64(truth[i])
		sum += e * e
	}
	return sum / float64(len(pred))
}

// MAE returns the mean absolute error between pred and truth, computed in
// float64. It returns NaN for empty slices and panics if their lengths differ.
func MAE[T Float](pred, truth []T) float64 {
	checkLen(len(pred), len(truth))
	var sum float64
	for i, p := range pred {
		sum += math.Abs(float64(p) - float64(truth[i]))
	}
	return sum / float64(len(pred))
}

func checkLen(a, b int) {
	if a != b {
		panic(fmt.Sprintf("data: length mismatch: %d predictions, %d true values", a, b))
	}
}
