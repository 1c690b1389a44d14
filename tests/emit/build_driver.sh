#!/bin/sh
# build_driver.sh: builds tests/emit/driver.c (the plan's JSON and emitted
# files for the live tests) against the library and the CLI's objects of
# $BUILD (default build), after `make`.  Prints the driver's path.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
out="$BUILD/tests-emit/driver"
# The CLI's objects for its sources of today (never a stale one), but main.
objs=$(for c in src/cli/*.c; do [ "$c" = src/cli/main.c ] || echo "$BUILD/obj/${c%.c}.o"; done)
if [ ! -x "$out" ] || [ -n "$(find "$BUILD/libmigraph.a" tests/emit/driver.c $objs -newer "$out" 2>/dev/null)" ]; then
	mkdir -p "$BUILD/tests-emit"
	PKGS="libxml-2.0 yaml-0.1 libcgraph libgvc"
	# shellcheck disable=SC2046,SC2086
	cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror -O1 -g \
		-Iinclude -Isrc $(pkg-config --cflags $PKGS) -o "$out" tests/emit/driver.c $objs \
		"$BUILD/libmigraph.a" $(pkg-config --libs $PKGS) -lpg_query -lprotobuf-c -lm
fi
echo "$out"
