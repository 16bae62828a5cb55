package main

import (
	"io"
	"testing"
)

func TestShortRun(t *testing.T) {
	if n, err := run(200, io.Discard); err != nil || n != 4 {
		t.Errorf("run(200) = %d correct, %v; want 4", n, err)
	}
}
