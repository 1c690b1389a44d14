/*
 * test_liquibase_xml.c: the XML changelog reader and formatted SQL
 * changelogs, including hostile input (entities, XXE, deep nesting,
 * malformed XML, merge-conflict markers).
 */
#include "lb_fixture.h"

#include "load/liquibase_int.h"
#include "migraph/load.h"
#include "migraph/checksum.h"



static lb_node *read_xml(mg_project *p, const char *text)
{
	mg_file_data fd = {strdup(text), strlen(text)};
	mg_load_options o;
	mg_load_options_init(&o);
	lb_node *n = lb_read_xml(p, "t.xml", &fd, &o);
	mg_file_data_free(&fd);
	return n;
}

static void test_xml_tree_lines_namespaces_and_text(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	lb_node *root = read_xml(p,
	    "<?xml version=\"1.0\"?>\n"
	    "<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\"\n"
	    "   xmlns:ext=\"http://www.liquibase.org/xml/ns/dbchangelog-ext\">\n"
	    "  <!-- <changeSet id=\"commented\" author=\"x\"> -->\n"
	    "  <changeSet id=\"1\"\n      author=\"a\">\n"
	    "    <sql>\n  select 1;\n  select 2;</sql>\n"
	    "    <createView viewName=\"v\"><![CDATA[\nselect * from t where a < 3]]></createView>\n"
	    "    <ext:createTrigger name=\"x\"/>\n"
	    "  </changeSet>\n"
	    "</databaseChangeLog>\n");
	assert_non_null(root);
	assert_string_equal(root->name, "databaseChangeLog");
	assert_int_equal(root->n_children, 1);
	lb_node *cs = root->children[0];
	assert_int_equal(cs->loc.line, 5);
	assert_int_equal(cs->loc.col, 3);
	assert_string_equal(lb_attr_get(cs, "author"), "a");
	assert_int_equal(cs->n_children, 3);
	lb_node *sql = cs->children[0];
	assert_string_equal(sql->text, "\n  select 1;\n  select 2;");
	assert_int_equal(sql->text_loc.line, 7);
	assert_int_equal(sql->text_loc.col, 10);
	assert_true(sql->text_verbatim);
	lb_node *view = cs->children[1];
	assert_string_equal(view->text, "\nselect * from t where a < 3");
	assert_int_equal(view->text_loc.line, 10);
	assert_false(view->text_verbatim);
	lb_node *trig = cs->children[2];
	assert_string_equal(trig->name, "createTrigger");
	assert_string_equal(trig->ns, "http://www.liquibase.org/xml/ns/dbchangelog-ext");
	mg_project_free(p);
}

static void test_xml_billion_laughs_is_refused(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	lb_node *root = read_xml(p,
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
	    " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
	    " <!ENTITY lol9 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
	    "]>\n"
	    "<databaseChangeLog><changeSet id=\"&lol9;\" author=\"a\"/></databaseChangeLog>\n");
	(void)root;
	assert_int_equal(th_count_diags(p, "xml-entity"), 1);
	assert_int_equal(p->diags.items[0]->loc.line, 2);
	mg_project_free(p);
}

static void test_xml_xxe_and_network_dtd_never_loaded(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	lb_node *root = read_xml(p,
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE d [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
	    "<databaseChangeLog><changeSet id=\"1\" author=\"a\"><sql>&xxe;</sql></changeSet></databaseChangeLog>\n");
	assert_int_equal(th_count_diags(p, "xml-entity"), 1);
	if (root && root->n_children && root->children[0]->n_children) {
		const char *t = root->children[0]->children[0]->text;
		assert_true(t == NULL || strstr(t, "root:") == NULL);
	}
	mg_project_free(p);

	p = mg_project_new();
	root = read_xml(p,
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE databaseChangeLog SYSTEM \"http://example.invalid/evil.dtd\">\n"
	    "<databaseChangeLog><changeSet id=\"1\" author=\"a\"/></databaseChangeLog>\n");
	assert_int_equal(th_count_diags(p, "xml-dtd"), 1);
	assert_non_null(root);
	assert_int_equal(root->n_children, 1);
	mg_project_free(p);
}

static void test_xml_deep_nesting_is_bounded(void **state)
{
	(void)state;
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, "<databaseChangeLog><changeSet id=\"1\" author=\"a\">");
	for (int i = 0; i < 10000; i++)
		mg_buf_puts(&b, "<and>");
	for (int i = 0; i < 10000; i++)
		mg_buf_puts(&b, "</and>");
	mg_buf_puts(&b, "</changeSet></databaseChangeLog>");
	mg_project *p = mg_project_new();
	read_xml(p, mg_buf_cstr(&b));
	assert_true(th_count_diags(p, "xml-parse") + th_count_diags(p, "limit-nesting") >= 1);
	mg_buf_dispose(&b);
	mg_project_free(p);
}

static void test_xml_malformed_has_line_and_rest_loads(void **state)
{
	(void)state;
	fixture *f = fx_new();
	th_write(f->dir, "m.xml",
	         "<databaseChangeLog><include file=\"bad.xml\"/><include file=\"good.xml\"/></databaseChangeLog>");
	th_write(f->dir, "bad.xml", "<databaseChangeLog>\n<changeSet id=\"1\" author=\"a\">\n<sql>x</sq>\n</databaseChangeLog>\n");
	th_write(f->dir, "good.xml", "<databaseChangeLog><changeSet id=\"1\" author=\"a\"><sql>select 1</sql></changeSet></databaseChangeLog>");
	mg_project *p = load(f, "m.xml");
	assert_int_equal(th_count_diags(p, "xml-parse"), 1);
	for (size_t i = 0; i < p->diags.count; i++)
		if (strcmp(p->diags.items[i]->code, "xml-parse") == 0)
			assert_int_equal(p->diags.items[i]->loc.line, 3);
	/* libxml2's recovery keeps what it could read of bad.xml (its
	 * changeSet), next to the diagnostic; good.xml loads in full. */
	assert_int_equal(p->n_changesets, 2);
	assert_string_equal(p->changesets[0]->filename, "bad.xml");
	assert_string_equal(p->changesets[1]->filename, "good.xml");
	mg_project_free(p);
	fx_free(f);
}

/* Recovery around bad spots: libxml2 skips a stray '<' and a broken
 * attribute quote; migraph's tag index must not swallow the tag after
 * them (every later changeset got the line of the one after it, and each
 * miss scanned to the end of the file: quadratic in the bad spots). */
static void test_xml_recovery_keeps_lines_after_bad_spots(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, "<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\">\n");
	for (int i = 0; i < 3000; i++)
		mg_buf_printf(&b,
		              "  <changeSet id=\"c%d\" author=\"a\"><sql>SELECT %d</sql></changeSet> <\n", i,
		              i);
	mg_buf_puts(&b, "</databaseChangeLog>\n");
	lb_node *root = read_xml(p, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	assert_non_null(root);
	assert_int_equal(root->n_children, 3000);
	for (size_t i = 0; i < root->n_children; i++) {
		const lb_node *cs = root->children[i];
		assert_int_equal(cs->loc.line, i + 2);
		assert_int_equal(cs->loc.col, 3); /* found, not guessed from libxml2's line */
		assert_int_equal(cs->children[0]->text_loc.line, i + 2);
		assert_true(cs->children[0]->text_verbatim);
	}
	mg_project_free(p);
}

static void test_merge_conflict_markers(void **state)
{
	(void)state;
	fixture *f = fx_new();
	th_write(f->dir, "m.xml",
	         "<databaseChangeLog>\n<include file=\"c.xml\"/>\n"
	         "<changeSet id=\"1\" author=\"a\"><sql>select 1</sql></changeSet>\n</databaseChangeLog>\n");
	th_write(f->dir, "c.xml",
	         "<databaseChangeLog>\n<<<<<<< HEAD\n<changeSet id=\"2\" author=\"a\"/>\n=======\n"
	         "<changeSet id=\"3\" author=\"a\"/>\n>>>>>>> branch\n</databaseChangeLog>\n");
	mg_project *p = load(f, "m.xml");
	assert_int_equal(th_count_diags(p, "merge-conflict-markers"), 1);
	for (size_t i = 0; i < p->diags.count; i++)
		if (strcmp(p->diags.items[i]->code, "merge-conflict-markers") == 0) {
			assert_int_equal(p->diags.items[i]->loc.line, 2);
			assert_int_equal(p->diags.items[i]->n_chain, 1);
		}
	assert_int_equal(p->n_changesets, 1);
	mg_project_free(p);
	fx_free(f);
}

static void test_formatted_sql_directives(void **state)
{
	(void)state;
	fixture *f = fx_new();
	th_write(f->dir, "m.sql",
	         "-- liquibase formatted sql logicalFilePath:app/changes.sql\n"
	         "\n"
	         "--property name:tbl value:orders\n"
	         "--changeset kim:idx-1 runInTransaction:false dbms:postgresql context:\"prod and !test\" labels:orders\n"
	         "--comment: concurrent index\n"
	         "CREATE INDEX CONCURRENTLY ix ON ${tbl} (note);\n"
	         "--rollback DROP INDEX ix;\n"
	         "\n"
	         "--changeset \"Jo Doe\":\"id 2\" runOnChange:true runAlways:true splitStatements:false endDelimiter:/\n"
	         "--preconditions onFail:MARK_RAN\n"
	         "--precondition-sql-check expectedResult:0 SELECT count(*) FROM t\n"
	         "--validCheckSum: ANY\n"
	         "select 1;\n"
	         "/* liquibase rollback\n"
	         "select 2;\n"
	         "*/\n"
	         "--ignoreLines:1\n"
	         "this line is ignored\n"
	         "--changeset a:3\n"
	         "select 3;\n"
	         "--rollback not required\n");
	mg_project *p = load(f, "m.sql");
	assert_int_equal(p->n_changesets, 3);
	mg_changeset *a = p->changesets[0];
	assert_int_equal(a->kind, MG_CS_LIQUIBASE_SQL);
	assert_string_equal(a->id, "idx-1");
	assert_string_equal(a->author, "kim");
	assert_string_equal(a->filename, "app/changes.sql");
	assert_false(a->run_in_transaction);
	assert_string_equal(a->dbms, "postgresql");
	assert_string_equal(a->contexts, "prod and !test");
	assert_string_equal(a->labels, "orders");
	assert_int_equal(a->loc.line, 4);
	assert_true(a->has_rollback);
	assert_int_equal(a->n_change_types, 1);
	assert_string_equal(a->change_types[0], "sql");
	/* Property expanded before the checksum; directives are not SQL. */
	char hex[33], buf[64];
	lb_sql_checksum("CREATE INDEX CONCURRENTLY ix ON orders (note);", 46, hex);
	snprintf(buf, sizeof buf, "9:%s:", hex);
	mg_md5_hex(buf, strlen(buf), hex);
	assert_non_null(a->md5sum);
	assert_string_equal(a->md5sum + 2, hex);

	mg_changeset *b = p->changesets[1];
	assert_string_equal(b->author, "Jo Doe");
	assert_string_equal(b->id, "id 2");
	assert_true(b->run_on_change);
	assert_true(b->run_always);
	assert_true(b->has_rollback);
	lb_sql_checksum("select 1;", 9, hex);
	snprintf(buf, sizeof buf, "9:%s:", hex);
	mg_md5_hex(buf, strlen(buf), hex);
	assert_string_equal(b->md5sum + 2, hex);

	mg_changeset *c = p->changesets[2];
	assert_string_equal(c->id, "3");
	assert_true(c->has_rollback);
	assert_int_equal(c->n_rollback, 0);
	mg_project_free(p);
	fx_free(f);
}

static void test_formatted_sql_malformed_changeset_line(void **state)
{
	(void)state;
	fixture *f = fx_new();
	th_write(f->dir, "m.sql",
	         "--liquibase formatted sql\n"
	         "--changeset nocolon\nselect 1;\n"
	         "-changeset a:1\nselect 2;\n"
	         "--changeset a:2\nselect 3;\n");
	mg_project *p = load(f, "m.sql");
	assert_int_equal(th_count_diags(p, "lb-sql-malformed-changeset"), 2);
	assert_int_equal(p->n_changesets, 1);
	assert_string_equal(p->changesets[0]->id, "2");
	mg_project_free(p);
	fx_free(f);
}

static void test_root_sql_without_header_is_refused(void **state)
{
	(void)state;
	fixture *f = fx_new();
	th_write(f->dir, "m.sql", "select 1;\n");
	mg_project *p = load(f, "m.sql");
	assert_int_equal(th_count_diags(p, "lb-sql-no-header"), 1);
	assert_int_equal(p->n_changesets, 0);
	mg_project_free(p);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_tree_lines_namespaces_and_text),
		cmocka_unit_test(test_xml_billion_laughs_is_refused),
		cmocka_unit_test(test_xml_xxe_and_network_dtd_never_loaded),
		cmocka_unit_test(test_xml_deep_nesting_is_bounded),
		cmocka_unit_test(test_xml_malformed_has_line_and_rest_loads),
		cmocka_unit_test(test_xml_recovery_keeps_lines_after_bad_spots),
		cmocka_unit_test(test_merge_conflict_markers),
		cmocka_unit_test(test_formatted_sql_directives),
		cmocka_unit_test(test_formatted_sql_malformed_changeset_line),
		cmocka_unit_test(test_root_sql_without_header_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
