/*
 * json_writer.c: see json_writer.h.
 *
 * Strings are written as UTF-8; control characters are escaped, and bytes
 * that are not valid UTF-8 (a migration may hold anything) are replaced by
 * U+FFFD so the document always parses.
 */
#include <stdio.h>
#include <string.h>

#include "render/json_writer.h"

void mg_json_init(mg_json *j, mg_buf *out, bool pretty)
{
	memset(j, 0, sizeof *j);
	j->out = out;
	j->pretty = pretty;
	j->first[0] = true;
}

static void newline(mg_json *j)
{
	if (!j->pretty)
		return;
	mg_buf_putc(j->out, '\n');
	for (int i = 0; i < j->depth; i++)
		mg_buf_puts(j->out, "  ");
}

/* Writes the separator before a value (or key) at the current depth. */
static void before_value(mg_json *j)
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

static void open(mg_json *j, char c)
{
	before_value(j);
	mg_buf_putc(j->out, c);
	if (j->depth + 1 < MG_JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(mg_json *j, char c)
{
	bool empty = j->first[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (!empty)
		newline(j);
	mg_buf_putc(j->out, c);
}

void mg_json_begin_object(mg_json *j) { open(j, '{'); }
void mg_json_end_object(mg_json *j) { close_(j, '}'); }
void mg_json_begin_array(mg_json *j) { open(j, '['); }
void mg_json_end_array(mg_json *j) { close_(j, ']'); }

size_t mg_utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0) {
		len = 2;
		cp = c & 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3;
		cp = c & 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return len;
}

static void write_string(mg_buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	mg_buf_putc(out, '"');
	size_t i = 0;
	while (i < n) {
		/* Copy runs of plain ASCII in one go. */
		size_t start = i;
		while (i < n && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' && p[i] != '\\')
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
		if (c < 0x20) {
			mg_buf_printf(out, "\\u%04x", c);
			i++;
			continue;
		}
		size_t len = mg_utf8_seq_len(p + i, n - i);
		if (len == 0) {
			mg_buf_puts(out, "\xEF\xBF\xBD");
			i++;
		} else {
			mg_buf_put(out, s + i, len);
			i += len;
		}
	}
	mg_buf_putc(out, '"');
}

void mg_json_key(mg_json *j, const char *key)
{
	before_value(j);
	write_string(j->out, key, strlen(key));
	mg_buf_puts(j->out, j->pretty ? ": " : ":");
	j->after_key = true;
}

void mg_json_string_n(mg_json *j, const char *s, size_t n)
{
	before_value(j);
	write_string(j->out, s, n);
}

void mg_json_string(mg_json *j, const char *s)
{
	if (!s) {
		mg_json_null(j);
		return;
	}
	mg_json_string_n(j, s, strlen(s));
}

void mg_json_int(mg_json *j, long long v)
{
	before_value(j);
	mg_buf_printf(j->out, "%lld", v);
}

void mg_json_bool(mg_json *j, bool v)
{
	before_value(j);
	mg_buf_puts(j->out, v ? "true" : "false");
}

void mg_json_null(mg_json *j)
{
	before_value(j);
	mg_buf_puts(j->out, "null");
}

void mg_json_kv_string(mg_json *j, const char *key, const char *s)
{
	mg_json_key(j, key);
	mg_json_string(j, s);
}

void mg_json_kv_int(mg_json *j, const char *key, long long v)
{
	mg_json_key(j, key);
	mg_json_int(j, v);
}

void mg_json_kv_bool(mg_json *j, const char *key, bool v)
{
	mg_json_key(j, key);
	mg_json_bool(j, v);
}

void mg_json_kv_string_opt(mg_json *j, const char *key, const char *s)
{
	if (s)
		mg_json_kv_string(j, key, s);
}
