// Command breast_cancer trains the Cancer model, generated from breast_cancer.yaml, on the Wisconsin breast cancer data,
// and reports its accuracy on a held-out fifth of the data.
//
//	go run ./examples/breast_cancer [-epochs n] [-o weights.safetensors]
package main

//go:generate go run github.com/nngen/nngen/cmd/nngen gen breast_cancer.yaml

import (
	"embed"

	"github.com/nngen/nngen/examples/internal/recipe"
)

//go:embed breast_cancer.csv
var files embed.FS

// settings are those of the spec's train section.
var settings = recipe.Settings{Data: "breast_cancer.csv", Target: "diagnosis", Seed: CancerSeed, Epochs: 50, Batch: 16, LR: 0.001}

func main() { recipe.Main(new(Cancer), files, settings) }
