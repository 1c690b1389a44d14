#!/usr/bin/python3
"""The Flyway corpora of ../shared/corpora, loaded as Flyway would load them.

For each corpus: every migration file is listed in Flyway's order, checked
against expectations written by hand for named cases (never against
migraph's own earlier output); every statement libpg_query parses yields
operations or an opaque operation of a documented kind; every statement it
cannot parse has a diagnostic with file:line; nothing crashes.

The counts per corpus are recorded in tests/real/flyway_counts.json. The test
fails when operations drop or opaque operations or diagnostics rise; after an
improvement, UPDATE=1 records the new counts.

Without ../shared the test skips, except with CI=true, where that is a failure.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("MIGRAPH_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
CORPORA = os.path.join(SHARED, "corpora")
MIGRAPH = os.environ.get("MIGRAPH", os.path.join(ROOT, "build", "migraph"))
COUNTS = os.path.join(ROOT, "tests", "real", "flyway_counts.json")
OPAQUE_KINDS = {"do_block", "function_body", "procedure_call", "java_migration",
                "script_migration", "unmodelled_statement"}

DHIS2 = "dhis2/dhis-2/dhis-support/dhis-support-db-migration/src/main"
CONDUCTOR = "conductor/postgres-persistence/src/main/resources/db"
MARQUEZ = "marquez/api/src/main"
CORPUS_LOCATIONS = {
    "dhis2": [f"{DHIS2}/resources/org/hisp/dhis/db/migration", f"{DHIS2}/java/org/hisp/dhis/db/migration"],
    "hawkbit": ["hawkbit/hawkbit-repository/hawkbit-repository-jpa-flyway/src/main/resources/db/migration/POSTGRESQL"],
    "kestra": ["kestra/jdbc-postgres/src/main/resources/migrations/postgres"],
    "conductor": [f"{CONDUCTOR}/migration_postgres", f"{CONDUCTOR}/migration_postgres_data",
                  f"{CONDUCTOR}/migration_postgres_notify"],
    "marquez": [f"{MARQUEZ}/resources/marquez/db/migration", f"{MARQUEZ}/java/marquez/db/migrations"],
}

passed = failed = skipped = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def vkey(text):
    parts = [int(p) for p in text.replace("_", ".").split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return parts


def vcmp(a, b):
    a, b = vkey(a), vkey(b)
    n = max(len(a), len(b))
    a += [0] * (n - len(a))
    b += [0] * (n - len(b))
    return (a > b) - (a < b)


def versions(doc):
    return [cs["version"] for cs in doc["changesets"] if cs["version"] is not None]


def subsequence(seq, wanted):
    it = iter(seq)
    return all(any(x == w for x in it) for w in wanted)


def hand_expectations(name, doc):
    """Named cases, written from reading the files and Flyway's rules."""
    vs = versions(doc)
    by_version = {cs["version"]: cs for cs in doc["changesets"] if cs["version"]}
    skipped_files = {os.path.basename(s["file"]): s["reason"] for s in doc["skipped"]}
    if name == "conductor":
        # V13.1 and V13.2 live in different locations; V10.1 in a third.
        check("conductor order across locations", vs == [
            "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "10.1", "11", "12", "13.1",
            "13.2", "14", "15", "16", "17", "18", "18.1"], str(vs))
    elif name == "dhis2":
        check("dhis2 first is the Java baseline populator V2_30_0 (shown as written: 2.30.0)",
              vs[:1] == ["2.30.0"] and by_version["2.30.0"]["kind"] == "java", str(vs[:3]))
        check("dhis2 2.31.9 (Java) before 2.31.10 (SQL): numeric, not textual",
              subsequence(vs, ["2.31.9", "2.31.10"]) and by_version["2.31.9"]["kind"] == "java"
              and by_version["2.31.10"]["kind"] == "versioned")
        check("dhis2 Java 2.34.5 and 2.34.6 between SQL 2.34.4 and 2.34.8 (there is no 2.34.7)",
              subsequence(vs, ["2.34.4", "2.34.5", "2.34.6", "2.34.8"])
              and by_version["2.34.5"]["kind"] == "java" and by_version["2.34.8"]["kind"] == "versioned")
        check("dhis2 2.39.17 before 2.40.1", subsequence(vs, ["2.39.17", "2.40.1"]))
        check("dhis2 has 34 Java migrations",
              sum(cs["kind"] == "java" for cs in doc["changesets"]) == 34)
    elif name == "kestra":
        check("kestra 1.1 first, 1.9 before 1.10 before 1.12",
              vs[:1] == ["1.1"] and subsequence(vs, ["1.9", "1.10", "1.12"]), str(vs[:14]))
    elif name == "hawkbit":
        cs = by_version.get("1.12.15")
        check("hawkbit description keeps the triple space of ___POSTGRESQL",
              cs is not None and cs["description"] == "baseline   POSTGRESQL",
              cs and cs["description"])
        check("hawkbit starts at its 1.12.15 baseline; 1.12.19 before 1.12.20 before 1.12.30",
              vs[:1] == ["1.12.15"] and subsequence(vs, ["1.12.19", "1.12.20", "1.12.30"]),
              str(vs[:8]))
    elif name == "marquez":
        check("marquez V57__readme.md skipped with a reason",
              "V57__readme.md" in skipped_files and skipped_files["V57__readme.md"], str(skipped_files))
        check("marquez 2 before 2.1 before 3", subsequence(vs, ["2", "2.1", "3"]))
        check("marquez Java 44.1 after SQL 44, before 45",
              subsequence(vs, ["44", "44.1", "44.2", "45"]) and by_version["44.1"]["kind"] == "java")
        check("marquez JavaMigration with its version in code (66.3) after 66.2",
              subsequence(vs, ["66.2", "66.3", "67.1", "67.2"]) and by_version["66.3"]["kind"] == "java")
        reps = [cs["description"] for cs in doc["changesets"] if cs["kind"] == "repeatable"]
        check("marquez repeatables last, by description",
              reps == ["Datasets view", "Jobs view and rewrite function", "Runs view"]
              and all(cs["kind"] == "repeatable" for cs in doc["changesets"][-3:]), str(reps))


def general_checks(name, doc):
    vs = versions(doc)
    ordered = all(vcmp(a, b) <= 0 for a, b in zip(vs, vs[1:]))
    check(f"{name}: versions ascending", ordered)
    kinds = [cs["kind"] for cs in doc["changesets"]]
    if "repeatable" in kinds:
        first_rep = kinds.index("repeatable")
        check(f"{name}: repeatables after versioned", all(k == "repeatable" for k in kinds[first_rep:]))
    diag_lines = {(d["file"], d["line"]) for d in doc["diagnostics"]}
    bad_opaque = []
    unexplained = []
    for cs in doc["changesets"]:
        for st in cs["statements"]:
            if st["parse_failed"]:
                if not any(f == st["file"] and l is not None for f, l in diag_lines):
                    unexplained.append(f"{st['file']}:{st['line']}")
                continue
            if not st["operations"]:
                unexplained.append(f"{st['file']}:{st['line']} (no operations)")
            for op in st["operations"]:
                if op["kind"] == "opaque" and op.get("opaque_kind") not in OPAQUE_KINDS:
                    bad_opaque.append(op.get("opaque_kind"))
    check(f"{name}: every parsed statement has operations; every failure a diagnostic",
          not unexplained, str(unexplained[:5]))
    check(f"{name}: opaque operations are of documented kinds", not bad_opaque, str(bad_opaque[:5]))
    located = all(d["file"] and d["line"] for d in doc["diagnostics"]
                  if d["code"].startswith("sql-"))
    check(f"{name}: SQL diagnostics carry file:line", located)


def counts_of(doc):
    s = doc["summary"]
    return {"files": s["files"], "changesets": s["changesets"], "statements": s["statements"],
            "operations": s["operations"], "opaque_operations": s["opaque_operations"],
            "diagnostics": s["diagnostics"], "skipped_files": s["skipped_files"]}


def main():
    global skipped
    if not os.path.isdir(CORPORA):
        if os.environ.get("CI") == "true":
            print(f"FAIL {CORPORA} is missing (CI=true)")
            print("0 passed, 1 failed")
            return 1
        print(f"skipped: {CORPORA} is absent")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    recorded = json.load(open(COUNTS)) if os.path.exists(COUNTS) else {}
    measured = {}
    for name, locations in CORPUS_LOCATIONS.items():
        paths = [os.path.join(CORPORA, loc) for loc in locations]
        if not all(os.path.isdir(p) for p in paths):
            check(name, False, "corpus folder missing")
            continue
        proc = subprocess.run([MIGRAPH, "list", "--format", "json", "--engine", "postgresql:15"] + paths,
                              capture_output=True, timeout=600, cwd=CORPORA)
        if proc.returncode not in (0, 1):
            check(f"{name}: runs", False, f"exit {proc.returncode}: {proc.stderr[:500]!r}")
            continue
        doc = json.loads(proc.stdout)
        general_checks(name, doc)
        hand_expectations(name, doc)
        c = counts_of(doc)
        measured[name] = c
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in c.items()))
        old = recorded.get(name)
        if old and os.environ.get("UPDATE") != "1":
            check(f"{name}: operations did not drop", c["operations"] >= old["operations"],
                  f"{c['operations']} < recorded {old['operations']}")
            check(f"{name}: opaque operations did not rise",
                  c["opaque_operations"] <= old["opaque_operations"],
                  f"{c['opaque_operations']} > recorded {old['opaque_operations']}")
            check(f"{name}: diagnostics did not rise", c["diagnostics"] <= old["diagnostics"],
                  f"{c['diagnostics']} > recorded {old['diagnostics']}")
            check(f"{name}: every file listed", c["changesets"] + c["skipped_files"] >= old["changesets"] + old["skipped_files"])
        elif not old and os.environ.get("UPDATE") != "1":
            check(f"{name}: counts recorded", False, "no entry in flyway_counts.json (run with UPDATE=1)")
    if os.environ.get("UPDATE") == "1":
        with open(COUNTS, "w") as f:
            json.dump(measured, f, indent=2, sort_keys=True)
            f.write("\n")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
