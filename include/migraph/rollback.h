/*
 * rollback.h: how a change is taken back.
 *
 * Two questions, asked by the rollback rules (src/analyze/rollback.c) and
 * by the plan's rollback pass (src/plan/rollback.c):
 *
 *  - What rollback does the project itself give a changeset?  A Liquibase
 *    rollback block (possibly empty: "nothing to undo"), Liquibase's
 *    automatic rollback of its change types, or a Flyway undo script.
 *  - What is the inverse of one operation, given the schema just before
 *    it ran?  CREATE -> DROP, ADD COLUMN -> DROP COLUMN, RENAME -> RENAME
 *    back, SET DEFAULT -> the previous default, DROP INDEX -> the index
 *    re-created from its definition ...  A drop of data only gets its shape
 *    back, said plainly, with the forward fix a DBA would use instead.
 *
 * Derived SQL is written for PostgreSQL, with identifiers quoted where
 * PostgreSQL needs it and names qualified outside the default schema, and
 * it always parses (anything that would not is reported as having no
 * inverse instead).
 */
#ifndef MIGRAPH_ROLLBACK_H
#define MIGRAPH_ROLLBACK_H

#include "migraph/catalog.h"
#include "migraph/rules.h"

/* ---- The rollback a project gives a changeset --------------------------- */

typedef enum mg_rollback_kind {
	MG_ROLLBACK_NONE = 0,     /* no block, no automatic rollback, no undo script */
	MG_ROLLBACK_BLOCK,        /* a Liquibase rollback block with statements */
	MG_ROLLBACK_EMPTY_BLOCK,  /* an empty Liquibase rollback block: "nothing to undo" */
	MG_ROLLBACK_AUTO,         /* Liquibase derives it from the change types */
	MG_ROLLBACK_UNDO          /* a Flyway undo script (U<version>) */
} mg_rollback_kind;

typedef struct mg_changeset_rollback {
	mg_rollback_kind kind;
	mg_statement *const *stmts;   /* BLOCK and UNDO: the statements to run */
	size_t n_stmts;
	const mg_changeset *undo;     /* UNDO: the undo script's changeset */
	mg_loc loc;                   /* where the rollback is written */
	const char *source;           /* "liquibase rollback block", "flyway undo U3__x.sql" ... */
} mg_changeset_rollback;

mg_changeset_rollback mg_changeset_rollback_of(mg_arena *arena, const mg_project *project,
                                               const mg_changeset *cs);

/* ---- What an operation touches -------------------------------------------- */

/* DROP TABLE, DROP COLUMN, TRUNCATE, DELETE, DROP SCHEMA ... CASCADE: the
 * change destroys data nothing can re-derive. */
bool mg_op_destroys_data(const mg_operation *op);

/* ---- The inverse of one operation ---------------------------------------- */

typedef enum mg_inverse_kind {
	MG_INVERSE_EXACT = 0,  /* sql takes it back and nothing is lost */
	MG_INVERSE_NOTHING,    /* nothing to take back (no schema change, an IF NOT EXISTS no-op) */
	MG_INVERSE_SHAPE,      /* sql brings the shape back; the data the change destroyed is gone */
	MG_INVERSE_NONE        /* no inverse: forward_fix says what to do instead */
} mg_inverse_kind;

typedef struct mg_inverse {
	mg_inverse_kind kind;
	const char *sql;          /* EXACT and SHAPE: statements, each ending in ';' */
	const char *note;         /* what it cannot bring back, or why there is no inverse */
	const char *forward_fix;  /* SHAPE and NONE: how to go forward instead */
	bool destroys_data;       /* the change itself destroys rows or values */
	bool outside_transaction; /* sql must run outside a transaction block (CONCURRENTLY) */
} mg_inverse;

/* The inverse of op, from the schema just before it ran (before is only
 * read).  concurrently: the change runs outside a transaction, so index
 * builds and drops in the inverse may use CONCURRENTLY too. */
mg_inverse mg_inverse_of(mg_project *project, const mg_catalog *before, const mg_operation *op,
                         bool concurrently);

/* The inverse of several operations run in order (a statement, a step or
 * a changeset): each derived against the schema the earlier ones left,
 * joined in reverse order, with the weakest kind of them all.  work is a
 * catalog the operations are applied to on the way (a copy the caller
 * owns: it ends in the state after them). */
mg_inverse mg_inverse_of_ops(mg_project *project, mg_catalog *work, const mg_operation *const *ops,
                             size_t n_ops, bool concurrently);

#endif
