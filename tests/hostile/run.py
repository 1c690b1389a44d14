#!/usr/bin/python3
"""Hostile and broken input: each case must end in a diagnostic (or a clean
partial result), never a crash or a hang, and the rest of the project must
still be analysed.

Every case is a small Flyway project built in a temporary directory next to a
good migration (V9__good.sql). Small cases also run under the ASan+UBSan
build (MIGRAPH_SAN) when it exists. Large inputs are generated here, never
committed.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIGRAPH = os.environ.get("MIGRAPH", os.path.join(ROOT, "build", "migraph"))
MIGRAPH_SAN = os.environ.get("MIGRAPH_SAN", os.path.join(ROOT, "build", "migraph-san"))
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
    return subprocess.run([binary] + args, capture_output=True, timeout=timeout, env=env)


def has_good_table(doc):
    for cs in doc["changesets"]:
        for st in cs["statements"]:
            for op in st["operations"]:
                if op["kind"] == "create_table" and op["object"]["name"] == "good":
                    return True
    return False


def case(name, files, expect_codes=(), sanitizers=True, timeout=60, extra=None):
    """files: {relative path: bytes or callable(path)}; expect_codes: diagnostic codes
    that must appear (any of each tuple entry)."""
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
        binaries = [("", MIGRAPH)]
        if sanitizers and os.path.exists(MIGRAPH_SAN):
            binaries.append((" [asan]", MIGRAPH_SAN))
        for tag, binary in binaries:
            label = name + tag
            try:
                p = run(binary, ["list", "--format", "json", proj], timeout)
            except subprocess.TimeoutExpired:
                check(label, False, "(timed out: a hang)")
                continue
            err = p.stderr.decode(errors="replace")
            if p.returncode < 0 or p.returncode > 2 or "Sanitizer" in err or "runtime error" in err:
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
            located = all(d["file"] for d in doc["diagnostics"] if d["code"] in
                          {c for e in expect_codes for c in (e if isinstance(e, tuple) else (e,))})
            if not located:
                check(label, False, "(a diagnostic has no file)")
                continue
            if not has_good_table(doc):
                check(label, False, "(the good migration was not analysed)")
                continue
            if extra:
                problem = extra(doc)
                if problem:
                    check(label, False, f"({problem})")
                    continue
            check(label, True)
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
big_file_case("50 MB migration analysed in full with the default limits", 50, timeout=300)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
