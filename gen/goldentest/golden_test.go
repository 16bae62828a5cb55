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
