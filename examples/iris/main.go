// Command iris trains the Iris model, generated from iris.yaml, on Fisher's iris data,
// and reports its accuracy on a held-out fifth of the data.
//
//	go run ./examples/iris [-epochs n] [-o weights.safetensors]
package main

//go:generate go run github.com/nngen/nngen/cmd/nngen gen iris.yaml

import (
	"embed"

	"github.com/nngen/nngen/examples/internal/recipe"
)

//go:embed iris.csv
var files embed.FS

// settings are those of the spec's train section.
var settings = recipe.Settings{Data: "iris.csv", Target: "species", Seed: IrisSeed, Epochs: 100, Batch: 16, LR: 0.01}

func main() { recipe.Main(new(Iris), files, settings) }
