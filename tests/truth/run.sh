#!/bin/sh
# run.sh: what `make truth` runs.  Starts PostgreSQL 10-18 through
# scripts/pg-servers.sh and re-observes every form of tests/truth/forms.sql,
# rewriting tests/truth/observed/pgNN.tsv.  Extra arguments go to observe.py
# (e.g. --versions 15 --only add-fk,validate-fk).
set -eu
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3   # Debian's python3: python3-psycopg2 lives there
if ! $PY -c 'import psycopg2' 2>/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y python3-psycopg2 >&2
	else
		echo "run.sh: $PY lacks psycopg2 (apt-get install python3-psycopg2)" >&2
		exit 2
	fi
fi
exec scripts/pg-servers.sh -- $PY tests/truth/observe.py --out tests/truth/observed "$@"
