/*
 * catalog_apply_int.h: helpers shared by the operation handlers of
 * catalog_apply.c and catalog_ops.c.
 */
#ifndef MIGRAPH_MODEL_CATALOG_APPLY_INT_H
#define MIGRAPH_MODEL_CATALOG_APPLY_INT_H

#include "model/catalog_internal.h"

typedef struct ap_ctx {
	mg_catalog *cat;
	const mg_operation *op;
	size_t cs;
	mg_cat_event_fn fn;
	void *ctx;
	cat_rel *creating;  /* the table a CREATE TABLE is building, or NULL */
} ap_ctx;

void ap_emit(ap_ctx *a, mg_cat_event_kind kind, mg_object obj, bool uncertain, bool cascade,
             const char *fmt, ...) MG_PRINTF(6, 7);
cat_rel *ap_new_rel(ap_ctx *a, mg_object_kind kind, const char *schema, const char *name);
bool map_is_exact(const mg_catalog *cat, const cat_rel *r, const char *schema);
cat_rel *ap_need(ap_ctx *a, const char *schema, const char *name, mg_object_kind kind);
bool ap_columns_known(const cat_rel *r);
mg_cat_column *ap_need_column(ap_ctx *a, cat_rel *r, const char *name);
mg_cat_column *ap_add_column(ap_ctx *a, cat_rel *r, const char *name);
mg_cat_index *ap_add_index(ap_ctx *a, cat_rel *r, const char *name);
mg_cat_constraint *ap_add_constraint_slot(ap_ctx *a, cat_rel *r);
void ap_add_read(ap_ctx *a, cat_rel *view, mg_object o);
void ap_remove_index(ap_ctx *a, cat_rel *r, const char *name);
void ap_remove_constraint(ap_ctx *a, cat_rel *r, size_t i);
bool names_have(const mg_name_list *l, const char *name);
bool ap_view_uses_column(const cat_rel *view, const char *column);
void ap_drop_rel(ap_ctx *a, cat_rel *r);

/* catalog_defs.c: column and constraint definitions. */
void ap_column_def(ap_ctx *a, cat_rel *r, const mg_column_def *def);
void ap_constraint_def(ap_ctx *a, cat_rel *r, const mg_constraint_def *def,
                       const char *column);
void ap_drop_column(ap_ctx *a, cat_rel *r, const char *name, bool cascade);

#endif
