/*
 * test_flyway_placeholder.c: ${...} replacement, built-ins, names that
 * differ in case, unresolved placeholders, and anchors that keep the
 * file's own line:col after replacements of another length.
 */
#include "harness.h"
#include "load/flyway_internal.h"

static mg_project *project;
static fw_config cfg;
static fw_ph_context ctx;

static int setup(void **state)
{
	(void)state;
	project = mg_project_new();
	fw_config_init(&cfg, &project->arena);
	ctx = (fw_ph_context){&cfg, "V1__x.sql", "/work", "2024-01-02 03:04:05"};
	mg_loc nowhere = {0};
	fw_config_set(project, &cfg, "placeholders.Schema", "app_long_schema", nowhere, NULL);
	fw_config_set(project, &cfg, "placeholders.empty", "", nowhere, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mg_project_free(project);
	return 0;
}

static mg_text replace(const char *src)
{
	mg_text in = {"V1__x.sql", src, strlen(src), NULL, 0}, out;
	fw_placeholders_replace(project, &ctx, &in, &out);
	return out;
}

static char *str(const mg_text *t)
{
	return mg_arena_strndup(&project->arena, t->data, t->len);
}

static void names_are_case_insensitive(void **state)
{
	(void)state;
	mg_text t = replace("CREATE TABLE ${SCHEMA}.t (); -- ${schema}");
	assert_string_equal(str(&t), "CREATE TABLE app_long_schema.t (); -- app_long_schema");
	assert_int_equal(project->diags.count, 0);
}

static void builtins_are_replaced(void **state)
{
	(void)state;
	mg_loc nowhere = {0};
	fw_config_set(project, &cfg, "defaultSchema", "core", nowhere, NULL);
	mg_text t = replace("${flyway:defaultSchema}|${flyway:filename}|${flyway:table}|"
	                    "${flyway:timestamp}|${flyway:workingDirectory}|${flyway:environment}");
	assert_string_equal(str(&t), "core|V1__x.sql|flyway_schema_history|2024-01-02 03:04:05|"
	                             "/work|default");
	fw_config_set(project, &cfg, "table", "history", nowhere, NULL);
	t = replace("${FLYWAY:TABLE}");
	assert_string_equal(str(&t), "history");
}

static void runtime_builtins_stay_as_written(void **state)
{
	(void)state;
	mg_text t = replace("GRANT x TO ${flyway:user} ON ${flyway:database};");
	assert_string_equal(str(&t), "GRANT x TO ${flyway:user} ON ${flyway:database};");
	assert_int_equal(th_count_diags(project, "flyway-placeholder-runtime"), 2);
	assert_int_equal(th_count_diags(project, "flyway-unresolved-placeholder"), 0);
}

static void unresolved_is_diagnosed_at_its_position(void **state)
{
	(void)state;
	mg_text t = replace("SELECT 1;\n  -- é ${nope}\nSELECT '${empty}';");
	assert_string_equal(str(&t), "SELECT 1;\n  -- é ${nope}\nSELECT '';");
	assert_int_equal(th_count_diags(project, "flyway-unresolved-placeholder"), 1);
	mg_diag *d = project->diags.items[0];
	assert_int_equal(d->severity, MG_SEV_HIGH);
	assert_int_equal(d->loc.line, 2);
	assert_int_equal(d->loc.col, 8); /* code points: "  -- é " is 7 */
	assert_string_equal(d->loc.file, "V1__x.sql");
}

static void no_suffix_passes_the_rest_through(void **state)
{
	(void)state;
	mg_text t = replace("SELECT '${unterminated");
	assert_string_equal(str(&t), "SELECT '${unterminated");
	assert_int_equal(project->diags.count, 0);
	assert_null(t.anchors);
}

static void custom_prefix_and_suffix(void **state)
{
	(void)state;
	mg_loc nowhere = {0};
	fw_config_set(project, &cfg, "placeholderPrefix", "#[", nowhere, NULL);
	fw_config_set(project, &cfg, "placeholderSuffix", "]", nowhere, NULL);
	mg_text t = replace("SELECT ${schema}, #[schema];");
	assert_string_equal(str(&t), "SELECT ${schema}, app_long_schema;");
}

static void anchors_map_back_to_the_file(void **state)
{
	(void)state;
	const char *src = "ALTER TABLE ${schema}.a ADD c int; SELECT ${empty}x;\n"
	                  "  DROP TABLE ${schema}.b;";
	mg_text t = replace(src);
	const char *out = str(&t);
	assert_string_equal(out, "ALTER TABLE app_long_schema.a ADD c int; SELECT x;\n"
	                         "  DROP TABLE app_long_schema.b;");
	mg_text_cursor cur;
	mg_text_cursor_init(&cur, &t);
	uint32_t line, col;
	/* "ADD" is at column 25 in the file */
	mg_text_cursor_seek(&cur, (size_t)(strstr(out, "ADD") - out), &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 25);
	/* "x" after the empty replacement: file column 51 */
	mg_text_cursor_seek(&cur, (size_t)(strstr(out, "x;") - out), &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 51);
	/* the replacement itself maps to the placeholder's position */
	mg_text_cursor_seek(&cur, (size_t)(strstr(out, "app_long") - out), &line, &col);
	assert_int_equal(col, 13);
	/* line 2: "DROP" at col 3, ".b" after the placeholder at col 23 */
	mg_text_cursor_seek(&cur, (size_t)(strstr(out, "DROP") - out), &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 3);
	mg_text_cursor_seek(&cur, (size_t)(strstr(out, ".b;") - out), &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 23);
}

static void value_with_newlines_keeps_later_lines(void **state)
{
	(void)state;
	mg_loc nowhere = {0};
	fw_config_set(project, &cfg, "placeholders.multi", "a\nb\nc", nowhere, NULL);
	mg_text t = replace("SELECT ${multi};\nSELECT 2;");
	const char *out = str(&t);
	mg_text_cursor cur;
	mg_text_cursor_init(&cur, &t);
	uint32_t line, col;
	mg_text_cursor_seek(&cur, (size_t)(strstr(out, "SELECT 2") - out), &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 1);
}

/* Values count against --max-expansion: past it the rest of the script
 * stays as written, with the limit diagnostic where it was hit. */
static void expansion_past_the_budget_stays_as_written(void **state)
{
	(void)state;
	project->max_expansion = 2 * strlen("app_long_schema");
	mg_text t = replace("${schema}.a;\n${schema}.b;\n${schema}.c; ${empty}\n");
	assert_string_equal(str(&t), "app_long_schema.a;\napp_long_schema.b;\n${schema}.c; ${empty}\n");
	assert_int_equal(project->diags.count, 1);
	const mg_diag *d = project->diags.items[0];
	assert_string_equal(d->code, "limit-expansion");
	assert_int_equal(d->loc.line, 3);
	assert_int_equal(d->loc.col, 1);
	assert_non_null(strstr(d->hint, "--max-expansion"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(names_are_case_insensitive),
		T(builtins_are_replaced),
		T(runtime_builtins_stay_as_written),
		T(unresolved_is_diagnosed_at_its_position),
		T(no_suffix_passes_the_rest_through),
		T(custom_prefix_and_suffix),
		T(anchors_map_back_to_the_file),
		T(value_with_newlines_keeps_later_lines),
		T(expansion_past_the_budget_stays_as_written),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
