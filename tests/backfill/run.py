#!/usr/bin/python3
"""Generated backfills, run on a real PostgreSQL 15 against tables with rows.

Each case writes a small Flyway project whose release holds one UPDATE or
DELETE, asks the plan for its backfill (tests/emit/driver.c: the plan as
`migraph plan` builds it), creates the table with 50,000+ rows and runs the
generated SQL exactly as a reviewer would: the helper tables, the
procedure, CALL.  It interrupts the backfill (a batch limit, and
pg_cancel_backend from another session in the middle of a batch), checks
that the checkpoint and the table agree (every row up to the checkpoint
done, none after it), resumes with the same CALL, and checks that every row
is right and the verify query returns nothing.  Rows that fail (a cast, a
CHECK, a foreign key) must land in the dead-letter table with their error
while the rest completes, and come out again once fixed.  The pre-11 form
(a psql script) runs on 15 too: it is plain SQL and psql.
Run through tests/pg/with_pg.sh.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "pg"))
sys.path.insert(0, os.path.join(ROOT, "tests", "emit"))
import common  # noqa: E402
import pglive  # noqa: E402

T = common.Tally()
ok = T.ok
DRIVER = None


def plan_of(files, engine="postgresql:15", profile=None):
    """The plan (steps, backfills, notes) of a Flyway project made of files."""
    tmp = tempfile.mkdtemp(prefix="migraph-bf-")
    try:
        for name, text in files.items():
            with open(os.path.join(tmp, name), "w") as f:
                f.write(text)
        args = [DRIVER, "json", "--", "--engine", engine]
        if profile:
            pf = os.path.join(tmp, "profile.yaml")
            with open(pf, "w") as f:
                f.write(profile)
            args += ["--profile", pf]
        p = subprocess.run(args + [tmp], capture_output=True, text=True)
        if p.returncode not in (0, 1):
            raise RuntimeError(p.stderr)
        return json.loads(p.stdout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def prepare(srv, dbname, table_sql, change_sql, engine="postgresql:15"):
    """The plan of a project whose V1 is table_sql and whose release is
    change_sql, its one backfill, and a fresh database holding the table."""
    plan = plan_of({"V1__table.sql": table_sql, "V2__change.sql": change_sql}, engine=engine)
    db = srv.fresh_db(dbname)
    srv.run(db, table_sql)
    return plan, the_backfill(plan), db


def the_backfill(plan):
    found = [s["backfill"] for s in plan["steps"] if s["backfill"]]
    if len(found) != 1:
        raise AssertionError(f"expected one backfill, got {len(found)}: {plan['notes']}")
    return found[0]


def checkpoint(srv, db, b):
    rows = srv.query(db, f"SELECT coalesce(array_to_string(last_key, ','), ''), rows_done, rows_failed, "
                         f"batches, finished_at IS NOT NULL FROM {b['checkpoint_table']} "
                         f"WHERE backfill = '{b['name']}'")
    if not rows:
        return None
    k, done, failed_, batches, finished = rows[0]
    return {"last_key": k, "rows_done": int(done), "rows_failed": int(failed_),
            "batches": int(batches), "finished": finished == "t"}


def install(srv, db, b):
    srv.run(db, b["setup_sql"] + b["script_sql"])


def call(srv, db, b, args=""):
    """CALL the procedure; (returncode, stderr)."""
    proc = b["run_sql"].strip().rstrip(";").rstrip(")").rstrip("(")
    rc, _, err = srv.psql(db, f"{proc}({args});")
    return rc, err


def cancel_mid_batch(srv, db, b, table, row):
    """Interrupts the CALL inside a batch, deterministically: another session
    holds the row lock of `row` (a WHERE on table), the backfill's UPDATE
    waits for it halfway through its batch, and then pg_cancel_backend
    stops it.  Returns (returncode, stderr, True when it was seen waiting)."""
    locker = subprocess.Popen(srv._base("psql", db) + ["-c",
                              f"BEGIN; SELECT 1 FROM {table} WHERE {row} FOR UPDATE; SELECT pg_sleep(60);"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc = b["run_sql"].strip().rstrip(";").rstrip(")").rstrip("(")
    p = None
    waiting = False
    try:
        deadline = time.time() + 30
        while time.time() < deadline and srv.scalar(db, "SELECT count(*) FROM pg_stat_activity WHERE "
                                                        "query LIKE 'BEGIN; SELECT 1 FROM%' AND "
                                                        "wait_event = 'PgSleep'") != "1":
            time.sleep(0.02)
        p = subprocess.Popen(srv._base("psql", db) + ["-v", "ON_ERROR_STOP=1", "-c",
                                                     f"{proc}(pause_ms => 0);"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while time.time() < deadline:
            if srv.scalar(db, f"SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CALL {b['name']}%' "
                              "AND wait_event_type = 'Lock'") == "1":
                waiting = True
                break
            time.sleep(0.02)
        srv.run(db, f"SELECT pg_cancel_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = current_database() AND query LIKE 'CALL {b['name']}%' "
                    f"AND pid <> pg_backend_pid();")
        _, err = p.communicate(timeout=60)
        return p.returncode, err, waiting
    finally:
        srv.run(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE query LIKE 'BEGIN; SELECT 1 FROM%' AND pid <> pg_backend_pid();")
        locker.communicate(timeout=60)
        if p and p.poll() is None:
            p.kill()


def verify_rows(srv, db, b):
    return srv.query(db, b["verify_sql"])


# ---- cases ---------------------------------------------------------------

ACCOUNTS = "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text);\n"


def case_interrupt_resume(srv):
    name = "procedure: interrupt and resume"
    plan, b, db = prepare(srv, "bf_resume", ACCOUNTS,
                          "UPDATE accounts SET email_lower = lower(email) WHERE email_lower IS NULL;\n")
    ok(f"{name}: keyset on the primary key", b["key_known"] and b["key"] == ["id"], b["key"])
    ok(f"{name}: no profile: the conservative default, said to be one",
       b["batch_size"] == 1000 and "conservative default" in b["sizing_reasoning"]
       and b["runtime_ms"] is None, b["sizing_reasoning"])
    # 60,000 rows; every 7th already done (the predicate must skip it).
    srv.run(db, "INSERT INTO accounts SELECT g, 'User' || g || '@Example.COM', "
                "CASE WHEN g % 7 = 0 THEN lower('User' || g || '@Example.COM') END "
                "FROM generate_series(1, 60000) g;")
    todo = int(srv.scalar(db, "SELECT count(*) FROM accounts WHERE email_lower IS NULL"))
    install(srv, db, b)

    rc, err = call(srv, db, b, "max_batches => 5, pause_ms => 0")
    cp = checkpoint(srv, db, b)
    ok(f"{name}: a batch limit stops it cleanly after 5 batches",
       rc == 0 and cp and cp["batches"] == 5 and cp["rows_done"] == 5000 and not cp["finished"],
       f"rc={rc} {cp} {err}")

    def consistent(label):
        cp = checkpoint(srv, db, b)
        k = int(cp["last_key"])
        wrong_before = srv.scalar(db, f"SELECT count(*) FROM accounts WHERE id <= {k} "
                                      "AND email_lower IS DISTINCT FROM lower(email)")
        done_after = srv.scalar(db, f"SELECT count(*) FROM accounts WHERE id > {k} "
                                    "AND id % 7 <> 0 AND email_lower IS NOT NULL")
        changed = int(srv.scalar(db, "SELECT count(*) FROM accounts WHERE id % 7 <> 0 "
                                     "AND email_lower IS NOT NULL"))
        ok(f"{name}: {label}: the checkpoint and the table agree (last key {k})",
           wrong_before == "0" and done_after == "0" and changed == cp["rows_done"],
           f"wrong before: {wrong_before}, done after: {done_after}, changed {changed} vs {cp}")
        return cp

    consistent("after the batch limit")
    # Row 20001 is held by another session: the batch that reaches it waits
    # halfway through its UPDATE, and is cancelled there.
    rc, err, waiting = cancel_mid_batch(srv, db, b, "accounts", "id = 20001")
    ok(f"{name}: pg_cancel_backend from another session stops it inside a batch",
       waiting and rc != 0 and "canceling statement due to user request" in err, f"rc={rc} {err}")
    cp = consistent("after pg_cancel_backend")
    ok(f"{name}: the batch in flight was rolled back whole (checkpoint before row 20001)",
       int(cp["last_key"]) < 20001 and int(cp["last_key"]) >= 19000 and not cp["finished"], cp)

    rc, err = call(srv, db, b, "pause_ms => 0")
    cp = checkpoint(srv, db, b)
    wrong = srv.scalar(db, "SELECT count(*) FROM accounts WHERE email_lower IS DISTINCT FROM lower(email)")
    ok(f"{name}: the same CALL resumes and completes every row",
       rc == 0 and cp["finished"] and wrong == "0" and cp["rows_done"] == todo and cp["rows_failed"] == 0,
       f"rc={rc} {cp} wrong={wrong} todo={todo} {err}")
    ok(f"{name}: verify returns no rows", verify_rows(srv, db, b) == [], verify_rows(srv, db, b)[:5])
    progress = srv.query(db, b["progress_sql"])
    ok(f"{name}: the progress query reports the rows done and none remaining",
       progress and progress[0][1] == str(todo) and progress[-1] == ("0",), progress)
    before = srv.scalar(db, "SELECT sum(xmin::text::bigint) FROM accounts")
    rc, err = call(srv, db, b)
    after = srv.scalar(db, "SELECT sum(xmin::text::bigint) FROM accounts")
    ok(f"{name}: calling it again changes nothing", rc == 0 and before == after and "complete" in err,
       f"rc={rc} {err}")
    srv.run(db, b["cleanup_sql"])
    left = srv.scalar(db, f"SELECT count(*) FROM pg_proc WHERE proname = '{b['name']}'") + "," + \
        srv.scalar(db, f"SELECT to_regclass('{b['checkpoint_table']}') IS NULL AND "
                       f"to_regclass('{b['dead_letter_table']}') IS NULL")
    ok(f"{name}: cleanup removes the procedure and the helper tables", left == "0,t", left)


def case_dead_letters(srv):
    name = "procedure: dead letters"
    v1 = ("CREATE TABLE items (id bigint PRIMARY KEY, code text NOT NULL, "
          "code_num int CHECK (code_num < 1000000));\n")
    plan, b, db = prepare(srv, "bf_dead", v1,
                          "UPDATE items SET code_num = code::int WHERE code_num IS NULL;\n")
    # 50,500 rows: 5 codes that are no integer (cast error), 3 too large (CHECK).
    srv.run(db, "INSERT INTO items SELECT g, CASE WHEN g IN (17, 4242, 20000, 33333, 50499) THEN 'x' || g "
                "WHEN g IN (100, 25000, 50000) THEN '2000000' ELSE (g * 3)::text END "
                "FROM generate_series(1, 50500) g;")
    install(srv, db, b)
    rc, err = call(srv, db, b, "batch_size => 2000, pause_ms => 0")
    cp = checkpoint(srv, db, b)
    dead = srv.query(db, f"SELECT key[1], sqlstate, error FROM {b['dead_letter_table']} "
                         f"WHERE backfill = '{b['name']}' ORDER BY key[1]::bigint")
    keys = [int(r[0]) for r in dead]
    ok(f"{name}: the rows that fail land in the dead-letter table with their error",
       keys == [17, 100, 4242, 20000, 25000, 33333, 50000, 50499]
       and all(r[1] == "22P02" and "invalid input syntax for type integer" in r[2]
               for r in dead if int(r[0]) in (17, 4242, 20000, 33333, 50499))
       and all(r[1] == "23514" and "check constraint" in r[2] for r in dead if int(r[0]) in (100, 25000, 50000)),
       dead)
    wrong = srv.scalar(db, "SELECT count(*) FROM items WHERE code ~ '^[0-9]+$' AND code <> '2000000' "
                           "AND code_num IS DISTINCT FROM code::int")
    ok(f"{name}: the rest completes and the backfill says how many need a person",
       rc == 0 and cp["finished"] and wrong == "0" and cp["rows_failed"] == 8
       and cp["rows_done"] == 50500 - 8 and "8 rows that need a person" in err,
       f"rc={rc} {cp} wrong={wrong} {err[-500:]}")
    v = verify_rows(srv, db, b)
    ok(f"{name}: verify lists exactly the dead letters", sorted(int(r[1].strip("{}")) for r in v) == keys
       and all(r[0] == "dead letter" for r in v), v)
    rc2, _, err2 = srv.psql(db, b["cleanup_sql"])
    ok(f"{name}: cleanup refuses while dead letters wait", rc2 != 0 and "still need a person" in err2, err2)
    # A person fixes the data; the retry redoes exactly those rows.
    srv.run(db, "UPDATE items SET code = '7' WHERE code !~ '^[0-9]+$' OR code = '2000000';")
    rc, err = call(srv, db, b, "retry_dead_letters => true")
    cp = checkpoint(srv, db, b)
    wrong = srv.scalar(db, "SELECT count(*) FROM items WHERE code_num IS DISTINCT FROM code::int")
    ok(f"{name}: CALL with retry_dead_letters redoes them once fixed",
       rc == 0 and wrong == "0" and cp["rows_failed"] == 0 and cp["rows_done"] == 50500
       and verify_rows(srv, db, b) == [], f"rc={rc} {cp} wrong={wrong} {err}")
    rc2, _, err2 = srv.psql(db, b["cleanup_sql"])
    ok(f"{name}: then cleanup runs", rc2 == 0, err2)


def case_condition_fails_on_some_rows(srv):
    name = "procedure: a condition that fails on some rows"
    v1 = "CREATE TABLE readings (id bigint PRIMARY KEY, raw text NOT NULL, val int);\n"
    # The original statement fails as a whole on the first bad row; the
    # backfill pages by key alone around them and dead-letters just those.
    plan, b, db = prepare(srv, "bf_condfail", v1,
                          "UPDATE readings SET val = raw::int WHERE raw::int >= 0;\n")
    srv.run(db, "INSERT INTO readings SELECT g, CASE WHEN g % 10007 = 0 THEN 'n/a' ELSE g::text END, NULL "
                "FROM generate_series(1, 50500) g;")
    bad = [str(k) for k in range(10007, 50501, 10007)]
    install(srv, db, b)
    rc, err = call(srv, db, b, "batch_size => 1000, pause_ms => 0")
    dead = [r[0] for r in srv.query(db, f"SELECT key[1] FROM {b['dead_letter_table']} ORDER BY key[1]::bigint")]
    wrong = srv.scalar(db, "SELECT count(*) FROM readings WHERE raw <> 'n/a' AND val IS DISTINCT FROM raw::int")
    ok(f"{name}: every good row done, the failing ones wait as dead letters",
       rc == 0 and dead == bad and wrong == "0" and checkpoint(srv, db, b)["finished"], f"rc={rc} dead={dead} "
       f"wrong={wrong} {err[-400:]}")
    v = verify_rows(srv, db, b)
    ok(f"{name}: verify lists the dead letters and nothing else", sorted(r[1].strip("{}") for r in v) == sorted(bad)
       and all(r[0] == "dead letter" for r in v), v)


def case_composite_not_idempotent(srv):
    name = "procedure: composite key, a change that is not idempotent"
    v1 = ("CREATE TABLE order_items (order_id bigint NOT NULL, line_no int NOT NULL, "
          "quantity int NOT NULL, q0 int NOT NULL, PRIMARY KEY (order_id, line_no));\n")
    plan, b, db = prepare(srv, "bf_composite", v1,
                          "UPDATE order_items SET quantity = quantity + 1;\n")
    ok(f"{name}: keyset on both key columns", b["key"] == ["order_id", "line_no"]
       and "(order_items.order_id, order_items.line_no) > (mg_k1, mg_k2)" in b["script_sql"], b["key"])
    ok(f"{name}: said not to be idempotent", not b["idempotent"] and "not idempotent" in b["failure_handling"],
       b["failure_handling"])
    srv.run(db, "INSERT INTO order_items SELECT o, l, (o + l) % 10, (o + l) % 10 "
                "FROM generate_series(1, 13000) o, generate_series(1, 4) l;")
    install(srv, db, b)
    rc, _ = call(srv, db, b, "batch_size => 777, max_batches => 7, pause_ms => 0")
    cp = checkpoint(srv, db, b)
    o, l = (int(x) for x in cp["last_key"].split(","))
    wrong = srv.scalar(db, f"SELECT count(*) FROM order_items WHERE quantity <> q0 + "
                           f"CASE WHEN (order_id, line_no) <= ({o}, {l}) THEN 1 ELSE 0 END")
    ok(f"{name}: stopped after 7 batches, the composite checkpoint splits done from not done",
       rc == 0 and cp["batches"] == 7 and cp["rows_done"] == 7 * 777 and wrong == "0", f"{cp} wrong={wrong}")
    rc, err, waiting = cancel_mid_batch(srv, db, b, "order_items", "order_id = 5000 AND line_no = 2")
    cp = checkpoint(srv, db, b)
    o, l = (int(x) for x in cp["last_key"].split(","))
    wrong = srv.scalar(db, f"SELECT count(*) FROM order_items WHERE quantity <> q0 + "
                           f"CASE WHEN (order_id, line_no) <= ({o}, {l}) THEN 1 ELSE 0 END")
    ok(f"{name}: cancelled inside a batch: the batch in flight left no trace",
       waiting and rc != 0 and wrong == "0" and (o, l) < (5000, 2) and not cp["finished"],
       f"rc={rc} {cp} wrong={wrong}")
    rc, err = call(srv, db, b, "pause_ms => 0")
    wrong = srv.scalar(db, "SELECT count(*) FROM order_items WHERE quantity <> q0 + 1")
    cp = checkpoint(srv, db, b)
    ok(f"{name}: resumed: every row changed exactly once", rc == 0 and wrong == "0" and cp["finished"]
       and cp["rows_done"] == 52000, f"rc={rc} wrong={wrong} {cp} {err}")
    ok(f"{name}: verify returns no rows once finished", verify_rows(srv, db, b) == [], verify_rows(srv, db, b))


def case_delete_foreign_key(srv):
    name = "procedure: batched DELETE, referenced rows become dead letters"
    v1 = ("CREATE TABLE events (id bigint PRIMARY KEY, created date NOT NULL);\n"
          "CREATE TABLE event_notes (id bigint PRIMARY KEY, event_id bigint NOT NULL REFERENCES events (id));\n")
    plan, b, db = prepare(srv, "bf_delete", v1,
                          "DELETE FROM events WHERE created < DATE '2020-01-01';\n")
    ok(f"{name}: a DELETE backfill", b["set_clause"] is None and b["idempotent"], b)
    srv.run(db, "INSERT INTO events SELECT g, DATE '2019-01-01' + (g % 700) FROM generate_series(1, 60000) g;"
                "INSERT INTO event_notes VALUES (1, 30), (2, 31), (3, 59990);")
    old = int(srv.scalar(db, "SELECT count(*) FROM events WHERE created < DATE '2020-01-01'"))
    install(srv, db, b)
    rc, err = call(srv, db, b, "pause_ms => 0")
    left = srv.query(db, "SELECT id FROM events WHERE created < DATE '2020-01-01' ORDER BY id")
    dead = srv.query(db, f"SELECT key[1], sqlstate FROM {b['dead_letter_table']} ORDER BY key[1]::bigint")
    referenced = [r[0] for r in srv.query(db, "SELECT event_id FROM event_notes e JOIN events v ON v.id = e.event_id "
                                              "WHERE v.created < DATE '2020-01-01' ORDER BY 1")]
    cp = checkpoint(srv, db, b)
    ok(f"{name}: every old row is gone except those still referenced, which wait as dead letters",
       rc == 0 and [r[0] for r in left] == referenced and [r[0] for r in dead] == referenced
       and all(r[1] == "23503" for r in dead) and cp["rows_done"] == old - len(referenced),
       f"rc={rc} left={left[:5]} dead={dead} referenced={referenced} {cp}")
    ok(f"{name}: rows of other years untouched",
       srv.scalar(db, "SELECT count(*) FROM events WHERE created >= DATE '2020-01-01'") == str(60000 - old))


def case_update_from_alias_quoting(srv):
    name = "procedure: UPDATE ... FROM with an alias and quoted names"
    v1 = ('CREATE TABLE regions (id int PRIMARY KEY, name text NOT NULL);\n'
          'CREATE TABLE "Shop Orders" ("Order Id" bigint PRIMARY KEY, region_id int NOT NULL, '
          '"Region" text);\n')
    upd = ('UPDATE "Shop Orders" AS so SET "Region" = r.name FROM regions r '
           'WHERE r.id = so.region_id AND so."Region" IS NULL;\n')
    plan, b, db = prepare(srv, "bf_from", v1,
                          upd)
    srv.run(db, "INSERT INTO regions SELECT g, 'region ' || g FROM generate_series(1, 20) g;"
                'INSERT INTO "Shop Orders" SELECT g, 1 + g % 20, NULL FROM generate_series(1, 52000) g;')
    install(srv, db, b)
    rc, err = call(srv, db, b, "max_batches => 3, pause_ms => 0")
    rc2, err2 = call(srv, db, b, "pause_ms => 0")
    wrong = srv.scalar(db, 'SELECT count(*) FROM "Shop Orders" so JOIN regions r ON r.id = so.region_id '
                           'WHERE so."Region" IS DISTINCT FROM r.name')
    ok(f"{name}: stopped, resumed and complete", rc == 0 and rc2 == 0 and wrong == "0"
       and checkpoint(srv, db, b)["rows_done"] == 52000, f"{err}{err2} wrong={wrong}")
    ok(f"{name}: verify returns no rows", verify_rows(srv, db, b) == [], verify_rows(srv, db, b)[:3])


def case_psql_before_11(srv):
    name = "psql script (PostgreSQL 10 form) on 15"
    plan, b, db = prepare(srv, "bf_psql", ACCOUNTS,
                          "UPDATE accounts SET email_lower = lower(email) WHERE email_lower IS NULL;\n",
                          engine="postgresql:10")
    ok(f"{name}: no procedure before 11", "CREATE OR REPLACE PROCEDURE" not in b["script_sql"]
       and "\\gexec" in b["script_sql"] and "psql" in b["run_sql"], b["run_sql"])
    srv.run(db, "INSERT INTO accounts SELECT g, 'User' || g || '@Example.COM', NULL "
                "FROM generate_series(1, 55000) g;")
    srv.run(db, b["script_sql"], variables={"max_batches": "5", "pause_ms": "0"})
    cp = checkpoint(srv, db, b)
    k = int(cp["last_key"])
    wrong = srv.scalar(db, f"SELECT count(*) FROM accounts WHERE (id <= {k}) <> (email_lower IS NOT NULL)")
    ok(f"{name}: -v max_batches=5 stops after 5 batches, each committed",
       cp["batches"] == 5 and cp["rows_done"] == 5000 and k == 5000 and wrong == "0", f"{cp} wrong={wrong}")
    out = srv.run(db, b["script_sql"], variables={"pause_ms": "0"})
    cp = checkpoint(srv, db, b)
    wrong = srv.scalar(db, "SELECT count(*) FROM accounts WHERE email_lower IS DISTINCT FROM lower(email)")
    ok(f"{name}: running the script again resumes and completes",
       cp["finished"] and cp["rows_done"] == 55000 and wrong == "0" and "complete" in out, f"{cp} {out[-200:]}")
    ok(f"{name}: verify returns no rows", verify_rows(srv, db, b) == [])
    srv.run(db, b["cleanup_sql"])
    ok(f"{name}: cleanup removes the helper tables",
       srv.scalar(db, f"SELECT to_regclass('{b['checkpoint_table']}') IS NULL") == "t")


def case_no_key(srv):
    name = "no usable key"
    v1 = "CREATE TABLE logs (msg text, level text);\n"
    plan, b, db = prepare(srv, "bf_nokey", v1,
                          "UPDATE logs SET level = 'info' WHERE level IS NULL;\n")
    ok(f"{name}: not batched, said so in a note and in the runbook",
       not b["key_known"] and b["script_sql"] is None and any("not batched" in n for n in plan["notes"])
       and "no primary key" in b["failure_handling"], (plan["notes"], b["failure_handling"]))
    srv.run(db, "INSERT INTO logs SELECT 'm' || g, NULL FROM generate_series(1, 1000) g;")
    srv.run(db, b["run_sql"])
    ok(f"{name}: the statement it runs instead works",
       srv.scalar(db, "SELECT count(*) FROM logs WHERE level IS NULL") == "0")


def main():
    global DRIVER
    DRIVER = common.driver()
    srv = pglive.server(15)
    only = sys.argv[1:]
    for case in (case_interrupt_resume, case_dead_letters, case_condition_fails_on_some_rows,
                 case_composite_not_idempotent,
                 case_delete_foreign_key, case_update_from_alias_quoting, case_psql_before_11,
                 case_no_key):
        if only and not any(o in case.__name__ for o in only):
            continue
        try:
            case(srv)
        except Exception as e:  # one broken case is a failure; the rest still runs
            ok(f"{case.__name__} runs", False, f"{type(e).__name__}: {e}")
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
