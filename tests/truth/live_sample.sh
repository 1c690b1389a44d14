#!/bin/sh
# live_sample.sh: proves that the committed tests/truth/observed/pg15.tsv is
# real and current.  Starts Debian's PostgreSQL 15 as the unprivileged user on
# a private socket and port in a temporary directory (scripts/pg-servers.sh),
# re-observes a representative sample of forms (a concurrent one among them)
# and compares each form's rows with the committed ones.
#
# Last line: "N passed, N failed" (one per form).  When the server cannot be
# started the suite is skipped, except with CI=true, where that is a failure.
set -u
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
SAMPLE=add-column-nullable,add-column-constant-default,add-column-volatile-default,\
type-int-to-bigint,type-varchar-widen,type-timestamp-to-timestamptz-utc,\
type-timestamp-to-timestamptz-not-utc,set-not-null-scan,set-not-null-with-valid-check,\
add-fk,validate-fk,add-unique-using-index,attach-partition-with-check,detach-partition,\
create-table-partition-of,create-index,create-index-concurrently,drop-index-concurrently,\
reindex-index-concurrently,vacuum-full,enum-add-value,set-fillfactor,drop-table-referencing,\
alter-index-rename,grant-select,insert

skip() {
	if [ "${CI:-}" = true ]; then
		echo "cannot start PostgreSQL 15 (CI=true makes this a failure): $1"
		echo "0 passed, 1 failed"
		exit 1
	fi
	echo "skipped: $1"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}

[ -x /usr/lib/postgresql/15/bin/postgres ] || skip "Debian's PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin)"
$PY -c 'import psycopg2' 2>/dev/null || skip "$PY has no psycopg2 (apt-get install python3-psycopg2)"
if [ "$(id -u)" = 0 ] && ! command -v runuser >/dev/null; then skip "runuser is missing"; fi

MARK=$(mktemp -u "${TMPDIR:-/tmp}/migraph-live-XXXXXX")
OUT=$(mktemp "${TMPDIR:-/tmp}/migraph-live-out-XXXXXX")
trap 'rm -f "$MARK" "$OUT"' EXIT
# The marker tells "the server never started" (skip) from "the comparison failed".
timeout 120 scripts/pg-servers.sh --versions 15 -- sh -c ': >"$0"; shift; exec "$@"' "$MARK" _ \
	$PY tests/truth/observe.py --versions 15 --only "$SAMPLE" \
	--compare tests/truth/observed/pg15.tsv >"$OUT" 2>&1
rc=$?
if [ ! -e "$MARK" ]; then
	skip "PostgreSQL 15 did not start: $(grep -v '^ *$' "$OUT" | tail -3 | tr '\n' ' ')"
fi
cat "$OUT"
if ! tail -1 "$OUT" | grep -Eq '^[0-9]+ passed, [0-9]+ failed$'; then
	echo "0 passed, 1 failed"
	exit 1
fi
exit $rc
