/*
 * liquibase_changes_constraint.c: constraint and index change types.
 *
 * Liquibase writes each as one ALTER TABLE ... ADD/DROP CONSTRAINT or
 * CREATE/DROP INDEX statement on PostgreSQL; validate="false" becomes
 * NOT VALID, which is what decides whether adding a foreign key scans
 * (and blocks) the table, so it is kept on the operation.
 */
#include <string.h>

#include "load/liquibase_changes_int.h"

static mg_operation *add_constraint(lbc *c, const mg_object *table, mg_constraint_kind kind,
                                    const char *name)
{
	mg_operation *op = lbc_op(c, MG_OP_ADD_CONSTRAINT);
	op->constraint = mg_arena_alloc(c->arena, sizeof *op->constraint);
	op->constraint->kind = kind;
	op->constraint->name = lbc_name(c, name);
	op->object = (mg_object){MG_OBJ_CONSTRAINT, table->schema, table->name, op->constraint->name};
	return op;
}

static void validate_flag(lbc *c, mg_operation *op)
{
	if (!lbc_bool(c->node, "validate", true)) {
		op->flags |= MG_OPF_NOT_VALID;
		op->constraint->not_valid = true;
	}
}

static int drop_constraint(lbc *c, const char *table_attr, const char *schema_attr,
                           const char *name, mg_constraint_kind kind)
{
	const char *table = lbc_attr(c, table_attr);
	if (!table)
		return lbc_missing(c, table_attr);
	mg_object t = lbc_table(c, lbc_schema_attr(c, schema_attr), table);
	mg_operation *op = lbc_op(c, MG_OP_DROP_CONSTRAINT);
	op->object = (mg_object){MG_OBJ_CONSTRAINT, t.schema, t.name, lbc_name(c, name)};
	op->constraint = mg_arena_alloc(c->arena, sizeof *op->constraint);
	op->constraint->kind = kind;
	op->constraint->name = op->object.name;
	return 0;
}

int lbc_add_unique(lbc *c)
{
	const char *table = lbc_attr(c, "tableName"), *cols = lbc_attr(c, "columnNames");
	if (!table || !cols)
		return lbc_missing(c, table ? "columnNames" : "tableName");
	mg_object t = lbc_table(c, NULL, table);
	mg_operation *op = add_constraint(c, &t, MG_CONSTRAINT_UNIQUE, lbc_attr(c, "constraintName"));
	op->constraint->columns = lbc_name_list(c, cols);
	op->constraint->deferrable = lbc_bool(c->node, "deferrable", false);
	op->constraint->initially_deferred = lbc_bool(c->node, "initiallyDeferred", false);
	op->constraint->using_index = lbc_name(c, lbc_attr(c, "forIndexName"));
	validate_flag(c, op);
	return 0;
}

int lbc_drop_unique(lbc *c)
{
	return drop_constraint(c, "tableName", "schemaName", lbc_attr(c, "constraintName"),
	                       MG_CONSTRAINT_UNIQUE);
}

static const char *fk_action(const char *a)
{
	if (!a)
		return NULL;
	if (mg_str_ieq(a, "CASCADE"))
		return "cascade";
	if (mg_str_ieq(a, "SET NULL"))
		return "set null";
	if (mg_str_ieq(a, "SET DEFAULT"))
		return "set default";
	if (mg_str_ieq(a, "RESTRICT"))
		return "restrict";
	if (mg_str_ieq(a, "NO ACTION"))
		return "no action";
	return NULL;
}

int lbc_add_foreign_key(lbc *c)
{
	const char *base = lbc_attr(c, "baseTableName"), *cols = lbc_attr(c, "baseColumnNames");
	const char *ref = lbc_attr(c, "referencedTableName");
	const char *rcols = lbc_attr(c, "referencedColumnNames");
	if (!base || !cols || !ref)
		return lbc_missing(c, !base ? "baseTableName" : !cols ? "baseColumnNames"
		                                              : "referencedTableName");
	mg_object t = lbc_table(c, lbc_schema_attr(c, "baseTableSchemaName"), base);
	mg_operation *op = add_constraint(c, &t, MG_CONSTRAINT_FOREIGN_KEY,
	                                  lbc_attr(c, "constraintName"));
	mg_constraint_def *d = op->constraint;
	d->columns = lbc_name_list(c, cols);
	d->ref_table = lbc_table(c, lbc_schema_attr(c, "referencedTableSchemaName"), ref);
	d->ref_columns = lbc_name_list(c, rcols);
	d->on_delete = fk_action(lbc_attr(c, "onDelete"));
	d->on_update = fk_action(lbc_attr(c, "onUpdate"));
	if (lbc_bool(c->node, "deleteCascade", false))
		d->on_delete = "cascade";
	d->deferrable = lbc_bool(c->node, "deferrable", false);
	d->initially_deferred = lbc_bool(c->node, "initiallyDeferred", false);
	op->related = d->ref_table;
	validate_flag(c, op);
	return 0;
}

int lbc_drop_foreign_key(lbc *c)
{
	const char *name = lbc_attr(c, "constraintName");
	if (!name)
		return lbc_missing(c, "constraintName");
	return drop_constraint(c, "baseTableName", "baseTableSchemaName", name,
	                       MG_CONSTRAINT_FOREIGN_KEY);
}

int lbc_drop_all_foreign_keys(lbc *c)
{
	/* Which keys exist is only known to a live database: record a drop
	 * of foreign keys of the table without a name. */
	int rc = drop_constraint(c, "baseTableName", "baseTableSchemaName", NULL,
	                         MG_CONSTRAINT_FOREIGN_KEY);
	if (rc == 0)
		c->stmt->ops[c->stmt->n_ops - 1]->detail = "all foreign keys of the table";
	return rc;
}

int lbc_add_primary_key(lbc *c)
{
	const char *table = lbc_attr(c, "tableName"), *cols = lbc_attr(c, "columnNames");
	if (!table || !cols)
		return lbc_missing(c, table ? "columnNames" : "tableName");
	mg_object t = lbc_table(c, NULL, table);
	mg_operation *op = add_constraint(c, &t, MG_CONSTRAINT_PRIMARY_KEY,
	                                  lbc_attr(c, "constraintName"));
	op->constraint->columns = lbc_name_list(c, cols);
	op->constraint->using_index = lbc_name(c, lbc_attr(c, "forIndexName"));
	validate_flag(c, op);
	return 0;
}

int lbc_drop_primary_key(lbc *c)
{
	return drop_constraint(c, "tableName", "schemaName", lbc_attr(c, "constraintName"),
	                       MG_CONSTRAINT_PRIMARY_KEY);
}

/* ---- indexes ------------------------------------------------------------ */

typedef struct idx_cols {
	lbc *c;
	mg_name_list *list;
	size_t cap;
} idx_cols;

static void index_column(const lb_node *col, void *ud)
{
	idx_cols *ic = ud;
	const char *name = lb_attr_get(col, "name");
	if (!name)
		return;
	/* A computed column is an expression, written as is. */
	const char *item = lbc_bool(col, "computed", false) ? name : lbc_name(ic->c, name);
	if (ic->list->count == ic->cap) {
		size_t cap = ic->cap ? ic->cap * 2 : 4;
		ic->list->items = mg_arena_grow(ic->c->arena, ic->list->items,
		                                sizeof *ic->list->items, ic->list->count, cap);
		ic->cap = cap;
	}
	ic->list->items[ic->list->count++] = item;
}

int lbc_create_index(lbc *c)
{
	const char *table = lbc_attr(c, "tableName");
	if (!table)
		return lbc_missing(c, "tableName");
	mg_object t = lbc_table(c, NULL, table);
	mg_operation *op = lbc_op(c, MG_OP_CREATE_INDEX);
	op->related = t;
	op->object = (mg_object){MG_OBJ_INDEX, t.schema, t.name, lbc_name(c, lbc_attr(c, "indexName"))};
	if (lbc_bool(c->node, "unique", false))
		op->flags |= MG_OPF_UNIQUE;
	const char *using = lbc_attr(c, "using");
	if (using && *using && !mg_str_ieq(using, "btree"))
		op->index_method = mg_str_lower(c->arena, using);
	idx_cols ic = {c, &op->index_columns, 0};
	lb_each(c->node, "columns", "column", index_column, &ic);
	const char *where = lbc_attr(c, "where");
	if (where && *where) {
		op->flags |= MG_OPF_HAS_WHERE;
		op->where_expr = where;
	}
	if (lbc_bool(c->node, "clustered", false)) {
		mg_operation *cl = lbc_op(c, MG_OP_CLUSTER);
		cl->object = t;
		cl->related = op->object;
	}
	return 0;
}

int lbc_drop_index(lbc *c)
{
	const char *name = lbc_attr(c, "indexName");
	if (!name)
		return lbc_missing(c, "indexName");
	mg_operation *op = lbc_op(c, MG_OP_DROP_INDEX);
	/* DROP INDEX names no table, and neither does the operation the
	 * SQL front end derives from it. */
	op->object = (mg_object){MG_OBJ_INDEX, c->schema, NULL, lbc_name(c, name)};
	return 0;
}

int lbc_add_lookup_table(lbc *c)
{
	const char *et = lbc_attr(c, "existingTableName"), *ec = lbc_attr(c, "existingColumnName");
	const char *nt = lbc_attr(c, "newTableName"), *nc = lbc_attr(c, "newColumnName");
	if (!et || !ec || !nt || !nc)
		return lbc_missing(c, !et ? "existingTableName" : !ec ? "existingColumnName"
		                                              : !nt ? "newTableName" : "newColumnName");
	mg_object existing = lbc_table(c, lbc_schema_attr(c, "existingTableSchemaName"), et);
	mg_object created = lbc_table(c, lbc_schema_attr(c, "newTableSchemaName"), nt);
	const char *ncol = lbc_name(c, nc);
	/* CREATE TABLE new AS SELECT DISTINCT ...; SET NOT NULL; ADD PRIMARY
	 * KEY; ADD CONSTRAINT fk FOREIGN KEY on the existing table. */
	mg_operation *ct = lbc_op(c, MG_OP_CREATE_TABLE);
	ct->object = created;
	ct->flags |= MG_OPF_AS_SELECT;
	ct->depends = mg_arena_alloc(c->arena, sizeof *ct->depends);
	ct->depends[0] = existing;
	ct->n_depends = 1;
	mg_operation *nn = lbc_op(c, MG_OP_SET_NOT_NULL);
	nn->object = (mg_object){MG_OBJ_COLUMN, created.schema, created.name, ncol};
	mg_operation *pk = add_constraint(c, &created, MG_CONSTRAINT_PRIMARY_KEY, NULL);
	pk->constraint->columns = lbc_name_list(c, nc);
	const char *fk_name = lbc_attr(c, "constraintName");
	if (!fk_name)
		fk_name = mg_arena_printf(c->arena, "fk_%s_%s", existing.name, created.name);
	mg_operation *fk = add_constraint(c, &existing, MG_CONSTRAINT_FOREIGN_KEY, fk_name);
	fk->constraint->columns = lbc_name_list(c, ec);
	fk->constraint->ref_table = created;
	fk->constraint->ref_columns = lbc_name_list(c, nc);
	fk->related = created;
	return 0;
}
