#!/usr/bin/env bash
# Command-line contract: help, version, option errors and exit codes.
set -u
cd "$(dirname "$0")/../.."
M=${MIGRAPH:-build/migraph}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect() { # description expected-exit command...
	local what=$1 want=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" -eq "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $what: exit $rc, expected $want"
		head -5 "$tmp/err"
	fi
}

expect_out() { # description pattern (stdout+stderr of the last expect)
	if grep -qE -- "$2" "$tmp/out" "$tmp/err"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $1: output lacks /$2/"
	fi
}

mkdir -p "$tmp/proj"
printf 'CREATE TABLE t (id int);\n' >"$tmp/proj/V1__t.sql"
printf 'CREATE INDEX t_id ON t (id);\n' >"$tmp/proj/V2__idx.sql"

expect "no arguments" 2 "$M"
expect "--version" 0 "$M" --version
expect_out "--version prints the version" '^migraph [0-9]+\.[0-9]+\.[0-9]+'
expect "--help" 0 "$M" --help
expect_out "--help lists commands" 'list'
expect "list --help" 0 "$M" list --help
expect_out "list --help lists options" '--search-path'
expect "check --help" 0 "$M" check --help
expect_out "check --help shows --fail-on" '--fail-on'
expect "unknown command" 2 "$M" frobnicate x
expect "unknown option" 2 "$M" list --no-such-option "$tmp/proj"
expect "no PATH" 2 "$M" list
expect "bad engine" 2 "$M" list --engine oracle:19 "$tmp/proj"
expect "engine out of range" 2 "$M" list --engine postgresql:9 "$tmp/proj"
expect "bad format" 2 "$M" list --format yaml "$tmp/proj"
expect "bad severity" 2 "$M" check --fail-on severe "$tmp/proj"
expect "option for another command" 2 "$M" list --fail-on high "$tmp/proj"
expect "missing value" 2 "$M" list "$tmp/proj" --engine
expect "missing path" 2 "$M" list "$tmp/does-not-exist"
expect_out "missing path is named" 'does-not-exist'
expect "list a project" 0 "$M" list "$tmp/proj"
expect_out "list shows the index" 'create_index public.t_id'
expect "--engine=VALUE form" 0 "$M" list --engine=postgresql:12 "$tmp/proj"
expect "-Dname=value form" 0 "$M" list -Dx=y "$tmp/proj"
expect "-o writes a file" 0 "$M" list --format json -o "$tmp/out.json" "$tmp/proj"
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["changesets"])==2' "$tmp/out.json"; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL -o output is not the JSON document"; fi
expect "check on a project exits 0 or 1" 0 "$M" check --fail-on critical "$tmp/proj"
expect "unwritable -o" 2 "$M" list -o /nonexistent-dir/x.json "$tmp/proj"
# An input diagnostic at or above --fail-on decides the exit code.
printf 'CREATE TABLE (;\n' >"$tmp/proj/V3__broken.sql"
expect "parse error reaches --fail-on high" 1 "$M" check "$tmp/proj"
expect_out "parse error names file and line" 'V3__broken.sql:1'
expect "parse error below --fail-on critical" 0 "$M" check --fail-on critical "$tmp/proj"

# A Liquibase root is looked up through --search-path, as the Liquibase CLI
# does: here it exists only under the second search path, and its identity
# is relative to that search path, whether named through it or absolutely.
mkdir -p "$tmp/lb/first" "$tmp/lb/second/db"
lbx='<?xml version="1.0"?><databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">'
printf '%s<changeSet id="1" author="a"><sql>select 1</sql></changeSet><include file="db/child.xml"/></databaseChangeLog>\n' "$lbx" >"$tmp/lb/second/db/root.xml"
printf '%s<changeSet id="2" author="a"><sql>select 2</sql></changeSet></databaseChangeLog>\n' "$lbx" >"$tmp/lb/second/db/child.xml"
Mabs=$(cd "$(dirname "$M")" && pwd)/$(basename "$M")
identities() { # expected filenames of the JSON in $tmp/out, in order
	/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); got=[c["filename"] for c in d["changesets"]]; sys.exit(got != sys.argv[2:])' "$tmp/out" "$@"
}
expect "root under the second search path" 0 env -C "$tmp/lb" "$Mabs" list --format json --search-path first,second db/root.xml
if identities db/root.xml db/child.xml; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL root through the search path: identity not relative to it"; fi
expect "absolute root" 0 env -C "$tmp/lb" "$Mabs" list --format json --search-path first --search-path second "$tmp/lb/second/db/root.xml"
if identities db/root.xml db/child.xml; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL absolute root: identity not relative to its search path"; fi
expect "root under no search path" 2 env -C "$tmp/lb" "$Mabs" list --search-path first,second db/none.xml
expect_out "missing root names the search paths tried" 'db/none.xml: .*under the search path \(first, second\)'

# Output a repository cannot abuse: a file name with an ANSI escape and a
# newline followed by a forged finding row is shown escaped in text (no raw
# control byte, no row of its own), and percent-encoded as a SARIF URI.
mkdir -p "$tmp/evil"
evil=$(printf 'V2__x\033[31mred\nforged.sql:1:1: critical lock-x: pwned #1.sql')
printf 'CREATE TABLE t (id int);\n' >"$tmp/evil/V1__t.sql"
printf 'SELECT 1;\nCREATE INDEX i ON t (id);\n' >"$tmp/evil/$evil"
expect "check on a hostile file name" 1 "$M" check "$tmp/evil"
if ! LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$tmp/out" && ! grep -q '^forged.sql' "$tmp/out" &&
	grep -qF 'V2__x\x1b[31mred\nforged.sql:1:1: critical lock-x: pwned #1.sql:2:1: ' "$tmp/out"; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL text output shows a hostile file name raw"; fi
expect "sarif on a hostile file name" 1 "$M" check --format sarif "$tmp/evil"
if grep -qF 'V2__x%1B%5B31mred%0Aforged.sql%3A1%3A1%3A%20critical%20lock-x%3A%20pwned%20%231.sql"' "$tmp/out"; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL SARIF URI of a hostile file name is not percent-encoded"; fi
# The CI formats that CI logs show (gcc lines, GitHub workflow commands) escape it too.
for fmt in gcc github; do
	expect "$fmt on a hostile file name" 1 "$M" check --format $fmt "$tmp/evil"
	if ! LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$tmp/out" && ! grep -q '^forged.sql' "$tmp/out" &&
		grep -qF 'V2__x\x1b[31mred' "$tmp/out"; then
		pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL --format $fmt shows a hostile file name raw"; fi
done
# review, plan and graph (formats/review.md).
expect "review --help" 0 "$M" review --help
expect_out "review --help shows --graph" '--graph FILE'
expect "plan --help" 0 "$M" plan --help
expect_out "plan --help shows --emit" '--emit DIR'
expect "graph --help" 0 "$M" graph --help
expect_out "graph --help shows --focus" '--focus'
expect "review of a project" 0 "$M" review "$tmp/proj"
expect_out "review to a pipe is Markdown" '^# Release review'
expect_out "review covers the changesets" '^### 2\. V2 idx'
expect "review -o FILE.json" 0 "$M" review -o "$tmp/review.json" "$tmp/proj"
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["plan"]["steps"]' "$tmp/review.json"; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL review -o FILE.json is not the JSON report with a plan"; fi
expect "review -o FILE.txt" 0 "$M" review -o "$tmp/review.txt" "$tmp/proj"
if grep -q '^Release review$' "$tmp/review.txt" && ! grep -q $'\033' "$tmp/review.txt"; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL review -o FILE.txt is not plain text"; fi
expect "review --color=always" 0 "$M" review --format text --color=always "$tmp/proj"
if grep -q $'\033\[' "$tmp/out"; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL --color=always writes no colour"; fi
# On a terminal (script(1) gives one): text, in colour unless NO_COLOR is set.
if command -v script >/dev/null; then
	script -qec "'$M' review '$tmp/proj'" /dev/null >"$tmp/tty" 2>&1
	if grep -q $'^\033\[1mRelease review' "$tmp/tty"; then
		pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL review on a terminal is not coloured text"; fi
	NO_COLOR=1 script -qec "'$M' review '$tmp/proj'" /dev/null >"$tmp/tty" 2>&1
	if grep -q '^Release review' "$tmp/tty" && ! grep -q $'\033' "$tmp/tty"; then
		pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL NO_COLOR still colours"; fi
fi
expect "plan is the plan sections" 0 "$M" plan "$tmp/proj"
expect_out "plan has section C" '^## C\. Phased rollout plan'
if ! grep -q '^## [AB]\.' "$tmp/out"; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL plan prints sections A or B"; fi
expect "review --format sarif is refused" 2 "$M" review --format sarif "$tmp/proj"
expect_out "the refusal lists review's formats" 'text, json, markdown'
expect "graph --format markdown is refused" 2 "$M" graph --format markdown "$tmp/proj"
expect "review --fail-on does not apply" 2 "$M" review --fail-on high "$tmp/proj"
expect "graph --group bogus" 2 "$M" graph --group bogus "$tmp/proj"
expect "review --color bogus" 2 "$M" review --color sometimes "$tmp/proj"
expect "review --graph with no known extension" 2 "$M" review --graph "$tmp/rollout.bmp" "$tmp/proj"
expect "graph --focus on nothing" 2 "$M" graph --focus no_such "$tmp/proj"
expect "graph to a pipe is DOT" 0 "$M" graph "$tmp/proj"
expect_out "graph prints DOT" '^digraph rollout \{'
expect "graph -o FILE.svg" 0 "$M" graph -o "$tmp/rollout.svg" "$tmp/proj"
if head -c 200 "$tmp/rollout.svg" | grep -q '<svg\|<?xml'; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL graph -o FILE.svg is not SVG"; fi
expect "review of nothing" 2 "$M" review "$tmp/does-not-exist"
expect "plan --emit DIR" 0 "$M" plan --emit "$tmp/emitted" "$tmp/proj"
expect_out "plan --emit says what it wrote" 'wrote [0-9]+ files? under'

# formats/rules.md is the registry's own output: documentation cannot drift.
expect "rules --format markdown" 0 "$M" rules --format markdown
if diff -q "$tmp/out" formats/rules.md >/dev/null; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL formats/rules.md differs from 'migraph rules --format markdown' (regenerate it)"; fi
expect "rules --format json" 0 "$M" rules --format json
if /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert len(r) > 30 and all(x["id"] and x["doc"] for x in r)' "$tmp/out"; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL rules --format json is not the registry"; fi
expect "rules --format bogus" 2 "$M" rules --format bogus

# Every diagnostic code the sources use is documented in formats/diagnostics.md.
undocumented=$(grep -rhoE '"(input|limit|sql|flyway|xml|yaml|lb|liquibase|profile|schema|release|merge)-[a-z0-9-]+"' src |
	tr -d '"' | sort -u | grep -v -x -e sql-check | while read -r code; do
		grep -q "\`$code\`" formats/diagnostics.md || echo "$code"; done)
if [ -z "$undocumented" ]; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL undocumented diagnostic codes: $undocumented"; fi

# Flyway's defaultSchema qualifies every name: the review, the plan, its
# emitted migrations and the diagram say app.orders, never public.orders.
mkdir -p "$tmp/app/sql"
printf 'flyway.defaultSchema=app\nflyway.locations=filesystem:sql\n' >"$tmp/app/flyway.conf"
printf 'CREATE TABLE orders (id bigint PRIMARY KEY, state text);\n' >"$tmp/app/sql/V1__t.sql"
printf '%s\n' "UPDATE orders SET state = 'x' WHERE state IS NULL;" \
	'ALTER TABLE orders ALTER COLUMN state SET NOT NULL;' \
	'CREATE INDEX orders_state ON orders (state);' >"$tmp/app/sql/V2__alter.sql"
for fmt in markdown json; do
	expect "review --format $fmt with defaultSchema=app" 0 "$M" review --since 1 --format "$fmt" "$tmp/app/flyway.conf"
	expect_out "review --format $fmt names app.orders" 'app\.orders'
	if grep -q 'public' "$tmp/out"; then fail=$((fail + 1)); echo "FAIL review --format $fmt with defaultSchema=app says public"; else pass=$((pass + 1)); fi
done
expect "plan --emit with defaultSchema=app" 0 "$M" plan --since 1 --emit "$tmp/app/emit" "$tmp/app/flyway.conf"
if grep -rq 'app\.orders' "$tmp/app/emit" && ! grep -rq 'public' "$tmp/app/emit"; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL plan --emit with defaultSchema=app: app.orders missing or public present"; fi
expect "graph --focus app.orders" 0 "$M" graph --since 1 --focus app.orders "$tmp/app/flyway.conf"
expect_out "graph --focus app.orders keeps the table's steps" 'app\.orders'
if grep -q 'public' "$tmp/out"; then fail=$((fail + 1)); echo "FAIL graph with defaultSchema=app says public"; else pass=$((pass + 1)); fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
