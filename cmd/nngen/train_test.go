package main

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nngen/nngen/internal/driver"
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
	base := []string{"-data", "d.csv", "-o", "w.safetensors"}
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
		if !reflect.DeepEqual(got.options, want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", strings.Join(args, " "), got.options, want)
		}
	}
}
