/*
 * liquibase_modifysql.h: <modifySql> applied at the operation level
 * (liquibase_modifysql.c).  Internal to the Liquibase loader.
 */
#ifndef MIGRAPH_LIQUIBASE_MODIFYSQL_H
#define MIGRAPH_LIQUIBASE_MODIFYSQL_H

#include "load/liquibase_int.h"

/* Applies every modifySql block of the changeSet node cs_node (properties
 * already expanded) to the operations of cs: exactly on statements that
 * carry SQL text (sql, sqlFile), and on the operations of change types
 * where it changes what matters for safety (CREATE INDEX CONCURRENTLY,
 * column types, NOT VALID).  What cannot be interpreted gets the
 * diagnostic lb-modifysql-not-modelled; nothing is dropped silently.
 * Call it once the changeset's changes and rollback are mapped. */
void lb_modify_sql(lb_state *st, lb_file *f, mg_changeset *cs, const lb_node *cs_node);

#endif
