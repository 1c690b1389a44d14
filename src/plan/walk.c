/*
 * walk.c: the plan's steps replayed on the catalog, in plan order.
 *
 * The plan reorders and rewrites the release, so the schema before a step
 * is not the schema the original replay saw before its statement.  The
 * passes that need it (rollbacks, verification) replay the steps
 * themselves: from the catalog the replay kept at the release's start,
 * each step's operations applied through the replay's entry point.  A
 * step keeps the operations of its original statement when its SQL is
 * the original; a rewritten step's own SQL is parsed like a migration.
 */
#include <string.h>

#include "migraph/graph.h"
#include "migraph/sql.h"
#include "plan/plan_int.h"

static const mg_statement *statement_of(const mg_changeset *cs, const mg_operation *op)
{
	for (size_t s = 0; s < cs->n_stmts; s++)
		for (size_t k = 0; k < cs->stmts[s]->n_ops; k++)
			if (cs->stmts[s]->ops[k] == op)
				return cs->stmts[s];
	return NULL;
}

size_t plan_step_stmts(plan_ctx *ctx, const mg_plan_step *s, mg_statement *const **stmts)
{
	*stmts = NULL;
	if (s->kind == MG_STEP_APP_DEPLOY || s->kind == MG_STEP_BACKFILL)
		return 0;
	mg_project *p = ctx->project;
	if (!s->rewritten && s->op && s->has_changeset && s->changeset < p->n_changesets) {
		const mg_changeset *cs = p->changesets[s->changeset];
		const mg_statement *st = statement_of(cs, s->op);
		if (st && !st->parse_failed) {
			mg_statement **one = mg_arena_alloc(ctx->arena, sizeof *one);
			one[0] = (mg_statement *)st;
			*stmts = one;
			return 1;
		}
	}
	if (!s->sql)
		return 0;
	const mg_catalog *start = ctx->analysis->graph ? ctx->analysis->graph->before_release : NULL;
	mg_changeset *parsed = mg_sql_parse_generated(
		p, s->sql, start ? mg_catalog_default_schema(start) : "public", s->loc.file);
	if (!parsed)
		return 0;
	*stmts = parsed->stmts;
	return parsed->n_stmts;
}

const mg_operation **plan_stmts_ops(plan_ctx *ctx, mg_statement *const *stmts, size_t n,
                                    size_t *n_ops)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += stmts[i]->n_ops;
	const mg_operation **ops = mg_arena_alloc(ctx->arena, (total + 1) * sizeof *ops);
	*n_ops = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < stmts[i]->n_ops; k++)
			ops[(*n_ops)++] = stmts[i]->ops[k];
	return ops;
}

mg_catalog *plan_walk(plan_ctx *ctx, plan_walk_fn before, plan_walk_fn after, void *data)
{
	const mg_graph *g = ctx->analysis->graph;
	if (!g || !g->before_release)
		return NULL;
	mg_catalog *cat = mg_catalog_copy(g->before_release, ctx->arena, NULL, 0);
	mg_plan *plan = ctx->plan;
	for (size_t i = 0; i < plan->n_steps; i++) {
		mg_plan_step *s = plan->steps[i];
		mg_statement *const *stmts;
		size_t n = plan_step_stmts(ctx, s, &stmts);
		if (before)
			before(ctx, data, cat, s, stmts, n);
		mg_replay_statements(cat, stmts, n, s->has_changeset ? s->changeset : 0, NULL, NULL);
		if (after)
			after(ctx, data, cat, s, stmts, n);
	}
	return cat;
}
