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
#include <stdint.h>
#include <string.h>

#include "migraph/graph.h"
#include "migraph/sql.h"
#include "plan/plan_int.h"

/* What the walks know of the steps, worked out once: every pass walks
 * the same steps, and finding a step's statement by scanning its
 * changeset (or parsing its SQL) per pass and step made a release of N
 * statements in one changeset cost N^2. */
typedef struct step_stmts {
	const mg_plan_step *step;   /* the step these are of (NULL: not worked out yet) */
	const char *sql;            /* its SQL when they were worked out */
	mg_statement *const *stmts;
	size_t n;
} step_stmts;

struct plan_walk_cache {
	/* Operation -> its statement, for the changesets steps came from:
	 * open addressing on the pointer, grown at half full. */
	const mg_operation **ops;
	const mg_statement **stmts;
	size_t cap, n;
	bool *indexed;              /* per changeset: its operations are in the table */
	step_stmts *steps;          /* per step index */
	size_t n_steps;
};

static size_t ptr_hash(const void *p, size_t mask)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32) & mask;
}

static void op_put(plan_ctx *ctx, struct plan_walk_cache *c, const mg_operation *op,
                   const mg_statement *st);

static void op_table_grow(plan_ctx *ctx, struct plan_walk_cache *c)
{
	const mg_operation **ops = c->ops;
	const mg_statement **stmts = c->stmts;
	size_t cap = c->cap;
	c->cap = cap ? cap * 2 : 64;
	c->ops = mg_arena_alloc(ctx->arena, c->cap * sizeof *c->ops);
	c->stmts = mg_arena_alloc(ctx->arena, c->cap * sizeof *c->stmts);
	c->n = 0;
	for (size_t i = 0; i < cap; i++)
		if (ops[i])
			op_put(ctx, c, ops[i], stmts[i]);
}

static void op_put(plan_ctx *ctx, struct plan_walk_cache *c, const mg_operation *op,
                   const mg_statement *st)
{
	if (2 * (c->n + 1) > c->cap)
		op_table_grow(ctx, c);
	size_t mask = c->cap - 1, i = ptr_hash(op, mask);
	while (c->ops[i] && c->ops[i] != op)
		i = (i + 1) & mask;
	if (c->ops[i])
		return; /* the first statement holding it wins, as in a scan */
	c->ops[i] = op;
	c->stmts[i] = st;
	c->n++;
}

static const mg_statement *op_get(const struct plan_walk_cache *c, const mg_operation *op)
{
	if (!c->cap)
		return NULL;
	size_t mask = c->cap - 1, i = ptr_hash(op, mask);
	while (c->ops[i] && c->ops[i] != op)
		i = (i + 1) & mask;
	return c->ops[i] ? c->stmts[i] : NULL;
}

static struct plan_walk_cache *cache_of(plan_ctx *ctx)
{
	struct plan_walk_cache *c = ctx->walk_cache;
	if (!c) {
		c = mg_arena_alloc(ctx->arena, sizeof *c);
		c->indexed = mg_arena_alloc(ctx->arena, (ctx->project->n_changesets + 1) *
		                                            sizeof *c->indexed);
		ctx->walk_cache = c;
	}
	if (c->n_steps < ctx->plan->n_steps) {
		c->steps = mg_arena_grow(ctx->arena, c->steps, sizeof *c->steps, c->n_steps,
		                         ctx->plan->n_steps);
		c->n_steps = ctx->plan->n_steps;
	}
	return c;
}

static const mg_statement *statement_of(plan_ctx *ctx, struct plan_walk_cache *c, size_t cs_index,
                                        const mg_operation *op)
{
	if (!c->indexed[cs_index]) {
		const mg_changeset *cs = ctx->project->changesets[cs_index];
		for (size_t s = 0; s < cs->n_stmts; s++)
			for (size_t k = 0; k < cs->stmts[s]->n_ops; k++)
				op_put(ctx, c, cs->stmts[s]->ops[k], cs->stmts[s]);
		c->indexed[cs_index] = true;
	}
	return op_get(c, op);
}

static size_t step_stmts_of(plan_ctx *ctx, struct plan_walk_cache *c, const mg_plan_step *s,
                            mg_statement *const **stmts)
{
	*stmts = NULL;
	if (s->kind == MG_STEP_APP_DEPLOY || s->kind == MG_STEP_BACKFILL)
		return 0;
	mg_project *p = ctx->project;
	if (!s->rewritten && s->op && s->has_changeset && s->changeset < p->n_changesets) {
		const mg_statement *st = statement_of(ctx, c, s->changeset, s->op);
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
		p, s->sql, start ? mg_catalog_default_schema(start) : mg_project_default_schema(p), s->loc.file);
	if (!parsed)
		return 0;
	*stmts = parsed->stmts;
	return parsed->n_stmts;
}

size_t plan_step_stmts(plan_ctx *ctx, const mg_plan_step *s, mg_statement *const **stmts)
{
	struct plan_walk_cache *c = cache_of(ctx);
	if (s->index >= c->n_steps)
		return step_stmts_of(ctx, c, s, stmts);
	step_stmts *e = &c->steps[s->index];
	if (e->step != s || e->sql != s->sql) {
		e->n = step_stmts_of(ctx, c, s, &e->stmts);
		e->step = s;
		e->sql = s->sql;
	}
	*stmts = e->stmts;
	return e->n;
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
