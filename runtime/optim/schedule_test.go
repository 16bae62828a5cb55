package optim

import (
	"math"
	"testing"
)

func TestSchedules(t *testing.T) {
	cosine := Cosine{Base: 1, Min: 0.1, Total: 100}
	for _, test := range []struct {
		name  string
		sched Schedule
		step  int
		want  float64
	}{
		{"constant", Constant(0.01), 0, 0.01},
		{"constant", Constant(0.01), 1000, 0.01},

		// Base·Gamma^⌊s/Every⌋ with Base 0.1, Gamma 0.5, Every 10.
		{"step decay", StepDecay{Base: 0.1, Gamma: 0.5, Every: 10}, 0, 0.1},
		{"step decay", StepDecay{Base: 0.1, Gamma: 0.5, Every: 10}, 9, 0.1},
		{"step decay", StepDecay{Base: 0.1, Gamma: 0.5, Every: 10}, 10, 0.05},
		{"step decay", StepDecay{Base: 0.1, Gamma: 0.5, Every: 10}, 25, 0.025},
		{"step decay", StepDecay{Base: 0.1, Gamma: 0.5, Every: 10}, 30, 0.0125},

		// Min + (Base-Min)(1 + cos(π s/Total))/2 with Base 1, Min 0.1,
		// Total 100.
		{"cosine", cosine, 0, 1},                               // cos 0 = 1
		{"cosine", cosine, 25, 0.1 + 0.45*(1+math.Sqrt2/2)},    // cos π/4 = √2/2
		{"cosine", cosine, 50, 0.55},                           // cos π/2 = 0
		{"cosine", cosine, 75, 0.1 + 0.45*(1-math.Sqrt2/2)},    // cos 3π/4 = -√2/2
		{"cosine", cosine, 100, 0.1},                           // cos π = -1
		{"cosine", cosine, 150, 0.1},                           // held at Min
		{"cosine", Cosine{Base: 0.5, Total: 3}, 1, 0.5 * 0.75}, // cos π/3 = 1/2

		// r(0)(s+1)/(Steps+1) for s < Steps, r(s-Steps) after.
		{"warmup", Warmup{Steps: 3, Schedule: Constant(2)}, 0, 0.5},
		{"warmup", Warmup{Steps: 3, Schedule: Constant(2)}, 1, 1},
		{"warmup", Warmup{Steps: 3, Schedule: Constant(2)}, 2, 1.5},
		{"warmup", Warmup{Steps: 3, Schedule: Constant(2)}, 3, 2},
		{"warmup", Warmup{Steps: 3, Schedule: Constant(2)}, 100, 2},
		{"warmup none", Warmup{Schedule: cosine}, 50, 0.55},
		{"warmup cosine", Warmup{Steps: 4, Schedule: cosine}, 1, 0.4},
		{"warmup cosine", Warmup{Steps: 4, Schedule: cosine}, 4, 1},
		{"warmup cosine", Warmup{Steps: 4, Schedule: cosine}, 54, 0.55},
		{"warmup cosine", Warmup{Steps: 4, Schedule: cosine}, 104, 0.1},
		{"warmup step decay", Warmup{Steps: 5, Schedule: StepDecay{Base: 0.1, Gamma: 0.1, Every: 10}}, 14, 0.1},
		{"warmup step decay", Warmup{Steps: 5, Schedule: StepDecay{Base: 0.1, Gamma: 0.1, Every: 10}}, 15, 0.01},
	} {
		got := test.sched.Rate(test.step)
		if math.Abs(got-test.want) > 1e-15 {
			t.Errorf("%s %+v: Rate(%d) = %v, want %v", test.name, test.sched, test.step, got, test.want)
		}
	}
}

func TestSchedulePanics(t *testing.T) {
	for _, test := range []struct {
		name  string
		sched Schedule
		step  int
	}{
		{"step decay negative step", StepDecay{Base: 1, Gamma: 0.5, Every: 1}, -1},
		{"step decay zero period", StepDecay{Base: 1, Gamma: 0.5}, 0},
		{"cosine negative step", Cosine{Base: 1, Total: 1}, -1},
		{"cosine zero total", Cosine{Base: 1}, 0},
		{"warmup negative step", Warmup{Steps: 1, Schedule: Constant(1)}, -1},
		{"warmup negative steps", Warmup{Steps: -1, Schedule: Constant(1)}, 0},
	} {
		if msg := panicMessage(func() { test.sched.Rate(test.step) }); msg == "" {
			t.Errorf("%s: no panic", test.name)
		}
	}
}
