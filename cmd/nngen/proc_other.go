//go:build !linux

package main

import "os/exec"

// dieWithParent does nothing: only Linux can tie a process's life to its
// parent's. The signals nngen receives are still passed on.
func dieWithParent(*exec.Cmd) (release func()) { return func() {} }
