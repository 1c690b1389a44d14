#!/usr/bin/python3
"""observe.py: records which relation locks real PostgreSQL servers take for
each statement form of tests/truth/forms.sql, and which relations the form
rewrote or scanned.

Run with Debian's python3 (it has python3-psycopg2).  The servers come from
scripts/pg-servers.sh, which names them in the file $MIGRAPH_PG_SERVERS
("MAJOR<TAB>SOCKET_DIR<TAB>PORT" per line).

  observe.py [--versions 10,15] [--forms F] [--out DIR] [--only id,id]
  observe.py --compare tests/truth/observed/pg15.tsv --only id,id  (live check)

How a form is observed (see README.md for the output format):
 * In a transaction block: BEGIN; snapshot pg_class (relfilenode per OID) and
   the transaction's scan counters (pg_stat_xact_all_tables); run the form;
   read this backend's relation locks from pg_locks; snapshot again; ROLLBACK.
 * A form that fails there with SQLSTATE 25001 cannot run in a transaction
   block.  When it names a @blocker, a third session takes that lock in an
   open transaction, the form runs in autocommit in a first session, and a
   second session reads the first one's locks once it waits on a lock (the
   stable state of its first wait).  The blocker is then released, the form
   finishes and its @cleanup statements undo it.
 * After every form the schema fingerprint is compared with the base one;
   when they differ the working database is recreated from the template.
"""
import argparse
import os
import sys
import threading
import time

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
DB = "truth"
TEMPLATE = "truth_base"
STORAGE_KINDS = set("rtimS")
HEADER = ["form", "relation", "relkind", "mode", "rewritten", "scanned", "how"]


# ------------------------------------------------------------------ forms
class Form:
	def __init__(self, fid):
		self.id = fid
		self.why = []
		self.settings = []
		self.blocker = None
		self.concurrent = False
		self.cleanup = []
		self.sql_lines = []

	@property
	def sql(self):
		return "\n".join(self.sql_lines).strip()


def parse_forms(path):
	"""Returns (bases, forms): bases is a list of (since, sql)."""
	bases, forms = [], []
	cur_base, cur_form = None, None
	with open(path, encoding="utf-8") as f:
		for lineno, line in enumerate(f, 1):
			line = line.rstrip("\n")
			if line.startswith("-- @"):
				word, _, rest = line[4:].partition(" ")
				rest = rest.strip()
				if word == "base":
					since = 0
					if rest.startswith("since="):
						since = int(rest[6:])
					cur_base, cur_form = [since, []], None
					bases.append(cur_base)
				elif word == "form":
					cur_form, cur_base = Form(rest), None
					forms.append(cur_form)
				elif cur_form is None:
					sys.exit(f"{path}:{lineno}: @{word} outside a form")
				elif word == "why":
					cur_form.why.append(rest)
				elif word == "set":
					name, _, value = rest.partition("=")
					cur_form.settings.append((name.strip(), value.strip()))
				elif word == "blocker":
					cur_form.blocker = rest
				elif word == "concurrent":
					cur_form.concurrent = True
				elif word == "cleanup":
					cur_form.cleanup.append(rest)
				else:
					sys.exit(f"{path}:{lineno}: unknown directive @{word}")
				continue
			if line.startswith("--") or not line.strip():
				continue
			if cur_form is not None:
				cur_form.sql_lines.append(line)
			elif cur_base is not None:
				cur_base[1].append(line)
	ids = [f.id for f in forms]
	dup = {i for i in ids if ids.count(i) > 1}
	if dup:
		sys.exit(f"{path}: duplicate form ids {sorted(dup)}")
	return [(s, "\n".join(l)) for s, l in bases], forms


# ---------------------------------------------------------------- servers
def read_servers(path):
	servers = []
	with open(path) as f:
		for line in f:
			if line.strip():
				major, sock, port = line.rstrip("\n").split("\t")
				servers.append((int(major), sock, int(port)))
	return servers


def connect(server, dbname):
	_, sock, port = server
	conn = psycopg2.connect(host=sock, port=port, user="postgres", dbname=dbname)
	conn.autocommit = True
	return conn


def q(conn, sql, args=None):
	with conn.cursor() as cur:
		cur.execute(sql, args)
		return cur.fetchall() if cur.description else []


def build_template(server, bases):
	major = server[0]
	admin = connect(server, "postgres")
	for db in (DB, TEMPLATE):
		q(admin, f"DROP DATABASE IF EXISTS {db}")
	q(admin, f"CREATE DATABASE {TEMPLATE}")
	conn = connect(server, TEMPLATE)
	for since, sql in bases:
		if major >= since and sql.strip():
			q(conn, sql)
	conn.close()
	q(admin, f"CREATE DATABASE {DB} TEMPLATE {TEMPLATE}")
	admin.close()


def recreate_db(server):
	admin = connect(server, "postgres")
	q(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (DB,))
	time.sleep(0.2)
	q(admin, f"DROP DATABASE IF EXISTS {DB}")
	q(admin, f"CREATE DATABASE {DB} TEMPLATE {TEMPLATE}")
	admin.close()


# ------------------------------------------------------------- snapshots
SNAP_SQL = """
SELECT c.oid, n.nspname, c.relname, c.relkind, c.relfilenode, i.indrelid
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_index i ON i.indexrelid = c.oid
WHERE c.oid >= 16384 AND n.nspname NOT IN ('pg_catalog', 'information_schema')
"""

STATS_SQL = """
SELECT relid, seq_scan, coalesce(idx_scan, 0) FROM pg_stat_xact_all_tables WHERE relid >= 16384
"""

LOCKS_SQL = """
SELECT l.relation::oid, l.mode, l.granted FROM pg_locks l
WHERE l.locktype = 'relation' AND l.pid = %s AND l.relation >= 16384
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""

FINGERPRINT_SQL = """
SELECT md5(coalesce(string_agg(x, ',' ORDER BY x), '')) FROM (
  SELECT n.nspname || '.' || c.relname || ':' || c.relkind::text || c.relpersistence::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.oid >= 16384 AND n.nspname NOT IN ('pg_toast', 'pg_catalog', 'information_schema')
  UNION ALL SELECT conrelid::regclass::text || '.' || contypid::regtype::text || '.' || conname || ':' || convalidated
  FROM pg_constraint WHERE oid >= 16384
  UNION ALL SELECT indexrelid::regclass::text || ':' || indisvalid FROM pg_index WHERE indexrelid >= 16384
  UNION ALL SELECT enumtypid::regtype::text || ':' || enumlabel FROM pg_enum
  UNION ALL SELECT inhrelid::regclass::text || '<' || inhparent::regclass::text FROM pg_inherits
  UNION ALL SELECT attrelid::regclass::text || '.' || attname || ':' || atttypid::regtype::text || attnotnull
  FROM pg_attribute WHERE attrelid >= 16384 AND attnum > 0 AND NOT attisdropped
  UNION ALL SELECT typname FROM pg_type WHERE oid >= 16384 AND typtype IN ('d', 'e')
  UNION ALL SELECT tgrelid::regclass::text || '.' || tgname || tgenabled::text FROM pg_trigger WHERE oid >= 16384
) s(x)
"""


class Snapshot:
	"""OID -> (name, relkind, relfilenode), with stable names for TOAST."""

	@staticmethod
	def take(conn):
		rows = q(conn, SNAP_SQL)
		own = q(conn, "SELECT reltoastrelid, oid FROM pg_class WHERE reltoastrelid <> 0 AND oid >= 16384")
		return Snapshot.build(rows, dict(own))

	@staticmethod
	def build(rows, toast_of):
		s = Snapshot.__new__(Snapshot)
		raw = {r[0]: r for r in rows}
		plain = {oid: f"{nsp}.{rel}" for oid, nsp, rel, kind, node, indrelid in rows}
		s.by_oid = {}
		for oid, nsp, rel, kind, node, indrelid in rows:
			name = plain[oid]
			if kind == "t" and oid in toast_of and toast_of[oid] in plain:
				name = f"pg_toast({plain[toast_of[oid]]})"
			elif nsp == "pg_toast" and kind == "i" and indrelid in toast_of and toast_of[indrelid] in plain:
				name = f"pg_toast_index({plain[toast_of[indrelid]]})"
			elif rel.startswith("pg_temp_") or nsp.startswith("pg_temp"):
				continue
			s.by_oid[oid] = (name, kind, node)
		s.by_name = {v[0]: (oid, v[1], v[2]) for oid, v in s.by_oid.items()}
		return s


def rewritten(oid, before, after):
	b = before.by_oid.get(oid)
	a = after.by_oid.get(oid)
	kind = (b or a)[1]
	if kind not in STORAGE_KINDS:
		if b and not a and b[0] not in after.by_name:
			return "dropped"
		if a and not b:
			return "new"
		return "-"
	if b and a:
		return "yes" if b[2] != a[2] else "no"
	if b:
		other = after.by_name.get(b[0])
		if other is None:
			return "dropped"
		return "yes" if other[2] != b[2] else "no"
	return "new"


def scanned(oid, kind, stats_before, stats_after):
	# Only relations with a heap of their own are scanned; 14+ also keeps
	# counters for partitioned tables, which would only add noise.
	if stats_before is None or kind not in "rtm":
		return "-"
	if oid not in stats_after and oid not in stats_before:
		return "-"
	s0, i0 = stats_before.get(oid, (0, 0))
	s1, i1 = stats_after.get(oid, (0, 0))
	parts = []
	if s1 > s0:
		parts.append("seq")
	if i1 > i0:
		parts.append("idx")
	return "+".join(parts) or "no"


def relation_rows(fid, locks, how_of, before, after, names, stats_before=None, stats_after=None):
	"""locks: list of (oid, mode, granted); names: list of Snapshots used to
	name OIDs, first match wins.  Returns output rows."""
	per = {}  # name -> dict

	def entry(oid):
		for snap in names:
			if oid in snap.by_oid:
				name, kind, _ = snap.by_oid[oid]
				break
		else:
			return None  # transient relation: exists neither before nor after
		e = per.setdefault(name, {"kind": kind, "modes": set(), "rw": set(), "scan": set()})
		if oid in before.by_oid or oid in after.by_oid:
			e["rw"].add(rewritten(oid, before, after))
		e["scan"].add(scanned(oid, kind, stats_before, stats_after))
		return e

	for oid, mode, granted in locks:
		e = entry(oid)
		if e is not None:
			e["modes"].add((mode, how_of(granted)))
	# relations rewritten or scanned without a lock of their own
	for oid in set(before.by_oid) | set(after.by_oid):
		rw = rewritten(oid, before, after)
		kind = (before.by_oid.get(oid) or after.by_oid.get(oid))[1]
		sc = scanned(oid, kind, stats_before, stats_after)
		if rw in ("yes", "dropped", "new") or sc not in ("no", "-"):
			entry(oid)
	rows = []
	for name, e in per.items():
		# A name known before and after (an index rebuilt under a new OID, a
		# TOAST table swapped) is judged by its relfilenode: yes or no.
		rw = pick(e["rw"], ["yes", "no", "dropped", "new", "-"])
		sc = pick(e["scan"], ["seq+idx", "seq", "idx", "no", "-"])
		if not e["modes"]:
			if rw in ("no", "-") and sc in ("no", "-"):
				continue
			e["modes"].add(("-", "-"))
		for mode, how in e["modes"]:
			rows.append((fid, name, e["kind"], mode, rw, sc, how))
	return rows


def pick(values, order):
	for v in order:
		if v in values:
			return v
	return "-"


def clean_msg(e):
	msg = (e.diag.message_primary or str(e)).replace("\t", " ").replace("\n", " ").strip()
	return f"{e.pgcode} {msg}"


# --------------------------------------------------------------- observer
class Observer:
	def __init__(self, server, log):
		self.server = server
		self.major = server[0]
		self.log = log
		self.a = self.b = None
		self.base_fp = None

	def open(self):
		self.a = connect(self.server, DB)
		self.b = connect(self.server, DB)
		q(self.a, "SET TimeZone = 'UTC'")
		q(self.a, "SET statement_timeout = '120s'")
		q(self.a, "SET lock_timeout = '30s'")
		if self.base_fp is None:
			self.base_fp = q(self.b, FINGERPRINT_SQL)[0][0]

	def close(self):
		for c in (self.a, self.b):
			if c is not None:
				try:
					c.close()
				except psycopg2.Error:
					pass
		self.a = self.b = None

	def ensure_clean(self, fid):
		fp = q(self.b, FINGERPRINT_SQL)[0][0]
		if fp != self.base_fp:
			self.log(f"pg{self.major}: {fid} left the schema changed; recreating the database")
			self.close()
			recreate_db(self.server)
			self.open()

	def observe(self, form):
		rows = []
		# Plans cached by earlier forms (the foreign keys' check queries
		# above all) would open only the index they use: each form is
		# observed as the first statement of its session would run.
		q(self.a, "DISCARD PLANS")
		for name, value in form.settings:
			q(self.a, f"SET {name} = %s", (value,))
		try:
			rows = self.in_transaction(form)
		finally:
			if form.settings:
				try:
					q(self.a, "RESET ALL")
					q(self.a, "SET TimeZone = 'UTC'")
					q(self.a, "SET statement_timeout = '120s'")
					q(self.a, "SET lock_timeout = '30s'")
				except psycopg2.Error:
					pass
		self.ensure_clean(form.id)
		return rows

	def in_transaction(self, form):
		a = self.a
		q(a, "BEGIN")
		before = Snapshot.take(a)
		stats0 = {r[0]: (r[1], r[2]) for r in q(a, STATS_SQL)}
		try:
			q(a, form.sql)
		except psycopg2.Error as e:
			q(a, "ROLLBACK")
			if e.pgcode == "25001":
				rows = [(form.id, "-", "-", "no-transaction-block", "-", "-", "-")]
				return rows + self.concurrent(form)
			return [(form.id, "-", "-", "error", "-", "-", clean_msg(e))]
		if form.concurrent:
			q(a, "ROLLBACK")
			return self.concurrent(form)
		locks = q(a, LOCKS_SQL, (a.get_backend_pid(),))
		after = Snapshot.take(a)
		stats1 = {r[0]: (r[1], r[2]) for r in q(a, STATS_SQL)}
		q(a, "ROLLBACK")
		rows = relation_rows(form.id, locks, lambda g: "txn", before, after, [before, after], stats0, stats1)
		return rows or [(form.id, "-", "-", "none", "-", "-", "txn")]

	def concurrent(self, form):
		if not form.blocker:
			return [(form.id, "-", "-", "unobserved", "-", "-", "no @blocker")]
		c = connect(self.server, DB)
		c.autocommit = False
		try:
			with c.cursor() as cur:
				cur.execute(form.blocker)
		except psycopg2.Error as e:
			c.close()
			return [(form.id, "-", "-", "error", "-", "-", "blocker: " + clean_msg(e))]
		before = Snapshot.take(self.b)
		pid = self.a.get_backend_pid()
		result = {}

		def run():
			try:
				q(self.a, form.sql)
			except psycopg2.Error as e:
				result["error"] = e

		t = threading.Thread(target=run)
		t.start()
		locks, during = None, None
		deadline = time.time() + 20
		while time.time() < deadline and t.is_alive():
			st = q(self.b, "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (pid,))
			if st and st[0][0] == "Lock":
				time.sleep(0.15)
				l1 = sorted(q(self.b, LOCKS_SQL, (pid,)))
				time.sleep(0.15)
				l2 = sorted(q(self.b, LOCKS_SQL, (pid,)))
				if l1 == l2:
					locks, during = l2, Snapshot.take(self.b)
					if os.environ.get("MIGRAPH_TRUTH_DEBUG"):
						self.log(repr(q(self.b, "SELECT locktype, relation::regclass, mode, granted, wait_event FROM pg_locks JOIN pg_stat_activity USING (pid) WHERE pid = %s", (pid,))))
					break
				continue
			time.sleep(0.02)
		c.rollback()
		c.close()
		t.join(120)
		if t.is_alive():
			q(self.b, "SELECT pg_cancel_backend(%s)", (pid,))
			t.join()
		after = Snapshot.take(self.b)
		for sql in form.cleanup:
			try:
				q(self.b, sql)
			except psycopg2.Error as e:
				self.log(f"pg{self.major}: {form.id}: cleanup failed: {clean_msg(e)}")
		if "error" in result:
			return [(form.id, "-", "-", "error", "-", "-", clean_msg(result["error"]))]
		if locks is None:
			rows = relation_rows(form.id, [], None, before, after, [before, after])
			return rows + [(form.id, "-", "-", "unobserved", "-", "-", "did not wait for the blocker")]
		how = lambda g: "held" if g else "waiting"
		rows = relation_rows(form.id, locks, how, before, after, [before, during, after])
		return rows or [(form.id, "-", "-", "none", "-", "-", "held")]


def observe_server(server, bases, forms, log):
	build_template(server, bases)
	obs = Observer(server, log)
	obs.open()
	rows = []
	try:
		for form in forms:
			rows.extend(obs.observe(form))
	finally:
		obs.close()
	return sorted(set(rows))


def write_tsv(path, rows):
	tmp = path + ".tmp"
	with open(tmp, "w", encoding="utf-8") as f:
		f.write("\t".join(HEADER) + "\n")
		for r in rows:
			f.write("\t".join(r) + "\n")
	os.replace(tmp, path)


def read_tsv(path):
	with open(path, encoding="utf-8") as f:
		lines = f.read().splitlines()
	return [tuple(l.split("\t")) for l in lines[1:] if l]


def main():
	ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	ap.add_argument("--servers", default=os.environ.get("MIGRAPH_PG_SERVERS"))
	ap.add_argument("--forms", default=os.path.join(HERE, "forms.sql"))
	ap.add_argument("--out", default=os.path.join(HERE, "observed"))
	ap.add_argument("--versions", default="")
	ap.add_argument("--only", default="", help="comma-separated form ids")
	ap.add_argument("--compare", help="committed TSV to compare the observation with")
	args = ap.parse_args()
	if not args.servers:
		sys.exit("observe.py: no servers (run through scripts/pg-servers.sh or pass --servers)")
	bases, forms = parse_forms(args.forms)
	if args.only:
		wanted = args.only.split(",")
		known = {f.id for f in forms}
		missing = [w for w in wanted if w not in known]
		if missing:
			sys.exit(f"observe.py: unknown forms {missing}")
		forms = [f for f in forms if f.id in wanted]
	servers = read_servers(args.servers)
	if args.versions:
		want = {int(v) for v in args.versions.split(",")}
		servers = [s for s in servers if s[0] in want]
	log = lambda m: print(m, file=sys.stderr, flush=True)

	if args.compare:
		committed = read_tsv(args.compare)
		passed = failed = 0
		for server in servers:
			rows = observe_server(server, bases, forms, log)
			for form in forms:
				got = sorted(r for r in rows if r[0] == form.id)
				want = sorted(r for r in committed if r[0] == form.id)
				if got == want:
					passed += 1
				else:
					failed += 1
					print(f"FAIL pg{server[0]} {form.id}")
					for r in want:
						if r not in got:
							print("  committed only: " + "\t".join(r))
					for r in got:
						if r not in want:
							print("  observed only:  " + "\t".join(r))
		print(f"{passed} passed, {failed} failed")
		return 1 if failed else 0

	os.makedirs(args.out, exist_ok=True)
	for server in servers:
		t0 = time.time()
		rows = observe_server(server, bases, forms, log)
		path = os.path.join(args.out, f"pg{server[0]}.tsv")
		if args.only and os.path.exists(path):
			ids = {f.id for f in forms}
			rows = sorted(set(r for r in read_tsv(path) if r[0] not in ids) | set(rows))
		write_tsv(path, rows)
		log(f"pg{server[0]}: {len(forms)} forms, {len(rows)} rows -> {path} ({time.time() - t0:.0f}s)")
	return 0


if __name__ == "__main__":
	sys.exit(main())
