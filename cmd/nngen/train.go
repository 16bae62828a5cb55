package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nngen/nngen/internal/build"
	"github.com/nngen/nngen/internal/driver"
	"github.com/nngen/nngen/internal/plot"
	"github.com/nngen/nngen/spec"
)

func runTrain(args []string, stdout, stderr io.Writer) error {
	// The spec supplies the defaults, so find it before defining the flags.
	s, err := specArg(args, stderr)
	if err != nil {
		return err
	}
	o := defaultTrainOptions(s)
	fs, plotPath := trainFlags(&o, stderr)
	path, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["val"] && !set["val-split"] {
		o.ValSplit = 0 // -val replaces the spec's val_split
	}
	if err := o.Validate(); err != nil {
		fmt.Fprintf(stderr, "nngen train: %v\n", err)
		return errUsage
	}
	if s.DType == spec.Float32 && o.Clip > 0 && float32(o.Clip) == 0 {
		fmt.Fprintf(stderr, "nngen train: -clip %g is 0 in float32, the model's dtype\n", o.Clip)
		return errUsage
	}
	if err := checkReadable(o.Data, o.Val, o.Test, o.Resume); err != nil {
		return err
	}
	if err := checkTrainOutputs(path, o, *plotPath); err != nil {
		fmt.Fprintf(stderr, "nngen train: %v\n", err)
		return errUsage
	}
	if err := checkWritable(o.Out, o.Checkpoint, *plotPath); err != nil {
		return err
	}
	if *plotPath != "" {
		tmp, err := os.CreateTemp("", "nngen-history-*.json")
		if err != nil {
			return err
		}
		tmp.Close()
		defer os.Remove(tmp.Name())
		o.History = tmp.Name()
	}
	if err := runModel(s, "train", o, stdout, stderr); err != nil {
		return err
	}
	if *plotPath == "" {
		return nil
	}
	b, err := os.ReadFile(o.History)
	if err != nil {
		return err
	}
	var h []driver.Epoch
	if err := json.Unmarshal(b, &h); err != nil {
		return err
	}
	if len(h) == 0 {
		fmt.Fprintln(stdout, "no epoch was trained: no loss curves to draw")
		return nil
	}
	var png bytes.Buffer
	if err := plot.Losses(&png, s.Name, h); err != nil {
		return err
	}
	if err := writeFile(*plotPath, png.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loss curves drawn to %s\n", *plotPath)
	return nil
}

// checkTrainOutputs reports a plot that is not PNG and an output of
// train that names an input. The checkpoint may be the file training
// resumes from.
func checkTrainOutputs(specPath string, o driver.TrainOptions, plotPath string) error {
	if plotPath != "" && !strings.EqualFold(filepath.Ext(plotPath), ".png") {
		return fmt.Errorf("-plot %s: the plot is a PNG image; name a .png file", plotPath)
	}
	inputs := []arg{{"the spec", specPath}, {"-data", o.Data}, {"-val", o.Val}, {"-test", o.Test}}
	if err := checkOutputs([]arg{{"-checkpoint", o.Checkpoint}}, inputs); err != nil {
		return err
	}
	return checkOutputs([]arg{{"-o", o.Out}, {"-plot", plotPath}}, append(inputs, arg{"-resume", o.Resume}))
}

// trainFlags defines the flags of nngen train, with the values of o as
// defaults.
func trainFlags(o *driver.TrainOptions, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := newFlags("train", "train spec.yaml -data train.csv -o model.safetensors [flags]", stderr)
	o.Flags(fs)
	return fs, fs.String("plot", "", "draw the training and validation loss curves to this PNG file")
}

func runEval(args []string, stdout, stderr io.Writer) error {
	return runEvalLike("eval", "eval spec.yaml -weights model.safetensors -data test.csv [-target column] [-json]", args, stdout, stderr)
}

func runPredict(args []string, stdout, stderr io.Writer) error {
	return runEvalLike("predict", "predict spec.yaml -weights model.safetensors -data input.csv [-target column]", args, stdout, stderr)
}

func runEvalLike(cmd, synopsis string, args []string, stdout, stderr io.Writer) error {
	var o driver.EvalOptions
	fs := newFlags(cmd, synopsis, stderr)
	o.Flags(fs, cmd == "eval")
	path, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		fmt.Fprintf(stderr, "nngen %s: %v\n", cmd, err)
		return errUsage
	}
	if err := checkReadable(o.Weights, o.Data); err != nil {
		return err
	}
	s, err := spec.ParseFile(path)
	if err != nil {
		return err
	}
	o.Target = cmp.Or(o.Target, s.Train.Target)
	return runModel(s, cmd, o, stdout, stderr)
}

// runModel builds the program of spec s and runs command cmd in it with
// the options as JSON.
func runModel(s *spec.Model, cmd string, options any, stdout, stderr io.Writer) error {
	exe, err := build.Program(s)
	if err != nil {
		return err
	}
	b, err := json.Marshal(options)
	if err != nil {
		return err
	}
	return runProgram(exe, stdout, stderr, cmd, string(b))
}

// specArg finds and parses the spec among the arguments of nngen train
// before its flags get the spec's defaults; flag errors are reported here,
// with the usage and the defaults that hold without a spec.
func specArg(args []string, stderr io.Writer) (*spec.Model, error) {
	o := defaultTrainOptions(&spec.Model{Seed: 1})
	fs, _ := trainFlags(&o, io.Discard)
	path, err := parseFlags(fs, args)
	if err != nil {
		o := defaultTrainOptions(&spec.Model{Seed: 1})
		fs, _ := trainFlags(&o, stderr)
		_, err = parseFlags(fs, args)
		return nil, err
	}
	return spec.ParseFile(path)
}

// checkReadable reports the first named file that cannot be opened.
func checkReadable(paths ...string) error {
	for _, p := range paths {
		if p == "" {
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		f.Close()
	}
	return nil
}

// checkWritable reports the first output whose directory does not exist
// or cannot be written, before any training time is spent.
func checkWritable(paths ...string) error {
	for _, p := range paths {
		if p == "" {
			continue
		}
		if fi, err := os.Stat(p); err == nil && !fi.Mode().IsRegular() {
			return fmt.Errorf("cannot write %s: it is a directory or special file", p)
		}
		dir := filepath.Dir(p)
		tmp, err := os.CreateTemp(dir, ".nngen-write-test-*")
		if err != nil {
			return fmt.Errorf("cannot write %s: %v", p, err)
		}
		tmp.Close()
		os.Remove(tmp.Name())
	}
	return nil
}

// defaultTrainOptions returns the defaults of a spec: its train section,
// else Adam at 0.001 in mini-batches of 32 for 100 epochs.
func defaultTrainOptions(s *spec.Model) driver.TrainOptions {
	o := driver.TrainOptions{
		Epochs: 100, Batch: 32, Optimizer: "adam", Schedule: "constant",
		Seed: s.Seed, Target: s.Train.Target, ValSplit: s.Train.ValSplit,
	}
	if s.Train.Epochs > 0 {
		o.Epochs = s.Train.Epochs
	}
	if s.Train.Batch > 0 {
		o.Batch = s.Train.Batch
	}
	if s.Train.Optimizer != "" {
		o.Optimizer = s.Train.Optimizer
	}
	o.LR = s.Train.LR
	if o.LR == 0 {
		o.LR = driver.DefaultLR(o.Optimizer)
	}
	return o
}

func runVerify(args []string, stdout, stderr io.Writer) error {
	o := driver.VerifyOptions{Tol: 64}
	fs := newFlags("verify", "verify spec.yaml -weights model.safetensors -inputs x.safetensors -expect y.safetensors [-tol ulps]", stderr)
	fs.StringVar(&o.Weights, "weights", "", "weights file (required)")
	fs.StringVar(&o.Inputs, "inputs", "", "safetensors file with one tensor [samples, inputs] (required)")
	fs.StringVar(&o.Expect, "expect", "", "safetensors file with one tensor [samples, outputs]: the expected outputs of Forward (required)")
	fs.Int64Var(&o.Tol, "tol", o.Tol, "largest accepted difference, in units in the last place of the model's float type")
	path, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		fmt.Fprintf(stderr, "nngen verify: %v\n", err)
		return errUsage
	}
	if err := checkReadable(o.Weights, o.Inputs, o.Expect); err != nil {
		return err
	}
	s, err := spec.ParseFile(path)
	if err != nil {
		return err
	}
	return runModel(s, "verify", o, stdout, stderr)
}
