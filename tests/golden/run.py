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

UPDATE=1 rewrites the expected files from the current output: review the diff
before committing, the expectation is what a reviewer agreed to. ONLY=PREFIX
limits the run to the cases whose names start with PREFIX.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASES = os.path.join(ROOT, "tests", "golden", "cases")
MIGRAPH = os.environ.get("MIGRAPH", os.path.join(ROOT, "build", "migraph"))
UPDATE = os.environ.get("UPDATE") == "1"
TEXT_NAMES = ("expected.txt", "expected.md", "expected.dot")

try:
    import jsonschema
except ImportError:  # Debian's python3-jsonschema; scripts/deps.sh installs it
    jsonschema = None


def load_schema():
    with open(os.path.join(ROOT, "formats", "report.schema.json")) as f:
        return json.load(f)


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


def run_case(name, schema):
    case = os.path.join(CASES, name)
    with open(os.path.join(case, "args")) as f:
        args = [line.rstrip("\n") for line in f if line.strip()]
    proc = subprocess.run([MIGRAPH] + args, cwd=ROOT, capture_output=True, timeout=300)
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
    is_json = "json" in args or "sarif" in args
    if os.path.exists(json_file) or (is_json and not os.path.exists(txt_file)):
        try:
            doc = json.loads(out)
        except ValueError as e:
            return [f"output is not JSON: {e}"]
        if "sarif" in args:
            problems += sarif_problems(doc)
        elif jsonschema is None:
            problems.append("python3-jsonschema is missing: cannot validate")
        else:
            try:
                jsonschema.validate(doc, schema)
            except jsonschema.ValidationError as e:
                problems.append(f"schema: {e.message} at {list(e.absolute_path)}")
        got = canonical(doc)
        if UPDATE:
            with open(json_file, "w") as f:
                f.write(got + "\n")
        else:
            want = canonical(json.load(open(json_file)))
            if got != want:
                problems.append("JSON differs: " + first_difference(want, got))
    else:
        if UPDATE:
            with open(txt_file, "w") as f:
                f.write(out)
        else:
            want = open(txt_file, encoding="utf-8").read()
            if out != want:
                problems.append("text differs: " + first_difference(want, out))
    return problems


def main():
    schema = load_schema()
    passed = failed = 0
    for name in sorted(os.listdir(CASES)):
        if not os.path.isdir(os.path.join(CASES, name)):
            continue
        if not name.startswith(os.environ.get("ONLY", "")):
            continue
        try:
            problems = run_case(name, schema)
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
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
