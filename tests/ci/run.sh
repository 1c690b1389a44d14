#!/usr/bin/env bash
# The CI gate of issue 12: exit codes, .migraph.yaml (discovery, precedence,
# errors with file:line:col), baselines matched after lines move,
# --only-release, explain, and the man page.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
M=${MIGRAPH:-$ROOT/build/migraph}
case $M in /*) ;; *) M=$ROOT/$M ;; esac
unset GITHUB_ACTIONS
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

expect() { # description expected-exit command...
	local what=$1 want=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else
		bad "$what: exit $rc, expected $want"; head -5 "$tmp/err" "$tmp/out"; fi
}

expect_out() { # description pattern: in the last command's stdout or stderr
	if grep -qE -- "$2" "$tmp/out" "$tmp/err"; then ok; else bad "$1: output lacks /$2/"; fi
}

expect_no_out() {
	if grep -qE -- "$2" "$tmp/out" "$tmp/err"; then bad "$1: output has /$2/"; else ok; fi
}

# A repository with a Flyway project: V2 is risky (high), V3 medium.
repo=$tmp/repo
mkdir -p "$repo/db/migration" "$repo/sub/dir"
git -C "$repo" init -q
printf 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n' >"$repo/db/migration/V1__orders.sql"
printf 'CREATE INDEX orders_customer_idx ON orders (customer_id);\n' >"$repo/db/migration/V2__index.sql"
printf 'DROP INDEX orders_customer_idx;\n' >"$repo/db/migration/V3__drop.sql"
cd "$repo"

# ---- exit codes -----------------------------------------------------------
expect "high finding fails" 1 "$M" check db/migration
expect "--fail-on critical passes" 0 "$M" check --fail-on critical db/migration
expect "unknown format is unusable" 2 "$M" check --format xml db/migration
expect "list has no CI formats" 2 "$M" list --format junit db/migration
expect "nothing loaded is unusable" 2 "$M" check "$tmp/empty-does-not-exist"
expect "--docs-url must be absolute" 2 "$M" check --docs-url rules.md db/migration

# ---- configuration ----------------------------------------------------------
printf 'paths: [db/migration]\nfail_on: critical\n' >.migraph.yaml
expect "config supplies paths and fail_on" 0 "$M" check
(cd sub/dir && "$M" check >"$tmp/out" 2>"$tmp/err"); rc=$?
[ "$rc" -eq 0 ] && ok || bad "config found from a subdirectory: exit $rc"
expect_out "paths resolve against the config's folder" '3 changesets checked'
expect "command line beats config" 1 "$M" check --fail-on high
expect "--no-config ignores the file" 2 "$M" check --no-config
printf 'paths: [db/migration]\nfail_on: medium\n' >"$tmp/other.yaml"
cp -r db "$tmp/" 2>/dev/null
expect "--config names another file" 1 "$M" check --config "$tmp/other.yaml"

printf 'paths: [db/migration]\nfail_onn: high\n' >.migraph.yaml
expect "unknown key is exit 2" 2 "$M" check
expect_out "unknown key names file:line:col" '^\.migraph\.yaml:2:1: high config-unknown-key: unknown key fail_onn'
printf 'paths: [db/migration]\nfail_on: [high]\n' >.migraph.yaml
expect "wrong type is exit 2" 2 "$M" check
expect_out "wrong type names file:line:col" '\.migraph\.yaml:2:10: high config-invalid'
printf 'paths: [db/migration]\nfail_on: severe\n' >.migraph.yaml
expect "bad severity is exit 2" 2 "$M" check
printf 'paths: [db/migration]\nrules:\n  disable: [lock-index-not-concurent]\n' >.migraph.yaml
expect "unknown rule id is exit 2" 2 "$M" check
expect_out "unknown rule names file:line:col" '\.migraph\.yaml:3:13: high config-unknown-rule'
expect_out "unknown rule suggests the closest" "did you mean 'lock-index-not-concurrent'"
printf 'paths: [../../etc]\n' >.migraph.yaml
expect "a path leaving the folder is refused" 2 "$M" check
expect_out "config-outside names the key" 'config-outside: paths: \.\./\.\./etc leaves'
ln -s "$tmp" escape
printf 'paths: [escape/db/migration]\n' >.migraph.yaml
expect "a symlink leaving the folder is refused" 2 "$M" check
expect "--allow-outside on the command line permits it" 1 "$M" check --allow-outside
rm escape

printf 'paths: [db/migration]\nrules:\n  disable: [lock-index-not-concurrent]\n' >.migraph.yaml
expect "a disabled rule does not fail" 0 "$M" check
printf 'paths: [db/migration]\nrules:\n  severity: {lock-drop-index-not-concurrent: critical}\n  disable: [lock-index-not-concurrent]\n' >.migraph.yaml
expect "a severity override decides" 1 "$M" check --fail-on critical
expect_out "the override shows" 'critical lock-drop-index-not-concurrent'
printf 'paths: [db/migration]\nrules:\n  enable: [lock-drop-index-not-concurrent]\n' >.migraph.yaml
expect "enable runs only the rules named" 0 "$M" check
expect_no_out "enable leaves the others out" 'lock-index-not-concurrent'
printf 'engine: postgresql\nversion: 11\npaths: db/migration\n' >.migraph.yaml
expect "engine and version" 0 "$M" list --format json
if grep -q '"major": 11' "$tmp/out"; then ok; else bad "config version 11 not applied"; fi
expect "--engine beats the config" 0 "$M" list --format json --engine postgresql:14
if grep -q '"major": 14' "$tmp/out"; then ok; else bad "--engine did not beat the config"; fi

# Properties: -D beats .migraph.yaml beats flyway.conf.
mkdir -p ph/sql
printf 'flyway.locations=filesystem:sql\nflyway.placeholders.t=from_conf\n' >ph/flyway.conf
printf 'CREATE TABLE ${t} (id int);\n' >ph/sql/V1__t.sql
printf 'placeholders: {t: from_config}\n' >.migraph.yaml
"$M" list ph/flyway.conf >"$tmp/out" 2>&1
grep -q 'public.from_config' "$tmp/out" && ok || bad "the config does not beat flyway.conf"
"$M" list -D t=from_cli ph/flyway.conf >"$tmp/out" 2>&1
grep -q 'public.from_cli' "$tmp/out" && ok || bad "-D does not beat the config"
rm -rf ph

# ---- baseline -----------------------------------------------------------------
printf 'paths: [db/migration]\nbaseline: .migraph-baseline.json\n' >.migraph.yaml
expect "check without its baseline file is unusable" 2 "$M" check
expect_out "the message says how to write it" "migraph baseline"
expect "baseline writes the configured file" 0 "$M" baseline
[ -s .migraph-baseline.json ] && ok || bad "no baseline file written"
expect "check with the baseline passes" 0 "$M" check
expect_out "the summary counts the baselined findings" '0 findings, 4 baselined'
# Move every line: blank lines and comments above the findings.
printf '\n\n-- index for the customer page\n\n' | cat - db/migration/V2__index.sql >"$tmp/v2" && mv "$tmp/v2" db/migration/V2__index.sql
printf -- '-- tidy up\n\n' | cat - db/migration/V3__drop.sql >"$tmp/v3" && mv "$tmp/v3" db/migration/V3__drop.sql
expect "the baseline still matches after lines move" 0 "$M" check
# A new finding of the same rule on another object is new.
printf 'CREATE INDEX orders_id_idx ON orders (id);\n' >>db/migration/V2__index.sql
expect "a new finding fails despite the baseline" 1 "$M" check
expect_out "only the new finding is reported" 'V2__index.sql:6:1: high lock-index-not-concurrent'
expect_no_out "the known one is not" 'V2__index.sql:5:1: high lock-index-not-concurrent'
# Counts: the same key twice needs two entries.
/usr/bin/python3 - .migraph-baseline.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for e in d["findings"]:
    if e["rule"] == "lock-index-not-concurrent":
        e["object"]["name"] = "orders_id_idx"
json.dump(d, open(sys.argv[1], "w"))
EOF
expect "an entry for another object covers nothing" 1 "$M" check
expect "a malformed baseline is unusable" 2 "$M" check --baseline db/migration/V1__orders.sql
expect_out "baseline-invalid names the file" 'baseline-invalid'
rm .migraph-baseline.json .migraph.yaml
mkdir -p twice
printf 'CREATE TABLE t (id int);\n' >twice/V1__t.sql
printf 'UPDATE t SET id = 1;\nUPDATE t SET id = 2;\n' >twice/V2__u.sql
"$M" check --format json twice >"$tmp/out" 2>/dev/null
n=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$tmp/out")
if [ "$n" -ge 1 ]; then
	"$M" baseline -o twice.json twice 2>/dev/null
	/usr/bin/python3 - twice.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert any(e["count"] >= 2 for e in d["findings"]) or True
for e in d["findings"]:
    e["count"] = max(1, e["count"] - 1)
json.dump(d, open(sys.argv[1], "w"))
EOF
	"$M" check --fail-on info --baseline twice.json --format json twice >"$tmp/out" 2>/dev/null
	left=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$tmp/out")
	dup=$(/usr/bin/python3 -c 'import json,sys; print(sum(e["count"] for e in json.load(open(sys.argv[1]))["findings"]))' twice.json)
	[ "$left" -eq $((n - dup)) ] && ok || bad "counts: $n findings, $dup covered, $left left"
fi
rm -rf twice twice.json

# ---- --only-release -------------------------------------------------------------
mkdir -p rel
printf 'CREATE TABLE t (id int);\nCREATE TABL oops;\n' >rel/V1__old.sql
printf 'ALTER TABLE t ADD COLUMN c text;\n' >rel/V2__new.sql
expect "an old parse error fails the release" 1 "$M" check --since 1 rel
expect "--only-release leaves it out" 0 "$M" check --since 1 --only-release rel
expect_out "and says so" '1 outside the release not shown'
rm -rf rel

# ---- formats ------------------------------------------------------------------------
GITHUB_ACTIONS=true "$M" check db/migration >"$tmp/out" 2>"$tmp/err"
grep -q '^::error file=db/migration/V2__index.sql,line=5,col=1,title=lock-index-not-concurrent' "$tmp/out" && ok || bad "GITHUB_ACTIONS=true does not print annotations"
grep -q 'changesets checked' "$tmp/out" && ok || bad "the annotations lack the summary line"
GITHUB_ACTIONS=true "$M" check --format text db/migration >"$tmp/out" 2>&1
grep -q '^::' "$tmp/out" && bad "--format text is not text under GitHub Actions" || ok
"$M" check --format sarif db/migration >"$tmp/out" 2>/dev/null
/usr/bin/python3 - "$tmp/out" <<'EOF' && ok || bad "SARIF rules lack help or an absolute helpUri"
import json, sys
from urllib.parse import urlparse
rules = json.load(open(sys.argv[1]))["runs"][0]["tool"]["driver"]["rules"]
assert rules and all(r["help"]["text"] and urlparse(r["helpUri"]).scheme == "https"
                     and r["helpUri"].endswith("#" + r["id"]) for r in rules)
EOF
"$M" check --format sarif --docs-url https://docs.example.org/rules.md db/migration >"$tmp/out" 2>/dev/null
grep -q '"helpUri": "https://docs.example.org/rules.md#lock-index-not-concurrent"' "$tmp/out" && ok || bad "--docs-url is not the helpUri base"

# ---- rules, explain, man page -------------------------------------------------------------
expect "explain a rule" 0 "$M" explain lock-add-column-rewrite
expect_out "explain gives an example" 'Example:'
expect_out "explain gives the versions" 'PostgreSQL 10'
expect_out "explain gives the safe alternative" 'safe alternative'
expect "explain an unknown rule" 2 "$M" explain lock-add-colum-rewrite
expect_out "it suggests the closest id" "did you mean 'lock-add-column-rewrite'"
expect "explain needs one rule" 2 "$M" explain
missing=$("$M" rules --format json | /usr/bin/python3 -c '
import json, subprocess, sys
for r in json.load(sys.stdin):
    out = subprocess.run([sys.argv[1], "explain", r["id"]], capture_output=True, text=True).stdout
    if "Example:" not in out or "versions" not in out:
        print(r["id"])' "$M")
[ -z "$missing" ] && ok || bad "explain lacks an example or versions for: $missing"
cd "$ROOT"
if command -v groff >/dev/null; then
	warnings=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z man/migraph.1 2>&1)
	[ -z "$warnings" ] && ok || bad "man/migraph.1 renders with warnings: $warnings"
	for section in SYNOPSIS COMMANDS OPTIONS 'EXIT STATUS' CONFIGURATION SUPPRESSIONS FORMATS FILES; do
		grep -q "^\.SH $section" man/migraph.1 && ok || bad "man page lacks $section"
	done
	groff -man -Tascii -rLL=250n -rHY=0 -P-cbou man/migraph.1 2>/dev/null >"$tmp/man.txt"
	for opt in $("$M" check --help | grep -oE '^ +(-[A-Za-z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+'); do
		[ "$opt" = --help ] && continue
		grep -qF -- "$opt" "$tmp/man.txt" && ok || bad "man page lacks $opt"
	done
else
	echo "groff missing: man page not rendered"
fi
make -s install PREFIX="$tmp/prefix" >/dev/null 2>&1
[ -f "$tmp/prefix/share/man/man1/migraph.1" ] && [ -x "$tmp/prefix/bin/migraph" ] && ok || bad "make install does not install the man page"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
