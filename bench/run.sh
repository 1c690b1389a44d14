#!/usr/bin/env bash
# make bench: migraph side by side with squawk (npm squawk-cli) on the
# Flyway corpora and large single files, with Liquibase 4.28 (npm
# liquibase@4.28.1, Debian's JDK, offline changelog-sync-sql) on the
# Liquibase corpora, and with the raw parsers alone (libpg_query, libxml2,
# libyaml); then synthetic projects of 1k, 10k and 100k changesets.
# Never part of make check.  See bench/README.md.
#
#   BENCH_ROUNDS=5 BENCH_LB_ROUNDS=3 BENCH_SIZES=1000,10000,100000 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=bench/out

# ---- what the benchmark needs ------------------------------------------
apt_need=()
command -v java >/dev/null || apt_need+=(default-jre-headless)
command -v npm >/dev/null || apt_need+=(npm)
[ -x /usr/bin/time ] || apt_need+=(time)
if [ ${#apt_need[@]} -gt 0 ]; then
	cmd="apt-get install -y --no-install-recommends ${apt_need[*]}"
	if [ "$(id -u)" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive $cmd -qq
	else
		echo "bench: missing ${apt_need[*]}; run as root:  sudo apt-get update && sudo $cmd" >&2
		exit 1
	fi
fi
if [ ! -x bench/node_modules/.bin/squawk ] ||
	[ ! -x bench/node_modules/liquibase/dist/liquibase/liquibase ]; then
	echo "bench: installing squawk-cli and liquibase@4.28.1 under bench/node_modules" >&2
	npm install --prefix bench --no-audit --no-fund squawk-cli@2.66.0 liquibase@4.28.1 >&2
fi

# ---- builds: migraph and the raw parsers --------------------------------
make --no-print-directory BUILD="$BUILD" all >&2
mkdir -p "$OUT/bin"
cc -O2 -o "$OUT/bin/raw_pg" bench/raw_pg.c -lpg_query -lprotobuf-c
cc -O2 $(pkg-config --cflags libxml-2.0) -o "$OUT/bin/raw_xml" bench/raw_xml.c $(pkg-config --libs libxml-2.0)
cc -O2 -o "$OUT/bin/raw_yaml" bench/raw_yaml.c -lyaml

echo "migraph $("$BUILD/migraph" --version 2>/dev/null | head -1), $(bench/node_modules/.bin/squawk --version),"\
	"Liquibase 4.28.0 on $(java -version 2>&1 | head -1), $(nproc) cores, $(date -u +%Y-%m-%d)"
MIGRAPH="$PWD/$BUILD/migraph" exec /usr/bin/python3 bench/bench.py
