/*
 * test_rules_compat.c: the expand/contract and data rules fire on small
 * projects written for them and stay quiet on their near misses.  The
 * release is "after version 1" (--since 1), so V1's objects exist before
 * the release, as they do in production.
 */
#include "issue4_helpers.h"

static const mg_analysis_options since1 = {.since = "1"};
static const mg_analysis_options since1_single = {.since = "1", .deploy = MG_DEPLOY_SINGLE,
                                                  .deploy_given = true};
static const mg_analysis_options all = {0};

#define V1 "V1__base.sql", "CREATE TABLE t (id bigint PRIMARY KEY, a varchar(100), b int);\n"

static void drop_after_add_fires_in_one_release(void **state)
{
	(void)state;
	const char *files[] = {V1, "V2__add.sql", "ALTER TABLE t ADD COLUMN a2 text;\n"
	                       "UPDATE t SET a2 = a;\n",
	                       "V3__drop.sql", "ALTER TABLE t DROP COLUMN a;\n", NULL};
	assert_int_equal(i4_count_in(files, "compat-drop-after-add", &since1), 1);
	/* reported once: the plain drop rule defers to the pair */
	assert_int_equal(i4_count_in(files, "compat-drop-column", &since1), 0);
	/* an added column nothing links to the dropped one is no replacement */
	const char *unlinked[] = {V1, "V2__add.sql", "ALTER TABLE t ADD COLUMN c2 text;\n",
	                          "V3__drop.sql", "ALTER TABLE t DROP COLUMN a;\n", NULL};
	assert_int_equal(i4_count_in(unlinked, "compat-drop-after-add", &since1), 0);
	assert_int_equal(i4_count_in(unlinked, "compat-drop-column", &since1), 1);
	/* copy-swap of a table: new table filled from the old, old dropped */
	const char *tables[] = {V1, "V2__swap.sql",
	                        "CREATE TABLE t2 (id bigint, a text);\nINSERT INTO t2 SELECT id, a FROM t;\n"
	                        "DROP TABLE t;\n",
	                        NULL};
	assert_int_equal(i4_count_in(tables, "compat-drop-after-add", &since1), 1);
}

static void drop_after_add_near_miss_add_in_earlier_release(void **state)
{
	(void)state;
	const mg_analysis_options since2 = {.since = "2"};
	const char *files[] = {V1, "V2__add.sql", "ALTER TABLE t ADD COLUMN a2 text;\n",
	                       "V3__drop.sql", "ALTER TABLE t DROP COLUMN a;\n", NULL};
	assert_int_equal(i4_count_in(files, "compat-drop-after-add", &since2), 0);
	assert_int_equal(i4_count_in(files, "compat-drop-column", &since2), 1);
}

/* Dropped and added back in one transaction with the same type: the
 * running version never misses the column.  Another type, or another
 * migration, and it does. */
static void drop_and_readd_same_type_in_one_transaction(void **state)
{
	(void)state;
	const char *same[] = {V1, "V2__redo.sql", "ALTER TABLE t ADD COLUMN a_copy text;\n"
	                      "UPDATE t SET a_copy = a;\nALTER TABLE t DROP COLUMN a;\n"
	                      "ALTER TABLE t ADD COLUMN a character varying(100);\n",
	                      NULL};
	assert_int_equal(i4_count_in(same, "compat-drop-column", &since1), 0);
	assert_int_equal(i4_count_in(same, "compat-drop-after-add", &since1), 0);
	const char *other[] = {V1, "V2__redo.sql", "ALTER TABLE t DROP COLUMN b;\n"
	                       "ALTER TABLE t ADD COLUMN b bigint;\n",
	                       NULL};
	assert_int_equal(i4_count_in(other, "compat-drop-column", &since1), 1);
	const char *split[] = {V1, "V2__drop.sql", "ALTER TABLE t DROP COLUMN b;\n",
	                       "V3__add.sql", "ALTER TABLE t ADD COLUMN b int;\n", NULL};
	assert_int_equal(i4_count_in(split, "compat-drop-column", &since1), 1);
}

/* Sequences, functions and types the running version may use: renamed or
 * dropped they break it; made in the same release they do not. */
static void objects_the_running_version_uses(void **state)
{
	(void)state;
	const char *files[] = {V1, "V2__objects.sql",
	                       "CREATE SEQUENCE s;\nCREATE TYPE st AS ENUM ('a');\n"
	                       "CREATE FUNCTION f(int) RETURNS int LANGUAGE sql AS $$ SELECT $1 $$;\n"
	                       "CREATE FUNCTION g(int) RETURNS int LANGUAGE sql AS $$ SELECT $1 $$;\n",
	                       "V3__break.sql",
	                       "ALTER SEQUENCE s RENAME TO s2;\nALTER TYPE st RENAME TO st2;\n"
	                       "ALTER FUNCTION f(int) RENAME TO f2;\nDROP FUNCTION g(int);\n"
	                       "DROP SEQUENCE s2;\n",
	                       NULL};
	const mg_analysis_options since2 = {.since = "2"};
	const mg_analysis_options since2_single = {.since = "2", .deploy = MG_DEPLOY_SINGLE,
	                                           .deploy_given = true};
	/* in one release with their creation: nothing the running version knows */
	assert_int_equal(i4_count_in(files, "compat-rename-object", &since1), 0);
	char *dir = i4_project(files);
	i4_run r;
	i4_analyze(&r, dir, &since2);
	assert_int_equal(i4_count(&r, "compat-rename-object"), 3);
	assert_int_equal(i4_count(&r, "compat-drop-object"), 2);
	const mg_finding *f = i4_find(&r, "compat-rename-object");
	assert_non_null(strstr(f->message, "nextval('s')"));
	assert_non_null(strstr(f->safe_alternative, "setval('public.s2'"));
	i4_free(&r);
	i4_analyze(&r, dir, &since2_single);
	assert_int_equal(i4_count(&r, "compat-rename-object"), 0);
	assert_int_equal(i4_count(&r, "compat-drop-object"), 0);
	i4_free(&r);
	th_rmtree(dir);
	/* made in the release, kept as a wrapper, or dropped and made again */
	const char *quiet[] = {V1, "V2__quiet.sql",
	                       "CREATE SEQUENCE s;\nALTER SEQUENCE s RENAME TO s2;\nDROP SEQUENCE s2;\n"
	                       "DROP FUNCTION IF EXISTS never_made(int);\n",
	                       "V3__f.sql",
	                       "CREATE FUNCTION f(int) RETURNS int LANGUAGE sql AS $$ SELECT $1 $$;\n",
	                       "V4__f.sql",
	                       "ALTER FUNCTION f(int) RENAME TO f2;\n"
	                       "CREATE FUNCTION f(int) RETURNS int LANGUAGE sql AS $$ SELECT f2($1) $$;\n"
	                       "DROP FUNCTION f2(int);\n"
	                       "CREATE FUNCTION f2(int) RETURNS bigint LANGUAGE sql AS $$ SELECT 1 $$;\n",
	                       NULL};
	assert_int_equal(i4_count_in(quiet, "compat-rename-object", &all), 0);
	assert_int_equal(i4_count_in(quiet, "compat-drop-object", &all), 0);
	/* only triggers run a trigger function, never the application */
	const char *trig[] = {V1, "V2__trig.sql",
	                      "CREATE FUNCTION t_touch() RETURNS  TRIGGER LANGUAGE plpgsql AS "
	                      "$$ BEGIN RETURN NEW; END $$;\n",
	                      "V3__drop.sql", "DROP FUNCTION t_touch();\n", NULL};
	assert_int_equal(i4_count_in(trig, "compat-drop-object", &since2), 0);
	/* without IF EXISTS the drop proves the object exists */
	const char *unknown[] = {V1, "V2__drop.sql", "DROP FUNCTION made_elsewhere(int);\n", NULL};
	assert_int_equal(i4_count_in(unknown, "compat-drop-object", &since1), 1);
}

static void breaking_changes_fire_for_rolling_deploys(void **state)
{
	(void)state;
	const char *files[] = {V1,
	                       "V2__break.sql",
	                       "ALTER TABLE t RENAME COLUMN b TO c;\n"
	                       "ALTER TABLE t ALTER COLUMN a TYPE varchar(20);\n"
	                       "ALTER TABLE t ADD COLUMN d int NOT NULL;\n"
	                       "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n"
	                       "ALTER TABLE t RENAME TO t_new;\n",
	                       "V3__drop.sql", "DROP TABLE t_new;\n", NULL};
	char *dir = i4_project(files);
	i4_run r;
	i4_analyze(&r, dir, &since1);
	assert_int_equal(i4_count(&r, "compat-rename-column"), 1);
	assert_int_equal(i4_count(&r, "compat-narrowing-type"), 1);
	/* V1 ran in an earlier release, so t holds rows: the ADD COLUMN fails
	 * outright (data-), and SET NOT NULL breaks the old version's INSERTs */
	assert_int_equal(i4_count(&r, "data-not-null-without-default"), 1);
	assert_int_equal(i4_count(&r, "compat-not-null-without-default"), 1);
	assert_int_equal(i4_count(&r, "compat-rename-table"), 1);
	assert_int_equal(i4_count(&r, "compat-drop-table"), 1);
	const mg_finding *f = i4_find(&r, "compat-narrowing-type");
	assert_int_equal(f->loc.line, 2);
	assert_non_null(strstr(f->safe_alternative, "NOT VALID"));
	i4_free(&r);
	/* single deploy: no previous version runs during the migration */
	i4_analyze(&r, dir, &since1_single);
	assert_int_equal(i4_count(&r, "compat-rename-column"), 0);
	assert_int_equal(i4_count(&r, "compat-narrowing-type"), 0);
	assert_int_equal(i4_count(&r, "compat-drop-table"), 0);
	i4_free(&r);
	th_rmtree(dir);
}

/* The expand step of a rename adds the new column with the old one's type
 * when the catalog knows it, as PostgreSQL spells it; a table made by
 * dynamic SQL leaves it unknown, and the template says so. */
static void rename_column_alternative_has_the_type(void **state)
{
	(void)state;
	const char *known[] = {V1, "V2__rename.sql", "ALTER TABLE t RENAME COLUMN a TO a2;\n", NULL};
	char *dir = i4_project(known);
	i4_run r;
	i4_analyze(&r, dir, &since1);
	const mg_finding *f = i4_find(&r, "compat-rename-column");
	assert_non_null(f);
	assert_non_null(strstr(f->safe_alternative,
	                       "ALTER TABLE public.t ADD COLUMN a2 character varying(100);"));
	assert_null(strstr(f->safe_alternative, "<type>"));
	i4_free(&r);
	th_rmtree(dir);
	const char *unknown[] = {V1, "V2__dyn.sql",
	                         "DO $$ BEGIN EXECUTE 'CREATE TABLE u (id int, a int)'; END $$;\n",
	                         "V3__rename.sql", "ALTER TABLE u RENAME COLUMN a TO a2;\n", NULL};
	const mg_analysis_options since2 = {.since = "2"};
	dir = i4_project(unknown);
	i4_analyze(&r, dir, &since2);
	f = i4_find(&r, "compat-rename-column");
	assert_non_null(f);
	assert_non_null(strstr(f->safe_alternative, "ADD COLUMN a2 <type>;"));
	assert_non_null(strstr(f->safe_alternative, "migraph does not know"));
	i4_free(&r);
	th_rmtree(dir);
}

static void breaking_near_misses(void **state)
{
	(void)state;
	/* widening, a default, objects made in the same release */
	const char *files[] = {V1,
	                       "V2__ok.sql",
	                       "ALTER TABLE t ALTER COLUMN a TYPE varchar(200);\n"
	                       "ALTER TABLE t ALTER COLUMN b TYPE bigint;\n"
	                       "ALTER TABLE t ADD COLUMN d int NOT NULL DEFAULT 0;\n"
	                       "CREATE TABLE n (id int, x int);\nALTER TABLE n RENAME COLUMN x TO y;\n"
	                       "ALTER TABLE n DROP COLUMN y;\nDROP TABLE n;\n",
	                       NULL};
	char *dir = i4_project(files);
	i4_run r;
	i4_analyze(&r, dir, &since1);
	assert_int_equal(i4_count(&r, "compat-narrowing-type"), 0);
	assert_int_equal(i4_count(&r, "compat-not-null-without-default"), 0);
	assert_int_equal(i4_count(&r, "compat-rename-column"), 0);
	assert_int_equal(i4_count(&r, "compat-drop-column"), 0);
	assert_int_equal(i4_count(&r, "compat-drop-table"), 0);
	i4_free(&r);
	/* everything in the release (no selection): V1 is new too */
	i4_analyze(&r, dir, &all);
	assert_int_equal(i4_count(&r, "compat-drop-table"), 0);
	i4_free(&r);
	th_rmtree(dir);
}

static void alter_type_under_view(void **state)
{
	(void)state;
	const char *files[] = {V1, "V2__view.sql", "CREATE VIEW v AS SELECT id, a FROM t;\n",
	                       "V3__type.sql", "ALTER TABLE t ALTER COLUMN a TYPE text;\n", NULL};
	assert_int_equal(i4_count_in(files, "compat-alter-type-under-view", &all), 1);
	const char *near[] = {V1, "V2__view.sql", "CREATE VIEW v AS SELECT id, a FROM t;\n",
	                      "V3__type.sql", "ALTER TABLE t ALTER COLUMN b TYPE bigint;\n", NULL};
	assert_int_equal(i4_count_in(near, "compat-alter-type-under-view", &all), 0);
	const char *dropped[] = {V1, "V2__view.sql", "CREATE VIEW v AS SELECT id, a FROM t;\n",
	                         "V3__type.sql",
	                         "DROP VIEW v;\nALTER TABLE t ALTER COLUMN a TYPE text;\n", NULL};
	assert_int_equal(i4_count_in(dropped, "compat-alter-type-under-view", &all), 0);
}

/* The alternative of the project's first compat-alter-type-under-view;
 * changelog: the Liquibase changelog among files, NULL for Flyway. */
static const char *under_view_alt(const char **files, const char *changelog)
{
	static char text[1024], path[512];
	char *dir = i4_project(files);
	snprintf(path, sizeof path, "%s%s%s", dir, changelog ? "/" : "", changelog ? changelog : "");
	i4_run r;
	i4_analyze(&r, path, &all);
	const mg_finding *f = i4_find(&r, "compat-alter-type-under-view");
	assert_non_null(f);
	snprintf(text, sizeof text, "%s", f->safe_alternative);
	i4_free(&r);
	th_rmtree(dir);
	return text;
}

/* With the views' recorded definitions the alternative runs as written:
 * the views that use the column, and those reading them, dropped newest
 * first and re-created oldest first around the statement itself; a view
 * that does not use the column stays.  Without a definition that makes
 * the same view again (renamed since), the template stays. */
static void alter_type_under_view_alternative(void **state)
{
	(void)state;
	const char *chain[] = {V1, "V2__views.sql",
	                       "CREATE VIEW v AS SELECT id, a FROM t;\n"
	                       "CREATE MATERIALIZED VIEW w AS SELECT id FROM v;\n"
	                       "CREATE VIEW other AS SELECT id, b FROM t;\n",
	                       "V3__type.sql", "ALTER TABLE t ALTER COLUMN a TYPE text USING a::text;\n",
	                       NULL};
	assert_string_equal(under_view_alt(chain, NULL),
	                    "-- in the migration's transaction: readers never see the views missing\n"
	                    "DROP MATERIALIZED VIEW public.w;\nDROP VIEW public.v;\n"
	                    "ALTER TABLE t ALTER COLUMN a TYPE text USING a::text;\n"
	                    "CREATE VIEW v AS SELECT id, a FROM t;\n"
	                    "CREATE MATERIALIZED VIEW w AS SELECT id FROM v;\n"
	                    "-- then any GRANT or COMMENT on the views again: DROP took them along");
	/* made earlier in the same migration: the view as it stands at the ALTER */
	const char *same[] = {V1, "V2__both.sql",
	                      "CREATE VIEW v AS SELECT id, a FROM t WHERE b > 0;\n"
	                      "ALTER TABLE t ALTER COLUMN a TYPE text;\n"
	                      "CREATE OR REPLACE VIEW v AS SELECT id, a FROM t;\n",
	                      NULL};
	const char *alt = under_view_alt(same, NULL);
	assert_non_null(strstr(alt, "CREATE VIEW v AS SELECT id, a FROM t WHERE b > 0;\n"));
	assert_null(strstr(alt, "<the view>"));
	/* run outside a transaction: the alternative opens its own */
	const char *no_tx[] = {V1, "V2__view.sql", "CREATE VIEW v AS SELECT id, a FROM t;\n",
	                       "V3__type.sql", "ALTER TABLE t ALTER COLUMN a TYPE text;\n",
	                       "V3__type.sql.conf", "executeInTransaction=false\n", NULL};
	alt = under_view_alt(no_tx, NULL);
	assert_true(strncmp(alt, "BEGIN;\nDROP VIEW public.v;\n", 27) == 0);
	assert_non_null(strstr(alt, "\nCOMMIT;"));
	/* a Liquibase change has no SQL of its own: its ALTER is written out */
	const char *lb[] = {"changelog.xml",
	                    "<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\">\n"
	                    "<changeSet id=\"1\" author=\"a\"><createTable tableName=\"acc\">"
	                    "<column name=\"id\" type=\"bigint\"/><column name=\"status\" "
	                    "type=\"varchar(20)\"/></createTable>\n<createView viewName=\"open_acc\">"
	                    "SELECT id, status FROM acc</createView></changeSet>\n"
	                    "<changeSet id=\"2\" author=\"a\"><modifyDataType tableName=\"acc\" "
	                    "columnName=\"status\" newDataType=\"text\"/></changeSet>\n"
	                    "</databaseChangeLog>\n",
	                    NULL};
	alt = under_view_alt(lb, "changelog.xml");
	assert_non_null(strstr(alt, "DROP VIEW public.open_acc;\n"
	                            "ALTER TABLE public.acc ALTER COLUMN status TYPE text;\n"
	                            "CREATE VIEW \"public\".\"open_acc\" AS SELECT id, status FROM acc;\n"));
	const char *renamed[] = {V1, "V2__view.sql",
	                         "CREATE VIEW v0 AS SELECT id, a FROM t;\nALTER VIEW v0 RENAME TO v;\n",
	                         "V3__type.sql", "ALTER TABLE t ALTER COLUMN a TYPE text;\n", NULL};
	alt = under_view_alt(renamed, NULL);
	assert_non_null(strstr(alt, "DROP VIEW <the view>;"));
	assert_non_null(strstr(alt, "ALTER TABLE public.t ALTER COLUMN a TYPE text;"));
}

static void drop_still_used(void **state)
{
	(void)state;
	const char *fk[] = {V1, "V2__child.sql",
	                    "CREATE TABLE c (id int, t_id bigint REFERENCES t(id));\n", "V3__drop.sql",
	                    "DROP TABLE t;\n", NULL};
	assert_int_equal(i4_count_in(fk, "compat-drop-still-used", &all), 1);
	const char *later[] = {V1, "V2__drop.sql", "DROP TABLE t;\n", "V3__use.sql",
	                       "INSERT INTO t (id) VALUES (1);\n", NULL};
	assert_int_equal(i4_count_in(later, "compat-drop-still-used", &all), 1);
	assert_int_equal(i4_count_in(later, "order-unknown-object", &all), 0);
	const char *near[] = {V1, "V2__child.sql",
	                      "CREATE TABLE c (id int, t_id bigint REFERENCES t(id));\n", "V3__drop.sql",
	                      "ALTER TABLE c DROP CONSTRAINT c_t_id_fkey;\nDROP TABLE t;\n", NULL};
	assert_int_equal(i4_count_in(near, "compat-drop-still-used", &all), 0);
	assert_int_equal(i4_count_in(near, "order-unknown-object", &all), 0);
}

static void not_null_on_rows(void **state)
{
	(void)state;
	const char *files[] = {V1, "V2__rows.sql", "INSERT INTO t (id) VALUES (1);\n", "V3__col.sql",
	                       "ALTER TABLE t ADD COLUMN z int NOT NULL;\n", NULL};
	assert_int_equal(i4_count_in(files, "data-not-null-without-default", &all), 1);
	const char *near[] = {V1, "V2__rows.sql", "INSERT INTO t (id) VALUES (1);\n", "V3__col.sql",
	                      "ALTER TABLE t ADD COLUMN z int NOT NULL DEFAULT 0;\n", NULL};
	assert_int_equal(i4_count_in(near, "data-not-null-without-default", &all), 0);
	/* Without a release selection every earlier changeset counts as live,
	 * so only a table made in the same changeset is known to be empty. */
	const char *empty[] = {V1, "V3__col.sql",
	                       "CREATE TABLE u (id int);\nALTER TABLE u ADD COLUMN z int NOT NULL;\n",
	                       NULL};
	assert_int_equal(i4_count_in(empty, "data-not-null-without-default", &all), 0);
	const char *live[] = {V1, "V3__col.sql", "ALTER TABLE t ADD COLUMN z int NOT NULL;\n", NULL};
	assert_int_equal(i4_count_in(live, "data-not-null-without-default", &all), 1);
}

static void constraint_before_backfill(void **state)
{
	(void)state;
	const char *files[] = {V1, "V2__nn.sql",
	                       "ALTER TABLE t ADD COLUMN s text;\nALTER TABLE t ALTER COLUMN s SET NOT NULL;\n"
	                       "UPDATE t SET s = 'x' WHERE s IS NULL;\n",
	                       NULL};
	assert_int_equal(i4_count_in(files, "data-constraint-before-backfill", &all), 1);
	const char *near[] = {V1, "V2__nn.sql",
	                      "ALTER TABLE t ADD COLUMN s text;\nUPDATE t SET s = 'x' WHERE s IS NULL;\n"
	                      "ALTER TABLE t ALTER COLUMN s SET NOT NULL;\n"
	                      "UPDATE t SET s = 'y' WHERE s = 'x';\n",
	                      NULL};
	assert_int_equal(i4_count_in(near, "data-constraint-before-backfill", &all), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(drop_after_add_fires_in_one_release),
		cmocka_unit_test(drop_after_add_near_miss_add_in_earlier_release),
		cmocka_unit_test(drop_and_readd_same_type_in_one_transaction),
		cmocka_unit_test(objects_the_running_version_uses),
		cmocka_unit_test(breaking_changes_fire_for_rolling_deploys),
		cmocka_unit_test(rename_column_alternative_has_the_type),
		cmocka_unit_test(breaking_near_misses),
		cmocka_unit_test(alter_type_under_view),
		cmocka_unit_test(alter_type_under_view_alternative),
		cmocka_unit_test(drop_still_used),
		cmocka_unit_test(not_null_on_rows),
		cmocka_unit_test(constraint_before_backfill),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
