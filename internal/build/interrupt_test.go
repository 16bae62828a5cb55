package build_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nngen/nngen/internal/driver"
	"github.com/nngen/nngen/runtime/train"
	"github.com/nngen/nngen/testdata/golden/loops"
)

// writeLoopsData writes n samples for the golden loops model (11 features,
// 3 classes) to a CSV file.
func writeLoopsData(t *testing.T, path string, n int) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	for j := range 11 {
		fmt.Fprintf(&b, "x%d,", j)
	}
	b.WriteString("class\n")
	for range n {
		sum := 0.0
		for range 11 {
			v := r.NormFloat64()
			sum += v
			fmt.Fprintf(&b, "%.4f,", v)
		}
		fmt.Fprintf(&b, "c%d\n", min(2, max(0, int(sum/2+1.5))))
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestInterrupt trains a model program, interrupts it with SIGINT half a
// second into training and checks what the user gets: exit status 130,
// the message naming the checkpoint and no stack trace; a checkpoint that
// loads; and, resumed from it, the weights of a run never interrupted,
// bit for bit.
func TestInterrupt(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send on Windows")
	}
	isolateCache(t)
	exe := program(t, loopsSpec(t))
	dir := t.TempDir()
	data := filepath.Join(dir, "data.csv")
	writeLoopsData(t, data, 30000)
	path := func(name string) string { return filepath.Join(dir, name) }
	options := func(edit func(*driver.TrainOptions)) string {
		o := driver.TrainOptions{
			Data: data, Epochs: 40, Batch: 16, LR: 0.001, Optimizer: "adam", Schedule: "cosine", Warmup: 1,
			Seed: 5, ValSplit: 0.1,
		}
		edit(&o)
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	// The run that is not interrupted.
	start := time.Now()
	if out, err := exec.Command(exe, "train", options(func(o *driver.TrainOptions) { o.Out = path("full.safetensors") })).CombinedOutput(); err != nil {
		t.Fatalf("training: %v\n%s", err, out)
	}
	full := time.Since(start)

	// The interrupted one: SIGINT half a second after the first epoch line,
	// by which time the program listens for it.
	ckpt := path("ckpt.safetensors")
	cmd := exec.Command(exe, "train", options(func(o *driver.TrainOptions) {
		o.Out, o.Checkpoint = path("interrupted.safetensors"), ckpt
	}))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	training := make(chan struct{})
	var lines []string
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(stdout)
		started := false
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if strings.HasPrefix(sc.Text(), "epoch ") && !started {
				started = true
				close(training)
			}
		}
	}()
	select {
	case <-training:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no epoch line within 30 s")
	}
	time.Sleep(500 * time.Millisecond)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	<-scanned
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("interrupted training (uninterrupted it takes %v): %v, want exit status 130\nstdout:\n%s\nstderr:\n%s",
			full.Round(time.Millisecond), err, strings.Join(lines, "\n"), &stderr)
	}
	msg := stderr.String()
	want := fmt.Sprintf(": checkpoint saved to %s; continue with -resume %s\n", ckpt, ckpt)
	if !strings.HasPrefix(msg, "interrupted in epoch ") || !strings.HasSuffix(msg, want) || strings.Count(msg, "\n") != 1 {
		t.Errorf("stderr:\n%s\nwant the line\ninterrupted in epoch …%s", msg, want)
	}
	if strings.Contains(msg, "goroutine ") || strings.Contains(msg, "panic") {
		t.Errorf("a stack trace on stderr:\n%s", msg)
	}
	if _, err := os.Stat(path("interrupted.safetensors")); !os.IsNotExist(err) {
		t.Errorf("the interrupted run wrote its weights file: %v", err)
	}
	t.Logf("uninterrupted: %v; interrupted: %s", full.Round(time.Millisecond), strings.TrimSpace(msg))

	// The checkpoint loads as weights.
	var m loops.Looped
	meta, err := train.LoadWeights(ckpt, &m)
	if err != nil {
		t.Fatalf("loading the checkpoint: %v", err)
	}
	if len(meta.Classes) != 3 || meta.Mean == nil {
		t.Errorf("checkpoint metadata %+v", meta)
	}

	// Resumed to the end, it gives the uninterrupted run's weights.
	if out, err := exec.Command(exe, "train", options(func(o *driver.TrainOptions) {
		o.Out, o.Resume = path("resumed.safetensors"), ckpt
	})).CombinedOutput(); err != nil {
		t.Fatalf("resuming: %v\n%s", err, out)
	}
	a, err := os.ReadFile(path("full.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path("resumed.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("the resumed run's weights differ from the uninterrupted run's")
	}
}
