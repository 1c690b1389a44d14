/*
 * test_flyway_config.c: flyway.conf (Java properties) and flyway.toml
 * reading, and how settings reach the loader.
 */
#include "harness.h"
#include "load/flyway_internal.h"

static const char *kv_get(const fw_kv_list *l, const char *key)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].value;
	return NULL;
}

static const fw_kv *kv_find(const fw_kv_list *l, const char *key)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return &l->items[i];
	return NULL;
}

static void properties_basic_syntax(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	const char *src = "# comment\n"
	                  "! also a comment\n"
	                  "flyway.locations=filesystem:db/a,filesystem:db/b\n"
	                  "  flyway.placeholders.tenant = acme\n"
	                  "flyway.outOfOrder:true\n"
	                  "flyway.target 5.1\n"
	                  "\n"
	                  "flyway.placeholders.long=one,\\\n"
	                  "    two\n"
	                  "flyway.placeholders.esc=a\\tb\\u0041\n";
	fw_kv_list l = {0};
	fw_properties_parse(p, "flyway.conf", src, strlen(src), &l);
	assert_string_equal(kv_get(&l, "flyway.locations"), "filesystem:db/a,filesystem:db/b");
	assert_string_equal(kv_get(&l, "flyway.placeholders.tenant"), "acme");
	assert_string_equal(kv_get(&l, "flyway.outOfOrder"), "true");
	assert_string_equal(kv_get(&l, "flyway.target"), "5.1");
	assert_string_equal(kv_get(&l, "flyway.placeholders.long"), "one,two");
	assert_string_equal(kv_get(&l, "flyway.placeholders.esc"), "a\tbA");
	/* line numbers survive comments, blank lines and continuations */
	assert_int_equal(kv_find(&l, "flyway.locations")->loc.line, 3);
	assert_int_equal(kv_find(&l, "flyway.target")->loc.line, 6);
	assert_int_equal(kv_find(&l, "flyway.placeholders.long")->loc.line, 8);
	assert_int_equal(kv_find(&l, "flyway.placeholders.esc")->loc.line, 10);
	assert_int_equal(p->diags.count, 0);
	mg_project_free(p);
}

static void properties_malformed_lines_are_diagnosed(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	const char *src = "flyway.locations=db\n"
	                  "=orphan value\n"
	                  "flyway.bad=\\u12G4\n"
	                  "justakey\n"
	                  "flyway.target=3\r\n";
	fw_kv_list l = {0};
	fw_properties_parse(p, "flyway.conf", src, strlen(src), &l);
	assert_int_equal(th_count_diags(p, "flyway-config-syntax"), 3);
	assert_int_equal(p->diags.items[0]->loc.line, 2);
	assert_int_equal(p->diags.items[1]->loc.line, 3);
	assert_int_equal(p->diags.items[2]->loc.line, 4);
	assert_string_equal(p->diags.items[0]->loc.file, "flyway.conf");
	/* the rest is still read */
	assert_string_equal(kv_get(&l, "flyway.target"), "3");
	assert_string_equal(kv_get(&l, "flyway.locations"), "db");
	mg_project_free(p);
}

static void toml_tables_keys_and_values(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	const char *src = "databaseType = \"PostgreSql\"\n"
	                  "[environments.dev]\n"
	                  "url = \"jdbc:postgresql://localhost/app\"\n"
	                  "schemas = [\"app\", \"audit\"]\n"
	                  "jdbcProperties = { ssl = true, \"connect.timeout\" = 10 }\n"
	                  "\n"
	                  "[flyway]  # engine settings\n"
	                  "environment = 'dev'\n"
	                  "locations = [\n"
	                  "  \"filesystem:db/common\", # shared\n"
	                  "  \"filesystem:db/postgres\",\n"
	                  "]\n"
	                  "outOfOrder = false\n"
	                  "connectRetries = -3\n"
	                  "\"quoted.key\" = \"\"\"\n"
	                  "multi\n"
	                  "line\"\"\"\n"
	                  "[flyway.placeholders]\n"
	                  "schema = \"app\"\n"
	                  "\"Tenant\" = \"a\\\"b\"\n"
	                  "[environments.dev.flyway]\n"
	                  "target = \"7\"\n";
	fw_kv_list l = {0};
	fw_toml_parse(p, "flyway.toml", src, strlen(src), &l);
	assert_int_equal(p->diags.count, 0);
	assert_string_equal(kv_get(&l, "databaseType"), "PostgreSql");
	assert_string_equal(kv_get(&l, "environments.dev.schemas"), "app,audit");
	assert_string_equal(kv_get(&l, "environments.dev.jdbcProperties.ssl"), "true");
	assert_string_equal(kv_get(&l, "environments.dev.jdbcProperties.connect.timeout"), "10");
	assert_string_equal(kv_get(&l, "flyway.environment"), "dev");
	assert_string_equal(kv_get(&l, "flyway.locations"),
	                    "filesystem:db/common,filesystem:db/postgres");
	assert_string_equal(kv_get(&l, "flyway.outOfOrder"), "false");
	assert_string_equal(kv_get(&l, "flyway.connectRetries"), "-3");
	assert_string_equal(kv_get(&l, "flyway.quoted.key"), "multi\nline");
	assert_string_equal(kv_get(&l, "flyway.placeholders.schema"), "app");
	assert_string_equal(kv_get(&l, "flyway.placeholders.Tenant"), "a\"b");
	assert_string_equal(kv_get(&l, "environments.dev.flyway.target"), "7");
	assert_int_equal(kv_find(&l, "flyway.outOfOrder")->loc.line, 13);
	assert_int_equal(kv_find(&l, "environments.dev.flyway.target")->loc.line, 22);
	mg_project_free(p);
}

static void toml_errors_have_line_and_column(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	const char *src = "[flyway]\n"
	                  "locations = filesystem:sql\n"   /* unquoted string */
	                  "target = \"5\n"                  /* unterminated */
	                  "mixed true\n"                    /* no '=' */
	                  "[flyway\n"                       /* no ']' */
	                  "outOfOrder = true extra\n"
	                  "table = \"history\"\n";
	fw_kv_list l = {0};
	fw_toml_parse(p, "flyway.toml", src, strlen(src), &l);
	assert_int_equal(th_count_diags(p, "flyway-config-syntax"), 5);
	for (size_t i = 0; i < p->diags.count; i++) {
		assert_int_equal(p->diags.items[i]->loc.line, i + 2);
		assert_true(p->diags.items[i]->loc.col >= 1);
	}
	assert_int_equal(p->diags.items[0]->loc.col, 13);
	assert_int_equal(p->diags.items[2]->loc.col, 7);
	/* the line after the errors is still read, in the last good table */
	assert_string_equal(kv_get(&l, "flyway.table"), "history");
	mg_project_free(p);
}

static void toml_hostile_nesting_is_bounded(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	char src[4096] = "x = ";
	for (int i = 0; i < 1000; i++)
		strcat(src, "[");
	fw_kv_list l = {0};
	fw_toml_parse(p, "flyway.toml", src, strlen(src), &l);
	assert_true(th_count_diags(p, "flyway-config-syntax") >= 1);
	mg_project_free(p);
}

/* ---- settings through the loader -------------------------------------- */

static mg_project *load(const char *const *paths, const mg_input_kind *kinds, size_t n,
                        mg_property *props, size_t n_props)
{
	mg_project *p = mg_project_new();
	/* Set by hand rather than with mg_load_options_init, so these tests
	 * link without the Liquibase loader that load.c pulls in. */
	mg_load_options o;
	memset(&o, 0, sizeof o);
	o.engine = (mg_engine_target){MG_ENGINE_POSTGRESQL, 16, 0};
	o.limits.max_file_bytes = 1 << 20;
	o.limits.max_files = 1000;
	o.properties = props;
	o.n_properties = n_props;
	mg_flyway_load(p, paths, kinds, n, &o);
	return p;
}

static void conf_locations_and_naming_apply(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	char conf[4200];
	snprintf(conf, sizeof conf, "%s/flyway.conf", dir);
	th_write(dir, "flyway.conf",
	         "flyway.locations=filesystem:db/one,filesystem:db/two\n"
	         "flyway.sqlMigrationPrefix=M\n"
	         "flyway.sqlMigrationSuffixes=.sql,.ddl\n"
	         "flyway.outOfOrder=true\n"
	         "flyway.baselineVersion=3\n"
	         "flyway.defaultSchema=app\n"
	         "flyway.target=2\n");
	th_write(dir, "db/one/M1__a.sql", "SELECT 1;\n");
	th_write(dir, "db/two/M2__b.ddl", "SELECT 2;\n");
	th_write(dir, "db/two/M3__c.sql", "SELECT 3;\n");
	th_write(dir, "db/two/V4__d.sql", "SELECT 4;\n");
	const char *paths[] = {conf};
	mg_input_kind kinds[] = {MG_INPUT_FLYWAY_CONF};
	/* locations relative to the working directory do not exist here; the
	 * config file's directory is tried next */
	mg_project *p = load(paths, kinds, 1, NULL, 0);
	assert_int_equal(p->n_changesets, 3);
	assert_string_equal(p->changesets[0]->script, "M1__a.sql");
	assert_string_equal(p->changesets[1]->script, "M2__b.ddl");
	assert_false(p->changesets[1]->flags & MG_CSF_IGNORED);
	assert_true(p->changesets[2]->flags & MG_CSF_IGNORED); /* above target 2 */
	assert_true(p->flyway.out_of_order);
	assert_string_equal(p->flyway.baseline_version, "3");
	assert_string_equal(p->flyway.default_schema, "app");
	assert_string_equal(p->flyway.target, "2");
	assert_int_equal(p->n_skipped, 1); /* V4 does not match prefix M */
	mg_project_free(p);
	th_rmtree(dir);
}

static void toml_environment_override_and_d_precedence(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	char toml[4200];
	snprintf(toml, sizeof toml, "%s/flyway.toml", dir);
	th_write(dir, "flyway.toml",
	         "[environments.dev]\n"
	         "schemas = [\"devschema\"]\n"
	         "[environments.dev.flyway]\n"
	         "target = \"1\"\n"
	         "[environments.prod.flyway]\n"
	         "target = \"99\"\n"
	         "[flyway]\n"
	         "environment = \"dev\"\n"
	         "locations = [\"filesystem:sql\"]\n"
	         "target = \"50\"\n"
	         "[flyway.placeholders]\n"
	         "who = \"toml\"\n"
	         "other = \"toml\"\n");
	th_write(dir, "sql/V1__a.sql", "SELECT '${who}', '${other}', '${flyway:defaultSchema}';\n");
	th_write(dir, "sql/V2__b.sql", "SELECT 2;\n");
	const char *paths[] = {toml};
	mg_input_kind kinds[] = {MG_INPUT_FLYWAY_TOML};
	mg_property props[] = {{"flyway.placeholders.who", "cli"}, {"OTHER", "cli2"}};
	mg_project *p = load(paths, kinds, 1, props, 2);
	assert_int_equal(p->n_changesets, 2);
	assert_string_equal(p->flyway.target, "1");       /* dev override beats [flyway] */
	assert_string_equal(p->flyway.default_schema, "devschema");
	assert_true(p->changesets[1]->flags & MG_CSF_IGNORED);
	assert_int_equal(p->changesets[0]->n_stmts, 1);
	assert_non_null(strstr(p->changesets[0]->stmts[0]->sql, "'cli', 'cli2', 'devschema'"));

	/* -D flyway.environment picks another environment */
	mg_project_free(p);
	mg_property props2[] = {{"flyway.environment", "prod"}, {"flyway.target", "2"}};
	p = load(paths, kinds, 1, props2, 1);
	assert_string_equal(p->flyway.target, "99");
	mg_project_free(p);
	p = load(paths, kinds, 1, props2, 2);
	assert_string_equal(p->flyway.target, "2"); /* -D beats everything */
	mg_project_free(p);
	th_rmtree(dir);
}

static void bad_boolean_setting_is_diagnosed(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	char conf[4200];
	snprintf(conf, sizeof conf, "%s/flyway.conf", dir);
	th_write(dir, "flyway.conf", "flyway.locations=filesystem:sql\nflyway.outOfOrder=maybe\n");
	th_write(dir, "sql/V1__a.sql", "SELECT 1;\n");
	const char *paths[] = {conf};
	mg_input_kind kinds[] = {MG_INPUT_FLYWAY_CONF};
	mg_project *p = load(paths, kinds, 1, NULL, 0);
	assert_int_equal(th_count_diags(p, "flyway-config-value"), 1);
	assert_int_equal(p->diags.items[0]->loc.line, 2);
	assert_int_equal(p->n_changesets, 1);
	mg_project_free(p);
	th_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(properties_basic_syntax),
		cmocka_unit_test(properties_malformed_lines_are_diagnosed),
		cmocka_unit_test(toml_tables_keys_and_values),
		cmocka_unit_test(toml_errors_have_line_and_column),
		cmocka_unit_test(toml_hostile_nesting_is_bounded),
		cmocka_unit_test(conf_locations_and_naming_apply),
		cmocka_unit_test(toml_environment_override_and_d_precedence),
		cmocka_unit_test(bad_boolean_setting_is_diagnosed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
