package build_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nngen/nngen/internal/build"
	"github.com/nngen/nngen/spec"
)

// buildChildEnv makes the test binary build the loops golden model in
// TestBuildInterrupted and print the error.
const buildChildEnv = "NNGEN_TEST_BUILD_CHILD"

// TestBuildInterrupted interrupts a build with SIGINT, as Ctrl-C or a
// kill would, and checks that the build ends with an error saying so and
// leaves nothing in the cache.
func TestBuildInterrupted(t *testing.T) {
	if os.Getenv(buildChildEnv) != "" {
		s, err := spec.ParseFile(filepath.Join("..", "..", "testdata", "golden", "loops", "spec.yaml"))
		if err == nil {
			_, _, err = build.Program(s)
		}
		fmt.Printf("error: %v\n", err)
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("runs the Go toolchain")
	}
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send on Windows")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the Go toolchain")
	}
	cache := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBuildInterrupted$")
	// An empty Go build cache makes the build long enough to interrupt.
	cmd.Env = append(os.Environ(), buildChildEnv+"=1", build.CacheEnv+"="+cache, "GOCACHE="+t.TempDir())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The build runs once its folder holds the sources.
	deadline := time.Now().Add(30 * time.Second)
	for {
		mains, _ := filepath.Glob(filepath.Join(cache, "build-*", "cmd", "model", "main.go"))
		if len(mains) > 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no build folder after 30 s\n%s", &out)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	start := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v\n%s", err, &out)
	}
	t.Logf("ended %v after the signal", time.Since(start).Round(time.Millisecond))
	if want := "error: interrupted while building the model\n"; !strings.Contains(out.String(), want) {
		t.Errorf("output:\n%s\nwant %q", &out, want)
	}
	if left, _ := os.ReadDir(cache); len(left) != 0 {
		t.Errorf("the cache holds %v after the interrupted build", left)
	}
}
