package safetensors_test

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/nngen/nngen/runtime/safetensors"
)

// crashEnv names the target file for the child process of
// TestWriteFileKilled.
const crashEnv = "NNGEN_SAFETENSORS_CRASH_TARGET"

// crashFile returns one of the two files the child writes in turn: 4 MiB
// of float32 in two tensors, different for k = 0 and 1.
func crashFile(k int) *safetensors.File {
	const n = 1 << 19
	w, b := make([]float32, n), make([]float32, n)
	for i := range w {
		w[i] = float32(i*(k+1)) / 3
		b[i] = float32(k) - float32(i)
	}
	tw, err := safetensors.FromFloats("0.weight", []int{n / 512, 512}, w)
	if err != nil {
		panic(err)
	}
	tb, err := safetensors.FromFloats("0.bias", []int{n}, b)
	if err != nil {
		panic(err)
	}
	return &safetensors.File{Tensors: []safetensors.Tensor{tw, tb}, Metadata: map[string]string{"version": fmt.Sprint(k)}}
}

// TestWriteFileKilled runs a process that saves a weights file over and
// over, alternating two contents, and kills it with SIGKILL at random
// moments, 20 times. After each kill the file must be whole: it loads and
// is byte for byte one of the two contents. The temporary files that
// killed saves leave behind must not get in the way of later saves and
// loads, and the next save removes them.
func TestWriteFileKilled(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("kills a child process with SIGKILL; Linux only")
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "model.safetensors")
	var want [2][]byte
	for k := range want {
		var buf bytes.Buffer
		if err := safetensors.Write(&buf, crashFile(k)); err != nil {
			t.Fatal(err)
		}
		want[k] = buf.Bytes()
	}
	if err := safetensors.WriteFile(target, crashFile(0)); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	seen := [2]int{}
	leftover := func() []string {
		l, err := filepath.Glob(filepath.Join(dir, ".model.safetensors.tmp*"))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	midSave := 0 // kills that left a temporary file
	for i := range 20 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWriteFileKilledChild$")
		cmd.Env = append(os.Environ(), crashEnv+"="+target)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait until the child saves, then kill it somewhere in its saves.
		if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "saving\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child: %q, %v\n%s", line, err, &stderr)
		}
		time.Sleep(time.Duration(r.Int64N(int64(150 * time.Millisecond))))
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err == nil || stderr.Len() > 0 {
			t.Fatalf("kill %d: the child ended by itself (%v)\n%s", i, err, &stderr)
		}

		if len(leftover()) > 0 {
			midSave++
		}
		got, err := os.ReadFile(target)
		if err != nil {
			t.Fatalf("kill %d: %v", i, err)
		}
		switch {
		case bytes.Equal(got, want[0]):
			seen[0]++
		case bytes.Equal(got, want[1]):
			seen[1]++
		default:
			t.Fatalf("kill %d: the file holds %d bytes that are neither content", i, len(got))
		}
		f, err := safetensors.ReadFile(target)
		if err != nil {
			t.Fatalf("kill %d: %v", i, err)
		}
		if f.Metadata["version"] != "0" && f.Metadata["version"] != "1" {
			t.Fatalf("kill %d: metadata %v", i, f.Metadata)
		}
	}
	t.Logf("after 20 kills: content 0 found %d times, content 1 %d times; %d kills left a temporary file", seen[0], seen[1], midSave)
	if midSave == 0 {
		t.Error("no kill hit a save in progress: the test proves nothing")
	}
	// A save and a load among the leftovers work as ever.
	if err := safetensors.WriteFile(target, crashFile(1)); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(target); err != nil || !bytes.Equal(got, want[1]) {
		t.Fatalf("saving after the kills: %v", err)
	}
	if _, err := safetensors.ReadFile(target); err != nil {
		t.Fatal(err)
	}
	if l := leftover(); len(l) > 0 {
		t.Errorf("the save after the kills left the killed saves' temporary files: %v", l)
	}
}

// TestWriteFileKilledChild is the process that TestWriteFileKilled kills:
// it saves its two contents in turn until it is killed.
func TestWriteFileKilledChild(t *testing.T) {
	target := os.Getenv(crashEnv)
	if target == "" {
		t.Skip("the child process of TestWriteFileKilled")
	}
	files := [2]*safetensors.File{crashFile(1), crashFile(0)}
	fmt.Println("saving")
	for i := 0; ; i++ {
		if err := safetensors.WriteFile(target, files[i%2]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
	}
}
