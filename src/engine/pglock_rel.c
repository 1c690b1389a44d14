/*
 * pglock_rel.c: the relations an operation reaches beyond the one it names,
 * as the catalog knows them: partitions (ALTER TABLE recurses into them),
 * the default partition (its rows must be rechecked when bounds change),
 * the sequences a table owns (serial and identity columns), the views that
 * read a table, both sides of its foreign keys, and its indexes.
 */
#include <stdio.h>
#include <string.h>

#include "engine/pglock_internal.h"

static mg_object_kind rel_kind(const mg_cat_relation *rel)
{
	return rel->kind == MG_OBJ_NONE ? MG_OBJ_TABLE : rel->kind;
}

void eng_lock_rel(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode)
{
	if (rel)
		eng_lock(c, rel_kind(rel), rel->schema, rel->name, mode);
}

mg_cat_relation *eng_find(eng_ctx *c, const mg_object *o)
{
	if (!c->cat || !o || !o->name)
		return NULL;
	const char *name = o->name;
	if (o->kind == MG_OBJ_COLUMN || o->kind == MG_OBJ_CONSTRAINT)
		name = o->table;
	if (!name)
		return NULL;
	return mg_catalog_relation(c->cat, o->schema, name);
}

void eng_lock_partitions(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode)
{
	if (!rel)
		return;
	for (size_t i = 0; i < rel->n_partitions; i++) {
		eng_lock_rel(c, rel->partitions[i], mode);
		eng_lock_partitions(c, rel->partitions[i], mode);
	}
}

mg_cat_relation *eng_default_partition(const mg_cat_relation *parent)
{
	if (!parent)
		return NULL;
	for (size_t i = 0; i < parent->n_partitions; i++)
		if (parent->partitions[i]->is_default_partition)
			return parent->partitions[i];
	return NULL;
}

/* "nextval('public.orders_id_seq'::regclass)" -> schema and name. */
static bool nextval_sequence(const char *expr, char *schema, size_t ss, char *name, size_t ns)
{
	const char *p = expr ? strstr(expr, "nextval('") : NULL;
	if (!p)
		return false;
	p += strlen("nextval('");
	const char *end = strchr(p, '\'');
	if (!end || end == p)
		return false;
	const char *dot = memchr(p, '.', (size_t)(end - p));
	if (dot) {
		snprintf(schema, ss, "%.*s", (int)(dot - p), p);
		p = dot + 1;
	} else {
		schema[0] = '\0';
	}
	snprintf(name, ns, "%.*s", (int)(end - p), p);
	for (char *q = name; *q; q++)
		if (*q == '"')
			memmove(q, q + 1, strlen(q));
	return name[0] != '\0';
}

/* PostgreSQL names an identity sequence table_column_seq, cut to 63
 * bytes by shortening the longer of the two names first. */
static void identity_sequence_name(const char *table, const char *column, char *out, size_t n)
{
	size_t lt = strlen(table), lc = strlen(column);
	while (lt + lc + 5 > 63) {
		if (lt >= lc)
			lt--;
		else
			lc--;
	}
	snprintf(out, n, "%.*s_%.*s_seq", (int)lt, table, (int)lc, column);
}

void eng_each_owned_sequence(eng_ctx *c, const mg_cat_relation *rel, const char *only_column,
                            mg_lock_mode mode)
{
	if (!rel)
		return;
	/* One column: found through the catalog's index, not a scan. */
	const mg_cat_column *one = only_column ? mg_catalog_column(rel, only_column) : NULL;
	if (only_column && !one)
		return;
	size_t from = one ? (size_t)(one - rel->columns) : 0;
	size_t to = one ? from + 1 : rel->n_columns;
	for (size_t i = from; i < to; i++) {
		const mg_cat_column *col = &rel->columns[i];
		if (only_column && !mg_str_eq(col->name, only_column))
			continue;
		char schema[128], name[128];
		if (col->identity) {
			identity_sequence_name(rel->name, col->name, name, sizeof name);
			eng_lock(c, MG_OBJ_SEQUENCE, rel->schema, mg_arena_strdup(c->arena, name), mode);
		} else if (nextval_sequence(col->default_expr, schema, sizeof schema, name,
		                            sizeof name)) {
			eng_lock(c, MG_OBJ_SEQUENCE,
			        schema[0] ? mg_arena_strdup(c->arena, schema) : rel->schema,
			        mg_arena_strdup(c->arena, name), mode);
		}
	}
}

static bool is_drop(mg_op_kind k)
{
	return k == MG_OP_DROP_TABLE || k == MG_OP_DROP_VIEW || k == MG_OP_DROP_MATERIALIZED_VIEW;
}

bool eng_dropped_with(const eng_ctx *c, const mg_cat_relation *rel)
{
	const mg_engine_session *s = c->session;
	bool drop = is_drop(c->op->kind);
	for (size_t i = 0; s && i < s->n_statement_ops; i++) {
		const mg_operation *o = s->statement_ops[i];
		if (o == c->op || !(drop ? is_drop(o->kind) : o->kind == c->op->kind))
			continue;
		if (mg_str_eq(o->object.name, rel->name) &&
		    mg_str_eq(o->object.schema ? o->object.schema : "public", rel->schema))
			return true;
	}
	return false;
}

struct view_ctx {
	eng_ctx *c;
	mg_lock_mode mode;
	size_t n;
};

static void lock_view(void *ctx, mg_cat_relation *view)
{
	struct view_ctx *v = ctx;
	if (v->mode == MG_LOCK_NONE && eng_dropped_with(v->c, view))
		return; /* DROP VIEW a, b: b goes too, it does not hold a back */
	v->n++;
	if (v->mode == MG_LOCK_NONE)
		return;
	/* Already locked in this mode: seen through another path (or a loop). */
	if (eng_mode_of(v->c, view->schema, view->name) >= v->mode)
		return;
	eng_lock_rel(v->c, view, v->mode);
	/* A dropped materialized view takes its indexes along. */
	if (v->mode == MG_LOCK_ACCESS_EXCLUSIVE)
		eng_lock_indexes(v->c, view, v->mode);
	/* Views over this view go the same way (DROP ... CASCADE). */
	struct view_ctx deeper = {v->c, v->mode, 0};
	mg_catalog_each_dependent_view(v->c->cat, view, lock_view, &deeper);
}

size_t eng_lock_dependent_views(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode)
{
	struct view_ctx v = {c, mode, 0};
	if (c->cat && rel)
		mg_catalog_each_dependent_view(c->cat, rel, lock_view, &v);
	return v.n;
}

static bool names_have(const mg_name_list *l, const char *name)
{
	for (size_t i = 0; i < l->count; i++)
		if (mg_str_eq(l->items[i], name))
			return true;
	return false;
}

void eng_lock_fk_targets(eng_ctx *c, const mg_cat_relation *rel, const char *only_column,
                        mg_lock_mode mode)
{
	if (!rel)
		return;
	for (size_t i = 0; i < rel->n_constraints; i++) {
		const mg_cat_constraint *k = &rel->constraints[i];
		if (k->kind != MG_CONSTRAINT_FOREIGN_KEY)
			continue;
		if (only_column && !names_have(&k->columns, only_column))
			continue;
		eng_lock_object(c, &k->ref_table, mode);
	}
}

struct ref_ctx {
	eng_ctx *c;
	const mg_cat_relation *self;
	const char *column;
	mg_lock_mode mode;
	size_t n;
	mg_lock_mode index_mode; /* also the referencing table's indexes */
};

static void on_referencing(void *ctx, mg_cat_relation *from, mg_cat_constraint *fk)
{
	struct ref_ctx *r = ctx;
	if (from == r->self)
		return;
	if (r->mode == MG_LOCK_NONE && r->index_mode == MG_LOCK_NONE && eng_dropped_with(r->c, from))
		return; /* DROP TABLE a, b / TRUNCATE a, b: b goes too */
	if (r->column && fk->ref_columns.count && !names_have(&fk->ref_columns, r->column))
		return;
	r->n++;
	if (r->mode != MG_LOCK_NONE)
		eng_lock_rel(r->c, from, r->mode);
	if (r->index_mode != MG_LOCK_NONE)
		eng_lock_tree_indexes(r->c, from, r->index_mode);
}

size_t eng_lock_referencing(eng_ctx *c, const mg_cat_relation *rel, const char *only_column,
                           mg_lock_mode mode)
{
	struct ref_ctx r = {c, rel, only_column, mode, 0, MG_LOCK_NONE};
	if (c->cat && rel)
		mg_catalog_each_referencing(c->cat, rel, on_referencing, &r);
	return r.n;
}

void eng_index_fk_sides(eng_ctx *c, const mg_cat_relation *rel, const char *only_column,
                       mg_lock_mode mode)
{
	if (!rel)
		return;
	for (size_t i = 0; i < rel->n_constraints; i++) {
		const mg_cat_constraint *k = &rel->constraints[i];
		if (k->kind == MG_CONSTRAINT_FOREIGN_KEY &&
		    (!only_column || names_have(&k->columns, only_column)))
			eng_lock_tree_indexes(c, eng_find(c, &k->ref_table), mode);
	}
	struct ref_ctx r = {c, rel, only_column, MG_LOCK_NONE, 0, mode};
	if (c->cat)
		mg_catalog_each_referencing(c->cat, rel, on_referencing, &r);
}

static bool has_index_on(const mg_cat_relation *rel, const mg_name_list *cols)
{
	for (size_t i = 0; i < rel->n_indexes; i++) {
		const mg_name_list *o = &rel->indexes[i].columns;
		if (o->count != cols->count)
			continue;
		size_t k = 0;
		while (k < o->count && mg_str_eq(o->items[k], cols->items[k]))
			k++;
		if (k == o->count)
			return true;
	}
	return false;
}

/* A partitioned index gets a copy on every partition, named as
 * PostgreSQL's ChooseIndexName does for a new index of that shape
 * (partition_pkey, partition_cols_key, partition_cols_idx).  The catalog
 * records only the parent's index, so the copies are derived here. */
static void lock_inherited_indexes(eng_ctx *c, const mg_cat_relation *part, mg_lock_mode mode)
{
	for (const mg_cat_relation *anc = part->parent; anc; anc = anc->parent) {
		for (size_t i = 0; i < anc->n_indexes; i++) {
			const mg_cat_index *ix = &anc->indexes[i];
			if (!ix->valid || has_index_on(part, &ix->columns))
				continue;
			char name[192];
			if (ix->primary) {
				snprintf(name, sizeof name, "%s_pkey", part->name);
			} else {
				size_t n = (size_t)snprintf(name, sizeof name, "%s", part->name);
				for (size_t k = 0; k < ix->columns.count && n < sizeof name; k++) {
					const char *col = ix->columns.items[k];
					bool plain = col && *col && strspn(col, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
					                                strlen(col);
					n += (size_t)snprintf(name + n, sizeof name - n, "_%s", plain ? col : "expr");
				}
				if (n < sizeof name)
					snprintf(name + n, sizeof name - n, "%s",
					         ix->constraint ? "_key" : "_idx");
			}
			if (strlen(name) > 63)
				continue; /* PostgreSQL would shorten it: not worth guessing */
			eng_lock(c, MG_OBJ_INDEX, part->schema, mg_arena_strdup(c->arena, name), mode);
		}
	}
}

void eng_lock_indexes(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode)
{
	/* A partitioned table's own indexes have no storage: what is locked
	 * is their copies on the partitions. */
	if (!rel || rel->partitioned)
		return;
	for (size_t i = 0; i < rel->n_indexes; i++)
		eng_lock(c, MG_OBJ_INDEX, rel->schema, rel->indexes[i].name, mode);
	lock_inherited_indexes(c, rel, mode);
}

void eng_lock_attached_indexes(eng_ctx *c, const mg_cat_relation *part, mg_lock_mode mode)
{
	if (part && part->parent)
		lock_inherited_indexes(c, part, mode);
}

void eng_lock_own_indexes(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode)
{
	for (size_t i = 0; rel && i < rel->n_indexes; i++)
		eng_lock(c, MG_OBJ_INDEX, rel->schema, rel->indexes[i].name, mode);
}

void eng_lock_tree_indexes(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode)
{
	if (!rel)
		return;
	eng_lock_indexes(c, rel, mode);
	for (size_t i = 0; i < rel->n_partitions; i++)
		eng_lock_tree_indexes(c, rel->partitions[i], mode);
}

/* Views nest only as deep as someone wrote them; a catalog made from
 * hostile input may even loop.  Past this depth the rest is not followed. */
enum { VIEW_DEPTH_MAX = 32 };

static void read_rel(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode, int depth)
{
	if (!rel || depth > VIEW_DEPTH_MAX)
		return;
	eng_lock_rel(c, rel, mode);
	if (rel->kind == MG_OBJ_VIEW) {
		/* The rewriter replaces the view by its query: what the query
		 * reads is read in the same mode, down to the tables. */
		for (size_t i = 0; i < rel->n_reads; i++) {
			mg_cat_relation *base = eng_find(c, &rel->reads[i]);
			if (base)
				read_rel(c, base, mode, depth + 1);
			else
				eng_lock_object(c, &rel->reads[i], mode);
		}
		return;
	}
	/* The planner opens every partition and every index, with the
	 * table's mode from 12 (ACCESS SHARE before). */
	eng_lock_partitions(c, rel, mode);
	eng_lock_tree_indexes(c, rel, c->major >= 12 ? mode : MG_LOCK_ACCESS_SHARE);
}

void eng_read_table(eng_ctx *c, const mg_cat_relation *rel)
{
	read_rel(c, rel, MG_LOCK_ACCESS_SHARE, 0);
}

void eng_read_object(eng_ctx *c, const mg_object *o)
{
	eng_read_object_as(c, o, MG_LOCK_ACCESS_SHARE);
}

void eng_read_object_as(eng_ctx *c, const mg_object *o, mg_lock_mode mode)
{
	mg_cat_relation *rel = eng_find(c, o);
	if (rel)
		read_rel(c, rel, mode, 0);
	else
		eng_lock_object(c, o, mode);
}

void eng_lock_view_bases(eng_ctx *c, const mg_cat_relation *view, mg_lock_mode mode, int depth)
{
	if (!view || depth > VIEW_DEPTH_MAX)
		return;
	for (size_t i = 0; i < view->n_reads; i++) {
		eng_lock_object(c, &view->reads[i], mode);
		mg_cat_relation *base = eng_find(c, &view->reads[i]);
		if (base && base->kind == MG_OBJ_VIEW)
			eng_lock_view_bases(c, base, mode, depth + 1);
	}
}

void eng_lock_column_indexes(eng_ctx *c, const mg_cat_relation *rel, const char *column,
                            mg_lock_mode mode)
{
	if (!rel)
		return;
	for (size_t i = 0; i < rel->n_indexes; i++)
		if (names_have(&rel->indexes[i].columns, column))
			eng_lock(c, MG_OBJ_INDEX, rel->schema, rel->indexes[i].name, mode);
}

bool eng_has_column_index(const mg_cat_relation *rel, const char *column)
{
	for (size_t i = 0; rel && i < rel->n_indexes; i++)
		if (names_have(&rel->indexes[i].columns, column))
			return true;
	return false;
}

mg_lock_mode eng_mode_of(const eng_ctx *c, const char *schema, const char *name)
{
	for (size_t i = 0; i < c->n_locks; i++)
		if (mg_str_eq(c->locks[i].relation.schema,
		              schema || !c->cat ? schema : mg_catalog_default_schema(c->cat)) &&
		    mg_str_eq(c->locks[i].relation.name, name))
			return c->locks[i].mode;
	return MG_LOCK_NONE;
}
