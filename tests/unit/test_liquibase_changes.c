/*
 * test_liquibase_changes.c: each built-in Liquibase change type becomes
 * the operations that the SQL Liquibase generates for PostgreSQL gives
 * (liquibase_changes*.c).  Changes are written as small YAML changelogs
 * and read with the YAML reader.
 */
#include "harness.h"

#include "load/lb_changes.h"
#include "load/lb_readers.h"
#include "migraph/load.h"
#include "migraph/sql.h"

typedef struct fixture {
	mg_project *project;
	mg_load_options opts;
	mg_changeset *cs;
	char *dir;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->project = mg_project_new();
	mg_load_options_init(&f->opts);
	f->opts.engine.major = 15;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	mg_project_free(f->project);
	if (f->dir)
		th_rmtree(f->dir);
	free(f);
	return 0;
}

static const char *resolve_in_dir(lb_change_ctx *ctx, const char *path, bool rel,
                                  mg_loc where)
{
	(void)rel;
	(void)where;
	return mg_path_join(&ctx->project->arena, ctx->resolve_data, path);
}

/* Maps the changes of a one-changeset YAML changelog; the change list is
 * given as YAML lines indented for "changes:". */
static mg_changeset *map_quoted(fixture *f, const char *changes, lb_quoting quoting)
{
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, "databaseChangeLog:\n- changeSet:\n    id: t1\n    author: test\n    changes:\n");
	mg_buf_puts(&b, changes);
	mg_file_data fd = {strdup(mg_buf_cstr(&b)), b.len};
	mg_buf_dispose(&b);
	lb_node *root = lb_read_yaml(f->project, "db/changelog.yaml", &fd, &f->opts);
	mg_file_data_free(&fd);
	assert_non_null(root);
	const lb_node *list = lb_child(root->children[0], "changes");
	assert_non_null(list);
	f->cs = mg_project_add_changeset(f->project, MG_CS_LIQUIBASE_YAML);
	lb_change_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.project = f->project;
	ctx.opts = &f->opts;
	ctx.cs = f->cs;
	ctx.changelog_path = "db/changelog.yaml";
	ctx.changelog_dir = "db";
	ctx.quoting = quoting;
	if (f->dir) {
		ctx.resolve = resolve_in_dir;
		ctx.resolve_data = f->dir;
	}
	for (size_t i = 0; i < list->n_children; i++)
		lb_change_to_ops(&ctx, list->children[i]);
	return f->cs;
}

static mg_changeset *map(fixture *f, const char *changes)
{
	return map_quoted(f, changes, LB_QUOTE_LEGACY);
}

/* All operations of the changeset, in order. */
static size_t all_ops(const mg_changeset *cs, const mg_operation **out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < cs->n_stmts; i++)
		for (size_t j = 0; j < cs->stmts[i]->n_ops && n < cap; j++)
			out[n++] = cs->stmts[i]->ops[j];
	return n;
}

static const mg_operation *op_at(const mg_changeset *cs, size_t k, mg_op_kind kind)
{
	const mg_operation *ops[64];
	size_t n = all_ops(cs, ops, 64);
	assert_true(k < n);
	assert_string_equal(mg_op_kind_name(ops[k]->kind), mg_op_kind_name(kind));
	return ops[k];
}

static size_t n_ops(const mg_changeset *cs)
{
	const mg_operation *ops[64];
	return all_ops(cs, ops, 64);
}

static void expect_object(const mg_object *o, mg_object_kind kind, const char *schema,
                          const char *table, const char *name)
{
	assert_int_equal(o->kind, kind);
	assert_string_equal(o->schema, schema);
	if (table)
		assert_string_equal(o->table, table);
	else
		assert_null(o->table);
	if (name)
		assert_string_equal(o->name, name);
	else
		assert_null(o->name);
}

static void test_create_table(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - createTable:\n"
		"        tableName: ORDERS\n"
		"        remarks: the orders\n"
		"        columns:\n"
		"        - column: {name: ID, type: BIGINT, autoIncrement: true,\n"
		"                   constraints: {primaryKey: true}}\n"
		"        - column: {name: note, type: varchar(200), constraints: {nullable: false}}\n"
		"        - column: {name: created, type: DATETIME, defaultValueComputed: now()}\n"
		"        - column: {name: customer_id, type: int,\n"
		"                   constraints: {references: customer(id), foreignKeyName: fk_c}}\n");
	assert_int_equal(n_ops(cs), 2);
	const mg_operation *op = op_at(cs, 0, MG_OP_CREATE_TABLE);
	expect_object(&op->object, MG_OBJ_TABLE, "public", NULL, "orders");
	assert_int_equal(op->n_columns, 4);
	assert_string_equal(op->columns[0].name, "id");
	assert_string_equal(op->columns[0].type, "bigint");
	assert_true(op->columns[0].identity);
	assert_true(op->columns[0].not_null);
	assert_string_equal(op->columns[1].type, "character varying(200)");
	assert_true(op->columns[1].not_null);
	assert_string_equal(op->columns[2].type, "timestamp without time zone");
	assert_false(op->columns[2].not_null);
	assert_int_equal(op->columns[2].default_volatility, MG_VOLATILITY_STABLE);
	assert_string_equal(op->columns[3].type, "integer");
	assert_int_equal(op->n_constraints, 2);
	assert_int_equal(op->constraints[0].kind, MG_CONSTRAINT_PRIMARY_KEY);
	assert_string_equal(op->constraints[0].name, "orders_pkey");
	assert_int_equal(op->constraints[1].kind, MG_CONSTRAINT_FOREIGN_KEY);
	assert_string_equal(op->constraints[1].ref_table.name, "customer");
	assert_string_equal(op->constraints[1].ref_columns.items[0], "id");
	const mg_operation *cm = op_at(cs, 1, MG_OP_COMMENT);
	expect_object(&cm->object, MG_OBJ_TABLE, "public", NULL, "orders");
	assert_int_equal(cs->stmts[0]->loc.line, 6);
	assert_int_equal(cs->stmts[0]->loc.col, 7);
}

static void test_quote_all_objects_keeps_case(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map_quoted(f,
		"    - dropTable: {tableName: Orders, schemaName: Sales}\n", LB_QUOTE_ALL_OBJECTS);
	expect_object(&op_at(cs, 0, MG_OP_DROP_TABLE)->object, MG_OBJ_TABLE, "Sales", NULL, "Orders");
}

static void test_legacy_folds_unless_mixed_case_or_odd(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - dropTable: {tableName: ORDERS}\n"
		"    - dropTable: {tableName: myTable}\n"
		"    - dropTable: {tableName: UK-2}\n");
	assert_string_equal(op_at(cs, 0, MG_OP_DROP_TABLE)->object.name, "orders");
	assert_string_equal(op_at(cs, 1, MG_OP_DROP_TABLE)->object.name, "myTable");
	assert_string_equal(op_at(cs, 2, MG_OP_DROP_TABLE)->object.name, "UK-2");
}

static void test_drop_table_cascade(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f, "    - dropTable: {tableName: t, cascadeConstraints: true}\n");
	assert_true(op_at(cs, 0, MG_OP_DROP_TABLE)->flags & MG_OPF_CASCADE);
}

static void test_rename_table(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f, "    - renameTable: {oldTableName: a, newTableName: B}\n");
	const mg_operation *op = op_at(cs, 0, MG_OP_RENAME_TABLE);
	assert_string_equal(op->object.name, "a");
	assert_string_equal(op->new_name, "b");
}

static void test_add_column(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - addColumn:\n"
		"        tableName: t\n"
		"        columns:\n"
		"        - column: {name: a, type: BOOLEAN, defaultValueBoolean: false,\n"
		"                   constraints: {nullable: false}}\n"
		"        - column: {name: b, type: char(21), remarks: x, constraints: {unique: true}}\n"
		"        - column: {name: c, type: uuid, defaultValueComputed: gen_random_uuid()}\n");
	assert_int_equal(n_ops(cs), 5);
	const mg_operation *a = op_at(cs, 0, MG_OP_ADD_COLUMN);
	expect_object(&a->object, MG_OBJ_COLUMN, "public", "t", "a");
	assert_string_equal(a->column->type, "boolean");
	assert_true(a->column->not_null);
	assert_int_equal(a->default_volatility, MG_VOLATILITY_CONSTANT);
	assert_string_equal(op_at(cs, 1, MG_OP_ADD_COLUMN)->column->type, "character(21)");
	const mg_operation *c = op_at(cs, 2, MG_OP_ADD_COLUMN);
	assert_int_equal(c->default_volatility, MG_VOLATILITY_VOLATILE);
	const mg_operation *u = op_at(cs, 3, MG_OP_ADD_CONSTRAINT);
	assert_int_equal(u->constraint->kind, MG_CONSTRAINT_UNIQUE);
	op_at(cs, 4, MG_OP_COMMENT);
}

static void test_add_column_with_value_updates(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - addColumn:\n"
		"        tableName: t\n"
		"        columns:\n"
		"        - column: {name: a, type: int, valueNumeric: 3}\n");
	op_at(cs, 0, MG_OP_ADD_COLUMN);
	expect_object(&op_at(cs, 1, MG_OP_UPDATE)->object, MG_OBJ_TABLE, "public", NULL, "t");
}

static void test_drop_column_both_forms(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - dropColumn: {tableName: t, columnName: a}\n"
		"    - dropColumn:\n"
		"        tableName: t\n"
		"        columns:\n"
		"        - column: {name: b}\n"
		"        - column: {name: c}\n");
	assert_int_equal(n_ops(cs), 3);
	expect_object(&op_at(cs, 2, MG_OP_DROP_COLUMN)->object, MG_OBJ_COLUMN, "public", "t", "c");
}

static void test_rename_column(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - renameColumn: {tableName: t, oldColumnName: sizeX, newColumnName: size_x}\n");
	const mg_operation *op = op_at(cs, 0, MG_OP_RENAME_COLUMN);
	assert_string_equal(op->object.name, "sizeX");
	assert_string_equal(op->new_name, "size_x");
}

static void test_modify_data_type(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - modifyDataType: {tableName: t, columnName: c, newDataType: CLOB}\n"
		"    - modifyDataType: {tableName: t, columnName: d, newDataType: 'TIMESTAMP WITH TIME ZONE'}\n"
		"    - modifyDataType: {tableName: t, columnName: e, newDataType: TINYINT}\n"
		"    - modifyDataType: {tableName: t, columnName: g, newDataType: java.sql.Types.VARCHAR(10)}\n"
		"    - modifyDataType: {tableName: t, columnName: h, newDataType: LONGBLOB}\n");
	const mg_operation *op = op_at(cs, 0, MG_OP_ALTER_COLUMN_TYPE);
	expect_object(&op->object, MG_OBJ_COLUMN, "public", "t", "c");
	assert_string_equal(op->type_to, "text");
	/* Liquibase's USING (c::text) is the default conversion: not recorded. */
	assert_null(op->using_expr);
	assert_string_equal(op_at(cs, 1, MG_OP_ALTER_COLUMN_TYPE)->type_to,
	                    "timestamp with time zone");
	assert_string_equal(op_at(cs, 2, MG_OP_ALTER_COLUMN_TYPE)->type_to, "smallint");
	assert_string_equal(op_at(cs, 3, MG_OP_ALTER_COLUMN_TYPE)->type_to, "character varying(10)");
	assert_string_equal(op_at(cs, 4, MG_OP_ALTER_COLUMN_TYPE)->type_to, "bytea");
}

static void test_add_not_null_with_default_updates_first(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - addNotNullConstraint: {tableName: t, columnName: c, defaultNullValue: 0}\n"
		"    - addNotNullConstraint: {tableName: t, columnName: d}\n");
	assert_int_equal(n_ops(cs), 3);
	const mg_operation *up = op_at(cs, 0, MG_OP_UPDATE);
	assert_true(up->flags & MG_OPF_HAS_WHERE);
	expect_object(&op_at(cs, 1, MG_OP_SET_NOT_NULL)->object, MG_OBJ_COLUMN, "public", "t", "c");
	op_at(cs, 2, MG_OP_SET_NOT_NULL);
}

static void test_drop_not_null(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f, "    - dropNotNullConstraint: {tableName: t, columnName: c}\n");
	expect_object(&op_at(cs, 0, MG_OP_DROP_NOT_NULL)->object, MG_OBJ_COLUMN, "public", "t", "c");
}

static void test_add_and_drop_default(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - addDefaultValue: {tableName: t, columnName: a, defaultValue: x}\n"
		"    - addDefaultValue: {tableName: t, columnName: b, defaultValueComputed: random()}\n"
		"    - addDefaultValue: {tableName: t, columnName: c, defaultValueSequenceNext: s}\n"
		"    - addDefaultValue: {tableName: t, columnName: d, defaultValueComputed: NOW()}\n"
		"    - dropDefaultValue: {tableName: t, columnName: a}\n");
	assert_int_equal(op_at(cs, 0, MG_OP_SET_DEFAULT)->default_volatility, MG_VOLATILITY_CONSTANT);
	assert_int_equal(op_at(cs, 1, MG_OP_SET_DEFAULT)->default_volatility, MG_VOLATILITY_VOLATILE);
	assert_int_equal(op_at(cs, 2, MG_OP_SET_DEFAULT)->default_volatility, MG_VOLATILITY_VOLATILE);
	assert_int_equal(op_at(cs, 3, MG_OP_SET_DEFAULT)->default_volatility, MG_VOLATILITY_STABLE);
	op_at(cs, 4, MG_OP_DROP_DEFAULT);
}

static void test_unique_constraint_add_and_drop(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - addUniqueConstraint: {tableName: t, columnNames: 'a, b', constraintName: uq}\n"
		"    - dropUniqueConstraint: {tableName: t, constraintName: uq}\n");
	const mg_operation *op = op_at(cs, 0, MG_OP_ADD_CONSTRAINT);
	expect_object(&op->object, MG_OBJ_CONSTRAINT, "public", "t", "uq");
	assert_int_equal(op->constraint->columns.count, 2);
	assert_string_equal(op->constraint->columns.items[1], "b");
	expect_object(&op_at(cs, 1, MG_OP_DROP_CONSTRAINT)->object, MG_OBJ_CONSTRAINT, "public", "t",
	              "uq");
}

static void test_foreign_key_not_valid(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - addForeignKeyConstraint:\n"
		"        baseTableName: orders\n"
		"        baseColumnNames: customer_id\n"
		"        constraintName: fk_orders_customer\n"
		"        referencedTableName: customer\n"
		"        referencedColumnNames: id\n"
		"        onDelete: CASCADE\n"
		"        validate: false\n"
		"    - addForeignKeyConstraint: {baseTableName: a, baseColumnNames: b, constraintName: f2,\n"
		"        referencedTableName: c, referencedColumnNames: d}\n"
		"    - dropForeignKeyConstraint: {baseTableName: orders, constraintName: fk_orders_customer}\n"
		"    - dropAllForeignKeyConstraints: {baseTableName: orders}\n");
	const mg_operation *op = op_at(cs, 0, MG_OP_ADD_CONSTRAINT);
	assert_true(op->flags & MG_OPF_NOT_VALID);
	assert_true(op->constraint->not_valid);
	assert_string_equal(op->constraint->on_delete, "cascade");
	expect_object(&op->related, MG_OBJ_TABLE, "public", NULL, "customer");
	assert_false(op_at(cs, 1, MG_OP_ADD_CONSTRAINT)->flags & MG_OPF_NOT_VALID);
	op_at(cs, 2, MG_OP_DROP_CONSTRAINT);
	const mg_operation *all = op_at(cs, 3, MG_OP_DROP_CONSTRAINT);
	assert_null(all->object.name);
	assert_int_equal(all->constraint->kind, MG_CONSTRAINT_FOREIGN_KEY);
}

static void test_primary_key_add_and_drop(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - addPrimaryKey: {tableName: t, columnNames: 'a,b', constraintName: pk_t}\n"
		"    - dropPrimaryKey: {tableName: t, constraintName: pk_t}\n");
	const mg_operation *op = op_at(cs, 0, MG_OP_ADD_CONSTRAINT);
	assert_int_equal(op->constraint->kind, MG_CONSTRAINT_PRIMARY_KEY);
	assert_int_equal(op->constraint->columns.count, 2);
	assert_int_equal(op_at(cs, 1, MG_OP_DROP_CONSTRAINT)->constraint->kind,
	                 MG_CONSTRAINT_PRIMARY_KEY);
}

static void test_create_and_drop_index(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - createIndex:\n"
		"        tableName: t\n"
		"        indexName: IX_T_A\n"
		"        unique: true\n"
		"        columns:\n"
		"        - column: {name: A}\n"
		"        - column: {name: lower(b), computed: true}\n"
		"    - dropIndex: {tableName: t, indexName: IX_T_A}\n");
	const mg_operation *op = op_at(cs, 0, MG_OP_CREATE_INDEX);
	expect_object(&op->object, MG_OBJ_INDEX, "public", "t", "ix_t_a");
	expect_object(&op->related, MG_OBJ_TABLE, "public", NULL, "t");
	assert_true(op->flags & MG_OPF_UNIQUE);
	assert_false(op->flags & MG_OPF_CONCURRENTLY);
	assert_int_equal(op->index_columns.count, 2);
	assert_string_equal(op->index_columns.items[0], "a");
	assert_string_equal(op->index_columns.items[1], "lower(b)");
	expect_object(&op_at(cs, 1, MG_OP_DROP_INDEX)->object, MG_OBJ_INDEX, "public", NULL, "ix_t_a");
}

static void test_views(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - createView:\n"
		"        viewName: v_orders\n"
		"        replaceIfExists: true\n"
		"        selectQuery: select id from orders\n"
		"    - renameView: {oldViewName: v_orders, newViewName: v2}\n"
		"    - dropView: {viewName: v2}\n");
	const mg_operation *op = op_at(cs, 0, MG_OP_CREATE_VIEW);
	expect_object(&op->object, MG_OBJ_VIEW, "public", NULL, "v_orders");
	assert_true(op->flags & MG_OPF_OR_REPLACE);
	assert_int_equal(op->n_depends, 1);
	assert_string_equal(op->depends[0].name, "orders");
	assert_string_equal(op_at(cs, 1, MG_OP_RENAME_VIEW)->new_name, "v2");
	op_at(cs, 2, MG_OP_DROP_VIEW);
}

static void test_sequences(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - createSequence: {sequenceName: seq, startValue: 1050, incrementBy: 50}\n"
		"    - alterSequence: {sequenceName: seq, incrementBy: 10}\n"
		"    - renameSequence: {oldSequenceName: seq, newSequenceName: seq2}\n"
		"    - dropSequence: {sequenceName: seq2}\n");
	expect_object(&op_at(cs, 0, MG_OP_CREATE_SEQUENCE)->object, MG_OBJ_SEQUENCE, "public", NULL,
	              "seq");
	op_at(cs, 1, MG_OP_ALTER_SEQUENCE);
	assert_string_equal(op_at(cs, 2, MG_OP_RENAME_SEQUENCE)->new_name, "seq2");
	op_at(cs, 3, MG_OP_DROP_SEQUENCE);
}

static void test_sql_block_keeps_file_lines(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - sql:\n"                                       /* 6 */
		"        sql: |\n"                                   /* 7 */
		"          CREATE INDEX CONCURRENTLY ix ON t (a);\n"  /* 8 */
		"\n"                                                 /* 9 */
		"          ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\n"); /* 10 */
	assert_int_equal(cs->n_stmts, 2);
	assert_int_equal(cs->stmts[0]->loc.line, 8);
	assert_int_equal(cs->stmts[0]->loc.col, 11);
	assert_int_equal(cs->stmts[1]->loc.line, 10);
	assert_int_equal(cs->stmts[1]->loc.col, 11);
	assert_true(op_at(cs, 0, MG_OP_CREATE_INDEX)->flags & MG_OPF_CONCURRENTLY);
	assert_true(op_at(cs, 1, MG_OP_ADD_CONSTRAINT)->flags & MG_OPF_NOT_VALID);
}

static void test_sql_split_statements_false(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - sql: {splitStatements: false, sql: 'UPDATE t SET a = 1'}\n");
	assert_int_equal(cs->n_stmts, 1);
	assert_false(op_at(cs, 0, MG_OP_UPDATE)->flags & MG_OPF_HAS_WHERE);
}

static void test_sql_for_other_dbms_is_not_applied(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f, "    - sql: {dbms: mysql, sql: 'ALTER TABLE t ENGINE=InnoDB'}\n");
	assert_int_equal(cs->n_stmts, 0);
}

static void test_sql_file(void **state)
{
	fixture *f = *state;
	f->dir = th_tmpdir();
	th_write(f->dir, "init.sql", "-- setup\nCREATE TABLE a (id int);\nDROP TABLE b;\n");
	mg_changeset *cs = map(f, "    - sqlFile: {path: init.sql}\n");
	assert_int_equal(cs->n_stmts, 2);
	op_at(cs, 0, MG_OP_CREATE_TABLE);
	op_at(cs, 1, MG_OP_DROP_TABLE);
	assert_int_equal(cs->stmts[0]->loc.line, 2);
	assert_int_equal(cs->stmts[1]->loc.line, 3);
	assert_non_null(strstr(cs->stmts[0]->loc.file, "init.sql"));
}

static void test_sql_file_missing_is_a_diagnostic(void **state)
{
	fixture *f = *state;
	f->dir = th_tmpdir();
	mg_changeset *cs = map(f, "    - sqlFile: {path: nowhere.sql}\n");
	assert_int_equal(op_at(cs, 0, MG_OP_OPAQUE)->opaque_kind, MG_OPAQUE_UNMODELLED_STATEMENT);
	assert_int_equal(th_count_diags(f->project, "input-unreadable"), 1);
}

static void test_procedures(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - createProcedure:\n"
		"        procedureText: |\n"
		"          CREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;\n"
		"    - dropProcedure: {procedureName: p}\n");
	const mg_operation *ops[16];
	size_t n = all_ops(cs, ops, 16);
	assert_true(n >= 2);
	assert_int_equal(ops[0]->kind, MG_OP_CREATE_FUNCTION);
	const mg_operation *d = ops[n - 1];
	assert_int_equal(d->kind, MG_OP_DROP_FUNCTION);
	expect_object(&d->object, MG_OBJ_PROCEDURE, "public", NULL, "p");
}

static void test_data_changes(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - insert:\n"
		"        tableName: t\n"
		"        columns:\n"
		"        - column: {name: a, value: x}\n"
		"    - update: {tableName: t, where: a = 1, columns: [{column: {name: b, value: y}}]}\n"
		"    - update: {tableName: t, columns: [{column: {name: b, value: y}}]}\n"
		"    - delete: {tableName: t, where: a = 2}\n");
	expect_object(&op_at(cs, 0, MG_OP_INSERT)->object, MG_OBJ_TABLE, "public", NULL, "t");
	assert_true(op_at(cs, 1, MG_OP_UPDATE)->flags & MG_OPF_HAS_WHERE);
	assert_false(op_at(cs, 2, MG_OP_UPDATE)->flags & MG_OPF_HAS_WHERE);
	assert_true(op_at(cs, 3, MG_OP_DELETE)->flags & MG_OPF_HAS_WHERE);
	/* The columns it assigns, as UPDATE ... SET gives them (a foreign key
	 * column among them makes the server check the referenced table). */
	const mg_operation *up = op_at(cs, 1, MG_OP_UPDATE);
	assert_int_equal(up->set_columns.count, 1);
	assert_string_equal(up->set_columns.items[0], "b");
}

static void test_load_data_is_opaque_plus_insert(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - loadData: {tableName: t, file: data/t.csv}\n"
		"    - loadUpdateData: {tableName: u, file: data/u.csv, primaryKey: id}\n");
	assert_int_equal(op_at(cs, 0, MG_OP_OPAQUE)->opaque_kind, MG_OPAQUE_LOAD_DATA);
	op_at(cs, 1, MG_OP_INSERT);
	assert_int_equal(op_at(cs, 2, MG_OP_OPAQUE)->opaque_kind, MG_OPAQUE_LOAD_DATA);
	expect_object(&op_at(cs, 3, MG_OP_INSERT)->object, MG_OBJ_TABLE, "public", NULL, "u");
}

static void test_add_lookup_table(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - addLookupTable: {existingTableName: address, existingColumnName: state,\n"
		"        newTableName: state, newColumnName: abbreviation, newColumnDataType: char(2)}\n");
	assert_true(op_at(cs, 0, MG_OP_CREATE_TABLE)->flags & MG_OPF_AS_SELECT);
	op_at(cs, 1, MG_OP_SET_NOT_NULL);
	assert_int_equal(op_at(cs, 2, MG_OP_ADD_CONSTRAINT)->constraint->kind,
	                 MG_CONSTRAINT_PRIMARY_KEY);
	const mg_operation *fk = op_at(cs, 3, MG_OP_ADD_CONSTRAINT);
	assert_int_equal(fk->constraint->kind, MG_CONSTRAINT_FOREIGN_KEY);
	assert_string_equal(fk->object.table, "address");
	assert_string_equal(fk->related.name, "state");
}

static void test_merge_columns(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - mergeColumns: {tableName: p, column1Name: first, joinString: ' ',\n"
		"        column2Name: last, finalColumnName: full_name, finalColumnType: varchar(255)}\n");
	assert_string_equal(op_at(cs, 0, MG_OP_ADD_COLUMN)->column->type, "character varying(255)");
	op_at(cs, 1, MG_OP_UPDATE);
	assert_string_equal(op_at(cs, 2, MG_OP_DROP_COLUMN)->object.name, "first");
	assert_string_equal(op_at(cs, 3, MG_OP_DROP_COLUMN)->object.name, "last");
}

static void test_add_auto_increment(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - addAutoIncrement: {tableName: t, columnName: id, columnDataType: bigint}\n");
	op_at(cs, 0, MG_OP_CREATE_SEQUENCE);
	op_at(cs, 1, MG_OP_SET_NOT_NULL);
	assert_int_equal(op_at(cs, 2, MG_OP_SET_DEFAULT)->default_volatility, MG_VOLATILITY_VOLATILE);
}

static void test_remarks(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - setTableRemarks: {tableName: t, remarks: hello}\n"
		"    - setColumnRemarks: {tableName: t, columnName: c, remarks: hi}\n");
	expect_object(&op_at(cs, 0, MG_OP_COMMENT)->object, MG_OBJ_TABLE, "public", NULL, "t");
	expect_object(&op_at(cs, 1, MG_OP_COMMENT)->object, MG_OBJ_COLUMN, "public", "t", "c");
}

static void test_opaque_changes(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f,
		"    - customChange: {class: com.example.Fix, param: x}\n"
		"    - executeCommand: {executable: /bin/true}\n"
		"    - output: {message: hello}\n"
		"    - stop: {message: halt}\n"
		"    - tagDatabase: {tag: v1}\n"
		"    - empty: {}\n");
	assert_int_equal(n_ops(cs), 4);
	const mg_operation *cc = op_at(cs, 0, MG_OP_OPAQUE);
	assert_int_equal(cc->opaque_kind, MG_OPAQUE_CUSTOM_CHANGE);
	assert_string_equal(cc->detail, "com.example.Fix");
	assert_int_equal(op_at(cs, 1, MG_OP_OPAQUE)->opaque_kind, MG_OPAQUE_EXECUTE_COMMAND);
	assert_int_equal(op_at(cs, 2, MG_OP_OPAQUE)->opaque_kind, MG_OPAQUE_OUTPUT);
	assert_int_equal(op_at(cs, 3, MG_OP_OPAQUE)->opaque_kind, MG_OPAQUE_OUTPUT);
}

static void test_unknown_change_is_opaque_with_diagnostic(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f, "    - createFunction: {functionName: f}\n");
	assert_int_equal(op_at(cs, 0, MG_OP_OPAQUE)->opaque_kind, MG_OPAQUE_UNMODELLED_STATEMENT);
	assert_int_equal(th_count_diags(f->project, "liquibase-unknown-change"), 1);
	assert_false(lb_is_change_type("createFunction"));
	assert_true(lb_is_change_type("mergeColumns"));
}

static void test_missing_attribute_is_a_diagnostic(void **state)
{
	fixture *f = *state;
	mg_changeset *cs = map(f, "    - renameColumn: {tableName: t, oldColumnName: a}\n");
	assert_int_equal(op_at(cs, 0, MG_OP_OPAQUE)->opaque_kind, MG_OPAQUE_UNMODELLED_STATEMENT);
	assert_int_equal(th_count_diags(f->project, "liquibase-missing-attribute"), 1);
}

static void test_auto_rollback_table(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		bool rollback;
	} cases[] = {
		{"createTable", true}, {"dropTable", false}, {"addColumn", true},
		{"dropColumn", false}, {"modifyDataType", false}, {"createIndex", true},
		{"sql", false}, {"tagDatabase", true}, {"output", true}, {"stop", false},
		{"addLookupTable", true}, {"customChange", false}, {"loadData", false},
		{"renameView", true}, {"dropNotNullConstraint", true}, {"unknownThing", false},
	};
	mg_arena a;
	mg_arena_init(&a);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		lb_node *n = lb_node_new(&a, cases[i].name, (mg_loc){"x", 1, 1});
		assert_int_equal(lb_change_has_auto_rollback(n), cases[i].rollback);
	}
	mg_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_create_table),
		T(test_quote_all_objects_keeps_case),
		T(test_legacy_folds_unless_mixed_case_or_odd),
		T(test_drop_table_cascade),
		T(test_rename_table),
		T(test_add_column),
		T(test_add_column_with_value_updates),
		T(test_drop_column_both_forms),
		T(test_rename_column),
		T(test_modify_data_type),
		T(test_add_not_null_with_default_updates_first),
		T(test_drop_not_null),
		T(test_add_and_drop_default),
		T(test_unique_constraint_add_and_drop),
		T(test_foreign_key_not_valid),
		T(test_primary_key_add_and_drop),
		T(test_create_and_drop_index),
		T(test_views),
		T(test_sequences),
		T(test_sql_block_keeps_file_lines),
		T(test_sql_split_statements_false),
		T(test_sql_for_other_dbms_is_not_applied),
		T(test_sql_file),
		T(test_sql_file_missing_is_a_diagnostic),
		T(test_procedures),
		T(test_data_changes),
		T(test_load_data_is_opaque_plus_insert),
		T(test_add_lookup_table),
		T(test_merge_columns),
		T(test_add_auto_increment),
		T(test_remarks),
		T(test_opaque_changes),
		T(test_unknown_change_is_opaque_with_diagnostic),
		T(test_missing_attribute_is_a_diagnostic),
		T(test_auto_rollback_table),
#undef T
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
