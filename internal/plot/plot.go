// Package plot draws training curves with gonum.org/v1/plot.
package plot

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/nngen/nngen/internal/driver"
)

// Losses draws the training and, where there is one, the validation loss
// per epoch to a PNG file.
func Losses(path, title string, epochs []driver.Epoch) error {
	p := plot.New()
	p.Title.Text = title + ": loss per epoch"
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = "loss"
	var trainPts, valPts plotter.XYs
	for _, e := range epochs {
		trainPts = append(trainPts, plotter.XY{X: float64(e.Epoch), Y: e.TrainLoss})
		if e.ValLoss != 0 {
			valPts = append(valPts, plotter.XY{X: float64(e.Epoch), Y: e.ValLoss})
		}
	}
	lines := []any{"training", trainPts}
	if len(valPts) > 0 {
		lines = append(lines, "validation", valPts)
	}
	if err := plotutil.AddLines(p, lines...); err != nil {
		return err
	}
	p.Legend.Top = true
	return p.Save(6*vg.Inch, 4*vg.Inch, path)
}
