/*
 * flyway_toml.c: a small TOML reader for what flyway.toml uses.
 *
 * Tables ([flyway], [environments.dev.flyway], [[array]] accepted as a
 * table), bare, quoted and dotted keys, basic and literal strings (also
 * multi-line), integers, floats, booleans, dates kept as text, arrays
 * (over several lines, trailing comma, comments) and inline tables.
 * Every value becomes one fw_kv with its full dotted key; arrays are
 * joined with ',' because every Flyway list setting is a list of names.
 * A syntax error is a diagnostic at file:line:col; the reader resumes at
 * the next line so one typo does not hide the rest of the file.
 */
#include <string.h>

#include "load/flyway_internal.h"

typedef struct tp {
	mg_project *project;
	const char *file;
	const char *d;
	size_t len, i;
	uint32_t line;
	size_t line_start;
	fw_kv_list *out;
	char *table;          /* current table prefix, "" at the root */
	bool error;           /* an error was reported on this line */
	unsigned depth;
} tp;

#define TOML_MAX_DEPTH 64

static uint32_t column(const tp *p)
{
	uint32_t col = 1;
	for (size_t k = p->line_start; k < p->i && k < p->len; k++)
		if (((unsigned char)p->d[k] & 0xC0) != 0x80)
			col++;
	return col;
}

static bool fail(tp *p, const char *what)
{
	if (!p->error) {
		mg_loc at = {p->file, p->line, column(p)};
		mg_diag_add(&p->project->diags, MG_SEV_MEDIUM, "flyway-config-syntax", at,
		            "TOML: %s; the rest of the line is ignored", what);
	}
	p->error = true;
	return false;
}

static int peek(const tp *p, size_t ahead)
{
	return p->i + ahead < p->len ? (unsigned char)p->d[p->i + ahead] : -1;
}

static void newline(tp *p)
{
	/* p->i is at '\n' (or the '\r' of "\r\n") */
	if (peek(p, 0) == '\r' && peek(p, 1) == '\n')
		p->i++;
	p->i++;
	p->line++;
	p->line_start = p->i;
}

static void skip_blanks(tp *p)
{
	while (peek(p, 0) == ' ' || peek(p, 0) == '\t')
		p->i++;
}

static void skip_comment(tp *p)
{
	if (peek(p, 0) == '#')
		while (p->i < p->len && peek(p, 0) != '\n' && peek(p, 0) != '\r')
			p->i++;
}

/* Blanks, comments and newlines (inside arrays and between lines). */
static void skip_space(tp *p)
{
	for (;;) {
		skip_blanks(p);
		skip_comment(p);
		int c = peek(p, 0);
		if (c == '\n' || c == '\r')
			newline(p);
		else
			return;
	}
}

static void skip_rest_of_line(tp *p)
{
	while (p->i < p->len && peek(p, 0) != '\n' && peek(p, 0) != '\r')
		p->i++;
}


static bool escape(tp *p, mg_buf *b)
{
	p->i++; /* backslash */
	int c = peek(p, 0);
	p->i++;
	switch (c) {
	case 'b': mg_buf_putc(b, '\b'); return true;
	case 't': mg_buf_putc(b, '\t'); return true;
	case 'n': mg_buf_putc(b, '\n'); return true;
	case 'f': mg_buf_putc(b, '\f'); return true;
	case 'r': mg_buf_putc(b, '\r'); return true;
	case 'e': mg_buf_putc(b, 0x1B); return true;
	case '"': mg_buf_putc(b, '"'); return true;
	case '\\': mg_buf_putc(b, '\\'); return true;
	case 'u':
	case 'U': {
		int n = c == 'u' ? 4 : 8;
		unsigned long cp = 0;
		for (int k = 0; k < n; k++) {
			int h = peek(p, 0);
			int v = h >= '0' && h <= '9'   ? h - '0'
			        : h >= 'a' && h <= 'f' ? h - 'a' + 10
			        : h >= 'A' && h <= 'F' ? h - 'A' + 10
			                               : -1;
			if (v < 0)
				return fail(p, "bad \\u escape in a string");
			cp = cp * 16 + (unsigned long)v;
			p->i++;
		}
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return fail(p, "\\u escape is not a Unicode scalar value");
		mg_buf_put_utf8(b, cp);
		return true;
	}
	default:
		p->i--;
		return fail(p, "unknown escape in a string");
	}
}

/* A string starting at p->i (the opening quote).  Appends to b. */
static bool string(tp *p, mg_buf *b)
{
	char q = p->d[p->i];
	bool multi = peek(p, 1) == q && peek(p, 2) == q;
	p->i += multi ? 3 : 1;
	if (multi && (peek(p, 0) == '\n' || peek(p, 0) == '\r'))
		newline(p); /* a newline right after the opening delimiter is trimmed */
	for (;;) {
		int c = peek(p, 0);
		if (c < 0)
			return fail(p, "unterminated string");
		if (c == q) {
			if (!multi) {
				p->i++;
				return true;
			}
			if (peek(p, 1) == q && peek(p, 2) == q) {
				/* up to two more quotes may belong to the content */
				size_t extra = 0;
				while (extra < 2 && peek(p, 3 + extra) == q)
					extra++;
				mg_buf_put(b, p->d + p->i, extra);
				p->i += 3 + extra;
				return true;
			}
		}
		if (c == '\n' || c == '\r') {
			if (!multi)
				return fail(p, "newline in a single-line string");
			mg_buf_putc(b, '\n');
			newline(p);
			continue;
		}
		if (c == '\\' && q == '"') {
			if (multi) {
				/* a line-ending backslash swallows the following blanks */
				size_t k = p->i + 1;
				while (k < p->len && (p->d[k] == ' ' || p->d[k] == '\t'))
					k++;
				if (k < p->len && (p->d[k] == '\n' || p->d[k] == '\r')) {
					p->i = k;
					skip_space(p);
					continue;
				}
			}
			if (!escape(p, b))
				return false;
			continue;
		}
		mg_buf_putc(b, (char)c);
		p->i++;
	}
}

static bool is_bare(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* A dotted key; appends its parts joined with '.' to b. */
static bool key(tp *p, mg_buf *b)
{
	for (;;) {
		skip_blanks(p);
		int c = peek(p, 0);
		if (c == '"' || c == '\'') {
			if (peek(p, 1) == c && peek(p, 2) == c)
				return fail(p, "a key cannot be a multi-line string");
			if (!string(p, b))
				return false;
		} else if (is_bare(c)) {
			while (is_bare(peek(p, 0)))
				mg_buf_putc(b, p->d[p->i++]);
		} else {
			return fail(p, "expected a key");
		}
		skip_blanks(p);
		if (peek(p, 0) != '.')
			return true;
		p->i++;
		mg_buf_putc(b, '.');
	}
}

static bool value(tp *p, const char *full_key, mg_buf *out, bool emit, mg_loc at);

static bool array(tp *p, const char *full_key, mg_buf *out, mg_loc at)
{
	p->i++; /* '[' */
	bool first = true;
	for (;;) {
		skip_space(p);
		if (peek(p, 0) == ']') {
			p->i++;
			return true;
		}
		if (peek(p, 0) < 0)
			return fail(p, "unterminated array");
		mg_buf item = MG_BUF_INIT;
		bool ok = value(p, full_key, &item, false, at);
		if (ok) {
			if (!first)
				mg_buf_putc(out, ',');
			mg_buf_put(out, item.data ? item.data : "", item.len);
			first = false;
		}
		mg_buf_dispose(&item);
		if (!ok)
			return false;
		skip_space(p);
		if (peek(p, 0) == ',') {
			p->i++;
			continue;
		}
		if (peek(p, 0) == ']') {
			p->i++;
			return true;
		}
		return fail(p, "expected ',' or ']' in an array");
	}
}

static bool inline_table(tp *p, const char *full_key, bool emit)
{
	p->i++; /* '{' */
	skip_blanks(p);
	if (peek(p, 0) == '}') {
		p->i++;
		return true;
	}
	for (;;) {
		mg_buf k = MG_BUF_INIT;
		mg_buf_printf(&k, "%s.", full_key);
		bool ok = key(p, &k);
		skip_blanks(p);
		if (ok && peek(p, 0) != '=')
			ok = fail(p, "expected '=' after a key");
		if (ok) {
			p->i++;
			skip_blanks(p);
			mg_loc at = {p->file, p->line, column(p)};
			mg_buf v = MG_BUF_INIT;
			ok = value(p, mg_buf_cstr(&k), &v, emit, at);
			mg_buf_dispose(&v);
		}
		mg_buf_dispose(&k);
		if (!ok)
			return false;
		skip_blanks(p);
		if (peek(p, 0) == ',') {
			p->i++;
			continue;
		}
		if (peek(p, 0) == '}') {
			p->i++;
			return true;
		}
		return fail(p, "expected ',' or '}' in an inline table");
	}
}

static bool value(tp *p, const char *full_key, mg_buf *out, bool emit, mg_loc at)
{
	if (++p->depth > TOML_MAX_DEPTH) {
		p->depth--;
		return fail(p, "arrays or tables nested too deeply");
	}
	bool ok;
	int c = peek(p, 0);
	if (c == '"' || c == '\'') {
		ok = string(p, out);
	} else if (c == '[') {
		ok = array(p, full_key, out, at);
	} else if (c == '{') {
		ok = inline_table(p, full_key, emit);
		emit = false; /* its pairs were emitted one by one */
	} else {
		/* booleans, numbers, dates and times: a run of token characters
		 * (a date's space before the time is taken too) */
		size_t s = p->i;
		while (p->i < p->len) {
			int d = peek(p, 0);
			if (is_bare(d) || d == '.' || d == '+' || d == ':')
				p->i++;
			else if (d == ' ' && p->i > s && p->d[p->i - 1] >= '0' &&
			         p->d[p->i - 1] <= '9' && peek(p, 1) >= '0' && peek(p, 1) <= '9' &&
			         p->i - s == 10 && p->d[s + 4] == '-')
				p->i++;
			else
				break;
		}
		if (p->i == s) {
			ok = fail(p, "expected a value");
		} else {
			size_t n = p->i - s;
			const char *t = p->d + s;
			bool is_bool = (n == 4 && !memcmp(t, "true", 4)) ||
			               (n == 5 && !memcmp(t, "false", 5));
			bool numeric = (t[0] >= '0' && t[0] <= '9') || t[0] == '+' || t[0] == '-' ||
			               (n == 3 && (!memcmp(t, "inf", 3) || !memcmp(t, "nan", 3)));
			if (!is_bool && !numeric) {
				p->i = s; /* report where the value starts */
				ok = fail(p, "expected a value (a string needs quotes)");
			} else {
				mg_buf_put(out, t, n);
				ok = true;
			}
		}
	}
	p->depth--;
	if (ok && emit)
		fw_kv_push(&p->project->arena, p->out, full_key, mg_buf_cstr(out), at);
	return ok;
}

static void end_of_line(tp *p)
{
	skip_blanks(p);
	skip_comment(p);
	if (p->i < p->len && peek(p, 0) != '\n' && peek(p, 0) != '\r')
		fail(p, "unexpected text after the value");
}

int fw_toml_parse(mg_project *project, const char *file, const char *data, size_t len,
                  fw_kv_list *out)
{
	tp p = {project, file, data, len, 0, 1, 0, out, "", false, 0};
	if (len >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB &&
	    (unsigned char)data[2] == 0xBF)
		p.i = p.line_start = 3;
	while (p.i < p.len) {
		p.error = false;
		skip_blanks(&p);
		skip_comment(&p);
		int c = peek(&p, 0);
		if (c < 0)
			break;
		if (c == '\n' || c == '\r') {
			newline(&p);
			continue;
		}
		if (c == '[') {
			bool aot = peek(&p, 1) == '[';
			p.i += aot ? 2 : 1;
			mg_buf k = MG_BUF_INIT;
			if (key(&p, &k)) {
				skip_blanks(&p);
				if (peek(&p, 0) != ']' || (aot && peek(&p, 1) != ']'))
					fail(&p, "expected ']' after a table name");
				else {
					p.i += aot ? 2 : 1;
					p.table = mg_arena_strdup(&project->arena, mg_buf_cstr(&k));
					end_of_line(&p);
				}
			}
			mg_buf_dispose(&k);
		} else {
			mg_buf k = MG_BUF_INIT;
			if (*p.table)
				mg_buf_printf(&k, "%s.", p.table);
			mg_loc at = {file, p.line, column(&p)};
			if (key(&p, &k)) {
				skip_blanks(&p);
				if (peek(&p, 0) != '=') {
					fail(&p, "expected '=' after a key");
				} else {
					p.i++;
					skip_blanks(&p);
					mg_buf v = MG_BUF_INIT;
					if (value(&p, mg_buf_cstr(&k), &v, true, at))
						end_of_line(&p);
					mg_buf_dispose(&v);
				}
			}
			mg_buf_dispose(&k);
		}
		if (p.error)
			skip_rest_of_line(&p);
	}
	return 0;
}
