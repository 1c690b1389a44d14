/*
 * pg_route.c: tuple routing.  Since PostgreSQL 12 an INSERT into a
 * partitioned table locks only the partitions its rows land in (before,
 * every partition).  For INSERT ... VALUES with literal keys the model
 * routes each row as the server would: a range partition holds
 * from <= key < to, a list partition the listed values, the default
 * partition the rest.  A row it cannot route (an expression, a key it
 * cannot compare) makes it lock every partition, the cautious answer.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/pg_internal.h"

/* A literal without quotes or a trailing ::cast, in the arena. */
static const char *literal(mg_arena *arena, const char *text, bool *quoted)
{
	*quoted = false;
	if (!text)
		return NULL;
	const char *cast = strstr(text, "::");
	size_t n = cast ? (size_t)(cast - text) : strlen(text);
	while (n && text[n - 1] == ' ')
		n--;
	if (n >= 2 && text[0] == '\'' && text[n - 1] == '\'') {
		*quoted = true;
		return mg_arena_strndup(arena, text + 1, n - 2);
	}
	return mg_arena_strndup(arena, text, n);
}

/* Compares two literals: numerically when both are numbers, else as text
 * (right for ISO dates and timestamps).  Returns -2 when they cannot be
 * compared (a function call, a NULL). */
static int compare(mg_arena *arena, const char *a, const char *b)
{
	bool qa, qb;
	const char *x = literal(arena, a, &qa), *y = literal(arena, b, &qb);
	if (!x || !y || strchr(x, '(') || strchr(y, '(') || mg_str_ieq(x, "null") ||
	    mg_str_ieq(y, "null"))
		return -2;
	char *ex, *ey;
	double dx = strtod(x, &ex), dy = strtod(y, &ey);
	if (!qa && !qb && *x && *y && !*ex && !*ey)
		return dx < dy ? -1 : dx > dy;
	if (qa != qb && !(qa && qb))
		return -2; /* a number against a string: leave it to the server */
	int c = strcmp(x, y);
	return c < 0 ? -1 : c > 0;
}

/* Does partition p hold key?  1 yes, 0 no, -1 unknown. */
static int holds(mg_arena *arena, const mg_cat_relation *p, const char *key)
{
	if (p->bound_in.count) {
		for (size_t i = 0; i < p->bound_in.count; i++) {
			int c = compare(arena, key, p->bound_in.items[i]);
			if (c == -2)
				return -1;
			if (c == 0)
				return 1;
		}
		return 0;
	}
	if (p->bound_from.count != 1 || p->bound_to.count != 1)
		return -1; /* multi-column ranges: not modelled */
	const char *lo = p->bound_from.items[0], *hi = p->bound_to.items[0];
	bool lo_open = mg_str_ieq(lo, "minvalue"), hi_open = mg_str_ieq(hi, "maxvalue");
	int cl = lo_open ? 1 : compare(arena, key, lo);
	int ch = hi_open ? -1 : compare(arena, key, hi);
	if (cl == -2 || ch == -2)
		return -1;
	return cl >= 0 && ch < 0;
}

/* The position of the key column in the inserted rows, or -1. */
static long key_position(const mg_operation *op, const mg_cat_relation *rel, const char *key)
{
	if (op->insert_columns.count) {
		for (size_t i = 0; i < op->insert_columns.count; i++)
			if (mg_str_ieq(op->insert_columns.items[i], key))
				return (long)i;
		return -1;
	}
	for (size_t i = 0; i < rel->n_columns; i++)
		if (mg_str_ieq(rel->columns[i].name, key))
			return (long)i;
	return -1;
}

bool pg_route_insert(pg_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode)
{
	const mg_operation *op = c->op;
	if (!op->n_insert_rows || rel->partition_key.count != 1 || !rel->n_partitions)
		return false;
	long pos = key_position(op, rel, rel->partition_key.items[0]);
	if (pos < 0)
		return false;
	const mg_cat_relation *fallback = NULL;
	for (size_t i = 0; i < rel->n_partitions; i++)
		if (rel->partitions[i]->is_default_partition)
			fallback = rel->partitions[i];
	for (size_t r = 0; r < op->n_insert_rows; r++) {
		const mg_name_list *row = &op->insert_rows[r];
		if ((size_t)pos >= row->count)
			return false;
		const mg_cat_relation *dest = NULL;
		for (size_t i = 0; i < rel->n_partitions && !dest; i++) {
			const mg_cat_relation *p = rel->partitions[i];
			if (p->is_default_partition)
				continue;
			int h = holds(c->arena, p, row->items[pos]);
			if (h < 0)
				return false;
			if (h)
				dest = p;
		}
		if (!dest)
			dest = fallback;
		if (!dest)
			return false; /* no partition takes it: the server rejects the row */
		if (dest->partitioned)
			return false; /* sub-partitions: route no further, lock all */
		pg_lock(c, MG_OBJ_TABLE, dest->schema, dest->name, mode);
	}
	pg_note(c, "since PostgreSQL 12 an INSERT into a partitioned table locks only the "
	           "partitions its rows are routed to");
	return true;
}
