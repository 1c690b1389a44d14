#!/usr/bin/python3
"""Ordering, compatibility and data findings on the real corpora of ../shared.

For every Flyway corpus (the locations of tests/real/flyway_corpora.py) and
every Liquibase root of ../shared/oracle/*/roots.tsv, runs `migraph check`
and counts the findings of the rule families of issue 4 (order-, compat-,
data-) per rule.  Every such finding was looked at by hand when the counts
were recorded (see the notes below); the test fails when a count changes,
so a new finding (a possible false positive from a catalog gap) or a lost
one gets looked at again.  UPDATE=1 records the counts after that review.

Without ../shared the test skips, except with CI=true, where that is a failure.
"""
import csv
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("MIGRAPH_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
CORPORA = os.path.join(SHARED, "corpora")
ORACLE = os.path.join(SHARED, "oracle")
MIGRAPH = os.environ.get("MIGRAPH", os.path.join(ROOT, "build", "migraph"))
COUNTS = os.path.join(ROOT, "tests", "real", "findings_counts.json")
FAMILIES = ("order-", "compat-", "data-")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from flyway_corpora import CORPUS_LOCATIONS  # noqa: E402  (one list of Flyway locations)

# What the recorded findings are, from reading each one (issue 4):
NOTES = {
    "marquez": "compat-drop-still-used: V73 drops jobs_view with CASCADE, which silently drops "
               "runs_view (the repeatable R__Runs_view recreates it later): a true finding, "
               "medium because CASCADE was written on purpose.",
    "hyades-liquibase/main": "compat-drop-still-used x3: changelog-v5.6.0.xml drops LDAPUSER, "
                             "MANAGEDUSER, OIDCUSER with cascadeConstraints=true while the "
                             "foreign keys of USER_PROJECT_EFFECTIVE_PERMISSIONS still reference "
                             "them: true, the FKs go silently (medium).",
    "removed false positives": "duplicates in Liquibase createTable (a primary key described at "
                               "column and table level); metabase's fresh-install sqlFile guarded "
                               "by `not tableExists` (changesets with preconditions are not judged "
                               "for missing/duplicate objects); DATABASECHANGELOG used by a "
                               "changeset; FKs and plain CHECKs before an UPDATE (NULLs satisfy "
                               "them); UPDATEs that transform a column (SET c = c + 1) or come "
                               "after an earlier backfill; objects after a Java migration or "
                               "dynamic SQL (dhis2's baseline populator makes every name "
                               "uncertain).",
}

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def liquibase_roots():
    roots = {}
    if not os.path.isdir(ORACLE):
        return roots
    for corpus in sorted(os.listdir(ORACLE)):
        tsv = os.path.join(ORACLE, corpus, "roots.tsv")
        if not os.path.exists(tsv):
            continue
        with open(tsv, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                sp = os.path.join(CORPORA, corpus, row["search_path"])
                args = ["--search-path", sp]
                if row.get("contexts"):
                    args += ["--contexts", row["contexts"]]
                if row.get("labels"):
                    args += ["--labels", row["labels"]]
                for prop in filter(None, (row.get("properties") or "").split(",")):
                    args += ["-D", prop.strip()]
                roots[f"{corpus}/{row['root']}"] = args + [os.path.join(sp, row["changelog_file"])]
    return roots


def run(args):
    proc = subprocess.run([MIGRAPH, "check", "--format", "json", "--engine", "postgresql:15"] + args,
                          capture_output=True, timeout=900, cwd=CORPORA)
    if proc.returncode not in (0, 1):
        return None, f"exit {proc.returncode}: {proc.stderr[:400]!r}"
    try:
        return json.loads(proc.stdout), None
    except ValueError as e:
        return None, f"no JSON: {e}"


def main():
    if not os.path.isdir(CORPORA):
        if os.environ.get("CI") == "true":
            print(f"FAIL {CORPORA} is missing (CI=true)")
            print("0 passed, 1 failed")
            return 1
        print(f"skipped: {CORPORA} is absent")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    targets = {}
    for name, locations in CORPUS_LOCATIONS.items():
        targets[name] = [os.path.join(CORPORA, loc) for loc in locations]
    targets.update(liquibase_roots())
    recorded = json.load(open(COUNTS)) if os.path.exists(COUNTS) else {}
    measured = {}
    for name, args in targets.items():
        doc, err = run(args)
        if err:
            check(f"{name}: runs", False, err)
            continue
        counts = {}
        for f in doc["findings"]:
            if f["rule"].startswith(FAMILIES):
                counts[f["rule"]] = counts.get(f["rule"], 0) + 1
                check(f"{name}: {f['rule']} has file:line and a safe alternative",
                      f["file"] and f["line"] and f.get("safe_alternative"), str(f)[:300])
        measured[name] = dict(sorted(counts.items()))
        print(f"{name}: " + (", ".join(f"{k} {v}" for k, v in measured[name].items()) or "none"))
        if os.environ.get("UPDATE") != "1":
            check(f"{name}: finding counts as recorded", recorded.get(name) == measured[name],
                  f"recorded {recorded.get(name)}, now {measured[name]}: look at each finding, "
                  "fix false positives at their root, then UPDATE=1")
    if os.environ.get("UPDATE") == "1":
        with open(COUNTS, "w") as f:
            json.dump(measured, f, indent=2, sort_keys=True)
            f.write("\n")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
