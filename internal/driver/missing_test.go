package driver

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/train"
)

// holes are the cells of iris.csv that withHoles blanks out: a data row
// (from 0) and a feature column.
var holes = []struct{ row, col int }{{2, 0}, {10, 3}, {10, 1}, {77, 2}, {140, 3}}

// withHoles writes the iris records recs to dir with the values of holes
// missing, as they are and with an id column first, and returns the
// paths of the two files and the records of the second.
func withHoles(t *testing.T, dir string, recs [][]string) (path, idPath string, withID [][]string) {
	t.Helper()
	withID = [][]string{append([]string{"id"}, recs[0]...)}
	for i, r := range recs[1:] {
		withID = append(withID, append([]string{"s" + strconv.Itoa(i)}, r...))
	}
	for k, h := range holes {
		withID[h.row+1][h.col+1] = []string{"", "NA", "nan"}[k%3]
	}
	return writeCSV(t, dir, "holes.csv", columns(withID, 1, 2, 3, 4, 5)), writeCSV(t, dir, "ids.csv", withID), withID
}

// trainWith trains the softmax golden model on data with the policy
// missing and returns the path of its weights and train's stderr.
func trainWith(t *testing.T, dir, data string, missing data.Missing) (weights, stderr string) {
	t.Helper()
	weights = filepath.Join(dir, missing.String()+".safetensors")
	o := TrainOptions{Data: data, Epochs: 5, Batch: 16, LR: 0.01, Optimizer: "adam", Schedule: "constant", Seed: 1, Out: weights, Missing: missing}
	status, _, stderr := run(t, reluArch, "train", o)
	if status != 0 {
		t.Fatalf("train -missing %v: status %d: %s", missing, status, stderr)
	}
	return weights, stderr
}

func policy(m data.Missing) *data.Missing { return &m }

// TestMissingDrop checks that train and eval leave out the rows with
// missing values and say so, that the weights record the policy for
// eval and predict, and that predict refuses to leave rows out unless
// -keep identifies the rows, with which it leaves out their kept
// columns too.
func TestMissingDrop(t *testing.T) {
	dir := t.TempDir()
	_, iris := trained(t, dir)
	recs := readCSV(t, iris)
	path, ids, holed := withHoles(t, dir, recs)
	weights, stderr := trainWith(t, dir, path, data.MissingDrop)
	want := fmt.Sprintf("nngen: %s: left out 4 of 150 rows with missing values: "+
		`column "sepal_length" (1), column "sepal_width" (1), column "petal_length" (1), column "petal_width" (2)`+"\n", path)
	if stderr != want {
		t.Errorf("train stderr %q\nwant %q", stderr, want)
	}
	meta, err := train.ReadMeta(weights)
	if err != nil || meta.Missing != data.MissingDrop || meta.Fill != nil {
		t.Errorf("metadata: missing %v, fill %v, %v", meta.Missing, meta.Fill, err)
	}

	status, out, stderr := run(t, reluArch, "eval", EvalOptions{Weights: weights, Data: path, JSON: true})
	if status != 0 || !strings.Contains(out, `"samples":146`) || stderr != want {
		t.Errorf("eval: status %d, %.60s, stderr %q", status, out, stderr)
	}

	status, _, stderr = run(t, reluArch, "predict", EvalOptions{Weights: weights, Data: path})
	want = fmt.Sprintf("nngen: %s: -missing drop (recorded in %s) would leave out 4 of the 150 rows, which have missing values, "+
		"and the predictions would not line up with the input rows: name columns that identify the rows with -keep, or use -missing error\n", path, weights)
	if status != 1 || stderr != want {
		t.Errorf("predict without -keep: status %d, stderr %q\nwant %q", status, stderr, want)
	}

	// With -keep, the rows left out are those with holes.
	var full [][]string
	for i, r := range holed {
		if i == 0 || !hasHole(i-1) {
			full = append(full, r)
		}
	}
	whole := writeCSV(t, dir, "whole.csv", full)
	_, wantOut, _ := run(t, reluArch, "predict", EvalOptions{Weights: weights, Data: whole, Keep: []string{"id"}})
	status, got, stderr := run(t, reluArch, "predict", EvalOptions{Weights: weights, Data: ids, Keep: []string{"id"}})
	if status != 0 || got != wantOut || !strings.Contains(stderr, "left out 4 of 150 rows") {
		t.Errorf("predict -keep id: status %d, stderr %q\n%.300s\nwant\n%.300s", status, stderr, got, wantOut)
	}

	// Weights without training means cannot fill values in.
	status, _, stderr = run(t, reluArch, "predict", EvalOptions{Weights: weights, Data: path, Missing: policy(data.MissingMean)})
	want = fmt.Sprintf("nngen: -missing mean: %s holds no training means to fill in missing values with, as only weights trained with -missing mean do; use -missing drop, or error\n", weights)
	if status != 1 || stderr != want {
		t.Errorf("-missing mean: status %d, stderr %q\nwant %q", status, stderr, want)
	}
	status, _, stderr = run(t, reluArch, "eval", EvalOptions{Weights: weights, Data: path, Missing: policy(data.MissingError)})
	if status != 1 || !strings.Contains(stderr, path+`:4: column "sepal_length": missing value`) {
		t.Errorf("-missing error: status %d, stderr %q", status, stderr)
	}
}

// hasHole reports whether data row i of withHoles has a missing value.
func hasHole(i int) bool {
	for _, h := range holes {
		if h.row == i {
			return true
		}
	}
	return false
}

// TestMissingMean checks that train fills in the missing values with the
// training means and saves them, and that eval and predict fill in those
// of other data with the saved means.
func TestMissingMean(t *testing.T) {
	dir := t.TempDir()
	_, iris := trained(t, dir)
	recs := readCSV(t, iris)
	path, ids, holed := withHoles(t, dir, recs)
	weights, stderr := trainWith(t, dir, path, data.MissingMean)
	if want := "filled in 5 missing values in 4 of 150 rows with the column means"; !strings.Contains(stderr, want) {
		t.Errorf("train stderr %q, want %q", stderr, want)
	}
	meta, err := train.ReadMeta(weights)
	if err != nil || meta.Missing != data.MissingMean || len(meta.Fill) != 4 {
		t.Fatalf("metadata: missing %v, fill %v, %v", meta.Missing, meta.Fill, err)
	}

	// The same data with the means written in predicts the same.
	filled := make([][]string, len(holed))
	for i, r := range holed {
		filled[i] = append([]string(nil), r...)
	}
	for _, h := range holes {
		filled[h.row+1][h.col+1] = strconv.FormatFloat(meta.Fill[h.col], 'g', -1, 64)
	}
	filledIDs := writeCSV(t, dir, "filled_ids.csv", filled)
	filledPath := writeCSV(t, dir, "filled.csv", columns(filled, 1, 2, 3, 4, 5))
	_, want, _ := run(t, reluArch, "predict", EvalOptions{Weights: weights, Data: filledIDs, Keep: []string{"id"}})
	status, got, stderr := run(t, reluArch, "predict", EvalOptions{Weights: weights, Data: ids, Keep: []string{"id"}})
	if status != 0 || got != want {
		t.Errorf("predict: status %d, stderr %q\n%.300s\nwant\n%.300s", status, stderr, got, want)
	}
	if want := fmt.Sprintf("nngen: %s: filled in 5 missing values in 4 of 150 rows with the training means: ", ids); !strings.HasPrefix(stderr, want) {
		t.Errorf("predict stderr %q, want %q…", stderr, want)
	}
	_, want, _ = run(t, reluArch, "eval", EvalOptions{Weights: weights, Data: filledPath, JSON: true})
	if status, got, _ := run(t, reluArch, "eval", EvalOptions{Weights: weights, Data: path, JSON: true}); status != 0 || got != want {
		t.Errorf("eval: status %d\n%s\nwant\n%s", status, got, want)
	}
	// -missing drop overrides the policy recorded.
	status, _, stderr = run(t, reluArch, "eval", EvalOptions{Weights: weights, Data: path, Missing: policy(data.MissingDrop)})
	if status != 0 || !strings.Contains(stderr, "left out 4 of 150 rows") {
		t.Errorf("eval -missing drop: status %d, stderr %q", status, stderr)
	}
}
