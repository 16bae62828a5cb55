package goldentest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nngen/nngen/gen"
	"github.com/nngen/nngen/internal/checktest"
	"github.com/nngen/nngen/internal/weightfile"
	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/spec"
)

// TestTrainedReference runs the test that nngen gen -weights -test writes
// for the trained golden models (float64 with literals, float32 with an
// embedded weights file), on their code and on code whose first weight
// differs from the weights file by 0.1: the first passes, the second
// fails, naming the output that differs.
func TestTrainedReference(t *testing.T) {
	checktest.NeedGoTool(t)
	for _, c := range []struct{ golden, test string }{{"trained", "TestFlowerTrained"}, {"embedded", "TestReaderTrained"}} {
		t.Run(c.golden, func(t *testing.T) {
			src := filepath.Join("..", "..", "testdata", "golden", c.golden)
			s, err := spec.ParseFile(filepath.Join(src, "spec.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			m, err := ir.Lower(s, "model")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := weightfile.Attach(m, s, filepath.Join(src, "weights.safetensors"), "model_weights.bin"); err != nil {
				t.Fatal(err)
			}
			test, err := gen.EmitTest(m)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			writeModule(t, dir)
			write(t, filepath.Join(dir, "model_test.go"), string(test))
			run := func() (string, error) {
				files, err := gen.Files(m, "model.go", false)
				if err != nil {
					t.Fatal(err)
				}
				for name, data := range files {
					write(t, filepath.Join(dir, name), string(data))
				}
				return goTest(dir, "-run", "Trained", ".")
			}
			if out, err := run(); err != nil {
				t.Fatalf("the generated code: %v\n%s", err, out)
			}
			m.Trained.Params[0] += 0.1
			out, err := run()
			if err == nil || !strings.Contains(out, "--- FAIL: "+c.test) || !strings.Contains(out, "Forward(x)[") {
				t.Errorf("code with another weight: %v\n%s\nwant %s to fail", err, out, c.test)
			}
		})
	}
}
