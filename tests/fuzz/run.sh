#!/usr/bin/env bash
# make fuzz: builds every libFuzzer target (tests/fuzz/fuzz_*.c) with clang
# -fsanitize=fuzzer,address,undefined against the library sources, then
# runs each for FUZZ_SECONDS (default 300) from its seed corpus
# (tests/fuzz/seeds/<target>/), FUZZ_JOBS targets at a time (default: the
# number of cores).  A crash is copied to tests/fuzz/regressions/<target>/
# so that make check replays it from then on.  Executions reached are
# written to $BUILD/fuzz/results.tsv and summarised at the end; copy them
# into tests/fuzz/RESULTS.md.
#
#   FUZZ_SECONDS=30 tests/fuzz/run.sh             every target, 30 s each
#   tests/fuzz/run.sh fuzz_pg fuzz_lb_xml         only these
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-build}
OUT=$ROOT/$BUILD/fuzz
SECONDS_PER=${FUZZ_SECONDS:-300}
JOBS=${FUZZ_JOBS:-$(nproc)}
CLANG=${CLANG:-clang}

# ---- what the fuzz build needs: clang and its sanitizer runtimes --------
need=()
command -v "$CLANG" >/dev/null || need+=(clang)
rt_ok() {
	echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){(void)d;(void)n;return 0;}' \
		>"$OUT/probe.c" &&
		"$CLANG" -fsanitize=fuzzer,address,undefined "$OUT/probe.c" -o "$OUT/probe" 2>/dev/null
}
mkdir -p "$OUT"
if [ ${#need[@]} -eq 0 ] && ! rt_ok; then need+=(libclang-rt-14-dev); fi
if [ ${#need[@]} -gt 0 ]; then
	[ "${need[0]}" = clang ] && need+=(libclang-rt-14-dev)
	cmd="apt-get install -y --no-install-recommends ${need[*]}"
	if [ "$(id -u)" -eq 0 ]; then
		echo "fuzz: installing ${need[*]}" >&2
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
			DEBIAN_FRONTEND=noninteractive $cmd -qq >&2 || exit 1
	else
		echo "fuzz: missing ${need[*]}; run as root:  sudo apt-get update && sudo $cmd" >&2
		exit 1
	fi
	rt_ok || { echo "fuzz: $CLANG still cannot link -fsanitize=fuzzer" >&2; exit 1; }
fi

# ---- build ---------------------------------------------------------------
PKGS="libxml-2.0 yaml-0.1 libcgraph libgvc"
CFLAGS_ALL="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Isrc
  $(pkg-config --cflags $PKGS) -g -O1 -fno-omit-frame-pointer
  -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
LIBS="$(pkg-config --libs $PKGS) -lpg_query -lprotobuf-c -lm"

targets=()
if [ $# -gt 0 ]; then targets=("$@"); else
	for f in tests/fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
fi

echo "fuzz: building the library with $CLANG (objects in $OUT/obj)"
objs=()
build_failed=0
for src in $(find src -name '*.c' -not -path 'src/cli/*' | sort); do
	o=$OUT/obj/${src%.c}.o
	objs+=("$o")
	if [ ! -f "$o" ] || [ "$src" -nt "$o" ] || [ -n "$(find include src -name '*.h' -newer "$o" -print -quit)" ]; then
		mkdir -p "$(dirname "$o")"
		# shellcheck disable=SC2086
		"$CLANG" $CFLAGS_ALL -c "$src" -o "$o" || build_failed=1
	fi
done
[ "$build_failed" -eq 0 ] || { echo "fuzz: library build failed" >&2; exit 1; }
for t in "${targets[@]}"; do
	# shellcheck disable=SC2086
	"$CLANG" $CFLAGS_ALL -fsanitize=fuzzer -Itests/fuzz "tests/fuzz/$t.c" "${objs[@]}" $LIBS \
		-o "$OUT/$t" || { echo "fuzz: $t does not build" >&2; exit 1; }
done

# ---- run -----------------------------------------------------------------
# Dictionaries and corpora live under $OUT; the seeds in the tree are never
# written to, so a run does not dirty the working tree.
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_one() {
	local t=$1 corpus=$OUT/corpus/$1 log=$OUT/$1.log
	# Crashes of an earlier run were copied then: count this run's only.
	rm -rf "$OUT/crashes/$t"
	mkdir -p "$corpus" "$OUT/crashes/$t"
	local seeds=tests/fuzz/seeds/$t
	[ -d "$seeds" ] || seeds=
	local dict=()
	[ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
	"$OUT/$t" "${dict[@]}" -max_total_time="$SECONDS_PER" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 -artifact_prefix="$OUT/crashes/$t/" \
		"$corpus" $seeds >"$log" 2>&1
	local rc=$?
	local execs cov
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | sed 's/cov: //')
	local crashes
	crashes=$(find "$OUT/crashes/$t" -type f | wc -l)
	if [ "$crashes" -gt 0 ]; then
		mkdir -p "tests/fuzz/regressions/$t"
		cp "$OUT/crashes/$t"/* "tests/fuzz/regressions/$t/"
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$SECONDS_PER" "${execs:-0}" "${cov:-0}" \
		"$crashes" "$rc" >"$OUT/$t.result"
}

echo "fuzz: running ${#targets[@]} targets for ${SECONDS_PER}s each, $JOBS at a time"
running=0
for t in "${targets[@]}"; do
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait

printf 'target\tseconds\texecutions\tcoverage\tcrashes\texit\n' >"$OUT/results.tsv"
for t in "${targets[@]}"; do cat "$OUT/$t.result" >>"$OUT/results.tsv"; done
column -t -s $'\t' "$OUT/results.tsv"
bad=$(awk -F'\t' 'NR > 1 && ($5 > 0 || $6 != 0) {print $1}' "$OUT/results.tsv")
passed=$(awk -F'\t' 'NR > 1 && $5 == 0 && $6 == 0' "$OUT/results.tsv" | wc -l)
failed=$(awk -F'\t' 'NR > 1 && ($5 > 0 || $6 != 0)' "$OUT/results.tsv" | wc -l)
if [ -n "$bad" ]; then
	echo "fuzz: crashes or errors in: $bad (logs in $OUT/<target>.log; inputs copied to tests/fuzz/regressions/)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
