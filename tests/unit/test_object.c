/*
 * test_object.c: the model's one answer to "how is this object written",
 * "which table does this operation act on" and "which schema do
 * unqualified names belong to" (src/model/object.c).
 */
#include "harness.h"

static const char *text(const mg_object *o)
{
	static char out[256];
	mg_buf b = MG_BUF_INIT;
	mg_object_put(&b, o);
	snprintf(out, sizeof out, "%s", mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return out;
}

static void objects_as_text(void **state)
{
	(void)state;
	mg_object table = {MG_OBJ_TABLE, "public", NULL, "orders"};
	mg_object column = {MG_OBJ_COLUMN, "public", "orders", "status"};
	mg_object index = {MG_OBJ_INDEX, "app", "orders", "orders_status_idx"};
	mg_object constraint = {MG_OBJ_CONSTRAINT, "app", "orders", "orders_fk"};
	mg_object named_twice = {MG_OBJ_TABLE, "app", "orders", "orders"};
	mg_object extension = {MG_OBJ_EXTENSION, NULL, NULL, "pgcrypto"};
	mg_object unnamed = {MG_OBJ_CONSTRAINT, "app", "orders", NULL};
	mg_object none = {MG_OBJ_NONE, NULL, NULL, NULL};
	assert_string_equal(text(&table), "public.orders");
	assert_string_equal(text(&column), "public.orders.status");
	/* an index is named within its schema, not its table */
	assert_string_equal(text(&index), "app.orders_status_idx");
	assert_string_equal(text(&constraint), "app.orders.orders_fk");
	assert_string_equal(text(&named_twice), "app.orders");
	assert_string_equal(text(&extension), "pgcrypto");
	assert_string_equal(text(&unnamed), "app.orders");
	assert_string_equal(text(&none), "?");
	assert_string_equal(text(NULL), "?");
	mg_arena a;
	mg_arena_init(&a);
	assert_string_equal(mg_object_text(&a, &column), "public.orders.status");
	mg_arena_free(&a);
}

static void the_table_an_operation_acts_on(void **state)
{
	(void)state;
	mg_operation op = {0};
	op.object = (mg_object){MG_OBJ_COLUMN, "app", "orders", "status"};
	op.related = (mg_object){MG_OBJ_TABLE, "app", NULL, "customers"}; /* an FK's target */
	mg_object t = mg_op_table(&op);
	assert_int_equal(t.kind, MG_OBJ_TABLE);
	assert_string_equal(t.schema, "app");
	assert_string_equal(t.name, "orders");
	assert_null(t.table);

	op.object = (mg_object){MG_OBJ_SEQUENCE, "app", NULL, "orders_id_seq"};
	assert_string_equal(mg_op_table(&op).name, "orders_id_seq");
	op.object = (mg_object){MG_OBJ_MATERIALIZED_VIEW, "app", NULL, "totals"};
	assert_string_equal(mg_op_table(&op).name, "totals");

	/* an index the front end did not tie to a table: the related table */
	op.object = (mg_object){MG_OBJ_INDEX, "app", NULL, "orders_idx"};
	op.related = (mg_object){MG_OBJ_TABLE, "billing", NULL, "orders"};
	t = mg_op_table(&op);
	assert_string_equal(t.schema, "billing");
	assert_string_equal(t.name, "orders");

	/* nothing to act on */
	op.object = (mg_object){MG_OBJ_EXTENSION, NULL, NULL, "pgcrypto"};
	op.related = (mg_object){MG_OBJ_NONE, NULL, NULL, NULL};
	assert_null(mg_op_table(&op).name);
}

static void the_first_locked_table(void **state)
{
	(void)state;
	mg_lock locks[] = {
	    {{MG_OBJ_INDEX, "app", NULL, "orders_idx"}, MG_LOCK_ACCESS_EXCLUSIVE},
	    {{MG_OBJ_TABLE, "app", NULL, "orders"}, MG_LOCK_SHARE},
	    {{MG_OBJ_TABLE, "app", NULL, "customers"}, MG_LOCK_SHARE_ROW_EXCLUSIVE},
	};
	mg_operation op = {0};
	assert_null(mg_op_locked_table(&op));
	op.locks = locks;
	op.n_locks = 3;
	assert_ptr_equal(mg_op_locked_table(&op), &locks[1].relation);
	op.n_locks = 1;
	assert_null(mg_op_locked_table(&op));
}

static void default_schemas(void **state)
{
	(void)state;
	assert_string_equal(mg_engine_default_schema(MG_ENGINE_POSTGRESQL), "public");
	mg_project *p = mg_project_new();
	assert_string_equal(mg_project_default_schema(p), "public");
	p->flyway.default_schema = "";
	assert_string_equal(mg_project_default_schema(p), "public");
	p->flyway.default_schema = "app";
	assert_string_equal(mg_project_default_schema(p), "app");
	mg_project_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(objects_as_text),
	    cmocka_unit_test(the_table_an_operation_acts_on),
	    cmocka_unit_test(the_first_locked_table),
	    cmocka_unit_test(default_schemas),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
