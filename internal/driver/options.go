package driver

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/nngen/nngen/runtime/optim"
)

// TrainOptions are the settings of nngen train. The nngen command fills
// them from the spec's train section and its flags, validates them and
// hands them to the model program as JSON.
type TrainOptions struct {
	Data, Val, Test     string
	ValSplit, TestSplit float64
	Target              string
	Epochs, Batch       int
	LR                  float64
	Optimizer           string
	Schedule            string
	Warmup              int
	Clip                float64
	Seed                uint64
	Patience            int
	NoStandardize       bool
	Checkpoint          string
	CheckpointEvery     int
	Resume              string
	Threads             int // 0 is one thread
	Out                 string
	History             string // where to write the epochs as JSON, for plots
}

// DefaultLR is the default learning rate of an optimizer: 0.001 for Adam
// and AdamW, 0.01 for the others.
func DefaultLR(optimizer string) float64 {
	if strings.HasPrefix(optimizer, "adam") {
		return 0.001
	}
	return 0.01
}

// Schedules lists the learning-rate schedules of -schedule.
var Schedules = []string{"constant", "step", "cosine"}

// Flags binds the options to flags of fs, with their current values as
// defaults.
func (o *TrainOptions) Flags(fs *flag.FlagSet) {
	fs.StringVar(&o.Data, "data", o.Data, "training data, a CSV file (required)")
	fs.StringVar(&o.Val, "val", o.Val, "validation data, a CSV file")
	fs.Float64Var(&o.ValSplit, "val-split", o.ValSplit, "fraction of the training data held out for validation")
	fs.StringVar(&o.Test, "test", o.Test, "test data, a CSV file, scored after training")
	fs.Float64Var(&o.TestSplit, "test-split", o.TestSplit, "fraction of the data held out for the final test")
	fs.StringVar(&o.Target, "target", o.Target, "name of the target column (default: the last column)")
	fs.IntVar(&o.Epochs, "epochs", o.Epochs, "passes over the training data")
	fs.IntVar(&o.Batch, "batch", o.Batch, "samples per mini-batch")
	fs.Float64Var(&o.LR, "lr", o.LR, "learning rate")
	fs.StringVar(&o.Optimizer, "optimizer", o.Optimizer, "optimizer: "+strings.Join(optim.Names(), ", "))
	fs.StringVar(&o.Schedule, "schedule", o.Schedule, "learning-rate schedule: "+strings.Join(Schedules, ", ")+" (step: ×0.1 at each third of the epochs)")
	fs.IntVar(&o.Warmup, "warmup", o.Warmup, "epochs of linear learning-rate warm-up")
	fs.Float64Var(&o.Clip, "clip", o.Clip, "clip the gradient's global norm to this value (0: off)")
	SeedVar(fs, &o.Seed, o.Seed, "seed of the initialization, the splits and the shuffling")
	fs.IntVar(&o.Patience, "patience", o.Patience, "stop after this many epochs without a better validation loss, keeping the best weights (0: off)")
	fs.BoolVar(&o.NoStandardize, "no-standardize", o.NoStandardize, "do not standardize the features")
	fs.StringVar(&o.Checkpoint, "checkpoint", o.Checkpoint, "checkpoint file, written every -checkpoint-every epochs and on interruption")
	fs.IntVar(&o.CheckpointEvery, "checkpoint-every", o.CheckpointEvery, "epochs between checkpoints")
	fs.StringVar(&o.Resume, "resume", o.Resume, "continue training from this checkpoint")
	if o.Threads == 0 {
		o.Threads = 1
	}
	fs.IntVar(&o.Threads, "threads", o.Threads, "goroutines that train each mini-batch of more than 32 samples, and validate, in parallel (up to 4 share a batch; 0 is 1); the weights do not depend on it")
	fs.StringVar(&o.Out, "o", o.Out, "weights file to write, safetensors (required)")
}

// SeedVar defines the flag -seed on fs, storing in p, with the default
// value. It takes any 64-bit unsigned integer, as a spec's seed does, and
// rejects others with the same words.
func SeedVar(fs *flag.FlagSet, p *uint64, value uint64, usage string) {
	*p = value
	fs.Var((*seedValue)(p), "seed", usage)
}

// seedValue is the flag.Value of SeedVar.
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

// Validate reports the first invalid option.
func (o *TrainOptions) Validate() error {
	bad := func(format string, args ...any) error { return fmt.Errorf(format, args...) }
	switch {
	case o.Data == "":
		return errors.New("-data is required: the training data, a CSV file")
	case o.Out == "":
		return errors.New("-o is required: the weights file to write")
	case o.Epochs < 1:
		return bad("-epochs must be at least 1, got %d", o.Epochs)
	case o.Batch < 1:
		return bad("-batch must be at least 1, got %d", o.Batch)
	case !(o.LR > 0) || o.LR > 100:
		return bad("-lr must be in (0, 100], got %g", o.LR)
	case !slices.Contains(optim.Names(), o.Optimizer):
		return bad("-optimizer: unknown optimizer %q (want one of: %s)", o.Optimizer, strings.Join(optim.Names(), ", "))
	case !slices.Contains(Schedules, o.Schedule):
		return bad("-schedule: unknown schedule %q (want one of: %s)", o.Schedule, strings.Join(Schedules, ", "))
	case o.Warmup < 0 || o.Warmup >= o.Epochs:
		return bad("-warmup must be in [0, epochs), got %d", o.Warmup)
	case !(o.Clip >= 0) || math.IsInf(o.Clip, 1):
		return bad("-clip must be a finite number, not negative, got %g", o.Clip)
	case o.Patience < 0:
		return bad("-patience must not be negative, got %d", o.Patience)
	case o.Val != "" && o.ValSplit > 0:
		return errors.New("-val and -val-split exclude each other")
	case o.Test != "" && o.TestSplit > 0:
		return errors.New("-test and -test-split exclude each other")
	case !(o.ValSplit >= 0 && o.ValSplit < 1):
		return bad("-val-split must be in [0, 1), got %g", o.ValSplit)
	case !(o.TestSplit >= 0 && o.TestSplit < 1):
		return bad("-test-split must be in [0, 1), got %g", o.TestSplit)
	case o.Patience > 0 && o.Val == "" && o.ValSplit == 0:
		return errors.New("-patience needs validation data: -val or -val-split")
	case o.CheckpointEvery < 0:
		return bad("-checkpoint-every must not be negative, got %d", o.CheckpointEvery)
	case o.Threads < 0:
		return bad("-threads must not be negative, got %d", o.Threads)
	case o.CheckpointEvery > 0 && o.Checkpoint == "":
		return errors.New("-checkpoint-every needs -checkpoint")
	}
	return nil
}

// EvalOptions are the settings of nngen eval and nngen predict.
type EvalOptions struct {
	Weights, Data string
	// Target is the target column, which predict ignores; if empty, the
	// one saved with the weights.
	Target string
	JSON   bool
}

// Flags binds the options to flags of fs, with their current values as
// defaults; predict has no -json.
func (o *EvalOptions) Flags(fs *flag.FlagSet, json bool) {
	fs.StringVar(&o.Weights, "weights", o.Weights, "weights file written by nngen train (required)")
	fs.StringVar(&o.Data, "data", o.Data, "data, a CSV file (required)")
	what := "the target column"
	if !json {
		what = "the target column, ignored if present"
	}
	fs.StringVar(&o.Target, "target", o.Target, what+" (default: the spec's train.target, else the one saved with the weights)")
	if json {
		fs.BoolVar(&o.JSON, "json", false, "print one JSON object")
	}
}

// Validate reports a missing option.
func (o *EvalOptions) Validate() error {
	switch {
	case o.Weights == "":
		return errors.New("-weights is required")
	case o.Data == "":
		return errors.New("-data is required")
	}
	return nil
}

// schedule returns the learning-rate schedule of o for the given number
// of updates per epoch.
func (o *TrainOptions) schedule(perEpoch int) optim.Schedule {
	total := o.Epochs * perEpoch
	warm := o.Warmup * perEpoch
	var s optim.Schedule
	switch o.Schedule {
	case "step":
		s = optim.StepDecay{Base: o.LR, Gamma: 0.1, Every: max(1, (total-warm)/3)}
	case "cosine":
		s = optim.Cosine{Base: o.LR, Min: 0, Total: total - warm}
	default:
		s = optim.Constant(o.LR)
	}
	if warm > 0 {
		s = optim.Warmup{Steps: warm, Schedule: s}
	}
	return s
}
