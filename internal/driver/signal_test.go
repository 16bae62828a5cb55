//go:build unix

package driver

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/nngen/nngen/runtime/train"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

// interrupter is the standard output of a training that it sends SIGINT
// to the process at the first epoch line.
type interrupter struct {
	t    *testing.T
	once sync.Once
	strings.Builder
}

func (w *interrupter) Write(p []byte) (int, error) {
	if strings.HasPrefix(string(p), "epoch ") {
		w.once.Do(func() {
			if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
				w.t.Error(err)
			}
		})
	}
	return w.Builder.Write(p)
}

// TestTrainSIGINT sends SIGINT to a training of 20,000 epochs after its
// first: train saves the weights it has, says so without Go's words for
// a cancelled context, and exits with status 130.
func TestTrainSIGINT(t *testing.T) {
	dir := t.TempDir()
	_, iris := trained(t, dir)
	o := TrainOptions{Data: iris, Epochs: 20000, Batch: 16, LR: 0.01, Optimizer: "adam", Schedule: "constant", Seed: 1,
		Out: filepath.Join(dir, "interrupted.safetensors")}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	stdout := &interrupter{t: t}
	var stderr strings.Builder
	status := Main[float64, softmax.Classifier](reluArch, []string{"train", string(b)}, stdout, &stderr)
	msg := stderr.String()
	if status != 130 || !strings.HasPrefix(msg, "interrupted in epoch ") || !strings.HasSuffix(msg, ": weights saved to "+o.Out+"\n") ||
		strings.Contains(msg, "context") {
		t.Errorf("status %d, stderr %q; want 130 and interrupted in epoch …: weights saved to %s", status, msg, o.Out)
	}
	var m softmax.Classifier
	if _, err := train.LoadWeights(o.Out, &m); err != nil {
		t.Error(err)
	}
}
