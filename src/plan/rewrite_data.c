/*
 * rewrite_data.c: mass data changes on live tables become backfills.
 *
 *   UPDATE t SET ... [WHERE p] -> a batched backfill of the same SET on the
 *                                 rows where p holds and the SET would still
 *                                 change something (so a batch run twice
 *                                 changes nothing the second time)
 *   DELETE FROM t [WHERE p]    -> a batched delete of the rows where p holds
 *
 * One UPDATE of every row holds the row locks of the whole table until it
 * commits, writes it all as one transaction's WAL (replication lag) and
 * blocks any DDL queued behind it.  The batches commit one by one.  The
 * backfill itself (taking the statement apart, the key, sizing, script,
 * checkpoint) comes from backfill*.c, which also says, with a note, what
 * it cannot batch: the statement then stays as written.
 */
#include <string.h>

#include "plan/rewrite_int.h"

static bool update_applies(const rw *r)
{
	return r->op->kind == MG_OP_UPDATE && r->live && r->rel && r->rel->kind == MG_OBJ_TABLE;
}

static bool delete_applies(const rw *r)
{
	return r->op->kind == MG_OP_DELETE && r->live && r->rel && r->rel->kind == MG_OBJ_TABLE;
}

/* The author's SET list and condition, in keyset batches with an
 * idempotent guard (backfill_dml.c takes the statement apart); a
 * statement it cannot take apart reliably stays as written, with a note. */
static void dml_emit(rw *r, const char *what, const char *why_fmt)
{
	mg_arena *a = r->ctx->arena;
	mg_backfill *b = plan_backfill_from_statement(r->ctx, r->op);
	if (!b) {
		rw_keep(r);
		return;
	}
	mg_plan_step *s =
	    rw_backfill_of(r, b, mg_arena_printf(a, "%s %s in batches", what, r->rel->name),
	                   mg_arena_printf(a, why_fmt, rw_qname(r, r->rel->schema, r->rel->name)));
	if (!b->set_clause) {
		/* Fewer rows can only make an earlier check of the table pass more
		 * easily: the delete need not wait for one that moved later. */
		plan_ctx *ctx = r->ctx;
		plan_step_use(ctx, s, plan_key(ctx, "rel", r->rel->schema, r->rel->name, NULL));
		plan_step_define(ctx, s, plan_key(ctx, "dat", r->rel->schema, r->rel->name, NULL));
		plan_step_additive(ctx, s);
	}
}

static void update_emit(rw *r)
{
	dml_emit(r, "Backfill",
	         "One UPDATE of %s holds every row lock it takes until it commits and writes its WAL "
	         "as one transaction; in batches each commit is short, writers wait for one batch at "
	         "most and replicas keep up.");
}

static void delete_emit(rw *r)
{
	dml_emit(r, "Delete from",
	         "One DELETE of many rows of %s holds their row locks until it commits and writes its "
	         "WAL as one transaction; in batches each commit is short and replicas keep up.");
}

const rw_form rw_data_forms[] = {
	{"update-backfill", update_applies, update_emit},
	{"delete-backfill", delete_applies, delete_emit},
	{NULL, NULL, NULL},
};
