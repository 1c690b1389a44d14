/*
 * version.c: Flyway versions, parsed and compared as Flyway's
 * MigrationVersion does.
 *
 * Underscores become dots; the text splits at dots; each part is a
 * non-negative integer of any size (kept as decimal text without leading
 * zeros, so "20130115113556" compares exactly); trailing zero parts are
 * dropped, which makes 1, 1.0 and 01.0.0 the same version.  Flyway
 * splits only at dots followed by a digit and then rejects any part that is
 * not a number, so "1.", ".1" and "1..2" are invalid, as here.
 */
#include <string.h>

#include "migraph/model.h"

int mg_version_parse(mg_arena *arena, const char *text, mg_version *out)
{
	memset(out, 0, sizeof *out);
	size_t len = strlen(text);
	if (len == 0)
		return -1;
	size_t max_parts = 1;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == '.' || c == '_')
			max_parts++;
		else if (c < '0' || c > '9')
			return -1;
	}
	const char **parts = mg_arena_alloc(arena, max_parts * sizeof *parts);
	size_t n = 0;
	const char *p = text;
	while (1) {
		const char *start = p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == start)
			return -1; /* empty part: "1..2", "1.", ".1" */
		while (start < p - 1 && *start == '0')
			start++;
		parts[n++] = mg_arena_strndup(arena, start, (size_t)(p - start));
		if (!*p)
			break;
		p++; /* '.' or '_' */
	}
	while (n > 1 && strcmp(parts[n - 1], "0") == 0)
		n--;
	out->parts = parts;
	out->n_parts = n;
	/* MigrationVersion displays (and flyway_schema_history records) the
	 * text as written with '_' turned into '.': "1_0" shows as "1.0" and
	 * "01" as "01", although both equal "1". */
	char *display = mg_arena_strdup(arena, text);
	for (char *q = display; *q; q++)
		if (*q == '_')
			*q = '.';
	out->text = display;
	return 0;
}

/* Compares two decimal strings without leading zeros. */
static int cmp_decimal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return la < lb ? -1 : 1;
	int c = strcmp(a, b);
	return c < 0 ? -1 : c > 0;
}

int mg_version_compare(const mg_version *a, const mg_version *b)
{
	size_t n = a->n_parts > b->n_parts ? a->n_parts : b->n_parts;
	for (size_t i = 0; i < n; i++) {
		const char *pa = i < a->n_parts ? a->parts[i] : "0";
		const char *pb = i < b->n_parts ? b->parts[i] : "0";
		int c = cmp_decimal(pa, pb);
		if (c)
			return c;
	}
	return 0;
}
