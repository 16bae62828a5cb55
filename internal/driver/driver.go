// Package driver is the main function of the programs that nngen builds
// around a generated model (see internal/build). It runs the part of
// nngen's commands that needs the compiled model: gradcheck, train, eval,
// predict and verify. The nngen command parses the flags and the spec,
// builds the program and passes it the command's options as one JSON
// argument (TrainOptions, EvalOptions, VerifyOptions, gradcheck.Options),
// which the driver validates again.
package driver

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/nngen/nngen/runtime/gradcheck"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/train"
)

// Main runs the command in args on the model type M, whose architecture
// is arch (the one its spec gives), and returns the exit status: 0 on
// success, 1 on failure, 2 for bad usage, 128 plus the signal's number
// for a training that a stop signal ended (see StopSignals).
func Main[T model.Float, M any, P model.Model[T, M]](arch train.Arch, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: model gradcheck|train|eval|predict|verify options.json")
		return 2
	}
	var (
		status int
		err    error
	)
	switch args[0] {
	case "gradcheck":
		status, err = gradCheck[T, M, P](args[1:], stdout)
	case "train":
		err = trainCmd[T, M, P](arch, args[1:], stdout, stderr)
	case "eval":
		err = evalCmd[T, M, P](arch, args[1:], stdout, stderr)
	case "predict":
		err = predictCmd[T, M, P](arch, args[1:], stdout, stderr)
	case "verify":
		err = verifyCmd[T, M, P](arch, args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "model: unknown command %q\n", args[0])
		return 2
	}
	if err != nil {
		var st exitStatus
		if errors.As(err, &st) {
			return int(st)
		}
		fmt.Fprintf(stderr, "nngen: %v\n", err)
		return 1
	}
	return status
}

// gradCheck checks the backward pass of M against central differences
// with the gradcheck.Options in args, and returns the exit status: 1 if an
// error exceeds gradcheck.Tolerance.
func gradCheck[T model.Float, M any, P model.Model[T, M]](args []string, stdout io.Writer) (int, error) {
	var opt gradcheck.Options
	if err := decode(args, &opt); err != nil {
		return 0, err
	}
	opt = opt.WithDefaults()
	results := gradcheck.Check[T, M, P](new(M), opt)
	fmt.Fprintf(stdout, "gradient check: backward pass vs central differences, %d samples, seed %d\n", opt.Samples, opt.Seed)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "layer\ttensor\tshape\tchecked\tmax rel. error")
	worst := 0.0
	for i, r := range results {
		fmt.Fprintf(tw, "%d\t%s\t%v\t%d\t%.2e\n", i/2+1, r.Name, r.Shape, r.Checked, r.MaxError)
		worst = max(worst, r.MaxError)
	}
	tw.Flush()
	if worst > gradcheck.Tolerance {
		fmt.Fprintf(stdout, "FAIL: largest relative error %.2e exceeds %.0e\n", worst, gradcheck.Tolerance)
		return 1, nil
	}
	fmt.Fprintf(stdout, "ok: largest relative error %.2e (tolerance %.0e)\n", worst, gradcheck.Tolerance)
	return 0, nil
}
