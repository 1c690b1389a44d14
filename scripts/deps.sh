#!/usr/bin/env bash
# Installs the Debian packages migraph needs, when they are missing.
# As root it runs apt-get; otherwise it prints the exact command and fails,
# so that nothing depends on what happens to be installed.
#
#   scripts/deps.sh build     libraries and tools to build migraph
#   scripts/deps.sh check     plus what the test suites need
set -euo pipefail

build_pkgs=(gcc make pkg-config libxml2-dev libyaml-dev libpg-query-dev
            libprotobuf-c-dev libgraphviz-dev)
check_pkgs=(libcmocka-dev python3 python3-jsonschema python3-psycopg2 python3-yaml git
            valgrind postgresql groff-base man-db nodejs)

want=("${build_pkgs[@]}")
if [ "${1:-build}" = check ]; then
	want+=("${check_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing+=("$p") ;;
	esac
done

[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
	echo "deps: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
	echo "deps: missing Debian packages: ${missing[*]}" >&2
	echo "deps: run as root:  sudo apt-get update && sudo $cmd" >&2
	exit 1
fi
