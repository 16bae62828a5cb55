package driver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/train"
)

// stopContext returns a context that the first of StopSignals cancels,
// with a stopSignal as its cause, and the function that stops listening.
func stopContext() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, StopSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			cancel(stopSignal{sig})
		case <-done:
		}
	}()
	// Signals stay caught until stop: a second Ctrl-C does not cut the
	// saving short.
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

// stopSignal is the cause of a training stopped by a signal.
type stopSignal struct{ sig os.Signal }

func (s stopSignal) Error() string { return s.sig.String() + " signal received" }

// status is the exit status of a program that sig ends, as shells report
// it: 128 plus the signal's number; 1 without a signal.
func (s stopSignal) status() int {
	if n, ok := s.sig.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 1
}

// exitStatus is the error of a command that has explained its end
// already and ends the program with that status.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// stopped explains how training ended before its last epoch, with err
// from Fit, in the words of the command line: a divergence names the
// flags to change; after an interruption the weights so far are saved,
// to the checkpoint if one is asked for and to the weights file
// otherwise, and the exit status is that of the signal.
func stopped[T model.Float, M any, P model.Model[T, M]](ctx context.Context, err error, o TrainOptions, m P, meta train.Meta, h train.History, stderr io.Writer) error {
	var de *train.DivergedError
	if errors.As(err, &de) {
		return divergedError(de, o)
	}
	var ie *train.InterruptedError
	if !errors.As(err, &ie) {
		return err
	}
	where := fmt.Sprintf("interrupted in epoch %d after %d of %d batches", ie.Epoch, ie.Batch, ie.Batches)
	switch {
	case o.Checkpoint != "" && ie.Checkpoint == nil:
		fmt.Fprintf(stderr, "%s: checkpoint saved to %s; continue with -resume %s\n", where, o.Checkpoint, o.Checkpoint)
	case o.Resume == "" && len(h.Epochs) == 0 && ie.Batch == 0:
		fmt.Fprintf(stderr, "interrupted before the first batch: nothing saved\n")
	default:
		if ie.Checkpoint != nil {
			fmt.Fprintf(stderr, "nngen: %v\n", ie.Checkpoint)
		}
		if err := train.SaveWeights(o.Out, m, meta); err != nil {
			return err
		}
		what := "weights"
		if o.Patience > 0 && h.Best > 0 {
			what = fmt.Sprintf("weights of epoch %d, the best so far (validation loss %.4g),", h.Best, h.BestLoss)
		}
		fmt.Fprintf(stderr, "%s: %s saved to %s\n", where, what, o.Out)
	}
	s, _ := context.Cause(ctx).(stopSignal)
	return exitStatus(s.status())
}

// divergedError is de with the flags that may help.
func divergedError(de *train.DivergedError, o TrainOptions) error {
	hint := fmt.Sprintf("try a lower -lr (now %g) or -clip 1", o.LR)
	if o.Clip > 0 {
		hint = fmt.Sprintf("try a lower -lr (now %g) or a lower -clip (now %g)", o.LR, o.Clip)
	}
	return fmt.Errorf("training diverged in epoch %d, batch %d: %s; %s", de.Epoch, de.Batch, de.What, hint)
}
