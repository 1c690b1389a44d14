/*
 * rewrite_partitions.c: partitions attached and detached without a long
 * lock.
 *
 *   ATTACH PARTITION -> a CHECK that matches the bound, added NOT VALID and
 *                       validated (no lock blocking writes), then ATTACH,
 *                       which skips its scan of the partition because the
 *                       CHECK proves the bound, and the CHECK dropped
 *   DETACH PARTITION -> DETACH ... CONCURRENTLY (14+), outside a transaction
 *
 * A hash bound has no CHECK form PostgreSQL's proof understands, and a
 * multi-column range bound proves only in its expanded form: both stay
 * as written.
 */
#include <string.h>

#include "plan/rewrite_int.h"

/* The partition's parent, as the catalog knows it before the ATTACH. */
static mg_cat_relation *parent_of(const rw *r)
{
	const mg_operation *op = r->op;
	return mg_catalog_relation(r->ctx->cat, op->related.schema, op->related.name);
}

static bool attach_applies(const rw *r)
{
	const mg_operation *op = r->op;
	if (op->kind != MG_OP_ATTACH_PARTITION || !r->live || !r->rel || r->rel->partitioned ||
	    (op->flags & MG_OPF_DEFAULT))
		return false;
	mg_cat_relation *parent = parent_of(r);
	return parent && parent->partition_key.count == 1 &&
	       (op->bound_in.count || (op->bound_from.count == 1 && op->bound_to.count == 1));
}

static bool is_word(const char *v, const char *w)
{
	return mg_str_ieq(v, w);
}

/* The partition constraint PostgreSQL derives from the bound, written as
 * a CHECK: key IS NOT NULL AND key >= from AND key < to, or
 * key IS NOT NULL AND key = ANY (ARRAY[...]) (with IS NULL OR for NULL). */
static const char *bound_check(rw *r, const char *key)
{
	const mg_operation *op = r->op;
	mg_buf b = MG_BUF_INIT;
	mg_buf kb = MG_BUF_INIT;
	mg_sql_put_ident(&kb, key);
	const char *k = mg_buf_cstr(&kb);
	if (op->bound_in.count) {
		bool has_null = false;
		mg_buf vals = MG_BUF_INIT;
		for (size_t i = 0; i < op->bound_in.count; i++) {
			if (is_word(op->bound_in.items[i], "NULL")) {
				has_null = true;
				continue;
			}
			mg_buf_printf(&vals, "%s%s", vals.len ? ", " : "", op->bound_in.items[i]);
		}
		if (has_null && vals.len)
			mg_buf_printf(&b, "%s IS NULL OR %s IN (%s)", k, k, mg_buf_cstr(&vals));
		else if (has_null)
			mg_buf_printf(&b, "%s IS NULL", k);
		else
			mg_buf_printf(&b, "%s IS NOT NULL AND %s IN (%s)", k, k, mg_buf_cstr(&vals));
		mg_buf_dispose(&vals);
	} else {
		const char *from = op->bound_from.items[0], *to = op->bound_to.items[0];
		mg_buf_printf(&b, "%s IS NOT NULL", k);
		if (!is_word(from, "MINVALUE"))
			mg_buf_printf(&b, " AND %s >= %s", k, from);
		if (!is_word(to, "MAXVALUE"))
			mg_buf_printf(&b, " AND %s < %s", k, to);
	}
	const char *s = mg_arena_strdup(r->ctx->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	mg_buf_dispose(&kb);
	return s;
}

static void attach_emit(rw *r)
{
	mg_arena *a = r->ctx->arena;
	mg_cat_relation *parent = parent_of(r);
	const char *schema = r->rel->schema, *part = r->rel->name;
	const char *check = rw_new_name(r, schema, part, part, "partition_bound");
	mg_constraint_def k = {.kind = MG_CONSTRAINT_CHECK,
	                       .name = check,
	                       .expr = bound_check(r, parent->partition_key.items[0]),
	                       .not_valid = true};
	mg_plan_step *s = rw_step(r, MG_PHASE_EXPAND, MG_STEP_SQL,
	                          mg_arena_printf(a, "Add %s NOT VALID", check));
	mg_operation *add = rw_op_on(r, MG_OP_ADD_CONSTRAINT, schema, part);
	add->object = (mg_object){MG_OBJ_CONSTRAINT, schema, part, check};
	add->constraint = mg_arena_alloc(a, sizeof k);
	*add->constraint = k;
	add->flags |= MG_OPF_NOT_VALID;
	rw_run(r, s, add);
	rw_finish(r, s, mg_arena_printf(a, "ATTACH PARTITION scans %s to prove every row fits the "
	                                   "bound, under ACCESS EXCLUSIVE on it; a valid CHECK that "
	                                   "matches the bound proves it instead.  Added NOT VALID it "
	                                   "is a catalog change.",
	                                rw_qname(r, schema, part)));
	s = rw_step(r, MG_PHASE_VALIDATE, MG_STEP_SQL, mg_arena_printf(a, "Validate %s", check));
	mg_operation *v = rw_op_on(r, MG_OP_VALIDATE_CONSTRAINT, schema, part);
	v->object = add->object;
	rw_run(r, s, v);
	rw_finish(r, s, "VALIDATE does the scan under SHARE UPDATE EXCLUSIVE: reads and writes of "
	                "the partition go on.");
	s = rw_step(r, MG_PHASE_VALIDATE, MG_STEP_SQL,
	            mg_arena_printf(a, "Attach %s to %s", part, parent->name));
	rw_run(r, s, rw_copy_op(r));
	mg_operation *drop = rw_op_on(r, MG_OP_DROP_CONSTRAINT, schema, part);
	drop->object = add->object;
	rw_run(r, s, drop);
	rw_finish(r, s, mg_arena_printf(a, "With the CHECK in place ATTACH skips the scan; the CHECK "
	                                   "is dropped in the same transaction.%s",
	                                r->major < 12 ? "  Before PostgreSQL 12 ATTACH still takes "
	                                                "ACCESS EXCLUSIVE on the parent: keep it short."
	                                              : ""));
}

static bool detach_applies(const rw *r)
{
	const mg_operation *op = r->op;
	if (op->kind != MG_OP_DETACH_PARTITION || (op->flags & (MG_OPF_CONCURRENTLY | MG_OPF_FINALIZE)) ||
	    r->major < 14)
		return false;
	mg_cat_relation *parent = parent_of(r);
	if (!parent || !rw_rel_live(r->ctx, parent))
		return false;
	/* CONCURRENTLY is refused while the parent has a default partition. */
	for (size_t i = 0; i < parent->n_partitions; i++)
		if (parent->partitions[i]->is_default_partition)
			return false;
	return true;
}

static size_t checks_of(rw *r, const char *schema, const char *table)
{
	const mg_cat_relation *t = mg_catalog_relation(r->ctx->pcat, schema, table);
	return t ? t->n_constraints : 0;
}

/* The CHECK the plan's catalog added to the partition when the detach ran
 * (its constraints past the first `had`), or NULL when it could not tell
 * the bound's expression. */
static const char *left_check(rw *r, const char *schema, const char *table, size_t had)
{
	const mg_cat_relation *t = mg_catalog_relation(r->ctx->pcat, schema, table);
	for (size_t i = had; t && i < t->n_constraints; i++)
		if (t->constraints[i].kind == MG_CONSTRAINT_CHECK)
			return t->constraints[i].name;
	return NULL;
}

static void detach_emit(rw *r)
{
	mg_arena *a = r->ctx->arena;
	mg_plan_step *s = rw_step(r, MG_PHASE_EXPAND, MG_STEP_SQL,
	                          mg_arena_printf(a, "Detach %s concurrently", r->op->object.name));
	s->in_transaction = false;
	mg_operation *d = rw_copy_op(r);
	d->flags |= MG_OPF_CONCURRENTLY;
	size_t had = checks_of(r, r->op->object.schema, r->op->object.name);
	rw_run(r, s, d);
	rw_finish(r, s, mg_arena_printf(a, "DETACH PARTITION takes ACCESS EXCLUSIVE on %s: every "
	                                   "query of it waits; CONCURRENTLY (PostgreSQL 14+) takes "
	                                   "SHARE UPDATE EXCLUSIVE and waits for the queries instead.",
	                                r->op->related.name));
	/* CONCURRENTLY leaves the partition constraint behind as a CHECK
	 * (named as PostgreSQL names an unnamed CHECK): the plain DETACH does
	 * not, so it goes. */
	mg_cat_relation *parent = parent_of(r);
	const char *schema = r->op->object.schema, *part = r->op->object.name;
	const char *check = left_check(r, schema, part, had);
	if (!check) {
		mg_name_list key =
		    parent->partition_key.count == 1 ? parent->partition_key : (mg_name_list){0};
		check = rw_pg_name(r, schema, part, key.count ? &key : NULL, "check");
	}
	s = rw_step(r, MG_PHASE_EXPAND, MG_STEP_SQL, mg_arena_printf(a, "Drop %s", check));
	mg_operation *drop = rw_op_on(r, MG_OP_DROP_CONSTRAINT, schema, part);
	drop->object = (mg_object){MG_OBJ_CONSTRAINT, schema, part, check};
	drop->flags |= MG_OPF_IF_EXISTS;
	rw_run(r, s, drop);
	rw_finish(r, s, mg_arena_printf(a, "DETACH ... CONCURRENTLY keeps the partition's bound as a "
	                                   "CHECK on %s; the plain DETACH it replaces does not.",
	                                part));
}

const rw_form rw_partition_forms[] = {
	{"attach-partition-with-check", attach_applies, attach_emit},
	{"detach-partition-concurrently", detach_applies, detach_emit},
	{NULL, NULL, NULL},
};
