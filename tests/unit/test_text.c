/*
 * test_text.c: offsets in transformed text map back to the original file.
 */
#include "harness.h"

static void plain_text_counts_lines_and_code_points(void **state)
{
	(void)state;
	const char *s = "ab\nc\xc3\xa9" "d\n";   /* "cé" then d: é is two bytes, one column */
	mg_text t = {"f.sql", s, strlen(s), NULL, 0};
	mg_text_cursor c;
	uint32_t line, col;
	mg_text_cursor_init(&c, &t);
	mg_text_cursor_seek(&c, 1, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 2);
	mg_text_cursor_seek(&c, 6, &line, &col); /* the 'd' after é */
	assert_int_equal(line, 2);
	assert_int_equal(col, 3);
	/* Going back restarts from the beginning. */
	mg_text_cursor_seek(&c, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
}

static void anchors_move_the_position(void **state)
{
	(void)state;
	/* "XY;Z" where "XY" replaced a 10-byte placeholder starting at 3:5. */
	const char *s = "XY;Z";
	mg_anchor a[] = {{0, 3, 5}, {2, 3, 15}};
	mg_text t = {"f.sql", s, strlen(s), a, 2};
	mg_text_cursor c;
	uint32_t line, col;
	mg_text_cursor_init(&c, &t);
	mg_text_cursor_seek(&c, 1, &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 6);
	mg_text_cursor_seek(&c, 3, &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 16);
}

static void last_anchor_at_one_offset_wins(void **state)
{
	(void)state;
	const char *s = "abc";
	mg_anchor a[] = {{1, 7, 1}, {1, 9, 4}};
	mg_text t = {"f.sql", s, strlen(s), a, 2};
	mg_text_cursor c;
	uint32_t line, col;
	mg_text_cursor_init(&c, &t);
	mg_text_cursor_seek(&c, 1, &line, &col);
	assert_int_equal(line, 9);
	assert_int_equal(col, 4);
	mg_text_cursor_seek(&c, 2, &line, &col);
	assert_int_equal(line, 9);
	assert_int_equal(col, 5);
}

static void every_line_ending_counts(void **state)
{
	(void)state;
	const char *s = "a\r\nb\rc\nd"; /* CRLF, lone CR, LF */
	mg_text t = {"f.sql", s, strlen(s), NULL, 0};
	mg_text_cursor c;
	uint32_t line, col;
	mg_text_cursor_init(&c, &t);
	mg_text_cursor_seek(&c, 3, &line, &col); /* b */
	assert_int_equal(line, 2);
	assert_int_equal(col, 1);
	mg_text_cursor_seek(&c, 5, &line, &col); /* c */
	assert_int_equal(line, 3);
	assert_int_equal(col, 1);
	mg_text_cursor_seek(&c, 7, &line, &col); /* d */
	assert_int_equal(line, 4);
	assert_int_equal(col, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_text_counts_lines_and_code_points),
		cmocka_unit_test(anchors_move_the_position),
		cmocka_unit_test(last_anchor_at_one_offset_wins),
		cmocka_unit_test(every_line_ending_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
