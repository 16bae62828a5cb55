package build_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/nngen/nngen/internal/checktest"
	"github.com/nngen/nngen/internal/driver"
	"github.com/nngen/nngen/runtime/gradcheck"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/train"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

// gradcheckPassed reports whether the exit status and output of a model
// program's gradcheck command say that the gradients passed the check.
func gradcheckPassed(status int, out string) bool {
	return status == 0 && strings.Contains(out, "\nok: largest relative error")
}

// runGradcheck runs the gradcheck command of the model program exe with
// the options opt and returns its exit status and output.
func runGradcheck(t *testing.T, exe string, opt gradcheck.Options) (status int, out string) {
	t.Helper()
	b, err := exec.Command(exe, "gradcheck", options(t, opt)).CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("gradcheck: %v", err)
	}
	if ee != nil {
		status = ee.ExitCode()
	}
	return status, string(b)
}

// broken is the softmax golden model with the fault K in its backward
// pass.
type broken[K checktest.Kind] = checktest.Model[float64, softmax.Classifier, *softmax.Classifier, K]

// TestGradcheckFaults runs the gradcheck command of the model programs,
// which nngen check -grad and TestPropertyGradients run, on the softmax
// golden model, which passes, and on the model with each fault in its
// backward pass: the check must fail, with the tensor the fault alters,
// and it alone, above the tolerance in its table.
func TestGradcheckFaults(t *testing.T) {
	if status, out := inProcess[softmax.Classifier](t); !gradcheckPassed(status, out) {
		t.Fatalf("the softmax golden model: status %d\n%s", status, out)
	}
	checktest.RunKinds(t, gradcheckFault[checktest.Doubled], gradcheckFault[checktest.OneElement],
		gradcheckFault[checktest.Flipped], gradcheckFault[checktest.NoBias])
}

// options returns opt as the JSON argument of the gradcheck command.
func options(t *testing.T, opt gradcheck.Options) string {
	t.Helper()
	b, err := json.Marshal(opt)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// inProcess runs the gradcheck command of the program of model M, with the
// default options, in this process and returns its exit status and
// output.
func inProcess[M any, P model.Model[float64, M]](t *testing.T) (status int, out string) {
	var stdout, stderr bytes.Buffer
	status = driver.Main[float64, M, P](train.Arch{}, []string{"gradcheck", options(t, gradcheck.Options{})}, &stdout, &stderr)
	return status, stdout.String() + stderr.String()
}

func gradcheckFault[K checktest.Kind](t *testing.T) {
	wrong := checktest.Of[K]().Tensor
	status, out := inProcess[broken[K]](t)
	if gradcheckPassed(status, out) || status != 1 || !strings.Contains(out, "\nFAIL: largest relative error") {
		t.Fatalf("with %s wrong: status %d\n%s", wrong, status, out)
	}
	for _, tensor := range model.Layout(new(softmax.Classifier).Widths()) {
		e, ok := tableError(out, tensor.Name)
		if !ok {
			t.Errorf("no row of %s in the table:\n%s", tensor.Name, out)
		} else if off := e > gradcheck.Tolerance; off != (tensor.Name == wrong) {
			t.Errorf("with %s wrong, %s has the largest relative error %.2e:\n%s", wrong, tensor.Name, e, out)
		}
	}
}

// tableError returns the largest relative error of a tensor in the table
// of the gradcheck command's output, the last column of its row.
func tableError(out, tensor string) (float64, bool) {
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) > 2 && f[1] == tensor {
			e, err := strconv.ParseFloat(f[len(f)-1], 64)
			return e, err == nil
		}
	}
	return 0, false
}
