#!/usr/bin/python3
"""The README's CI section, tried as a new user would.

The snippets of the README (.migraph.yaml, the GitHub Actions workflow, the
GitLab CI job, the pre-commit configuration) must be the files of
examples/ci/, and the pre-commit hook of .pre-commit-hooks.yaml must run the
command the CI jobs run.  Then, in a fresh git repository holding a Flyway
project, the jobs' shell steps run with the migraph under test on PATH
(the steps that install migraph are the ones skipped): a risky migration
fails both jobs (exit 1); the fixed migration passes; the risky one
suppressed with a reason passes; suppressed without a reason fails.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIGRAPH = os.environ.get("MIGRAPH", os.path.join(ROOT, "build", "migraph"))
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what}")


def readme_snippets():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    ci = text[text.index("\n## CI\n"):]
    ci = ci[:ci.index("\n## ", 5)]
    blocks = re.findall(r"```yaml\n(.*?)```", ci, re.S)
    return {b.splitlines()[0].lstrip("# ").split(":")[0].split()[0]: b for b in blocks}


def example(name):
    return open(os.path.join(ROOT, "examples", "ci", name), encoding="utf-8").read()


def run_steps(commands, cwd, env):
    """Runs shell steps in order as a CI job does; returns the first failing
    step's exit code, or 0."""
    for cmd in commands:
        proc = subprocess.run(["bash", "-eo", "pipefail", "-c", cmd], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=120)
        run_steps.last = proc
        if proc.returncode != 0:
            return proc.returncode
    return 0


def write(repo, rel, text):
    path = os.path.join(repo, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def git(repo, *args):
    subprocess.run(["git", "-c", "user.name=ci", "-c", "user.email=ci@example.org", *args],
                   cwd=repo, check=True, capture_output=True)


def main():
    snippets = readme_snippets()
    names = {".migraph.yaml": "migraph.yaml",
             ".github/workflows/migraph.yml": "github-workflow.yml",
             ".gitlab-ci.yml": "gitlab-ci.yml",
             ".pre-commit-config.yaml": "pre-commit-config.yaml"}
    for title, file in names.items():
        check(snippets.get(title) == example(file),
              f"README's {title} snippet is not examples/ci/{file}")

    gh = yaml.safe_load(example("github-workflow.yml"))
    gl = yaml.safe_load(example("gitlab-ci.yml"))
    hooks = yaml.safe_load(open(os.path.join(ROOT, ".pre-commit-hooks.yaml")))
    gh_steps = [s for s in gh["jobs"]["migrations"]["steps"]
                if "run" in s and s.get("name") != "Install migraph"]
    gl_steps = gl["migraph"]["script"]
    check([s["run"] for s in gh_steps] == ["migraph check"],
          "the GitHub job's review step is not `migraph check`")
    check(hooks[0]["entry"] == gl_steps[-1] == gh_steps[-1]["run"],
          "the pre-commit hook, the GitHub step and the GitLab job run different commands")
    check(gl["migraph"]["artifacts"]["reports"]["codequality"] in gl_steps[0],
          "the GitLab job does not write the report it publishes")

    with tempfile.TemporaryDirectory() as tmp:
        bindir = os.path.join(tmp, "bin")
        os.makedirs(bindir)
        os.symlink(MIGRAPH, os.path.join(bindir, "migraph"))
        repo = os.path.join(tmp, "app")
        os.makedirs(repo)
        git(repo, "init", "-q")
        write(repo, ".migraph.yaml", snippets[".migraph.yaml"])
        write(repo, "db/migration/V1__orders.sql",
              "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "orders")
        base_env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")}
        base_env["PATH"] = bindir + os.pathsep + base_env.get("PATH", "")
        gh_env = dict(base_env, GITHUB_ACTIONS="true", CI="true")
        gl_env = dict(base_env, GITLAB_CI="true", CI="true")

        def jobs(state, want):
            rc = run_steps([s["run"] for s in gh_steps], repo, gh_env)
            out = run_steps.last.stdout
            check(rc == want, f"{state}: GitHub job exit {rc}, expected {want}: {out[-300:]}")
            if want:
                check(out.startswith("::error file=db/migration/V2__index.sql,line="),
                      f"{state}: no GitHub annotation on the migration: {out[:200]}")
            rc = run_steps(gl_steps, repo, gl_env)
            check(rc == want, f"{state}: GitLab job exit {rc}, expected {want}")
            report = os.path.join(repo, "gl-code-quality-report.json")
            issues = json.load(open(report)) if os.path.exists(report) else None
            check(isinstance(issues, list), f"{state}: GitLab report missing")
            live = [i for i in issues or [] if i["severity"] in ("critical", "blocker")]
            check(bool(live) == bool(want), f"{state}: GitLab report has {len(live)} failing issues")
            rc = run_steps([hooks[0]["entry"]], repo, base_env)
            check(rc == want, f"{state}: pre-commit hook exit {rc}, expected {want}")

        risky = "CREATE INDEX orders_customer_idx ON orders (customer_id);\n"
        write(repo, "db/migration/V2__index.sql", risky)
        jobs("risky migration", 1)

        write(repo, "db/migration/V2__index.sql",
              "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\n")
        jobs("fixed migration", 0)

        write(repo, "db/migration/V2__index.sql",
              "-- migraph:ignore lock-index-not-concurrent orders is empty until launch\n" + risky)
        jobs("suppressed with a reason", 0)

        write(repo, "db/migration/V2__index.sql",
              "-- migraph:ignore lock-index-not-concurrent\n" + risky)
        rc = run_steps([s["run"] for s in gh_steps], repo, gh_env)
        check(rc == 1, f"suppressed without a reason: GitHub job exit {rc}, expected 1")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
