package driver

import (
	"context"
	"encoding/json"
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

// historyEpoch is the history line of epoch e of a model with the head.
func historyEpoch(e train.EpochStats, head string) Epoch {
	h := Epoch{Epoch: e.Epoch, TrainLoss: e.TrainLoss, ValLoss: e.Val.Loss}
	switch {
	case e.Val.N == 0:
	case head == model.Identity:
		h.ValMAE = &e.Val.MAE
	default:
		h.ValAccuracy = &e.Val.Accuracy
	}
	return h
}

func trainCmd[T model.Float, M any, P model.Model[T, M]](arch train.Arch, args []string, stdout, stderr io.Writer) error {
	var o TrainOptions
	if len(args) != 1 {
		return fmt.Errorf("train takes its options as one JSON argument")
	}
	if err := json.Unmarshal([]byte(args[0]), &o); err != nil {
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
	m := P(new(M))
	head := m.Head()
	d, err := train.Load(m, train.Sources{
		Train: o.Data, Val: o.Val, Test: o.Test, ValSplit: o.ValSplit, TestSplit: o.TestSplit,
		Target: o.Target, NoStandardize: o.NoStandardize, Seed: o.Seed,
	})
	if err != nil {
		return err
	}
	trainSet, val, test, meta := d.Train, d.Val, d.Test, d.Meta
	meta.Arch = arch
	if w := continuousWarning(trainSet); w != "" {
		fmt.Fprintf(stderr, "nngen: warning: %s\n", w)
	}
	opt, err := optim.New[T](o.Optimizer, optim.DefaultConfig(o.Optimizer))
	if err != nil {
		return err
	}
	m.Init(o.Seed)
	perEpoch := (trainSet.Len() + o.Batch - 1) / o.Batch
	progress := newProgress(stderr, o.Epochs)
	var growth lossGrowth
	var history []Epoch
	cfg := train.Config[T]{
		Epochs: o.Epochs, Batch: o.Batch, Optimizer: opt, Schedule: o.schedule(perEpoch),
		ClipNorm: o.Clip, Seed: o.Seed, Patience: o.Patience,
		CheckpointPath: o.Checkpoint, CheckpointEvery: o.CheckpointEvery, ResumeFrom: o.Resume,
		Threads: o.Threads,
		Scoring: o.scoring(),
		Meta:    meta,
		OnBatch: func(b train.BatchStats) {
			growth.start(b.Loss)
			progress.batch(b)
		},
		OnEpoch: func(e train.EpochStats) error {
			progress.clear()
			fmt.Fprintln(stdout, epochLine(e, o.Epochs, head, o.Metrics))
			history = append(history, historyEpoch(e, head))
			if w := growth.check(e.Epoch, e.TrainLoss, o.LR); w != "" {
				fmt.Fprintf(stderr, "nngen: warning: %s\n", w)
			}
			return nil
		},
	}
	fmt.Fprintf(stdout, "training on %d samples (validation %d, test %d), %d epochs of %d batches, %s\n",
		trainSet.Len(), size(val), size(test), o.Epochs, perEpoch, o.Optimizer)
	start := time.Now()
	h, err := train.Fit(ctx, m, trainSet, val, cfg)
	progress.clear()
	elapsed := time.Since(start)
	if o.History != "" {
		// Written whatever the end, for nngen to plot.
		if b, jerr := json.Marshal(history); jerr == nil {
			os.WriteFile(o.History, b, 0o644)
		}
	}
	if err != nil {
		return stopped(ctx, err, o, m, meta, h, stderr)
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
	samples := len(h.Epochs) * trainSet.Len()
	fmt.Fprintf(stdout, "trained %d epochs in %s (%.0f samples/s)\n", len(h.Epochs), elapsed.Round(time.Millisecond), float64(samples)/elapsed.Seconds())
	if len(h.Epochs) > 0 {
		fmt.Fprintf(stdout, "final training loss: %.4g\n", h.Epochs[len(h.Epochs)-1].TrainLoss)
	}
	for _, s := range []struct {
		name string
		d    *data.Dataset[T]
	}{{"validation", val}, {"test", test}} {
		if s.d == nil {
			continue
		}
		met, err := train.EvaluateWith(m, s.d, o.Threads, train.Scoring{Threshold: o.Threshold, Ranking: true})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %s\n", s.name, summary(met, head, HeadMetrics[head]))
		writeUndefined(stdout, met, HeadMetrics[head])
	}
	fmt.Fprintf(stdout, "weights saved to %s\n", o.Out)
	return nil
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
	s := fmt.Sprintf("epoch %*d/%d  loss %.4f", w, e.Epoch, epochs, e.TrainLoss)
	if e.Val.N > 0 {
		s += "  val " + summary(e.Val, head, extras)
		if e.Best {
			s += " *"
		}
	}
	return s
}

// summary prints the headline metrics and the scores named by extras
// (see HeadMetrics).
func summary(m train.Metrics, head string, extras []string) string {
	var b strings.Builder
	if head == model.Identity {
		fmt.Fprintf(&b, "loss %.4g  mse %.4g  mae %.4g", m.Loss, m.MSE, m.MAE)
	} else {
		fmt.Fprintf(&b, "loss %.4f  accuracy %.2f%%", m.Loss, 100*m.Accuracy)
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
