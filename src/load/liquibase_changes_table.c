/*
 * liquibase_changes_table.c: table and column change types.
 *
 * Shapes follow what Liquibase 4.28 generates for PostgreSQL:
 *  createTable    CREATE TABLE t (c type [DEFAULT ..] [NOT NULL], ...,
 *                 CONSTRAINT t_pkey PRIMARY KEY (..), UNIQUE (..),
 *                 CONSTRAINT fk FOREIGN KEY (..) REFERENCES ..)
 *                 and COMMENT ON ... for remarks
 *  addColumn      ALTER TABLE t ADD c type ..., one per column; FK columns
 *                 get their own ADD CONSTRAINT, a value an UPDATE
 *  addNotNull     [UPDATE t SET c = v WHERE c IS NULL;] ALTER COLUMN SET NOT NULL
 *  modifyDataType ALTER TABLE t ALTER COLUMN c TYPE x USING (c::x)
 *  mergeColumns   ADD final; UPDATE; DROP COLUMN c1; DROP COLUMN c2
 */
#include <string.h>

#include "load/liquibase_changes_int.h"
#include "migraph/sqlwrite.h"

static mg_name_list one_name(lbc *c, const char *name)
{
	mg_name_list l;
	l.items = mg_arena_alloc(c->arena, sizeof *l.items);
	l.items[0] = name;
	l.count = name ? 1 : 0;
	return l;
}

/* A foreign key declared on a column: references="t(id)" or
 * referencedTableName + referencedColumnNames. */
static bool column_fk(lbc *c, const lb_node *cons, const char *column,
                      mg_constraint_def *out)
{
	const char *refs = lb_attr_get(cons, "references");
	const char *rtable = lb_attr_get(cons, "referencedTableName");
	const char *rcols = lb_attr_get(cons, "referencedColumnNames");
	if (!refs && !rtable)
		return false;
	memset(out, 0, sizeof *out);
	out->kind = MG_CONSTRAINT_FOREIGN_KEY;
	out->name = lbc_name(c, lb_attr_get(cons, "foreignKeyName"));
	out->columns = one_name(c, column);
	const char *rschema = lb_attr_get(cons, "referencedTableSchemaName");
	if (refs && !rtable) {
		const char *p = strchr(refs, '(');
		const char *q = p ? strchr(p, ')') : NULL;
		rtable = p ? mg_arena_strndup(c->arena, refs, (size_t)(p - refs)) : refs;
		if (p && q)
			rcols = mg_arena_strndup(c->arena, p + 1, (size_t)(q - p - 1));
		const char *dot = strrchr(rtable, '.');
		if (dot) {
			rschema = mg_arena_strndup(c->arena, rtable, (size_t)(dot - rtable));
			rtable = dot + 1;
		}
	}
	out->ref_table = lbc_table(c, rschema ? lbc_name(c, rschema) : c->schema, rtable);
	out->ref_columns = lbc_name_list(c, rcols);
	if (lbc_bool(cons, "deleteCascade", false))
		out->on_delete = "cascade";
	out->deferrable = lbc_bool(cons, "deferrable", false);
	out->initially_deferred = lbc_bool(cons, "initiallyDeferred", false);
	out->not_valid = !lbc_bool(cons, "validateForeignKey", true);
	return true;
}

typedef struct col_set {
	lbc *c;
	mg_object table;
	mg_column_def *cols;
	size_t n, cap;
	mg_constraint_def *cons;   /* table constraints */
	size_t n_cons, cap_cons;
	mg_name_list pk;
	const char *pk_name;
	bool remarks;
} col_set;

static mg_constraint_def *new_cons(col_set *s)
{
	if (s->n_cons == s->cap_cons) {
		size_t cap = s->cap_cons ? s->cap_cons * 2 : 4;
		s->cons = mg_arena_grow(s->c->arena, s->cons, sizeof *s->cons, s->n_cons, cap);
		s->cap_cons = cap;
	}
	mg_constraint_def *d = &s->cons[s->n_cons++];
	memset(d, 0, sizeof *d);
	return d;
}

/* Reads one <column> into a column definition, collecting its table
 * constraints (primary key, unique, foreign key, check) into s. */
static void read_column(col_set *s, const lb_node *col, mg_column_def *out)
{
	lbc *c = s->c;
	memset(out, 0, sizeof *out);
	out->name = lbc_name(c, lb_attr_get(col, "name"));
	out->type = lbc_type(c, lb_attr_get(col, "type"), &out->serial);
	out->default_expr = lbc_default(c, col, "defaultValue", out->type, &out->default_volatility);
	if (lbc_bool(col, "autoIncrement", false)) {
		out->identity = true;
		out->not_null = true;
	}
	if (out->serial) {
		out->not_null = true;
		out->default_volatility = MG_VOLATILITY_VOLATILE;
		if (s->table.name && out->name)
			out->default_expr = mg_arena_printf(c->arena, "nextval('%s_%s_seq'::regclass)",
			                                    s->table.name, out->name);
	}
	if (lb_value(col, "remarks"))
		s->remarks = true;
	const lb_node *cons = lb_child(col, "constraints");
	if (!cons)
		return;
	if (!lbc_bool(cons, "nullable", true))
		out->not_null = true;
	if (lbc_bool(cons, "primaryKey", false)) {
		out->primary_key = true;
		out->not_null = true;
		if (!s->pk_name)
			s->pk_name = lbc_name(c, lb_attr_get(cons, "primaryKeyName"));
		s->pk.items = mg_arena_grow(c->arena, s->pk.items, sizeof *s->pk.items, s->pk.count,
		                            s->pk.count + 1);
		s->pk.items[s->pk.count++] = out->name;
	}
	if (lbc_bool(cons, "unique", false)) {
		out->unique = true;
		mg_constraint_def *u = new_cons(s);
		u->kind = MG_CONSTRAINT_UNIQUE;
		u->name = lbc_name(c, lb_attr_get(cons, "uniqueConstraintName"));
		u->columns = one_name(c, out->name);
	}
	mg_constraint_def fk;
	if (column_fk(c, cons, out->name, &fk))
		*new_cons(s) = fk;
	const char *check = lb_attr_get(cons, "checkConstraint");
	if (check && *check) {
		mg_constraint_def *k = new_cons(s);
		k->kind = MG_CONSTRAINT_CHECK;
		k->expr = check;
	}
}

static void collect_column(const lb_node *col, void *ud)
{
	col_set *s = ud;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		s->cols = mg_arena_grow(s->c->arena, s->cols, sizeof *s->cols, s->n, cap);
		s->cap = cap;
	}
	read_column(s, col, &s->cols[s->n++]);
}

static void remarks_ops(lbc *c, const mg_object *table, const lb_node *parent)
{
	const lb_node *n = parent;
	for (size_t i = 0; i < n->n_children; i++) {
		const lb_node *w = n->children[i];
		bool wrapper = strcmp(w->name, "columns") == 0 ||
		               (strcmp(w->name, "column") == 0 && w->n_attrs == 0);
		if (wrapper) {
			for (size_t j = 0; j < w->n_children; j++)
				if (lb_value(w->children[j], "remarks"))
					lbc_comment(c, table, lbc_name(c, lb_attr_get(w->children[j], "name")),
					            lb_value(w->children[j], "remarks"));
		} else if (strcmp(w->name, "column") == 0 && lb_value(w, "remarks")) {
			lbc_comment(c, table, lbc_name(c, lb_attr_get(w, "name")), lb_value(w, "remarks"));
		}
	}
}

int lbc_create_table(lbc *c)
{
	const char *name = lbc_attr(c, "tableName");
	if (!name)
		return lbc_missing(c, "tableName");
	mg_operation *op = lbc_op(c, MG_OP_CREATE_TABLE);
	op->object = lbc_table(c, NULL, name);
	if (lbc_bool(c->node, "ifNotExists", false))
		op->flags |= MG_OPF_IF_NOT_EXISTS;
	const char *tt = lb_attr_get(c->node, "tableType");
	if (tt && mg_str_ieq(tt, "TEMPORARY"))
		op->flags |= MG_OPF_TEMPORARY;
	else if (tt && mg_str_ieq(tt, "UNLOGGED"))
		op->flags |= MG_OPF_UNLOGGED;
	col_set s;
	memset(&s, 0, sizeof s);
	s.c = c;
	s.table = op->object;
	lb_each(c->node, "columns", "column", collect_column, &s);
	op->columns = s.cols;
	op->n_columns = s.n;
	if (s.pk.count) {
		mg_constraint_def pk;
		memset(&pk, 0, sizeof pk);
		pk.kind = MG_CONSTRAINT_PRIMARY_KEY;
		pk.name = s.pk_name ? s.pk_name
		                    : mg_arena_printf(c->arena, "%s_pkey", op->object.name);
		pk.columns = s.pk;
		/* Liquibase writes the primary key first among table constraints. */
		mg_constraint_def *all = mg_arena_alloc(c->arena, (s.n_cons + 1) * sizeof *all);
		all[0] = pk;
		if (s.n_cons)
			memcpy(all + 1, s.cons, s.n_cons * sizeof *all);
		s.cons = all;
		s.n_cons++;
	}
	op->constraints = s.cons;
	op->n_constraints = s.n_cons;
	if (lb_value(c->node, "remarks"))
		lbc_comment(c, &op->object, NULL, lb_value(c->node, "remarks"));
	if (s.remarks)
		remarks_ops(c, &op->object, c->node);
	return 0;
}

int lbc_drop_table(lbc *c)
{
	const char *name = lbc_attr(c, "tableName");
	if (!name)
		return lbc_missing(c, "tableName");
	mg_operation *op = lbc_op(c, MG_OP_DROP_TABLE);
	op->object = lbc_table(c, NULL, name);
	if (lbc_bool(c->node, "cascadeConstraints", false))
		op->flags |= MG_OPF_CASCADE;
	return 0;
}

int lbc_rename_table(lbc *c)
{
	const char *from = lbc_attr(c, "oldTableName"), *to = lbc_attr(c, "newTableName");
	if (!from || !to)
		return lbc_missing(c, from ? "newTableName" : "oldTableName");
	mg_operation *op = lbc_op(c, MG_OP_RENAME_TABLE);
	op->object = lbc_table(c, NULL, from);
	op->new_name = lbc_name(c, to);
	return 0;
}

/* ---- columns -------------------------------------------------------------- */

int lbc_add_column(lbc *c)
{
	const char *table = lbc_attr(c, "tableName");
	if (!table)
		return lbc_missing(c, "tableName");
	col_set s;
	memset(&s, 0, sizeof s);
	s.c = c;
	s.table = lbc_table(c, NULL, table);
	lb_each(c->node, "columns", "column", collect_column, &s);
	for (size_t i = 0; i < s.n; i++) {
		mg_column_def *col = &s.cols[i];
		mg_operation *op = lbc_op(c, MG_OP_ADD_COLUMN);
		op->object = lbc_column(c, s.table.schema, s.table.name, NULL);
		op->object.table = s.table.name;
		op->object.name = col->name;
		op->column = col;
		op->type_to = col->type;
		op->default_expr = col->default_expr;
		op->default_volatility = col->default_volatility;
	}
	/* Unique and foreign keys of new columns come as statements of their
	 * own (ALTER TABLE t ADD UNIQUE (c); ... ADD CONSTRAINT fk ...). */
	for (size_t i = 0; i < s.n_cons; i++) {
		if (s.cons[i].kind != MG_CONSTRAINT_FOREIGN_KEY &&
		    s.cons[i].kind != MG_CONSTRAINT_UNIQUE)
			continue;
		mg_operation *op = lbc_op(c, MG_OP_ADD_CONSTRAINT);
		op->constraint = &s.cons[i];
		op->object = (mg_object){MG_OBJ_CONSTRAINT, s.table.schema, s.table.name, s.cons[i].name};
		if (s.cons[i].kind == MG_CONSTRAINT_FOREIGN_KEY)
			op->related = s.cons[i].ref_table;
		if (s.cons[i].not_valid)
			op->flags |= MG_OPF_NOT_VALID;
	}
	if (s.remarks)
		remarks_ops(c, &s.table, c->node);
	/* A column given a value is filled by an UPDATE after it is added. */
	lbc_values v = lbc_column_values(c, true);
	if (v.names.count) {
		mg_operation *op = lbc_op(c, MG_OP_UPDATE);
		op->object = s.table;
		op->set_clause = lbc_set_clause(c, &v.names, &v.values);
		op->set_columns = v.names;
	}
	return 0;
}

static void drop_one(lbc *c, const mg_object *table, const char *column)
{
	mg_operation *op = lbc_op(c, MG_OP_DROP_COLUMN);
	op->object = (mg_object){MG_OBJ_COLUMN, table->schema, table->name, lbc_name(c, column)};
}

typedef struct drop_ctx {
	lbc *c;
	mg_object table;
	size_t n;
} drop_ctx;

static void drop_each(const lb_node *col, void *ud)
{
	drop_ctx *d = ud;
	const char *name = lb_attr_get(col, "name");
	if (name) {
		drop_one(d->c, &d->table, name);
		d->n++;
	}
}

int lbc_drop_column(lbc *c)
{
	const char *table = lbc_attr(c, "tableName");
	if (!table)
		return lbc_missing(c, "tableName");
	drop_ctx d = {c, lbc_table(c, NULL, table), 0};
	const char *col = lbc_attr(c, "columnName");
	if (col) {
		drop_one(c, &d.table, col);
		return 0;
	}
	lb_each(c->node, "columns", "column", drop_each, &d);
	return d.n ? 0 : lbc_missing(c, "columnName");
}

int lbc_rename_column(lbc *c)
{
	const char *table = lbc_attr(c, "tableName");
	const char *from = lbc_attr(c, "oldColumnName"), *to = lbc_attr(c, "newColumnName");
	if (!table || !from || !to)
		return lbc_missing(c, !table ? "tableName" : !from ? "oldColumnName" : "newColumnName");
	mg_operation *op = lbc_op(c, MG_OP_RENAME_COLUMN);
	op->object = lbc_column(c, NULL, table, from);
	op->new_name = lbc_name(c, to);
	return 0;
}

int lbc_modify_data_type(lbc *c)
{
	const char *table = lbc_attr(c, "tableName");
	const char *col = lbc_attr(c, "columnName"), *type = lbc_attr(c, "newDataType");
	if (!table || !col || !type)
		return lbc_missing(c, !table ? "tableName" : !col ? "columnName" : "newDataType");
	mg_operation *op = lbc_op(c, MG_OP_ALTER_COLUMN_TYPE);
	op->object = lbc_column(c, NULL, table, col);
	op->type_to = lbc_type(c, type, NULL);
	/* Liquibase writes USING (col::type) on PostgreSQL: the very conversion
	 * the server applies without USING, so nothing is recorded (as the SQL
	 * front end does for the same text). */
	return 0;
}

int lbc_add_not_null(lbc *c)
{
	const char *table = lbc_attr(c, "tableName"), *col = lbc_attr(c, "columnName");
	if (!table || !col)
		return lbc_missing(c, table ? "columnName" : "tableName");
	mg_object obj = lbc_column(c, NULL, table, col);
	const char *fill = lbc_attr(c, "defaultNullValue");
	if (fill) {
		mg_operation *up = lbc_op(c, MG_OP_UPDATE);
		up->object = lbc_table(c, NULL, table);
		up->flags |= MG_OPF_HAS_WHERE;
		mg_buf b = MG_BUF_INIT;
		mg_sql_put_ident(&b, obj.name);
		mg_buf_puts(&b, " = ");
		mg_sql_put_literal(&b, fill);
		up->set_clause = mg_arena_strdup(c->arena, mg_buf_cstr(&b));
		mg_buf_clear(&b);
		mg_sql_put_ident(&b, obj.name);
		mg_buf_puts(&b, " IS NULL");
		up->where_expr = mg_arena_strdup(c->arena, mg_buf_cstr(&b));
		mg_buf_dispose(&b);
	}
	mg_operation *op = lbc_op(c, MG_OP_SET_NOT_NULL);
	op->object = obj;
	return 0;
}

int lbc_drop_not_null(lbc *c)
{
	const char *table = lbc_attr(c, "tableName"), *col = lbc_attr(c, "columnName");
	if (!table || !col)
		return lbc_missing(c, table ? "columnName" : "tableName");
	mg_operation *op = lbc_op(c, MG_OP_DROP_NOT_NULL);
	op->object = lbc_column(c, NULL, table, col);
	return 0;
}

int lbc_add_default(lbc *c)
{
	const char *table = lbc_attr(c, "tableName"), *col = lbc_attr(c, "columnName");
	if (!table || !col)
		return lbc_missing(c, table ? "columnName" : "tableName");
	mg_operation *op = lbc_op(c, MG_OP_SET_DEFAULT);
	op->object = lbc_column(c, NULL, table, col);
	const char *type = lbc_type(c, lbc_attr(c, "columnDataType"), NULL);
	op->default_expr = lbc_default(c, c->node, "defaultValue", type, &op->default_volatility);
	return 0;
}

int lbc_drop_default(lbc *c)
{
	const char *table = lbc_attr(c, "tableName"), *col = lbc_attr(c, "columnName");
	if (!table || !col)
		return lbc_missing(c, table ? "columnName" : "tableName");
	mg_operation *op = lbc_op(c, MG_OP_DROP_DEFAULT);
	op->object = lbc_column(c, NULL, table, col);
	return 0;
}

int lbc_merge_columns(lbc *c)
{
	const char *table = lbc_attr(c, "tableName");
	const char *c1 = lbc_attr(c, "column1Name"), *c2 = lbc_attr(c, "column2Name");
	const char *fin = lbc_attr(c, "finalColumnName"), *type = lbc_attr(c, "finalColumnType");
	if (!table || !c1 || !c2 || !fin)
		return lbc_missing(c, !table ? "tableName" : !c1 ? "column1Name"
		                                         : !c2 ? "column2Name" : "finalColumnName");
	mg_object t = lbc_table(c, NULL, table);
	mg_operation *add = lbc_op(c, MG_OP_ADD_COLUMN);
	add->object = lbc_column(c, NULL, table, fin);
	add->column = mg_arena_alloc(c->arena, sizeof *add->column);
	add->column->name = add->object.name;
	add->column->type = lbc_type(c, type, NULL);
	add->type_to = add->column->type;
	mg_operation *up = lbc_op(c, MG_OP_UPDATE);
	up->object = t;
	const char *join = lbc_attr(c, "joinString");
	mg_buf b = MG_BUF_INIT;
	mg_sql_put_ident(&b, add->object.name);
	mg_buf_puts(&b, " = ");
	mg_sql_put_ident(&b, lbc_name(c, c1));
	mg_buf_puts(&b, " || ");
	mg_sql_put_literal(&b, join ? join : "");
	mg_buf_puts(&b, " || ");
	mg_sql_put_ident(&b, lbc_name(c, c2));
	up->set_clause = mg_arena_strdup(c->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	drop_one(c, &t, c1);
	drop_one(c, &t, c2);
	return 0;
}

int lbc_add_auto_increment(lbc *c)
{
	const char *table = lbc_attr(c, "tableName"), *col = lbc_attr(c, "columnName");
	if (!table || !col)
		return lbc_missing(c, table ? "columnName" : "tableName");
	/* PostgreSQL: an owned sequence becomes the column's default. */
	mg_object obj = lbc_column(c, NULL, table, col);
	const char *seq = mg_arena_printf(c->arena, "%s_%s_seq", obj.table, obj.name);
	mg_operation *cs = lbc_op(c, MG_OP_CREATE_SEQUENCE);
	cs->object = (mg_object){MG_OBJ_SEQUENCE, obj.schema, NULL, seq};
	cs->flags |= MG_OPF_IF_NOT_EXISTS;
	cs->options_sql = lbc_sequence_options(c);
	mg_operation *nn = lbc_op(c, MG_OP_SET_NOT_NULL);
	nn->object = obj;
	mg_operation *def = lbc_op(c, MG_OP_SET_DEFAULT);
	def->object = obj;
	def->default_expr = mg_arena_printf(c->arena, "nextval('%s'::regclass)", seq);
	def->default_volatility = MG_VOLATILITY_VOLATILE;
	mg_operation *own = lbc_op(c, MG_OP_ALTER_SEQUENCE);
	own->object = cs->object;
	own->detail = "owned by";
	own->related = obj;
	return 0;
}

int lbc_set_column_remarks(lbc *c)
{
	const char *table = lbc_attr(c, "tableName"), *col = lbc_attr(c, "columnName");
	if (!table || !col)
		return lbc_missing(c, table ? "columnName" : "tableName");
	mg_object t = lbc_table(c, NULL, table);
	lbc_comment(c, &t, lbc_name(c, col), lbc_attr(c, "remarks"));
	return 0;
}

int lbc_set_table_remarks(lbc *c)
{
	const char *table = lbc_attr(c, "tableName");
	if (!table)
		return lbc_missing(c, "tableName");
	mg_object t = lbc_table(c, NULL, table);
	lbc_comment(c, &t, NULL, lbc_attr(c, "remarks"));
	return 0;
}
