// Command init is the init of the emulated machine of ../run: it runs the
// test binaries that /tests lists, a line each (the directory to run in,
// the binary, its arguments), prints how each ended on the console, then
// powers the machine off.
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// cpuid executes CPUID with EAX = leaf and ECX = sub.
func cpuid(leaf, sub uint32) (a, b, c, d uint32)

// xgetbv returns the low half of XCR0, the state the kernel saves.
func xgetbv() uint32

func main() {
	for _, m := range []struct{ fs, dir string }{{"devtmpfs", "/dev"}, {"proc", "/proc"}} {
		os.MkdirAll(m.dir, 0o755)
		if err := syscall.Mount(m.fs, m.dir, m.fs, 0, ""); err != nil {
			fmt.Println("@@ error: mount", m.dir, err)
		}
	}
	os.MkdirAll("/tmp", 0o777)
	os.Setenv("TMPDIR", "/tmp")
	os.Setenv("HOME", "/tmp")
	_, b, _, _ := cpuid(7, 0)
	fmt.Printf("\n@@ avx512f=%v xcr0=%#x\n", b&(1<<16) != 0, xgetbv())
	if err := run("/tests"); err != nil {
		fmt.Println("@@ error:", err)
	}
	fmt.Println("@@ done")
	syscall.Sync()
	time.Sleep(time.Second) // for the console to drain
	syscall.Reboot(syscall.LINUX_REBOOT_CMD_POWER_OFF)
}

// run runs the tests that the file list names.
func run(list string) error {
	f, err := os.Open(list)
	if err != nil {
		return err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) < 2 {
			continue
		}
		start := time.Now()
		cmd := exec.Command(fields[1], fields[2:]...)
		cmd.Dir = fields[0]
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stdout
		err := cmd.Run()
		result := "ok"
		if err != nil {
			result = "FAIL " + err.Error()
		}
		fmt.Printf("@@ %s %s (%.0f s)\n", result, fields[1], time.Since(start).Seconds())
	}
	return s.Err()
}
