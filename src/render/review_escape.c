/*
 * review_escape.c: names, messages and SQL from the project, made safe for
 * the review's formats.
 *
 * Everything printed comes from repositories written by strangers: a
 * table name may hold Markdown, HTML, a backtick fence or a terminal
 * escape sequence.  Markdown gets backslash escapes and entities, code
 * blocks get a fence no line of their content can close, links get
 * percent-encoded targets; text for a terminal gets every control
 * character (C0, DEL, C1) and every byte that is not UTF-8 escaped as
 * everywhere else (mg_buf_put_escaped: \xNN, \uNNNN).
 */
#include <string.h>

#include "render/review_int.h"

/* Calls put for each unit of s: a valid character that is not a control
 * (passed through, or rewritten by the caller) or one escaped byte. */
typedef void (*char_fn)(mg_buf *out, const char *at, size_t len, unsigned long cp, void *ctx);

static void each_char(mg_buf *out, const char *s, size_t n, char_fn fn, void *ctx)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned long cp;
		size_t len = mg_utf8_decode(u + i, n - i, &cp);
		if (!len) {
			mg_buf_printf(out, "\\x%02x", u[i]);
			i++;
			continue;
		}
		fn(out, s + i, len, cp, ctx);
		i += len;
	}
}

/* ---- Text ---------------------------------------------------------------- */

void rv_text(mg_buf *out, const char *s)
{
	if (s)
		mg_buf_put_escaped(out, s, strlen(s), false);
}

void rv_text_block(mg_buf *out, const char *text, const char *indent)
{
	if (!text)
		return;
	const char *p = text;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n && p[n - 1] == '\r')
			n--;
		if (!nl && n == 0)
			break;
		mg_buf_puts(out, indent);
		mg_buf_put_escaped(out, p, n, true);
		mg_buf_putc(out, '\n');
		if (!nl)
			break;
		p = nl + 1;
		if (!*p)
			break;
	}
}

/* ---- Markdown ------------------------------------------------------------ */

static void md_char(mg_buf *out, const char *at, size_t len, unsigned long cp, void *ctx)
{
	(void)ctx;
	if (cp == '\n' || cp == '\r' || cp == '\t') {
		mg_buf_putc(out, ' ');
		return;
	}
	if (mg_cp_is_control(cp)) {
		mg_buf_putc(out, '\\'); /* the backslash of \xNN, itself escaped */
		mg_buf_put_escaped_cp(out, cp);
		return;
	}
	switch (cp) {
	case '&': mg_buf_puts(out, "&amp;"); return;
	case '<': mg_buf_puts(out, "&lt;"); return;
	case '>': mg_buf_puts(out, "&gt;"); return;
	case '\\': case '|': case '`': case '*': case '_': case '[': case ']': case '#': case '~':
	case '@':
		mg_buf_putc(out, '\\');
		mg_buf_putc(out, (char)cp);
		return;
	default:
		mg_buf_put(out, at, len);
	}
}

/* '|' is escaped everywhere, so inline text is also safe in a table cell. */
void rv_md_text(mg_buf *out, const char *s)
{
	if (s)
		each_char(out, s, strlen(s), md_char, NULL);
}

typedef struct code_ctx {
	bool in_table;
} code_ctx;

static void span_char(mg_buf *out, const char *at, size_t len, unsigned long cp, void *vctx)
{
	const code_ctx *ctx = vctx;
	if (cp == '\n' || cp == '\r' || cp == '\t')
		mg_buf_putc(out, ' ');
	else if (mg_cp_is_control(cp))
		mg_buf_put_escaped_cp(out, cp);
	else if (cp == '|' && ctx->in_table)
		mg_buf_puts(out, "\\|"); /* GFM splits cells before code spans */
	else
		mg_buf_put(out, at, len);
}

static size_t longest_backtick_run(const char *text)
{
	size_t longest = 0, run = 0;
	for (const char *p = text; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	return longest;
}

void rv_md_code(mg_buf *out, const char *s, bool in_table)
{
	if (!s || !*s) {
		mg_buf_puts(out, "` `");
		return;
	}
	size_t fence = longest_backtick_run(s) + 1;
	/* A space inside the fence keeps a leading or trailing backtick of
	 * the text from joining it; Markdown strips one space each side. */
	bool pad = s[0] == '`' || s[strlen(s) - 1] == '`' || s[0] == ' ';
	for (size_t i = 0; i < fence; i++)
		mg_buf_putc(out, '`');
	if (pad)
		mg_buf_putc(out, ' ');
	code_ctx ctx = {in_table};
	each_char(out, s, strlen(s), span_char, &ctx);
	if (pad)
		mg_buf_putc(out, ' ');
	for (size_t i = 0; i < fence; i++)
		mg_buf_putc(out, '`');
}

static void code_char(mg_buf *out, const char *at, size_t len, unsigned long cp, void *ctx)
{
	const char *indent = ctx;
	if (cp == '\n') {
		mg_buf_putc(out, '\n');
		mg_buf_puts(out, indent);
	} else if (cp == '\r') {
		return;
	} else if (cp != '\t' && mg_cp_is_control(cp)) {
		mg_buf_put_escaped_cp(out, cp);
	} else {
		mg_buf_put(out, at, len);
	}
}

void rv_md_code_block(mg_buf *out, const char *lang, const char *text, const char *indent)
{
	if (!text)
		text = "";
	if (!indent)
		indent = "";
	/* A closing fence is a run of at least as many backticks as the
	 * opening one: make the opening longer than any run in the text. */
	size_t longest = longest_backtick_run(text);
	size_t fence = longest >= 3 ? longest + 1 : 3;
	mg_buf_puts(out, indent);
	for (size_t i = 0; i < fence; i++)
		mg_buf_putc(out, '`');
	mg_buf_printf(out, "%s\n", lang ? lang : "");
	size_t n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		n--;
	mg_buf_puts(out, indent);
	each_char(out, text, n, code_char, (void *)indent);
	mg_buf_putc(out, '\n');
	mg_buf_puts(out, indent);
	for (size_t i = 0; i < fence; i++)
		mg_buf_putc(out, '`');
	mg_buf_putc(out, '\n');
}

static bool url_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
}

void rv_md_url(mg_buf *out, const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (url_safe(*p))
			mg_buf_putc(out, (char)*p);
		else
			mg_buf_printf(out, "%%%02X", *p);
	}
}

void rv_md_location(mg_buf *out, const mg_loc *loc)
{
	const char *file = loc->file ? loc->file : "?";
	mg_buf_putc(out, '[');
	rv_md_text(out, file);
	if (loc->line)
		mg_buf_printf(out, ":%u", loc->line);
	mg_buf_puts(out, "](");
	rv_md_url(out, file);
	if (loc->line)
		mg_buf_printf(out, "#L%u", loc->line);
	mg_buf_putc(out, ')');
}
