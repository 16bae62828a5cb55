package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/safetensors"
)

var regenPyTorch = flag.String("regen-pytorch", "", "rewrite testdata/pytorch from the raw PyTorch exports in this folder (w2_weights.bin, w2_check_x.bin, w2_check_logits.bin)")

const pytorchDir = "testdata/pytorch"

// TestVerifyPyTorch checks the generated forward of the digits workload
// against outputs computed by PyTorch: weights, 16 inputs and their logits
// were exported from a PyTorch model; the expected probabilities are the
// softmax of those logits, computed in float64.
func TestVerifyPyTorch(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Go toolchain")
	}
	if *regenPyTorch != "" {
		convertPyTorch(t, *regenPyTorch)
	}
	args := []string{"verify", filepath.Join(pytorchDir, "digits.yaml"),
		"-weights", filepath.Join(pytorchDir, "weights.safetensors"),
		"-inputs", filepath.Join(pytorchDir, "x.safetensors"),
		"-expect", filepath.Join(pytorchDir, "probs.safetensors")}
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("verify exit status %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "16 samples, 10 outputs each: largest difference") || !strings.Contains(stdout.String(), "ok: within 64 ULPs") {
		t.Errorf("output:\n%s", stdout.String())
	}
	t.Log(stdout.String())

	// A zero tolerance fails with exit status 1 unless nngen agrees to the bit.
	stdout.Reset()
	stderr.Reset()
	code := run(append(args, "-tol", "0"), &stdout, &stderr)
	if code == 0 && !strings.Contains(stdout.String(), "largest difference 0 ULPs") {
		t.Errorf("-tol 0 passed with\n%s", stdout.String())
	}
	if code != 0 && (code != 1 || !strings.Contains(stderr.String(), "nngen: the difference exceeds the tolerance of 0 ULPs")) {
		t.Errorf("-tol 0: exit status %d, stderr %s", code, stderr.String())
	}

	// Inputs of the wrong width are an error naming the file.
	stdout.Reset()
	stderr.Reset()
	bad := append(args[:6:6], "-expect", filepath.Join(pytorchDir, "x.safetensors"))
	if code := run(bad, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "x.safetensors: tensor \"x\" has shape [16 64], want [samples 10]") {
		t.Errorf("wrong width: exit status %d, stderr %s", code, stderr.String())
	}
}

// convertPyTorch writes the test files from PyTorch's raw little-endian
// float32 exports: the parameters of each Linear layer (weight [out][in],
// then bias), the inputs [16][64] and the logits [16][10].
func convertPyTorch(t *testing.T, dir string) {
	read := func(name string, n int) []float32 {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != 4*n {
			t.Fatalf("%s: %d bytes, want %d", name, len(b), 4*n)
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		return v
	}
	widths := []int{64, 64, 32, 10}
	layout := model.Layout(widths)
	last := layout[len(layout)-1]
	params := read("w2_weights.bin", last.Offset+last.Size())
	x, logits := read("w2_check_x.bin", 16*64), read("w2_check_logits.bin", 16*10)
	write := func(name string, tensors ...safetensors.Tensor) {
		f := &safetensors.File{Tensors: tensors, Metadata: map[string]string{"format": "pt"}}
		if err := safetensors.WriteFile(filepath.Join(pytorchDir, name), f); err != nil {
			t.Fatal(err)
		}
	}
	var ws []safetensors.Tensor
	for _, lt := range layout {
		ts, err := safetensors.FromFloats(lt.Name, lt.Shape, params[lt.Offset:lt.Offset+lt.Size()])
		if err != nil {
			t.Fatal(err)
		}
		ws = append(ws, ts)
	}
	write("weights.safetensors", ws...)
	xt, _ := safetensors.FromFloats("x", []int{16, 64}, x)
	write("x.safetensors", xt)
	probs := make([]float32, len(logits))
	for k := range 16 {
		row := logits[10*k : 10*k+10]
		mx := float64(row[0])
		for _, v := range row {
			mx = math.Max(mx, float64(v))
		}
		sum := 0.0
		for _, v := range row {
			sum += math.Exp(float64(v) - mx)
		}
		for j, v := range row {
			probs[10*k+j] = float32(math.Exp(float64(v)-mx) / sum)
		}
	}
	pt, _ := safetensors.FromFloats("probs", []int{16, 10}, probs)
	write("probs.safetensors", pt)
}
