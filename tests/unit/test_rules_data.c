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

/* Liquibase's own opaque changes: Java code and an external program.  The
 * finding names the class and the program; migraph never runs either (the
 * program here would leave a file behind). */
static void liquibase_custom_change_and_command_ask_for_review(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	char changelog[8192];
	snprintf(changelog, sizeof changelog,
		"<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\">\n"
		"  <changeSet id=\"1\" author=\"a\"><createTable tableName=\"t\">"
		"<column name=\"id\" type=\"bigint\"/></createTable></changeSet>\n"
		"  <changeSet id=\"2\" author=\"a\">\n"
		"    <customChange class=\"com.example.RecountStock\"/>\n"
		"  </changeSet>\n"
		"  <changeSet id=\"3\" author=\"a\">\n"
		"    <executeCommand executable=\"/usr/bin/touch\">"
		"<arg value=\"%s/ran\"/></executeCommand>\n"
		"  </changeSet>\n"
		"</databaseChangeLog>\n",
		dir);
	th_write(dir, "changelog.xml", changelog);
	char path[4200];
	snprintf(path, sizeof path, "%s/changelog.xml", dir);
	i4_run r;
	i4_analyze(&r, path, &(mg_analysis_options){0});
	assert_int_equal(i4_count(&r, "data-opaque-code"), 2);
	bool custom = false, command = false;
	for (size_t i = 0; i < r.analysis.n_findings; i++) {
		const mg_finding *f = r.analysis.findings[i];
		if (strcmp(f->rule->id, "data-opaque-code") != 0)
			continue;
		custom |= strstr(f->message, "com.example.RecountStock") != NULL;
		command |= strstr(f->message, "/usr/bin/touch") != NULL;
		assert_true(f->loc.line > 0);
	}
	assert_true(custom);
	assert_true(command);
	snprintf(path, sizeof path, "%s/ran", dir);
	assert_int_equal(access(path, F_OK), -1);
	i4_free(&r);
	th_rmtree(dir);
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
		cmocka_unit_test(liquibase_custom_change_and_command_ask_for_review),
		cmocka_unit_test(unbatched_backfill_fires_on_a_live_table_only),
		cmocka_unit_test(one_finding_per_statement_most_specific_first),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
