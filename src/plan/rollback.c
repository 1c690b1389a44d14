/*
 * rollback.c: how to take each step of the plan back.
 *
 * Every step gets the inverse of what it runs, derived against the schema
 * just before it in plan order (so a rewritten step gets the rollback of
 * the rewrite, not of the original statement): CREATE -> DROP, ADD ->
 * DROP, RENAME -> RENAME back, the previous default, type, NOT NULL or
 * constraint validity from the catalog, a dropped object re-created from
 * its definition.  A step that keeps its original SQL and is the whole of
 * its changeset takes the project's own rollback instead, when it has one
 * with SQL text (a Liquibase rollback block, a Flyway undo script).
 *
 * A step that destroys data (DROP TABLE, DROP COLUMN, TRUNCATE, DELETE)
 * gets at most its shape back, is said to be lossy or irreversible with
 * the forward fix a DBA would use, and is held back until the release is
 * confirmed.
 */
#include <string.h>

#include "migraph/catalog.h"
#include "migraph/graph.h"
#include "migraph/rollback.h"
#include "plan/plan_int.h"

typedef struct rb_pass {
	size_t *steps_of_cs;   /* per changeset: how many steps of the plan it has */
} rb_pass;

static const char *stmts_text(mg_arena *a, mg_statement *const *stmts, size_t n)
{
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (!stmts[i]->sql) {
			mg_buf_dispose(&b);
			return NULL; /* a Liquibase change type: no SQL text of its own */
		}
		mg_buf_printf(&b, "%.*s;\n", (int)stmts[i]->sql_len, stmts[i]->sql);
	}
	const char *s = b.len ? mg_arena_strndup(a, b.data, b.len) : NULL;
	mg_buf_dispose(&b);
	return s;
}

/* The project's own rollback, for a step that is its changeset whole. */
static bool use_project_rollback(plan_ctx *ctx, rb_pass *r, mg_plan_step *s, bool lossy)
{
	mg_project *p = ctx->project;
	if (s->rewritten || !s->has_changeset || r->steps_of_cs[s->changeset] != 1)
		return false;
	const mg_changeset *cs = p->changesets[s->changeset];
	mg_changeset_rollback rb = mg_changeset_rollback_of(ctx->arena, p, cs);
	if (rb.kind != MG_ROLLBACK_BLOCK && rb.kind != MG_ROLLBACK_UNDO)
		return false;
	const char *sql = stmts_text(ctx->arena, rb.stmts, rb.n_stmts);
	if (!sql)
		return false;
	s->rollback_sql = sql;
	s->rollback_source = rb.source;
	s->reversibility = lossy ? MG_REV_LOSSY : MG_REV_REVERSIBLE;
	if (lossy)
		s->rollback_note = "the project's rollback restores the shape; the data the step "
		                   "destroys is gone";
	return true;
}

static const char *derived_source(plan_ctx *ctx, const mg_plan_step *s)
{
	if (s->rewritten || !s->has_changeset)
		return "derived";
	const mg_changeset *cs = ctx->project->changesets[s->changeset];
	return cs->auto_rollback && !cs->has_rollback ? "derived (as Liquibase's automatic rollback)"
	                                              : "derived";
}

static void deploy_rollback(mg_plan_step *s)
{
	s->reversibility = MG_REV_REVERSIBLE;
	s->rollback_source = "redeploy";
	s->rollback_note = "roll the previous application version back out; no SQL";
}

/* A backfill that only fills columns the release adds goes with those
 * columns; one that overwrites existing values or deletes rows cannot be
 * taken back. */
static void backfill_rollback(plan_ctx *ctx, mg_plan_step *s, const mg_catalog *cat)
{
	const mg_backfill *b = s->backfill;
	const mg_catalog *start = ctx->analysis->graph ? ctx->analysis->graph->before_release : NULL;
	mg_name_list cols = b ? plan_backfill_set_columns(ctx, b->set_clause) : (mg_name_list){0};
	const mg_cat_relation *before =
		b && start ? mg_catalog_relation(start, b->table.schema, b->table.name) : NULL;
	const mg_cat_relation *after =
		b && cat ? mg_catalog_relation(cat, b->table.schema, b->table.name) : NULL;
	bool new_columns = cols.count > 0 && after;
	for (size_t i = 0; new_columns && i < cols.count; i++)
		new_columns = !mg_catalog_column(before, cols.items[i]) &&
		              mg_catalog_column(after, cols.items[i]);
	s->rollback_source = "derived";
	if (new_columns) {
		mg_buf names = MG_BUF_INIT;
		for (size_t i = 0; i < cols.count; i++)
			mg_buf_printf(&names, "%s%s", i ? ", " : "", cols.items[i]);
		s->reversibility = MG_REV_REVERSIBLE;
		s->rollback_note = mg_arena_printf(ctx->arena, "nothing to undo: the values go with the "
		                                               "column%s %s when %s own step is rolled "
		                                               "back",
		                                   cols.count > 1 ? "s" : "", mg_buf_cstr(&names),
		                                   cols.count > 1 ? "their" : "its");
		mg_buf_dispose(&names);
		return;
	}
	s->reversibility = MG_REV_IRREVERSIBLE;
	if (b && !b->set_clause) {
		s->rollback_note = "the backfill deletes rows that existed before it";
		s->forward_fix = "Archive the rows it deletes before it runs (CREATE TABLE ... AS SELECT "
		                 "* FROM the table WHERE its condition), and INSERT them back from the "
		                 "archive to go back.";
		return;
	}
	s->rollback_note = "the backfill overwrites values that existed before it";
	s->forward_fix = "Archive the rows it changes before it runs (CREATE TABLE ... AS SELECT the "
	                 "key and the columns it sets), and write them back from the archive to go "
	                 "back.";
}

/* The inverse of a step's operations, against the schema just before it.
 * A copy of just what the step touches is what it is worked out on (a
 * drop may take views and foreign keys of other tables along, so it gets
 * the whole schema).  One operation only reads the schema: it gets a copy
 * that borrows the arrays (a 200,000-column table is not copied per step),
 * or, for the whole schema, the walk's own catalog, which a whole copy
 * would only repeat.  Several are applied on the way, so they get a copy
 * of their own. */
static mg_inverse step_inverse(plan_ctx *ctx, mg_catalog *cat, const mg_plan_step *s,
                               const mg_operation **ops, size_t n_ops)
{
	mg_object *only = mg_arena_alloc(ctx->arena, (2 * n_ops + 1) * sizeof *only);
	size_t n_only = 0;
	bool whole = false;
	for (size_t i = 0; i < n_ops; i++) {
		only[n_only++] = ops[i]->object;
		if (ops[i]->related.name)
			only[n_only++] = ops[i]->related;
		whole = whole || (ops[i]->flags & MG_OPF_CASCADE) || ops[i]->kind == MG_OP_DROP_TABLE ||
		        ops[i]->kind == MG_OP_DROP_VIEW || ops[i]->kind == MG_OP_DROP_MATERIALIZED_VIEW;
	}
	bool conc = !s->in_transaction;
	if (n_ops == 1 && whole)
		return mg_inverse_of(ctx->project, cat, ops[0], conc);
	mg_arena scratch;
	mg_arena_init(&scratch);
	mg_inverse inv;
	if (n_ops == 1) {
		inv = mg_inverse_of(ctx->project, mg_catalog_borrow(cat, &scratch, only, n_only), ops[0],
		                    conc);
	} else {
		mg_catalog *work = mg_catalog_copy(cat, &scratch, whole ? NULL : only, whole ? 0 : n_only);
		inv = mg_inverse_of_ops(ctx->project, work, ops, n_ops, conc);
	}
	mg_arena_free(&scratch);
	return inv;
}

static void before_step(plan_ctx *ctx, void *data, mg_catalog *cat, mg_plan_step *s,
                        mg_statement *const *stmts, size_t n)
{
	rb_pass *r = data;
	s->rollback_sql = NULL;
	s->rollback_note = NULL;
	s->forward_fix = NULL;
	if (s->kind == MG_STEP_APP_DEPLOY)
		return deploy_rollback(s);
	if (s->kind == MG_STEP_BACKFILL)
		return backfill_rollback(ctx, s, cat);
	size_t n_ops = 0;
	const mg_operation **ops = plan_stmts_ops(ctx, stmts, n, &n_ops);
	bool hold = false;
	for (size_t i = 0; i < n_ops; i++)
		hold = hold || mg_op_destroys_data(ops[i]);
	s->hold_until_confirmed = s->hold_until_confirmed || hold;
	if (!n_ops) {
		s->reversibility = MG_REV_IRREVERSIBLE;
		s->rollback_source = "none";
		s->rollback_note = "migraph cannot read what this step does";
		s->forward_fix = "Read the step and write its inverse by hand before the release, or "
		                 "restore from the backup taken before it.";
		return;
	}
	if (use_project_rollback(ctx, r, s, hold))
		return;
	mg_inverse inv = step_inverse(ctx, cat, s, ops, n_ops);
	s->rollback_source = derived_source(ctx, s);
	s->rollback_note = inv.note;
	switch (inv.kind) {
	case MG_INVERSE_EXACT:
	case MG_INVERSE_NOTHING:
		s->reversibility = MG_REV_REVERSIBLE;
		s->rollback_sql = inv.sql;
		break;
	case MG_INVERSE_SHAPE:
		s->reversibility = MG_REV_LOSSY;
		s->rollback_sql = inv.sql;
		s->forward_fix = inv.forward_fix;
		break;
	case MG_INVERSE_NONE:
		s->reversibility = MG_REV_IRREVERSIBLE;
		s->forward_fix = inv.forward_fix;
		break;
	}
}

void plan_rollback(plan_ctx *ctx)
{
	mg_project *p = ctx->project;
	rb_pass r = {mg_arena_alloc(ctx->arena, (p->n_changesets + 1) * sizeof *r.steps_of_cs)};
	for (size_t i = 0; i < ctx->plan->n_steps; i++) {
		const mg_plan_step *s = ctx->plan->steps[i];
		if (s->has_changeset && s->changeset < p->n_changesets &&
		    (s->kind == MG_STEP_SQL || s->kind == MG_STEP_MANUAL))
			r.steps_of_cs[s->changeset]++;
	}
	plan_walk(ctx, before_step, NULL, &r);
	/* A changeset split over several steps keeps its own rollback for the
	 * whole: say so once, so nobody runs it after only some of them. */
	for (size_t c = 0; c < p->n_changesets; c++) {
		if (r.steps_of_cs[c] < 2)
			continue;
		mg_changeset_rollback rb = mg_changeset_rollback_of(ctx->arena, p, p->changesets[c]);
		if (rb.kind == MG_ROLLBACK_BLOCK || rb.kind == MG_ROLLBACK_UNDO)
			plan_add_note(ctx,
			              "%s:%u: the changeset's own rollback (%s) undoes all %zu of its steps "
			              "together; each step's rollback here undoes that step alone",
			              p->changesets[c]->loc.file, p->changesets[c]->loc.line, rb.source,
			              r.steps_of_cs[c]);
	}
}
