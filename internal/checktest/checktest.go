// Package checktest is what nngen's tests share. To show that the checks
// can fail: faults that make a gradient wrong in a known way (Fault, and
// the kinds Doubled, OneElement, Flipped and NoBias), Model, a model with
// one of them in its backward pass, Record, which runs a check and
// returns the failures it reports instead of failing the test, and Param,
// which names an element of the parameters. For the tests that build
// programs, NeedGoTool; for those that look at what is left in a folder,
// DirNames.
package checktest

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/nngen/nngen/runtime/model"
)

// Fault is a wrong gradient. Where the right gradient of an element of
// the tensor is g, the wrong one is
//
//	Scale·g + Offset·(1 + |g|),
//
// for every element of the tensor, or only for element Element.
type Fault struct {
	Name    string // that of its kind: "Doubled", …
	Tensor  string // the tensor, as model.Layout names it
	Element int    // the one element altered, in the tensor's row-major order; −1 for all
	Scale   float64
	Offset  float64
}

// Alter returns the wrong gradient of element i of f's tensor, whose
// right gradient is g.
func (f Fault) Alter(i int, g float64) float64 {
	if f.Element >= 0 && i != f.Element {
		return g
	}
	return f.Scale*g + f.Offset*(1+math.Abs(g))
}

// Apply makes grad, the gradient of a model with the given widths, wrong
// as f says.
func Apply[T model.Float](f Fault, widths []int, grad []T) {
	apply(f, f.find(widths), grad)
}

// apply makes the gradient of t in grad wrong as f says.
func apply[T model.Float](f Fault, t model.Tensor, grad []T) {
	for i := range t.Size() {
		grad[t.Offset+i] = T(f.Alter(i, float64(grad[t.Offset+i])))
	}
}

// find returns f's tensor among those of a model with the given widths.
func (f Fault) find(widths []int) model.Tensor {
	for _, t := range model.Layout(widths) {
		if t.Name == f.Tensor {
			return t
		}
	}
	panic(fmt.Sprintf("checktest: a model of widths %v has no tensor %s", widths, f.Tensor))
}

// A Kind is a type that stands for a fault, so that a model type can
// carry it: the programs nngen builds make their model with new(M).
type Kind interface{ Fault() Fault }

// The kinds of faults, the slips a hand-written backward pass makes, in
// tensors that every model of two layers or more has.
type (
	Doubled    struct{} // the first weight's gradient twice what it is, as with a factor 2 too many
	OneElement struct{} // one element of the second weight, [0][1], off by a tenth of 1 + |g|
	Flipped    struct{} // the second bias's gradient with its sign flipped
	NoBias     struct{} // the first bias's gradient left out, zero
)

// Of returns the fault of the kind K.
func Of[K Kind]() Fault {
	var k K
	return k.Fault()
}

func (Doubled) Fault() Fault    { return Faults[0] }
func (OneElement) Fault() Fault { return Faults[1] }
func (Flipped) Fault() Fault    { return Faults[2] }
func (NoBias) Fault() Fault     { return Faults[3] }

// Faults are the faults of the kinds, in the order above.
var Faults = []Fault{
	{Name: "Doubled", Tensor: "0.weight", Element: -1, Scale: 2},
	{Name: "OneElement", Tensor: "2.weight", Element: 1, Scale: 1, Offset: 0.1},
	{Name: "Flipped", Tensor: "2.bias", Element: -1, Scale: -1},
	{Name: "NoBias", Tensor: "0.bias", Element: -1, Scale: 0},
}

// RunKinds runs tests, each instantiated with one kind of fault, as
// subtests of t named after the kinds: doubled with Doubled, and so on.
func RunKinds(t *testing.T, doubled, oneElement, flipped, noBias func(*testing.T)) {
	t.Helper()
	for i, test := range []func(*testing.T){doubled, oneElement, flipped, noBias} {
		t.Run(Faults[i].Name, test)
	}
}

// Model is the model M with the fault K in its backward pass: its
// TrainWith adds to g the gradient of M's TrainWith made wrong by K;
// everything else is M's. *Model[T, M, P, K] is a
// model.Model[T, Model[T, M, P, K]], and TrainWith allocates nothing.
type Model[T model.Float, M any, P model.Model[T, M], K Kind] struct {
	M       M            // the parameters; in a gradient, the sums
	scratch M            // the gradient of one TrainWith, before the fault
	tensor  model.Tensor // K's tensor, found by the first TrainWith
}

func (m *Model[T, M, P, K]) Params() []T             { return P(&m.M).Params() }
func (m *Model[T, M, P, K]) Widths() []int           { return P(&m.M).Widths() }
func (m *Model[T, M, P, K]) Head() string            { return P(&m.M).Head() }
func (m *Model[T, M, P, K]) Init(seed uint64)        { P(&m.M).Init(seed) }
func (m *Model[T, M, P, K]) ForwardBatch(dst, x []T) { P(&m.M).ForwardBatch(dst, x) }
func (m *Model[T, M, P, K]) Dropout() []float64      { return P(&m.M).Dropout() }

// TrainBatch is TrainWith without weights or masks.
func (m *Model[T, M, P, K]) TrainBatch(g *Model[T, M, P, K], x, y []T) T {
	return m.TrainWith(g, x, y, nil, nil)
}

// TrainWith adds the wrong gradient of the samples to g and returns the
// sum of their losses, which is right.
func (m *Model[T, M, P, K]) TrainWith(g *Model[T, M, P, K], x, y, w, masks []T) T {
	f := Of[K]()
	if m.tensor.Name == "" {
		m.tensor = f.find(m.Widths())
	}
	grad := P(&m.scratch).Params()
	clear(grad)
	loss := P(&m.M).TrainWith(&m.scratch, x, y, w, masks)
	apply(f, m.tensor, grad)
	sum := g.Params()
	for i, v := range grad {
		sum[i] += v
	}
	return loss
}

// Gradient is TrainWith into a cleared g.
func (m *Model[T, M, P, K]) Gradient(g *Model[T, M, P, K], x, y, w, masks []T) T {
	clear(g.Params())
	return m.TrainWith(g, x, y, w, masks)
}

// Param names element i of the parameters of a model with the given
// widths, laid out as model.Layout says: "2.weight[1][3]", "0.bias[4]".
func Param(widths []int, i int) string {
	for _, t := range model.Layout(widths) {
		if k := i - t.Offset; k >= 0 && k < t.Size() {
			if len(t.Shape) == 2 {
				return fmt.Sprintf("%s[%d][%d]", t.Name, k/t.Shape[1], k%t.Shape[1])
			}
			return fmt.Sprintf("%s[%d]", t.Name, k)
		}
	}
	return fmt.Sprintf("parameter %d, past the last tensor", i)
}

// Record runs check as a test would run it, with a testing.TB that
// collects the messages of Error, Errorf, Fatal and Fatalf (and of Fail,
// one saying so) instead of failing tb, and returns them; Fatal, Fatalf
// and FailNow end check. Log and Logf print nothing. Everything else
// (Helper, TempDir, Cleanup…) goes to tb.
func Record(tb testing.TB, check func(testing.TB)) []string {
	r := &recorder{TB: tb}
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(r)
	}()
	<-done
	return r.messages
}

// recorder is the testing.TB of Record.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	messages []string
}

func (r *recorder) record(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.messages = append(r.messages, msg)
}

func (r *recorder) Error(args ...any)                 { r.record(strings.TrimSuffix(fmt.Sprintln(args...), "\n")) }
func (r *recorder) Errorf(format string, args ...any) { r.record(fmt.Sprintf(format, args...)) }
func (r *recorder) Fatal(args ...any)                 { r.Error(args...); runtime.Goexit() }
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); runtime.Goexit() }
func (r *recorder) Log(...any)                        {}
func (r *recorder) Logf(string, ...any)               {}
func (r *recorder) Fail()                             { r.record("failed, without a message") }
func (r *recorder) FailNow()                          { r.Fail(); runtime.Goexit() }

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.messages) > 0
}

// NeedGoTool skips a test that builds programs with the go command in
// short mode, without the go command, and unless the test runs on the
// host the go command builds for: under emulation (GOARCH=arm64 go test
// -exec qemu-aarch64) the programs it builds would not start.
func NeedGoTool(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds programs with the Go toolchain")
	}
	out, err := exec.Command("go", "env", "GOHOSTARCH").Output()
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	if host := strings.TrimSpace(string(out)); host != runtime.GOARCH {
		t.Skipf("runs on %s, emulated on %s: the programs the go command builds would not start", runtime.GOARCH, host)
	}
}

// DirNames returns the names of the entries of dir, in order, and fails
// t if it cannot read dir.
func DirNames(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
