package main

import (
	"flag"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/nngen/nngen/internal/driver"
	"github.com/nngen/nngen/spec"
)

// The settings of nngen train are its options but the files, each
// written as its flag writes it and named by the flag: a spec's train
// section gives some, the weights and checkpoints record them all, and a
// resumed run takes them from its checkpoint.

// unrecorded are the flags of nngen train that are not settings: those
// of files, and -threads, on which the weights and scores do not depend,
// so that the files of runs on any number of threads are the same.
var unrecorded = []string{"data", "val", "test", "checkpoint", "resume", "o", "history", "plot", "threads"}

// resumable are the settings that a resumed run may change: they decide
// how far it trains and what it shows, not the steps of the epochs
// trained. The epochs may change only under a constant schedule, as the
// others span the epochs.
var resumable = []string{"epochs", "patience", "checkpoint-every", "metrics", "threshold"}

// settings returns the settings of the flags of fs.
func settings(fs *flag.FlagSet) map[string]string {
	s := map[string]string{}
	fs.VisitAll(func(f *flag.Flag) {
		if !slices.Contains(unrecorded, f.Name) {
			s[f.Name] = f.Value.String()
		}
	})
	return s
}

// specSettings returns the settings that the spec s gives: those of its
// train section, and its seed.
func specSettings(s *spec.Model) map[string]string {
	t := s.Train
	set := map[string]string{"seed": strconv.FormatUint(s.Seed, 10)}
	add := func(name string, given bool, value string) {
		if given {
			set[name] = value
		}
	}
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	add("epochs", t.Epochs != 0, strconv.Itoa(t.Epochs))
	add("batch", t.Batch != 0, strconv.Itoa(t.Batch))
	add("lr", t.LR != 0, num(t.LR))
	add("optimizer", t.Optimizer != "", t.Optimizer)
	add("val-split", t.ValSplit != 0, num(t.ValSplit))
	add("test-split", t.TestSplit != 0, num(t.TestSplit))
	add("target", t.Target != "", t.Target)
	add("schedule", t.Schedule != "", t.Schedule)
	add("warmup", t.Warmup != 0, strconv.Itoa(t.Warmup))
	add("clip", t.Clip != 0, num(t.Clip))
	add("patience", t.Patience != 0, strconv.Itoa(t.Patience))
	add("no-standardize", t.NoStandardize, "true")
	add("checkpoint-every", t.CheckpointEvery != 0, strconv.Itoa(t.CheckpointEvery))
	add("threads", t.Threads != 0, strconv.Itoa(t.Threads))
	add("missing", t.Missing != "", t.Missing)
	if t.WeightDecay != nil {
		set["weight-decay"] = num(*t.WeightDecay)
	}
	if cw := t.ClassWeight; cw != nil {
		set["class-weight"] = classWeightSetting(cw)
	}
	return set
}

// classWeightSetting writes the class weights of a spec as -class-weight
// takes them.
func classWeightSetting(cw *spec.ClassWeight) string {
	if cw.Balanced {
		return "balanced"
	}
	c := driver.ClassWeights{}
	for _, w := range cw.Weights {
		c.Weights = append(c.Weights, driver.ClassWeight{Class: w.Class, Weight: w.Weight})
	}
	return c.String()
}

// applies reports whether a setting of a spec or a checkpoint applies to
// the flag name of fs, whose flags in set are on the command line: -val
// replaces a val-split, -test a test-split, and checkpoint-every applies
// with -checkpoint alone.
func applies(fs *flag.FlagSet, set map[string]bool, name string) bool {
	switch name {
	case "val-split":
		return !set["val"]
	case "test-split":
		return !set["test"]
	case "checkpoint-every":
		return fs.Lookup("checkpoint").Value.String() != ""
	}
	return true
}

// withSettings sets each flag of fs that settings name, is not in set
// and applies (see applies) to its setting, and notes in origins that it
// comes from origin.
func withSettings(fs *flag.FlagSet, set map[string]bool, settings map[string]string, origin string, origins map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(settings)) {
		f := fs.Lookup(name)
		if f == nil || set[name] || !applies(fs, set, name) {
			continue // a setting of another nngen, or one the command line decides
		}
		if f.Value.String() == settings[name] {
			continue
		}
		if err := f.Value.Set(settings[name]); err != nil {
			return fmt.Errorf("%s: setting %s %q: %v", origin, name, settings[name], err)
		}
		origins[name] = origin
	}
	return nil
}

// resumeDifferences returns, one line each, how the flags in set differ
// from the settings recorded by a checkpoint, but for those a resumed
// run may change (resumable).
func resumeDifferences(fs *flag.FlagSet, set map[string]bool, recorded map[string]string) []string {
	var diffs []string
	schedule := recorded["schedule"]
	for _, name := range slices.Sorted(maps.Keys(recorded)) {
		f, then := fs.Lookup(name), recorded[name]
		if f == nil || !set[name] || f.Value.String() == then {
			continue
		}
		if slices.Contains(resumable, name) && (name != "epochs" || schedule == "constant") {
			continue
		}
		d := fmt.Sprintf("%s differs from the checkpoint's %s", flagText(f, f.Value.String()), valueText(then))
		if name == "epochs" {
			d += fmt.Sprintf(": the %s schedule spans the epochs, which it cannot change", schedule)
		}
		diffs = append(diffs, d)
	}
	return diffs
}

// flagText writes the flag f with the value v as on a command line.
func flagText(f *flag.Flag, v string) string {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return "-" + f.Name + "=" + v
	}
	return "-" + f.Name + " " + valueText(v)
}

// valueText writes a setting for a message: as it is, or "" if empty.
func valueText(v string) string {
	if v == "" {
		return `""`
	}
	return v
}
