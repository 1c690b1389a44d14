#!/usr/bin/python3
"""Golden tests: run migraph on an input, compare with the expected output.

Each case is a folder tests/golden/cases/NAME holding
  args           the command line after `migraph`, one argument per line
                 (paths relative to the repository root, where the test runs)
  expected.json  for JSON output: compared as canonical JSON (keys sorted),
                 and the output is validated against formats/report.schema.json
  expected.txt   for text output: compared exactly (expected.md for Markdown,
                 expected.dot for a diagram: the same, by their names)
  expected.exit  the exit code (default 0)
  env            optional: KEY=VALUE lines added to the environment (GITHUB_ACTIONS
                 is removed from it otherwise, so the output never depends on where
                 the tests run)

Every output is also checked against its format's contract: JSON against
formats/report.schema.json, SARIF against the official SARIF 2.1.0 schema
(tests/lib/sarif_schema.py; skipped when npm is unreachable, except with
CI=true), GitLab code quality against formats/gitlab-codequality.schema.json,
baselines against formats/baseline.schema.json, JUnit for the structure CI
servers read.

UPDATE=1 rewrites the expected files from the current output: review the diff
before committing, the expectation is what a reviewer agreed to. ONLY=PREFIX
limits the run to the cases whose names start with PREFIX.
"""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASES = os.path.join(ROOT, "tests", "golden", "cases")
MIGRAPH = os.environ.get("MIGRAPH", os.path.join(ROOT, "build", "migraph"))
UPDATE = os.environ.get("UPDATE") == "1"
TEXT_NAMES = ("expected.txt", "expected.md", "expected.dot")

try:
    import jsonschema
except ImportError:  # Debian's python3-jsonschema; scripts/deps.sh installs it
    jsonschema = None


sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import sarif_schema  # noqa: E402


def load_schema(name="report.schema.json"):
    with open(os.path.join(ROOT, "formats", name)) as f:
        return json.load(f)


def junit_problems(text):
    """What CI servers read from JUnit XML: testsuites > testsuite > testcase,
    with failure/error children, and counts that agree with them."""
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as e:
        return [f"JUnit is not well-formed XML: {e}"]
    out = []
    if root.tag != "testsuites":
        return ["JUnit root must be <testsuites>"]
    total = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root:
        if suite.tag != "testsuite" or not suite.get("name"):
            out.append(f"unexpected <{suite.tag}> under <testsuites>")
            continue
        cases = suite.findall("testcase")
        counts = {"tests": len(cases),
                  "failures": sum(1 for c in cases if c.find("failure") is not None),
                  "errors": sum(1 for c in cases if c.find("error") is not None)}
        for c in cases:
            if not c.get("name") or not c.get("classname"):
                out.append("testcase without name or classname")
            for bad in c.findall("failure") + c.findall("error"):
                if not bad.get("message"):
                    out.append("failure/error without message")
        for k, v in counts.items():
            if suite.get(k) != str(v):
                out.append(f"testsuite {suite.get('name')}: {k}={suite.get(k)}, counted {v}")
            total[k] += v
    for k, v in total.items():
        if root.get(k) != str(v):
            out.append(f"testsuites: {k}={root.get(k)}, counted {v}")
    return out


def validate(doc, schema):
    if jsonschema is None:
        return ["python3-jsonschema is missing: cannot validate"]
    try:
        jsonschema.validate(doc, schema)
    except jsonschema.ValidationError as e:
        return [f"schema: {e.message} at {list(e.absolute_path)}"]
    return []


def sarif_problems(doc):
    """The parts of SARIF 2.1.0 that code-scanning services read."""
    out = []
    if doc.get("version") != "2.1.0":
        out.append("SARIF version is not 2.1.0")
    runs = doc.get("runs") or []
    if len(runs) != 1:
        return out + ["SARIF must have one run"]
    run = runs[0]
    driver = run.get("tool", {}).get("driver", {})
    rules = {r.get("id") for r in driver.get("rules", [])}
    if driver.get("name") != "migraph" or not rules:
        out.append("SARIF driver or rules missing")
    if run.get("columnKind") != "unicodeCodePoints":
        out.append("SARIF columnKind must be unicodeCodePoints")
    for res in run.get("results", []):
        rid = res.get("ruleId", "")
        if rid not in rules and not rid.startswith("input/"):
            out.append(f"result for unknown rule {rid}")
        if res.get("level") not in ("error", "warning", "note"):
            out.append(f"bad level {res.get('level')}")
        if not res.get("message", {}).get("text"):
            out.append("result without message text")
    return out


def canonical(doc):
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)


def first_difference(a, b):
    al, bl = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(al, bl)):
        if x != y:
            return f"line {i + 1}:\n    expected: {x}\n    actual:   {y}"
    return f"length differs: expected {len(al)} lines, got {len(bl)}"


def run_case(name, schemas, skips):
    case = os.path.join(CASES, name)
    with open(os.path.join(case, "args")) as f:
        args = [line.rstrip("\n") for line in f if line.strip()]
    env = dict(os.environ)
    env.pop("GITHUB_ACTIONS", None)
    env_file = os.path.join(case, "env")
    if os.path.exists(env_file):
        for line in open(env_file):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                env[k] = v
    fmt = args[args.index("--format") + 1] if "--format" in args else None
    if fmt is None and env.get("GITHUB_ACTIONS") == "true" and args[0] == "check":
        fmt = "github"
    if args[0] == "baseline":
        fmt = "baseline"
    proc = subprocess.run([MIGRAPH] + args, cwd=ROOT, capture_output=True, timeout=300,
                          env=env)
    problems = []
    exit_file = os.path.join(case, "expected.exit")
    want_exit = int(open(exit_file).read().strip()) if os.path.exists(exit_file) else 0
    if UPDATE:
        with open(exit_file, "w") as f:
            f.write(f"{proc.returncode}\n")
    elif proc.returncode != want_exit:
        problems.append(f"exit code {proc.returncode}, expected {want_exit}: "
                        + proc.stderr.decode(errors="replace")[:500])
    out = proc.stdout.decode("utf-8", errors="replace")
    json_file = os.path.join(case, "expected.json")
    txt_file = next((os.path.join(case, n) for n in TEXT_NAMES
                     if os.path.exists(os.path.join(case, n))),
                    os.path.join(case, "expected.txt"))
    is_json = fmt in ("json", "sarif", "gitlab", "baseline")
    if os.path.exists(json_file) or (is_json and not os.path.exists(txt_file)):
        try:
            doc = json.loads(out)
        except ValueError as e:
            return [f"output is not JSON: {e}"]
        if fmt == "sarif":
            problems += sarif_problems(doc)
            if schemas["sarif"] is not None:
                problems += sarif_schema.problems(doc, schemas["sarif"])
            else:
                skips.append(name)
        elif fmt == "gitlab":
            problems += validate(doc, schemas["gitlab"])
        elif fmt == "baseline":
            problems += validate(doc, schemas["baseline"])
        else:
            problems += validate(doc, schemas["report"])
        got = canonical(doc)
        if UPDATE:
            with open(json_file, "w") as f:
                f.write(got + "\n")
        else:
            want = canonical(json.load(open(json_file)))
            if got != want:
                problems.append("JSON differs: " + first_difference(want, got))
    else:
        if fmt == "junit":
            problems += junit_problems(out)
        if UPDATE:
            with open(txt_file, "w") as f:
                f.write(out)
        else:
            want = open(txt_file, encoding="utf-8").read()
            if out != want:
                problems.append("text differs: " + first_difference(want, out))
    return problems


def main():
    schemas = {"report": load_schema(), "gitlab": load_schema("gitlab-codequality.schema.json"),
               "baseline": load_schema("baseline.schema.json")}
    schemas["sarif"], why = sarif_schema.load()
    if why:
        print(f"official SARIF schema unavailable: {why}")
    skips = []
    passed = failed = 0
    for name in sorted(os.listdir(CASES)):
        if not os.path.isdir(os.path.join(CASES, name)):
            continue
        if not name.startswith(os.environ.get("ONLY", "")):
            continue
        try:
            problems = run_case(name, schemas, skips)
        except subprocess.TimeoutExpired:
            problems = ["timed out"]
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for p in problems:
                print("    " + p)
        else:
            passed += 1
            print(f"ok   {name}")
    if skips and sarif_schema.required():
        print(f"FAIL the SARIF schema is required with CI=true ({why})")
        failed += 1
    elif skips:
        print(f"SARIF schema validation skipped for: {', '.join(skips)}")
    print(f"{passed} passed, {failed} failed" + (f", {len(skips)} skipped" if skips else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
