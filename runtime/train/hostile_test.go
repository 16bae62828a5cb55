package train

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nngen/nngen/runtime/safetensors"
	"github.com/nngen/nngen/testdata/golden/mixed32"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

// TestLoadWeightsNonFinite checks that a weights file holding a NaN or an
// infinity, which no training produces, is rejected rather than loaded
// into a model whose every output it would spoil.
func TestLoadWeightsNonFinite(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		v    float64
		want string
	}{
		{"NaN", math.NaN(), "NaN"},
		{"Inf", math.Inf(1), "+Inf"},
		{"-Inf", math.Inf(-1), "-Inf"},
	} {
		var m softmax.Classifier
		m.Init(1)
		m.W2[1][2] = tc.v
		path := filepath.Join(dir, tc.name+".safetensors")
		f := &safetensors.File{Tensors: appendTensors(nil, "", m.Widths(), m.Params())}
		if err := safetensors.WriteFile(path, f); err != nil {
			t.Fatal(err)
		}
		var got softmax.Classifier
		got.Init(2)
		before := got
		_, err := LoadWeights(path, &got)
		if want := fmt.Sprintf(`%s: tensor "2.weight": element 8 is %s`, path, tc.want); err == nil || err.Error() != want {
			t.Errorf("%s: error %v, want %s", tc.name, err, want)
		}
		if got != before {
			t.Errorf("%s: the failed load changed the model", tc.name)
		}
	}
	// In float32 too, and in the best weights of a checkpoint.
	var m32 mixed32.Small
	m32.Init(1)
	m32.B3[0] = float32(math.Inf(-1))
	path := filepath.Join(dir, "f32.safetensors")
	if err := safetensors.WriteFile(path, &safetensors.File{Tensors: appendTensors(nil, "", m32.Widths(), m32.Params())}); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadWeights(path, &m32); err == nil || !strings.HasSuffix(err.Error(), `tensor "4.bias": element 0 is -Inf`) {
		t.Errorf("float32: error %v", err)
	}
}

// TestLoadManyClasses checks that a file of 100,000 distinct labels for a
// model of 3 outputs is refused before rows × classes targets (80 GB)
// are allocated.
func TestLoadManyClasses(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b,c,d,y\n")
	for i := range 100_000 {
		fmt.Fprintf(&b, "1,2,3,4,%d\n", i)
	}
	path := filepath.Join(t.TempDir(), "labels.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Load(&softmax.Classifier{}, Sources{Train: path})
	runtime.ReadMemStats(&after)
	if err == nil || !strings.HasPrefix(err.Error(), path+`: column "y" has 100000 distinct labels ("0", "1", `) {
		t.Errorf("error %v", err)
	}
	if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 500 {
		t.Errorf("allocated %d MB", mb)
	}
}

// TestLoadHostileData checks that data which cannot be saved with a model
// is refused before training rather than after it: column names and
// labels that are not UTF-8 (a Latin-1 file) would make saving the
// weights fail at the very end. And that a data set with far too many
// classes gets a short message.
func TestLoadHostileData(t *testing.T) {
	dir := t.TempDir()
	var m softmax.Classifier
	for _, tc := range []struct{ name, csv, want string }{
		{"latin1 target", "a,b,c,d,esp\xe8ce\n1,2,3,4,x\n2,3,4,5,y\n3,4,5,6,z\n",
			`:1: column 4: name "esp\xe8ce" is not valid UTF-8; save the file as UTF-8`},
		{"latin1 label", "a,b,c,d,y\n1,2,3,4,caf\xe9\n2,3,4,5,the\n3,4,5,6,z\n",
			`:2: column "y": label "caf\xe9" is not valid UTF-8; save the file as UTF-8`},
		{"a regression target as labels", "a,b,c,d,y\n" + func() string {
			var b strings.Builder
			for i := range 500 {
				fmt.Fprintf(&b, "1,2,3,4,%.3f\n", float64(i)/7)
			}
			return b.String()
		}(), `: column "y" has 500 distinct labels ("0.000", "0.143", "0.286", "0.429", "0.571", "0.714", "0.857", "1.000", "1.143", "1.286", … (500 in all)), more than the 3 classes expected` +
			"; the values look continuous: for regression use an identity head (a last layer of 1 unit, activation: identity)"},
		{"too few classes", "a,b,c,d,y\n1,2,3,4,p\n1,2,3,4,q\n", ": 2 classes (p, q), the model has 3 outputs"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".csv")
		if err := os.WriteFile(path, []byte(tc.csv), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(&m, Sources{Train: path})
		if err == nil || err.Error() != path+tc.want {
			t.Errorf("%s: error %v\nwant %s", tc.name, err, path+tc.want)
		}
	}
}
