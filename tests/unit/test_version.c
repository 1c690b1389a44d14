/*
 * test_version.c: Flyway versions parse and compare as MigrationVersion
 * does (formats.md A3 and A14).
 */
#include "harness.h"

static mg_arena arena;

static int setup(void **state)
{
	(void)state;
	mg_arena_init(&arena);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mg_arena_free(&arena);
	return 0;
}

static int cmp(const char *a, const char *b)
{
	mg_version va, vb;
	assert_int_equal(mg_version_parse(&arena, a, &va), 0);
	assert_int_equal(mg_version_parse(&arena, b, &vb), 0);
	return mg_version_compare(&va, &vb);
}

static void underscore_equals_dot(void **state)
{
	(void)state;
	assert_int_equal(cmp("1_1", "1.1"), 0);
	assert_int_equal(cmp("1_2_3", "1.2.3"), 0);
}

static void leading_zeros_are_ignored(void **state)
{
	(void)state;
	assert_int_equal(cmp("01.1", "1.1"), 0);
	assert_int_equal(cmp("001", "1"), 0);
	assert_int_equal(cmp("2.01", "2.1"), 0);
}

static void trailing_zero_parts_are_dropped(void **state)
{
	(void)state;
	assert_int_equal(cmp("1", "1.0"), 0);
	assert_int_equal(cmp("1", "1.0.0"), 0);
	assert_int_equal(cmp("01.0.0", "1"), 0);
	mg_version v;
	assert_int_equal(mg_version_parse(&arena, "1.0.0", &v), 0);
	assert_int_equal(v.n_parts, 1);
}

static void parts_compare_numerically(void **state)
{
	(void)state;
	assert_true(cmp("1.2", "1.10") < 0);
	assert_true(cmp("2", "10") < 0);
	assert_true(cmp("1.1", "1") > 0);
	assert_true(cmp("1.0.1", "1") > 0);
	assert_true(cmp("13.1", "13.2") < 0);
	assert_true(cmp("66.3", "67") < 0);
}

static void timestamps_of_any_size_compare_exactly(void **state)
{
	(void)state;
	assert_true(cmp("20130115113556", "20130115113557") < 0);
	assert_true(cmp("20130115113556", "9") > 0);
	assert_true(cmp("123456789012345678901234567890", "123456789012345678901234567891") < 0);
	assert_int_equal(cmp("0000123456789012345678901234567890", "123456789012345678901234567890"), 0);
}

static void zero_is_a_version(void **state)
{
	(void)state;
	mg_version v;
	assert_int_equal(mg_version_parse(&arena, "0", &v), 0);
	assert_int_equal(v.n_parts, 1);
	assert_true(cmp("0", "0.1") < 0);
	assert_int_equal(cmp("0", "0.0"), 0);
}

static void invalid_versions_are_rejected(void **state)
{
	(void)state;
	mg_version v;
	const char *bad[] = {"", "1.", ".1", "1..2", "1.a", "a", "1-2", "1 2", "v1", "1__2", NULL};
	for (size_t i = 0; bad[i]; i++) {
		if (mg_version_parse(&arena, bad[i], &v) == 0)
			fail_msg("'%s' should not parse", bad[i]);
	}
}

static void display_text_is_as_written_with_dots(void **state)
{
	(void)state;
	/* What flyway_schema_history.version holds. */
	mg_version v;
	assert_int_equal(mg_version_parse(&arena, "1_0", &v), 0);
	assert_string_equal(v.text, "1.0");
	assert_int_equal(mg_version_parse(&arena, "2_1_3", &v), 0);
	assert_string_equal(v.text, "2.1.3");
	assert_int_equal(mg_version_parse(&arena, "01", &v), 0);
	assert_string_equal(v.text, "01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(underscore_equals_dot, setup, teardown),
		cmocka_unit_test_setup_teardown(leading_zeros_are_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(trailing_zero_parts_are_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(parts_compare_numerically, setup, teardown),
		cmocka_unit_test_setup_teardown(timestamps_of_any_size_compare_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(zero_is_a_version, setup, teardown),
		cmocka_unit_test_setup_teardown(invalid_versions_are_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(display_text_is_as_written_with_dots, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
