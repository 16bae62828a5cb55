package optim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// The kernel tests run each dispatcher of kernels.go, which uses the
// assembly kernels where there are any, against its plain Go form on the
// same random data, at every length from 0 to 40 (empty, shorter than a
// vector, and every tail length after one to several vectors) and at a
// long length, and at an unaligned start. The results must be
// bit-identical where the kernels round as the compiled Go code does: on
// amd64 with GOAMD64 below v3, where the compiler keeps every multiply and
// add separately rounded and so do the kernels, and on arm64 for SGD, where
// the compiler fuses each product into the add or subtract it feeds and the
// kernels fuse the same ones. Elsewhere they must agree to within 1e-5 for
// float32 and 1e-13 for float64, relative to max(1, |value|): for Adam on
// arm64, whose sums of two products the compiler may fuse either way, and
// on amd64.v3, where the compiler fuses and the AVX2 kernels do not.

// kernelLengths lists the lengths the kernel tests try.
var kernelLengths = func() []int {
	var n []int
	for i := 0; i <= 40; i++ {
		n = append(n, i)
	}
	return append(n, 1037)
}()

func TestSGDKernel(t *testing.T) {
	t.Run("float32", testSGDKernel[float32])
	t.Run("float64", testSGDKernel[float64])
}

func testSGDKernel[T Float](t *testing.T) {
	t.Logf("assembly kernels: %v; they take %d elements of 40", useAsm, vecLen[T](40))
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, wd := range []T{0, 0.01} {
		for _, s := range kernelScales[T]() {
			for _, n := range kernelLengths {
				for _, off := range []int{0, 1} {
					p, g := randVec[T](rnd, n+off)[off:], randVec[T](rnd, n+off)[off:]
					g0 := clone(g)
					want := clone(p)
					wantOK := sgdGo(want, g, 0.1, wd, s)
					ok := sgdUpdate(p, g, 0.1, wd, s)
					name := fmt.Sprintf("wd=%v s=%v n=%d off=%d", wd, s, n, off)
					checkKernel(t, name+" p", p, want, sgdExact)
					checkKernel(t, name+" g", g, g0, true)
					checkFinite(t, name, ok, wantOK)
				}
			}
		}
	}
}

func TestMomentumKernel(t *testing.T) {
	t.Run("float32", testMomentumKernel[float32])
	t.Run("float64", testMomentumKernel[float64])
}

func testMomentumKernel[T Float](t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, wd := range []T{0, 0.01} {
		for _, nesterov := range []bool{false, true} {
			for _, s := range kernelScales[T]() {
				for _, n := range kernelLengths {
					for _, off := range []int{0, 1} {
						p, g, v := randVec[T](rnd, n+off)[off:], randVec[T](rnd, n+off)[off:], randVec[T](rnd, n+off)[off:]
						g0 := clone(g)
						wantP, wantV := clone(p), clone(v)
						wantOK := momentumGo(wantP, g, wantV, 0.1, 0.9, wd, s, nesterov)
						ok := momentumUpdate(p, g, v, 0.1, 0.9, wd, s, nesterov)
						name := fmt.Sprintf("wd=%v nesterov=%v s=%v n=%d off=%d", wd, nesterov, s, n, off)
						checkKernel(t, name+" p", p, wantP, sgdExact)
						checkKernel(t, name+" v", v, wantV, sgdExact)
						checkKernel(t, name+" g", g, g0, true)
						checkFinite(t, name, ok, wantOK)
					}
				}
			}
		}
	}
}

func TestAdamKernel(t *testing.T) {
	t.Run("float32", testAdamKernel[float32])
	t.Run("float64", testAdamKernel[float64])
}

func testAdamKernel[T Float](t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	for _, mode := range []struct {
		name      string
		l2, decay T
	}{{"plain", 0, 1}, {"l2", 0.01, 1}, {"decoupled", 0, 0.999}} {
		for _, s := range kernelScales[T]() {
			c := &adamCoef[T]{
				b1: 0.9, b2: 0.999, stepSize: T(1e-3 / (1 - math.Pow(0.9, 3))),
				invSqrtBc2: T(1 / math.Sqrt(1-math.Pow(0.999, 3))), eps: 1e-8,
				l2: mode.l2, decay: mode.decay, scale: s,
			}
			for _, n := range kernelLengths {
				for _, off := range []int{0, 1} {
					p, g, m := randVec[T](rnd, n+off)[off:], randVec[T](rnd, n+off)[off:], randVec[T](rnd, n+off)[off:]
					v := randVec[T](rnd, n+off)[off:]
					for i := range v {
						v[i] *= v[i] // a second moment is not negative
					}
					g0 := clone(g)
					wantP, wantM, wantV := clone(p), clone(m), clone(v)
					wantOK := adamGo(wantP, g, wantM, wantV, c)
					ok := adamUpdate(p, g, m, v, c)
					name := fmt.Sprintf("%s s=%v n=%d off=%d", mode.name, s, n, off)
					checkKernel(t, name+" p", p, wantP, adamExact)
					checkKernel(t, name+" m", m, wantM, adamExact)
					checkKernel(t, name+" v", v, wantV, adamExact)
					checkKernel(t, name+" g", g, g0, true)
					checkFinite(t, name, ok, wantOK)
				}
			}
		}
	}
}

// kernelScales are the gradient scales the kernel tests try: 1, as Step
// passes, and 1/3, which rounds, as StepScaled gets it for a batch of 3.
func kernelScales[T Float]() []T { return []T{1, 1 / T(3)} }

// TestKernelsFinite checks that every kernel, through its dispatcher, and
// its plain form report a scaled gradient with one element that is not
// finite, wherever it is: in the vectors or past them, and also where
// only the scale makes it overflow.
func TestKernelsFinite(t *testing.T) {
	t.Run("float32", testKernelsFinite[float32])
	t.Run("float64", testKernelsFinite[float64])
}

func testKernelsFinite[T Float](t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	max64 := math.MaxFloat64
	huge := T(max64) // the largest finite T
	if is32[T]() {
		huge = math.MaxFloat32
	}
	kernels := []struct {
		name        string
		plain, disp func(p, g []T, s T) bool
	}{
		{"sgd", func(p, g []T, s T) bool { return sgdGo(p, g, 0.1, 0.01, s) },
			func(p, g []T, s T) bool { return sgdUpdate(p, g, 0.1, 0.01, s) }},
		{"momentum", func(p, g []T, s T) bool { return momentumGo(p, g, make([]T, len(p)), 0.1, 0.9, 0, s, true) },
			func(p, g []T, s T) bool { return momentumUpdate(p, g, make([]T, len(p)), 0.1, 0.9, 0, s, true) }},
		{"adam", func(p, g []T, s T) bool {
			return adamGo(p, g, make([]T, len(p)), make([]T, len(p)), &adamCoef[T]{b1: 0.9, b2: 0.999, stepSize: 1e-3, invSqrtBc2: 1, eps: 1e-8, decay: 1, scale: s})
		}, func(p, g []T, s T) bool {
			return adamUpdate(p, g, make([]T, len(p)), make([]T, len(p)), &adamCoef[T]{b1: 0.9, b2: 0.999, stepSize: 1e-3, invSqrtBc2: 1, eps: 1e-8, decay: 1, scale: s})
		}},
	}
	for _, k := range kernels {
		for _, n := range []int{1, 7, 8, 9, 33, 1037} {
			for _, at := range []int{0, n / 2, n - 1} {
				for _, c := range []struct {
					bad T
					s   T
				}{{T(math.Inf(1)), 1}, {T(math.Inf(-1)), 1}, {T(math.NaN()), 1}, {huge, 4}, {0, 1}} {
					g := randVec[T](rnd, n)
					g[at] = c.bad
					want := c.bad-c.bad == 0 && c.s == 1
					name := fmt.Sprintf("%s n=%d g[%d]=%v s=%v", k.name, n, at, c.bad, c.s)
					checkFinite(t, name+" plain", k.plain(randVec[T](rnd, n), g, c.s), want)
					checkFinite(t, name, k.disp(randVec[T](rnd, n), g, c.s), want)
				}
			}
		}
	}
}

// checkFinite reports a kernel whose finiteness got differs from want.
func checkFinite(t *testing.T, name string, got, want bool) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: finite = %v, want %v", name, got, want)
	}
}

// sgdExact and adamExact report whether the SGD and the Adam kernels must
// give the bits of the Go forms on this platform.
var (
	adamExact = runtime.GOARCH == "amd64" && !goFuses()
	sgdExact  = adamExact || runtime.GOARCH == "arm64"
)

// checkKernel reports the first element where got and want differ: in any
// bit if exact, and beyond the tolerance of the type otherwise.
func checkKernel[T Float](t *testing.T, name string, got, want []T, exact bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: length %d, want %d", name, len(got), len(want))
	}
	tol := 1e-13
	if is32[T]() {
		tol = 1e-5
	}
	for i := range got {
		g, w := float64(got[i]), float64(want[i])
		if exact && math.Float64bits(g) == math.Float64bits(w) ||
			!exact && (math.Abs(g-w) <= tol*math.Max(1, math.Abs(w)) || math.IsNaN(g) && math.IsNaN(w)) {
			continue
		}
		t.Fatalf("%s: [%d] = %v, want %v (exact %v)", name, i, g, w, exact)
	}
}

// goFuses reports whether the Go compiler fuses x*y + z into a fused
// multiply-add on this platform. With x = 1+2⁻³⁰ and y = 1-2⁻³⁰ the product
// 1-2⁻⁶⁰ rounds to 1, so x*y - 1 is 0 when rounded twice and -2⁻⁶⁰ when
// fused.
func goFuses() bool { return fma(1+0x1p-30, 1-0x1p-30, -1) != 0 }

//go:noinline
func fma(x, y, z float64) float64 { return x*y + z }

func clone[T Float](x []T) []T { return append([]T(nil), x...) }
