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

#include "migraph/catalog.h"
#include "migraph/plan.h"
#include "migraph/sqlwrite.h"

/* What the application has to know about the plan, recorded by the
 * rewriter for the deploy steps (deploy.c): a column kept in sync with
 * its replacement, a table renamed behind a view. */
typedef enum plan_app_kind {
	PLAN_APP_SYNCED_COLUMN = 0,   /* old column <-> new column while both versions run */
	PLAN_APP_RENAMED_TABLE        /* new table name, old name a view until the contract */
} plan_app_kind;

typedef struct plan_app_change {
	plan_app_kind kind;
	const char *schema;
	const char *table;
	const char *old_name;          /* column, or the table's old name */
	const char *new_name;          /* the name the new version uses */
	bool type_change;              /* a column whose type changes (same name in the end) */
	const mg_plan_step *backfill;  /* the step after which the new column is complete */
	const char *shadow;            /* the column that takes old_name's place, by the name it
	                                  has until the contract (email_new for a type change) */
} plan_app_change;

typedef struct plan_backfill_state plan_backfill_state;

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
	/* Two replays of the schema.  cat follows the history as written: the
	 * rewriter asks it about the schema just before the operation it
	 * rewrites (the column's type, its indexes, who references it).  pcat
	 * follows the plan's own steps in the order they are made: the engine
	 * model judges each new operation against it. */
	mg_catalog *cat;
	mg_catalog *pcat;
	bool release_known;            /* --since, --applied or --git-base was given */
	mg_sqlw sqlw;                  /* SQL for the target version */
	mg_map chosen;                 /* names the plan made up, so none is chosen twice */
	plan_app_change *app;          /* for the deploy steps */
	size_t n_app, app_cap;
	struct plan_keys **keys;       /* per step (by index): keys given by the rewriter */
	size_t keys_cap;
	mg_map index_tails;            /* "schema.index" -> its CREATE INDEX text after the table */
	plan_backfill_state *backfill_state; /* backfill.c's own bookkeeping (names, catalog) */
	struct plan_walk_cache *walk_cache;  /* walk.c's: each step's statements, found once */
	struct plan_findings_by_cs *findings_by_cs; /* rewrite.c's: the findings per changeset */
} plan_ctx;

/* Adds a step for the current statement (or a plan-wide step when
 * ctx->cs is NULL).  The caller fills in the fields beyond these. */
mg_plan_step *plan_add_step(plan_ctx *ctx, mg_phase phase, mg_step_kind kind, const char *title);
/* Adds a note the review prints: something the plan could not do. */
void plan_add_note(plan_ctx *ctx, const char *fmt, ...) MG_PRINTF(2, 3);
/* Adds a check (verify.c and the rewriter both add them). */
mg_check *plan_add_check(plan_ctx *ctx, mg_check_when when, const char *title, const char *sql,
                         const char *expect);

/* rewrite.c: adds the steps that replace one statement of the release,
 * and applies the statement's operations to ctx->cat as it goes. */
void plan_rewrite_statement(plan_ctx *ctx);

/* rewrite.c: what the rewriter keeps of every statement of the history,
 * in or before the release (the text of each CREATE INDEX, to rebuild an
 * index with its opclasses and options).  Called before the statement
 * is rewritten or applied. */
void plan_note_statement(plan_ctx *ctx);

/* plan.c: one operation of the history as written, applied to ctx->cat. */
void plan_apply_original(plan_ctx *ctx, const mg_operation *op);
/* Step s runs op, an operation of the plan's own: the engine model judges
 * it against ctx->pcat (its locks and effects), it counts for the step's
 * place in the order, and pcat applies it. */
void plan_step_run(plan_ctx *ctx, mg_plan_step *s, mg_operation *op);
/* Step s runs op as the history wrote it (already judged by the replay). */
void plan_step_keep(plan_ctx *ctx, mg_plan_step *s, const mg_operation *op);

/* Ordering keys (plan.c): "kind:schema.table[.name]" with kind rel, col,
 * con, add (the columns DML sees), dat (the rows).  A step's keys come
 * from its operations unless the rewriter gives them: a contract that
 * renames a column back to its name makes no new column visible to DML,
 * and a backfill of a new column changes no row another step has read.
 * Keys given this way replace those of the step's operations. */
const char *plan_key(plan_ctx *ctx, const char *kind, const char *schema, const char *table,
                     const char *name);
void plan_step_define(plan_ctx *ctx, mg_plan_step *s, const char *key);
void plan_step_use(plan_ctx *ctx, mg_plan_step *s, const char *key);
/* The step only adds: it cannot break an earlier use of what it defines. */
void plan_step_additive(plan_ctx *ctx, mg_plan_step *s);
/* Gives the step the keys op has, leaving out those of DML visibility and
 * rows (add:, dat:) when schema_only. */
void plan_step_keys_of(plan_ctx *ctx, mg_plan_step *s, const mg_operation *op, bool schema_only);
/* The application deploy steps, from the deploy strategy. */
void plan_add_deploy_steps(plan_ctx *ctx);
/* Once the steps are in order: the findings a check of each step would
 * raise that the deploy steps answer (mg_step_waiver), with why. */
void plan_deploy_waivers(plan_ctx *ctx);

/* backfill.c: a batched, resumable backfill of `table` that sets
 * set_clause on the rows matching the idempotent predicate (set_clause
 * NULL: the batches DELETE those rows; predicate NULL: every row), sized from
 * the profile, with its scripts.  source_sql is the statement it replaces
 * (NULL when the plan introduces the backfill).  The rewriter makes the
 * step (MG_STEP_BACKFILL, phase backfill) and hangs the result on it; the
 * plan lists it in plan->backfills. */
mg_backfill *plan_backfill_new(plan_ctx *ctx, const mg_object *table, const char *set_clause,
                               const char *predicate, const char *source_sql);
/* backfill.c: the columns a SET list assigns (empty when it does not
 * parse as one). */
mg_name_list plan_backfill_set_columns(plan_ctx *ctx, const char *set_clause);
/* backfill_dml.c: the backfill for the current statement, an UPDATE or
 * DELETE (op) of ctx->stmt: its SET list and WHERE cut from the text, the
 * idempotent predicate derived from them.  NULL, with a note, when it
 * cannot be batched (WITH, RETURNING, ...): keep the statement then. */
mg_backfill *plan_backfill_from_statement(plan_ctx *ctx, const mg_operation *op);
/* Makes s the step that runs backfill b: its script (a procedure and
 * its CALL from PostgreSQL 11, a psql script before), retry, verify query
 * and runtime.  A backfill without a key to batch on runs as one
 * statement, said in the title. */
void plan_backfill_script(plan_ctx *ctx, mg_plan_step *s, mg_backfill *b);

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
