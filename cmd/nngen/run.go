package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/nngen/nngen/gen"
	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/spec"
)

const usage = `usage:
  nngen [gen] [-o file] [-pkg name] spec.yaml   write the model's Go source
  nngen check [-grad] spec.yaml                 validate the spec and summarize the model
  nngen train spec.yaml -data train.csv -o model.safetensors [flags]
                                                generate, build and train the model
  nngen eval spec.yaml -weights model.safetensors -data test.csv [-target column] [-json]
                                                score a trained model
  nngen predict spec.yaml -weights model.safetensors -data input.csv [-target column]
                                                predict, one CSV row per input row
  nngen verify spec.yaml -weights model.safetensors -inputs x.safetensors -expect y.safetensors [-tol ulps]
                                                check Forward against reference outputs
  nngen version                                 print nngen's version

Run "nngen <command> -h" for the flags of a command.
`

// errUsage marks errors that exit with status 2.
var errUsage = errors.New("usage")

// run executes the command line args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	cmd, rest := "gen", args
	if len(args) > 0 {
		switch args[0] {
		case "gen", "check", "train", "eval", "predict", "verify", "version", "help":
			cmd, rest = args[0], args[1:]
		case "-h", "-help", "--help":
			fmt.Fprint(stdout, usage)
			return 0
		}
	}
	var err error
	switch cmd {
	case "gen":
		err = runGen(rest, stdout, stderr)
	case "check":
		err = runCheck(rest, stdout, stderr)
	case "train":
		err = runTrain(rest, stdout, stderr)
	case "eval":
		err = runEval(rest, stdout, stderr)
	case "predict":
		err = runPredict(rest, stdout, stderr)
	case "verify":
		err = runVerify(rest, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "nngen", version())
	case "help":
		fmt.Fprint(stdout, usage)
	}
	return report(err, stderr)
}

// report prints err, unless it was explained already, and returns the
// exit status it means.
func report(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	var exit exitError
	if errors.As(err, &exit) {
		return int(exit)
	}
	var list spec.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Fprintln(stderr, e)
		}
	} else {
		fmt.Fprintf(stderr, "nngen: %v\n", err)
	}
	return 1
}

// version is the module version nngen was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

func runGen(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("gen", "[gen] [-o file] [-pkg name] [-weights model.safetensors] [-test] spec.yaml", stderr)
	out := fs.String("o", "", "output file (default: the spec's name with .go; - for stdout)")
	pkg := fs.String("pkg", "", "package name (default: the spec's package, else $GOPACKAGE, else the output directory's name)")
	weights := fs.String("weights", "", "build these trained weights (safetensors) into the code, with a ready model value")
	withTest := fs.Bool("test", false, "also write _test.go files: a gradient check, an allocation check, benchmarks, and a check of the kernels")
	path, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *out == "" {
		*out = trimExt(path) + ".go"
	}
	// The files written besides -o are checked when their names are known.
	inputs := []arg{{"the spec", path}, {"-weights", *weights}}
	if err := checkOutputs([]arg{{"-o", *out}}, inputs); err != nil {
		fmt.Fprintf(stderr, "nngen gen: %v\n", err)
		return errUsage
	}
	s, err := spec.ParseFile(path)
	if err != nil {
		return err
	}
	if *pkg != "" {
		if err := spec.CheckPackage(*pkg); err != nil {
			fmt.Fprintf(stderr, "nngen gen: -pkg: %v\n", err)
			return errUsage
		}
	}
	if *out == "-" && *withTest {
		fmt.Fprintln(stderr, "nngen gen: -test writes several files and needs an output file, not -o -")
		return errUsage
	}
	if *pkg == "" && s.Package == "" {
		*pkg = defaultPackage(*out)
		if err := spec.CheckPackage(*pkg); err != nil {
			return fmt.Errorf("%s: no package name: the spec has none, -pkg is not set, and the output directory's name is not one: %v", path, err)
		}
	}
	m, err := ir.Lower(s, *pkg)
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if *weights != "" {
		blob := ""
		if *out != "-" {
			blob = filepath.Base(trimExt(*out)) + "_weights.bin"
		}
		note, err := gen.AttachWeights(m, s, *weights, blob)
		if err != nil {
			return err
		}
		if note != "" {
			fmt.Fprintf(stderr, "nngen gen: note: %s\n", note)
		}
	}
	if *out == "-" {
		src, err := gen.Emit(m)
		if err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		if m.Kernels() {
			fmt.Fprintf(stderr, "nngen gen: warning: %s calls kernels that live in files of their own; write them with -o file.go\n", path)
		}
		_, err = stdout.Write(src)
		return err
	}
	files, err := gen.Files(m, *out, *withTest)
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if err := checkOutputs(outputArgs(files, *out), inputs); err != nil {
		fmt.Fprintf(stderr, "nngen gen: %v\n", err)
		return errUsage
	}
	// The binary file first, so that the code never refers to a missing one.
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if strings.HasSuffix(name, ".bin") {
			if err := writeFile(name, files[name]); err != nil {
				return err
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if !strings.HasSuffix(name, ".bin") {
			if err := writeFile(name, files[name]); err != nil {
				return err
			}
		}
	}
	return nil
}

// outputArgs names the files gen writes: out as -o, the others as
// outputs.
func outputArgs(files map[string][]byte, out string) []arg {
	var args []arg
	for _, name := range slices.Sorted(maps.Keys(files)) {
		flag := "output"
		if name == out {
			flag = "-o"
		}
		args = append(args, arg{flag, name})
	}
	return args
}

// defaultPackage is $GOPACKAGE under go generate, else the name of the
// output file's directory.
func defaultPackage(out string) string {
	if p := os.Getenv("GOPACKAGE"); p != "" {
		return p
	}
	dir, err := filepath.Abs(filepath.Dir(out))
	if err != nil || out == "-" {
		return "model"
	}
	return filepath.Base(dir)
}

func trimExt(path string) string {
	return path[:len(path)-len(filepath.Ext(path))]
}
