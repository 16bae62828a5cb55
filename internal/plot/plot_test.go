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
		img := plotLosses(t, "Iris", h)
		if img.Bounds() != image.Rect(0, 0, width, imageHeight(false)) {
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
		loss, _ := panels(false)
		f := frame{x: epochAxis(1, 40), y: lossAxis(append(values(train), values(val)...)), panel: loss}
		x, y := f.px(best.epoch, best.v)
		if c := img.At(x, y); !same(c, palette[black]) {
			t.Errorf("at the best epoch %+v (pixel %d, %d): colour %v, want the black mark", best, x, y, c)
		}
	}
}

// plotLosses draws the losses of h with the title and decodes the image.
func plotLosses(t *testing.T, title string, h []driver.Epoch) image.Image {
	t.Helper()
	var b bytes.Buffer
	if err := Losses(&b, title, h); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// minLoss is the point of least loss of the first non-empty curve.
func minLoss(curves ...[]point) point {
	for _, c := range curves {
		if len(c) > 0 {
			return slices.MinFunc(c, func(a, b point) int { return cmp.Compare(a.v, b.v) })
		}
	}
	panic("no points")
}

// has reports whether a pixel of img has the palette colour col.
func has(img image.Image, col uint8) bool {
	return hasIn(img, col, 0, img.Bounds().Dy())
}

// hasIn reports whether a pixel of img in rows y0 to y1 (excluded) has the
// palette colour col.
func hasIn(img image.Image, col uint8, y0, y1 int) bool {
	for y := y0; y < y1; y++ {
		for x := range img.Bounds().Dx() {
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

// TestLossesMetric draws a classifier's history with its accuracy and a
// regression's with its MAE: the metric has a panel of its own below the
// losses, drawn in the validation colour, with the best epoch marked.
func TestLossesMetric(t *testing.T) {
	const bestAt = 17
	acc := func(e int) *float64 { v := 0.6 + 0.35*(1-math.Exp(-float64(e)/6)); return &v }
	mae := func(e int) *float64 { v := 3 * math.Exp(-float64(e)/3); return &v }
	for _, c := range []struct {
		name   string
		metric func(e int) *float64
		set    func(e *driver.Epoch, v *float64)
		log    bool
	}{
		{"accuracy", acc, func(e *driver.Epoch, v *float64) { e.ValAccuracy = v }, false},
		{"MAE", mae, func(e *driver.Epoch, v *float64) { e.ValMAE = v }, true},
	} {
		var h []driver.Epoch
		for e := 1; e <= 30; e++ {
			ep := driver.Epoch{Epoch: e, TrainLoss: math.Exp(-float64(e) / 8), ValLoss: 0.5 + math.Abs(float64(e-bestAt))/50}
			c.set(&ep, c.metric(e))
			h = append(h, ep)
		}
		img := plotLosses(t, "Model", h)
		if img.Bounds() != image.Rect(0, 0, width, imageHeight(true)) || imageHeight(true) <= imageHeight(false) {
			t.Fatalf("%s: size %v, want %d×%d", c.name, img.Bounds(), width, imageHeight(true))
		}
		loss, metPanel := panels(true)
		if metPanel.top <= loss.bottom {
			t.Fatalf("%s: the metric panel %v overlaps the loss panel %v", c.name, metPanel, loss)
		}
		if !hasIn(img, orange, metPanel.top, metPanel.bottom+1) || hasIn(img, blue, metPanel.top, metPanel.bottom+1) {
			t.Errorf("%s: the metric panel lacks the validation curve, or has the training curve", c.name)
		}
		m := metricOf(h)
		if m == nil || m.axis.log != c.log {
			t.Fatalf("%s: metric %+v, want one with log scale %v", c.name, m, c.log)
		}
		f := frame{x: epochAxis(1, 30), y: m.axis, panel: metPanel}
		if x, y := f.px(bestAt, m.at(bestAt)); !same(img.At(x, y), palette[black]) {
			t.Errorf("%s: at the best epoch %d (pixel %d, %d): colour %v, want the black mark", c.name, bestAt, x, y, img.At(x, y))
		}
		if x, y := f.px(5, m.at(5)); !same(img.At(x, y), palette[orange]) {
			t.Errorf("%s: at epoch 5 (pixel %d, %d): colour %v, want the curve's", c.name, x, y, img.At(x, y))
		}
	}

	// Without validation there is no metric and no second panel.
	if m := metricOf([]driver.Epoch{{Epoch: 1, TrainLoss: 1}}); m != nil {
		t.Errorf("a metric %+v without validation", m)
	}
}

// TestLossesLogScale draws the history of iris trained with -lr 100: the
// losses fall from 4e4 to between 10 and 90, and on the log scale the
// last epochs' curve still spans an eighth of the panel rather than
// lying flat at its bottom.
func TestLossesLogScale(t *testing.T) {
	var h []driver.Epoch
	for e := 1; e <= 30; e++ {
		h = append(h, driver.Epoch{Epoch: e, TrainLoss: 40000*math.Exp(-float64(e)/2) + 10 + 40*float64(e%3)})
	}
	img := plotLosses(t, "Iris", h)
	loss, _ := panels(false)
	f := frame{x: epochAxis(1, 30), panel: loss}
	lo, hi := loss.bottom, loss.top
	for e := 15; e <= 30; e++ {
		x := f.col(float64(e))
		for y := loss.top + 80; y <= loss.bottom; y++ { // below the legend
			if same(img.At(x, y), palette[blue]) {
				lo, hi = min(lo, y), max(hi, y)
			}
		}
	}
	if hi-lo < (loss.bottom-loss.top)/8 {
		t.Errorf("epochs 15 to 30 drawn in rows %d to %d of %d to %d: flattened", lo, hi, loss.top, loss.bottom)
	}
}

func TestPercentAxis(t *testing.T) {
	for _, vs := range [][]float64{{83.3, 96.7}, {100, 100}, {0, 4}, {93.33, 93.33}, {12, 99.5}} {
		a := percentAxis(vs)
		if a.lo < 0 || a.hi > 100 || len(a.ticks) < 2 {
			t.Errorf("%v: axis from %g to %g, ticks %v", vs, a.lo, a.hi, a.ticks)
		}
		for _, tk := range a.ticks {
			if tk.v < a.lo || tk.v > a.hi {
				t.Errorf("%v: tick %v off the axis from %g to %g", vs, tk, a.lo, a.hi)
			}
		}
		for _, v := range vs {
			if f := a.frac(v); f < 0 || f > 1 {
				t.Errorf("%v: %g lies off the axis (at %g)", vs, v, f)
			}
		}
	}
}

// TestMAEAxis checks that the MAE axis turns logarithmic from one decade,
// where the loss axis waits for two.
func TestMAEAxis(t *testing.T) {
	for _, c := range []struct {
		vs       []float64
		mae, mse bool // log
	}{
		{[]float64{0.34, 0.0042}, true, false},
		{[]float64{0.3, 0.05}, false, false},
		{[]float64{0.34 * 0.34, 0.0042 * 0.0042}, true, true},
	} {
		if a, b := maeAxis(c.vs), lossAxis(c.vs); a.log != c.mae || b.log != c.mse {
			t.Errorf("%v: log MAE axis %v, loss axis %v; want %v, %v", c.vs, a.log, b.log, c.mae, c.mse)
		}
	}
}
