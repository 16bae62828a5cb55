package driver

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/optim"
	"github.com/nngen/nngen/runtime/train"
)

// TrainOptions are the settings of nngen train. The nngen command fills
// them from its flags, the spec's train section and its defaults,
// validates them and hands them to the model program as JSON.
type TrainOptions struct {
	// The record of the run that the weights and checkpoints keep (see
	// record): nngen's version, the spec file, and the settings, by
	// the name of their flags, as the flags write them; a run resumed
	// from a checkpoint compares them with its own.
	Version, Spec string
	Settings      map[string]string

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
	Missing             data.Missing // what to do with missing values, in every file
	Checkpoint          string
	CheckpointEvery     int
	Resume              string
	Threads             int // 0 is one thread
	Out                 string
	History             string   // where to write the epochs, one JSON object a line (see historyLine)
	Metrics             []string // scores added to each epoch's line (see HeadMetrics)
	Threshold           float64  // from which a sigmoid output predicts 1; 0 is 0.5

	// WeightDecay is the optimizer's weight decay, nil for its default;
	// ClassWeight weighs the samples by their classes.
	WeightDecay *float64
	ClassWeight ClassWeights `json:",omitzero"`
}

// Schedules lists the learning-rate schedules of -schedule.
var Schedules = []string{"constant", "step", "cosine"}

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
	case o.WeightDecay != nil && !(*o.WeightDecay >= 0 && *o.WeightDecay <= 100):
		return bad("-weight-decay must be in [0, 100], got %g", *o.WeightDecay)
	}
	if err := o.ClassWeight.check(); err != nil {
		return fmt.Errorf("-class-weight: %v", err)
	}
	if err := checkThreshold(o.Threshold); err != nil {
		return err
	}
	return checkMetrics(o.Metrics)
}

// checkThreshold reports a threshold outside (0, 1); 0 is the default.
func checkThreshold(t float64) error {
	if t != 0 && !(t > 0 && t < 1) {
		return fmt.Errorf("-threshold must be in (0, 1), got %g", t)
	}
	return nil
}

// EvalOptions are the settings of nngen eval and nngen predict.
type EvalOptions struct {
	Weights, Data string // Data "-" is standard input
	// Target is the target column, which predict ignores; if empty, the
	// one saved with the weights.
	Target    string
	JSON      bool
	Threshold float64 // from which a sigmoid output predicts 1; 0 is 0.5
	// Missing, if not nil, is what to do with missing values, in place
	// of the policy saved with the weights.
	Missing *data.Missing

	// The output of predict.
	Out       string   // the file to write; empty or "-": standard output
	Keep      []string // input columns copied to the output
	Precision int      // significant digits of the outputs; 0: as many as tell them apart
}

// MaxPrecision is the most significant digits of -precision, which
// float64 needs at most.
const MaxPrecision = 17

// Validate reports a missing or invalid option.
func (o *EvalOptions) Validate() error {
	switch {
	case o.Weights == "":
		return errors.New("-weights is required")
	case o.Data == "":
		return errors.New("-data is required")
	case o.Precision < 0 || o.Precision > MaxPrecision:
		return fmt.Errorf("-precision must be in [0, %d] significant digits (0: the fewest that read back exactly), got %d", MaxPrecision, o.Precision)
	}
	for i, c := range o.Keep {
		if slices.Contains(o.Keep[:i], c) {
			return fmt.Errorf("-keep names column %q twice", c)
		}
	}
	return checkThreshold(o.Threshold)
}

// record returns the record of the run for the metadata of its weights
// and checkpoints: nngen's version, the settings, and the size and
// SHA-256 of the spec and the data files, which it reads through.
func (o *TrainOptions) record() (train.Run, error) {
	r := train.Run{Version: o.Version, Settings: o.Settings}
	for _, f := range []struct{ role, path string }{{"spec", o.Spec}, {"data", o.Data}, {"val", o.Val}, {"test", o.Test}} {
		if f.path == "" {
			continue
		}
		sum, err := train.SumFile(f.path)
		if err != nil {
			return train.Run{}, err
		}
		if r.Files == nil {
			r.Files = map[string]train.FileSum{}
		}
		r.Files[f.role] = sum
	}
	return r, nil
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
