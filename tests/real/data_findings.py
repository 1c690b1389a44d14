#!/usr/bin/python3
"""The unbatched backfills of the real corpora have a data finding.

Under a believable production profile (tests/real/dhis2-profile.yaml for
dhis2, tests/real/data-<corpus>-profile.yaml for the others), each backfill
below, read by hand, is one UPDATE over a large live table inside a
migration: it must carry a finding of the data family at the severity the
figures give (critical where writers of a hot table wait more than ten
times the SLO).  The near misses (one row by its key, a small table) are
rule cases: tests/rules/cases/data-unbatched-backfill/.

Without ../shared the test skips, except with CI=true, where that fails.
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIGRAPH = os.environ.get("MIGRAPH", os.path.join(ROOT, "build", "migraph"))
HERE = os.path.dirname(os.path.abspath(__file__))

sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from corpus_check import check_json  # noqa: E402
from flyway_corpora import CORPUS_LOCATIONS  # noqa: E402
from suite import Suite, shared_corpora  # noqa: E402

# The rules that report a backfill: one finding per statement, the most
# specific (a backfill next to DDL on its table, or an ADD COLUMN's constant).
BACKFILL_RULES = ("data-unbatched-backfill", "data-dml-with-ddl", "data-add-column-then-update")

PROFILES = {
    "conductor": "data-conductor-profile.yaml",
    "dhis2": "dhis2-profile.yaml",
    "marquez": "data-marquez-profile.yaml",
}

# (corpus, script, line, table, severity): the backfills the rule must report.
EXPECTED = [
    ("conductor", "V13.2__workflow_index_backfill_update_time.sql", 2, "workflow_index", "critical"),
    ("conductor", "V18.1__index_backfill_end_time.sql", 20, "workflow_index", "critical"),
    ("conductor", "V18.1__index_backfill_end_time.sql", 24, "task_index", "critical"),
    ("dhis2", "V2_41_33__Update_event_status_visited_to_active.sql", 1, "event", "critical"),
    ("dhis2", "V2_32_7__Introduce_jsonb_eventdatavalues_column.sql", None, "programstageinstance",
     "critical"),
    ("marquez", "V27__alter_runs_add_context.sql", 5, "runs", "critical"),
    ("marquez", "V74__alter_jobs_to_add_current_run_uuid.sql", 5, "jobs", "high"),
]

def findings(corpora, corpus, suite):
    doc = check_json(MIGRAPH, [os.path.join(corpora, l) for l in CORPUS_LOCATIONS[corpus]],
                     os.path.join(HERE, PROFILES[corpus]), suite, corpus)
    return doc["findings"] if doc else None


def main():
    suite = Suite(quiet=True)
    check = suite.check
    corpora = shared_corpora(ROOT, suite)
    if not corpora:
        return suite.finish()
    by_corpus = {c: findings(corpora, c, suite) for c in PROFILES}
    for corpus, script, line, table, sev in EXPECTED:
        found = by_corpus[corpus]
        if found is None:
            continue
        hits = [f for f in found if f["rule"] in BACKFILL_RULES
                and os.path.basename(f["file"]) == script
                and (line is None or f["line"] == line)
                and (f.get("object") or {}).get("name") == table]
        where = f"{corpus} {script}" + (f":{line}" if line else "")
        if check(f"{where}: a data finding on {table}", bool(hits)):
            check(f"{where}: severity {sev}", any(f["severity"] == sev for f in hits),
                  str([f["severity"] for f in hits]))
            check(f"{where}: the message gives runtime, WAL and replica lag",
                  all("est. " in f["message"] and "WAL ~" in f["message"]
                      and "replica lag ~" in f["message"] for f in hits),
                  hits[0]["message"][:300])
    return suite.finish()


if __name__ == "__main__":
    sys.exit(main())
