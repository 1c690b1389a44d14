/*
 * plan_int.h: what the files of src/plan share while a plan is built.
 *
 * mg_plan_build (plan.c) walks the release and hands every statement to
 * the rewriter (rewrite.c), which adds one or more steps for it.  Once
 * every step exists, plan.c orders them (release, phase, dependencies),
 * then the later passes fill in what each step needs: rollbacks
 * (rollback.c), checks (verify.c) and the release's risk assessment
 * (assess.c).  Each pass only adds to the plan; none reorders it.
 */
#ifndef MIGRAPH_PLAN_INT_H
#define MIGRAPH_PLAN_INT_H

#include "migraph/plan.h"

typedef struct plan_ctx {
	mg_plan *plan;
	mg_analysis *analysis;
	mg_project *project;
	mg_arena *arena;
	/* The statement being rewritten, for the steps it adds. */
	const mg_changeset *cs;
	const mg_statement *stmt;
	size_t stmt_index;             /* position of stmt in cs->stmts */
	size_t seq;                    /* order of the next step among the original operations */
	size_t *step_seq;              /* per step (by index): its original order */
	size_t step_seq_cap;
} plan_ctx;

/* Adds a step for the current statement (or a plan-wide step when
 * ctx->cs is NULL).  The caller fills in the fields beyond these. */
mg_plan_step *plan_add_step(plan_ctx *ctx, mg_phase phase, mg_step_kind kind, const char *title);
/* Adds a note the review prints: something the plan could not do. */
void plan_add_note(plan_ctx *ctx, const char *fmt, ...) MG_PRINTF(2, 3);
/* Adds a check (verify.c and the rewriter both add them). */
mg_check *plan_add_check(plan_ctx *ctx, mg_check_when when, const char *title, const char *sql,
                         const char *expect);

/* rewrite.c: adds the steps that replace one statement of the release. */
void plan_rewrite_statement(plan_ctx *ctx);
/* The application deploy steps, from the deploy strategy. */
void plan_add_deploy_steps(plan_ctx *ctx);

/* backfill.c: a batched, resumable backfill of `table` that sets
 * set_clause on the rows matching the idempotent predicate, sized from
 * the profile, with its scripts.  source_sql is the statement it replaces
 * (NULL when the plan introduces the backfill).  The rewriter makes the
 * step (MG_STEP_BACKFILL, phase backfill) and hangs the result on it; the
 * plan lists it in plan->backfills. */
mg_backfill *plan_backfill_new(plan_ctx *ctx, const mg_object *table, const char *set_clause,
                               const char *predicate, const char *source_sql);

/* walk.c: the steps replayed on a copy of the catalog at the release's
 * start, in plan order (the passes after ordering need the schema just
 * before and after each step).  plan_step_stmts gives the statements a
 * step runs: its original statement when it kept the original SQL, else
 * its own SQL parsed (none for deploy and backfill steps, or SQL that does
 * not parse).  plan_walk calls before and after (either may be NULL)
 * around each step and returns the catalog at the end (NULL without a
 * release). */
struct mg_catalog;
typedef void (*plan_walk_fn)(plan_ctx *ctx, void *data, struct mg_catalog *cat, mg_plan_step *s,
                             mg_statement *const *stmts, size_t n);
size_t plan_step_stmts(plan_ctx *ctx, const mg_plan_step *s, mg_statement *const **stmts);
const mg_operation **plan_stmts_ops(plan_ctx *ctx, mg_statement *const *stmts, size_t n,
                                    size_t *n_ops);
struct mg_catalog *plan_walk(plan_ctx *ctx, plan_walk_fn before, plan_walk_fn after, void *data);

/* The passes after ordering. */
void plan_rollback(plan_ctx *ctx);
void plan_verify(plan_ctx *ctx);
void plan_assess(plan_ctx *ctx);

#endif
