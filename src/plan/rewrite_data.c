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
 * backfill itself (sizing, script, checkpoint) comes from backfill.c.
 */
#include <ctype.h>
#include <string.h>

#include "plan/rewrite_int.h"

static bool sets_key(const rw *r);

static bool update_applies(const rw *r)
{
	return r->op->kind == MG_OP_UPDATE && r->live && r->op->set_clause && r->rel &&
	       r->rel->kind == MG_OBJ_TABLE && !sets_key(r);
}

static bool delete_applies(const rw *r)
{
	return r->op->kind == MG_OP_DELETE && r->live && r->rel && r->rel->kind == MG_OBJ_TABLE;
}

/* Splits "a = e1, b = e2" at its top-level commas and first '='; false
 * for a target that is not a plain column ((a, b) = ..., a[1] = ...). */
typedef struct assignment {
	const char *column;   /* as written */
	const char *expr;
} assignment;

static size_t split_set(mg_arena *a, const char *set, assignment *out, size_t max, bool *plain)
{
	size_t n = 0, depth = 0, start = 0, len = strlen(set);
	char quote = 0;
	*plain = true;
	for (size_t i = 0; i <= len; i++) {
		char ch = i < len ? set[i] : ',';
		if (quote) {
			if (ch == quote)
				quote = 0;
			continue;
		}
		if (ch == '\'' || ch == '"') {
			quote = ch;
			continue;
		}
		if (ch == '(' || ch == '[')
			depth++;
		else if ((ch == ')' || ch == ']') && depth)
			depth--;
		if (ch != ',' || depth)
			continue;
		const char *item = set + start;
		size_t ilen = i - start;
		const char *eq = memchr(item, '=', ilen);
		if (!eq || n == max) {
			*plain = false;
			return n;
		}
		size_t cl = (size_t)(eq - item);
		while (cl && isspace((unsigned char)item[cl - 1]))
			cl--;
		size_t cs = 0;
		while (cs < cl && isspace((unsigned char)item[cs]))
			cs++;
		const char *col = mg_arena_strndup(a, item + cs, cl - cs);
		if (strpbrk(col, "([.,") || !*col)
			*plain = false;
		const char *e = eq + 1;
		size_t el = ilen - (size_t)(e - item);
		while (el && isspace((unsigned char)*e))
			e++, el--;
		while (el && isspace((unsigned char)e[el - 1]))
			el--;
		out[n].column = col;
		out[n].expr = mg_arena_strndup(a, e, el);
		n++;
		start = i + 1;
	}
	return n;
}

/* An UPDATE of the primary key moves rows along the key the batches page
 * by: a row could be met twice.  It stays as written. */
static bool sets_key(const rw *r)
{
	assignment as[64];
	bool plain;
	size_t n = split_set(r->ctx->arena, r->op->set_clause, as, 64, &plain);
	for (size_t c = 0; c < r->rel->n_constraints; c++) {
		const mg_cat_constraint *k = &r->rel->constraints[c];
		if (k->kind != MG_CONSTRAINT_PRIMARY_KEY)
			continue;
		for (size_t i = 0; i < n; i++) {
			mg_name_list t = mg_sql_expr_columns(r->ctx->arena, as[i].column);
			for (size_t j = 0; j < k->columns.count && t.count; j++)
				if (!strcmp(k->columns.items[j], t.items[0]))
					return true;
		}
	}
	return !plain;
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
