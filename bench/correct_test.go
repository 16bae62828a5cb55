package bench

import (
	"math"
	"strings"
	"testing"

	"github.com/nngen/nngen/bench/tiny"
	"github.com/nngen/nngen/bench/workload"
	"github.com/nngen/nngen/internal/checktest"
)

// TestData checks the workloads' data: sizes, classes and labels.
func TestData(t *testing.T) {
	for _, s := range allSubjects(t) {
		rows, cols := s.x.Dims()
		want := map[string]int{"tiny": 120, "digits": 1437, "mnist-shaped": workload.SyntheticN, "wide": workload.SyntheticN}[s.w.Name]
		if rows != want || cols != s.w.Widths[0] {
			t.Errorf("%s: %d×%d training samples, want %d×%d", s.w.Name, rows, cols, want, s.w.Widths[0])
		}
		classes := s.w.Widths[len(s.w.Widths)-1]
		seen := make([]int, classes)
		for _, c := range s.labels {
			seen[c]++
		}
		for c, k := range seen {
			if k == 0 {
				t.Errorf("%s: no sample of class %d", s.w.Name, c)
			}
		}
		if n := len(s.yTrain); s.w.TrainN > 0 && n != s.w.TrainN {
			t.Errorf("%s: %d samples per epoch, want %d", s.w.Name, n, s.w.TrainN)
		}
		if r, _ := s.xInf.Dims(); r < batchThr {
			t.Errorf("%s: %d inference samples, want at least %d", s.w.Name, r, batchThr)
		}
	}
	// The first iris row of the shared file: label 0, then the features.
	d, err := workload.Tiny.Train()
	if err != nil {
		t.Fatal(err)
	}
	if d.Labels[0] != 0 || d.X[0] != -1.74885626 || d.X[3] != -1.3154443 {
		t.Errorf("iris row 0: label %d, features %v", d.Labels[0], d.X[:4])
	}
}

// TestFLOPs checks the FLOP counts of the shared README's definitions.
func TestFLOPs(t *testing.T) {
	w := []int{784, 128, 64, 10}
	if got, want := workload.ForwardFLOPs(w), 2.0*(784*128+128*64+64*10); got != want {
		t.Errorf("forward FLOPs %v, want %v", got, want)
	}
	if got, want := workload.TrainFLOPs(w), 2*2.0*(784*128+128*64+64*10)+2.0*(128*64+64*10); got != want {
		t.Errorf("training FLOPs %v, want %v", got, want)
	}
}

// TestAgainstBaseline checks, for every workload, that the generated
// model and the baseline compute the same function: with the same weights
// they give the same outputs, one sample at a time and in a batch, the
// same summed gradients and loss, and the same parameters after an SGD
// step. So the benchmarks compare two implementations of the same work.
func TestAgainstBaseline(t *testing.T) {
	for _, s := range allSubjects(t) {
		t.Run(s.w.Name, func(t *testing.T) {
			s.check(t, s.base, batchSGD)
			// Forward agrees with ForwardBatch.
			out := s.w.Widths[len(s.w.Widths)-1]
			s.base.SetParams(s.params64())
			for i := range 3 {
				got := s.forward1(i)
				want := s.base.Forward(s.x.RawRowView(i))
				for k := range out {
					if d := math.Abs(got[k] - want[k]); d > 2e-5 {
						t.Errorf("sample %d, output %d: Forward %v, baseline %v", i, k, got[k], want[k])
					}
				}
			}
		})
	}
}

// TestAgainstBaselineFaults checks that the comparison of
// TestAgainstBaseline fails the model of the tiny workload with each fault
// in its backward pass, naming an element of the tensor the fault alters
// among the gradients.
func TestAgainstBaselineFaults(t *testing.T) {
	checktest.RunKinds(t, againstBaselineFault[checktest.Doubled], againstBaselineFault[checktest.OneElement],
		againstBaselineFault[checktest.Flipped], againstBaselineFault[checktest.NoBias])
}

func againstBaselineFault[K checktest.Kind](t *testing.T) {
	wrong := checktest.Of[K]().Tensor
	s, _, err := newSubject[float64](workload.Tiny, new(checktest.Model[float64, tiny.Tiny, *tiny.Tiny, K]))
	if err != nil {
		t.Fatal(err)
	}
	failures := checktest.Record(t, func(tb testing.TB) { s.check(tb, s.base, batchSGD) })
	for _, f := range failures {
		if strings.HasPrefix(f, "gradient of "+wrong+"[") {
			return
		}
	}
	t.Errorf("with %s wrong, the failures name no element of it among the gradients:\n%s", wrong, strings.Join(failures, "\n"))
}

// TestNoAllocs checks that Forward, Predict and a training step (drawing
// a batch, clearing the gradient, TrainBatch, averaging, the SGD update)
// allocate nothing once warmed up.
func TestNoAllocs(t *testing.T) {
	for _, s := range allSubjects(t) {
		forward, predict, step := s.allocs()
		if forward != 0 || predict != 0 || step != 0 {
			t.Errorf("%s: allocations per call: Forward %v, Predict %v, training step %v", s.w.Name, forward, predict, step)
		}
	}
}

// TestParallel checks, on the workloads of the two-thread benchmarks,
// that train.ForwardParallel and train.Fit on two threads give the
// results of one thread, bit for bit.
func TestParallel(t *testing.T) {
	for _, s := range allSubjects(t) {
		if s.parallel {
			t.Run(s.w.Name, s.checkPar)
		}
	}
}
