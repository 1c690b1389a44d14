/*
 * test_review_escape.c: names and messages from a hostile repository,
 * escaped for the review's Markdown and terminal text, and the document
 * writer's block syntax in both.
 */
#include "harness.h"
#include "render/review_int.h"

typedef void (*put_fn)(mg_buf *out, const char *s);

static void expect_escaped(put_fn fn, const char *in, const char *want)
{
	mg_buf b = MG_BUF_INIT;
	fn(&b, in);
	assert_string_equal(mg_buf_cstr(&b), want);
	mg_buf_dispose(&b);
}

static void markdown_specials_are_escaped(void **state)
{
	(void)state;
	expect_escaped(rv_md_text, "a|b*c_d`e[f]", "a\\|b\\*c\\_d\\`e\\[f\\]");
	expect_escaped(rv_md_text, "<img src=x>&amp;", "&lt;img src=x&gt;&amp;amp;");
	expect_escaped(rv_md_text, "@here #1 ~x~ \\", "\\@here \\#1 \\~x\\~ \\\\");
	/* Plain prose stays readable. */
	expect_escaped(rv_md_text, "public.orders (80 GB): 2.0M", "public.orders (80 GB): 2.0M");
}

static void markdown_controls_and_line_breaks(void **state)
{
	(void)state;
	/* ESC shown as text; a line break cannot end the paragraph or row. */
	expect_escaped(rv_md_text, "a\x1b[2Jb", "a\\\\x1b\\[2Jb");
	expect_escaped(rv_md_text, "one\ntwo\r\n| x", "one two  \\| x");
	expect_escaped(rv_md_text, "bad \xff byte", "bad \\xff byte");
	expect_escaped(rv_md_text, "caf\xc3\xa9", "caf\xc3\xa9");
}

static void code_span_fence_outgrows_backticks(void **state)
{
	(void)state;
	mg_buf b = MG_BUF_INIT;
	rv_md_code(&b, "a``b", false);
	assert_string_equal(mg_buf_cstr(&b), "```a``b```");
	mg_buf_clear(&b);
	rv_md_code(&b, "`x", false);
	assert_string_equal(mg_buf_cstr(&b), "`` `x ``");
	mg_buf_clear(&b);
	rv_md_code(&b, "a|b", true);
	assert_string_equal(mg_buf_cstr(&b), "`a\\|b`");
	mg_buf_clear(&b);
	rv_md_code(&b, "a|b", false);
	assert_string_equal(mg_buf_cstr(&b), "`a|b`");
	mg_buf_dispose(&b);
}

static void code_block_cannot_be_closed_by_its_text(void **state)
{
	(void)state;
	mg_buf b = MG_BUF_INIT;
	rv_md_code_block(&b, "sql", "SELECT 1;\n```\n# not a heading\n", "  ");
	assert_string_equal(mg_buf_cstr(&b),
	                    "  ````sql\n  SELECT 1;\n  ```\n  # not a heading\n  ````\n");
	mg_buf_clear(&b);
	rv_md_code_block(&b, NULL, "x\x1by", "");
	assert_string_equal(mg_buf_cstr(&b), "```\nx\\x1by\n```\n");
	mg_buf_dispose(&b);
}

static void location_link_target_is_percent_encoded(void **state)
{
	(void)state;
	mg_buf b = MG_BUF_INIT;
	mg_loc loc = {"db/V1__a b(c)<x>.sql", 3, 1};
	rv_md_location(&b, &loc);
	assert_string_equal(mg_buf_cstr(&b),
	                    "[db/V1\\_\\_a b(c)&lt;x&gt;.sql:3](db/V1__a%20b%28c%29%3Cx%3E.sql#L3)");
	mg_buf_clear(&b);
	/* A scheme cannot sneak in: the colon is encoded. */
	rv_md_url(&b, "javascript:alert(1)");
	assert_string_equal(mg_buf_cstr(&b), "javascript%3Aalert%281%29");
	mg_buf_dispose(&b);
}

static void text_escapes_every_control(void **state)
{
	(void)state;
	expect_escaped(rv_text, "a\x1b[31mb\x07", "a\\x1b[31mb\\x07");
	expect_escaped(rv_text, "row\nfile:1: critical", "row\\nfile:1: critical");
	/* A C1 control as a code point, never as a raw byte it is not. */
	expect_escaped(rv_text, "c1 \xc2\x9b csi", "c1 \\u009b csi");
	expect_escaped(rv_text, "lone \xe2\x80 byte", "lone \\xe2\\x80 byte");
	expect_escaped(rv_text, "caf\xc3\xa9\tx", "caf\xc3\xa9\\tx");
}

static void text_block_indents_each_line(void **state)
{
	(void)state;
	mg_buf b = MG_BUF_INIT;
	rv_text_block(&b, "a\r\n\tb\x1b\nc\n", "    ");
	assert_string_equal(mg_buf_cstr(&b), "    a\n    \tb\\x1b\n    c\n");
	mg_buf_dispose(&b);
}

static void durations_and_counts_as_reviewers_read_them(void **state)
{
	(void)state;
	static const struct {
		double ms;
		const char *text;
	} durations[] = {{0.2, "under 1 ms"}, {850, "850 ms"},     {42950, "43.0 s"},
	                 {119999, "120.0 s"}, {1333333, "22 min"}, {7200000, "2.0 h"}};
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++) {
		mg_buf_clear(&b);
		rv_put_duration(&b, durations[i].ms);
		assert_string_equal(mg_buf_cstr(&b), durations[i].text);
	}
	mg_buf_clear(&b);
	mg_buf_put_count(&b, 315);
	mg_buf_puts(&b, " ");
	mg_buf_put_count(&b, 137439);
	mg_buf_puts(&b, " ");
	mg_buf_put_count(&b, 10500000);
	assert_string_equal(mg_buf_cstr(&b), "315 137K 10.5M");
	mg_buf_clear(&b);
	static const double sizes[] = {512, 5e6, 12.9e9, 80e9, 2e15, 3e18};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		mg_buf_put_bytes(&b, sizes[i]);
		mg_buf_putc(&b, '|');
	}
	assert_string_equal(mg_buf_cstr(&b), "512 B|5.0 MB|13 GB|80 GB|2.0 PB|3000 PB|");
	mg_buf_dispose(&b);
}

/* ---- The writer ------------------------------------------------------------ */

static const char *const headers[] = {"name", "waits"};

static void write_sample(rv_doc *d)
{
	rv_heading(d, 2);
	rv_put(d, "A. Risk");
	rv_heading_end(d);
	rv_para(d);
	rv_put(d, "- not a list");
	rv_para_end(d);
	rv_item(d, 12);
	rv_put(d, "1. not a number");
	rv_item(d, 0);
	rv_put(d, "nested");
	rv_item_end(d);
	rv_code_block(d, "sql", "SELECT 1;", NULL);
	rv_item_end(d);
	rv_list_end(d);
	rv_table(d, 2, headers);
	rv_cell(d);
	rv_code(d, "caf\xc3\xa9|x");
	rv_cell_end(d);
	rv_cell(d);
	rv_severity(d, MG_SEV_CRITICAL);
	rv_cell_end(d);
	rv_table_end(d);
}

static void writer_markdown(void **state)
{
	(void)state;
	mg_buf b = MG_BUF_INIT;
	rv_doc d;
	rv_doc_init(&d, &b, RV_MARKDOWN, false);
	write_sample(&d);
	rv_doc_finish(&d);
	assert_string_equal(mg_buf_cstr(&b), "## A. Risk\n\n"
	                                     "\\- not a list\n\n"
	                                     "12. 1\\. not a number\n"
	                                     "    - nested\n"
	                                     "    ```sql\n"
	                                     "    SELECT 1;\n"
	                                     "    ```\n"
	                                     "\n"
	                                     "\n"
	                                     "| name | waits |\n"
	                                     "|---|---|\n"
	                                     "| `caf\xc3\xa9\\|x` | **critical** |\n"
	                                     "\n");
	mg_buf_dispose(&b);
}

static void writer_text_aligns_and_colours(void **state)
{
	(void)state;
	mg_buf b = MG_BUF_INIT;
	rv_doc d;
	rv_doc_init(&d, &b, RV_TEXT, true);
	rv_table(&d, 2, headers);
	rv_cell(&d);
	rv_put(&d, "caf\xc3\xa9 au lait");
	rv_cell_end(&d);
	rv_cell(&d);
	rv_severity(&d, MG_SEV_HIGH);
	rv_cell_end(&d);
	rv_table_end(&d);
	rv_doc_finish(&d);
	/* The name column is as wide as its widest cell in characters (é is
	 * one), colour codes take no width. */
	assert_string_equal(mg_buf_cstr(&b), "  \033[1mname\033[0m          \033[1mwaits\033[0m\n"
	                                     "  caf\xc3\xa9 au lait  \033[31mhigh\033[0m\n\n");
	mg_buf_clear(&b);
	rv_doc_init(&d, &b, RV_TEXT, false);
	rv_heading(&d, 1);
	rv_put(&d, "Review \x1b]0;title\x07");
	rv_heading_end(&d);
	rv_doc_finish(&d);
	assert_string_equal(mg_buf_cstr(&b), "Review \\x1b]0;title\\x07\n"
	                                     "=======================\n\n");
	mg_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(markdown_specials_are_escaped),
		cmocka_unit_test(markdown_controls_and_line_breaks),
		cmocka_unit_test(code_span_fence_outgrows_backticks),
		cmocka_unit_test(code_block_cannot_be_closed_by_its_text),
		cmocka_unit_test(location_link_target_is_percent_encoded),
		cmocka_unit_test(text_escapes_every_control),
		cmocka_unit_test(text_block_indents_each_line),
		cmocka_unit_test(durations_and_counts_as_reviewers_read_them),
		cmocka_unit_test(writer_markdown),
		cmocka_unit_test(writer_text_aligns_and_colours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
