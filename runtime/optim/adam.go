package optim

import "math"

// Adam is the Adam optimizer of Kingma and Ba (2015), in the form used by
// PyTorch's torch.optim.Adam and, with Decoupled set, torch.optim.AdamW
// (Loshchilov and Hutter, 2019).
//
// At step t = 1, 2, … with gradient g, learning rate η and first and
// second moment vectors m and v, zero before the first step, the update is
//
//	m ← β₁ m + (1 - β₁) g
//	v ← β₂ v + (1 - β₂) g²
//	m̂ = m / (1 - β₁ᵗ)
//	v̂ = v / (1 - β₂ᵗ)
//	p ← p - η m̂ / (√v̂ + ε)
//
// with all vector operations elementwise. Note that ε is added after the
// square root.
//
// Weight decay λ is applied, if non-zero, in one of two ways. By default
// it is an L2 penalty added to the gradient before the moments are updated,
//
//	g ← g + λ p
//
// With Decoupled set (AdamW) the gradient is left alone and the parameters
// are instead decayed before the Adam update,
//
//	p ← p - η λ p
//
// The state holds the step count t and two buffers, "m" and "v", in that
// order.
//
// The zero value is not a useful optimizer; set at least Beta1, Beta2 and
// Eps, or use New.
type Adam[T Float] struct {
	// Beta1 and Beta2 are the exponential decay rates β₁ and β₂ of the
	// first and second moment estimates, in [0, 1). PyTorch's defaults
	// are 0.9 and 0.999.
	Beta1, Beta2 T

	// Eps is the term ε added to the denominator for numerical
	// stability. PyTorch's default is 1e-8.
	Eps T

	// WeightDecay is the weight decay coefficient λ.
	WeightDecay T

	// Decoupled selects decoupled weight decay (AdamW) instead of an L2
	// penalty on the gradient.
	Decoupled bool

	steps int64
	m, v  []T
}

var adamBuffers = []string{"m", "v"}

// Step applies one Adam update to params in place. See Optimizer.
func (o *Adam[T]) Step(params, grads []T, lr T) { o.StepScaled(params, grads, 1, lr) }

// StepScaled applies the update of Step for the gradient scale·grads. See
// ScaledStepper.
func (o *Adam[T]) StepScaled(params, grads []T, scale, lr T) (finite bool) {
	checkLen(params, grads, o.m)
	if o.m == nil {
		o.m = make([]T, len(params))
		o.v = make([]T, len(params))
	}
	o.steps++

	b1, b2, eps := o.Beta1, o.Beta2, o.Eps
	t := float64(o.steps)
	bc1 := 1 - math.Pow(float64(b1), t)
	bc2 := 1 - math.Pow(float64(b2), t)
	// p - η m̂/(√v̂ + ε) = p - (η/bc1) m / (√v·(1/√bc2) + ε)
	stepSize := T(float64(lr) / bc1)
	invSqrtBc2 := T(1 / math.Sqrt(bc2))

	l2, decay := o.WeightDecay, T(1)
	if o.Decoupled {
		l2, decay = 0, 1-lr*o.WeightDecay
	}

	return adamUpdate(params, grads, o.m, o.v, &adamCoef[T]{
		b1: b1, b2: b2, stepSize: stepSize, invSqrtBc2: invSqrtBc2,
		eps: eps, l2: l2, decay: decay, scale: scale,
	})
}

// State returns a copy of the optimizer's state. See Optimizer.
func (o *Adam[T]) State() State[T] {
	return snapshot(o.steps, adamBuffers, o.m, o.v)
}

// SetState restores a copy of s. See Optimizer.
func (o *Adam[T]) SetState(s State[T]) error {
	bufs, err := restore(s, adamBuffers...)
	if err != nil {
		return err
	}
	o.steps = s.Steps
	o.m, o.v = bufs[0], bufs[1]
	return nil
}
