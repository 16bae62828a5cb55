package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCommitted checks that the committed files are the generator's
// output, the goldens of the emitter, as CI does by running go generate.
func TestCommitted(t *testing.T) {
	for pkg, texts := range files {
		for name, text := range texts {
			path := filepath.Join("..", "..", "runtime", filepath.FromSlash(pkg), name)
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != text() {
				t.Errorf("%s is stale: run go generate ./runtime/%s", path, pkg)
			}
		}
	}
}
