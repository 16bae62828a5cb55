// Command table turns the output of the benchmark suite (go test -bench
// ./bench) and of the C reference (run-reference.sh, one JSON object a
// line) into one markdown table: for each workload and metric the
// generated model, the gonum baseline, their ratio, the generated model's
// GFLOP/s, the C reference and the ratio to it. If the output has the
// two-thread benchmarks, a second table sets them beside one thread, with
// the ratio t2/t1. With -count above 1 each figure is the median of the
// runs.
//
// Usage:
//
//	table -go bench.txt [-ref reference.jsonl] [-goamd64 v1] [-cpu 1]
package main

import (
	"bufio"
	"encoding/json"
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

// refLine is one measurement of the C reference.
type refLine struct {
	Impl     string  `json:"impl"`
	Workload string  `json:"workload"`
	Metric   string  `json:"metric"`
	Median   float64 `json:"median"`
	Unit     string  `json:"unit"`
}

// parseRef reads the C reference's JSON lines into res under the
// implementation "c".
func parseRef(r io.Reader, res results) error {
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
		k := key{"ref:" + l.Metric, w.Name, "c", l.Unit}
		res[k] = append(res[k], l.Median)
	}
	return sc.Err()
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

// cpuInfo returns the model name, family and model of the first CPU of
// /proc/cpuinfo, its SIMD extensions of note, and the number of CPUs.
func cpuInfo() (desc string, cpus int) {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU", runtime.NumCPU()
	}
	fields := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if k == "processor" {
			cpus++
		}
		if _, seen := fields[k]; !seen {
			fields[k] = v
		}
	}
	var ext []string
	flags := " " + fields["flags"] + " "
	for _, f := range []string{"avx2", "fma", "avx512f"} {
		if strings.Contains(flags, " "+f+" ") {
			ext = append(ext, f)
		}
	}
	desc = fmt.Sprintf("%s (%s family %s model %s), %s", fields["model name"], fields["vendor_id"], fields["cpu family"], fields["model"], strings.Join(ext, "+"))
	return desc, cpus
}

func main() {
	goFile := flag.String("go", "", "output of go test -bench (required)")
	refFile := flag.String("ref", "", "output of run-reference.sh (optional)")
	goamd64 := flag.String("goamd64", "", "the GOAMD64 level of the run")
	cpuFlag := flag.String("cpu", "", "the -cpu (GOMAXPROCS) of the run")
	flag.Parse()
	if *goFile == "" {
		flag.Usage()
		os.Exit(2)
	}
	res := results{}
	f, err := os.Open(*goFile)
	if err != nil {
		fatal(err)
	}
	goCPU, err := parseGo(f, res)
	f.Close()
	if err != nil {
		fatal(err)
	}
	haveRef := false
	if *refFile != "" {
		if f, err := os.Open(*refFile); err == nil {
			err = parseRef(f, res)
			f.Close()
			if err != nil {
				fatal(err)
			}
			haveRef = true
		}
	}

	desc, cpus := cpuInfo()
	fmt.Printf("Machine: %s, %d CPUs (go test: %q); %s %s/%s, GOAMD64=%s", desc, cpus, goCPU, runtime.Version(), runtime.GOOS, runtime.GOARCH, *goamd64)
	if *cpuFlag != "" {
		fmt.Printf(", -cpu %s", *cpuFlag)
	}
	fmt.Println()
	fmt.Println()
	fmt.Println("| workload | metric | nngen | baseline (gonum) | nngen/baseline | GFLOP/s (nngen) | C reference | nngen/C |")
	fmt.Println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, w := range workload.All {
		for _, m := range metrics {
			n, okN := res.median(key{m.bench, w.Name, "nngen", m.unit})
			if !okN {
				continue
			}
			cells := []string{w.Name, m.name, m.format(n), "—", "—", "—", "—", "—"}
			base := m.bench
			if m.base != "" {
				base = m.base
			}
			if b, ok := res.median(key{base, w.Name, "baseline", m.unit}); ok {
				cells[3], cells[4] = m.format(b), ratio(m, n, b)
			}
			if g, ok := res.median(key{m.bench, w.Name, "nngen", "GFLOP/s"}); ok && m.unit != "acc%" {
				cells[5] = fmt.Sprintf("%.2f", g)
			}
			if c, ok := res.median(key{"ref:" + m.ref, w.Name, "c", refUnit(m)}); ok {
				cells[6], cells[7] = m.format(c), ratio(m, n, c)
			}
			fmt.Printf("| %s |\n", strings.Join(cells, " | "))
		}
	}
	fmt.Println()
	fmt.Println("Ratios are speed-ups: nngen's throughput over the other's (for lat1 the other's time over nngen's), so above 1 nngen is faster; for acc_adam, the ratio of the accuracies.")
	fmt.Println("The baseline is float64 (gonum); nngen and C use the workload's dtype. acc_adam is the median of three seeds, in nngen as in C.")
	if !haveRef {
		fmt.Println("No C reference results: ../shared/bench/run-reference.sh was not found or not run.")
	}
	printPairs(res)
}

// printPairs prints the two-thread table, if res has any of its figures.
func printPairs(res results) {
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
	fmt.Println()
	fmt.Println("Two threads vs one (nngen):")
	fmt.Println()
	fmt.Println("| workload | metrics | one thread | two threads | t2/t1 | GFLOP/s (two threads) |")
	fmt.Println("| --- | --- | ---: | ---: | ---: | ---: |")
	for _, r := range rows {
		fmt.Println(r)
	}
	fmt.Println()
	fmt.Println("train_sgd64 and train_sgd256: train_sgd's epochs of SGD by train.Fit in batches of 64 and 256 samples, with Config.Threads 1 and 2; thr256_t2: thr256 by train.ForwardParallel on 2 threads, beside thr256 (ForwardBatch). The two-thread benchmarks raise GOMAXPROCS to 2 for their run.")
}

// refUnit is the unit the C reference reports metric m in.
func refUnit(m metric) string {
	if m.unit == "acc%" {
		return "%"
	}
	return m.unit
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "table:", err)
	os.Exit(1)
}
