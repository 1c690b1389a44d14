#!/usr/bin/python3
"""Every rule case's safe alternative, run on a real PostgreSQL 15.

For each case under tests/rules/cases/ whose finding carries an SQL safe
alternative (run.alternative_kind(...) == "sql"):

  database A  base.sql, rows.sql (a few thousand realistic rows per table),
              then the case's fires/ (or fires-NAME/) migrations as Flyway
              runs them: each
              in a transaction unless its .sql.conf says otherwise or it
              holds a statement that cannot run in one;
  database B  the same, with the file the finding points at replaced by
              the alternative, run as it says: in one transaction, unless
              it holds a statement that cannot run in one (then statement
              by statement, as Flyway runs such a script);

B must succeed, leave lock_timeout as the session had it (a SET that
outlives its migration leaks into every later migration on the same
connection), and have the same schema as A (pglive.same_schema on the
normalised pg_dump).  What an alternative deliberately leaves different
is listed per case in pg.json (pg.NAME.json for fires-NAME/), never
globally:

  only_in_original     lines of A's normalised dump B may lack
  only_in_alternative  lines of B's dump A may lack
  why                  the reason, in words (required with either list)
  original             "runs" (default); "fails-with-rows" (the original
                       fails on a table with rows, which is what the rule
                       says: A then runs on empty tables and the failure
                       with rows is checked); "fails" (A leaves the
                       offending file out, and its failure is checked)
  rollback             true: the alternative is a rollback script; B runs
                       every migration and then it, A only base and rows
  verify               queries that must return true on B
  retry_after_lock_timeout
                       a table: a second B runs the alternative while
                       another session holds a writer's lock on that table,
                       expects it to fail on its lock_timeout leaving an
                       INVALID index behind, then runs it again as written
                       and expects a valid index and the same schema as A
  left_behind          with it: a query true once the alternative has timed
                       out (default: exactly one INVALID index)
  recover_from_comment with it: a word of the alternative's comment that
                       gives the recovery SQL (e.g. FINALIZE): that comment,
                       run as SQL, replaces the second run
  not_sql              why a case's alternative is not runnable SQL (advice,
                       a changelog, a .conf, a template to fill); the
                       suite fails when the alternative is in fact SQL, or
                       is not SQL and no reason is given

Last line: "N passed, N failed".  Run it through tests/pg/with_pg.sh.
"""
import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "pg"))
sys.path.insert(0, HERE)
import pglive  # noqa: E402
import run as rules  # noqa: E402

BASE = os.path.join(HERE, "base.sql")
ROWS = os.path.join(HERE, "rows.sql")
NON_TX = re.compile(r"\bCONCURRENTLY\b|^\s*VACUUM\b|\bADD\s+VALUE\b", re.I | re.M)

check = rules.check  # one pair of counters for the suite, printed by main()


def version_key(name):
    m = re.match(r"V([0-9_.]+)__", name)
    return [int(p) for p in re.split(r"[._]", m.group(1)) if p] if m else [1 << 30]


def migrations(folder):
    """The versioned migrations of a case folder, in Flyway's order, each
    (name, sql, in_transaction)."""
    out = []
    for name in sorted((f for f in os.listdir(folder) if re.match(r"V[0-9_.]+__.*\.sql$", f)),
                       key=version_key):
        sql = open(os.path.join(folder, name)).read()
        conf = os.path.join(folder, name + ".conf")
        tx = not NON_TX.search(rules.strip_comments(sql))
        if os.path.exists(conf):
            m = re.search(r"executeInTransaction\s*=\s*(\w+)", open(conf).read())
            if m:
                tx = m.group(1).lower() == "true"
        out.append((name, sql, tx))
    return out


def script(sql, tx):
    """sql as one psql script, in a transaction or not, reporting the
    session's lock_timeout at the end (after the COMMIT)."""
    body = f"BEGIN;\n{sql}\n;\nCOMMIT;\n" if tx else f"{sql}\n"
    return body + "SELECT 'lock_timeout=' || current_setting('lock_timeout');\n"


def run_migration(srv, db, sql, tx):
    """Runs one migration; returns the session's lock_timeout after it."""
    out = srv.run(db, script(sql, tx))
    m = re.search(r"lock_timeout=(\S*)", out)
    return m.group(1) if m else None


def fresh(srv, name, rows=True):
    db = srv.fresh_db(name)
    srv.run(db, open(BASE).read())
    if rows:
        srv.run(db, open(ROWS).read())
    return db


def dump_lines(text):
    return collections.Counter(l for l in text.splitlines() if l.strip())


def compare(name, a, b, conf):
    """Same schema modulo the case's documented differences."""
    only_a, only_b = dump_lines(a) - dump_lines(b), dump_lines(b) - dump_lines(a)
    allow_a = collections.Counter(conf.get("only_in_original", []))
    allow_b = collections.Counter(conf.get("only_in_alternative", []))
    if (allow_a or allow_b) and not conf.get("why"):
        return check(f"{name}: documented differences say why", False, "(pg.json needs \"why\")")
    stale = (allow_a - only_a) + (allow_b - only_b)
    if stale:
        return check(f"{name}: the same schema as the original", False,
                     f"pg.json allows differences that no longer occur: {sorted(stale)}")
    rest_a, rest_b = only_a - allow_a, only_b - allow_b
    return check(f"{name}: the same schema as the original" + (" (documented differences)" if allow_a or allow_b else ""),
                 not rest_a and not rest_b,
                 "\n  only in the original: " + json.dumps(sorted(rest_a)) +
                 "\n  only with the alternative: " + json.dumps(sorted(rest_b)) +
                 "\n" + pglive.diff(a, b, "original", "alternative"))


def first_finding(case, variant, rule):
    found, err = rules.findings(os.path.join(case, variant), rules.case_args(case, variant), rule)
    return (found[0] if found else None), err


def expect_failure(srv, db, migs, what):
    """Runs the migrations on base and rows and checks that one fails."""
    db_try = fresh(srv, db)
    try:
        for n, sql, tx in migs:
            run_migration(srv, db_try, sql, tx)
        check(f"{db}: {what}", False, "(it ran)")
    except pglive.ScriptError:
        check(f"{db}: {what}", True)


def build_original(srv, db, migs, target, conf):
    """Database A, as the case's pg.json says the original behaves."""
    mode = conf.get("original", "runs")
    if mode in ("fails", "fails-with-rows"):
        expect_failure(srv, db, migs, "the original fails as the rule says" if mode == "fails"
                       else "the original fails on a table with rows")
    if mode == "fails":
        migs = [m for m in migs if m[0] != target]
    db_a = fresh(srv, db, rows=mode != "fails-with-rows")
    if conf.get("rollback"):
        return db_a  # the state before the release is what a rollback restores
    for n, sql, tx in migs:
        run_migration(srv, db_a, sql, tx)
    return db_a


def run_alternative(srv, db, migs, target, alt, conf, finding):
    """Database B: the migrations with the target replaced by the
    alternative (or, for a rollback, followed by it).  Returns the
    session's lock_timeout after the alternative."""
    setting = None
    for n, sql, tx in migs:
        if n == target and not conf.get("rollback"):
            sql = rules.with_alternative(sql, finding, alt)
            setting = run_migration(srv, db, sql, not NON_TX.search(rules.strip_comments(sql)))
        else:
            run_migration(srv, db, sql, tx)
    if conf.get("rollback"):
        setting = run_migration(srv, db, alt, not NON_TX.search(rules.strip_comments(alt)))
    return setting


def retry_after_lock_timeout(srv, name, migs, target, alt, conf, schema_a, finding):
    """The alternative meets a writer holding its table: its lock_timeout
    ends it and leaves an INVALID index; run again as written, it must end
    with a valid index."""
    import psycopg2
    table = conf["retry_after_lock_timeout"]
    alt = rules.with_alternative(dict((n, sql) for n, sql, tx in migs)[target], finding, alt)
    db = fresh(srv, f"{name}_r")
    holder = psycopg2.connect(host=srv.host, port=srv.port, user="postgres", dbname=db)
    try:
        for n, sql, tx in migs:
            if n == target:
                break
            run_migration(srv, db, sql, tx)
        cur = holder.cursor()
        cur.execute(f"UPDATE {table} SET {conf.get('retry_column', 'id')} = "
                    f"{conf.get('retry_column', 'id')} WHERE false")  # a writer's lock, held
        try:
            run_migration(srv, db, alt, False)
            check(f"{name}: a writer makes the alternative time out", False, "(it ran)")
        except pglive.ScriptError as e:
            check(f"{name}: a writer makes the alternative time out",
                  "lock timeout" in str(e), str(e)[:300])
        left = conf.get("left_behind", "SELECT count(*) = 1 FROM pg_index WHERE NOT indisvalid")
        check(f"{name}: the timed-out run left its state behind ({left})",
              srv.scalar(db, left) == "t")
    finally:
        holder.rollback()
        holder.close()
    again = alt
    if conf.get("recover_from_comment"):
        again = recovery_comment(alt, conf["recover_from_comment"])
        if not check(f"{name}: the alternative says how to recover", again is not None):
            return
    try:
        run_migration(srv, db, again, False)
        for n, sql, tx in migs[[m[0] for m in migs].index(target) + 1:]:
            run_migration(srv, db, sql, tx)
        ok = True
    except pglive.ScriptError as e:
        ok = check(f"{name}: the alternative run again succeeds", False, str(e)[:400])
    if ok:
        check(f"{name}: the alternative run again succeeds", True)
        invalid = srv.scalar(db, "SELECT count(*) FROM pg_index WHERE NOT indisvalid")
        check(f"{name}: no INVALID index after the retry", invalid == "0", f"({invalid})")
        compare(f"{name} after the retry", schema_a, srv.schema(db), conf)


def recovery_comment(alt, word):
    """The SQL a comment of the alternative gives for recovery: the comment
    lines from the one starting a statement up to the one naming word and
    ending with a semicolon."""
    lines = [l.strip()[2:].strip() for l in alt.splitlines() if l.strip().startswith("--")]
    for i, l in enumerate(lines):
        if word in l and l.endswith(";"):
            start = i
            while start > 0 and not re.match(r"(ALTER|DROP|CREATE|REINDEX)\b", lines[start]):
                start -= 1
            return "\n".join(lines[start:i + 1])
    return None


def run_case(srv, rule, variant, i):
    case = os.path.join(rules.CASES, rule)
    conf_path = os.path.join(case, "pg.json" if variant == "fires" else f"pg.{variant[6:]}.json")
    conf = json.load(open(conf_path)) if os.path.exists(conf_path) else {}
    finding, err = first_finding(case, variant, rule)
    rule = rule if variant == "fires" else f"{rule} ({variant})"
    if not check(f"{rule}: fires", finding is not None, err or ""):
        return
    alt = finding.get("safe_alternative") or ""
    kind = rules.alternative_kind(alt)
    if kind != "sql":
        check(f"{rule}: alternative is {kind}, pg.json says why it does not run",
              bool(conf.get("not_sql")), "(add \"not_sql\" to pg.json, or make it SQL)")
        return
    if not check(f"{rule}: the alternative is SQL", not conf.get("not_sql"),
                 "(pg.json still says not_sql: remove it)"):
        return
    migs = migrations(os.path.join(case, variant))
    target = os.path.basename(finding["file"])
    name = f"alt{i:02d}"
    try:
        db_a = build_original(srv, f"{name}_a", migs, target, conf)
        schema_a = srv.schema(db_a)
    except pglive.ScriptError as e:
        check(f"{rule}: the original runs", False, str(e)[:600])
        return
    db_b = fresh(srv, f"{name}_b")
    try:
        setting = run_alternative(srv, db_b, migs, target, alt, conf, finding)
    except pglive.ScriptError as e:
        check(f"{rule}: the alternative runs on a table with rows", False, str(e)[:800])
        return
    check(f"{rule}: the alternative runs on a table with rows", True)
    check(f"{rule}: lock_timeout does not outlive the alternative", setting == "0",
          f"(the session's lock_timeout after it: {setting})")
    compare(rule, schema_a, srv.schema(db_b), conf)
    for q in conf.get("verify", []):
        got = srv.scalar(db_b, q)
        check(f"{rule}: verify {q}", got == "t", f"(got {got})")
    if conf.get("retry_after_lock_timeout"):
        retry_after_lock_timeout(srv, f"{name}", migs, target, alt, conf, schema_a, finding)
    for db in (f"{name}_a", f"{name}_b", f"{name}_r"):
        srv.run("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE);")


def main():
    srv = pglive.server(15)
    i = 0
    only = sys.argv[1:]  # rule ids to run, for a focused look; default all
    for rule in sorted(os.listdir(rules.CASES)):
        if only and rule not in only:
            continue
        for variant in rules.variants(os.path.join(rules.CASES, rule)):
            run_case(srv, rule, variant, i)
            i += 1
    print(f"{rules.passed} passed, {rules.failed} failed")
    return 1 if rules.failed else 0


if __name__ == "__main__":
    sys.exit(main())
