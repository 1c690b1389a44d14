/*
 * sqltext.h: writing SQL for safe alternatives (identifiers quoted only
 * when PostgreSQL needs it, qualified names, column lists).
 */
#ifndef MIGRAPH_ANALYZE_SQLTEXT_H
#define MIGRAPH_ANALYZE_SQLTEXT_H

#include "migraph/model.h"

void mg_sql_put_ident(mg_buf *out, const char *name);
/* schema.name, leaving out "public". */
void mg_sql_put_qualified(mg_buf *out, const char *schema, const char *name);
void mg_sql_put_table(mg_buf *out, const mg_object *obj);   /* the table of any object */
void mg_sql_put_list(mg_buf *out, const mg_name_list *names);
/* A name that does not exist yet, derived from parts: t_col_idx. */
const char *mg_sql_index_name(mg_arena *arena, const char *table, const mg_name_list *cols,
                              const char *suffix);
/* Copies stmt text and inserts `insert` after the first occurrence of
 * keyword (case-insensitive, outside quotes is not checked: used on the
 * statement's leading keywords only).  NULL when keyword is absent. */
const char *mg_sql_insert_after(mg_arena *arena, const char *sql, size_t len,
                                const char *keyword, const char *insert);

#endif
