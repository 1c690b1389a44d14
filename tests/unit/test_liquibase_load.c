/*
 * test_liquibase_load.c: the Liquibase changelog interpreter: includes,
 * identities, properties, filters and checksums, through mg_liquibase_load
 * on small changelogs written to a temporary directory.
 */
#include "lb_fixture.h"

#include "load/liquibase_int.h"
#include "migraph/checksum.h"
#include "migraph/load.h"




static size_t unfiltered(const mg_project *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n_changesets; i++)
		if (!(p->changesets[i]->flags & MG_CSF_FILTERED))
			n++;
	return n;
}

static void test_include_identity_search_path_and_relative(void **state)
{
	(void)state;
	fixture *f = fx_new();
	th_write(f->dir, "db/master.xml",
	         HDR "<include file=\"db/a/one.xml\"/>\n"
	             "<include file=\"b/two.xml\" relativeToChangelogFile=\"true\"/>\n" END);
	th_write(f->dir, "db/a/one.xml",
	         HDR "<changeSet id=\"1\" author=\"kim\"><sql>select 1</sql></changeSet>\n" END);
	th_write(f->dir, "db/b/two.xml",
	         HDR "<include file=\"../a/../c/three.xml\" relativeToChangelogFile=\"true\"/>\n"
	             "<changeSet id=\"2\" author=\"kim\"><sql>select 2</sql></changeSet>\n" END);
	th_write(f->dir, "db/c/three.xml",
	         HDR "<changeSet id=\"3\" author=\"lee\" logicalFilePath=\"fixed.xml\"><sql>select 3</sql></changeSet>\n" END);
	mg_project *p = load(f, "db/master.xml");
	assert_int_equal(p->n_changesets, 3);
	assert_string_equal(p->changesets[0]->filename, "db/a/one.xml");
	assert_string_equal(p->changesets[1]->filename, "fixed.xml");
	assert_string_equal(p->changesets[1]->id, "3");
	assert_string_equal(p->changesets[2]->filename, "db/b/two.xml");
	assert_int_equal(p->changesets[0]->loc.line, 3);
	assert_int_equal(p->n_files, 4);
	mg_project_free(p);
	fx_free(f);
}

static void test_include_logical_file_path_and_root_attribute(void **state)
{
	(void)state;
	fixture *f = fx_new();
	th_write(f->dir, "m.xml",
	         HDR "<include file=\"x.xml\" logicalFilePath=\"logical/x\"/>\n<include file=\"y.xml\"/>\n" END);
	th_write(f->dir, "x.xml", HDR "<changeSet id=\"1\" author=\"a\"><sql>select 1</sql></changeSet>\n" END);
	th_write(f->dir, "y.xml",
	         "<databaseChangeLog logicalFilePath=\"root-logical.xml\"><changeSet id=\"1\" author=\"a\"><sql>select 1</sql></changeSet></databaseChangeLog>");
	mg_project *p = load(f, "m.xml");
	assert_int_equal(p->n_changesets, 2);
	assert_string_equal(p->changesets[0]->filename, "logical/x");
	assert_string_equal(p->changesets[1]->filename, "root-logical.xml");
	mg_project_free(p);
	fx_free(f);
}

static void test_include_all_sorted_by_full_path_with_filters(void **state)
{
	(void)state;
	fixture *f = fx_new();
	th_write(f->dir, "m.xml",
	         HDR "<includeAll path=\"ch/\" relativeToChangelogFile=\"true\" endsWithFilter=\".sql\"/>\n" END);
	th_write(f->dir, "ch/9_x.sql", "--liquibase formatted sql\n--changeset a:nine\nselect 9;\n");
	th_write(f->dir, "ch/10_x.sql", "--liquibase formatted sql\n--changeset a:ten\nselect 10;\n");
	th_write(f->dir, "ch/sub/1.sql", "select 1;\n");
	th_write(f->dir, "ch/z.xml", HDR "<changeSet id=\"z\" author=\"a\"><sql>select 1</sql></changeSet>\n" END);
	th_write(f->dir, "ch/readme.txt", "not a changelog");
	mg_project *p = load(f, "m.xml");
	assert_int_equal(p->n_changesets, 3);
	/* Java string order over the whole path: "10_x" before "9_x" before "sub/". */
	assert_string_equal(p->changesets[0]->id, "ten");
	assert_string_equal(p->changesets[0]->filename, "ch/10_x.sql");
	assert_string_equal(p->changesets[1]->id, "nine");
	/* A plain SQL file is one changeset: author includeAll, id raw. */
	assert_string_equal(p->changesets[2]->id, "raw");
	assert_string_equal(p->changesets[2]->author, "includeAll");
	assert_string_equal(p->changesets[2]->filename, "ch/sub/1.sql");
	assert_int_equal(p->changesets[2]->kind, MG_CS_LIQUIBASE_SQL);
	mg_project_free(p);
	fx_free(f);
}

static void test_include_missing_shows_chain_and_rest_loads(void **state)
{
	(void)state;
	fixture *f = fx_new();
	th_write(f->dir, "m.xml", HDR "<include file=\"mid.xml\"/>\n<changeSet id=\"1\" author=\"a\"><sql>select 1</sql></changeSet>\n" END);
	th_write(f->dir, "mid.xml", HDR "<include file=\"gone.xml\"/>\n<include file=\"opt.xml\" errorIfMissing=\"false\"/>\n" END);
	mg_project *p = load(f, "m.xml");
	assert_int_equal(p->n_changesets, 1);
	assert_int_equal(th_count_diags(p, "lb-include-missing"), 2);
	const mg_diag *d = NULL;
	for (size_t i = 0; i < p->diags.count; i++)
		if (p->diags.items[i]->severity == MG_SEV_HIGH)
			d = p->diags.items[i];
	assert_non_null(d);
	assert_int_equal(d->loc.line, 3);
	assert_int_equal(d->n_chain, 1);
	assert_int_equal(d->chain[0].line, 3);
	mg_project_free(p);
	fx_free(f);
}

static void test_include_cycle_is_a_diagnostic(void **state)
{
	(void)state;
	fixture *f = fx_new();
	th_write(f->dir, "a.xml", HDR "<include file=\"b.xml\"/>\n<changeSet id=\"1\" author=\"a\"><sql>select 1</sql></changeSet>\n" END);
	th_write(f->dir, "b.xml", HDR "<include file=\"a.xml\"/>\n" END);
	mg_project *p = load(f, "a.xml");
	assert_int_equal(th_count_diags(p, "lb-include-cycle"), 1);
	assert_int_equal(p->n_changesets, 1);
	mg_project_free(p);
	fx_free(f);
}

static void test_include_depth_limit_names_the_option(void **state)
{
	(void)state;
	fixture *f = fx_new();
	f->opts.limits.max_include_depth = 2;
	th_write(f->dir, "a.xml", HDR "<include file=\"b.xml\"/>\n" END);
	th_write(f->dir, "b.xml", HDR "<include file=\"c.xml\"/>\n" END);
	th_write(f->dir, "c.xml", HDR "<include file=\"d.xml\"/>\n" END);
	th_write(f->dir, "d.xml", HDR "<changeSet id=\"1\" author=\"a\"><sql>select 1</sql></changeSet>\n" END);
	mg_project *p = load(f, "a.xml");
	assert_int_equal(th_count_diags(p, "lb-include-too-deep"), 1);
	for (size_t i = 0; i < p->diags.count; i++)
		if (strcmp(p->diags.items[i]->code, "lb-include-too-deep") == 0)
			assert_non_null(strstr(p->diags.items[i]->hint, "--max-include-depth"));
	mg_project_free(p);
	fx_free(f);
}

static void test_path_outside_search_path_refused(void **state)
{
	(void)state;
	fixture *f = fx_new();
	th_write(f->dir, "m.xml", HDR "<include file=\"../../etc/passwd.xml\" relativeToChangelogFile=\"true\"/>\n" END);
	mg_project *p = load(f, "m.xml");
	assert_int_equal(th_count_diags(p, "input-path-outside"), 1);
	mg_project_free(p);
	fx_free(f);
}

static void test_properties_first_definition_wins_and_cli_overrides(void **state)
{
	(void)state;
	fixture *f = fx_new();
	f->props[0].name = "tbl";
	f->props[0].value = "from_cli";
	f->opts.properties = f->props;
	f->opts.n_properties = 1;
	th_write(f->dir, "m.xml",
	         HDR "<property name=\"tbl\" value=\"from_changelog\"/>\n"
	             "<property name=\"t\" value=\"pg\" dbms=\"postgresql\"/>\n"
	             "<property name=\"t\" value=\"other\"/>\n"
	             "<property name=\"t\" value=\"late\"/>\n"
	             "<include file=\"child.xml\"/>\n"
	             "<changeSet id=\"${tbl}-${t}-${local}\" author=\"a\"><sql>select '${undefined}'</sql></changeSet>\n" END);
	th_write(f->dir, "child.xml",
	         HDR "<property name=\"local\" value=\"L\" global=\"false\"/>\n"
	             "<changeSet id=\"c-${local}\" author=\"a\"><sql>select 1</sql></changeSet>\n" END);
	mg_project *p = load(f, "m.xml");
	assert_int_equal(p->n_changesets, 2);
	assert_string_equal(p->changesets[0]->id, "c-L");
	/* global=false keeps "local" inside child.xml. */
	assert_string_equal(p->changesets[1]->id, "from_cli-pg-${local}");
	assert_int_equal(th_count_diags(p, "lb-undefined-property"), 1);
	mg_project_free(p);
	fx_free(f);
}

static void test_properties_dbms_scoped_for_mysql(void **state)
{
	(void)state;
	fixture *f = fx_new();
	mg_engine_parse("mysql:8.0", &f->opts.engine);
	th_write(f->dir, "m.xml",
	         HDR "<property name=\"now\" value=\"current_timestamp\" dbms=\"postgresql\"/>\n"
	             "<property name=\"now\" value=\"now()\" dbms=\"mysql, mariadb\"/>\n"
	             "<changeSet id=\"${now}\" author=\"${database.typeName}\"><sql>select 1</sql></changeSet>\n" END);
	mg_project *p = load(f, "m.xml");
	assert_int_equal(p->n_changesets, 1);
	assert_string_equal(p->changesets[0]->id, "now()");
	assert_string_equal(p->changesets[0]->author, "mysql");
	mg_project_free(p);
	fx_free(f);
}

static void test_liquibase_properties_file_parameters(void **state)
{
	(void)state;
	fixture *f = fx_new();
	th_write(f->dir, "liquibase.properties",
	         "changeLogFile=m.xml\nparameter.schema=app\nplain=yes\n");
	th_write(f->dir, "m.xml",
	         HDR "<property name=\"schema\" value=\"ignored\"/>\n"
	             "<changeSet id=\"${schema}-${plain}-${changeLogFile}\" author=\"a\"><sql>select 1</sql></changeSet>\n" END);
	mg_project *p = load(f, "m.xml");
	assert_string_equal(p->changesets[0]->id, "app-yes-${changeLogFile}");
	mg_project_free(p);
	fx_free(f);
}

static void test_context_and_label_expressions(void **state)
{
	(void)state;
	bool bad;
	assert_true(lb_expr_matches("test", "test,dev", &bad));
	assert_false(lb_expr_matches("prod", "test,dev", &bad));
	assert_true(lb_expr_matches("!prod", "test", &bad));
	assert_false(lb_expr_matches("test and !dev", "test,dev", &bad));
	assert_true(lb_expr_matches("(prod or test) and not dev", "TEST", &bad));
	assert_true(lb_expr_matches("prod, test", "test", &bad));
	assert_true(lb_expr_matches("", "x", &bad));
	assert_false(bad);
	assert_true(lb_expr_matches("a and (b", "a,b", &bad));
	assert_true(bad);
}

static void test_dbms_lists(void **state)
{
	(void)state;
	assert_true(lb_dbms_matches("postgresql, h2", "postgresql", true));
	assert_false(lb_dbms_matches("mysql,mariadb", "postgresql", true));
	assert_false(lb_dbms_matches("!postgresql", "postgresql", true));
	assert_true(lb_dbms_matches("!mysql", "postgresql", true));
	assert_true(lb_dbms_matches("all", "mysql", true));
	assert_false(lb_dbms_matches("none", "mysql", true));
	assert_true(lb_dbms_matches(NULL, "mysql", true));
	mg_arena a;
	mg_arena_init(&a);
	assert_string_equal(lb_dbms_normalise(&a, "postgresql, h2"), "h2,postgresql");
	assert_string_equal(lb_dbms_normalise(&a, "mysql,mariadb,mysql"), "mariadb,mysql");
	mg_arena_free(&a);
}

static void test_filters_keep_changesets_visible(void **state)
{
	(void)state;
	fixture *f = fx_new();
	f->opts.contexts = "prod";
	f->opts.labels = "orders";
	th_write(f->dir, "m.xml",
	         HDR "<include file=\"inc.xml\" context=\"test\"/>\n"
	             "<changeSet id=\"1\" author=\"a\" context=\"prod\" labels=\"orders\"><sql>select 1</sql></changeSet>\n"
	             "<changeSet id=\"2\" author=\"a\" context=\"test\"><sql>select 1</sql></changeSet>\n"
	             "<changeSet id=\"3\" author=\"a\" labels=\"billing\"><sql>select 1</sql></changeSet>\n"
	             "<changeSet id=\"4\" author=\"a\" dbms=\"mysql\"><sql>select 1</sql></changeSet>\n"
	             "<changeSet id=\"5\" author=\"a\"><sql>select 1</sql></changeSet>\n" END);
	th_write(f->dir, "inc.xml",
	         HDR "<changeSet id=\"i\" author=\"a\" context=\"prod, qa\"><sql>select 1</sql></changeSet>\n" END);
	mg_project *p = load(f, "m.xml");
	assert_int_equal(p->n_changesets, 6);
	assert_int_equal(unfiltered(p), 2);
	/* The include's context is ANDed onto the changeset's own. */
	assert_string_equal(p->changesets[0]->contexts, "test AND (prod, qa)");
	assert_true(p->changesets[0]->flags & MG_CSF_FILTERED);
	assert_false(p->changesets[1]->flags & MG_CSF_FILTERED);
	assert_true(p->changesets[2]->flags & MG_CSF_FILTERED);
	assert_true(p->changesets[3]->flags & MG_CSF_FILTERED);
	assert_non_null(strstr(p->changesets[4]->filter_reason, "dbms"));
	assert_false(p->changesets[5]->flags & MG_CSF_FILTERED);
	mg_project_free(p);
	fx_free(f);
}

static void test_dbms_precondition_marks_not_applicable(void **state)
{
	(void)state;
	fixture *f = fx_new();
	th_write(f->dir, "m.xml",
	         HDR "<changeSet id=\"1\" author=\"a\"><preConditions onFail=\"MARK_RAN\"><dbms type=\"db2\"/></preConditions><sql>select 1</sql></changeSet>\n"
	             "<changeSet id=\"2\" author=\"a\"><preConditions onFail=\"MARK_RAN\"><not><dbms type=\"postgresql\"/></not></preConditions><sql>select 1</sql></changeSet>\n"
	             "<changeSet id=\"3\" author=\"a\"><preConditions onFail=\"MARK_RAN\"><or><dbms type=\"db2\"/><tableExists tableName=\"t\"/></or></preConditions><sql>select 1</sql></changeSet>\n" END);
	mg_project *p = load(f, "m.xml");
	assert_int_equal(p->n_changesets, 3);
	assert_true(p->changesets[0]->flags & MG_CSF_NOT_APPLICABLE);
	assert_false(p->changesets[0]->flags & MG_CSF_FILTERED);
	assert_non_null(strstr(p->changesets[0]->filter_reason, "MARK_RAN"));
	assert_true(p->changesets[1]->flags & MG_CSF_NOT_APPLICABLE);
	/* Unknown at analysis time: stays applicable. */
	assert_false(p->changesets[2]->flags & MG_CSF_NOT_APPLICABLE);
	mg_project_free(p);
	fx_free(f);
}

static void test_changeset_attributes_recorded(void **state)
{
	(void)state;
	fixture *f = fx_new();
	th_write(f->dir, "m.xml",
	         HDR "<changeSet id=\"1\" author=\"a\" runInTransaction=\"false\" runOnChange=\"true\" alwaysRun=\"true\" dbms=\"postgresql,h2\" labels=\"x\">\n"
	             "  <comment>c</comment>\n  <sql>select 1</sql>\n  <createTable tableName=\"t\"/>\n  <rollback>drop table t</rollback>\n</changeSet>\n" END);
	mg_project *p = load(f, "m.xml");
	mg_changeset *cs = p->changesets[0];
	assert_false(cs->run_in_transaction);
	assert_true(cs->run_on_change);
	assert_true(cs->run_always);
	assert_string_equal(cs->dbms, "h2,postgresql");
	assert_string_equal(cs->labels, "x");
	assert_int_equal(cs->n_change_types, 2);
	assert_string_equal(cs->change_types[0], "sql");
	assert_string_equal(cs->change_types[1], "createTable");
	assert_true(cs->has_rollback);
	assert_null(cs->md5sum); /* createTable's checksum is not reproduced */
	mg_project_free(p);
	fx_free(f);
}

static void test_checksum_vectors(void **state)
{
	(void)state;
	char hex[33];
	mg_md5_hex("", 0, hex);
	assert_string_equal(hex, "d41d8cd98f00b204e9800998ecf8427e");
	mg_md5_hex("The quick brown fox jumps over the lazy dog", 43, hex);
	assert_string_equal(hex, "9e107d9d372bb6826bd81d3542a419d6");
	/* formats.md B9: <sql dbms="h2">select 1</sql> -> 9:3b78b991... */
	lb_sql_checksum("select 1", 8, hex);
	char buf[64];
	snprintf(buf, sizeof buf, "9:%s:", hex);
	mg_md5_hex(buf, strlen(buf), hex);
	assert_string_equal(hex, "3b78b9910981c62ca27148640fad7bc2");
	lb_sql_checksum("create table thisShouldRun(id int)\n", 35, hex);
	snprintf(buf, sizeof buf, "9:%s:", hex);
	mg_md5_hex(buf, strlen(buf), hex);
	assert_string_equal(hex, "62336a615e62e89c9d86128d1ca60ecf");
}

static void test_checksum_in_changesets(void **state)
{
	(void)state;
	fixture *f = fx_new();
	th_write(f->dir, "create.sql", "create table thisShouldRun(id int)\n");
	th_write(f->dir, "m.xml",
	         HDR "<changeSet id=\"1\" author=\"a\"><sql dbms=\"postgresql\">select\n  1</sql></changeSet>\n"
	             "<changeSet id=\"2\" author=\"a\"><sql dbms=\"mysql\">select 1</sql><createTable tableName=\"x\" dbms=\"h2\"/></changeSet>\n"
	             "<changeSet id=\"3\" author=\"a\"><sqlFile path=\"create.sql\"/><sqlFile dbms=\"h2\" path=\"none.sql\"/></changeSet>\n"
	             "<changeSet id=\"4\" author=\"a\"><sql>select 1</sql><modifySql><append value=\" x\"/></modifySql></changeSet>\n" END);
	mg_project *p = load(f, "m.xml");
	assert_int_equal(p->n_changesets, 4);
	assert_string_equal(p->changesets[0]->md5sum, "9:3b78b9910981c62ca27148640fad7bc2");
	assert_string_equal(p->changesets[1]->md5sum, "9:d41d8cd98f00b204e9800998ecf8427e");
	assert_string_equal(p->changesets[2]->md5sum, "9:62336a615e62e89c9d86128d1ca60ecf");
	assert_null(p->changesets[3]->md5sum);
	mg_project_free(p);
	fx_free(f);
}

static void test_duplicate_changeset_names_both_lines(void **state)
{
	(void)state;
	fixture *f = fx_new();
	th_write(f->dir, "m.xml",
	         HDR "<changeSet id=\"1\" author=\"a\"><sql>select 1</sql></changeSet>\n"
	             "<changeSet id=\"1\" author=\"a\"><sql>select 2</sql></changeSet>\n"
	             "<changeSet author=\"a\"><sql>select 3</sql></changeSet>\n"
	             "<changeSet id=\"1\" author=\"a\" dbms=\"mysql\"><sql>select 4</sql></changeSet>\n" END);
	mg_project *p = load(f, "m.xml");
	assert_int_equal(th_count_diags(p, "lb-duplicate-changeset"), 1);
	assert_int_equal(th_count_diags(p, "lb-changeset-no-id"), 1);
	for (size_t i = 0; i < p->diags.count; i++) {
		const mg_diag *d = p->diags.items[i];
		if (strcmp(d->code, "lb-duplicate-changeset") == 0) {
			assert_int_equal(d->loc.line, 4);
			assert_non_null(strstr(d->message, ":3 and "));
			assert_non_null(strstr(d->message, ":4"));
		}
		if (strcmp(d->code, "lb-changeset-no-id") == 0)
			assert_int_equal(d->loc.line, 5);
	}
	mg_project_free(p);
	fx_free(f);
}

/* Definitions of one name chain in definition order: the first one
 * visible from the file wins, a global=false one only in its own file. */
static void test_property_table_scopes_and_size(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	lb_props props;
	memset(&props, 0, sizeof props);
	lb_props_set(&p->arena, &props, "x", "local-a", "a.xml");
	lb_props_set(&p->arena, &props, "x", "global", NULL);
	lb_props_set(&p->arena, &props, "x", "local-b", "b.xml"); /* the global one is visible: ignored */
	lb_props_set(&p->arena, &props, "x", "again", NULL);      /* first definition wins */
	assert_string_equal(lb_props_get(&props, "x", "a.xml"), "local-a");
	assert_string_equal(lb_props_get(&props, "x", "b.xml"), "global");
	assert_string_equal(lb_props_get(&props, "x", "c.xml"), "global");
	assert_null(lb_props_get(&props, "y", "a.xml"));
	char name[32];
	for (int i = 0; i < 100000; i++) {
		snprintf(name, sizeof name, "p%d", i);
		lb_props_set(&p->arena, &props, name, name, NULL);
	}
	assert_string_equal(lb_props_get(&props, "p99999", "a.xml"), "p99999");
	assert_string_equal(lb_props_expand(p, &props, "a.xml", "${p5}-${x}-${p77777}",
	                                    (mg_loc){"a.xml", 1, 1}, NULL),
	                    "p5-local-a-p77777");
	mg_project_free(p);
}

/* Two search paths, the root only under the second: found there as the
 * Liquibase CLI finds it, its identity relative to that search path. */
typedef struct two_paths {
	fixture *f;
	char a[4096], b[4096];
	const char *sp[2];
	mg_load_options opts;
} two_paths;

static void two_paths_init(two_paths *t)
{
	t->f = fx_new();
	snprintf(t->a, sizeof t->a, "%s/first", t->f->dir);
	snprintf(t->b, sizeof t->b, "%s/second", t->f->dir);
	th_write(t->f->dir, "first/other.xml", HDR END);
	th_write(t->f->dir, "second/lb-sp-root/master.xml",
	         HDR "<changeSet id=\"1\" author=\"kim\"><sql>select 1</sql></changeSet>\n"
	             "<include file=\"lb-sp-root/child.xml\"/>\n" END);
	th_write(t->f->dir, "second/lb-sp-root/child.xml",
	         HDR "<changeSet id=\"2\" author=\"kim\"><sql>select 2</sql></changeSet>\n" END);
	t->opts = t->f->opts;
	t->sp[0] = t->a;
	t->sp[1] = t->b;
	t->opts.search_paths = t->sp;
	t->opts.n_search_paths = 2;
}

/* Loading root yields both changesets, named relative to the second
 * search path. */
static void loads_as_under_second(two_paths *t, const char *root)
{
	const char *paths[] = {root};
	mg_project *p = mg_load_project(paths, 1, &t->opts);
	assert_int_equal(p->diags.count, 0);
	assert_int_equal(p->n_changesets, 2);
	assert_string_equal(p->changesets[0]->filename, "lb-sp-root/master.xml");
	assert_string_equal(p->changesets[1]->filename, "lb-sp-root/child.xml");
	mg_project_free(p);
}

static void test_root_found_under_the_second_search_path(void **state)
{
	(void)state;
	two_paths t;
	two_paths_init(&t);
	mg_arena a = {0};
	const char *res;
	const char *file = mg_liquibase_find_root(&a, "lb-sp-root/./master.xml", &t.opts, &res);
	assert_non_null(file);
	assert_non_null(strstr(file, "/second/lb-sp-root/master.xml"));
	assert_string_equal(res, "lb-sp-root/master.xml");
	/* a leading slash is dropped, as Liquibase does */
	assert_non_null(mg_liquibase_find_root(&a, "/lb-sp-root/master.xml", &t.opts, &res));
	assert_string_equal(res, "lb-sp-root/master.xml");
	assert_null(mg_liquibase_find_root(&a, "lb-sp-root/none.xml", &t.opts, &res));
	assert_null(res);
	/* climbing out of the search path is no lookup */
	assert_null(mg_liquibase_find_root(&a, "../second/lb-sp-root/master.xml", &t.opts, &res));
	mg_arena_free(&a);

	loads_as_under_second(&t, "lb-sp-root/master.xml");
	fx_free(t.f);
}

static void test_absolute_root_identity_relative_to_its_search_path(void **state)
{
	(void)state;
	two_paths t;
	two_paths_init(&t);
	char root[4200];
	snprintf(root, sizeof root, "%s/lb-sp-root/master.xml", t.b);
	loads_as_under_second(&t, root);
	fx_free(t.f);
}

static void test_root_under_no_search_path_names_them(void **state)
{
	(void)state;
	two_paths t;
	two_paths_init(&t);
	const char *paths[] = {"lb-sp-root/missing.xml"};
	mg_project *p = mg_load_project(paths, 1, &t.opts);
	assert_int_equal(p->n_changesets, 0);
	assert_int_equal(th_count_diags(p, "input-missing"), 1);
	const char *msg = p->diags.items[0]->message;
	assert_non_null(strstr(msg, t.a));
	assert_non_null(strstr(msg, t.b));
	assert_non_null(p->diags.items[0]->hint);
	mg_project_free(p);
	fx_free(t.f);
}

/* Values count against --max-expansion as they are produced: past it the
 * rest of the text stays as written, and one diagnostic per file names
 * the option at the place it was hit. */
static void test_property_expansion_budget(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	lb_props props;
	memset(&props, 0, sizeof props);
	lb_props_set(&p->arena, &props, "big", "0123456789", NULL);
	p->max_expansion = 25;
	mg_loc at = {"a.xml", 7, 3};
	assert_string_equal(lb_props_expand(p, &props, "a.xml", "${big}${big}|${big}|${big}", at, NULL),
	                    "01234567890123456789|${big}|${big}");
	assert_int_equal(p->expanded, 20);
	assert_string_equal(lb_props_expand(p, &props, "a.xml", "x${big}", at, NULL), "x${big}");
	assert_string_equal(lb_props_expand(p, &props, "b.xml", "y${big}", (mg_loc){"b.xml", 2, 1},
	                                    NULL),
	                    "y${big}");
	size_t hits = 0;
	for (size_t i = 0; i < p->diags.count; i++) {
		const mg_diag *d = p->diags.items[i];
		assert_string_equal(d->code, "limit-expansion");
		assert_non_null(strstr(d->hint, "--max-expansion"));
		assert_int_equal(d->loc.line, hits ? 2 : 7);
		hits++;
	}
	assert_int_equal(hits, 2);
	mg_project_free(p);
}



int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_include_identity_search_path_and_relative),
		cmocka_unit_test(test_include_logical_file_path_and_root_attribute),
		cmocka_unit_test(test_include_all_sorted_by_full_path_with_filters),
		cmocka_unit_test(test_include_missing_shows_chain_and_rest_loads),
		cmocka_unit_test(test_include_cycle_is_a_diagnostic),
		cmocka_unit_test(test_include_depth_limit_names_the_option),
		cmocka_unit_test(test_path_outside_search_path_refused),
		cmocka_unit_test(test_properties_first_definition_wins_and_cli_overrides),
		cmocka_unit_test(test_properties_dbms_scoped_for_mysql),
		cmocka_unit_test(test_liquibase_properties_file_parameters),
		cmocka_unit_test(test_property_table_scopes_and_size),
		cmocka_unit_test(test_property_expansion_budget),
		cmocka_unit_test(test_context_and_label_expressions),
		cmocka_unit_test(test_dbms_lists),
		cmocka_unit_test(test_filters_keep_changesets_visible),
		cmocka_unit_test(test_dbms_precondition_marks_not_applicable),
		cmocka_unit_test(test_changeset_attributes_recorded),
		cmocka_unit_test(test_checksum_vectors),
		cmocka_unit_test(test_checksum_in_changesets),
		cmocka_unit_test(test_duplicate_changeset_names_both_lines),
		cmocka_unit_test(test_root_found_under_the_second_search_path),
		cmocka_unit_test(test_absolute_root_identity_relative_to_its_search_path),
		cmocka_unit_test(test_root_under_no_search_path_names_them),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
