package spec

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestParseTrainSettings checks the settings of a train section beside
// those of TestParseValid, and the errors of bad ones.
func TestParseTrainSettings(t *testing.T) {
	const head = "name: M\ninputs: 2\nlayers: [{units: 2, activation: softmax}]\n"
	m, err := Parse("s.yaml", []byte(head+`train:
  test_split: 0.1
  schedule: cosine
  warmup: 3
  clip: 1.5
  patience: 4
  no_standardize: true
  checkpoint_every: 2
  threads: 8
  missing: mean
`))
	if err != nil {
		t.Fatal(err)
	}
	want := Train{TestSplit: 0.1, Schedule: "cosine", Warmup: 3, Clip: 1.5, Patience: 4, NoStandardize: true, CheckpointEvery: 2, Threads: 8, Missing: "mean"}
	if m.Train != want {
		t.Errorf("train = %+v, want %+v", m.Train, want)
	}

	_, err = Parse("s.yaml", []byte(head+`train:
  test_split: 0.95
  schedule: linear
  warmup: -1
  clip: -0.5
  patience: 1.5
  no_standardize: yes
  checkpoint_every: many
  threads: 5000
  missing: zero
`))
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Parse error = %v, want an ErrorList", err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.Error())
	}
	wantErrs := []string{
		`s.yaml:5:15: train: test_split: 0.95 is out of range [0, 0.9]`,
		`s.yaml:6:13: train: schedule: unknown value "linear" (want one of: constant, step, cosine)`,
		`s.yaml:7:11: train: warmup: -1 is out of range [0, 1000000]`,
		`s.yaml:8:9: train: clip: -0.5 is out of range [0, +Inf]`,
		`s.yaml:9:13: train: patience: want an integer, got "1.5"`,
		`s.yaml:10:19: train: no_standardize: want true or false, got "yes"`,
		`s.yaml:11:21: train: checkpoint_every: want an integer, got "many"`,
		`s.yaml:12:12: train: threads: 5000 is out of range [0, 4096]`,
		`s.yaml:13:12: train: missing: unknown value "zero" (want one of: error, drop, mean)`,
	}
	if !slices.Equal(got, wantErrs) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantErrs, "\n"))
	}
}
