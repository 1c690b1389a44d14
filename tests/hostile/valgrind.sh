#!/usr/bin/env bash
# Part of make check: the small cases of the hostile catalogue
# (tests/hostile/run.py) again, each under valgrind memcheck with
# --error-exitcode and --leak-check=full.  Suppressions
# (tests/hostile/valgrind.supp) name only third-party frames.  Prints
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
MIGRAPH=${MIGRAPH:-$PWD/$BUILD/migraph}
if ! command -v valgrind >/dev/null; then
	echo "valgrind: not installed (scripts/deps.sh check installs it)"
	echo "0 passed, 1 failed"
	exit 1
fi
export MIGRAPH
export MIGRAPH_SAN=/nonexistent
export HOSTILE_WRAP="valgrind -q --error-exitcode=99 --leak-check=full
  --errors-for-leak-kinds=definite,indirect,possible --show-leak-kinds=definite,indirect,possible
  --track-origins=yes --suppressions=$PWD/tests/hostile/valgrind.supp"
exec /usr/bin/python3 tests/hostile/run.py
