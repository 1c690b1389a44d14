/*
 * test_liquibase_yaml.c: the YAML/JSON changelog reader (liquibase_yaml.c)
 * builds the lb_node tree by the rules of lb_node.h, with exact positions,
 * and turns hostile input into diagnostics.
 */
#include "harness.h"

#include "load/lb_readers.h"
#include "migraph/load.h"

typedef struct fixture {
	mg_project *project;
	mg_load_options opts;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->project = mg_project_new();
	/* The defaults of mg_limits_default, set here so that this test
	 * links only the reader. */
	f->opts.limits.max_nesting_depth = 1000;
	f->opts.limits.max_alias_expansion = 100000;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	mg_project_free(f->project);
	free(f);
	return 0;
}

static lb_node *read_text(fixture *f, const char *text, size_t len)
{
	mg_file_data fd;
	fd.data = malloc(len + 1);
	memcpy(fd.data, text, len);
	fd.data[len] = '\0';
	fd.len = len;
	lb_node *root = lb_read_yaml(f->project, "changelog.yaml", &fd, &f->opts);
	free(fd.data);
	return root;
}

static lb_node *read_str(fixture *f, const char *text)
{
	return read_text(f, text, strlen(text));
}

static void count_item(const lb_node *item, void *ctx)
{
	(void)item;
	(*(int *)ctx)++;
}

static const lb_node *nth_child(const lb_node *n, size_t i)
{
	assert_non_null(n);
	assert_true(i < n->n_children);
	return n->children[i];
}

static void test_changeset_structure_and_key_positions(void **state)
{
	fixture *f = *state;
	const char *y =
		"databaseChangeLog:\n"
		"  - changeSet:\n"
		"      id: orders-1\n"
		"      author: kim\n"
		"      runInTransaction: false\n"
		"      changes:\n"
		"        - createTable:\n"
		"            tableName: orders\n"
		"            columns:\n"
		"              - column:\n"
		"                  name: id\n"
		"                  type: BIGINT\n"
		"                  constraints:\n"
		"                    primaryKey: true\n"
		"                    nullable: false\n"
		"              - column:\n"
		"                  name: note\n"
		"                  type: varchar(200)\n";
	lb_node *root = read_str(f, y);
	assert_non_null(root);
	assert_string_equal(root->name, "databaseChangeLog");
	assert_int_equal(root->n_children, 1);
	const lb_node *cs = nth_child(root, 0);
	assert_string_equal(cs->name, "changeSet");
	assert_int_equal(cs->loc.line, 2);
	assert_int_equal(cs->loc.col, 5);
	assert_string_equal(lb_attr_get(cs, "id"), "orders-1");
	assert_string_equal(lb_attr_get(cs, "author"), "kim");
	assert_string_equal(lb_attr_get(cs, "runInTransaction"), "false");
	assert_int_equal(lb_attr_find(cs, "author")->loc.line, 4);
	assert_int_equal(lb_attr_find(cs, "author")->loc.col, 7);
	const lb_node *changes = lb_child(cs, "changes");
	assert_non_null(changes);
	const lb_node *ct = nth_child(changes, 0);
	assert_string_equal(ct->name, "createTable");
	assert_int_equal(ct->loc.line, 7);
	assert_int_equal(ct->loc.col, 11);
	assert_string_equal(lb_attr_get(ct, "tableName"), "orders");
	int n = 0;
	lb_each(ct, "columns", "column", count_item, &n);
	assert_int_equal(n, 2);
	const lb_node *cols = lb_child(ct, "columns");
	const lb_node *id = nth_child(cols, 0);
	assert_string_equal(id->name, "column");
	assert_string_equal(lb_attr_get(id, "type"), "BIGINT");
	const lb_node *cons = lb_child(id, "constraints");
	assert_non_null(cons);
	assert_string_equal(lb_attr_get(cons, "primaryKey"), "true");
	assert_string_equal(lb_attr_get(cons, "nullable"), "false");
	assert_int_equal(f->project->diags.count, 0);
}

static void test_column_key_form_is_a_wrapper_too(void **state)
{
	fixture *f = *state;
	const char *y =
		"databaseChangeLog:\n"
		"- changeSet:\n"
		"    id: 1\n"
		"    author: a\n"
		"    changes:\n"
		"    - addColumn:\n"
		"        tableName: t\n"
		"        column:\n"
		"        - column: {name: a, type: int}\n"
		"        - column: {name: b, type: int}\n"
		"        - column: {name: c, type: int}\n";
	lb_node *root = read_str(f, y);
	const lb_node *ac = nth_child(lb_child(nth_child(root, 0), "changes"), 0);
	assert_string_equal(ac->name, "addColumn");
	int n = 0;
	lb_each(ac, "columns", "column", count_item, &n);
	assert_int_equal(n, 3);
	/* numbers stay text */
	assert_string_equal(lb_attr_get(nth_child(root, 0), "id"), "1");
}

static void test_include_as_map_and_as_list(void **state)
{
	fixture *f = *state;
	const char *y =
		"databaseChangeLog:\n"
		"  - include:\n"
		"      file: a.yaml\n"
		"      relativeToChangelogFile: true\n"
		"  - include:\n"
		"      - file: b.yaml\n"
		"      - relativeToChangelogFile: true\n"
		"  - objectQuotingStrategy: QUOTE_ALL_OBJECTS\n";
	lb_node *root = read_str(f, y);
	assert_int_equal(root->n_children, 3);
	const lb_node *a = nth_child(root, 0), *b = nth_child(root, 1);
	assert_string_equal(a->name, "include");
	assert_string_equal(lb_attr_get(a, "file"), "a.yaml");
	assert_string_equal(b->name, "include");
	assert_string_equal(lb_attr_get(b, "file"), "b.yaml");
	assert_string_equal(lb_attr_get(b, "relativeToChangelogFile"), "true");
	assert_int_equal(lb_attr_find(b, "file")->loc.line, 6);
	assert_string_equal(lb_value(root, "objectQuotingStrategy"), "QUOTE_ALL_OBJECTS");
}

static void test_block_scalar_sql_positions(void **state)
{
	fixture *f = *state;
	const char *y =
		"databaseChangeLog:\n"                         /* 1 */
		"  # a comment\n"                              /* 2 */
		"  - changeSet:\n"                             /* 3 */
		"      id: s1   # trailing comment\n"          /* 4 */
		"      author: a\n"                            /* 5 */
		"      changes:\n"                             /* 6 */
		"        - sql:\n"                             /* 7 */
		"            splitStatements: true\n"          /* 8 */
		"            sql: |\n"                         /* 9 */
		"              UPDATE t SET a = 1;\n"          /* 10 */
		"\n"                                           /* 11 */
		"              UPDATE t SET b = 2;\n"          /* 12 */
		"        - sql: SELECT 1\n";                   /* 13 */
	lb_node *root = read_str(f, y);
	const lb_node *cs = nth_child(root, 0);
	assert_string_equal(lb_attr_get(cs, "id"), "s1");
	const lb_node *changes = lb_child(cs, "changes");
	const lb_node *sql = nth_child(changes, 0);
	assert_string_equal(sql->name, "sql");
	assert_string_equal(lb_attr_get(sql, "sql"),
	                    "UPDATE t SET a = 1;\n\nUPDATE t SET b = 2;\n");
	assert_non_null(sql->text);
	assert_string_equal(sql->text, "UPDATE t SET a = 1;\n\nUPDATE t SET b = 2;\n");
	assert_int_equal(sql->text_loc.line, 10);
	assert_int_equal(sql->text_loc.col, 15);
	assert_false(sql->text_verbatim);
	const lb_node *plain = nth_child(changes, 1);
	assert_string_equal(plain->name, "sql");
	assert_string_equal(plain->text, "SELECT 1");
	assert_int_equal(plain->text_loc.line, 13);
	assert_int_equal(plain->text_loc.col, 16);
	assert_true(plain->text_verbatim);
}

static void test_json_changelog(void **state)
{
	fixture *f = *state;
	const char *j =
		"{\n"
		"  \"databaseChangeLog\": [\n"
		"    {\"changeSet\": {\n"
		"      \"id\": \"j1\", \"author\": \"x\", \"failOnError\": true,\n"
		"      \"changes\": [\n"
		"        {\"createIndex\": {\"tableName\": \"t\", \"indexName\": \"ix\",\n"
		"          \"columns\": [{\"column\": {\"name\": \"a\"}}]}},\n"
		"        {\"sql\": {\"sql\": \"select 1\", \"comment\": null}}\n"
		"      ]}}\n"
		"  ]\n"
		"}\n";
	lb_node *root = read_str(f, j);
	assert_non_null(root);
	const lb_node *cs = nth_child(root, 0);
	assert_string_equal(lb_attr_get(cs, "id"), "j1");
	assert_string_equal(lb_attr_get(cs, "failOnError"), "true");
	const lb_node *changes = lb_child(cs, "changes");
	const lb_node *ix = nth_child(changes, 0);
	assert_string_equal(ix->name, "createIndex");
	assert_int_equal(ix->loc.line, 6);
	int n = 0;
	lb_each(ix, "columns", "column", count_item, &n);
	assert_int_equal(n, 1);
	const lb_node *sql = nth_child(changes, 1);
	assert_string_equal(sql->text, "select 1");
	assert_true(sql->text_verbatim);
	assert_int_equal(sql->text_loc.line, 8);
	assert_int_equal(sql->text_loc.col, 26);
	/* a null is an attribute without value */
	assert_non_null(lb_attr_find(sql, "comment"));
	assert_null(lb_attr_get(sql, "comment"));
}

static void test_anchors_and_merge_keys_expand(void **state)
{
	fixture *f = *state;
	const char *y =
		"defaults: &cons {nullable: false}\n"
		"databaseChangeLog:\n"
		"  - changeSet:\n"
		"      id: 1\n"
		"      author: a\n"
		"      changes:\n"
		"        - addColumn:\n"
		"            tableName: t\n"
		"            columns:\n"
		"              - column:\n"
		"                  <<: {name: x, type: int}\n"
		"                  type: text\n"
		"                  constraints: *cons\n";
	lb_node *root = read_str(f, y);
	assert_non_null(root);
	const lb_node *ac = nth_child(lb_child(nth_child(root, 0), "changes"), 0);
	const lb_node *col = nth_child(lb_child(ac, "columns"), 0);
	assert_string_equal(lb_attr_get(col, "name"), "x");
	assert_string_equal(lb_attr_get(col, "type"), "text");
	assert_string_equal(lb_attr_get(lb_child(col, "constraints"), "nullable"), "false");
}

static void test_alias_bomb_is_refused(void **state)
{
	fixture *f = *state;
	const char *y =
		"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
		"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
		"h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
		"i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
		"databaseChangeLog: [*i, *i, *i, *i, *i, *i, *i, *i, *i, *i]\n";
	lb_node *root = read_str(f, y);
	assert_null(root);
	assert_int_equal(th_count_diags(f->project, "yaml-alias-limit"), 1);
	const mg_diag *d = f->project->diags.items[0];
	assert_non_null(d->hint);
	assert_non_null(strstr(d->hint, "--max-alias-expansion"));
	assert_true(d->loc.line >= 3 && d->loc.line <= 10);
}

/* An alias of a large scalar repeated is few nodes and many bytes: the
 * bytes count against --max-expansion before anything is built. */
static void test_alias_bytes_are_refused(void **state)
{
	fixture *f = *state;
	mg_buf y = MG_BUF_INIT;
	mg_buf_puts(&y, "big: &big \"");
	for (int i = 0; i < 10000; i++)
		mg_buf_putc(&y, 'x');
	mg_buf_puts(&y, "\"\ndatabaseChangeLog:\n");
	for (int i = 0; i < 200; i++)
		mg_buf_printf(&y, "  - changeSet: {id: c%d, author: a, changes: [sql: {sql: *big}]}\n", i);
	f->project->max_expansion = 2000000; /* 200 x 10,000 bytes fit */
	assert_non_null(read_text(f, y.data, y.len));
	assert_int_equal(th_count_diags(f->project, "limit-expansion"), 0);
	assert_int_equal(f->project->expanded, 2000000);
	f->project->expanded = 0;
	f->project->max_expansion = 1000000;
	assert_null(read_text(f, y.data, y.len));
	assert_int_equal(th_count_diags(f->project, "limit-expansion"), 1);
	const mg_diag *d = f->project->diags.items[0];
	assert_non_null(strstr(d->hint, "--max-expansion"));
	assert_int_equal(d->loc.line, 2 + 101); /* the 101st alias (line 103) passes the budget */
	mg_buf_dispose(&y);
}

/* SnakeYAML as Liquibase runs it refuses a key twice in one mapping: at
 * any depth, in YAML and JSON, at the second key naming the first. */
static void test_duplicate_keys_at_any_depth(void **state)
{
	fixture *f = *state;
	const char *y =
		"databaseChangeLog:\n"
		"  - changeSet:\n"
		"      id: 1\n"
		"      author: a\n"
		"      changes:\n"
		"        - createTable:\n"
		"            tableName: t\n"
		"            columns:\n"
		"              - column: {name: a, type: int, name: b}\n"
		"            tableName: u\n"
		"      id: 2\n"
		"  - changeSet: {id: 3, author: a, \"id\": 4}\n";
	assert_non_null(read_str(f, y));
	assert_int_equal(th_count_diags(f->project, "yaml-duplicate-key"), 4);
	static const unsigned lines[][2] = {{9, 9}, {10, 7}, {11, 3}, {12, 12}};
	size_t k = 0;
	for (size_t i = 0; i < f->project->diags.count; i++) {
		const mg_diag *d = f->project->diags.items[i];
		if (strcmp(d->code, "yaml-duplicate-key"))
			continue;
		assert_int_equal(d->loc.line, lines[k][0]);
		char first[32];
		snprintf(first, sizeof first, "first on line %u", lines[k][1]);
		assert_non_null(strstr(d->message, first));
		k++;
	}
	mg_project_free(f->project);
	f->project = mg_project_new();
	const char *j = "{\"databaseChangeLog\": [\n"
	                "  {\"changeSet\": {\"id\": \"j\", \"author\": \"x\",\n"
	                "   \"author\": \"y\"}}]}\n";
	assert_non_null(read_str(f, j));
	assert_int_equal(th_count_diags(f->project, "yaml-duplicate-key"), 1);
	/* The same key in two mappings, and merge keys, are no duplicates. */
	mg_project_free(f->project);
	f->project = mg_project_new();
	assert_non_null(read_str(f, "databaseChangeLog:\n"
	                            "  - changeSet: {id: 1, author: a}\n"
	                            "  - changeSet: {id: 2, author: a, <<: {x: 1}, <<: {y: 2}}\n"));
	assert_int_equal(f->project->diags.count, 0);
}

static char *deep_flow(size_t depth)
{
	/* databaseChangeLog: [[[[ ... ]]]] */
	const char *head = "databaseChangeLog: ";
	size_t hl = strlen(head);
	char *s = malloc(hl + 2 * depth + 2);
	memcpy(s, head, hl);
	memset(s + hl, '[', depth);
	memset(s + hl + depth, ']', depth);
	s[hl + 2 * depth] = '\n';
	s[hl + 2 * depth + 1] = '\0';
	return s;
}

static void check_too_deep(fixture *f, size_t depth)
{
	char *s = deep_flow(depth);
	lb_node *root = read_str(f, s);
	free(s);
	assert_null(root);
	assert_int_equal(th_count_diags(f->project, "limit-nesting"), 1);
	const mg_diag *d = f->project->diags.items[0];
	assert_non_null(strstr(d->hint, "--max-nesting-depth"));
}

static void test_nesting_10000_deep_is_a_diagnostic(void **state)
{
	check_too_deep(*state, 10000);
}

static void test_nesting_100000_deep_is_a_diagnostic(void **state)
{
	check_too_deep(*state, 100000);
}

static void test_block_nesting_beyond_limit(void **state)
{
	fixture *f = *state;
	f->opts.limits.max_nesting_depth = 50;
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, "databaseChangeLog:\n");
	for (int i = 0; i < 200; i++) {
		for (int k = 0; k < i + 1; k++)
			mg_buf_puts(&b, " ");
		mg_buf_puts(&b, "k:\n");
	}
	lb_node *root = read_str(f, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	assert_null(root);
	assert_int_equal(th_count_diags(f->project, "limit-nesting"), 1);
}

static void test_nesting_within_limit_is_read(void **state)
{
	fixture *f = *state;
	char *s = deep_flow(100);
	lb_node *root = read_str(f, s);
	free(s);
	assert_non_null(root);
	assert_int_equal(f->project->diags.count, 0);
}

static void test_malformed_yaml_keeps_complete_changesets(void **state)
{
	fixture *f = *state;
	const char *y =
		"databaseChangeLog:\n"
		"  - changeSet:\n"
		"      id: ok\n"
		"      author: a\n"
		"  - changeSet:\n"
		"      id: broken\n"
		"      author: \"unterminated\n"
		"      changes: []\n";
	lb_node *root = read_str(f, y);
	assert_int_equal(th_count_diags(f->project, "yaml-parse-error"), 1);
	const mg_diag *d = f->project->diags.items[0];
	assert_string_equal(d->loc.file, "changelog.yaml");
	assert_true(d->loc.line >= 7);
	assert_true(d->loc.col >= 1);
	assert_non_null(root);
	assert_int_equal(root->n_children, 1);
	assert_string_equal(lb_attr_get(root->children[0], "id"), "ok");
}

static void test_malformed_json_reports_line_and_column(void **state)
{
	fixture *f = *state;
	const char *j = "{\"databaseChangeLog\": [\n  {\"changeSet\": {\"id\": \"1\",, }}\n]}\n";
	lb_node *root = read_str(f, j);
	assert_null(root);
	assert_int_equal(th_count_diags(f->project, "yaml-parse-error"), 1);
	const mg_diag *d = f->project->diags.items[0];
	assert_int_equal(d->loc.line, 2);
	assert_true(d->loc.col > 1);
}

static void test_merge_conflict_markers(void **state)
{
	fixture *f = *state;
	const char *y =
		"databaseChangeLog:\n"
		"<<<<<<< HEAD\n"
		"  - changeSet: {id: 1, author: a}\n"
		"=======\n"
		"  - changeSet: {id: 2, author: a}\n"
		">>>>>>> feature\n";
	lb_node *root = read_str(f, y);
	assert_null(root);
	assert_int_equal(th_count_diags(f->project, "merge-conflict-markers"), 1);
	assert_int_equal(f->project->diags.items[0]->loc.line, 2);
}

static void test_empty_and_foreign_documents(void **state)
{
	fixture *f = *state;
	assert_null(read_str(f, ""));
	assert_null(read_str(f, "# only a comment\n"));
	assert_null(read_str(f, "spring:\n  datasource: x\n"));
	assert_int_equal(th_count_diags(f->project, "yaml-not-changelog"), 3);
}

static void test_binary_garbage_does_not_crash(void **state)
{
	fixture *f = *state;
	const char bytes[] = "databaseChangeLog:\n  - \xff\xfe\x00\x01 changeSet: {]\n";
	lb_node *root = read_text(f, bytes, sizeof bytes - 1);
	(void)root;
	assert_true(f->project->diags.count >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_changeset_structure_and_key_positions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_column_key_form_is_a_wrapper_too, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_as_map_and_as_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_scalar_sql_positions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_changelog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_anchors_and_merge_keys_expand, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alias_bomb_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alias_bytes_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_keys_at_any_depth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nesting_10000_deep_is_a_diagnostic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nesting_100000_deep_is_a_diagnostic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_nesting_beyond_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nesting_within_limit_is_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_yaml_keeps_complete_changesets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_json_reports_line_and_column, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_conflict_markers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_foreign_documents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_binary_garbage_does_not_crash, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
