package plot

import (
	"bytes"
	"cmp"
	"image"
	"image/color"
	"image/png"
	"math"
	"slices"
	"testing"

	"github.com/nngen/nngen/internal/driver"
)

func TestLossAxis(t *testing.T) {
	for _, c := range []struct {
		losses []float64
		log    bool
		ticks  []string
	}{
		{[]float64{0.68, 0.5, 0.36}, false, []string{"0.3", "0.4", "0.5", "0.6", "0.7"}},
		{[]float64{2, 0.05}, false, []string{"0.0", "0.5", "1.0", "1.5", "2.0"}},
		{[]float64{1.8, 0.021, 9e-5}, true, []string{"1e-5", "1e-4", "0.001", "0.01", "0.1", "1", "10"}},
		{[]float64{0.5, 0.5}, false, []string{"0.44", "0.46", "0.48", "0.50", "0.52", "0.54", "0.56"}},
		{[]float64{3, 0}, false, []string{"0", "1", "2", "3"}},
	} {
		a := lossAxis(c.losses)
		var ticks []string
		for _, tk := range a.ticks {
			ticks = append(ticks, tk.label)
		}
		if a.log != c.log || !slices.Equal(ticks, c.ticks) {
			t.Errorf("losses %v: log %v, ticks %q; want log %v, ticks %q", c.losses, a.log, ticks, c.log, c.ticks)
		}
		for _, v := range c.losses {
			if f := a.frac(v); f < 0 || f > 1 {
				t.Errorf("losses %v: %g lies off the axis (at %g)", c.losses, v, f)
			}
		}
	}
}

func TestEpochAxis(t *testing.T) {
	for _, c := range []struct {
		first, last int
		ticks       []string
	}{
		{1, 100, []string{"20", "40", "60", "80", "100"}},
		{1, 3, []string{"1", "2", "3"}},
		{7, 7, []string{"6", "7", "8"}},
	} {
		var ticks []string
		for _, tk := range epochAxis(c.first, c.last).ticks {
			ticks = append(ticks, tk.label)
		}
		if !slices.Equal(ticks, c.ticks) {
			t.Errorf("epochs %d to %d: ticks %q, want %q", c.first, c.last, ticks, c.ticks)
		}
	}
}

// TestLosses draws histories with and without validation and finds each
// curve's colour, and the best epoch's mark, where they belong.
func TestLosses(t *testing.T) {
	var h []driver.Epoch
	for e := 1; e <= 40; e++ {
		h = append(h, driver.Epoch{Epoch: e, TrainLoss: math.Exp(-float64(e) / 4), ValLoss: math.Exp(-float64(e)/5) + 0.001*float64(e)})
	}
	for _, withVal := range []bool{true, false} {
		if !withVal {
			for i := range h {
				h[i].ValLoss = 0
			}
		}
		var b bytes.Buffer
		if err := Losses(&b, "Iris", h); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&b)
		if err != nil {
			t.Fatal(err)
		}
		if img.Bounds() != image.Rect(0, 0, width, height) {
			t.Fatalf("size %v", img.Bounds())
		}
		if !has(img, blue) {
			t.Error("no training curve")
		}
		if has(img, orange) != withVal {
			t.Errorf("validation curve drawn: %v, want %v", has(img, orange), withVal)
		}
		train, val := curves(h)
		best := bestEpoch(train, val)
		if want := minLoss(val, train); best != want {
			t.Errorf("best epoch %+v, want %+v", best, want)
		}
		f := frame{x: epochAxis(1, 40), y: lossAxis(append(values(train), values(val)...))}
		x, y := f.px(best.epoch, best.loss)
		if c := img.At(x, y); !same(c, palette[black]) {
			t.Errorf("at the best epoch %+v (pixel %d, %d): colour %v, want the black mark", best, x, y, c)
		}
	}
}

// minLoss is the point of least loss of the first non-empty curve.
func minLoss(curves ...[]point) point {
	for _, c := range curves {
		if len(c) > 0 {
			return slices.MinFunc(c, func(a, b point) int { return cmp.Compare(a.loss, b.loss) })
		}
	}
	panic("no points")
}

// has reports whether a pixel of img has the palette colour col.
func has(img image.Image, col uint8) bool {
	for y := range height {
		for x := range width {
			if same(img.At(x, y), palette[col]) {
				return true
			}
		}
	}
	return false
}

func same(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

// TestLossesNotFinite checks that losses that are not finite are left
// out, and that a history without a finite training loss is an error.
func TestLossesNotFinite(t *testing.T) {
	h := []driver.Epoch{
		{Epoch: 1, TrainLoss: 0.5, ValLoss: math.Inf(1)},
		{Epoch: 2, TrainLoss: math.NaN(), ValLoss: 0.4},
		{Epoch: 3, TrainLoss: 0.3, ValLoss: 0.35},
	}
	train, val := curves(h)
	if want := []point{{1, 0.5}, {3, 0.3}}; !slices.Equal(train, want) {
		t.Errorf("training curve %v, want %v", train, want)
	}
	if want := []point{{2, 0.4}, {3, 0.35}}; !slices.Equal(val, want) {
		t.Errorf("validation curve %v, want %v", val, want)
	}
	if err := Losses(new(bytes.Buffer), "Iris", h); err != nil {
		t.Error(err)
	}
	for _, h := range [][]driver.Epoch{nil, {{Epoch: 1, TrainLoss: math.Inf(1), ValLoss: 0.5}}} {
		if err := Losses(new(bytes.Buffer), "Iris", h); err == nil {
			t.Errorf("no error for the history %v", h)
		}
	}
}

// TestGlyphs checks that every glyph is eight rows of five pixels.
func TestGlyphs(t *testing.T) {
	for r, g := range glyphs {
		if len(g) != glyphH*(glyphW+1)-1 {
			t.Errorf("%q: %d characters", r, len(g))
		}
		for i, c := range g {
			if want := i%(glyphW+1) == glyphW; (c == ' ') != want || c != ' ' && c != '0' && c != '1' {
				t.Errorf("%q: %q at %d", r, c, i)
			}
		}
	}
}
