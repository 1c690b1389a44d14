#!/usr/bin/python3
"""Compatibility findings without a baseline (issue 10, item 3), on dhis2.

dhis2 starts from a Java baseline populator: migraph never sees the CREATE of
its hot tables, so their names are uncertain.  A RENAME or DROP COLUMN on
such a table still proves that the table (and, for a rename, the column)
exists before the migration, so the application version still running uses
it: each rename and drop of a hot table below must have its compat finding,
under the believable profile of tests/real/dhis2-profile.yaml (rolling deploy).

Without ../shared the test skips, except with CI=true, where that fails.
"""
import collections
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIGRAPH = os.environ.get("MIGRAPH", os.path.join(ROOT, "build", "migraph"))
PROFILE = os.path.join(ROOT, "tests", "real", "dhis2-profile.yaml")

sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from corpus_check import dhis2_report  # noqa: E402
from suite import Suite  # noqa: E402

# (migration, line, rule, the object the finding names): renames and drops of
# the hot tables of the profile, read in the corpus by hand.  The column
# renames of 2.41 (event, enrollment, trackedentity) run inside DO blocks
# guarded by information_schema: migraph cannot see into them, so they are
# not compat findings here.
EXPECTED = [
    ("V2_41_20__ProgramStageInstanceToEvent.sql", 2, "compat-rename-table",
     "public.programstageinstance"),
    ("V2_41_23__ProgramInstanceToEnrollment.sql", 2, "compat-rename-table",
     "public.programinstance"),
    ("V2_41_24__TrackedEntityInstanceToTrackedEntity.sql", 2, "compat-rename-table",
     "public.trackedentityinstance"),
    ("V2_44_10__rename_teav_storedby_to_updatedby.sql", 1, "compat-rename-column",
     "public.trackedentityattributevalue.storedby"),
    # replaced by geometry, backfilled from both just before the drops
    ("V2_31_1__Migrations_for_release_v31.sql", 53, "compat-drop-after-add",
     "public.programinstance.latitude"),
    ("V2_31_1__Migrations_for_release_v31.sql", 54, "compat-drop-after-add",
     "public.programinstance.longitude"),
    ("V2_32_11__Remove_TEI_representative.sql", 2, "compat-drop-column",
     "public.trackedentityinstance.representativeid"),
    # lastupdatedby, added in the same migration, does not replace it
    ("V2_38_34__Migrate_users_to_userinfo.sql", 40, "compat-drop-column",
     "public.userinfo.restorecode"),
    ("V2_40_7__Drop_column_twoFA_userinfo.sql", 3, "compat-drop-column",
     "public.userinfo.twofa"),
    ("V2_44_8__drop_stored_by_from_tracked_entities_enrollments_and_events_by.sql", 1,
     "compat-drop-column", "public.trackedentity.storedby"),
    ("V2_44_8__drop_stored_by_from_tracked_entities_enrollments_and_events_by.sql", 2,
     "compat-drop-column", "public.enrollment.storedby"),
]

# Every finding of these rules on dhis2, read by hand: the hot-table sites
# above and the renames and drops of its other tables (before the
# inference from the statement itself: 1, 1 and 4).  compat-drop-after-add
# pairs a drop only with a replacement a backfill or the name links to it
# (latitude and longitude -> geometry, value -> jbvalue, ...).
COUNTS = {"compat-rename-column": 2, "compat-rename-table": 8, "compat-drop-column": 68,
          "compat-drop-after-add": 11}


def main():
    suite = Suite(quiet=True)
    check = suite.check
    doc = dhis2_report(ROOT, MIGRAPH, PROFILE, suite)
    if not doc:
        return suite.finish()
    found = {(os.path.basename(f["file"] or ""), f["line"], f["rule"]): f for f in doc["findings"]}
    for script, line, rule, obj in EXPECTED:
        f = found.get((script, line, rule))
        check(f"{script}:{line} has {rule}", f is not None)
        if f:
            check(f"{script}:{line} {rule} names {obj}", obj in f["message"].lower(),
                  f["message"][:160])
            check(f"{script}:{line} {rule} has a safe alternative",
                  bool((f.get("safe_alternative") or "").strip()))
    counts = collections.Counter(f["rule"] for f in doc["findings"] if f["rule"] in COUNTS)
    for rule, want in COUNTS.items():
        check(f"dhis2 has {want} {rule} findings", counts[rule] == want, f"now {counts[rule]}")
    return suite.finish()


if __name__ == "__main__":
    sys.exit(main())
