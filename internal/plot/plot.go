// Package plot draws the loss curves of nngen train -plot as a PNG image
// with the standard library alone: the training and validation loss per
// epoch, axes with tick labels in a built-in 5×7 bitmap font, a log scale
// when the losses span two decades or more, and the best epoch marked.
package plot

import (
	"errors"
	"fmt"
	"image/png"
	"io"
	"math"

	"github.com/nngen/nngen/internal/driver"
)

// Layout of the image, in pixels.
const (
	width, height = 800, 500
	scale         = 2 // of the font
	left, right   = 90, 20
	top, bottom   = 64, 60
	tickLen       = 6
	lineWidth     = 2
)

// Losses draws the training and, where there is one, the validation loss
// of each epoch to w as a PNG image titled after the model.
func Losses(w io.Writer, title string, epochs []driver.Epoch) error {
	train, val := curves(epochs)
	if len(train) == 0 {
		return errors.New("plot: no finite training loss to draw")
	}
	x := epochAxis(train[0].epoch, train[len(train)-1].epoch)
	y := lossAxis(append(values(train), values(val)...))
	c := newCanvas(width, height)
	f := frame{c, x, y}
	f.grid()
	f.curve(train, blue)
	f.curve(val, orange)
	best := bestEpoch(train, val)
	f.markBest(best)
	f.axes()
	label := "loss"
	if y.log {
		label = "loss (log scale)"
	}
	c.text(left, top-12-glyphH*scale, scale, label, black)
	c.text(left+(width-left-right-textWidth("epoch", scale))/2, height-bottom+tickLen+14+glyphH*scale, scale, "epoch", black)
	f.title(title + ": loss per epoch")
	f.legend(val != nil, best)
	return png.Encode(w, c)
}

// point is one epoch's loss.
type point struct {
	epoch int
	loss  float64
}

// curves splits the history into the training and validation curves,
// leaving out losses that are not finite; the validation curve is nil
// without validation data.
func curves(epochs []driver.Epoch) (train, val []point) {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	for _, e := range epochs {
		if finite(e.TrainLoss) {
			train = append(train, point{e.Epoch, e.TrainLoss})
		}
		if e.ValLoss != 0 && finite(e.ValLoss) {
			val = append(val, point{e.Epoch, e.ValLoss})
		}
	}
	return train, val
}

func values(ps []point) []float64 {
	vs := make([]float64, len(ps))
	for i, p := range ps {
		vs[i] = p.loss
	}
	return vs
}

// bestEpoch is the point of the lowest validation loss, or of the lowest
// training loss without validation; the first of equals.
func bestEpoch(train, val []point) point {
	ps := val
	if ps == nil {
		ps = train
	}
	best := ps[0]
	for _, p := range ps[1:] {
		if p.loss < best.loss {
			best = p
		}
	}
	return best
}

// frame draws in the plot area of c, between the margins, through the
// epoch axis x and the loss axis y.
type frame struct {
	c    canvas
	x, y axis
}

// px is the pixel of an epoch and a loss.
func (f frame) px(epoch int, loss float64) (int, int) {
	return f.col(float64(epoch)), top + int(math.Round((1-f.y.frac(loss))*float64(height-top-bottom)))
}

func (f frame) col(epoch float64) int {
	return left + int(math.Round(f.x.frac(epoch)*float64(width-left-right)))
}

// grid draws a light line at each loss tick.
func (f frame) grid() {
	for _, t := range f.y.ticks {
		_, py := f.px(0, t.v)
		f.c.line(left, py, width-right, py, 1, lightGrey)
	}
}

// axes draws the axes with their ticks and tick labels.
func (f frame) axes() {
	x0, y0, x1 := left, height-bottom, width-right
	f.c.line(x0, top, x0, y0, 1, black)
	f.c.line(x0, y0, x1, y0, 1, black)
	for _, t := range f.x.ticks {
		px := f.col(t.v)
		f.c.line(px, y0, px, y0+tickLen, 1, black)
		f.c.text(px-textWidth(t.label, scale)/2, y0+tickLen+4, scale, t.label, black)
	}
	for _, t := range f.y.ticks {
		_, py := f.px(0, t.v)
		f.c.line(x0-tickLen, py, x0, py, 1, black)
		f.c.text(x0-tickLen-4-textWidth(t.label, scale), py-glyphH*scale/2, scale, t.label, black)
	}
}

// curve joins the points with lines; a single point is drawn as a dot.
func (f frame) curve(ps []point, col uint8) {
	for i, p := range ps {
		x, y := f.px(p.epoch, p.loss)
		if i == 0 {
			f.c.dot(x, y, 2*lineWidth, col)
			continue
		}
		px, py := f.px(ps[i-1].epoch, ps[i-1].loss)
		f.c.line(px, py, x, y, lineWidth, col)
	}
}

// markBest draws a dashed line through the best epoch and a dot on it.
func (f frame) markBest(p point) {
	x, y := f.px(p.epoch, p.loss)
	f.c.dashedV(x, top, height-bottom, grey)
	f.c.dot(x, y, 9, black)
}

// title writes t centred at the top, smaller if it is too wide.
func (f frame) title(t string) {
	s := scale
	if textWidth(t, s) > width {
		s = 1
	}
	f.c.text((width-textWidth(t, s))/2, 10, s, t, black)
}

// legend names the curves and the best epoch in the top right corner.
func (f frame) legend(withVal bool, best point) {
	type entry struct {
		text string
		col  uint8
	}
	entries := []entry{{"training", blue}}
	if withVal {
		entries = append(entries, entry{"validation", orange})
	}
	bestText := fmt.Sprintf("best: epoch %d, %.4g", best.epoch, best.loss)
	x := width - right - 10 - textWidth(bestText, scale) - 30
	y := top + 10
	rows := len(entries) + 1
	f.c.fill(x-8, y-6, width-right-2, y+rows*(glyphH+4)*scale-2, white)
	for _, e := range entries {
		f.c.line(x, y+glyphH*scale/2, x+20, y+glyphH*scale/2, lineWidth, e.col)
		f.c.text(x+30, y, scale, e.text, black)
		y += (glyphH + 4) * scale
	}
	f.c.dot(x+10, y+glyphH*scale/2, 9, black)
	f.c.text(x+30, y, scale, bestText, black)
}
