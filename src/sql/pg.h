/*
 * pg.h: the PostgreSQL front end (libpg_query protobuf tree -> operations).
 * Internal to src/sql.
 */
#ifndef MIGRAPH_SQL_PG_H
#define MIGRAPH_SQL_PG_H

#include "migraph/sql.h"

size_t sql_pg_parse_script(mg_project *project, mg_changeset *cs,
                          const mg_text *text, const mg_sql_options *opts);

#endif
