// Command unroll measures the two code forms of a dense layer, to set
// ir.UnrollThreshold: for models N → M relu → 10 softmax (float32) with a
// range of N×M hidden weights, it generates the model twice, once with
// unroll: full and once with unroll: loops, runs the benchmarks that
// nngen gen -test writes (Forward on one sample, TrainBatch on 32), both
// forms in one go test run, and prints the time ratios full/loops: below 1
// the unrolled form is faster.
//
// Usage, from the repository's root:
//
//	go run ./bench/cmd/unroll [-sizes 8x8,16x8,16x16,…] [-benchtime 0.3s]
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nngen/nngen/gen"
	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/spec"
)

func main() {
	sizes := flag.String("sizes", "8x8,16x8,16x16,16x24,32x16,32x32,32x64", "hidden layers N×M to measure")
	benchtime := flag.String("benchtime", "0.3s", "go test -benchtime")
	flag.Parse()
	tmp, err := os.MkdirTemp("", "nngen-unroll-")
	check(err)
	defer os.RemoveAll(tmp)
	write(filepath.Join(tmp, "go.mod"), []byte("module unroll\n\ngo 1.26\n"))
	var pkgs []string
	for _, size := range strings.Split(*sizes, ",") {
		n, m, ok := strings.Cut(size, "x")
		if !ok {
			check(fmt.Errorf("size %q is not NxM", size))
		}
		for _, form := range []string{"full", "loops"} {
			pkg := fmt.Sprintf("%s%sx%s", form, n, m)
			src := fmt.Sprintf("name: M\ndtype: float32\ninputs: %s\nunroll: %s\nlayers:\n  - {units: %s, activation: relu}\n  - {units: 10, activation: softmax}\n", n, form, m)
			s, err := spec.Parse(pkg+".yaml", []byte(src))
			check(err)
			lowered, err := ir.Lower(s, pkg)
			check(err)
			files, err := gen.Files(lowered, "model.go", true)
			check(err)
			for name, src := range files {
				write(filepath.Join(tmp, pkg, name), src)
			}
			pkgs = append(pkgs, "./"+pkg)
		}
	}
	cmd := exec.Command("go", append([]string{"test", "-run", "^$", "-bench", ".", "-benchtime", *benchtime, "-cpu", "1"}, pkgs...)...)
	cmd.Dir = tmp
	out, err := cmd.CombinedOutput()
	if err != nil {
		check(fmt.Errorf("go test: %v\n%s", err, out))
	}
	// ns/op by package and benchmark.
	times := map[string]float64{}
	pkg := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) >= 2 && f[0] == "pkg:":
			pkg = strings.TrimPrefix(f[1], "unroll/")
		case len(f) >= 4 && strings.HasPrefix(f[0], "Benchmark"):
			ns, err := strconv.ParseFloat(f[2], 64)
			check(err)
			name := strings.TrimSuffix(strings.TrimPrefix(f[0], "BenchmarkM"), "-1")
			times[pkg+" "+name] = ns
		}
	}
	fmt.Println("| hidden layer | weights | Forward full/loops | TrainBatch full/loops |")
	fmt.Println("| --- | ---: | ---: | ---: |")
	for _, size := range strings.Split(*sizes, ",") {
		n, m, _ := strings.Cut(size, "x")
		ni, _ := strconv.Atoi(n)
		mi, _ := strconv.Atoi(m)
		ratio := func(bench string) string {
			full, loops := times["full"+size+" "+bench], times["loops"+size+" "+bench]
			if full == 0 || loops == 0 {
				return "?"
			}
			return fmt.Sprintf("%.2f", full/loops)
		}
		fmt.Printf("| %s | %d | %s | %s |\n", size, ni*mi, ratio("Forward"), ratio("TrainBatch"))
	}
}

func write(path string, b []byte) {
	check(os.MkdirAll(filepath.Dir(path), 0o755))
	check(os.WriteFile(path, b, 0o644))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "unroll:", err)
		os.Exit(1)
	}
}
