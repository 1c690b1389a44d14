/*
 * catalog_snapshot.c: copies of the simulated schema, and its canonical
 * text for comparing two points of a history.
 *
 * A copy is what lets a pass try operations (a changeset, then its
 * rollback) without disturbing the catalog it started from.  Relations
 * point at each other (partitions, views reading a table, foreign keys
 * into it, owned sequences), so the copy maps every old relation to its
 * new one and rewrites those pointers; strings and name lists are never
 * changed in place by the catalog, so the copy shares them.
 *
 * The snapshot is one line per fact, sorted: two catalogs hold the same
 * schema exactly when their snapshots are equal, whatever order of
 * operations built them (column order included, as pg_dump comparisons
 * in the tests ignore it too).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/catalog_internal.h"

/* ---- Which relations -------------------------------------------------- */

/* The relations a partial copy or snapshot covers, found by name: the
 * work is proportional to the names asked for, not to the catalog. */
typedef struct rel_set {
	bool all;
	cat_rel **rels;
	size_t n, cap;
	const char **types;    /* "schema.name" keys asked for, to match types */
	size_t n_types, cap_types;
	mg_map seen;           /* "%p" -> non-NULL */
} rel_set;

static const char *ptr_key(char *buf, size_t n, const void *p)
{
	snprintf(buf, n, "%p", p);
	return buf;
}

/* A relation that exists now: not dropped, not a stand-in for a missing
 * one, and the one its name resolves to. */
static bool live(const mg_catalog *cat, const cat_rel *r)
{
	return !r->dropped && !r->phantom &&
	       cat_map_get2(&cat->relations, r->pub.schema, r->pub.name) == r;
}

static void set_add(rel_set *s, mg_arena *arena, cat_rel *r)
{
	char k[32];
	if (!r || mg_map_get(&s->seen, ptr_key(k, sizeof k, r)))
		return;
	mg_map_put(&s->seen, k, r);
	mg_arena_push(arena, (void ***)&s->rels, &s->n, &s->cap, r);
	/* What goes with a relation: its partitions and owned sequences. */
	for (size_t i = 0; i < r->pub.n_partitions; i++)
		set_add(s, arena, (cat_rel *)r->pub.partitions[i]);
	for (size_t i = 0; i < r->owned.n; i++)
		set_add(s, arena, r->owned.items[i]);
}

static void set_init(rel_set *s, mg_arena *arena, const mg_catalog *cat, const mg_object *only,
                     size_t n_only)
{
	memset(s, 0, sizeof *s);
	mg_map_init(&s->seen, arena);
	s->all = only == NULL;
	if (s->all) {
		for (size_t i = 0; i < cat->all.n; i++)
			mg_arena_push(arena, (void ***)&s->rels, &s->n, &s->cap, cat->all.items[i]);
		return;
	}
	for (size_t i = 0; i < n_only; i++) {
		const mg_object *o = &only[i];
		const char *name = o->kind == MG_OBJ_COLUMN || o->kind == MG_OBJ_CONSTRAINT
		                       ? o->table
		                       : o->name;
		if (!name)
			continue;
		const char *schema = o->schema ? o->schema : cat->default_schema;
		mg_arena_push(arena, (void ***)&s->types, &s->n_types, &s->cap_types,
		              (void *)cat_key(arena, schema, name));
		cat_rel *r = cat_find(cat, schema, name);
		if (r && live(cat, r))
			set_add(s, arena, r);
		/* An index names its table through the catalog. */
		mg_cat_relation *t = mg_catalog_index_table(cat, schema, name, NULL);
		if (t && live(cat, (cat_rel *)t))
			set_add(s, arena, (cat_rel *)t);
	}
}

/* ---- Copy ------------------------------------------------------------- */

typedef struct copier {
	const mg_catalog *src;
	mg_catalog *dst;
	mg_map remap;  /* "%p" of an old cat_rel -> its copy */
	bool some_columns;           /* only the columns named below */
	const char *const *columns;
	size_t n_columns;
} copier;

static cat_rel *remap(const copier *c, const void *old)
{
	char k[32];
	return old ? mg_map_get(&c->remap, ptr_key(k, sizeof k, old)) : NULL;
}

static void *dup_array(mg_arena *arena, const void *src, size_t elem, size_t n)
{
	if (!src || !n)
		return NULL;
	void *d = mg_arena_alloc(arena, elem * n);
	memcpy(d, src, elem * n);
	return d;
}

static cat_vec remap_vec(const copier *c, const cat_vec *v)
{
	cat_vec out = {0};
	for (size_t i = 0; i < v->n; i++) {
		cat_rel *r = remap(c, v->items[i]);
		if (r)
			mg_arena_push(c->dst->arena, &out.items, &out.n, &out.cap, r);
	}
	return out;
}

/* Of the source's columns, those named, each once: a fresh array, and a
 * column index of its own built on first use. */
static void keep_columns(const copier *c, const cat_rel *o, cat_rel *n)
{
	mg_arena *a = c->dst->arena;
	mg_cat_relation *p = &n->pub;
	p->columns = mg_arena_alloc(a, (c->n_columns + 1) * sizeof *p->columns);
	p->n_columns = 0;
	p->caps[0] = c->n_columns + 1;
	memset(&n->col_index, 0, sizeof n->col_index);
	n->col_index.arena = a;
	for (size_t i = 0; i < c->n_columns; i++) {
		const mg_cat_column *col = mg_catalog_column(&o->pub, c->columns[i]);
		if (col && !mg_catalog_column(p, col->name))
			p->columns[p->n_columns++] = *col;
	}
}

/* The arrays of a relation, its own from here on (but for the columns,
 * with_columns false: keep_columns made them). */
static void own_arrays(mg_arena *a, cat_rel *n, bool with_columns)
{
	mg_cat_relation *p = &n->pub;
	if (with_columns)
		p->columns = dup_array(a, p->columns, sizeof *p->columns, p->n_columns);
	p->indexes = dup_array(a, p->indexes, sizeof *p->indexes, p->n_indexes);
	p->constraints = dup_array(a, p->constraints, sizeof *p->constraints, p->n_constraints);
	p->reads = dup_array(a, p->reads, sizeof *p->reads, p->n_reads);
	p->caps[1] = p->n_indexes;
	p->caps[2] = p->n_constraints;
	p->caps[3] = p->n_reads;
	if (!with_columns)
		return;
	p->caps[0] = p->n_columns;
	/* Positions and names are the same: the index answers for the copy,
	 * and the copy's changes must not reach the source's. */
	cat_col_index *x = &n->col_index;
	x->slots = dup_array(a, x->slots, sizeof *x->slots, x->cap);
	x->tree = dup_array(a, x->tree, sizeof *x->tree, x->cap ? x->cap + 1 : 0);
	x->live = dup_array(a, x->live, sizeof *x->live, x->cap);
	x->arena = a;
}

static void copy_rel_fields(const copier *c, const cat_rel *o, cat_rel *n, bool borrow)
{
	mg_arena *a = c->dst->arena;
	if (borrow)
		cat_column_index_ready((cat_rel *)o);
	*n = *o;
	if (borrow) {
		/* Appending to a borrowed array must not write past the source's
		 * end: with no spare capacity, an append reallocates. */
		n->pub.caps[0] = o->pub.n_columns;
		n->pub.caps[1] = o->pub.n_indexes;
		n->pub.caps[2] = o->pub.n_constraints;
		n->pub.caps[3] = o->pub.n_reads;
		n->col_index.arena = a;
	} else {
		if (c->some_columns)
			keep_columns(c, o, n);
		own_arrays(a, n, !c->some_columns);
	}
	cat_rel *parent = remap(c, o->pub.parent);
	n->pub.parent = parent ? &parent->pub : NULL;
	n->pub.partitions = NULL;
	n->pub.n_partitions = 0;
	n->caps_parts = 0;
	for (size_t i = 0; i < o->pub.n_partitions; i++) {
		cat_rel *p = remap(c, o->pub.partitions[i]);
		if (p)
			mg_arena_push(a, (void ***)&n->pub.partitions, &n->pub.n_partitions, &n->caps_parts,
			              &p->pub);
	}
	n->owner = remap(c, o->owner);
	n->owned = remap_vec(c, &o->owned);
	n->fk_in = remap_vec(c, &o->fk_in);
	n->views_in = remap_vec(c, &o->views_in);
}

/* Copies a map whose values are relations, with the NULL tombstones of
 * dropped names. */
static void copy_rel_map(const copier *c, const mg_map *src, mg_map *dst)
{
	for (size_t i = 0; i < src->cap; i++) {
		const mg_map_entry *e = &src->slots[i];
		if (!e->key)
			continue;
		cat_rel *r = remap(c, e->value);
		if (r || !e->value)
			mg_map_put(dst, e->key, r);
	}
}

static void copy_map(const mg_map *src, mg_map *dst)
{
	for (size_t i = 0; i < src->cap; i++)
		if (src->slots[i].key)
			mg_map_put(dst, src->slots[i].key, src->slots[i].value);
}

static mg_catalog *copy(const mg_catalog *cat, mg_arena *arena, const mg_object *only,
                        size_t n_only, bool borrow, const char *const *columns,
                        size_t n_columns)
{
	copier c = {cat, mg_catalog_new(arena, cat->default_schema), {0}, columns != NULL, columns,
	            n_columns};
	mg_catalog *d = c.dst;
	mg_map_init(&c.remap, arena);
	rel_set set;
	set_init(&set, arena, cat, only, n_only);
	/* Allocate every copy first so that pointers between them can be
	 * remapped in one pass, whatever order they were made in. */
	cat_rel **made = mg_arena_alloc(arena, (set.n + 1) * sizeof *made);
	for (size_t i = 0; i < set.n; i++) {
		char k[32];
		made[i] = mg_arena_alloc(arena, sizeof *made[i]);
		mg_map_put(&c.remap, ptr_key(k, sizeof k, set.rels[i]), made[i]);
	}
	for (size_t i = 0; i < set.n; i++) {
		copy_rel_fields(&c, set.rels[i], made[i], borrow);
		mg_arena_push(arena, &d->all.items, &d->all.n, &d->all.cap, made[i]);
	}
	if (set.all) {
		copy_rel_map(&c, &cat->relations, &d->relations);
		copy_rel_map(&c, &cat->by_name, &d->by_name);
		copy_rel_map(&c, &cat->indexes, &d->indexes);
		copy_map(&cat->functions, &d->functions);
		copy_map(&cat->opaque_words, &d->opaque_words);
		d->rows_mark = cat->rows_mark;
	} else {
		/* A partial copy registers what it holds, as the catalog would. */
		for (size_t i = 0; i < set.n; i++) {
			cat_register(d, made[i]);
			for (size_t k = 0; k < made[i]->pub.n_indexes; k++)
				cat_map_set(d, &d->indexes, made[i]->pub.schema,
				            made[i]->pub.indexes[k].name, made[i]);
		}
		d->rows_mark = d->all.n;
	}
	if (borrow) {
		d->types = cat->types;
		d->checked_domains = cat->checked_domains;
		d->extensions = cat->extensions;
		d->schemas = cat->schemas;
		d->borrowed = true;
	} else {
		copy_map(&cat->types, &d->types);
		copy_map(&cat->checked_domains, &d->checked_domains);
		copy_map(&cat->extensions, &d->extensions);
		copy_map(&cat->schemas, &d->schemas);
	}
	d->global_uncertain = cat->global_uncertain;
	d->baseline_mode = cat->baseline_mode;
	d->extensions_seen = cat->extensions_seen;
	return d;
}

mg_catalog *mg_catalog_copy(const mg_catalog *cat, mg_arena *arena, const mg_object *only,
                            size_t n_only)
{
	return copy(cat, arena, only, n_only, false, NULL, 0);
}

mg_catalog *mg_catalog_copy_columns(const mg_catalog *cat, mg_arena *arena, const mg_object *only,
                                    size_t n_only, const char *const *columns, size_t n_columns)
{
	static const char *const none[1] = {NULL};
	return copy(cat, arena, only, n_only, false, columns ? columns : none,
	            columns ? n_columns : 0);
}

mg_catalog *mg_catalog_borrow(const mg_catalog *cat, mg_arena *arena, const mg_object *only,
                              size_t n_only)
{
	return copy(cat, arena, only, n_only, true, NULL, 0);
}

static void own_map(mg_catalog *cat, mg_map *m)
{
	mg_map borrowed = *m;
	mg_map_init(m, cat->arena);
	copy_map(&borrowed, m);
}

void cat_own_borrowed(mg_catalog *cat)
{
	if (!cat->borrowed)
		return;
	cat->borrowed = false;
	for (size_t i = 0; i < cat->all.n; i++)
		own_arrays(cat->arena, cat->all.items[i], true);
	own_map(cat, &cat->types);
	own_map(cat, &cat->checked_domains);
	own_map(cat, &cat->extensions);
	own_map(cat, &cat->schemas);
}

/* ---- Snapshot --------------------------------------------------------- */

typedef struct lines {
	char **items;
	size_t n, cap;
	mg_arena *arena;
} lines;

static void add_line(lines *l, mg_buf *b)
{
	mg_arena_push(l->arena, (void ***)&l->items, &l->n, &l->cap,
	              mg_arena_strdup(l->arena, mg_buf_cstr(b)));
	mg_buf_clear(b);
}

static void put_names(mg_buf *b, const mg_name_list *l)
{
	mg_buf_putc(b, '(');
	for (size_t i = 0; i < l->count; i++)
		mg_buf_printf(b, "%s%s", i ? "," : "", l->items[i]);
	mg_buf_putc(b, ')');
}

static const char *kind_word(mg_object_kind k)
{
	switch (k) {
	case MG_OBJ_VIEW: return "view";
	case MG_OBJ_MATERIALIZED_VIEW: return "materialized_view";
	case MG_OBJ_SEQUENCE: return "sequence";
	default: return "table";
	}
}

/* A default as PostgreSQL would store it, as far as text can tell: a
 * literal's cast to the column type and the quotes around a number are
 * not part of the fact ('4', 4 and '4'::integer are one default). */
static void put_default(mg_buf *b, const char *d)
{
	size_t n = strlen(d);
	if (n >= 2 && d[0] == '\'') {
		size_t close = 1;
		while (close < n && !(d[close] == '\'' && (close + 1 >= n || d[close + 1] != '\'')))
			close += d[close] == '\'' ? 2 : 1;
		if (close < n && (close + 1 == n || !strncmp(d + close + 1, "::", 2))) {
			bool number = close > 1;
			for (size_t i = 1; i < close; i++)
				number = number && strchr("0123456789.-+", d[i]) != NULL;
			if (number)
				mg_buf_printf(b, " default %.*s", (int)(close - 1), d + 1);
			else
				mg_buf_printf(b, " default %.*s", (int)(close + 1), d);
			return;
		}
	}
	mg_buf_printf(b, " default %s", d);
}

static void snap_rel(lines *l, const cat_rel *r)
{
	const mg_cat_relation *p = &r->pub;
	mg_buf b = MG_BUF_INIT;
	const char *s = p->schema, *t = p->name;
	mg_buf_printf(&b, "%s %s.%s", kind_word(p->kind), s, t);
	if (p->partitioned) {
		mg_buf_puts(&b, " partitioned by ");
		put_names(&b, &p->partition_key);
	}
	if (p->unlogged)
		mg_buf_puts(&b, " unlogged");
	if (p->parent) {
		mg_buf_printf(&b, " partition of %s.%s", p->parent->schema, p->parent->name);
		if (p->is_default_partition)
			mg_buf_puts(&b, " default");
		if (p->bound_in.count) {
			mg_buf_puts(&b, " in ");
			put_names(&b, &p->bound_in);
		}
		if (p->bound_from.count) {
			mg_buf_puts(&b, " from ");
			put_names(&b, &p->bound_from);
			mg_buf_puts(&b, " to ");
			put_names(&b, &p->bound_to);
		}
	}
	add_line(l, &b);
	for (size_t i = 0; i < p->n_columns; i++) {
		const mg_cat_column *c = &p->columns[i];
		mg_buf_printf(&b, "column %s.%s.%s %s", s, t, c->name, c->type ? c->type : "?");
		if (c->not_null)
			mg_buf_puts(&b, " not null");
		if (c->default_expr)
			put_default(&b, c->default_expr);
		if (c->identity)
			mg_buf_puts(&b, " identity");
		if (c->generated)
			mg_buf_puts(&b, " generated");
		add_line(l, &b);
	}
	for (size_t i = 0; i < p->n_constraints; i++) {
		const mg_cat_constraint *k = &p->constraints[i];
		mg_buf_printf(&b, "constraint %s.%s.%s %s ", s, t, k->name,
		              mg_constraint_kind_name(k->kind));
		put_names(&b, &k->columns);
		if (k->expr)
			mg_buf_printf(&b, " check %s", k->expr);
		if (k->kind == MG_CONSTRAINT_FOREIGN_KEY) {
			mg_buf_printf(&b, " references %s.%s ", k->ref_table.schema ? k->ref_table.schema : "?",
			              k->ref_table.name ? k->ref_table.name : "?");
			put_names(&b, &k->ref_columns);
			if (k->on_delete)
				mg_buf_printf(&b, " on delete %s", k->on_delete);
		}
		if (!k->validated)
			mg_buf_puts(&b, " not valid");
		add_line(l, &b);
	}
	for (size_t i = 0; i < p->n_indexes; i++) {
		const mg_cat_index *x = &p->indexes[i];
		mg_buf_printf(&b, "index %s.%s on %s.%s ", s, x->name, s, t);
		put_names(&b, &x->columns);
		if (x->unique)
			mg_buf_puts(&b, " unique");
		if (x->primary)
			mg_buf_puts(&b, " primary");
		if (x->method && !mg_str_ieq(x->method, "btree"))
			mg_buf_printf(&b, " using %s", x->method);
		if (x->where_expr)
			mg_buf_printf(&b, " where %s", x->where_expr);
		if (!x->valid)
			mg_buf_puts(&b, " invalid");
		add_line(l, &b);
	}
	if (p->kind == MG_OBJ_VIEW || p->kind == MG_OBJ_MATERIALIZED_VIEW) {
		mg_buf_printf(&b, "%s %s.%s reads", kind_word(p->kind), s, t);
		/* Read order is definition order: sort it like everything else. */
		const char **names = mg_arena_alloc(l->arena, (p->n_reads + 1) * sizeof *names);
		for (size_t i = 0; i < p->n_reads; i++)
			names[i] = mg_arena_printf(l->arena, "%s.%s", p->reads[i].schema, p->reads[i].name);
		for (size_t i = 1; i < p->n_reads; i++)
			for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
				const char *x = names[j];
				names[j] = names[j - 1];
				names[j - 1] = x;
			}
		for (size_t i = 0; i < p->n_reads; i++)
			mg_buf_printf(&b, " %s", names[i]);
		add_line(l, &b);
	}
	mg_buf_dispose(&b);
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void sorted_join(lines *l, mg_buf *out)
{
	if (l->n > 1)
		qsort(l->items, l->n, sizeof *l->items, cmp_line);
	for (size_t i = 0; i < l->n; i++) {
		/* Identical facts (a relation reachable twice) count once. */
		if (i && !strcmp(l->items[i], l->items[i - 1]))
			continue;
		mg_buf_puts(out, l->items[i]);
		mg_buf_putc(out, '\n');
	}
}

const char *mg_catalog_snapshot(const mg_catalog *cat, mg_arena *arena, const mg_object *only,
                                size_t n_only)
{
	rel_set set;
	set_init(&set, arena, cat, only, n_only);
	lines l = {.arena = arena};
	for (size_t i = 0; i < set.n; i++)
		if (live(cat, set.rels[i]))
			snap_rel(&l, set.rels[i]);
	mg_buf b = MG_BUF_INIT;
	/* Types by their qualified key ("schema.name"; ".name" is the
	 * unqualified alias of the same type). */
	if (set.all) {
		for (size_t i = 0; i < cat->types.cap; i++) {
			const mg_map_entry *e = &cat->types.slots[i];
			if (!e->key || !e->value || e->key[0] == '.')
				continue;
			mg_buf_printf(&b, "type %s", e->key);
			add_line(&l, &b);
		}
	} else {
		for (size_t i = 0; i < set.n_types; i++) {
			if (!mg_map_get(&cat->types, set.types[i]))
				continue;
			mg_buf_printf(&b, "type %s", set.types[i]);
			add_line(&l, &b);
		}
	}
	sorted_join(&l, &b);
	const char *s = mg_arena_strndup(arena, b.data ? b.data : "", b.len);
	mg_buf_dispose(&b);
	return s;
}

const char *mg_snapshot_missing(mg_arena *arena, const char *a, const char *b)
{
	mg_map in_b;
	mg_map_init(&in_b, arena);
	for (const char *p = b; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		mg_map_put(&in_b, mg_arena_strndup(arena, p, n), &in_b);
		p += n + (e ? 1 : 0);
	}
	mg_buf out = MG_BUF_INIT;
	for (const char *p = a; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *line = mg_arena_strndup(arena, p, n);
		if (n && !mg_map_get(&in_b, line)) {
			mg_buf_puts(&out, line);
			mg_buf_putc(&out, '\n');
		}
		p += n + (e ? 1 : 0);
	}
	const char *s = mg_arena_strndup(arena, out.data ? out.data : "", out.len);
	mg_buf_dispose(&out);
	return s;
}

/* ---- Definitions kept for later stages ---------------------------------- */

const char *mg_catalog_view_sql(const mg_cat_relation *rel, size_t *len)
{
	const cat_rel *r = (const cat_rel *)rel;
	if (len)
		*len = r && r->def_sql ? r->def_len : 0;
	return r ? r->def_sql : NULL;
}

const char *mg_catalog_function_sql(const mg_catalog *cat, const char *schema, const char *name)
{
	const char *s = cat_map_get2(&cat->functions, schema ? schema : cat->default_schema, name);
	return s && *s ? s : NULL;
}

void mg_catalog_each_relation(const mg_catalog *cat, void (*fn)(void *ctx, mg_cat_relation *rel),
                              void *ctx)
{
	for (size_t i = 0; i < cat->all.n; i++) {
		cat_rel *r = cat->all.items[i];
		if (live(cat, r))
			fn(ctx, &r->pub);
	}
}

bool mg_catalog_is_placeholder(const mg_cat_relation *rel)
{
	return rel && ((const cat_rel *)rel)->phantom;
}
