/*
 * json_writer.c: see json_writer.h.
 *
 * Strings are written as UTF-8; control characters (C0, DEL, C1, the
 * bidirectional controls, U+2028 and U+2029) are escaped, and bytes that
 * are not valid UTF-8 (a migration may hold anything) are replaced by
 * U+FFFD so the document always parses.
 */
#include <stdio.h>
#include <string.h>

#include "render/json_writer.h"

void rnd_json_init(rnd_json *j, mg_buf *out, bool pretty)
{
	memset(j, 0, sizeof *j);
	j->out = out;
	j->pretty = pretty;
	j->first[0] = true;
}

static void newline(rnd_json *j)
{
	if (!j->pretty)
		return;
	mg_buf_putc(j->out, '\n');
	for (int i = 0; i < j->depth; i++)
		mg_buf_puts(j->out, "  ");
}

/* Writes the separator before a value (or key) at the current depth. */
static void before_value(rnd_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth == 0)
		return;
	if (!j->first[j->depth])
		mg_buf_putc(j->out, ',');
	j->first[j->depth] = false;
	newline(j);
}

static void open(rnd_json *j, char c)
{
	before_value(j);
	mg_buf_putc(j->out, c);
	if (j->depth + 1 < RND_JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(rnd_json *j, char c)
{
	bool empty = j->first[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (!empty)
		newline(j);
	mg_buf_putc(j->out, c);
}

void rnd_json_begin_object(rnd_json *j) { open(j, '{'); }
void rnd_json_end_object(rnd_json *j) { close_(j, '}'); }
void rnd_json_begin_array(rnd_json *j) { open(j, '['); }
void rnd_json_end_array(rnd_json *j) { close_(j, ']'); }

static void write_string(mg_buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	mg_buf_putc(out, '"');
	size_t i = 0;
	while (i < n) {
		/* Copy runs of plain ASCII in one go. */
		size_t start = i;
		while (i < n && p[i] >= 0x20 && p[i] < 0x7F && p[i] != '"' && p[i] != '\\')
			i++;
		if (i > start)
			mg_buf_put(out, s + start, i - start);
		if (i >= n)
			break;
		unsigned char c = p[i];
		switch (c) {
		case '"': mg_buf_puts(out, "\\\""); i++; continue;
		case '\\': mg_buf_puts(out, "\\\\"); i++; continue;
		case '\n': mg_buf_puts(out, "\\n"); i++; continue;
		case '\r': mg_buf_puts(out, "\\r"); i++; continue;
		case '\t': mg_buf_puts(out, "\\t"); i++; continue;
		default: break;
		}
		unsigned long cp;
		size_t len = mg_utf8_decode(p + i, n - i, &cp);
		if (len == 0) {
			mg_buf_puts(out, "\xEF\xBF\xBD");
			i++;
		} else if (mg_cp_is_control(cp)) {
			/* The same value, but no raw DEL, C1 or bidi control for a
			 * terminal that shows the document. */
			mg_buf_printf(out, "\\u%04lx", cp);
			i += len;
		} else {
			mg_buf_put(out, s + i, len);
			i += len;
		}
	}
	mg_buf_putc(out, '"');
}

void rnd_json_key(rnd_json *j, const char *key)
{
	before_value(j);
	write_string(j->out, key, strlen(key));
	mg_buf_puts(j->out, j->pretty ? ": " : ":");
	j->after_key = true;
}

void rnd_json_string_n(rnd_json *j, const char *s, size_t n)
{
	before_value(j);
	write_string(j->out, s, n);
}

void rnd_json_string(rnd_json *j, const char *s)
{
	if (!s) {
		rnd_json_null(j);
		return;
	}
	rnd_json_string_n(j, s, strlen(s));
}

void rnd_json_int(rnd_json *j, long long v)
{
	before_value(j);
	mg_buf_printf(j->out, "%lld", v);
}

void rnd_json_bool(rnd_json *j, bool v)
{
	before_value(j);
	mg_buf_puts(j->out, v ? "true" : "false");
}

void rnd_json_null(rnd_json *j)
{
	before_value(j);
	mg_buf_puts(j->out, "null");
}

void rnd_json_kv_string(rnd_json *j, const char *key, const char *s)
{
	rnd_json_key(j, key);
	rnd_json_string(j, s);
}

void rnd_json_kv_int(rnd_json *j, const char *key, long long v)
{
	rnd_json_key(j, key);
	rnd_json_int(j, v);
}

void rnd_json_kv_bool(rnd_json *j, const char *key, bool v)
{
	rnd_json_key(j, key);
	rnd_json_bool(j, v);
}

void rnd_json_kv_string_opt(rnd_json *j, const char *key, const char *s)
{
	if (s)
		rnd_json_kv_string(j, key, s);
}
