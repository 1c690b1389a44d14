#!/usr/bin/python3
"""What the plan makes of every project in corpora/: each operation of the
release is kept, rewritten or made a manual step with a reason, and every
step says how it runs.  No database is needed: tests/plan/run.py and
liquibase.py run the SQL.

Per project (with its traffic profile when it has one, and under each
deploy strategy for the demo):
  - every operation of the release belongs to a step, or is a session
    statement (SET lock_timeout, BEGIN ...) that a plan note says the
    steps' own settings replace;
  - every step says why it exists; SQL steps have SQL, backfill steps a
    backfill, manual steps a reason;
  - a step that takes a lock blocking reads or writes has a lock_timeout;
    every SQL step has a statement_timeout (0 = none, said explicitly);
  - a step outside a transaction never has SET LOCAL, one inside never
    leaves a setting behind (its script ends with COMMIT); nothing
    CONCURRENTLY runs inside a transaction;
  - release 1 drops nothing (DROP TABLE/COLUMN/INDEX/VIEW ... are contract
    steps of release 2) and every contract step that drops is held until
    the release is confirmed;
  - dependencies point to earlier steps.
"""
import json
import re
import sys

import plantest
from plantest import check


C = "corpora/"
PROJECTS = [
    ("shop-flyway", [C + "shop-flyway/flyway.conf"], C + "shop-flyway/prod-profile.yaml"),
    ("shop-flyway-since-1.1", ["--since", "1.1", C + "shop-flyway/flyway.conf"],
     C + "shop-flyway/prod-profile.yaml"),
    ("billing-liquibase-xml", ["--search-path", C + "billing-liquibase-xml",
                               C + "billing-liquibase-xml/db/changelog/master.xml"],
     C + "billing-liquibase-xml/prod-profile.yaml"),
    ("inventory-liquibase-yaml", ["--search-path", C + "inventory-liquibase-yaml",
                                  C + "inventory-liquibase-yaml/db/changelog/db.changelog-master.yaml"],
     C + "inventory-liquibase-yaml/prod-profile.yaml"),
    ("events-liquibase-sql", [C + "events-liquibase-sql/db/changelog.xml"],
     C + "events-liquibase-sql/prod-profile.yaml"),
    ("scenarios-locking/index-by-size", [C + "scenarios-locking/index-by-size/db/migration"],
     C + "scenarios-locking/big-profile.yaml"),
    ("scenarios-liquibase/expand-contract", [C + "scenarios-liquibase/expand-contract/changelog.xml"], None),
    ("scenarios-liquibase/expand-contract-since-v1",
     ["--since", "v1", C + "scenarios-liquibase/expand-contract/changelog.xml"], None),
    ("scenarios-liquibase/includeall-order", [C + "scenarios-liquibase/includeall-order/changelog.xml"], None),
] + [(f"scenarios-flyway/{d}", [C + f"scenarios-flyway/{d}" + ("/db" if d == "applied-history" else "")], None)
     for d in ("near-misses", "inversion", "applied-history", "view-and-rows", "expand-contract")]

SESSION_OPS = {"set_setting", "reset_setting", "begin", "commit", "rollback", "savepoint"}
DROP = re.compile(r"^\s*(DROP\s+(TABLE|VIEW|MATERIALIZED VIEW|INDEX|SEQUENCE|TYPE|SCHEMA|DOMAIN)\b|"
                  r"ALTER TABLE .* DROP COLUMN)", re.I | re.M)


def judge(name, plan):
    steps = {s["id"]: s for s in plan["steps"]}
    order = {s["id"]: i for i, s in enumerate(plan["steps"])}
    noted_lines = set()
    for n in plan["notes"]:
        m = re.match(r"(.*):(\d+): ", n)
        if m:
            noted_lines.add((m.group(1), int(m.group(2))))
    uncovered = []
    for c in plan["coverage"]:
        if c["steps"]:
            continue
        if c["op"] in SESSION_OPS and (c["file"], c["line"]) in noted_lines:
            continue
        if c["opaque"] == "function_body":
            continue
        uncovered.append(f"{c['file']}:{c['line']} {c['op']} {c['opaque'] or ''}")
    check(f"{name}: every operation is kept, rewritten or manual", not uncovered,
          "    " + "\n    ".join(uncovered))
    bad = []
    for s in plan["steps"]:
        sid = f"{s['id']} {s['title']}"
        if not s["why"]:
            bad.append(f"{sid}: no why")
        if s["kind"] == "sql" and not s["sql"]:
            bad.append(f"{sid}: an SQL step without SQL")
        if s["kind"] == "backfill" and not s["backfill"]:
            bad.append(f"{sid}: a backfill step without a backfill")
        if s["kind"] in ("sql", "manual") and s["sql"]:
            blocking = [l for l in s["locks"] if l["mode"] in (
                "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock")]
            if blocking and s["lock_timeout_ms"] is None:
                bad.append(f"{sid}: takes {blocking[0]['mode']} without a lock_timeout")
            if s["statement_timeout_ms"] is None:
                bad.append(f"{sid}: no statement_timeout said")
            script = s["script"] or ""
            if s["in_transaction"] and not script.rstrip().endswith("COMMIT;"):
                bad.append(f"{sid}: in a transaction, its script does not end with COMMIT")
            if not s["in_transaction"] and "SET LOCAL" in script:
                bad.append(f"{sid}: SET LOCAL outside a transaction")
            if not s["in_transaction"] and re.search(r"^SET (lock|statement)_timeout", script, re.M) \
                    and not re.search(r"^RESET ", script, re.M):
                bad.append(f"{sid}: a setting outside a transaction is never reset")
            if s["in_transaction"] and re.search(r"\bCONCURRENTLY\b", s["sql"] or "") and \
                    not re.search(r"REFRESH MATERIALIZED VIEW CONCURRENTLY", s["sql"] or ""):
                bad.append(f"{sid}: CONCURRENTLY inside a transaction")
        if s["release"] == 1 and s["sql"] and DROP.search(s["sql"]) and s["kind"] != "manual":
            bad.append(f"{sid}: drops in release 1: {s['sql'][:120]}")
        destructive = [o for o in s["ops"] if o in (
            "drop_table", "drop_column", "drop_view", "drop_materialized_view", "drop_sequence",
            "drop_type", "drop_schema", "drop_domain", "truncate", "delete")]
        if destructive and s["phase"] == "contract" and not s["hold_until_confirmed"]:
            bad.append(f"{sid}: drops ({destructive[0]}) without being held until confirmed")
        if s["phase"] == "contract" and s["release"] != 2:
            bad.append(f"{sid}: a contract step in release {s['release']}")
        for d in s["depends_on"]:
            if d not in steps or order[d] >= order[s["id"]]:
                bad.append(f"{sid}: depends on {d}, which does not run before it")
    check(f"{name}: every step says how it runs", not bad, "    " + "\n    ".join(bad))


def main():
    for name, args, profile in PROJECTS:
        runs = [[]]
        if profile:
            runs.append(["--profile", profile])
        if name == "shop-flyway":
            runs += [["--profile", profile, "--deploy", d] for d in ("single", "blue-green", "canary")]
        for extra in runs:
            label = name + ("" if not extra else " " + " ".join(a for a in extra if not a.endswith(".yaml")))
            try:
                plan = plantest.plan_of(extra + args)
            except (RuntimeError, json.JSONDecodeError) as e:
                check(f"{label}: plan", False, str(e))
                continue
            judge(label.strip(), plan)
    return plantest.summary()


if __name__ == "__main__":
    sys.exit(main())
