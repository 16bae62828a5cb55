package main

import (
	"os/exec"
	"runtime"
	"syscall"
)

// dieWithParent has the kernel kill cmd's process (SIGKILL) when nngen
// ends, whatever ends it, so a training never outlives nngen to write its
// files later. The kernel sends the signal when the thread that started
// the process ends, so the calling goroutine keeps its thread until the
// returned function is called, after the process has been waited for.
func dieWithParent(cmd *exec.Cmd) (release func()) {
	runtime.LockOSThread()
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return runtime.UnlockOSThread
}
