// Package driver is the main function of the programs that nngen builds
// around a generated model (see internal/build). It runs the part of
// nngen's commands that needs the compiled model; the nngen command
// parses the spec, generates the code and passes the remaining arguments.
package driver

import (
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/nngen/nngen/runtime/gradcheck"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/train"
)

// Main runs the command in args on the model type M, whose architecture
// is arch (the one its spec gives), and returns the exit status: 0 on
// success, 1 on failure, 2 for bad usage.
func Main[T model.Float, M any, P model.Model[T, M]](arch train.Arch, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: model gradcheck|train|eval|predict|verify [options]")
		return 2
	}
	var err error
	switch args[0] {
	case "gradcheck":
		return gradCheck[T, M, P](args[1:], stdout, stderr)
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
		fmt.Fprintf(stderr, "nngen: %v\n", err)
		return 1
	}
	return 0
}

// GradTolerance is the largest relative error the gradient check accepts.
const GradTolerance = 1e-6

func gradCheck[T model.Float, M any, P model.Model[T, M]](args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gradcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opt gradcheck.Options
	SeedVar(fs, &opt.Seed, 1, "seed of the parameters, samples and checked entries")
	fs.IntVar(&opt.Samples, "samples", 4, "samples in the checked mini-batch")
	fs.IntVar(&opt.PerTensor, "per-tensor", 256, "entries checked per weight or bias at most")
	if err := fs.Parse(args); err != nil {
		return 2
	}
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
	if worst > GradTolerance {
		fmt.Fprintf(stdout, "FAIL: largest relative error %.2e exceeds %.0e\n", worst, GradTolerance)
		return 1
	}
	fmt.Fprintf(stdout, "ok: largest relative error %.2e (tolerance %.0e)\n", worst, GradTolerance)
	return 0
}
