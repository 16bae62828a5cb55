package optim

import (
	"math"
	"testing"
)

func TestClipGlobalNorm(t *testing.T) {
	t.Run("float32", testClipGlobalNorm[float32])
	t.Run("float64", testClipGlobalNorm[float64])
}

func testClipGlobalNorm[T Float](t *testing.T) {
	const tol = 1e-6
	for _, test := range []struct {
		name     string
		grads    []float64
		maxNorm  float64
		wantNorm float64
		want     []float64
	}{
		// ‖[3, 4]‖ = 5 > 1, so g ← g·1/5.
		{"clipped", []float64{3, 4}, 1, 5, []float64{0.6, 0.8}},
		// ‖[1, -2, 2]‖ = √9 = 3 > 1.5, so g ← g·1.5/3.
		{"clipped sign", []float64{1, -2, 2}, 1.5, 3, []float64{0.5, -1, 1}},
		{"below", []float64{3, 4}, 10, 5, []float64{3, 4}},
		{"equal", []float64{3, 4}, 5, 5, []float64{3, 4}},
		{"zero", []float64{0, 0}, 1, 0, []float64{0, 0}},
		{"empty", nil, 1, 0, nil},
	} {
		g := convert[T](test.grads)
		norm := ClipGlobalNorm(g, T(test.maxNorm))
		if math.Abs(float64(norm)-test.wantNorm) > tol*test.wantNorm {
			t.Errorf("%s: norm = %v, want %v", test.name, norm, test.wantNorm)
		}
		if !equalApprox(g, test.want, tol) {
			t.Errorf("%s: grads = %v, want %v", test.name, g, test.want)
		}
	}

	// Non-finite norms leave grads alone.
	for _, test := range []struct {
		name  string
		grads []float64
		nan   bool
	}{
		{"inf", []float64{math.Inf(-1), 1}, false},
		{"nan", []float64{math.NaN(), 1}, true},
	} {
		g := convert[T](test.grads)
		norm := ClipGlobalNorm(g, 1)
		if test.nan && !math.IsNaN(float64(norm)) || !test.nan && !math.IsInf(float64(norm), 1) {
			t.Errorf("%s: norm = %v", test.name, norm)
		}
		if g[1] != 1 {
			t.Errorf("%s: grads = %v, want them unchanged", test.name, g)
		}
	}
}

func TestClipGlobalNormRange(t *testing.T) {
	// Squares overflow float64: ‖[3e200, 4e200]‖ = 5e200.
	g := []float64{3e200, 4e200}
	if norm := ClipGlobalNorm(g, 1); math.Abs(norm-5e200) > 1e-14*5e200 {
		t.Errorf("norm = %v, want 5e200", norm)
	}
	if !equalApprox(g, []float64{0.6, 0.8}, 1e-14) {
		t.Errorf("grads = %v, want [0.6 0.8]", g)
	}

	// Squares underflow float64: ‖[3e-200, 4e-200]‖ = 5e-200.
	g = []float64{3e-200, 4e-200}
	if norm := ClipGlobalNorm(g, 1); math.Abs(norm-5e-200) > 1e-14*5e-200 {
		t.Errorf("norm = %v, want 5e-200", norm)
	}
	if g[0] != 3e-200 || g[1] != 4e-200 {
		t.Errorf("grads = %v, want them unchanged", g)
	}

	// The norm of float32 values overflows float32 but not the float64
	// accumulator: ‖[2e38, 2e38, 2e38, 2e38]‖ = 4e38 > MaxFloat32.
	g32 := []float32{2e38, 2e38, 2e38, 2e38}
	if norm := ClipGlobalNorm(g32, 1); !math.IsInf(float64(norm), 1) {
		t.Errorf("float32 norm = %v, want +Inf", norm)
	}
	if !equalApprox(g32, []float64{0.5, 0.5, 0.5, 0.5}, 1e-6) {
		t.Errorf("float32 grads = %v, want [0.5 0.5 0.5 0.5]", g32)
	}
}

func TestClipGlobalNormPanics(t *testing.T) {
	for _, maxNorm := range []float64{0, -1, math.NaN()} {
		if msg := panicMessage(func() { ClipGlobalNorm([]float64{1}, maxNorm) }); msg == "" {
			t.Errorf("maxNorm %v: no panic", maxNorm)
		}
	}
}
