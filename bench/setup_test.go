package bench

import (
	"sync"
	"testing"
	"unsafe"

	"gonum.org/v1/gonum/mat"

	"github.com/nngen/nngen/bench/baseline"
	"github.com/nngen/nngen/bench/digits"
	"github.com/nngen/nngen/bench/mnist"
	"github.com/nngen/nngen/bench/tiny"
	"github.com/nngen/nngen/bench/wide"
	"github.com/nngen/nngen/bench/workload"
	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
)

// The shared definitions of the metrics, and the batch sizes of the
// two-thread metrics of nngen's own (train_sgd64_t1 and so on).
const (
	batchSGD = 32   // train_sgd and acc_adam mini-batch
	batch64  = 64   // train_sgd64_t1, train_sgd64_t2
	batch256 = 256  // train_sgd256_t1, train_sgd256_t2
	lrSGD    = 0.05 // train_sgd learning rate
	batchThr = 256  // thr256 batch
	seed     = 1    // of the weights and of the shuffling
)

// subject is a workload with everything its benchmarks and tests need.
type subject struct {
	w workload.Workload

	// The generated model, behind closures: those that take one sample
	// are specialized per workload (Forward takes a pointer to an array
	// of the workload's input size); the others are generic.
	lat1      func(b *testing.B)                            // Predict over the training samples in turn
	thr256    func(b *testing.B)                            // ForwardBatch over windows of 256 samples
	trainFit  func(b *testing.B)                            // b.N epochs of train.Fit with SGD
	trainHand func(b *testing.B)                            // the same steps by hand
	parallel  bool                                          // whether the two-thread benchmarks run it
	trainAt   func(b *testing.B, batch, threads int)        // b.N epochs of train.Fit with SGD, batch and Threads given
	thrPar    func(b *testing.B, threads int)               // thr256 by a train.Parallel
	checkPar  func(t *testing.T)                            // parallel results against one thread's
	accAdam   func(b *testing.B)                            // Adam accuracy, digits only
	params64  func() []float64                              // the parameters, as float64
	check     func(t testing.TB, base *baseline.MLP, n int) // agreement with the baseline on n samples
	allocs    func() (forward, predict, step float64)       // allocations after warm-up
	forward1  func(i int) []float64                         // Forward of training sample i, as float64

	// The baseline and its float64 data.
	base   *baseline.MLP
	x      *mat.Dense // the training samples, one a row
	labels []int
	xTrain *mat.Dense // the first TrainN of them, for train_sgd
	yTrain []int
	xInf   *mat.Dense // the inference samples of thr256: x tiled to at least 256 rows
}

var (
	subjectsOnce sync.Once
	subjects     []*subject
	subjectsErr  error
)

// allSubjects returns the subjects of the four workloads, built once.
func allSubjects(tb testing.TB) []*subject {
	tb.Helper()
	subjectsOnce.Do(func() { subjects, subjectsErr = newSubjects() })
	if subjectsErr != nil {
		tb.Fatal(subjectsErr)
	}
	return subjects
}

// newSubjects builds the subjects of the four workloads, in the order of
// workload.All.
func newSubjects() ([]*subject, error) {
	t, d, m, w := new(tiny.Tiny), new(digits.Digits), new(mnist.Mnist), new(wide.Wide)
	var all []*subject
	for _, load := range []func() (*subject, error){
		func() (*subject, error) { return newWorkload[float64](workload.Tiny, t, t) },
		func() (*subject, error) { return newWorkload[float32](workload.Digits, d, d) },
		func() (*subject, error) { return newWorkload[float32](workload.Mnist, m, m) },
		func() (*subject, error) { return newWorkload[float32](workload.Wide, w, w) },
	} {
		s, err := load()
		if err != nil {
			return nil, err
		}
		all = append(all, s)
	}
	return all, nil
}

// generated holds a generated model and its data in its element type.
type generated[T model.Float, M any, P model.Model[T, M]] struct {
	w     workload.Workload
	m     P
	train *data.Dataset[T] // all training samples
	epoch *data.Dataset[T] // the first TrainN of them
	test  *data.Dataset[T] // nil for the synthetic workloads
	inf   []T              // thr256 inputs, at least 256 rows
}

// newSubject loads the data of w and fills in the generic parts of a
// subject for the generated model m.
func newSubject[T model.Float, M any, P model.Model[T, M]](w workload.Workload, m P) (*subject, *generated[T, M, P], error) {
	d64, err := w.Train()
	if err != nil {
		return nil, nil, err
	}
	g := &generated[T, M, P]{w: w, m: m, train: workload.Convert[T](d64)}
	g.epoch = workload.Head(g.train, w.TrainN)
	if w.Name == workload.Digits.Name {
		t64, err := w.Test()
		if err != nil {
			return nil, nil, err
		}
		g.test = workload.Convert[T](t64)
	}
	g.inf = tile(g.train.X, g.train.Inputs, batchThr)
	m.Init(seed)

	// The baseline sees the same values, as float64.
	x := toDense(g.train.X, g.train.Inputs)
	s := &subject{
		w:      w,
		base:   baseline.New(w.Widths),
		x:      x,
		labels: g.train.Labels,
		xInf:   toDense(g.inf, g.train.Inputs),
	}
	s.xTrain = toDense(g.epoch.X, g.epoch.Inputs)
	s.yTrain = g.epoch.Labels
	s.params64 = func() []float64 { return to64(m.Params()) }
	s.thr256 = func(b *testing.B) { g.benchThr256(b, 1) }
	s.trainFit = func(b *testing.B) { g.benchTrainAt(b, batchSGD, 1) }
	s.trainHand = g.benchTrainHand
	s.parallel = w.Name == workload.Mnist.Name || w.Name == workload.Wide.Name
	s.trainAt = g.benchTrainAt
	s.thrPar = g.benchThr256
	s.checkPar = g.checkParallel
	s.check = g.checkBaseline
	if g.test != nil {
		s.accAdam = g.benchAccAdam
	}
	return s, g, nil
}

// newWorkload returns the subject of w for the generated model m. One is
// m as well, seen through its methods on one sample: Go cannot infer
// their array types from the type parameter P.
func newWorkload[T model.Float, M any, P model.Model[T, M], X, Y any](w workload.Workload, m P, one oneSample[X, Y]) (*subject, error) {
	s, g, err := newSubject[T](w, m)
	if err != nil {
		return nil, err
	}
	perSample(s, one, g.train.X, g.stepAllocs)
	return s, nil
}

// oneSample is what a generated model does with one sample: X is its
// input array, Y its output array.
type oneSample[X, Y any] interface {
	Forward(x *X) Y
	Predict(x *X) int
}

// perSample fills in the parts of s that take one sample, for the model m
// and its training samples x, row after row. lat1 times Predict, the
// forward pass up to the logits and their argmax: like for like with the
// C reference and PyTorch, which stop at the logits.
func perSample[T model.Float, X, Y any](s *subject, m oneSample[X, Y], x []T, step func() float64) {
	in, out := s.w.Widths[0], s.w.Widths[len(s.w.Widths)-1]
	xs := make([]*X, len(x)/in)
	for i := range xs {
		xs[i] = (*X)(unsafe.Pointer(&x[i*in]))
	}
	s.lat1 = func(b *testing.B) {
		sink := 0
		j := 0
		b.ResetTimer()
		for range b.N {
			sink += m.Predict(xs[j])
			if j++; j == len(xs) {
				j = 0
			}
		}
		b.StopTimer()
		keep(float64(sink))
		reportLat1(b, s.w)
	}
	s.forward1 = func(i int) []float64 {
		y := m.Forward(xs[i])
		return to64(unsafe.Slice((*T)(unsafe.Pointer(&y)), out))
	}
	s.allocs = func() (float64, float64, float64) {
		var sink float64
		return testing.AllocsPerRun(20, func() { y := m.Forward(xs[1]); sink += float64(*(*T)(unsafe.Pointer(&y))) }),
			testing.AllocsPerRun(20, func() { sink += float64(m.Predict(xs[2])) }),
			step()
	}
}

// sink keeps the benchmarks' results alive.
var sink float64

func keep(v float64) { sink += v }

// reportLat1 reports the metrics of a benchmark whose operation is the
// forward pass of one sample.
func reportLat1(b *testing.B, w workload.Workload) {
	sec := b.Elapsed().Seconds()
	b.ReportMetric(sec*1e9/float64(b.N), "ns/sample")
	b.ReportMetric(float64(b.N)*workload.ForwardFLOPs(w.Widths)/sec/1e9, "GFLOP/s")
}

// reportThroughput reports samples/s and GFLOP/s for a benchmark that
// processed the given number of samples at flops each.
func reportThroughput(b *testing.B, samples int, flops float64) {
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(samples)/sec, "samples/s")
	b.ReportMetric(float64(samples)*flops/sec/1e9, "GFLOP/s")
}

// tile returns the rows of x (of width in), repeated until there are at
// least n of them, as the C reference tiles iris for thr256.
func tile[T model.Float](x []T, in, n int) []T {
	if len(x)/in >= n {
		return x
	}
	t := make([]T, 0, n*in)
	for len(t) < n*in {
		t = append(t, x[:min(len(x), n*in-len(t))]...)
	}
	return t
}

func toDense[T model.Float](x []T, cols int) *mat.Dense {
	return mat.NewDense(len(x)/cols, cols, to64(x))
}

func to64[T model.Float](x []T) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

// window returns the start row of the calls-th thr256 batch among rows
// samples, as the C reference chooses it.
func window(calls, rows int) int {
	return calls * batchThr % (rows - batchThr + 1)
}
