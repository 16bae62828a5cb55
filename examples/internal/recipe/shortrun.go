package recipe

import (
	"io"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/train"
)

// ShortRun is the test of an example: it runs Train for the given epochs
// only, and fails t unless the test accuracy is at least minAccuracy and
// the saved weights load into a new model.
func ShortRun[T model.Float, M any, P model.Model[T, M]](t testing.TB, m P, files fs.FS, s Settings, epochs int, minAccuracy float64) {
	t.Helper()
	s.Epochs = epochs
	out := filepath.Join(t.TempDir(), "weights.safetensors")
	test, err := Train(m, files, s, out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if test.Accuracy < minAccuracy {
		t.Errorf("test accuracy %.4f after %d epochs, want at least %g", test.Accuracy, epochs, minAccuracy)
	}
	if _, err := train.LoadWeights(out, P(new(M))); err != nil {
		t.Errorf("the saved weights do not load: %v", err)
	}
}
