/*
 * rewrite_int.h: what the rewrite files share.
 *
 * rewrite.c walks a statement's operations.  Each family file
 * (rewrite_indexes.c, rewrite_constraints.c, rewrite_columns.c,
 * rewrite_renames.c, rewrite_data.c, rewrite_partitions.c,
 * rewrite_other.c) offers forms: a test that says whether the form
 * applies to an operation, and an emitter that adds the steps of the safe
 * sequence.  An operation no form takes is kept as written, in the phase
 * its kind belongs to.
 *
 * Every step ends in rw_finish(), which decides how it runs (transaction
 * or not, lock_timeout, statement_timeout, retry) from what its
 * operations lock and cost, so that no form repeats that policy.
 */
#ifndef MIGRAPH_PLAN_REWRITE_INT_H
#define MIGRAPH_PLAN_REWRITE_INT_H

#include "migraph/engine.h"
#include "plan/plan_int.h"

/* One operation being rewritten, with what the forms ask about it. */
typedef struct rw {
	plan_ctx *ctx;
	const mg_statement *st;
	const mg_operation *op;
	mg_cat_relation *rel;      /* the table it acts on, just before it (NULL: unknown) */
	bool live;                 /* that table may hold rows and serve traffic */
	bool single;               /* the only operation of its statement: its text is its own */
	int major;                 /* target PostgreSQL major version */
	const char *impact;        /* what the original costs production, for "why" */
} rw;

typedef struct rw_form {
	const char *name;
	bool (*applies)(const rw *r);
	void (*emit)(rw *r);
} rw_form;

/* The families' forms, each ended by an entry with a NULL name. */
extern const rw_form rw_index_forms[];
extern const rw_form rw_constraint_forms[];
extern const rw_form rw_column_forms[];
extern const rw_form rw_rename_forms[];
extern const rw_form rw_data_forms[];
extern const rw_form rw_partition_forms[];
extern const rw_form rw_other_forms[];

/* ---- Steps (rewrite.c) ------------------------------------------------ */

/* A step of the rewrite of r->op: rewritten, in the given phase. */
mg_plan_step *rw_step(rw *r, mg_phase phase, mg_step_kind kind, const char *title);
/* Appends the SQL of op (written by the SQL writer) to the step, and makes
 * op one the step runs.  Returns false when the writer cannot write it. */
bool rw_run(rw *r, mg_plan_step *s, mg_operation *op);
/* Appends SQL text the step runs, with the operation that stands for it
 * (its locks and ordering keys); op may be NULL for text that locks
 * nothing new. */
void rw_run_text(rw *r, mg_plan_step *s, const char *sql, mg_operation *op);
/* Decides how the step runs from its operations; why is the reason it
 * exists ("what it replaces and the impact avoided").  Call once, last. */
void rw_finish(rw *r, mg_plan_step *s, const char *why);

/* A backfill step (phase backfill) of table: set_clause on the rows the
 * idempotent predicate matches, or a batched DELETE of them when
 * set_clause is NULL; source_sql is the statement it replaces (NULL when
 * the plan introduces it). */
mg_plan_step *rw_backfill(rw *r, const char *schema, const char *table, const char *set_clause,
                          const char *predicate, const char *source_sql, const char *title,
                          const char *why);

/* The same for a backfill already made (an UPDATE or DELETE of the
 * release taken apart by plan_backfill_from_statement). */
mg_plan_step *rw_backfill_of(rw *r, mg_backfill *b, const char *title, const char *why);
/* Keeps the statement of r as written (a form that finds, once it looks
 * closer, that it cannot rewrite it). */
void rw_keep(rw *r);

/* Ordering keys for a step whose SQL migraph cannot read (a DO block):
 * every relation its text names is read and its rows may change. */
void rw_text_keys(plan_ctx *ctx, mg_plan_step *s, const char *sql);

/* A copy of r->op that the engine model judges again (its locks and
 * effects cleared), for a step that runs the operation in another form. */
mg_operation *rw_copy_op(rw *r);
/* Records what the application has to know about this rewrite. */
void rw_app_change(rw *r, plan_app_change change);

/* A new operation of kind on the table of r->op (object and related
 * filled for the table); the caller sets the rest. */
mg_operation *rw_op(rw *r, mg_op_kind kind);
/* The same for an explicit table. */
mg_operation *rw_op_on(rw *r, mg_op_kind kind, const char *schema, const char *table);

/* ---- Names (rewrite.c) -------------------------------------------------- */

/* A name that exists nowhere in the schema (relations and indexes of the
 * schema, constraints of the table, triggers and functions the plan
 * made) and was not chosen before: base + "_" + suffix, cut to 63 bytes,
 * with a number added when taken. */
const char *rw_new_name(rw *r, const char *schema, const char *table, const char *base,
                        const char *suffix);
/* The name PostgreSQL gives an unnamed index or constraint (its
 * ChooseRelationName / ChooseConstraintName): table_cols_label, numbered
 * when taken.  label: "idx", "key", "pkey", "fkey", "check", "excl". */
const char *rw_pg_name(rw *r, const char *schema, const char *table, const mg_name_list *cols,
                       const char *label);
/* The name a constraint op will get: its own, or PostgreSQL's choice. */
const char *rw_constraint_name(rw *r, const char *schema, const char *table,
                               const mg_constraint_def *k, const char *column);

/* ---- Shared helpers ---------------------------------------------------- */

/* Whether a relation may hold rows and serve traffic. */
bool rw_rel_live(const plan_ctx *ctx, const mg_cat_relation *rel);
/* "public.orders" */
const char *rw_qname(const rw *r, const char *schema, const char *name);
/* The statement's own text with a ';', or NULL. */
const char *rw_stmt_sql(const rw *r);
/* The text of the original statement after "ON [ONLY] table" of a
 * CREATE INDEX ("USING gin (title gin_trgm_ops) WHERE ..."), or NULL. */
const char *rw_index_tail(const rw *r);
/* The text after "ON table" of the CREATE INDEX that made an index (as
 * rw_index_tail), when the history has it. */
const char *rw_index_tail_of(rw *r, const char *schema, const char *index);
/* An expression with every reference to column `from` renamed `to`. */
const char *rw_expr_rename(rw *r, const char *expr, const char *from, const char *to);

/* ---- Shadow columns (rewrite_columns.c) ---------------------------------- */

/* The expand/contract of a column that changes name or type: a new column
 * kept in sync both ways by a trigger, a backfill, what the old column
 * carries (NOT NULL, CHECKs, foreign keys, UNIQUE/PRIMARY KEY, indexes,
 * default) rebuilt on the new one, and a contract in the next release
 * that drops the old column and gives the new one its final name.
 * Returns false (adding nothing) when something cannot be carried; *why
 * says what. */
typedef struct rw_shadow {
	const char *column;        /* the old column */
	const char *new_column;    /* the name it has once the rewrite is over */
	const char *new_type;      /* NULL: the old column's type */
	const char *using_expr;    /* conversion of a type change, NULL: assignment cast */
	const char *what;          /* "rename" / "type change": for titles */
} rw_shadow;

bool rw_shadow_blocked(rw *r, const rw_shadow *sh, const char **why);
void rw_shadow_emit(rw *r, const rw_shadow *sh);
/* The operation kept as one step (what: "rename", "type change") with a
 * plan note saying why the expand/contract could not be planned. */
void rw_guarded(rw *r, const char *what, const char *why);

/* ---- The CHECK route to NOT NULL (rewrite_constraints.c) ----------------- */

/* CHECK (col IS NOT NULL) NOT VALID, VALIDATE, then SET NOT NULL and DROP
 * the CHECK in one short transaction: SET NOT NULL skips its scan behind
 * the valid CHECK (PostgreSQL 12+).  Before 12 nothing avoids the scan:
 * the route is a plain SET NOT NULL that says so.  The two halves are
 * separate so a rewrite can put its own steps between them (steps of one
 * operation run in the order they are made). */
typedef struct rw_nn {
	const char *schema, *table, *column;
	const char *check;         /* the temporary CHECK's name; NULL before 12 */
	bool shadow;               /* column is a type change's shadow, which an earlier
	                              statement's contract renames: the steps wait for its
	                              rows, not for that contract */
} rw_nn;

void rw_nn_expand(rw *r, rw_nn *nn, mg_phase phase);
void rw_nn_validate(rw *r, const rw_nn *nn);

/* ADD CONSTRAINT name (a CHECK or FOREIGN KEY) NOT VALID in `phase`, then,
 * when validate, VALIDATE CONSTRAINT in the validate phase.  why: the
 * first step's reason (NULL: the standard one). */
void rw_not_valid_then_validate(rw *r, const char *schema, const char *table,
                                const mg_constraint_def *def, const char *name, mg_phase phase,
                                bool validate, const char *why);
/* CREATE UNIQUE INDEX CONCURRENTLY name ON table (cols), outside a
 * transaction, in `phase`. */
void rw_unique_index(rw *r, mg_phase phase, const char *schema, const char *table,
                     const char *name, const mg_name_list *cols, const char *why);
/* ADD CONSTRAINT name UNIQUE/PRIMARY KEY USING INDEX name (validate phase). */
void rw_using_index(rw *r, const char *schema, const char *table, const char *name,
                    const mg_constraint_def *k, const char *why);

#endif
