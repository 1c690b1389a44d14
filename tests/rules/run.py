#!/usr/bin/python3
"""Every rule has a case where it fires and a near miss where it must not;
and its safe alternative, fed back to migraph in place of the offending
migration, must not trigger it again.

A case is a folder tests/rules/cases/<rule-id>/ with
  fires/        migrations that offend (V2__... onwards)
  fires-NAME/   more offending variants, where the rule's alternative takes
                another form (e.g. fires-if-not-exists/)
  near-miss/    a variant that is fine
and every project starts from tests/rules/base.sql as its V1: tables that are
live in production.
  args          optional extra arguments, one per line (e.g. --engine postgresql:11);
                {case} stands for the case folder and {variant} for "fires" or
                "near-miss" (e.g. --applied {case}/{variant}.csv)
Every rule `migraph rules` lists must have a case: a new rule without one
fails this suite.
The feed-back step replaces the file the finding points at with the part of
the finding's safe_alternative that belongs to this release (when it is SQL;
what it puts in "a later release" is that release's business) and checks the
rule stays quiet.  tests/rules/pg_alternatives.py runs the same SQL on a real
PostgreSQL.
"""
import json
import os
import re
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
    return ok


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
    found = [f for f in doc["findings"] if f["rule"] == rule]
    for f in found:
        cs = doc["changesets"][f["changeset_index"]] if f.get("changeset_index") is not None else {}
        f["_statement"] = next((st.get("sql") for st in cs.get("statements", [])
                                if st.get("line") == f.get("line") and st.get("column") == f.get("column")), None)
    return found, None


def with_alternative(text, finding, alt):
    """The migration text with the finding's statement replaced by alt, as
    a user applies the advice; the whole file when the statement's text
    cannot be found in it (a Liquibase change, say)."""
    sql = finding.get("_statement")
    if sql:
        lines = text.split("\n")
        start = len("\n".join(lines[:max(finding.get("line", 1) - 1, 0)]))
        at = text.find(sql, start)
        if at >= 0:
            end = at + len(sql)
            m = re.match(r"\s*;", text[end:])
            end += m.end() if m else 0
            return text[:at] + alt.rstrip() + "\n" + text[end:]
    return alt + "\n"


SQL_START = re.compile(r"(ALTER|CREATE|DROP|UPDATE|INSERT|DELETE|SET|RESET|BEGIN|COMMIT|VACUUM|"
                       r"REINDEX|CLUSTER|TRUNCATE|ANALYZE|COMMENT|LOCK|WITH|SELECT)\b", re.I)
PLACEHOLDER = re.compile(r"<[a-z][^<>\n]*>|\.\.\.")
LATER_RELEASE = re.compile(r"^\s*--.*(later release|release N\+)", re.I | re.M)


def strip_comments(sql):
    return "\n".join(l for l in (re.sub(r"--.*", "", line).strip() for line in sql.splitlines()) if l)


def alternative_kind(alt):
    """What a safe alternative is: "sql" (runs as written), "template" (SQL
    with <placeholders> or ... for the user to fill), "changelog" (Liquibase
    XML), "conf" (a Flyway .sql.conf), "prose" (advice in words) or
    "comments" (SQL comments only)."""
    text = (alt or "").strip()
    if text.startswith("<"):
        return "changelog"
    if re.search(r"^\s*executeInTransaction\s*=", text, re.M):
        return "conf"
    body = strip_comments(text)
    if not body:
        return "comments"
    if not SQL_START.match(body):
        return "prose"
    return "template" if PLACEHOLDER.search(body) else "sql"


def this_release(alt):
    """The part of an alternative that runs in the release under review:
    everything before its first "-- ... a later release" / "-- release N+1"
    comment line."""
    m = LATER_RELEASE.search(alt)
    return alt[:m.start()] if m else alt


def case_args(case, variant):
    """The case's extra arguments for one of its variants."""
    path = os.path.join(case, "args")
    lines = [l.strip() for l in open(path)] if os.path.exists(path) else []
    return [l.replace("{case}", case).replace("{variant}", variant) for l in lines if l]


def listed_rules():
    p = subprocess.run([MIGRAPH, "rules"], capture_output=True, text=True, timeout=60)
    return [line.split()[0] for line in p.stdout.splitlines() if line.strip()]


def main():
    listed = listed_rules()
    check("migraph rules lists rules", len(listed) > 0, "(no output)")
    have = set(os.listdir(CASES))
    for rule in listed:
        check(f"{rule}: has a case folder", rule in have,
              f"(add tests/rules/cases/{rule}/fires and near-miss)")
    for rule in sorted(have - set(listed)):
        check(f"{rule}: case folder names a listed rule", False, "(no such rule in `migraph rules`)")
    for rule in sorted(have):
        case = os.path.join(CASES, rule)
        quiet, err = findings(os.path.join(case, "near-miss"), case_args(case, "near-miss"), rule)
        check(f"{rule}: quiet on the near miss", quiet == [], err or str([f["message"][:120] for f in quiet or []]))
        for variant in variants(case):
            feed_back(rule, case, variant)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def variants(case):
    """The offending variants of a case: fires/ and any fires-NAME/."""
    return sorted(v for v in os.listdir(case)
                  if (v == "fires" or v.startswith("fires-")) and os.path.isdir(os.path.join(case, v)))


def feed_back(rule, case, variant):
    name = rule if variant == "fires" else f"{rule} ({variant})"
    args = case_args(case, variant)
    fires, err = findings(os.path.join(case, variant), args, rule)
    check(f"{name}: fires", bool(fires), err or "(no finding)")
    if not fires:
        return
    alt = fires[0].get("safe_alternative") or ""
    check(f"{name}: has a safe alternative", bool(alt.strip()))
    if alternative_kind(alt) != "sql":
        return  # advice, a template or a changelog: nothing to feed back as a migration
    tmp = tempfile.mkdtemp(prefix="migraph-rule-")
    try:
        proj = os.path.join(tmp, "p")
        shutil.copytree(os.path.join(case, variant), proj)
        target = os.path.join(proj, os.path.basename(fires[0]["file"]))
        if os.path.basename(target) == "V1__base.sql":
            check(f"{name}: the finding points at the offending migration", False, target)
            return
        text = open(target).read()
        with open(target, "w") as f:
            f.write(with_alternative(text, fires[0], this_release(alt)))
        again, err = findings(proj, args, rule)
        check(f"{name}: its safe alternative does not trigger it", again == [],
              err or str([f["message"][:120] for f in again or []]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
