/*
 * engine.h: the engine lock model.
 *
 * For an operation and a PostgreSQL major version (10 to 18) the model
 * says which lock each relation gets (the other side of a foreign key,
 * the parent and partitions of partition operations, the indexes and
 * sequences involved), whether the table is rewritten, scanned or gets an
 * index built, whether the statement may run in a transaction block, and
 * whether the server rejects it on that version.
 *
 * The model is written as rules about operations and versions.  It never
 * reads the observed tables under tests/truth: they are its test.
 */
#ifndef MIGRAPH_ENGINE_H
#define MIGRAPH_ENGINE_H

#include "migraph/catalog.h"
#include "migraph/model.h"

/* "AccessExclusiveLock" ... as in pg_locks.mode; "" for MG_LOCK_NONE. */
const char *mg_lock_mode_name(mg_lock_mode mode);
/* Parses a pg_locks mode name; returns 0 or -1. */
int mg_lock_mode_parse(const char *name, mg_lock_mode *out);
/* PostgreSQL's conflict table: does a request for `requested` wait for `held`? */
bool mg_lock_conflicts(mg_lock_mode requested, mg_lock_mode held);
/* What plain traffic a held lock blocks. */
bool mg_lock_blocks_reads(mg_lock_mode mode);   /* plain SELECT */
bool mg_lock_blocks_writes(mg_lock_mode mode);  /* INSERT/UPDATE/DELETE */

/* Session state that changes the model's answer. */
typedef struct mg_engine_session {
	bool timezone_utc;             /* timestamp <-> timestamptz skips the rewrite (12+) */
	bool in_transaction_block;     /* the statement runs inside BEGIN ... COMMIT */
	/* The operations of the statement being run, when known: one DROP of
	 * several objects drops them together, so one of them may depend on
	 * another without CASCADE. */
	mg_operation *const *statement_ops;
	size_t n_statement_ops;
} mg_engine_session;

/* Fills op->locks, op->n_locks, op->effects, op->effect_note and
 * op->predicted_error for the target engine, given the schema as it is
 * just before the operation runs.  Allocates in arena. */
void mg_engine_annotate(mg_arena *arena, const mg_engine_target *engine,
                        const mg_engine_session *session, const mg_catalog *catalog,
                        mg_operation *op);

#endif
