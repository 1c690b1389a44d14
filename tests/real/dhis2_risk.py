#!/usr/bin/python3
"""dhis2 under a believable production profile (tests/real/dhis2-profile.yaml).

Every changeset must carry a risk entry with its expected runtime (a number, or
null when it cannot be known: a Java migration) and its lock summary; the
finding counts per rule and severity are recorded in dhis2_counts.json and any
change fails the test until a reviewer has looked at the new findings and
recorded them with UPDATE=1.

Without ../shared the test skips, except with CI=true, where that fails.
"""
import collections
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIGRAPH = os.environ.get("MIGRAPH", os.path.join(ROOT, "build", "migraph"))
PROFILE = os.path.join(ROOT, "tests", "real", "dhis2-profile.yaml")
COUNTS = os.path.join(ROOT, "tests", "real", "dhis2_counts.json")

sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from corpus_check import dhis2_report  # noqa: E402
from suite import Suite  # noqa: E402


def main():
    suite = Suite(quiet=True)
    check = suite.check
    doc = dhis2_report(ROOT, MIGRAPH, PROFILE, suite)
    if not doc:
        return suite.finish()
    cs_all = doc["changesets"]
    missing = [c["script"] for c in cs_all if not isinstance(c.get("risk"), dict)]
    check("every changeset has a risk entry", not missing, str(missing[:5]))
    no_runtime = [c["script"] for c in cs_all if isinstance(c.get("risk"), dict)
                  and c["risk"]["expected_runtime_ms"] is None and c["kind"] != "java"
                  and not any(op["kind"] == "opaque" for st in c["statements"] for op in st["operations"])
                  and not any(st["parse_failed"] for st in c["statements"])]
    check("every analysable changeset has an expected runtime", not no_runtime, str(no_runtime[:5]))
    no_locks = [c["script"] for c in cs_all if c["kind"] != "java" and isinstance(c.get("risk"), dict)
                and any(op.get("locks") for st in c["statements"] for op in st["operations"])
                and not c["risk"]["tables"]]
    check("changesets that lock have a lock summary", not no_locks, str(no_locks[:5]))
    check("sizes known from the profile", doc["summary"]["sizes_known"])
    counts = collections.Counter(f"{f['rule']} {f['severity']}" for f in doc["findings"])
    measured = dict(sorted(counts.items()))
    for rule, n in measured.items():
        print(f"  {rule}: {n}")
    if os.environ.get("UPDATE") == "1":
        with open(COUNTS, "w") as f:
            json.dump(measured, f, indent=2, sort_keys=True)
            f.write("\n")
    else:
        recorded = json.load(open(COUNTS)) if os.path.exists(COUNTS) else {}
        diff = {k: (recorded.get(k, 0), measured.get(k, 0)) for k in set(recorded) | set(measured)
                if recorded.get(k, 0) != measured.get(k, 0)}
        check("finding counts per rule and severity as reviewed", not diff,
              "(recorded, now): " + json.dumps(dict(sorted(diff.items()))) +
              " -- review the findings, then UPDATE=1")
    return suite.finish()


if __name__ == "__main__":
    sys.exit(main())
