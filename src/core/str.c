/*
 * str.c: small string helpers (ASCII only: identifiers and keywords).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "migraph/core.h"

bool mg_str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool mg_str_ieq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcasecmp(a, b) == 0;
}

bool mg_str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool mg_str_iends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

bool mg_str_icontains(const char *s, const char *needle)
{
	size_t n = strlen(needle);
	for (; s && *s; s++)
		if (!strncasecmp(s, needle, n))
			return true;
	return false;
}

char *mg_str_lower(mg_arena *arena, const char *s)
{
	char *p = mg_arena_strdup(arena, s);
	for (char *q = p; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return p;
}

bool mg_str_parse_bool(const char *s, bool *out)
{
	if (!s)
		return false;
	if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcmp(s, "1")) {
		*out = true;
		return true;
	}
	if (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcmp(s, "0")) {
		*out = false;
		return true;
	}
	return false;
}
