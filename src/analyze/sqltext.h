/*
 * sqltext.h: writing SQL for safe alternatives (identifiers quoted only
 * when PostgreSQL needs it, qualified names, column lists).
 */
#ifndef MIGRAPH_ANALYZE_SQLTEXT_H
#define MIGRAPH_ANALYZE_SQLTEXT_H

#include "migraph/model.h"

void sqlt_ident(mg_buf *out, const char *name);
/* schema.name, leaving out the schema when it is dflt, the one unqualified
 * names resolve to where the migration runs. */
void sqlt_qualified(mg_buf *out, const char *dflt, const char *schema, const char *name);
void sqlt_list(mg_buf *out, const mg_name_list *names);
/* A name that does not exist yet, derived from parts: t_col_idx. */
const char *sqlt_index_name(mg_arena *arena, const char *table, const mg_name_list *cols,
                              const char *suffix);
/* Copies stmt text and inserts `insert` after the first occurrence of
 * keyword (case-insensitive, outside quotes is not checked: used on the
 * statement's leading keywords only).  NULL when keyword is absent. */
const char *sqlt_insert_after(mg_arena *arena, const char *sql, size_t len,
                                const char *keyword, const char *insert);

#endif
