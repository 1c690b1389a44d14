/*
 * catalog_defs.c: column and constraint definitions in the catalog, with
 * the names PostgreSQL would generate for unnamed constraints and indexes
 * (a later DROP CONSTRAINT orders_customer_id_fkey must find them).
 */
#include <string.h>

#include "model/catalog_apply_int.h"

/* PostgreSQL's makeObjectName: shorten the longer part until the whole
 * name fits in NAMEDATALEN - 1 = 63 bytes. */
const char *cat_object_name(mg_arena *arena, const char *name1, const char *name2,
                            const char *label)
{
	size_t l1 = strlen(name1), l2 = name2 ? strlen(name2) : 0;
	size_t overhead = (label ? strlen(label) + 1 : 0) + (name2 ? 1 : 0);
	size_t avail = 63 > overhead ? 63 - overhead : 0;
	while (l1 + l2 > avail) {
		if (l1 > l2)
			l1--;
		else
			l2--;
	}
	/* pg_mbcliplen: never cut a UTF-8 character in two. */
	while (l1 > 0 && ((unsigned char)name1[l1] & 0xC0) == 0x80)
		l1--;
	while (name2 && l2 > 0 && ((unsigned char)name2[l2] & 0xC0) == 0x80)
		l2--;
	return mg_arena_printf(arena, "%.*s%s%.*s%s%s", (int)l1, name1, name2 ? "_" : "", (int)l2,
	                       name2 ? name2 : "", label ? "_" : "", label ? label : "");
}

const char *mg_catalog_object_name(mg_arena *arena, const char *name1, const char *name2,
                                   const char *label)
{
	return cat_object_name(arena, name1, name2, label);
}

static const char *joined(mg_arena *arena, const mg_name_list *cols, const char *fallback)
{
	if (!cols->count)
		return fallback;
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < cols->count; i++) {
		if (i)
			mg_buf_putc(&b, '_');
		const char *c = cols->items[i];
		bool ident = true;
		for (const char *p = c; *p; p++)
			if (!cat_ident_char(*p))
				ident = false;
		mg_buf_puts(&b, ident ? c : "expr");
	}
	const char *s = mg_arena_strdup(arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return s;
}

static void copy_names(mg_arena *arena, mg_name_list *dst, const mg_name_list *src,
                       const char *single)
{
	if (src && src->count) {
		*dst = *src;
		return;
	}
	if (single) {
		dst->items = mg_arena_alloc(arena, sizeof *dst->items);
		dst->items[0] = single;
		dst->count = 1;
	}
}

static void fk_link(ap_ctx *a, cat_rel *r, mg_cat_constraint *k, const mg_constraint_def *def)
{
	const char *rs = def->ref_table.schema ? def->ref_table.schema : r->pub.schema;
	cat_rel *target = mg_str_ieq(def->ref_table.name, r->pub.name) &&
	                          mg_str_ieq(rs, r->pub.schema)
	                      ? r
	                      : ap_need(a, rs, def->ref_table.name, MG_OBJ_TABLE);
	if (!target)
		return;
	k->ref_table = (mg_object){MG_OBJ_TABLE, target->pub.schema, NULL, target->pub.name};
	cat_vec_push(a->cat->arena, &target->fk_in, r);
}

/* PostgreSQL names a table CHECK after the one column its expression
 * reads (orders_total_check), or after the table alone when it reads
 * several or none (orders_check). */
static const char *check_column(const cat_rel *r, const char *expr)
{
	const char *found = NULL;
	for (size_t i = 0; expr && i < r->pub.n_columns; i++) {
		const char *c = r->pub.columns[i].name;
		if (!cat_text_has_word(expr, strlen(expr), c))
			continue;
		if (found)
			return NULL;
		found = c;
	}
	return found;
}

void ap_constraint_def(ap_ctx *a, cat_rel *r, const mg_constraint_def *def, const char *column)
{
	mg_arena *arena = a->cat->arena;
	if (def->kind == MG_CONSTRAINT_NOT_NULL) {
		mg_cat_column *c = column ? mg_catalog_column(&r->pub, column) : NULL;
		if (c)
			c->not_null = true;
		return;
	}
	mg_name_list cols = {0};
	copy_names(arena, &cols, &def->columns, column);
	const char *name = def->name;
	const char *label = NULL;
	switch (def->kind) {
	case MG_CONSTRAINT_PRIMARY_KEY: label = "pkey"; break;
	case MG_CONSTRAINT_UNIQUE: label = "key"; break;
	case MG_CONSTRAINT_FOREIGN_KEY: label = "fkey"; break;
	case MG_CONSTRAINT_CHECK: label = "check"; break;
	case MG_CONSTRAINT_EXCLUDE: label = "excl"; break;
	default: label = "con"; break;
	}
	if (!name) {
		const char *part = def->kind == MG_CONSTRAINT_PRIMARY_KEY ? NULL
		                   : def->kind == MG_CONSTRAINT_CHECK && !column
		                       ? check_column(r, def->expr)
		                       : joined(arena, &cols, NULL);
		name = cat_object_name(arena, r->pub.name, part, label);
	} else if (mg_catalog_constraint(&r->pub, name) && a->creating == r &&
	           mg_catalog_constraint(&r->pub, name)->kind == def->kind) {
		return; /* one constraint described twice (column and table level) */
	} else if (mg_catalog_constraint(&r->pub, name) && ap_columns_known(r)) {
		mg_object o = {MG_OBJ_CONSTRAINT, r->pub.schema, r->pub.name, name};
		ap_emit(a, MG_CAT_EV_DUPLICATE_OBJECT, o, false, false,
		        "constraint %s already exists on %s.%s", name, r->pub.schema, r->pub.name);
		return;
	}
	mg_cat_constraint *k = ap_add_constraint_slot(a, r);
	k->name = mg_arena_strdup(arena, name);
	k->kind = def->kind;
	k->columns = cols;
	k->validated = !def->not_valid;
	k->expr = def->expr;
	k->ref_columns = def->ref_columns;
	k->on_delete = def->on_delete;
	k->on_update = def->on_update;
	if (def->kind == MG_CONSTRAINT_FOREIGN_KEY)
		fk_link(a, r, k, def);
	if (def->kind == MG_CONSTRAINT_PRIMARY_KEY || def->kind == MG_CONSTRAINT_UNIQUE ||
	    def->kind == MG_CONSTRAINT_EXCLUDE) {
		if (def->using_index)
			ap_remove_index(a, r, def->using_index); /* PostgreSQL renames it */
		mg_cat_index *ix = ap_add_index(a, r, k->name);
		ix->columns = cols;
		ix->unique = def->kind != MG_CONSTRAINT_EXCLUDE;
		ix->primary = def->kind == MG_CONSTRAINT_PRIMARY_KEY;
		ix->constraint = k->name;
		k->index_name = ix->name;
		if (def->kind == MG_CONSTRAINT_PRIMARY_KEY)
			for (size_t i = 0; i < cols.count; i++) {
				mg_cat_column *c = mg_catalog_column(&r->pub, cols.items[i]);
				if (c)
					c->not_null = true;
			}
	}
}

static bool has_constraint_kind(const mg_column_def *def, mg_constraint_kind kind)
{
	for (size_t i = 0; i < def->n_constraints; i++)
		if (def->constraints[i].kind == kind)
			return true;
	return false;
}

void ap_column_def(ap_ctx *a, cat_rel *r, const mg_column_def *def)
{
	if (!def || !def->name)
		return;
	mg_cat_column *c = ap_add_column(a, r, def->name);
	c->type = def->type;
	c->not_null = def->not_null || def->primary_key;
	c->default_expr = def->default_expr;
	c->default_volatility = def->default_volatility;
	c->identity = def->identity;
	c->generated = def->generated_stored;
	if (def->serial || def->identity) {
		const char *seq = cat_object_name(a->cat->arena, r->pub.name, def->name, "seq");
		if (!cat_find(a->cat, r->pub.schema, seq)) {
			cat_rel *s = ap_new_rel(a, MG_OBJ_SEQUENCE, r->pub.schema, seq);
			s->owner = r;
			cat_vec_push(a->cat->arena, &r->owned, s);
		}
	}
	for (size_t i = 0; i < def->n_constraints; i++)
		ap_constraint_def(a, r, &def->constraints[i], def->name);
	if (def->primary_key && !has_constraint_kind(def, MG_CONSTRAINT_PRIMARY_KEY)) {
		mg_constraint_def pk = {.kind = MG_CONSTRAINT_PRIMARY_KEY};
		ap_constraint_def(a, r, &pk, def->name);
	}
	if (def->unique && !has_constraint_kind(def, MG_CONSTRAINT_UNIQUE)) {
		mg_constraint_def uq = {.kind = MG_CONSTRAINT_UNIQUE};
		ap_constraint_def(a, r, &uq, def->name);
	}
}

typedef struct in_use {
	ap_ctx *a;
	cat_rel *r;
	const char *column;
	bool cascade;
} in_use;

void ap_drop_column(ap_ctx *a, cat_rel *r, const char *name, bool cascade)
{
	mg_object o = {MG_OBJ_COLUMN, r->pub.schema, r->pub.name, name};
	for (size_t i = 0; i < r->views_in.n; i++) {
		cat_rel *v = r->views_in.items[i];
		if (!v->dropped && ap_view_uses_column(v, name))
			ap_emit(a, MG_CAT_EV_DROP_IN_USE, o, false, cascade, "%s %s.%s reads it",
			        mg_object_kind_name(v->pub.kind), v->pub.schema, v->pub.name);
	}
	for (size_t i = 0; i < r->fk_in.n; i++) {
		cat_rel *from = r->fk_in.items[i];
		if (from == r || from->dropped)
			continue;
		for (size_t k = 0; k < from->pub.n_constraints; k++) {
			mg_cat_constraint *fk = &from->pub.constraints[k];
			if (cat_fk_targets(a->cat, fk, r) && names_have(&fk->ref_columns, name))
				ap_emit(a, MG_CAT_EV_DROP_IN_USE, o, false, cascade,
				        "foreign key %s of %s.%s references it", fk->name,
				        from->pub.schema, from->pub.name);
		}
	}
	for (size_t i = r->pub.n_constraints; i-- > 0;)
		if (names_have(&r->pub.constraints[i].columns, name))
			ap_remove_constraint(a, r, i);
	for (size_t i = r->pub.n_indexes; i-- > 0;)
		if (names_have(&r->pub.indexes[i].columns, name))
			ap_remove_index(a, r, r->pub.indexes[i].name);
	/* Found through the column index, not by comparing every name. */
	mg_cat_column *c = mg_catalog_column(&r->pub, name);
	if (c) {
		size_t i = (size_t)(c - r->pub.columns);
		memmove(&r->pub.columns[i], &r->pub.columns[i + 1],
		        (r->pub.n_columns - i - 1) * sizeof *r->pub.columns);
		r->pub.n_columns--;
		r->pub.n_dropped_columns++;
		cat_column_dropped(r, i);
	}
	for (size_t i = 0; i < r->pub.n_partitions; i++)
		ap_drop_column(a, (cat_rel *)r->pub.partitions[i], name, true);
}
