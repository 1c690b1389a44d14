"""What the plan's test suites (tests/backfill, tests/emit) share: counting
checks into one "N passed, N failed[, N skipped]" line, and the plan driver
(tests/emit/driver.c), built on demand against build/."""
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


class Tally:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def ok(self, name, good, detail=""):
        if good:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}\n     {detail}")
        return good

    def skip(self, name, why):
        self.skipped += 1
        print(f"skip {name}: {why}")

    def summary(self):
        """Prints the last line the test runner reads; returns the exit code."""
        line = f"{self.passed} passed, {self.failed} failed"
        if self.skipped:
            line += f", {self.skipped} skipped"
        print(line)
        return 1 if self.failed else 0


def driver():
    """The path of the plan driver, built when missing or older than the library."""
    p = subprocess.run([os.path.join(HERE, "build_driver.sh")], capture_output=True, text=True,
                       cwd=ROOT)
    if p.returncode != 0:
        raise RuntimeError(f"building tests/emit/driver.c: {p.stderr}")
    return os.path.join(ROOT, p.stdout.strip())
