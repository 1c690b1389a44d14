"""What the plan suites share: the result counter and the plan as JSON.

  import plantest
  plantest.check("name", ok, "detail shown when it fails")
  plan = plantest.plan_of(["--since", "0", "path"])   # build/plan-dump's JSON
  sys.exit(plantest.summary())                         # "N passed, N failed"
"""
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DUMP = os.environ.get("PLAN_DUMP", os.path.join(ROOT, os.environ.get("BUILD", "build"), "plan-dump"))

counts = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    counts["passed" if ok else "failed"] += 1
    print(f"ok   {name}" if ok else f"FAIL {name}\n{detail}")


def summary():
    """Prints the suite's last line; returns its exit code."""
    print(f"{counts['passed']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


def plan_of(args, timeout=600):
    """The plan of build/plan-dump ARGS (run from the repository root)."""
    p = subprocess.run([DUMP] + args, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"plan-dump exit {p.returncode}: {p.stderr[-2000:]}")
    return json.loads(p.stdout)


def backfill_sql(b):
    """What a backfill does, as one statement: its SET on the rows its
    predicate matches, or their DELETE.  For backfills whose generated
    script is not there to run."""
    table = b["table"] if b["schema"] in (None, "public") else f'{b["schema"]}.{b["table"]}'
    where = f" WHERE {b['predicate']}" if b.get("predicate") else ""
    if b.get("set_clause"):
        return f"UPDATE {table} SET {b['set_clause']}{where};"
    return f"DELETE FROM {table}{where};"
