/*
 * catalog_apply.c: one operation applied to the simulated schema.
 *
 * Besides changing the catalog, applying reports what PostgreSQL would
 * refuse: a missing relation or column, a duplicate, a column type change
 * under a view, a drop of something still used, a NOT NULL column added
 * to a table with rows.  A relation that is missing gets a placeholder
 * ("phantom") so one missing table yields one finding per changeset, not
 * one per later column operation.  Objects an opaque operation may have
 * made are uncertain: their events carry `uncertain`, and rules decide.
 */
#include <stdarg.h>
#include <string.h>

#include "model/catalog_apply_int.h"

static bool system_name(const char *schema, const char *name)
{
	static const char *const ext_rels[] = {"spatial_ref_sys", "geometry_columns",
	                                       "geography_columns", "raster_columns",
	                                       "raster_overviews", "dual",
	                                       /* the tools' own history tables */
	                                       "databasechangelog", "databasechangeloglock",
	                                       "flyway_schema_history", "schema_version", NULL};
	if (schema && (mg_str_ieq(schema, "pg_catalog") || mg_str_ieq(schema, "information_schema") ||
	               mg_str_starts_with(schema, "pg_")))
		return true;
	if (!name || mg_str_starts_with(name, "pg_"))
		return true;
	for (size_t i = 0; ext_rels[i]; i++)
		if (mg_str_ieq(name, ext_rels[i]))
			return true;
	return false;
}

void ap_emit(ap_ctx *a, mg_cat_event_kind kind, mg_object obj, bool uncertain, bool cascade,
             const char *fmt, ...)
{
	if (!a->fn)
		return;
	mg_cat_event ev = {kind, obj, NULL, uncertain, cascade};
	if (fmt) {
		mg_buf b = MG_BUF_INIT;
		va_list ap;
		va_start(ap, fmt);
		mg_buf_vprintf(&b, fmt, ap);
		va_end(ap);
		ev.detail = mg_arena_strdup(a->cat->arena, mg_buf_cstr(&b));
		mg_buf_dispose(&b);
	}
	a->fn(a->ctx, a->op, &ev);
}

cat_rel *ap_new_rel(ap_ctx *a, mg_object_kind kind, const char *schema, const char *name)
{
	mg_catalog *cat = a->cat;
	cat_rel *old = cat_find(cat, schema, name);
	if (old && map_is_exact(cat, old, schema))
		cat_unregister(cat, old);
	cat_rel *r = mg_arena_alloc(cat->arena, sizeof *r);
	r->col_index.arena = cat->arena;
	r->pub.kind = kind;
	r->pub.schema = mg_arena_strdup(cat->arena, schema ? schema : cat->default_schema);
	r->pub.name = mg_arena_strdup(cat->arena, name);
	r->pub.from_baseline = cat->baseline_mode;
	r->has_rows = cat->baseline_mode;
	if (!cat->baseline_mode) {
		r->pub.has_created_by = true;
		r->pub.created_by = a->cs;
	}
	cat_register(cat, r);
	mg_arena_push(cat->arena, &cat->all.items, &cat->all.n, &cat->all.cap, r);
	return r;
}

bool map_is_exact(const mg_catalog *cat, const cat_rel *r, const char *schema)
{
	return mg_str_ieq(r->pub.schema, schema ? schema : cat->default_schema);
}

/* The relation an operation needs; reports it missing (once per
 * placeholder and changeset is the caller's business) and returns a
 * placeholder so later operations on it stay quiet about columns. */
cat_rel *ap_need(ap_ctx *a, const char *schema, const char *name, mg_object_kind kind)
{
	if (!name)
		return NULL;
	cat_rel *r = cat_find(a->cat, schema, name);
	if (r && !r->phantom)
		return r;
	if (system_name(schema, name))
		return NULL;
	mg_object o = {kind ? kind : MG_OBJ_TABLE, schema ? schema : a->cat->default_schema, NULL,
	               name};
	ap_emit(a, MG_CAT_EV_MISSING_OBJECT, o, mg_catalog_name_uncertain(a->cat, name), false,
	        "%s %s.%s does not exist at this point", mg_object_kind_name(o.kind), o.schema,
	        name);
	if (!r) {
		bool saved = a->cat->baseline_mode;
		a->cat->baseline_mode = false;
		r = ap_new_rel(a, o.kind, o.schema, name);
		a->cat->baseline_mode = saved;
		r->phantom = true;
		r->pub.has_created_by = false;
		r->pub.uncertain = true;
		r->columns_unknown = true;
		r->has_rows = true;
	}
	return r;
}

/* Columns are only judged on relations whose column list is complete. */
bool ap_columns_known(const cat_rel *r)
{
	return r && !r->phantom && !r->columns_unknown && !r->pub.uncertain;
}

mg_cat_column *ap_need_column(ap_ctx *a, cat_rel *r, const char *name)
{
	if (!r || !name)
		return NULL;
	mg_cat_column *c = mg_catalog_column(&r->pub, name);
	if (c || !ap_columns_known(r))
		return c;
	mg_object o = {MG_OBJ_COLUMN, r->pub.schema, r->pub.name, name};
	ap_emit(a, MG_CAT_EV_MISSING_OBJECT, o, mg_catalog_name_uncertain(a->cat, r->pub.name),
	        false, "column %s.%s.%s does not exist at this point", r->pub.schema, r->pub.name,
	        name);
	return NULL;
}

static void grow(mg_arena *arena, void **items, size_t elem, size_t *n, size_t *cap)
{
	if (*n < *cap)
		return;
	size_t ncap = *cap ? *cap * 2 : 4;
	*items = mg_arena_grow(arena, *items, elem, *n, ncap);
	*cap = ncap;
}

mg_cat_column *ap_add_column(ap_ctx *a, cat_rel *r, const char *name)
{
	mg_cat_column *c = mg_catalog_column(&r->pub, name);
	if (c)
		return c;
	grow(a->cat->arena, (void **)&r->pub.columns, sizeof *r->pub.columns, &r->pub.n_columns,
	     &r->pub.caps[0]);
	c = &r->pub.columns[r->pub.n_columns++];
	/* The slot may hold what a DROP COLUMN moved down from it. */
	memset(c, 0, sizeof *c);
	c->name = mg_arena_strdup(a->cat->arena, name);
	return c;
}

mg_cat_index *ap_add_index(ap_ctx *a, cat_rel *r, const char *name)
{
	grow(a->cat->arena, (void **)&r->pub.indexes, sizeof *r->pub.indexes, &r->pub.n_indexes,
	     &r->pub.caps[1]);
	mg_cat_index *ix = &r->pub.indexes[r->pub.n_indexes++];
	ix->name = mg_arena_strdup(a->cat->arena, name);
	ix->valid = true;
	cat_map_set(a->cat, &a->cat->indexes, r->pub.schema, name, r);
	return ix;
}

mg_cat_constraint *ap_add_constraint_slot(ap_ctx *a, cat_rel *r)
{
	grow(a->cat->arena, (void **)&r->pub.constraints, sizeof *r->pub.constraints,
	     &r->pub.n_constraints, &r->pub.caps[2]);
	return &r->pub.constraints[r->pub.n_constraints++];
}

void ap_add_read(ap_ctx *a, cat_rel *view, mg_object o)
{
	grow(a->cat->arena, (void **)&view->pub.reads, sizeof *view->pub.reads, &view->pub.n_reads,
	     &view->pub.caps[3]);
	view->pub.reads[view->pub.n_reads++] = o;
}

void ap_remove_index(ap_ctx *a, cat_rel *r, const char *name)
{
	for (size_t i = 0; i < r->pub.n_indexes; i++) {
		if (!mg_str_ieq(r->pub.indexes[i].name, name))
			continue;
		if (cat_map_get2(&a->cat->indexes, r->pub.schema, name) == r)
			cat_map_set(a->cat, &a->cat->indexes, r->pub.schema, name, NULL);
		memmove(&r->pub.indexes[i], &r->pub.indexes[i + 1],
		        (r->pub.n_indexes - i - 1) * sizeof *r->pub.indexes);
		r->pub.n_indexes--;
		return;
	}
}

void ap_remove_constraint(ap_ctx *a, cat_rel *r, size_t i)
{
	mg_cat_constraint *k = &r->pub.constraints[i];
	if (k->index_name)
		ap_remove_index(a, r, k->index_name);
	memmove(k, k + 1, (r->pub.n_constraints - i - 1) * sizeof *k);
	r->pub.n_constraints--;
}

bool names_have(const mg_name_list *l, const char *name)
{
	for (size_t i = 0; i < l->count; i++)
		if (mg_str_ieq(l->items[i], name))
			return true;
	return false;
}

/* A view uses a column when it reads the table and names the column (or
 * selects *): the definition text decides, since views keep no columns. */
bool ap_view_uses_column(const cat_rel *view, const char *column)
{
	if (!view->def_sql)
		return true;
	if (cat_text_has_word(view->def_sql, view->def_len, column))
		return true;
	for (size_t i = 0; i < view->def_len; i++)
		if (view->def_sql[i] == '*')
			return true;
	return false;
}

/* Drops r and what goes with it: dependent views, partitions, owned
 * sequences, foreign keys of other tables pointing at it. */
void ap_drop_rel(ap_ctx *a, cat_rel *r)
{
	if (!r || r->dropped)
		return;
	r->dropped = true;
	cat_unregister(a->cat, r);
	for (size_t i = 0; i < r->views_in.n; i++)
		ap_drop_rel(a, r->views_in.items[i]);
	for (size_t i = 0; i < r->pub.n_partitions; i++)
		ap_drop_rel(a, (cat_rel *)r->pub.partitions[i]);
	for (size_t i = 0; i < r->fk_in.n; i++) {
		cat_rel *from = r->fk_in.items[i];
		for (size_t k = from->pub.n_constraints; k-- > 0;)
			if (from != r && from->pub.constraints[k].kind == MG_CONSTRAINT_FOREIGN_KEY &&
			    mg_str_ieq(from->pub.constraints[k].ref_table.name, r->pub.name) &&
			    mg_str_ieq(from->pub.constraints[k].ref_table.schema, r->pub.schema))
				ap_remove_constraint(a, from, k);
	}
	for (size_t i = 0; i < r->owned.n; i++)
		ap_drop_rel(a, r->owned.items[i]);
	if (r->pub.parent) {
		mg_cat_relation *p = r->pub.parent;
		for (size_t i = 0; i < p->n_partitions; i++) {
			if (p->partitions[i] == &r->pub) {
				memmove(&p->partitions[i], &p->partitions[i + 1],
				        (p->n_partitions - i - 1) * sizeof *p->partitions);
				p->n_partitions--;
				break;
			}
		}
	}
}
