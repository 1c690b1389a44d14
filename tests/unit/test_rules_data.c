/*
 * test_rules_data.c: the data family fires on mass data changes and on
 * code migraph cannot see into, stays quiet on their near misses, and
 * reports one finding per statement (the most specific rule).  The release
 * is "after version 1": V1's table is live in production.
 */
#include "issue4_helpers.h"

static const mg_analysis_options since1 = {.since = "1"};

#define V1 "V1__base.sql", "CREATE TABLE t (id bigint PRIMARY KEY, a text, b int);\n"

static void opaque_code_names_what_it_cannot_see(void **state)
{
	(void)state;
	const char *files[] = {V1, "V2__do.sql",
	                       "DO $$ BEGIN UPDATE t SET b = 1; END $$;\n"
	                       "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN INSERT INTO t VALUES (1); "
	                       "RETURN NEW; END $$ LANGUAGE plpgsql;\n",
	                       NULL};
	char *dir = i4_project(files);
	i4_run r;
	i4_analyze(&r, dir, &since1);
	assert_int_equal(i4_count(&r, "data-opaque-code"), 2);
	const mg_finding *f = i4_find(&r, "data-opaque-code");
	assert_non_null(strstr(f->message, "DO block"));
	assert_non_null(strstr(f->message, "UPDATE"));
	i4_free(&r);
	th_rmtree(dir);
	const char *near[] = {V1, "V2__do.sql",
	                      "DO $$ BEGIN RAISE NOTICE 'rows: %', (SELECT count(*) FROM t); END $$;\n"
	                      "CREATE FUNCTION g() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;\n",
	                      NULL};
	assert_int_equal(i4_count_in(near, "data-opaque-code", &since1), 0);
}

static void unbatched_backfill_fires_on_a_live_table_only(void **state)
{
	(void)state;
	const char *files[] = {V1, "V2__bf.sql", "UPDATE t SET a = lower(a);\n", NULL};
	assert_int_equal(i4_count_in(files, "data-unbatched-backfill", &since1), 1);
	const char *point[] = {V1, "V2__bf.sql", "UPDATE t SET a = lower(a) WHERE id = 7;\n", NULL};
	assert_int_equal(i4_count_in(point, "data-unbatched-backfill", &since1), 0);
	const char *fresh[] = {V1, "V2__new.sql", "CREATE TABLE n (id bigint PRIMARY KEY, a text);\n",
	                       "V3__bf.sql", "UPDATE n SET a = 'x';\n", NULL};
	assert_int_equal(i4_count_in(fresh, "data-unbatched-backfill", &since1), 0);
	const char *values[] = {V1, "V2__ins.sql", "INSERT INTO t VALUES (1, 'a', 2);\n", NULL};
	assert_int_equal(i4_count_in(values, "data-unbatched-backfill", &since1), 0);
}

static void one_finding_per_statement_most_specific_first(void **state)
{
	(void)state;
	const char *constant[] = {V1, "V2__c.sql",
	                          "ALTER TABLE t ADD COLUMN c text;\nUPDATE t SET c = 'x';\n", NULL};
	char *dir = i4_project(constant);
	i4_run r;
	i4_analyze(&r, dir, &since1);
	assert_int_equal(i4_count(&r, "data-add-column-then-update"), 1);
	assert_int_equal(i4_count(&r, "data-dml-with-ddl"), 0);
	assert_int_equal(i4_count(&r, "data-unbatched-backfill"), 0);
	assert_non_null(strstr(i4_find(&r, "data-add-column-then-update")->safe_alternative,
	                       "ADD COLUMN c text DEFAULT 'x'"));
	i4_free(&r);
	th_rmtree(dir);

	const char *expr[] = {V1, "V2__c.sql",
	                      "ALTER TABLE t ADD COLUMN c text;\nUPDATE t SET c = upper(a);\n", NULL};
	dir = i4_project(expr);
	i4_analyze(&r, dir, &since1);
	assert_int_equal(i4_count(&r, "data-add-column-then-update"), 0);
	assert_int_equal(i4_count(&r, "data-dml-with-ddl"), 1);
	assert_int_equal(i4_count(&r, "data-unbatched-backfill"), 0);
	assert_int_equal(i4_find(&r, "data-dml-with-ddl")->severity, MG_SEV_HIGH);
	i4_free(&r);
	th_rmtree(dir);

	/* the DDL committed in its own migration: only the backfill remains */
	const char *split[] = {V1, "V2__c.sql", "ALTER TABLE t ADD COLUMN c text;\n", "V3__bf.sql",
	                       "UPDATE t SET c = upper(a);\n", NULL};
	dir = i4_project(split);
	i4_analyze(&r, dir, &since1);
	assert_int_equal(i4_count(&r, "data-dml-with-ddl"), 0);
	assert_int_equal(i4_count(&r, "data-unbatched-backfill"), 1);
	i4_free(&r);
	th_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(opaque_code_names_what_it_cannot_see),
		cmocka_unit_test(unbatched_backfill_fires_on_a_live_table_only),
		cmocka_unit_test(one_finding_per_statement_most_specific_first),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
