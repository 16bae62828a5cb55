package optim

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkAdamStep(b *testing.B) {
	b.Run("float32", benchmarkAdamStep[float32])
	b.Run("float64", benchmarkAdamStep[float64])
}

func benchmarkAdamStep[T Float](b *testing.B) {
	const n = 100_000
	rnd := rand.New(rand.NewPCG(5, 6))
	p, g := randVec[T](rnd, n), randVec[T](rnd, n)
	o, err := New[T]("adam", DefaultConfig("adam"))
	if err != nil {
		b.Fatal(err)
	}
	o.Step(p, g, 1e-3) // allocate the moment vectors
	b.ReportAllocs()
	for b.Loop() {
		o.Step(p, g, 1e-3)
	}
}
