/*
 * buf.c: a growable byte buffer.  Renderers write into one; the CLI does
 * the single write to the output file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migraph/core.h"

#define SINK_CHUNK (256 * 1024)

void mg_buf_set_sink(mg_buf *buf, void *file)
{
	buf->sink = file;
}

int mg_buf_flush(mg_buf *buf)
{
	if (!buf->sink || !buf->len)
		return buf->error ? -1 : 0;
	if (fwrite(buf->data, 1, buf->len, (FILE *)buf->sink) != buf->len)
		buf->error = 1;
	buf->len = 0;
	buf->data[0] = '\0';
	return buf->error ? -1 : 0;
}

static void reserve(mg_buf *buf, size_t extra)
{
	if (buf->sink && buf->len + extra > SINK_CHUNK)
		mg_buf_flush(buf);
	size_t need = buf->len + extra + 1;
	if (need <= buf->cap)
		return;
	size_t cap = buf->cap ? buf->cap : 256;
	while (cap < need)
		cap *= 2;
	buf->data = mg_xrealloc(buf->data, cap);
	buf->cap = cap;
}

void mg_buf_put(mg_buf *buf, const char *data, size_t len)
{
	reserve(buf, len);
	if (len)
		memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

void mg_buf_puts(mg_buf *buf, const char *s)
{
	mg_buf_put(buf, s, strlen(s));
}

void mg_buf_putc(mg_buf *buf, char c)
{
	mg_buf_put(buf, &c, 1);
}

void mg_buf_vprintf(mg_buf *buf, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n <= 0)
		return;
	reserve(buf, (size_t)n);
	vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
	buf->len += (size_t)n;
}

void mg_buf_printf(mg_buf *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mg_buf_vprintf(buf, fmt, ap);
	va_end(ap);
}

const char *mg_buf_cstr(mg_buf *buf)
{
	return buf->data ? buf->data : "";
}

void mg_buf_clear(mg_buf *buf)
{
	buf->len = 0;
	if (buf->data)
		buf->data[0] = '\0';
}

void mg_buf_dispose(mg_buf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
	buf->sink = NULL;
	buf->error = 0;
}

void mg_buf_put_utf8(mg_buf *buf, unsigned long cp)
{
	if (cp < 0x80) {
		mg_buf_putc(buf, (char)cp);
	} else if (cp < 0x800) {
		mg_buf_putc(buf, (char)(0xC0 | (cp >> 6)));
		mg_buf_putc(buf, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		mg_buf_putc(buf, (char)(0xE0 | (cp >> 12)));
		mg_buf_putc(buf, (char)(0x80 | ((cp >> 6) & 0x3F)));
		mg_buf_putc(buf, (char)(0x80 | (cp & 0x3F)));
	} else {
		mg_buf_putc(buf, (char)(0xF0 | (cp >> 18)));
		mg_buf_putc(buf, (char)(0x80 | ((cp >> 12) & 0x3F)));
		mg_buf_putc(buf, (char)(0x80 | ((cp >> 6) & 0x3F)));
		mg_buf_putc(buf, (char)(0x80 | (cp & 0x3F)));
	}
}

void mg_buf_put_escaped(mg_buf *buf, const char *s, size_t n, bool keep_tabs)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t start = i;
		while (i < n && p[i] >= 0x20 && p[i] < 0x7F)
			i++;
		if (i > start)
			mg_buf_put(buf, s + start, i - start);
		if (i >= n)
			break;
		unsigned long cp;
		size_t len = mg_utf8_decode(p + i, n - i, &cp);
		if (len == 0) {
			mg_buf_printf(buf, "\\x%02x", p[i]);
			i++;
			continue;
		}
		if (!mg_cp_is_control(cp) || (cp == '\t' && keep_tabs))
			mg_buf_put(buf, s + i, len);
		else
			mg_buf_put_escaped_cp(buf, cp);
		i += len;
	}
}

void mg_buf_put_escaped_cp(mg_buf *buf, unsigned long cp)
{
	if (cp == '\n')
		mg_buf_puts(buf, "\\n");
	else if (cp == '\r')
		mg_buf_puts(buf, "\\r");
	else if (cp == '\t')
		mg_buf_puts(buf, "\\t");
	else if (cp < 0x80)
		mg_buf_printf(buf, "\\x%02lx", cp);
	else
		mg_buf_printf(buf, "\\u%04lx", cp);
}
