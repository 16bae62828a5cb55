#!/bin/sh
# Runs nngen's benchmark suite and prints the machine, one markdown table of
# the benchmarks (generated code, gonum baseline, C reference) and one of
# the generation and build costs.
#
# Usage, from anywhere in the repository:
#   bench/run.sh
#   GOAMD64=v3 bench/run.sh
#   BENCH_FILTER='T1|T2|Thr256' BENCH_BUILD=0 bench/run.sh   # thr256 and the two-thread table only
# Environment (defaults in brackets):
#   BENCH_COUNT  go test -count, runs of each benchmark; the table shows medians [3]
#   BENCH_TIME   go test -benchtime [0.5s]
#   BENCH_CPU    go test -cpu, the GOMAXPROCS of the benchmarks; the C reference is single-threaded [1]
#                (the two-thread benchmarks, *T2, raise GOMAXPROCS to 2 for their own run)
#   BENCH_FILTER go test -bench regexp [.]
#   BENCH_SCALE  time scale of the C reference (run-reference.sh) [1]
#   BENCH_BUILD  0 skips the generation and build table [1]
#   BENCH_OUT    folder for the raw outputs [a new temporary folder]
#   GOAMD64      passed through to go test (v1 … v4)
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

echo "go test -bench (GOAMD64=$goamd64, -count ${BENCH_COUNT:-3}, -benchtime ${BENCH_TIME:-0.5s}, -cpu $cpu)..." >&2
go test -run '^$' -bench "${BENCH_FILTER:-.}" -benchmem \
	-count "${BENCH_COUNT:-3}" -benchtime "${BENCH_TIME:-0.5s}" -cpu "$cpu" \
	./bench >"$out/go.txt" || { cat "$out/go.txt" >&2; exit 1; }

# The C reference, right after, when the shared folder is beside the repository.
ref=""
if [ -x "$repo/../shared/bench/run-reference.sh" ]; then
	echo "C reference (../shared/bench/run-reference.sh, BENCH_SCALE=${BENCH_SCALE:-1})..." >&2
	if BENCH_SCALE=${BENCH_SCALE:-1} "$repo/../shared/bench/run-reference.sh" >"$out/reference.jsonl"; then
		ref="$out/reference.jsonl"
	else
		echo "the C reference failed; the table has no C column" >&2
	fi
else
	echo "no ../shared/bench/run-reference.sh: the table has no C column" >&2
fi

"$out/table" -go "$out/go.txt" ${ref:+-ref "$ref"} -goamd64 "$goamd64" -cpu "$cpu"

if [ "${BENCH_BUILD:-1}" != 0 ]; then
	echo >&2
	echo "generation and build cost..." >&2
	echo
	"$out/buildtime" -specs bench
fi
