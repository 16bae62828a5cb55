package driver

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/train"
)

// ClassWeights are the class weights of -class-weight and of a spec's
// class_weight: Balanced, or a weight for each of the classes named; the
// zero value weighs every class 1.
type ClassWeights struct {
	Balanced bool          `json:",omitzero"`
	Weights  []ClassWeight `json:",omitzero"`
}

// ClassWeight is the weight of one class, named as the target column
// writes it.
type ClassWeight struct {
	Class  string
	Weight float64
}

// Set reports whether c weighs the classes.
func (c ClassWeights) Set() bool { return c.Balanced || len(c.Weights) > 0 }

// String returns c as -class-weight takes it: balanced, or
// class:weight,… ("" for none).
func (c *ClassWeights) String() string {
	if c == nil || !c.Balanced && len(c.Weights) == 0 {
		return ""
	}
	if c.Balanced {
		return "balanced"
	}
	parts := make([]string, len(c.Weights))
	for i, w := range c.Weights {
		parts[i] = w.Class + ":" + strconv.FormatFloat(w.Weight, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

// Parse sets c from the value of -class-weight: balanced, none or ""
// (every class weighs 1), or class:weight pairs separated by commas, each
// weight positive. A class is what comes before the last colon of its
// pair.
func (c *ClassWeights) Parse(s string) error {
	*c = ClassWeights{}
	switch s {
	case "balanced":
		c.Balanced = true
		return nil
	case "none", "":
		return nil
	}
	for pair := range strings.SplitSeq(s, ",") {
		i := strings.LastIndex(pair, ":")
		if i <= 0 {
			return fmt.Errorf("want balanced, none or class:weight pairs separated by commas, got %q", pair)
		}
		class := pair[:i]
		w, err := strconv.ParseFloat(pair[i+1:], 64)
		if err != nil {
			return fmt.Errorf("class %q: the weight %q is not a number", class, pair[i+1:])
		}
		if slices.ContainsFunc(c.Weights, func(cw ClassWeight) bool { return cw.Class == class }) {
			return fmt.Errorf("class %q is given twice", class)
		}
		c.Weights = append(c.Weights, ClassWeight{class, w})
	}
	return c.check()
}

// check reports a weight that is not positive and finite.
func (c *ClassWeights) check() error {
	for _, w := range c.Weights {
		if !(w.Weight > 0 && w.Weight <= math.MaxFloat64) {
			return fmt.Errorf("class %q: the weight must be a positive number, got %g", w.Class, w.Weight)
		}
	}
	return nil
}

// classWeights returns the weight of each class of d, in the order of
// its labels, or nil if c weighs none. A class named in c that d does not
// have is an error listing d's classes.
func classWeights[T model.Float](c ClassWeights, d *data.Dataset[T]) ([]float64, error) {
	switch {
	case !c.Set():
		return nil, nil
	case d.Labels == nil:
		return nil, errors.New("class weights: the training data has no classes to weigh")
	case c.Balanced:
		return train.BalancedWeights(d), nil
	}
	w := make([]float64, len(d.Classes))
	for i := range w {
		w[i] = 1
	}
	for _, cw := range c.Weights {
		i := slices.Index(d.Classes, cw.Class)
		if i < 0 {
			return nil, fmt.Errorf("class weights: no class %q in the training data (its classes: %s)", cw.Class, strings.Join(d.Classes, ", "))
		}
		w[i] = cw.Weight
	}
	return w, nil
}

// regularization describes, in lines for the header of a run, the
// dropout of m, the weight decay and the class weights w of classes.
func regularization[T model.Float, M any, P model.Model[T, M]](m P, decay float64, c ClassWeights, classes []string, w []float64) []string {
	var parts []string
	for l, p := range m.Dropout() {
		if p > 0 {
			parts = append(parts, fmt.Sprintf("dropout %g on layer %d", p, l+1))
		}
	}
	if decay > 0 {
		parts = append(parts, fmt.Sprintf("weight decay %g", decay))
	}
	var lines []string
	if len(parts) > 0 {
		lines = append(lines, strings.Join(parts, ", "))
	}
	if w != nil {
		how := ""
		if c.Balanced {
			how = " (balanced)"
		}
		ws := make([]string, len(w))
		for i := range w {
			ws[i] = fmt.Sprintf("%s %.4g", classes[i], w[i])
		}
		lines = append(lines, fmt.Sprintf("class weights%s: %s", how, strings.Join(ws, ", ")))
	}
	return lines
}
