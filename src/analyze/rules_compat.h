/*
 * rules_compat.h: the compatibility (expand/contract) family and the data
 * rules that come from the catalog replay (issue 4).
 */
#ifndef MIGRAPH_ANALYZE_RULES_COMPAT_H
#define MIGRAPH_ANALYZE_RULES_COMPAT_H

#include "migraph/rules.h"

void mg_rule_compat_drop_after_add(mg_analysis *a, const mg_rule *rule);
void mg_rule_compat_breaking(mg_analysis *a, const mg_rule *rule);
void mg_rule_compat_type_under_view(mg_analysis *a, const mg_rule *rule);
void mg_rule_compat_drop_still_used(mg_analysis *a, const mg_rule *rule);
void mg_rule_data_not_null_on_rows(mg_analysis *a, const mg_rule *rule);
void mg_rule_data_before_backfill(mg_analysis *a, const mg_rule *rule);
/* Whether ALTER COLUMN TYPE from -> to can reject or lose values the old
 * type allowed; *why says how.  False when either type is unknown. */
bool mg_type_narrows(const char *from, const char *to, const char **why);

#define MG_RULES_COMPAT                                                                          \
	{"compat-drop-after-add", MG_CAT_COMPATIBILITY, MG_SEV_HIGH,                                  \
	 "One release adds an object and drops the one it replaces",                               \
	 "Expand and contract squeezed into one release: the application version still running "   \
	 "reads the old column or table, which is gone before the new version is live, and there " \
	 "is no way back without data loss. Safe alternative: ship the addition (and a backfill) " \
	 "now, move the application to it, and drop the old object in a later release.",          \
	 mg_rule_compat_drop_after_add},                                                            \
	{"compat-drop-column", MG_CAT_COMPATIBILITY, MG_SEV_HIGH,                                     \
	 "Drops a column the running application version may still use",                          \
	 "During a rolling, blue-green or canary deploy the previous version keeps running "        \
	 "against the new schema; its queries naming the column fail. Safe alternative: stop "      \
	 "using the column in one release, drop it in the next.",                                  \
	 mg_rule_compat_breaking},                                                                  \
	{"compat-drop-table", MG_CAT_COMPATIBILITY, MG_SEV_HIGH,                                      \
	 "Drops a table or view the running application version may still use",                   \
	 "The previous application version, still serving traffic during the deploy, fails on "    \
	 "every query of it. Safe alternative: stop using it first, drop it in a later release "   \
	 "(or rename it to a *_deprecated name and drop that later).",                             \
	 mg_rule_compat_breaking},                                                                  \
	{"compat-rename-column", MG_CAT_COMPATIBILITY, MG_SEV_HIGH,                                   \
	 "Renames a column the running application version uses",                                 \
	 "A rename is an add and a drop in one statement: the previous version's queries with the " \
	 "old name fail at once. Safe alternative: add the new column, write both, backfill, "      \
	 "switch reads, drop the old column in a later release.",                                  \
	 mg_rule_compat_breaking},                                                                  \
	{"compat-rename-table", MG_CAT_COMPATIBILITY, MG_SEV_HIGH,                                    \
	 "Renames a table the running application version uses",                                  \
	 "The previous version's queries with the old name fail at once. Safe alternative: "      \
	 "rename, then CREATE VIEW old_name AS SELECT * FROM new_name for the transition, drop "    \
	 "the view in a later release.",                                                           \
	 mg_rule_compat_breaking},                                                                  \
	{"compat-narrowing-type", MG_CAT_COMPATIBILITY, MG_SEV_HIGH,                                  \
	 "Narrows a column's type",                                                                \
	 "Values the previous application version still writes (longer strings, bigger numbers) " \
	 "are rejected, and existing rows that do not fit make the ALTER fail. Safe alternative: "  \
	 "add a CHECK (...) NOT VALID for the new limit, VALIDATE it, and narrow the type only "   \
	 "once no writer exceeds it.",                                                             \
	 mg_rule_compat_breaking},                                                                  \
	{"compat-not-null-without-default", MG_CAT_COMPATIBILITY, MG_SEV_HIGH,                        \
	 "Makes a column NOT NULL without a default while the old version may not write it",      \
	 "The previous application version does not know the column: its INSERTs leave it NULL "  \
	 "and fail. Safe alternative: add the column with a DEFAULT (or nullable), deploy the "     \
	 "version that writes it, backfill, then add the NOT NULL.",                               \
	 mg_rule_compat_breaking},                                                                  \
	{"compat-alter-type-under-view", MG_CAT_COMPATIBILITY, MG_SEV_HIGH,                           \
	 "Changes the type of a column a view reads",                                              \
	 "PostgreSQL refuses (\"cannot alter type of a column used by a view or rule\") and the "  \
	 "migration fails. Safe alternative: DROP VIEW, ALTER COLUMN TYPE, CREATE VIEW again, in " \
	 "one transaction.",                                                                       \
	 mg_rule_compat_type_under_view},                                                           \
	{"compat-drop-still-used", MG_CAT_COMPATIBILITY, MG_SEV_HIGH,                                 \
	 "Drops an object that views, foreign keys or later changesets still use",                \
	 "Without CASCADE PostgreSQL refuses the drop; with CASCADE it silently drops the views "   \
	 "and foreign keys too; a later changeset that still uses the object fails. Safe "         \
	 "alternative: drop or change the dependants first, explicitly.",                          \
	 mg_rule_compat_drop_still_used},                                                           \
	{"data-not-null-without-default", MG_CAT_DATA, MG_SEV_HIGH,                                   \
	 "Adds a NOT NULL column without a default to a table that has rows",                     \
	 "PostgreSQL rejects it (\"column contains null values\") as soon as the table has a row: " \
	 "fine on an empty CI database, a failed deployment in production. Safe alternative: add " \
	 "it with a DEFAULT, or nullable then backfill then SET NOT NULL.",                        \
	 mg_rule_data_not_null_on_rows},                                                            \
	{"data-constraint-before-backfill", MG_CAT_DATA, MG_SEV_HIGH,                                 \
	 "A NOT NULL or constraint comes before the backfill that makes it true",                  \
	 "The constraint is checked against rows the backfill has not fixed yet, so the "           \
	 "migration fails in production (where such rows exist) and passes on test data. Safe "     \
	 "alternative: backfill first, then add the constraint (NOT VALID, then VALIDATE).",       \
	 mg_rule_data_before_backfill},

#endif
