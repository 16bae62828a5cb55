package driver

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/optim"
	"github.com/nngen/nngen/runtime/train"
)

// StopSignals end training cleanly: the weights so far are saved, to the
// checkpoint if one is asked for and to the weights file otherwise, and
// the program exits with 128 plus the signal's number, as shells report a
// program that a signal ended (130 after Ctrl-C). nngen passes them on.
var StopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// Epoch is one line of the history file that nngen plots.
type Epoch struct {
	Epoch     int     `json:"epoch"`
	TrainLoss float64 `json:"train_loss"`
	ValLoss   float64 `json:"val_loss,omitempty"`
	// The validation metric drawn beside the loss: the accuracy of a
	// classifier, the mean absolute error of a regression; nil without
	// validation data.
	ValAccuracy *float64 `json:"val_accuracy,omitempty"`
	ValMAE      *float64 `json:"val_mae,omitempty"`
}

func trainCmd[T model.Float, M any, P model.Model[T, M]](arch train.Arch, args []string, stdout, stderr io.Writer) error {
	var o TrainOptions
	if err := decode(args, &o); err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return err
	}
	// From here on, a stop signal ends training cleanly rather than the program.
	ctx, stop := stopContext()
	defer stop()
	return trainModel[T, M, P](ctx, arch, o, stdout, stderr)
}

// trainModel trains a new model, or resumes one, as o says, until it is
// done or ctx is cancelled.
func trainModel[T model.Float, M any, P model.Model[T, M]](ctx context.Context, arch train.Arch, o TrainOptions, stdout, stderr io.Writer) error {
	var (
		resumed train.Position
		history *os.File
		err     error
	)
	if o.Resume != "" {
		if resumed, err = train.ReadPosition(o.Resume); err != nil {
			return err
		}
	}
	if o.History != "" {
		// Opened first, so that no run leaves another's history.
		if history, err = openHistory(o.History, o.Resume != "", resumed.Epoch); err != nil {
			return err
		}
		defer history.Close()
	}
	m := P(new(M))
	head := m.Head()
	d, err := train.Load(m, train.Sources{
		Train: o.Data, Val: o.Val, Test: o.Test, ValSplit: o.ValSplit, TestSplit: o.TestSplit,
		Target: o.Target, NoStandardize: o.NoStandardize, Missing: o.Missing, Seed: o.Seed,
	})
	if err != nil {
		return err
	}
	for _, f := range d.Missing {
		reportMissing(stderr, f.Path, f.Report)
	}
	if w := continuousWarning(d.Train); w != "" {
		fmt.Fprintf(stderr, "nngen: warning: %s\n", w)
	}
	run, err := o.record()
	if err != nil {
		return err
	}
	oc := optim.DefaultConfig(o.Optimizer)
	if o.WeightDecay != nil {
		oc.WeightDecay = *o.WeightDecay
	}
	opt, err := optim.New[T](o.Optimizer, oc)
	if err != nil {
		return err
	}
	cw, err := classWeights(o.ClassWeight, d.Train)
	if err != nil {
		return err
	}
	perEpoch := (d.Train.Len() + o.Batch - 1) / o.Batch
	progress := newProgress(stderr, o.Epochs)
	var growth lossGrowth
	scoring := o.scoring()
	cfg := train.Config[T]{
		Epochs: o.Epochs, Batch: o.Batch, Optimizer: opt, Schedule: o.schedule(perEpoch),
		ClipNorm: o.Clip, Patience: o.Patience,
		CheckpointPath: o.Checkpoint, CheckpointEvery: o.CheckpointEvery, ResumeFrom: o.Resume,
		Threads: o.Threads, ClassWeights: cw,
		Scoring: scoring,
		Meta:    train.Meta{Arch: arch, Run: run},
		OnBatch: func(b train.BatchStats) {
			growth.start(b.Loss)
			progress.batch(b)
		},
		OnEpoch: func(e train.EpochStats) error {
			progress.clear()
			fmt.Fprintln(stdout, epochLine(e, o.Epochs, head, o.Metrics))
			if history != nil {
				// Written as the run goes: an interrupted run keeps its epochs.
				if _, err := history.Write(historyLine(e, head, scoring.Ranking)); err != nil {
					return fmt.Errorf("writing the history: %w", err)
				}
			}
			if w := growth.check(e.Epoch, e.TrainLoss, o.LR); w != "" {
				fmt.Fprintf(stderr, "nngen: warning: %s\n", w)
			}
			return nil
		},
	}
	fmt.Fprintf(stdout, "training on %d samples (validation %d, test %d), %d epochs of %d batches, %s, %s, seed %d\n",
		d.Train.Len(), size(d.Val), size(d.Test), o.Epochs, perEpoch, o.Optimizer, o.rate(), o.Seed)
	for _, line := range regularization(m, oc.WeightDecay, o.ClassWeight, d.Train.Classes, cw) {
		fmt.Fprintln(stdout, line)
	}
	if o.Resume != "" {
		fmt.Fprintln(stdout, resumingLine(o.Resume, resumed))
	}
	start := time.Now()
	h, err := train.FitData(ctx, m, d, cfg)
	progress.clear()
	elapsed := time.Since(start)
	if err != nil {
		return stopped(ctx, err, o, m, h.Meta, h, stderr)
	}

	// The final scores, saved with the weights.
	parts := []struct {
		name, prefix string
		d            *data.Dataset[T]
		met          train.Metrics
	}{{"validation", "val_", d.Val, train.Metrics{}}, {"test", "test_", d.Test, train.Metrics{}}}
	meta := h.Meta
	meta.Run.Metrics = map[string]float64{}
	if len(h.Epochs) > 0 {
		meta.Run.Metrics["train_loss"] = h.Epochs[len(h.Epochs)-1].TrainLoss
	}
	var evalErr error
	for i := range parts {
		p := &parts[i]
		if p.d == nil {
			continue
		}
		if p.met, evalErr = train.EvaluateWith(m, p.d, o.Threads, train.Scoring{Threshold: o.Threshold, Ranking: true}); evalErr != nil {
			parts = parts[:i]
			break
		}
		addScores(meta.Run.Metrics, p.prefix, p.met, head, true)
	}
	if err := train.SaveWeights(o.Out, m, meta); err != nil {
		return err
	}

	fmt.Fprintln(stdout)
	if h.EarlyStopped {
		fmt.Fprintf(stdout, "stopped early: best validation loss %.4g at epoch %d (weights of that epoch kept)\n", h.BestLoss, h.Best)
	}
	if len(h.Epochs) == 0 && o.Resume != "" {
		fmt.Fprintf(stdout, "nothing left to train: %s is already at epoch %d or later; raise -epochs to train further\n", o.Resume, o.Epochs)
	}
	samples := len(h.Epochs) * d.Train.Len()
	fmt.Fprintf(stdout, "trained %d epochs in %s (%.0f samples/s)\n", len(h.Epochs), elapsed.Round(time.Millisecond), float64(samples)/elapsed.Seconds())
	if len(h.Epochs) > 0 {
		fmt.Fprintf(stdout, "final training loss: %.4g\n", h.Epochs[len(h.Epochs)-1].TrainLoss)
	}
	for _, p := range parts {
		if p.d == nil {
			continue
		}
		fmt.Fprintf(stdout, "%s: %s\n", p.name, summary(p.met, head, HeadMetrics[head]))
		writeUndefined(stdout, p.met, HeadMetrics[head])
	}
	if evalErr != nil {
		return evalErr
	}
	fmt.Fprintf(stdout, "weights saved to %s\n", o.Out)
	return nil
}

// rate describes the learning rate of o: "lr 0.01", with the schedule
// and the warm-up if they are not the defaults.
func (o *TrainOptions) rate() string {
	s := fmt.Sprintf("lr %g", o.LR)
	if o.Schedule != "constant" {
		s += ", " + o.Schedule + " schedule"
	}
	switch {
	case o.Warmup == 1:
		s += ", 1 epoch of warm-up"
	case o.Warmup > 1:
		s += fmt.Sprintf(", %d epochs of warm-up", o.Warmup)
	}
	return s
}

// resumingLine says where a run resumed from the checkpoint at path
// continues, at the position pos.
func resumingLine(path string, pos train.Position) string {
	switch {
	case pos.Batch > 0:
		return fmt.Sprintf("resuming from %s in epoch %d after %d of %d batches", path, pos.Epoch+1, pos.Batch, pos.Batches)
	case pos.Epoch > 0:
		return fmt.Sprintf("resuming from %s after epoch %d", path, pos.Epoch)
	}
	return fmt.Sprintf("resuming from %s before the first batch", path)
}

func size[T model.Float](d *data.Dataset[T]) int {
	if d == nil {
		return 0
	}
	return d.Len()
}

// epochLine is the one line printed per epoch, with the validation's
// scores named by extras.
func epochLine(e train.EpochStats, epochs int, head string, extras []string) string {
	w := len(fmt.Sprint(epochs))
	s := fmt.Sprintf("epoch %*d/%d  loss %s", w, e.Epoch, epochs, lossText(head, e.TrainLoss))
	if e.Val.N > 0 {
		s += "  val " + summary(e.Val, head, extras)
		if e.Best {
			s += " *"
		}
	}
	return s
}

// lossText formats a loss as every line of a run does: a classifier's
// with four decimals, a regression's, which can fall far below 1e-4, with
// four significant digits.
func lossText(head string, loss float64) string {
	if head == model.Identity {
		return fmt.Sprintf("%.4g", loss)
	}
	return fmt.Sprintf("%.4f", loss)
}

// summary prints the headline metrics and the scores named by extras
// (see HeadMetrics).
func summary(m train.Metrics, head string, extras []string) string {
	var b strings.Builder
	if head == model.Identity {
		fmt.Fprintf(&b, "loss %s  mse %.4g  mae %.4g", lossText(head, m.Loss), m.MSE, m.MAE)
	} else {
		fmt.Fprintf(&b, "loss %s  accuracy %.2f%%", lossText(head, m.Loss), 100*m.Accuracy)
	}
	for _, name := range extras {
		v, ok := headline(m, head, name)
		switch {
		case !ok:
			fmt.Fprintf(&b, "  %s undefined", name)
		case name == "r2":
			fmt.Fprintf(&b, "  %s %.4g", name, v)
		default:
			fmt.Fprintf(&b, "  %s %.4f", name, v)
		}
	}
	fmt.Fprintf(&b, "  (%d samples)", m.N)
	return b.String()
}
