#!/usr/bin/python3
"""Every rule has a case where it fires and a near miss where it must not;
and its safe alternative, fed back to migraph in place of the offending
migration, must not trigger it again.

A case is a folder tests/rules/cases/<rule-id>/ with
  fires/        migrations that offend (V2__... onwards)
  near-miss/    a variant that is fine
and every project starts from tests/rules/base.sql as its V1: tables that are
live in production.
  args          optional extra arguments, one per line (e.g. --engine postgresql:11)
The feed-back step replaces the file the finding points at with the finding's
safe_alternative (when it is SQL) and checks the rule stays quiet.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASES = os.path.join(ROOT, "tests", "rules", "cases")
MIGRAPH = os.environ.get("MIGRAPH", os.path.join(ROOT, "build", "migraph"))

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


BASE = os.path.join(ROOT, "tests", "rules", "base.sql")


def project_with_base(src, dest):
    """Copies a case folder and puts the shared scene in front as V1."""
    shutil.copytree(src, dest)
    shutil.copy(BASE, os.path.join(dest, "V1__base.sql"))
    return dest


def findings(project, args, rule):
    tmp = tempfile.mkdtemp(prefix="migraph-rule-")
    try:
        proj = project_with_base(project, os.path.join(tmp, "p"))
        p = subprocess.run([MIGRAPH, "check", "--format", "json", "--fail-on", "critical"] + args + [proj],
                           capture_output=True, timeout=60, cwd=ROOT)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if p.returncode not in (0, 1):
        return None, p.stderr.decode(errors="replace")[:300]
    doc = json.loads(p.stdout)
    return [f for f in doc["findings"] if f["rule"] == rule], None


def main():
    for rule in sorted(os.listdir(CASES)):
        case = os.path.join(CASES, rule)
        args_file = os.path.join(case, "args")
        args = [l.strip() for l in open(args_file)] if os.path.exists(args_file) else []
        args = [a for a in args if a]
        fires, err = findings(os.path.join(case, "fires"), args, rule)
        check(f"{rule}: fires", bool(fires), err or "(no finding)")
        quiet, err = findings(os.path.join(case, "near-miss"), args, rule)
        check(f"{rule}: quiet on the near miss", quiet == [], err or str([f["message"][:120] for f in quiet or []]))
        if not fires:
            continue
        alt = fires[0].get("safe_alternative") or ""
        check(f"{rule}: has a safe alternative", bool(alt.strip()))
        if alt.lstrip().startswith("<"):
            continue  # changelog text, not SQL: nothing to feed back in a Flyway project
        tmp = tempfile.mkdtemp(prefix="migraph-rule-")
        try:
            proj = os.path.join(tmp, "p")
            shutil.copytree(os.path.join(case, "fires"), proj)
            target = os.path.join(proj, os.path.basename(fires[0]["file"]))
            if os.path.basename(target) == "V1__base.sql":
                check(f"{rule}: the finding points at the offending migration", False, target)
                continue
            with open(target, "w") as f:
                f.write(alt + "\n")
            again, err = findings(proj, args, rule)
            check(f"{rule}: its safe alternative does not trigger it", again == [],
                  err or str([f["message"][:120] for f in again or []]))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
