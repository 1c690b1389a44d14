/*
 * sqlwrite_ops.c: the SQL of an operation (see sqlwrite.h).
 *
 * One writer per family of operation kinds.  A writer that finds the
 * operation lacks something its SQL needs (a view's query, an EXCLUDE's
 * elements, the values of an UPDATE) says so through fail(): the caller
 * then keeps the statement's own text, or asks a person.
 */
#include <string.h>

#include "migraph/sqlwrite.h"

typedef struct sw {
	const mg_sqlw *w;
	const mg_operation *op;
	mg_buf b;
	const char *why;   /* set: the operation cannot be written */
} sw;

static void fail(sw *s, const char *why)
{
	if (!s->why)
		s->why = why;
}

static bool has(const mg_operation *op, unsigned flag)
{
	return (op->flags & flag) != 0;
}

void mg_sqlw_put_name(const mg_sqlw *w, mg_buf *out, const char *schema, const char *name)
{
	const char *dflt = w->default_schema ? w->default_schema : "public";
	if (schema && *schema && strcmp(schema, dflt) != 0) {
		mg_sql_put_ident(out, schema);
		mg_buf_putc(out, '.');
	}
	mg_sql_put_ident(out, name);
}

bool mg_sqlw_op_table(const mg_operation *op, const char **schema, const char **name)
{
	const mg_object *o = &op->object;
	*schema = o->schema;
	*name = NULL;
	switch (o->kind) {
	case MG_OBJ_TABLE:
	case MG_OBJ_VIEW:
	case MG_OBJ_MATERIALIZED_VIEW:
	case MG_OBJ_SEQUENCE:
		*name = o->name;
		break;
	default:
		if (o->table) {
			*name = o->table;
		} else if (op->related.name) {
			*schema = op->related.schema;
			*name = op->related.name;
		}
	}
	return *name != NULL;
}

void mg_sqlw_put_op_table(const mg_sqlw *w, mg_buf *out, const mg_operation *op)
{
	const char *schema, *name;
	if (mg_sqlw_op_table(op, &schema, &name))
		mg_sqlw_put_name(w, out, schema, name);
	else
		mg_buf_puts(out, "?");
}

static void put_name(sw *s, const char *schema, const char *name)
{
	if (!name)
		fail(s, "a name the operation does not record");
	mg_sqlw_put_name(s->w, &s->b, schema, name);
}

static void put_obj(sw *s, const mg_object *o)
{
	put_name(s, o->schema, o->name);
}

/* ---- Definitions --------------------------------------------------------- */

static const char *serial_type(const mg_column_def *c)
{
	if (!c->serial || !c->type)
		return NULL;
	if (!strcmp(c->type, "bigint"))
		return "bigserial";
	if (!strcmp(c->type, "integer"))
		return "serial";
	if (!strcmp(c->type, "smallint"))
		return "smallserial";
	return NULL;
}

static bool constraint_is_kind(const mg_constraint_def *k, size_t n, mg_constraint_kind kind)
{
	for (size_t i = 0; i < n; i++)
		if (k[i].kind == kind)
			return true;
	return false;
}

static void put_fk_action(mg_buf *b, const char *what, const char *action)
{
	if (!action || !strcmp(action, "no action"))
		return;
	mg_buf_printf(b, " ON %s ", what);
	for (const char *p = action; *p; p++)
		mg_buf_putc(b, (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p));
}

static bool write_constraint(const mg_sqlw *w, mg_buf *b, const mg_constraint_def *k,
                             const char *table_schema, bool in_column, bool allow_not_valid)
{
	if (k->name) {
		mg_buf_puts(b, "CONSTRAINT ");
		mg_sql_put_ident(b, k->name);
		mg_buf_putc(b, ' ');
	}
	switch (k->kind) {
	case MG_CONSTRAINT_CHECK:
		if (!k->expr)
			return false;
		mg_buf_printf(b, "CHECK (%s)", k->expr);
		break;
	case MG_CONSTRAINT_FOREIGN_KEY:
		if (!k->ref_table.name)
			return false;
		if (!in_column) {
			mg_buf_puts(b, "FOREIGN KEY ");
			mg_sql_put_list(b, &k->columns);
			mg_buf_putc(b, ' ');
		}
		mg_buf_puts(b, "REFERENCES ");
		mg_sqlw_put_name(w, b, k->ref_table.schema ? k->ref_table.schema : table_schema,
		                 k->ref_table.name);
		if (k->ref_columns.count) {
			mg_buf_putc(b, ' ');
			mg_sql_put_list(b, &k->ref_columns);
		}
		put_fk_action(b, "DELETE", k->on_delete);
		put_fk_action(b, "UPDATE", k->on_update);
		break;
	case MG_CONSTRAINT_UNIQUE:
	case MG_CONSTRAINT_PRIMARY_KEY:
		mg_buf_puts(b, k->kind == MG_CONSTRAINT_UNIQUE ? "UNIQUE" : "PRIMARY KEY");
		if (k->using_index) {
			mg_buf_puts(b, " USING INDEX ");
			mg_sql_put_ident(b, k->using_index);
		} else if (!in_column) {
			if (!k->columns.count)
				return false;
			mg_buf_putc(b, ' ');
			mg_sql_put_list(b, &k->columns);
		}
		break;
	case MG_CONSTRAINT_NOT_NULL:
		mg_buf_puts(b, "NOT NULL");
		break;
	default:
		return false; /* EXCLUDE: its elements are not recorded */
	}
	if (k->deferrable)
		mg_buf_puts(b, k->initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE");
	if (k->not_valid && allow_not_valid)
		mg_buf_puts(b, " NOT VALID");
	return true;
}

void mg_sqlw_put_constraint_def(const mg_sqlw *w, mg_buf *out, const mg_constraint_def *k,
                                const char *table_schema, bool inline_in_column)
{
	if (!write_constraint(w, out, k, table_schema, inline_in_column, !inline_in_column))
		mg_buf_puts(out, "/* constraint not recorded */");
}

static bool write_column(const mg_sqlw *w, mg_buf *b, const mg_column_def *c,
                         const char *table_schema, bool table_has_pk, bool table_has_unique)
{
	if (!c->name || !c->type || c->generated_stored)
		return false; /* a generated column's expression is not recorded */
	mg_sql_put_ident(b, c->name);
	const char *serial = serial_type(c);
	mg_buf_printf(b, " %s", serial ? serial : c->type);
	if (c->identity)
		mg_buf_puts(b, " GENERATED BY DEFAULT AS IDENTITY");
	else if (c->default_expr && !serial)
		mg_buf_printf(b, " DEFAULT %s", c->default_expr);
	if (c->not_null && !c->identity && !serial)
		mg_buf_puts(b, " NOT NULL");
	for (size_t i = 0; i < c->n_constraints; i++) {
		if (c->constraints[i].kind == MG_CONSTRAINT_NOT_NULL)
			continue;
		mg_buf_putc(b, ' ');
		if (!write_constraint(w, b, &c->constraints[i], table_schema, true, false))
			return false;
	}
	if (c->primary_key && !table_has_pk &&
	    !constraint_is_kind(c->constraints, c->n_constraints, MG_CONSTRAINT_PRIMARY_KEY))
		mg_buf_puts(b, " PRIMARY KEY");
	if (c->unique && !table_has_unique &&
	    !constraint_is_kind(c->constraints, c->n_constraints, MG_CONSTRAINT_UNIQUE))
		mg_buf_puts(b, " UNIQUE");
	return true;
}

void mg_sqlw_put_column_def(const mg_sqlw *w, mg_buf *out, const mg_column_def *c)
{
	if (!write_column(w, out, c, w->default_schema, false, false))
		mg_buf_puts(out, "/* column not recorded */");
}

/* A table-level UNIQUE on exactly this one column (Liquibase records a
 * column's unique="true" both ways). */
static bool unique_on(const mg_operation *op, const char *col)
{
	for (size_t i = 0; i < op->n_constraints; i++) {
		const mg_constraint_def *k = &op->constraints[i];
		if (k->kind == MG_CONSTRAINT_UNIQUE && k->columns.count == 1 &&
		    mg_str_eq(k->columns.items[0], col))
			return true;
	}
	return false;
}

/* ---- Tables ----------------------------------------------------------- */

static void put_bound(sw *s, const mg_operation *op)
{
	mg_buf *b = &s->b;
	if (has(op, MG_OPF_DEFAULT)) {
		mg_buf_puts(b, " DEFAULT");
		return;
	}
	const mg_name_list *parts[2] = {&op->bound_from, &op->bound_to};
	if (op->bound_in.count) {
		mg_buf_puts(b, " FOR VALUES IN (");
		for (size_t i = 0; i < op->bound_in.count; i++)
			mg_buf_printf(b, "%s%s", i ? ", " : "", op->bound_in.items[i]);
		mg_buf_putc(b, ')');
		return;
	}
	if (!op->bound_from.count || !op->bound_to.count) {
		fail(s, "the partition bound (a hash bound is not recorded)");
		return;
	}
	mg_buf_puts(b, " FOR VALUES");
	for (int p = 0; p < 2; p++) {
		mg_buf_puts(b, p ? " TO (" : " FROM (");
		for (size_t i = 0; i < parts[p]->count; i++) {
			const char *v = parts[p]->items[i];
			mg_buf_printf(b, "%s%s", i ? ", " : "",
			              mg_str_ieq(v, "minvalue")   ? "MINVALUE"
			              : mg_str_ieq(v, "maxvalue") ? "MAXVALUE"
			                                          : v);
		}
		mg_buf_putc(b, ')');
	}
}

static void create_table(sw *s)
{
	const mg_operation *op = s->op;
	mg_buf *b = &s->b;
	if (has(op, MG_OPF_AS_SELECT)) {
		fail(s, "the query of CREATE TABLE AS");
		return;
	}
	if (op->detail && !strcmp(op->detail, "like")) {
		fail(s, "the source of CREATE TABLE ... LIKE");
		return;
	}
	mg_buf_puts(b, "CREATE ");
	if (has(op, MG_OPF_TEMPORARY))
		mg_buf_puts(b, "TEMPORARY ");
	else if (has(op, MG_OPF_UNLOGGED))
		mg_buf_puts(b, "UNLOGGED ");
	mg_buf_puts(b, "TABLE ");
	if (has(op, MG_OPF_IF_NOT_EXISTS))
		mg_buf_puts(b, "IF NOT EXISTS ");
	put_obj(s, &op->object);
	if (has(op, MG_OPF_PARTITION_OF)) {
		mg_buf_puts(b, " PARTITION OF ");
		put_obj(s, &op->related);
		put_bound(s, op);
		if (has(op, MG_OPF_PARTITIONED))
			goto partition_by;
		mg_buf_putc(b, ';');
		return;
	}
	bool has_pk = constraint_is_kind(op->constraints, op->n_constraints,
	                                 MG_CONSTRAINT_PRIMARY_KEY);
	mg_buf_puts(b, " (");
	size_t n = 0;
	for (size_t i = 0; i < op->n_columns; i++, n++) {
		mg_buf_puts(b, n ? ",\n    " : "\n    ");
		if (!write_column(s->w, b, &op->columns[i], op->object.schema, has_pk,
		                  unique_on(op, op->columns[i].name)))
			fail(s, "a column definition (a generated column's expression)");
	}
	for (size_t i = 0; i < op->n_constraints; i++, n++) {
		mg_buf_puts(b, n ? ",\n    " : "\n    ");
		if (!write_constraint(s->w, b, &op->constraints[i], op->object.schema, false, false))
			fail(s, "a table constraint (an EXCLUDE's elements)");
	}
	mg_buf_puts(b, n ? "\n)" : ")");
	if (op->related.name && !has(op, MG_OPF_PARTITION_OF)) {
		mg_buf_puts(b, " INHERITS (");
		put_obj(s, &op->related);
		mg_buf_putc(b, ')');
	}
partition_by:
	if (has(op, MG_OPF_PARTITIONED)) {
		if (!op->detail || !op->partition_key.count) {
			fail(s, "the partition key (an expression key is not recorded)");
			return;
		}
		mg_buf_puts(b, " PARTITION BY ");
		for (const char *p = op->detail; *p; p++)
			mg_buf_putc(b, (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p));
		mg_buf_putc(b, ' ');
		mg_sql_put_list(b, &op->partition_key);
	}
	mg_buf_putc(b, ';');
}

/* ALTER TABLE [IF EXISTS] [ONLY] t */
static void alter_table(sw *s)
{
	mg_buf_puts(&s->b, "ALTER TABLE ");
	if (has(s->op, MG_OPF_IF_EXISTS) && s->op->kind != MG_OP_DROP_COLUMN &&
	    s->op->kind != MG_OP_DROP_CONSTRAINT && s->op->kind != MG_OP_DROP_IDENTITY)
		mg_buf_puts(&s->b, "IF EXISTS ");
	if (has(s->op, MG_OPF_ONLY))
		mg_buf_puts(&s->b, "ONLY ");
	mg_sqlw_put_op_table(s->w, &s->b, s->op);
}

static void alter_column(sw *s)
{
	alter_table(s);
	mg_buf_puts(&s->b, " ALTER COLUMN ");
	mg_sql_put_ident(&s->b, s->op->object.name);
}

static void lock_mode_words(mg_buf *b, const char *mode)
{
	/* AccessExclusiveLock -> ACCESS EXCLUSIVE */
	size_t n = strlen(mode);
	if (n > 4 && !strcmp(mode + n - 4, "Lock"))
		n -= 4;
	for (size_t i = 0; i < n; i++) {
		char c = mode[i];
		if (c >= 'A' && c <= 'Z' && i)
			mg_buf_putc(b, ' ');
		mg_buf_putc(b, (char)(c >= 'a' && c <= 'z' ? c - 32 : c));
	}
}

static bool table_op(sw *s)
{
	const mg_operation *op = s->op;
	mg_buf *b = &s->b;
	switch (op->kind) {
	case MG_OP_CREATE_TABLE: create_table(s); return true;
	case MG_OP_DROP_TABLE:
		mg_buf_printf(b, "DROP TABLE %s", has(op, MG_OPF_IF_EXISTS) ? "IF EXISTS " : "");
		put_obj(s, &op->object);
		break;
	case MG_OP_RENAME_TABLE:
		alter_table(s);
		mg_buf_puts(b, " RENAME TO ");
		mg_sql_put_ident(b, op->new_name);
		break;
	case MG_OP_SET_TABLESPACE:
		alter_table(s);
		mg_buf_puts(b, " SET TABLESPACE ");
		mg_sql_put_ident(b, op->new_name);
		break;
	case MG_OP_SET_LOGGED:
	case MG_OP_SET_UNLOGGED:
		alter_table(s);
		mg_buf_puts(b, op->kind == MG_OP_SET_LOGGED ? " SET LOGGED" : " SET UNLOGGED");
		break;
	case MG_OP_SET_ACCESS_METHOD:
		alter_table(s);
		mg_buf_puts(b, " SET ACCESS METHOD ");
		mg_sql_put_ident(b, op->detail);
		break;
	case MG_OP_RESET_STORAGE_PARAMS:
		alter_table(s);
		mg_buf_printf(b, " RESET (%s)", op->detail ? op->detail : "");
		break;
	case MG_OP_SET_OWNER:
		if (op->object.kind != MG_OBJ_TABLE) {
			fail(s, "the kind of object whose owner changes");
			return true;
		}
		alter_table(s);
		mg_buf_puts(b, " OWNER TO ");
		mg_sql_put_ident(b, op->detail);
		break;
	case MG_OP_REPLICA_IDENTITY:
		alter_table(s);
		if (op->detail && !strncmp(op->detail, "using index ", 12)) {
			mg_buf_puts(b, " REPLICA IDENTITY USING INDEX ");
			mg_sql_put_ident(b, op->detail + 12);
		} else {
			mg_buf_printf(b, " REPLICA IDENTITY %s", op->detail ? op->detail : "default");
		}
		break;
	case MG_OP_ENABLE_TRIGGER:
		alter_table(s);
		mg_buf_printf(b, " %s%s TRIGGER ", has(op, MG_OPF_NEGATED) ? "DISABLE" : "ENABLE",
		              op->detail && !strcmp(op->detail, "always")    ? " ALWAYS"
		              : op->detail && !strcmp(op->detail, "replica") ? " REPLICA"
		                                                            : "");
		if (op->object.name)
			mg_sql_put_ident(b, op->object.name);
		else
			mg_buf_puts(b, op->detail && !strcmp(op->detail, "user") ? "USER" : "ALL");
		break;
	case MG_OP_ROW_SECURITY:
		alter_table(s);
		mg_buf_printf(b, " %s ROW LEVEL SECURITY", op->detail ? op->detail : "enable");
		break;
	case MG_OP_INHERIT:
		alter_table(s);
		mg_buf_puts(b, has(op, MG_OPF_NEGATED) ? " NO INHERIT " : " INHERIT ");
		put_obj(s, &op->related);
		break;
	case MG_OP_CLUSTER_ON:
		alter_table(s);
		if (has(op, MG_OPF_NEGATED)) {
			mg_buf_puts(b, " SET WITHOUT CLUSTER");
		} else {
			mg_buf_puts(b, " CLUSTER ON ");
			mg_sql_put_ident(b, op->related.name);
		}
		break;
	case MG_OP_TRUNCATE:
		mg_buf_printf(b, "TRUNCATE %s", has(op, MG_OPF_ONLY) ? "ONLY " : "");
		put_obj(s, &op->object);
		if (op->detail && !strcmp(op->detail, "restart identity"))
			mg_buf_puts(b, " RESTART IDENTITY");
		break;
	case MG_OP_VACUUM:
	case MG_OP_ANALYZE:
		mg_buf_puts(b, op->kind == MG_OP_VACUUM ? "VACUUM" : "ANALYZE");
		if (op->detail)
			mg_buf_printf(b, " (%s)", op->detail);
		else if (has(op, MG_OPF_FULL))
			mg_buf_puts(b, " FULL");
		if (op->object.name) {
			mg_buf_putc(b, ' ');
			put_obj(s, &op->object);
		}
		break;
	case MG_OP_CLUSTER:
		mg_buf_puts(b, "CLUSTER ");
		put_obj(s, &op->object);
		if (op->related.name) {
			mg_buf_puts(b, " USING ");
			mg_sql_put_ident(b, op->related.name);
		}
		break;
	case MG_OP_LOCK_TABLE:
		mg_buf_puts(b, "LOCK TABLE ");
		put_obj(s, &op->object);
		if (op->detail) {
			mg_buf_puts(b, " IN ");
			lock_mode_words(b, op->detail);
			mg_buf_puts(b, " MODE");
		}
		break;
	default:
		return false;
	}
	if (has(op, MG_OPF_CASCADE) && (op->kind == MG_OP_DROP_TABLE || op->kind == MG_OP_TRUNCATE))
		mg_buf_puts(b, " CASCADE");
	mg_buf_putc(b, ';');
	return true;
}

/* ---- Columns and constraints ------------------------------------------ */

static bool column_op(sw *s)
{
	const mg_operation *op = s->op;
	mg_buf *b = &s->b;
	switch (op->kind) {
	case MG_OP_ADD_COLUMN:
		if (!op->column) {
			fail(s, "the column definition");
			return true;
		}
		alter_table(s);
		mg_buf_printf(b, " ADD COLUMN %s", has(op, MG_OPF_IF_NOT_EXISTS) ? "IF NOT EXISTS " : "");
		if (!write_column(s->w, b, op->column, op->object.schema, false, false))
			fail(s, "the column definition (a generated column's expression)");
		break;
	case MG_OP_DROP_COLUMN:
		alter_table(s);
		mg_buf_printf(b, " DROP COLUMN %s", has(op, MG_OPF_IF_EXISTS) ? "IF EXISTS " : "");
		mg_sql_put_ident(b, op->object.name);
		if (has(op, MG_OPF_CASCADE))
			mg_buf_puts(b, " CASCADE");
		break;
	case MG_OP_RENAME_COLUMN:
		alter_table(s);
		mg_buf_puts(b, " RENAME COLUMN ");
		mg_sql_put_ident(b, op->object.name);
		mg_buf_puts(b, " TO ");
		mg_sql_put_ident(b, op->new_name);
		break;
	case MG_OP_ALTER_COLUMN_TYPE:
		if (!op->type_to) {
			fail(s, "the new type");
			return true;
		}
		alter_column(s);
		mg_buf_printf(b, " TYPE %s", op->type_to);
		if (op->using_expr)
			mg_buf_printf(b, " USING %s", op->using_expr);
		break;
	case MG_OP_SET_DEFAULT:
		if (!op->default_expr) {
			fail(s, "the default expression");
			return true;
		}
		alter_column(s);
		mg_buf_printf(b, " SET DEFAULT %s", op->default_expr);
		break;
	case MG_OP_DROP_DEFAULT: alter_column(s); mg_buf_puts(b, " DROP DEFAULT"); break;
	case MG_OP_SET_NOT_NULL: alter_column(s); mg_buf_puts(b, " SET NOT NULL"); break;
	case MG_OP_DROP_NOT_NULL: alter_column(s); mg_buf_puts(b, " DROP NOT NULL"); break;
	case MG_OP_ADD_IDENTITY:
		alter_column(s);
		mg_buf_puts(b, " ADD GENERATED BY DEFAULT AS IDENTITY");
		break;
	case MG_OP_DROP_IDENTITY:
		alter_column(s);
		mg_buf_printf(b, " DROP IDENTITY%s", has(op, MG_OPF_IF_EXISTS) ? " IF EXISTS" : "");
		break;
	case MG_OP_SET_STATISTICS:
		alter_column(s);
		mg_buf_printf(b, " SET STATISTICS %s", op->detail ? op->detail : "-1");
		break;
	case MG_OP_SET_COLUMN_STORAGE:
		alter_column(s);
		mg_buf_printf(b, " SET STORAGE %s", op->detail ? op->detail : "DEFAULT");
		break;
	case MG_OP_SET_COMPRESSION:
		alter_column(s);
		mg_buf_printf(b, " SET COMPRESSION %s", op->detail ? op->detail : "default");
		break;
	case MG_OP_DROP_EXPRESSION: alter_column(s); mg_buf_puts(b, " DROP EXPRESSION"); break;
	default: return false;
	}
	mg_buf_putc(b, ';');
	return true;
}

static bool constraint_op(sw *s)
{
	const mg_operation *op = s->op;
	mg_buf *b = &s->b;
	switch (op->kind) {
	case MG_OP_ADD_CONSTRAINT: {
		if (!op->constraint) {
			fail(s, "the constraint definition");
			return true;
		}
		mg_constraint_def k = *op->constraint;
		k.not_valid = k.not_valid || has(op, MG_OPF_NOT_VALID);
		if (k.kind == MG_CONSTRAINT_NOT_NULL && k.columns.count == 1) {
			alter_table(s);
			mg_buf_puts(b, " ALTER COLUMN ");
			mg_sql_put_ident(b, k.columns.items[0]);
			mg_buf_puts(b, " SET NOT NULL;");
			return true;
		}
		alter_table(s);
		mg_buf_puts(b, " ADD ");
		if (!write_constraint(s->w, b, &k, op->object.schema, false, true))
			fail(s, "the constraint's definition (an EXCLUDE's elements, a CHECK's expression)");
		break;
	}
	case MG_OP_VALIDATE_CONSTRAINT:
		alter_table(s);
		mg_buf_puts(b, " VALIDATE CONSTRAINT ");
		mg_sql_put_ident(b, op->object.name);
		break;
	case MG_OP_DROP_CONSTRAINT:
		if (!op->object.name) {
			fail(s, "the constraint's name (only the database knows it)");
			return true;
		}
		alter_table(s);
		mg_buf_printf(b, " DROP CONSTRAINT %s", has(op, MG_OPF_IF_EXISTS) ? "IF EXISTS " : "");
		mg_sql_put_ident(b, op->object.name);
		if (has(op, MG_OPF_CASCADE))
			mg_buf_puts(b, " CASCADE");
		break;
	case MG_OP_RENAME_CONSTRAINT:
		alter_table(s);
		mg_buf_puts(b, " RENAME CONSTRAINT ");
		mg_sql_put_ident(b, op->object.name);
		mg_buf_puts(b, " TO ");
		mg_sql_put_ident(b, op->new_name);
		break;
	case MG_OP_ALTER_CONSTRAINT:
		alter_table(s);
		mg_buf_puts(b, " ALTER CONSTRAINT ");
		mg_sql_put_ident(b, op->object.name);
		if (op->constraint && op->constraint->deferrable)
			mg_buf_puts(b, op->constraint->initially_deferred ? " DEFERRABLE INITIALLY DEFERRED"
			                                                  : " DEFERRABLE INITIALLY IMMEDIATE");
		else
			mg_buf_puts(b, " NOT DEFERRABLE");
		break;
	default: return false;
	}
	mg_buf_putc(b, ';');
	return true;
}

/* ---- Indexes and partitions --------------------------------------------- */

static bool index_op(sw *s)
{
	const mg_operation *op = s->op;
	mg_buf *b = &s->b;
	switch (op->kind) {
	case MG_OP_CREATE_INDEX:
		if (!op->index_columns.count) {
			fail(s, "the index's columns");
			return true;
		}
		mg_buf_printf(b, "CREATE %sINDEX %s%s", has(op, MG_OPF_UNIQUE) ? "UNIQUE " : "",
		              has(op, MG_OPF_CONCURRENTLY) ? "CONCURRENTLY " : "",
		              has(op, MG_OPF_IF_NOT_EXISTS) ? "IF NOT EXISTS " : "");
		if (op->object.name) {
			mg_sql_put_ident(b, op->object.name);
			mg_buf_putc(b, ' ');
		}
		mg_buf_printf(b, "ON %s", has(op, MG_OPF_ONLY) ? "ONLY " : "");
		mg_sqlw_put_op_table(s->w, b, op);
		if (op->index_method && strcmp(op->index_method, "btree") != 0)
			mg_buf_printf(b, " USING %s", op->index_method);
		mg_buf_putc(b, ' ');
		mg_sql_put_list(b, &op->index_columns);
		if (op->where_expr)
			mg_buf_printf(b, " WHERE %s", op->where_expr);
		break;
	case MG_OP_DROP_INDEX:
		mg_buf_printf(b, "DROP INDEX %s%s", has(op, MG_OPF_CONCURRENTLY) ? "CONCURRENTLY " : "",
		              has(op, MG_OPF_IF_EXISTS) ? "IF EXISTS " : "");
		put_obj(s, &op->object);
		if (has(op, MG_OPF_CASCADE))
			mg_buf_puts(b, " CASCADE");
		break;
	case MG_OP_RENAME_INDEX:
		mg_buf_printf(b, "ALTER INDEX %s", has(op, MG_OPF_IF_EXISTS) ? "IF EXISTS " : "");
		put_obj(s, &op->object);
		mg_buf_puts(b, " RENAME TO ");
		mg_sql_put_ident(b, op->new_name);
		break;
	case MG_OP_REINDEX: {
		const char *what = op->object.kind == MG_OBJ_INDEX    ? "INDEX"
		                   : op->object.kind == MG_OBJ_TABLE  ? "TABLE"
		                   : op->object.kind == MG_OBJ_SCHEMA ? "SCHEMA"
		                   : op->detail && !strcmp(op->detail, "system") ? "SYSTEM"
		                                                                 : "DATABASE";
		mg_buf_printf(b, "REINDEX %s %s", what, has(op, MG_OPF_CONCURRENTLY) ? "CONCURRENTLY " : "");
		if (op->object.kind == MG_OBJ_INDEX || op->object.kind == MG_OBJ_TABLE)
			put_obj(s, &op->object);
		else
			mg_sql_put_ident(b, op->object.name ? op->object.name : "current_database");
		break;
	}
	case MG_OP_ALTER_INDEX:
		if (!op->detail || strcmp(op->detail, "AT_SetTableSpace") != 0) {
			fail(s, "the index parameters");
			return true;
		}
		mg_buf_puts(b, "ALTER INDEX ");
		put_obj(s, &op->object);
		mg_buf_puts(b, " SET TABLESPACE ");
		mg_sql_put_ident(b, op->new_name);
		break;
	case MG_OP_ATTACH_INDEX:
		mg_buf_puts(b, "ALTER INDEX ");
		put_obj(s, &op->object);
		mg_buf_puts(b, " ATTACH PARTITION ");
		put_obj(s, &op->related);
		break;
	case MG_OP_ATTACH_PARTITION:
		mg_buf_puts(b, "ALTER TABLE ");
		put_obj(s, &op->related);
		mg_buf_puts(b, " ATTACH PARTITION ");
		put_obj(s, &op->object);
		put_bound(s, op);
		break;
	case MG_OP_DETACH_PARTITION:
		mg_buf_puts(b, "ALTER TABLE ");
		put_obj(s, &op->related);
		mg_buf_puts(b, " DETACH PARTITION ");
		put_obj(s, &op->object);
		if (has(op, MG_OPF_CONCURRENTLY))
			mg_buf_puts(b, " CONCURRENTLY");
		else if (has(op, MG_OPF_FINALIZE))
			mg_buf_puts(b, " FINALIZE");
		break;
	default: return false;
	}
	mg_buf_putc(b, ';');
	return true;
}

/* ---- Views, sequences, types, routines ------------------------------------ */

static void drop(sw *s, const char *what)
{
	const mg_operation *op = s->op;
	mg_buf_printf(&s->b, "DROP %s %s", what, has(op, MG_OPF_IF_EXISTS) ? "IF EXISTS " : "");
	put_obj(s, &op->object);
	if (op->kind == MG_OP_DROP_TRIGGER || op->kind == MG_OP_DROP_RULE ||
	    op->kind == MG_OP_DROP_POLICY) {
		mg_buf_puts(&s->b, " ON ");
		if (op->related.name)
			put_obj(s, &op->related);
		else
			put_name(s, op->object.schema, op->object.table);
	}
	if (has(op, MG_OPF_CASCADE))
		mg_buf_puts(&s->b, " CASCADE");
}

static void rename(sw *s, const char *what)
{
	mg_buf_printf(&s->b, "ALTER %s ", what);
	put_obj(s, &s->op->object);
	mg_buf_puts(&s->b, " RENAME TO ");
	mg_sql_put_ident(&s->b, s->op->new_name);
}

static bool object_op(sw *s)
{
	const mg_operation *op = s->op;
	mg_buf *b = &s->b;
	bool mview = op->object.kind == MG_OBJ_MATERIALIZED_VIEW;
	switch (op->kind) {
	case MG_OP_CREATE_SCHEMA:
		mg_buf_printf(b, "CREATE SCHEMA %s", has(op, MG_OPF_IF_NOT_EXISTS) ? "IF NOT EXISTS " : "");
		mg_sql_put_ident(b, op->object.name ? op->object.name : op->object.schema);
		break;
	case MG_OP_DROP_SCHEMA:
		mg_buf_printf(b, "DROP SCHEMA %s", has(op, MG_OPF_IF_EXISTS) ? "IF EXISTS " : "");
		mg_sql_put_ident(b, op->object.name ? op->object.name : op->object.schema);
		if (has(op, MG_OPF_CASCADE))
			mg_buf_puts(b, " CASCADE");
		break;
	case MG_OP_RENAME_SCHEMA:
		mg_buf_puts(b, "ALTER SCHEMA ");
		mg_sql_put_ident(b, op->object.name ? op->object.name : op->object.schema);
		mg_buf_puts(b, " RENAME TO ");
		mg_sql_put_ident(b, op->new_name);
		break;
	case MG_OP_CREATE_EXTENSION:
		mg_buf_printf(b, "CREATE EXTENSION %s",
		              has(op, MG_OPF_IF_NOT_EXISTS) ? "IF NOT EXISTS " : "");
		mg_sql_put_ident(b, op->object.name);
		if (op->new_name) {
			mg_buf_puts(b, " SCHEMA ");
			mg_sql_put_ident(b, op->new_name);
		}
		break;
	case MG_OP_DROP_EXTENSION:
		mg_buf_printf(b, "DROP EXTENSION %s", has(op, MG_OPF_IF_EXISTS) ? "IF EXISTS " : "");
		mg_sql_put_ident(b, op->object.name);
		if (has(op, MG_OPF_CASCADE))
			mg_buf_puts(b, " CASCADE");
		break;
	case MG_OP_SET_SCHEMA: {
		const char *what = op->object.kind == MG_OBJ_TABLE      ? "TABLE"
		                   : op->object.kind == MG_OBJ_VIEW     ? "VIEW"
		                   : mview                              ? "MATERIALIZED VIEW"
		                   : op->object.kind == MG_OBJ_SEQUENCE ? "SEQUENCE"
		                   : op->object.kind == MG_OBJ_TYPE     ? "TYPE"
		                   : op->object.kind == MG_OBJ_DOMAIN   ? "DOMAIN"
		                                                        : NULL;
		if (!what) {
			fail(s, "the kind of object that moves");
			return true;
		}
		mg_buf_printf(b, "ALTER %s ", what);
		put_obj(s, &op->object);
		mg_buf_puts(b, " SET SCHEMA ");
		mg_sql_put_ident(b, op->new_name);
		break;
	}
	case MG_OP_DROP_VIEW: drop(s, "VIEW"); break;
	case MG_OP_DROP_MATERIALIZED_VIEW: drop(s, "MATERIALIZED VIEW"); break;
	case MG_OP_RENAME_VIEW: rename(s, mview ? "MATERIALIZED VIEW" : "VIEW"); break;
	case MG_OP_REFRESH_MATERIALIZED_VIEW:
		mg_buf_printf(b, "REFRESH MATERIALIZED VIEW %s",
		              has(op, MG_OPF_CONCURRENTLY) ? "CONCURRENTLY " : "");
		put_obj(s, &op->object);
		if (has(op, MG_OPF_WITH_NO_DATA))
			mg_buf_puts(b, " WITH NO DATA");
		break;
	case MG_OP_CREATE_SEQUENCE:
		if (op->detail && !op->options_sql) {
			fail(s, "the sequence's options");
			return true;
		}
		mg_buf_printf(b, "CREATE SEQUENCE %s", has(op, MG_OPF_IF_NOT_EXISTS) ? "IF NOT EXISTS " : "");
		put_obj(s, &op->object);
		if (op->options_sql)
			mg_buf_printf(b, " %s", op->options_sql);
		break;
	case MG_OP_ALTER_SEQUENCE:
		mg_buf_puts(b, "ALTER SEQUENCE ");
		put_obj(s, &op->object);
		if (op->options_sql) {
			mg_buf_printf(b, " %s", op->options_sql);
		} else if (op->detail && !strcmp(op->detail, "owned by") && op->related.name) {
			mg_buf_puts(b, " OWNED BY ");
			put_name(s, op->related.schema, op->related.table);
			mg_buf_putc(b, '.');
			mg_sql_put_ident(b, op->related.name);
		} else {
			fail(s, "the sequence's options");
			return true;
		}
		break;
	case MG_OP_DROP_SEQUENCE: drop(s, "SEQUENCE"); break;
	case MG_OP_RENAME_SEQUENCE: rename(s, "SEQUENCE"); break;
	case MG_OP_CREATE_TYPE:
		if (!op->detail || strcmp(op->detail, "composite") != 0 || !op->n_columns) {
			fail(s, "the type's definition");
			return true;
		}
		mg_buf_puts(b, "CREATE TYPE ");
		put_obj(s, &op->object);
		mg_buf_puts(b, " AS (");
		for (size_t i = 0; i < op->n_columns; i++) {
			mg_buf_puts(b, i ? ", " : "");
			mg_sql_put_ident(b, op->columns[i].name);
			mg_buf_printf(b, " %s", op->columns[i].type ? op->columns[i].type : "?");
		}
		mg_buf_putc(b, ')');
		break;
	case MG_OP_DROP_TYPE: drop(s, "TYPE"); break;
	case MG_OP_DROP_DOMAIN: drop(s, "DOMAIN"); break;
	case MG_OP_RENAME_TYPE:
		rename(s, op->object.kind == MG_OBJ_DOMAIN ? "DOMAIN" : "TYPE");
		break;
	case MG_OP_ADD_ENUM_VALUE:
		mg_buf_puts(b, "ALTER TYPE ");
		put_obj(s, &op->object);
		mg_buf_printf(b, " ADD VALUE %s", has(op, MG_OPF_IF_NOT_EXISTS) ? "IF NOT EXISTS " : "");
		mg_sql_put_literal(b, op->new_name);
		if (op->detail && (!strncmp(op->detail, "before ", 7) || !strncmp(op->detail, "after ", 6))) {
			bool before = op->detail[0] == 'b';
			mg_buf_puts(b, before ? " BEFORE " : " AFTER ");
			mg_sql_put_literal(b, op->detail + (before ? 7 : 6));
		}
		break;
	case MG_OP_RENAME_ENUM_VALUE:
		mg_buf_puts(b, "ALTER TYPE ");
		put_obj(s, &op->object);
		mg_buf_puts(b, " RENAME VALUE ");
		mg_sql_put_literal(b, op->detail);
		mg_buf_puts(b, " TO ");
		mg_sql_put_literal(b, op->new_name);
		break;
	case MG_OP_DROP_FUNCTION:
		drop(s, op->object.kind == MG_OBJ_PROCEDURE ? "PROCEDURE" : "FUNCTION");
		break;
	case MG_OP_DROP_TRIGGER: drop(s, "TRIGGER"); break;
	case MG_OP_RENAME_TRIGGER:
		mg_buf_puts(b, "ALTER TRIGGER ");
		mg_sql_put_ident(b, op->object.name);
		mg_buf_puts(b, " ON ");
		put_name(s, op->related.schema, op->related.name);
		mg_buf_puts(b, " RENAME TO ");
		mg_sql_put_ident(b, op->new_name);
		break;
	case MG_OP_DROP_RULE: drop(s, "RULE"); break;
	case MG_OP_DROP_POLICY: drop(s, "POLICY"); break;
	default: return false;
	}
	mg_buf_putc(b, ';');
	return true;
}

/* ---- Comments, data, session ---------------------------------------------- */

static bool comment_op(sw *s)
{
	const mg_operation *op = s->op;
	mg_buf *b = &s->b;
	const mg_object *o = &op->object;
	static const struct {
		mg_object_kind kind;
		const char *word;
	} kinds[] = {
		{MG_OBJ_TABLE, "TABLE"},       {MG_OBJ_VIEW, "VIEW"},
		{MG_OBJ_MATERIALIZED_VIEW, "MATERIALIZED VIEW"},
		{MG_OBJ_INDEX, "INDEX"},       {MG_OBJ_SEQUENCE, "SEQUENCE"},
		{MG_OBJ_TYPE, "TYPE"},         {MG_OBJ_DOMAIN, "DOMAIN"},
		{MG_OBJ_SCHEMA, "SCHEMA"},     {MG_OBJ_EXTENSION, "EXTENSION"},
	};
	mg_buf_puts(b, "COMMENT ON ");
	if (o->kind == MG_OBJ_COLUMN) {
		mg_buf_puts(b, "COLUMN ");
		put_name(s, o->schema, o->table);
		mg_buf_putc(b, '.');
		mg_sql_put_ident(b, o->name);
	} else if (o->kind == MG_OBJ_CONSTRAINT || o->kind == MG_OBJ_TRIGGER) {
		mg_buf_puts(b, o->kind == MG_OBJ_CONSTRAINT ? "CONSTRAINT " : "TRIGGER ");
		mg_sql_put_ident(b, o->name);
		mg_buf_puts(b, " ON ");
		put_name(s, o->schema, o->table);
	} else {
		const char *word = NULL;
		for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
			if (kinds[i].kind == o->kind)
				word = kinds[i].word;
		if (!word) {
			fail(s, "the kind of object commented on");
			return true;
		}
		mg_buf_printf(b, "%s ", word);
		if (o->kind == MG_OBJ_SCHEMA || o->kind == MG_OBJ_EXTENSION)
			mg_sql_put_ident(b, o->name);
		else
			put_obj(s, o);
	}
	mg_buf_puts(b, " IS ");
	if (op->detail)
		mg_sql_put_literal(b, op->detail);
	else
		mg_buf_puts(b, "NULL");
	mg_buf_putc(b, ';');
	return true;
}

static bool data_op(sw *s)
{
	const mg_operation *op = s->op;
	mg_buf *b = &s->b;
	switch (op->kind) {
	case MG_OP_INSERT:
		if (!op->n_insert_rows || has(op, MG_OPF_AS_SELECT)) {
			fail(s, "the inserted rows");
			return true;
		}
		mg_buf_puts(b, "INSERT INTO ");
		put_obj(s, &op->object);
		if (op->insert_columns.count) {
			mg_buf_putc(b, ' ');
			mg_sql_put_list(b, &op->insert_columns);
		}
		mg_buf_puts(b, " VALUES ");
		for (size_t r = 0; r < op->n_insert_rows; r++) {
			mg_buf_puts(b, r ? ", (" : "(");
			for (size_t i = 0; i < op->insert_rows[r].count; i++)
				mg_buf_printf(b, "%s%s", i ? ", " : "", op->insert_rows[r].items[i]);
			mg_buf_putc(b, ')');
		}
		break;
	case MG_OP_UPDATE:
		if (!op->set_clause) {
			fail(s, "the values the UPDATE sets");
			return true;
		}
		mg_buf_puts(b, "UPDATE ");
		put_obj(s, &op->object);
		mg_buf_printf(b, " SET %s", op->set_clause);
		if (op->where_expr)
			mg_buf_printf(b, " WHERE %s", op->where_expr);
		break;
	case MG_OP_DELETE:
		mg_buf_puts(b, "DELETE FROM ");
		put_obj(s, &op->object);
		if (op->where_expr)
			mg_buf_printf(b, " WHERE %s", op->where_expr);
		break;
	case MG_OP_SET_SETTING:
		if (!op->setting_name || !op->setting_value) {
			fail(s, "the setting's value");
			return true;
		}
		mg_buf_printf(b, "SET %s%s = ", has(op, MG_OPF_LOCAL) ? "LOCAL " : "", op->setting_name);
		if (strchr(op->setting_value, ','))
			mg_buf_puts(b, op->setting_value);
		else
			mg_sql_put_literal(b, op->setting_value);
		break;
	case MG_OP_RESET_SETTING:
		mg_buf_printf(b, "RESET %s", op->setting_name && strcmp(op->setting_name, "all") != 0
		                                 ? op->setting_name
		                                 : "ALL");
		break;
	case MG_OP_BEGIN: mg_buf_puts(b, "BEGIN"); break;
	case MG_OP_COMMIT: mg_buf_puts(b, "COMMIT"); break;
	case MG_OP_ROLLBACK: mg_buf_puts(b, "ROLLBACK"); break;
	case MG_OP_SAVEPOINT:
		mg_buf_puts(b, op->detail && !strcmp(op->detail, "release") ? "RELEASE SAVEPOINT "
		                                                             : "SAVEPOINT ");
		mg_sql_put_ident(b, op->new_name);
		break;
	default: return false;
	}
	mg_buf_putc(b, ';');
	return true;
}

const char *mg_sqlw_op(const mg_sqlw *w, const mg_operation *op, const char **why)
{
	sw s = {w, op, MG_BUF_INIT, NULL};
	bool known = table_op(&s) || column_op(&s) || constraint_op(&s) || index_op(&s) ||
	             object_op(&s) || data_op(&s) || (op->kind == MG_OP_COMMENT && comment_op(&s));
	if (!known)
		fail(&s, op->kind == MG_OP_OPAQUE ? "its code (not analysable)"
		                                  : "what this kind of operation needs");
	const char *out = s.why ? NULL : mg_arena_strdup(w->arena, mg_buf_cstr(&s.b));
	if (why)
		*why = s.why ? mg_arena_printf(w->arena, "%s %s is not recorded",
		                               mg_op_kind_name(op->kind), s.why)
		             : NULL;
	mg_buf_dispose(&s.b);
	return out;
}
