/*
 * liquibase_changes_int.h: what the files mapping Liquibase change types
 * to operations (liquibase_changes*.c) share.  Not a public interface.
 *
 * Names are the ones the server ends up with: under LEGACY quoting
 * Liquibase quotes a name on PostgreSQL only when it mixes case, so every
 * other name folds to lower case; QUOTE_ALL_OBJECTS keeps names as
 * written.  Types are spelled as Liquibase prints them for PostgreSQL and
 * then canonicalised exactly as the SQL front end canonicalises the SQL
 * Liquibase generates, so both paths meet on the same operations.
 */
#ifndef MIGRAPH_LIQUIBASE_CHANGES_INT_H
#define MIGRAPH_LIQUIBASE_CHANGES_INT_H

#include "load/lb_changes.h"

/* One change being mapped. */
typedef struct lbc {
	lb_change_ctx *ctx;
	const lb_node *node;
	mg_project *project;
	mg_arena *arena;
	mg_statement *stmt;      /* created on first use, at the change element */
	const char *schema;      /* schemaName, folded, or the default schema */
} lbc;

typedef int (*lbc_handler)(lbc *c);

/* ---- liquibase_changes.c: shared helpers ------------------------------ */

/* A name as the server stores it (quoting strategy applied); NULL stays NULL. */
const char *lbc_name(lbc *c, const char *name);
/* The schema of an attribute (schemaName, baseTableSchemaName ...) or the default. */
const char *lbc_schema_attr(lbc *c, const char *attr);
mg_object lbc_table(lbc *c, const char *schema, const char *table);
mg_object lbc_column(lbc *c, const char *schema, const char *table, const char *column);
/* Comma-separated column names ("a, b") -> folded list. */
mg_name_list lbc_name_list(lbc *c, const char *text);
mg_operation *lbc_op(lbc *c, mg_op_kind kind);
/* A missing required attribute: a diagnostic, returns -1. */
int lbc_missing(lbc *c, const char *attr);
const char *lbc_attr(lbc *c, const char *name);
bool lbc_bool(const lb_node *n, const char *name, bool dflt);
/* Parses SQL text through the SQL front end into the changeset.  base is
 * where text[0] sits in file; per_line_col is the column every later line
 * starts at (0: the text is the file's bytes, so one anchor suffices). */
void lbc_parse_sql(lbc *c, const char *text, size_t len, const char *file, mg_loc base,
                   bool verbatim, bool split, const char *end_delimiter, bool strip_comments);
/* A COMMENT operation for remarks on a table (column NULL) or a column. */
void lbc_comment(lbc *c, const mg_object *table, const char *column, const char *remarks);
/* The SQL value of a <column> of insert/update (value, valueNumeric,
 * valueBoolean, valueDate, valueComputed, valueSequenceNext), "NULL" when it
 * gives none, NULL when it names a file or something else not written as SQL. */
const char *lbc_value_sql(lbc *c, const lb_node *col);
/* The <column>s of insert, update or addColumn as names and SQL values;
 * given_only: only the columns that give a value (addColumn). */
typedef struct lbc_values {
	mg_name_list names, values;
	bool unknown;   /* a value that is not SQL (a file) */
} lbc_values;
lbc_values lbc_column_values(lbc *c, bool given_only);
/* "a = 1, b = 'x'": an UPDATE's SET list from names and SQL values. */
const char *lbc_set_clause(lbc *c, const mg_name_list *names, const mg_name_list *values);
/* The options of createSequence/alterSequence/addAutoIncrement as SQL
 * ("INCREMENT BY 50 START WITH 1050"), or NULL when none is given. */
const char *lbc_sequence_options(lbc *c);

/* ---- liquibase_changes_types.c ---------------------------------------- */

/* The canonical PostgreSQL type for a Liquibase type.  *serial (may be
 * NULL) is set for serial types, whose text is then the integer type. */
const char *lbc_type(lbc *c, const char *lb_type, bool *serial);
/* The default of a column-like node (defaultValue*, or value* when
 * prefix is "value"): its SQL text and volatility; NULL when none. */
const char *lbc_default(lbc *c, const lb_node *n, const char *prefix, const char *type,
                        mg_volatility *vol);
/* Volatility of a SQL expression, as the SQL front end judges it. */
mg_volatility lbc_expr_volatility(lbc *c, const char *expr);

/* ---- liquibase_changes_table.c ---------------------------------------- */

int lbc_create_table(lbc *c);
int lbc_drop_table(lbc *c);
int lbc_rename_table(lbc *c);
int lbc_add_column(lbc *c);
int lbc_drop_column(lbc *c);
int lbc_rename_column(lbc *c);
int lbc_modify_data_type(lbc *c);
int lbc_add_not_null(lbc *c);
int lbc_drop_not_null(lbc *c);
int lbc_add_default(lbc *c);
int lbc_drop_default(lbc *c);
int lbc_merge_columns(lbc *c);
int lbc_add_auto_increment(lbc *c);
int lbc_set_column_remarks(lbc *c);
int lbc_set_table_remarks(lbc *c);

/* ---- liquibase_changes_constraint.c ----------------------------------- */

int lbc_add_unique(lbc *c);
int lbc_drop_unique(lbc *c);
int lbc_add_foreign_key(lbc *c);
int lbc_drop_foreign_key(lbc *c);
int lbc_drop_all_foreign_keys(lbc *c);
int lbc_add_primary_key(lbc *c);
int lbc_drop_primary_key(lbc *c);
int lbc_create_index(lbc *c);
int lbc_drop_index(lbc *c);
int lbc_add_lookup_table(lbc *c);

/* ---- liquibase_changes_misc.c ----------------------------------------- */

int lbc_sql(lbc *c);
int lbc_sql_file(lbc *c);
int lbc_create_view(lbc *c);
int lbc_drop_view(lbc *c);
int lbc_rename_view(lbc *c);
int lbc_create_sequence(lbc *c);
int lbc_alter_sequence(lbc *c);
int lbc_drop_sequence(lbc *c);
int lbc_rename_sequence(lbc *c);
int lbc_create_procedure(lbc *c);
int lbc_drop_procedure(lbc *c);
int lbc_insert(lbc *c);
int lbc_update(lbc *c);
int lbc_delete(lbc *c);
int lbc_load_data(lbc *c);
int lbc_custom_change(lbc *c);
int lbc_execute_command(lbc *c);
int lbc_output(lbc *c);
int lbc_nothing(lbc *c);

#endif
