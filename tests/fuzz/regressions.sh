#!/usr/bin/env bash
# Part of make check: replays every saved input under
# tests/fuzz/regressions/<target>/ (crashes make fuzz found, and hostile
# inputs kept on purpose) and the seed corpora through the ordinary
# ASan+UBSan build -- gcc, no libFuzzer -- with tests/fuzz/replay_main.c as
# the driver.  One check per target for its seeds, one per regression
# file.  Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LIB=$BUILD/libmigraph-san.a
OUT=$BUILD/fuzz-replay
CC=${CC:-cc}
# make check has just built it; make is a no-op then, and rebuilds a stale one otherwise.
make --no-print-directory BUILD="$BUILD" "$LIB" >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$OUT"
PKGS="libxml-2.0 yaml-0.1"
FLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Wshadow
  -Wstrict-prototypes -Wmissing-prototypes -Iinclude -Isrc -Itests/fuzz $(pkg-config --cflags $PKGS)
  -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
LIBS="$(pkg-config --libs $PKGS) -lpg_query -lprotobuf-c -lm"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | tail -30; }

for src in tests/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	bin=$OUT/$t
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ "$LIB" -nt "$bin" ] ||
		[ tests/fuzz/fuzz_common.h -nt "$bin" ]; then
		# shellcheck disable=SC2086
		if ! msg=$($CC $FLAGS -o "$bin" "$src" tests/fuzz/replay_main.c "$LIB" $LIBS 2>&1); then
			fail "$t builds" "$msg"
			continue
		fi
	fi
	if [ -d "tests/fuzz/seeds/$t" ]; then
		if msg=$(find "tests/fuzz/seeds/$t" -type f -print0 | xargs -0 -r "$bin" 2>&1); then
			ok "$t: $(find "tests/fuzz/seeds/$t" -type f | wc -l) seeds"
		else
			fail "$t seeds" "$msg"
		fi
	fi
	[ -d "tests/fuzz/regressions/$t" ] || continue
	while IFS= read -r -d '' f; do
		if msg=$(timeout 60 "$bin" "$f" 2>&1); then
			ok "$t: regression $(basename "$f")"
		else
			fail "$t: regression $(basename "$f")" "$msg"
		fi
	done < <(find "tests/fuzz/regressions/$t" -type f -print0 | sort -z)
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
