package optim

import (
	"math/rand/v2"
	"testing"
)

// The step benchmarks update 100 000 parameters; ns/op divided by 1e5 is
// the time per parameter.

func BenchmarkSGDStep(b *testing.B) {
	b.Run("float32", benchmarkStep[float32]("sgd"))
	b.Run("float64", benchmarkStep[float64]("sgd"))
}

func BenchmarkMomentumStep(b *testing.B) {
	b.Run("float32", benchmarkStep[float32]("momentum"))
	b.Run("float64", benchmarkStep[float64]("momentum"))
}

func BenchmarkAdamStep(b *testing.B) {
	b.Run("float32", benchmarkStep[float32]("adam"))
	b.Run("float64", benchmarkStep[float64]("adam"))
}

func benchmarkStep[T Float](name string) func(*testing.B) {
	return func(b *testing.B) {
		const n = 100_000
		rnd := rand.New(rand.NewPCG(5, 6))
		p, g := randVec[T](rnd, n), randVec[T](rnd, n)
		o, err := New[T](name, DefaultConfig(name))
		if err != nil {
			b.Fatal(err)
		}
		o.Step(p, g, 1e-3) // allocate the state
		b.ReportAllocs()
		for b.Loop() {
			o.Step(p, g, 1e-3)
		}
	}
}
