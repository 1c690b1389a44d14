/*
 * rules_locking.h: the locking family's registry entries (rules in
 * locking.c).  Severity defaults apply when no traffic profile gives the
 * table's size and traffic; with one, severity follows the risk figures.
 */
#ifndef MIGRAPH_ANALYZE_RULES_LOCKING_H
#define MIGRAPH_ANALYZE_RULES_LOCKING_H

#include "migraph/rules.h"

void mg_rule_run_index_not_concurrent(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_drop_index_not_concurrent(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_reindex_not_concurrent(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_constraint_validates(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_set_not_null_scan(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_add_column_rewrite(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_type_change_rewrite(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_unique_without_index(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_concurrently_in_transaction(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_held_across_statements(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_no_lock_timeout(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_vacuum_full(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_cluster(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_truncate(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_table_rewrite(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_attach_partition(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_detach_partition(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_enum_value_in_transaction(mg_analysis *a, const mg_rule *rule);
void mg_rule_run_fk_without_index(mg_analysis *a, const mg_rule *rule);

#define MG_RULES_LOCKING                                                                     \
	{"lock-index-not-concurrent", MG_CAT_LOCKING, MG_SEV_HIGH,                            \
	 "CREATE INDEX without CONCURRENTLY on a live table",                                 \
	 "A plain CREATE INDEX holds SHARE on the table for the whole build: every INSERT, "  \
	 "UPDATE and DELETE waits. Build it with CREATE INDEX CONCURRENTLY in a migration "   \
	 "that runs outside a transaction (Flyway does so by itself for a script of "         \
	 "non-transactional statements; Liquibase needs runInTransaction=\"false\"). A "     \
	 "build that fails (lock_timeout, cancel) leaves an INVALID index: the script drops " \
	 "it first (DROP INDEX CONCURRENTLY IF EXISTS), never CREATE ... IF NOT EXISTS, "     \
	 "which would keep it, and RESETs its lock_timeout.",                                 \
	 mg_rule_run_index_not_concurrent},                                                   \
	{"lock-drop-index-not-concurrent", MG_CAT_LOCKING, MG_SEV_MEDIUM,                     \
	 "DROP INDEX without CONCURRENTLY on a live table",                                   \
	 "DROP INDEX takes ACCESS EXCLUSIVE on the table; behind a long transaction the "     \
	 "waiting DROP stalls every query. DROP INDEX CONCURRENTLY waits without blocking.",  \
	 mg_rule_run_drop_index_not_concurrent},                                              \
	{"lock-reindex-not-concurrent", MG_CAT_LOCKING, MG_SEV_MEDIUM,                        \
	 "REINDEX without CONCURRENTLY",                                                      \
	 "REINDEX blocks writes and every query that would use the index while it rebuilds. " \
	 "PostgreSQL 12+ has REINDEX ... CONCURRENTLY; before 12, build a replacement index "  \
	 "concurrently and swap.",                                                            \
	 mg_rule_run_reindex_not_concurrent},                                                 \
	{"lock-constraint-validates", MG_CAT_LOCKING, MG_SEV_HIGH,                            \
	 "CHECK or FOREIGN KEY added without NOT VALID on a live table",                      \
	 "Adding the constraint checks every existing row while holding ACCESS EXCLUSIVE "    \
	 "(CHECK) or SHARE ROW EXCLUSIVE on both tables (FOREIGN KEY). Add it NOT VALID, "    \
	 "then VALIDATE CONSTRAINT in a later migration: validation takes SHARE UPDATE "      \
	 "EXCLUSIVE and traffic continues. A constraint that replaces one of the same name "  \
	 "is added under a temporary name, validated, then the old one is dropped and the "   \
	 "new one renamed.",                                                                  \
	 mg_rule_run_constraint_validates},                                                   \
	{"lock-set-not-null-scan", MG_CAT_LOCKING, MG_SEV_HIGH,                               \
	 "SET NOT NULL scans the table under ACCESS EXCLUSIVE",                               \
	 "SET NOT NULL reads every row with reads and writes blocked. Add CHECK (col IS NOT " \
	 "NULL) NOT VALID, validate it, then SET NOT NULL: PostgreSQL 12+ skips the scan "    \
	 "when a valid CHECK proves the column.",                                             \
	 mg_rule_run_set_not_null_scan},                                                      \
	{"lock-add-column-rewrite", MG_CAT_LOCKING, MG_SEV_HIGH,                              \
	 "ADD COLUMN that rewrites the table",                                                \
	 "A volatile default (random(), clock_timestamp(), gen_random_uuid(), serial), an "  \
	 "identity or stored generated column, or any default before PostgreSQL 11 rewrites " \
	 "the table under ACCESS EXCLUSIVE. Add the column without the default, set the "     \
	 "default, and backfill in batches; for a stored generated column, a plain column "   \
	 "that a trigger computes from the same expression.",                                 \
	 mg_rule_run_add_column_rewrite},                                                     \
	{"lock-type-change-rewrite", MG_CAT_LOCKING, MG_SEV_HIGH,                             \
	 "ALTER COLUMN TYPE that rewrites the table",                                         \
	 "A type change that is not binary-coercible (int to bigint, a shorter varchar, a "   \
	 "USING clause) rewrites the table and its indexes under ACCESS EXCLUSIVE. Add a new " \
	 "column, backfill it, and switch readers over in expand/contract steps. timestamp "  \
	 "to timestamptz USING col AT TIME ZONE 'UTC' needs none of it on PostgreSQL 12+: "   \
	 "drop the USING and SET LOCAL TimeZone = 'UTC' (no rewrite).",                       \
	 mg_rule_run_type_change_rewrite},                                                    \
	{"lock-unique-without-index", MG_CAT_LOCKING, MG_SEV_HIGH,                            \
	 "UNIQUE or PRIMARY KEY added without USING INDEX",                                   \
	 "The constraint builds its index under ACCESS EXCLUSIVE, stronger than CREATE "      \
	 "INDEX: reads wait too. Build the unique index CONCURRENTLY, then ADD CONSTRAINT ... " \
	 "USING INDEX.",                                                                      \
	 mg_rule_run_unique_without_index},                                                   \
	{"lock-concurrently-in-transaction", MG_CAT_LOCKING, MG_SEV_HIGH,                     \
	 "a statement that cannot run in a transaction block runs in one",                    \
	 "CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, DETACH PARTITION "            \
	 "CONCURRENTLY and VACUUM fail inside BEGIN ... COMMIT. The deploy stops there. Run "  \
	 "them in a migration with executeInTransaction=false (Flyway) or a changeset with "  \
	 "runInTransaction=\"false\" (Liquibase).",                                          \
	 mg_rule_run_concurrently_in_transaction},                                            \
	{"lock-held-across-statements", MG_CAT_LOCKING, MG_SEV_MEDIUM,                        \
	 "ACCESS EXCLUSIVE held while further statements run",                                \
	 "Locks are held until the transaction commits. An ACCESS EXCLUSIVE taken early in a " \
	 "migration keeps the table blocked while every later statement runs. Put the work "  \
	 "after it in a migration of its own.",                                               \
	 mg_rule_run_held_across_statements},                                                 \
	{"lock-no-lock-timeout", MG_CAT_LOCKING, MG_SEV_LOW,                                  \
	 "ACCESS EXCLUSIVE requested without lock_timeout",                                   \
	 "A DDL statement waiting for ACCESS EXCLUSIVE behind a long transaction makes every " \
	 "later query on the table queue behind it: a metadata-only change becomes an "      \
	 "outage. SET lock_timeout first, and retry on timeout: SET LOCAL in a migration "    \
	 "that runs in a transaction, SET ... RESET outside one, so that it does not leak "    \
	 "into later migrations on the same connection.",                                     \
	 mg_rule_run_no_lock_timeout},                                                        \
	{"lock-vacuum-full", MG_CAT_LOCKING, MG_SEV_HIGH, "VACUUM FULL in a migration",       \
	 "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE. Use pg_repack online, or "   \
	 "plain VACUUM.",                                                                     \
	 mg_rule_run_vacuum_full},                                                            \
	{"lock-cluster", MG_CAT_LOCKING, MG_SEV_HIGH, "CLUSTER in a migration",               \
	 "CLUSTER rewrites the table in index order under ACCESS EXCLUSIVE. Use pg_repack "   \
	 "--order-by online.",                                                                \
	 mg_rule_run_cluster},                                                                \
	{"lock-truncate", MG_CAT_LOCKING, MG_SEV_MEDIUM, "TRUNCATE of a live table",          \
	 "TRUNCATE takes ACCESS EXCLUSIVE and is not MVCC-safe. Delete in batches instead.",  \
	 mg_rule_run_truncate},                                                               \
	{"lock-table-rewrite", MG_CAT_LOCKING, MG_SEV_HIGH,                                   \
	 "SET TABLESPACE / SET LOGGED / SET UNLOGGED / SET ACCESS METHOD rewrites the table", \
	 "These rewrite or copy the whole table under ACCESS EXCLUSIVE. Copy online "         \
	 "(pg_repack, logical replication) and switch.",                                      \
	 mg_rule_run_table_rewrite},                                                          \
	{"lock-attach-partition-scan", MG_CAT_LOCKING, MG_SEV_MEDIUM,                         \
	 "ATTACH PARTITION without a CHECK proving the bound",                                \
	 "ATTACH PARTITION scans the new partition under ACCESS EXCLUSIVE unless a valid "    \
	 "CHECK implies its bound, and before PostgreSQL 12 it locks the parent ACCESS "      \
	 "EXCLUSIVE. Add the CHECK NOT VALID, validate it, attach, then drop it.",            \
	 mg_rule_run_attach_partition},                                                       \
	{"lock-detach-partition-blocking", MG_CAT_LOCKING, MG_SEV_MEDIUM,                     \
	 "DETACH PARTITION without CONCURRENTLY",                                             \
	 "DETACH PARTITION takes ACCESS EXCLUSIVE on the parent. PostgreSQL 14+ can DETACH "   \
	 "... CONCURRENTLY outside a transaction.",                                           \
	 mg_rule_run_detach_partition},                                                       \
	{"lock-enum-value-in-transaction", MG_CAT_LOCKING, MG_SEV_HIGH,                       \
	 "ALTER TYPE ... ADD VALUE in a transaction before PostgreSQL 12",                    \
	 "Before 12, adding an enum value inside a transaction block fails. Run it in a "     \
	 "migration outside a transaction.",                                                  \
	 mg_rule_run_enum_value_in_transaction},                                              \
	{"perf-fk-without-index", MG_CAT_PERFORMANCE, MG_SEV_MEDIUM,                          \
	 "foreign key without an index on its referencing columns",                           \
	 "Without an index leading with the foreign key columns, every DELETE or key UPDATE " \
	 "on the referenced table scans the referencing table (under a lock), and joins on "  \
	 "the key scan too. Create the index CONCURRENTLY, then add the foreign key.",        \
	 mg_rule_run_fk_without_index},

#endif
