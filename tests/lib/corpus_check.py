"""`migraph check --format json` over a real corpus of ../shared, under a
traffic profile, for the suites of tests/real.

check_json runs it and counts the run as one check of the suite (a crash or
an exit code other than 0 or 1 is a failure, with the start of stderr);
dhis2_paths names the two Flyway locations of dhis2, and dhis2_report
checks them (or skips when ../shared is absent, as shared_corpora says).
"""
import json
import os
import subprocess

from suite import shared_corpora


def dhis2_paths(corpora):
    main = os.path.join(corpora, "dhis2", "dhis-2", "dhis-support", "dhis-support-db-migration",
                        "src", "main")
    return [os.path.join(main, "resources/org/hisp/dhis/db/migration"),
            os.path.join(main, "java/org/hisp/dhis/db/migration")]


def check_json(migraph, paths, profile, suite, label, engine="postgresql:15"):
    """The report, or None when the run failed (already counted)."""
    p = subprocess.run([migraph, "check", "--format", "json", "--engine", engine,
                        "--profile", profile] + paths, capture_output=True, timeout=300)
    if not suite.check(f"{label}: check runs", p.returncode in (0, 1),
                       p.stderr.decode(errors="replace")[:300]):
        return None
    return json.loads(p.stdout)


def dhis2_report(root, migraph, profile, suite):
    """dhis2's report under profile, or None when the suite stops here."""
    corpora = shared_corpora(root, suite)
    return corpora and check_json(migraph, dhis2_paths(corpora), profile, suite, "dhis2")
