/*
 * test_escape.c: output a hostile repository cannot abuse.  Text escapes
 * (mg_buf_put_escaped), JSON string escapes (render/json_writer.c) and
 * SARIF artifact URIs (mg_sarif_uri), one class of character at a time.
 */
#include "harness.h"
#include "migraph/render.h"
#include "render/json_writer.h"

static const char *esc(mg_buf *b, const char *s, size_t n, bool keep_tabs)
{
	mg_buf_clear(b);
	mg_buf_put_escaped(b, s, n, keep_tabs);
	return mg_buf_cstr(b);
}

#define ESC(b, lit, tabs) esc(b, lit, sizeof lit - 1, tabs)

static void text_escapes_every_control(void **state)
{
	(void)state;
	mg_buf b = MG_BUF_INIT;
	assert_string_equal(ESC(&b, "plain V1__a.sql", false), "plain V1__a.sql");
	assert_string_equal(ESC(&b, "a\x1b[31mred", false), "a\\x1b[31mred");
	assert_string_equal(ESC(&b, "a\nb.sql:1:1: critical", false), "a\\nb.sql:1:1: critical");
	assert_string_equal(ESC(&b, "lone\rcr", false), "lone\\rcr");
	assert_string_equal(ESC(&b, "t\tab", false), "t\\tab");
	assert_string_equal(ESC(&b, "t\tab", true), "t\tab");
	assert_string_equal(ESC(&b, "n\0ul", false), "n\\x00ul");
	assert_string_equal(ESC(&b, "bel\a", false), "bel\\x07");
	assert_string_equal(ESC(&b, "del\x7f", false), "del\\x7f");
	/* C1: U+009B is CSI for terminals that take 8-bit controls. */
	assert_string_equal(ESC(&b, "c1\xc2\x9b" "2J", false), "c1\\u009b2J");
	assert_string_equal(ESC(&b, "c1\xc2\x85", false), "c1\\u0085");
	/* Bidirectional overrides and line separators reorder or break what is shown. */
	assert_string_equal(ESC(&b, "\xe2\x80\xae" "lqs.evil", false), "\\u202elqs.evil");
	assert_string_equal(ESC(&b, "\xe2\x81\xa6x\xe2\x81\xa9", false), "\\u2066x\\u2069");
	assert_string_equal(ESC(&b, "ls\xe2\x80\xa8", false), "ls\\u2028");
	/* A raw 0x9b byte (not UTF-8) and other invalid bytes. */
	assert_string_equal(ESC(&b, "raw\x9b" "2J\xff", false), "raw\\x9b2J\\xff");
	assert_string_equal(ESC(&b, "over\xc0\x80long", false), "over\\xc0\\x80long");
	/* Names in other scripts stay readable. */
	assert_string_equal(ESC(&b, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80", false),
	                    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
	mg_buf_dispose(&b);
}

static void utf8_decoding(void **state)
{
	(void)state;
	unsigned long cp = 0;
	assert_int_equal(mg_utf8_decode((const unsigned char *)"\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(mg_utf8_decode((const unsigned char *)"\xc3\xa9", 1, &cp), 0); /* cut */
	assert_int_equal(mg_utf8_decode((const unsigned char *)"\xed\xa0\x80", 3, &cp), 0); /* surrogate */
	assert_int_equal(mg_utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0);
	assert_int_equal(mg_utf8_decode((const unsigned char *)"\xe0\x80\xaf", 3, &cp), 0); /* overlong */
	assert_true(mg_cp_is_control(0x1B));
	assert_true(mg_cp_is_control(0x7F));
	assert_true(mg_cp_is_control(0x9B));
	assert_true(mg_cp_is_control(0x202E));
	assert_false(mg_cp_is_control(0xA0));
	assert_false(mg_cp_is_control('a'));
}

static const char *json_of(mg_buf *b, const char *s, size_t n)
{
	mg_buf_clear(b);
	rnd_json j;
	rnd_json_init(&j, b, false);
	rnd_json_string_n(&j, s, n);
	return mg_buf_cstr(b);
}

#define JSON(b, lit) json_of(b, lit, sizeof lit - 1)

static void json_escapes_every_control(void **state)
{
	(void)state;
	mg_buf b = MG_BUF_INIT;
	assert_string_equal(JSON(&b, "a\x1b[31m\n\r\t\"\\"), "\"a\\u001b[31m\\n\\r\\t\\\"\\\\\"");
	assert_string_equal(JSON(&b, "del\x7f"), "\"del\\u007f\"");
	assert_string_equal(JSON(&b, "c1\xc2\x9b"), "\"c1\\u009b\"");
	assert_string_equal(JSON(&b, "\xe2\x80\xae" "x\xe2\x80\xa9"), "\"\\u202ex\\u2029\"");
	assert_string_equal(JSON(&b, "caf\xc3\xa9"), "\"caf\xc3\xa9\"");
	assert_string_equal(JSON(&b, "bad\xff"), "\"bad\xef\xbf\xbd\"");
	mg_buf_dispose(&b);
}

static const char *uri(mg_buf *b, const char *path)
{
	mg_buf_clear(b);
	mg_sarif_uri(b, path);
	return mg_buf_cstr(b);
}

static void sarif_uris_are_percent_encoded(void **state)
{
	(void)state;
	mg_buf b = MG_BUF_INIT;
	assert_string_equal(uri(&b, "db/migration/V1_2__add-x.sql"), "db/migration/V1_2__add-x.sql");
	assert_string_equal(uri(&b, "db/V1 a#b%c?.sql"), "db/V1%20a%23b%25c%3F.sql");
	assert_string_equal(uri(&b, "caf\xc3\xa9.sql"), "caf%C3%A9.sql");
	assert_string_equal(uri(&b, "a\nb\x1b.sql"), "a%0Ab%1B.sql");
	/* A first segment with ':' would read as a scheme. */
	assert_string_equal(uri(&b, "C:x.sql"), "C%3Ax.sql");
	/* "//etc/passwd" would name the host "etc". */
	assert_string_equal(uri(&b, "//etc/passwd"), "/etc/passwd");
	assert_string_equal(uri(&b, "///x"), "/x");
	assert_string_equal(uri(&b, "/abs/path.sql"), "/abs/path.sql");
	mg_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_escapes_every_control),
		cmocka_unit_test(utf8_decoding),
		cmocka_unit_test(json_escapes_every_control),
		cmocka_unit_test(sarif_uris_are_percent_encoded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
