/*
 * backfill_dml.c: an UPDATE or DELETE of the release, run as a backfill.
 *
 * One statement that changes every matching row of a live table holds all
 * their row locks until it commits and writes all its WAL at once.  The
 * backfill runs the author's own SET list and condition in keyset batches
 * instead.  What makes it safe to stop and resume is the idempotent
 * predicate: the author's condition, and for an UPDATE also "the row does
 * not hold the new value yet" (target IS DISTINCT FROM the expression,
 * cast to the column's type so that rounding on assignment does not make
 * a done row look undone).  That guard only works when the expression is
 * constant per row: one that reads a column it sets (n = n + 1) or is
 * volatile or stable (random(), now()) gives a new value every time, so
 * such a backfill relies on its checkpoint alone and says so.
 */
#include <string.h>

#include "migraph/sqlwrite.h"
#include "migraph/catalog.h"
#include "migraph/sql.h"
#include "plan/backfill_int.h"

/* "(ref.a, ref.b) IS DISTINCT FROM ((e1)::t1, (e2)::t2)" */
static const char *not_done_yet(plan_ctx *ctx, const mg_sql_dml *d, const char *ref,
                                const mg_cat_relation *rel)
{
	mg_buf b = MG_BUF_INIT;
	bool row = d->set_columns.count > 1;
	mg_buf_puts(&b, row ? "(" : "");
	for (size_t i = 0; i < d->set_columns.count; i++)
		mg_buf_printf(&b, "%s%s.%s", i ? ", " : "", ref,
		              plan_backfill_ident(ctx->arena, d->set_columns.items[i]));
	mg_buf_puts(&b, row ? ") IS DISTINCT FROM (" : " IS DISTINCT FROM ");
	for (size_t i = 0; i < d->set_exprs.count; i++) {
		const mg_cat_column *c =
		    rel ? mg_catalog_column(rel, d->set_columns.items[i]) : NULL;
		if (c && c->type && !c->uncertain)
			mg_buf_printf(&b, "%s(%s)::%s", i ? ", " : "", d->set_exprs.items[i],
			              c->type);
		else
			mg_buf_printf(&b, "%s(%s)", i ? ", " : "", d->set_exprs.items[i]);
	}
	mg_buf_puts(&b, row ? ")" : "");
	const char *r = mg_arena_strdup(ctx->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}

/* The statement's text without its terminator: its own, or for a
 * Liquibase change type (which has none) the SQL the writer makes of the
 * operation. */
static const char *statement_text(plan_ctx *ctx, const mg_operation *op, size_t *len)
{
	const mg_statement *st = ctx->stmt;
	if (st && st->sql) {
		*len = st->sql_len;
		return st->sql;
	}
	const char *sql = mg_sqlw_op(&ctx->sqlw, op, NULL);
	if (!sql)
		return NULL;
	size_t n = strlen(sql);
	while (n && (sql[n - 1] == ';' || sql[n - 1] == '\n' || sql[n - 1] == ' '))
		n--;
	*len = n;
	return sql;
}

/* A SET that changes the key the batches page by moves rows along it: a
 * row could be met twice. */
static const char *sets_the_key(plan_ctx *ctx, const mg_sql_dml *d, const mg_object *table)
{
	const mg_cat_relation *rel = plan_backfill_relation(ctx, table);
	mg_name_list key;
	const char *how;
	if (!rel || !plan_backfill_key(rel, &key, &how))
		return NULL;
	for (size_t i = 0; i < d->set_columns.count; i++)
		for (size_t k = 0; k < key.count; k++)
			if (!strcmp(d->set_columns.items[i], key.items[k]))
				return mg_arena_printf(ctx->arena,
				                       "it changes %s, a column of the key (%s) the batches "
				                       "would page by: a row could be met twice",
				                       key.items[k], how);
	return NULL;
}

mg_backfill *plan_backfill_from_statement(plan_ctx *ctx, const mg_operation *op)
{
	const mg_statement *st = ctx->stmt;
	if (!st || (op->kind != MG_OP_UPDATE && op->kind != MG_OP_DELETE) || !op->object.name)
		return NULL;
	const char *schema = op->object.schema;
	size_t len = 0;
	const char *text = statement_text(ctx, op, &len);
	mg_sql_dml d;
	const char *why = NULL;
	if (!text)
		why = "migraph does not know the values it sets";
	else if (mg_sql_dml_parts(ctx->arena, text, len, schema, &d) != 0)
		why = "its parts could not be taken apart reliably";
	else if (d.has_with)
		why = "it starts with WITH: the common table expressions would run once per batch";
	else if (d.has_returning)
		why = "its RETURNING list goes to a caller that a batched run does not have";
	else if (d.where_current_of)
		why = "WHERE CURRENT OF needs the cursor of its session";
	else if (d.kind == MG_OP_UPDATE)
		why = sets_the_key(ctx, &d, &op->object);
	if (why) {
		plan_add_note(ctx, "%s:%u: %s of %s.%s kept as one statement: %s", st->loc.file,
		              st->loc.line, op->kind == MG_OP_UPDATE ? "UPDATE" : "DELETE",
		              schema ? schema : mg_project_default_schema(ctx->project), op->object.name, why);
		return NULL;
	}
	const char *source = mg_arena_printf(ctx->arena, "%.*s;", (int)len, text);
	const char *ref = d.alias ? plan_backfill_ident(ctx->arena, d.alias)
	                          : plan_backfill_ident(ctx->arena, op->object.name);
	const char *predicate = d.where_clause;
	bool idempotent = true;
	if (d.kind == MG_OP_UPDATE) {
		bool guardable = !d.set_reads_targets && !d.set_default && !d.set_subfield &&
		                 !d.multi_assign && d.set_exprs.count == d.set_columns.count &&
		                 (d.set_volatility == MG_VOLATILITY_NONE ||
		                  d.set_volatility == MG_VOLATILITY_CONSTANT);
		if (guardable) {
			const char *guard =
			    not_done_yet(ctx, &d, ref, plan_backfill_relation(ctx, &op->object));
			predicate =
			    predicate ? mg_arena_printf(ctx->arena, "(%s) AND %s", predicate, guard)
			              : guard;
		} else {
			idempotent = false;
		}
	}
	return plan_backfill_build(ctx, &op->object, d.alias, d.only,
	                           d.kind == MG_OP_UPDATE ? d.set_clause : NULL, d.from_clause,
	                           predicate, d.where_clause, idempotent, source);
}

void plan_backfill_script(plan_ctx *ctx, mg_plan_step *s, mg_backfill *b)
{
	mg_arena *a = ctx->arena;
	s->kind = MG_STEP_BACKFILL;
	s->backfill = b;
	s->in_transaction = false; /* it commits per batch */
	if (!b->key_known) {
		const char *tbl = mg_arena_printf(a, "%s.%s", b->table.schema ? b->table.schema : mg_project_default_schema(ctx->project),
		                                  b->table.name);
		s->title = mg_arena_printf(a, "%s %s as one statement (no key to batch on)",
		                           b->set_clause ? "Update" : "Delete from", tbl);
		s->sql = b->run_sql;
		s->rewritten = false;
		return;
	}
	s->sql = ctx->project->engine.major >= 11
	             ? mg_arena_printf(a, "%s%s%s", b->setup_sql, b->script_sql, b->run_sql)
	             : b->script_sql;
	s->retry =
	    ctx->project->engine.major >= 11
	        ? "Run the CALL again: it resumes after the last batch that committed."
	        : "Run the psql script again: it resumes after the last batch that committed.";
	s->verify_sql = b->verify_sql;
	s->runtime_known = b->runtime_known;
	s->runtime_ms = b->runtime_ms;
	s->runtime_assumption = b->runtime_known ? b->sizing_reasoning : NULL;
}
