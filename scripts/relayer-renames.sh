#!/usr/bin/env bash
# relayer-renames.sh: the mechanical renames of issue 13 ("names that tell
# you the room"), as one script a branch can run on its own tree before it
# merges a tree that has them.
#
#   scripts/relayer-renames.sh [STEP...]     STEP: engine-files engine sql load
#                                            analyze render (default: all, in order)
#
# Each step is idempotent: run on a tree that already has it, it changes
# nothing.  Identifiers are found, not listed: every name a module's private
# headers (src/MODULE/*.h) use with the public prefix (mg_/MG_) and that no
# public header in include/migraph/ mentions gets the module's own prefix,
# wherever it is used (src, tests, scripts, bench).  So code a branch added
# since is renamed too, as long as it declares its names where the module
# declares the rest.  Files are renamed with `git mv` when git tracks them.
#
# Prefixes (CONTRIBUTING.md, "Names"):
#   engine   pg_*          -> eng_*     and its files pg*.c -> pglock*.c
#   sql      mg_sql_*      -> sql_*     other mg_* -> sql_*      (MG_ -> SQL_)
#   load     mg_lb_*       -> lb_*      mg_flyway_* -> fw_*, other mg_* -> load_*
#   analyze  mg_*          -> an_*
#   render   mg_*          -> rnd_*
set -euo pipefail
cd "$(dirname "$0")/.."

# Tracked code files that may mention a renamed name.
code_files() {
	git ls-files -- src tests scripts bench include Makefile |
		grep -E '\.(c|h|sh|py)$|Makefile$' | grep -v '^scripts/relayer-renames\.sh$'
}

# The identifiers matching a regex in a header's code, comments and strings
# left out: what a private header declares, or a public header promises.
tokens() { # header regex
	python3 -c '
import re, sys
path, pat = sys.argv[1], re.compile(sys.argv[2])
text = open(path, encoding="utf-8").read()
text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
text = re.sub(r"//[^\n]*", " ", text)
text = re.sub(r"\"(\\.|[^\"\\])*\"", "\"\"", text)
for n in sorted(set(re.findall(r"\b[A-Za-z_]\w*", text))):
    if pat.fullmatch(n):
        print(n)
' "$1" "$2"
}

# Names a public header mentions: never renamed.
public_names() {
	for h in include/migraph/*.h; do tokens "$h" '(mg|MG)_\w+'; done | sort -u
}

# mg_/MG_ names of src/MODULE/*.h that no public header mentions.
private_mg_names() {
	local pub
	pub=$(mktemp)
	public_names >"$pub"
	for h in src/"$1"/*.h; do [ -f "$h" ] && tokens "$h" '(mg|MG)_\w+'; done | sort -u |
		comm -23 - "$pub"
	rm -f "$pub"
}

# rename_ids MAPFILE [FILES...]: MAPFILE has "old new" lines; word-bounded
# replacement in FILES, by default every code file that mentions one.
rename_ids() {
	local map=$1
	shift
	[ -s "$map" ] || { echo "  nothing to rename"; return 0; }
	local script files
	script=$(awk '{printf "s/\\b%s\\b/%s/g;", $1, $2}' "$map")
	if [ $# -gt 0 ]; then
		files=$(printf '%s\n' "$@")
	else
		files=$(code_files | xargs grep -lwF -f <(awk '{print $1}' "$map") || true)
	fi
	[ -n "$files" ] && printf '%s\n' "$files" | xargs sed -i -e "$script"
	echo "  renamed $(wc -l <"$map") names in $(printf '%s\n' "$files" | grep -c . || true) files"
}

move() { # old new
	[ -e "$1" ] || return 0
	if git ls-files --error-unmatch "$1" >/dev/null 2>&1; then git mv "$1" "$2"; else mv "$1" "$2"; fi
}

step_engine_files() {
	echo "engine-files: src/engine/pg*.c -> pglock*.c"
	move src/engine/pg.c src/engine/pglock.c
	for f in src/engine/pg_*.c; do
		[ -e "$f" ] || continue
		move "$f" "src/engine/pglock_${f#src/engine/pg_}"
	done
	move src/engine/pg_internal.h src/engine/pglock_internal.h
	# Only the engine's own files name them.
	sed -i -e 's/\bpg_internal\.h\b/pglock_internal.h/g' \
	       -e 's/\bpg_\([a-z]*\)\.c\b/pglock_\1.c/g' \
	       -e 's|src/engine/pg\*\.c|src/engine/pglock*.c|g' -e 's/\bpg\.c\b/pglock.c/g' \
	       src/engine/*.c src/engine/*.h
}

step_engine() {
	echo "engine: pg_* -> eng_*"
	local map
	map=$(mktemp)
	for h in src/engine/*.h; do tokens "$h" 'pg_\w+'; done | sort -u |
		awk '{n = $1; sub(/^pg_/, "eng_", n); print $1, n}' >"$map"
	# The engine and the tests that include its private header (libpg_query's
	# names are never used there; "pg_default", a tablespace, is a string).
	local files
	files=$(ls src/engine/*.[ch]; code_files | grep '^tests/' |
		xargs grep -l '"engine/' || true)
	# shellcheck disable=SC2086
	rename_ids "$map" $files
	rm -f "$map"
}

# step_prefix MODULE FROM:TO...: the module's private mg_ names, each
# renamed by the first rule whose FROM prefix it starts with (the rules
# apply to the upper-case MG_ names in upper case too).
step_prefix() {
	local module=$1
	shift
	echo "$module: internal mg_ names -> $*"
	local map
	map=$(mktemp)
	private_mg_names "$module" | awk -v rules="$*" '
		BEGIN { n = split(rules, r, " ") }
		{
			name = $1
			for (i = 1; i <= n; i++) {
				split(r[i], ft, ":")
				if (index(name, ft[1]) == 1) { print name, ft[2] substr(name, length(ft[1]) + 1); next }
				if (index(name, toupper(ft[1])) == 1) { print name, toupper(ft[2]) substr(name, length(ft[1]) + 1); next }
			}
		}' >"$map"
	rename_ids "$map"
	rm -f "$map"
}

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(engine-files engine sql load analyze render)
for s in "${steps[@]}"; do
	case $s in
	engine-files) step_engine_files ;;
	engine) step_engine ;;
	sql) step_prefix sql mg_sql_:sql_ mg_:sql_ ;;
	load) step_prefix load mg_lb_:lb_ mg_flyway_:fw_ mg_:load_ ;;
	analyze) step_prefix analyze mg_:an_ ;;
	render) step_prefix render mg_:rnd_ ;;
	*) echo "unknown step $s" >&2; exit 2 ;;
	esac
done
