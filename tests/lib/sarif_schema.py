"""The official SARIF 2.1.0 JSON schema, for validating migraph's SARIF.

The schema is third-party: it is not committed.  It comes from the npm
package @microsoft/jest-sarif, which ships OASIS's sarif-2.1.0-rtm.5 schema
(the final 2.1.0 text), fetched with `npm pack` at test time and cached
outside the repository ($XDG_CACHE_HOME/migraph, else ~/.cache/migraph).
The file's SHA-256 is pinned, so a changed package cannot change the
schema silently.

load() returns (schema, None), or (None, reason) when npm is unreachable:
callers skip then, except with CI=true, where a missing schema fails.
"""
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile

PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"
SHA256 = "2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8"


def cache_path():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "migraph", "sarif-schema-2.1.0.json")


def _digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _fetch(dest):
    if not shutil.which("npm"):
        return "npm is not installed"
    with tempfile.TemporaryDirectory() as tmp:
        try:
            proc = subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp,
                                  capture_output=True, timeout=120)
        except subprocess.TimeoutExpired:
            return "npm pack timed out"
        tgz = [f for f in os.listdir(tmp) if f.endswith(".tgz")]
        if proc.returncode != 0 or not tgz:
            return "npm pack failed: " + proc.stderr.decode(errors="replace").strip()[:200]
        with tarfile.open(os.path.join(tmp, tgz[0])) as tar:
            data = tar.extractfile(MEMBER).read()
        if hashlib.sha256(data).hexdigest() != SHA256:
            return "the schema in %s is not the pinned one" % PACKAGE
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest + ".tmp", "wb") as f:
            f.write(data)
        os.replace(dest + ".tmp", dest)
    return None


def load():
    path = cache_path()
    if not (os.path.exists(path) and _digest(path) == SHA256):
        why = _fetch(path)
        if why:
            return None, why
    with open(path) as f:
        return json.load(f), None


def required():
    """With CI=true a missing schema is a failure, not a skip."""
    return os.environ.get("CI") == "true"


def problems(doc, schema):
    import jsonschema
    validator = jsonschema.Draft4Validator(schema)
    return ["SARIF schema: %s at %s" % (e.message[:200], list(e.absolute_path))
            for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))[:5]]
