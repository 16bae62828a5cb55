// Command nngen compiles a YAML spec of a multilayer perceptron into
// specialized Go source, and trains, evaluates and checks the result.
//
// Usage:
//
//	nngen [gen] [-o file] [-pkg name] [-weights w.safetensors] [-test] spec.yaml
//	                                               write the model's Go source, and its kernels
//	nngen check [-grad] [-ir] [-seed n] spec.yaml  validate and summarize; check the gradient
//	nngen train spec.yaml -data d.csv -o w.safetensors
//	                                               train the model (built with the Go toolchain)
//	nngen eval spec.yaml -weights w.safetensors -data d.csv
//	                                               loss, accuracy or errors on data
//	nngen predict spec.yaml -weights w.safetensors -data d.csv
//	                                               predictions as CSV
//	nngen verify spec.yaml -weights w.safetensors -inputs x.safetensors -expect y.safetensors
//	                                               the generated forward against reference outputs
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
