package optim

import (
	"math"
	"unsafe"
)

// The element loops of the optimizers. Each loop has a plain Go form, named
// with a Go suffix, which is the definition, and a dispatcher that hands the
// longest prefix of whole vectors to an assembly kernel where there is one
// (kernels_amd64.s with AVX2, kernels_arm64.s with NEON) and the rest to the
// plain form. On amd64 the kernels round every operation separately, as
// the Go code compiled for GOAMD64 below v3 does, so the results are
// bit-identical. On arm64 the Go compiler fuses a product into the add or
// subtract it feeds, and the kernels fuse the same pairs: with Go 1.26 the
// results are bit-identical there too (see kernels_arm64.s). The purego
// build tag selects the plain forms everywhere.
//
// Each result element depends only on the elements of the same index, so
// the slices of one call may be the same but must not otherwise overlap.

// Flags of the kernels.
const (
	flagDecay    = 1 << iota // SGD: add λp to g; Adam: add the L2 penalty l2·p to g
	flagNesterov             // SGD with momentum: Nesterov's form
	flagDecouple             // Adam: multiply p by decay first (AdamW)
)

// vecLen returns the number of leading elements of a slice of length n that
// the assembly kernels handle: n rounded down to whole vectors, or 0 without
// them.
func vecLen[T Float](n int) int {
	if !useAsm {
		return 0
	}
	lanes := vecBytes / int(unsafe.Sizeof(T(0)))
	return n &^ (lanes - 1)
}

// is32 reports whether T is float32 or a type derived from it.
func is32[T Float]() bool { return unsafe.Sizeof(T(0)) == 4 }

// ptr32 and ptr64 return the first element of x, which must not be empty, as
// a pointer to the element type the kernels take.
func ptr32[T Float](x []T) *float32 { return (*float32)(unsafe.Pointer(unsafe.SliceData(x))) }
func ptr64[T Float](x []T) *float64 { return (*float64)(unsafe.Pointer(unsafe.SliceData(x))) }

// Each loop reads the gradient as s·g, s the scale of the Step that calls it
// (1 for Step, 1/n for a batch's summed gradient in StepScaled), rounded
// before anything else uses it, as if s·g had been stored first; and it
// reports whether every s·g is finite: x - x is 0 for a finite x and NaN
// otherwise.

// sgdUpdate applies p ← p - η (s·g + λp) elementwise, without the λp term if
// λ is zero, and reports whether every s·g is finite. g must be at least as
// long as p.
func sgdUpdate[T Float](p, g []T, lr, wd, s T) (finite bool) {
	g = g[:len(p)]
	n := vecLen[T](len(p))
	finite = true
	if n > 0 {
		flags := 0
		if wd != 0 {
			flags |= flagDecay
		}
		if is32[T]() {
			finite = sgdF32(ptr32(p), ptr32(g), n, float32(lr), float32(wd), float32(s), flags)
		} else {
			finite = sgdF64(ptr64(p), ptr64(g), n, float64(lr), float64(wd), float64(s), flags)
		}
	}
	return sgdGo(p[n:], g[n:], lr, wd, s) && finite
}

// sgdGo is the plain form of sgdUpdate.
func sgdGo[T Float](p, g []T, lr, wd, s T) (finite bool) {
	g = g[:len(p)]
	finite = true
	if wd == 0 {
		// Without the λp term, a loop of its own: the compiler leaves the test of
		// λ inside the loop, which made the purego build train mnist-shaped
		// 1.06× slower.
		for i, gi := range g {
			gi = T(s * gi)
			if gi-gi != 0 {
				finite = false
			}
			p[i] -= lr * gi
		}
		return finite
	}
	for i, gi := range g {
		gi = T(s * gi)
		if gi-gi != 0 {
			finite = false
		}
		gi += wd * p[i]
		p[i] -= lr * gi
	}
	return finite
}

// momentumUpdate applies one step of SGD with momentum μ elementwise,
//
//	g ← s·g
//	g ← g + λ p    (if λ ≠ 0)
//	v ← μ v + g
//	p ← p - η v    or, with nesterov,  p ← p - η (g + μ v)
//
// and reports whether every s·g is finite. g and v must be at least as long
// as p.
func momentumUpdate[T Float](p, g, v []T, lr, mu, wd, s T, nesterov bool) (finite bool) {
	g, v = g[:len(p)], v[:len(p)]
	n := vecLen[T](len(p))
	finite = true
	if n > 0 {
		flags := 0
		if wd != 0 {
			flags |= flagDecay
		}
		if nesterov {
			flags |= flagNesterov
		}
		if is32[T]() {
			finite = momentumF32(ptr32(p), ptr32(g), ptr32(v), n, float32(lr), float32(mu), float32(wd), float32(s), flags)
		} else {
			finite = momentumF64(ptr64(p), ptr64(g), ptr64(v), n, float64(lr), float64(mu), float64(wd), float64(s), flags)
		}
	}
	return momentumGo(p[n:], g[n:], v[n:], lr, mu, wd, s, nesterov) && finite
}

// momentumGo is the plain form of momentumUpdate.
func momentumGo[T Float](p, g, v []T, lr, mu, wd, s T, nesterov bool) (finite bool) {
	g, v = g[:len(p)], v[:len(p)]
	finite = true
	for i, gi := range g {
		gi = T(s * gi)
		if gi-gi != 0 {
			finite = false
		}
		if wd != 0 {
			gi += wd * p[i]
		}
		vi := mu*v[i] + gi
		v[i] = vi
		if nesterov {
			gi += mu * vi
		} else {
			gi = vi
		}
		p[i] -= lr * gi
	}
	return finite
}

// adamCoef holds the coefficients of one Adam step: see Adam.Step.
type adamCoef[T Float] struct {
	b1, b2     T // β₁, β₂
	stepSize   T // η / (1 - β₁ᵗ)
	invSqrtBc2 T // 1 / √(1 - β₂ᵗ)
	eps        T // ε
	l2         T // L2 penalty on the gradient, or 0
	decay      T // factor of decoupled weight decay, or 1
	scale      T // s, the scale of the gradient
}

// adamUpdate applies one Adam step elementwise,
//
//	g ← s·g
//	g ← g + l2 p    (if l2 ≠ 0)
//	p ← decay p     (if decay ≠ 1)
//	m ← β₁ m + (1 - β₁) g
//	v ← β₂ v + (1 - β₂) g g
//	p ← p - stepSize m / (√v · invSqrtBc2 + ε)
//
// and reports whether every s·g is finite. g, m and v must be at least as
// long as p.
func adamUpdate[T Float](p, g, m, v []T, c *adamCoef[T]) (finite bool) {
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	n := vecLen[T](len(p))
	finite = true
	if n > 0 {
		flags := 0
		if c.l2 != 0 {
			flags |= flagDecay
		}
		if c.decay != 1 {
			flags |= flagDecouple
		}
		if is32[T]() {
			k := [...]float32{float32(c.b1), float32(1 - c.b1), float32(c.b2), float32(1 - c.b2),
				float32(c.invSqrtBc2), float32(c.eps), float32(c.stepSize), float32(c.l2), float32(c.decay),
				float32(c.scale)}
			finite = adamF32(ptr32(p), ptr32(g), ptr32(m), ptr32(v), n, &k, flags)
		} else {
			k := [...]float64{float64(c.b1), float64(1 - c.b1), float64(c.b2), float64(1 - c.b2),
				float64(c.invSqrtBc2), float64(c.eps), float64(c.stepSize), float64(c.l2), float64(c.decay),
				float64(c.scale)}
			finite = adamF64(ptr64(p), ptr64(g), ptr64(m), ptr64(v), n, &k, flags)
		}
	}
	return adamGo(p[n:], g[n:], m[n:], v[n:], c) && finite
}

// adamGo is the plain form of adamUpdate.
func adamGo[T Float](p, g, m, v []T, c *adamCoef[T]) (finite bool) {
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	b1, b2, eps := c.b1, c.b2, c.eps
	stepSize, invSqrtBc2, l2, decay, s := c.stepSize, c.invSqrtBc2, c.l2, c.decay, c.scale
	finite = true
	for i, gi := range g {
		gi = T(s * gi)
		if gi-gi != 0 {
			finite = false
		}
		pi := p[i]
		if l2 != 0 {
			gi += l2 * pi
		}
		if decay != 1 {
			pi *= decay
		}
		mi := b1*m[i] + (1-b1)*gi
		vi := b2*v[i] + (1-b2)*gi*gi
		m[i], v[i] = mi, vi
		denom := T(math.Sqrt(float64(vi)))*invSqrtBc2 + eps
		p[i] = pi - stepSize*mi/denom
	}
	return finite
}
