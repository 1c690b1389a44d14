#!/usr/bin/python3
"""The SQL the plan writes for Liquibase change types, run on PostgreSQL 15.

Liquibase change types have no SQL of their own: the plan writes it from
their operations.  For every Liquibase project in corpora/ and for a
changelog that uses every change type migraph knows
(tests/plan/liquibase/all-change-types.xml), the whole plan (every step of
both releases, in order) runs on an empty database, and every step with
SQL must succeed.  For the all-change-types changelog the result must also
be the schema Liquibase itself makes (its SQL written out by hand in
all-change-types.expected.sql), and for the shared corpora that have a
Liquibase oracle (../shared/oracle: the SQL Liquibase 4.28 generated) the
plan of the whole history must end in the schema the oracle's SQL makes.

A step without SQL is a manual step (customChange, loadData ...): it is
listed, with its reason, and skipped.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "pg"))
import pglive  # noqa: E402
import plantest  # noqa: E402
from plantest import check  # noqa: E402

SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))


# project, root changelog, options, roles its grants name, what production
# has before the changelog (a table it drops, an extension it uses)
PROJECTS = [
    ("billing-xml", "corpora/billing-liquibase-xml/db/changelog/master.xml",
     ["--search-path", "corpora/billing-liquibase-xml"], ["billing_app", "billing_reporting"],
     "CREATE TABLE legacy_invoice_export (id bigint);"),
    ("inventory-yaml", "corpora/inventory-liquibase-yaml/db/changelog/db.changelog-master.yaml",
     ["--search-path", "corpora/inventory-liquibase-yaml"], [],
     "CREATE EXTENSION IF NOT EXISTS pg_trgm;"),
    ("events-sql", "corpora/events-liquibase-sql/db/changelog.xml", [], [], None),
    ("scenario-expand-contract", "corpora/scenarios-liquibase/expand-contract/changelog.xml", [],
     [], None),
    ("all-change-types", "tests/plan/liquibase/all-change-types.xml", [], [], None),
]


def run_plan(srv, db, plan, skip_titles=()):
    """Runs every step with SQL; returns (failures, manual steps skipped)."""
    failures, manual = [], []
    for s in plan["steps"]:
        if s["kind"] == "app_deploy":
            continue
        if s["kind"] == "backfill":
            sql = plantest.backfill_sql(s["backfill"])
        elif not s["script"]:
            manual.append(f"{s['id']} {s['title']}: {s['why']}")
            continue
        else:
            sql = s["script"]
        try:
            srv.run(db, sql)
        except pglive.ScriptError as e:
            failures.append(f"{s['id']} {s['title']} ({s['file']}:{s['line']}): {str(e)[:600]}")
    return failures, manual


def ensure_roles(srv, roles):
    for r in roles:
        srv.run("postgres", f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{r}') "
                            f"THEN CREATE ROLE {r}; END IF; END $$;")


def corpus_projects(srv):
    for name, path, args, roles, before in PROJECTS:
        ensure_roles(srv, roles)
        db = srv.fresh_db("lb_" + re.sub(r"[^a-z0-9]", "_", name))
        if before:
            srv.run(db, before)
        plan = plantest.plan_of(args + [path])
        fails, manual = run_plan(srv, db, plan)
        n = sum(1 for s in plan["steps"] if s["script"] or s["kind"] == "backfill")
        check(f"{name}: all {n} steps with SQL run", not fails, "    " + "\n    ".join(fails))
        for m in manual:
            print(f"     manual: {m[:160]}")
        manual_without_reason = [m for m in manual if m.endswith(": None")]
        check(f"{name}: every manual step says why", not manual_without_reason,
              "    " + "\n    ".join(manual_without_reason))
        if name == "all-change-types":
            expected = srv.fresh_db("lb_all_expected")
            srv.run(expected, open(os.path.join(HERE, "liquibase", "all-change-types.expected.sql")).read())
            sa, sb = srv.schema(expected), srv.schema(db)
            check(f"{name}: the schema Liquibase makes", pglive.same_schema(sa, sb),
                  pglive.diff(sa, sb, "liquibase", "plan"))


def oracle_sql(corpus):
    """The oracle's update SQL without Liquibase's own tables."""
    text = open(os.path.join(SHARED, "oracle", corpus, "update-postgresql.sql")).read()
    out, skip = [], False
    for stmt in re.split(r";\s*\n", text):
        s = stmt.strip()
        if not s or re.search(r"\bDATABASECHANGELOG(LOCK)?\b", s, re.I):
            continue
        out.append(s + ";")
    return "\n".join(out)


def oracle_projects(srv):
    only = os.environ.get("ORACLES", "jhipster-sample-app").split(",")
    for corpus in only:
        base = os.path.join(SHARED, "corpora", corpus)
        roots = os.path.join(SHARED, "oracle", corpus, "roots.tsv")
        if not os.path.exists(roots):
            print(f"skip {corpus}: no oracle in ../shared")
            continue
        root = [line.rstrip("\n").split("\t") for line in open(roots)][1]
        search = os.path.join(base, root[1])
        changelog = os.path.join(search, root[2])
        if not os.path.isdir(base) or not os.path.isdir(os.path.join(SHARED, "oracle", corpus)):
            print(f"skip {corpus}: not in ../shared")
            continue
        a = srv.fresh_db("lbo_" + re.sub(r"[^a-z0-9]", "_", corpus) + "_a")
        b = srv.fresh_db("lbo_" + re.sub(r"[^a-z0-9]", "_", corpus) + "_b")
        try:
            srv.run(a, oracle_sql(corpus))
        except pglive.ScriptError as e:
            check(f"oracle {corpus}: Liquibase's SQL runs", False, str(e)[:1500])
            continue
        plan = plantest.plan_of(["--search-path", search, changelog])
        if not plan["steps"]:
            check(f"oracle {corpus}: the plan has steps", False, "    nothing was loaded")
            continue
        fails, manual = run_plan(srv, b, plan)
        check(f"oracle {corpus}: the plan's steps run", not fails, "    " + "\n    ".join(fails[:20]))
        sa, sb = srv.schema(a), srv.schema(b)
        check(f"oracle {corpus}: same schema as Liquibase's own SQL", pglive.same_schema(sa, sb),
              pglive.diff(sa, sb, "liquibase", "plan"))


def main():
    srv = pglive.server(15)
    corpus_projects(srv)
    oracle_projects(srv)
    return plantest.summary()


if __name__ == "__main__":
    sys.exit(main())
