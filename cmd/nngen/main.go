// Command nngen compiles a YAML spec of a multilayer perceptron into
// specialized Go source, and trains, evaluates and checks the result.
//
// Usage:
//
//	nngen [gen] [-o file] [-pkg name] [-weights model.safetensors] [-test] spec.yaml
//	      write the model's Go source, and its kernels
//	nngen check [-grad] [-ir] [-seed n] spec.yaml
//	      validate the spec and summarize the model; check its gradient
//	nngen train spec.yaml -data train.csv -o model.safetensors [flags]
//	      generate, build and train the model
//	nngen eval spec.yaml -weights model.safetensors -data test.csv [-target column] [-threshold p] [-json]
//	      score a trained model
//	nngen predict spec.yaml -weights model.safetensors -data input.csv [-o out.csv] [-keep columns] [-precision n]
//	      predict, one CSV row per input row
//	nngen verify spec.yaml -weights model.safetensors -inputs x.safetensors -expect y.safetensors [-tol ulps]
//	      check Forward against reference outputs
//	nngen clean
//	      remove the cached model programs
//	nngen version
//	      print nngen's version
//	nngen help [command]
//	      print this help, or a command's
//
// nngen spec.yaml is short for nngen gen spec.yaml. Run "nngen help
// <command>" for the flags of a command. Train, eval, predict, verify and
// check -grad build the model into a program with the Go toolchain and
// keep it in a cache: see "nngen help clean".
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
