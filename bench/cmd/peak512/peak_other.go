//go:build !amd64

package main

// hasAVX512 is false off amd64.
const hasAVX512 = false

func fma32(int) {}

func fma64(int) {}
