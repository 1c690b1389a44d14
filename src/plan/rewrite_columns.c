/*
 * rewrite_columns.c: columns added, retyped and replaced without a
 * rewrite under ACCESS EXCLUSIVE.
 *
 *   ADD COLUMN with a volatile default (or any default before 11), a
 *   serial, an inline constraint
 *       -> the column nullable and bare, its default set apart, a backfill,
 *          then NOT NULL by the CHECK route and each constraint in its
 *          safe form
 *   ALTER COLUMN TYPE that rewrites or scans
 *       -> a shadow column: a new column of the new type kept in sync both
 *          ways by a trigger, a backfill, the old column's constraints,
 *          indexes and default rebuilt on it; in the next release the old
 *          column goes and the new one takes its name
 *
 * The shadow column is shared with renames (rewrite_renames.c).
 */
#include <string.h>

#include "plan/rewrite_int.h"

static mg_arena *ar(rw *r)
{
	return r->ctx->arena;
}

static mg_name_list one(rw *r, const char *name)
{
	mg_name_list l = {mg_arena_alloc(ar(r), sizeof(char *)), 1};
	l.items[0] = name;
	return l;
}

static const char *ident(rw *r, const char *name)
{
	mg_buf b = MG_BUF_INIT;
	mg_sql_put_ident(&b, name);
	const char *s = mg_arena_strdup(ar(r), mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return s;
}

/* ---- ADD COLUMN, split ---------------------------------------------------- */

static bool has_inline_constraint(const mg_column_def *c)
{
	if (c->primary_key || c->unique)
		return true;
	for (size_t i = 0; i < c->n_constraints; i++)
		if (c->constraints[i].kind != MG_CONSTRAINT_NOT_NULL)
			return true;
	return false;
}

static bool add_applies(const rw *r)
{
	const mg_operation *op = r->op;
	const mg_column_def *c = op->column;
	if (op->kind != MG_OP_ADD_COLUMN || !c || !c->name || !c->type || !r->live || !r->rel ||
	    r->rel->partitioned || c->identity || c->generated_stored)
		return false;
	/* NOT NULL without a default fails on a table with rows: nothing to
	 * make safe, the statement is kept (and its finding says so). */
	if (c->not_null && !c->default_expr && !c->serial)
		return false;
	return (op->effects & (MG_EFF_REWRITE | MG_EFF_SCAN)) || has_inline_constraint(c) ||
	       c->serial;
}

static const char *serial_seq_type(const mg_column_def *c)
{
	return !strcmp(c->type, "integer") ? "integer" : !strcmp(c->type, "smallint") ? "smallint"
	                                                                              : NULL;
}

static void add_constraints(rw *r, const char *schema, const char *table,
                            const mg_column_def *c);

static void add_emit(rw *r)
{
	const mg_column_def *c = r->op->column;
	const char *schema = r->op->object.schema, *table = r->op->object.table;
	mg_arena *a = ar(r);
	mg_plan_step *s = rw_step(r, MG_PHASE_EXPAND, MG_STEP_SQL,
	                          mg_arena_printf(a, "Add %s without its default and constraints",
	                                          c->name));
	const char *dflt = c->default_expr;
	if (c->serial) {
		/* serial = an owned sequence and a nextval() default */
		mg_name_list col = one(r, c->name);
		const char *seq = rw_pg_name(r, schema, table, &col, "seq");
		mg_operation *cs = rw_op_on(r, MG_OP_CREATE_SEQUENCE, schema, seq);
		cs->object = (mg_object){MG_OBJ_SEQUENCE, schema, NULL, seq};
		const char *as = serial_seq_type(c);
		cs->options_sql = as ? mg_arena_printf(a, "AS %s", as) : NULL;
		rw_run(r, s, cs);
		mg_buf b = MG_BUF_INIT;
		mg_sqlw_put_name(&r->ctx->sqlw, &b, schema, seq);
		mg_buf b2 = MG_BUF_INIT;
		mg_buf_puts(&b2, "nextval(");
		mg_sql_put_literal(&b2, mg_buf_cstr(&b));
		mg_buf_puts(&b2, "::regclass)");
		dflt = mg_arena_strdup(a, mg_buf_cstr(&b2));
		mg_buf_dispose(&b);
		mg_buf_dispose(&b2);
	}
	mg_column_def *bare = mg_arena_alloc(a, sizeof *bare);
	bare->name = c->name;
	bare->type = c->type;
	mg_operation *add = rw_op(r, MG_OP_ADD_COLUMN);
	add->object = r->op->object;
	add->column = bare;
	add->type_to = c->type;
	rw_run(r, s, add);
	if (c->serial) {
		mg_operation *own = rw_op_on(r, MG_OP_ALTER_SEQUENCE, schema, table);
		own->object = s->ops[0]->object;
		own->detail = "owned by";
		own->related = (mg_object){MG_OBJ_COLUMN, schema, table, c->name};
		rw_run(r, s, own);
	}
	if (dflt) {
		mg_operation *sd = rw_op(r, MG_OP_SET_DEFAULT);
		sd->object = r->op->object;
		sd->default_expr = dflt;
		sd->default_volatility = c->serial ? MG_VOLATILITY_VOLATILE : c->default_volatility;
		rw_run(r, s, sd);
	}
	rw_finish(r, s, mg_arena_printf(
		a, "Adding %s %s in one statement %s; added bare, the column is a catalog change%s.",
		c->name, c->type,
		(r->op->effects & MG_EFF_REWRITE) ? "rewrites the whole table under ACCESS EXCLUSIVE"
		                                  : "checks every row under ACCESS EXCLUSIVE",
		dflt ? ", and the default set apart applies to new rows only" : ""));
	if (dflt) {
		mg_plan_step *bf = rw_backfill(r, schema, table, mg_arena_printf(a, "%s = %s", ident(r, c->name), dflt),
		            mg_arena_printf(a, "%s IS NULL", ident(r, c->name)), NULL,
		            mg_arena_printf(a, "Backfill %s.%s", table, c->name),
		            mg_arena_printf(a, "Existing rows get the default in batches (each batch "
		                               "a short transaction) instead of one rewrite holding "
		                               "ACCESS EXCLUSIVE: %s is computed per row as the "
		                               "rewrite would.",
		                            dflt));
		/* It fills the new column only. */
		plan_ctx *ctx = r->ctx;
		plan_step_use(ctx, bf, plan_key(ctx, "rel", schema, table, NULL));
		plan_step_use(ctx, bf, plan_key(ctx, "col", schema, table, c->name));
		plan_step_define(ctx, bf, plan_key(ctx, "dat", schema, table, NULL));
		plan_step_additive(ctx, bf);
	}
	if (c->not_null || c->primary_key) {
		rw_nn nn = {schema, table, c->name, NULL, false};
		rw_nn_expand(r, &nn, MG_PHASE_VALIDATE);
		rw_nn_validate(r, &nn);
	}
	add_constraints(r, schema, table, c);
}

/* The column's inline constraints, each in its safe form, after the
 * backfill: NOT VALID + VALIDATE, or a unique index built concurrently and
 * adopted. */
static void add_constraints(rw *r, const char *schema, const char *table, const mg_column_def *c)
{
	size_t n = c->n_constraints;
	mg_constraint_def *all = mg_arena_alloc(ar(r), (n + 2) * sizeof *all);
	for (size_t i = 0; i < n; i++)
		all[i] = c->constraints[i];
	bool has_pk = false, has_uq = false;
	for (size_t i = 0; i < n; i++) {
		has_pk |= all[i].kind == MG_CONSTRAINT_PRIMARY_KEY;
		has_uq |= all[i].kind == MG_CONSTRAINT_UNIQUE;
	}
	if (c->primary_key && !has_pk)
		all[n++] = (mg_constraint_def){.kind = MG_CONSTRAINT_PRIMARY_KEY};
	if (c->unique && !has_uq)
		all[n++] = (mg_constraint_def){.kind = MG_CONSTRAINT_UNIQUE};
	mg_name_list col = one(r, c->name);
	for (size_t i = 0; i < n; i++) {
		mg_constraint_def k = all[i];
		if (k.kind == MG_CONSTRAINT_NOT_NULL || k.kind == MG_CONSTRAINT_EXCLUDE)
			continue;
		if (!k.columns.count)
			k.columns = col;
		const char *name = rw_constraint_name(r, schema, table, &k, c->name);
		if (k.kind == MG_CONSTRAINT_FOREIGN_KEY || k.kind == MG_CONSTRAINT_CHECK) {
			rw_not_valid_then_validate(r, schema, table, &k, name, MG_PHASE_VALIDATE, true,
			                           "The column's constraint, added without checking existing "
			                           "rows: a catalog change.");
			continue;
		}
		/* UNIQUE / PRIMARY KEY: the index first, built concurrently. */
		rw_unique_index(r, MG_PHASE_VALIDATE, schema, table, name, &k.columns,
		                "The constraint's index, built without blocking writes.");
		rw_using_index(r, schema, table, name, &k,
		               "USING INDEX adopts the finished index: a catalog change.");
	}
}

/* ---- The shadow column ----------------------------------------------------- */

static bool in_list(const mg_name_list *l, const char *name)
{
	for (size_t i = 0; i < l->count; i++)
		if (mg_str_eq(l->items[i], name))
			return true;
	return false;
}

typedef struct ref_scan {
	const char *column;
	const mg_cat_relation *target;
	bool found;
} ref_scan;

static void referencing(void *ud, mg_cat_relation *from, mg_cat_constraint *fk)
{
	(void)from;
	ref_scan *s = ud;
	if (fk->kind == MG_CONSTRAINT_FOREIGN_KEY && in_list(&fk->ref_columns, s->column))
		s->found = true;
	/* A key without column list references the primary key. */
	if (fk->kind == MG_CONSTRAINT_FOREIGN_KEY && !fk->ref_columns.count) {
		for (size_t i = 0; i < s->target->n_constraints; i++)
			if (s->target->constraints[i].kind == MG_CONSTRAINT_PRIMARY_KEY &&
			    in_list(&s->target->constraints[i].columns, s->column))
				s->found = true;
	}
}

static bool mentions(rw *r, const char *expr, const char *column)
{
	mg_name_list cols = mg_sql_expr_columns(ar(r), expr);
	return in_list(&cols, column);
}

bool rw_shadow_blocked(rw *r, const rw_shadow *sh, const char **why)
{
	mg_arena *a = ar(r);
	const mg_cat_relation *rel = r->rel;
	mg_cat_column *c = rel ? mg_catalog_column(rel, sh->column) : NULL;
	*why = NULL;
	if (!rel || !c || !c->type || c->uncertain || mg_catalog_columns_unknown(rel))
		*why = mg_arena_printf(a, "the definition of %s is not known", sh->column);
	else if (rel->partitioned || rel->parent)
		*why = "the table is partitioned: a sync trigger and a new column per partition are not "
		       "planned";
	else if (c->identity || c->generated)
		*why = mg_arena_printf(a, "%s is an identity or generated column", sh->column);
	else if (in_list(&rel->partition_key, sh->column))
		*why = mg_arena_printf(a, "%s is in the partition key", sh->column);
	else if (mg_catalog_view_uses_column(r->ctx->cat, rel, sh->column))
		*why = mg_arena_printf(a, "a view reads %s and would have to be recreated with it",
		                       sh->column);
	if (*why)
		return true;
	ref_scan scan = {sh->column, rel, false};
	mg_catalog_each_referencing(r->ctx->cat, rel, referencing, &scan);
	if (scan.found) {
		*why = mg_arena_printf(a, "a foreign key references %s: it would have to move to the new "
		                          "column at the same instant",
		                       sh->column);
		return true;
	}
	for (size_t i = 0; i < rel->n_constraints; i++)
		if (rel->constraints[i].kind == MG_CONSTRAINT_EXCLUDE &&
		    in_list(&rel->constraints[i].columns, sh->column)) {
			*why = mg_arena_printf(a, "an exclusion constraint uses %s", sh->column);
			return true;
		}
	return false;
}

/* A column name the table does not have (in the history or the plan). */
static const char *new_column_name(rw *r, const char *schema, const char *table, const char *base)
{
	mg_cat_relation *t1 = mg_catalog_relation(r->ctx->cat, schema, table);
	mg_cat_relation *t2 = mg_catalog_relation(r->ctx->pcat, schema, table);
	for (int n = 0;; n++) {
		const char *name = mg_catalog_object_name(ar(r), base, NULL,
		                                          n ? mg_arena_printf(ar(r), "new%d", n) : "new");
		if ((!t1 || !mg_catalog_column(t1, name)) && (!t2 || !mg_catalog_column(t2, name)))
			return name;
	}
}

/* A type whose values a cast would cut (varchar(n), char(n), bit(n)):
 * converting to it by assignment fails loudly on a value that does not
 * fit, as ALTER COLUMN TYPE does, where an explicit cast truncates. */
static bool cuts_values(const char *type)
{
	return strchr(type, '(') && (mg_str_starts_with(type, "character") ||
	                             mg_str_starts_with(type, "bit") ||
	                             mg_str_starts_with(type, "varchar") ||
	                             mg_str_starts_with(type, "char"));
}

/* The old column's value converted to the new type: the USING expression
 * (reading the row as `row` names it), else the old value cast -- by
 * assignment where a cast would cut it.  for_compare: a typed value to
 * compare with, never an assignment. */
static const char *converted(rw *r, const rw_shadow *sh, const char *row, bool for_compare)
{
	mg_arena *a = ar(r);
	const char *col = mg_arena_printf(a, "%s%s", row ? row : "", ident(r, sh->column));
	if (!sh->new_type)
		return col;
	if (sh->using_expr)
		return row ? mg_arena_printf(a, "(SELECT %s FROM (SELECT NEW.*) AS old_row)",
		                             sh->using_expr)
		           : mg_arena_printf(a, "(%s)", sh->using_expr);
	if (!for_compare && cuts_values(sh->new_type))
		return col;
	return mg_arena_printf(a, "(%s)::%s", col, sh->new_type);
}

/* The sync function: the old and the new column kept equal both ways. */
static const char *sync_function_sql(rw *r, const char *fn_schema, const char *fn,
                                     const rw_shadow *sh, const char *tmp, const char *old_type)
{
	mg_arena *a = ar(r);
	const char *o = ident(r, sh->column), *n = ident(r, tmp);
	const char *conv = converted(r, sh, "NEW.", false);
	const char *conv_cmp = converted(r, sh, "NEW.", true);
	const char *back = sh->new_type ? mg_arena_printf(a, "NEW.%s::%s", n, old_type)
	                                : mg_arena_printf(a, "NEW.%s", n);
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, "CREATE FUNCTION ");
	mg_sqlw_put_name(&r->ctx->sqlw, &b, fn_schema, fn);
	mg_buf_printf(&b,
	              "() RETURNS trigger LANGUAGE plpgsql AS $migraph$\n"
	              "BEGIN\n"
	              "    IF TG_OP = 'INSERT' THEN\n"
	              "        IF NEW.%s IS NULL THEN\n"
	              "            NEW.%s := %s;\n"
	              "        ELSE\n"
	              "            NEW.%s := %s;\n"
	              "        END IF;\n"
	              "    ELSIF NEW.%s IS DISTINCT FROM OLD.%s THEN\n"
	              "        NEW.%s := %s;\n"
	              "    ELSIF NEW.%s IS DISTINCT FROM OLD.%s AND NEW.%s IS DISTINCT FROM %s THEN\n"
	              "        NEW.%s := %s;\n"
	              "    END IF;\n"
	              "    RETURN NEW;\n"
	              "END\n"
	              "$migraph$;",
	              n, n, conv, o, back, o, o, n, conv, n, n, n, conv_cmp, o, back);
	const char *sql = mg_arena_strdup(a, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return sql;
}

/* What the old column carries, rebuilt on the new one: each item knows
 * its step in release 1 and its line in the contract. */
typedef struct carried {
	mg_buf contract;     /* statements of the contract transaction */
	mg_operation **ops;  /* their operations */
	size_t n_ops, cap;
} carried;

static void contract_add(rw *r, carried *cy, mg_operation *op, const char *sql)
{
	if (!sql)
		sql = mg_sqlw_op(&r->ctx->sqlw, op, NULL);
	if (sql)
		mg_buf_printf(&cy->contract, "%s%s", cy->contract.len ? "\n" : "", sql);
	if (op) {
		if (cy->n_ops == cy->cap) {
			size_t ncap = cy->cap ? cy->cap * 2 : 8;
			cy->ops = mg_arena_grow(ar(r), cy->ops, sizeof *cy->ops, cy->n_ops, ncap);
			cy->cap = ncap;
		}
		cy->ops[cy->n_ops++] = op;
	}
}

static mg_name_list renamed_list(rw *r, const mg_name_list *l, const char *from, const char *to)
{
	mg_name_list out = {mg_arena_alloc(ar(r), (l->count + 1) * sizeof(char *)), l->count};
	for (size_t i = 0; i < l->count; i++)
		out.items[i] = mg_str_eq(l->items[i], from) ? to
		               : strpbrk(l->items[i], "( ") ? rw_expr_rename(r, l->items[i], from, to)
		                                             : l->items[i];
	return out;
}

static void carry_constraints(rw *r, const rw_shadow *sh, const char *tmp, carried *cy)
{
	mg_arena *a = ar(r);
	const mg_cat_relation *rel = r->rel;
	const char *schema = rel->schema, *table = rel->name;
	for (size_t i = 0; i < rel->n_constraints; i++) {
		const mg_cat_constraint *k = &rel->constraints[i];
		bool uses = in_list(&k->columns, sh->column) ||
		            (k->kind == MG_CONSTRAINT_CHECK && k->expr && mentions(r, k->expr, sh->column));
		if (!uses || k->kind == MG_CONSTRAINT_NOT_NULL || k->kind == MG_CONSTRAINT_EXCLUDE)
			continue;
		mg_constraint_def def = {.kind = k->kind,
		                         .columns = renamed_list(r, &k->columns, sh->column, tmp),
		                         .ref_table = k->ref_table,
		                         .ref_columns = k->ref_columns,
		                         .on_delete = k->on_delete,
		                         .expr = k->expr ? rw_expr_rename(r, k->expr, sh->column, tmp)
		                                         : NULL};
		const char *name = rw_new_name(r, schema, table, k->name, "new");
		if (k->kind == MG_CONSTRAINT_CHECK || k->kind == MG_CONSTRAINT_FOREIGN_KEY) {
			rw_not_valid_then_validate(r, schema, table, &def, name, MG_PHASE_VALIDATE,
			                           k->validated,
			                           mg_arena_printf(a, "%s of %s, carried to %s without "
			                                              "checking existing rows.",
			                                           k->name, sh->column, tmp));
			mg_operation *rn = rw_op_on(r, MG_OP_RENAME_CONSTRAINT, schema, table);
			rn->object = (mg_object){MG_OBJ_CONSTRAINT, schema, table, name};
			rn->new_name = k->name;
			contract_add(r, cy, rn, NULL);
			continue;
		}
		/* UNIQUE / PRIMARY KEY: an index built now, adopted in the contract
		 * once the old column (and with it the old constraint) is gone. */
		rw_unique_index(r, MG_PHASE_VALIDATE, schema, table, name, &def.columns,
		                mg_arena_printf(a, "The index of %s, rebuilt on %s without blocking "
		                                   "writes.",
		                                k->name, tmp));
		mg_operation *op = rw_op_on(r, MG_OP_ADD_CONSTRAINT, schema, table);
		op->object = (mg_object){MG_OBJ_CONSTRAINT, schema, table, k->name};
		mg_constraint_def *kp = mg_arena_alloc(a, sizeof *kp);
		*kp = def;
		kp->name = k->name;
		kp->columns = (mg_name_list){0};
		kp->using_index = name;
		op->constraint = kp;
		contract_add(r, cy, op, NULL);
	}
}

static void carry_indexes(rw *r, const rw_shadow *sh, const char *tmp, carried *cy)
{
	mg_arena *a = ar(r);
	const mg_cat_relation *rel = r->rel;
	for (size_t i = 0; i < rel->n_indexes; i++) {
		const mg_cat_index *ix = &rel->indexes[i];
		bool uses = ix->where_expr && mentions(r, ix->where_expr, sh->column);
		for (size_t k = 0; k < ix->columns.count && !uses; k++)
			uses = mg_str_eq(ix->columns.items[k], sh->column) ||
			       (strpbrk(ix->columns.items[k], "( ") &&
			        mentions(r, ix->columns.items[k], sh->column));
		if (!uses || ix->constraint)
			continue;
		const char *name = rw_new_name(r, rel->schema, rel->name, ix->name, "new");
		mg_plan_step *s = rw_step(r, MG_PHASE_VALIDATE, MG_STEP_SQL,
		                          mg_arena_printf(a, "Build %s concurrently", name));
		s->in_transaction = false;
		mg_operation *op = rw_op_on(r, MG_OP_CREATE_INDEX, rel->schema, rel->name);
		op->object = (mg_object){MG_OBJ_INDEX, rel->schema, rel->name, name};
		op->flags = MG_OPF_CONCURRENTLY | (ix->unique ? MG_OPF_UNIQUE : 0);
		op->index_columns = renamed_list(r, &ix->columns, sh->column, tmp);
		op->index_method = ix->method;
		op->where_expr = ix->where_expr ? rw_expr_rename(r, ix->where_expr, sh->column, tmp) : NULL;
		if (op->where_expr)
			op->flags |= MG_OPF_HAS_WHERE;
		/* The statement that made the index keeps its opclasses, INCLUDE
		 * and storage options: rebuilt from it when the history has it. */
		const char *tail = rw_index_tail_of(r, rel->schema, ix->name);
		if (tail) {
			mg_buf b = MG_BUF_INIT;
			mg_buf_printf(&b, "CREATE %sINDEX CONCURRENTLY ", ix->unique ? "UNIQUE " : "");
			mg_sql_put_ident(&b, name);
			mg_buf_puts(&b, " ON ");
			mg_sqlw_put_name(&r->ctx->sqlw, &b, rel->schema, rel->name);
			mg_buf_printf(&b, " %s;", rw_expr_rename(r, tail, sh->column, tmp));
			rw_run_text(r, s, mg_arena_strdup(a, mg_buf_cstr(&b)), op);
			mg_buf_dispose(&b);
		} else {
			rw_run(r, s, op);
		}
		rw_finish(r, s, mg_arena_printf(a, "Index %s rebuilt on %s without blocking writes; it "
		                                   "takes its name in the contract.",
		                                ix->name, tmp));
		mg_operation *rn = rw_op_on(r, MG_OP_RENAME_INDEX, rel->schema, rel->name);
		rn->object = (mg_object){MG_OBJ_INDEX, rel->schema, rel->name, name};
		rn->new_name = ix->name;
		contract_add(r, cy, rn, NULL);
	}
}

/* nextval('seq'::regclass): the sequence a serial default draws from. */
static const char *nextval_sequence(rw *r, const char *dflt)
{
	const char *p = dflt ? strstr(dflt, "nextval('") : NULL;
	if (!p)
		return NULL;
	p += 9;
	const char *q = strchr(p, '\'');
	return q ? mg_arena_strndup(ar(r), p, (size_t)(q - p)) : NULL;
}

/* Step 2 of a shadow column: a trigger that copies every write of either
 * column to the other; *cf and *ct are its function and trigger. */
static void shadow_sync(rw *r, const rw_shadow *sh, const char *tmp, const char *old_type,
                        mg_operation **cf_out, mg_operation **ct_out)
{
	mg_arena *a = ar(r);
	plan_ctx *ctx = r->ctx;
	const char *schema = r->rel->schema, *table = r->rel->name;
	const char *fn = rw_new_name(r, schema, NULL,
	                             mg_arena_printf(a, "%s_%s", table, sh->column), "sync");
	mg_plan_step *s = rw_step(r, MG_PHASE_EXPAND, MG_STEP_SQL,
	                          mg_arena_printf(a, "Keep %s and %s in sync", sh->column, tmp));
	mg_operation *cf = rw_op_on(r, MG_OP_CREATE_FUNCTION, schema, fn);
	cf->object = (mg_object){MG_OBJ_FUNCTION, schema, NULL, fn};
	cf->detail = "plpgsql";
	rw_run_text(r, s, sync_function_sql(r, schema, fn, sh, tmp, old_type), cf);
	mg_operation *ct = rw_op_on(r, MG_OP_CREATE_TRIGGER, schema, table);
	ct->object = (mg_object){MG_OBJ_TRIGGER, schema, table, fn};
	ct->detail = fn;
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, "CREATE TRIGGER ");
	mg_sql_put_ident(&b, fn);
	mg_buf_puts(&b, " BEFORE INSERT OR UPDATE ON ");
	mg_sqlw_put_name(&ctx->sqlw, &b, schema, table);
	mg_buf_printf(&b, " FOR EACH ROW EXECUTE %s ", r->major >= 11 ? "FUNCTION" : "PROCEDURE");
	mg_sqlw_put_name(&ctx->sqlw, &b, schema, fn);
	mg_buf_puts(&b, "();");
	rw_run_text(r, s, mg_arena_strdup(a, mg_buf_cstr(&b)), ct);
	mg_buf_dispose(&b);
	rw_finish(r, s, mg_arena_printf(a, "While both application versions run, a write to either "
	                                   "%s or %s is copied to the other, so each version reads "
	                                   "what the other wrote.",
	                                sh->column, tmp));
	*cf_out = cf;
	*ct_out = ct;
}

void rw_shadow_emit(rw *r, const rw_shadow *sh)
{
	mg_arena *a = ar(r);
	plan_ctx *ctx = r->ctx;
	const mg_cat_relation *rel = r->rel;
	const char *schema = rel->schema, *table = rel->name;
	mg_cat_column *c = mg_catalog_column(rel, sh->column);
	bool type_change = sh->new_type != NULL;
	const char *type = type_change ? sh->new_type : c->type;
	const char *tmp = type_change
	                      ? new_column_name(r, schema, table, sh->column)
	                      : sh->new_column;

	/* 1. The new column, bare. */
	mg_plan_step *s = rw_step(r, MG_PHASE_EXPAND, MG_STEP_SQL,
	                          mg_arena_printf(a, "Add %s %s", tmp, type));
	mg_column_def *def = mg_arena_alloc(a, sizeof *def);
	def->name = tmp;
	def->type = type;
	mg_operation *add = rw_op_on(r, MG_OP_ADD_COLUMN, schema, table);
	add->object = (mg_object){MG_OBJ_COLUMN, schema, table, tmp};
	add->column = def;
	add->type_to = type;
	rw_run(r, s, add);
	rw_finish(r, s, mg_arena_printf(a, "First step of the %s of %s.%s: the new column, nullable "
	                                   "and without a default, is a catalog change.",
	                                sh->what, table, sh->column));

	/* 2. The sync trigger. */
	mg_operation *cf, *ct;
	shadow_sync(r, sh, tmp, c->type, &cf, &ct);

	/* 3. The backfill. */
	mg_plan_step *bf = rw_backfill(
		r, schema, table,
		mg_arena_printf(a, "%s = %s", ident(r, tmp), converted(r, sh, NULL, false)),
		mg_arena_printf(a, "%s IS DISTINCT FROM %s", ident(r, tmp), converted(r, sh, NULL, true)),
		NULL,
		mg_arena_printf(a, "Backfill %s.%s from %s", table, tmp, sh->column),
		mg_arena_printf(a, "Existing rows get %s copied%s into %s in batches, each a short "
		                   "transaction; the trigger covers rows written meanwhile.",
		                sh->column, type_change ? " and converted" : "", tmp));
	/* It fills a column only this rewrite reads: no check of the table's
	 * rows made earlier is affected by it. */
	plan_step_use(ctx, bf, plan_key(ctx, "rel", schema, table, NULL));
	plan_step_define(ctx, bf, plan_key(ctx, "dat", schema, table, NULL));
	plan_step_define(ctx, bf, plan_key(ctx, "sdw", schema, table, tmp));
	plan_step_additive(ctx, bf);
	rw_app_change(r, (plan_app_change){PLAN_APP_SYNCED_COLUMN, schema, table, sh->column,
	                                   sh->new_column, type_change, bf, tmp});

	/* 4. What the old column carries. */
	carried cy = {MG_BUF_INIT, NULL, 0, 0};
	if (c->not_null) {
		rw_nn nn = {schema, table, tmp, NULL, false};
		rw_nn_expand(r, &nn, MG_PHASE_VALIDATE);
		rw_nn_validate(r, &nn);
	}
	carry_indexes(r, sh, tmp, &cy);
	carried keys = {MG_BUF_INIT, NULL, 0, 0};
	carry_constraints(r, sh, tmp, &keys);

	/* 5. The contract, in the next release: one short transaction. */
	s = rw_step(r, MG_PHASE_CONTRACT, MG_STEP_SQL,
	            mg_arena_printf(a, "Drop %s%s", sh->column,
	                            type_change ? mg_arena_printf(a, ", rename %s to %s", tmp,
	                                                          sh->new_column)
	                                        : ""));
	carried all = {MG_BUF_INIT, NULL, 0, 0};
	mg_operation *dt = rw_op_on(r, MG_OP_DROP_TRIGGER, schema, table);
	dt->object = ct->object;
	dt->related = (mg_object){MG_OBJ_TABLE, schema, NULL, table};
	contract_add(r, &all, dt, NULL);
	mg_operation *df = rw_op_on(r, MG_OP_DROP_FUNCTION, schema, cf->object.name);
	df->object = cf->object;
	contract_add(r, &all, df, NULL);
	const char *seq = nextval_sequence(r, c->default_expr);
	if (seq) {
		mg_operation *own = rw_op_on(r, MG_OP_ALTER_SEQUENCE, schema, seq);
		own->object = (mg_object){MG_OBJ_SEQUENCE, schema, NULL, seq};
		own->detail = "owned by";
		own->related = (mg_object){MG_OBJ_COLUMN, schema, table, tmp};
		contract_add(r, &all, own, NULL);
	}
	mg_operation *dc = rw_op_on(r, MG_OP_DROP_COLUMN, schema, table);
	dc->object = (mg_object){MG_OBJ_COLUMN, schema, table, sh->column};
	contract_add(r, &all, dc, NULL);
	if (type_change) {
		mg_operation *rn = rw_op_on(r, MG_OP_RENAME_COLUMN, schema, table);
		rn->object = (mg_object){MG_OBJ_COLUMN, schema, table, tmp};
		rn->new_name = sh->new_column;
		contract_add(r, &all, rn, NULL);
	}
	if (c->default_expr) {
		mg_operation *sd = rw_op_on(r, MG_OP_SET_DEFAULT, schema, table);
		sd->object = (mg_object){MG_OBJ_COLUMN, schema, table, sh->new_column};
		/* ALTER COLUMN TYPE keeps the default and converts it.  A bare
		 * literal was stored as a constant of the old type, so it is
		 * converted from that type; any other expression is converted as
		 * it was written (the old implicit cast is what PostgreSQL drops). */
		const char *d = c->default_expr;
		bool literal = d[0] == '\'' && d[strlen(d) - 1] == '\'';
		sd->default_expr = type_change && literal ? mg_arena_printf(a, "(%s::%s)", d, c->type) : d;
		sd->default_volatility = c->default_volatility;
		contract_add(r, &all, sd, NULL);
	}
	/* Renamed objects refer to the column by its final name from here on. */
	for (carried *part = &keys; part; part = part == &keys ? &cy : NULL)
		for (size_t i = 0; i < part->n_ops; i++) {
			mg_operation *op = part->ops[i];
			if (op->kind == MG_OP_ADD_CONSTRAINT && op->constraint)
				op->object.table = table;
			contract_add(r, &all, op, NULL);
		}
	mg_buf_dispose(&cy.contract);
	mg_buf_dispose(&keys.contract);
	rw_run_text(r, s, mg_arena_strdup(a, mg_buf_cstr(&all.contract)), NULL);
	/* The contract changes the schema, not what DML of this release sees:
	 * a later UPDATE of the column runs on the old one, synced. */
	for (size_t i = 0; i < all.n_ops; i++) {
		plan_step_run(ctx, s, all.ops[i]);
		plan_step_keys_of(ctx, s, all.ops[i], true);
	}
	/* What copies or reads the table whole (LIKE, a view) waits for it. */
	plan_step_define(ctx, s, plan_key(ctx, "shp", schema, table, NULL));
	mg_buf_dispose(&all.contract);
	rw_finish(r, s, mg_arena_printf(
		a, "The contract, once no running version uses %s any more: the trigger, its function "
		   "and the old column go%s, in one short transaction.",
		sh->column,
		type_change ? mg_arena_printf(a, " and %s takes the name %s", tmp, sh->new_column) : ""));
}

/* ---- ALTER COLUMN TYPE ---------------------------------------------------- */

static bool type_applies(const rw *r)
{
	const mg_operation *op = r->op;
	return op->kind == MG_OP_ALTER_COLUMN_TYPE && op->type_to && r->live && r->rel &&
	       (op->effects & (MG_EFF_REWRITE | MG_EFF_SCAN));
}

/* Kept whole, with a note saying why the expand/contract was not planned. */
void rw_guarded(rw *r, const char *what, const char *why)
{
	plan_add_note(r->ctx, "%s:%u: the %s of %s is kept as one step: %s",
	              r->op->loc.file ? r->op->loc.file : "?", r->op->loc.line, what,
	              r->op->object.name ? r->op->object.name : "?", why);
	mg_plan_step *s = rw_step(r, MG_PHASE_EXPAND, MG_STEP_SQL,
	                          mg_arena_printf(ar(r), "%s (kept as one step)", what));
	s->rewritten = false;
	const char *sql = r->single ? rw_stmt_sql(r) : NULL;
	if (sql)
		rw_run_text(r, s, sql, NULL);
	mg_operation *copy = rw_copy_op(r);
	if (sql)
		plan_step_run(r->ctx, s, copy);
	else if (!rw_run(r, s, copy))
		s->kind = MG_STEP_MANUAL;
	rw_finish(r, s, mg_arena_printf(ar(r), "The %s could not be planned as an expand and "
	                                       "contract (%s): it runs as written, guarded by a "
	                                       "lock_timeout; deploy the application change in the "
	                                       "same window.",
	                                what, why));
}

static void type_emit(rw *r)
{
	rw_shadow sh = {r->op->object.name, r->op->object.name, r->op->type_to, r->op->using_expr,
	                "type change"};
	const char *why;
	if (rw_shadow_blocked(r, &sh, &why)) {
		rw_guarded(r, "type change", why);
		return;
	}
	rw_shadow_emit(r, &sh);
}

const rw_form rw_column_forms[] = {
	{"add-column-split", add_applies, add_emit},
	{"type-change-shadow-column", type_applies, type_emit},
	{NULL, NULL, NULL},
};
