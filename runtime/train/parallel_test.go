package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/optim"
	"github.com/nngen/nngen/testdata/golden/embedded"
	"github.com/nngen/nngen/testdata/golden/mixed32"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

func TestShards(t *testing.T) {
	for n := 1; n <= 1000; n++ {
		count := shardCount(n)
		switch {
		case n <= 32 && count != 1, n > 32 && n <= 64 && count != 2, n > 64 && count != 4:
			t.Fatalf("%d samples: %d shards", n, count)
		}
		if shardStart(n, count, 0) != 0 || shardStart(n, count, count) != n {
			t.Fatalf("%d samples: the shards span [%d, %d)", n, shardStart(n, count, 0), shardStart(n, count, count))
		}
		var sizes []int
		for k := range count {
			lo, hi := shardStart(n, count, k), shardStart(n, count, k+1)
			if lo%shardAlign != 0 || hi <= lo {
				t.Fatalf("%d samples: shard %d is [%d, %d)", n, k, lo, hi)
			}
			sizes = append(sizes, hi-lo)
		}
		if slices.Max(sizes)-slices.Min(sizes) > shardAlign {
			t.Fatalf("%d samples: shards of %v samples", n, sizes)
		}
	}
}

// smallReduceBlock makes the reduction of the shard gradients run in many
// blocks on the small test models, until the test ends.
func smallReduceBlock(t *testing.T, n int) {
	old := reduceBlock
	reduceBlock = n
	t.Cleanup(func() { reduceBlock = old })
}

// TestFitThreads trains with 1, 2 and 3 threads, which must give the same
// weights and statistics bit for bit, for batch sizes of one, two and four
// shards, including sizes that the shards do not divide and epochs whose
// last batch has fewer shards.
func TestFitThreads(t *testing.T) {
	smallReduceBlock(t, 7) // iris: 51 parameters, 8 blocks
	tr, val, _ := iris(t)  // 120 training samples
	for _, batch := range []int{16, 40, 50, 64, 77, 100, 120} {
		t.Run(fmt.Sprintf("float64/batch %d", batch), func(t *testing.T) {
			checkFitThreads[float64, softmax.Classifier](t, softmax.ClassifierSeed, tr, val, func(threads int) Config[float64] {
				return Config[float64]{
					Epochs: 8, Batch: batch, Optimizer: newOpt[float64](t, "adamw"), LR: 0.01, ClipNorm: 1,
					Seed: 4, Threads: threads,
				}
			}, 0, 2, 3)
		})
	}
	d := synthetic32(230)
	tr32, val32 := d.Split(0.2, 1) // 184 training samples
	for _, batch := range []int{10, 33, 64, 100, 184} {
		t.Run(fmt.Sprintf("float32/batch %d", batch), func(t *testing.T) {
			checkFitThreads[float32, mixed32.Small](t, mixed32.SmallSeed, tr32, val32, func(threads int) Config[float32] {
				return Config[float32]{
					Epochs: 6, Batch: batch, Optimizer: newOpt[float32](t, "nesterov"), LR: 0.05,
					Seed: 2, Threads: threads,
				}
			}, 2, 3, 8)
		})
	}
}

// checkFitThreads trains a new model M from its initial weights of seed
// on tr with the configuration config returns for 1 thread and for each
// of threads: the weights and the statistics of the epochs must be those
// of one thread, bit for bit.
func checkFitThreads[T model.Float, M any, P model.Model[T, M]](t *testing.T, seed uint64, tr, val *data.Dataset[T], config func(threads int) Config[T], threads ...int) {
	t.Helper()
	run := func(n int) ([]T, History) {
		m := P(new(M))
		m.Init(seed)
		h, err := Fit(context.Background(), m, tr, val, config(n))
		if err != nil {
			t.Fatal(err)
		}
		return slices.Clone(m.Params()), h
	}
	want, wantH := run(1)
	for _, n := range threads {
		got, h := run(n)
		if !sameBits(got, want) {
			t.Errorf("%d threads: the weights differ from one thread's", n)
		}
		if !sameEpochs(h.Epochs, wantH.Epochs) {
			t.Errorf("%d threads: the epochs differ from one thread's", n)
		}
	}
}

// TestFitShards checks that Fit computes what its documentation says: the
// shard gradients by TrainBatch, summed in shard order and averaged, and
// for batches of up to 32 samples one TrainBatch of the whole batch.
func TestFitShards(t *testing.T) {
	tr, _, _ := iris(t)
	for _, batch := range []int{24, 50, 100} {
		var m, want softmax.Classifier
		m.Init(softmax.ClassifierSeed)
		want.Init(softmax.ClassifierSeed)
		const lr = 0.1
		if _, err := Fit(context.Background(), &m, tr, nil, Config[float64]{
			Epochs: 2, Batch: batch, Optimizer: &optim.SGD[float64]{}, LR: lr, Seed: 3, Threads: 2,
		}); err != nil {
			t.Fatal(err)
		}
		// By hand.
		b := data.NewBatcher(tr, batch, 3)
		params := want.Params()
		for range 2 {
			for bt, ok := b.Next(); ok; bt, ok = b.Next() {
				shardStep(params, bt.N, lr, func(g *softmax.Classifier, lo, hi int) {
					want.TrainBatch(g, bt.X[lo*4:hi*4], bt.Y[lo*3:hi*3])
				})
			}
		}
		if !sameBits(m.Params(), params) {
			t.Errorf("batch %d: Fit's weights are not those of the shards summed by hand", batch)
		}
	}
}

// TestResumeThreads writes a checkpoint within the third epoch with some
// threads and resumes from it with others: the weights and the epochs are
// those of an uninterrupted run.
func TestResumeThreads(t *testing.T) {
	cfg := func(threads int) Config[float64] {
		return Config[float64]{Epochs: 6, Batch: 50, Optimizer: newOpt[float64](t, "adam"), LR: 0.01, Seed: 7, Threads: threads}
	}
	_, val, _ := iris(t)
	whole, wholeH, err := fitIris(t, context.Background(), cfg(1), val)
	if err != nil {
		t.Fatal(err)
	}
	for _, threads := range [][2]int{{2, 1}, {1, 3}} {
		path := filepath.Join(t.TempDir(), "ckpt.safetensors")
		ctx, cancel := context.WithCancel(context.Background())
		c := cfg(threads[0])
		c.CheckpointPath = path
		c.OnBatch = func(b BatchStats) {
			if b.Epoch == 3 && b.Batch == 2 {
				cancel()
			}
		}
		_, _, err := fitIris(t, ctx, c, val)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted run: %v", err)
		}
		c = cfg(threads[1])
		c.ResumeFrom = path
		m, h, err := fitIris(t, context.Background(), c, val)
		if err != nil {
			t.Fatal(err)
		}
		if !sameBits(m.Params(), whole.Params()) || !sameEpochs(h.Epochs, wholeH.Epochs[2:]) {
			t.Errorf("%d threads, resumed with %d: not the weights or epochs of an uninterrupted run", threads[0], threads[1])
		}
	}
}

// TestForwardParallel compares ForwardParallel, Parallel and
// EvaluateParallel with ForwardBatch and Evaluate, bit for bit, on models
// that take samples one at a time (softmax) and in chunks (mixed32,
// embedded). Each Parallel serves every number of samples in turn.
func TestForwardParallel(t *testing.T) {
	var f64 softmax.Classifier
	f64.Init(3)
	var f32 mixed32.Small
	f32.Init(3)
	var r embedded.Reader
	r.Init(3)
	for _, threads := range []int{0, 1, 2, 3, 5} {
		p64, p32, pr := NewParallel(&f64, threads), NewParallel(&f32, threads), NewParallel(&r, threads)
		for _, n := range []int{1, 3, 31, 32, 33, 100, 256, 257, 1030, 5} {
			checkForwardParallel(t, &f64, p64, n, threads)
			checkForwardParallel(t, &f32, p32, n, threads)
			checkForwardParallel(t, &r, pr, n, threads)
		}
		p64.Close()
		p32.Close()
		pr.Close()
	}
}

func checkForwardParallel[T model.Float, M any, P model.Model[T, M]](t *testing.T, m P, par *Parallel[T, M, P], n, threads int) {
	t.Helper()
	w := m.Widths()
	in, out := w[0], w[len(w)-1]
	d := &data.Dataset[T]{Task: data.Classification, Inputs: in, Outputs: out}
	for i := range n * in {
		d.X = append(d.X, T(math.Sin(float64(i)*0.37)))
	}
	for i := range n {
		y := make([]T, out)
		y[i%out] = 1
		d.Y = append(d.Y, y...)
	}
	want := make([]T, n*out)
	m.ForwardBatch(want, d.X)
	got := make([]T, n*out)
	ForwardParallel(m, got, d.X, threads)
	if !sameBits(got, want) {
		t.Errorf("%T, %d samples, %d threads: ForwardParallel differs from ForwardBatch", m, n, threads)
	}
	clear(got)
	par.ForwardBatch(got, d.X)
	if !sameBits(got, want) {
		t.Errorf("%T, %d samples, %d threads: Parallel differs from ForwardBatch", m, n, threads)
	}
	wantM, err := Evaluate(m, d)
	if err != nil {
		t.Fatal(err)
	}
	gotM, err := EvaluateParallel(m, d, threads)
	if err != nil {
		t.Fatal(err)
	}
	if gotM.Loss != wantM.Loss || gotM.Accuracy != wantM.Accuracy || !slices.EqualFunc(gotM.Confusion, wantM.Confusion, slices.Equal) {
		t.Errorf("%T, %d samples, %d threads: EvaluateParallel %+v, Evaluate %+v", m, n, threads, gotM, wantM)
	}
}

func TestForwardParallelPanics(t *testing.T) {
	var m softmax.Classifier
	defer func() {
		const want = "train: ForwardParallel: 8 inputs and 5 outputs for samples of 4 inputs and 3 outputs"
		if r := recover(); r != want {
			t.Errorf("panic %v, want %q", r, want)
		}
	}()
	ForwardParallel(&m, make([]float64, 5), make([]float64, 8), 2)
}

func TestParallelPanics(t *testing.T) {
	var m softmax.Classifier
	p := NewParallel(&m, 2)
	defer p.Close()
	defer func() {
		const want = "train: Parallel.ForwardBatch: 8 inputs and 5 outputs for samples of 4 inputs and 3 outputs"
		if r := recover(); r != want {
			t.Errorf("panic %v, want %q", r, want)
		}
	}()
	p.ForwardBatch(make([]float64, 5), make([]float64, 8))
}

// TestParallelAllocs checks that a forward pass of a Parallel allocates
// nothing once it runs.
func TestParallelAllocs(t *testing.T) {
	var m mixed32.Small
	m.Init(3)
	p := NewParallel(&m, 2)
	defer p.Close()
	w := m.Widths()
	x, dst := make([]float32, 100*w[0]), make([]float32, 100*w[len(w)-1])
	if n := testing.AllocsPerRun(20, func() { p.ForwardBatch(dst, x) }); n != 0 {
		t.Errorf("Parallel.ForwardBatch allocates %v times per call", n)
	}
}

// goid returns the number of the calling goroutine.
func goid() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	f := strings.Fields(string(buf))
	return f[1] // "goroutine 7 [running]:"
}

// TestPoolPanic checks that the panic of a task on a helper goroutine is
// raised again on the goroutine that runs the phase, after the phase, and
// that the pool still works afterwards.
func TestPoolPanic(t *testing.T) {
	p := newPool(2, 2)
	defer p.close()
	caller := goid()
	var onHelper atomic.Int32
	phase := func() (panicked any) {
		defer func() { panicked = recover() }()
		var arrived sync.WaitGroup
		arrived.Add(2)
		p.run(2, func(i int) {
			arrived.Done()
			arrived.Wait() // so the two tasks run on the two goroutines
			if goid() != caller {
				onHelper.Add(1)
				panic(fmt.Sprintf("task %d", i))
			}
		})
		return nil
	}
	for range 10 {
		if r := phase(); r != "task 0" && r != "task 1" {
			t.Fatalf("panic %v, want task 0 or 1", r)
		}
	}
	if onHelper.Load() != 10 {
		t.Errorf("%d panics on the helper, want 10", onHelper.Load())
	}
	var sum atomic.Int64
	p.run(100, func(i int) { sum.Add(int64(i)) })
	if sum.Load() != 4950 {
		t.Errorf("after the panics, the tasks sum to %d, want 4950", sum.Load())
	}
}

// TestFitGoroutines checks that Fit and ForwardParallel leave no goroutine
// behind, when they end normally and with an error.
func TestFitGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	tr, val, _ := iris(t)
	for range 3 {
		var m softmax.Classifier
		m.Init(softmax.ClassifierSeed)
		Fit(context.Background(), &m, tr, val, Config[float64]{
			Epochs: 3, Batch: 100, Optimizer: newOpt[float64](t, "sgd"), LR: 0.1, Threads: 4,
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	var m softmax.Classifier
	Fit(ctx, &m, tr, val, Config[float64]{
		Epochs: 3, Batch: 100, Optimizer: newOpt[float64](t, "sgd"), LR: 0.1, Threads: 4,
		OnBatch: func(BatchStats) { cancel() },
	})
	ForwardParallel(&m, make([]float64, 3*tr.Len()), tr.X, 4)
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after training, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(time.Millisecond)
	}
}

// plainStep hides an optimizer's StepScaled, so that Fit averages the
// gradient before it calls Step.
type plainStep[T optim.Float] struct{ optim.Optimizer[T] }

// TestFitScaledStep checks that Fit's averaging of a one-shard batch in
// the optimizer's update (optim.ScaledStepper) gives the weights and the
// epochs of averaging first, bit for bit, for every optimizer, on one
// thread and on two, and that a gradient that is not finite is found
// either way.
func TestFitScaledStep(t *testing.T) {
	tr, val, _ := iris(t)
	for _, name := range []string{"sgd", "momentum", "nesterov", "adam", "adamw"} {
		for _, threads := range []int{1, 2} {
			run := func(opt optim.Optimizer[float64]) ([]float64, History) {
				var m softmax.Classifier
				m.Init(softmax.ClassifierSeed)
				h, err := Fit(context.Background(), &m, tr, val, Config[float64]{
					Epochs: 3, Batch: 24, Optimizer: opt, LR: 0.01, Seed: 5, Threads: threads,
				})
				if err != nil {
					t.Fatal(err)
				}
				return slices.Clone(m.Params()), h
			}
			opt := newOpt[float64](t, name)
			if _, ok := opt.(optim.ScaledStepper[float64]); !ok {
				t.Fatalf("%s is not an optim.ScaledStepper", name)
			}
			got, h := run(opt)
			want, wantH := run(plainStep[float64]{newOpt[float64](t, name)})
			if !sameBits(got, want) || !sameEpochs(h.Epochs, wantH.Epochs) {
				t.Errorf("%s, %d threads: averaged in the update, the weights or the epochs differ", name, threads)
			}
		}
	}

	defer func() { scriptedLoss, scriptedGrad = 0, 0 }()
	scriptedLoss, scriptedGrad = 1, math.NaN()
	d := &data.Dataset[float64]{Inputs: 1, Outputs: 1, X: []float64{1, 2, 3}, Y: []float64{0, 0, 0}}
	for _, opt := range []optim.Optimizer[float64]{newOpt[float64](t, "adam"), plainStep[float64]{newOpt[float64](t, "adam")}} {
		for _, threads := range []int{1, 2} {
			_, err := Fit(context.Background(), new(scripted[float64]), d, nil, Config[float64]{
				Epochs: 2, Batch: 2, Optimizer: opt, LR: 0.1, Threads: threads,
			})
			const want = "train: diverged at epoch 1, batch 1: 0.weight[0][0] is NaN after the update (try a lower learning rate or gradient clipping)"
			if err == nil || err.Error() != want {
				t.Errorf("%T, %d threads: error %v\nwant %s", opt, threads, err, want)
			}
		}
	}
}
