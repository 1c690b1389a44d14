"""What a Python test suite needs to report to tests/run.sh.

Suite counts checks and prints the summary line tests/run.sh reads
("N passed, N failed[, N skipped]"); shared_corpora() applies the rule for
../shared/corpora: a suite that needs it skips when it is absent, except with
CI=true, where that is a failure.
"""
import os


class Suite:
    def __init__(self, quiet=False):
        self.passed = self.failed = self.skipped = 0
        self.quiet = quiet  # print only failures

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            if not self.quiet:
                print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}" + (f": {detail}" if detail else ""))
        return ok

    def finish(self):
        """Prints the summary line; returns the exit code."""
        line = f"{self.passed} passed, {self.failed} failed"
        if self.skipped:
            line += f", {self.skipped} skipped"
        print(line)
        return 1 if self.failed else 0


def shared_corpora(root, suite):
    """The corpora folder of ../shared, or None when the suite must stop
    (absent: one skip, or one failure with CI=true)."""
    shared = os.environ.get("MIGRAPH_SHARED", os.path.join(os.path.dirname(root), "shared"))
    corpora = os.path.join(shared, "corpora")
    if os.path.isdir(corpora):
        return corpora
    if os.environ.get("CI") == "true":
        suite.check(f"{corpora} is present (CI=true)", False)
    else:
        print(f"skip: {corpora} is missing")
        suite.skipped += 1
    return None
