/*
 * rewrite_indexes.c: indexes built, dropped and rebuilt without blocking
 * writes.
 *
 *   CREATE INDEX            -> CREATE INDEX CONCURRENTLY, outside a transaction
 *   ... CONCURRENTLY IF NOT EXISTS -> without IF NOT EXISTS (it would keep an
 *                              INVALID index a failed build left behind)
 *   CREATE INDEX on a partitioned table -> ON ONLY the parent, CONCURRENTLY on
 *                              each partition, ATTACH each (11+)
 *   DROP INDEX              -> DROP INDEX CONCURRENTLY, in the contract
 *   REINDEX                 -> REINDEX CONCURRENTLY (12+)
 *
 * An index on a table created earlier in the release stays plain: the
 * table is empty and nobody reads it yet.
 */
#include <string.h>

#include "plan/rewrite_int.h"

static bool flag(const mg_operation *op, unsigned f)
{
	return (op->flags & f) != 0;
}

/* CREATE [UNIQUE] INDEX CONCURRENTLY name ON table <tail>: the tail of
 * the original text keeps what the operation does not record (opclasses,
 * INCLUDE, WITH, TABLESPACE); without text it is written from the op. */
static const char *index_sql(rw *r, const mg_operation *op, const char *name, const char *schema,
                             const char *table, bool only, const char *tail)
{
	mg_buf b = MG_BUF_INIT;
	mg_buf_printf(&b, "CREATE %sINDEX %s", flag(op, MG_OPF_UNIQUE) ? "UNIQUE " : "",
	              flag(op, MG_OPF_CONCURRENTLY) ? "CONCURRENTLY " : "");
	mg_sql_put_ident(&b, name);
	mg_buf_printf(&b, " ON %s", only ? "ONLY " : "");
	mg_sqlw_put_name(&r->ctx->sqlw, &b, schema, table);
	if (tail) {
		mg_buf_printf(&b, " %s", tail);
	} else {
		if (op->index_method && strcmp(op->index_method, "btree") != 0)
			mg_buf_printf(&b, " USING %s", op->index_method);
		mg_buf_putc(&b, ' ');
		mg_sql_put_list(&b, &op->index_columns);
		if (op->where_expr)
			mg_buf_printf(&b, " WHERE %s", op->where_expr);
	}
	mg_buf_putc(&b, ';');
	const char *sql = mg_arena_strdup(r->ctx->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return sql;
}

static mg_operation *index_op(rw *r, const char *name, const char *schema, const char *table,
                              unsigned flags)
{
	mg_operation *op = rw_copy_op(r);
	op->object = (mg_object){MG_OBJ_INDEX, schema, table, name};
	op->related = (mg_object){MG_OBJ_TABLE, schema, NULL, table};
	op->flags = (r->op->flags & (MG_OPF_UNIQUE | MG_OPF_HAS_WHERE)) | flags;
	return op;
}

static const char *index_name(rw *r)
{
	if (r->op->object.name)
		return r->op->object.name;
	const char *schema, *table;
	mg_op_table(r->op, &schema, &table);
	return rw_pg_name(r, schema, table, &r->op->index_columns, "idx");
}

/* ---- CREATE INDEX -> CONCURRENTLY ----------------------------------------- */

static bool create_applies(const rw *r)
{
	const mg_operation *op = r->op;
	if (op->kind != MG_OP_CREATE_INDEX || !r->live || !r->rel || r->rel->partitioned ||
	    flag(op, MG_OPF_ONLY))
		return false;
	/* Already concurrent: only IF NOT EXISTS needs to go. */
	return !flag(op, MG_OPF_CONCURRENTLY) || flag(op, MG_OPF_IF_NOT_EXISTS);
}

static void create_emit(rw *r)
{
	const char *schema, *table;
	mg_op_table(r->op, &schema, &table);
	const char *name = index_name(r);
	bool was_concurrent = flag(r->op, MG_OPF_CONCURRENTLY);
	mg_plan_step *s = rw_step(r, MG_PHASE_EXPAND, MG_STEP_SQL,
	                          mg_arena_printf(r->ctx->arena, "Build %s concurrently", name));
	s->in_transaction = false;
	mg_operation *op = index_op(r, name, schema, table, MG_OPF_CONCURRENTLY);
	rw_run_text(r, s, index_sql(r, op, name, schema, table, false, rw_index_tail(r)), op);
	rw_finish(r, s,
	          was_concurrent
	              ? "Builds the index concurrently without IF NOT EXISTS: after a failed build "
	                "IF NOT EXISTS would silently keep the INVALID index it left behind."
	              : mg_arena_printf(r->ctx->arena,
	                                "CREATE INDEX CONCURRENTLY builds under SHARE UPDATE "
	                                "EXCLUSIVE: reads and writes of %s go on during the build "
	                                "(it takes longer and cannot run in a transaction).",
	                                rw_qname(r, schema, table)));
}

/* ---- A partitioned table's index ---------------------------------------- */

static bool partitioned_applies(const rw *r)
{
	const mg_operation *op = r->op;
	return op->kind == MG_OP_CREATE_INDEX && r->live && r->rel && r->rel->partitioned &&
	       !flag(op, MG_OPF_ONLY) && r->major >= 11 && r->rel->n_partitions > 0;
}

static bool same_names(const mg_name_list *a, const mg_name_list *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (!mg_str_eq(a->items[i], b->items[i]))
			return false;
	return true;
}

static const mg_cat_index *matching_index(const mg_operation *op, const mg_cat_relation *part)
{
	for (size_t i = 0; i < part->n_indexes; i++) {
		const mg_cat_index *ix = &part->indexes[i];
		if (!ix->constraint && ix->unique == flag(op, MG_OPF_UNIQUE) &&
		    same_names(&ix->columns, &op->index_columns) &&
		    mg_str_eq(ix->where_expr, op->where_expr) &&
		    mg_str_eq(ix->method ? ix->method : "btree",
		              op->index_method ? op->index_method : "btree"))
			return ix;
	}
	return NULL;
}

/* ON ONLY the parent (invalid until every partition is attached), then per
 * partition a concurrent build and an ATTACH; a partition that is itself
 * partitioned gets the same treatment. */
static void partitioned_level(rw *r, const mg_cat_relation *parent, const char *parent_index,
                              const char *tail)
{
	for (size_t i = 0; i < parent->n_partitions; i++) {
		const mg_cat_relation *part = parent->partitions[i];
		/* PostgreSQL attaches a partition's matching index instead of
		 * building another. */
		const mg_cat_index *same = matching_index(r->op, part);
		const char *name = same ? same->name
		                        : rw_pg_name(r, part->schema, part->name, &r->op->index_columns,
		                                     "idx");
		mg_plan_step *s;
		if (same) {
			/* nothing to build */
		} else if (part->partitioned) {
			s = rw_step(r, MG_PHASE_EXPAND, MG_STEP_SQL,
			            mg_arena_printf(r->ctx->arena, "Create %s on %s only", name, part->name));
			mg_operation *op = index_op(r, name, part->schema, part->name, MG_OPF_ONLY);
			rw_run_text(r, s, index_sql(r, op, name, part->schema, part->name, true, tail), op);
			rw_finish(r, s, "The partition is partitioned itself: its index is created on it "
			                "alone and becomes valid once its own partitions are attached.");
			partitioned_level(r, part, name, tail);
		} else {
			s = rw_step(r, MG_PHASE_EXPAND, MG_STEP_SQL,
			            mg_arena_printf(r->ctx->arena, "Build %s concurrently", name));
			s->in_transaction = false;
			mg_operation *op = index_op(r, name, part->schema, part->name, MG_OPF_CONCURRENTLY);
			rw_run_text(r, s, index_sql(r, op, name, part->schema, part->name, false, tail), op);
			rw_finish(r, s, mg_arena_printf(r->ctx->arena,
			                                "Builds the index of partition %s without blocking "
			                                "its writes.",
			                                rw_qname(r, part->schema, part->name)));
		}
		s = rw_step(r, MG_PHASE_EXPAND, MG_STEP_SQL,
		            mg_arena_printf(r->ctx->arena, "Attach %s to %s", name, parent_index));
		mg_operation *at = rw_op_on(r, MG_OP_ATTACH_INDEX, parent->schema, parent->name);
		at->object = (mg_object){MG_OBJ_INDEX, parent->schema, parent->name, parent_index};
		at->related = (mg_object){MG_OBJ_INDEX, part->schema, part->name, name};
		rw_run(r, s, at);
		rw_finish(r, s, "Attaching a built index is a catalog change; the parent's index is "
		                "valid once every partition's is attached.");
	}
}

static void partitioned_emit(rw *r)
{
	const char *schema, *table;
	mg_op_table(r->op, &schema, &table);
	const char *name = index_name(r);
	const char *tail = rw_index_tail(r);
	mg_plan_step *s = rw_step(r, MG_PHASE_EXPAND, MG_STEP_SQL,
	                          mg_arena_printf(r->ctx->arena, "Create %s on %s only", name, table));
	mg_operation *op = index_op(r, name, schema, table, MG_OPF_ONLY);
	rw_run_text(r, s, index_sql(r, op, name, schema, table, true, tail), op);
	rw_finish(r, s, mg_arena_printf(r->ctx->arena,
	                                "A plain CREATE INDEX on partitioned %s builds every "
	                                "partition's index while blocking its writes; ON ONLY "
	                                "creates the parent's index alone (invalid for now).",
	                                rw_qname(r, schema, table)));
	partitioned_level(r, r->rel, name, tail);
}

/* ---- DROP INDEX -> CONCURRENTLY ----------------------------------------- */

static bool drop_applies(const rw *r)
{
	const mg_operation *op = r->op;
	if (op->kind != MG_OP_DROP_INDEX || flag(op, MG_OPF_CONCURRENTLY) ||
	    flag(op, MG_OPF_CASCADE) || !op->object.name)
		return false;
	mg_cat_index *ix = NULL;
	mg_cat_relation *t = mg_catalog_index_table(r->ctx->cat, op->object.schema, op->object.name,
	                                            &ix);
	/* A partitioned index cannot be dropped concurrently; one that backs
	 * a constraint cannot be dropped at all. */
	return t && !t->partitioned && ix && !ix->constraint && rw_rel_live(r->ctx, t);
}

static void drop_emit(rw *r)
{
	const mg_operation *op = r->op;
	mg_plan_step *s = rw_step(r, MG_PHASE_CONTRACT, MG_STEP_SQL,
	                          mg_arena_printf(r->ctx->arena, "Drop %s concurrently", op->object.name));
	s->in_transaction = false;
	mg_operation *d = rw_copy_op(r);
	d->flags = (op->flags & MG_OPF_IF_EXISTS) | MG_OPF_CONCURRENTLY;
	rw_run(r, s, d);
	rw_finish(r, s, "DROP INDEX takes ACCESS EXCLUSIVE on the table: every query waits behind "
	                "it; CONCURRENTLY waits for the queries instead.  A query plan of the running "
	                "version may still use the index, so it goes in the next release.");
}

/* ---- REINDEX -> CONCURRENTLY (12+) ----------------------------------------- */

static bool reindex_applies(const rw *r)
{
	const mg_operation *op = r->op;
	if (op->kind != MG_OP_REINDEX || flag(op, MG_OPF_CONCURRENTLY) || r->major < 12)
		return false;
	if (op->object.kind == MG_OBJ_INDEX) {
		mg_cat_relation *t = mg_catalog_index_table(r->ctx->cat, op->object.schema,
		                                            op->object.name, NULL);
		return t && !t->partitioned && rw_rel_live(r->ctx, t);
	}
	/* REINDEX SYSTEM cannot run concurrently. */
	return op->object.kind == MG_OBJ_TABLE ? r->live && !r->rel->partitioned
	                                       : !(op->detail && !strcmp(op->detail, "system"));
}

static void reindex_emit(rw *r)
{
	mg_plan_step *s = rw_step(r, MG_PHASE_EXPAND, MG_STEP_SQL,
	                          mg_arena_printf(r->ctx->arena, "Reindex %s concurrently",
	                                          r->op->object.name ? r->op->object.name : ""));
	s->in_transaction = false;
	mg_operation *op = rw_copy_op(r);
	op->flags |= MG_OPF_CONCURRENTLY;
	rw_run(r, s, op);
	rw_finish(r, s, "REINDEX blocks writes to the table (and reads that use the index) while "
	                "it rebuilds; REINDEX CONCURRENTLY (PostgreSQL 12+) builds a new copy "
	                "alongside and swaps it in.");
}

const rw_form rw_index_forms[] = {
	{"create-index-concurrently", create_applies, create_emit},
	{"partitioned-index", partitioned_applies, partitioned_emit},
	{"drop-index-concurrently", drop_applies, drop_emit},
	{"reindex-concurrently", reindex_applies, reindex_emit},
	{NULL, NULL, NULL},
};
