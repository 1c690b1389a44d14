/*
 * liquibase_filter.c: context and label expressions and dbms lists, as
 * Liquibase evaluates them.
 *
 * An expression is names combined with and, or, ! / not and parentheses;
 * a comma is "or".  Names compare case-insensitively.  The list side is a
 * plain comma-separated set (runtime contexts, or a changeset's labels).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "load/liquibase_int.h"

typedef struct expr_parser {
	const char *p;
	const char *names;
	bool bad;
	unsigned depth;
} expr_parser;

static void skip_ws(expr_parser *e)
{
	while (isspace((unsigned char)*e->p))
		e->p++;
}

/* Reads a word (a name or the and/or/not keywords); returns its length. */
static size_t word_len(const char *p)
{
	size_t n = 0;
	while (p[n] && !isspace((unsigned char)p[n]) && !strchr(",()!", p[n]))
		n++;
	return n;
}

static bool keyword(expr_parser *e, const char *kw)
{
	skip_ws(e);
	size_t n = word_len(e->p);
	if (n == strlen(kw) && strncasecmp(e->p, kw, n) == 0) {
		e->p += n;
		return true;
	}
	return false;
}

static bool in_list(const char *names, const char *w, size_t n)
{
	const char *p = names;
	while (p && *p) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		const char *s = p;
		while (*p && *p != ',')
			p++;
		const char *end = p;
		while (end > s && isspace((unsigned char)end[-1]))
			end--;
		if ((size_t)(end - s) == n && strncasecmp(s, w, n) == 0)
			return true;
	}
	return false;
}

static bool parse_or(expr_parser *e);

static bool parse_unary(expr_parser *e)
{
	skip_ws(e);
	if (++e->depth > 200) {
		e->bad = true;
		return true;
	}
	bool v;
	if (*e->p == '!') {
		e->p++;
		v = !parse_unary(e);
	} else if (keyword(e, "not")) {
		v = !parse_unary(e);
	} else if (*e->p == '(') {
		e->p++;
		v = parse_or(e);
		skip_ws(e);
		if (*e->p == ')')
			e->p++;
		else
			e->bad = true;
	} else {
		size_t n = word_len(e->p);
		if (n == 0) {
			e->bad = true;
			v = true;
		} else {
			v = in_list(e->names, e->p, n);
			e->p += n;
		}
	}
	e->depth--;
	return v;
}

static bool parse_and(expr_parser *e)
{
	bool v = parse_unary(e);
	while (keyword(e, "and")) {
		bool r = parse_unary(e);
		v = v && r;
	}
	return v;
}

static bool parse_or(expr_parser *e)
{
	bool v = parse_and(e);
	for (;;) {
		skip_ws(e);
		if (*e->p == ',') {
			e->p++;
		} else if (!keyword(e, "or")) {
			/* Juxtaposed names ("a b") read as "or", as a list would. */
			skip_ws(e);
			if (!*e->p || *e->p == ')')
				break;
		}
		const char *before = e->p;
		bool r = parse_and(e);
		v = v || r;
		if (e->p == before) {
			e->bad = true;
			break;
		}
	}
	return v;
}

bool lb_expr_matches(const char *expr, const char *names, bool *bad)
{
	if (bad)
		*bad = false;
	if (!expr)
		return true;
	const char *p = expr;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return true;
	expr_parser e = {p, names, false, 0};
	bool v = parse_or(&e);
	skip_ws(&e);
	if (*e.p)
		e.bad = true;
	if (bad)
		*bad = e.bad;
	return v;
}

typedef struct dbms_item {
	const char *s;
	size_t n;
} dbms_item;

static size_t split_list(const char *list, dbms_item *items, size_t max)
{
	size_t count = 0;
	const char *p = list;
	while (p && *p && count < max) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		const char *s = p;
		while (*p && *p != ',')
			p++;
		const char *end = p;
		while (end > s && isspace((unsigned char)end[-1]))
			end--;
		items[count].s = s;
		items[count].n = (size_t)(end - s);
		count++;
	}
	return count;
}

static bool item_is(const dbms_item *it, const char *w)
{
	return it->n == strlen(w) && strncasecmp(it->s, w, it->n) == 0;
}

bool lb_dbms_matches(const char *dbms_list, const char *engine, bool if_empty)
{
	dbms_item items[64];
	size_t n = split_list(dbms_list, items, 64);
	if (n == 0)
		return if_empty;
	bool only_negations = true;
	for (size_t i = 0; i < n; i++) {
		if (item_is(&items[i], "none"))
			return false;
		if (item_is(&items[i], "all"))
			return true;
	}
	for (size_t i = 0; i < n; i++) {
		const dbms_item *it = &items[i];
		if (it->n > 0 && it->s[0] == '!') {
			dbms_item rest = {it->s + 1, it->n - 1};
			while (rest.n && isspace((unsigned char)rest.s[0])) {
				rest.s++;
				rest.n--;
			}
			if (item_is(&rest, engine))
				return false;
		} else {
			only_negations = false;
			if (item_is(it, engine))
				return true;
		}
	}
	return only_negations;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char *lb_dbms_normalise(mg_arena *arena, const char *dbms_list)
{
	dbms_item items[64];
	size_t n = split_list(dbms_list, items, 64);
	if (n == 0)
		return NULL;
	const char *strs[64];
	for (size_t i = 0; i < n; i++)
		strs[i] = mg_arena_strndup(arena, items[i].s, items[i].n);
	qsort(strs, n, sizeof strs[0], cmp_str);
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(strs[i], strs[i - 1]) == 0)
			continue;
		if (b.len)
			mg_buf_putc(&b, ',');
		mg_buf_puts(&b, strs[i]);
	}
	const char *r = mg_arena_strdup(arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}
