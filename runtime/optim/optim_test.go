package optim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// updateTests give parameter trajectories worked out by hand from the
// published update equations. Numbers are chosen so that most intermediate
// values are exact binary fractions.
var updateTests = []struct {
	name   string
	opt    string
	cfg    Config
	lr     float64
	params []float64
	steps  []updateStep
}{
	{
		// p ← p - η g
		name:   "sgd",
		opt:    "sgd",
		lr:     0.5,
		params: []float64{1, -2, 0.5},
		steps: []updateStep{
			// p = [1-0.5·0.5, -2-0.5·1, 0.5-0.5·(-2)]
			{grads: []float64{0.5, 1, -2}, want: []float64{0.75, -2.5, 1.5}},
			// p = [0.75-0.5·(-1), -2.5-0.5·0.25, 1.5-0.5·3]
			{grads: []float64{-1, 0.25, 3}, want: []float64{1.25, -2.625, 0}},
		},
	},
	{
		// g ← g + λp; p ← p - η g with λ = 0.25.
		name:   "sgd weight decay",
		opt:    "sgd",
		cfg:    Config{WeightDecay: 0.25},
		lr:     0.5,
		params: []float64{1, -2, 4},
		steps: []updateStep{
			// g = [0.5+0.25·1, 1+0.25·(-2), -1+0.25·4] = [0.75, 0.5, 0]
			// p = [1-0.375, -2-0.25, 4-0]
			{grads: []float64{0.5, 1, -1}, want: []float64{0.625, -2.25, 4}},
			// g = [1+0.25·0.625, 0+0.25·(-2.25), 2+0.25·4] = [1.15625, -0.5625, 3]
			// p = [0.625-0.578125, -2.25+0.28125, 4-1.5]
			{grads: []float64{1, 0, 2}, want: []float64{0.046875, -1.96875, 2.5}},
		},
	},
	{
		// v ← μv + g; p ← p - η v with μ = 0.5.
		name:   "momentum",
		opt:    "momentum",
		cfg:    Config{Momentum: 0.5},
		lr:     0.5,
		params: []float64{1, -2, 0.5},
		steps: []updateStep{
			// v = 0.5·0 + g = [1, -1, 2]
			// p = [1-0.5, -2+0.5, 0.5-1]
			{grads: []float64{1, -1, 2}, want: []float64{0.5, -1.5, -0.5}},
			// v = 0.5·[1, -1, 2] + [0.5, 0, -2] = [1, -0.5, -1]
			// p = [0.5-0.5, -1.5+0.25, -0.5+0.5]
			{grads: []float64{0.5, 0, -2}, want: []float64{0, -1.25, 0}},
			// v = 0.5·[1, -0.5, -1] + [-1, 1, 0] = [-0.5, 0.75, -0.5]
			// p = [0+0.25, -1.25-0.375, 0+0.25]
			{grads: []float64{-1, 1, 0}, want: []float64{0.25, -1.625, 0.25}},
		},
	},
	{
		// g ← g + λp; v ← μv + g; p ← p - η v with μ = 0.5, λ = 0.25.
		name:   "momentum weight decay",
		opt:    "momentum",
		cfg:    Config{Momentum: 0.5, WeightDecay: 0.25},
		lr:     0.5,
		params: []float64{1, -2, 0.5},
		steps: []updateStep{
			// g = [1+0.25, -1-0.5, 2+0.125] = [1.25, -1.5, 2.125] = v
			// p = [1-0.625, -2+0.75, 0.5-1.0625]
			{grads: []float64{1, -1, 2}, want: []float64{0.375, -1.25, -0.5625}},
			// g = [0.5+0.09375, 0-0.3125, -2-0.140625]
			//   = [0.59375, -0.3125, -2.140625]
			// v = 0.5·[1.25, -1.5, 2.125] + g = [1.21875, -1.0625, -1.078125]
			// p = [0.375-0.609375, -1.25+0.53125, -0.5625+0.5390625]
			{grads: []float64{0.5, 0, -2}, want: []float64{-0.234375, -0.71875, -0.0234375}},
		},
	},
	{
		// v ← μv + g; p ← p - η (g + μv) with μ = 0.5.
		name:   "nesterov",
		opt:    "nesterov",
		cfg:    Config{Momentum: 0.5},
		lr:     0.5,
		params: []float64{1, -2, 0.5},
		steps: []updateStep{
			// v = [1, -1, 2]; g + μv = [1.5, -1.5, 3]
			// p = [1-0.75, -2+0.75, 0.5-1.5]
			{grads: []float64{1, -1, 2}, want: []float64{0.25, -1.25, -1}},
			// v = 0.5·[1, -1, 2] + [0.5, 0, -2] = [1, -0.5, -1]
			// g + μv = [0.5+0.5, 0-0.25, -2-0.5] = [1, -0.25, -2.5]
			// p = [0.25-0.5, -1.25+0.125, -1+1.25]
			{grads: []float64{0.5, 0, -2}, want: []float64{-0.25, -1.125, 0.25}},
			// v = 0.5·[1, -0.5, -1] + [-1, 1, 0] = [-0.5, 0.75, -0.5]
			// g + μv = [-1-0.25, 1+0.375, 0-0.25] = [-1.25, 1.375, -0.25]
			// p = [-0.25+0.625, -1.125-0.6875, 0.25+0.125]
			{grads: []float64{-1, 1, 0}, want: []float64{0.375, -1.8125, 0.375}},
		},
	},
	{
		// m ← β₁m + (1-β₁)g; v ← β₂v + (1-β₂)g²
		// p ← p - η (m/(1-β₁ᵗ)) / (√(v/(1-β₂ᵗ)) + ε)
		// with β₁ = 0.5, β₂ = 0.75, ε = 0.25. Gradient magnitudes are
		// constant per element so that v/(1-β₂ᵗ) = g² exactly.
		name:   "adam",
		opt:    "adam",
		cfg:    Config{Beta1: 0.5, Beta2: 0.75, Eps: 0.25},
		lr:     0.5,
		params: []float64{1, -1, 2},
		steps: []updateStep{
			// t = 1: 1-β₁ = 0.5, 1-β₂ = 0.25
			// m = 0.5·[1, -2, 0.5] = [0.5, -1, 0.25]; m̂ = [1, -2, 0.5]
			// v = 0.25·[1, 4, 0.25] = [0.25, 1, 0.0625]; v̂ = [1, 4, 0.25]
			// √v̂ + ε = [1.25, 2.25, 0.75]
			// Δ = 0.5·[1/1.25, -2/2.25, 0.5/0.75] = [0.4, -4/9, 1/3]
			{grads: []float64{1, -2, 0.5}, want: []float64{0.6, -5.0 / 9, 5.0 / 3}},
			// t = 2: 1-β₁² = 0.75, 1-β₂² = 0.4375 = 7/16
			// m = 0.5·[0.5, -1, 0.25] + 0.5·[1, 2, -0.5] = [0.75, 0.5, -0.125]
			// m̂ = [1, 2/3, -1/6]
			// v = 0.75·[0.25, 1, 0.0625] + 0.25·[1, 4, 0.25]
			//   = [0.4375, 1.75, 0.109375]; v̂ = [1, 4, 0.25]
			// Δ = 0.5·[1/1.25, (2/3)/2.25, (-1/6)/0.75] = [0.4, 4/27, -1/9]
			// p = [0.6-0.4, -5/9-4/27, 5/3+1/9]
			{grads: []float64{1, 2, -0.5}, want: []float64{0.2, -19.0 / 27, 16.0 / 9}},
			// t = 3: 1-β₁³ = 0.875, 1-β₂³ = 37/64
			// m = 0.5·[0.75, 0.5, -0.125] + 0.5·[-1, 2, 0.5]
			//   = [-0.125, 1.25, 0.1875]; m̂ = [-1/7, 10/7, 3/14]
			// v = 0.75·[0.4375, 1.75, 0.109375] + 0.25·[1, 4, 0.25]
			//   = [37/64, 148/64, 37/256]; v̂ = [1, 4, 0.25]
			// Δ = 0.5·[(-1/7)/1.25, (10/7)/2.25, (3/14)/0.75]
			//   = [-2/35, 20/63, 1/7]
			// p = [0.2+2/35, -19/27-20/63, 16/9-1/7]
			{grads: []float64{-1, 2, 0.5}, want: []float64{9.0 / 35, -193.0 / 189, 103.0 / 63}},
		},
	},
	{
		// Adam as above with the L2 penalty g ← g + λp, λ = 0.5.
		name:   "adam weight decay",
		opt:    "adam",
		cfg:    Config{Beta1: 0.5, Beta2: 0.75, Eps: 0.25, WeightDecay: 0.5},
		lr:     0.5,
		params: []float64{1, -1},
		steps: []updateStep{
			// g = [0.5+0.5·1, 0.5-0.5·1] = [1, 0]
			// m = [0.5, 0]; m̂ = [1, 0]; v = [0.25, 0]; v̂ = [1, 0]
			// Δ = 0.5·[1/(1+0.25), 0/(0+0.25)] = [0.4, 0]
			{grads: []float64{0.5, 0.5}, want: []float64{0.6, -1}},
			// g = [0.2+0.5·0.6, 1.5-0.5·1] = [0.5, 1]
			// m = 0.5·[0.5, 0] + 0.5·[0.5, 1] = [0.5, 0.5]; m̂ = m/0.75 = [2/3, 2/3]
			// v = 0.75·[0.25, 0] + 0.25·[0.25, 1] = [0.25, 0.25]
			// v̂ = v/(7/16) = [4/7, 4/7]; √v̂ = 2/√7
			// Δ = 0.5·(2/3)/(2/√7 + 0.25) for both elements
			{grads: []float64{0.2, 1.5}, want: []float64{
				0.6 - (1.0/3)/(2/math.Sqrt(7)+0.25),
				-1 - (1.0/3)/(2/math.Sqrt(7)+0.25),
			}},
		},
	},
	{
		// p ← p - ηλp, then Adam as above with β₁ = 0.5, β₂ = 0.75,
		// ε = 0.25 and λ = 0.5, so that 1-ηλ = 0.75.
		name:   "adamw",
		opt:    "adamw",
		cfg:    Config{Beta1: 0.5, Beta2: 0.75, Eps: 0.25, WeightDecay: 0.5},
		lr:     0.5,
		params: []float64{1, -1},
		steps: []updateStep{
			// p = 0.75·[1, -1] = [0.75, -0.75]
			// m̂ = [1, -2]; v̂ = [1, 4]; Δ = 0.5·[1/1.25, -2/2.25] = [0.4, -4/9]
			// p = [0.75-0.4, -0.75+4/9]
			{grads: []float64{1, -2}, want: []float64{0.35, -11.0 / 36}},
			// p = 0.75·[0.35, -11/36] = [0.2625, -11/48]
			// m = 0.5·[0.5, -1] + 0.5·[1, 2] = [0.75, 0.5]; m̂ = [1, 2/3]
			// v = 0.75·[0.25, 1] + 0.25·[1, 4] = [0.4375, 1.75]; v̂ = [1, 4]
			// Δ = 0.5·[1/1.25, (2/3)/2.25] = [0.4, 4/27]
			// p = [0.2625-0.4, -11/48-4/27]
			{grads: []float64{1, 2}, want: []float64{-0.1375, -163.0 / 432}},
		},
	},
	{
		// With PyTorch's defaults the first Adam step is
		// Δ = η g/(|g| + ε), about η in magnitude: m̂ = g and v̂ = g².
		name:   "adam defaults",
		opt:    "adam",
		cfg:    DefaultConfig("adam"),
		lr:     1e-3,
		params: []float64{1, -1, 0},
		steps: []updateStep{
			{grads: []float64{0.1, -3, 1e-4}, want: []float64{
				1 - 1e-3*0.1/(0.1+1e-8),
				-1 + 1e-3*3/(3+1e-8),
				0 - 1e-3*1e-4/(1e-4+1e-8),
			}},
		},
	},
}

type updateStep struct {
	grads []float64
	want  []float64 // params after the step
}

func TestUpdate(t *testing.T) {
	for _, test := range updateTests {
		t.Run(test.name+"/float32", func(t *testing.T) {
			testUpdate[float32](t, test.opt, test.cfg, test.lr, test.params, test.steps, 1e-6)
		})
		t.Run(test.name+"/float64", func(t *testing.T) {
			testUpdate[float64](t, test.opt, test.cfg, test.lr, test.params, test.steps, 1e-14)
		})
	}
}

func testUpdate[T Float](t *testing.T, name string, cfg Config, lr float64, params []float64, steps []updateStep, tol float64) {
	opt, err := New[T](name, cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := convert[T](params)
	for i, s := range steps {
		g := convert[T](s.grads)
		opt.Step(p, g, T(lr))
		if !equalApprox(p, s.want, tol) {
			t.Fatalf("step %d: params = %v, want %v", i, p, s.want)
		}
		if got := opt.State().Steps; got != int64(i+1) {
			t.Fatalf("step %d: State().Steps = %d, want %d", i, got, i+1)
		}
	}
}

func TestSGDZeroValue(t *testing.T) {
	var o SGD[float64]
	p := []float64{1, 2}
	o.Step(p, []float64{2, -4}, 0.25)
	if want := []float64{0.5, 3}; !equalApprox(p, want, 0) {
		t.Errorf("params = %v, want %v", p, want)
	}
}

// TestStateRoundTrip checks that an optimizer restored from another's
// state takes bit-identical steps.
func TestStateRoundTrip(t *testing.T) {
	for _, name := range Names() {
		t.Run(name+"/float32", func(t *testing.T) { testStateRoundTrip[float32](t, name) })
		t.Run(name+"/float64", func(t *testing.T) { testStateRoundTrip[float64](t, name) })
	}
}

func testStateRoundTrip[T Float](t *testing.T, name string) {
	const n = 7
	rnd := rand.New(rand.NewPCG(1, 2))
	cfg := DefaultConfig(name)
	cfg.WeightDecay = 0.1
	a, err := New[T](name, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New[T](name, cfg)

	pa := randVec[T](rnd, n)
	for range 3 {
		a.Step(pa, randVec[T](rnd, n), 0.01)
	}
	s := a.State()
	if s.Steps != 3 {
		t.Fatalf("Steps = %d, want 3", s.Steps)
	}
	wantNames := map[string][]string{
		"sgd": nil, "momentum": {"velocity"}, "nesterov": {"velocity"},
		"adam": {"m", "v"}, "adamw": {"m", "v"},
	}[name]
	if len(s.Buffers) != len(wantNames) {
		t.Fatalf("got %d buffers, want %q", len(s.Buffers), wantNames)
	}
	for i, buf := range s.Buffers {
		if buf.Name != wantNames[i] || len(buf.Data) != n {
			t.Fatalf("buffer %d is %q of length %d, want %q of length %d",
				i, buf.Name, len(buf.Data), wantNames[i], n)
		}
	}
	if err := b.SetState(s); err != nil {
		t.Fatal(err)
	}
	// Neither optimizer may alias s.
	for _, buf := range s.Buffers {
		buf.Data[0] = 1e6
	}

	pb := append([]T(nil), pa...)
	for step := range 3 {
		g := randVec[T](rnd, n)
		a.Step(pa, g, 0.01)
		b.Step(pb, g, 0.01)
		for i := range pa {
			if pa[i] != pb[i] {
				t.Fatalf("step %d after restore: params differ: %v != %v", step, pb, pa)
			}
		}
	}
	if a.State().Steps != 6 || b.State().Steps != 6 {
		t.Errorf("Steps = %d and %d, want 6", a.State().Steps, b.State().Steps)
	}

	// Restoring the empty state resets the optimizer.
	if err := b.SetState(State[T]{}); err != nil {
		t.Fatal(err)
	}
	fresh, _ := New[T](name, cfg)
	pf := append([]T(nil), pb...)
	g := randVec[T](rnd, n)
	b.Step(pb, g, 0.01)
	fresh.Step(pf, g, 0.01)
	for i := range pb {
		if pb[i] != pf[i] {
			t.Fatalf("after reset: params = %v, want %v", pb, pf)
		}
	}
}

func TestSetStateErrors(t *testing.T) {
	buf := func(name string, n int) Buffer[float64] {
		return Buffer[float64]{Name: name, Data: make([]float64, n)}
	}
	for _, test := range []struct {
		name  string
		state State[float64]
		want  string
	}{
		{"negative steps", State[float64]{Steps: -1}, "negative step count"},
		{"buffers without steps", State[float64]{Buffers: []Buffer[float64]{buf("m", 2), buf("v", 2)}}, "no steps"},
		{"missing buffers", State[float64]{Steps: 1}, `the state holds no buffers, this optimizer keeps buffers "m", "v": another kind of optimizer saved it`},
		{"missing buffer", State[float64]{Steps: 1, Buffers: []Buffer[float64]{buf("m", 2)}}, `the state holds buffer "m", this optimizer keeps buffers "m", "v"`},
		{"unknown buffer", State[float64]{Steps: 1, Buffers: []Buffer[float64]{buf("m", 2), buf("velocity", 2)}}, `the state holds buffers "m", "velocity", this optimizer keeps buffers "m", "v"`},
		{"duplicate buffer", State[float64]{Steps: 1, Buffers: []Buffer[float64]{buf("m", 2), buf("m", 2)}}, `duplicate state buffer "m"`},
		{"length mismatch", State[float64]{Steps: 1, Buffers: []Buffer[float64]{buf("m", 2), buf("v", 3)}}, `"v" has length 3, want 2`},
	} {
		o := &Adam[float64]{Beta1: 0.5, Beta2: 0.5}
		p := []float64{1, 2}
		o.Step(p, []float64{1, 1}, 1)
		before := o.State()
		err := o.SetState(test.state)
		if err == nil || !strings.Contains(err.Error(), test.want) {
			t.Errorf("%s: SetState error = %v, want one containing %q", test.name, err, test.want)
		}
		if after := o.State(); after.Steps != before.Steps || len(after.Buffers) != 2 {
			t.Errorf("%s: failed SetState changed the state", test.name)
		}
	}

	// SGD without momentum keeps no buffers.
	var sgd SGD[float64]
	err := sgd.SetState(State[float64]{Steps: 1, Buffers: []Buffer[float64]{buf("velocity", 2)}})
	if err == nil {
		t.Error("SGD without momentum accepted a velocity buffer")
	}
	if err := sgd.SetState(State[float64]{Steps: 5}); err != nil {
		t.Errorf("SGD without momentum: %v", err)
	}
}

func TestStepPanics(t *testing.T) {
	for _, name := range Names() {
		o, err := New[float64](name, DefaultConfig(name))
		if err != nil {
			t.Fatal(err)
		}
		if msg := panicMessage(func() { o.Step(make([]float64, 3), make([]float64, 2), 1) }); msg != errLength {
			t.Errorf("%s: grads length mismatch: panic %q, want %q", name, msg, errLength)
		}
		o.Step(make([]float64, 3), make([]float64, 3), 1)
		want := errStateLength
		if name == "sgd" {
			want = "" // no per-parameter state
		}
		if msg := panicMessage(func() { o.Step(make([]float64, 4), make([]float64, 4), 1) }); msg != want {
			t.Errorf("%s: state length mismatch: panic %q, want %q", name, msg, want)
		}
	}
}

func TestStepAllocs(t *testing.T) {
	for _, name := range Names() {
		t.Run(name+"/float32", func(t *testing.T) { testStepAllocs[float32](t, name) })
		t.Run(name+"/float64", func(t *testing.T) { testStepAllocs[float64](t, name) })
	}
}

func testStepAllocs[T Float](t *testing.T, name string) {
	cfg := DefaultConfig(name)
	cfg.WeightDecay = 0.1
	o, err := New[T](name, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	p, g := randVec[T](rnd, 1000), randVec[T](rnd, 1000)
	o.Step(p, g, 0.01)
	if allocs := testing.AllocsPerRun(100, func() { o.Step(p, g, 0.01) }); allocs != 0 {
		t.Errorf("Step allocated %v times per call after the first", allocs)
	}
}

func TestNew(t *testing.T) {
	for _, name := range Names() {
		if _, err := New[float32](name, DefaultConfig(name)); err != nil {
			t.Errorf("New(%q, DefaultConfig(%[1]q)): %v", name, err)
		}
	}
	if got := DefaultConfig("adamw").WeightDecay; got != 0.01 {
		t.Errorf("adamw default weight decay = %v, want 0.01", got)
	}
	if got := DefaultConfig("adam").WeightDecay; got != 0 {
		t.Errorf("adam default weight decay = %v, want 0", got)
	}

	_, err := New[float64]("rmsprop", DefaultConfig("rmsprop"))
	want := `optim: unknown optimizer "rmsprop" (valid: sgd, momentum, nesterov, adam, adamw)`
	if err == nil || err.Error() != want {
		t.Errorf("unknown name: error = %v, want %q", err, want)
	}

	for _, test := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"sgd", func(c *Config) { c.WeightDecay = -1 }, "weight decay"},
		{"adamw", func(c *Config) { c.WeightDecay = math.Inf(1) }, "weight decay"},
		{"momentum", func(c *Config) { c.Momentum = 0 }, "momentum"},
		{"nesterov", func(c *Config) { c.Momentum = 1 }, "momentum"},
		{"adam", func(c *Config) { c.Beta1 = 1 }, "beta1"},
		{"adam", func(c *Config) { c.Beta2 = -0.1 }, "beta2"},
		{"adamw", func(c *Config) { c.Eps = math.NaN() }, "eps"},
	} {
		cfg := DefaultConfig(test.name)
		test.edit(&cfg)
		_, err := New[float64](test.name, cfg)
		if err == nil || !strings.Contains(err.Error(), test.want) {
			t.Errorf("%s with %+v: error = %v, want one mentioning %s", test.name, cfg, err, test.want)
		}
	}

	// Fields an optimizer does not use are not checked.
	if _, err := New[float64]("sgd", Config{Momentum: 5, Beta1: 2}); err != nil {
		t.Errorf("sgd with unused invalid fields: %v", err)
	}
}

func convert[T Float](x []float64) []T {
	y := make([]T, len(x))
	for i, v := range x {
		y[i] = T(v)
	}
	return y
}

func randVec[T Float](rnd *rand.Rand, n int) []T {
	x := make([]T, n)
	for i := range x {
		x[i] = T(rnd.NormFloat64())
	}
	return x
}

// equalApprox reports whether got and want have the same length and agree
// elementwise to within tol relative to max(1, |want[i]|).
func equalApprox[T Float](got []T, want []float64, tol float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i, w := range want {
		if math.Abs(float64(got[i])-w) > tol*math.Max(1, math.Abs(w)) {
			return false
		}
	}
	return true
}

// panicMessage returns the value f panics with, or "" if it does not.
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
			if msg == "" {
				msg = "non-string panic"
			}
		}
	}()
	f()
	return ""
}

// TestStepScaled checks that StepScaled makes, bit for bit, the update of
// Step on the gradient multiplied by the scale beforehand, over a few
// steps of each optimizer, in the assembly and the plain Go (the length
// is not a whole number of vectors).
func TestStepScaled(t *testing.T) {
	t.Run("float32", testStepScaled[float32])
	t.Run("float64", testStepScaled[float64])
}

func testStepScaled[T Float](t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 10))
	for _, o := range []struct {
		name string
		new  func() ScaledStepper[T]
	}{
		{"sgd", func() ScaledStepper[T] { return &SGD[T]{WeightDecay: 0.01} }},
		{"momentum", func() ScaledStepper[T] { return &SGD[T]{Momentum: 0.9} }},
		{"nesterov", func() ScaledStepper[T] { return &SGD[T]{Momentum: 0.9, Nesterov: true, WeightDecay: 0.01} }},
		{"adam", func() ScaledStepper[T] { return &Adam[T]{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01} }},
		{"adamw", func() ScaledStepper[T] {
			return &Adam[T]{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01, Decoupled: true}
		}},
	} {
		a, b := o.new(), o.new()
		pa := randVec[T](rnd, 1037)
		pb := clone(pa)
		for step := range 3 {
			g := randVec[T](rnd, len(pa))
			g0 := clone(g)
			s := 1 / T(3)
			scaled := make([]T, len(g))
			for i := range g {
				scaled[i] = g[i] * s
			}
			a.Step(pa, scaled, 0.01)
			if !b.StepScaled(pb, g, s, 0.01) {
				t.Fatalf("%s step %d: StepScaled reports a finite gradient as not finite", o.name, step)
			}
			checkKernel(t, fmt.Sprintf("%s step %d: params", o.name, step), pb, pa, true)
			checkKernel(t, fmt.Sprintf("%s step %d: grads", o.name, step), g, g0, true)
		}
		g := randVec[T](rnd, len(pa))
		g[len(g)-1] = T(math.Inf(1))
		if b.StepScaled(pb, g, 1, 0.01) {
			t.Errorf("%s: StepScaled reports a gradient with +Inf as finite", o.name)
		}
	}
}
