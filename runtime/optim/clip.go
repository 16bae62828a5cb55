package optim

import "math"

// ClipGlobalNorm scales grads in place so that their Euclidean norm does
// not exceed maxNorm, and returns the norm before clipping,
//
//	‖g‖ = √(Σᵢ gᵢ²)
//	g ← g · maxNorm / ‖g‖  if ‖g‖ > maxNorm
//
// The norm is accumulated in float64, with rescaling to avoid overflow and
// underflow, so it is accurate for any finite grads. For float32 grads
// whose norm exceeds the float32 range the returned norm is +Inf, but the
// scaling is still computed from the exact norm.
//
// If the norm is not finite (some element is ±Inf or NaN) grads are left
// unchanged and the returned norm is +Inf or NaN, so that callers can
// detect the condition and skip the update.
//
// ClipGlobalNorm panics if maxNorm is not positive.
func ClipGlobalNorm[T Float](grads []T, maxNorm T) (norm T) {
	if !(maxNorm > 0) {
		panic("optim: non-positive maxNorm")
	}
	n := norm2(grads)
	if n > float64(maxNorm) && !math.IsInf(n, 1) {
		s := T(float64(maxNorm) / n)
		for i := range grads {
			grads[i] *= s
		}
	}
	return T(n)
}

// norm2 returns the Euclidean norm of x computed in float64.
func norm2[T Float](x []T) float64 {
	// Fast path: a plain sum of squares is exact enough unless it
	// overflowed or is so small that squares may have underflowed.
	var sum float64
	for _, v := range x {
		f := float64(v)
		sum += f * f
	}
	if sum >= 0x1p-900 && sum <= math.MaxFloat64 {
		return math.Sqrt(sum)
	}
	if math.IsNaN(sum) {
		return sum
	}
	// Slow path: sum squares of elements scaled by the largest magnitude.
	var scale float64
	for _, v := range x {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	if scale == 0 || math.IsInf(scale, 1) {
		return scale
	}
	sum = 0
	for _, v := range x {
		f := float64(v) / scale
		sum += f * f
	}
	return scale * math.Sqrt(sum)
}
