package optim

import "math"

// Schedule gives the learning rate for each optimizer step.
//
// Rate returns the learning rate for step s, the 0-based index of an update:
// s is the number of Step calls made before the one the rate is passed to,
// so the first update uses Rate(0) and, when resuming from a checkpoint,
// the next one uses Rate(State().Steps). Schedules count steps, not epochs;
// to change the rate every k epochs of n steps each, use k·n steps.
// Rate may panic if s is negative.
type Schedule interface {
	Rate(s int) float64
}

// Constant is a schedule with a fixed learning rate.
type Constant float64

// Rate returns c for every step.
func (c Constant) Rate(s int) float64 { return float64(c) }

// StepDecay multiplies the learning rate by Gamma every Every steps,
//
//	rate(s) = Base · Gamma^⌊s / Every⌋
//
// like PyTorch's StepLR with step_size Every counted in optimizer steps.
type StepDecay struct {
	Base  float64 // rate for steps 0 to Every-1
	Gamma float64 // multiplicative factor per period, usually in (0, 1)
	Every int     // period in steps; must be positive
}

// Rate returns the learning rate for step s. It panics if s is negative or
// Every is not positive.
func (d StepDecay) Rate(s int) float64 {
	if s < 0 {
		panic(errNegStep)
	}
	if d.Every <= 0 {
		panic("optim: non-positive StepDecay.Every")
	}
	return d.Base * math.Pow(d.Gamma, float64(s/d.Every))
}

// Cosine anneals the learning rate from Base to Min along half a cosine
// period over Total steps and holds it at Min afterwards,
//
//	rate(s) = Min + (Base - Min) (1 + cos(π min(s, Total) / Total)) / 2
//
// like PyTorch's CosineAnnealingLR with T_max Total counted in optimizer
// steps. rate(0) = Base and rate(Total) = Min.
type Cosine struct {
	Base  float64 // rate at step 0
	Min   float64 // rate from step Total on
	Total int     // length of the annealing in steps; must be positive
}

// Rate returns the learning rate for step s. It panics if s is negative or
// Total is not positive.
func (c Cosine) Rate(s int) float64 {
	if s < 0 {
		panic(errNegStep)
	}
	if c.Total <= 0 {
		panic("optim: non-positive Cosine.Total")
	}
	s = min(s, c.Total)
	return c.Min + (c.Base-c.Min)*(1+math.Cos(math.Pi*float64(s)/float64(c.Total)))/2
}

// Warmup prefixes a schedule with a linear warm-up of Steps steps. During
// the warm-up the rate rises linearly towards the wrapped schedule's
// initial rate, which it reaches at step Steps; from then on the wrapped
// schedule runs, delayed by Steps,
//
//	rate(s) = r(0) (s + 1) / (Steps + 1)  for s < Steps
//	rate(s) = r(s - Steps)                otherwise
//
// where r is Schedule.Rate. The wrapped schedule therefore covers the
// training after the warm-up: for a total of n steps, a wrapped Cosine
// should have Total n - Steps. With Steps zero, Warmup is Schedule.
type Warmup struct {
	Steps    int      // length of the warm-up in steps; must not be negative
	Schedule Schedule // schedule that follows the warm-up
}

// Rate returns the learning rate for step s. It panics if s or w.Steps is
// negative.
func (w Warmup) Rate(s int) float64 {
	if s < 0 {
		panic(errNegStep)
	}
	if w.Steps < 0 {
		panic("optim: negative Warmup.Steps")
	}
	if s >= w.Steps {
		return w.Schedule.Rate(s - w.Steps)
	}
	return w.Schedule.Rate(0) * float64(s+1) / float64(w.Steps+1)
}
