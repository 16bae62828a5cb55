package data

import (
	"fmt"
	"math"
	"strconv"
)

// maxSliceClasses bounds the class indices given to FromSlices, whose
// one-hot targets take rows × classes values.
const maxSliceClasses = 1 << 16

// FromSlices returns a data set of the rows x[i], which must all have the
// same number of features, with the targets y read by task as [ReadCSV]
// reads a target column:
//
//   - [Regression]: y[i] is the target of row i;
//   - [Classification]: y[i] is the class index of row i, an integer in
//     [0, 65536); the classes are 0 to the largest index, at least 2;
//   - [Binary]: y[i] is 0 or 1.
//
// The classes are named "0", "1", …; set Classes to other names, one per
// class, if they have them. If y is nil the data set has no targets
// (Outputs is 0), as with [CSVOptions].NoTarget. The rows are copied into
// d.X. Every value must be finite; errors name the row and feature.
func FromSlices[T Float](x [][]T, y []T, task Task) (*Dataset[T], error) {
	switch {
	case task < Classification || task > Regression:
		return nil, fmt.Errorf("data: FromSlices: unknown task %v", task)
	case len(x) == 0:
		return nil, fmt.Errorf("data: FromSlices: no rows")
	case len(x[0]) == 0:
		return nil, fmt.Errorf("data: FromSlices: row 0 has no features")
	case y != nil && len(y) != len(x):
		return nil, fmt.Errorf("data: FromSlices: %d %s for %d rows", len(y), plural(len(y), "target"), len(x))
	}
	d := &Dataset[T]{Task: task, Inputs: len(x[0]), X: make([]T, 0, len(x)*len(x[0]))}
	for i, row := range x {
		if len(row) != d.Inputs {
			return nil, fmt.Errorf("data: FromSlices: row %d has %d %s, row 0 has %d", i, len(row), plural(len(row), "feature"), d.Inputs)
		}
		for j, v := range row {
			if !finite(v) {
				return nil, fmt.Errorf("data: FromSlices: row %d, feature %d: %v is not a finite number", i, j, v)
			}
		}
		d.X = append(d.X, row...)
	}
	if y == nil {
		return d, nil
	}
	if err := d.setTargets(y); err != nil {
		return nil, fmt.Errorf("data: FromSlices: %w", err)
	}
	return d, nil
}

// setTargets sets the targets of d, with d.Task set, from y as
// FromSlices takes them.
func (d *Dataset[T]) setTargets(y []T) error {
	d.Outputs = 1
	if d.Task == Regression {
		for i, v := range y {
			if !finite(v) {
				return fmt.Errorf("target %d: %v is not a finite number", i, v)
			}
		}
		d.Y = append([]T(nil), y...)
		return nil
	}
	d.Labels = make([]int, len(y))
	classes := 0
	for i, v := range y {
		switch {
		case d.Task == Binary && v != 0 && v != 1:
			return fmt.Errorf("target %d: %v is not 0 or 1, as binary classification needs", i, v)
		case !(v >= 0 && v < maxSliceClasses) || v != T(math.Trunc(float64(v))):
			return fmt.Errorf("target %d: %v is not a class index, an integer from 0 to %d", i, v, maxSliceClasses-1)
		}
		d.Labels[i] = int(v)
		classes = max(classes, d.Labels[i]+1)
	}
	if d.Task == Binary {
		classes = 2
	}
	if classes < 2 {
		return fmt.Errorf("every target is class 0; classification needs at least 2 classes")
	}
	d.Classes = make([]string, classes)
	for k := range d.Classes {
		d.Classes[k] = strconv.Itoa(k)
	}
	if d.Task == Binary {
		d.Y = append([]T(nil), y...)
		return nil
	}
	d.Outputs = classes
	d.Y = make([]T, len(y)*classes)
	for i, k := range d.Labels {
		d.Y[i*classes+k] = 1
	}
	return nil
}

// finite reports whether v is neither NaN nor infinite.
func finite[T Float](v T) bool {
	return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0)
}
