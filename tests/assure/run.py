#!/usr/bin/python3
"""The plan's rollbacks and checks, run on a real PostgreSQL 15.

Every rollback SQL and every check query the plan generates is executed
here (through tests/pg/pglive.py, under tests/pg/with_pg.sh):

  rollbacks  a release of many operation kinds on tables with rows: each
             step in plan order, then its rollback, and the schema must
             equal the one before the step (reversible and lossy steps:
             lossy ones restore the shape); then the step again, so the
             next one starts where the plan says.  Liquibase rollback
             blocks and Flyway undo scripts are the rollback of their
             step and are run the same way.
  checks     every smoke query runs and returns no rows on the correct
             database, and rows once it is broken (an INVALID index, a NOT
             VALID constraint, a missing table, a column of another type or
             without its default); the EXPLAIN checks name their index on
             a table with 50,000 rows after ANALYZE; the pre-deploy checks
             see a profile whose sizes are wrong, a transaction open too
             long, and lock waits.

The plan comes from build/tools/plan_dump (JSON of plan.h's fields).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "pg"))
import pglive  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
DUMP = os.path.join(ROOT, BUILD, "tools", "plan_dump")

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name} {detail}"[:3000])


BASE = """
CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL, name varchar(40),
                        status text DEFAULT 'active');
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id),
                     total numeric(10,2) DEFAULT 0, note text, placed_at timestamptz DEFAULT now(),
                     code varchar(20));
CREATE INDEX orders_placed_at_idx ON orders (placed_at);
CREATE TABLE legacy_audit (id bigint PRIMARY KEY, payload text, at timestamptz);
CREATE TABLE notes (id serial PRIMARY KEY, body text CHECK (body <> ''));
CREATE TABLE old_flags (id int PRIMARY KEY, flag boolean NOT NULL DEFAULT false);
CREATE VIEW customer_emails AS SELECT id, email FROM customers;
CREATE SEQUENCE invoice_no_seq;
GRANT USAGE ON SEQUENCE invoice_no_seq TO PUBLIC;
CREATE TYPE order_state AS ENUM ('new', 'paid');
CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 (id bigint, at date NOT NULL);
INSERT INTO customers (email, name) SELECT 'c' || g || '@x.org', 'name ' || g FROM generate_series(1, 5000) g;
INSERT INTO orders (id, customer_id, total, note, code)
  SELECT g, 1 + g % 5000, g % 100, 'note ' || g, 'C' || (g % 1000) FROM generate_series(1, 50000) g;
INSERT INTO legacy_audit SELECT g, 'p' || g, now() FROM generate_series(1, 1000) g;
INSERT INTO notes (body) SELECT 'b' || g FROM generate_series(1, 100) g;
INSERT INTO old_flags SELECT g, g % 2 = 0 FROM generate_series(1, 100) g;
"""

RELEASE = {
    "V2__expand.sql": """
CREATE TABLE tags (id int PRIMARY KEY, name text NOT NULL UNIQUE);
INSERT INTO tags VALUES (1, 'vip');
ALTER TABLE orders ADD COLUMN state order_state DEFAULT 'new';
ALTER TABLE orders ADD COLUMN coupon text;
ALTER TABLE customers ALTER COLUMN status SET DEFAULT 'new';
ALTER TABLE orders ALTER COLUMN placed_at DROP DEFAULT;
ALTER TABLE orders ALTER COLUMN note SET NOT NULL;
ALTER TABLE customers ALTER COLUMN email DROP NOT NULL;
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;
ALTER TABLE orders ALTER COLUMN code TYPE varchar(40);
ALTER TABLE customers ALTER COLUMN name TYPE varchar(30);
ALTER TABLE customers RENAME COLUMN name TO full_name;
ALTER TABLE old_flags RENAME TO flags;
CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 50;
CREATE SEQUENCE ticket_seq;
CREATE FUNCTION order_total(o orders) RETURNS numeric LANGUAGE sql AS $$ SELECT o.total $$;
ALTER INDEX orders_placed_at_idx RENAME TO orders_placed_idx;
ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE events DETACH PARTITION events_2024;
GRANT SELECT, UPDATE ON orders, tags TO PUBLIC;
REVOKE ALL ON SEQUENCE invoice_no_seq FROM PUBLIC;
""",
    "V3__index.sql": "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\n",
    "V4__validate.sql": "ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;\n",
    "V5__contract.sql": """
DROP VIEW customer_emails;
ALTER TABLE orders DROP COLUMN coupon;
DROP TABLE legacy_audit;
DROP TABLE notes;
DROP SEQUENCE invoice_no_seq;
ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;
DROP INDEX orders_placed_idx;
""",
    "V6__undo_me.sql": "ALTER TABLE tags ADD COLUMN colour text DEFAULT 'red';\n",
    "U6__undo_me.sql": "ALTER TABLE tags DROP COLUMN colour;\n",
}

LB_CHANGELOG = """--liquibase formatted sql

--changeset a:1
CREATE TABLE lb_items (id int PRIMARY KEY, v text);
--rollback DROP TABLE lb_items;

--changeset a:1b
INSERT INTO lb_items SELECT g, 'v' || g FROM generate_series(1, 100) g;
--rollback DELETE FROM lb_items;

--changeset a:2
ALTER TABLE lb_items ADD COLUMN w int DEFAULT 0;
--rollback ALTER TABLE lb_items DROP COLUMN w;

--changeset a:3
CREATE INDEX lb_items_v_idx ON lb_items (v);
"""


def plan_of(path, *args):
    p = subprocess.run([DUMP, *args, path], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError(f"plan_dump failed: {p.stderr}")
    return json.loads(p.stdout)


def project(files):
    d = tempfile.mkdtemp(prefix="migraph-assure-")
    for name, text in files.items():
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
    return d


def run_steps_and_rollbacks(srv, db, plan, label, release=None):
    """Each step, its rollback, the schema compared, then the step again
    and its own checks, which must find nothing wrong."""
    ran = 0
    for s in plan["steps"]:
        if s["kind"] != "sql" or not s["sql"] or (release and s["release"] != release):
            continue
        name = f"{label} {s['id']} {s['title']}: {s['sql'][:70]!r}"
        before = srv.schema(db)
        try:
            srv.run(db, s["sql"])
        except pglive.ScriptError as e:
            check(f"{name}: the step runs", False, str(e))
            continue
        if s["reversibility"] == "irreversible":
            check(f"{name}: irreversible says what to do instead",
                  not s["rollback_sql"] and bool(s["forward_fix"]), str(s))
        elif not s["rollback_sql"]:
            check(f"{name}: nothing to undo really changes nothing",
                  pglive.same_schema(before, srv.schema(db)), s.get("rollback_note") or "")
        else:
            try:
                srv.run(db, s["rollback_sql"])
                after = srv.schema(db)
                check(f"{name}: its rollback ({s['reversibility']}, {s['rollback_source']}) "
                      f"restores the schema", pglive.same_schema(before, after),
                      pglive.diff(before, after))
                if s["reversibility"] == "lossy":
                    check(f"{name}: lossy says what is lost",
                          bool(s["rollback_note"] and s["forward_fix"]))
                ran += 1
            except pglive.ScriptError as e:
                check(f"{name}: its rollback runs", False, str(e))
            srv.run(db, s["sql"])  # forward again, for the steps after it
        for c in plan["checks"]:
            if c.get("step") == s["id"] and c["sql"]:
                got = srv.query(db, c["sql"])
                check(f"{name}: its check is clean: {c['title']}", got == [], str(got))
    return ran


def privilege_tests(srv, plan):
    """pg_dump --no-privileges cannot see a GRANT: its step and rollback are
    checked through has_*_privilege on a database of their own."""
    db = srv.fresh_db("assure_priv")
    srv.run(db, BASE + "CREATE TABLE tags (id int PRIMARY KEY);\n")
    probe = ("SELECT has_table_privilege('public', 'orders', 'UPDATE'), "
             "has_sequence_privilege('public', 'invoice_no_seq', 'USAGE')")
    start = srv.query(db, probe)
    steps = [s for s in plan["steps"] if s["sql"] and ("GRANT " in s["sql"] or "REVOKE " in s["sql"])]
    check("the GRANT and REVOKE have steps", len(steps) >= 1, str([s["title"] for s in plan["steps"]]))
    for s in steps:
        srv.run(db, s["sql"])
    check("the steps change the privileges", srv.query(db, probe) != start, str(start))
    for s in reversed(steps):
        check(f"{s['id']} {s['title']}: has a rollback", bool(s["rollback_sql"]), str(s))
        check(f"{s['id']} {s['title']}: lossy, it says why", s["reversibility"] == "lossy" and
              bool(s["rollback_note"] and s["forward_fix"]), str(s))
        if s["rollback_sql"]:
            srv.run(db, s["rollback_sql"])
    check("the rollbacks give back the privileges of before", srv.query(db, probe) == start,
          f"{srv.query(db, probe)} != {start}")


def rows(srv, db, sql):
    return srv.query(db, sql)


def checks_with(plan, when, text):
    return [c for c in plan["checks"] if c["when"] == when and text in c["title"] and c["sql"]]


def smoke_tests(srv, db, plan):
    """After release 1: the post-deploy checks run clean; broken objects
    make the checks return rows (on a copy of the database)."""
    post = [c for c in plan["checks"] if c["when"] in ("post_step", "post_deploy") and c["sql"]
            and c["expect"] == "no rows"]
    check("the plan has smoke queries", len(post) >= 20, str(len(post)))
    for c in post:
        if c["when"] == "post_deploy":
            got = rows(srv, db, c["sql"])
            check(f"post-deploy check is clean: {c['title']}", got == [], str(got))
    srv.run("postgres", "DROP DATABASE IF EXISTS assure_broken WITH (FORCE);\n"
                        f"CREATE DATABASE assure_broken TEMPLATE {db};")
    db = "assure_broken"
    # Break things and watch the checks notice.
    index_checks = checks_with(plan, "post_step", "orders_customer_idx exists, valid")
    deploy_index = checks_with(plan, "post_deploy", "every index the release builds")
    check("an index check exists", bool(index_checks) and bool(deploy_index))
    for c in index_checks + deploy_index:
        check(f"clean before breaking: {c['title']}", rows(srv, db, c["sql"]) == [])
    srv.run(db, "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'orders_customer_idx'::regclass;")
    for c in index_checks + deploy_index:
        check(f"an INVALID index makes rows: {c['title']}", rows(srv, db, c["sql"]) != [])
    srv.run(db, "UPDATE pg_index SET indisvalid = true WHERE indexrelid = 'orders_customer_idx'::regclass;")

    con_checks = checks_with(plan, "post_step", "orders_total_check on public.orders exists and is validated")
    con_deploy = checks_with(plan, "post_deploy", "every constraint")
    check("a validated-constraint check exists", bool(con_checks) and bool(con_deploy))
    for c in con_checks + con_deploy:
        check(f"clean before breaking: {c['title']}", rows(srv, db, c["sql"]) == [])
    srv.run(db, "ALTER TABLE orders DROP CONSTRAINT orders_total_check;\n"
                "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;")
    for c in con_checks + con_deploy:
        check(f"a NOT VALID constraint makes rows: {c['title']}", rows(srv, db, c["sql"]) != [])

    col_checks = checks_with(plan, "post_step", "column public.orders.state")
    check("a column check exists", bool(col_checks))
    for c in col_checks:
        check(f"clean before breaking: {c['title']}", rows(srv, db, c["sql"]) == [])
    srv.run(db, "ALTER TABLE orders ALTER COLUMN state DROP DEFAULT;")
    for c in col_checks:
        check(f"a lost default makes rows: {c['title']}", rows(srv, db, c["sql"]) != [])
    type_checks = checks_with(plan, "post_step", "column public.orders.code")
    check("a column type check exists", bool(type_checks))
    for c in type_checks:
        check(f"clean before breaking: {c['title']}", rows(srv, db, c["sql"]) == [])
    srv.run(db, "ALTER TABLE orders ALTER COLUMN code TYPE text;")
    for c in type_checks:
        check(f"another type makes rows: {c['title']}", rows(srv, db, c["sql"]) != [])

    rel_checks = checks_with(plan, "post_step", "public.tags exists")
    rel_deploy = checks_with(plan, "post_deploy", "every relation the release creates")
    check("an existence check exists", bool(rel_checks) and bool(rel_deploy))
    for c in rel_checks + rel_deploy:
        check(f"clean before breaking: {c['title']}", rows(srv, db, c["sql"]) == [])
    srv.run(db, "DROP TABLE tags CASCADE;")
    for c in rel_checks + rel_deploy:
        check(f"a missing table makes rows: {c['title']}", rows(srv, db, c["sql"]) != [])


def explain_tests(srv, db, plan):
    ex = [c for c in plan["checks"] if c["title"].startswith("EXPLAIN") and c["sql"]]
    check("an EXPLAIN check per new index", any("orders_customer_idx" in c["title"] for c in ex),
          str([c["title"] for c in ex]))
    for c in ex:
        if "(once the new table holds rows)" in c["title"]:
            continue
        out = srv.run(db, c["sql"])
        name = c["title"].split(" use ")[1].split(" ")[0]
        check(f"{c['title']}: the plan names the index", name in out and ("Index Scan using " + name in out
              or "Index Only Scan using " + name in out or "Bitmap Index Scan on " + name in out), out)


def pre_deploy_tests(srv, db, path, plan):
    pre = [c for c in plan["checks"] if c["when"] == "pre_deploy"]
    check("staging rehearsal at production scale", any("staging" in c["title"] for c in pre))
    for c in pre:
        if c["sql"]:
            srv.run(db, c["sql"])  # every one runs
    size = int(srv.scalar(db, "SELECT pg_total_relation_size('public.orders')"))
    prof = os.path.join(path, "right.yaml")
    with open(prof, "w") as f:
        f.write("engine: postgresql\nversion: 15\nslo: {max_lock_ms: 300, max_replication_lag_s: 30}\n"
                "longest_transaction_ms: 400\n"
                f"tables:\n  orders: {{rows: 50000, bytes: {size}, write_qps: 50, hot: true}}\n")
    right = plan_of(path, "--since", "1", "--profile", prof)
    wrong_prof = os.path.join(path, "wrong.yaml")
    with open(wrong_prof, "w") as f:
        f.write(f"engine: postgresql\nversion: 15\ntables:\n  orders: {{rows: 50000, bytes: {size * 100}}}\n")
    wrong = plan_of(path, "--since", "1", "--profile", wrong_prof)

    def one(p, text):
        cs = [c for c in p["checks"] if c["when"] == "pre_deploy" and text in c["title"]]
        return cs[0] if cs else None

    c_right, c_wrong = one(right, "size the estimates assume"), one(wrong, "size the estimates assume")
    check("sizes check exists with a profile", c_right is not None and c_wrong is not None)
    if c_right and c_wrong:
        check("sizes as assumed: no rows", rows(srv, db, c_right["sql"]) == [])
        check("sizes 100x off: rows", rows(srv, db, c_wrong["sql"]) != [])
    unsized = one(right, "measure the tables")
    check("the tables the profile does not size are measured",
          unsized is not None and len(rows(srv, db, unsized["sql"])) >= 1)
    disk = one(right, "free disk")
    check("free disk for the index build", disk is not None and len(rows(srv, db, disk["sql"])) == 1)

    txn = one(right, "no transaction open longer than 400 ms")
    check("longest transaction check from the profile", txn is not None)
    if txn:
        check("no long transaction: no rows", rows(srv, db, txn["sql"]) == [])
        import psycopg2
        conn = psycopg2.connect(host=srv.host, port=srv.port, user="postgres", dbname=db)
        cur = conn.cursor()
        cur.execute("SELECT 1")  # opens the transaction (psycopg2 is not autocommit)
        time.sleep(0.8)
        check("a transaction open too long: rows", rows(srv, db, txn["sql"]) != [])
        conn.rollback()
        conn.close()

    waits = [c for c in right["checks"] if c["when"] == "post_deploy" and "waits on a lock" in c["title"]]
    check("lock-wait check against the SLO", bool(waits) and "300 ms" in waits[0]["title"])
    if waits:
        import psycopg2
        check("no lock waits: no rows", rows(srv, db, waits[0]["sql"]) == [])
        holder = psycopg2.connect(host=srv.host, port=srv.port, user="postgres", dbname=db)
        holder.cursor().execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE")
        waiter = psycopg2.connect(host=srv.host, port=srv.port, user="postgres", dbname=db)
        waiter.autocommit = True
        t = threading.Thread(target=lambda: waiter.cursor().execute("SELECT count(*) FROM orders"))
        t.start()
        time.sleep(0.8)
        got = rows(srv, db, waits[0]["sql"])
        holder.rollback()
        t.join(10)
        holder.close()
        waiter.close()
        check("a query waiting on a lock beyond the SLO: rows", got != [], str(got))
    lag = [c for c in right["checks"] if "replication lag within 30 s" in c["title"]]
    check("replication lag against the SLO, before and after", len(lag) == 2)
    for c in lag:
        check(f"{c['title']}: runs on a primary without replicas", rows(srv, db, c["sql"]) == [])


def main():
    srv = pglive.server(15)
    # ---- Flyway: a release of many kinds, on tables with rows.
    path = project({"V1__base.sql": BASE, **RELEASE})
    try:
        plan = plan_of(path, "--since", "1")
        srcs = {s["rollback_source"] for s in plan["steps"]}
        check("a Flyway undo script is a step's rollback", any("flyway undo" in (x or "") for x in srcs), str(srcs))
        db = srv.fresh_db("assure_fw")
        srv.run(db, BASE)
        n = run_steps_and_rollbacks(srv, db, plan, "flyway", release=1)
        explain_tests(srv, db, plan)
        pre_deploy_tests(srv, db, path, plan)
        smoke_tests(srv, db, plan)
        n += run_steps_and_rollbacks(srv, db, plan, "flyway", release=2)
        privilege_tests(srv, plan)
        check("rollbacks ran for most steps", n >= 25, str(n))
        for s in plan["steps"]:
            if s["title"] in ("drop_table", "drop_column") or "DROP TABLE" in (s["sql"] or ""):
                check(f"{s['id']} destroys data: held until confirmed", s["hold_until_confirmed"])
        # A NOT NULL column without a default comes back nullable, and the
        # step says so.
        base_nn = BASE + "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n"
        p2 = project({"V1__base.sql": base_nn, "V2__drop.sql": "ALTER TABLE orders DROP COLUMN note;\n"})
        try:
            step = [s for s in plan_of(p2, "--since", "1")["steps"]
                    if s["sql"] and "DROP COLUMN note" in s["sql"]][0]
            db2 = srv.fresh_db("assure_nn")
            srv.run(db2, base_nn)
            srv.run(db2, step["sql"])
            srv.run(db2, step["rollback_sql"])
            got = rows(srv, db2, "SELECT attnotnull FROM pg_attribute WHERE attrelid = "
                                 "'orders'::regclass AND attname = 'note'")
            check("a NOT NULL column comes back nullable, and the note says why",
                  got == [("f",)] and "NOT NULL" in (step["rollback_note"] or ""), str(got) + str(step))
        finally:
            shutil.rmtree(p2, ignore_errors=True)
    finally:
        shutil.rmtree(path, ignore_errors=True)
    # ---- Liquibase formatted SQL: rollback blocks are the steps' rollbacks.
    lb = project({"changelog.sql": LB_CHANGELOG})
    try:
        plan = plan_of(os.path.join(lb, "changelog.sql"))
        srcs = [s["rollback_source"] for s in plan["steps"] if s["kind"] == "sql"]
        check("Liquibase rollback blocks are used", srcs.count("liquibase rollback block") >= 2, str(srcs))
        db = srv.fresh_db("assure_lb")
        n = run_steps_and_rollbacks(srv, db, plan, "liquibase")
        check("every Liquibase step was rolled back", n >= 4, str(n))
    finally:
        shutil.rmtree(lb, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
