#!/usr/bin/python3
"""The harness that executes generated SQL must itself be right: a schema
comparison that always says "equal", or a runner that hides errors, would
let every plan test pass.  Each case here fails when the harness lies."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pglive  # noqa: E402

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


srv = pglive.server(15)
a = srv.fresh_db("harness_a")
b = srv.fresh_db("harness_b")

srv.run(a, "CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL, n int DEFAULT 0);")
srv.run(b, "CREATE TABLE t (id bigint PRIMARY KEY, n int DEFAULT 0);\nALTER TABLE t ADD COLUMN name text NOT NULL;")
check("column order does not matter", pglive.same_schema(srv.schema(a), srv.schema(b)),
      pglive.diff(srv.schema(a), srv.schema(b)))

srv.run(b, "ALTER TABLE t ALTER COLUMN n TYPE bigint;")
check("a column type does", not pglive.same_schema(srv.schema(a), srv.schema(b)))
srv.run(b, "ALTER TABLE t ALTER COLUMN n TYPE int;")
srv.run(b, "ALTER TABLE t ALTER COLUMN n DROP DEFAULT;")
check("a default does", not pglive.same_schema(srv.schema(a), srv.schema(b)))
srv.run(b, "ALTER TABLE t ALTER COLUMN n SET DEFAULT 0;")
srv.run(b, "CREATE INDEX t_n_idx ON t (n);")
check("an index does", not pglive.same_schema(srv.schema(a), srv.schema(b)))
srv.run(a, "CREATE INDEX CONCURRENTLY t_n_idx ON t (n);")
check("CONCURRENTLY runs outside a transaction", pglive.same_schema(srv.schema(a), srv.schema(b)))
srv.run(b, "ALTER TABLE t ADD CONSTRAINT t_n_check CHECK (n >= 0) NOT VALID;")
srv.run(a, "ALTER TABLE t ADD CONSTRAINT t_n_check CHECK (n >= 0);")
check("NOT VALID does", not pglive.same_schema(srv.schema(a), srv.schema(b)))

try:
    srv.run(a, "SELECT 1;\nSELECT * FROM no_such_table;\nCREATE TABLE after_error (x int);")
    check("an error stops the script", False, "no ScriptError")
except pglive.ScriptError:
    check("an error stops the script",
          srv.scalar(a, "SELECT to_regclass('after_error') IS NULL") == "t")

srv.run(a, "INSERT INTO t (id, name) SELECT g, 'x' FROM generate_series(1, 1000) g;")
check("query returns rows", srv.scalar(a, "SELECT count(*) FROM t") == "1000")
try:
    srv.run(a, "BEGIN; CREATE INDEX CONCURRENTLY t_name_idx ON t (name); COMMIT;")
    check("CONCURRENTLY in a block fails as on the server", False)
except pglive.ScriptError as e:
    check("CONCURRENTLY in a block fails as on the server", "transaction block" in str(e))

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
