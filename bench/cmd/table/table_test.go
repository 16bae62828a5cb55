package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The files in testdata are trimmed outputs of one short run of bench/run.sh
// (BENCH_COUNT=1 BENCH_TIME=0.1s BENCH_SCALE=0.2) on a 2-core AMD EPYC:
// go.txt keeps tiny, digits and wide's thr256 lines, reference.jsonl and
// torch.jsonl their W1 and W2 lines, peak.jsonl is whole, and cpuinfo keeps
// the fields the table reads.

// table runs the command on args and returns its stdout lines and stderr.
func table(t *testing.T, args ...string) (lines []string, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(append([]string{"-cpuinfo", "testdata/cpuinfo", "-goamd64", "v1", "-cpu", "1"}, args...), &out, &errb); code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, errb.String())
	}
	return strings.Split(out.String(), "\n"), errb.String()
}

// mainTable returns the lines of the first markdown table in lines.
func mainTable(lines []string) []string {
	var rows []string
	for _, l := range lines {
		if strings.HasPrefix(l, "|") {
			rows = append(rows, l)
		} else if len(rows) > 0 {
			break
		}
	}
	return rows
}

func checkLines(t *testing.T, got, want []string) {
	t.Helper()
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("line %d:\n got %s\nwant %s", i, g, w)
		}
	}
}

func hasLine(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

func TestAllColumns(t *testing.T) {
	lines, stderr := table(t, "-go", "testdata/go.txt", "-ref", "testdata/reference.jsonl",
		"-peak", "testdata/peak.jsonl", "-torch", "testdata/torch.jsonl", "-torch-version", "1.13.0a0",
		"-torch-blas", "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0")
	if stderr != "" {
		t.Errorf("stderr: %s", stderr)
	}
	if want := "Machine: AMD EPYC (AuthenticAMD family 25 model 1), avx2+fma, 2 CPUs (2 cores) (go test: \"AMD EPYC\"); "; !strings.HasPrefix(lines[0], want) {
		t.Errorf("first line %q, want it to start with %q", lines[0], want)
	}
	// The figures by hand, from the inputs:
	//   tiny lat1: nngen 160.1 ns; C 29.1207 ns, so C/nngen = 0.18; PyTorch
	//   eager 78883 ns, jit 34821 ns, the better 34821/160.1 = 217.50.
	//   1.399 GFLOP/s over the fp64 AVX2 peak 46.36 is 3.0%.
	//   digits lat1: 15.79 GFLOP/s over the fp32 AVX2 peak 80.69 is 19.6%;
	//   PyTorch eager 99998 ns beats jit 106665 ns: 99998/818.9 = 122.11.
	//   tiny thr256: 5602058/1871553 = 2.99 (throughputs, nngen over PyTorch).
	//   acc_adam: 97.50/98.06 = 0.99.
	checkLines(t, mainTable(lines), []string{
		"| workload | metric | nngen | baseline (gonum) | nngen/baseline | GFLOP/s (nngen) | % of peak | C reference | nngen/C | PyTorch | nngen/PyTorch |",
		"| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
		"| tiny | lat1 | 160 ns | 650 ns | 4.06× | 1.40 | 3.0% | 29.1 ns | 0.18× | 34.8 µs | 217.50× |",
		"| tiny | thr256 | 5.6M/s | 2.4M/s | 2.33× | 1.25 | 2.7% | 49.4M/s | 0.11× | 1.87M/s | 2.99× |",
		"| tiny | train_sgd | 1.44M/s | 689k/s | 2.09× | 0.78 | 1.7% | 8.96M/s | 0.16× | 20.6k/s | 69.87× |",
		"| tiny | train_sgd, steps by hand | 509k/s | 689k/s | 0.74× | 0.28 | 0.6% | 8.96M/s | 0.06× | 20.6k/s | 24.67× |",
		"| digits | lat1 | 819 ns | 3.12 µs | 3.81× | 15.79 | 19.6% | 289 ns | 0.35× | 100 µs | 122.11× |",
		"| digits | thr256 | 1.58M/s | 227k/s | 6.98× | 20.44 | 25.3% | 3.22M/s | 0.49× | 133k/s | 11.87× |",
		"| digits | train_sgd | 246k/s | 66.1k/s | 3.72× | 7.52 | 9.3% | 957k/s | 0.26× | 38.4k/s | 6.40× |",
		"| digits | train_sgd, steps by hand | 233k/s | 66.1k/s | 3.53× | 7.14 | 8.8% | 957k/s | 0.24× | 38.4k/s | 6.08× |",
		"| digits | acc_adam | 97.50% | — | — | — | — | 97.50% | 1.00× | 98.06% | 0.99× |",
		"| digits | train_adam | 228k/s | — | — | — | — | 355k/s | 0.64× | 23.1k/s | 9.89× |",
		"| wide | thr256 | 36.3k/s | 1.54k/s | 23.55× | 48.50 | 60.1% | — | — | — | — |",
	})
	for _, want := range []string{
		"% of peak: nngen's GFLOP/s over this machine's one-thread peak FMA throughput, measured by run-peak.sh in this run: 80.69 GFLOP/s fp32 (AVX2) for the float32 workloads, 46.36 fp64 (AVX2) for the float64 ones",
		"PyTorch 1.13.0a0: bench_torch.py on one thread; its lat1 and thr256, like C's, stop at the logits. Its lat1 is the better of eager and torch.jit.trace: eager for digits; jit for tiny; the other metrics are eager.",
		"PyTorch's BLAS: /usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0, Debian's reference (netlib) BLAS",
		"| wide | thr256, thr256_t2 | 36.3k/s | 43.3k/s | 1.19× | 57.94 |",
	} {
		if !hasLine(lines, want) {
			t.Errorf("no line starting %q", want)
		}
	}
}

// TestAVX512Peak checks the column of the AVX-512 peak, which peak512's
// line after run-peak.sh's adds.
func TestAVX512Peak(t *testing.T) {
	b, err := os.ReadFile("testdata/peak.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	peaks := filepath.Join(t.TempDir(), "peak.jsonl")
	b = append(b, `{"impl":"peak512","threads":1,"fp32_avx512_gflops":161.38,"fp64_avx512_gflops":92.72}`+"\n"...)
	if err := os.WriteFile(peaks, b, 0o666); err != nil {
		t.Fatal(err)
	}
	lines, stderr := table(t, "-go", "testdata/go.txt", "-peak", peaks)
	if stderr != "" {
		t.Errorf("stderr: %s", stderr)
	}
	// tiny lat1: 1.399 GFLOP/s over the fp64 AVX-512 peak 92.72 is 1.5%;
	// digits lat1: 15.79 over the fp32 one, 161.38, is 9.8%.
	rows := mainTable(lines)
	checkLines(t, []string{rows[0], rows[2], rows[6]}, []string{
		"| workload | metric | nngen | baseline (gonum) | nngen/baseline | GFLOP/s (nngen) | % of peak | % of AVX-512 peak | C reference | nngen/C |",
		"| tiny | lat1 | 160 ns | 650 ns | 4.06× | 1.40 | 3.0% | 1.5% | — | — |",
		"| digits | lat1 | 819 ns | 3.12 µs | 3.81× | 15.79 | 19.6% | 9.8% | — | — |",
	})
	if want := "% of AVX-512 peak: the same over the peak with 512-bit vectors, measured by bench/cmd/peak512 in this run: 161.38 GFLOP/s fp32, 92.72 fp64. This processor has AVX-512F, so the matrix products ran their AVX-512 kernels."; !hasLine(lines, want) {
		t.Errorf("no line starting %q", want)
	}
	lines, _ = table(t, "-go", "testdata/go.txt", "-peak", peaks, "-godebug", "madvdontneed=1,cpu.avx512f=off")
	if !strings.HasSuffix(lines[0], ", GOAMD64=v1, GODEBUG=madvdontneed=1,cpu.avx512f=off, -cpu 1") {
		t.Errorf("first line %q does not end with GOAMD64, GODEBUG and -cpu", lines[0])
	}
	if want := "% of AVX-512 peak: the same over the peak with 512-bit vectors, measured by bench/cmd/peak512 in this run: 161.38 GFLOP/s fp32, 92.72 fp64. GODEBUG turned AVX-512F off, so the matrix products ran their AVX2 kernels."; !hasLine(lines, want) {
		t.Errorf("no line starting %q", want)
	}
}

func TestMissingColumns(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.jsonl") // what a failed run-peak.sh or bench_torch.py leaves
	if err := os.WriteFile(empty, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	wantHead := []string{
		"| workload | metric | nngen | baseline (gonum) | nngen/baseline | GFLOP/s (nngen) | C reference | nngen/C |",
		"| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
		"| tiny | lat1 | 160 ns | 650 ns | 4.06× | 1.40 | 29.1 ns | 0.18× |",
	}
	for _, c := range []struct {
		name       string
		args       []string
		wantStderr []string
	}{
		{"not given", nil, nil},
		{"missing", []string{"-peak", filepath.Join(dir, "none.jsonl"), "-torch", filepath.Join(dir, "none.jsonl")},
			[]string{"the table has no % of peak column", "the table has no PyTorch columns"}},
		{"empty", []string{"-peak", empty, "-torch", empty},
			[]string{"no line with \"impl\":\"peak\" and \"threads\":1; the table has no % of peak column", "no PyTorch figures; the table has no PyTorch columns"}},
		{"the wrong files", []string{"-peak", "testdata/torch.jsonl", "-torch", "testdata/peak.jsonl"},
			[]string{"the table has no % of peak column", "the table has no PyTorch columns"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			lines, stderr := table(t, append([]string{"-go", "testdata/go.txt", "-ref", "testdata/reference.jsonl"}, c.args...)...)
			checkLines(t, mainTable(lines)[:len(wantHead)], wantHead)
			for _, w := range c.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not say %q", stderr, w)
				}
			}
			if len(c.wantStderr) == 0 && stderr != "" {
				t.Errorf("stderr: %s", stderr)
			}
			for _, w := range []string{"No % of peak column", "No PyTorch columns"} {
				if !hasLine(lines, w) {
					t.Errorf("no note starting %q", w)
				}
			}
		})
	}
}

func TestCPUInfo(t *testing.T) {
	b, err := os.ReadFile("testdata/cpuinfo")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cpuInfo(string(b)), "AMD EPYC (AuthenticAMD family 25 model 1), avx2+fma, 2 CPUs (2 cores)"; got != want {
		t.Errorf("cpuInfo = %q, want %q", got, want)
	}
}
