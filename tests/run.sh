#!/usr/bin/env bash
# Runs every test suite once and prints one summary line for all of them.
#
# Each suite reports through its last line, "N passed, N failed[, N skipped]"
# (cmocka binaries are read from their own summary).  A suite that crashes
# or prints no summary counts as one failure.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export MIGRAPH="$PWD/$BUILD/migraph"
export MIGRAPH_SAN="$PWD/$BUILD/migraph-san"
PY=/usr/bin/python3   # Debian's python: it has python3-jsonschema

total_pass=0 total_fail=0 total_skip=0
failed_suites=()

add_counts() { # name pass fail skip
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + $3))
	total_skip=$((total_skip + $4))
	[ "$3" -gt 0 ] && failed_suites+=("$1")
	printf '  %-40s %d passed, %d failed%s\n' "$1" "$2" "$3" \
		"$([ "$4" -gt 0 ] && echo ", $4 skipped")"
}

run_cmocka() { # name binary
	local out rc pass fail
	out=$("$2" 2>&1); rc=$?
	pass=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	fail=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	pass=${pass:-0}; fail=${fail:-0}
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
	if [ "$fail" -gt 0 ]; then printf '%s\n' "$out" | grep -E 'FAIL|ERROR|error|Sanitizer|runtime error' | head -20; fi
	add_counts "$1" "$pass" "$fail" 0
}

run_script() { # name command...
	local name=$1; shift
	local out rc last pass fail skip
	out=$("$@" 2>&1); rc=$?
	last=$(printf '%s\n' "$out" | grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' | tail -1)
	pass=$(printf '%s' "$last" | sed -n 's/.*\b\([0-9][0-9]*\) passed.*/\1/p')
	fail=$(printf '%s' "$last" | sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p')
	skip=$(printf '%s' "$last" | sed -n 's/.* \([0-9][0-9]*\) skipped.*/\1/p')
	pass=${pass:-0}; fail=${fail:-0}; skip=${skip:-0}
	if [ -z "$last" ] || { [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; }; then fail=$((fail + 1)); fi
	if [ "$fail" -gt 0 ] || [ -n "${VERBOSE:-}" ]; then printf '%s\n' "$out" | tail -40; fi
	add_counts "$name" "$pass" "$fail" "$skip"
}

echo "unit tests:"
for t in "$BUILD"/tests/test_*; do [ -x "$t" ] && run_cmocka "unit/$(basename "$t")" "$t"; done
echo "unit tests under ASan+UBSan:"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "$BUILD"/san-tests/test_*; do [ -x "$t" ] && run_cmocka "asan/$(basename "$t")" "$t"; done

echo "end-to-end suites:"
[ -f tests/layers/check.py ] && run_script layers env BUILD="$BUILD" $PY tests/layers/check.py --self-test
run_script golden $PY tests/golden/run.py
run_script cli tests/cli/run.sh
run_script ci tests/ci/run.sh
run_script ci-readme $PY tests/ci/readme_snippets.py
[ -f tests/hostile/run.py ] && run_script hostile $PY tests/hostile/run.py
[ -f tests/hostile/growth.py ] && run_script hostile-growth $PY tests/hostile/growth.py
for s in tests/real/*.py; do [ -f "$s" ] && run_script "real/$(basename "$s" .py)" $PY "$s"; done
for s in tests/real/*.sh; do [ -x "$s" ] && run_script "real/$(basename "$s" .sh)" "$s"; done
[ -f tests/rules/run.py ] && run_script rules $PY tests/rules/run.py
# Every SQL safe alternative of the rule cases runs on PostgreSQL 15 with rows.
run_script rules-pg tests/pg/with_pg.sh rules-pg $PY tests/rules/pg_alternatives.py
run_script graph $PY tests/graph/run.py
[ -f tests/truth/check_model.py ] && run_script truth-model $PY tests/truth/check_model.py
[ -x tests/truth/live_sample.sh ] && run_script truth-live tests/truth/live_sample.sh
# Generated SQL runs on a real PostgreSQL: the harness that does so checks itself first.
run_script pg-harness tests/pg/with_pg.sh pg-harness $PY tests/pg/selftest.py
run_script plan-rewrites tests/pg/with_pg.sh plan-rewrites $PY tests/plan/run.py
run_script plan-liquibase tests/pg/with_pg.sh plan-liquibase $PY tests/plan/liquibase.py
run_script plan-coverage $PY tests/plan/coverage.py
run_script backfill tests/pg/with_pg.sh backfill $PY tests/backfill/run.py
run_script emit tests/pg/with_pg.sh emit $PY tests/emit/run.py
run_script assure tests/pg/with_pg.sh assure $PY tests/assure/run.py
[ -x tests/hostile/valgrind.sh ] && run_script hostile-valgrind tests/hostile/valgrind.sh
[ -x tests/fuzz/regressions.sh ] && run_script fuzz-regressions tests/fuzz/regressions.sh

echo
if [ ${#failed_suites[@]} -gt 0 ]; then
	echo "failing suites: ${failed_suites[*]}"
fi
summary="$total_pass passed, $total_fail failed"
[ "$total_skip" -gt 0 ] && summary="$summary, $total_skip skipped"
echo "$summary"
[ "$total_fail" -eq 0 ]
