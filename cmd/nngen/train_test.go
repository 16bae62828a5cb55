package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nngen/nngen/internal/driver"
	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/safetensors"
	"github.com/nngen/nngen/runtime/train"
	"github.com/nngen/nngen/spec"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

// TestTrainOptions checks where each option of nngen train comes from: a
// flag that is set, else the spec's train section, else the defaults.
func TestTrainOptions(t *testing.T) {
	dir := t.TempDir()
	write := func(name, train string) string {
		path := filepath.Join(dir, name)
		src := "name: M\ninputs: 2\nseed: 7\nlayers:\n  - {units: 2, activation: softmax}\n" + train
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	bare := write("bare.yaml", "")
	full := write("full.yaml", "train: {epochs: 9, batch: 5, optimizer: sgd, lr: 0.5, val_split: 0.25, target: y}\n")
	sgd := write("sgd.yaml", "train: {optimizer: momentum}\n")
	every := write("every.yaml", "train: {test_split: 0.1, schedule: step, warmup: 2, clip: 0.5, patience: 3, val_split: 0.2,"+
		" no_standardize: true, checkpoint_every: 4, threads: 2}\n")
	reg := write("reg.yaml", "train: {weight_decay: 0.5, class_weight: {a: 2}}\n")
	decay := func(v float64) *float64 { return &v }
	base := []string{"-data", "d.csv", "-o", "w.safetensors"}
	mean := write("mean.yaml", "train: {missing: mean}\n")
	tests := []struct {
		spec string
		args []string
		edit func(o *driver.TrainOptions) // of the options of the defaults
	}{
		{bare, nil, func(o *driver.TrainOptions) {}},
		{full, nil, func(o *driver.TrainOptions) {
			o.Epochs, o.Batch, o.Optimizer, o.LR, o.ValSplit, o.Target = 9, 5, "sgd", 0.5, 0.25, "y"
		}},
		{sgd, nil, func(o *driver.TrainOptions) { o.Optimizer, o.LR = "momentum", 0.01 }},
		{mean, nil, func(o *driver.TrainOptions) { o.Missing = data.MissingMean }},
		{mean, []string{"-missing", "drop"}, func(o *driver.TrainOptions) { o.Missing = data.MissingDrop }},
		{full, []string{"-epochs", "3", "-batch", "4", "-optimizer", "adam", "-lr", "0.1", "-seed", "2", "-target", "z", "-val-split", "0.5"},
			func(o *driver.TrainOptions) {
				o.Epochs, o.Batch, o.Optimizer, o.LR, o.Seed, o.Target, o.ValSplit = 3, 4, "adam", 0.1, 2, "z", 0.5
			}},
		// The default learning rate is that of the optimizer chosen, and a
		// spec's lr holds with any optimizer.
		{bare, []string{"-optimizer", "nesterov"}, func(o *driver.TrainOptions) { o.Optimizer, o.LR = "nesterov", 0.01 }},
		{sgd, []string{"-optimizer", "adamw"}, func(o *driver.TrainOptions) { o.Optimizer = "adamw" }},
		{full, []string{"-optimizer", "adam"}, func(o *driver.TrainOptions) {
			o.Epochs, o.Batch, o.LR, o.ValSplit, o.Target = 9, 5, 0.5, 0.25, "y"
		}},
		// -val replaces the spec's val_split.
		{full, []string{"-val", "v.csv"}, func(o *driver.TrainOptions) {
			o.Epochs, o.Batch, o.Optimizer, o.LR, o.Target, o.Val = 9, 5, "sgd", 0.5, "y", "v.csv"
		}},
		// Flags equal to the defaults still win over the spec.
		{full, []string{"-epochs", "100", "-val-split", "0"}, func(o *driver.TrainOptions) {
			o.Batch, o.Optimizer, o.LR, o.Target = 5, "sgd", 0.5, "y"
		}},
		{bare, []string{"-schedule", "cosine", "-warmup", "2", "-threads", "3", "-patience", "4", "-val-split", "0.1", "-no-standardize"},
			func(o *driver.TrainOptions) {
				o.Schedule, o.Warmup, o.Threads, o.Patience, o.ValSplit, o.NoStandardize = "cosine", 2, 3, 4, 0.1, true
			}},
		{bare, []string{"-metrics", "f1,recall"}, func(o *driver.TrainOptions) { o.Metrics = []string{"f1", "recall"} }},
		// Every setting of the flags but the files has its key; the
		// spec's checkpoint_every applies with -checkpoint alone, and -test
		// replaces its test_split.
		{every, nil, func(o *driver.TrainOptions) {
			o.TestSplit, o.Schedule, o.Warmup, o.Clip, o.Patience, o.ValSplit, o.NoStandardize, o.Threads = 0.1, "step", 2, 0.5, 3, 0.2, true, 2
		}},
		{every, []string{"-checkpoint", "c.safetensors", "-test", "t.csv", "-no-standardize=false", "-threads", "1"}, func(o *driver.TrainOptions) {
			o.Schedule, o.Warmup, o.Clip, o.Patience, o.ValSplit, o.CheckpointEvery = "step", 2, 0.5, 3, 0.2, 4
			o.Checkpoint, o.Test = "c.safetensors", "t.csv"
		}},
		// The weight decay and the class weights: the optimizer's default
		// and none, else the spec's, else the flags'.
		{reg, nil, func(o *driver.TrainOptions) {
			o.WeightDecay, o.ClassWeight = decay(0.5), driver.ClassWeights{Weights: []driver.ClassWeight{{Class: "a", Weight: 2}}}
		}},
		{reg, []string{"-weight-decay", "0", "-class-weight", "balanced"}, func(o *driver.TrainOptions) {
			o.WeightDecay, o.ClassWeight = decay(0), driver.ClassWeights{Balanced: true}
		}},
		{reg, []string{"-class-weight", "none"}, func(o *driver.TrainOptions) { o.WeightDecay = decay(0.5) }},
		{bare, []string{"-weight-decay", "1e-4", "-class-weight", "b:3,c:0.5"}, func(o *driver.TrainOptions) {
			o.WeightDecay = decay(1e-4)
			o.ClassWeight = driver.ClassWeights{Weights: []driver.ClassWeight{{Class: "b", Weight: 3}, {Class: "c", Weight: 0.5}}}
		}},
	}
	for _, tc := range tests {
		args := append(append([]string{tc.spec}, base...), tc.args...)
		got, err := parseTrain(args, io.Discard, io.Discard)
		if err != nil {
			t.Errorf("%s: %v", strings.Join(args, " "), err)
			continue
		}
		want := driver.TrainOptions{
			Data: "d.csv", Out: "w.safetensors", Epochs: 100, Batch: 32, Optimizer: "adam", LR: 0.001,
			Schedule: "constant", Seed: 7, Threads: 1, Threshold: 0.5,
		}
		tc.edit(&want)
		if got.options.Version == "" || got.options.Spec != tc.spec || got.options.Settings["seed"] != strconv.FormatUint(want.Seed, 10) {
			t.Errorf("%s: the record: version %q, spec %q, settings %v", strings.Join(args, " "), got.options.Version, got.options.Spec, got.options.Settings)
		}
		got.options.Version, got.options.Spec, got.options.Settings = "", "", nil
		if !reflect.DeepEqual(got.options, want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", strings.Join(args, " "), got.options, want)
		}
	}
}

// TestResumeSettings checks that a resumed run takes the settings its
// checkpoint records, refuses flags that differ from them but for the
// resumable ones, and names where an invalid setting came from.
func TestResumeSettings(t *testing.T) {
	dir := t.TempDir()
	specPath := filepath.Join(dir, "m.yaml")
	os.WriteFile(specPath, []byte("name: M\ninputs: 4\nlayers:\n  - {units: 3, activation: softmax}\ntrain: {epochs: 30, lr: 0.2}\n"), 0o644)
	checkpoint := func(name string, settings map[string]string) string {
		path := filepath.Join(dir, name)
		var m softmax.Classifier
		if err := train.SaveWeights(path, &m, train.Meta{Run: train.Run{Settings: settings}}); err != nil {
			t.Fatal(err)
		}
		// The position of a checkpoint after 2 epochs.
		f, err := safetensors.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range map[string]string{"epoch": "2", "batch": "0", "steps": "8", "batch_size": "8", "samples": "30",
			"best_epoch": "0", "seed": "3", "loss_sum": "0", "best_loss": "0"} {
			f.Metadata["nngen."+k] = v
		}
		if err := safetensors.WriteFile(path, f); err != nil {
			t.Fatal(err)
		}
		return path
	}
	recorded := func(kv ...string) map[string]string {
		o := trainDefaults()
		fs := newFlags("train", io.Discard, io.Discard)
		trainFlags(fs.FlagSet, &o)
		for i := 0; i < len(kv); i += 2 {
			fs.Set(kv[i], kv[i+1])
		}
		return settings(fs.FlagSet)
	}
	constant := checkpoint("constant.safetensors", recorded("lr", "0.01", "epochs", "10", "warmup", "5", "batch", "8", "seed", "3"))
	cosine := checkpoint("cosine.safetensors", recorded("schedule", "cosine", "epochs", "10"))
	old := checkpoint("old.safetensors", nil)
	for _, tc := range []struct {
		args   []string
		want   func(o *driver.TrainOptions) bool
		stderr string // of a refused command line
	}{
		{[]string{"-resume", constant}, func(o *driver.TrainOptions) bool {
			return o.LR == 0.01 && o.Epochs == 10 && o.Warmup == 5 && o.Batch == 8 && o.Seed == 3 && o.Settings["lr"] == "0.01"
		}, ""},
		{[]string{"-resume", constant, "-epochs", "20", "-threads", "4", "-lr", "0.01", "-patience", "2", "-val", "v.csv"}, func(o *driver.TrainOptions) bool {
			return o.Epochs == 20 && o.Threads == 4 && o.Settings["epochs"] == "20"
		}, ""},
		{[]string{"-resume", constant, "-lr", "0.1", "-batch", "8", "-seed", "4", "-no-standardize"}, nil,
			"nngen train: -lr 0.1 differs from the checkpoint's 0.01\n" +
				"nngen train: -no-standardize=true differs from the checkpoint's false\n" +
				"nngen train: -seed 4 differs from the checkpoint's 3\n" +
				"nngen train: -resume " + constant + " continues a run with its settings: leave those flags out, or give them the checkpoint's values\n"},
		{[]string{"-resume", cosine, "-epochs", "20"}, nil,
			"nngen train: -epochs 20 differs from the checkpoint's 10: the cosine schedule spans the epochs, which it cannot change\n" +
				"nngen train: -resume " + cosine + " continues a run with its settings: leave those flags out, or give them the checkpoint's values\n"},
		{[]string{"-resume", constant, "-epochs", "4"}, nil,
			"nngen train: -warmup must be in [0, epochs), got 5 (recorded in " + constant + ")\n"},
		// A checkpoint that records no settings leaves the spec's.
		{[]string{"-resume", old}, func(o *driver.TrainOptions) bool { return o.LR == 0.2 && o.Epochs == 30 }, ""},
		{[]string{"-warmup", "40"}, nil, "nngen train: -warmup must be in [0, epochs), got 40\n"},
	} {
		args := append([]string{specPath, "-data", "d.csv", "-o", "w.safetensors"}, tc.args...)
		var stderr strings.Builder
		got, err := parseTrain(args, io.Discard, &stderr)
		switch {
		case tc.want != nil && (err != nil || !tc.want(&got.options)):
			t.Errorf("%v: error %v, stderr %q; options %+v", tc.args, err, stderr.String(), got)
		case tc.want == nil && (err != errUsage || stderr.String() != tc.stderr):
			t.Errorf("%v: error %v, stderr\n%s\nwant\n%s", tc.args, err, stderr.String(), tc.stderr)
		}
	}

	// Weights are no checkpoint.
	weights := filepath.Join(dir, "w.safetensors")
	if err := train.SaveWeights(weights, new(softmax.Classifier), train.Meta{}); err != nil {
		t.Fatal(err)
	}
	_, err := parseTrain([]string{specPath, "-data", "d.csv", "-o", "x.safetensors", "-resume", weights}, io.Discard, io.Discard)
	if want := "-resume: " + weights + `: not a checkpoint: no "nngen.epoch" in the metadata`; err == nil || err.Error() != want {
		t.Errorf("resume from weights: error %v\nwant %s", err, want)
	}

	// A setting from the spec is named so.
	os.WriteFile(specPath, []byte("name: M\ninputs: 4\nlayers:\n  - {units: 3, activation: softmax}\ntrain: {warmup: 5}\n"), 0o644)
	var stderr strings.Builder
	if _, err := parseTrain([]string{specPath, "-data", "d.csv", "-o", "w.safetensors", "-epochs", "3"}, io.Discard, &stderr); err != errUsage ||
		stderr.String() != "nngen train: -warmup must be in [0, epochs), got 5 (set in "+specPath+")\n" {
		t.Errorf("the spec's warm-up beyond -epochs: error %v, stderr %q", err, stderr.String())
	}
}

// TestSettings checks that the settings are every flag of nngen train
// but the unrecorded ones, and that the spec's schedules are the CLI's.
func TestSettings(t *testing.T) {
	o := trainDefaults()
	fs := newFlags("train", io.Discard, io.Discard)
	trainFlags(fs.FlagSet, &o)
	fs.String("plot", "", "")
	s := settings(fs.FlagSet)
	fs.VisitAll(func(f *flag.Flag) {
		if _, ok := s[f.Name]; ok == slices.Contains(unrecorded, f.Name) {
			t.Errorf("flag -%s: in the settings %v, unrecorded %v", f.Name, ok, !ok)
		}
	})
	if s["lr"] != "0.001" || s["schedule"] != "constant" || s["no-standardize"] != "false" {
		t.Errorf("settings %v", s)
	}
	if !slices.Equal(spec.Schedules, driver.Schedules) {
		t.Errorf("the spec's schedules %v, the CLI's %v", spec.Schedules, driver.Schedules)
	}
}
