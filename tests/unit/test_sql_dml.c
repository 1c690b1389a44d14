/*
 * test_sql_dml.c: UPDATE and DELETE taken apart for a batched rewrite
 * (src/sql/dml_parts.c): the exact text of each clause, and what makes a
 * statement impossible to batch.
 */
#include "harness.h"
#include "migraph/sql.h"

static mg_arena arena;

static int parts(const char *sql, mg_sql_dml *d)
{
	return mg_sql_dml_parts(&arena, sql, strlen(sql), "public", d);
}

static void update_clauses_are_cut_exactly(void **state)
{
	(void)state;
	mg_sql_dml d;
	assert_int_equal(parts("UPDATE customers SET full_name = '' WHERE full_name IS NULL", &d),
	                 0);
	assert_int_equal(d.kind, MG_OP_UPDATE);
	assert_string_equal(d.table.schema, "public");
	assert_string_equal(d.table.name, "customers");
	assert_null(d.alias);
	assert_string_equal(d.set_clause, "full_name = ''");
	assert_string_equal(d.where_clause, "full_name IS NULL");
	assert_null(d.from_clause);
	assert_int_equal(d.set_columns.count, 1);
	assert_string_equal(d.set_exprs.items[0], "''");
	assert_false(d.set_reads_targets);
	assert_true(d.set_volatility <= MG_VOLATILITY_CONSTANT);
}

/* A top-level FROM inside a SET expression is not the FROM list, and
 * comments and strings never end a clause. */
static void keywords_inside_expressions_do_not_end_a_clause(void **state)
{
	(void)state;
	mg_sql_dml d;
	assert_int_equal(parts("UPDATE t SET flag = a IS DISTINCT FROM b, note = 'where -- from' "
	                       "/* where */ WHERE (id > 5) -- why\n",
	                       &d),
	                 0);
	/* Comments go: "-- why" would comment out what follows the clause. */
	assert_string_equal(d.set_clause, "flag = a IS DISTINCT FROM b, note = 'where -- from'");
	assert_string_equal(d.set_exprs.items[0], "a IS DISTINCT FROM b");
	assert_string_equal(d.set_exprs.items[1], "'where -- from'");
	assert_string_equal(d.where_clause, "(id > 5)");
	assert_true(d.set_reads_targets == false);
}

static void update_from_with_alias_and_schema(void **state)
{
	(void)state;
	mg_sql_dml d;
	assert_int_equal(parts("update ONLY app.\"Shop Orders\" AS so SET \"Region\" = r.name "
	                       "FROM regions r WHERE r.id = so.region_id RETURNING so.id",
	                       &d),
	                 0);
	assert_string_equal(d.table.schema, "app");
	assert_string_equal(d.table.name, "Shop Orders");
	assert_string_equal(d.alias, "so");
	assert_true(d.only);
	assert_string_equal(d.set_clause, "\"Region\" = r.name");
	assert_string_equal(d.set_columns.items[0], "Region");
	assert_string_equal(d.from_clause, "regions r");
	assert_string_equal(d.where_clause, "r.id = so.region_id");
	assert_true(d.has_returning);
}

static void what_a_set_expression_reads_and_how_volatile(void **state)
{
	(void)state;
	mg_sql_dml d;
	assert_int_equal(parts("UPDATE t SET n = n + 1", &d), 0);
	assert_true(d.set_reads_targets);
	assert_null(d.where_clause);
	assert_int_equal(parts("UPDATE t SET a = b, b = 1", &d), 0);
	assert_true(d.set_reads_targets); /* a = b reads b, which it also sets */
	assert_int_equal(parts("UPDATE t SET touched = now()", &d), 0);
	assert_int_equal(d.set_volatility, MG_VOLATILITY_STABLE);
	assert_int_equal(parts("UPDATE t SET token = gen_random_uuid()", &d), 0);
	assert_int_equal(d.set_volatility, MG_VOLATILITY_VOLATILE);
	assert_int_equal(parts("UPDATE t SET a = DEFAULT", &d), 0);
	assert_true(d.set_default);
	assert_int_equal(parts("UPDATE t SET (a, b) = (1, 2)", &d), 0);
	assert_true(d.multi_assign);
	assert_int_equal(d.set_columns.count, 2);
	assert_int_equal(d.set_exprs.count, 0);
	assert_string_equal(d.set_clause, "(a, b) = (1, 2)");
	assert_int_equal(parts("UPDATE t SET tags[1] = 'x'", &d), 0);
	assert_true(d.set_subfield);
}

static void delete_clauses(void **state)
{
	(void)state;
	mg_sql_dml d;
	assert_int_equal(
	    parts("DELETE FROM orders WHERE placed_at < now() - interval '90 days'", &d), 0);
	assert_int_equal(d.kind, MG_OP_DELETE);
	assert_string_equal(d.where_clause, "placed_at < now() - interval '90 days'");
	assert_null(d.set_clause);
	assert_int_equal(
	    parts("DELETE FROM orders o USING customers c WHERE c.id = o.customer_id", &d), 0);
	assert_string_equal(d.alias, "o");
	assert_string_equal(d.from_clause, "customers c");
	assert_string_equal(d.where_clause, "c.id = o.customer_id");
	assert_int_equal(parts("DELETE FROM logs", &d), 0);
	assert_null(d.where_clause);
}

static void what_is_not_one_update_or_delete(void **state)
{
	(void)state;
	mg_sql_dml d;
	assert_int_equal(parts("WITH x AS (SELECT 1) UPDATE t SET a = 1", &d), 0);
	assert_true(d.has_with);
	assert_int_equal(parts("UPDATE t SET a = 1 WHERE CURRENT OF c", &d), 0);
	assert_true(d.where_current_of);
	assert_int_equal(parts("INSERT INTO t VALUES (1)", &d), -1);
	assert_int_equal(parts("UPDATE t SET a = 1; UPDATE t SET b = 2", &d), -1);
	assert_int_equal(parts("UPDATE t SET a = ", &d), -1);
	assert_null(d.set_clause); /* zeroed on failure */
	assert_int_equal(mg_sql_dml_parts(&arena, NULL, 0, NULL, &d), -1);
}

static int setup(void **state)
{
	(void)state;
	mg_arena_init(&arena);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mg_arena_free(&arena);
	mg_sql_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(update_clauses_are_cut_exactly),
	    cmocka_unit_test(keywords_inside_expressions_do_not_end_a_clause),
	    cmocka_unit_test(update_from_with_alias_and_schema),
	    cmocka_unit_test(what_a_set_expression_reads_and_how_volatile),
	    cmocka_unit_test(delete_clauses),
	    cmocka_unit_test(what_is_not_one_update_or_delete),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
