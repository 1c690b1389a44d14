/*
 * backfill.c: batched, resumable backfills.
 *
 * For now a backfill records what it changes and on which table; sizing
 * and the generated scripts come with the backfill generator.
 */
#include "plan/plan_int.h"

mg_backfill *plan_backfill_new(plan_ctx *ctx, const mg_object *table, const char *set_clause,
                               const char *predicate, const char *source_sql)
{
	mg_backfill *b = mg_arena_alloc(ctx->arena, sizeof *b);
	b->table = *table;
	b->set_clause = set_clause;
	b->predicate = predicate;
	b->source_sql = source_sql;
	mg_plan *plan = ctx->plan;
	mg_arena_push(ctx->arena, (void ***)&plan->backfills, &plan->n_backfills,
	              &plan->backfills_cap, b);
	return b;
}
