package optim

// SGD is stochastic gradient descent with optional L2 weight decay and
// optional classical or Nesterov momentum, in the form used by PyTorch's
// torch.optim.SGD without dampening.
//
// With weight decay λ the gradient is first replaced by
//
//	g ← g + λ p
//
// Without momentum (μ = 0) the update is
//
//	p ← p - η g
//
// With momentum μ > 0 a velocity v, zero before the first step, is kept and
//
//	v ← μ v + g
//	p ← p - η v
//
// or, with Nesterov momentum,
//
//	v ← μ v + g
//	p ← p - η (g + μ v)
//
// where η is the learning rate passed to Step.
//
// With momentum the state holds one buffer, "velocity", the vector v.
// Without momentum the state holds only the step count.
//
// The zero value is plain SGD without weight decay.
type SGD[T Float] struct {
	// Momentum is the momentum coefficient μ, usually in [0, 1).
	// Zero disables momentum.
	Momentum T

	// Nesterov selects Nesterov momentum. It has no effect if Momentum
	// is zero.
	Nesterov bool

	// WeightDecay is the L2 penalty coefficient λ.
	WeightDecay T

	steps    int64
	velocity []T
}

var sgdBuffers = []string{"velocity"}

// Step applies one SGD update to params in place. See Optimizer.
func (o *SGD[T]) Step(params, grads []T, lr T) { o.StepScaled(params, grads, 1, lr) }

// StepScaled applies the update of Step for the gradient scale·grads. See
// ScaledStepper.
func (o *SGD[T]) StepScaled(params, grads []T, scale, lr T) (finite bool) {
	checkLen(params, grads, o.velocity)
	o.steps++
	if o.Momentum == 0 {
		return sgdUpdate(params, grads, lr, o.WeightDecay, scale)
	}
	if o.velocity == nil {
		o.velocity = make([]T, len(params))
	}
	return momentumUpdate(params, grads, o.velocity, lr, o.Momentum, o.WeightDecay, scale, o.Nesterov)
}

// State returns a copy of the optimizer's state. See Optimizer.
func (o *SGD[T]) State() State[T] {
	if o.Momentum == 0 {
		return snapshot[T](o.steps, nil)
	}
	return snapshot(o.steps, sgdBuffers, o.velocity)
}

// SetState restores a copy of s. See Optimizer.
func (o *SGD[T]) SetState(s State[T]) error {
	names := sgdBuffers
	if o.Momentum == 0 {
		names = nil
	}
	bufs, err := restore(s, names...)
	if err != nil {
		return err
	}
	o.steps = s.Steps
	o.velocity = nil
	if len(bufs) != 0 {
		o.velocity = bufs[0]
	}
	return nil
}
