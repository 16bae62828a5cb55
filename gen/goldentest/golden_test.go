package goldentest

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/nngen/nngen/spec"
	"github.com/nngen/nngen/testdata/golden/embedded"
	trained "github.com/nngen/nngen/testdata/golden/trained"
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

// TestTrainedFill checks that the predictor of weights trained with
// -missing mean fills in a missing (NaN) feature with the training mean,
// leaving its argument as it was.
func TestTrainedFill(t *testing.T) {
	p := trained.FlowerTrained
	x := [trained.FlowerInputs]float64{6, math.NaN(), 4, math.NaN()}
	filled := [trained.FlowerInputs]float64{6, p.Fill[1], 4, p.Fill[3]}
	if got, want := p.Forward(&x), p.Forward(&filled); got != want {
		t.Errorf("Forward with NaN features %v, want %v as with the training means", got, want)
	}
	if !math.IsNaN(x[1]) {
		t.Error("Forward changed its argument")
	}
	if p.Fill != p.Mean {
		t.Errorf("Fill %v, want the training means %v, as the weights file records them", p.Fill, p.Mean)
	}
}

// TestEmbeddedFill checks that the means that fill in missing features
// are set, with the parameters, when they come through //go:embed.
func TestEmbeddedFill(t *testing.T) {
	p := embedded.ReaderTrained
	if p.Fill != p.Mean {
		t.Errorf("Fill %v, want the training means %v, as the weights file records them", p.Fill, p.Mean)
	}
	x := p.Mean
	x[5] = float32(math.NaN())
	if got, want := p.Forward(&x), p.Forward(&p.Mean); got != want {
		t.Errorf("Forward with a NaN feature %v, want %v as with the training mean", got, want)
	}
}
