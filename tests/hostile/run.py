#!/usr/bin/python3
"""Hostile and broken input: each case must end in the diagnostic it names
(or a clean partial result), never a crash or a hang, and the rest of the
project must still be analysed.

Every case is a small project built in a temporary directory next to a
good migration: V9__good.sql for Flyway, a changeset creating table "good"
in the root changelog for Liquibase.  The case passes when migraph exits
normally with JSON output, every expected diagnostic code is present with
a file (and, for limits, names the option that raises it), and table
"good" is still analysed.  Small cases also run under the ASan+UBSan
build (MIGRAPH_SAN) when it exists.  Large inputs (the 200 MB file, the
100,000 migrations) are generated here, never committed.

The catalogue of issue 6: XML external entities and XXE reaching a local
file, billion laughs, a DTD on the network, YAML alias bombs, nesting
100,000 deep, include cycles, includeAll through a symlink loop, paths
escaping the project, a 200 MB SQL file, NUL bytes, invalid UTF-8, UTF-16
with a BOM, CRLF and mixed line endings, unterminated quotes, dollar
quotes and comments, merge-conflict markers, 100,000 migrations in one
directory, and one case per explicit limit (--max-*).

Hostile repositories (issue 11): the exec-, outside- and output- cases near
the end; tests/hostile/README.md is the threat model and says which test
holds each promise.
"""
import json
import re
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIGRAPH = os.environ.get("MIGRAPH", os.path.join(ROOT, "build", "migraph"))
MIGRAPH_SAN = os.environ.get("MIGRAPH_SAN", os.path.join(ROOT, "build", "migraph-san"))
# tests/hostile/valgrind.sh sets HOSTILE_WRAP to its valgrind command line: then only
# the small cases run (those that also run under the sanitizers), each under it.
WRAP = os.environ.get("HOSTILE_WRAP", "").split()
GOOD = "CREATE TABLE good (id bigint PRIMARY KEY);\n"

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def run(binary, args, timeout):
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1", UBSAN_OPTIONS="halt_on_error=1")
    return subprocess.run(WRAP + [binary] + args, capture_output=True, timeout=timeout, env=env)


def has_good_table(doc):
    for cs in doc["changesets"]:
        for st in cs["statements"]:
            for op in st["operations"]:
                if op["kind"] == "create_table" and op["object"]["name"] == "good":
                    return True
    return False


def case(name, files, expect_codes=(), sanitizers=True, timeout=60, extra=None, root=None,
         args=(), option=None, max_seconds=None, need_good=True):
    """files: {relative path: bytes or callable(path)}; expect_codes: diagnostic codes
    that must appear (a tuple means any one of them).  root: the PATH given to migraph,
    relative to the project (default: the project directory itself, a Flyway location).
    option: the command-line option a limit diagnostic must name (message or hint).
    max_seconds: wall time the plain build must stay under.  need_good=False when a
    limit rightly cuts the good migration too (the extra check then proves the rest)."""
    tmp = tempfile.mkdtemp(prefix="migraph-hostile-")
    try:
        proj = os.path.join(tmp, "db")
        os.makedirs(proj)
        with open(os.path.join(proj, "V9__good.sql"), "w") as f:
            f.write(GOOD)
        for rel, content in files.items():
            path = os.path.join(proj, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if callable(content):
                content(path)
            else:
                with open(path, "wb") as f:
                    f.write(content)
        target = os.path.join(proj, root) if root else proj
        args = [a.replace("{proj}", proj) for a in args]
        if root:  # a Liquibase root: its includes resolve under the project only
            args = ["--search-path", proj] + args
        binaries = [("", MIGRAPH)]
        if sanitizers and os.path.exists(MIGRAPH_SAN):
            binaries.append((" [asan]", MIGRAPH_SAN))
        if WRAP:
            if not sanitizers:
                return
            binaries = [(" [valgrind]", MIGRAPH)]
            timeout *= 10
        for tag, binary in binaries:
            label = name + tag
            started = time.monotonic()
            try:
                p = run(binary, ["list", "--format", "json"] + list(args) + [target], timeout)
            except subprocess.TimeoutExpired:
                check(label, False, "(timed out: a hang)")
                continue
            elapsed = time.monotonic() - started
            err = p.stderr.decode(errors="replace")
            if (p.returncode < 0 or p.returncode > 2 or "Sanitizer" in err or "runtime error" in err
                    or "definitely lost" in err or "Invalid read" in err or "uninitialised" in err):
                check(label, False, f"(exit {p.returncode}) {err[:800]}")
                continue
            try:
                doc = json.loads(p.stdout)
            except ValueError as e:
                check(label, False, f"(output is not JSON: {e})")
                continue
            codes = {d["code"] for d in doc["diagnostics"]}
            missing = [c for c in expect_codes if not (set(c) & codes if isinstance(c, tuple) else c in codes)]
            if missing:
                check(label, False, f"(missing diagnostics {missing}; got {sorted(codes)})")
                continue
            wanted = {c for e in expect_codes for c in (e if isinstance(e, tuple) else (e,))}
            located = all(d["file"] for d in doc["diagnostics"] if d["code"] in wanted)
            if not located:
                check(label, False, "(a diagnostic has no file)")
                continue
            if option and not any(option in (d["message"] or "") + (d.get("hint") or "")
                                  for d in doc["diagnostics"] if d["code"] in wanted):
                check(label, False, f"(no {sorted(wanted)} diagnostic names {option})")
                continue
            if need_good and not has_good_table(doc):
                check(label, False, "(the good migration was not analysed)")
                continue
            if extra:
                problem = extra(doc)
                if problem:
                    check(label, False, f"({problem})")
                    continue
            if max_seconds and not tag and elapsed > max_seconds:
                check(label, False, f"(took {elapsed:.1f} s, more than {max_seconds} s)")
                continue
            check(label + (f" ({elapsed:.1f} s)" if max_seconds and not tag else ""), True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def empty_is_listed(doc):
    names = [cs.get("script") for cs in doc["changesets"]]
    return None if any(n and n.endswith("V1__empty.sql") for n in names) else "empty migration not listed"


def symlink_loop(path):
    os.makedirs(path, exist_ok=True)
    os.symlink("..", os.path.join(path, "loop"))


def big_file_case(name, size_mb, timeout):
    """A generated migration of size_mb MB, read through the text summary:
    its JSON would be gigabytes, and the proof needed is the statement count."""
    tmp = tempfile.mkdtemp(prefix="migraph-hostile-")
    try:
        proj = os.path.join(tmp, "db")
        os.makedirs(proj)
        with open(os.path.join(proj, "V9__good.sql"), "w") as f:
            f.write(GOOD)
        stmt = b"INSERT INTO good (id) VALUES (1);\n"
        n = (size_mb * 1024 * 1024) // len(stmt) + 1
        with open(os.path.join(proj, "V2__big.sql"), "wb") as f:
            f.write(b"CREATE TABLE big (id bigint);\n")
            f.write(stmt * n)
        try:
            p = subprocess.run([MIGRAPH, "list", proj], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            check(name, False, "(timed out: a hang)")
            return
        tail = p.stdout[-2000:].decode(errors="replace")
        m = re.search(r"(\d+) changesets, (\d+) statements \((\d+) not parsed\)", tail)
        if p.returncode != 0 or not m:
            check(name, False, f"(exit {p.returncode}) {tail[-300:]}")
            return
        stmts, failed = int(m.group(2)), int(m.group(3))
        want = n + 2  # CREATE TABLE big, the inserts, and V9's CREATE TABLE
        check(name, stmts == want and failed == 0, f"({stmts} statements, {failed} not parsed, want {want})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


case("empty file", {"V1__empty.sql": b""}, extra=empty_is_listed)
case("whitespace and comments only", {"V1__blank.sql": b"\n  -- nothing\n/* nothing */\n"})
case("binary junk with NUL bytes", {"V1__junk.sql": bytes(range(256)) * 8},
     expect_codes=[("sql-binary-content", "sql-parse-error", "sql-invalid-utf8")])
case("invalid UTF-8", {"V1__bad_utf8.sql": b"CREATE TABLE caf\xe9 (id int);\nSELECT 1;\n"},
     expect_codes=[("sql-invalid-utf8", "sql-parse-error")])
case("unterminated dollar quote",
     {"V1__dollar.sql": b"CREATE TABLE a (id int);\nDO $$ BEGIN PERFORM 1;\n"},
     expect_codes=["sql-parse-error"])
case("unterminated string", {"V1__quote.sql": b"INSERT INTO good VALUES ('oops);\n"},
     expect_codes=["sql-parse-error"])
case("unterminated comment", {"V1__comment.sql": b"SELECT 1; /* never closed\n"},
     expect_codes=[("sql-parse-error", "sql-unterminated")])
case("merge-conflict markers",
     {"V1__conflict.sql": b"<<<<<<< HEAD\nCREATE TABLE a (id int);\n=======\nCREATE TABLE a (id bigint);\n>>>>>>> topic\n"},
     expect_codes=["sql-parse-error"])
case("directory loop through a symlink", {"sub": symlink_loop},
     expect_codes=["flyway-symlink-loop"], timeout=30)
if not WRAP:  # too big for valgrind; the plain build proves it
    big_file_case("50 MB migration analysed in full with the default limits", 50, timeout=300)

# ---- The catalogue of issue 6 ---------------------------------------------

XMLNS = '<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">\n'
GOOD_CS = ('<changeSet id="good" author="hostile"><createTable tableName="good">'
           '<column name="id" type="bigint"/></createTable></changeSet>\n')
GOOD_YAML = ("- changeSet:\n    id: good\n    author: hostile\n    changes:\n"
             "    - createTable: {tableName: good, columns: [{column: {name: id, type: bigint}}]}\n")


def lb_root(*includes, tail=""):
    """A root changelog: the given include lines, then the good changeset."""
    return (XMLNS + "".join(includes) + GOOD_CS + tail + "</databaseChangeLog>\n").encode()


def include(path):
    return f'<include file="{path}" relativeToChangelogFile="true"/>\n'


def stmt_lines(script):
    """extra(): the lines of the statements of one script, in order."""
    def lines(doc):
        for cs in doc["changesets"]:
            if (cs.get("script") or cs.get("file") or "").endswith(script):
                return [st["line"] for st in cs["statements"]]
        return None
    return lines


def expect_lines(script, want):
    def extra(doc):
        got = stmt_lines(script)(doc)
        return None if got == want else f"{script}: statement lines {got}, want {want}"
    return extra


def first_statement_kept(script):
    """extra(): the statement before the broken one is still analysed."""
    def extra(doc):
        got = stmt_lines(script)(doc)
        return None if got and got[0] == 1 else f"{script}: statement at line 1 lost ({got})"
    return extra


def no_changeset(ident):
    def extra(doc):
        ids = [cs.get("id") for cs in doc["changesets"]]
        return f"changeset {ident} should not be loaded" if ident in ids else None
    return extra


def all_of(*checks):
    def extra(doc):
        for c in checks:
            problem = c(doc)
            if problem:
                return problem
        return None
    return extra


# XML: entities are never expanded, external ones never loaded, the network
# never touched (203.0.113.0/24 is TEST-NET-3: a connection would hang until
# the timeout, which fails the case).
SECRET = "hostile-secret-4f1c9e"
SECRET_DIR = tempfile.mkdtemp(prefix="migraph-hostile-secret-")
SECRET_FILE = os.path.join(SECRET_DIR, "secret.txt")
with open(SECRET_FILE, "w") as f:
    f.write(SECRET + "\n")


def secret_not_read(doc):
    return "the local file reached the output (XXE)" if SECRET in json.dumps(doc) else None


XXE = (f'<?xml version="1.0"?>\n<!DOCTYPE databaseChangeLog [\n'
       f'  <!ENTITY xxe SYSTEM "file://{SECRET_FILE}">\n]>\n' + XMLNS +
       '<changeSet id="xxe" author="hostile"><sql>SELECT \'&xxe;\'</sql></changeSet>\n'
       '</databaseChangeLog>\n').encode()
XXE_PARAM = (f'<?xml version="1.0"?>\n<!DOCTYPE databaseChangeLog [\n'
             f'  <!ENTITY % ext SYSTEM "file://{SECRET_FILE}">\n  %ext;\n]>\n' + XMLNS +
             '</databaseChangeLog>\n').encode()
LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' +
          "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
                  for i in range(1, 10)) +
          ']>\n' + XMLNS + '<changeSet id="laughs" author="hostile"><sql>SELECT \'&lol9;\'</sql>'
          '</changeSet>\n</databaseChangeLog>\n').encode()
NET_DTD = ('<?xml version="1.0"?>\n<!DOCTYPE databaseChangeLog SYSTEM "http://203.0.113.7/evil.dtd">\n'
           + XMLNS + '<changeSet id="dtd" author="hostile"><sql>SELECT 1</sql></changeSet>\n'
           '</databaseChangeLog>\n').encode()
NET_SCHEMA = (XMLNS.replace('>\n', ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
              'xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog '
              'http://203.0.113.7/dbchangelog.xsd">\n') +
              '<changeSet id="xsd" author="hostile"><sql>SELECT 1</sql></changeSet>\n'
              '</databaseChangeLog>\n').encode()

case("XXE reaching a local file", {"xxe.xml": XXE, "root.xml": lb_root(include("xxe.xml"))},
     expect_codes=["xml-entity"], root="root.xml", extra=secret_not_read, timeout=30)
case("XXE through a parameter entity", {"p.xml": XXE_PARAM, "root.xml": lb_root(include("p.xml"))},
     expect_codes=["xml-entity"], root="root.xml", extra=secret_not_read, timeout=30)
case("billion laughs", {"laughs.xml": LAUGHS, "root.xml": lb_root(include("laughs.xml"))},
     expect_codes=["xml-entity"], root="root.xml", timeout=30)
case("DTD on the network", {"dtd.xml": NET_DTD, "root.xml": lb_root(include("dtd.xml"))},
     expect_codes=["xml-dtd"], root="root.xml", timeout=20,
     extra=lambda d: None if any(cs.get("id") == "dtd" for cs in d["changesets"])
     else "the changeset of the file with the DTD was not analysed")
case("XML schema location on the network (never fetched)",
     {"xsd.xml": NET_SCHEMA, "root.xml": lb_root(include("xsd.xml"))}, root="root.xml", timeout=20,
     extra=lambda d: None if any(cs.get("id") == "xsd" for cs in d["changesets"])
     else "the changeset with a remote schemaLocation was not analysed")

# YAML: aliases are counted as they would expand; nesting is bounded.
BOMB = ("databaseChangeLog:\n- changeSet:\n    id: bomb\n    author: hostile\n    x:\n"
        "      a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" +
        "".join(f"      a{i}: &a{i} [{', '.join(['*a%d' % (i - 1)] * 9)}]\n" for i in range(1, 10)))
case("YAML alias bomb", {"bomb.yaml": BOMB.encode(),
                         "root.xml": lb_root(include("bomb.yaml"))},
     expect_codes=["yaml-alias-limit"], root="root.xml", option="--max-alias-expansion", timeout=30)
case("YAML nested 100,000 deep",
     {"deep.yaml": ("databaseChangeLog:\n- changeSet:\n    id: deep\n    author: hostile\n    x: " +
                    "[" * 100000 + "]" * 100000 + "\n").encode(),
      "root.xml": lb_root(include("deep.yaml"))},
     expect_codes=["limit-nesting"], root="root.xml", option="--max-nesting-depth", timeout=30)
case("JSON nested 100,000 deep",
     {"deep.json": ('{"databaseChangeLog": [{"changeSet": {"id": "deep", "author": "h", "x": ' +
                    "[" * 100000 + "]" * 100000 + "}}]}\n").encode(),
      "root.xml": lb_root(include("deep.json"))},
     expect_codes=["limit-nesting"], root="root.xml", option="--max-nesting-depth", timeout=30)
# libxml2 refuses more than 256 levels itself (XML_PARSE_HUGE is off), below
# the default --max-nesting-depth of 1000: that is a parse error, not ours.
case("XML nested 100,000 deep",
     {"deep.xml": (XMLNS + '<changeSet id="deep" author="h">' + "<a>" * 100000 + "</a>" * 100000 +
                   "</changeSet>\n</databaseChangeLog>\n").encode(),
      "root.xml": lb_root(include("deep.xml"))},
     expect_codes=[("limit-nesting", "xml-parse")], root="root.xml", timeout=30)
case("YAML changelog with the good changeset after an alias to nowhere",
     {"root.yaml": ("databaseChangeLog:\n" + GOOD_YAML).encode(),
      "bad.yaml": b"databaseChangeLog:\n- changeSet: *nowhere\n"},
     root="root.yaml", timeout=30)


# Includes: cycles, symlink loops, paths leaving the project.
def symlink_loop_dir(path):
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "one.xml"), "wb") as f:
        f.write((XMLNS + '<changeSet id="one" author="h"><sql>SELECT 1</sql></changeSet>\n'
                 '</databaseChangeLog>\n').encode())
    os.symlink("..", os.path.join(path, "loop"))
    os.symlink(".", os.path.join(path, "self"))


def loaded_once(ident):
    def extra(doc):
        n = sum(1 for cs in doc["changesets"] if cs.get("id") == ident)
        if n != 1:
            return f"changeset {ident} loaded {n} times"
        if any(d["code"] == "lb-duplicate-changeset" for d in doc["diagnostics"]):
            return "the loop loaded a file twice"
        return None
    return extra


case("include cycle", {"a.xml": lb_root(include("b.xml")),
                       "b.xml": (XMLNS + include("c.xml") + "</databaseChangeLog>\n").encode(),
                       "c.xml": (XMLNS + include("a.xml") + "</databaseChangeLog>\n").encode()},
     expect_codes=["lb-include-cycle"], root="a.xml", timeout=30)
case("include of itself", {"a.xml": lb_root(include("a.xml"))},
     expect_codes=["lb-include-cycle"], root="a.xml", timeout=30)
# The includeAll walk does not follow symbolic links (a link may loop or
# leave the project) and says so; the loop is never entered and nothing is
# loaded twice.
case("includeAll through a symlink loop",
     {"all": symlink_loop_dir,
      "root.xml": lb_root('<includeAll path="all/" relativeToChangelogFile="true"/>\n')},
     expect_codes=["lb-includeall-symlink"],
     root="root.xml", timeout=30, extra=loaded_once("one"))
case("include paths escaping the project",
     {"root.xml": lb_root(include("../../../../../etc/passwd.xml"),
                          f'<include file="{SECRET_FILE}"/>\n',
                          '<includeAll path="../../" relativeToChangelogFile="true"/>\n',
                          tail='<changeSet id="s" author="h"><sqlFile path="../../../etc/passwd" '
                               'relativeToChangelogFile="true"/></changeSet>\n')},
     expect_codes=["input-path-outside"], root="root.xml", timeout=30, extra=secret_not_read)
case("Liquibase changelog with merge-conflict markers",
     {"conflict.xml": (XMLNS + "<<<<<<< HEAD\n" + '<changeSet id="x" author="h"><sql>SELECT 1</sql>'
                       "</changeSet>\n=======\n>>>>>>> topic\n</databaseChangeLog>\n").encode(),
      "root.xml": lb_root(include("conflict.xml"))},
     expect_codes=["merge-conflict-markers"], root="root.xml", timeout=30)
case("YAML changelog with merge-conflict markers",
     {"conflict.yaml": b"databaseChangeLog:\n<<<<<<< HEAD\n- changeSet: {id: x, author: h}\n"
                       b"=======\n>>>>>>> topic\n",
      "root.xml": lb_root(include("conflict.yaml"))},
     expect_codes=["merge-conflict-markers"], root="root.xml", timeout=30)


# Files: size, bytes, encodings, line endings.
def two_hundred_mb(path):
    stmt = b"INSERT INTO good (id) VALUES (1);\n"
    chunk = stmt * (1 << 15)
    with open(path, "wb") as f:
        for _ in range((200 << 20) // len(chunk) + 1):
            f.write(chunk)


case("200 MB SQL file", {"V2__huge.sql": two_hundred_mb},
     expect_codes=["limit-file-size"], option="--max-file-size", timeout=120)
case("a file of NUL bytes", {"V1__nul.sql": b"\0" * 65536},
     expect_codes=["sql-binary-content"])
case("NUL bytes after a statement", {"V1__nul_tail.sql": b"SELECT 1;\n" + b"\0" * 100 + b"SELECT 2;\n"},
     expect_codes=["sql-binary-content"], extra=first_statement_kept("V1__nul_tail.sql"))
case("UTF-16LE with a BOM",
     {"V1__utf16.sql": "\ufeffCREATE TABLE u (id int);\n".encode("utf-16-le")},
     expect_codes=["input-utf16"])
case("UTF-16BE with a BOM",
     {"V1__utf16be.sql": "\ufeffCREATE TABLE u (id int);\n".encode("utf-16-be")},
     expect_codes=["input-utf16"])
case("invalid UTF-8 keeps the following lines",
     {"V1__latin1.sql": b"SELECT 1;\nCREATE TABLE caf\xe9 (id int);\nSELECT 3;\n"},
     expect_codes=["sql-invalid-utf8"], extra=expect_lines("V1__latin1.sql", [1, 2, 3]))
case("CRLF line endings keep lines right",
     {"V1__crlf.sql": b"CREATE TABLE c1 (id int);\r\nCREATE TABLE c2 (id int);\r\n\r\n"
                      b"-- comment\r\nCREATE TABLE c3 (id int);\r\n"},
     extra=expect_lines("V1__crlf.sql", [1, 2, 5]))
case("mixed CRLF and LF keep lines right",
     {"V1__mixed.sql": b"CREATE TABLE m1 (id int);\r\n\nCREATE TABLE m2 (\r\n id int\n);\n"
                       b"\r\nCREATE TABLE m3 (id int);\n"},
     extra=expect_lines("V1__mixed.sql", [1, 3, 7]))
case("CRLF error location",
     {"V1__crlf_err.sql": b"SELECT 1;\r\n\r\nSELEC oops;\r\nSELECT 4;\r\n"},
     expect_codes=["sql-parse-error"],
     extra=lambda d: None if any(x["code"] == "sql-parse-error" and x["line"] == 3
                                 for x in d["diagnostics"]) else "parse error not on line 3")

# Unterminated constructs: the statements before them are still analysed.
case("unterminated quote after a statement",
     {"V1__q.sql": b"SELECT 1;\nINSERT INTO good VALUES ('oops);\n"},
     expect_codes=[("sql-parse-error", "sql-unterminated")], extra=first_statement_kept("V1__q.sql"))
case("unterminated dollar quote after a statement",
     {"V1__dq.sql": b"SELECT 1;\nCREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1;\n"},
     expect_codes=[("sql-parse-error", "sql-unterminated")], extra=first_statement_kept("V1__dq.sql"))
case("unterminated comment after a statement",
     {"V1__c.sql": b"SELECT 1;\n/* open\nSELECT 2;\n"},
     expect_codes=[("sql-parse-error", "sql-unterminated")], extra=first_statement_kept("V1__c.sql"))
case("unterminated quoted identifier", {"V1__qi.sql": b'SELECT 1;\nSELECT "never;\n'},
     expect_codes=[("sql-parse-error", "sql-unterminated")], extra=first_statement_kept("V1__qi.sql"))
case("formatted SQL changelog with an unterminated dollar quote",
     {"f.sql": b"--liquibase formatted sql\n--changeset h:1\nSELECT 1;\n--changeset h:2\n"
               b"DO $$ BEGIN PERFORM 1;\n",
      "root.xml": lb_root(include("f.sql"))},
     expect_codes=[("sql-parse-error", "sql-unterminated")], root="root.xml")


# 100,000 migrations in one directory: all listed, no diagnostic, seconds.
def hundred_thousand(path):
    for i in range(1, 100001):
        with open(os.path.join(os.path.dirname(path), f"V{i + 10}__m{i}.sql"), "w") as f:
            f.write(f"CREATE TABLE t{i} (id bigint PRIMARY KEY);\n")


def all_listed(doc):
    n = len(doc["changesets"])
    return None if n == 100001 else f"{n} changesets listed, want 100001"


case("100,000 migrations in one directory", {"V10__first.sql": hundred_thousand},
     sanitizers=False, timeout=120, max_seconds=30,
     extra=lambda d: all_listed(d) or (f"diagnostics {[x['code'] for x in d['diagnostics']]}"
                                       if d["diagnostics"] else None))


# Limits: each explicit limit ends in a diagnostic naming its option.
def many_files(n, dirname=""):
    def make(path):
        for i in range(n):
            with open(os.path.join(os.path.dirname(path), f"V{i + 100}__f{i}.sql"), "w") as f:
                f.write("SELECT 1;\n")
    return make


def include_chain(depth):
    files = {"root.xml": lb_root(include("c1.xml"))}
    for i in range(1, depth + 1):
        files[f"c{i}.xml"] = (XMLNS + include(f"c{i + 1}.xml") + "</databaseChangeLog>\n").encode()
    files[f"c{depth + 1}.xml"] = (XMLNS + "</databaseChangeLog>\n").encode()
    return files


case("limit --max-file-size (Flyway)", {"V1__big.sql": b"SELECT 1;\n" * 500},
     args=["--max-file-size", "1000"], expect_codes=["limit-file-size"], option="--max-file-size")
case("limit --max-file-size (Liquibase include)",
     {"big.xml": (XMLNS + "<!-- " + "x" * 5000 + " -->\n</databaseChangeLog>\n").encode(),
      "root.xml": lb_root(include("big.xml"))},
     root="root.xml", args=["--max-file-size", "2000"], expect_codes=["limit-file-size"],
     option="--max-file-size")
case("limit --max-statement-size",
     {"V1__long.sql": b"SELECT 1;\nINSERT INTO good VALUES " + b"(1), " * 2000 + b"(1);\nSELECT 3;\n"},
     args=["--max-statement-size", "1000"], expect_codes=["limit-statement-size"],
     option="--max-statement-size", extra=expect_lines("V1__long.sql", [1, 2, 3]))
case("limit --max-include-depth", include_chain(8), root="root.xml",
     args=["--max-include-depth", "3"], expect_codes=["lb-include-too-deep"],
     option="--max-include-depth")
case("limit --max-include-depth (default 100)", include_chain(150), root="root.xml",
     expect_codes=["lb-include-too-deep"], option="--max-include-depth")
case("limit --max-nesting-depth (YAML)",
     {"n.yaml": ("databaseChangeLog:\n- changeSet:\n    id: n\n    author: h\n    x: " +
                 "[" * 60 + "]" * 60 + "\n").encode(),
      "root.xml": lb_root(include("n.yaml"))},
     root="root.xml", args=["--max-nesting-depth", "20"], expect_codes=["limit-nesting"],
     option="--max-nesting-depth")
case("limit --max-nesting-depth (XML)",
     {"n.xml": (XMLNS + '<changeSet id="n" author="h">' + "<a>" * 60 + "</a>" * 60 +
                "</changeSet>\n</databaseChangeLog>\n").encode(),
      "root.xml": lb_root(include("n.xml"))},
     root="root.xml", args=["--max-nesting-depth", "20"], expect_codes=["limit-nesting"],
     option="--max-nesting-depth")
case("limit --max-alias-expansion",
     {"a.yaml": ("databaseChangeLog:\n- changeSet:\n    id: a\n    author: h\n    x:\n"
                 "      base: &b [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
                 "      more: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n").encode(),
      "root.xml": lb_root(include("a.yaml"))},
     root="root.xml", args=["--max-alias-expansion", "50"], expect_codes=["yaml-alias-limit"],
     option="--max-alias-expansion")
case("limit --max-files (Flyway location)", {"V1__seed.sql": many_files(300)},
     args=["--max-files", "100"], expect_codes=["limit-files"], option="--max-files", need_good=False,
     extra=lambda d: None if 50 <= len(d["changesets"]) <= 101 else f"{len(d['changesets'])} loaded")
case("limit --max-files (Liquibase includeAll)",
     {"all/x.xml": lambda p: [open(os.path.join(os.path.dirname(p), f"c{i:03}.xml"), "wb").write(
         (XMLNS + f'<changeSet id="c{i}" author="h"><sql>SELECT 1</sql></changeSet>\n'
          "</databaseChangeLog>\n").encode()) for i in range(300)],
      "root.xml": lb_root('<includeAll path="all/" relativeToChangelogFile="true"/>\n')},
     root="root.xml", args=["--max-files", "100"], expect_codes=["limit-files"], option="--max-files")

# The traffic profile reads YAML too: libyaml's scanner costs the depth per
# token, so 100,000 levels took 48 s before profile.c checked the depth first.
case("traffic profile nested 100,000 deep",
     {"deep-profile.yaml": ("tables:\n  public.t: " + "[" * 100000 + "]" * 100000 + "\n").encode()},
     args=["--profile", "{proj}/deep-profile.yaml"], expect_codes=["limit-nesting"], timeout=30,
     max_seconds=10)
case("traffic profile with an alias bomb",
     {"bomb-profile.yaml": ("x:\n  a0: &a0 {rows: 1, bytes: 2}\n" +
                            "".join(f"  a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, 30)) +
                            "tables:\n  public.t: *a29\n").encode()},
     args=["--profile", "{proj}/bomb-profile.yaml"], expect_codes=["profile-invalid"], timeout=30,
     max_seconds=10)

# ==== sec-a: hostile repositories ==========================================
# What migraph promises about a repository a stranger wrote (the threat
# model is tests/hostile/README.md): nothing in it is executed (exec-),
# nothing outside the project is read (outside-), and nothing in it can
# forge or hide output (output-).  Every case runs the plain and the
# ASan+UBSan build.


def clean_git_env():
    """The test's own git: no GIT_* from the caller, no user or system config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
    return env


def git(repo, *args):
    subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", "-c", "init.defaultBranch=main",
                    "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false"] + list(args),
                   cwd=repo, env=clean_git_env(), check=True, capture_output=True)


def write(path, content, mode=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content if isinstance(content, bytes) else content.encode())
    if mode:
        os.chmod(path, mode)


# Names git quotes in its default output ("\t", "\n", "\"", octal UTF-8):
# read without -z, a changed migration with such a name fell out of the release.
ODD = ["V3__tab\there.sql", "V4__new\nline.sql", 'V5__say_"hi".sql', "V6__caf\u00e9_\u65e5\u672c.sql",
       "V7__back\\slash.sql"]
ODD_NEW = ["V12__new\ttab.sql", "V13__new_\u00fcml.sql"]

HOOKS = ["applypatch-msg", "pre-applypatch", "post-applypatch", "pre-commit", "pre-merge-commit",
         "prepare-commit-msg", "commit-msg", "post-commit", "pre-rebase", "post-checkout", "post-merge",
         "pre-push", "pre-receive", "update", "proc-receive", "post-receive", "post-update",
         "reference-transaction", "push-to-checkout", "pre-auto-gc", "post-rewrite", "sendemail-validate",
         "fsmonitor-watchman", "p4-changelist", "p4-prepare-changelist", "p4-post-changelist",
         "p4-pre-submit", "post-index-change"]


def git_case(name, hostile=None, odd=False, expect_diag=None, exact=True):
    """A Flyway project in a git repository: V1 unchanged since the tag
    `base`, V2 changed, V8 new (and, with odd, migrations with names git
    quotes, changed and new).  hostile(tmp, repo, script) then arms the
    repository with a script that creates the file MARKER; the case passes
    when MARKER never appears and the release is exactly the changed and
    new migrations (exact=False: at least those, none silently left out)."""
    tmp = tempfile.mkdtemp(prefix="migraph-hostile-git-")
    try:
        repo = os.path.join(tmp, "repo")
        db = os.path.join(repo, "db")
        marker = os.path.join(tmp, "MARKER")
        script = os.path.join(tmp, "evil.sh")
        write(script, f"#!/bin/sh\ntouch '{marker}'\ncat >/dev/null 2>&1\nexit 0\n", 0o755)
        files = {"V1__a.sql": "CREATE TABLE a (id int);\n", "V2__b.sql": "CREATE TABLE b (id int);\n"}
        if odd:
            files.update({n: f"CREATE TABLE t{i} (id int);\n" for i, n in enumerate(ODD)})
        for n, text in files.items():
            write(os.path.join(db, n), text)
        write(os.path.join(repo, ".gitattributes"), "*.sql filter=evil diff=evil\n")
        git(repo, "init", "-q")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "base")
        git(repo, "tag", "base")
        changed = ["V2__b.sql"] + (ODD if odd else [])
        new = ["V8__c.sql"] + (ODD_NEW if odd else [])
        for n in changed:
            with open(os.path.join(db, n), "a") as f:
                f.write("ALTER TABLE b ADD COLUMN x int;\n")
        for i, n in enumerate(new):
            write(os.path.join(db, n), f"CREATE TABLE n{i} (id int);\n")
        if hostile:
            hostile(tmp, repo, script)
        binaries = [("", MIGRAPH)]
        if os.path.exists(MIGRAPH_SAN):
            binaries.append((" [asan]", MIGRAPH_SAN))
        if WRAP:
            binaries = [(" [valgrind]", MIGRAPH)]
        for tag, binary in binaries:
            label = name + tag
            env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1", UBSAN_OPTIONS="halt_on_error=1")
            try:
                p = subprocess.run(WRAP + [binary, "list", "--format", "json", "--git-base", "base", "db"],
                                   cwd=repo, capture_output=True, timeout=600 if WRAP else 60, env=env)
            except subprocess.TimeoutExpired:
                check(label, False, "(timed out)")
                continue
            err = p.stderr.decode(errors="replace")
            if p.returncode not in (0, 1) or "Sanitizer" in err or "runtime error" in err or "lost" in err:
                check(label, False, f"(exit {p.returncode}) {err[:600]}")
                continue
            if os.path.exists(marker):
                os.unlink(marker)
                check(label, False, "(the repository made git run a program: MARKER was created)")
                continue
            doc = json.loads(p.stdout)
            got = {cs["script"]: cs["in_release"] for cs in doc["changesets"]}
            want = {n: n in changed or n in new for n in got}
            missing = [n for n in changed + new if n not in got]
            codes = {d["code"] for d in doc["diagnostics"]}
            if missing:
                check(label, False, f"(not loaded: {missing!r})")
            elif (got != want) if exact else not all(got[n] for n in changed + new):
                check(label, False, f"(release {sorted(n for n in got if got[n])!r}, want "
                                    f"{sorted(n for n in want if want[n])!r}; diagnostics {sorted(codes)})")
            elif expect_diag and expect_diag not in codes:
                check(label, False, f"(no {expect_diag} diagnostic; got {sorted(codes)})")
            elif not expect_diag and codes:
                check(label, False, f"(unexpected diagnostics {sorted(codes)})")
            else:
                check(label, True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def arm_config(repo_git_dir, script, extra=()):
    """Every configuration key known to make git run a program, set to script."""
    conf = ["core.fsmonitor", "core.hooksPath", "filter.evil.clean", "filter.evil.smudge",
            "filter.evil.process", "diff.evil.textconv", "diff.external", "core.pager",
            "core.sshCommand", "core.askPass", "credential.helper", "core.alternateRefsCommand",
            "uploadpack.packObjectsHook", "gpg.program", "core.editor", "sequence.editor"]
    for key in conf:
        subprocess.run(["git", "config", "--file", os.path.join(repo_git_dir, "config"), key,
                        os.path.dirname(script) + "/hooks" if key == "core.hooksPath" else script],
                       check=True, env=clean_git_env())
    subprocess.run(["git", "config", "--file", os.path.join(repo_git_dir, "config"), "filter.evil.required",
                    "true"], check=True, env=clean_git_env())
    for k, v in extra:
        subprocess.run(["git", "config", "--file", os.path.join(repo_git_dir, "config"), k, v],
                       check=True, env=clean_git_env())
    for d in (os.path.join(repo_git_dir, "hooks"), os.path.join(os.path.dirname(script), "hooks")):
        for h in HOOKS:
            write(os.path.join(d, h), open(script).read(), 0o755)


def hostile_config(tmp, repo, script):
    arm_config(os.path.join(repo, ".git"), script)


def hostile_worktree(tmp, repo, script):
    elsewhere = os.path.join(tmp, "elsewhere")
    os.makedirs(elsewhere)
    arm_config(os.path.join(repo, ".git"), script, [("core.worktree", elsewhere)])


def hostile_bare_in_migrations(tmp, repo, script):
    """A bare repository whose files sit in the migrations folder (committed
    there by the attacker), set up to claim the project as its work tree."""
    bare = os.path.join(tmp, "bare.git")
    subprocess.run(["git", "clone", "-q", "--bare", repo, bare], check=True, env=clean_git_env(),
                   capture_output=True)
    db = os.path.join(repo, "db")
    for entry in os.listdir(bare):
        src = os.path.join(bare, entry)
        (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, os.path.join(db, entry))
    arm_config(db, script, [("core.bare", "false"), ("core.worktree", "..")])


def hostile_gitdir_pointer(tmp, repo, script):
    """db/.git is a `gitdir:` file pointing at a repository outside the
    project whose configuration runs programs."""
    evil = os.path.join(tmp, "evil.git")
    subprocess.run(["git", "clone", "-q", "--bare", repo, evil], check=True, env=clean_git_env(),
                   capture_output=True)
    arm_config(evil, script, [("core.bare", "false"), ("core.worktree", os.path.join(repo, "db"))])
    write(os.path.join(repo, "db", ".git"), f"gitdir: {evil}\n")


def hostile_partial_clone(tmp, repo, script):
    """A partial clone whose promisor remote is reached through an ssh
    command: a blob migraph needs is missing, so git would fetch it."""
    gd = os.path.join(repo, ".git")
    out = subprocess.run(["git", "--git-dir", gd, "rev-parse", "base:db/V2__b.sql"], check=True,
                         capture_output=True, env=clean_git_env()).stdout.decode().strip()
    os.unlink(os.path.join(gd, "objects", out[:2], out[2:]))
    arm_config(gd, script, [("core.repositoryformatversion", "1"), ("extensions.partialClone", "origin"),
                            ("remote.origin.url", "ssh://example.invalid/x.git"),
                            ("remote.origin.promisor", "true"), ("protocol.allow", "always"),
                            ("protocol.ssh.allow", "always"), ("protocol.ext.allow", "always")])


def hostile_env_gitdir(tmp, repo, script):
    """migraph run from a hook: GIT_DIR and friends point at another repository."""
    evil = os.path.join(tmp, "evil.git")
    subprocess.run(["git", "clone", "-q", "--bare", repo, evil], check=True, env=clean_git_env(),
                   capture_output=True)
    arm_config(evil, script)
    os.environ.update(GIT_DIR=evil, GIT_WORK_TREE=tmp, GIT_CONFIG_COUNT="1",
                      GIT_CONFIG_KEY_0="core.fsmonitor", GIT_CONFIG_VALUE_0=script)


git_case("exec-git a plain repository (the release is right)")
git_case("exec-git file names with tabs, newlines, quotes and non-ASCII characters are in the release",
         odd=True)
git_case("exec-git configuration that runs programs (fsmonitor, hooks, filters, textconv, pager, ...)",
         hostile_config, odd=True)
git_case("exec-git core.worktree pointing elsewhere", hostile_worktree)
git_case("exec-git a bare repository inside the migrations folder", hostile_bare_in_migrations)
# The nearest .git wins, as in git: the release is judged against the
# repository it names, where nothing is at REF, so everything is new.
git_case("exec-git a .git file pointing at a repository outside the project", hostile_gitdir_pointer,
         exact=False)
git_case("exec-git a partial clone whose lazy fetch would run an ssh command", hostile_partial_clone,
         expect_diag="release-git-failed")
saved_env = dict(os.environ)
git_case("exec-git GIT_DIR and GIT_CONFIG_* inherited from a hook", hostile_env_gitdir)
os.environ.clear()
os.environ.update(saved_env)
# ---- outside-: only the project is read ------------------------------------
# A secret lives outside the project, in every format a loader reads; the
# project reaches for it through symbolic links, "..", absolute and "//"
# paths, Flyway locations and property files.  Each case must refuse with a
# diagnostic at the file (and line) that reached out, naming --allow-outside,
# with no byte of the secret in JSON, SARIF or text output; with
# --allow-outside the secret is read (so the probe can see a leak).
TOKEN = "sec_a_secret_7d3b"
OUT = tempfile.mkdtemp(prefix="migraph-hostile-outside-")
write(os.path.join(OUT, "secret.sql"), f"CREATE TABLE {TOKEN} (id int);\n")
write(os.path.join(OUT, "V3__secret.sql"), f"CREATE TABLE {TOKEN} (id int);\n")
write(os.path.join(OUT, "dir", "V3__secret.sql"), f"CREATE TABLE {TOKEN} (id int);\n")
write(os.path.join(OUT, "dir", "secret.xml"),
      XMLNS + f'<changeSet id="{TOKEN}" author="x"><sql>CREATE TABLE {TOKEN} (id int)</sql></changeSet>\n'
      "</databaseChangeLog>\n")
write(os.path.join(OUT, "secret.xml"), open(os.path.join(OUT, "dir", "secret.xml")).read())
write(os.path.join(OUT, "secret.properties"), f"leak={TOKEN}\n")
write(os.path.join(OUT, "secret.conf"), f"executeInTransaction={TOKEN}\n")


def link(target):
    def make(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.symlink(target, path)
    return make


def outside_case(name, files, root=None, code="input-path-outside", at=None, allow=True,
                 args=(), max_seconds=None):
    """files: {path: bytes, str or callable(path)} in a project that is also
    the working directory (the default search path).  root: the PATH, or a
    list of PATHs (default "db", a Flyway location).  at: (file suffix, line)
    the diagnostic must point at (line 0: the file itself)."""
    tmp = tempfile.mkdtemp(prefix="migraph-hostile-")
    try:
        proj = os.path.join(tmp, "proj")
        write(os.path.join(proj, "db", "V9__good.sql"), GOOD)
        for rel, content in files.items():
            path = os.path.join(proj, rel)
            if callable(content):
                content(path)
            else:
                write(path, content.replace("{OUT}", OUT) if isinstance(content, str) else content)
        targets = root if isinstance(root, list) else [root or "db"]
        binaries = [("", MIGRAPH)] + ([(" [asan]", MIGRAPH_SAN)] if os.path.exists(MIGRAPH_SAN) else [])
        runs = [["list", "--format", "json"], ["check", "--format", "sarif"], ["check"], ["list"]]
        if WRAP:
            binaries, runs = [(" [valgrind]", MIGRAPH)], runs[:1]
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1", UBSAN_OPTIONS="halt_on_error=1")

        def go(binary, cmd, extra=()):
            started = time.monotonic()
            p = subprocess.run(WRAP + [binary] + cmd + list(args) + list(extra) + targets, cwd=proj,
                               capture_output=True, timeout=600 if WRAP else 60, env=env)
            return p, time.monotonic() - started

        for tag, binary in binaries:
            label = name + tag
            problem = None
            try:
                for cmd in runs:
                    p, took = go(binary, cmd)
                    err = p.stderr.decode(errors="replace")
                    if p.returncode not in (0, 1) or "Sanitizer" in err or "runtime error" in err or "lost" in err:
                        problem = f"{' '.join(cmd)}: exit {p.returncode} {err[:500]}"
                    elif TOKEN.encode() in p.stdout + p.stderr:
                        problem = f"{' '.join(cmd)}: the outside file reached the output"
                    elif max_seconds and not tag and took > max_seconds:
                        problem = f"{' '.join(cmd)} took {took:.1f} s"
                    elif cmd[-1] == "json":
                        doc = json.loads(p.stdout)
                        hits = [d for d in doc["diagnostics"] if d["code"] == code]
                        if not hits:
                            problem = f"no {code}; got {sorted({d['code'] for d in doc['diagnostics']})}"
                        elif not all(d["file"] for d in hits):
                            problem = "a diagnostic has no file"
                        elif code == "input-path-outside" and not all(
                                "--allow-outside" in (d["message"] + (d.get("hint") or "")) for d in hits):
                            problem = "the diagnostic does not name --allow-outside"
                        elif at and not any(d["file"].endswith(at[0]) and (d["line"] or 0) == at[1] for d in hits):
                            problem = f"not at {at}: {[(d['file'], d['line']) for d in hits]}"
                        elif not has_good_table(doc):
                            problem = "the good migration was not analysed"
                    if problem:
                        break
                if not problem and allow and not tag and not WRAP:
                    p, _ = go(binary, ["list", "--format", "json", "--allow-outside"])
                    if TOKEN.encode() not in p.stdout:
                        problem = "with --allow-outside the outside file was not read"
                    elif any(d["code"] == "input-path-outside" for d in json.loads(p.stdout)["diagnostics"]):
                        problem = "input-path-outside despite --allow-outside"
            except subprocess.TimeoutExpired:
                problem = "timed out"
            check(label, problem is None, f"({problem})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


outside_case("outside-flyway a migration that is a link to a file outside",
             {"db/V2__leak.sql": link(os.path.join(OUT, "secret.sql"))}, at=("V2__leak.sql", 0))
outside_case("outside-flyway a folder that is a link to a folder outside",
             {"db/sub": link(os.path.join(OUT, "dir"))}, at=("db/sub", 0))
outside_case("outside-flyway a folder that is a link to / (never walked)",
             {"db/root": link("/")}, at=("db/root", 0), allow=False, max_seconds=5)
outside_case("outside-flyway a link loop", {"db/a": link("b"), "db/b": link("a")},
             code="input-unreadable", allow=False, max_seconds=5)
outside_case("outside-flyway the PATH itself is a link to /", {"db2": link("/")}, root=["db2", "db"],
             allow=False, max_seconds=5, at=("db2", 0))
outside_case("outside-flyway a per-script .conf that is a link outside",
             {"db/V2__x.sql": "SELECT 1;\n", "db/V2__x.sql.conf": link(os.path.join(OUT, "secret.conf"))},
             at=("V2__x.sql.conf", 0))
outside_case("outside-flyway.conf locations filesystem:/etc and a folder outside",
             {"flyway.conf": "flyway.locations=filesystem:db\n"
                             "flyway.locations=filesystem:db,filesystem:/etc,filesystem:{OUT}/dir\n"},
             root="flyway.conf", at=("flyway.conf", 2))
outside_case("outside-flyway.toml locations outside",
             {"flyway.toml": '[flyway]\nlocations = ["filesystem:db", "filesystem:{OUT}/dir"]\n'},
             root="flyway.toml", at=("flyway.toml", 2))
outside_case("outside-liquibase an include that is a link to a changelog outside",
             {"root.xml": lb_root(include("leak.xml")), "leak.xml": link(os.path.join(OUT, "secret.xml"))},
             root="root.xml", at=("root.xml", 2))
outside_case("outside-liquibase an include of //path (normalised, then refused)",
             {"root.xml": lb_root(f'<include file="/{OUT}/secret.xml"/>\n')}, root="root.xml",
             at=("root.xml", 2))
outside_case("outside-liquibase includeAll of a folder that is a link outside",
             {"root.xml": lb_root('<includeAll path="linked/" relativeToChangelogFile="true"/>\n'),
              "linked": link(os.path.join(OUT, "dir"))}, root="root.xml", at=("root.xml", 2))
outside_case("outside-liquibase sqlFile through ../ and through a link",
             {"root.xml": lb_root(tail='<changeSet id="s1" author="h"><sqlFile path="../../../../../../..'
                                       + OUT + '/secret.sql" relativeToChangelogFile="true"/></changeSet>\n'
                                       '<changeSet id="s2" author="h"><sqlFile path="leak.sql" '
                                       'relativeToChangelogFile="true"/></changeSet>\n'),
              "leak.sql": link(os.path.join(OUT, "secret.sql"))}, root="root.xml", at=("root.xml", 4))
outside_case("outside-liquibase a property file that is a link outside",
             {"root.xml": lb_root('<property file="p.properties" relativeToChangelogFile="true"/>\n',
                                  tail='<changeSet id="p" author="h"><sql>SELECT \'${leak}\'</sql></changeSet>\n'),
              "p.properties": link(os.path.join(OUT, "secret.properties"))}, root="root.xml",
             at=("root.xml", 2))
outside_case("outside-liquibase liquibase.properties in the working directory is a link outside",
             {"root.xml": lb_root(tail='<changeSet id="p" author="h"><sql>SELECT \'${leak}\'</sql></changeSet>\n'),
              "liquibase.properties": link(os.path.join(OUT, "secret.properties"))}, root="root.xml",
             at=("liquibase.properties", 0))
outside_case("outside-liquibase the root changelog is a link outside",
             {"root.xml": lb_root(), "leak.xml": link(os.path.join(OUT, "secret.xml"))}, root=["leak.xml", "root.xml"],
             allow=False, at=("leak.xml", 0))
shutil.rmtree(OUT, ignore_errors=True)
# ---- output-: output that cannot be forged or hijack a terminal ------------
# Names, identifiers and SQL carry an ANSI escape, a terminal title
# sequence, a newline followed by a forged finding row, a lone CR, DEL, a
# C1 CSI (U+009B), a bidi override (U+202E), a byte that is not UTF-8, and
# the URI-significant " ", "#", "%" and "?".
EVIL = "x\x1b[31mred\x1b]0;title\x07\nforged.sql:1:1: critical lock-forged: pwned\rcr\x7fdel\u009bcsi\u202eltr #1 100%?"
EVIL_BYTES = EVIL.encode() + b"\xff"
FORBIDDEN = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]")


def raw_controls(data):
    """Raw control bytes in output (a newline is the output's own)."""
    m = FORBIDDEN.search(data)
    return None if not m else f"raw control {m.group()!r} at byte {m.start()}"


def utf8_problem(data):
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as e:
        return f"not UTF-8: {e}"


def strings(doc):
    if isinstance(doc, dict):
        for v in doc.values():
            yield from strings(v)
    elif isinstance(doc, list):
        for v in doc:
            yield from strings(v)
    elif isinstance(doc, str):
        yield doc


def output_case(name, files, root="db", evil=EVIL, shown="\\x1b[31mred", uri=True):
    """The project holds names built from evil; shown is how the text output
    must show part of it (escaped, neither dropped nor raw); uri: a SARIF
    result is in the file whose name holds evil."""
    tmp = tempfile.mkdtemp(prefix="migraph-hostile-")
    try:
        proj = os.path.join(tmp, "proj")
        write(os.path.join(proj, "db", "V9__good.sql"), GOOD)
        for rel, content in files.items():
            path = os.path.join(proj.encode(), rel if isinstance(rel, bytes) else rel.encode())
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(content if isinstance(content, bytes) else content.encode())
        binaries = [("", MIGRAPH)] + ([(" [asan]", MIGRAPH_SAN)] if os.path.exists(MIGRAPH_SAN) else [])
        runs = [["list"], ["check"], ["list", "--format", "json"], ["check", "--format", "sarif"]]
        if WRAP:
            binaries = [(" [valgrind]", MIGRAPH)]
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1", UBSAN_OPTIONS="halt_on_error=1")
        for tag, binary in binaries:
            problem = None
            for cmd in runs:
                try:
                    p = subprocess.run(WRAP + [binary] + cmd + [root], cwd=proj, capture_output=True,
                                       timeout=600 if WRAP else 60, env=env)
                except subprocess.TimeoutExpired:
                    problem = f"{' '.join(cmd)}: timed out"
                    break
                err = p.stderr.decode(errors="replace")
                what = " ".join(cmd)
                if p.returncode not in (0, 1) or "Sanitizer" in err or "runtime error" in err or "lost" in err:
                    problem = f"{what}: exit {p.returncode} {err[:500]}"
                elif raw_controls(p.stdout + p.stderr):
                    problem = f"{what}: {raw_controls(p.stdout + p.stderr)}"
                elif utf8_problem(p.stdout):
                    problem = f"{what}: {utf8_problem(p.stdout)}"
                elif cmd[-1] in ("list", "check"):
                    lines = p.stdout.decode().split("\n")
                    if any(line.startswith("forged.sql") for line in lines):
                        problem = f"{what}: a name forged a row"
                    elif shown not in p.stdout.decode():
                        problem = f"{what}: the escaped name is not shown"
                elif cmd[-1] == "json":
                    doc = json.loads(p.stdout)
                    if not any(evil in v for v in strings(doc)):
                        problem = f"{what}: the name did not survive in JSON"
                    elif not has_good_table(doc):
                        problem = "the good migration was not analysed"
                else:
                    doc = json.loads(p.stdout)
                    uris = [loc["physicalLocation"]["artifactLocation"]["uri"]
                            for res in doc["runs"][0]["results"] for loc in res["locations"]]
                    bad = [u for u in uris if not re.fullmatch(r"[A-Za-z0-9._~/%-]*", u) or u.startswith("//")]
                    decoded = [urllib.parse.unquote_to_bytes(u) for u in uris]
                    if bad:
                        problem = f"{what}: URIs not percent-encoded: {bad[:2]!r}"
                    elif uri and not any(evil.encode() in d for d in decoded):
                        problem = f"{what}: no URI names the file ({uris[:3]!r})"
                if problem:
                    break
            check(name + tag, problem is None, f"({problem})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


import urllib.parse  # noqa: E402

output_case("output-a migration named with escapes, a forged row and URI characters",
            {b"db/V2__" + EVIL_BYTES + b".sql": "CREATE TABLE t (id int);\nCREATE INDEX i ON t (id);\n",
             "db/V3__" + EVIL + ".sql": "CREATE TABLE (;\n"})
output_case("output-identifiers, SQL and messages with escapes and a forged row",
            {"db/V2__idents.sql": f'CREATE TABLE "{EVIL}" (id int);\n'
                                  f'CREATE INDEX "{EVIL}i" ON "{EVIL}" (id);\n'
                                  f'ALTER TABLE "{EVIL}" ADD COLUMN c int DEFAULT random();\n'
                                  f"SELEC '{EVIL}';\n",
             "db/V3__" + EVIL + ".sql": "SELECT 1;\n"}, uri=False)
# XML allows neither ESC nor BEL, even as references; the rest arrives
# through character references.
XEVIL = "x\nforged.sql:1:1: critical lock-forged: pwned\rcr\x7fdel\u009bcsi\u202eltr #1 100%?"
XREF = "".join(f"&#{ord(c)};" if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f or c in "\u202e" else c
               for c in XEVIL)
output_case("output-a Liquibase changelog whose ids, authors and file names carry escapes",
            {"root.xml": lb_root(f'<include file="{XEVIL.replace(chr(13), "").replace(chr(10), "")}.xml" '
                                 'relativeToChangelogFile="true"/>\n',
                                 tail=f'<changeSet id="{XREF}" author="{XREF}"><sql>SELECT 1</sql>'
                                      '</changeSet>\n'),
             XEVIL.replace("\r", "").replace("\n", "") + ".xml":
                 XMLNS + f'<changeSet id="inc" author="{XREF}">'
                 f'<createIndex tableName="good" indexName="i{XREF}"><column name="id"/></createIndex>'
                 "</changeSet>\n</databaseChangeLog>\n"},
            root="root.xml", evil=XEVIL.replace("\r", "").replace("\n", ""), shown="\\u009bcsi")
# ==== end of sec-a =========================================================

# ==== sec-b part B: hang-, mem-, loss- =====================================
# Issue 11, items 4 to 6: no unbounded memory (expanded text has a limit,
# --max-file-size holds for every file read), nothing silently lost or
# merged.  tests/hostile/growth.py holds the hang- items (cost ratios).


def flyway_conf(text, locations=""):
    """A flyway.conf whose first location is the project folder itself."""
    def write_conf(path):
        with open(path, "w") as f:
            f.write(f"flyway.locations=filesystem:{os.path.dirname(path)}{locations}\n" + text)
    return write_conf


BIG_VALUE = "v" * 10000
case("mem-Flyway placeholders past --max-expansion",
     {"flyway.conf": flyway_conf(f"flyway.placeholders.big={BIG_VALUE}\n"),
      "V1__ph.sql": ("CREATE TABLE a (id int);\n" + "COMMENT ON TABLE a IS '${big}';\n" * 2000 +
                     "CREATE TABLE b (id int);\n").encode()},
     root="flyway.conf", args=["--max-expansion", "1MB"], expect_codes=["limit-expansion"],
     option="--max-expansion", extra=expect_lines("V1__ph.sql", list(range(1, 2003))))
case("mem-Liquibase properties past --max-expansion",
     {"root.xml": lb_root(f'<property name="big" value="{BIG_VALUE}"/>\n',
                          tail="".join(f'<changeSet id="p{i}" author="h"><sql>COMMENT ON TABLE good '
                                       f"IS '${{big}}'</sql></changeSet>\n" for i in range(200)))},
     root="root.xml", args=["--max-expansion", "1MB"], expect_codes=["limit-expansion"],
     option="--max-expansion")
# One alias of a 1 MB scalar, a thousand times: a gigabyte from a 1 MB file,
# past the default budget (4 x --max-file-size) without any option.
case("mem-YAML alias of a 1 MB scalar repeated 1,000 times",
     {"alias.yaml": ("databaseChangeLog:\n- changeSet:\n    id: a\n    author: h\n    changes:\n"
                     "    - sql: {sql: &big \"SELECT '" + "x" * 1000000 + "'\"}\n" +
                     "".join(f"- changeSet: {{id: a{i}, author: h, changes: [sql: {{sql: *big}}]}}\n"
                             for i in range(1000))).encode(),
      "root.xml": lb_root(include("alias.yaml"))},
     root="root.xml", expect_codes=["limit-expansion"], option="--max-expansion", max_seconds=20)


# --max-file-size holds for every file a run reads, not only migrations.
case("mem---max-file-size holds for --applied",
     {"history.csv": ("installed_rank,version,description,type,script,checksum,installed_by,"
                      "installed_on,execution_time,success\n" +
                      "1,9,good,SQL,V9__good.sql,1,u,2024-01-01,1,true\n" * 200).encode()},
     args=["--max-file-size", "5000", "--applied", "{proj}/history.csv"],
     expect_codes=["limit-file-size"], option="--max-file-size")
case("mem---max-file-size holds for --schema",
     {"schema.sql": b"CREATE TABLE x (id int);\n" * 400},
     args=["--max-file-size", "5000", "--schema", "{proj}/schema.sql"],
     expect_codes=["limit-file-size"], option="--max-file-size")
case("mem---max-file-size holds for --profile",
     {"prof.yaml": b"engine: postgresql\n" + b"# padding\n" * 600},
     args=["--max-file-size", "5000", "--profile", "{proj}/prof.yaml"],
     expect_codes=["limit-file-size"], option="--max-file-size")
case("mem---max-file-size holds for a Liquibase property file",
     {"big.properties": b"x=1\n" * 2000,
      "root.xml": lb_root('<property file="big.properties" relativeToChangelogFile="true"/>\n')},
     root="root.xml", args=["--max-file-size", "5000"], expect_codes=["limit-file-size"],
     option="--max-file-size")
case("mem---max-file-size holds for a Flyway script configuration",
     {"V1__s.sql": b"SELECT 1;\n", "V1__s.sql.conf": b"executeInTransaction=true\n" * 400},
     args=["--max-file-size", "5000"], expect_codes=["limit-file-size"], option="--max-file-size")
case("mem---max-file-size holds for a sqlFile (and its checksum)",
     {"big.sql": b"SELECT 1;\n" * 1000,
      "root.xml": lb_root(tail='<changeSet id="f" author="h"><sqlFile path="big.sql" '
                               'relativeToChangelogFile="true"/></changeSet>\n')},
     root="root.xml", args=["--max-file-size", "5000"], expect_codes=["limit-file-size"],
     option="--max-file-size")


def cli_file_size(name, files, args):
    """--config and --baseline stop the run: the refusal is on stderr."""
    tmp = tempfile.mkdtemp(prefix="migraph-hostile-")
    try:
        for rel, content in files.items():
            with open(os.path.join(tmp, rel), "wb") as f:
                f.write(content)
        os.makedirs(os.path.join(tmp, "db"))
        with open(os.path.join(tmp, "db", "V9__good.sql"), "w") as f:
            f.write(GOOD)
        for tag, binary in [("", MIGRAPH), (" [asan]", MIGRAPH_SAN)]:
            if not os.path.exists(binary) or (WRAP and tag):
                continue
            argv = ["check", "--max-file-size", "5000"] + [a.replace("{tmp}", tmp) for a in args]
            p = run(binary, argv + [os.path.join(tmp, "db")], 60)
            err = p.stderr.decode(errors="replace")
            ok = (p.returncode == 2 and "limit-file-size" in err and "--max-file-size" in err
                  and "Sanitizer" not in err and "runtime error" not in err)
            check(name + tag, ok, f"(exit {p.returncode}) {err[:400]}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


cli_file_size("mem---max-file-size holds for --config", {"cfg.yaml": b"# padding\n" * 600},
              ["--config", "{tmp}/cfg.yaml"])
cli_file_size("mem---max-file-size holds for --baseline", {"base.yaml": b"# padding\n" * 600},
              ["--baseline", "{tmp}/base.yaml"])
# loss-: nothing silently lost or merged.
def codes_at(code, want):
    """extra(): the lines of every `code` diagnostic are exactly want."""
    def extra(doc):
        got = sorted(d["line"] for d in doc["diagnostics"] if d["code"] == code)
        return None if got == want else f"{code} at lines {got}, want {want}"
    return extra


case("loss-duplicate keys in a YAML changelog, at any depth",
     {"dup.yaml": ("databaseChangeLog:\n- changeSet:\n    id: d1\n    author: h\n    changes:\n"
                   "    - createTable:\n        tableName: t\n"
                   "        columns: [{column: {name: a, type: int, name: b}}]\n"
                   "        tableName: u\n    id: d2\n").encode(),
      "root.xml": lb_root(include("dup.yaml"))},
     root="root.xml", expect_codes=["yaml-duplicate-key"],
     extra=codes_at("yaml-duplicate-key", [8, 9, 10]))
case("loss-duplicate keys in a JSON changelog",
     {"dup.json": b'{"databaseChangeLog": [\n {"changeSet": {"id": "j1", "author": "h",\n'
                  b'  "changes": [{"sql": {"sql": "SELECT 1"}}],\n'
                  b'  "changes": [{"sql": {"sql": "DROP TABLE good"}}]}}]}\n',
      "root.xml": lb_root(include("dup.json"))},
     root="root.xml", expect_codes=["yaml-duplicate-key"], extra=codes_at("yaml-duplicate-key", [4]))
COPY_SCRIPT = ("CREATE TABLE t (a int, b text);\n"
               "COPY t (a, b) FROM stdin;\n"
               "1\tvalue; DROP TABLE t;\n"
               "2\tit's $$ /* not a comment\n"
               "\\.\n"
               "CREATE INDEX i ON t (a);\n"
               "ALTER TABLE t ADD COLUMN c int;\n")
case("loss-COPY FROM stdin data is data: the statements after it are analysed",
     {"V1__copy.sql": COPY_SCRIPT.encode()},
     extra=all_of(expect_lines("V1__copy.sql", [1, 2, 6, 7]),
                  lambda doc: None if not [d for d in doc["diagnostics"]
                                           if d["code"].startswith("sql-")]
                  else "the data was read as SQL"))
case("loss-COPY FROM stdin without its end line",
     {"V1__copy.sql": b"CREATE TABLE t (a int);\nCOPY t FROM stdin;\n1\n2\n"},
     expect_codes=["sql-copy-unterminated"], extra=expect_lines("V1__copy.sql", [1, 2]))


def deep_tree(path):
    """A migration under twenty folders of 250-character names: a path of
    5,000 bytes, longer than PATH_MAX, made one folder at a time."""
    fd = os.open(os.path.dirname(path), os.O_RDONLY)
    for _ in range(20):
        os.mkdir("n" * 250, dir_fd=fd)
        nfd = os.open("n" * 250, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = nfd
    with open(os.open("V5__deep.sql", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as f:
        f.write("CREATE TABLE deep (id int);\n")
    os.close(fd)


def names_too_long(doc):
    for d in doc["diagnostics"]:
        if d["code"] == "input-path-too-long":
            if "4095" not in d["message"] or "255" not in d["message"] or len(d["message"]) > 400:
                return f"not shortened or without the limits: {d['message'][:200]}"
        if "not found" in d["message"] or d["code"].endswith("missing"):
            return f"reported as missing: {d['code']} {d['message'][:120]}"
    return None


LONG_NAME = "a" * 300
case("loss-paths too long for the system (Liquibase include, includeAll, sqlFile, property file)",
     {"root.xml": lb_root(include(LONG_NAME + ".xml"),
                          include("/".join(["d" * 200] * 25) + "/x.xml"),
                          f'<includeAll path="{LONG_NAME}/" relativeToChangelogFile="true"/>\n',
                          f'<property file="{LONG_NAME}.properties" relativeToChangelogFile="true"/>\n',
                          tail=f'<changeSet id="f" author="h"><sqlFile path="{LONG_NAME}.sql" '
                               'relativeToChangelogFile="true"/></changeSet>\n')},
     root="root.xml", expect_codes=["input-path-too-long"],
     extra=all_of(names_too_long, codes_at("input-path-too-long", [2, 3, 4, 5, 7])))
case("loss-paths too long for the system (Flyway location, a walk deeper than PATH_MAX)",
     {"flyway.conf": flyway_conf("", locations=f",filesystem:{LONG_NAME}"),
      "deep/keep": deep_tree},
     root="flyway.conf", expect_codes=["input-path-too-long"],
     extra=all_of(names_too_long, codes_at("input-path-too-long", [1, 1])))
# ==== end of sec-b part B ==================================================

# ==== tables past 1600 columns ===========================================
# PostgreSQL hands out at most 1600 attribute numbers per table and never
# reuses a dropped column's: CREATE TABLE with more, or the ADD COLUMN that
# takes the 1601st (live plus dropped), fails.  The engine predicts it once,
# at the statement that crosses the limit, not at every column after it.
WIDE_CREATE = 3000
CHURN = 1700
wide_sql = ("CREATE TABLE wide (" + ", ".join(f"c{i} int" for i in range(WIDE_CREATE)) + ");\n"
            "CREATE TABLE churn (id int);\n" +
            "".join(f"ALTER TABLE churn ADD COLUMN x{i} int;\nALTER TABLE churn DROP COLUMN x{i};\n"
                    for i in range(CHURN)))


def column_limit_once(doc):
    failed = [(st["file"], op["line"], op["kind"], op["predicted_error"])
              for cs in doc["changesets"] for st in cs["statements"] for op in st["operations"]
              if op.get("predicted_error") and "1600 columns" in op["predicted_error"]]
    # line 1 makes wide; churn (line 2) adds x0..x1598 and drops them, and
    # the add of x1599 takes attribute number 1601: line 3 + 2 * 1599
    want = [(1, "create_table"), (3 + 2 * 1599, "add_column")]
    got = [(line, kind) for f, line, kind, _ in failed if f.endswith("V1__wide.sql")]
    return None if got == want else f"predicted failures at {got[:5]} ({len(got)}), want {want}"


case("wide tables past 1600 columns fail once, counting dropped columns",
     {"V1__wide.sql": wide_sql.encode()}, extra=column_limit_once)

shutil.rmtree(SECRET_DIR, ignore_errors=True)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
