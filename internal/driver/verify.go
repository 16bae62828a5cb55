package driver

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/safetensors"
	"github.com/nngen/nngen/runtime/train"
)

// VerifyOptions are the settings of nngen verify.
type VerifyOptions struct {
	Weights, Inputs, Expect string
	Tol                     int64 // largest accepted difference, in units in the last place
}

// Validate reports a missing or invalid option.
func (o *VerifyOptions) Validate() error {
	switch {
	case o.Weights == "" || o.Inputs == "" || o.Expect == "":
		return errors.New("-weights, -inputs and -expect are required")
	case o.Tol < 0:
		return fmt.Errorf("-tol must not be negative, got %d", o.Tol)
	}
	return nil
}

// verifyCmd runs the generated Forward on the inputs of a reference file
// and compares the outputs with the expected ones, in ULPs of the model's
// element type.
func verifyCmd[T model.Float, M any, P model.Model[T, M]](arch train.Arch, args []string, stdout, stderr io.Writer) error {
	var o VerifyOptions
	m, _, err := loadModel[T, M, P](args, &o, arch, stderr)
	if err != nil {
		return err
	}
	widths := m.Widths()
	in, out := widths[0], widths[len(widths)-1]
	x, n, err := readMatrix[T](o.Inputs, in)
	if err != nil {
		return err
	}
	want, k, err := readMatrix[T](o.Expect, out)
	if err != nil {
		return err
	}
	if k != n {
		return fmt.Errorf("%s holds %d samples, %s holds %d", o.Inputs, n, o.Expect, k)
	}
	if n == 0 {
		return fmt.Errorf("%s holds no samples", o.Inputs)
	}
	// The outputs, chunk by chunk, so that memory does not grow with n.
	const chunk = 256
	got := make([]T, min(n, chunk)*out)
	var (
		worst int64
		at    int
		atGot T
	)
	for s := 0; s < n; s += chunk {
		e := min(s+chunk, n)
		y := got[:(e-s)*out]
		m.ForwardBatch(y, x[s*in:e*in])
		for j, v := range y {
			i := s*out + j
			if d := ulps(v, want[i]); d > worst || i == 0 {
				worst, at, atGot = d, i, v
			}
		}
	}
	fmt.Fprintf(stdout, "%d samples, %d outputs each: largest difference %d ULPs at sample %d, output %d (nngen %v, expected %v)\n",
		n, out, worst, at/out, at%out, atGot, want[at])
	if worst > o.Tol {
		return fmt.Errorf("the difference exceeds the tolerance of %d ULPs", o.Tol)
	}
	fmt.Fprintf(stdout, "ok: within %d ULPs\n", o.Tol)
	return nil
}

// readMatrix reads the one tensor of a safetensors file as rows of cols
// values and returns them with the number of rows.
func readMatrix[T model.Float](path string, cols int) ([]T, int, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	if len(f.Tensors) != 1 {
		return nil, 0, fmt.Errorf("%s: holds %d tensors, want one", path, len(f.Tensors))
	}
	t := &f.Tensors[0]
	if len(t.Shape) != 2 || t.Shape[1] != cols {
		return nil, 0, fmt.Errorf("%s: tensor %q has shape %v, want [samples %d]", path, t.Name, t.Shape, cols)
	}
	v, err := safetensors.Floats[T](t)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return v, t.Shape[0], nil
}

// ulps returns the number of representable values of T between a and b;
// NaN is infinitely far from everything.
func ulps[T model.Float](a, b T) int64 {
	if a != a || b != b {
		return math.MaxInt64
	}
	if _, single := any(a).(float32); single {
		return abs(ordered32(float32(a)) - ordered32(float32(b)))
	}
	d := ordered64(float64(a)) - ordered64(float64(b))
	if d == math.MinInt64 {
		return math.MaxInt64
	}
	return abs(d)
}

// ordered32 and ordered64 map floats to integers in the same order, with
// neighbours one apart and both zeros at 0.
func ordered32(f float32) int64 {
	b := int64(int32(math.Float32bits(f)))
	if b < 0 {
		b = math.MinInt32 - b
	}
	return b
}

func ordered64(f float64) int64 {
	b := int64(math.Float64bits(f))
	if b < 0 {
		b = math.MinInt64 - b
	}
	return b
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
