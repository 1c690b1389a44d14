/*
 * ordering.c: the ordering family, from the replay's notes and the
 * release selection's issues.
 *
 * Replay notes cover the whole history (an inversion is a problem for
 * every fresh database, released or not), but a rule reports only those
 * in changesets of the release under review: a reviewer of release 2.40
 * is not told again about 1.3.
 */
#include <string.h>

#include "analyze/families.h"
#include "migraph/graph.h"
#include "migraph/release.h"

static bool in_release(const mg_analysis *a, size_t cs)
{
	return cs < a->project->n_changesets &&
	       (a->project->changesets[cs]->flags & MG_CSF_IN_RELEASE) != 0;
}

static mg_finding *add(mg_analysis *a, const mg_rule *rule, const mg_graph_note *n)
{
	mg_finding *f = mg_analysis_add_finding(a, rule, rule->default_severity, n->loc,
	                                        a->project->changesets[n->changeset]);
	f->object = n->object;
	return f;
}

static const char *where(mg_analysis *a, size_t cs, mg_loc loc)
{
	const mg_changeset *c = a->project->changesets[cs];
	const char *file = loc.file ? loc.file : c->loc.file;
	uint32_t line = loc.line ? loc.line : c->loc.line;
	if (c->version.n_parts)
		return mg_arena_printf(&a->project->arena, "version %s (%s:%u)", c->version.text,
		                       file ? file : "?", line);
	if (c->id)
		return mg_arena_printf(&a->project->arena, "changeset %s (%s:%u)", c->id,
		                       file ? file : "?", line);
	return mg_arena_printf(&a->project->arena, "%s:%u", file ? file : "?", line);
}

static void order_dependency_inversion(mg_analysis *a, const mg_rule *rule)
{
	mg_graph *g = a->graph;
	mg_arena *ar = &a->project->arena;
	for (size_t i = 0; g && i < g->n_notes; i++) {
		const mg_graph_note *n = &g->notes[i];
		if (n->kind != MG_NOTE_INVERSION || !in_release(a, n->changeset))
			continue;
		mg_finding *f = add(a, rule, n);
		const char *obj = mg_object_text(ar, &n->object);
		f->message = mg_arena_printf(
			ar, "%s %s is used here but only created later, by %s: on a fresh database this "
			    "statement fails",
			mg_object_kind_name(n->object.kind), obj, where(a, n->other, n->other_loc));
		f->safe_alternative = mg_arena_printf(
			ar, "Run the creation first: give this migration a version (or changelog position) "
			    "after %s, or move the CREATE of %s before this changeset.",
			where(a, n->other, n->other_loc), obj);
	}
}

static void order_unknown_object(mg_analysis *a, const mg_rule *rule)
{
	mg_graph *g = a->graph;
	mg_arena *ar = &a->project->arena;
	for (size_t i = 0; g && i < g->n_notes; i++) {
		const mg_graph_note *n = &g->notes[i];
		if (n->kind != MG_NOTE_UNKNOWN || !in_release(a, n->changeset))
			continue;
		mg_finding *f = add(a, rule, n);
		const char *obj = mg_object_text(ar, &n->object);
		f->message = mg_arena_printf(
			ar, "%s %s is used here but no changeset creates it%s", mg_object_kind_name(n->object.kind),
			obj, g->have_baseline ? " and the --schema baseline does not have it"
			                      : " (no --schema baseline was given)");
		f->safe_alternative = g->have_baseline
		                          ? mg_arena_printf(ar, "Check the name %s, or add a migration "
		                                                "that creates it before this one.",
		                                            obj)
		                          : mg_arena_printf(ar, "Give the production schema with --schema "
		                                                "(pg_dump --schema-only), or add a "
		                                                "migration that creates %s.",
		                                            obj);
	}
}

static void order_duplicate_object(mg_analysis *a, const mg_rule *rule)
{
	mg_graph *g = a->graph;
	mg_arena *ar = &a->project->arena;
	for (size_t i = 0; g && i < g->n_notes; i++) {
		const mg_graph_note *n = &g->notes[i];
		if (n->kind != MG_NOTE_DUPLICATE || !in_release(a, n->changeset))
			continue;
		mg_finding *f = add(a, rule, n);
		f->message = mg_arena_printf(ar, "%s: PostgreSQL rejects this statement and the "
		                                 "migration fails",
		                             n->detail ? n->detail : "the object already exists");
		const char *obj = mg_object_text(ar, &n->object);
		switch (n->object.kind) {
		case MG_OBJ_COLUMN:
			f->safe_alternative = mg_arena_printf(ar, "ALTER TABLE %s.%s ADD COLUMN IF NOT EXISTS "
			                                          "%s ...; -- or drop the duplicate",
			                                      n->object.schema, n->object.table,
			                                      n->object.name);
			break;
		case MG_OBJ_INDEX:
			/* Not CONCURRENTLY IF NOT EXISTS: after a failed build it keeps
			 * the INVALID index and the retry never builds it. */
			f->safe_alternative = mg_arena_printf(
				ar, "-- remove this statement: %s already exists.  Where building it again "
				    "is meant,\n-- drop a leftover a failed build left INVALID first "
				    "(IF NOT EXISTS would keep it):\n-- DROP INDEX CONCURRENTLY IF EXISTS "
				    "%s;\n-- CREATE INDEX CONCURRENTLY %s ON ...;",
				obj, obj, n->object.name);
			break;
		default:
			f->safe_alternative = mg_arena_printf(ar, "Remove the second CREATE of %s, or write "
			                                          "CREATE %s IF NOT EXISTS %s where "
			                                          "re-running is intended.",
			                                      obj, n->object.kind == MG_OBJ_TABLE ? "TABLE"
			                                           : n->object.kind == MG_OBJ_SEQUENCE
			                                                   ? "SEQUENCE"
			                                                   : "...",
			                                      obj);
		}
	}
}

static void order_dependency_cycle(mg_analysis *a, const mg_rule *rule)
{
	mg_graph *g = a->graph;
	mg_arena *ar = &a->project->arena;
	for (size_t i = 0; g && i < g->n_notes; i++) {
		const mg_graph_note *n = &g->notes[i];
		if (n->kind != MG_NOTE_CYCLE)
			continue;
		mg_finding *f = add(a, rule, n);
		f->message = mg_arena_printf(ar, "these changesets need objects from each other: %s",
		                             n->detail ? n->detail : "");
		f->safe_alternative = "Split the changesets so each object is created before its first "
		                      "use, then order them by those dependencies.";
	}
}

static const char *release_alt(mg_analysis *a, const mg_release_issue *is)
{
	mg_arena *ar = &a->project->arena;
	const mg_changeset *cs = is->has_changeset ? a->project->changesets[is->changeset] : NULL;
	switch (is->kind) {
	case MG_REL_OUT_OF_ORDER:
		return "Rename the file to a version above the highest applied one (Flyway applies "
		       "versions in order), or set outOfOrder=true knowingly.";
	case MG_REL_CHECKSUM_CHANGED:
	case MG_REL_COMMITTED_CHANGED:
		return cs && cs->id
		           ? mg_arena_printf(ar, "Restore changeset %s as it was applied and put the change "
		                                 "in a new changeset (or mark it runOnChange=\"true\" if it "
		                                 "is meant to re-run).",
		                             cs->id)
		           : "Restore the applied migration file exactly and put the change in a new "
		             "migration with a higher version.";
	case MG_REL_FAILED_APPLIED:
		return "Check what the failed migration left behind, fix the schema, then run `flyway "
		       "repair` (Liquibase: delete the FAILED row) before deploying.";
	case MG_REL_NOT_COMPARED:
		return "Run `liquibase validate` or `flyway validate` against the database to compare "
		       "these checksums.";
	case MG_REL_APPLIED_NOT_FOUND:
		return "Restore the migration file, or record its removal with `flyway repair` "
		       "(Liquibase: changelog-sync or delete the row).";
	default:
		return NULL;
	}
}

/* Reports the release selection's issues of one kind (or two). */
static void report_release_issues(mg_analysis *a, const mg_rule *rule, mg_release_issue_kind kind,
                                  mg_release_issue_kind also)
{
	const mg_release *rel = a->graph ? a->graph->release : NULL;
	for (size_t i = 0; rel && i < rel->n_issues; i++) {
		const mg_release_issue *is = &rel->issues[i];
		if (is->kind != kind && is->kind != also)
			continue;
		const mg_changeset *cs = is->has_changeset ? a->project->changesets[is->changeset] : NULL;
		mg_finding *f = mg_analysis_add_finding(a, rule, rule->default_severity, is->loc, cs);
		f->message = is->detail;
		f->safe_alternative = release_alt(a, is);
	}
}

static void order_out_of_order_version(mg_analysis *a, const mg_rule *rule)
{
	report_release_issues(a, rule, MG_REL_OUT_OF_ORDER, MG_REL_OUT_OF_ORDER);
}

static void order_changed_applied_migration(mg_analysis *a, const mg_rule *rule)
{
	report_release_issues(a, rule, MG_REL_CHECKSUM_CHANGED, MG_REL_COMMITTED_CHANGED);
}

static void order_failed_applied_migration(mg_analysis *a, const mg_rule *rule)
{
	report_release_issues(a, rule, MG_REL_FAILED_APPLIED, MG_REL_FAILED_APPLIED);
}

static void order_checksum_not_compared(mg_analysis *a, const mg_rule *rule)
{
	report_release_issues(a, rule, MG_REL_NOT_COMPARED, MG_REL_NOT_COMPARED);
}

static void order_applied_not_found(mg_analysis *a, const mg_rule *rule)
{
	report_release_issues(a, rule, MG_REL_APPLIED_NOT_FOUND, MG_REL_APPLIED_NOT_FOUND);
}

/* ---- the family's registry entries --------------------------------------- */

const mg_rule an_ordering_rules[] = {
	{
		.id = "order-dependency-inversion",
		.category = MG_CAT_ORDERING,
		.default_severity = MG_SEV_HIGH,
		.summary = "A changeset uses an object that only a later changeset creates",
		.doc = "The statement fails on a fresh database (a new environment, a CI database, a disaster "
		       "recovery rebuild), because migrations run in version or changelog order, not in the "
		       "order they were written. Typical causes: an out-of-order Flyway version, includeAll's "
		       "alphabetical order putting 10_x before 9_y. Safe alternative: renumber or move the "
		       "changeset after the one that creates the object.",
		.example = "-- V1__view.sql\n"
		           "CREATE VIEW active_orders AS SELECT * FROM orders WHERE active;\n"
		           "-- V2__orders.sql\n"
		           "CREATE TABLE orders (id bigint PRIMARY KEY, active boolean);",
		.versions = "every version: this is about the migrations, not the server",
		.run = order_dependency_inversion,
	},
	{
		.id = "order-unknown-object",
		.category = MG_CAT_ORDERING,
		.default_severity = MG_SEV_MEDIUM,
		.summary = "A changeset uses an object that no changeset creates and no baseline has",
		.doc = "Either the object comes from outside the migrations (created by hand, by the "
		       "application, by an extension) and a fresh database cannot be built from the "
		       "migrations, or the name is wrong. Safe alternative: add the CREATE to the migrations, "
		       "or give migraph the production schema with --schema (pg_dump --schema-only).",
		.example = "-- V1__index.sql\n"
		           "CREATE INDEX invoices_due ON invoices (due_date);",
		.versions = "every version: this is about the migrations, not the server",
		.run = order_unknown_object,
	},
	{
		.id = "order-duplicate-object",
		.category = MG_CAT_ORDERING,
		.default_severity = MG_SEV_HIGH,
		.summary = "A changeset creates an object that already exists at that point",
		.doc = "PostgreSQL rejects the CREATE and the migration fails. Safe alternative: remove the "
		       "duplicate, or make it idempotent where that is intended (CREATE ... IF NOT EXISTS, "
		       "ADD COLUMN IF NOT EXISTS); for an index built CONCURRENTLY, drop an INVALID leftover "
		       "first instead: IF NOT EXISTS would keep it.",
		.example = "-- V1__t.sql\n"
		           "CREATE TABLE accounts (id bigint);\n"
		           "-- V2__t_again.sql\n"
		           "CREATE TABLE accounts (id bigint);",
		.versions = "every version: this is about the migrations, not the server",
		.run = order_duplicate_object,
	},
	{
		.id = "order-dependency-cycle",
		.category = MG_CAT_ORDERING,
		.default_severity = MG_SEV_HIGH,
		.summary = "Changesets depend on each other in a cycle",
		.doc = "Each changeset of the cycle needs an object another one creates, so no order runs them "
		       "all on a fresh database. Safe alternative: split the changesets so that every object is "
		       "created before its first use.",
		.example = "-- changeset a\n"
		           "CREATE VIEW a AS SELECT * FROM b;\n"
		           "-- changeset b\n"
		           "CREATE VIEW b AS SELECT * FROM a;",
		.versions = "every version: this is about the migrations, not the server",
		.run = order_dependency_cycle,
	},
	{
		.id = "order-out-of-order-version",
		.category = MG_CAT_ORDERING,
		.default_severity = MG_SEV_HIGH,
		.summary = "A pending Flyway version is lower than the highest applied one",
		.doc = "With outOfOrder=false (the default) Flyway ignores the migration and validate fails "
		       "(\"Detected resolved migration not applied to database\"); with outOfOrder=true it runs "
		       "after newer ones, against a schema its author did not test. Safe alternative: give it a "
		       "version above the highest applied one.",
		.example = "-- applied: V1, V3; pending: V2__late.sql\n"
		           "ALTER TABLE orders ADD COLUMN note text;",
		.versions = "every version: this is about the migrations, not the server",
		.run = order_out_of_order_version,
	},
	{
		.id = "order-changed-applied-migration",
		.category = MG_CAT_ORDERING,
		.default_severity = MG_SEV_HIGH,
		.summary = "An applied (or already committed) migration was changed",
		.doc = "Databases that applied the old text keep it: environments drift apart, and Flyway's "
		       "validate or Liquibase's checksum check stops the next deployment. Safe alternative: "
		       "revert the change and put it in a new migration.",
		.example = "-- V1__orders.sql, applied with another checksum than the file has now\n"
		           "CREATE TABLE orders (id bigint, total numeric);",
		.versions = "every version: this is about the migrations, not the server",
		.run = order_changed_applied_migration,
	},
	{
		.id = "order-failed-applied-migration",
		.category = MG_CAT_ORDERING,
		.default_severity = MG_SEV_HIGH,
		.summary = "The history table records a failed migration",
		.doc = "Flyway refuses to migrate until the failed row is repaired, and on databases without "
		       "transactional DDL the failed migration may have left part of its changes. Safe "
		       "alternative: inspect the schema, then `flyway repair` (or delete the FAILED row) before "
		       "the release.",
		.example = "-- flyway_schema_history row: version 4, success = false",
		.versions = "every version: this is about the migrations, not the server",
		.run = order_failed_applied_migration,
	},
	{
		.id = "order-checksum-not-compared",
		.category = MG_CAT_ORDERING,
		.default_severity = MG_SEV_INFO,
		.summary = "An applied changeset's checksum could not be compared",
		.doc = "migraph computes Flyway checksums and Liquibase checksums of SQL changes exactly; other "
		       "checksums it cannot reproduce, and it says so instead of assuming they match. Safe "
		       "alternative: run `liquibase validate` (or `flyway validate`) against the database.",
		.example = "-- DATABASECHANGELOG row of a customChange changeset: its MD5SUM cannot "
		           "be recomputed",
		.versions = "every version: this is about the migrations, not the server",
		.run = order_checksum_not_compared,
	},
	{
		.id = "order-applied-not-found",
		.category = MG_CAT_ORDERING,
		.default_severity = MG_SEV_LOW,
		.summary = "The history table records a migration that no file provides",
		.doc = "A migration was deleted or renamed after it ran; Flyway's validate reports it as "
		       "missing, and a fresh database built from the files differs from this one. Safe "
		       "alternative: restore the file, or mark it deleted with `flyway repair`.",
		.example = "-- flyway_schema_history row: version 7, script V7__gone.sql; no such "
		           "file",
		.versions = "every version: this is about the migrations, not the server",
		.run = order_applied_not_found,
	},
};
const size_t an_ordering_rule_count = sizeof an_ordering_rules / sizeof an_ordering_rules[0];
