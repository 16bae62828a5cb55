// Command nngen compiles a YAML spec of a multilayer perceptron into
// specialized Go source, and trains, evaluates and checks the result.
//
// Usage:
//
//	nngen [gen] [-o file] [-pkg name] spec.yaml   write the model's Go source
//	nngen check [-grad] spec.yaml                  validate and summarize
//	nngen version                                  print nngen's version
//
// Run "nngen <command> -h" for the flags of a command.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
