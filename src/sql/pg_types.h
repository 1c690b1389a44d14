/*
 * pg_types.h: canonical PostgreSQL type names, shared by the SQL front end
 * and the Liquibase loader so that both spell a type the same way.
 */
#ifndef MIGRAPH_SQL_PG_TYPES_H
#define MIGRAPH_SQL_PG_TYPES_H

#include "migraph/core.h"

/* Parses a type as PostgreSQL would (it parses "SELECT NULL::<type_text>")
 * and returns its canonical text in the arena, spelled as PostgreSQL's
 * format_type() spells it: "integer", "character varying(255)",
 * "timestamp(3) with time zone", "numeric(10,2)", "text[]" ...  The serial
 * pseudo-types come back as "serial", "bigserial" and "smallserial" (they
 * are not types; the caller decides what they mean).  Returns NULL when the
 * text is not exactly one type. */
const char *mg_sql_type_canonical(mg_arena *arena, const char *type_text);

#endif
