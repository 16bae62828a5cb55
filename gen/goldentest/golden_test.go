package goldentest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nngen/nngen/spec"
)

// TestGoldenModels runs the numerical checks on every compiled golden model.
func TestGoldenModels(t *testing.T) {
	dirs, err := os.ReadDir("../../testdata/golden")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		name := d.Name()
		t.Run(name, func(t *testing.T) {
			check, ok := goldenModels[name]
			if !ok {
				t.Fatalf("case %s is not in gen/goldens_test.go; run go test ./gen -update", name)
			}
			m, err := spec.ParseFile(filepath.Join("../../testdata/golden", name, "spec.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			check(t, m)
		})
	}
}

// TestTrainedModels checks that the parameters built into the trained
// golden models are those of their weights files.
func TestTrainedModels(t *testing.T) {
	for name, check := range trainedModels {
		t.Run(name, func(t *testing.T) {
			check(t, filepath.Join("../../testdata/golden", name, "weights.safetensors"))
		})
	}
	if len(trainedModels) == 0 {
		t.Fatal("no trained golden cases")
	}
}
