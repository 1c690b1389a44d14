#!/usr/bin/python3
"""The emitted plan against the original migrations, on a real PostgreSQL 15.

For the demo project and every scenario project of corpora/: the original
migrations run on one database, the plan's emitted migrations (both
releases, in order) on another, and the two schemas must be the same
(pg_dump --schema-only, tests/pg/pglive.py).  Where the original history
itself fails on PostgreSQL (a scenario written to show an ordering bug),
the emitted plan must fail the same way, with the same error, at the same
point of the schema.  Then `migraph check` runs on the emitted files with
the same profile: no high or critical finding may come from a step the plan
wrote or rewrote; findings on steps the plan kept as written (its header
says so) are the original migrations' own and are listed.

The originals run as their tools run them: Flyway scripts in Flyway's
order (versions compared as numbers, then repeatables), placeholders from
flyway.conf, each script in one transaction unless its .sql.conf says
executeInTransaction=false; Liquibase changelogs as the SQL Liquibase
itself generates (offline update-sql of the npm liquibase package pinned in
bench/package.json, installed when missing).  The emitted files run the
same way.  Run through tests/pg/with_pg.sh.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "pg"))
sys.path.insert(0, HERE)
import common  # noqa: E402
import liquibase_sql  # noqa: E402
import pglive  # noqa: E402

MIGRAPH = os.environ.get("MIGRAPH", os.path.join(ROOT, "build", "migraph"))
C = os.path.join(ROOT, "corpora")

# name, kind, migraph arguments (paths relative to ROOT), extra.
CASES = [
    ("shop-flyway", "flyway",
     {"conf": "corpora/shop-flyway/flyway.conf", "profile": "corpora/shop-flyway/prod-profile.yaml"}),
    # Before PostgreSQL 12 nothing sets NOT NULL without a full scan under
    # ACCESS EXCLUSIVE: those steps say so (risk critical, a note), and
    # check must agree with them rather than find more.
    ("shop-flyway, planned for PostgreSQL 10 (psql backfills)", "flyway",
     {"conf": "corpora/shop-flyway/flyway.conf", "profile": "corpora/shop-flyway/prod-profile.yaml",
      "engine": "postgresql:10", "declared_risk": True}),
    ("scenarios-flyway/expand-contract", "flyway",
     {"dir": "corpora/scenarios-flyway/expand-contract"}),
    ("scenarios-flyway/expand-contract --since 1", "flyway",
     {"dir": "corpora/scenarios-flyway/expand-contract", "since": "1"}),
    ("scenarios-flyway/near-misses", "flyway", {"dir": "corpora/scenarios-flyway/near-misses"}),
    ("scenarios-flyway/applied-history", "flyway",
     {"dir": "corpora/scenarios-flyway/applied-history/db"}),
    ("scenarios-flyway/inversion", "flyway", {"dir": "corpora/scenarios-flyway/inversion"}),
    ("scenarios-flyway/view-and-rows", "flyway", {"dir": "corpora/scenarios-flyway/view-and-rows"}),
    ("scenarios-locking/index-by-size (big)", "flyway",
     {"dir": "corpora/scenarios-locking/index-by-size/db/migration",
      "profile": "corpora/scenarios-locking/big-profile.yaml"}),
    ("scenarios-locking/index-by-size (small)", "flyway",
     {"dir": "corpora/scenarios-locking/index-by-size/db/migration",
      "profile": "corpora/scenarios-locking/small-profile.yaml"}),
    ("events-liquibase-sql", "liquibase",
     {"search": "corpora/events-liquibase-sql", "changelog": "db/changelog.xml",
      "profile": "corpora/events-liquibase-sql/prod-profile.yaml"}),
    ("scenarios-liquibase/expand-contract", "liquibase",
     {"search": "corpora/scenarios-liquibase/expand-contract", "changelog": "changelog.xml"}),
    ("scenarios-liquibase/includeall-order", "liquibase",
     {"search": "corpora/scenarios-liquibase/includeall-order", "changelog": "changelog.xml"}),
]

T = common.Tally()
ok = T.ok


# ---- Flyway ---------------------------------------------------------------

VERSIONED = re.compile(r"^V(\d+(?:[._]\d+)*)__.*\.sql$")
REPEATABLE = re.compile(r"^R__(.*)\.sql$")


def version_key(text):
    parts = [int(p) for p in re.split(r"[._]", text)]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def flyway_scripts(dirs):
    """(path, version or None) in Flyway's order: versions as numbers, then
    repeatables by description.  Callbacks and other files are not migrations."""
    versioned, repeatable = [], []
    for d in dirs:
        for base, _, names in os.walk(d):
            for n in names:
                m = VERSIONED.match(n)
                if m:
                    versioned.append((version_key(m.group(1)), os.path.join(base, n)))
                    continue
                m = REPEATABLE.match(n)
                if m:
                    repeatable.append((m.group(1), os.path.join(base, n)))
    return ([(p, v) for v, p in sorted(versioned)] + [(p, None) for _, p in sorted(repeatable)])


def placeholders(conf):
    values = {}
    if conf:
        with open(os.path.join(ROOT, conf)) as f:
            for line in f:
                m = re.match(r"\s*flyway\.placeholders\.([^=\s]+)\s*=\s*(.*?)\s*$", line)
                if m:
                    values[m.group(1)] = m.group(2)
    return values


def locations(case):
    if "conf" in case:
        base = os.path.dirname(os.path.join(ROOT, case["conf"]))
        dirs = []
        with open(os.path.join(ROOT, case["conf"])) as f:
            for line in f:
                m = re.match(r"\s*flyway\.locations\s*=\s*(.*?)\s*$", line)
                if m:
                    for loc in m.group(1).split(","):
                        dirs.append(os.path.join(base, loc.split(":", 1)[-1]))
        return dirs
    return [os.path.join(ROOT, case["dir"])]


def in_transaction(script):
    conf = script + ".conf"
    if os.path.exists(conf):
        with open(conf) as f:
            for line in f:
                if re.match(r"\s*executeInTransaction\s*=\s*false\s*$", line):
                    return False
    return True


def first_error(stderr):
    for line in stderr.splitlines():
        m = re.search(r"ERROR:\s*(.*)$", line)
        if m:
            return m.group(1)
    return stderr.strip()


GUARD = re.compile(r"has not finished: run (release-\d+/backfill/\S+\.psql) with psql")


def run_scripts(srv, db, scripts, values, plan_dir=None, answered=None):
    """Runs scripts as Flyway would; stops at the first failure.  Returns
    (failed script or None, error).  With plan_dir, a guard that stops for
    a psql backfill (before PostgreSQL 11) is answered as its message asks:
    the script runs with psql (listed in answered), then the guard again."""
    for path in scripts:
        with open(path) as f:
            sql = f.read()
        for k, v in values.items():
            sql = sql.replace("${" + k + "}", v)
        rc, _, err = srv.psql(db, sql, single_transaction=in_transaction(path))
        m = GUARD.search(err) if rc != 0 and plan_dir else None
        if m:
            if answered is not None:
                answered.append(m.group(1))
            with open(os.path.join(plan_dir, m.group(1))) as f:
                rc2, _, err2 = srv.psql(db, f.read())
            if rc2 != 0:
                return path, f"{m.group(1)}: {first_error(err2)}"
            rc, _, err = srv.psql(db, sql, single_transaction=in_transaction(path))
        if rc != 0:
            return path, first_error(err)
    return None, None


def emitted_scripts(out):
    found = []
    for path in glob.glob(os.path.join(out, "release-*", "*.sql")):
        m = VERSIONED.match(os.path.basename(path))
        if not m:
            raise AssertionError(f"emitted file is not a Flyway versioned script: {path}")
        found.append((version_key(m.group(1)), path))
    return [p for _, p in sorted(found)]


def migraph_args(case):
    args = []
    if case.get("profile"):
        args += ["--profile", os.path.join(ROOT, case["profile"])]
    if case.get("since"):
        args += ["--since", case["since"]]
    if case.get("search"):
        args += ["--search-path", os.path.join(ROOT, case["search"])]
        args.append(os.path.join(ROOT, case["search"], case["changelog"]))
    elif case.get("conf"):
        args.append(os.path.join(ROOT, case["conf"]))
    else:
        args.append(os.path.join(ROOT, case["dir"]))
    return ["--engine", case.get("engine", "postgresql:15")] + args


def emit_plan(drv, name, case, out):
    """Writes the case's plan under out; False (a failure) when it cannot."""
    p = subprocess.run([drv, "emit", out, "--"] + migraph_args(case), capture_output=True, text=True)
    return p.returncode == 0 or ok(f"{name}: plan emitted", False, p.stderr)


def header_of(path):
    with open(path) as f:
        head = f.read(4000)
    return head


RISK = ["info", "low", "medium", "high", "critical"]


def check_emitted(name, case, check_paths, origin_of, since=None):
    """migraph check on the emitted files, one release at a time (what came
    before it is its history, as when it is deployed: --since): high or
    critical only where a step was kept as written.  A finding the plan's
    order answers carries the plan's own migraph:ignore marker ("plan: ...",
    a drop once no instance runs the old version): it is listed, and every
    such marker must suppress something.  A case may allow a plan-written
    step's finding that the step itself declares at least as risky (its
    header's risk), where no online form exists for the target version."""
    args = [MIGRAPH, "check", "--format", "json", "--fail-on", "critical", "--engine",
            case.get("engine", "postgresql:15")]
    if case.get("profile"):
        args += ["--profile", os.path.join(ROOT, case["profile"])]
    if since:
        args += ["--since", since]
    p = subprocess.run(args + check_paths, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        ok(f"{name}: migraph check on the emitted plan runs", False, p.stderr)
        return
    report = json.loads(p.stdout)
    bad, kept, waived, declared = [], [], [], []
    for f in report.get("findings", []):
        if f.get("severity") not in ("high", "critical"):
            continue
        where, risk = origin_of(f.get("file") or "", f.get("line") or 0)
        line = f"{f['severity']} {f['rule']} {f.get('file')}:{f.get('line')}: {f.get('message', '')[:160]}"
        reason = (f.get("suppression") or {}).get("reason") or ""
        if reason.startswith("plan: "):
            waived.append(f"{line}\n       ({reason})")
        elif where == "kept":
            kept.append(line)
        elif case.get("declared_risk") and risk and RISK.index(risk) >= RISK.index(f["severity"]):
            declared.append(f"{line} (the step says risk {risk})")
        else:
            bad.append(line)
    for k in kept:
        print(f"     kept as written: {k}")
    for w in waived:
        print(f"     waived by the plan: {w}")
    for d in declared:
        print(f"     declared by the step: {d}")
    ok(f"{name}: migraph check finds no high/critical on steps the plan wrote ({len(kept)} on steps "
       f"kept as written, {len(waived)} waived by the plan's order, {len(declared)} declared)",
       not bad, "\n".join(bad))
    unused = [f"{d.get('file')}:{d.get('line')}: {d.get('code')}: {d.get('message')}"
              for d in report.get("diagnostics", []) if (d.get("code") or "").startswith("suppression-")]
    ok(f"{name}: every migraph:ignore marker the plan wrote is well-formed and suppresses a finding",
       not unused, "\n".join(unused))


def last_version(folder):
    """The highest Flyway version of the scripts in folder, as text."""
    return ".".join(str(p) for p in max(version_key(VERSIONED.match(os.path.basename(f)).group(1))
                                        for f in glob.glob(os.path.join(folder, "V*.sql"))))


def step_risk(text):
    m = re.search(r"^-- migraph plan: .*, risk (\w+)$", text, re.M)
    return m.group(1) if m else None


def flyway_origin(path, line):
    """('kept' when the emitted script says its step was kept as written,
    else 'plan'; the risk its header declares)."""
    if not os.path.exists(path):
        return "other", None
    head = header_of(path)
    return ("kept" if "kept as written" in head else "plan"), step_risk(head)


def flyway_case(srv, drv, name, case, n):
    dirs = locations(case)
    values = placeholders(case.get("conf"))
    originals = flyway_scripts(dirs)
    a = srv.fresh_db(f"emit_orig_{n}")
    b = srv.fresh_db(f"emit_plan_{n}")
    failed_at, error = run_scripts(srv, a, [p for p, _ in originals], values)

    tmp = tempfile.mkdtemp(prefix="migraph-emit-")
    try:
        out = os.path.join(tmp, "plan")
        if not emit_plan(drv, name, case, out):
            return
        # What stays before the release runs as written, then the plan.
        before = []
        if case.get("since"):
            since = version_key(case["since"])
            before = [p for p, v in originals if v is not None and v <= since]
        plan = emitted_scripts(out)
        if not plan:
            ok(f"{name}: plan emitted", False, "no scripts")
            return
        answered = []
        e_failed, e_error = run_scripts(srv, b, before + plan, {}, plan_dir=out, answered=answered)
        psql_backfills = sorted(os.path.relpath(p, out) for p in glob.glob(os.path.join(out, "release-*", "backfill", "*.psql")))
        if case.get("engine") == "postgresql:10":
            ok(f"{name}: each backfill's guard stopped the migration until its psql script ran",
               psql_backfills and sorted(answered) == psql_backfills, (answered, psql_backfills))
        if failed_at:
            ok(f"{name}: the emitted plan fails where the original does "
               f"({os.path.basename(failed_at)}: {error})",
               e_failed is not None and e_error == error,
               f"emitted: {e_failed}: {e_error}")
        else:
            ok(f"{name}: the emitted plan runs", e_failed is None, f"{e_failed}: {e_error}")
        sa, sb = srv.schema(a), srv.schema(b)
        ok(f"{name}: same schema as the original migrations", pglive.same_schema(sa, sb),
           pglive.diff(sa, sb, "original", "emitted"))
        # migraph check: the history that stays, as files, then the plan.
        check_dirs = []
        if before:
            hist = os.path.join(tmp, "history")
            os.makedirs(hist)
            for p in before:
                shutil.copy(p, hist)
                if os.path.exists(p + ".conf"):
                    shutil.copy(p + ".conf", hist)
            check_dirs.append(hist)
        releases = sorted(glob.glob(os.path.join(out, "release-*")))
        since = case.get("since")
        for r, folder in enumerate(releases, 1):
            check_dirs.append(folder)
            check_emitted(f"{name} (release {r})", case, list(check_dirs), flyway_origin, since)
            since = last_version(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---- Liquibase ------------------------------------------------------------

def liquibase_origin(path, line):
    """As flyway_origin, for the changeset holding line."""
    if not os.path.exists(path):
        return "other", None
    with open(path) as f:
        lines = f.read().splitlines()
    start = 0
    for i in range(min(line, len(lines)) - 1, -1, -1):
        if lines[i].startswith("--changeset"):
            start = i
            break
    block = []
    for text in lines[start + 1:]:
        if text.startswith("--changeset"):
            break
        block.append(text)
    where = "kept" if any("kept as written" in t for t in block) else "plan"
    return where, step_risk("\n".join(block))


def steps_without_sql(changelogs):
    """None when no step was refused for want of SQL.  Otherwise the refused
    steps, when all of them come from Liquibase change types (XML, YAML,
    JSON: no SQL text of their own until the plan writes it), or [] when
    one of them had SQL and was refused anyway (an emitter bug)."""
    refused, all_change_types = [], True
    for path in changelogs:
        with open(path) as f:
            blocks = f.read().split("\n--changeset ")
        for block in blocks[1:]:
            if "has no SQL the plan could write" not in block:
                continue
            refused.append(block.split()[0])
            origin = re.search(r"^-- from (\S+):\d+,", block, re.M)
            if not origin or not origin.group(1).endswith((".xml", ".yaml", ".yml", ".json")):
                all_change_types = False
    if not refused:
        return None
    return refused if all_change_types else []


def liquibase_case(srv, drv, lb, name, case, n):
    search = os.path.join(ROOT, case["search"])
    a = srv.fresh_db(f"emit_orig_{n}")
    b = srv.fresh_db(f"emit_plan_{n}")
    orig_sql = lb.update_sql(search, case["changelog"])
    rc, _, err = srv.psql(a, orig_sql)
    error = first_error(err) if rc else None
    tmp = tempfile.mkdtemp(prefix="migraph-emit-")
    try:
        out = os.path.join(tmp, "plan")
        if not emit_plan(drv, name, case, out):
            return
        releases = sorted(glob.glob(os.path.join(out, "release-*", "changelog.sql")))
        pending = steps_without_sql(releases)
        if pending is not None:
            if pending:
                T.skip(name, f"{len(pending)} steps from Liquibase change types have no SQL yet "
                             f"(the plan's SQL writer is not in this build): {', '.join(pending[:4])}")
                return
            ok(f"{name}: every step the emitter refused comes from a change type without SQL", False,
               "a step with SQL of its own was refused")
            return
        # A master per release: the earlier releases, each closed by a tag,
        # then this one (the last master is the whole plan).
        masters = []
        for upto in range(1, len(releases) + 1):
            masters.append(os.path.join(out, f"master-{upto}.xml"))
            with open(masters[-1], "w") as f:
                f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                        '<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">\n')
                for r, path in enumerate(releases[:upto], 1):
                    f.write(f'  <include file="{os.path.relpath(path, out)}"/>\n')
                    if r < upto:
                        f.write(f'  <changeSet id="release-{r}-done" author="migraph-test">'
                                f'<tagDatabase tag="release-{r}"/></changeSet>\n')
                f.write('</databaseChangeLog>\n')
        master = masters[-1]
        plan_sql = lb.update_sql(out, os.path.basename(master))
        rc2, _, err2 = srv.psql(b, plan_sql)
        e_error = first_error(err2) if rc2 else None
        if error:
            ok(f"{name}: the emitted plan fails where the original does ({error})", e_error == error,
               f"emitted: {e_error}")
        else:
            ok(f"{name}: the emitted plan runs", rc2 == 0, f"{e_error}\n{plan_sql[:3000]}")
        sa, sb = srv.schema(a), srv.schema(b)
        ok(f"{name}: same schema as the original migrations", pglive.same_schema(sa, sb),
           pglive.diff(sa, sb, "original", "emitted"))
        case2 = dict(case)
        case2.pop("search", None)
        for r, m in enumerate(masters, 1):
            check_emitted(f"{name} (release {r})", case2, ["--search-path", out, m],
                          lambda p, l: liquibase_origin(p if os.path.isabs(p) else os.path.join(out, p), l),
                          f"release-{r - 1}" if r > 1 else None)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    srv = pglive.server(15)
    # Roles the corpora grant to (cluster-wide).
    srv.run("postgres", "DO $$ BEGIN CREATE ROLE shop_app; EXCEPTION WHEN duplicate_object THEN NULL; END $$;")
    drv = common.driver()
    only = sys.argv[1:]
    lb = None
    for n, (name, kind, case) in enumerate(CASES):
        if only and not any(o in name for o in only):
            continue
        try:
            if kind == "flyway":
                flyway_case(srv, drv, name, case, n)
            else:
                if lb is None:
                    lb = liquibase_sql.Liquibase(ROOT)
                if not lb.available:
                    if os.environ.get("CI") == "true":
                        ok(f"{name}: Liquibase available (CI=true)", False, lb.why)
                    else:
                        T.skip(name, lb.why)
                    continue
                liquibase_case(srv, drv, lb, name, case, n)
        except Exception as e:  # a broken case is a failure, the rest still runs
            ok(f"{name}: runs", False, f"{type(e).__name__}: {e}")
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
