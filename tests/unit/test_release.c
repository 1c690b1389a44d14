/*
 * test_release.c: release selection on real files: --since for Flyway
 * versions and Liquibase tags, --applied CSV exports of both history
 * tables (headers in any case, quoted fields), and --git-base against a
 * git repository the test builds.
 */
#include "issue4_helpers.h"
#include "migraph/release.h"

static bool in_rel(const i4_run *r, size_t i)
{
	return (r->project->changesets[i]->flags & MG_CSF_IN_RELEASE) != 0;
}

static void since_flyway_version_compares_numerically(void **state)
{
	(void)state;
	const char *files[] = {"V1_9__a.sql", "SELECT 1;\n", "V1_10__b.sql", "SELECT 1;\n",
	                       "V2__c.sql", "SELECT 1;\n", "R__view.sql", "SELECT 1;\n", NULL};
	char *dir = i4_project(files);
	i4_run r;
	mg_analysis_options o = {.since = "1.9"};
	i4_analyze(&r, dir, &o);
	assert_int_equal(r.project->n_changesets, 4);
	assert_false(in_rel(&r, 0)); /* 1.9 itself: exclusive */
	assert_true(in_rel(&r, 1));  /* 1.10 > 1.9 */
	assert_true(in_rel(&r, 2));
	assert_true(in_rel(&r, 3));  /* repeatables always */
	i4_free(&r);
	i4_analyze(&r, dir, NULL);
	for (size_t i = 0; i < 4; i++)
		assert_true(in_rel(&r, i)); /* default: everything */
	i4_free(&r);
	th_rmtree(dir);
}

static const char *lb_xml =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\">\n"
	"  <changeSet id=\"1\" author=\"ann\">\n"
	"    <createTable tableName=\"t\"><column name=\"id\" type=\"int\"/></createTable>\n"
	"  </changeSet>\n"
	"  <changeSet id=\"tag-1\" author=\"ann\">\n"
	"    <tagDatabase tag=\"v1.0\"/>\n"
	"  </changeSet>\n"
	"  <changeSet id=\"2\" author=\"bob\">\n"
	"    <sql>ALTER TABLE t ADD COLUMN x int</sql>\n"
	"  </changeSet>\n"
	"</databaseChangeLog>\n";

static void since_liquibase_tag(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	th_write(dir, "changelog.xml", lb_xml);
	char path[4200];
	snprintf(path, sizeof path, "%s/changelog.xml", dir);
	i4_run r;
	mg_analysis_options o = {.since = "v1.0"};
	i4_analyze(&r, path, &o);
	assert_int_equal(r.project->n_changesets, 3);
	assert_false(in_rel(&r, 0));
	assert_false(in_rel(&r, 1));
	assert_true(in_rel(&r, 2));
	i4_free(&r);
	o.since = "no-such-tag";
	i4_analyze(&r, path, &o);
	assert_false(in_rel(&r, 2));
	assert_int_equal(th_count_diags(r.project, "release-since-tag-not-found"), 1);
	i4_free(&r);
	th_rmtree(dir);
}

static void applied_liquibase_csv(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	th_write(dir, "changelog.xml", lb_xml);
	char path[4200], csv[4200];
	snprintf(path, sizeof path, "%s/changelog.xml", dir);
	snprintf(csv, sizeof csv, "%s/dbcl.csv", dir);
	/* filename as recorded: relative to the search path (cwd), so use the
	 * loaded identity; lower-case headers, quoted fields */
	i4_run r;
	i4_analyze(&r, path, NULL);
	const char *fn = r.project->changesets[0]->filename;
	char content[8192];
	snprintf(content, sizeof content,
	         "\"id\",\"author\",\"filename\",\"dateexecuted\",\"orderexecuted\",\"exectype\","
	         "\"md5sum\"\n"
	         "\"1\",\"ann\",\"%s\",\"2024-01-01\",1,\"EXECUTED\",\"8:abc\"\n"
	         "\"tag-1\",\"ann\",\"classpath:%s\",\"2024-01-01\",2,\"MARK_RAN\",\"\"\n",
	         fn, fn);
	i4_free(&r);
	th_write(dir, "dbcl.csv", content);
	mg_analysis_options o = {.applied_file = csv};
	i4_analyze(&r, path, &o);
	assert_false(in_rel(&r, 0));
	assert_false(in_rel(&r, 1));
	assert_true(in_rel(&r, 2));
	/* a v8 checksum cannot be compared with a v9 one: not compared, never equal */
	assert_int_equal(i4_count(&r, "order-checksum-not-compared"), 1);
	assert_int_equal(i4_count(&r, "order-changed-applied-migration"), 0);
	i4_free(&r);
	th_rmtree(dir);
}

/* Rows find their migration by version as Flyway compares versions ("01.0"
 * is 1), repeatables by description; a large history is read in one pass
 * (each row used to scan every migration). */
static void applied_flyway_csv_matches_versions(void **state)
{
	(void)state;
	const char *files[] = {"V1__a.sql", "SELECT 1;\n", "V1_1__b.sql", "SELECT 1;\n",
	                       "V2__c.sql", "SELECT 1;\n", "V3__d.sql",   "SELECT 1;\n",
	                       "R__view.sql", "SELECT 1;\n", NULL};
	char *dir = i4_project(files);
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, "installed_rank,version,description,type,script,checksum,success\n"
	                "1,01.0,a,SQL,V1__a.sql,,true\n"
	                "2,1.1.0,b,SQL,V1_1__b.sql,,true\n"
	                "3,2,c,SQL,V2__c.sql,,false\n"
	                "4,,view,SQL,R__view.sql,,true\n");
	/* Rows of versions no migration has, 60,000 of them. */
	for (int i = 0; i < 60000; i++)
		mg_buf_printf(&b, "%d,%d.%d,x,SQL,V%d__x.sql,,true\n", i + 5, 100 + i, i % 3, i);
	char csv[4200];
	snprintf(csv, sizeof csv, "%s/history.csv", dir);
	th_write(dir, "history.csv", mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	i4_run r;
	mg_analysis_options o = {.applied_file = csv};
	i4_analyze(&r, dir, &o);
	assert_int_equal(r.project->n_changesets, 5);
	assert_false(in_rel(&r, 0)); /* 01.0 is 1 */
	assert_false(in_rel(&r, 1)); /* 1.1.0 is 1.1 */
	assert_true(in_rel(&r, 2));  /* failed: not applied */
	assert_true(in_rel(&r, 3));
	assert_true(in_rel(&r, 4));  /* repeatable without checksum: runs */
	i4_free(&r);
	th_rmtree(dir);
}

static void csv_reader_quotes_and_headers(void **state)
{
	(void)state;
	mg_arena a;
	mg_arena_init(&a);
	mg_csv csv;
	const char *text = "\xEF\xBB\xBFVersion;Description;SUCCESS\r\n1;\"a;b \"\"q\"\"\nline\";t\r\n";
	assert_int_equal(mg_csv_parse(&a, text, strlen(text), &csv), 0);
	assert_int_equal(csv.n_rows, 2);
	assert_int_equal(mg_csv_column(&csv, "version"), 0);
	assert_int_equal(mg_csv_column(&csv, "success"), 2);
	assert_int_equal(mg_csv_column(&csv, "checksum"), -1);
	assert_string_equal(csv.rows[1][1], "a;b \"q\"\nline");
	assert_string_equal(csv.rows[1][2], "t");
	mg_arena_free(&a);
}

static void git(const char *dir, const char *args)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && git -c user.email=t@t -c user.name=t -c init.defaultBranch=main %s "
	         ">/dev/null 2>&1",
	         dir, args);
	assert_int_equal(system(cmd), 0);
}

static void git_base_flyway(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	th_write(dir, "db/V1__a.sql", "CREATE TABLE a (id int);\n");
	th_write(dir, "db/V2__b.sql", "CREATE TABLE b (id int);\n");
	th_write(dir, "db/R__v.sql", "CREATE OR REPLACE VIEW v AS SELECT 1;\n");
	git(dir, "init -q");
	git(dir, "add -A");
	git(dir, "commit -q -m base");
	git(dir, "tag base");
	th_write(dir, "db/V2__b.sql", "CREATE TABLE b (id bigint);\n");       /* committed, changed */
	th_write(dir, "db/R__v.sql", "CREATE OR REPLACE VIEW v AS SELECT 2;\n"); /* repeatable */
	th_write(dir, "db/V3__c.sql", "CREATE TABLE c (id int);\n");          /* untracked */
	char path[4200];
	snprintf(path, sizeof path, "%s/db", dir);
	i4_run r;
	mg_analysis_options o = {.git_base = "base"};
	i4_analyze(&r, path, &o);
	assert_int_equal(r.project->n_changesets, 4);
	assert_false(in_rel(&r, 0)); /* V1 unchanged */
	assert_true(in_rel(&r, 1));
	assert_true(in_rel(&r, 2));
	assert_true(in_rel(&r, 3));
	/* only the versioned V2 is a changed committed migration */
	assert_int_equal(i4_count(&r, "order-changed-applied-migration"), 1);
	assert_int_equal(i4_find(&r, "order-changed-applied-migration")->changeset_index, 1);
	i4_free(&r);
	o.git_base = "no-such-ref";
	i4_analyze(&r, path, &o);
	assert_int_equal(th_count_diags(r.project, "release-git-failed"), 1);
	i4_free(&r);
	th_rmtree(dir);
}

static void git_base_liquibase_judges_changesets_by_text(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	th_write(dir, "changelog.xml", lb_xml);
	git(dir, "init -q");
	git(dir, "add -A");
	git(dir, "commit -q -m base");
	/* changeset 2 edited, a new changeset 3 appended; 1 and tag-1 untouched */
	char *edited = strdup(lb_xml);
	char *x = strstr(edited, "ADD COLUMN x int");
	memcpy(x, "ADD COLUMN y int", 16);
	char *end = strstr(edited, "</databaseChangeLog>");
	*end = '\0';
	char content[8192];
	snprintf(content, sizeof content,
	         "%s  <changeSet id=\"3\" author=\"cy\">\n    <sql>SELECT 1</sql>\n  </changeSet>\n"
	         "</databaseChangeLog>\n",
	         edited);
	free(edited);
	th_write(dir, "changelog.xml", content);
	char path[4200];
	snprintf(path, sizeof path, "%s/changelog.xml", dir);
	i4_run r;
	mg_analysis_options o = {.git_base = "HEAD"};
	i4_analyze(&r, path, &o);
	assert_int_equal(r.project->n_changesets, 4);
	assert_false(in_rel(&r, 0));
	assert_false(in_rel(&r, 1));
	assert_true(in_rel(&r, 2));
	assert_true(in_rel(&r, 3));
	assert_int_equal(i4_count(&r, "order-changed-applied-migration"), 1);
	i4_free(&r);
	th_rmtree(dir);
}

/* A repository whose configuration runs a program (core.fsmonitor, a
 * filter driver for every .sql file, a hook): --git-base never starts it,
 * and migrations whose names git would quote are judged like any other. */
static void git_base_runs_nothing_and_reads_every_name(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	const char *names[] = {"db/V1__tab\there.sql", "db/V2__new\nline.sql", "db/V3__q\"uote.sql",
	                       "db/V4__caf\xc3\xa9.sql", NULL};
	for (size_t i = 0; names[i]; i++)
		th_write(dir, names[i], "CREATE TABLE a (id int);\n");
	th_write(dir, ".gitattributes", "*.sql filter=evil\n");
	git(dir, "init -q");
	git(dir, "add -A");
	git(dir, "commit -q -m base");
	th_write(dir, names[0], "CREATE TABLE a (id bigint);\n"); /* changed */
	th_write(dir, names[3], "CREATE TABLE a (id bigint);\n"); /* changed */
	th_write(dir, "db/V5__new\ttab.sql", "CREATE TABLE b (id int);\n"); /* new */
	char marker[4200], script[4400], cmd[40000];
	snprintf(marker, sizeof marker, "%s/MARKER", dir);
	snprintf(script, sizeof script, "#!/bin/sh\ntouch '%s'\ncat >/dev/null\n", marker);
	th_write(dir, "evil.sh", script);
	snprintf(script, sizeof script, "%s/evil.sh", dir);
	snprintf(cmd, sizeof cmd,
	         "chmod +x '%s' && cp '%s' '%s/.git/hooks/post-index-change' && cd '%s' && "
	         "git config core.fsmonitor '%s' && git config filter.evil.clean '%s' && "
	         "git config filter.evil.smudge '%s' && git config filter.evil.required true",
	         script, script, dir, dir, script, script, script);
	assert_int_equal(system(cmd), 0);
	char path[4200];
	snprintf(path, sizeof path, "%s/db", dir);
	i4_run r;
	mg_analysis_options o = {.git_base = "HEAD"};
	i4_analyze(&r, path, &o);
	assert_int_equal(access(marker, F_OK), -1);
	assert_int_equal(r.project->n_changesets, 5);
	for (size_t i = 0; i < 5; i++) {
		const char *s = r.project->changesets[i]->script;
		bool want = strstr(s, "tab") || strstr(s, "caf");
		assert_int_equal(in_rel(&r, i), want);
	}
	assert_int_equal(th_count_diags(r.project, "release-git-failed"), 0);
	assert_int_equal(i4_count(&r, "order-changed-applied-migration"), 2);
	i4_free(&r);
	th_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(since_flyway_version_compares_numerically),
		cmocka_unit_test(since_liquibase_tag),
		cmocka_unit_test(applied_liquibase_csv),
		cmocka_unit_test(applied_flyway_csv_matches_versions),
		cmocka_unit_test(csv_reader_quotes_and_headers),
		cmocka_unit_test(git_base_flyway),
		cmocka_unit_test(git_base_liquibase_judges_changesets_by_text),
		cmocka_unit_test(git_base_runs_nothing_and_reads_every_name),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
