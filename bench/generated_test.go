package bench

import (
	"context"
	"flag"
	"math"
	"slices"
	"testing"

	"github.com/nngen/nngen/bench/baseline"
	"github.com/nngen/nngen/bench/workload"
	"github.com/nngen/nngen/internal/checktest"
	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/optim"
	"github.com/nngen/nngen/runtime/train"
)

// benchThr256 times the forward pass of batches of 256 samples: by
// ForwardBatch on one thread, by a train.Parallel on more.
func (g *generated[T, M, P]) benchThr256(b *testing.B, threads int) {
	forward := g.m.ForwardBatch
	if threads > 1 {
		par := train.NewParallel(g.m, threads)
		defer par.Close()
		forward = par.ForwardBatch
	}
	in, out := g.w.Widths[0], g.w.Widths[len(g.w.Widths)-1]
	rows := len(g.inf) / in
	dst := make([]T, batchThr*out)
	b.ResetTimer()
	for i := range b.N {
		s := window(i, rows)
		forward(dst, g.inf[s*in:(s+batchThr)*in])
	}
	b.StopTimer()
	keep(float64(dst[0]))
	reportThroughput(b, b.N*batchThr, workload.ForwardFLOPs(g.w.Widths))
}

// sgdConfig is the train_sgd configuration of train.Fit for epochs epochs.
func sgdConfig[T data.Float](epochs int) train.Config[T] {
	return train.Config[T]{Epochs: epochs, Batch: batchSGD, Optimizer: &optim.SGD[T]{}, LR: lrSGD, Seed: seed}
}

// benchTrainAt times b.N epochs of SGD in batches of batch samples by one
// call of train.Fit on threads threads.
func (g *generated[T, M, P]) benchTrainAt(b *testing.B, batch, threads int) {
	g.m.Init(seed)
	cfg := sgdConfig[T](b.N)
	cfg.Batch, cfg.Threads = batch, threads
	b.ResetTimer()
	if _, err := train.Fit(context.Background(), g.m, g.epoch, nil, cfg); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	reportThroughput(b, b.N*g.epoch.Len(), workload.TrainFLOPs(g.w.Widths))
}

// checkParallel checks that ForwardParallel gives the outputs of
// ForwardBatch and that Fit gives the same weights on one thread and on
// two, bit for bit, on a few hundred samples.
func (g *generated[T, M, P]) checkParallel(t *testing.T) {
	g.m.Init(seed)
	defer g.m.Init(seed)
	in, out := g.w.Widths[0], g.w.Widths[len(g.w.Widths)-1]
	for _, n := range []int{batchThr, 103} {
		x := g.inf[:n*in]
		want, got := make([]T, n*out), make([]T, n*out)
		g.m.ForwardBatch(want, x)
		train.ForwardParallel(g.m, got, x, 2)
		if !slices.Equal(got, want) {
			t.Errorf("%d samples: ForwardParallel on 2 threads differs from ForwardBatch", n)
		}
	}
	d := workload.Head(g.train, 260) // batches of 100, 100 and 60: 4, 4 and 2 shards
	fit := func(threads int) []T {
		g.m.Init(seed)
		cfg := sgdConfig[T](1)
		cfg.Batch, cfg.Threads = 100, threads
		if _, err := train.Fit(context.Background(), g.m, d, nil, cfg); err != nil {
			t.Fatal(err)
		}
		return slices.Clone(g.m.Params())
	}
	if one, two := fit(1), fit(2); !slices.Equal(one, two) {
		t.Error("Fit gives different weights on 1 and 2 threads")
	}
}

// stepper does by hand what train.Fit does for each batch, without its
// checks: Gradient, SGD step at lr/batch.
type stepper[T data.Float, M any] struct {
	params, grads []T
	g             *M
	opt           optim.SGD[T]
	batcher       *data.Batcher[T]
}

func (g *generated[T, M, P]) newStepper() *stepper[T, M] {
	grad := new(M)
	return &stepper[T, M]{
		params:  g.m.Params(),
		grads:   P(grad).Params(),
		g:       grad,
		batcher: data.NewBatcher(g.epoch, batchSGD, seed),
	}
}

// step trains one batch. For plain SGD, averaging the summed gradient over
// the batch is dividing the learning rate by the batch's size, which saves
// a pass over the gradient; Fit averages, for optimizers where it is not.
func (g *generated[T, M, P]) step(s *stepper[T, M], bt data.Batch[T]) {
	g.m.Gradient(s.g, bt.X, bt.Y, nil, nil)
	s.opt.Step(s.params, s.grads, lrSGD/T(bt.N))
}

// benchTrainHand times b.N epochs of SGD driven by hand.
func (g *generated[T, M, P]) benchTrainHand(b *testing.B) {
	g.m.Init(seed)
	s := g.newStepper()
	b.ResetTimer()
	for range b.N {
		for bt, ok := s.batcher.Next(); ok; bt, ok = s.batcher.Next() {
			g.step(s, bt)
		}
	}
	b.StopTimer()
	reportThroughput(b, b.N*g.epoch.Len(), workload.TrainFLOPs(g.w.Widths))
}

// stepAllocs returns the allocations of drawing a batch and training on it
// by hand, after a warm-up.
func (g *generated[T, M, P]) stepAllocs() float64 {
	s := g.newStepper()
	return testing.AllocsPerRun(3, func() {
		bt, ok := s.batcher.Next()
		if !ok {
			bt, _ = s.batcher.Next()
		}
		g.step(s, bt)
	})
}

// accSeeds are the seeds of the acc_adam runs, 1 to n: three, like the
// C reference and PyTorch, or the n of -acc-seeds, to see past the spread
// of a few seeds (bench/acc_adam.py runs PyTorch as many times).
func accSeeds() []uint64 {
	seeds := make([]uint64, *accSeedCount)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	return seeds
}

var accSeedCount = flag.Int("acc-seeds", 3, "number of seeds of BenchmarkAccAdam")

// benchAccAdam trains 30 epochs of Adam (lr 1e-3, batch 32) with train.Fit
// from each of accSeeds and reports the median test accuracy, in percent,
// and the training speed.
func (g *generated[T, M, P]) benchAccAdam(b *testing.B) {
	const epochs = 30
	var accs []float64
	b.ResetTimer()
	for range b.N {
		accs = accs[:0]
		for _, sd := range accSeeds() {
			g.m.Init(sd)
			opt, err := optim.New[T]("adam", optim.DefaultConfig("adam"))
			if err != nil {
				b.Fatal(err)
			}
			cfg := train.Config[T]{Epochs: epochs, Batch: batchSGD, Optimizer: opt, LR: 1e-3, Seed: sd}
			if _, err := train.Fit(context.Background(), g.m, g.train, nil, cfg); err != nil {
				b.Fatal(err)
			}
			accs = append(accs, g.accuracy(g.test))
		}
	}
	b.StopTimer()
	slices.Sort(accs)
	b.ReportMetric(100*accs[len(accs)/2], "acc%")
	b.ReportMetric(float64(b.N*(*accSeedCount)*epochs*g.train.Len())/b.Elapsed().Seconds(), "samples/s")
	g.m.Init(seed)
}

// accuracy returns the fraction of the samples of d whose most probable
// class is their label.
func (g *generated[T, M, P]) accuracy(d *data.Dataset[T]) float64 {
	out := g.w.Widths[len(g.w.Widths)-1]
	y := make([]T, d.Len()*out)
	g.m.ForwardBatch(y, d.X)
	hits := 0
	for i, c := range d.Labels {
		row := y[i*out : (i+1)*out]
		if slices.Index(row, slices.Max(row)) == c {
			hits++
		}
	}
	return float64(hits) / float64(d.Len())
}

// tolerances of the comparison with the baseline: float64 models must
// agree to rounding, float32 ones to float32 rounding accumulated over the
// dot products (the largest errors seen are 1.2e-7 on probabilities and
// 4.2e-7 on gradients, relative to the tensor's largest element).
func tolerances[T data.Float]() (prob, grad float64) {
	var z T
	if _, ok := any(z).(float32); ok {
		return 1e-6, 1e-5
	}
	return 1e-13, 1e-12
}

// checkBaseline sets the baseline's parameters to the model's and
// compares, on the first n training samples, the outputs of Forward and
// ForwardBatch, the summed gradients and loss of TrainBatch, and the
// parameters after one SGD step.
func (g *generated[T, M, P]) checkBaseline(t testing.TB, base *baseline.MLP, n int) {
	probTol, gradTol := tolerances[T]()
	g.m.Init(seed)
	defer g.m.Init(seed)
	base.SetParams(to64(g.m.Params()))
	in, out := g.w.Widths[0], g.w.Widths[len(g.w.Widths)-1]
	x, y, labels := g.train.X[:n*in], g.train.Y[:n*out], g.train.Labels[:n]
	xd := toDense(x, in)

	// Forward, one sample at a time and in a batch.
	got := make([]T, n*out)
	g.m.ForwardBatch(got, x)
	want := base.ForwardBatch(xd)
	for i := range n {
		one := base.Forward(xd.RawRowView(i))
		for k := range out {
			if d := math.Abs(float64(got[i*out+k]) - want.At(i, k)); !(d <= probTol) {
				t.Fatalf("sample %d, output %d: nngen %v, baseline ForwardBatch %v", i, k, got[i*out+k], want.At(i, k))
			}
			if d := math.Abs(one[k] - want.At(i, k)); !(d <= 1e-12) {
				t.Fatalf("sample %d, output %d: baseline Forward %v, ForwardBatch %v", i, k, one[k], want.At(i, k))
			}
		}
	}

	// The summed gradients and loss of the batch.
	grad := new(M)
	loss := float64(g.m.TrainBatch(grad, x, y))
	wantLoss := base.Gradients(xd, labels)
	if d := math.Abs(loss - wantLoss); !(d <= gradTol*wantLoss) {
		t.Errorf("loss: nngen %v, baseline %v", loss, wantLoss)
	}
	gotG, wantG := to64(P(grad).Params()), base.Grads()
	compareTensors(t, g.w.Widths, "gradient", gotG, wantG, gradTol)

	// One SGD step with the averaged gradient.
	params := g.m.Params()
	gr := P(grad).Params()
	for i := range gr {
		gr[i] /= T(n)
	}
	var opt optim.SGD[T]
	opt.Step(params, gr, lrSGD)
	base.Step(lrSGD, n)
	compareTensors(t, g.w.Widths, "parameter after a step", to64(params), base.Params(), gradTol)
}

// compareTensors compares two flat parameter vectors of a model with the
// given widths tensor by tensor, relative to each tensor's largest
// element, and reports the first element that differs in each.
func compareTensors(t testing.TB, widths []int, what string, got, want []float64, tol float64) {
	t.Helper()
	for _, tensor := range model.Layout(widths) {
		g, w := got[tensor.Offset:][:tensor.Size()], want[tensor.Offset:][:tensor.Size()]
		scale := 0.0
		for _, v := range w {
			scale = max(scale, math.Abs(v))
		}
		for i := range w {
			if d := math.Abs(g[i] - w[i]); !(d <= tol*max(scale, 1e-30)) {
				t.Errorf("%s of %s: nngen %v, baseline %v (largest %v)", what, checktest.Param(widths, tensor.Offset+i), g[i], w[i], scale)
				break
			}
		}
	}
}
