#!/bin/sh
# with_pg.sh: runs a test suite with Debian's PostgreSQL 15 started on a
# private socket (scripts/pg-servers.sh), for suites that execute generated
# SQL through tests/pg/pglive.py.
#
#   tests/pg/with_pg.sh NAME CMD ARGS...
#
# The suite prints its own "N passed, N failed" last line.  When no server
# can be started here (no PostgreSQL 15, no psycopg2, not allowed to create
# the unprivileged user), the suite is skipped with one line saying why;
# with CI=true that is a failure instead, so CI never passes by skipping.
set -u
cd "$(dirname "$0")/../.."
name=$1; shift

skip() {
	if [ "${CI:-}" = true ]; then
		echo "$name: cannot start PostgreSQL 15 (CI=true makes this a failure): $1"
		echo "0 passed, 1 failed"
		exit 1
	fi
	echo "$name: skipped: $1"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}

[ -x /usr/lib/postgresql/15/bin/postgres ] || skip "Debian's PostgreSQL 15 is not installed"
if [ "$(id -u)" = 0 ] && ! command -v runuser >/dev/null; then skip "runuser is missing"; fi

MARK=$(mktemp -u "${TMPDIR:-/tmp}/migraph-pg-mark-XXXXXX")
OUT=$(mktemp "${TMPDIR:-/tmp}/migraph-pg-out-XXXXXX")
trap 'rm -f "$MARK" "$OUT"' EXIT
# The marker tells "the server never started" (skip) from "the suite failed".
timeout "${PG_SUITE_TIMEOUT:-900}" scripts/pg-servers.sh --versions 15 -- \
	sh -c ': >"$0"; shift; exec "$@"' "$MARK" _ "$@" >"$OUT" 2>&1
rc=$?
if [ ! -e "$MARK" ]; then
	skip "PostgreSQL 15 did not start: $(grep -v '^ *$' "$OUT" | tail -3 | tr '\n' ' ')"
fi
cat "$OUT"
if ! tail -1 "$OUT" | grep -Eq '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed'; then
	echo "0 passed, 1 failed"
	exit 1
fi
exit $rc
