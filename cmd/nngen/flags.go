package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/nngen/nngen/internal/driver"
	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/optim"
)

// flagSet is the flag set of a command. Its help (-h) goes to stdout
// and exits with status 0; its errors go to stderr with its usage and
// exit with status 2.
type flagSet struct {
	*flag.FlagSet
	cmd    command
	stdout io.Writer
}

// newFlags makes the flag set of the command called name.
func newFlags(name string, stdout, stderr io.Writer) *flagSet {
	cmd, _ := lookup(name)
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), cmd: cmd, stdout: stdout}
	fs.SetOutput(stderr)
	fs.Usage = func() {} // printed by failed, where it goes
	return fs
}

// printUsage prints the usage of the command to w.
func (fs *flagSet) printUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: nngen %s\n", fs.cmd.usage)
	if fs.cmd.about != "" {
		fmt.Fprintf(w, "\n%s\n", fs.cmd.about)
	}
	out := fs.Output()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(out)
}

// failed handles the error of Parse, after which the flag package has
// printed the error itself: it prints the usage, on stdout for -h, and
// returns the error that gives the exit status.
func (fs *flagSet) failed(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		fs.printUsage(fs.stdout)
		return err
	}
	fs.printUsage(fs.Output())
	return errUsage
}

// usageError prints a message and the usage to stderr and returns
// errUsage.
func (fs *flagSet) usageError(format string, args ...any) error {
	fmt.Fprintf(fs.Output(), format+"\n", args...)
	fs.printUsage(fs.Output())
	return errUsage
}

// parseSpec parses args, where flags may come before and after the spec,
// and returns the one spec path they name.
func (fs *flagSet) parseSpec(args []string) (string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", fs.failed(err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != 1 {
		return "", fs.usageError("nngen %s: want one spec file, got %d arguments", fs.Name(), len(pos))
	}
	return pos[0], nil
}

// trainFlags binds the options of nngen train to flags of fs, with their
// current values as defaults.
func trainFlags(fs *flag.FlagSet, o *driver.TrainOptions) {
	fs.StringVar(&o.Data, "data", o.Data, "training data, a CSV file (required)")
	fs.StringVar(&o.Val, "val", o.Val, "validation data, a CSV file")
	fs.Float64Var(&o.ValSplit, "val-split", o.ValSplit, "fraction of the training data held out for validation")
	fs.StringVar(&o.Test, "test", o.Test, "test data, a CSV file, scored after training")
	fs.Float64Var(&o.TestSplit, "test-split", o.TestSplit, "fraction of the data held out for the final test")
	fs.StringVar(&o.Target, "target", o.Target, "name of the target column (default: the last column)")
	fs.IntVar(&o.Epochs, "epochs", o.Epochs, "passes over the training data")
	fs.IntVar(&o.Batch, "batch", o.Batch, "samples per mini-batch")
	fs.Float64Var(&o.LR, "lr", o.LR, "learning rate; unset, the spec's lr, else 0.001 for adam and adamw and 0.01 for the others")
	fs.StringVar(&o.Optimizer, "optimizer", o.Optimizer, "optimizer: "+strings.Join(optim.Names(), ", "))
	fs.StringVar(&o.Schedule, "schedule", o.Schedule, "learning-rate schedule: "+strings.Join(driver.Schedules, ", ")+" (step: ×0.1 at each third of the epochs)")
	fs.IntVar(&o.Warmup, "warmup", o.Warmup, "epochs of linear learning-rate warm-up")
	fs.Float64Var(&o.Clip, "clip", o.Clip, "clip the gradient's global norm to this value (0: off)")
	seedVar(fs, &o.Seed, "seed of the initialization, the splits and the shuffling")
	fs.IntVar(&o.Patience, "patience", o.Patience, "stop after this many epochs without a better validation loss, keeping the best weights (0: off)")
	fs.BoolVar(&o.NoStandardize, "no-standardize", o.NoStandardize, "do not standardize the features")
	fs.TextVar(&o.Missing, "missing", o.Missing, "the `policy` for missing values (empty, NA, NaN, …) in every file: error, drop (leave their rows out) or mean (fill features in with the training part's means, saved with the weights)")
	fs.StringVar(&o.Checkpoint, "checkpoint", o.Checkpoint, "checkpoint file, written every -checkpoint-every epochs and on interruption")
	fs.IntVar(&o.CheckpointEvery, "checkpoint-every", o.CheckpointEvery, "epochs between checkpoints")
	fs.StringVar(&o.Resume, "resume", o.Resume, "continue training from this checkpoint")
	fs.IntVar(&o.Threads, "threads", o.Threads, "goroutines that train each mini-batch of more than 32 samples, and validate, in parallel (up to 4 share a batch; 0 is 1); the weights do not depend on it")
	fs.StringVar(&o.Out, "o", o.Out, "weights file to write, safetensors (required)")
	fs.StringVar(&o.History, "history", o.History, "write each epoch's losses, scores, learning rate and seconds to this file as the run goes, one JSON object per line")
	fs.Var((*listValue)(&o.Metrics), "metrics", "`scores` added to each epoch's validation line, comma-separated: "+driver.MetricsUsage)
	thresholdVar(fs, &o.Threshold)
	fs.Var(weightDecayValue{&o.WeightDecay}, "weight-decay", "weight decay λ: λ·θ added to the gradient (an L2 penalty), decoupled for adamw (default: the optimizer's, 0, or 0.01 for adamw)")
	fs.Var(classWeightValue{&o.ClassWeight}, "class-weight", "weigh each sample's loss by its class: balanced, n/(classes·n_c), or class:weight,… (the classes not named weigh 1), or none")
}

// weightDecayValue is the flag.Value of -weight-decay, which leaves the
// optimizer's default (nil) until it is given; "" is that default too.
type weightDecayValue struct{ p **float64 }

func (v weightDecayValue) String() string {
	if v.p == nil || *v.p == nil {
		return ""
	}
	return strconv.FormatFloat(**v.p, 'g', -1, 64)
}

func (v weightDecayValue) Set(s string) error {
	if s == "" {
		*v.p = nil
		return nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return errors.New("want a number")
	}
	*v.p = &x
	return nil
}

// classWeightValue is the flag.Value of -class-weight.
type classWeightValue struct{ c *driver.ClassWeights }

func (v classWeightValue) String() string     { return v.c.String() }
func (v classWeightValue) Set(s string) error { return v.c.Parse(s) }

// evalFlags binds the options of nngen eval, or with json false of nngen
// predict, to flags of fs.
func evalFlags(fs *flag.FlagSet, o *driver.EvalOptions, json bool) {
	fs.StringVar(&o.Weights, "weights", o.Weights, "weights file written by nngen train (required)")
	fs.StringVar(&o.Data, "data", o.Data, "data, a CSV file, or - for standard input (required)")
	what := "the target column"
	if !json {
		what = "the target column, ignored if present"
	}
	fs.StringVar(&o.Target, "target", o.Target, what+" (default: the spec's train.target, else the one saved with the weights)")
	thresholdVar(fs, &o.Threshold)
	missingVar(fs, &o.Missing, json)
	if json {
		fs.BoolVar(&o.JSON, "json", o.JSON, "print one JSON object")
		return
	}
	fs.StringVar(&o.Out, "o", o.Out, "CSV file to write, whole or not at all (default: standard output)")
	fs.Var((*listValue)(&o.Keep), "keep", "input `columns` to copy to the output, comma-separated, such as an id")
	fs.IntVar(&o.Precision, "precision", o.Precision, fmt.Sprintf("significant digits of the outputs, 1 to %d (0: the fewest that read back exactly)", driver.MaxPrecision))
}

// missingVar defines the flag -missing of eval, or with eval false of
// predict, on fs, storing in p the policy it names; unset, p stays nil.
func missingVar(fs *flag.FlagSet, p **data.Missing, eval bool) {
	usage := "the `policy` for missing values: error, drop (leave their rows out) or mean (fill features in with the training means saved with the weights) (default: the one recorded with the weights, else error)"
	if !eval {
		usage += "; predict leaves rows out only if -keep identifies the others"
	}
	fs.Func("missing", usage, func(v string) error {
		m := new(data.Missing)
		if err := m.UnmarshalText([]byte(v)); err != nil {
			return err
		}
		*p = m
		return nil
	})
}

// thresholdVar defines the flag -threshold on fs, storing in p, with the
// value of *p as default.
func thresholdVar(fs *flag.FlagSet, p *float64) {
	fs.Var((*thresholdValue)(p), "threshold", "the `probability` from which a sigmoid output predicts 1 (its second class)")
}

// thresholdValue is the flag.Value of -threshold: a number in (0, 1).
type thresholdValue float64

func (t *thresholdValue) String() string { return strconv.FormatFloat(float64(*t), 'g', -1, 64) }

func (t *thresholdValue) Set(v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f > 0 && f < 1) {
		return errors.New("want a probability in (0, 1)")
	}
	*t = thresholdValue(f)
	return nil
}

// listValue is the flag.Value of a comma-separated list of names.
type listValue []string

func (l *listValue) String() string { return strings.Join(*l, ",") }

func (l *listValue) Set(v string) error {
	names := strings.Split(v, ",")
	if slices.Contains(names, "") {
		return errors.New("want comma-separated names, without empty ones")
	}
	*l = names
	return nil
}

// seedVar defines the flag -seed on fs, storing in p, with the value of
// *p as default. It takes any 64-bit unsigned integer, as a spec's seed
// does, and rejects others with the same words.
func seedVar(fs *flag.FlagSet, p *uint64, usage string) {
	fs.Var((*seedValue)(p), "seed", usage)
}

// seedValue is the flag.Value of seedVar.
type seedValue uint64

func (s *seedValue) String() string { return strconv.FormatUint(uint64(*s), 10) }

func (s *seedValue) Set(v string) error {
	n, err := strconv.ParseUint(v, 0, 64)
	if err != nil {
		return fmt.Errorf("want an integer in [0, %d]", uint64(math.MaxUint64))
	}
	*s = seedValue(n)
	return nil
}
