// Command table turns the outputs of one run of the benchmark suite into
// markdown tables: go test -bench ./bench, the C reference
// (run-reference.sh), the machine's peak FMA throughput (run-peak.sh) and
// PyTorch (bench_torch.py), the last three one JSON object a line.
//
// It prints a line naming the machine (CPU model, SIMD extensions, CPUs and
// cores), then for each workload and metric the generated model, the gonum
// baseline and their ratio, the generated model's GFLOP/s and their
// percentage of the peak of the workload's precision (AVX2 FMA, fp32 or
// fp64, one thread), the C reference and the ratio to it, and PyTorch and
// the ratio to it (for lat1 the better of eager and jit). Every ratio is
// nngen's speed over the other's: above 1, nngen is faster. The peak and
// PyTorch columns are left out, with a warning on stderr, when their file
// is not given or holds no figures. If the output has the two-thread
// benchmarks, a second table sets them beside one thread, with the ratio
// t2/t1. With -count above 1 each figure is the median of the runs.
//
// Usage:
//
//	table -go bench.txt [-ref reference.jsonl] [-peak peak.jsonl] [-torch torch.jsonl] [-torch-version v] [-torch-blas path] [-goamd64 v1] [-godebug s] [-cpu 1]
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/nngen/nngen/bench/workload"
)

// metric describes one row kind of the table.
type metric struct {
	name   string // as in the shared README and the C reference
	bench  string // the benchmark function, without "Benchmark"
	unit   string // the unit of the figure, as reported by the benchmark
	lower  bool   // lower is better (a time)
	base   string // the baseline's benchmark function, if not bench
	ref    string // the C reference's metric, if it has one
	format func(float64) string
}

var metrics = []metric{
	{name: "lat1", bench: "Lat1", unit: "ns/sample", lower: true, ref: "lat1", format: nanos},
	{name: "thr256", bench: "Thr256", unit: "samples/s", ref: "thr256", format: rate},
	{name: "train_sgd", bench: "TrainSGD", unit: "samples/s", ref: "train_sgd", format: rate},
	{name: "train_sgd, steps by hand", bench: "TrainSGDHand", base: "TrainSGD", unit: "samples/s", ref: "train_sgd", format: rate},
	{name: "acc_adam", bench: "AccAdam", unit: "acc%", ref: "acc_adam", format: percent},
	{name: "train_adam", bench: "AccAdam", unit: "samples/s", ref: "train_adam", format: rate},
}

// pair is a row of the two-thread table: a metric on one thread and on
// two, from the benchmark functions one and two, in samples/s.
type pair struct {
	oneName, twoName string // the metrics' names
	one, two         string // the benchmark functions
}

var pairs = []pair{
	{"train_sgd64_t1", "train_sgd64_t2", "TrainSGD64T1", "TrainSGD64T2"},
	{"train_sgd256_t1", "train_sgd256_t2", "TrainSGD256T1", "TrainSGD256T2"},
	{"thr256", "thr256_t2", "Thr256", "Thr256T2"},
}

// key names one figure: a benchmark function, workload, implementation
// and unit.
type key struct{ bench, workload, impl, unit string }

// results holds every value measured for each key.
type results map[key][]float64

func (r results) median(k key) (float64, bool) {
	v := r[k]
	if len(v) == 0 {
		return 0, false
	}
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2], true
	}
	return (s[n/2-1] + s[n/2]) / 2, true
}

var procSuffix = regexp.MustCompile(`-\d+$`)

// parseGo reads go test -bench output.
func parseGo(r io.Reader, res results) (cpu string, err error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if c, ok := strings.CutPrefix(line, "cpu: "); ok {
			cpu = strings.TrimSpace(c)
			continue
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || len(f)%2 != 0 {
			continue
		}
		parts := strings.Split(procSuffix.ReplaceAllString(f[0], ""), "/")
		if len(parts) != 3 {
			continue
		}
		bench := strings.TrimPrefix(parts[0], "Benchmark")
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return cpu, fmt.Errorf("%q: %v", line, err)
			}
			k := key{bench, parts[1], parts[2], f[i+1]}
			res[k] = append(res[k], v)
		}
	}
	return cpu, sc.Err()
}

// refLine is one measurement of a reference: the C implementation or
// PyTorch.
type refLine struct {
	Impl     string  `json:"impl"`
	Workload string  `json:"workload"`
	Metric   string  `json:"metric"`
	Median   float64 `json:"median"`
	Unit     string  `json:"unit"`
}

// parseRef reads a reference's JSON lines into res, each under the key
// {"ref:"+metric, workload, impl, unit}, where impl is as or, if as is
// empty, the line's own implementation. The C reference's lines are read
// as "c" (it prints the better of its two kernels, named c-vecext or
// c-avx2-intrinsics); PyTorch's keep pytorch-eager and pytorch-jit apart.
func parseRef(r io.Reader, res results, as string) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var l refLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			return fmt.Errorf("%q: %v", line, err)
		}
		w, ok := workload.ByRef(l.Workload)
		if !ok {
			continue
		}
		impl := as
		if impl == "" {
			impl = l.Impl
		}
		k := key{"ref:" + l.Metric, w.Name, impl, l.Unit}
		res[k] = append(res[k], l.Median)
	}
	return sc.Err()
}

// peak is the machine's one-thread peak FMA throughput, in GFLOP/s, as
// run-peak.sh measures it, and with 512-bit vectors as bench/cmd/peak512
// does on a processor with AVX-512 (zero elsewhere).
type peak struct {
	FP32       float64 `json:"fp32_avx2_gflops"`   // 256-bit AVX2 FMA, float32
	FP64       float64 `json:"fp64_avx2_gflops"`   // 256-bit AVX2 FMA, float64
	Scalar     float64 `json:"fp64_scalar_gflops"` // scalar FMA, float64
	FP32AVX512 float64 `json:"fp32_avx512_gflops"` // 512-bit AVX-512 FMA, float32
	FP64AVX512 float64 `json:"fp64_avx512_gflops"` // 512-bit AVX-512 FMA, float64
}

// parsePeak reads run-peak.sh's output, one JSON object a line per
// thread count, and peak512's line after it if there is one, and returns
// the one-thread figures: the suite's main table runs on one thread.
func parsePeak(r io.Reader) (peak, error) {
	var p peak
	found := false
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var l struct {
			Impl    string `json:"impl"`
			Threads int    `json:"threads"`
			peak
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			return peak{}, fmt.Errorf("%q: %v", line, err)
		}
		switch {
		case l.Threads != 1:
		case l.Impl == "peak":
			if l.FP32 <= 0 || l.FP64 <= 0 {
				return peak{}, fmt.Errorf("%q: no positive fp32_avx2_gflops and fp64_avx2_gflops", line)
			}
			p.FP32, p.FP64, p.Scalar, found = l.FP32, l.FP64, l.Scalar, true
		case l.Impl == "peak512":
			if l.FP32AVX512 <= 0 || l.FP64AVX512 <= 0 {
				return peak{}, fmt.Errorf("%q: no positive fp32_avx512_gflops and fp64_avx512_gflops", line)
			}
			p.FP32AVX512, p.FP64AVX512 = l.FP32AVX512, l.FP64AVX512
		}
	}
	if err := sc.Err(); err != nil {
		return peak{}, err
	}
	if !found {
		return peak{}, fmt.Errorf("no line with \"impl\":\"peak\" and \"threads\":1")
	}
	return p, nil
}

// of returns the peak of the precision dtype: the AVX2 FMA peak of float32
// or float64.
func (p peak) of(dtype string) float64 {
	if dtype == "float64" {
		return p.FP64
	}
	return p.FP32
}

// ofAVX512 returns the AVX-512 FMA peak of the precision dtype, zero if
// there was no such measurement.
func (p peak) ofAVX512(dtype string) float64 {
	if dtype == "float64" {
		return p.FP64AVX512
	}
	return p.FP32AVX512
}

// cpuOff reports whether godebug turns the processor feature off, as the
// generated code reads it: cpu.<feature>=off or cpu.all=off, the last
// setting of a feature winning.
func cpuOff(godebug, feature string) bool {
	off := false
	for _, opt := range strings.Split(godebug, ",") {
		switch opt {
		case "cpu.all=off", "cpu." + feature + "=off":
			off = true
		case "cpu." + feature + "=on":
			off = false
		}
	}
	return off
}

func nanos(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.3g ms", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.3g µs", v/1e3)
	}
	return fmt.Sprintf("%.3g ns", v)
}

func rate(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.3gM/s", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.3gk/s", v/1e3)
	}
	return fmt.Sprintf("%.3g/s", v)
}

func percent(v float64) string { return fmt.Sprintf("%.2f%%", v) }

// ratio returns how many times faster a is than b (a's throughput over
// b's), or for accuracies a/b.
func ratio(m metric, a, b float64) string {
	if m.lower {
		a, b = b, a
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// cpuInfo describes the machine from the text of /proc/cpuinfo: the model
// name, vendor, family and model of the first CPU, its SIMD extensions of
// note, and the number of logical CPUs and of cores.
func cpuInfo(text string) string {
	fields := map[string]string{}
	cpus := 0
	cores := map[string]bool{} // "physical id/core id"
	phys := ""
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "processor":
			cpus++
		case "physical id":
			phys = v
		case "core id":
			cores[phys+"/"+v] = true
		}
		if _, seen := fields[k]; !seen {
			fields[k] = v
		}
	}
	var ext []string
	flags := " " + fields["flags"] + " " + fields["Features"] + " " // Features: arm64
	for _, f := range []string{"avx2", "fma", "avx512f", "asimd", "sve"} {
		if strings.Contains(flags, " "+f+" ") {
			ext = append(ext, f)
		}
	}
	simd := strings.Join(ext, "+")
	if simd == "" {
		simd = "no AVX2, AVX-512 or NEON"
	}
	name := fields["model name"]
	if name == "" {
		name = "unknown CPU"
	}
	desc := fmt.Sprintf("%s (%s family %s model %s), %s, %d CPUs", name, fields["vendor_id"], fields["cpu family"], fields["model"], simd, cpus)
	if len(cores) > 0 {
		desc += fmt.Sprintf(" (%d cores)", len(cores))
	}
	return desc
}

// column is one column of the main table.
type column struct {
	head, align string
}

// The columns of the main table, in order. colPeak is left out without a
// peak measurement, colPeakAVX512 without one of AVX-512, colTorch and
// colTorchRatio without PyTorch figures.
const (
	colWorkload = iota
	colMetric
	colNngen
	colBase
	colBaseRatio
	colGflops
	colPeak
	colPeakAVX512
	colC
	colCRatio
	colTorch
	colTorchRatio
	numCols
)

var columns = [numCols]column{
	{"workload", "---"},
	{"metric", "---"},
	{"nngen", "---:"},
	{"baseline (gonum)", "---:"},
	{"nngen/baseline", "---:"},
	{"GFLOP/s (nngen)", "---:"},
	{"% of peak", "---:"},
	{"% of AVX-512 peak", "---:"},
	{"C reference", "---:"},
	{"nngen/C", "---:"},
	{"PyTorch", "---:"},
	{"nngen/PyTorch", "---:"},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command: it parses args, reads the files they name and
// writes the tables to stdout, the warnings to stderr, and returns the
// exit code.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("table", flag.ContinueOnError)
	fs.SetOutput(stderr)
	goFile := fs.String("go", "", "output of go test -bench (required)")
	refFile := fs.String("ref", "", "output of run-reference.sh, the C reference (optional)")
	peakFile := fs.String("peak", "", "output of run-peak.sh, the machine's peak FMA throughput (optional)")
	torchFile := fs.String("torch", "", "output of bench_torch.py, PyTorch (optional)")
	torchVersion := fs.String("torch-version", "", "PyTorch's version, for the notes")
	torchBLAS := fs.String("torch-blas", "", "the BLAS library PyTorch loaded, for the notes")
	goamd64 := fs.String("goamd64", "", "the GOAMD64 level of the run")
	godebug := fs.String("godebug", "", "the GODEBUG of the run, which may turn processor features off")
	cpuFlag := fs.String("cpu", "", "the -cpu (GOMAXPROCS) of the run")
	cpuinfo := fs.String("cpuinfo", "/proc/cpuinfo", "the file describing the CPUs")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *goFile == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: table -go bench.txt [-ref reference.jsonl] [-peak peak.jsonl] [-torch torch.jsonl] [-torch-version v] [-torch-blas path] [-goamd64 v1] [-godebug s] [-cpu 1]")
		return 2
	}
	warn := func(format string, a ...any) { fmt.Fprintf(stderr, "table: "+format+"\n", a...) }

	res := results{}
	f, err := os.Open(*goFile)
	if err != nil {
		warn("%v", err)
		return 1
	}
	goCPU, err := parseGo(f, res)
	f.Close()
	if err != nil {
		warn("%s: %v", *goFile, err)
		return 1
	}
	haveRef := false
	if *refFile != "" {
		if f, err := os.Open(*refFile); err == nil {
			err = parseRef(f, res, "c")
			f.Close()
			if err != nil {
				warn("%s: %v", *refFile, err)
				return 1
			}
			haveRef = true
		}
	}
	var pk peak
	havePeak := false
	if *peakFile != "" {
		f, err := os.Open(*peakFile)
		if err == nil {
			pk, err = parsePeak(f)
			f.Close()
		}
		if err != nil {
			warn("%s: %v; the table has no %% of peak column", *peakFile, err)
		} else {
			havePeak = true
		}
	}
	haveTorch := false
	if *torchFile != "" {
		f, err := os.Open(*torchFile)
		if err == nil {
			n := len(res)
			err = parseRef(f, res, "")
			f.Close()
			if err == nil && len(res) == n {
				err = errors.New("no PyTorch figures")
			}
		}
		if err != nil {
			warn("%s: %v; the table has no PyTorch columns", *torchFile, err)
		} else {
			haveTorch = true
		}
	}

	desc := "unknown CPU"
	if b, err := os.ReadFile(*cpuinfo); err == nil {
		desc = cpuInfo(string(b))
	}
	fmt.Fprintf(stdout, "Machine: %s (go test: %q); %s %s/%s, GOAMD64=%s", desc, goCPU, runtime.Version(), runtime.GOOS, runtime.GOARCH, *goamd64)
	if *godebug != "" {
		fmt.Fprintf(stdout, ", GODEBUG=%s", *godebug)
	}
	if *cpuFlag != "" {
		fmt.Fprintf(stdout, ", -cpu %s", *cpuFlag)
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout)

	show := [numCols]bool{}
	for i := range show {
		show[i] = true
	}
	show[colPeak] = havePeak
	show[colPeakAVX512] = havePeak && pk.FP32AVX512 > 0
	show[colTorch], show[colTorchRatio] = haveTorch, haveTorch
	printRow := func(cells [numCols]string) {
		var out []string
		for i, c := range cells {
			if show[i] {
				out = append(out, c)
			}
		}
		fmt.Fprintf(stdout, "| %s |\n", strings.Join(out, " | "))
	}
	var head, align [numCols]string
	for i, c := range columns {
		head[i], align[i] = c.head, c.align
	}
	printRow(head)
	printRow(align)

	torchLat1 := map[string][]string{} // "eager" or "jit": the workloads whose PyTorch lat1 it gave
	for _, w := range workload.All {
		for _, m := range metrics {
			n, okN := res.median(key{m.bench, w.Name, "nngen", m.unit})
			if !okN {
				continue
			}
			var cells [numCols]string
			for i := range cells {
				cells[i] = "—"
			}
			cells[colWorkload], cells[colMetric], cells[colNngen] = w.Name, m.name, m.format(n)
			base := m.bench
			if m.base != "" {
				base = m.base
			}
			if b, ok := res.median(key{base, w.Name, "baseline", m.unit}); ok {
				cells[colBase], cells[colBaseRatio] = m.format(b), ratio(m, n, b)
			}
			if g, ok := res.median(key{m.bench, w.Name, "nngen", "GFLOP/s"}); ok && m.unit != "acc%" {
				cells[colGflops] = fmt.Sprintf("%.2f", g)
				if havePeak {
					cells[colPeak] = fmt.Sprintf("%.1f%%", 100*g/pk.of(w.Dtype))
					if p := pk.ofAVX512(w.Dtype); p > 0 {
						cells[colPeakAVX512] = fmt.Sprintf("%.1f%%", 100*g/p)
					}
				}
			}
			if c, ok := res.median(key{"ref:" + m.ref, w.Name, "c", refUnit(m)}); ok {
				cells[colC], cells[colCRatio] = m.format(c), ratio(m, n, c)
			}
			if t, which, ok := torchFigure(res, m, w); ok {
				cells[colTorch], cells[colTorchRatio] = m.format(t), ratio(m, n, t)
				if m.name == "lat1" {
					torchLat1[which] = append(torchLat1[which], w.Name)
				}
			}
			printRow(cells)
		}
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "Ratios are speed-ups: nngen's throughput over the other's (for lat1 the other's time over nngen's), so above 1 nngen is faster; for acc_adam, the ratio of the accuracies.")
	fmt.Fprintln(stdout, "The baseline is float64 (gonum); nngen, C and PyTorch use the workload's dtype. acc_adam is the median of three seeds, in nngen as in C and PyTorch.")
	if havePeak {
		fmt.Fprintf(stdout, "%% of peak: nngen's GFLOP/s over this machine's one-thread peak FMA throughput, measured by run-peak.sh in this run: %.2f GFLOP/s fp32 (AVX2) for the float32 workloads, %.2f fp64 (AVX2) for the float64 ones (scalar fp64: %.2f).\n", pk.FP32, pk.FP64, pk.Scalar)
		if pk.FP32AVX512 > 0 {
			ran := "This processor has AVX-512F, so the matrix products ran their AVX-512 kernels."
			if cpuOff(*godebug, "avx512f") {
				ran = "GODEBUG turned AVX-512F off, so the matrix products ran their AVX2 kernels."
			}
			fmt.Fprintf(stdout, "%% of AVX-512 peak: the same over the peak with 512-bit vectors, measured by bench/cmd/peak512 in this run: %.2f GFLOP/s fp32, %.2f fp64. %s\n", pk.FP32AVX512, pk.FP64AVX512, ran)
		}
	} else {
		fmt.Fprintln(stdout, "No % of peak column: ../shared/bench/run-peak.sh was not found, not run or failed.")
	}
	if !haveRef {
		fmt.Fprintln(stdout, "No C reference results: ../shared/bench/run-reference.sh was not found or not run.")
	}
	if haveTorch {
		v := ""
		if *torchVersion != "" {
			v = " " + *torchVersion
		}
		fmt.Fprintf(stdout, "PyTorch%s: bench_torch.py on one thread; its lat1 and thr256, like C's, stop at the logits. Its lat1 is the better of eager and torch.jit.trace:", v)
		sep := " "
		for _, which := range []string{"eager", "jit"} {
			if ws := torchLat1[which]; len(ws) > 0 {
				fmt.Fprintf(stdout, "%s%s for %s", sep, which, strings.Join(ws, ", "))
				sep = "; "
			}
		}
		fmt.Fprintln(stdout, "; the other metrics are eager.")
		if *torchBLAS != "" {
			fmt.Fprintf(stdout, "PyTorch's BLAS: %s", *torchBLAS)
			if referenceBLAS(*torchBLAS) {
				fmt.Fprint(stdout, ", Debian's reference (netlib) BLAS, unoptimized: PyTorch's matrix products run on it, so its figures, the batched ones most, are well below those of an optimized BLAS (apt-get install libopenblas0-pthread switches the libblas.so.3 alternative to OpenBLAS)")
			}
			fmt.Fprintln(stdout, ".")
		}
	} else {
		fmt.Fprintln(stdout, "No PyTorch columns: /usr/bin/python3 has no torch, or ../shared/bench/py/bench_torch.py was not found or failed.")
	}
	printPairs(stdout, res)
	return 0
}

// referenceBLAS reports whether the BLAS library at path is Debian's
// reference (netlib) BLAS, which the libblas.so.3 alternative points to
// when no optimized BLAS is installed.
func referenceBLAS(path string) bool {
	return strings.Contains(path, "/blas/libblas.so")
}

// torchFigure returns PyTorch's figure for metric m on workload w: for
// lat1 the better of eager and jit, and which it was ("eager" or "jit"),
// for the other metrics eager's.
func torchFigure(res results, m metric, w workload.Workload) (v float64, which string, ok bool) {
	k := key{"ref:" + m.ref, w.Name, "pytorch-eager", refUnit(m)}
	v, ok = res.median(k)
	which = "eager"
	if m.name != "lat1" {
		return v, which, ok
	}
	k.impl = "pytorch-jit"
	if j, okJ := res.median(k); okJ && (!ok || j < v) {
		return j, "jit", true
	}
	return v, which, ok
}

// printPairs prints the two-thread table, if res has any of its figures.
func printPairs(stdout io.Writer, res results) {
	var rows []string
	for _, w := range workload.All {
		for _, p := range pairs {
			two, ok := res.median(key{p.two, w.Name, "nngen", "samples/s"})
			if !ok {
				continue
			}
			cells := []string{w.Name, p.oneName + ", " + p.twoName, "—", rate(two), "—", "—"}
			if one, ok := res.median(key{p.one, w.Name, "nngen", "samples/s"}); ok {
				cells[2], cells[4] = rate(one), fmt.Sprintf("%.2f×", two/one)
			}
			if g, ok := res.median(key{p.two, w.Name, "nngen", "GFLOP/s"}); ok {
				cells[5] = fmt.Sprintf("%.2f", g)
			}
			rows = append(rows, "| "+strings.Join(cells, " | ")+" |")
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "Two threads vs one (nngen):")
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "| workload | metrics | one thread | two threads | t2/t1 | GFLOP/s (two threads) |")
	fmt.Fprintln(stdout, "| --- | --- | ---: | ---: | ---: | ---: |")
	for _, r := range rows {
		fmt.Fprintln(stdout, r)
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "train_sgd64 and train_sgd256: train_sgd's epochs of SGD by train.Fit in batches of 64 and 256 samples, with Config.Threads 1 and 2; thr256_t2: thr256 by a train.Parallel on 2 threads, beside thr256 (ForwardBatch). The two-thread benchmarks raise GOMAXPROCS to 2 for their run.")
}

// refUnit is the unit the C reference reports metric m in.
func refUnit(m metric) string {
	if m.unit == "acc%" {
		return "%"
	}
	return m.unit
}
