package main

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/nngen/nngen/examples/internal/recipe"
	"github.com/nngen/nngen/runtime/train"
)

// TestShortRun trains for a few epochs only: the full run is in README.
func TestShortRun(t *testing.T) {
	s := settings
	s.Epochs = 5
	out := filepath.Join(t.TempDir(), "weights.safetensors")
	test, err := recipe.Train(new(Digits), files, s, out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if test.Accuracy < 0.9 {
		t.Errorf("test accuracy %.4f after %d epochs, want at least 0.9", test.Accuracy, s.Epochs)
	}
	if _, err := train.LoadWeights(out, new(Digits)); err != nil {
		t.Errorf("the saved weights do not load: %v", err)
	}
}
