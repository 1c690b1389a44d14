/*
 * catalog_ops.c: mg_catalog_apply, the dispatch from operation kind to
 * its effect on the simulated schema.
 *
 * Each handler first looks up what the operation needs (a missing one is
 * an event), then changes the catalog the way PostgreSQL would.  Opaque
 * operations never change known objects; they widen what is uncertain.
 */
#include <string.h>

#include "model/catalog_apply_int.h"

static bool has(const mg_operation *op, unsigned f)
{
	return (op->flags & f) != 0;
}

/* DETACH PARTITION ... CONCURRENTLY leaves the partition's bound behind as
 * a CHECK constraint on the detached table (named as PostgreSQL names an
 * unnamed CHECK).  Written for a single-column key, which is what its
 * expression can be told for; a NULL in a list bound makes PostgreSQL
 * write another form, left out. */
/* The key column in double quotes, always: the model cannot tell a keyword
 * that needs them (the SQL front end can), and quoting a name that does not
 * need them changes nothing. */
static void put_quoted(mg_buf *b, const char *name)
{
	mg_buf_putc(b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			mg_buf_putc(b, '"');
		mg_buf_putc(b, *p);
	}
	mg_buf_putc(b, '"');
}

static void detached_bound_check(ap_ctx *a, cat_rel *parent, cat_rel *part)
{
	const mg_cat_relation *p = &part->pub;
	if (parent->pub.partition_key.count != 1 || p->is_default_partition)
		return;
	mg_buf col = MG_BUF_INIT;
	put_quoted(&col, parent->pub.partition_key.items[0]);
	const char *c = mg_buf_cstr(&col);
	mg_buf e = MG_BUF_INIT;
	mg_buf_printf(&e, "(%s IS NOT NULL)", c);
	bool ok = true;
	if (p->bound_in.count) {
		mg_buf_printf(&e, " AND (%s = ANY (ARRAY[", c);
		for (size_t i = 0; i < p->bound_in.count; i++) {
			ok &= !mg_str_ieq(p->bound_in.items[i], "null");
			mg_buf_printf(&e, "%s%s", i ? ", " : "", p->bound_in.items[i]);
		}
		mg_buf_puts(&e, "]))");
	} else if (p->bound_from.count == 1 && p->bound_to.count == 1) {
		const char *from = p->bound_from.items[0], *to = p->bound_to.items[0];
		if (!mg_str_ieq(from, "minvalue"))
			mg_buf_printf(&e, " AND (%s >= %s)", c, from);
		if (!mg_str_ieq(to, "maxvalue"))
			mg_buf_printf(&e, " AND (%s < %s)", c, to);
	} else {
		ok = false;
	}
	if (ok) {
		mg_constraint_def def = {.kind = MG_CONSTRAINT_CHECK,
		                         .expr = mg_arena_strdup(a->cat->arena, mg_buf_cstr(&e))};
		ap_constraint_def(a, part, &def, NULL);
	}
	mg_buf_dispose(&col);
	mg_buf_dispose(&e);
}

static cat_rel *need_table(ap_ctx *a)
{
	mg_object t = mg_op_table(a->op);
	if (has(a->op, MG_OPF_IF_EXISTS)) {
		cat_rel *r = cat_find(a->cat, t.schema, t.name);
		return r && !r->phantom ? r : NULL;
	}
	return ap_need(a, t.schema, t.name, MG_OBJ_TABLE);
}

/* Relations and indexes share one namespace per schema. */
static bool name_taken(mg_catalog *cat, const char *schema, const char *name)
{
	cat_rel *r = cat_find(cat, schema, name);
	if (r && !r->phantom && mg_str_ieq(r->pub.schema, schema ? schema : cat->default_schema))
		return true;
	return mg_catalog_index_table(cat, schema, name, NULL) != NULL &&
	       cat_map_get2(&cat->indexes, schema ? schema : cat->default_schema, name) != NULL;
}

static bool create_check(ap_ctx *a, mg_object_kind kind, const char *schema, const char *name)
{
	if (!name)
		return false;
	if (!name_taken(a->cat, schema, name))
		return true;
	if (has(a->op, MG_OPF_IF_NOT_EXISTS))
		return false;
	cat_rel *old = cat_find(a->cat, schema, name);
	if (has(a->op, MG_OPF_OR_REPLACE) && old && old->pub.kind == kind)
		return true;
	if (old && old->temporary)
		return true;
	mg_object o = {kind, schema ? schema : a->cat->default_schema, NULL, name};
	ap_emit(a, MG_CAT_EV_DUPLICATE_OBJECT, o, false, false, "%s %s.%s already exists",
	        mg_object_kind_name(kind), o.schema, name);
	return false;
}

static void create_table(ap_ctx *a)
{
	const mg_operation *op = a->op;
	const char *schema = op->object.schema, *name = op->object.name;
	if (!create_check(a, MG_OBJ_TABLE, schema, name))
		return;
	cat_rel *parent = NULL;
	if (has(op, MG_OPF_PARTITION_OF) && op->related.name)
		parent = ap_need(a, op->related.schema, op->related.name, MG_OBJ_TABLE);
	for (size_t i = 0; i < op->n_depends; i++)
		ap_need(a, op->depends[i].schema, op->depends[i].name, MG_OBJ_TABLE);
	cat_rel *r = ap_new_rel(a, MG_OBJ_TABLE, schema, name);
	r->pub.partitioned = has(op, MG_OPF_PARTITIONED);
	r->pub.is_default_partition = has(op, MG_OPF_DEFAULT);
	r->pub.bound_from = op->bound_from;
	r->pub.bound_to = op->bound_to;
	r->pub.bound_in = op->bound_in;
	if (r->pub.partitioned)
		r->pub.partition_key = op->partition_key;
	r->pub.unlogged = has(op, MG_OPF_UNLOGGED);
	r->temporary = has(op, MG_OPF_TEMPORARY);
	if (has(op, MG_OPF_AS_SELECT)) {
		r->columns_unknown = op->n_columns == 0;
		r->has_rows = !has(op, MG_OPF_WITH_NO_DATA);
	}
	if (parent) {
		r->pub.parent = &parent->pub;
		mg_arena_push(a->cat->arena, (void ***)&parent->pub.partitions,
		              &parent->pub.n_partitions, &parent->caps_parts, &r->pub);
		r->columns_unknown = parent->columns_unknown || parent->phantom;
		for (size_t i = 0; i < parent->pub.n_columns; i++)
			*ap_add_column(a, r, parent->pub.columns[i].name) = parent->pub.columns[i];
	}
	a->creating = r;
	for (size_t i = 0; i < op->n_columns; i++)
		ap_column_def(a, r, &op->columns[i]);
	for (size_t i = 0; i < op->n_constraints; i++)
		ap_constraint_def(a, r, &op->constraints[i], NULL);
	a->creating = NULL;
}

static void drop_rel(ap_ctx *a)
{
	const mg_operation *op = a->op;
	cat_rel *r = need_table(a);
	if (!r || r->phantom) {
		if (r)
			ap_drop_rel(a, r);
		return;
	}
	bool cascade = has(op, MG_OPF_CASCADE);
	mg_object o = {r->pub.kind, r->pub.schema, NULL, r->pub.name};
	for (size_t i = 0; i < r->views_in.n; i++) {
		cat_rel *v = r->views_in.items[i];
		if (!v->dropped)
			ap_emit(a, MG_CAT_EV_DROP_IN_USE, o, false, cascade, "%s %s.%s reads it",
			        mg_object_kind_name(v->pub.kind), v->pub.schema, v->pub.name);
	}
	for (size_t i = 0; i < r->fk_in.n; i++) {
		cat_rel *from = r->fk_in.items[i];
		if (from == r || from->dropped)
			continue;
		for (size_t k = 0; k < from->pub.n_constraints; k++)
			if (cat_fk_targets(a->cat, &from->pub.constraints[k], r)) {
				ap_emit(a, MG_CAT_EV_DROP_IN_USE, o, false, cascade,
				        "foreign key %s of %s.%s references it",
				        from->pub.constraints[k].name, from->pub.schema, from->pub.name);
				break;
			}
	}
	ap_drop_rel(a, r);
}

/* After a rename, the names others hold for r (view reads, foreign key
 * targets) follow it, as PostgreSQL's OID references do. */
static void retarget(ap_ctx *a, cat_rel *r, const char *old_schema, const char *old_name)
{
	for (size_t i = 0; i < r->views_in.n; i++) {
		cat_rel *v = r->views_in.items[i];
		for (size_t k = 0; k < v->pub.n_reads; k++)
			if (mg_str_ieq(v->pub.reads[k].name, old_name) &&
			    mg_str_ieq(v->pub.reads[k].schema, old_schema)) {
				v->pub.reads[k].schema = r->pub.schema;
				v->pub.reads[k].name = r->pub.name;
			}
	}
	for (size_t i = 0; i < r->fk_in.n; i++) {
		cat_rel *from = r->fk_in.items[i];
		for (size_t k = 0; k < from->pub.n_constraints; k++) {
			mg_object *t = &from->pub.constraints[k].ref_table;
			if (from->pub.constraints[k].kind == MG_CONSTRAINT_FOREIGN_KEY &&
			    mg_str_ieq(t->name, old_name) && mg_str_ieq(t->schema, old_schema)) {
				t->schema = r->pub.schema;
				t->name = r->pub.name;
			}
		}
	}
	(void)a;
}

static void move_rel(ap_ctx *a, cat_rel *r, const char *schema, const char *name)
{
	const char *old_schema = r->pub.schema, *old_name = r->pub.name;
	cat_unregister(a->cat, r);
	r->pub.schema = mg_arena_strdup(a->cat->arena, schema);
	r->pub.name = mg_arena_strdup(a->cat->arena, name);
	cat_register(a->cat, r);
	for (size_t i = 0; i < r->pub.n_indexes; i++)
		cat_map_set(a->cat, &a->cat->indexes, r->pub.schema, r->pub.indexes[i].name, r);
	retarget(a, r, old_schema, old_name);
}

static void rename_rel(ap_ctx *a)
{
	cat_rel *r = need_table(a);
	if (!r || !a->op->new_name)
		return;
	if (!create_check(a, r->pub.kind, r->pub.schema, a->op->new_name))
		return;
	move_rel(a, r, r->pub.schema, a->op->new_name);
}

static void set_schema(ap_ctx *a)
{
	const mg_object_kind k = a->op->object.kind;
	if (k != MG_OBJ_TABLE && k != MG_OBJ_VIEW && k != MG_OBJ_MATERIALIZED_VIEW &&
	    k != MG_OBJ_SEQUENCE)
		return;
	cat_rel *r = need_table(a);
	if (r && a->op->new_name)
		move_rel(a, r, a->op->new_name, r->pub.name);
}

static void column_op(ap_ctx *a)
{
	const mg_operation *op = a->op;
	cat_rel *r = need_table(a);
	const char *col = op->object.name;
	if (!r || !col)
		return;
	if (op->kind == MG_OP_ADD_COLUMN) {
		const mg_column_def *def = op->column;
		if (mg_catalog_column(&r->pub, col)) {
			if (!has(op, MG_OPF_IF_NOT_EXISTS) && ap_columns_known(r))
				ap_emit(a, MG_CAT_EV_DUPLICATE_OBJECT, op->object, false, false,
				        "column %s already exists on %s.%s", col, r->pub.schema,
				        r->pub.name);
			return;
		}
		if (def && def->not_null && !def->default_expr && !def->identity && !def->serial &&
		    !def->generated_stored && mg_catalog_has_rows(&r->pub))
			ap_emit(a, MG_CAT_EV_NOT_NULL_ON_ROWS, op->object, r->phantom || r->pub.uncertain,
			        false, "%s.%s may already hold rows", r->pub.schema, r->pub.name);
		if (def)
			ap_column_def(a, r, def);
		else
			ap_add_column(a, r, col);
		for (size_t i = 0; i < r->pub.n_partitions; i++) {
			cat_rel *p = (cat_rel *)r->pub.partitions[i];
			if (!mg_catalog_column(&p->pub, col))
				*ap_add_column(a, p, col) = *mg_catalog_column(&r->pub, col);
		}
		return;
	}
	if (has(op, MG_OPF_IF_EXISTS) && !mg_catalog_column(&r->pub, col))
		return;
	mg_cat_column *c = ap_need_column(a, r, col);
	switch (op->kind) {
	case MG_OP_DROP_COLUMN:
		ap_drop_column(a, r, col, has(op, MG_OPF_CASCADE));
		return;
	case MG_OP_RENAME_COLUMN:
		if (!op->new_name)
			return;
		if (mg_catalog_column(&r->pub, op->new_name) && ap_columns_known(r)) {
			mg_object o = {MG_OBJ_COLUMN, r->pub.schema, r->pub.name, op->new_name};
			ap_emit(a, MG_CAT_EV_DUPLICATE_OBJECT, o, false, false,
			        "column %s already exists on %s.%s", op->new_name, r->pub.schema,
			        r->pub.name);
			return;
		}
		if (!c)
			c = ap_add_column(a, r, op->new_name);
		c->name = mg_arena_strdup(a->cat->arena, op->new_name);
		cat_column_renamed(r, (size_t)(c - r->pub.columns));
		for (size_t i = 0; i < r->pub.n_partitions; i++) {
			mg_cat_relation *part = r->pub.partitions[i];
			mg_cat_column *pc = mg_catalog_column(part, col);
			if (pc) {
				pc->name = c->name;
				cat_column_renamed((cat_rel *)part, (size_t)(pc - part->columns));
			}
		}
		return;
	case MG_OP_ALTER_COLUMN_TYPE:
		for (size_t i = 0; i < r->views_in.n; i++) {
			cat_rel *v = r->views_in.items[i];
			if (!v->dropped && ap_view_uses_column(v, col))
				ap_emit(a, MG_CAT_EV_DEPENDENT_VIEW, op->object, false, false,
				        "%s %s.%s reads it", mg_object_kind_name(v->pub.kind),
				        v->pub.schema, v->pub.name);
		}
		if (c && op->type_to)
			c->type = op->type_to;
		return;
	case MG_OP_SET_DEFAULT:
		if (c) {
			c->default_expr = op->default_expr;
			c->default_volatility = op->default_volatility;
		}
		return;
	case MG_OP_DROP_DEFAULT:
		if (c) {
			c->default_expr = NULL;
			c->default_volatility = MG_VOLATILITY_NONE;
		}
		return;
	case MG_OP_SET_NOT_NULL:
	case MG_OP_DROP_NOT_NULL:
		if (c)
			c->not_null = op->kind == MG_OP_SET_NOT_NULL;
		return;
	case MG_OP_ADD_IDENTITY:
	case MG_OP_DROP_IDENTITY:
		if (c)
			c->identity = op->kind == MG_OP_ADD_IDENTITY;
		return;
	case MG_OP_DROP_EXPRESSION:
		if (c)
			c->generated = false;
		return;
	default:
		return;
	}
}

static void constraint_op(ap_ctx *a)
{
	const mg_operation *op = a->op;
	cat_rel *r = need_table(a);
	if (!r)
		return;
	if (op->kind == MG_OP_ADD_CONSTRAINT) {
		if (op->constraint)
			ap_constraint_def(a, r, op->constraint, NULL);
		return;
	}
	const char *name = op->object.name;
	mg_cat_constraint *k = mg_catalog_constraint(&r->pub, name);
	if (!k) {
		if (!has(op, MG_OPF_IF_EXISTS) && ap_columns_known(r) && name &&
		    (op->kind == MG_OP_DROP_CONSTRAINT || op->kind == MG_OP_VALIDATE_CONSTRAINT ||
		     op->kind == MG_OP_RENAME_CONSTRAINT))
			ap_emit(a, MG_CAT_EV_MISSING_OBJECT, op->object,
			        mg_catalog_name_uncertain(a->cat, r->pub.name), false,
			        "constraint %s does not exist on %s.%s", name, r->pub.schema, r->pub.name);
		return;
	}
	switch (op->kind) {
	case MG_OP_VALIDATE_CONSTRAINT:
		k->validated = true;
		return;
	case MG_OP_RENAME_CONSTRAINT:
		if (op->new_name) {
			const char *nn = mg_arena_strdup(a->cat->arena, op->new_name);
			if (k->index_name) {
				mg_cat_index *ix = NULL;
				mg_catalog_index_table(a->cat, r->pub.schema, k->index_name, &ix);
				ap_remove_index(a, r, k->index_name);
				mg_cat_index *nix = ap_add_index(a, r, nn);
				nix->columns = k->columns;
				nix->unique = true;
				nix->primary = k->kind == MG_CONSTRAINT_PRIMARY_KEY;
				nix->constraint = nn;
				k->index_name = nix->name;
				(void)ix;
			}
			k->name = nn;
		}
		return;
	case MG_OP_DROP_CONSTRAINT: {
		size_t idx = (size_t)(k - r->pub.constraints);
		if (k->kind == MG_CONSTRAINT_PRIMARY_KEY || k->kind == MG_CONSTRAINT_UNIQUE) {
			for (size_t i = 0; i < r->fk_in.n; i++) {
				cat_rel *from = r->fk_in.items[i];
				if (from->dropped)
					continue;
				for (size_t j = 0; j < from->pub.n_constraints; j++) {
					mg_cat_constraint *fk = &from->pub.constraints[j];
					if (fk != k && cat_fk_targets(a->cat, fk, r) && k->columns.count &&
					    fk->ref_columns.count == k->columns.count &&
					    names_have(&k->columns, fk->ref_columns.items[0]))
						ap_emit(a, MG_CAT_EV_DROP_IN_USE, op->object, false,
						        has(op, MG_OPF_CASCADE),
						        "foreign key %s of %s.%s relies on it", fk->name,
						        from->pub.schema, from->pub.name);
				}
			}
		}
		ap_remove_constraint(a, r, idx);
		return;
	}
	default:
		return;
	}
}

static void index_op(ap_ctx *a)
{
	const mg_operation *op = a->op;
	const char *schema = op->object.schema;
	const char *name = op->object.name;
	if (op->kind == MG_OP_CREATE_INDEX) {
		const char *ts = op->related.name ? op->related.schema : op->object.schema;
		const char *tn = op->related.name ? op->related.name : op->object.table;
		cat_rel *r = ap_need(a, ts, tn, MG_OBJ_TABLE);
		if (!r)
			return;
		if (!name) {
			const char *cols = NULL;
			mg_buf b = MG_BUF_INIT;
			for (size_t i = 0; i < op->index_columns.count; i++) {
				const char *c = op->index_columns.items[i];
				bool ident = true;
				for (const char *p = c; *p; p++)
					ident = ident && cat_ident_char(*p);
				if (i)
					mg_buf_putc(&b, '_');
				mg_buf_puts(&b, ident ? c : "expr");
			}
			cols = b.len ? mg_arena_strdup(a->cat->arena, mg_buf_cstr(&b)) : NULL;
			mg_buf_dispose(&b);
			name = cat_object_name(a->cat->arena, r->pub.name, cols, "idx");
		} else if (!create_check(a, MG_OBJ_INDEX, r->pub.schema, name)) {
			return;
		}
		if (ap_columns_known(r))
			for (size_t i = 0; i < op->index_columns.count; i++) {
				const char *c = op->index_columns.items[i];
				bool ident = *c != '\0';
				for (const char *p = c; *p; p++)
					ident = ident && cat_ident_char(*p) && !(*p >= '0' && *p <= '9' && p == c);
				if (ident)
					ap_need_column(a, r, c);
			}
		mg_cat_index *ix = ap_add_index(a, r, name);
		ix->columns = op->index_columns;
		ix->unique = has(op, MG_OPF_UNIQUE);
		ix->method = op->index_method;
		ix->where_expr = op->where_expr;
		ix->valid = !(has(op, MG_OPF_ONLY) && r->pub.partitioned);
		return;
	}
	mg_cat_index *ix = NULL;
	mg_cat_relation *owner = mg_catalog_index_table(a->cat, schema, name, &ix);
	if (!owner) {
		bool judged = op->kind == MG_OP_DROP_INDEX || op->kind == MG_OP_RENAME_INDEX ||
		              op->kind == MG_OP_ALTER_INDEX;
		if (judged && !has(op, MG_OPF_IF_EXISTS) && name && op->object.kind == MG_OBJ_INDEX &&
		    !cat_find(a->cat, schema, name)) {
			mg_object o = {MG_OBJ_INDEX, schema ? schema : a->cat->default_schema, NULL, name};
			ap_emit(a, MG_CAT_EV_MISSING_OBJECT, o, mg_catalog_name_uncertain(a->cat, name),
			        false, "index %s.%s does not exist at this point", o.schema, name);
		}
		return;
	}
	cat_rel *r = (cat_rel *)owner;
	if (op->kind == MG_OP_DROP_INDEX) {
		ap_remove_index(a, r, name);
	} else if (op->kind == MG_OP_RENAME_INDEX && op->new_name) {
		mg_cat_index copy = *ix;
		ap_remove_index(a, r, name);
		mg_cat_index *n = ap_add_index(a, r, op->new_name);
		const char *nn = n->name;
		*n = copy;
		n->name = nn;
	}
}

static void view_op(ap_ctx *a)
{
	const mg_operation *op = a->op;
	mg_object_kind kind = op->kind == MG_OP_CREATE_VIEW ? MG_OBJ_VIEW : MG_OBJ_MATERIALIZED_VIEW;
	const char *schema = op->object.schema, *name = op->object.name;
	if (!create_check(a, kind, schema, name))
		return;
	cat_rel *old = cat_find(a->cat, schema, name);
	if (old && old->pub.kind == kind && map_is_exact(a->cat, old, schema)) {
		old->dropped = true; /* OR REPLACE: readers of the view stay valid */
		cat_unregister(a->cat, old);
	}
	cat_rel *v = ap_new_rel(a, kind, schema, name);
	if (old && old->pub.kind == kind) {
		v->views_in = old->views_in;
		v->fk_in = old->fk_in;
	}
	v->columns_unknown = true;
	v->has_rows = kind == MG_OBJ_MATERIALIZED_VIEW && !has(op, MG_OPF_WITH_NO_DATA);
	v->temporary = has(op, MG_OPF_TEMPORARY);
	if (a->cat->stmt_sql) {
		v->def_sql = a->cat->stmt_sql;
		v->def_len = a->cat->stmt_len;
	}
	for (size_t i = 0; i < op->n_depends; i++) {
		const mg_object *d = &op->depends[i];
		if (mg_str_ieq(d->name, name) && mg_str_ieq(d->schema, schema))
			continue;
		cat_rel *t = ap_need(a, d->schema, d->name, MG_OBJ_TABLE);
		if (!t)
			continue;
		ap_add_read(a, v, (mg_object){t->pub.kind, t->pub.schema, NULL, t->pub.name});
		cat_vec_push(a->cat->arena, &t->views_in, v);
	}
}

static void note_opaque_text(ap_ctx *a, const char *text, size_t len)
{
	mg_catalog *cat = a->cat;
	if (!text) {
		cat->global_uncertain = true;
		return;
	}
	/* Dynamic SQL builds names at run time: nothing named is safe. */
	if (cat_text_has_word(text, len, "execute") || cat_text_has_word(text, len, "format"))
		cat->global_uncertain = true;
	cat_note_words(cat, text, len);
}

static void opaque_op(ap_ctx *a)
{
	const mg_operation *op = a->op;
	switch (op->opaque_kind) {
	case MG_OPAQUE_FUNCTION_BODY:
	case MG_OPAQUE_OUTPUT:
		return; /* defining a function runs nothing */
	case MG_OPAQUE_LOAD_DATA: {
		cat_rel *r = need_table(a);
		if (r)
			r->has_rows = true;
		return;
	}
	case MG_OPAQUE_DO_BLOCK:
	case MG_OPAQUE_UNMODELLED_STATEMENT:
	case MG_OPAQUE_OTHER_ENGINE_SQL:
		note_opaque_text(a, a->cat->stmt_sql, a->cat->stmt_len);
		return;
	case MG_OPAQUE_PROCEDURE_CALL: {
		/* A procedure we saw defined: its body says what it may touch. */
		const char *name = op->object.name;
		const char *body = name ? cat_map_get2(&a->cat->functions, "", name) : NULL;
		note_opaque_text(a, body, body ? strlen(body) : 0);
		return;
	}
	default:
		a->cat->global_uncertain = true;
		return;
	}
}

/* SELECT f(): a function defined in the project runs its body. */
static void select_op(ap_ctx *a)
{
	const char *d = a->op->detail;
	if (!d)
		return;
	while (*d) {
		const char *e = d;
		while (*e && *e != ',' && *e != ' ')
			e++;
		char fn[128];
		size_t n = (size_t)(e - d);
		if (n && n < sizeof fn) {
			memcpy(fn, d, n);
			fn[n] = '\0';
			const char *dot = strrchr(fn, '.');
			const char *body = cat_map_get2(&a->cat->functions, "", dot ? dot + 1 : fn);
			if (body)
				note_opaque_text(a, body, strlen(body));
		}
		d = *e ? e + 1 : e;
	}
}

static bool system_type(const char *name)
{
	return mg_str_starts_with(name, "pg_");
}

static void type_op(ap_ctx *a)
{
	const mg_operation *op = a->op;
	mg_catalog *cat = a->cat;
	const char *schema = op->object.schema ? op->object.schema : cat->default_schema;
	const char *name = op->object.name;
	if (!name)
		return;
	bool exists = cat_map_get2(&cat->types, schema, name) != NULL;
	switch (op->kind) {
	case MG_OP_CREATE_TYPE:
	case MG_OP_CREATE_DOMAIN:
		if (exists && !has(op, MG_OPF_IF_NOT_EXISTS))
			ap_emit(a, MG_CAT_EV_DUPLICATE_OBJECT, op->object, false, false,
			        "type %s.%s already exists", schema, name);
		cat_map_set(cat, &cat->types, schema, name, cat);
		/* A domain with CHECK or NOT NULL makes ADD COLUMN of that type
		 * check (and rewrite) every row. */
		if (op->kind == MG_OP_CREATE_DOMAIN)
			cat_map_set(cat, &cat->checked_domains, schema, name,
			            op->n_constraints ? cat : NULL);
		return;
	case MG_OP_DROP_TYPE:
	case MG_OP_DROP_DOMAIN:
		cat_map_set(cat, &cat->checked_domains, schema, name, NULL);
		if (exists)
			cat_map_set(cat, &cat->types, schema, name, NULL);
		else if (!has(op, MG_OPF_IF_EXISTS))
			goto missing;
		return;
	case MG_OP_RENAME_TYPE:
		if (!exists)
			goto missing;
		cat_map_set(cat, &cat->types, schema, name, NULL);
		if (op->new_name)
			cat_map_set(cat, &cat->types, schema, op->new_name, cat);
		return;
	default:
		if (!exists && !has(op, MG_OPF_IF_EXISTS))
			goto missing;
		return;
	}
missing:
	if (!mg_catalog_has_type(cat, schema, name) && !system_type(name)) {
		mg_object o = {MG_OBJ_TYPE, schema, NULL, name};
		ap_emit(a, MG_CAT_EV_MISSING_OBJECT, o,
		        mg_catalog_name_uncertain(cat, name) || cat->extensions_seen, false,
		        "type %s.%s does not exist at this point", schema, name);
	}
}

static void dml_op(ap_ctx *a)
{
	const mg_operation *op = a->op;
	for (size_t i = 0; i < op->n_depends; i++)
		ap_need(a, op->depends[i].schema, op->depends[i].name, MG_OBJ_TABLE);
	cat_rel *r = need_table(a);
	if (!r)
		return;
	if (op->kind == MG_OP_INSERT || op->kind == MG_OP_COPY || op->kind == MG_OP_MERGE)
		r->has_rows = true;
	if (op->kind == MG_OP_TRUNCATE)
		r->has_rows = false;
}

static void trigger_like(ap_ctx *a)
{
	const mg_operation *op = a->op;
	const char *schema = op->related.name ? op->related.schema : op->object.schema;
	const char *name = op->related.name ? op->related.name : op->object.table;
	if (!name)
		return;
	if (has(op, MG_OPF_IF_EXISTS))
		return;
	ap_need(a, schema, name, MG_OBJ_TABLE);
}

void mg_catalog_apply(mg_catalog *cat, const mg_operation *op, size_t changeset_index,
                      mg_cat_event_fn fn, void *ctx)
{
	ap_ctx a = {cat, op, changeset_index, fn, ctx, NULL};
	cat_own_borrowed(cat);
	switch (op->kind) {
	case MG_OP_OPAQUE: opaque_op(&a); return;
	case MG_OP_CREATE_SCHEMA:
		if (op->object.name)
			cat_map_set(cat, &cat->schemas, "", op->object.name, cat);
		return;
	case MG_OP_CREATE_EXTENSION:
		cat->extensions_seen = true;
		if (op->object.name)
			cat_map_set(cat, &cat->extensions, "", op->object.name, cat);
		return;
	case MG_OP_CREATE_TABLE: create_table(&a); return;
	case MG_OP_DROP_TABLE:
	case MG_OP_DROP_VIEW:
	case MG_OP_DROP_MATERIALIZED_VIEW:
	case MG_OP_DROP_SEQUENCE: drop_rel(&a); return;
	case MG_OP_RENAME_TABLE:
	case MG_OP_RENAME_VIEW:
	case MG_OP_RENAME_SEQUENCE: rename_rel(&a); return;
	case MG_OP_SET_SCHEMA: set_schema(&a); return;
	case MG_OP_SET_LOGGED:
	case MG_OP_SET_UNLOGGED: {
		cat_rel *r = need_table(&a);
		if (r)
			r->pub.unlogged = op->kind == MG_OP_SET_UNLOGGED;
		return;
	}
	case MG_OP_SET_TABLESPACE:
	case MG_OP_SET_ACCESS_METHOD:
	case MG_OP_SET_STORAGE_PARAMS:
	case MG_OP_RESET_STORAGE_PARAMS:
	case MG_OP_SET_OWNER:
	case MG_OP_REPLICA_IDENTITY:
	case MG_OP_ROW_SECURITY:
	case MG_OP_OF_TYPE:
	case MG_OP_CLUSTER_ON:
	case MG_OP_LOCK_TABLE:
	case MG_OP_ALTER_VIEW:
	case MG_OP_REFRESH_MATERIALIZED_VIEW:
	case MG_OP_ALTER_SEQUENCE:
		if (op->object.kind == MG_OBJ_TABLE || op->object.kind == MG_OBJ_VIEW ||
		    op->object.kind == MG_OBJ_MATERIALIZED_VIEW || op->object.kind == MG_OBJ_SEQUENCE)
			need_table(&a);
		return;
	case MG_OP_INHERIT:
		need_table(&a);
		if (op->related.name)
			ap_need(&a, op->related.schema, op->related.name, MG_OBJ_TABLE);
		return;
	case MG_OP_TRUNCATE:
	case MG_OP_INSERT:
	case MG_OP_UPDATE:
	case MG_OP_DELETE:
	case MG_OP_MERGE:
	case MG_OP_COPY: dml_op(&a); return;
	case MG_OP_SELECT: select_op(&a); return;
	case MG_OP_VACUUM:
	case MG_OP_ANALYZE:
	case MG_OP_CLUSTER:
		if (op->object.kind == MG_OBJ_TABLE && op->object.name)
			need_table(&a);
		return;
	case MG_OP_ADD_COLUMN:
	case MG_OP_DROP_COLUMN:
	case MG_OP_RENAME_COLUMN:
	case MG_OP_ALTER_COLUMN_TYPE:
	case MG_OP_SET_DEFAULT:
	case MG_OP_DROP_DEFAULT:
	case MG_OP_SET_NOT_NULL:
	case MG_OP_DROP_NOT_NULL:
	case MG_OP_ADD_IDENTITY:
	case MG_OP_SET_IDENTITY:
	case MG_OP_DROP_IDENTITY:
	case MG_OP_SET_STATISTICS:
	case MG_OP_SET_COLUMN_OPTIONS:
	case MG_OP_SET_COLUMN_STORAGE:
	case MG_OP_SET_COMPRESSION:
	case MG_OP_DROP_EXPRESSION:
	case MG_OP_SET_EXPRESSION: column_op(&a); return;
	case MG_OP_ADD_CONSTRAINT:
	case MG_OP_VALIDATE_CONSTRAINT:
	case MG_OP_DROP_CONSTRAINT:
	case MG_OP_RENAME_CONSTRAINT:
	case MG_OP_ALTER_CONSTRAINT: constraint_op(&a); return;
	case MG_OP_CREATE_INDEX:
	case MG_OP_DROP_INDEX:
	case MG_OP_RENAME_INDEX:
	case MG_OP_ALTER_INDEX: index_op(&a); return;
	case MG_OP_REINDEX:
		if (op->object.kind == MG_OBJ_TABLE)
			need_table(&a);
		return;
	case MG_OP_ATTACH_PARTITION:
	case MG_OP_DETACH_PARTITION: {
		cat_rel *parent = ap_need(&a, op->related.schema, op->related.name, MG_OBJ_TABLE);
		cat_rel *part = ap_need(&a, op->object.schema, op->object.name, MG_OBJ_TABLE);
		if (!parent || !part)
			return;
		if (op->kind == MG_OP_ATTACH_PARTITION && !part->pub.parent) {
			part->pub.parent = &parent->pub;
			part->pub.is_default_partition = has(op, MG_OPF_DEFAULT);
			part->pub.bound_from = op->bound_from;
			part->pub.bound_to = op->bound_to;
			part->pub.bound_in = op->bound_in;
			mg_arena_push(cat->arena, (void ***)&parent->pub.partitions,
			              &parent->pub.n_partitions, &parent->caps_parts, &part->pub);
		} else if (op->kind == MG_OP_DETACH_PARTITION && part->pub.parent == &parent->pub) {
			for (size_t i = 0; i < parent->pub.n_partitions; i++)
				if (parent->pub.partitions[i] == &part->pub) {
					parent->pub.partitions[i] =
						parent->pub.partitions[--parent->pub.n_partitions];
					break;
				}
			if (has(op, MG_OPF_CONCURRENTLY))
				detached_bound_check(&a, parent, part);
			part->pub.parent = NULL;
			part->pub.is_default_partition = false;
		}
		return;
	}
	case MG_OP_CREATE_VIEW:
	case MG_OP_CREATE_MATERIALIZED_VIEW: view_op(&a); return;
	case MG_OP_CREATE_SEQUENCE:
		if (create_check(&a, MG_OBJ_SEQUENCE, op->object.schema, op->object.name))
			ap_new_rel(&a, MG_OBJ_SEQUENCE, op->object.schema, op->object.name);
		return;
	case MG_OP_CREATE_TYPE:
	case MG_OP_DROP_TYPE:
	case MG_OP_ADD_ENUM_VALUE:
	case MG_OP_RENAME_ENUM_VALUE:
	case MG_OP_ALTER_TYPE:
	case MG_OP_RENAME_TYPE:
	case MG_OP_CREATE_DOMAIN:
	case MG_OP_ALTER_DOMAIN:
	case MG_OP_DROP_DOMAIN: type_op(&a); return;
	case MG_OP_CREATE_FUNCTION:
		if (op->object.name)
			cat_map_set(cat, &cat->functions, op->object.schema ? op->object.schema
			                                                    : cat->default_schema,
			            op->object.name,
			            (void *)(cat->stmt_sql ? mg_arena_strndup(cat->arena, cat->stmt_sql,
			                                                      cat->stmt_len)
			                                   : ""));
		return;
	case MG_OP_CREATE_TRIGGER:
	case MG_OP_CREATE_RULE:
	case MG_OP_CREATE_POLICY:
	case MG_OP_DROP_TRIGGER:
	case MG_OP_RENAME_TRIGGER:
	case MG_OP_DROP_RULE:
	case MG_OP_DROP_POLICY:
	case MG_OP_ALTER_POLICY:
	case MG_OP_ENABLE_TRIGGER:
	case MG_OP_ENABLE_RULE: trigger_like(&a); return;
	case MG_OP_COMMENT:
		if ((op->object.kind == MG_OBJ_TABLE || op->object.kind == MG_OBJ_VIEW ||
		     op->object.kind == MG_OBJ_COLUMN) && !has(op, MG_OPF_IF_EXISTS))
			need_table(&a);
		return;
	default:
		return;
	}
}
