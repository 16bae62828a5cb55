package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nngen/nngen/internal/driver"
)

// roleEnv makes the test binary play a part in the signal tests: "parent"
// runs the test binary again through runProgram, as nngen runs a model
// program, in the child role childEnv names: "wait" waits for a stop
// signal, reports it and exits with 128 plus its number, "sleep" sleeps,
// "kill" kills itself with SIGKILL.
const (
	roleEnv  = "NNGEN_TEST_ROLE"
	childEnv = "NNGEN_TEST_CHILD"
)

// playRole plays the part roleEnv names, if any, and exits.
func playRole() {
	switch os.Getenv(roleEnv) {
	case "":
		return
	case "parent":
		os.Setenv(roleEnv, os.Getenv(childEnv))
		os.Exit(report(runProgram(os.Args[0], os.Stdout, os.Stderr), os.Stderr))
	case "wait":
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, driver.StopSignals...)
		fmt.Println("ready")
		select {
		case sig := <-sigs:
			fmt.Printf("child: got %v\n", sig)
			os.Exit(128 + int(sig.(syscall.Signal))) // as a model program does
		case <-time.After(10 * time.Second):
			fmt.Println("child: no signal")
		}
		os.Exit(1)
	case "sleep":
		fmt.Println("ready")
		time.Sleep(10 * time.Second)
		os.Exit(0)
	case "kill":
		if p, err := os.FindProcess(os.Getpid()); err == nil {
			p.Kill()
		}
	}
	os.Exit(3)
}

// startParent starts the test binary as a parent of a child in role
// child and returns it once the child is ready, with the rest of the
// output, which the child shares, to read.
func startParent(t *testing.T, child string) (*exec.Cmd, *bufio.Reader, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), roleEnv+"=parent", childEnv+"="+child)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(out)
	if line, err := r.ReadString('\n'); line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the child: %q, %v\n%s", line, err, &stderr)
	}
	return cmd, r, &stderr
}

// TestProgramSignals sends each stop signal to nngen while a model
// program runs: the program gets it, and nngen exits as the program does
// (130 after SIGINT).
func TestProgramSignals(t *testing.T) {
	skipWithoutSignals(t)
	for _, sig := range driver.StopSignals {
		t.Run(fmt.Sprint(sig), func(t *testing.T) {
			cmd, out, stderr := startParent(t, "wait")
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			rest, _ := io.ReadAll(out)
			err := cmd.Wait()
			if want := fmt.Sprintf("child: got %v\n", sig); string(rest) != want {
				t.Errorf("the child printed %q, want %q", rest, want)
			}
			var ee *exec.ExitError
			if want := 128 + int(sig.(syscall.Signal)); !errors.As(err, &ee) || ee.ExitCode() != want {
				t.Errorf("nngen ended with %v, want exit status %d\n%s", err, want, stderr)
			}
		})
	}
}

// TestProgramDiesWithParent kills nngen with SIGKILL, which it cannot
// pass on, while a model program runs: the program dies too, closing the
// output it shares with nngen well before it would end by itself.
func TestProgramDiesWithParent(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only Linux ties a process to its parent")
	}
	cmd, out, _ := startParent(t, "sleep")
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	closed := make(chan struct{})
	go func() {
		io.Copy(io.Discard, out)
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Error("the model program outlived nngen by 5 s")
	}
	cmd.Wait()
	<-closed
}

// TestProgramKilled runs a model program that the system kills: nngen
// says so, naming the signal and its likely cause, and exits with 1.
func TestProgramKilled(t *testing.T) {
	skipWithoutSignals(t)
	t.Setenv(roleEnv, "kill")
	var stderr bytes.Buffer
	status := report(runProgram(os.Args[0], io.Discard, &stderr), &stderr)
	want := "nngen: the model program was killed by signal 9 (killed): probably it ran out of memory"
	if status != 1 || !strings.HasPrefix(stderr.String(), want) {
		t.Errorf("exit status %d, stderr %q; want 1 and %q…", status, &stderr, want)
	}
}

func skipWithoutSignals(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no Unix signals")
	}
}
