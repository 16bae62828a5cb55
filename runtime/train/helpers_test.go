package train

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/optim"
)

// iris returns the iris data split into training and validation sets,
// standardized by the training statistics.
func iris(t testing.TB) (train, val *data.Dataset[float64], std *data.Standardizer[float64]) {
	t.Helper()
	d, err := data.LoadCSV[float64](filepath.Join("..", "data", "testdata", "iris.csv"), data.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	train, val = d.Split(0.2, 3)
	std, err = data.FitStandardizer(train)
	if err != nil {
		t.Fatal(err)
	}
	std.Apply(train)
	std.Apply(val)
	return train, val, std
}

// newOpt returns a new optimizer by name with the default configuration.
func newOpt[T optim.Float](t testing.TB, name string) optim.Optimizer[T] {
	t.Helper()
	o, err := optim.New[T](name, optim.DefaultConfig(name))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// sameBits reports whether a and b hold the same values bit for bit.
func sameBits[T ~float32 | ~float64](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(float64(a[i])) != math.Float64bits(float64(b[i])) {
			return false
		}
	}
	return true
}

// sine returns n samples of x ↦ (sin 3x, cos 3x) on [-1, 1], for the
// regression golden model.
func sine(n int) *data.Dataset[float64] {
	d := &data.Dataset[float64]{Task: data.Regression, Inputs: 1, Outputs: 2}
	for i := range n {
		x := -1 + 2*float64(i)/float64(n-1)
		d.X = append(d.X, x)
		d.Y = append(d.Y, math.Sin(3*x), math.Cos(3*x))
	}
	return d
}

// flipped returns a copy of the classification set d whose labels are
// rotated by one class, so that learning d makes the loss on the copy
// worse.
func flipped(d *data.Dataset[float64]) *data.Dataset[float64] {
	f := d.Subset(data.Perm(d.Len(), 1))
	k := f.Outputs
	for i := range f.Labels {
		f.Labels[i] = (f.Labels[i] + 1) % k
		clear(f.Y[i*k : (i+1)*k])
		f.Y[i*k+f.Labels[i]] = 1
	}
	return f
}

// synthetic32 returns n samples of 8 features and 4 classes: the class is
// the sign pattern of the first two features.
func synthetic32(n int) *data.Dataset[float32] {
	d := &data.Dataset[float32]{Task: data.Classification, Inputs: 8, Outputs: 4}
	for i := range n {
		x := make([]float32, 8)
		for j := range x {
			x[j] = float32(math.Sin(float64(i*8+j) * 1.7))
		}
		k := 0
		if x[0] > 0 {
			k++
		}
		if x[1] > 0 {
			k += 2
		}
		y := make([]float32, 4)
		y[k] = 1
		d.X = append(d.X, x...)
		d.Y = append(d.Y, y...)
		d.Labels = append(d.Labels, k)
	}
	return d
}

// mustPanic checks that f panics with the message want.
func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		if r := recover(); r == nil || !strings.Contains(r.(string), want) {
			t.Errorf("panic %v, want %q", r, want)
		}
	}()
	f()
}

// writer returns a function that writes a file of the given name and
// contents into dir, returning its path.
func writer(t *testing.T, dir string) func(name, s string) string {
	return func(name, s string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
}

// shardStep runs one SGD step by hand as Fit takes it on several threads:
// step fills the gradient of the samples [lo, hi) of a batch of n, for
// each of Fit's shards in turn; their sum, over n, times lr, is taken off
// params.
func shardStep[M any, P interface {
	*M
	Params() []float64
}](params []float64, n int, lr float64, step func(g P, lo, hi int)) {
	count := shardCount(n)
	gs := make([]M, count)
	for s := range count {
		step(&gs[s], shardStart(n, count, s), shardStart(n, count, s+1))
	}
	for i := range params {
		sum := P(&gs[0]).Params()[i]
		for s := 1; s < count; s++ {
			sum += P(&gs[s]).Params()[i]
		}
		params[i] -= lr * (sum * (1 / float64(n)))
	}
}
