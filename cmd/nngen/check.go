package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"text/tabwriter"

	"github.com/nngen/nngen/internal/driver"
	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/runtime/gradcheck"
	"github.com/nngen/nngen/spec"
)

func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", stdout, stderr)
	grad := fs.Bool("grad", false, "also build the model and check its backward pass against finite differences")
	opt := gradcheck.Options{Seed: 1}
	seedVar(fs.FlagSet, &opt.Seed, "seed of the gradient check's parameters, samples and checked entries")
	dump := fs.Bool("ir", false, "print the intermediate form the code is generated from")
	path, err := fs.parseSpec(args)
	if err != nil {
		return err
	}
	s, err := spec.ParseFile(path)
	if err != nil {
		return err
	}
	m, err := ir.Lower(s, "model")
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if *dump {
		fmt.Fprint(stdout, m.Dump())
	}
	summarize(stdout, path, m)
	if !*grad {
		return nil
	}
	// The check runs in float64: in float32 the difference quotients are
	// swamped by rounding. The code differs only in its element type.
	twin := *s
	twin.DType = spec.Float64
	if s.DType == spec.Float32 {
		fmt.Fprintln(stdout, "(checked in float64: the float32 model's code is the same but for its element type)")
	}
	fmt.Fprintln(stderr, "building the model...")
	return runModel(&twin, "gradcheck", opt, stdout, stderr)
}

// summarize prints the layers and the costs of m.
func summarize(w io.Writer, path string, m *ir.Model) {
	st := m.Stats()
	fmt.Fprintf(w, "%s: model %s, %s, %d inputs, %d outputs, %s head, %s loss\n", path, m.Name, m.Float, m.Inputs, m.Outputs, m.Head.Act, m.Head.Loss)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "layer\tshape\tactivation\tparameters\tcode\tinit")
	for _, l := range m.Layers {
		act, code := string(m.Head.Act), "loops"
		if l.Act != nil {
			act = string(l.Act.Name)
		}
		if l.Dropout != nil {
			act += fmt.Sprintf(", dropout %g", l.Dropout.P)
		}
		if l.Unrolled {
			code = "unrolled"
		}
		fmt.Fprintf(tw, "%d\t%d → %d\t%s\t%d\t%s\t%s\n", l.N, l.In, l.Out, act, l.In*l.Out+l.Out, code, l.Init.Scheme)
	}
	tw.Flush()
	fmt.Fprintf(w, "parameters: %d (%s)\n", m.NumParams, byteSize(int64(st.ParamBytes)))
	fmt.Fprintf(w, "FLOPs per sample: forward %d, backward %d\n", st.ForwardFLOPs, st.BackwardFLOPs)
	fmt.Fprintf(w, "values kept per sample: training %d (%s), inference %d (%s)\n",
		st.TrainValues, byteSize(int64(st.TrainValues*st.FloatBytes)), st.InferValues, byteSize(int64(st.InferValues*st.FloatBytes)))
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// runProgram runs a built model program with args, passing its output
// through; a failing program is an error without further message, one
// killed by a signal an error naming it. The signals that end nngen
// (Ctrl-C, SIGTERM, SIGHUP) are passed on to the program, which saves a
// checkpoint and ends, rather than ending nngen; and the program dies
// with nngen where the system allows (see dieWithParent).
func runProgram(exe string, stdout, stderr io.Writer, args ...string) error {
	cmd := exec.Command(exe, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	defer dieWithParent(cmd)()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, driver.StopSignals...)
	defer signal.Stop(signals)
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case sig := <-signals:
				cmd.Process.Signal(sig)
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return err
	}
	if sig, ok := killedBy(ee); ok {
		return killedError(sig)
	}
	return exitError(ee.ExitCode())
}

// killedBy returns the signal that ended a process, if one did.
func killedBy(ee *exec.ExitError) (syscall.Signal, bool) {
	ws, ok := ee.Sys().(interface {
		Signaled() bool
		Signal() syscall.Signal
	})
	if !ok || !ws.Signaled() {
		return 0, false
	}
	return ws.Signal(), true
}

// killedError explains the end of a program killed by sig.
func killedError(sig syscall.Signal) error {
	msg := fmt.Sprintf("the model program was killed by signal %d (%v)", int(sig), sig)
	if sig == syscall.SIGKILL {
		msg += ": probably it ran out of memory and the system's out-of-memory killer ended it"
	}
	return errors.New(msg)
}

// exitError is an exit status already explained to the user.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
