/*
 * test_rules_ordering.c: every ordering rule fires on a small Flyway
 * project written for it, and stays quiet on its near miss.
 */
#include "issue4_helpers.h"

static const mg_analysis_options none = {0};

static void inversion_fires_when_a_later_version_creates_the_table(void **state)
{
	(void)state;
	const char *files[] = {"V1__alter.sql", "ALTER TABLE customers ADD COLUMN email text;\n",
	                       "V2__create.sql", "CREATE TABLE customers (id bigint PRIMARY KEY);\n",
	                       NULL};
	char *dir = i4_project(files);
	i4_run r;
	i4_analyze(&r, dir, &none);
	assert_int_equal(i4_count(&r, "order-dependency-inversion"), 1);
	assert_int_equal(i4_count(&r, "order-unknown-object"), 0);
	const mg_finding *f = i4_find(&r, "order-dependency-inversion");
	assert_int_equal(f->loc.line, 1);
	assert_string_equal(f->object.name, "customers");
	assert_non_null(strstr(f->message, "version 2"));
	/* the graph carries the inversion as an edge from V2 to V1 */
	bool edge = false;
	for (size_t i = 0; i < r.analysis.graph->n_edges; i++)
		edge |= r.analysis.graph->edges[i].kind == MG_EDGE_INVERSION &&
		        r.analysis.graph->edges[i].from == 1 && r.analysis.graph->edges[i].to == 0;
	assert_true(edge);
	i4_free(&r);
	th_rmtree(dir);
}

static void inversion_near_miss_creation_first(void **state)
{
	(void)state;
	const char *files[] = {"V1__create.sql", "CREATE TABLE customers (id bigint PRIMARY KEY);\n",
	                       "V2__alter.sql", "ALTER TABLE customers ADD COLUMN email text;\n", NULL};
	assert_int_equal(i4_count_in(files, "order-dependency-inversion", &none), 0);
	assert_int_equal(i4_count_in(files, "order-unknown-object", &none), 0);
}

static void unknown_object_fires_without_baseline(void **state)
{
	(void)state;
	const char *files[] = {"V1__a.sql", "ALTER TABLE nowhere ADD COLUMN x int;\n", NULL};
	assert_int_equal(i4_count_in(files, "order-unknown-object", &none), 1);
}

static void unknown_object_near_miss_baseline_has_it(void **state)
{
	(void)state;
	char *base = th_tmpdir();
	th_write(base, "schema.sql",
	         "SET statement_timeout = 0;\nCREATE TABLE public.nowhere (\n    id integer NOT NULL\n);\n"
	         "ALTER TABLE ONLY public.nowhere ADD CONSTRAINT nowhere_pkey PRIMARY KEY (id);\n");
	char path[4200];
	snprintf(path, sizeof path, "%s/schema.sql", base);
	mg_analysis_options o = {.schema_file = path};
	const char *files[] = {"V1__a.sql",
	                       "ALTER TABLE nowhere ADD COLUMN x int;\n"
	                       "ALTER TABLE nowhere DROP CONSTRAINT nowhere_pkey;\n",
	                       NULL};
	assert_int_equal(i4_count_in(files, "order-unknown-object", &o), 0);
	th_rmtree(base);
}

static void unknown_object_near_miss_do_block_may_have_made_it(void **state)
{
	(void)state;
	const char *files[] = {"V1__a.sql",
	                       "DO $$ BEGIN CREATE TABLE magic (id int); END $$;\n"
	                       "ALTER TABLE magic ADD COLUMN y int;\n",
	                       NULL};
	assert_int_equal(i4_count_in(files, "order-unknown-object", &none), 0);
	/* a Java migration may create anything */
	const char *java[] = {"V1__Base.java",
	                      "package db.migration;\npublic class V1__Base extends BaseJavaMigration {}\n",
	                      "V2__a.sql", "ALTER TABLE anything ADD COLUMN y int;\n", NULL};
	assert_int_equal(i4_count_in(java, "order-unknown-object", &none), 0);
}

static void duplicate_fires_and_if_not_exists_is_quiet(void **state)
{
	(void)state;
	const char *files[] = {"V1__a.sql", "CREATE TABLE t (id int);\n", "V2__b.sql",
	                       "CREATE TABLE T (id int);\nALTER TABLE t ADD COLUMN id int;\n", NULL};
	assert_int_equal(i4_count_in(files, "order-duplicate-object", &none), 2);
	const char *ok[] = {"V1__a.sql", "CREATE TABLE t (id int);\n", "V2__b.sql",
	                    "CREATE TABLE IF NOT EXISTS t (id int);\n"
	                    "ALTER TABLE t ADD COLUMN IF NOT EXISTS id int;\n",
	                    NULL};
	assert_int_equal(i4_count_in(ok, "order-duplicate-object", &none), 0);
}

static void cycle_fires_when_two_changesets_need_each_other(void **state)
{
	(void)state;
	const char *files[] = {"V1__a.sql", "CREATE TABLE a (id int);\nALTER TABLE b ADD COLUMN y int;\n",
	                       "V2__b.sql", "CREATE TABLE b (id int);\nALTER TABLE a ADD COLUMN z int;\n",
	                       NULL};
	assert_int_equal(i4_count_in(files, "order-dependency-cycle", &none), 1);
	const char *near[] = {"V1__a.sql", "CREATE TABLE a (id int);\nALTER TABLE b ADD COLUMN y int;\n",
	                      "V2__b.sql", "CREATE TABLE b (id int);\n", NULL};
	assert_int_equal(i4_count_in(near, "order-dependency-cycle", &none), 0);
	assert_int_equal(i4_count_in(near, "order-dependency-inversion", &none), 1);
}

static char *write_csv(const char *content)
{
	char *dir = th_tmpdir();
	th_write(dir, "history.csv", content);
	char *path = malloc(strlen(dir) + 20);
	sprintf(path, "%s/history.csv", dir);
	free(dir);
	return path;
}

static void remove_csv(char *path)
{
	char *dir = strdup(path);
	*strrchr(dir, '/') = '\0';
	th_rmtree(dir);
	free(path);
}

static const char *three[] = {"V1__a.sql", "SELECT 1;\n", "V2__b.sql", "CREATE TABLE b (id int);\n",
                              "V3__c.sql", "CREATE TABLE c (id int);\n", NULL};

static void out_of_order_fires_for_a_pending_lower_version(void **state)
{
	(void)state;
	char *csv = write_csv("installed_rank,version,description,type,script,checksum,installed_by,"
	                      "installed_on,execution_time,success\n"
	                      "1,1,a,SQL,V1__a.sql,78787420,me,2024-01-01,1,t\n"
	                      "2,3,c,SQL,V3__c.sql,,me,2024-01-01,1,t\n");
	mg_analysis_options o = {.applied_file = csv};
	assert_int_equal(i4_count_in(three, "order-out-of-order-version", &o), 1);
	remove_csv(csv);
	csv = write_csv("installed_rank,version,description,type,script,checksum,installed_by,"
	                "installed_on,execution_time,success\n"
	                "1,1,a,SQL,V1__a.sql,78787420,me,2024-01-01,1,t\n");
	o.applied_file = csv;
	assert_int_equal(i4_count_in(three, "order-out-of-order-version", &o), 0);
	remove_csv(csv);
}

static void changed_applied_and_failed_and_not_found(void **state)
{
	(void)state;
	/* V1's file is "SELECT 1;\n": checksum 78787420 (formats.md A10). */
	char *csv = write_csv("INSTALLED_RANK,VERSION,DESCRIPTION,TYPE,SCRIPT,CHECKSUM,INSTALLED_BY,"
	                      "INSTALLED_ON,EXECUTION_TIME,SUCCESS\n"
	                      "1,1,a,SQL,V1__a.sql,12345,me,2024-01-01,1,true\n"
	                      "2,2,b,SQL,V2__b.sql,1,me,2024-01-01,1,false\n"
	                      "3,0.5,gone,SQL,V0_5__gone.sql,7,me,2024-01-01,1,true\n");
	mg_analysis_options o = {.applied_file = csv};
	char *dir = i4_project(three);
	i4_run r;
	i4_analyze(&r, dir, &o);
	assert_int_equal(i4_count(&r, "order-changed-applied-migration"), 1);
	assert_int_equal(i4_count(&r, "order-failed-applied-migration"), 1);
	assert_int_equal(i4_count(&r, "order-applied-not-found"), 1);
	/* V1 is applied; V2 failed, so it is pending with V3 */
	assert_false(r.project->changesets[0]->flags & MG_CSF_IN_RELEASE);
	assert_true(r.project->changesets[1]->flags & MG_CSF_IN_RELEASE);
	assert_true(r.project->changesets[2]->flags & MG_CSF_IN_RELEASE);
	i4_free(&r);
	th_rmtree(dir);
	remove_csv(csv);
	csv = write_csv("version,checksum,success,script\n1,78787420,t,V1__a.sql\n2,,t,V2__b.sql\n");
	o.applied_file = csv;
	assert_int_equal(i4_count_in(three, "order-changed-applied-migration", &o), 0);
	assert_int_equal(i4_count_in(three, "order-failed-applied-migration", &o), 0);
	assert_int_equal(i4_count_in(three, "order-applied-not-found", &o), 0);
	/* V2 has a checksum but the row has none: not compared, never "equal" */
	assert_int_equal(i4_count_in(three, "order-checksum-not-compared", &o), 1);
	remove_csv(csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inversion_fires_when_a_later_version_creates_the_table),
		cmocka_unit_test(inversion_near_miss_creation_first),
		cmocka_unit_test(unknown_object_fires_without_baseline),
		cmocka_unit_test(unknown_object_near_miss_baseline_has_it),
		cmocka_unit_test(unknown_object_near_miss_do_block_may_have_made_it),
		cmocka_unit_test(duplicate_fires_and_if_not_exists_is_quiet),
		cmocka_unit_test(cycle_fires_when_two_changesets_need_each_other),
		cmocka_unit_test(out_of_order_fires_for_a_pending_lower_version),
		cmocka_unit_test(changed_applied_and_failed_and_not_found),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
