package main

import (
	"io"
	"testing"
)

func TestShortRun(t *testing.T) {
	mse, err := run(200, io.Discard)
	if err != nil || mse > 1e-4 {
		t.Errorf("run(200) = MSE %g, %v; want below 1e-4", mse, err)
	}
}
