package train

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/nngen/nngen/runtime/model"
)

// Parallel work: Fit divides its work into tasks whose number and
// boundaries depend only on the sizes of the data, never on the number of
// threads, and combines the results of the tasks in a fixed order, so that
// the results are the same, bit for bit, whatever the number of threads.
// The forward passes of inference, whose samples are independent, are
// split into one part per thread instead (see ForwardParallel).

const (
	// shardMin is the number of samples from which a mini-batch is split
	// into shards: a batch of up to shardMin samples is one shard, and
	// larger batches get one shard per shardMin samples begun, at most
	// maxShards, rounded up to a power of two so that two or four
	// threads share them evenly.
	shardMin  = 32
	maxShards = 4

	// shardAlign divides the boundaries of shards and of the parts of a
	// forward pass: generated models compute four samples at a time, and
	// a sample gets the same kernels wherever it falls in a call as long
	// as the calls start at multiples of four.
	shardAlign = 4
)

// reduceBlock is the number of parameters per task of the reduction of
// the shard gradients; a variable so that the tests can make it small.
var reduceBlock = 1 << 14

// shardCount returns the number of shards of a mini-batch of n samples.
func shardCount(n int) int {
	s := min(maxShards, (n+shardMin-1)/shardMin)
	if s == 3 {
		s = 4
	}
	return max(s, 1)
}

// shardStart returns the first sample of shard k of the count shards of a
// mini-batch of n samples; shardStart(n, count, count) is n. The shards
// are contiguous, their boundaries multiples of shardAlign, and their
// sizes differ by at most shardAlign.
func shardStart(n, count, k int) int {
	units := (n + shardAlign - 1) / shardAlign
	return min(n, shardAlign*(k*units/count))
}

// blocks returns the number of blocks of size b that cover n items.
func blocks(n, b int) int { return (n + b - 1) / b }

// pool runs the tasks of parallel phases on the calling goroutine and on
// helper goroutines started once, so that a phase allocates nothing. A
// pool without helpers runs the tasks in order on the caller. The tasks of
// a phase are claimed in any order; they must write to disjoint memory.
//
// Between phases the helpers, and the caller waiting for them, spin for up
// to spinTime before they sleep: waking a sleeping thread takes from tens
// to hundreds of microseconds on a virtual machine, as long as a shard of
// a small model takes to train. They spin only if GOMAXPROCS lets all of
// them run at once, since a spinning goroutine keeps its processor.
type pool struct {
	helpers int
	spin    bool

	// phase is the current phase: its sequence number in the high 32
	// bits, the number of helpers taking part in the low 32 (closed when
	// they are all ones). Helper i takes part if i is below that number.
	phase   atomic.Uint64
	seq     uint64
	parked  []parker // one per helper
	caller  parker
	pending atomic.Int64 // helpers of the phase not done yet
	panics  []any        // per helper: the panic of a task of the phase

	// The current phase's tasks, set before phase.
	n    int
	task func(int)
	next atomic.Int64 // the next task to claim
}

// closed is the low half of the phase word of a closed pool.
const closed = 1<<32 - 1

// spinTime is how long a goroutine of a pool waits, spinning, before it
// sleeps.
const spinTime = time.Millisecond

// newPool returns a pool for threads threads (at least one), and no more
// than tasks, the most tasks that a phase will have. Call close when done.
func newPool(threads, tasks int) *pool {
	p := &pool{helpers: max(0, min(threads, tasks)-1)}
	p.spin = runtime.GOMAXPROCS(0) > p.helpers
	if p.helpers > 0 {
		p.parked = make([]parker, p.helpers)
		p.panics = make([]any, p.helpers)
		p.caller.init()
		for i := range p.helpers {
			p.parked[i].init()
			go p.helper(i)
		}
	}
	return p
}

// workers returns the number of goroutines that run the tasks.
func (p *pool) workers() int { return p.helpers + 1 }

// close stops the helpers; the pool must not be used afterwards.
func (p *pool) close() {
	if p.helpers > 0 && uint32(p.phase.Load()) != closed {
		p.phase.Store((p.seq+1)<<32 | closed)
		for i := range p.parked {
			p.parked[i].wake()
		}
	}
}

// helper is the loop of helper i.
func (p *pool) helper(i int) {
	var seen uint64
	for {
		p.parked[i].wait(p.spin, func() bool { return p.phase.Load() != seen })
		seen = p.phase.Load()
		h := uint32(seen)
		if h == closed {
			return
		}
		if i < int(h) {
			p.panics[i] = p.help()
			if p.pending.Add(-1) == 0 {
				p.caller.wake()
			}
		}
	}
}

// help runs tasks of the current phase until none is left, returning the
// value of a task's panic, if any.
func (p *pool) help() (panicked any) {
	defer func() { panicked = recover() }()
	p.claim()
	return nil
}

// claim runs tasks of the current phase until none is left.
func (p *pool) claim() {
	for {
		i := int(p.next.Add(1) - 1)
		if i >= p.n {
			return
		}
		p.task(i)
	}
}

// run runs task(0), …, task(n-1) and returns when all are done. The
// panic of a task on a helper is raised again on the caller, once the
// helpers are done.
func (p *pool) run(n int, task func(int)) {
	h := min(p.helpers, n-1)
	if h <= 0 {
		for i := range n {
			task(i)
		}
		return
	}
	p.n, p.task = n, task
	p.next.Store(0)
	p.pending.Store(int64(h))
	p.seq++
	p.phase.Store(p.seq<<32 | uint64(h))
	for i := range h {
		p.parked[i].wake()
	}
	defer p.wait(h) // even if a task panics on the caller
	p.claim()
}

// wait waits for the h helpers of the current phase and raises the first
// panic of their tasks again, if any.
func (p *pool) wait(h int) {
	p.caller.wait(p.spin, func() bool { return p.pending.Load() == 0 })
	p.task = nil
	var panicked any
	for i, v := range p.panics[:h] {
		if v != nil && panicked == nil {
			panicked = v
		}
		p.panics[i] = nil
	}
	if panicked != nil {
		panic(panicked)
	}
}

// parker lets a goroutine wait for a condition that other goroutines make
// true: spinning for up to spinTime, if asked to, then sleeping until they
// call wake.
type parker struct {
	sleeping atomic.Bool
	token    chan struct{}
}

func (k *parker) init() { k.token = make(chan struct{}, 1) }

// wait returns once ready() is true, after spinning first if spin is
// set. Whoever makes it true must then call wake.
func (k *parker) wait(spin bool, ready func() bool) {
	if spin {
		var start time.Time
		for i := 0; ; i++ {
			if ready() {
				return
			}
			if i%256 == 0 {
				if i == 0 {
					start = time.Now()
				} else if time.Since(start) > spinTime {
					break
				}
			}
		}
	}
	for {
		k.sleeping.Store(true)
		if ready() {
			if !k.sleeping.CompareAndSwap(true, false) {
				<-k.token // a wake took the flag and is sending
			}
			return
		}
		<-k.token
		if ready() {
			return
		}
	}
}

// wake wakes the goroutine if it sleeps in wait.
func (k *parker) wake() {
	if k.sleeping.CompareAndSwap(true, false) {
		k.token <- struct{}{}
	}
}

// forwarder runs ForwardBatch on a pool, on contiguous parts of the
// samples: one per worker, or if fixed is set, that many whatever the
// number of workers, so that the outputs do not depend on it for any
// model.
type forwarder[T model.Float, M any, P model.Model[T, M]] struct {
	m       P
	in, out int
	fixed   int
	dst, x  []T
	parts   int
	part    func(int) // f.forward, bound once
}

func newForwarder[T model.Float, M any, P model.Model[T, M]](m P) *forwarder[T, M, P] {
	w := m.Widths()
	f := &forwarder[T, M, P]{m: m, in: w[0], out: w[len(w)-1]}
	f.part = f.forward
	return f
}

// forwardTasks is the most parts a forward pass of n samples has.
func forwardTasks(n int) int { return blocks(n, shardAlign) }

// forward runs part i of the current call.
func (f *forwarder[T, M, P]) forward(i int) {
	n := len(f.x) / f.in
	lo, hi := shardStart(n, f.parts, i), shardStart(n, f.parts, i+1)
	f.m.ForwardBatch(f.dst[lo*f.out:hi*f.out], f.x[lo*f.in:hi*f.in])
}

// run writes the outputs of the samples x to dst, on the pool p.
func (f *forwarder[T, M, P]) run(p *pool, dst, x []T) {
	f.dst, f.x = dst, x
	f.parts = p.workers()
	if f.fixed > 0 {
		f.parts = f.fixed
	}
	f.parts = min(f.parts, forwardTasks(len(x)/f.in))
	p.run(f.parts, f.part)
	f.dst, f.x = nil, nil
}

// ForwardParallel is m.ForwardBatch(dst, x) on up to threads goroutines
// (0 or 1: on the caller alone): it writes the outputs of the samples in
// x, row after row, to dst. It gives each goroutine one call of
// ForwardBatch on a contiguous part of the samples, the parts starting at
// multiples of 4 samples. The models nngen generates compute a sample
// alike wherever it falls in such a call, so for them the results are
// those of one call of ForwardBatch, bit for bit, whatever the number of
// threads. It panics if x and dst do not hold the same number of samples.
//
// Its goroutines live for the call; they read the parameters of m, which
// must not change meanwhile. A program that runs many forward passes
// keeps them instead, in a [Parallel].
func ForwardParallel[T model.Float, M any, P model.Model[T, M]](m P, dst, x []T, threads int) {
	f := newForwarder(m)
	p := newPool(threads, forwardTasks(f.samples("ForwardParallel", dst, x)))
	defer p.close()
	f.run(p, dst, x)
}

// samples returns the number of samples in x, and panics, naming the
// function fn, if dst does not hold the outputs of as many.
func (f *forwarder[T, M, P]) samples(fn string, dst, x []T) int {
	n := len(x) / f.in
	if len(x) != n*f.in || len(dst) != n*f.out {
		panic(fmt.Sprintf("train: %s: %d inputs and %d outputs for samples of %d inputs and %d outputs",
			fn, len(x), len(dst), f.in, f.out))
	}
	return n
}

// Parallel runs the forward passes of a model on goroutines started once
// and kept until Close, as ForwardParallel does for one call: for a
// program that runs many, such as a server, where starting the goroutines
// for each would cost as much as a small model's pass (a goroutine just
// started waits for a thread to wake). Between calls its goroutines spin
// for a millisecond, then sleep. Its methods must not be called
// concurrently.
type Parallel[T model.Float, M any, P model.Model[T, M]] struct {
	f *forwarder[T, M, P]
	p *pool
}

// NewParallel returns a Parallel of m on up to threads goroutines (0 or
// 1: on the caller alone). They read the parameters of m, which must not
// change while a call runs.
func NewParallel[T model.Float, M any, P model.Model[T, M]](m P, threads int) *Parallel[T, M, P] {
	return &Parallel[T, M, P]{f: newForwarder(m), p: newPool(threads, max(threads, 1))}
}

// ForwardBatch writes the outputs of the samples in x, row after row, to
// dst, with the results of ForwardParallel. It panics if x and dst do not
// hold the same number of samples.
func (p *Parallel[T, M, P]) ForwardBatch(dst, x []T) {
	p.f.samples("Parallel.ForwardBatch", dst, x)
	p.f.run(p.p, dst, x)
}

// Close stops the goroutines; p must not be used afterwards.
func (p *Parallel[T, M, P]) Close() { p.p.close() }
