#!/usr/bin/env python3
"""Compares migraph's Liquibase loader with what Liquibase 4.28 recorded.

For every corpus in ../shared/oracle and every root in its roots.tsv, runs
`migraph list --format json --all` for PostgreSQL 15 and MySQL 8.0 and
compares the unfiltered changesets with changesets.tsv /
changesets-mysql.tsv: the ordered (id, author, filename) sequence, and per
changeset contexts, labels, dbms, runInTransaction, runOnChange, runAlways,
changeTypes, and md5sum wherever migraph computed one.

The number of md5sums compared may only grow: it must not drop below the
count recorded in tests/real/liquibase_oracle_counts.txt.

Skips cleanly when ../shared is absent, unless CI=true.
Prints one line per corpus and engine, then "N passed, N failed".
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("MIGRAPH_SHARED", os.path.join(os.path.dirname(REPO), "shared"))
ORACLE = os.path.join(SHARED, "oracle")
CORPORA = os.path.join(SHARED, "corpora")
MIGRAPH = os.environ.get("MIGRAPH", os.path.join(REPO, "build", "migraph"))
COUNTS = os.path.join(HERE, "liquibase_oracle_counts.txt")
ENGINES = [("postgresql:15", "changesets.tsv"), ("mysql:8.0", "changesets-mysql.tsv")]
MAX_REPORTED = 8


def read_tsv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def read_counts():
    counts = {}
    if os.path.exists(COUNTS):
        with open(COUNTS, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    key, _, value = line.rpartition(" ")
                    counts[key] = int(value)
    return counts


def norm(value):
    return "" if value is None else str(value)


def flag(value):
    return "true" if value else "false"


def run_migraph(corpus, root, engine):
    sp = os.path.join(CORPORA, corpus, root["search_path"])
    cmd = [MIGRAPH, "list", "--format", "json", "--all", "--engine", engine,
           "--search-path", sp]
    if root.get("contexts"):
        cmd += ["--contexts", root["contexts"]]
    if root.get("labels"):
        cmd += ["--labels", root["labels"]]
    for prop in filter(None, (root.get("properties") or "").split(",")):
        cmd += ["-D", prop.strip()]
    # The root as the oracle's Liquibase CLI was given it: a name under the
    # search path, from a working directory that holds nothing else.
    cmd.append(root["changelog_file"])
    with tempfile.TemporaryDirectory() as cwd:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=cwd)
    try:
        return json.loads(proc.stdout), None
    except ValueError:
        return None, "migraph exit %d, no JSON: %s" % (proc.returncode, proc.stderr.strip()[:300])


def compare_root(corpus, root, engine, expected, problems):
    """Returns the number of md5sums compared."""
    doc, err = run_migraph(corpus, root, engine)
    if err:
        problems.append("%s: %s" % (root["root"], err))
        return 0
    got = [cs for cs in doc.get("changesets", [])
           if not cs.get("filtered") and "id" in cs]
    exp_ids = [(r["id"], r["author"], r["filename"]) for r in expected]
    got_ids = [(norm(c["id"]), norm(c["author"]), norm(c["filename"])) for c in got]
    if exp_ids != got_ids:
        for i in range(max(len(exp_ids), len(got_ids))):
            e = exp_ids[i] if i < len(exp_ids) else None
            g = got_ids[i] if i < len(got_ids) else None
            if e != g:
                problems.append("%s: changeset #%d: expected %s, got %s (%d expected, %d got)"
                                % (root["root"], i + 1, e, g, len(exp_ids), len(got_ids)))
                break
        return 0
    md5_compared = 0
    for row, cs in zip(expected, got):
        ident = "%s::%s::%s" % (row["filename"], row["id"], row["author"])
        checks = [
            ("contexts", row["contexts"], norm(cs.get("contexts"))),
            ("labels", row["labels"], norm(cs.get("labels"))),
            ("dbms", row["dbms"], norm(cs.get("dbms"))),
            ("runInTransaction", row["runInTransaction"], flag(cs.get("run_in_transaction"))),
            ("runOnChange", row["runOnChange"], flag(cs.get("run_on_change"))),
            ("runAlways", row["runAlways"], flag(cs.get("run_always"))),
            ("changeTypes", row["changeTypes"], ",".join(cs.get("change_types") or [])),
        ]
        if cs.get("md5sum"):
            md5_compared += 1
            checks.append(("md5sum", row["md5sum"], cs["md5sum"]))
        for name, want, have in checks:
            if want != have:
                problems.append("%s: %s: %s expected %r, got %r"
                                % (root["root"], ident, name, want, have))
    return md5_compared


def main():
    if not os.path.isdir(ORACLE):
        if os.environ.get("CI") == "true":
            print("FAIL: %s is missing (CI=true requires it)" % ORACLE)
            print("0 passed, 1 failed")
            return 1
        print("skip: %s not present" % ORACLE)
        print("0 passed, 0 failed")
        return 0
    if not os.access(MIGRAPH, os.X_OK):
        print("FAIL: %s is not built" % MIGRAPH)
        print("0 passed, 1 failed")
        return 1
    floor = read_counts()
    passed = failed = 0
    total_md5 = 0
    for corpus in sorted(os.listdir(ORACLE)):
        roots_path = os.path.join(ORACLE, corpus, "roots.tsv")
        if not os.path.exists(roots_path):
            continue
        roots = read_tsv(roots_path)
        for engine, tsv in ENGINES:
            rows = read_tsv(os.path.join(ORACLE, corpus, tsv))
            problems = []
            md5 = 0
            compared_roots = skipped_roots = 0
            for root in roots:
                expected = [r for r in rows if r["root"] == root["root"]]
                if not expected and engine.startswith("mysql"):
                    # Liquibase itself failed validation on MySQL for this
                    # root (see RECIPE.md): there is nothing to compare.
                    skipped_roots += 1
                    continue
                compared_roots += 1
                md5 += compare_root(corpus, root, engine, expected, problems)
            key = "%s %s" % (corpus, engine)
            want = floor.get(key, 0)
            if md5 < want:
                problems.append("md5sums compared dropped to %d (recorded floor %d)" % (md5, want))
            total_md5 += md5
            note = "" if not skipped_roots else ", %d root(s) skipped: Liquibase failed on MySQL" % skipped_roots
            if problems:
                failed += 1
                print("FAIL %s (%d roots, %d md5sums compared%s): %d problem(s)"
                      % (key, compared_roots, md5, note, len(problems)))
                for p in problems[:MAX_REPORTED]:
                    print("    " + p)
                if len(problems) > MAX_REPORTED:
                    print("    ... %d more" % (len(problems) - MAX_REPORTED))
            else:
                passed += 1
                print("ok   %s (%d roots, %d changesets, %d md5sums compared%s)"
                      % (key, compared_roots, len(rows), md5, note))
    print("md5sums compared in all: %d" % total_md5)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
