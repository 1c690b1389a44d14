/*
 * sqltext.c: see sqltext.h.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "analyze/sqltext.h"

static bool needs_quotes(const char *name)
{
	if (!name[0] || isdigit((unsigned char)name[0]))
		return true;
	for (const char *p = name; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_' ||
		      (unsigned char)*p >= 0x80))
			return true;
	/* A few reserved words that turn up as column names in migrations. */
	static const char *const reserved[] = {"user", "order", "group", "table", "select", "from",
	                                       "where", "check", "default", "primary", "references",
	                                       "column", "constraint", "end", "limit", "offset"};
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		if (!strcmp(name, reserved[i]))
			return true;
	return false;
}

void sqlt_ident(mg_buf *out, const char *name)
{
	if (!name) {
		mg_buf_puts(out, "?");
		return;
	}
	if (!needs_quotes(name)) {
		mg_buf_puts(out, name);
		return;
	}
	mg_buf_putc(out, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			mg_buf_putc(out, '"');
		mg_buf_putc(out, *p);
	}
	mg_buf_putc(out, '"');
}

void sqlt_qualified(mg_buf *out, const char *dflt, const char *schema, const char *name)
{
	if (schema && !mg_str_eq(schema, dflt)) {
		sqlt_ident(out, schema);
		mg_buf_putc(out, '.');
	}
	sqlt_ident(out, name);
}

void sqlt_list(mg_buf *out, const mg_name_list *names)
{
	mg_buf_putc(out, '(');
	for (size_t i = 0; i < names->count; i++) {
		if (i)
			mg_buf_puts(out, ", ");
		/* Expressions (lower(email)) are written as they came. */
		if (strpbrk(names->items[i], "( "))
			mg_buf_puts(out, names->items[i]);
		else
			sqlt_ident(out, names->items[i]);
	}
	mg_buf_putc(out, ')');
}

const char *sqlt_index_name(mg_arena *arena, const char *table, const mg_name_list *cols,
                              const char *suffix)
{
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, table ? table : "t");
	for (size_t i = 0; i < cols->count && i < 3; i++) {
		mg_buf_putc(&b, '_');
		for (const char *p = cols->items[i]; *p; p++)
			if (isalnum((unsigned char)*p) || *p == '_')
				mg_buf_putc(&b, (char)tolower((unsigned char)*p));
	}
	mg_buf_printf(&b, "_%s", suffix);
	const char *s = mg_arena_strndup(arena, b.data, b.len > 63 ? 63 : b.len);
	mg_buf_dispose(&b);
	return s;
}

const char *sqlt_insert_after(mg_arena *arena, const char *sql, size_t len,
                                const char *keyword, const char *insert)
{
	size_t k = strlen(keyword);
	for (size_t i = 0; i + k <= len; i++) {
		if (strncasecmp(sql + i, keyword, k) != 0)
			continue;
		bool start_ok = i == 0 || !isalnum((unsigned char)sql[i - 1]);
		bool end_ok = i + k == len || !isalnum((unsigned char)sql[i + k]);
		if (!start_ok || !end_ok)
			continue;
		return mg_arena_printf(arena, "%.*s %s%.*s", (int)(i + k), sql, insert,
		                       (int)(len - i - k), sql + i + k);
	}
	return NULL;
}
