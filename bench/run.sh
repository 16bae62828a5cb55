#!/bin/sh
# Runs nngen's benchmark suite and prints the machine, one markdown table of
# the benchmarks (generated code, gonum baseline, the machine's peak, C
# reference, PyTorch) and one of the generation and build costs. The peak
# (../shared/bench/run-peak.sh, and bench/cmd/peak512 where the processor
# has AVX-512), the C reference and PyTorch run in the same session as the
# Go benchmarks; each that is missing or fails leaves its columns out (the C
# ones empty) and says so on stderr.
#
# Usage, from anywhere in the repository:
#   bench/run.sh
#   GOAMD64=v3 bench/run.sh
#   GODEBUG=cpu.avx512f=off bench/run.sh   # the AVX2 kernels on a processor with AVX-512
#   BENCH_FILTER='T1|T2|Thr256' BENCH_BUILD=0 bench/run.sh   # thr256 and the two-thread table only
# Environment (defaults in brackets):
#   BENCH_COUNT  go test -count, runs of each benchmark; the table shows medians [5, as the C reference and bench_torch.py take of lat1 and thr256]
#   BENCH_TIME   go test -benchtime [0.3s]
#   BENCH_CPU    go test -cpu, the GOMAXPROCS of the benchmarks; the C reference is single-threaded [1]
#                (the two-thread benchmarks, *T2, raise GOMAXPROCS to 2 for their own run)
#   BENCH_FILTER go test -bench regexp [.]
#   BENCH_ROUNDS rounds of the Go benchmarks, the C reference and PyTorch in turn; the table
#                shows medians over all of them [1]
#   BENCH_SCALE  time scale of the C reference (run-reference.sh) and of PyTorch (bench_torch.py) [1]
#   BENCH_TORCH  0 skips PyTorch, even where /usr/bin/python3 has torch [1]
#   BENCH_BUILD  0 skips the generation and build table [1]
#   BENCH_OUT    folder for the raw outputs [a new temporary folder]
#   GOAMD64      passed through to go test (v1 … v4)
#   GODEBUG      passed through; cpu.avx512f=off or cpu.avx2=off turn the generated kernels' paths off
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cd "$repo"
out=${BENCH_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/nngen-bench.XXXXXX")}
mkdir -p "$out"
goamd64=$(go env GOAMD64)
cpu=${BENCH_CPU:-1}

echo "nngen benchmark suite: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$repo" status --porcelain 2>/dev/null | grep -q . && echo ' (with local changes)'), raw outputs in $out" >&2

# Build the tools first, so that they do not compile between the benchmark runs.
go build -o "$out/table" ./bench/cmd/table
go build -o "$out/buildtime" ./bench/cmd/buildtime
go build -o "$out/peak512" ./bench/cmd/peak512

# The machine's peak FMA throughput, in the same session as the benchmarks.
peak=""
if [ -x "$repo/../shared/bench/run-peak.sh" ]; then
	echo "peak FMA throughput (../shared/bench/run-peak.sh)..." >&2
	if "$repo/../shared/bench/run-peak.sh" >"$out/peak.jsonl" 2>"$out/peak.stderr"; then
		peak="$out/peak.jsonl"
		# run-peak.sh measures 256-bit FMA; where the kernels run AVX-512,
		# peak512 adds the peak of 512-bit FMA.
		if "$out/peak512" >>"$out/peak.jsonl" 2>>"$out/peak.stderr"; then
			echo "peak FMA throughput with AVX-512 (bench/cmd/peak512)" >&2
		fi
	else
		cat "$out/peak.stderr" >&2
		echo "run-peak.sh failed: the table has no % of peak column" >&2
	fi
else
	echo "no ../shared/bench/run-peak.sh: the table has no % of peak column" >&2
fi

# The one-thread benchmarks run pinned to core 0, as the C reference and
# PyTorch are, so that the three run under the same conditions. The
# two-thread ones (T2), and the one-thread runs (T1) the table sets beside
# them, run on every core.
go test -c -o "$out/bench.test" ./bench
pin="taskset -c 0"
[ "$cpu" = 1 ] || pin=""
gobench() {
	(cd bench && "$@" -test.run '^$' -test.benchmem -test.count "${BENCH_COUNT:-5}" \
		-test.benchtime "${BENCH_TIME:-0.3s}" -test.cpu "$cpu") >>"$out/go.txt" ||
		{ cat "$out/go.txt" >&2; exit 1; }
}

# The C reference, when the shared folder is beside the repository.
ref=""
if [ -x "$repo/../shared/bench/run-reference.sh" ]; then
	ref="$out/reference.jsonl"
else
	echo "no ../shared/bench/run-reference.sh: the table has no C column" >&2
fi

# PyTorch, on one thread pinned to core 0 as the C reference is, where
# Debian's python3-torch is installed.
torch="" torchv="" torchblas=""
py=/usr/bin/python3
if [ "${BENCH_TORCH:-1}" = 0 ]; then
	echo "BENCH_TORCH=0: the table has no PyTorch columns" >&2
elif [ ! -f "$repo/../shared/bench/py/bench_torch.py" ]; then
	echo "no ../shared/bench/py/bench_torch.py: the table has no PyTorch columns" >&2
elif ! "$py" -c 'import torch' 2>/dev/null; then
	echo "no torch for $py (apt-get install -y python3-torch): the table has no PyTorch columns" >&2
else
	torch="$out/torch.jsonl"
	# The version, and the BLAS libraries the process loaded with torch.
	torchv=$("$py" -c 'import torch; print(torch.__version__)' 2>/dev/null) || torchv=""
	torchblas=$("$py" -c 'import os, torch
print(" ".join(sorted({os.path.realpath(l.split()[-1]) for l in open("/proc/self/maps") if "blas" in l.lower() or "mkl" in l.lower()})))' 2>/dev/null) || torchblas=""
	case $torchblas in
	*/blas/libblas.so*) echo "PyTorch runs on the reference (netlib) BLAS, unoptimized; apt-get install libopenblas0-pthread for a fair yardstick" >&2 ;;
	esac
fi

# The rounds: the Go benchmarks, then the C reference and PyTorch right
# after them. With more than one round each table figure is the median
# over all of them, so that a busy minute on a shared machine falls on
# the three alike.
: >"$out/go.txt"
[ -z "$ref" ] || : >"$ref"
[ -z "$torch" ] || : >"$torch"
rounds=${BENCH_ROUNDS:-1} round=1
while [ "$round" -le "$rounds" ]; do
	echo "round $round of $rounds: go test -bench (GOAMD64=$goamd64, -count ${BENCH_COUNT:-5}, -benchtime ${BENCH_TIME:-0.3s}, -cpu $cpu${pin:+, one thread on core 0})..." >&2
	# Pinned, every benchmark but those whose names end in T1 or T2; then those.
	gobench $pin "$out/bench.test" -test.bench "${BENCH_FILTER:-.}" -test.skip 'T[12]$'
	gobench "$out/bench.test" -test.bench "${BENCH_FILTER:-.}" -test.skip '[^T].$|T[^12]$'
	if [ -n "$ref" ]; then
		echo "round $round of $rounds: C reference (../shared/bench/run-reference.sh, BENCH_SCALE=${BENCH_SCALE:-1})..." >&2
		if ! BENCH_SCALE=${BENCH_SCALE:-1} "$repo/../shared/bench/run-reference.sh" >>"$ref"; then
			echo "the C reference failed; the table has no C column" >&2
			ref=""
		fi
	fi
	if [ -n "$torch" ]; then
		echo "round $round of $rounds: PyTorch $torchv${torchblas:+, BLAS $torchblas} (../shared/bench/py/bench_torch.py, BENCH_SCALE=${BENCH_SCALE:-1})..." >&2
		if ! BENCH_SCALE=${BENCH_SCALE:-1} taskset -c 0 "$py" "$repo/../shared/bench/py/bench_torch.py" 1 W1 W2 W3 W4 \
			>>"$torch" 2>"$out/torch.stderr"; then
			tail -n 20 "$out/torch.stderr" >&2
			echo "bench_torch.py failed: the table has no PyTorch columns" >&2
			torch=""
		fi
	fi
	round=$((round + 1))
done

"$out/table" -go "$out/go.txt" ${ref:+-ref "$ref"} ${peak:+-peak "$peak"} \
	${torch:+-torch "$torch" -torch-version "$torchv" -torch-blas "$torchblas"} -goamd64 "$goamd64" -godebug "${GODEBUG:-}" -cpu "$cpu"
[ "$rounds" = 1 ] || echo "Each figure is the median over $rounds rounds of the Go benchmarks, the C reference and PyTorch, taken in turn."

if [ "${BENCH_BUILD:-1}" != 0 ]; then
	echo >&2
	echo "generation and build cost..." >&2
	echo
	"$out/buildtime" -specs bench
fi
