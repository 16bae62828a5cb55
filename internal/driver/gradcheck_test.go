package driver

import (
	"strings"
	"testing"

	"github.com/nngen/nngen/runtime/gradcheck"
)

// TestGradCheck runs the gradient check of the program on the softmax
// golden model with options as JSON: the seed given, the defaults of
// gradcheck for the rest, and a pass; and bad JSON, which fails.
func TestGradCheck(t *testing.T) {
	status, stdout, stderr := run(t, reluArch, "gradcheck", gradcheck.Options{Seed: 3})
	if status != 0 || stderr != "" {
		t.Fatalf("status %d, stderr %q\n%s", status, stderr, stdout)
	}
	for _, want := range []string{
		"gradient check: backward pass vs central differences, 4 samples, seed 3\n",
		"\nok: largest relative error ",
		"(tolerance 1e-06)\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	status, _, stderr = run(t, reluArch, "gradcheck", "seed 3")
	if status != 1 || !strings.HasPrefix(stderr, "nngen: json: cannot unmarshal string") {
		t.Errorf("bad options: status %d, stderr %q", status, stderr)
	}
}
