/*
 * test_flyway_name.c: Flyway's file-name grammar (formats.md A2, A14),
 * Java class names, the checksum (A10 vectors) and repeatable ordering.
 */
#include "harness.h"
#include "load/flyway_internal.h"
#include "migraph/checksum.h"

static mg_arena arena;
static fw_config cfg;

static int setup(void **state)
{
	(void)state;
	mg_arena_init(&arena);
	fw_config_init(&cfg, &arena);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mg_arena_free(&arena);
	return 0;
}

static fw_name parse(const char *name)
{
	fw_name nm;
	fw_name_parse(&arena, &cfg, name, cfg.suffixes, cfg.n_suffixes, &nm);
	return nm;
}

static void versioned_name(void **state)
{
	(void)state;
	fw_name nm = parse("V1.2__add_users.sql");
	assert_int_equal(nm.status, FW_NAME_MIGRATION);
	assert_int_equal(nm.kind, MG_CS_FLYWAY_VERSIONED);
	assert_string_equal(nm.version.text, "1.2");
	assert_string_equal(nm.description, "add users");
}

static void empty_description_is_valid(void **state)
{
	(void)state;
	fw_name nm = parse("V1__.sql");
	assert_int_equal(nm.status, FW_NAME_MIGRATION);
	assert_string_equal(nm.description, "");
}

static void versioned_without_version_is_skipped(void **state)
{
	(void)state;
	fw_name nm = parse("V__x.sql");
	assert_int_equal(nm.status, FW_NAME_INVALID);
	assert_non_null(strstr(nm.reason, "no version"));
}

static void repeatable_with_version_is_skipped(void **state)
{
	(void)state;
	fw_name nm = parse("R1__x.sql");
	assert_int_equal(nm.status, FW_NAME_INVALID);
	assert_non_null(strstr(nm.reason, "repeatable with a version"));
	nm = parse("R__views.sql");
	assert_int_equal(nm.status, FW_NAME_MIGRATION);
	assert_int_equal(nm.kind, MG_CS_FLYWAY_REPEATABLE);
	assert_string_equal(nm.description, "views");
}

static void suffix_is_case_insensitive(void **state)
{
	(void)state;
	fw_name nm = parse("V1_2__x.SQL");
	assert_int_equal(nm.status, FW_NAME_MIGRATION);
	assert_string_equal(nm.version.text, "1.2");
	assert_string_equal(nm.description, "x");
}

static void prefix_is_case_sensitive(void **state)
{
	(void)state;
	fw_name nm = parse("v1__x.sql");
	assert_int_equal(nm.status, FW_NAME_INVALID);
	assert_non_null(strstr(nm.reason, "prefix"));
}

static void split_at_first_separator_only(void **state)
{
	(void)state;
	fw_name nm = parse("V1_12_10__change_length___DB2.sql");
	assert_int_equal(nm.status, FW_NAME_MIGRATION);
	assert_string_equal(nm.version.text, "1.12.10");
	assert_string_equal(nm.description, "change length   DB2");
}

static void single_underscore_has_no_separator(void **state)
{
	(void)state;
	fw_name nm = parse("V1_add_users.sql");
	assert_int_equal(nm.status, FW_NAME_INVALID);
	assert_string_equal(nm.reason, "no '__' separator after the version");
}

static void bad_version_with_separator(void **state)
{
	(void)state;
	fw_name nm = parse("V1.a__x.sql");
	assert_int_equal(nm.status, FW_NAME_INVALID);
	assert_non_null(strstr(nm.reason, "'1.a' is not a version"));
}

static void other_suffix_is_not_a_migration(void **state)
{
	(void)state;
	fw_name nm = parse("README.md");
	assert_int_equal(nm.status, FW_NAME_NO_SUFFIX);
	assert_non_null(strstr(nm.reason, "suffix .md is not a migration suffix"));
	nm = parse("Makefile");
	assert_int_equal(nm.status, FW_NAME_NO_SUFFIX);
}

static void callbacks_are_recognised_longest_first(void **state)
{
	(void)state;
	fw_name nm = parse("beforeMigrate.sql");
	assert_int_equal(nm.status, FW_NAME_CALLBACK);
	assert_string_equal(nm.event, "beforeMigrate");
	nm = parse("afterEachMigrate__log.sql");
	assert_int_equal(nm.status, FW_NAME_CALLBACK);
	assert_string_equal(nm.event, "afterEachMigrate");
	assert_string_equal(nm.description, "log");
	/* not beforeEachMigrate followed by "Statement" */
	nm = parse("beforeEachMigrateStatement.sql");
	assert_int_equal(nm.status, FW_NAME_CALLBACK);
	assert_string_equal(nm.event, "beforeEachMigrateStatement");
	nm = parse("afterMigrateError__x.sql");
	assert_int_equal(nm.status, FW_NAME_CALLBACK);
	assert_string_equal(nm.event, "afterMigrateError");
}

static void every_event_is_a_callback(void **state)
{
	(void)state;
	for (size_t i = 0; fw_callback_events[i]; i++) {
		char name[128];
		snprintf(name, sizeof name, "%s.sql", fw_callback_events[i]);
		fw_name nm = parse(name);
		assert_int_equal(nm.status, FW_NAME_CALLBACK);
		assert_string_equal(nm.event, fw_callback_events[i]);
	}
}

static void undo_and_baseline_prefixes(void **state)
{
	(void)state;
	fw_name nm = parse("U3__drop.sql");
	assert_int_equal(nm.status, FW_NAME_MIGRATION);
	assert_int_equal(nm.kind, MG_CS_FLYWAY_UNDO);
	nm = parse("B5__snapshot.sql");
	assert_int_equal(nm.status, FW_NAME_MIGRATION);
	assert_int_equal(nm.kind, MG_CS_FLYWAY_BASELINE);
	assert_string_equal(nm.version.text, "5");
}

static void configured_prefix_separator_and_suffixes(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	mg_loc nowhere = {0};
	fw_config_set(p, &cfg, "sqlMigrationPrefix", "M", nowhere, NULL);
	fw_config_set(p, &cfg, "sqlMigrationSeparator", "-", nowhere, NULL);
	fw_config_set(p, &cfg, "sqlMigrationSuffixes", ".sql, .pkg", nowhere, NULL);
	fw_name nm = parse("M2-body.PKG");
	assert_int_equal(nm.status, FW_NAME_MIGRATION);
	assert_string_equal(nm.version.text, "2");
	assert_string_equal(nm.description, "body");
	nm = parse("V2__x.sql");
	assert_int_equal(nm.status, FW_NAME_INVALID);
	mg_project_free(p);
}

static void timestamp_versions(void **state)
{
	(void)state;
	fw_name nm = parse("V20130115113556__init.sql");
	assert_int_equal(nm.status, FW_NAME_MIGRATION);
	assert_string_equal(nm.version.text, "20130115113556");
}

static void java_class_names(void **state)
{
	(void)state;
	fw_name nm;
	assert_int_equal(fw_name_parse_java(&arena, "V1_2__Add_index", &nm), 0);
	assert_string_equal(nm.version.text, "1.2");
	assert_string_equal(nm.description, "Add index");
	assert_int_equal(fw_name_parse_java(&arena, "R__Refresh_cache", &nm), 0);
	assert_int_equal(nm.kind, MG_CS_FLYWAY_REPEATABLE);
	assert_int_equal(fw_name_parse_java(&arena, "V66_3_JobFacetsBackfillJobVersion", &nm), -1);
	assert_int_equal(fw_name_parse_java(&arena, "MigrationHelper", &nm), -1);
}

static void checksum_vectors(void **state)
{
	(void)state;
	assert_int_equal(mg_flyway_checksum("SELECT 1;\n", 10), 78787420);
	assert_int_equal(mg_flyway_checksum("SELECT 1;\r\n", 11), 78787420);
	assert_int_equal(mg_flyway_checksum("\xEF\xBB\xBFSELECT 1;", 12), 78787420);
	const char *two = "CREATE TABLE t (id INT);\nINSERT INTO t VALUES (1);\n";
	assert_int_equal(mg_flyway_checksum(two, strlen(two)), 194980085);
	assert_int_equal(mg_flyway_checksum("", 0), 0);
	int32_t parts[2] = {mg_flyway_checksum("SELECT 1;\n", 10),
	                    mg_flyway_checksum("SELECT 2;\n", 10)};
	assert_int_equal(mg_flyway_checksum_combine(parts, 2), 584875268);
}

static void checksum_ignores_blank_lines_not_spaces(void **state)
{
	(void)state;
	const char *blank = "SELECT 1;\n\n\nSELECT 2;\n", *crlf = "SELECT 1;\r\nSELECT 2;";
	int32_t a = mg_flyway_checksum(blank, strlen(blank));
	int32_t b = mg_flyway_checksum(crlf, strlen(crlf));
	assert_int_equal(a, b);
	assert_int_not_equal(mg_flyway_checksum("SELECT  1;", 10), mg_flyway_checksum("SELECT 1;", 9));
	/* a lone \r ends a line too */
	assert_int_equal(mg_flyway_checksum("SELECT 1;\r", 10), 78787420);
}

static void checksum_is_signed(void **state)
{
	(void)state;
	/* crc32("a") = 0xE8B7BE43, which Java stores as a negative int */
	assert_int_equal(mg_crc32_update(0, "a", 1), 0xE8B7BE43u);
	assert_int_equal(mg_flyway_checksum("a", 1), (int32_t)-390611389);
}

static void repeatable_order_is_utf16(void **state)
{
	(void)state;
	assert_true(fw_compare_utf16("a", "b") < 0);
	assert_true(fw_compare_utf16("B", "a") < 0); /* case-sensitive */
	assert_int_equal(fw_compare_utf16("views", "views"), 0);
	assert_true(fw_compare_utf16("ab", "abc") < 0);
	/* U+1F600 (surrogate pair) sorts before U+FF21 in Java, after it in
	 * UTF-8 byte order */
	assert_true(strcmp("\xF0\x9F\x98\x80", "\xEF\xBC\xA1") > 0);
	assert_true(fw_compare_utf16("\xF0\x9F\x98\x80", "\xEF\xBC\xA1") < 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(versioned_name),
		T(empty_description_is_valid),
		T(versioned_without_version_is_skipped),
		T(repeatable_with_version_is_skipped),
		T(suffix_is_case_insensitive),
		T(prefix_is_case_sensitive),
		T(split_at_first_separator_only),
		T(single_underscore_has_no_separator),
		T(bad_version_with_separator),
		T(other_suffix_is_not_a_migration),
		T(callbacks_are_recognised_longest_first),
		T(every_event_is_a_callback),
		T(undo_and_baseline_prefixes),
		T(configured_prefix_separator_and_suffixes),
		T(timestamp_versions),
		T(java_class_names),
		T(checksum_vectors),
		T(checksum_ignores_blank_lines_not_spaces),
		T(checksum_is_signed),
		T(repeatable_order_is_utf16),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
