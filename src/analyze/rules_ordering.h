/*
 * rules_ordering.h: the ordering family's registry entries (issue 4).
 *
 * Ordering rules read what the catalog replay and the release selection
 * recorded (src/model/replay.c, src/model/release*.c) and report it.
 */
#ifndef MIGRAPH_ANALYZE_RULES_ORDERING_H
#define MIGRAPH_ANALYZE_RULES_ORDERING_H

#include "migraph/rules.h"

void mg_rule_order_inversion(mg_analysis *a, const mg_rule *rule);
void mg_rule_order_unknown(mg_analysis *a, const mg_rule *rule);
void mg_rule_order_duplicate(mg_analysis *a, const mg_rule *rule);
void mg_rule_order_cycle(mg_analysis *a, const mg_rule *rule);
void mg_rule_order_release(mg_analysis *a, const mg_rule *rule);

#define MG_RULES_ORDERING                                                                        \
	{"order-dependency-inversion", MG_CAT_ORDERING, MG_SEV_HIGH,                                  \
	 "A changeset uses an object that only a later changeset creates",                          \
	 "The statement fails on a fresh database (a new environment, a CI database, a disaster "     \
	 "recovery rebuild), because migrations run in version or changelog order, not in the "     \
	 "order they were written. Typical causes: an out-of-order Flyway version, includeAll's "   \
	 "alphabetical order putting 10_x before 9_y. Safe alternative: renumber or move the "      \
	 "changeset after the one that creates the object.",                                        \
	 mg_rule_order_inversion},                                                                  \
	{"order-unknown-object", MG_CAT_ORDERING, MG_SEV_MEDIUM,                                      \
	 "A changeset uses an object that no changeset creates and no baseline has",                \
	 "Either the object comes from outside the migrations (created by hand, by the "            \
	 "application, by an extension) and a fresh database cannot be built from the "             \
	 "migrations, or the name is wrong. Safe alternative: add the CREATE to the migrations, "   \
	 "or give migraph the production schema with --schema (pg_dump --schema-only).",            \
	 mg_rule_order_unknown},                                                                    \
	{"order-duplicate-object", MG_CAT_ORDERING, MG_SEV_HIGH,                                      \
	 "A changeset creates an object that already exists at that point",                        \
	 "PostgreSQL rejects the CREATE and the migration fails. Safe alternative: remove the "     \
	 "duplicate, or make it idempotent where that is intended (CREATE ... IF NOT EXISTS, "     \
	 "ADD COLUMN IF NOT EXISTS); for an index built CONCURRENTLY, drop an INVALID "           \
	 "leftover first instead: IF NOT EXISTS would keep it.",                                   \
	 mg_rule_order_duplicate},                                                                  \
	{"order-dependency-cycle", MG_CAT_ORDERING, MG_SEV_HIGH,                                      \
	 "Changesets depend on each other in a cycle",                                             \
	 "Each changeset of the cycle needs an object another one creates, so no order runs them " \
	 "all on a fresh database. Safe alternative: split the changesets so that every object is " \
	 "created before its first use.",                                                          \
	 mg_rule_order_cycle},                                                                      \
	{"order-out-of-order-version", MG_CAT_ORDERING, MG_SEV_HIGH,                                  \
	 "A pending Flyway version is lower than the highest applied one",                         \
	 "With outOfOrder=false (the default) Flyway ignores the migration and validate fails "     \
	 "(\"Detected resolved migration not applied to database\"); with outOfOrder=true it runs " \
	 "after newer ones, against a schema its author did not test. Safe alternative: give it a " \
	 "version above the highest applied one.",                                                 \
	 mg_rule_order_release},                                                                    \
	{"order-changed-applied-migration", MG_CAT_ORDERING, MG_SEV_HIGH,                             \
	 "An applied (or already committed) migration was changed",                               \
	 "Databases that applied the old text keep it: environments drift apart, and Flyway's "     \
	 "validate or Liquibase's checksum check stops the next deployment. Safe alternative: "     \
	 "revert the change and put it in a new migration.",                                       \
	 mg_rule_order_release},                                                                    \
	{"order-failed-applied-migration", MG_CAT_ORDERING, MG_SEV_HIGH,                              \
	 "The history table records a failed migration",                                           \
	 "Flyway refuses to migrate until the failed row is repaired, and on databases without "   \
	 "transactional DDL the failed migration may have left part of its changes. Safe "         \
	 "alternative: inspect the schema, then `flyway repair` (or delete the FAILED row) before " \
	 "the release.",                                                                           \
	 mg_rule_order_release},                                                                    \
	{"order-checksum-not-compared", MG_CAT_ORDERING, MG_SEV_INFO,                                 \
	 "An applied changeset's checksum could not be compared",                                  \
	 "migraph computes Flyway checksums and Liquibase checksums of SQL changes exactly; other " \
	 "checksums it cannot reproduce, and it says so instead of assuming they match. Safe "      \
	 "alternative: run `liquibase validate` (or `flyway validate`) against the database.",    \
	 mg_rule_order_release},                                                                    \
	{"order-applied-not-found", MG_CAT_ORDERING, MG_SEV_LOW,                                      \
	 "The history table records a migration that no file provides",                           \
	 "A migration was deleted or renamed after it ran; Flyway's validate reports it as "       \
	 "missing, and a fresh database built from the files differs from this one. Safe "        \
	 "alternative: restore the file, or mark it deleted with `flyway repair`.",               \
	 mg_rule_order_release},

#endif
