"""pglive: run generated SQL on a real PostgreSQL and compare schemas.

Every SQL text migraph tells a user to run (safe alternatives, plan steps,
backfills, verification queries, emitted migrations) is executed by the
tests on a real server first.  This module is the one way the suites do
that.  The servers come from scripts/pg-servers.sh, which names them in
$MIGRAPH_PG_SERVERS; tests/pg/with_pg.sh starts them around a suite and
turns "no server here" into a skip (a failure with CI=true).

Scripts run through psql, not through a driver: psql sends each statement
on its own in autocommit, as Flyway does for a non-transactional script,
so CREATE INDEX CONCURRENTLY, VACUUM and procedures that COMMIT behave as
they will in production, and ON_ERROR_STOP makes the first error final.

  import pglive
  srv = pglive.server(15)
  db = srv.fresh_db("case1")               # an empty database of its own
  srv.run(db, "CREATE TABLE t (id int);")  # raises ScriptError on any error
  srv.query(db, "SELECT count(*) FROM t")  # rows as tuples of text
  pglive.same_schema(srv.schema(db_a), srv.schema(db_b))
"""
import os
import re
import subprocess

PG_BIN = os.environ.get("MIGRAPH_PG15_BIN", "/usr/lib/postgresql/15/bin")


class ScriptError(Exception):
    """psql stopped on an error; the message carries its output."""


class Server:
    def __init__(self, major, socket_dir, port):
        self.major = int(major)
        self.host = socket_dir
        self.port = str(port)

    def _base(self, tool, db):
        return [os.path.join(PG_BIN, tool), "-X" if tool == "psql" else "-w", "-h", self.host,
                "-p", self.port, "-U", "postgres", "-d", db]

    def psql(self, db, sql, single_transaction=False, timeout=300, variables=None):
        """Runs sql through psql; returns (returncode, stdout, stderr)."""
        args = self._base("psql", db) + ["-v", "ON_ERROR_STOP=1", "-q", "-A", "-t", "-F", "\t"]
        for k, v in (variables or {}).items():
            args += ["-v", f"{k}={v}"]
        if single_transaction:
            args.append("--single-transaction")
        p = subprocess.run(args + ["-f", "-"], input=sql, capture_output=True, text=True,
                           timeout=timeout)
        return p.returncode, p.stdout, p.stderr

    def run(self, db, sql, single_transaction=False, timeout=300, variables=None):
        """Runs sql; raises ScriptError when psql stops on an error."""
        rc, out, err = self.psql(db, sql, single_transaction, timeout, variables)
        if rc != 0:
            raise ScriptError(f"psql exit {rc}: {err.strip() or out.strip()}\n--- script:\n{sql}")
        return out

    def query(self, db, sql):
        """The rows of one query, each a tuple of text fields."""
        out = self.run(db, sql)
        return [tuple(line.split("\t")) for line in out.splitlines() if line != ""]

    def scalar(self, db, sql):
        rows = self.query(db, sql)
        return rows[0][0] if rows else None

    def fresh_db(self, name):
        """Drops and creates database `name` (names are the caller's own)."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise ValueError(f"database name {name!r}")
        self.run("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE);\nCREATE DATABASE {name};\n")
        return name

    def schema(self, db):
        """pg_dump --schema-only of db, normalised by normalise_dump()."""
        args = self._base("pg_dump", db) + ["--schema-only", "--no-owner", "--no-privileges"]
        p = subprocess.run(args, capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            raise ScriptError(f"pg_dump: {p.stderr.strip()}")
        return normalise_dump(p.stdout)


def servers():
    """The running servers of scripts/pg-servers.sh, by major version."""
    path = os.environ.get("MIGRAPH_PG_SERVERS")
    found = {}
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 3:
                    found[int(parts[0])] = Server(*parts)
    return found


def server(major=15):
    s = servers().get(major)
    if s is None:
        raise RuntimeError(f"no PostgreSQL {major} running (run the suite through tests/pg/with_pg.sh)")
    return s


def normalise_dump(text):
    """A pg_dump --schema-only text in a form where two databases with the
    same schema compare equal: comments, SET lines and blank lines go, and
    the column lines inside each CREATE TABLE are sorted, because an
    expand/contract rewrite adds a column at the end where the original
    migration changed it in place (column order is not part of what the
    rewrite promises; every column's name, type, default and NOT NULL
    are).  Everything else keeps pg_dump's deterministic order."""
    out, block = [], None
    for line in text.splitlines():
        # \restrict carries a random key per dump (pg_dump 15.14+).
        if (line.startswith("--") or line.startswith("SET ") or line.startswith("\\restrict ")
                or line.startswith("\\unrestrict ") or line.startswith("SELECT pg_catalog.set_config")
                or not line.strip()):
            continue
        if block is not None:
            if line.startswith(");") or line.startswith(")"):
                cols = sorted(c.rstrip().rstrip(",") for c in block)
                out.extend("    " + c.strip() + "," for c in cols)
                out.append(line)
                block = None
            else:
                block.append(line)
            continue
        out.append(line)
        if re.match(r"^CREATE (UNLOGGED )?TABLE .* \($", line):
            block = []
    return "\n".join(out) + "\n"


def diff(a, b, name_a="expected", name_b="actual"):
    import difflib
    return "".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True), name_a, name_b, n=2))


def same_schema(a, b):
    return a == b
