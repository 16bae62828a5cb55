package driver

import (
	"encoding/json"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/train"
)

// TestHistoryLine checks the keys and values of each head's history
// line, and that the plot's Epoch reads them.
func TestHistoryLine(t *testing.T) {
	val := train.Metrics{
		N: 30, Loss: 0.6, Accuracy: 0.9, MSE: 0.2, MAE: 0.3, R2: 0.8, ROCAUC: 0.95, AP: 0.85, Confusion: [][]int{{14, 1}, {2, 13}},
		Report: data.Report{Macro: data.Scores{Precision: 0.7, Recall: 0.6, F1: 0.65}, Classes: []data.Scores{{}, {Precision: 0.5, Recall: 0.4, F1: 0.45}}},
	}
	e := train.EpochStats{Epoch: 4, TrainLoss: 0.5, LR: 0.01, Elapsed: 1500 * time.Millisecond, Val: val}
	base := map[string]float64{"epoch": 4, "train_loss": 0.5, "lr": 0.01, "seconds": 1.5}
	with := func(kv map[string]float64) map[string]float64 {
		m := maps.Clone(base)
		maps.Copy(m, kv)
		return m
	}
	undefinedR2 := val
	undefinedR2.R2, undefinedR2.Undefined = math.NaN(), map[string]string{"r2": "the target is constant"}
	for _, c := range []struct {
		name    string
		head    string
		val     train.Metrics
		ranking bool
		want    map[string]float64
	}{
		{"softmax", model.Softmax, val, false, with(map[string]float64{"val_loss": 0.6, "val_accuracy": 0.9, "val_precision": 0.7, "val_recall": 0.6, "val_f1": 0.65})},
		{"sigmoid", model.Sigmoid, val, false, with(map[string]float64{"val_loss": 0.6, "val_accuracy": 0.9, "val_precision": 0.5, "val_recall": 0.4, "val_f1": 0.45})},
		{"sigmoid, ranking", model.Sigmoid, val, true, with(map[string]float64{"val_loss": 0.6, "val_accuracy": 0.9, "val_precision": 0.5, "val_recall": 0.4, "val_f1": 0.45, "val_roc_auc": 0.95, "val_average_precision": 0.85})},
		{"identity", model.Identity, val, false, with(map[string]float64{"val_loss": 0.6, "val_mse": 0.2, "val_mae": 0.3, "val_r2": 0.8})},
		{"identity, R² undefined", model.Identity, undefinedR2, false, with(map[string]float64{"val_loss": 0.6, "val_mse": 0.2, "val_mae": 0.3})},
		{"no validation", model.Softmax, train.Metrics{}, false, base},
	} {
		e.Val = c.val
		line := historyLine(e, c.head, c.ranking)
		var got map[string]float64
		if err := json.Unmarshal(line, &got); err != nil || line[len(line)-1] != '\n' {
			t.Fatalf("%s: line %q: %v", c.name, line, err)
		}
		if !maps.Equal(got, c.want) {
			t.Errorf("%s: %v\nwant %v", c.name, got, c.want)
		}
		var ep Epoch
		if err := json.Unmarshal(line, &ep); err != nil || ep.Epoch != 4 || ep.TrainLoss != 0.5 ||
			(c.val.N > 0) != (ep.ValLoss == 0.6) || (ep.ValAccuracy != nil) != (c.val.N > 0 && c.head != model.Identity) ||
			(ep.ValMAE != nil) != (c.val.N > 0 && c.head == model.Identity) {
			t.Errorf("%s: the plot reads %+v, %v", c.name, ep, err)
		}
	}
}

// TestOpenHistory checks that a new run starts an empty history and a
// resumed one keeps the lines of the epochs its checkpoint holds.
func TestOpenHistory(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.jsonl")
	lines := func(epochs ...int) string {
		s := ""
		for _, e := range epochs {
			s += string(historyLine(train.EpochStats{Epoch: e, TrainLoss: 1 / float64(e)}, model.Softmax, false))
		}
		return s
	}
	for _, c := range []struct {
		name    string
		old     string // "" for no file
		resumed bool
		after   int
		want    string
	}{
		{"new run", lines(1, 2, 3), false, 0, ""},
		{"resumed", lines(1, 2, 3, 4, 5), true, 3, lines(1, 2, 3)},
		{"resumed after the last line", lines(1, 2), true, 4, lines(1, 2)},
		{"resumed without a file", "", true, 3, ""},
	} {
		os.Remove(path)
		if c.old != "" {
			if err := os.WriteFile(path, []byte(c.old), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		f, err := openHistory(path, c.resumed, c.after)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		f.Write([]byte(lines(9)))
		f.Close()
		if b, _ := os.ReadFile(path); string(b) != c.want+lines(9) {
			t.Errorf("%s: the history holds\n%s\nwant\n%s", c.name, b, c.want+lines(9))
		}
	}

	os.WriteFile(path, []byte(lines(1)+"not json\n"+lines(2)), 0o644)
	_, err := openHistory(path, true, 1)
	if want := path + ":2: not a line of a history file (one JSON object per epoch); remove the file or name another with -history"; err == nil || err.Error() != want {
		t.Errorf("a damaged history: error %v\nwant %s", err, want)
	}
	if b, _ := os.ReadFile(path); !slices.Equal(b, []byte(lines(1)+"not json\n"+lines(2))) {
		t.Error("a damaged history was changed")
	}
}

// TestTrainRecord checks what a run records: the history, one line per
// epoch of the whole run across a resume, and in the weights' metadata
// the version, the files, the settings and the final scores.
func TestTrainRecord(t *testing.T) {
	dir := t.TempDir()
	_, iris := trained(t, dir)
	spec := filepath.Join(dir, "iris.yaml")
	os.WriteFile(spec, []byte("name: Classifier\n"), 0o644)
	history, ckpt, out := filepath.Join(dir, "run.jsonl"), filepath.Join(dir, "c.safetensors"), filepath.Join(dir, "r.safetensors")
	o := TrainOptions{
		Version: "v9.9.9", Spec: spec, Settings: map[string]string{"lr": "0.01", "epochs": "4"},
		Data: iris, ValSplit: 0.2, TestSplit: 0.2, Epochs: 2, Batch: 16, LR: 0.01, Optimizer: "adam", Schedule: "cosine", Seed: 3,
		Checkpoint: ckpt, CheckpointEvery: 2, Out: out, History: history,
	}
	status, stdout, stderr := run(t, reluArch, "train", o)
	if status != 0 {
		t.Fatalf("train: status %d: %s", status, stderr)
	}
	const header = "training on 96 samples (validation 24, test 30), 2 epochs of 6 batches, adam, lr 0.01, cosine schedule, seed 3\n"
	if !strings.HasPrefix(stdout, header) {
		t.Errorf("stdout begins %q, want %q", stdout[:min(len(stdout), len(header))], header)
	}
	o.Epochs, o.Resume = 4, ckpt
	status, stdout, stderr = run(t, reluArch, "train", o)
	if status != 0 {
		t.Fatalf("train -resume: status %d: %s", status, stderr)
	}
	if want := strings.Replace(header, "2 epochs", "4 epochs", 1) + "resuming from " + ckpt + " after epoch 2\n"; !strings.HasPrefix(stdout, want) {
		t.Errorf("stdout of the resumed run:\n%s\nwant it to begin\n%s", stdout, want)
	}

	b, err := os.ReadFile(history)
	if err != nil {
		t.Fatal(err)
	}
	var epochs []int
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		var e Epoch
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("history line %q: %v", line, err)
		}
		epochs = append(epochs, e.Epoch)
	}
	if !slices.Equal(epochs, []int{1, 2, 3, 4}) {
		t.Errorf("the history holds epochs %v, want 1 to 4", epochs)
	}

	meta, err := train.ReadMeta(out)
	if err != nil {
		t.Fatal(err)
	}
	r := meta.Run
	specSum, _ := train.SumFile(spec)
	dataSum, _ := train.SumFile(iris)
	if r.Version != "v9.9.9" || r.Files["spec"] != specSum || r.Files["data"] != dataSum || len(r.Files) != 2 || !maps.Equal(r.Settings, o.Settings) {
		t.Errorf("the run's record: %+v", r)
	}
	for _, k := range []string{"train_loss", "val_loss", "val_accuracy", "val_f1", "test_loss", "test_accuracy", "test_recall"} {
		if _, ok := r.Metrics[k]; !ok {
			t.Errorf("metrics %v lack %s", r.Metrics, k)
		}
	}
}
