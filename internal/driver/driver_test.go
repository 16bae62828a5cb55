package driver

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nngen/nngen/runtime/safetensors"
	"github.com/nngen/nngen/runtime/train"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

// The architecture of the softmax golden model, and the same widths with
// tanh.
var (
	reluArch = train.Arch{DType: "float64", Activations: []train.Activation{{Name: "relu"}, {Name: "softmax"}}, Loss: "cross_entropy"}
	tanhArch = train.Arch{DType: "float64", Activations: []train.Activation{{Name: "tanh"}, {Name: "softmax"}}, Loss: "cross_entropy"}
)

// run runs a command of the program built around the softmax golden
// model, which has the architecture arch, with options as JSON.
func run(t *testing.T, arch train.Arch, cmd string, options any) (status int, stdout, stderr string) {
	t.Helper()
	b, err := json.Marshal(options)
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	status = Main[float64, softmax.Classifier](arch, []string{cmd, string(b)}, &out, &errOut)
	return status, out.String(), errOut.String()
}

// trained trains the softmax golden model on the iris data in dir and
// returns the paths of its weights and of the data.
func trained(t *testing.T, dir string) (weights, iris string) {
	t.Helper()
	iris = filepath.Join(dir, "iris.csv")
	src, err := os.ReadFile(filepath.Join("..", "..", "runtime", "data", "testdata", "iris.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(iris, src, 0o644); err != nil {
		t.Fatal(err)
	}
	weights = filepath.Join(dir, "w.safetensors")
	o := TrainOptions{Data: iris, Epochs: 30, Batch: 16, LR: 0.01, Optimizer: "adam", Schedule: "constant", Seed: 1, Out: weights}
	if status, _, stderr := run(t, reluArch, "train", o); status != 0 {
		t.Fatalf("train: status %d: %s", status, stderr)
	}
	return weights, iris
}

// writeCSV writes records to a CSV file in dir.
func writeCSV(t *testing.T, dir, name string, records [][]string) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(records)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// readCSV reads all records of a CSV file.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// columns returns records with their columns in the order of idx.
func columns(records [][]string, idx ...int) [][]string {
	out := make([][]string, len(records))
	for i, r := range records {
		for _, j := range idx {
			out[i] = append(out[i], r[j])
		}
	}
	return out
}

// TestEvalOtherArchitecture checks that weights trained with relu hidden
// layers are refused by a tanh model of the same widths, in eval, predict
// and verify, and that a plain state dict loads with a note (and its
// confusion matrix is labelled with the classes of the data).
func TestEvalOtherArchitecture(t *testing.T) {
	dir := t.TempDir()
	weights, iris := trained(t, dir)
	want := "nngen: " + weights + ": layer 1: the weights were trained with activation relu, the model has tanh\n"
	for _, cmd := range []string{"eval", "predict"} {
		status, _, stderr := run(t, tanhArch, cmd, EvalOptions{Weights: weights, Data: iris})
		if status != 1 || stderr != want {
			t.Errorf("%s: status %d, stderr %q\nwant %q", cmd, status, stderr, want)
		}
	}
	status, _, stderr := run(t, tanhArch, "verify", VerifyOptions{Weights: weights, Inputs: weights, Expect: weights})
	if status != 1 || stderr != want {
		t.Errorf("verify: status %d, stderr %q\nwant %q", status, stderr, want)
	}
	if status, _, stderr := run(t, reluArch, "eval", EvalOptions{Weights: weights, Data: iris}); status != 0 || stderr != "" {
		t.Errorf("eval with the right architecture: status %d, stderr %q", status, stderr)
	}

	// The same tensors without nngen's metadata, as PyTorch writes them.
	f, err := safetensors.ReadFile(weights)
	if err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain.safetensors")
	if err := safetensors.WriteFile(plain, &safetensors.File{Tensors: f.Tensors, Metadata: map[string]string{"format": "pt"}}); err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr := run(t, tanhArch, "eval", EvalOptions{Weights: plain, Data: iris})
	note := "nngen: note: " + plain + " has no nngen metadata: only the shapes of its tensors were checked, not the activations, the loss or the preprocessing\n"
	if status != 0 || stderr != note || !strings.Contains(stdout, "accuracy") || !strings.Contains(stdout, "setosa  versicolor") {
		t.Errorf("plain state dict: status %d, stderr %q, stdout %q", status, stderr, stdout)
	}
}

// TestEvalColumnsByName checks that eval and predict match the feature
// columns by name: reordered columns give the same results, and a missing
// or unknown column is an error listing both sets.
func TestEvalColumnsByName(t *testing.T) {
	dir := t.TempDir()
	weights, iris := trained(t, dir)
	recs := readCSV(t, iris)
	reordered := writeCSV(t, dir, "reordered.csv", columns(recs, 2, 0, 4, 3, 1))
	for _, cmd := range []string{"eval", "predict"} {
		_, want, _ := run(t, reluArch, cmd, EvalOptions{Weights: weights, Data: iris, JSON: cmd == "eval"})
		status, got, stderr := run(t, reluArch, cmd, EvalOptions{Weights: weights, Data: reordered, JSON: cmd == "eval"})
		if status != 0 || got != want {
			t.Errorf("%s of reordered columns: status %d, stderr %q\n%.200s\nwant\n%.200s", cmd, status, stderr, got, want)
		}
	}
	renamed := columns(recs, 0, 1, 2, 3, 4)
	renamed[0][1] = "sepal_wdith"
	bad := writeCSV(t, dir, "renamed.csv", renamed)
	want := fmt.Sprintf("nngen: %s:1: the feature columns do not match the model's: missing \"sepal_width\"; unknown \"sepal_wdith\" "+
		"(the model's: \"sepal_length\", \"sepal_width\", \"petal_length\", \"petal_width\"; the file's: \"sepal_length\", \"sepal_wdith\", \"petal_length\", \"petal_width\")\n", bad)
	if status, _, stderr := run(t, reluArch, "eval", EvalOptions{Weights: weights, Data: bad}); status != 1 || stderr != want {
		t.Errorf("renamed column: status %d, stderr %q\nwant %q", status, stderr, want)
	}
}

// TestPredictIgnoresTarget checks that predict skips the target column
// whatever it holds, missing or unknown labels included, and that -target
// names it when the weights do not.
func TestPredictIgnoresTarget(t *testing.T) {
	dir := t.TempDir()
	weights, iris := trained(t, dir)
	recs := readCSV(t, iris)
	features := writeCSV(t, dir, "features.csv", columns(recs, 0, 1, 2, 3))
	_, want, _ := run(t, reluArch, "predict", EvalOptions{Weights: weights, Data: features})
	odd := columns(recs, 0, 1, 2, 3, 4)
	odd[1][4], odd[2][4] = "", "unicorn"
	oddPath := writeCSV(t, dir, "odd.csv", odd)
	if status, got, stderr := run(t, reluArch, "predict", EvalOptions{Weights: weights, Data: oddPath}); status != 0 || got != want {
		t.Errorf("missing and unknown labels: status %d, stderr %q", status, stderr)
	}

	// Without nngen's metadata, -target names the column to skip.
	f, err := safetensors.ReadFile(weights)
	if err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain.safetensors")
	if err := safetensors.WriteFile(plain, &safetensors.File{Tensors: f.Tensors}); err != nil {
		t.Fatal(err)
	}
	first := writeCSV(t, dir, "first.csv", columns(recs, 4, 0, 1, 2, 3))
	_, want, _ = run(t, reluArch, "predict", EvalOptions{Weights: plain, Data: features})
	if status, got, stderr := run(t, reluArch, "predict", EvalOptions{Weights: plain, Data: first, Target: "species"}); status != 0 || got != want {
		t.Errorf("-target without metadata: status %d, stderr %q", status, stderr)
	}
}

// TestEvalNonFinite checks that a feature of 1e308 is reported with its
// row by eval, with and without -json, and by predict, rather than
// ending in NaN.
func TestEvalNonFinite(t *testing.T) {
	dir := t.TempDir()
	weights, iris := trained(t, dir)
	recs := readCSV(t, iris)
	recs[3][1] = "1e308" // standardized: 1e308/0.43, +Inf
	huge := writeCSV(t, dir, "huge.csv", recs)
	want := "nngen: " + huge + ": the model's outputs are NaN or infinite for 1 of 150 samples (data row 3): their features are far outside the range of the training data\n"
	for _, cmd := range []string{"eval", "eval -json", "predict"} {
		o := EvalOptions{Weights: weights, Data: huge, JSON: strings.HasSuffix(cmd, "json")}
		status, stdout, stderr := run(t, reluArch, strings.Fields(cmd)[0], o)
		if status != 1 || stderr != want || stdout != "" {
			t.Errorf("%s: status %d, stdout %.100q, stderr %q\nwant %q", cmd, status, stdout, stderr, want)
		}
	}
}

// TestTrainHugeValues checks that a column too large to standardize is
// named before training.
func TestTrainHugeValues(t *testing.T) {
	dir := t.TempDir()
	recs := [][]string{{"a", "b", "c", "d", "y"}}
	for i := range 20 {
		big := "1e200"
		if i%2 == 1 {
			big = "-1e200"
		}
		recs = append(recs, []string{"1", fmt.Sprint(i), big, "2", fmt.Sprint(i % 3)})
	}
	path := writeCSV(t, dir, "huge.csv", recs)
	o := TrainOptions{Data: path, Epochs: 1, Batch: 4, LR: 0.01, Optimizer: "adam", Schedule: "constant", Out: filepath.Join(dir, "w.safetensors")}
	status, _, stderr := run(t, reluArch, "train", o)
	want := "nngen: " + path + ": column \"c\": the values are too large to standardize: their variance overflows float64\n"
	if status != 1 || stderr != want {
		t.Errorf("status %d, stderr %q\nwant %q", status, stderr, want)
	}
}

// TestResumeOtherData checks that resuming with relabelled classes is
// refused, naming them.
func TestResumeOtherData(t *testing.T) {
	dir := t.TempDir()
	src := [][]string{{"x1", "x2", "x3", "x4", "y"}}
	other := [][]string{src[0]}
	for i := range 30 {
		row := []string{fmt.Sprint(i % 7), fmt.Sprint(i % 5), fmt.Sprint(i % 3), fmt.Sprint(i), fmt.Sprint(i % 3)}
		src = append(src, row)
		other = append(other, append(row[:4:4], []string{"cat", "dog", "eel"}[i%3]))
	}
	digits, names := writeCSV(t, dir, "digits.csv", src), writeCSV(t, dir, "names.csv", other)
	ckpt := filepath.Join(dir, "c.safetensors")
	o := TrainOptions{Data: digits, Epochs: 2, Batch: 8, LR: 0.01, Optimizer: "adam", Schedule: "constant",
		Checkpoint: ckpt, CheckpointEvery: 2, Out: filepath.Join(dir, "w.safetensors")}
	if status, _, stderr := run(t, reluArch, "train", o); status != 0 {
		t.Fatalf("train: %s", stderr)
	}
	o.Data, o.Epochs, o.Checkpoint, o.CheckpointEvery, o.Resume = names, 4, "", 0, ckpt
	status, _, stderr := run(t, reluArch, "train", o)
	want := "nngen: train: resume from " + ckpt + ": the training data are not the checkpoint's: the classes are cat, dog, eel, the checkpoint's 0, 1, 2\n"
	if status != 1 || stderr != want {
		t.Errorf("status %d, stderr %q\nwant %q", status, stderr, want)
	}
}

// TestVerifyChunks checks that verify, which runs the model 256 samples
// at a time, finds a difference beyond the first chunk.
func TestVerifyChunks(t *testing.T) {
	dir := t.TempDir()
	weights, _ := trained(t, dir)
	var m softmax.Classifier
	if _, err := train.LoadWeights(weights, &m); err != nil {
		t.Fatal(err)
	}
	const n = 300
	x := make([]float64, n*4)
	for i := range x {
		x[i] = float64(i%11) / 5
	}
	y := make([]float64, n*3)
	m.ForwardBatch(y, x)
	y[280*3+1] *= 1 + 1e-9
	save := func(name string, v []float64, cols int) string {
		ts, err := safetensors.FromFloats(name, []int{len(v) / cols, cols}, v)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name+".safetensors")
		if err := safetensors.WriteFile(path, &safetensors.File{Tensors: []safetensors.Tensor{ts}}); err != nil {
			t.Fatal(err)
		}
		return path
	}
	o := VerifyOptions{Weights: weights, Inputs: save("x", x, 4), Expect: save("y", y, 3), Tol: 64}
	status, stdout, _ := run(t, reluArch, "verify", o)
	if status != 1 || !strings.Contains(stdout, "at sample 280, output 1") {
		t.Errorf("status %d, stdout %q", status, stdout)
	}
}
