// Package plot draws the loss curves of nngen train -plot as a PNG image
// with the standard library alone: the training and validation loss per
// epoch, axes with tick labels in a built-in 5×7 bitmap font, a log scale
// when the losses span two decades or more, and the best epoch marked.
// Below the losses, where the history has one, a second panel draws the
// validation metric: the accuracy of a classifier, or the mean absolute
// error of a regression, which is in the target's units and, unlike R²,
// defined and bounded below whatever the targets and the early epochs.
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
	width       = 800
	scale       = 2 // of the font
	left, right = 90, 20
	top, bottom = 64, 60 // margins
	tickLen     = 6
	lineWidth   = 2

	lossHeight   = 376 // of the loss panel's plot area
	metricGap    = 56  // between the panels, for the metric's label
	metricHeight = 190 // of the metric panel's plot area
)

// Losses draws the training and, where there is one, the validation loss
// of each epoch to w as a PNG image titled after the model, and the
// validation metric of the epochs below them, if the history has one.
func Losses(w io.Writer, title string, epochs []driver.Epoch) error {
	train, val := curves(epochs)
	if len(train) == 0 {
		return errors.New("plot: no finite training loss to draw")
	}
	met := metricOf(epochs)
	lossPanel, metricPanel := panels(met != nil)
	c := newCanvas(width, imageHeight(met != nil))
	x := epochAxis(train[0].epoch, train[len(train)-1].epoch)
	best := bestEpoch(train, val)

	lf := frame{c, x, lossAxis(append(values(train), values(val)...)), lossPanel}
	lf.grid()
	lf.curve(train, blue)
	lf.curve(val, orange)
	lf.markBest(best)
	lf.axes(met == nil)
	lf.label(yLabel("loss", lf.y))
	last := lf
	if met != nil {
		mf := frame{c, x, met.axis, metricPanel}
		mf.grid()
		mf.curve(met.points, orange)
		at := point{best.epoch, met.at(best.epoch)}
		mf.markBest(at)
		mf.axes(true)
		label := yLabel(met.name, met.axis)
		if !math.IsNaN(at.v) {
			label += fmt.Sprintf(": %.4g at the best epoch", at.v)
		}
		mf.label(label)
		last = mf
	}
	c.text(left+(width-left-right-textWidth("epoch", scale))/2, last.bottom+tickLen+14+glyphH*scale, scale, "epoch", black)
	what := "loss"
	if met != nil {
		what += " and " + met.short
	}
	lf.title(title + ": " + what + " per epoch")
	lf.legend(val != nil, best)
	return png.Encode(w, c)
}

// panel is the rows of a plot area, top and bottom included.
type panel struct{ top, bottom int }

// panels are the plot areas of the loss and of the metric, with one.
func panels(withMetric bool) (loss, metric panel) {
	loss = panel{top, top + lossHeight}
	if withMetric {
		metric.top = loss.bottom + metricGap
		metric.bottom = metric.top + metricHeight
	}
	return loss, metric
}

// imageHeight is the height of the image, with a metric panel or without.
func imageHeight(withMetric bool) int {
	loss, metric := panels(withMetric)
	return max(loss.bottom, metric.bottom) + bottom
}

// yLabel is the label of a value axis.
func yLabel(name string, a axis) string {
	if a.log {
		return name + " (log scale)"
	}
	return name
}

// point is one epoch's value.
type point struct {
	epoch int
	v     float64
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// curves splits the history into the training and validation curves,
// leaving out losses that are not finite; the validation curve is nil
// without validation data.
func curves(epochs []driver.Epoch) (train, val []point) {
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

// metric is the validation metric of a history, with its axis.
type metric struct {
	name, short string // "validation accuracy (%)", "accuracy"
	points      []point
	axis        axis
}

// metricOf is the validation metric of the epochs, leaving out values
// that are not finite: the accuracy in percent, or the MAE; nil if the
// history has neither.
func metricOf(epochs []driver.Epoch) *metric {
	var acc, mae []point
	for _, e := range epochs {
		if p := e.ValAccuracy; p != nil && finite(*p) {
			acc = append(acc, point{e.Epoch, 100 * *p})
		}
		if p := e.ValMAE; p != nil && finite(*p) {
			mae = append(mae, point{e.Epoch, *p})
		}
	}
	switch {
	case acc != nil:
		return &metric{"validation accuracy (%)", "accuracy", acc, percentAxis(values(acc))}
	case mae != nil:
		return &metric{"validation MAE", "MAE", mae, maeAxis(values(mae))}
	}
	return nil
}

// at is the metric's value at an epoch, NaN if it has none.
func (m *metric) at(epoch int) float64 {
	for _, p := range m.points {
		if p.epoch == epoch {
			return p.v
		}
	}
	return math.NaN()
}

func values(ps []point) []float64 {
	vs := make([]float64, len(ps))
	for i, p := range ps {
		vs[i] = p.v
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
		if p.v < best.v {
			best = p
		}
	}
	return best
}

// frame draws in a plot area of c, between the margins and the panel's
// rows, through the epoch axis x and the value axis y.
type frame struct {
	c    canvas
	x, y axis
	panel
}

// label writes the label of the value axis above the plot area.
func (f frame) label(s string) {
	f.c.text(left, f.top-12-glyphH*scale, scale, s, black)
}

// px is the pixel of an epoch and a value.
func (f frame) px(epoch int, v float64) (int, int) {
	return f.col(float64(epoch)), f.row(v)
}

func (f frame) col(epoch float64) int {
	return left + int(math.Round(f.x.frac(epoch)*float64(width-left-right)))
}

func (f frame) row(v float64) int {
	return f.top + int(math.Round((1-f.y.frac(v))*float64(f.bottom-f.top)))
}

// grid draws a light line at each value tick.
func (f frame) grid() {
	for _, t := range f.y.ticks {
		py := f.row(t.v)
		f.c.line(left, py, width-right, py, 1, lightGrey)
	}
}

// axes draws the axes with their ticks and the value ticks' labels, and
// the epoch ticks' labels if asked.
func (f frame) axes(epochLabels bool) {
	x0, y0, x1 := left, f.bottom, width-right
	f.c.line(x0, f.top, x0, y0, 1, black)
	f.c.line(x0, y0, x1, y0, 1, black)
	for _, t := range f.x.ticks {
		px := f.col(t.v)
		f.c.line(px, y0, px, y0+tickLen, 1, black)
		if epochLabels {
			f.c.text(px-textWidth(t.label, scale)/2, y0+tickLen+4, scale, t.label, black)
		}
	}
	for _, t := range f.y.ticks {
		py := f.row(t.v)
		f.c.line(x0-tickLen, py, x0, py, 1, black)
		f.c.text(x0-tickLen-4-textWidth(t.label, scale), py-glyphH*scale/2, scale, t.label, black)
	}
}

// curve joins the points with lines; a single point is drawn as a dot.
func (f frame) curve(ps []point, col uint8) {
	for i, p := range ps {
		x, y := f.px(p.epoch, p.v)
		if i == 0 {
			f.c.dot(x, y, 2*lineWidth, col)
			continue
		}
		px, py := f.px(ps[i-1].epoch, ps[i-1].v)
		f.c.line(px, py, x, y, lineWidth, col)
	}
}

// markBest draws a dashed line through the best epoch, and a dot on its
// value unless that is NaN.
func (f frame) markBest(p point) {
	f.c.dashedV(f.col(float64(p.epoch)), f.top, f.bottom, grey)
	if !math.IsNaN(p.v) {
		x, y := f.px(p.epoch, p.v)
		f.c.dot(x, y, 9, black)
	}
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
	bestText := fmt.Sprintf("best: epoch %d, %.4g", best.epoch, best.v)
	x := width - right - 10 - textWidth(bestText, scale) - 30
	y := f.top + 10
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
