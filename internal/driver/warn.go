package driver

import (
	"fmt"
	"strings"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
)

// growthFactor is how many times its lowest the training loss may grow
// before lossGrowth warns.
const growthFactor = 1000

// lossGrowth watches for a training loss that grows a thousandfold over
// its lowest and past its start, yet stays finite, so that Fit does not
// stop: the mark of a learning rate far too high (iris with -lr 100, its
// loss at 10⁴ after starting at 1.1). A loss that only rises from near
// zero, below where it started, is left alone.
type lossGrowth struct {
	first   float64 // the loss of the run's first batch, before any update
	lowest  float64 // of first and the epochs' losses
	started bool
	warned  bool
}

// start records the loss of a batch; the first is the run's start.
func (g *lossGrowth) start(loss float64) {
	if !g.started {
		g.first, g.lowest, g.started = loss, loss, true
	}
}

// check records the training loss of an epoch. The first time it is over
// growthFactor times the lowest so far and above the start, check
// returns a warning saying what to try; otherwise "".
func (g *lossGrowth) check(epoch int, loss, lr float64) string {
	g.start(loss)
	lowest := g.lowest
	g.lowest = min(g.lowest, loss)
	if g.warned || !(loss > growthFactor*lowest && loss > g.first) {
		return ""
	}
	g.warned = true
	return fmt.Sprintf("the training loss of epoch %d, %.4g, is over %d times its lowest, %.4g: "+
		"the learning rate is probably too high; try a lower -lr (now %g)", epoch, loss, growthFactor, lowest, lr)
}

// continuousWarning is the warning for classification data d whose
// labels look continuous (see data.LooksContinuous), else "".
func continuousWarning[T model.Float](d *data.Dataset[T]) string {
	if !data.LooksContinuous(d.Classes) {
		return ""
	}
	values := d.Classes
	if len(values) > 10 {
		values = append(values[:10:10], "…")
	}
	return fmt.Sprintf("column %q looks continuous: its values (%s) are numbers, not all whole, each taken as a class; "+
		"for regression use an identity head (a last layer of 1 unit, activation: identity)", d.Target, strings.Join(values, ", "))
}
