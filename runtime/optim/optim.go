package optim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Float is the set of element types the optimizers work on.
type Float interface{ ~float32 | ~float64 }

// Optimizer updates a flat parameter vector from its gradient.
type Optimizer[T Float] interface {
	// Step applies one update to params in place, given grads, the
	// gradient of the loss with respect to params already averaged over
	// the mini-batch, and the learning rate lr. The first call sizes the
	// optimizer's state to len(params); later calls must pass slices of
	// the same length. Step panics if len(grads) != len(params) or if
	// len(params) differs from the state's length. grads is not modified.
	Step(params, grads []T, lr T)

	// State returns a copy of the optimizer's internal state. The copy
	// does not alias the optimizer and stays valid across later steps.
	State() State[T]

	// SetState replaces the optimizer's internal state with a copy of s,
	// typically one returned by State of an optimizer of the same kind
	// and configuration. SetState(State[T]{}) resets the optimizer to its
	// initial state. It returns an error, leaving the optimizer unchanged,
	// if s does not fit the optimizer: a negative step count, buffers
	// present when Steps is zero, missing, duplicate or unknown buffer
	// names, or buffers of different lengths. The buffer length is
	// checked against the parameters on the next call to Step.
	SetState(s State[T]) error
}

// ScaledStepper is an Optimizer that scales the gradient as it reads it.
// StepScaled(params, grads, scale, lr) applies the update of Step for the
// gradient scale·grads, each element of which rounds as the product does,
// so that the result is that of multiplying grads by scale and calling
// Step, bit for bit, without the pass that writes the products. It
// reports whether every element of scale·grads is finite; if one is not,
// the update is made all the same, as Step makes it. grads is not
// modified. package train passes a batch's summed gradient and 1/n, so
// that the average is taken in the update's one pass over the parameters.
// SGD and Adam implement it.
type ScaledStepper[T Float] interface {
	Optimizer[T]
	StepScaled(params, grads []T, scale, lr T) (finite bool)
}

// State is a snapshot of an optimizer's internal state.
type State[T Float] struct {
	// Steps is the number of updates the optimizer has applied.
	Steps int64

	// Buffers holds the per-parameter state vectors in a fixed order
	// documented by each optimizer. It is empty while Steps is zero and
	// for optimizers that keep no per-parameter state.
	Buffers []Buffer[T]
}

// Buffer is a named per-parameter state vector. Element i of Data belongs
// to parameter i.
type Buffer[T Float] struct {
	Name string
	Data []T
}

const (
	errLength      = "optim: params and grads length mismatch"
	errStateLength = "optim: optimizer state length does not match params"
	errNegStep     = "optim: negative step"
)

// snapshot returns a State holding copies of bufs under names. bufs are nil
// before the first step, in which case no buffers are recorded.
func snapshot[T Float](steps int64, names []string, bufs ...[]T) State[T] {
	s := State[T]{Steps: steps}
	if steps == 0 || len(bufs) == 0 || bufs[0] == nil {
		return s
	}
	s.Buffers = make([]Buffer[T], len(names))
	for i, name := range names {
		s.Buffers[i] = Buffer[T]{Name: name, Data: append([]T(nil), bufs[i]...)}
	}
	return s
}

// restore validates s against the buffer names an optimizer expects and
// returns copies of the buffers in the order of names, or nil buffers when
// s holds no updates.
func restore[T Float](s State[T], names ...string) ([][]T, error) {
	if s.Steps < 0 {
		return nil, fmt.Errorf("optim: negative step count %d in state", s.Steps)
	}
	if s.Steps == 0 {
		if len(s.Buffers) != 0 {
			return nil, fmt.Errorf("optim: state has %d buffers but no steps", len(s.Buffers))
		}
		return make([][]T, len(names)), nil
	}
	var have []string
	for _, b := range s.Buffers {
		have = append(have, b.Name)
	}
	if len(have) != len(names) || slices.ContainsFunc(have, func(n string) bool { return indexOf(names, n) < 0 }) {
		return nil, fmt.Errorf("optim: the state holds %s, this optimizer keeps %s: another kind of optimizer saved it",
			bufferList(have), bufferList(names))
	}
	bufs := make([][]T, len(names))
	for _, b := range s.Buffers {
		i := indexOf(names, b.Name)
		if bufs[i] != nil {
			return nil, fmt.Errorf("optim: duplicate state buffer %q", b.Name)
		}
		if len(b.Data) != len(s.Buffers[0].Data) {
			return nil, fmt.Errorf("optim: state buffer %q has length %d, want %d",
				b.Name, len(b.Data), len(s.Buffers[0].Data))
		}
		bufs[i] = append(make([]T, 0, len(b.Data)), b.Data...)
	}
	return bufs, nil
}

// bufferList names state buffers for messages: `buffers "m", "v"`.
func bufferList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	switch len(names) {
	case 0:
		return "no buffers"
	case 1:
		return "buffer " + q[0]
	}
	return "buffers " + strings.Join(q, ", ")
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}

// checkLen panics unless params, grads and the state buffer, if allocated,
// have the same length.
func checkLen[T Float](params, grads, state []T) {
	if len(params) != len(grads) {
		panic(errLength)
	}
	if state != nil && len(state) != len(params) {
		panic(errStateLength)
	}
}
