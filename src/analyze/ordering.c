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

#include "analyze/rules_ordering.h"
#include "migraph/graph.h"
#include "migraph/release.h"

static bool in_release(const mg_analysis *a, size_t cs)
{
	return cs < a->project->n_changesets &&
	       (a->project->changesets[cs]->flags & MG_CSF_IN_RELEASE) != 0;
}

const char *mg_object_text(mg_arena *arena, const mg_object *o);

/* "public.orders", "public.orders.status", "index public.orders_idx". */
const char *mg_object_text(mg_arena *arena, const mg_object *o)
{
	if (o->kind == MG_OBJ_COLUMN || o->kind == MG_OBJ_CONSTRAINT)
		return mg_arena_printf(arena, "%s.%s.%s", o->schema ? o->schema : "public",
		                       o->table ? o->table : "?", o->name ? o->name : "?");
	return mg_arena_printf(arena, "%s.%s", o->schema ? o->schema : "public",
	                       o->name ? o->name : "?");
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

void mg_rule_order_inversion(mg_analysis *a, const mg_rule *rule)
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

void mg_rule_order_unknown(mg_analysis *a, const mg_rule *rule)
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

void mg_rule_order_duplicate(mg_analysis *a, const mg_rule *rule)
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

void mg_rule_order_cycle(mg_analysis *a, const mg_rule *rule)
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

void mg_rule_order_release(mg_analysis *a, const mg_rule *rule)
{
	const mg_release *rel = a->graph ? a->graph->release : NULL;
	if (!rel)
		return;
	mg_release_issue_kind want;
	if (strcmp(rule->id, "order-out-of-order-version") == 0)
		want = MG_REL_OUT_OF_ORDER;
	else if (strcmp(rule->id, "order-changed-applied-migration") == 0)
		want = MG_REL_CHECKSUM_CHANGED;
	else if (strcmp(rule->id, "order-failed-applied-migration") == 0)
		want = MG_REL_FAILED_APPLIED;
	else if (strcmp(rule->id, "order-checksum-not-compared") == 0)
		want = MG_REL_NOT_COMPARED;
	else
		want = MG_REL_APPLIED_NOT_FOUND;
	for (size_t i = 0; i < rel->n_issues; i++) {
		const mg_release_issue *is = &rel->issues[i];
		bool match = is->kind == want ||
		             (want == MG_REL_CHECKSUM_CHANGED && is->kind == MG_REL_COMMITTED_CHANGED);
		if (!match)
			continue;
		const mg_changeset *cs = is->has_changeset ? a->project->changesets[is->changeset] : NULL;
		mg_finding *f = mg_analysis_add_finding(a, rule, rule->default_severity, is->loc, cs);
		f->message = is->detail;
		f->safe_alternative = release_alt(a, is);
	}
}
