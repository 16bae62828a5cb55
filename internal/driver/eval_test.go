package driver

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/train"
)

// TestPredictionColumns checks predict's columns for each head, and the
// formatting of the outputs: shortest exact for the model's float type,
// or rounded to -precision digits.
func TestPredictionColumns(t *testing.T) {
	for _, tt := range []struct {
		head   string
		widths []int
		meta   train.Meta
		keep   []string
		want   []string
	}{
		{model.Softmax, []int{4, 3}, train.Meta{Classes: []string{"a", "b", "c"}}, nil, []string{"class", "p_a", "p_b", "p_c"}},
		{model.Softmax, []int{4, 2}, train.Meta{}, nil, []string{"class", "p_0", "p_1"}},
		{model.Sigmoid, []int{4, 1}, train.Meta{Classes: []string{"no", "yes"}}, nil, []string{"class", "p_yes"}},
		{model.Sigmoid, []int{4, 3}, train.Meta{}, nil, []string{"p_0", "p_1", "p_2"}},
		{model.Identity, []int{4, 1}, train.Meta{Target: "price"}, nil, []string{"price"}},
		{model.Identity, []int{4, 2}, train.Meta{Target: "price"}, nil, []string{"y0", "y1"}},
		{model.Identity, []int{4, 1}, train.Meta{Target: "price"}, []string{"id", "price"}, []string{"price_pred"}},
	} {
		if got := newPredictions[float64](tt.head, tt.widths, tt.meta, EvalOptions{Keep: tt.keep}).header; !slices.Equal(got, tt.want) {
			t.Errorf("%s %v: columns %q, want %q", tt.head, tt.widths, got, tt.want)
		}
	}

	meta := train.Meta{Classes: []string{"no", "yes"}}
	p32 := newPredictions[float32](model.Sigmoid, []int{2, 1}, meta, EvalOptions{})
	if got := p32.record([]string{"id7"}, []float32{0.1}); !slices.Equal(got, []string{"id7", "no", "0.1"}) {
		t.Errorf("float32 0.1: %q", got)
	}
	p := newPredictions[float64](model.Sigmoid, []int{2, 1}, meta, EvalOptions{Threshold: 0.05})
	if got := p.record(nil, []float64{0.1}); !slices.Equal(got, []string{"yes", "0.1"}) {
		t.Errorf("float64 0.1 at threshold 0.05: %q", got)
	}
	p = newPredictions[float64](model.Identity, []int{2, 2}, meta, EvalOptions{Precision: 3})
	if got := p.record(nil, []float64{2.0 / 3, -12345.678}); !slices.Equal(got, []string{"0.667", "-1.23e+04"}) {
		t.Errorf("-precision 3: %q", got)
	}
}

// TestPredictKeepAndOutput checks that -keep copies input columns, that
// a kept feature is still read as one, and that -o writes what standard
// output gets, and leaves the file as it was when predict fails.
func TestPredictKeepAndOutput(t *testing.T) {
	dir := t.TempDir()
	weights, iris := trained(t, dir)
	recs := readCSV(t, iris)
	withID := [][]string{append([]string{"id"}, recs[0]...)}
	for i, r := range recs[1:] {
		withID = append(withID, append([]string{"s" + strconv.Itoa(i+1)}, r...))
	}
	in := writeCSV(t, dir, "in.csv", withID)
	_, plain, _ := run(t, reluArch, "predict", EvalOptions{Weights: weights, Data: iris})
	status, got, stderr := run(t, reluArch, "predict", EvalOptions{Weights: weights, Data: in, Keep: []string{"id", "petal_width", "species"}})
	if status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	gotLines, plainLines := strings.Split(got, "\n"), strings.Split(plain, "\n")
	if len(gotLines) != len(plainLines) || len(gotLines) != len(withID)+1 {
		t.Fatalf("%d lines with -keep, %d without, for %d records", len(gotLines), len(plainLines), len(withID))
	}
	for i, line := range gotLines[:len(gotLines)-1] {
		var want string
		if i == 0 {
			want = "id,petal_width,species," + plainLines[0]
		} else {
			r := withID[i]
			want = r[0] + "," + r[4] + "," + r[5] + "," + plainLines[i]
		}
		if line != want {
			t.Fatalf("line %d: %s\nwant %s", i+1, line, want)
		}
	}

	out := filepath.Join(dir, "out.csv")
	if status, stdout, stderr := run(t, reluArch, "predict", EvalOptions{Weights: weights, Data: iris, Out: out}); status != 0 || stdout != "" {
		t.Fatalf("-o: status %d, stdout %q, stderr %s", status, stdout, stderr)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != plain {
		t.Errorf("-o wrote %.100q, %v; want %.100q", b, err, plain)
	}
	recs[5][1] = "1e308" // standardized: +Inf
	huge := writeCSV(t, dir, "huge.csv", recs)
	if status, _, stderr := run(t, reluArch, "predict", EvalOptions{Weights: weights, Data: huge, Out: out}); status != 1 || !strings.Contains(stderr, "NaN or infinite") {
		t.Errorf("non-finite outputs: status %d, stderr %s", status, stderr)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != plain {
		t.Errorf("a failed predict changed -o: %.100q, %v", b, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".out.csv") {
			t.Errorf("temporary file %s left", e.Name())
		}
	}
}
