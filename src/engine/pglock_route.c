/*
 * pglock_route.c: tuple routing and partition pruning.  Since PostgreSQL 12 an
 * INSERT into a partitioned table locks only the partitions its rows land
 * in, and an UPDATE or DELETE only the partitions the planner keeps (before,
 * every partition).  For INSERT ... VALUES with literal keys the model
 * routes each row as the server would: a range partition holds
 * from <= key < to, a list partition the listed values, the default
 * partition the rest; a WHERE that bounds the key by constants keeps the
 * partitions whose bound meets those bounds.  What it cannot decide (an
 * expression, a key it cannot compare) keeps the partition, the cautious
 * answer.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/pglock_internal.h"

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

bool eng_route_insert(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode)
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
		eng_lock(c, MG_OBJ_TABLE, dest->schema, dest->name, mode);
	}
	eng_note(c, "since PostgreSQL 12 an INSERT into a partitioned table locks only the "
	           "partitions its rows are routed to");
	return true;
}

/* The key's bounds a WHERE sets: lo..hi, each inclusive or not, NULL when
 * open.  Returns false when a term cannot be compared. */
typedef struct key_range {
	const char *lo, *hi;
	bool lo_incl, hi_incl;
} key_range;

static bool narrow(mg_arena *arena, key_range *r, const mg_where_term *t)
{
	bool eq = !strcmp(t->op, "=");
	if (eq || t->op[0] == '>') {
		bool incl = eq || !strcmp(t->op, ">=");
		int c = r->lo ? compare(arena, t->value, r->lo) : 1;
		if (c == -2)
			return false;
		if (c > 0 || (c == 0 && !incl)) {
			r->lo = t->value;
			r->lo_incl = incl;
		}
	}
	if (eq || t->op[0] == '<') {
		bool incl = eq || !strcmp(t->op, "<=");
		int c = r->hi ? compare(arena, t->value, r->hi) : -1;
		if (c == -2)
			return false;
		if (c < 0 || (c == 0 && !incl)) {
			r->hi = t->value;
			r->hi_incl = incl;
		}
	}
	return true;
}

/* Is v within r?  1 yes, 0 no, -1 unknown. */
static int in_range(mg_arena *arena, const key_range *r, const char *v)
{
	int cl = r->lo ? compare(arena, v, r->lo) : 1;
	int ch = r->hi ? compare(arena, v, r->hi) : -1;
	if (cl == -2 || ch == -2)
		return -1;
	return (cl > 0 || (cl == 0 && r->lo_incl)) && (ch < 0 || (ch == 0 && r->hi_incl));
}

/* Does partition p's bound meet r?  covered is set when every key r
 * admits lies in p (so the default partition gets none of them).
 * 1 yes, 0 no, -1 unknown. */
static int meets(mg_arena *arena, const mg_cat_relation *p, const key_range *r, bool *covered)
{
	*covered = false;
	if (p->bound_in.count) {
		bool unknown = false;
		for (size_t i = 0; i < p->bound_in.count; i++) {
			int in = in_range(arena, r, p->bound_in.items[i]);
			if (in == 1) {
				*covered = r->lo && r->hi && compare(arena, r->lo, r->hi) == 0;
				return 1;
			}
			unknown |= in < 0;
		}
		return unknown ? -1 : 0;
	}
	if (p->bound_from.count != 1 || p->bound_to.count != 1)
		return -1;
	const char *from = p->bound_from.items[0], *to = p->bound_to.items[0];
	bool from_open = mg_str_ieq(from, "minvalue"), to_open = mg_str_ieq(to, "maxvalue");
	/* from <= key < to meets lo..hi unless hi < from or lo >= to */
	int hf = from_open || !r->hi ? 1 : compare(arena, r->hi, from);
	int lt = to_open || !r->lo ? -1 : compare(arena, r->lo, to);
	if (hf == -2 || lt == -2)
		return -1;
	if (hf < 0 || (hf == 0 && !r->hi_incl) || lt >= 0)
		return 0;
	int lf = from_open ? 1 : r->lo ? compare(arena, r->lo, from) : -1;
	int ht = to_open ? -1 : r->hi ? compare(arena, r->hi, to) : 1;
	*covered = lf >= 0 && (ht < 0 || (ht == 0 && !r->hi_incl));
	return 1;
}

bool eng_prune_partitions(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode)
{
	const mg_operation *op = c->op;
	if (c->major < 12 || rel->partition_key.count != 1 || !rel->n_partitions)
		return false;
	key_range r = {0};
	bool bounded = false;
	for (size_t i = 0; i < op->n_where_terms; i++) {
		if (!mg_str_ieq(op->where_terms[i].column, rel->partition_key.items[0]))
			continue;
		if (!narrow(c->arena, &r, &op->where_terms[i]))
			return false;
		bounded = true;
	}
	if (!bounded)
		return false;
	const mg_cat_relation *fallback = NULL;
	bool covered_any = false;
	for (size_t i = 0; i < rel->n_partitions; i++) {
		const mg_cat_relation *p = rel->partitions[i];
		if (p->is_default_partition) {
			fallback = p;
			continue;
		}
		bool covered;
		if (!meets(c->arena, p, &r, &covered))
			continue;
		covered_any |= covered;
		eng_lock_rel(c, p, mode);
		eng_lock_partitions(c, p, mode);
		eng_lock_tree_indexes(c, p, mode);
	}
	if (fallback && !covered_any) {
		eng_lock_rel(c, fallback, mode);
		eng_lock_partitions(c, fallback, mode);
		eng_lock_tree_indexes(c, fallback, mode);
	}
	eng_note(c, "since PostgreSQL 12 the planner opens only the partitions whose bounds meet "
	           "the WHERE's conditions on the partition key");
	return true;
}
