package bench

import (
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
	for _, s := range allSubjects(b) {
		b.Run(s.w.Name, func(b *testing.B) {
			b.Run("nngen", s.lat1)
			b.Run("baseline", func(b *testing.B) {
				s.base.SetParams(s.params64())
				rows, _ := s.x.Dims()
				j := 0
				b.ResetTimer()
				for range b.N {
					y := s.base.Forward(s.x.RawRowView(j))
					keep(y[0])
					if j++; j == rows {
						j = 0
					}
				}
				b.StopTimer()
				reportLat1(b, s.w)
			})
		})
	}
}

// BenchmarkThr256 times the forward pass of batches of 256 samples
// (thr256).
func BenchmarkThr256(b *testing.B) {
	for _, s := range allSubjects(b) {
		b.Run(s.w.Name, func(b *testing.B) {
			b.Run("nngen", s.thr256)
			b.Run("baseline", func(b *testing.B) {
				s.base.SetParams(s.params64())
				rows, cols := s.xInf.Dims()
				b.ResetTimer()
				for i := range b.N {
					r := window(i, rows)
					y := s.base.ForwardBatch(s.xInf.Slice(r, r+batchThr, 0, cols).(*mat.Dense))
					keep(y.At(0, 0))
				}
				b.StopTimer()
				reportThroughput(b, b.N*batchThr, workload.ForwardFLOPs(s.w.Widths))
			})
		})
	}
}

// BenchmarkTrainSGD times whole shuffled epochs of SGD, lr 0.05, batch 32
// (train_sgd); one operation is one epoch. The generated model is driven
// by train.Fit, which trains b.N epochs in one call.
func BenchmarkTrainSGD(b *testing.B) {
	for _, s := range allSubjects(b) {
		b.Run(s.w.Name, func(b *testing.B) {
			b.Run("nngen", s.trainFit)
			b.Run("baseline", func(b *testing.B) {
				s.base.SetParams(s.params64())
				b.ResetTimer()
				for range b.N {
					s.base.TrainEpoch(s.xTrain, s.yTrain, batchSGD, lrSGD, seed)
				}
				b.StopTimer()
				reportThroughput(b, b.N*len(s.yTrain), workload.TrainFLOPs(s.w.Widths))
			})
		})
	}
}

// BenchmarkTrainSGDHand is train_sgd with the steps of train.Fit done by
// hand (data.Batcher, TrainBatch, averaging, optim.SGD), without Fit's
// checks, to measure Fit's overhead.
func BenchmarkTrainSGDHand(b *testing.B) {
	for _, s := range allSubjects(b) {
		b.Run(s.w.Name, func(b *testing.B) {
			b.Run("nngen", s.trainHand)
		})
	}
}

// BenchmarkAccAdam trains digits for 30 epochs of Adam (lr 1e-3, batch 32)
// from three seeds and reports the median test accuracy (acc%) and the
// training speed (samples/s).
func BenchmarkAccAdam(b *testing.B) {
	for _, s := range allSubjects(b) {
		if s.accAdam != nil {
			b.Run(s.w.Name, func(b *testing.B) {
				b.Run("nngen", s.accAdam)
			})
		}
	}
}
