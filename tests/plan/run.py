#!/usr/bin/python3
"""The rewrites of the rollout plan, run on a real PostgreSQL 15.

Each case under tests/plan/cases/ is a small migration project whose
first part (up to the release boundary) builds a schema and fills it with
rows; the release after it uses one or more rewrite forms.  For each case:

  database A  runs the project as its tool would: every migration as
              written, in order;
  database B  runs the part before the release as written, then every step
              of the plan in order (both releases), each as the script a
              person would paste (mg_plan_step_script), backfills through
              their generated script when there is one;

and then the two must agree: pglive.same_schema on the normalised
pg_dump --schema-only, and the same rows in every table (columns whose
values come from a volatile function compare by null-ness only).  Each
case also names the SQL its rewrite must produce and the SQL it must not
(a plain CREATE INDEX left in release 1 ...), so that a form that
silently stops firing fails the case instead of passing as "kept".

case.json:
  args        extra options of the plan (e.g. ["--engine", "postgresql:15"])
  since       the release boundary (Flyway version or Liquibase tag)
  project     the migration location (default: the case directory)
  plan        what the plan is given (default: project), e.g. a flyway.conf
  changelog   a Liquibase root changelog in the case directory
  seed        SQL run on both databases right after the part before the release
  expect      regexes each matching the SQL of some step
  forbid      regexes no step of release 1 may match
  volatile    table.column values compared by null-ness only
  releases    the number of releases the plan must have
"""
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "pg"))
import pglive  # noqa: E402
import plantest  # noqa: E402
from plantest import check  # noqa: E402


def version_key(path):
    base = os.path.basename(path)
    m = re.match(r"V([0-9_.]+)__", base)
    if not m:
        return (1, [], base)  # repeatables last, by name
    return (0, [int(p) for p in re.split(r"[._]", m.group(1)) if p], base)


def flyway_files(location):
    files = [f for f in glob.glob(os.path.join(location, "*.sql"))
             if re.match(r"(V[0-9_.]+|R)__", os.path.basename(f))]
    return sorted(files, key=version_key)


def version_of(path):
    m = re.match(r"V([0-9_.]+)__", os.path.basename(path))
    return [int(p) for p in re.split(r"[._]", m.group(1)) if p] if m else None


NON_TX = re.compile(r"\bCONCURRENTLY\b|^\s*VACUUM\b|\bADD\s+VALUE\b", re.I | re.M)


def flyway_conf_placeholders(project):
    ph = {}
    for conf in glob.glob(os.path.join(project, "..", "..", "flyway.conf")) + \
            glob.glob(os.path.join(project, "flyway.conf")):
        for line in open(conf):
            m = re.match(r"\s*flyway\.placeholders\.(\w+)\s*=\s*(.*)", line)
            if m:
                ph[m.group(1)] = m.group(2).strip()
    return ph


def run_flyway_file(srv, db, path, placeholders):
    text = open(path).read()
    for k, v in placeholders.items():
        text = text.replace("${" + k + "}", v)
    conf = path + ".conf"
    no_tx = os.path.exists(conf) and "executeInTransaction=false" in open(conf).read()
    srv.run(db, text, single_transaction=not (no_tx or NON_TX.search(text)))


def run_backfill(srv, db, b):
    """The generated backfill when there is one, else its meaning: the SET
    on the rows its predicate matches (or their DELETE)."""
    if b.get("script_sql") and b.get("run_sql"):
        for part in ("setup_sql", "script_sql", "run_sql", "cleanup_sql"):
            if b.get(part):
                srv.run(db, b[part])
        return
    srv.run(db, plantest.backfill_sql(b))


def run_plan(srv, db, plan):
    for s in plan["steps"]:
        if s["kind"] == "app_deploy":
            continue
        if s["kind"] == "backfill":
            run_backfill(srv, db, s["backfill"])
        elif s["script"]:
            srv.run(db, s["script"])


DIGEST = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1"""


def rows_digest(srv, db, volatile):
    """Per table: its rows as sorted-key JSON, sorted, hashed; volatile
    columns reduced to whether they hold a value."""
    out = {}
    for (table,) in srv.query(db, DIGEST):
        vol = [v.split(".", 1)[1] for v in volatile if v.split(".", 1)[0] == table]
        fields = "json_object_agg(key, CASE WHEN key = ANY(%s) THEN (value IS NOT NULL)::text " \
                 "ELSE value END ORDER BY key)" % ("ARRAY[" + ",".join(f"'{c}'" for c in vol) + "]::text[]" if vol else "ARRAY[]::text[]")
        q = (f"SELECT count(*), md5(coalesce(string_agg(x, ',' ORDER BY x), '')) FROM "
             f"(SELECT (SELECT {fields} FROM json_each_text(row_to_json(t)))::text x "
             f"FROM \"{table}\" t) s")
        out[table] = srv.query(db, q)[0]
    return out


def step_sql(s):
    parts = [s.get("sql") or ""]
    if s.get("backfill"):
        parts.append(json.dumps(s["backfill"]))
    return "\n".join(parts)


def run_case(srv, name, case_dir):
    cfg = {}
    if os.path.exists(os.path.join(case_dir, "case.json")):
        cfg = json.load(open(os.path.join(case_dir, "case.json")))
    project = os.path.normpath(os.path.join(case_dir, cfg.get("project", ".")))
    plan_path = os.path.normpath(os.path.join(case_dir, cfg.get("plan", cfg.get("project", "."))))
    db_name = re.sub(r"[^a-z0-9_]", "_", name.lower())
    a = srv.fresh_db(f"pl_{db_name}_a")
    b = srv.fresh_db(f"pl_{db_name}_b")
    since = cfg["since"]
    args = ["--since", since] + [a if not a.startswith("../") else os.path.normpath(os.path.join(case_dir, a))
                                 for a in cfg.get("args", [])]
    setup = os.path.join(case_dir, "setup.sql")
    for db in (a, b):
        if os.path.exists(setup):
            srv.run(db, open(setup).read())
    if cfg.get("changelog"):
        raise RuntimeError("Liquibase cases run through tests/plan/liquibase.py")
    placeholders = flyway_conf_placeholders(project)
    files = flyway_files(project)
    boundary = [int(p) for p in re.split(r"[._]", since)]
    before = [f for f in files if version_of(f) is not None and version_of(f) <= boundary]
    seed = os.path.join(case_dir, cfg["seed"]) if cfg.get("seed") else None
    try:
        for f in files:
            run_flyway_file(srv, a, f, placeholders)
            if seed and f == before[-1]:
                srv.run(a, open(seed).read())
        for f in before:
            run_flyway_file(srv, b, f, placeholders)
        if seed:
            srv.run(b, open(seed).read())
        plan = plantest.plan_of(args + [plan_path])
        run_plan(srv, b, plan)
    except (pglive.ScriptError, RuntimeError) as e:
        check(f"{name}: runs", False, str(e)[:3000])
        return
    check(f"{name}: runs", True)
    sa, sb = srv.schema(a), srv.schema(b)
    check(f"{name}: same schema", pglive.same_schema(sa, sb), pglive.diff(sa, sb, "original", "plan"))
    da, dbb = rows_digest(srv, a, cfg.get("volatile", [])), rows_digest(srv, b, cfg.get("volatile", []))
    bad = {t: (da.get(t), dbb.get(t)) for t in set(da) | set(dbb) if da.get(t) != dbb.get(t)}
    check(f"{name}: same rows", not bad, f"    differing tables (count, digest) original vs plan: {bad}")
    sqls = [step_sql(s) for s in plan["steps"]]
    for rx in cfg.get("expect", []):
        check(f"{name}: a step matches /{rx}/", any(re.search(rx, q, re.I | re.S) for q in sqls),
              "    steps:\n" + "\n".join(f"    {s['id']} {s['title']}: {s['sql']}" for s in plan["steps"]))
    rel1 = [step_sql(s) for s in plan["steps"] if s["release"] == 1]
    for rx in cfg.get("forbid", []):
        hits = [q for q in rel1 if re.search(rx, q, re.I | re.S)]
        check(f"{name}: no release-1 step matches /{rx}/", not hits, "    " + "\n    ".join(hits))
    if "releases" in cfg:
        check(f"{name}: {cfg['releases']} release(s)", plan["releases"] == cfg["releases"],
              f"    got {plan['releases']}")


def main():
    srv = pglive.server(15)
    only = sys.argv[1:]
    for case_dir in sorted(glob.glob(os.path.join(HERE, "cases", "*"))):
        name = os.path.basename(case_dir)
        if only and name not in only:
            continue
        cfg_path = os.path.join(case_dir, "case.json")
        if os.path.exists(cfg_path) and json.load(open(cfg_path)).get("changelog"):
            continue
        run_case(srv, name, case_dir)
    return plantest.summary()


if __name__ == "__main__":
    sys.exit(main())
