package main

import (
	"testing"

	"github.com/nngen/nngen/examples/internal/recipe"
)

// TestShortRun trains for a few epochs only: the full run is in README.
func TestShortRun(t *testing.T) {
	recipe.ShortRun(t, new(Cancer), files, settings, 10, 0.93)
}
