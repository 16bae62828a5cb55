package data

import (
	"math"
	"strconv"
)

// LooksContinuous reports whether class labels look like the values of a
// continuous quantity rather than the names of classes: every label is a
// finite number and at least one is not a whole number ("0.25" and
// "1e-3", not "2" or "2.0"). A classifier given such a target was
// probably meant to be a regression.
func LooksContinuous(labels []string) bool {
	whole := true
	for _, l := range labels {
		v, err := strconv.ParseFloat(l, 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return false
		}
		whole = whole && v == math.Trunc(v)
	}
	return !whole
}

// continuousHint is the advice that ends an error about the classes of a
// target that looks continuous, and "" for other targets.
func continuousHint(classes []string) string {
	if !LooksContinuous(classes) {
		return ""
	}
	return "; the values look continuous: for regression use an identity head (a last layer of 1 unit, activation: identity)"
}
