"""The SQL Liquibase itself generates for a changelog (offline update-sql
against PostgreSQL 15), so that tests run what Liquibase would run.

Liquibase comes from npm (`liquibase`, the version pinned in
bench/package.json, installed under bench/node_modules as make bench does)
and needs a JVM.  When either is missing and cannot be installed (no
registry, no java), `available` is False and `why` says so; the caller
decides whether that is a skip or (CI=true) a failure.
"""
import json
import os
import shutil
import subprocess
import tempfile


def for_psql(sql):
    """update-sql ends each statement with its changeset's endDelimiter
    ("/" for a function body); psql needs ";".  A statement ends where the
    delimiter closes a line before a blank line."""
    out = []
    lines = sql.split("\n")
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if line.endswith("/") and not line.endswith("*/") and following.strip() == "":
            line = line[:-1] + ";"
        out.append(line)
    return "\n".join(out)


class Liquibase:
    def __init__(self, root):
        self.root = root
        bench = os.path.join(root, "bench")
        self.exe = os.path.join(bench, "node_modules", "liquibase", "dist", "liquibase", "liquibase")
        self.available, self.why = self._ensure(bench)

    def _ensure(self, bench):
        if not shutil.which("java"):
            return False, "no java (apt-get install default-jre-headless)"
        if os.access(self.exe, os.X_OK):
            return True, None
        if not shutil.which("npm"):
            return False, "no npm to install liquibase"
        with open(os.path.join(bench, "package.json")) as f:
            version = json.load(f)["dependencies"]["liquibase"]
        p = subprocess.run(["npm", "install", "--prefix", bench, "--no-audit", "--no-fund",
                            "--no-save", f"liquibase@{version}"],
                           capture_output=True, text=True, timeout=600)
        if p.returncode != 0 or not os.access(self.exe, os.X_OK):
            return False, f"npm could not install liquibase@{version}: {p.stderr.strip()[-300:]}"
        return True, None

    def update_sql(self, search_path, changelog):
        """The SQL of `liquibase update-sql` for changelog (relative to
        search_path), from an empty offline database."""
        tmp = tempfile.mkdtemp(prefix="migraph-lb-")
        try:
            url = f"offline:postgresql?version=15&changeLogFile={os.path.join(tmp, 'log.csv')}"
            # The scenario changelogs carry no xsi:schemaLocation, without which
            # Liquibase 4.28 cannot find the XSD and refuses the file; what
            # the tests need is its SQL, not its schema validation.
            p = subprocess.run([self.exe, "--validate-xml-changelog-files=false",
                                f"--search-path={search_path}",
                                f"--changelog-file={changelog}", f"--url={url}",
                                "--log-level=severe", "update-sql"],
                               capture_output=True, text=True, cwd=tmp, timeout=600)
            if p.returncode != 0:
                raise RuntimeError(f"liquibase update-sql {changelog}: {p.stderr.strip()[-2000:]}")
            return for_psql(p.stdout)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
