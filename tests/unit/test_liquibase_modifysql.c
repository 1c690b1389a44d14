/*
 * test_liquibase_modifysql.c: <modifySql> carried into operations
 * (src/load/liquibase_modifysql.c), through mg_liquibase_load on small
 * changelogs written to a temporary directory.
 */
#include "lb_fixture.h"

#include "migraph/load.h"

#define NOT_MODELLED "lb-modifysql-not-modelled"


/* Writes one changelog file and loads it. */
static mg_project *load_text(fixture *f, const char *name, const char *text)
{
	char path[4096];
	th_write(f->dir, name, text);
	snprintf(path, sizeof path, "%s/%s", f->dir, name);
	mg_project *p = mg_project_new();
	mg_liquibase_load(p, path, mg_detect_input(path), &f->opts);
	return p;
}

static size_t diags(const mg_project *p, const char *code)
{
	size_t n = 0;
	for (size_t i = 0; i < p->diags.count; i++)
		if (strcmp(p->diags.items[i]->code, code) == 0)
			n++;
	return n;
}

/* The first operation of that kind in changeset cs. */
static mg_operation *op_of(const mg_project *p, size_t cs, mg_op_kind kind)
{
	assert_true(cs < p->n_changesets);
	const mg_changeset *c = p->changesets[cs];
	for (size_t i = 0; i < c->n_stmts; i++)
		for (size_t j = 0; j < c->stmts[i]->n_ops; j++)
			if (c->stmts[i]->ops[j]->kind == kind)
				return c->stmts[i]->ops[j];
	fail_msg("no operation %s in changeset %zu", mg_op_kind_name(kind), cs);
	return NULL;
}

static void test_replace_makes_create_index_concurrent(void **state)
{
	(void)state;
	fixture *f = fx_new();
	mg_project *p = load_text(
		f, "m.xml",
		HDR "<changeSet id=\"1\" author=\"a\" runInTransaction=\"false\">\n"
		    "  <createIndex tableName=\"orders\" indexName=\"orders_placed_idx\">\n"
		    "    <column name=\"placed_at\"/>\n"
		    "  </createIndex>\n"
		    "  <modifySql dbms=\"postgresql\">\n"
		    "    <replace replace=\"CREATE INDEX\" with=\"CREATE INDEX CONCURRENTLY\"/>\n"
		    "  </modifySql>\n"
		    "</changeSet>\n"
		    "<changeSet id=\"2\" author=\"a\">\n"
		    "  <createIndex tableName=\"orders\" indexName=\"orders_status_idx\">\n"
		    "    <column name=\"status\"/>\n"
		    "  </createIndex>\n"
		    "</changeSet>\n" END);
	mg_operation *op = op_of(p, 0, MG_OP_CREATE_INDEX);
	assert_true(op->flags & MG_OPF_CONCURRENTLY);
	assert_non_null(op->detail);
	assert_non_null(strstr(op->detail, "modifySql replace \"CREATE INDEX\""));
	/* Its neighbour without modifySql is untouched. */
	mg_operation *other = op_of(p, 1, MG_OP_CREATE_INDEX);
	assert_false(other->flags & MG_OPF_CONCURRENTLY);
	assert_null(other->detail);
	assert_int_equal(diags(p, NOT_MODELLED), 0);
	mg_project_free(p);
	fx_free(f);
}

static void test_replace_on_unique_index_keeps_unique(void **state)
{
	(void)state;
	fixture *f = fx_new();
	mg_project *p = load_text(
		f, "m.xml",
		HDR "<changeSet id=\"1\" author=\"a\">\n"
		    "  <createIndex tableName=\"t\" indexName=\"t_u\" unique=\"true\"><column name=\"a\"/></createIndex>\n"
		    "  <modifySql><replace replace=\"INDEX\" with=\"INDEX CONCURRENTLY\"/></modifySql>\n"
		    "</changeSet>\n" END);
	mg_operation *op = op_of(p, 0, MG_OP_CREATE_INDEX);
	assert_true(op->flags & MG_OPF_CONCURRENTLY);
	assert_true(op->flags & MG_OPF_UNIQUE);
	mg_project_free(p);
	fx_free(f);
}

static void test_yaml_replace_without_time_zone_changes_column_types(void **state)
{
	(void)state;
	fixture *f = fx_new();
	mg_project *p = load_text(
		f, "m.yaml",
		"databaseChangeLog:\n"
		"  - changeSet:\n"
		"      id: 1\n"
		"      author: a\n"
		"      changes:\n"
		"        - createTable:\n"
		"            tableName: session\n"
		"            columns:\n"
		"              - column: {name: id, type: int}\n"
		"              - column: {name: created_at, type: DATETIME}\n"
		"        - addColumn:\n"
		"            tableName: session\n"
		"            columns:\n"
		"              - column: {name: expires_at, type: DATETIME}\n"
		"        - modifySql:\n"
		"            dbms: postgresql\n"
		"            replace:\n"
		"              replace: WITHOUT\n"
		"              with: WITH\n");
	mg_operation *ct = op_of(p, 0, MG_OP_CREATE_TABLE);
	assert_int_equal(ct->n_columns, 2);
	assert_string_equal(ct->columns[0].type, "integer");
	assert_string_equal(ct->columns[1].type, "timestamp with time zone");
	assert_non_null(strstr(ct->detail, "WITHOUT"));
	mg_operation *ac = op_of(p, 0, MG_OP_ADD_COLUMN);
	assert_string_equal(ac->column->type, "timestamp with time zone");
	assert_int_equal(diags(p, NOT_MODELLED), 0);
	mg_project_free(p);
	fx_free(f);
}

static void test_modifysql_for_another_dbms_is_not_applied(void **state)
{
	(void)state;
	fixture *f = fx_new();
	mg_project *p = load_text(
		f, "m.xml",
		HDR "<changeSet id=\"1\" author=\"a\">\n"
		    "  <addColumn tableName=\"t\"><column name=\"c\" type=\"DATETIME\"/></addColumn>\n"
		    "  <modifySql dbms=\"mysql,mariadb\"><replace replace=\"WITHOUT\" with=\"WITH\"/></modifySql>\n"
		    "</changeSet>\n" END);
	mg_operation *ac = op_of(p, 0, MG_OP_ADD_COLUMN);
	assert_string_equal(ac->column->type, "timestamp without time zone");
	assert_null(ac->detail);
	assert_int_equal(diags(p, NOT_MODELLED), 0);
	mg_project_free(p);
	fx_free(f);
}

static void test_modifysql_context_and_labels_filter(void **state)
{
	(void)state;
	fixture *f = fx_new();
	f->opts.contexts = "test";
	f->opts.labels = "v2";
	const char *log =
		HDR "<changeSet id=\"1\" author=\"a\">\n"
		    "  <createIndex tableName=\"t\" indexName=\"i1\"><column name=\"a\"/></createIndex>\n"
		    "  <modifySql context=\"prod\"><replace replace=\"CREATE INDEX\" with=\"CREATE INDEX CONCURRENTLY\"/></modifySql>\n"
		    "</changeSet>\n"
		    "<changeSet id=\"2\" author=\"a\">\n"
		    "  <createIndex tableName=\"t\" indexName=\"i2\"><column name=\"a\"/></createIndex>\n"
		    "  <modifySql labels=\"v1\"><replace replace=\"CREATE INDEX\" with=\"CREATE INDEX CONCURRENTLY\"/></modifySql>\n"
		    "</changeSet>\n"
		    "<changeSet id=\"3\" author=\"a\">\n"
		    "  <createIndex tableName=\"t\" indexName=\"i3\"><column name=\"a\"/></createIndex>\n"
		    "  <modifySql context=\"test or prod\" labels=\"v2\"><replace replace=\"CREATE INDEX\" with=\"CREATE INDEX CONCURRENTLY\"/></modifySql>\n"
		    "</changeSet>\n" END;
	mg_project *p = load_text(f, "m.xml", log);
	assert_false(op_of(p, 0, MG_OP_CREATE_INDEX)->flags & MG_OPF_CONCURRENTLY);
	assert_false(op_of(p, 1, MG_OP_CREATE_INDEX)->flags & MG_OPF_CONCURRENTLY);
	assert_true(op_of(p, 2, MG_OP_CREATE_INDEX)->flags & MG_OPF_CONCURRENTLY);
	mg_project_free(p);
	/* Without --contexts/--labels every block applies, as in Liquibase. */
	f->opts.contexts = NULL;
	f->opts.labels = NULL;
	p = load_text(f, "m.xml", log);
	assert_true(op_of(p, 0, MG_OP_CREATE_INDEX)->flags & MG_OPF_CONCURRENTLY);
	assert_true(op_of(p, 1, MG_OP_CREATE_INDEX)->flags & MG_OPF_CONCURRENTLY);
	mg_project_free(p);
	fx_free(f);
}

static void test_append_not_valid_on_foreign_key(void **state)
{
	(void)state;
	fixture *f = fx_new();
	mg_project *p = load_text(
		f, "m.xml",
		HDR "<changeSet id=\"1\" author=\"a\">\n"
		    "  <addForeignKeyConstraint baseTableName=\"orders\" baseColumnNames=\"customer_id\"\n"
		    "      constraintName=\"orders_customer_fk\" referencedTableName=\"customers\"\n"
		    "      referencedColumnNames=\"id\" onDelete=\"CASCADE\"/>\n"
		    "  <modifySql dbms=\"postgresql\"><append value=\" NOT VALID\"/></modifySql>\n"
		    "</changeSet>\n" END);
	mg_operation *op = op_of(p, 0, MG_OP_ADD_CONSTRAINT);
	assert_true(op->flags & MG_OPF_NOT_VALID);
	assert_true(op->constraint->not_valid);
	assert_non_null(strstr(op->detail, "append \" NOT VALID\""));
	assert_int_equal(diags(p, NOT_MODELLED), 0);
	mg_project_free(p);
	fx_free(f);
}

static void test_not_valid_on_unique_constraint_is_not_modelled(void **state)
{
	(void)state;
	fixture *f = fx_new();
	mg_project *p = load_text(
		f, "m.xml",
		HDR "<changeSet id=\"1\" author=\"a\">\n"
		    "  <addUniqueConstraint tableName=\"t\" columnNames=\"a\" constraintName=\"t_a_key\"/>\n"
		    "  <modifySql><append value=\" NOT VALID\"/></modifySql>\n"
		    "</changeSet>\n" END);
	mg_operation *op = op_of(p, 0, MG_OP_ADD_CONSTRAINT);
	assert_false(op->flags & MG_OPF_NOT_VALID);
	assert_int_equal(diags(p, NOT_MODELLED), 1);
	mg_project_free(p);
	fx_free(f);
}

static void test_sql_change_text_is_rewritten_and_parsed_again(void **state)
{
	(void)state;
	fixture *f = fx_new();
	mg_project *p = load_text(
		f, "m.xml",
		HDR "<changeSet id=\"1\" author=\"a\" runInTransaction=\"false\">\n"
		    "  <sql>CREATE INDEX orders_total_idx ON orders (total)</sql>\n"
		    "  <modifySql><regExpReplace replace=\"^CREATE INDEX (\\w+)\" with=\"CREATE INDEX CONCURRENTLY $1\"/></modifySql>\n"
		    "</changeSet>\n" END);
	const mg_changeset *cs = p->changesets[0];
	assert_int_equal(cs->n_stmts, 1);
	assert_non_null(strstr(cs->stmts[0]->sql, "CONCURRENTLY orders_total_idx"));
	assert_int_equal(cs->stmts[0]->loc.line, 4);
	mg_operation *op = op_of(p, 0, MG_OP_CREATE_INDEX);
	assert_true(op->flags & MG_OPF_CONCURRENTLY);
	assert_non_null(strstr(op->detail, "regExpReplace"));
	assert_int_equal(diags(p, NOT_MODELLED), 0);
	mg_project_free(p);
	fx_free(f);
}

static void test_no_match_on_sql_text_is_silent_but_on_change_type_is_reported(void **state)
{
	(void)state;
	fixture *f = fx_new();
	mg_project *p = load_text(
		f, "m.xml",
		HDR "<changeSet id=\"1\" author=\"a\">\n"
		    "  <sql>UPDATE t SET a = 1 WHERE a IS NULL</sql>\n"
		    "  <modifySql><replace replace=\"WITHOUT\" with=\"WITH\"/></modifySql>\n"
		    "</changeSet>\n"
		    "<changeSet id=\"2\" author=\"a\">\n"
		    "  <dropNotNullConstraint tableName=\"t\" columnName=\"a\"/>\n"
		    "  <modifySql><replace replace=\"WITHOUT\" with=\"WITH\"/></modifySql>\n"
		    "</changeSet>\n" END);
	/* Changeset 1 holds its exact SQL: nothing matched, nothing changed. */
	assert_int_equal(diags(p, NOT_MODELLED), 1);
	assert_int_equal(p->diags.items[0]->loc.line, 9);
	assert_int_equal(p->diags.items[0]->severity, MG_SEV_LOW);
	mg_project_free(p);
	fx_free(f);
}

static void test_regexp_changes_a_column_type(void **state)
{
	(void)state;
	fixture *f = fx_new();
	mg_project *p = load_text(
		f, "m.xml",
		HDR "<changeSet id=\"1\" author=\"a\">\n"
		    "  <modifyDataType tableName=\"t\" columnName=\"note\" newDataType=\"VARCHAR(80)\"/>\n"
		    "  <modifySql><regExpReplace replace=\"VARCHAR\\(\\d+\\)\" with=\"TEXT\"/></modifySql>\n"
		    "</changeSet>\n" END);
	mg_operation *op = op_of(p, 0, MG_OP_ALTER_COLUMN_TYPE);
	assert_string_equal(op->type_to, "text");
	mg_project_free(p);
	fx_free(f);
}

static void test_unreadable_rewrites_are_reported_not_dropped(void **state)
{
	(void)state;
	fixture *f = fx_new();
	mg_project *p = load_text(
		f, "m.xml",
		HDR "<changeSet id=\"1\" author=\"a\">\n"
		    "  <addColumn tableName=\"t\"><column name=\"c\" type=\"INTEGER\"/></addColumn>\n"
		    "  <modifySql>\n"
		    "    <replace replace=\"c INTEGER\" with=\"d INTEGER\"/>\n"
		    "    <regExpReplace replace=\"(?i)integer\" with=\"bigint\"/>\n"
		    "    <frobnicate value=\"x\"/>\n"
		    "  </modifySql>\n"
		    "</changeSet>\n" END);
	mg_operation *op = op_of(p, 0, MG_OP_ADD_COLUMN);
	assert_string_equal(op->column->type, "integer");
	assert_string_equal(op->column->name, "c");
	/* The renaming replace, the Java-only regex and the unknown visitor. */
	assert_int_equal(diags(p, NOT_MODELLED), 3);
	mg_project_free(p);
	fx_free(f);
}

static void test_apply_to_rollback(void **state)
{
	(void)state;
	fixture *f = fx_new();
	mg_project *p = load_text(
		f, "m.xml",
		HDR "<changeSet id=\"1\" author=\"a\">\n"
		    "  <dropIndex tableName=\"t\" indexName=\"i\"/>\n"
		    "  <rollback><createIndex tableName=\"t\" indexName=\"i\"><column name=\"a\"/></createIndex></rollback>\n"
		    "  <modifySql applyToRollback=\"true\"><replace replace=\"CREATE INDEX\" with=\"CREATE INDEX CONCURRENTLY\"/></modifySql>\n"
		    "</changeSet>\n"
		    "<changeSet id=\"2\" author=\"a\">\n"
		    "  <dropIndex tableName=\"t\" indexName=\"j\"/>\n"
		    "  <rollback><createIndex tableName=\"t\" indexName=\"j\"><column name=\"a\"/></createIndex></rollback>\n"
		    "  <modifySql><replace replace=\"CREATE INDEX\" with=\"CREATE INDEX CONCURRENTLY\"/></modifySql>\n"
		    "</changeSet>\n" END);
	const mg_changeset *a = p->changesets[0], *b = p->changesets[1];
	assert_int_equal(a->n_rollback, 1);
	assert_true(a->rollback[0]->ops[0]->flags & MG_OPF_CONCURRENTLY);
	assert_int_equal(b->n_rollback, 1);
	assert_false(b->rollback[0]->ops[0]->flags & MG_OPF_CONCURRENTLY);
	mg_project_free(p);
	fx_free(f);
}

static void test_rollback_reference_is_copied_before_rewrite(void **state)
{
	(void)state;
	fixture *f = fx_new();
	mg_project *p = load_text(
		f, "m.xml",
		HDR "<changeSet id=\"1\" author=\"a\">\n"
		    "  <createIndex tableName=\"t\" indexName=\"i\"><column name=\"a\"/></createIndex>\n"
		    "</changeSet>\n"
		    "<changeSet id=\"2\" author=\"a\">\n"
		    "  <dropIndex tableName=\"t\" indexName=\"i\"/>\n"
		    "  <rollback changeSetId=\"1\" changeSetAuthor=\"a\"/>\n"
		    "  <modifySql applyToRollback=\"true\"><replace replace=\"CREATE INDEX\" with=\"CREATE INDEX CONCURRENTLY\"/></modifySql>\n"
		    "</changeSet>\n" END);
	assert_true(p->changesets[1]->rollback[0]->ops[0]->flags & MG_OPF_CONCURRENTLY);
	/* The changeset the rollback refers to keeps its own operation. */
	assert_false(op_of(p, 0, MG_OP_CREATE_INDEX)->flags & MG_OPF_CONCURRENTLY);
	mg_project_free(p);
	fx_free(f);
}

static void test_filtered_changeset_gets_no_modifysql_work(void **state)
{
	(void)state;
	fixture *f = fx_new();
	mg_project *p = load_text(
		f, "m.xml",
		HDR "<changeSet id=\"1\" author=\"a\" dbms=\"oracle\">\n"
		    "  <addColumn tableName=\"t\"><column name=\"c\" type=\"INTEGER\"/></addColumn>\n"
		    "  <modifySql><frobnicate/></modifySql>\n"
		    "</changeSet>\n" END);
	assert_true(p->changesets[0]->flags & MG_CSF_FILTERED);
	assert_int_equal(diags(p, NOT_MODELLED), 0);
	mg_project_free(p);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replace_makes_create_index_concurrent),
		cmocka_unit_test(test_replace_on_unique_index_keeps_unique),
		cmocka_unit_test(test_yaml_replace_without_time_zone_changes_column_types),
		cmocka_unit_test(test_modifysql_for_another_dbms_is_not_applied),
		cmocka_unit_test(test_modifysql_context_and_labels_filter),
		cmocka_unit_test(test_append_not_valid_on_foreign_key),
		cmocka_unit_test(test_not_valid_on_unique_constraint_is_not_modelled),
		cmocka_unit_test(test_sql_change_text_is_rewritten_and_parsed_again),
		cmocka_unit_test(test_no_match_on_sql_text_is_silent_but_on_change_type_is_reported),
		cmocka_unit_test(test_regexp_changes_a_column_type),
		cmocka_unit_test(test_unreadable_rewrites_are_reported_not_dropped),
		cmocka_unit_test(test_apply_to_rollback),
		cmocka_unit_test(test_rollback_reference_is_copied_before_rewrite),
		cmocka_unit_test(test_filtered_changeset_gets_no_modifysql_work),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
