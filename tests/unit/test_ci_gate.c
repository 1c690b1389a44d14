/*
 * test_ci_gate.c: the pieces of the CI gate (issue 12): the
 * migraph:ignore scan, the anchors it finds in XML and YAML, .migraph.yaml,
 * rule suggestions and finding keys.
 */
#include "harness.h"
#include "migraph/config.h"
#include "migraph/ignore.h"
#include "migraph/triage.h"

static mg_project *scan(const char *name, const char *text)
{
	mg_project *p = mg_project_new();
	mg_ignore_scan(p, name, text, strlen(text));
	return p;
}

static void sql_markers_and_their_parts(void **state)
{
	(void)state;
	mg_project *p = scan("x-does-not-exist.sql",
	                     "SELECT 1; -- not a marker: migraph:ignore lock-truncate x\n"
	                     "-- migraph:ignore lock-truncate, lock-cluster  tiny table \n"
	                     "/* migraph:ignore lock-vacuum-full */\n"
	                     "  --migraph:ignore lock-cluster because\n"
	                     "-- migraph:ignored lock-cluster is another word\n"
	                     "SELECT '-- migraph:ignore lock-cluster in a string';\n");
	/* The marker after "not a marker:" does not follow the opener; the
	 * one in a string does (the one misreading the scan allows). */
	assert_int_equal(p->n_ignores, 4);
	mg_ignore_marker *m = p->ignores[0];
	assert_int_equal(m->loc.line, 2);
	assert_int_equal(m->loc.col, 1);
	assert_int_equal(m->n_rules, 2);
	assert_string_equal(m->rules[0], "lock-truncate");
	assert_string_equal(m->rules[1], "lock-cluster");
	assert_string_equal(m->reason, "tiny table");
	assert_null(p->ignores[1]->reason);
	assert_int_equal(p->ignores[1]->n_rules, 1);
	assert_int_equal(p->ignores[2]->loc.col, 3);
	assert_string_equal(p->ignores[2]->reason, "because");
	assert_int_equal(p->ignores[3]->loc.line, 6);
	assert_int_equal(p->ignores[0]->anchor_line, 0); /* SQL: from the model */
	mg_project_free(p);
}

static void files_without_comments_have_no_markers(void **state)
{
	(void)state;
	mg_project *p = scan("changelog.json", "{\"x\": \"-- migraph:ignore lock-cluster y\"}");
	assert_int_equal(p->n_ignores, 0);
	mg_ignore_scan(p, "flyway.conf", "# migraph:ignore lock-cluster y\n", 32);
	assert_int_equal(p->n_ignores, 0);
	mg_project_free(p);
}

static void xml_anchor_is_the_next_element(void **state)
{
	(void)state;
	mg_project *p = scan("c.xml", "<databaseChangeLog>\n"
	                              "  <!-- migraph:ignore lock-cluster reason -->\n"
	                              "  <!-- another comment -->\n"
	                              "  <changeSet id=\"1\" author=\"a\">\n"
	                              "    <sql><![CDATA[ </changeSet> ]]></sql>\n"
	                              "    <createIndex tableName=\"t\" indexName=\"i\"/>\n"
	                              "  </changeSet>\n"
	                              "  <changeSet id=\"2\" author=\"a\">\n"
	                              "    <!-- migraph:ignore lock-truncate one change -->\n"
	                              "    <dropTable tableName=\"x\"\n"
	                              "       cascadeConstraints=\"true\"/>\n"
	                              "    <!-- migraph:ignore lock-truncate nothing follows -->\n"
	                              "  </changeSet>\n"
	                              "</databaseChangeLog>\n");
	assert_int_equal(p->n_ignores, 3);
	assert_int_equal(p->ignores[0]->anchor_line, 4);
	assert_int_equal(p->ignores[0]->end_line, 7);
	assert_int_equal(p->ignores[1]->anchor_line, 10);
	assert_int_equal(p->ignores[1]->end_line, 11);
	assert_int_equal(p->ignores[2]->anchor_line, 0);
	mg_project_free(p);
}

static void yaml_anchor_is_the_next_node(void **state)
{
	(void)state;
	mg_project *p = scan("c.yaml", "databaseChangeLog:\n"
	                               "  # migraph:ignore lock-cluster reason\n"
	                               "  - changeSet:\n"
	                               "      id: 1\n"
	                               "\n"
	                               "      # a comment\n"
	                               "      changes:\n"
	                               "        - sql: CLUSTER t\n"
	                               "  - changeSet:   # migraph:ignore lock-truncate same line\n"
	                               "      id: 2\n");
	assert_int_equal(p->n_ignores, 2);
	assert_int_equal(p->ignores[0]->anchor_line, 3);
	assert_int_equal(p->ignores[0]->end_line, 8);
	assert_int_equal(p->ignores[1]->anchor_line, 9);
	assert_int_equal(p->ignores[1]->end_line, 10);
	mg_project_free(p);
}

static void a_file_read_twice_is_scanned_once(void **state)
{
	(void)state;
	const char *text = "-- migraph:ignore lock-cluster r\nCLUSTER t;\n";
	mg_project *p = scan("same.sql", text);
	mg_ignore_scan(p, "same.sql", text, strlen(text));
	assert_int_equal(p->n_ignores, 1);
	mg_project_free(p);
}

static void suggestions(void **state)
{
	(void)state;
	assert_string_equal(mg_rule_suggest("lock-index-not-concurent"), "lock-index-not-concurrent");
	assert_string_equal(mg_rule_suggest("lock-truncat"), "lock-truncate");
	assert_null(mg_rule_suggest("completely-unrelated-words-here"));
}

static void every_rule_has_an_example_and_versions(void **state)
{
	(void)state;
	for (size_t i = 0; i < mg_rule_count(); i++) {
		const mg_rule *r = mg_rule_at(i);
		assert_true(r->example && *r->example && r->versions && *r->versions);
	}
}

static int load_config(const char *yaml, mg_config *cfg, mg_diag_list *diags, mg_arena *arena,
                       char **dir)
{
	*dir = th_tmpdir();
	th_write(*dir, ".migraph.yaml", yaml);
	th_write(*dir, "db/V1__x.sql", "SELECT 1;\n");
	char path[4200];
	snprintf(path, sizeof path, "%s/.migraph.yaml", *dir);
	mg_arena_init(arena);
	mg_diag_list_init(diags, arena);
	return mg_config_load(arena, path, false, 0, diags, cfg);
}

static void config_reads_every_key(void **state)
{
	(void)state;
	mg_config cfg;
	mg_diag_list diags;
	mg_arena arena;
	char *dir;
	int rc = load_config("engine: postgresql\nversion: 12\npaths: db\nfail_on: medium\n"
	                     "properties: {a: b}\ncontexts: prod\nlabels: x\n"
	                     "docs_url: https://example.org/r.md\n"
	                     "rules:\n  disable: [lock-cluster]\n  enable: [lock-truncate]\n"
	                     "  severity: {lock-truncate: critical}\n",
	                     &cfg, &diags, &arena, &dir);
	assert_int_equal(rc, 0);
	assert_int_equal(diags.count, 0);
	assert_true(cfg.has_engine && cfg.engine.major == 12);
	assert_int_equal(cfg.n_paths, 1);
	assert_true(mg_str_starts_with(cfg.paths[0], dir));
	assert_true(cfg.has_fail_on && cfg.fail_on == MG_SEV_MEDIUM);
	assert_string_equal(cfg.properties[0].value, "b");
	assert_string_equal(cfg.contexts, "prod");
	assert_int_equal(cfg.n_rules, 3);
	assert_true(cfg.rules[0].disabled && cfg.rules[1].enabled && cfg.rules_enable_given);
	assert_true(cfg.rules[2].has_severity && cfg.rules[2].severity == MG_SEV_CRITICAL);
	th_rmtree(dir);
	mg_arena_free(&arena);
}

static void config_errors_have_positions(void **state)
{
	(void)state;
	mg_config cfg;
	mg_diag_list diags;
	mg_arena arena;
	char *dir;
	int rc = load_config("paths: [db, ../elsewhere]\nfail_on: 3x\nbogus: 1\n", &cfg, &diags,
	                     &arena, &dir);
	assert_int_equal(rc, -1);
	assert_int_equal(diags.count, 3);
	mg_diag_list_sort(&diags);
	assert_string_equal(diags.items[0]->code, "config-outside");
	assert_int_equal(diags.items[0]->loc.line, 1);
	assert_string_equal(diags.items[1]->code, "config-invalid");
	assert_int_equal(diags.items[1]->loc.line, 2);
	assert_int_equal(diags.items[1]->loc.col, 10);
	assert_string_equal(diags.items[2]->code, "config-unknown-key");
	assert_int_equal(diags.items[2]->loc.line, 3);
	assert_int_equal(cfg.n_paths, 1); /* db stays, ../elsewhere is refused */
	th_rmtree(dir);
	mg_arena_free(&arena);
}

static void finding_keys_ignore_lines(void **state)
{
	(void)state;
	mg_finding_identity id = {.version = "2"};
	mg_object obj = {MG_OBJ_INDEX, "public", "orders", "i"};
	mg_buf a = MG_BUF_INIT, b = MG_BUF_INIT;
	mg_finding_key_build(&a, "lock-index-not-concurrent", &id, &obj);
	mg_finding_key_build(&b, "lock-index-not-concurrent", &id, &obj);
	assert_string_equal(mg_buf_cstr(&a), mg_buf_cstr(&b));
	mg_finding_identity other = {.script = "2"};
	mg_finding_key_build(&b, "lock-index-not-concurrent", &other, &obj);
	assert_string_not_equal(mg_buf_cstr(&a), mg_buf_cstr(&b));
	mg_buf_dispose(&a);
	mg_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sql_markers_and_their_parts),
		cmocka_unit_test(files_without_comments_have_no_markers),
		cmocka_unit_test(xml_anchor_is_the_next_element),
		cmocka_unit_test(yaml_anchor_is_the_next_node),
		cmocka_unit_test(a_file_read_twice_is_scanned_once),
		cmocka_unit_test(suggestions),
		cmocka_unit_test(every_rule_has_an_example_and_versions),
		cmocka_unit_test(config_reads_every_key),
		cmocka_unit_test(config_errors_have_positions),
		cmocka_unit_test(finding_keys_ignore_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
