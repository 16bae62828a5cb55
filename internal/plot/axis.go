package plot

import (
	"math"
	"slices"
	"strconv"
)

// axis maps values onto [0, 1], linearly or on a log scale, and holds the
// ticks to label.
type axis struct {
	lo, hi float64
	log    bool
	ticks  []tick
}

type tick struct {
	v     float64
	label string
}

// frac is the position of v on the axis, 0 at lo and 1 at hi.
func (a axis) frac(v float64) float64 {
	if a.log {
		return (math.Log10(v) - math.Log10(a.lo)) / (math.Log10(a.hi) - math.Log10(a.lo))
	}
	return (v - a.lo) / (a.hi - a.lo)
}

// lossAxis is the axis of the losses vs: logarithmic with a tick at each
// power of ten when they are positive and span two decades or more,
// else linear.
func lossAxis(vs []float64) axis { return errorAxis(vs, 100) }

// maeAxis is the axis of mean absolute errors, logarithmic from one
// decade: an absolute error spans half the decades of a squared one.
func maeAxis(vs []float64) axis { return errorAxis(vs, 10) }

// errorAxis is the axis of vs: logarithmic when they are positive and
// the largest is ratio times the smallest or more, else linear.
func errorAxis(vs []float64, ratio float64) axis {
	lo, hi := slices.Min(vs), slices.Max(vs)
	if lo > 0 && hi/lo >= ratio {
		return logAxis(lo, hi)
	}
	return linearAxis(lo, hi, false)
}

// epochAxis is the axis of epochs first to last, with integer ticks.
func epochAxis(first, last int) axis {
	return linearAxis(float64(first), float64(last), true)
}

// linearAxis spans [lo, hi], widened to whole ticks of a step of 1, 2 or
// 5 times a power of ten giving about five ticks; integer axes have steps
// of at least 1.
func linearAxis(lo, hi float64, integer bool) axis {
	if hi <= lo {
		pad := math.Max(math.Abs(lo)*0.1, 1e-3)
		if integer {
			pad = 1
		}
		lo, hi = lo-pad, hi+pad
	}
	step := niceStep((hi - lo) / 5)
	if integer {
		step = math.Max(step, 1)
	}
	first, last := math.Floor(lo/step), math.Ceil(hi/step)
	a := axis{lo: first * step, hi: last * step}
	if integer {
		// The first and last epoch at the ends, ticks between them.
		a.lo, a.hi = lo, hi
		first, last = math.Ceil(lo/step), math.Floor(hi/step)
	}
	prec := max(0, -int(math.Floor(math.Log10(step))))
	for i := first; i <= last; i++ {
		a.ticks = append(a.ticks, tick{i * step, strconv.FormatFloat(i*step, 'f', prec, 64)})
	}
	return a
}

// niceStep is the smallest of 1, 2 and 5 times a power of ten that is at
// least x.
func niceStep(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5} {
		if m*p >= x*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// logAxis spans the powers of ten around [lo, hi], with a tick at each.
func logAxis(lo, hi float64) axis {
	first, last := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
	a := axis{lo: math.Pow(10, float64(first)), hi: math.Pow(10, float64(last)), log: true}
	for k := first; k <= last; k++ {
		a.ticks = append(a.ticks, tick{math.Pow(10, float64(k)), powerLabel(k)})
	}
	return a
}

// powerLabel writes 10^k as a decimal from 0.001 to 1000, else as 1e-5.
func powerLabel(k int) string {
	if k >= -3 && k <= 3 {
		return strconv.FormatFloat(math.Pow(10, float64(k)), 'f', max(0, -k), 64)
	}
	return "1e" + strconv.Itoa(k)
}

// percentAxis is the linear axis of percentages vs, kept within [0, 100].
func percentAxis(vs []float64) axis {
	a := linearAxis(slices.Min(vs), slices.Max(vs), false)
	a.lo, a.hi = max(a.lo, 0), min(a.hi, 100)
	a.ticks = slices.DeleteFunc(a.ticks, func(t tick) bool { return t.v < a.lo || t.v > a.hi })
	return a
}
