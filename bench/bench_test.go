package bench

import (
	"runtime"
	"testing"

	"github.com/nngen/nngen/bench/workload"
	"gonum.org/v1/gonum/mat"
)

// The benchmarks are named Benchmark<Metric>/<workload>/<implementation>,
// nngen for the generated model and baseline for the gonum/mat MLP, so that
// cmd/table can pair them. Each reports, besides ns/op, the metric of the
// shared README (ns/sample or samples/s) and GFLOP/s.

// BenchmarkLat1 times the forward pass of one sample (lat1).
func BenchmarkLat1(b *testing.B) {
	benchMetric(b, func(s *subject) func(*testing.B) { return s.lat1 }, (*subject).baseLat1)
}

// BenchmarkThr256 times the forward pass of batches of 256 samples
// (thr256).
func BenchmarkThr256(b *testing.B) {
	benchMetric(b, func(s *subject) func(*testing.B) { return s.thr256 }, (*subject).baseThr256)
}

// BenchmarkTrainSGD times whole shuffled epochs of SGD, lr 0.05, batch 32
// (train_sgd); one operation is one epoch. The generated model is driven
// by train.Fit, which trains b.N epochs in one call.
func BenchmarkTrainSGD(b *testing.B) {
	benchMetric(b, func(s *subject) func(*testing.B) { return s.trainFit }, (*subject).baseTrainSGD)
}

// BenchmarkTrainSGDHand is train_sgd with the steps of train.Fit done by
// hand (data.Batcher, TrainBatch, optim.SGD with the averaging folded into
// its learning rate), without Fit's checks, to measure Fit's overhead.
func BenchmarkTrainSGDHand(b *testing.B) {
	benchMetric(b, func(s *subject) func(*testing.B) { return s.trainHand }, nil)
}

// BenchmarkAccAdam trains digits for 30 epochs of Adam (lr 1e-3, batch 32)
// from three seeds and reports the median test accuracy (acc%) and the
// training speed (samples/s).
func BenchmarkAccAdam(b *testing.B) {
	benchMetric(b, func(s *subject) func(*testing.B) { return s.accAdam }, nil)
}

// The two-thread metrics, of nngen's own and for the mnist-shaped and
// wide workloads only: train_sgd in batches of 64 and 256 by train.Fit on
// one thread and on two (Config.Threads), and thr256 by a
// train.Parallel on two threads (thr256_t2, to compare with
// thr256). The two-thread benchmarks raise GOMAXPROCS to at least 2 for
// their run, whatever go test's -cpu, and are skipped on a machine with
// one CPU; the one-thread ones run at the suite's GOMAXPROCS.

func BenchmarkTrainSGD64T1(b *testing.B)  { benchTrainThreads(b, batch64, 1) }
func BenchmarkTrainSGD64T2(b *testing.B)  { benchTrainThreads(b, batch64, 2) }
func BenchmarkTrainSGD256T1(b *testing.B) { benchTrainThreads(b, batch256, 1) }
func BenchmarkTrainSGD256T2(b *testing.B) { benchTrainThreads(b, batch256, 2) }

// BenchmarkThr256T2 is thr256 on two threads.
func BenchmarkThr256T2(b *testing.B) {
	benchMetric(b, func(s *subject) func(*testing.B) {
		return s.onThreads(2, func(b *testing.B) { s.thrPar(b, 2) })
	}, nil)
}

// benchTrainThreads times whole shuffled epochs of SGD, lr 0.05, in
// batches of batch samples, by train.Fit on threads threads.
func benchTrainThreads(b *testing.B, batch, threads int) {
	benchMetric(b, func(s *subject) func(*testing.B) {
		return s.onThreads(threads, func(b *testing.B) { s.trainAt(b, batch, threads) })
	}, nil)
}

// benchMetric runs the benchmarks of a metric, for each workload whose
// generated model nngen gives one: <workload>/nngen, and unless baseline
// is nil, <workload>/baseline, which it times after giving the baseline
// the parameters of the generated model.
func benchMetric(b *testing.B, nngen func(*subject) func(*testing.B), baseline func(*subject, *testing.B)) {
	for _, s := range allSubjects(b) {
		bench := nngen(s)
		if bench == nil {
			continue
		}
		b.Run(s.w.Name, func(b *testing.B) {
			b.Run("nngen", bench)
			if baseline != nil {
				b.Run("baseline", func(b *testing.B) {
					s.base.SetParams(s.params64())
					b.ResetTimer()
					baseline(s, b)
				})
			}
		})
	}
}

// onThreads returns bench, run with GOMAXPROCS at least threads, or nil
// if s has no two-thread benchmarks.
func (s *subject) onThreads(threads int, bench func(*testing.B)) func(*testing.B) {
	if !s.parallel {
		return nil
	}
	return func(b *testing.B) {
		withProcs(b, threads)
		bench(b)
	}
}

// baseLat1 times the baseline's forward pass of one sample, over the
// training samples in turn.
func (s *subject) baseLat1(b *testing.B) {
	rows, _ := s.x.Dims()
	j := 0
	for range b.N {
		y := s.base.Forward(s.x.RawRowView(j))
		keep(y[0])
		if j++; j == rows {
			j = 0
		}
	}
	b.StopTimer()
	reportLat1(b, s.w)
}

// baseThr256 times the baseline's forward pass of windows of 256 samples.
func (s *subject) baseThr256(b *testing.B) {
	rows, cols := s.xInf.Dims()
	for i := range b.N {
		r := window(i, rows)
		y := s.base.ForwardBatch(s.xInf.Slice(r, r+batchThr, 0, cols).(*mat.Dense))
		keep(y.At(0, 0))
	}
	b.StopTimer()
	reportThroughput(b, b.N*batchThr, workload.ForwardFLOPs(s.w.Widths))
}

// baseTrainSGD times the baseline's epochs of train_sgd.
func (s *subject) baseTrainSGD(b *testing.B) {
	for range b.N {
		s.base.TrainEpoch(s.xTrain, s.yTrain, batchSGD, lrSGD, seed)
	}
	b.StopTimer()
	reportThroughput(b, b.N*len(s.yTrain), workload.TrainFLOPs(s.w.Widths))
}

// withProcs raises GOMAXPROCS to at least n until the benchmark ends, or
// skips it if the machine has fewer than n CPUs.
func withProcs(b *testing.B, n int) {
	if n <= 1 {
		return
	}
	if runtime.NumCPU() < n {
		b.Skipf("%d CPUs, fewer than the %d threads", runtime.NumCPU(), n)
	}
	if old := runtime.GOMAXPROCS(0); old < n {
		runtime.GOMAXPROCS(n)
		b.Cleanup(func() { runtime.GOMAXPROCS(old) })
	}
}
