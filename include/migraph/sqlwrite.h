/*
 * sqlwrite.h: writing PostgreSQL SQL text from operations.
 *
 * The analyzers (safe alternatives) and the plan (every step of the
 * rollout) tell users SQL to run.  Liquibase change types have no SQL
 * text of their own, and a rewrite emits operations nobody wrote, so the
 * text comes from the operation: identifiers quoted exactly where
 * PostgreSQL needs it (as quote_ident does: anything but a plain
 * lower-case name that is not a keyword), names schema-qualified when
 * they are not in the default schema, and the syntax of the target
 * version.
 *
 * Expressions (defaults, CHECK bodies, index expressions, WHERE clauses)
 * are written as the operation recorded them: the migration's own text.
 */
#ifndef MIGRAPH_SQLWRITE_H
#define MIGRAPH_SQLWRITE_H

#include "migraph/model.h"

/* ---- Identifiers and literals --------------------------------------------- */

/* True when PostgreSQL needs name in double quotes: upper case, a
 * character other than a-z, 0-9, _ and non-ASCII, a leading digit, or a
 * keyword that is not unreserved. */
bool mg_sql_ident_needs_quotes(const char *name);
void mg_sql_put_ident(mg_buf *out, const char *name);
/* schema.name, leaving out the schema when it is dflt, the one unqualified
 * names resolve to where the migration runs. */
void mg_sql_put_qualified(mg_buf *out, const char *dflt, const char *schema, const char *name);
/* (a, b, lower(c)): identifiers quoted, expressions as written. */
void mg_sql_put_list(mg_buf *out, const mg_name_list *names);
/* 'text' with quotes doubled (E'' is never needed: standard strings). */
void mg_sql_put_literal(mg_buf *out, const char *text);
/* The same literal, as a string in arena. */
const char *mg_sql_literal(mg_arena *arena, const char *text);
/* A name that does not exist yet, derived from parts: t_col_idx. */
const char *mg_sql_index_name(mg_arena *arena, const char *table, const mg_name_list *cols,
                              const char *suffix);

/* ---- Finding clauses in statement text ------------------------------------ */

/* The byte offset of the first keyword `kw` (case-insensitive) in sql that
 * is a token of its own, outside comments, string literals, quoted
 * identifiers and parentheses; -1 when there is none. */
long mg_sql_find_keyword(const char *sql, size_t len, const char *kw);
/* Copies sql and inserts `insert` after the first keyword `kw` found by
 * mg_sql_find_keyword.  NULL when the keyword is absent. */
const char *mg_sql_insert_after(mg_arena *arena, const char *sql, size_t len, const char *kw,
                                const char *insert);
/* The SET list of an UPDATE statement's text ("a = lower(b), c = 1"), or
 * NULL when the text is not a single-table UPDATE with a plain SET list. */
const char *mg_sql_update_set_clause(mg_arena *arena, const char *sql, size_t len);
/* The column references of an expression (each once, in order), or an
 * empty list when it does not parse. */
mg_name_list mg_sql_expr_columns(mg_arena *arena, const char *expr);
/* Every name in the text (identifiers as PostgreSQL folds them, each
 * once): what an opaque block may refer to. */
mg_name_list mg_sql_names(mg_arena *arena, const char *sql, size_t len);
/* The expression with every reference to column `from` written as `to`
 * (quoted as needed); qualified references (t.from) and function names
 * are left alone. */
const char *mg_sql_rename_column_ref(mg_arena *arena, const char *expr, const char *from,
                                     const char *to);
/* The text of a CREATE INDEX after "ON [ONLY] table": the method, the
 * key items with their opclasses, INCLUDE, WITH, TABLESPACE and WHERE as
 * written.  NULL when the text is not a CREATE INDEX. */
const char *mg_sql_index_tail(mg_arena *arena, const char *sql, size_t len);

/* ---- Operations to SQL ---------------------------------------------------- */

typedef struct mg_sqlw {
	mg_arena *arena;
	const char *default_schema;   /* names in it are written unqualified; NULL: the engine's */
	int major;                    /* target PostgreSQL major version (10 to 18) */
} mg_sqlw;

/* schema.name, leaving out the writer's default schema. */
void mg_sqlw_put_name(const mg_sqlw *w, mg_buf *out, const char *schema, const char *name);
/* The relation an operation acts on (mg_op_table), qualified as above. */
void mg_sqlw_put_op_table(const mg_sqlw *w, mg_buf *out, const mg_operation *op);
/* name type [GENERATED ... AS IDENTITY] [DEFAULT e] [NOT NULL] [inline constraints] */
void mg_sqlw_put_column_def(const mg_sqlw *w, mg_buf *out, const mg_column_def *c);
/* [CONSTRAINT n] CHECK (...) | FOREIGN KEY ... | UNIQUE ... | PRIMARY KEY ...
 * [DEFERRABLE ...] [NOT VALID]; column is the column of an inline
 * constraint (its own column list is then left out). */
void mg_sqlw_put_constraint_def(const mg_sqlw *w, mg_buf *out, const mg_constraint_def *k,
                                const char *table_schema, bool inline_in_column);

/* The SQL of one operation for the target version, ending in ';'.
 * Returns NULL when the operation does not record enough to write it
 * (a view's query, a function body, a Liquibase update without values);
 * *why then says what is missing (why may be NULL). */
const char *mg_sqlw_op(const mg_sqlw *w, const mg_operation *op, const char **why);

#endif
