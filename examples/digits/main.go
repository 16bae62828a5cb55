// Command digits trains the Digits model, generated from digits.yaml, on the 8x8 handwritten digits,
// and reports its accuracy on a held-out fifth of the data.
//
//	go run ./examples/digits [-epochs n] [-o weights.safetensors]
package main

//go:generate go run github.com/nngen/nngen/cmd/nngen gen digits.yaml

import (
	"embed"

	"github.com/nngen/nngen/examples/internal/recipe"
)

//go:embed digits.csv
var files embed.FS

// settings are those of the spec's train section.
var settings = recipe.Settings{Data: "digits.csv", Target: "digit", Seed: DigitsSeed, Epochs: 30, Batch: 32, LR: 0.001}

func main() { recipe.Main(new(Digits), files, settings) }
