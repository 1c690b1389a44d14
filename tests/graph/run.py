#!/usr/bin/python3
"""The rollout diagram, drawn for real: PNG, SVG and PDF from `migraph graph`
and `migraph review --graph`, checked by structure rather than pixels.

  PNG  the signature, the IHDR chunk (width and height), a size bound
  SVG  well-formed XML with one node group per step (or per group of steps,
       counted from the plan in the JSON report), one cluster per release
       and phase
  PDF  the header and the end-of-file marker
  DOT  the same text on every run

A generated release of 300 migrations checks that auto grouping keeps the
picture small enough to read.  The DOT text itself is held by golden tests
(tests/golden/cases/graph-dot-*).
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIGRAPH = os.environ.get("MIGRAPH", os.path.join(ROOT, "build", "migraph"))
SHOP = ["--profile", "corpora/shop-flyway/prod-profile.yaml", "corpora/shop-flyway/flyway.conf"]
LB = ["--since", "v1", "corpora/scenarios-liquibase/expand-contract/changelog.xml"]
SVG_NS = "{http://www.w3.org/2000/svg}"

sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from suite import Suite  # noqa: E402

suite = Suite()
check = suite.check


def migraph(*args, expect=0):
    proc = subprocess.run([MIGRAPH, *args], cwd=ROOT, capture_output=True, timeout=300)
    if proc.returncode != expect:
        raise AssertionError(f"migraph {' '.join(args)}: exit {proc.returncode}, expected "
                             f"{expect}: {proc.stderr.decode(errors='replace')[:300]}")
    return proc


def plan_of(args):
    return json.loads(migraph("review", "--format", "json", *args).stdout)["plan"]


def expected_nodes(plan, group):
    """Nodes the diagram draws: a step each, or one per (release, phase[, file])
    for steps of a changeset; plan-wide steps (the app deploy) stand alone."""
    keys = set()
    alone = 0
    for s in plan["steps"]:
        if s["changeset_index"] is None or group == "none":
            alone += 1
        elif group == "file":
            keys.add((s["release"], s["phase"], s["file"]))
        else:
            keys.add((s["release"], s["phase"]))
    return alone + len(keys)


def expected_clusters(plan):
    phases = {(s["release"], s["phase"]) for s in plan["steps"]}
    return len(phases) + len({r for r, _ in phases})


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def svg_counts(data):
    root = ET.fromstring(data)
    groups = [g.get("class") for g in root.iter(SVG_NS + "g")]
    return groups.count("node"), groups.count("cluster"), groups.count("edge")


def test_png(tmp):
    out = os.path.join(tmp, "shop.png")
    migraph("graph", "-o", out, *SHOP)
    data = open(out, "rb").read()
    size = png_size(data)
    check("png: signature and IHDR", size is not None)
    if size:
        w, h = size
        # 22 steps in one column of boxes: readable, not a poster.
        check("png: dimensions within bounds", 300 <= w <= 3000 and 500 <= h <= 8000, f"{w}x{h}")
    check("png: file size within bounds", 5_000 < len(data) < 2_000_000, f"{len(data)} bytes")


def test_svg(tmp):
    for name, args in (("shop", SHOP), ("liquibase", LB)):
        plan = plan_of(args)
        for group in ("none", "file", "release"):
            out = os.path.join(tmp, f"{name}-{group}.svg")
            migraph("graph", "--group", group, "-o", out, *args)
            try:
                nodes, clusters, edges = svg_counts(open(out, "rb").read())
            except ET.ParseError as e:
                check(f"svg {name} --group {group}: well-formed", False, str(e))
                continue
            want = expected_nodes(plan, group)
            check(f"svg {name} --group {group}: {want} node groups", nodes == want,
                  f"{nodes} nodes")
            check(f"svg {name} --group {group}: clusters per release and phase",
                  clusters == expected_clusters(plan), f"{clusters} clusters")
            # The run order alone links every node to the next one.
            check(f"svg {name} --group {group}: edges link the nodes", edges >= nodes - 1,
                  f"{edges} edges for {nodes} nodes")


def test_pdf(tmp):
    out = os.path.join(tmp, "shop.pdf")
    migraph("graph", "--format", "pdf", "-o", out, *SHOP)
    data = open(out, "rb").read()
    check("pdf: header and end marker", data.startswith(b"%PDF-") and b"%%EOF" in data[-64:])


def test_dot_deterministic():
    a = migraph("graph", *LB).stdout
    b = migraph("graph", *LB).stdout
    check("dot: the same text on every run", a == b and a.startswith(b"digraph rollout {"))


def test_focus():
    plan = plan_of(SHOP)
    proc = migraph("graph", "--format", "svg", "--focus", "public.customers", *SHOP)
    nodes, _, _ = svg_counts(proc.stdout)
    check("focus on a table keeps part of the plan", 0 < nodes < len(plan["steps"]),
          f"{nodes} of {len(plan['steps'])}")
    proc = migraph("graph", "--focus", "no_such_table", *SHOP, expect=2)
    check("focus on nothing: exit 2, says why", b"matches no step" in proc.stderr)


def test_review_links_diagram(tmp):
    os.makedirs(os.path.join(tmp, "out", "img"))
    md = os.path.join(tmp, "out", "review.md")
    png = os.path.join(tmp, "out", "img", "rollout.png")
    migraph("review", "-o", md, "--graph", png, *SHOP)
    text = open(md, encoding="utf-8").read()
    check("review --graph links the diagram beside the document",
          "![rollout diagram](img/rollout.png)" in text)
    check("review --graph writes a PNG", png_size(open(png, "rb").read()) is not None)
    migraph("review", "-o", md, "--graph", os.path.join(tmp, "rollout.bmp"), *SHOP, expect=2)
    check("review --graph with an unknown extension is refused",
          not os.path.exists(os.path.join(tmp, "rollout.bmp")))


def test_hostile(tmp):
    out = os.path.join(tmp, "hostile.svg")
    migraph("graph", "-o", out, "tests/golden/inputs/review-hostile")
    try:
        root = ET.fromstring(open(out, "rb").read())
        texts = " ".join(t.text or "" for t in root.iter(SVG_NS + "text"))
        check("hostile names: the SVG stays well-formed, the names stay text",
              "x|y<b>*_`z`" in texts and "\x1b" not in texts)
    except ET.ParseError as e:
        check("hostile names: the SVG stays well-formed", False, str(e))


def test_large_release(tmp):
    proj = os.path.join(tmp, "big")
    os.makedirs(proj)
    for i in range(1, 301):
        t = (i + 9) // 10
        if i % 10 == 1:
            sql = f"CREATE TABLE t{t} (id bigint PRIMARY KEY, name text);\n"
        elif i % 10 == 5:
            sql = f"CREATE INDEX t{t}_name_{i} ON t{t} (name);\n"
        elif i % 10 == 9:
            sql = f"UPDATE t{t} SET name = lower(name);\n"
        else:
            sql = f"ALTER TABLE t{t} ADD COLUMN c{i} int;\n"
        with open(os.path.join(proj, f"V{i}__step_{i}.sql"), "w") as f:
            f.write(sql)
    out = os.path.join(tmp, "big.svg")
    migraph("graph", "-o", out, proj)
    nodes, _, _ = svg_counts(open(out, "rb").read())
    check("300 migrations: auto grouping keeps the diagram small", 0 < nodes <= 60,
          f"{nodes} nodes")
    out = os.path.join(tmp, "big.png")
    migraph("graph", "-o", out, proj)
    size = png_size(open(out, "rb").read())
    check("300 migrations: the PNG stays readable in size",
          size is not None and size[0] <= 3000 and size[1] <= 6000, str(size))
    out = os.path.join(tmp, "big-focus.svg")
    migraph("graph", "--focus", "public.t7", "-o", out, proj)
    nodes, _, _ = svg_counts(open(out, "rb").read())
    check("300 migrations: --focus on one table draws its steps", 0 < nodes <= 20,
          f"{nodes} nodes")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for test in (test_png, test_svg, test_pdf, test_review_links_diagram, test_hostile,
                     test_large_release):
            try:
                test(tmp)
            except (AssertionError, OSError, subprocess.TimeoutExpired) as e:
                check(test.__name__, False, str(e))
        for test in (test_dot_deterministic, test_focus):
            try:
                test()
            except (AssertionError, OSError, subprocess.TimeoutExpired) as e:
                check(test.__name__, False, str(e))
    return suite.finish()


if __name__ == "__main__":
    sys.exit(main())
