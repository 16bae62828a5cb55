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
	"github.com/nngen/nngen/internal/suggest"
	"github.com/nngen/nngen/internal/weightfile"
	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/spec"
)

// A command is one of nngen's commands.
type command struct {
	name    string
	usage   string // the command line after "nngen "
	summary string // what the command does, in a line
	about   string // more, for its help
	run     func(args []string, stdout, stderr io.Writer) error
}

// commands lists nngen's commands in the order of its help.
func commands() []command {
	return []command{
		{"gen", "[gen] [-o file] [-pkg name] [-weights model.safetensors] [-test] spec.yaml", "write the model's Go source, and its kernels", "", runGen},
		{"check", "check [-grad] [-ir] [-seed n] spec.yaml", "validate the spec and summarize the model; check its gradient", "", runCheck},
		{"train", "train spec.yaml -data train.csv -o model.safetensors [flags]", "generate, build and train the model", "", runTrain},
		{"eval", "eval spec.yaml -weights model.safetensors -data test.csv [-target column] [-threshold p] [-json]", "score a trained model", "", runEval},
		{"predict", "predict spec.yaml -weights model.safetensors -data input.csv [-o out.csv] [-keep columns] [-precision n]", "predict, one CSV row per input row", "", runPredict},
		{"verify", "verify spec.yaml -weights model.safetensors -inputs x.safetensors -expect y.safetensors [-tol ulps]", "check Forward against reference outputs", "", runVerify},
		{"clean", "clean", "remove the cached model programs", cleanAbout, runClean},
		{"version", "version", "print nngen's version", "", runVersion},
		{"help", "help [command]", "print this help, or a command's", "", runHelp},
	}
}

// lookup returns the command called name.
func lookup(name string) (command, bool) {
	i := slices.IndexFunc(commands(), func(c command) bool { return c.name == name })
	if i < 0 {
		return command{}, false
	}
	return commands()[i], true
}

// printUsage prints nngen's help: its commands.
func printUsage(w io.Writer) {
	fmt.Fprint(w, "usage:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  nngen %s\n        %s\n", c.usage, c.summary)
	}
	fmt.Fprint(w, "\nnngen spec.yaml is short for nngen gen spec.yaml. Run \"nngen help <command>\"\nfor the flags of a command.\n")
}

// errUsage marks errors that exit with status 2.
var errUsage = errors.New("usage")

// run executes the command line args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return 2
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	case "-version", "--version":
		name = "version"
	}
	cmd, ok := lookup(name)
	switch {
	case ok:
	case looksLikeGen(name):
		cmd, rest = commands()[0], args
	default:
		unknownCommand(stderr, name)
		return 2
	}
	return report(cmd.run(rest, stdout, stderr), stderr)
}

// looksLikeGen reports whether the first argument arg of nngen begins
// the shorthand of gen: a flag, or a spec file, one named *.yaml or *.yml
// or any file that exists.
func looksLikeGen(arg string) bool {
	switch strings.ToLower(filepath.Ext(arg)) {
	case ".yaml", ".yml":
		return true
	}
	if strings.HasPrefix(arg, "-") {
		return true
	}
	fi, err := os.Stat(arg)
	return err == nil && fi.Mode().IsRegular()
}

// unknownCommand says that name is no command, suggesting the nearest.
func unknownCommand(stderr io.Writer, name string) {
	fmt.Fprintf(stderr, "nngen: unknown command %q", name)
	if near := nearest(name); near != "" {
		fmt.Fprintf(stderr, " (did you mean %s?)", near)
	}
	fmt.Fprintln(stderr, "\nRun \"nngen help\" for the commands.")
}

// nearest returns the command nearest to name (see suggest.Nearest), or
// "".
func nearest(name string) string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return suggest.Nearest(name, names)
}

func runHelp(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("help", stdout, stderr)
	if err := fs.Parse(args); err != nil {
		return fs.failed(err)
	}
	switch fs.NArg() {
	case 0:
		printUsage(stdout)
		return nil
	case 1:
		cmd, ok := lookup(fs.Arg(0))
		if !ok {
			unknownCommand(stderr, fs.Arg(0))
			return errUsage
		}
		return cmd.run([]string{"-h"}, stdout, stderr)
	}
	return fs.usageError("nngen help: want one command at most, got %d arguments", fs.NArg())
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", stdout, stderr)
	if err := fs.Parse(args); err != nil {
		return fs.failed(err)
	}
	if fs.NArg() > 0 {
		return fs.usageError("nngen version: want no arguments, got %d", fs.NArg())
	}
	fmt.Fprintln(stdout, "nngen", version())
	return nil
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
	fs := newFlags("gen", stdout, stderr)
	out := fs.String("o", "", "output file (default: the spec's name with .go; - for stdout)")
	pkg := fs.String("pkg", "", "package name (default: the spec's package, else $GOPACKAGE, else the output directory's name)")
	weights := fs.String("weights", "", "build these trained weights (safetensors) into the code, with a ready model value")
	withTest := fs.Bool("test", false, "also write _test.go files: a gradient check, an allocation check, benchmarks, and a check of the kernels")
	path, err := fs.parseSpec(args)
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
	if err := checkPackage(s, *pkg, *out); err != nil {
		var list spec.ErrorList
		if errors.As(err, &list) {
			return err
		}
		fmt.Fprintf(stderr, "nngen gen: %v\n", err)
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
		note, err := weightfile.Attach(m, s, *weights, blob)
		if err != nil {
			return err
		}
		m.Trained.Command = commandLine("nngen gen", args)
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

// checkPackage reports a package of the generated code, the spec s's,
// else -pkg pkg, that differs from the one go generate runs in, with the
// output out in its directory: the file would not build. The spec's is a
// spec.ErrorList, at its package key.
func checkPackage(s *spec.Model, pkg, out string) error {
	want := generatePackage(out)
	switch {
	case want == "":
	case s.Package != "":
		if s.Package != want {
			return spec.ErrorList{{File: s.File, Pos: s.PackagePos, Msg: fmt.Sprintf(
				"package: %s is not %s, the package that go generate runs nngen in ($GOPACKAGE), so %s would not build; "+
					"write package: %s, or leave the key out to take $GOPACKAGE", s.Package, want, out, want)}}
		}
	case pkg != "" && pkg != want:
		return fmt.Errorf("-pkg %s is not %s, the package that go generate runs nngen in ($GOPACKAGE), so %s would not build; leave -pkg out to take $GOPACKAGE", pkg, want, out)
	}
	return nil
}

// needsQuotes reports whether r, in an argument, needs quotes in a shell.
func needsQuotes(r rune) bool {
	return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
}

// generatePackage returns the package of the code written to out under
// go generate, which runs nngen in the directory of the package it names
// in $GOPACKAGE: that package, the one under test for a directive in an
// external test file; "" if nngen does not run under go generate, or out
// is in another directory. Standard output is taken to go to the package.
func generatePackage(out string) string {
	p := strings.TrimSuffix(os.Getenv("GOPACKAGE"), "_test")
	if p == "" || out == "-" {
		return p
	}
	dir, err := filepath.Abs(filepath.Dir(out))
	wd, werr := os.Getwd()
	if err != nil || werr != nil || dir != wd {
		return ""
	}
	return p
}

// defaultPackage is the package of the code written to out where neither
// the spec nor -pkg gives one: that of go generate (generatePackage),
// else the name of the output file's directory.
func defaultPackage(out string) string {
	if p := generatePackage(out); p != "" {
		return p
	}
	dir, err := filepath.Abs(filepath.Dir(out))
	if err != nil || out == "-" {
		return "model"
	}
	return filepath.Base(dir)
}

// commandLine writes the command cmd with the arguments args as a shell
// would read it back: each argument that holds more than letters, digits
// and the characters of paths and flags in single quotes.
func commandLine(cmd string, args []string) string {
	var b strings.Builder
	b.WriteString(cmd)
	for _, a := range args {
		b.WriteByte(' ')
		if a != "" && !strings.ContainsFunc(a, needsQuotes) {
			b.WriteString(a)
		} else {
			b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "'")
		}
	}
	return b.String()
}

func trimExt(path string) string {
	return path[:len(path)-len(filepath.Ext(path))]
}
