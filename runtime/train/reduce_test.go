package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nngen/nngen/runtime/model"
)

// The reduction tests run scale, sum2 and sum4, which use the assembly
// kernels where there are any, against their plain forms on the same random
// data, at every length from 0 to 40 (empty, shorter than a vector, and
// every tail length after one to several vectors), at a long length, and
// at an unaligned start. The sums have no multiply followed by an add for
// a compiler to fuse, so the results must be bit-identical everywhere.
// Each length is also tried with an Inf or a NaN at each position, which
// must make the result not finite.

var reduceLengths = func() []int {
	var n []int
	for i := 0; i <= 40; i++ {
		n = append(n, i)
	}
	return append(n, 1037)
}()

func TestReduceKernels(t *testing.T) {
	t.Run("float32", testReduceKernels[float32])
	t.Run("float64", testReduceKernels[float64])
}

func testReduceKernels[T model.Float](t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	vec := func(n, off int) []T {
		x := make([]T, n+off)
		for i := range x {
			x[i] = T(rnd.NormFloat64())
		}
		return x[off:]
	}
	const inv = 1.0 / 3
	for _, n := range reduceLengths {
		for _, off := range []int{0, 1} {
			// bad is the position of a non-finite value, or -1 for none;
			// the long length tries a few positions only.
			bads := []int{-1}
			for b := 0; b < n; b++ {
				if n < 100 || b%97 == 0 || b == n-1 {
					bads = append(bads, b)
				}
			}
			for _, bad := range bads {
				for _, nonFinite := range []T{T(math.Inf(1)), T(math.NaN())} {
					if bad < 0 && math.IsNaN(float64(nonFinite)) {
						continue // once without a bad value is enough
					}
					name := fmt.Sprintf("n=%d off=%d bad=%d (%v)", n, off, bad, nonFinite)
					xs := [4][]T{vec(n, off), vec(n, off), vec(n, off), vec(n, off)}
					if bad >= 0 {
						xs[bad%4][bad] = nonFinite
					}
					for _, k := range []int{1, 2, 4} {
						got, want := clones(xs[:k]), clones(xs[:k])
						var okGot, okWant bool
						switch k {
						case 1:
							okGot, okWant = scale(got[0], inv), scaleGo(want[0], inv)
						case 2:
							okGot, okWant = sum2(got[0], got[1], inv), sum2Go(want[0], want[1], inv)
						case 4:
							okGot = sum4(got[0], got[1], got[2], got[3], inv)
							okWant = sum4Go(want[0], want[1], want[2], want[3], inv)
						}
						if okGot != okWant || okGot != (bad < 0 || bad%4 >= k) {
							t.Fatalf("%s k=%d: finite = %v, plain form %v", name, k, okGot, okWant)
						}
						for j := range got {
							for i := range got[j] {
								g, w := float64(got[j][i]), float64(want[j][i])
								if math.Float64bits(g) != math.Float64bits(w) && !(math.IsNaN(g) && math.IsNaN(w)) {
									t.Fatalf("%s k=%d: x%d[%d] = %v, want %v", name, k, j, i, g, w)
								}
							}
						}
					}
				}
			}
		}
	}
}

func clones[T model.Float](xs [][]T) [][]T {
	c := make([][]T, len(xs))
	for i, x := range xs {
		c[i] = append([]T(nil), x...)
	}
	return c
}

// The reduction benchmarks sum reduceBlock elements per shard, the plain
// forms beside the dispatchers as the baseline.

func BenchmarkReduce(b *testing.B) {
	b.Run("float32", benchmarkReduce[float32])
	b.Run("float64", benchmarkReduce[float64])
}

func benchmarkReduce[T model.Float](b *testing.B) {
	n := reduceBlock
	xs := make([][]T, 4)
	for i := range xs {
		xs[i] = make([]T, n)
		for j := range xs[i] {
			xs[i][j] = 1
		}
	}
	const inv = 1 // keeps the values from underflowing over the iterations
	for _, bench := range []struct {
		name string
		f    func() bool
	}{
		{"scale", func() bool { return scale(xs[0], inv) }},
		{"scaleGo", func() bool { return scaleGo(xs[0], inv) }},
		{"sum2", func() bool { return sum2(xs[0], xs[1], inv) }},
		{"sum2Go", func() bool { return sum2Go(xs[0], xs[1], inv) }},
		{"sum4", func() bool { return sum4(xs[0], xs[1], xs[2], xs[3], inv) }},
		{"sum4Go", func() bool { return sum4Go(xs[0], xs[1], xs[2], xs[3], inv) }},
	} {
		b.Run(bench.name, func(b *testing.B) {
			for b.Loop() {
				bench.f()
			}
		})
	}
}
