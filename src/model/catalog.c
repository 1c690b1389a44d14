/*
 * catalog.c: the simulated schema's storage and the lookups later stages
 * use (the engine model, the ordering and compatibility rules).
 *
 * Relations live in a hash map keyed by "schema.name" in lower case, so
 * each operation costs a constant number of lookups however long the
 * history is; index names are schema-wide and get a map of their own.
 * Reverse edges (who references this table, which views read it) are
 * kept on the referenced relation, so a DROP never scans the catalog.
 * catalog_apply.c applies operations on top of this.
 */
#include <string.h>

#include "model/catalog_apply_int.h"
#include "model/catalog_internal.h"

mg_catalog *mg_catalog_new(mg_arena *arena, const char *default_schema)
{
	mg_catalog *cat = mg_arena_alloc(arena, sizeof *cat);
	cat->arena = arena;
	cat->default_schema = mg_arena_strdup(
		arena, default_schema ? default_schema : mg_engine_default_schema(MG_ENGINE_POSTGRESQL));
	mg_map_init(&cat->relations, arena);
	mg_map_init(&cat->by_name, arena);
	mg_map_init(&cat->indexes, arena);
	mg_map_init(&cat->types, arena);
	mg_map_init(&cat->checked_domains, arena);
	mg_map_init(&cat->extensions, arena);
	mg_map_init(&cat->functions, arena);
	mg_map_init(&cat->schemas, arena);
	mg_map_init(&cat->opaque_words, arena);
	return cat;
}

const char *mg_catalog_default_schema(const mg_catalog *cat)
{
	return cat->default_schema;
}

void mg_catalog_set_statement(mg_catalog *cat, const char *sql, size_t len)
{
	cat->stmt_sql = sql;
	cat->stmt_len = sql ? len : 0;
}

void mg_catalog_set_baseline_mode(mg_catalog *cat, bool on)
{
	cat->baseline_mode = on;
}

const char *cat_key(mg_arena *arena, const char *schema, const char *name)
{
	mg_buf b = MG_BUF_INIT;
	for (const char *p = schema ? schema : ""; *p; p++)
		mg_buf_putc(&b, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
	mg_buf_putc(&b, '.');
	for (const char *p = name ? name : ""; *p; p++)
		mg_buf_putc(&b, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
	char *key = mg_arena_strdup(arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return key;
}

/* Lookup keys are built on the stack: lookups happen far more often than
 * inserts and must not grow the arena. */
static void *map_get2(const mg_map *map, const char *schema, const char *name)
{
	char small[256];
	size_t ls = schema ? strlen(schema) : 0, ln = name ? strlen(name) : 0;
	if (ls + ln + 2 > sizeof small)
		return NULL; /* longer than any PostgreSQL identifier pair */
	size_t k = 0;
	for (size_t i = 0; i < ls; i++)
		small[k++] = (char)(schema[i] >= 'A' && schema[i] <= 'Z' ? schema[i] + 32 : schema[i]);
	small[k++] = '.';
	for (size_t i = 0; i < ln; i++)
		small[k++] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	small[k] = '\0';
	return mg_map_get(map, small);
}

static void *map_get1(const mg_map *map, const char *name)
{
	return map_get2(map, "", name);
}

cat_rel *cat_find(const mg_catalog *cat, const char *schema, const char *name)
{
	if (!name)
		return NULL;
	if (!schema)
		schema = cat->default_schema;
	cat_rel *r = map_get2(&cat->relations, schema, name);
	if (r || !mg_str_ieq(schema, cat->default_schema))
		return r;
	/* An unqualified name after SET search_path, or a table created in
	 * Flyway's default schema and named unqualified elsewhere. */
	r = map_get1(&cat->by_name, name);
	return r && !r->dropped ? r : NULL;
}

void cat_register(mg_catalog *cat, cat_rel *r)
{
	mg_map_put(&cat->relations, cat_key(cat->arena, r->pub.schema, r->pub.name), r);
	mg_map_put(&cat->by_name, cat_key(cat->arena, "", r->pub.name), r);
}

void cat_unregister(mg_catalog *cat, cat_rel *r)
{
	if (map_get2(&cat->relations, r->pub.schema, r->pub.name) == r)
		mg_map_put(&cat->relations, cat_key(cat->arena, r->pub.schema, r->pub.name), NULL);
	if (map_get1(&cat->by_name, r->pub.name) == r)
		mg_map_put(&cat->by_name, cat_key(cat->arena, "", r->pub.name), NULL);
	for (size_t i = 0; i < r->pub.n_indexes; i++)
		if (map_get2(&cat->indexes, r->pub.schema, r->pub.indexes[i].name) == r)
			mg_map_put(&cat->indexes,
			           cat_key(cat->arena, r->pub.schema, r->pub.indexes[i].name), NULL);
}

mg_cat_relation *mg_catalog_relation(const mg_catalog *cat, const char *schema, const char *name)
{
	cat_rel *r = cat_find(cat, schema, name);
	return r ? &r->pub : NULL;
}

/* Below this many columns a scan is as fast as the table. */
#define COLUMN_INDEX_MIN 16

static uint64_t hash_ci(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		h = (h ^ (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c)) * 1099511628211ull;
	}
	return h;
}

/* The Fenwick tree: tree[i] counts the live ids in (i - lowbit(i), i],
 * id k being entry k + 1. */
static size_t lowbit(size_t i)
{
	return i & (~i + 1);
}

/* Live ids among [0, n). */
static size_t fw_prefix(const cat_col_index *x, size_t n)
{
	size_t sum = 0;
	for (; n; n -= lowbit(n))
		sum += x->tree[n];
	return sum;
}

/* A new live id after every other: its entry sums the range it covers,
 * all of whose other ids are older. */
static size_t fw_append(cat_col_index *x)
{
	size_t id = x->next_id++, i = id + 1;
	x->tree[i] = 1 + fw_prefix(x, i - 1) - fw_prefix(x, i - lowbit(i));
	x->live[id] = 1;
	return id;
}

static void fw_kill(cat_col_index *x, size_t id)
{
	x->live[id] = 0;
	for (size_t i = id + 1; i <= x->next_id; i += lowbit(i))
		x->tree[i]--;
}

/* The live id with pos live ids before it. */
static size_t fw_select(const cat_col_index *x, size_t pos)
{
	size_t step = 1, at = 0, left = pos + 1;
	while (2 * step <= x->next_id)
		step *= 2;
	for (; step; step /= 2) {
		if (at + step <= x->next_id && x->tree[at + step] < left) {
			at += step;
			left -= x->tree[at];
		}
	}
	return at; /* entry at + 1, id at */
}

static size_t id_position(const cat_col_index *x, size_t id)
{
	return fw_prefix(x, id);
}

/* The slot holding name, or the empty slot where it would go.  A slot
 * whose column was renamed since no longer compares equal, and one whose
 * column was dropped is passed over: both only lengthen the probe. */
static size_t *col_slot(cat_col_index *x, const mg_cat_relation *rel, const char *name)
{
	size_t mask = x->cap - 1, i = (size_t)hash_ci(name) & mask;
	while (x->slots[i] &&
	       (!x->live[x->slots[i] - 1] ||
	        !mg_str_ieq(rel->columns[id_position(x, x->slots[i] - 1)].name, name)))
		i = (i + 1) & mask;
	return &x->slots[i];
}

static void col_index_add(cat_col_index *x, const mg_cat_relation *rel, size_t pos, size_t id)
{
	if (!rel->columns[pos].name)
		return;
	/* The first of two names equal but for case wins, as in a scan. */
	size_t *slot = col_slot(x, rel, rel->columns[pos].name);
	if (!*slot)
		*slot = id + 1;
}

static void col_index_update(cat_col_index *x, const mg_cat_relation *rel)
{
	/* Rebuilt only when the table fills (with live or dead slots); the
	 * rebuild hands out the ids anew. */
	if (x->built > rel->n_columns || 2 * (rel->n_columns + x->dropped) > x->cap) {
		size_t cap = x->cap ? x->cap : 64;
		while (2 * rel->n_columns > cap)
			cap *= 2;
		if (cap > x->cap) {
			x->slots = mg_arena_alloc(x->arena, cap * sizeof *x->slots);
			x->tree = mg_arena_alloc(x->arena, (cap + 1) * sizeof *x->tree);
			x->live = mg_arena_alloc(x->arena, cap * sizeof *x->live);
			x->cap = cap;
		} else {
			memset(x->slots, 0, x->cap * sizeof *x->slots);
		}
		x->next_id = 0;
		x->built = 0;
		x->dropped = 0;
	}
	for (; x->built < rel->n_columns; x->built++)
		col_index_add(x, rel, x->built, fw_append(x));
}

void cat_column_renamed(cat_rel *r, size_t pos)
{
	cat_col_index *x = &r->col_index;
	if (pos >= x->built)
		return;
	x->dropped++; /* the slot of the old name is dead */
	if (2 * (r->pub.n_columns + x->dropped) > x->cap)
		col_index_update(x, &r->pub);
	else
		col_index_add(x, &r->pub, pos, fw_select(x, pos));
}

void cat_column_dropped(cat_rel *r, size_t pos)
{
	cat_col_index *x = &r->col_index;
	if (!x->cap)
		return;
	if (pos >= x->built) {
		if (x->built > r->pub.n_columns)
			x->built = r->pub.n_columns;
		return;
	}
	/* The later columns moved down by one; their ids stay, and the
	 * dropped id no longer counts towards their positions. */
	fw_kill(x, fw_select(x, pos));
	x->dropped++;
	x->built--;
}

void cat_column_index_ready(cat_rel *r)
{
	if (r->pub.n_columns >= COLUMN_INDEX_MIN)
		col_index_update(&r->col_index, &r->pub);
}

mg_cat_column *mg_catalog_column(const mg_cat_relation *rel, const char *name)
{
	if (!rel || !name)
		return NULL;
	if (rel->n_columns < COLUMN_INDEX_MIN) {
		for (size_t i = 0; i < rel->n_columns; i++)
			if (mg_str_ieq(rel->columns[i].name, name))
				return &rel->columns[i];
		return NULL;
	}
	/* Every relation is a cat_rel (catalog_internal.h); the index is a
	 * cache of the columns, so a lookup may build it. */
	cat_col_index *x = &((cat_rel *)rel)->col_index;
	col_index_update(x, rel);
	size_t k = *col_slot(x, rel, name);
	return k ? &rel->columns[id_position(x, k - 1)] : NULL;
}

mg_cat_relation *mg_catalog_index_table(const mg_catalog *cat, const char *schema,
                                        const char *index_name, mg_cat_index **index_out)
{
	if (index_out)
		*index_out = NULL;
	if (!index_name)
		return NULL;
	cat_rel *r = map_get2(&cat->indexes, schema ? schema : cat->default_schema, index_name);
	if (!r && (!schema || mg_str_ieq(schema, cat->default_schema)))
		r = map_get1(&cat->indexes, index_name);
	if (!r || r->dropped)
		return NULL;
	for (size_t i = 0; i < r->pub.n_indexes; i++) {
		if (mg_str_ieq(r->pub.indexes[i].name, index_name)) {
			if (index_out)
				*index_out = &r->pub.indexes[i];
			return &r->pub;
		}
	}
	return NULL;
}

mg_cat_constraint *mg_catalog_constraint(const mg_cat_relation *rel, const char *name)
{
	if (!rel || !name)
		return NULL;
	for (size_t i = 0; i < rel->n_constraints; i++)
		if (mg_str_ieq(rel->constraints[i].name, name))
			return &rel->constraints[i];
	return NULL;
}

bool cat_fk_targets(const mg_catalog *cat, const mg_cat_constraint *k, const cat_rel *target)
{
	if (k->kind != MG_CONSTRAINT_FOREIGN_KEY)
		return false;
	return cat_find(cat, k->ref_table.schema, k->ref_table.name) == target;
}

void mg_catalog_each_referencing(const mg_catalog *cat, const mg_cat_relation *rel,
                                 void (*fn)(void *ctx, mg_cat_relation *from,
                                            mg_cat_constraint *fk),
                                 void *ctx)
{
	const cat_rel *target = (const cat_rel *)rel;
	if (!rel)
		return;
	for (size_t i = 0; i < target->fk_in.n; i++) {
		cat_rel *from = target->fk_in.items[i];
		if (from->dropped)
			continue;
		for (size_t k = 0; k < from->pub.n_constraints; k++)
			if (cat_fk_targets(cat, &from->pub.constraints[k], target))
				fn(ctx, &from->pub, &from->pub.constraints[k]);
	}
}

void mg_catalog_each_dependent_view(const mg_catalog *cat, const mg_cat_relation *rel,
                                    void (*fn)(void *ctx, mg_cat_relation *view), void *ctx)
{
	const cat_rel *target = (const cat_rel *)rel;
	if (!rel)
		return;
	for (size_t i = 0; i < target->views_in.n; i++) {
		cat_rel *v = target->views_in.items[i];
		if (v->dropped)
			continue;
		for (size_t k = 0; k < v->pub.n_reads; k++) {
			if (cat_find(cat, v->pub.reads[k].schema, v->pub.reads[k].name) == target) {
				fn(ctx, &v->pub);
				break;
			}
		}
	}
}

void mg_catalog_each_column_of_type(const mg_catalog *cat, const char *schema, const char *type,
                                    void (*fn)(void *ctx, mg_cat_relation *rel,
                                               mg_cat_column *col),
                                    void *ctx)
{
	/* Rare statements (ALTER/DROP DOMAIN) ask this: a walk over every
	 * relation is fine.  A column names the type bare or qualified. */
	const char *qualified = schema ? cat_key(cat->arena, schema, type) : NULL;
	for (size_t i = 0; i < cat->all.n; i++) {
		cat_rel *r = cat->all.items[i];
		if (r->dropped || r->pub.kind != MG_OBJ_TABLE)
			continue;
		for (size_t c = 0; c < r->pub.n_columns; c++) {
			const char *t = r->pub.columns[c].type;
			if (t && (mg_str_ieq(t, type) || (qualified && mg_str_ieq(t, qualified))))
				fn(ctx, &r->pub, &r->pub.columns[c]);
		}
	}
}

/* "col IS NOT NULL" somewhere in a CHECK, as a whole word. */
bool mg_catalog_check_proves_not_null(const mg_cat_relation *rel, const char *column)
{
	if (!rel || !column)
		return false;
	for (size_t i = 0; i < rel->n_constraints; i++) {
		const mg_cat_constraint *k = &rel->constraints[i];
		if (k->kind != MG_CONSTRAINT_CHECK || !k->validated || !k->expr)
			continue;
		const char *e = k->expr;
		size_t cl = strlen(column);
		for (const char *p = e; (p = cat_strcasestr(p, column)) != NULL; p += cl) {
			bool start = p == e || !cat_ident_char(p[-1]);
			if (!start || cat_ident_char(p[cl]))
				continue;
			const char *q = p + cl;
			while (*q == ' ' || *q == ')' || *q == '"')
				q++;
			if (cat_strncaseeq(q, "is not null", 11))
				return true;
		}
	}
	return false;
}

void mg_catalog_assume_rows(mg_catalog *cat)
{
	/* Rows never go away by assumption, so only relations made since the
	 * last call need marking: calling this before every changeset stays
	 * linear over the whole history. */
	for (size_t i = cat->rows_mark; i < cat->all.n; i++) {
		cat_rel *r = cat->all.items[i];
		if (!r->dropped)
			r->has_rows = true;
	}
	cat->rows_mark = cat->all.n;
}

bool mg_catalog_has_rows(const mg_cat_relation *rel)
{
	return rel && (((const cat_rel *)rel)->has_rows || rel->from_baseline || rel->uncertain);
}

bool mg_catalog_columns_unknown(const mg_cat_relation *rel)
{
	return !rel || ((const cat_rel *)rel)->columns_unknown || rel->uncertain;
}

bool mg_catalog_name_uncertain(const mg_catalog *cat, const char *name)
{
	if (cat->global_uncertain)
		return true;
	return name && map_get1(&cat->opaque_words, name) != NULL;
}

bool mg_catalog_view_uses_column(const mg_catalog *cat, const mg_cat_relation *rel,
                                 const char *column)
{
	(void)cat;
	const cat_rel *r = (const cat_rel *)rel;
	for (size_t i = 0; r && column && i < r->views_in.n; i++) {
		const cat_rel *v = r->views_in.items[i];
		if (!v->dropped && ap_view_uses_column(v, column))
			return true;
	}
	return false;
}

bool mg_catalog_view_reads_column(const mg_cat_relation *view, const char *column)
{
	return view && column && ap_view_uses_column((const cat_rel *)view, column);
}

const char *mg_catalog_view_sql_current(const mg_cat_relation *view, size_t *len)
{
	size_t n = 0;
	const char *sql = mg_catalog_view_sql(view, &n);
	if (!sql || !view->name || !cat_text_has_word(sql, n, view->name))
		return NULL;
	for (size_t i = 0; i < view->n_reads; i++)
		if (view->reads[i].name && !cat_text_has_word(sql, n, view->reads[i].name))
			return NULL;
	if (len)
		*len = n;
	return sql;
}

bool mg_catalog_has_extension(const mg_catalog *cat, const char *name)
{
	return name && map_get1(&cat->extensions, name) != NULL;
}

bool mg_catalog_domain_has_constraints(const mg_catalog *cat, const char *schema,
                                       const char *name)
{
	if (!name)
		return false;
	const char *dot = strchr(name, '.');
	if (dot) /* a qualified type name, as a column may record it */
		return map_get2(&cat->checked_domains,
		                mg_arena_strndup(cat->arena, name, (size_t)(dot - name)), dot + 1) != NULL;
	return map_get2(&cat->checked_domains, schema ? schema : cat->default_schema, name) != NULL;
}

bool mg_catalog_has_type(const mg_catalog *cat, const char *schema, const char *name)
{
	return map_get2(&cat->types, schema ? schema : cat->default_schema, name) != NULL ||
	       map_get1(&cat->types, name) != NULL;
}

bool mg_catalog_has_function(const mg_catalog *cat, const char *schema, const char *name)
{
	return map_get2(&cat->functions, schema ? schema : cat->default_schema, name) != NULL ||
	       map_get1(&cat->functions, name) != NULL;
}

void *cat_map_get2(const mg_map *map, const char *schema, const char *name)
{
	return map_get2(map, schema, name);
}

void cat_map_set(mg_catalog *cat, mg_map *map, const char *schema, const char *name, void *value)
{
	mg_map_put(map, cat_key(cat->arena, schema, name), value);
	if (schema && *schema)
		mg_map_put(map, cat_key(cat->arena, "", name), value);
}

void cat_vec_push(mg_arena *arena, cat_vec *v, void *item)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->items[i] == item)
			return;
	mg_arena_push(arena, &v->items, &v->n, &v->cap, item);
}

bool cat_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

bool cat_strncaseeq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i], y = b[i];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (char)(y + 32);
		if (x != y)
			return false;
		if (!x)
			return true;
	}
	return true;
}

const char *cat_strcasestr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!n)
		return hay;
	for (; *hay; hay++)
		if (cat_strncaseeq(hay, needle, n))
			return hay;
	return NULL;
}

bool cat_text_has_word(const char *text, size_t len, const char *word)
{
	size_t wl = word ? strlen(word) : 0;
	if (!text || !wl || wl > len)
		return false;
	for (size_t i = 0; i + wl <= len; i++) {
		if ((i > 0 && cat_ident_char(text[i - 1])) || !cat_strncaseeq(text + i, word, wl))
			continue;
		if (i + wl < len && cat_ident_char(text[i + wl]))
			continue;
		return true;
	}
	return false;
}

/* Every identifier of an opaque text goes into the uncertain-name set. */
void cat_note_words(mg_catalog *cat, const char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (!cat_ident_char(text[i])) {
			i++;
			continue;
		}
		size_t s = i;
		while (i < len && cat_ident_char(text[i]))
			i++;
		if (i - s < 200) {
			char w[208];
			memcpy(w + 1, text + s, i - s);
			w[0] = '.';
			w[i - s + 1] = '\0';
			for (char *p = w; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p + 32);
			if (!mg_map_get(&cat->opaque_words, w))
				mg_map_put(&cat->opaque_words, w, cat);
			/* A relation the opaque text names may have changed in any way. */
			cat_rel *r = mg_map_get(&cat->by_name, w);
			if (r) {
				r->pub.uncertain = true;
				r->has_rows = true;
			}
		}
	}
}
