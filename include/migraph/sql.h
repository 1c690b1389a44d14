/*
 * sql.h: SQL front ends.
 *
 * Turns SQL text into statements and operations of the shared vocabulary.
 * PostgreSQL goes through libpg_query's protobuf tree (src/sql/pg*.c).
 * Every statement keeps its exact file:line:column through mg_text
 * anchors, even when the text was transformed before it arrived here.
 */
#ifndef MIGRAPH_SQL_H
#define MIGRAPH_SQL_H

#include "migraph/model.h"

typedef struct mg_sql_options {
	mg_engine_target engine;
	const char *default_schema;   /* "public" when NULL (PostgreSQL) */
	size_t max_statement_bytes;   /* 0: no limit */
	bool split_statements;        /* false: the whole text is one statement (Liquibase splitStatements=false) */
	const char *end_delimiter;    /* Liquibase endDelimiter, or NULL for ';' */
} mg_sql_options;

void mg_sql_options_init(mg_sql_options *opts, mg_engine_target engine);

/* Parses a script and appends its statements (with operations) to cs.
 * Statements that do not parse become statements with parse_failed set and
 * a diagnostic carrying the file's own line; the rest of the script is
 * still analysed.  Returns the number of statements added. */
size_t mg_sql_parse_script(mg_project *project, mg_changeset *cs,
                           const mg_text *text, const mg_sql_options *opts);

/* Parses SQL that migraph wrote itself (a derived rollback, a plan step)
 * into a changeset that is not part of the project, so later stages can
 * replay it like any migration.  Its problems are not the project's: no
 * diagnostic is kept.  NULL when any statement fails to parse. */
mg_changeset *mg_sql_parse_generated(mg_project *project, const char *sql,
                                     const char *default_schema, const char *origin);

/* Whether PostgreSQL's grammar accepts sql (every statement of it):
 * the check for SQL migraph writes, without building operations. */
bool mg_sql_parses(const char *sql);

/* A statement's span in a script, found without parsing it. */
typedef struct mg_sql_span {
	size_t offset;     /* first byte of the statement (after leading blanks/comments) */
	size_t len;        /* up to, not including, the terminator */
} mg_sql_span;

/* Splits PostgreSQL-flavoured SQL at ';' (or end_delimiter) outside
 * quotes, dollar quotes and comments.  An unterminated quote or comment
 * ends the last span at the end of the text and sets *unterminated to a
 * description of what was left open (or NULL).  The spans array is
 * allocated in the arena. */
size_t mg_sql_split(mg_arena *arena, const char *text, size_t len,
                    const char *end_delimiter, mg_sql_span **spans,
                    const char **unterminated);

/* Flyway's notion of a statement that cannot run inside a transaction
 * (CREATE INDEX CONCURRENTLY, VACUUM, ALTER TYPE ... ADD VALUE before 12,
 * ...), used for its rule on scripts that mix both kinds. */
bool mg_statement_is_non_transactional(const mg_statement *stmt,
                                       const mg_engine_target *engine);

/* Tells the front end the process is ending (frees libpg_query's
 * per-thread memory so leak checkers stay quiet). */
void mg_sql_shutdown(void);

#endif
