#!/usr/bin/python3
"""The release review of real projects (../shared/corpora) is complete.

For Flyway conductor and marquez and Liquibase jhipster-sample-app, `migraph
review` in every format, and `migraph graph`, are checked by structure, not
text (the plan's contents change as the rewriter and the passes grow):

  JSON      valid against formats/report.schema.json; plan.changesets has
            exactly the changesets of the release, each with its locks (and
            until when they are held), its runtime and notes; every step
            names an existing changeset and earlier steps as dependencies
  Markdown  the five sections A to E in order; one review comment per
            changeset of the release, numbered 1..N; every step of the plan
            listed once in C; every finding of the release in B
  text      the same five sections
  diagram   a PNG with a valid header; the SVG has no more nodes than
            MG_DIAGRAM_MAX_NODES (auto grouping keeps it readable)

Without ../shared the test skips, except with CI=true, where that is a failure.
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIGRAPH = os.environ.get("MIGRAPH", os.path.join(ROOT, "build", "migraph"))
MAX_NODES = 60
SECTIONS = ["A. Risk assessment", "B. Review comments", "C. Phased rollout plan",
            "D. Backfill plan", "E. Verification and rollback"]

CONDUCTOR = "conductor/postgres-persistence/src/main/resources/db"
MARQUEZ = "marquez/api/src/main"
PROJECTS = {
    "conductor": [f"{CONDUCTOR}/migration_postgres", f"{CONDUCTOR}/migration_postgres_data",
                  f"{CONDUCTOR}/migration_postgres_notify"],
    "marquez": [f"{MARQUEZ}/resources/marquez/db/migration", f"{MARQUEZ}/java/marquez/db/migrations"],
    "jhipster": ["--search-path", "jhipster-sample-app/src/main/resources",
                 "jhipster-sample-app/src/main/resources/config/liquibase/master.xml"],
}

sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from suite import Suite, shared_corpora  # noqa: E402

suite = Suite(quiet=True)
check = suite.check
CORPORA = None


def args_of(project):
    out = []
    for a in PROJECTS[project]:
        out.append(a if a.startswith("--") else os.path.join(CORPORA, a))
    return out


def migraph(*args):
    proc = subprocess.run([MIGRAPH, *args], cwd=ROOT, capture_output=True, timeout=600)
    return proc.returncode, proc.stdout, proc.stderr.decode(errors="replace")


def release_of(doc):
    return [c["index"] for c in doc["changesets"] if c["in_release"] and not c["filtered"]]


def check_json(name, doc, schema):
    if schema is not None:
        try:
            import jsonschema
            jsonschema.validate(doc, schema)
            check(f"{name}: JSON valid against the schema", True)
        except jsonschema.ValidationError as e:
            check(f"{name}: JSON valid against the schema", False,
                  f"{e.message} at {list(e.absolute_path)}")
    plan = doc["plan"]
    release = release_of(doc)
    covered = [c["changeset_index"] for c in plan["changesets"]]
    check(f"{name}: plan.changesets is the release ({len(release)})", covered == release,
          f"{len(covered)} covered")
    incomplete = [c["changeset_index"] for c in plan["changesets"]
                  if not c["runtime"] or any(l["held_until"] not in ("commit", "statement_end")
                                             for l in c["locks"])]
    check(f"{name}: every changeset has a runtime and lock holds", not incomplete,
          f"changesets {incomplete[:5]}")
    n = len(doc["changesets"])
    bad = [s["id"] for s in plan["steps"]
           if (s["changeset_index"] is not None and not 0 <= s["changeset_index"] < n)
           or any(d["index"] >= s["index"] for d in s["depends_on"])]
    check(f"{name}: steps name real changesets and earlier steps", not bad, f"steps {bad[:5]}")
    stepped = {s["changeset_index"] for s in plan["steps"]}
    judged = {c["changeset_index"] for c in plan["changesets"]
              if c["judged"] and doc["changesets"][c["changeset_index"]]["statements"]}
    check(f"{name}: every changeset with statements has a step", judged <= stepped,
          f"no step for {sorted(judged - stepped)[:5]}")


def check_document(name, text, doc, markdown):
    plan = doc["plan"]
    prefix = "## " if markdown else ""
    at = [text.find(f"\n{prefix}{s}\n") for s in SECTIONS]
    check(f"{name}: the five sections, in order", all(p >= 0 for p in at) and at == sorted(at),
          f"positions {at}")
    if not all(p >= 0 for p in at):
        return
    comments = text[at[1]:at[2]]
    numbered = re.findall(r"^(?:### )?(\d+)\. ", comments, re.M)
    want = [str(i + 1) for i in range(len(plan["changesets"]))]
    check(f"{name}: one review comment per changeset of the release ({len(want)})",
          numbered == want, f"{len(numbered)} comments")
    rollout = text[at[2]:at[3]]
    ids = re.findall(r"^\s*\d+\. (?:\*\*)?(s\d+)(?:\*\*)? ", rollout, re.M)
    check(f"{name}: every step listed once in C ({len(plan['steps'])})",
          ids == [s["id"] for s in plan["steps"]], f"{len(ids)} listed")
    in_release = set(c["changeset_index"] for c in plan["changesets"])
    rules = [f["rule"] for f in doc["findings"] if f["changeset_index"] in in_release]
    missing = [r for r in set(rules) if comments.count(r) < rules.count(r)]
    check(f"{name}: every finding of the release in B ({len(rules)})", not missing,
          f"missing {missing[:5]}")


def check_diagram(name, project, tmp):
    png = os.path.join(tmp, f"{project}.png")
    rc, _, err = migraph("graph", "-o", png, *args_of(project))
    data = open(png, "rb").read() if rc == 0 and os.path.exists(png) else b""
    ok = data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    check(f"{name}: the diagram renders as PNG", ok, err[:200])
    if ok:
        w, h = struct.unpack(">II", data[16:24])
        check(f"{name}: the PNG has a readable size", w <= 4000 and h <= 12000, f"{w}x{h}")
    rc, svg, err = migraph("graph", "--format", "svg", *args_of(project))
    try:
        groups = [g.get("class") for g in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}g")]
        nodes = groups.count("node")
        check(f"{name}: auto grouping keeps at most {MAX_NODES} nodes", 0 < nodes <= MAX_NODES,
              f"{nodes} nodes")
    except ET.ParseError as e:
        check(f"{name}: the SVG is well-formed", False, str(e))


def main():
    global CORPORA
    CORPORA = shared_corpora(ROOT, suite)
    if CORPORA is None:
        return suite.finish()
    schema = json.load(open(os.path.join(ROOT, "formats", "report.schema.json")))
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        schema = None
        check("python3-jsonschema is installed", False)
    with tempfile.TemporaryDirectory() as tmp:
        for project in PROJECTS:
            args = args_of(project)
            rc, out, err = migraph("review", "--format", "json", *args)
            check(f"{project}: review --format json exits 0", rc == 0, err[:300])
            try:
                doc = json.loads(out)
            except ValueError as e:
                check(f"{project}: review --format json is JSON", False, str(e))
                continue
            check(f"{project}: the release is not empty", len(release_of(doc)) > 0)
            check_json(project, doc, schema)
            rc, md, err = migraph("review", "--format", "markdown", *args)
            check(f"{project}: review --format markdown exits 0", rc == 0, err[:300])
            check_document(f"{project} markdown", md.decode("utf-8", "replace"), doc, True)
            rc, txt, err = migraph("review", "--format", "text", "--color", "never", *args)
            check(f"{project}: review --format text exits 0", rc == 0, err[:300])
            check_document(f"{project} text", txt.decode("utf-8", "replace"), doc, False)
            check_diagram(project, project, tmp)
    return suite.finish()


if __name__ == "__main__":
    sys.exit(main())
