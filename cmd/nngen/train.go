package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nngen/nngen/internal/build"
	"github.com/nngen/nngen/internal/driver"
	"github.com/nngen/nngen/internal/plot"
	"github.com/nngen/nngen/runtime/train"
	"github.com/nngen/nngen/spec"
)

func runTrain(args []string, stdout, stderr io.Writer) error {
	t, err := parseTrain(args, stdout, stderr)
	if err != nil {
		return err
	}
	o := t.options
	if err := checkReadable(o.Data, o.Val, o.Test, o.Resume); err != nil {
		return err
	}
	if err := checkTrainOutputs(t.specPath, o, t.plot); err != nil {
		fmt.Fprintf(stderr, "nngen train: %v\n", err)
		return errUsage
	}
	if err := checkWritable(o.Out, o.Checkpoint, o.History, t.plot); err != nil {
		return err
	}
	if t.plot == "" {
		return runModel(t.spec, "train", o, stdout, stderr)
	}
	if o.History == "" {
		tmp, err := os.CreateTemp("", "nngen-history-*.jsonl")
		if err != nil {
			return err
		}
		tmp.Close()
		defer os.Remove(tmp.Name())
		o.History = tmp.Name()
	}
	err = runModel(t.spec, "train", o, stdout, stderr)
	// Drawn also after a divergence or an interruption, from the epochs
	// completed.
	drawn, perr := drawLosses(t.plot, t.spec.Name, o.History, stdout)
	if err == nil && perr == nil && !drawn {
		fmt.Fprintln(stdout, "no epoch was trained: no loss curves to draw")
	}
	return cmp.Or(err, perr)
}

// trainCommand is a command line of nngen train, parsed and validated.
type trainCommand struct {
	spec     *spec.Model
	specPath string
	plot     string // the -plot file, if any
	options  driver.TrainOptions
}

// parseTrain parses the arguments of nngen train, reads the spec they
// name and validates the options: those of the flags set, else for a
// resumed run those its checkpoint records, else those of the spec
// (specSettings), else the defaults (trainDefaults). The flags set on
// the command line of a resumed run must agree with its checkpoint but
// for the resumable ones.
func parseTrain(args []string, stdout, stderr io.Writer) (*trainCommand, error) {
	o := trainDefaults()
	fs := newFlags("train", stdout, stderr)
	trainFlags(fs.FlagSet, &o)
	plotPath := fs.String("plot", "", "draw the training and validation loss curves to this PNG file")
	path, err := fs.parseSpec(args)
	if err != nil {
		return nil, err
	}
	s, err := spec.ParseFile(path)
	if err != nil {
		return nil, err
	}
	set := setFlags(fs.FlagSet)
	origins := map[string]string{} // of the settings not set on the command line
	if err := withSettings(fs.FlagSet, set, specSettings(s), "set in "+path, origins); err != nil {
		return nil, err
	}
	if !set["lr"] && s.Train.LR == 0 {
		o.LR = defaultLR(o.Optimizer)
	}
	if o.Resume != "" {
		if err := resume(fs.FlagSet, set, o.Resume, origins, stderr); err != nil {
			return nil, err
		}
	}
	if err := cmp.Or(o.Validate(), o.CheckHead(string(s.Head()))); err != nil {
		fmt.Fprintf(stderr, "nngen train: %v%s\n", err, originNote(err, origins))
		return nil, errUsage
	}
	if s.DType == spec.Float32 && o.Clip > 0 && float32(o.Clip) == 0 {
		fmt.Fprintf(stderr, "nngen train: -clip %g is 0 in float32, the model's dtype\n", o.Clip)
		return nil, errUsage
	}
	if err := checkRegularization(s, o); err != nil {
		fmt.Fprintf(stderr, "nngen train: %v\n", err)
		return nil, errUsage
	}
	o.Version, o.Spec, o.Settings = version(), path, settings(fs.FlagSet)
	return &trainCommand{spec: s, specPath: path, plot: *plotPath, options: o}, nil
}

// resume sets the flags of fs that are not in set to the settings that
// the checkpoint at path records, noting so in origins, and refuses, as
// a usage error, flags in set that differ from them (see
// resumeDifferences). A checkpoint of an nngen that recorded no
// settings changes nothing.
func resume(fs *flag.FlagSet, set map[string]bool, path string, origins map[string]string, stderr io.Writer) error {
	if err := checkReadable(path); err != nil {
		return err
	}
	if _, err := train.ReadPosition(path); err != nil {
		return fmt.Errorf("-resume: %w", err)
	}
	meta, err := train.ReadMeta(path)
	if err != nil {
		return err
	}
	recorded := meta.Run.Settings
	if diffs := resumeDifferences(fs, set, recorded); diffs != nil {
		for _, d := range diffs {
			fmt.Fprintf(stderr, "nngen train: %s\n", d)
		}
		fmt.Fprintf(stderr, "nngen train: -resume %s continues a run with its settings: leave those flags out, or give them the checkpoint's values\n", path)
		return errUsage
	}
	return withSettings(fs, set, recorded, "recorded in "+path, origins)
}

// originNote names where the option that the error err of Validate
// names first came from, if not the command line: " (set in
// spec.yaml)".
func originNote(err error, origins map[string]string) string {
	name, _, _ := strings.Cut(strings.TrimPrefix(err.Error(), "-"), " ")
	if o, ok := origins[strings.TrimSuffix(name, ":")]; ok {
		return " (" + o + ")"
	}
	return ""
}

// drawLosses draws the loss curves of the model name from the history
// file written by the model program, one JSON object per line, to the
// PNG file path, and reports whether it did: an empty history draws
// nothing.
func drawLosses(path, name, history string, stdout io.Writer) (bool, error) {
	b, err := os.ReadFile(history)
	if err != nil {
		return false, err
	}
	var h []driver.Epoch
	for dec := json.NewDecoder(bytes.NewReader(b)); dec.More(); {
		var e driver.Epoch
		if err := dec.Decode(&e); err != nil {
			return false, fmt.Errorf("%s: %v", history, err)
		}
		h = append(h, e)
	}
	if len(h) == 0 {
		return false, nil
	}
	var png bytes.Buffer
	if err := plot.Losses(&png, name, h); err != nil {
		return false, err
	}
	if err := writeFile(path, png.Bytes()); err != nil {
		return false, err
	}
	fmt.Fprintf(stdout, "loss curves drawn to %s\n", path)
	return true, nil
}

// checkTrainOutputs reports a plot that is not PNG and an output of
// train that names an input. The checkpoint may be the file training
// resumes from.
func checkTrainOutputs(specPath string, o driver.TrainOptions, plotPath string) error {
	if plotPath != "" && !strings.EqualFold(filepath.Ext(plotPath), ".png") {
		return fmt.Errorf("-plot %s: the plot is a PNG image; name a .png file", plotPath)
	}
	if err := distinctOutputs([]arg{{"-o", o.Out}, {"-checkpoint", o.Checkpoint}, {"-plot", plotPath}, {"-history", o.History}}); err != nil {
		return err
	}
	inputs := []arg{{"the spec", specPath}, {"-data", o.Data}, {"-val", o.Val}, {"-test", o.Test}}
	if err := checkOutputs([]arg{{"-checkpoint", o.Checkpoint}}, inputs); err != nil {
		return err
	}
	return checkOutputs([]arg{{"-o", o.Out}, {"-plot", plotPath}, {"-history", o.History}}, append(inputs, arg{"-resume", o.Resume}))
}

func runEval(args []string, stdout, stderr io.Writer) error {
	return runEvalLike("eval", args, stdout, stderr)
}

func runPredict(args []string, stdout, stderr io.Writer) error {
	return runEvalLike("predict", args, stdout, stderr)
}

func runEvalLike(cmd string, args []string, stdout, stderr io.Writer) error {
	o := driver.EvalOptions{Threshold: 0.5}
	fs := newFlags(cmd, stdout, stderr)
	evalFlags(fs.FlagSet, &o, cmd == "eval")
	path, err := fs.parseSpec(args)
	if err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		fmt.Fprintf(stderr, "nngen %s: %v\n", cmd, err)
		return errUsage
	}
	data, out := o.Data, o.Out
	if data == "-" {
		data = "" // standard input
	}
	if out == "-" {
		out = ""
	}
	if err := checkOutputs([]arg{{"-o", out}}, []arg{{"the spec", path}, {"-weights", o.Weights}, {"-data", data}}); err != nil {
		fmt.Fprintf(stderr, "nngen %s: %v\n", cmd, err)
		return errUsage
	}
	if err := cmp.Or(checkReadable(o.Weights, data), checkWritable(out)); err != nil {
		return err
	}
	s, err := spec.ParseFile(path)
	if err != nil {
		return err
	}
	if err := o.CheckHead(string(s.Head())); err != nil {
		fmt.Fprintf(stderr, "nngen %s: %v\n", cmd, err)
		return errUsage
	}
	o.Target = cmp.Or(o.Target, s.Train.Target)
	return runModel(s, cmd, o, stdout, stderr)
}

// runModel builds the program of spec s and runs command cmd in it with
// the options as JSON. A program that another nngen removed from the
// cache between the two steps is built again.
func runModel(s *spec.Model, cmd string, options any, stdout, stderr io.Writer) error {
	b, err := json.Marshal(options)
	if err != nil {
		return err
	}
	for again := false; ; again = true {
		exe, release, err := build.Program(s)
		if err != nil {
			return err
		}
		err = runProgram(exe, stdout, stderr, cmd, string(b))
		release()
		if again || !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
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

// trainDefaults returns the options of nngen train that the flags
// start from: Adam in mini-batches of 32 for 100 epochs, on one thread,
// with seed 1 and a constant learning rate of 0.001.
func trainDefaults() driver.TrainOptions {
	return driver.TrainOptions{
		Epochs: 100, Batch: 32, Optimizer: "adam", LR: defaultLR("adam"), Schedule: "constant",
		Seed: 1, Threads: 1, Threshold: 0.5,
	}
}

// defaultLR is the learning rate of an optimizer where neither -lr nor
// the spec gives one: 0.001 for Adam and AdamW, 0.01 for the others.
func defaultLR(optimizer string) float64 {
	if strings.HasPrefix(optimizer, "adam") {
		return 0.001
	}
	return 0.01
}

// setFlags returns the names of the flags set on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// checkRegularization reports class weights for a model that cannot take
// them and a weight decay that the model's dtype rounds to 0.
func checkRegularization(s *spec.Model, o driver.TrainOptions) error {
	if err := s.CheckClassWeights(); err != nil && o.ClassWeight.Set() {
		return fmt.Errorf("-class-weight: %v", err)
	}
	if wd := o.WeightDecay; wd != nil && s.DType == spec.Float32 && *wd > 0 && float32(*wd) == 0 {
		return fmt.Errorf("weight decay %g is 0 in float32, the model's dtype", *wd)
	}
	return nil
}

func runVerify(args []string, stdout, stderr io.Writer) error {
	o := driver.VerifyOptions{Tol: 64}
	fs := newFlags("verify", stdout, stderr)
	fs.StringVar(&o.Weights, "weights", "", "weights file (required)")
	fs.StringVar(&o.Inputs, "inputs", "", "safetensors file with one tensor [samples, inputs] (required)")
	fs.StringVar(&o.Expect, "expect", "", "safetensors file with one tensor [samples, outputs]: the expected outputs of Forward (required)")
	fs.Int64Var(&o.Tol, "tol", o.Tol, "largest accepted difference, in units in the last place of the model's float type")
	path, err := fs.parseSpec(args)
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
