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
	const char *default_schema;   /* NULL: the engine's (mg_engine_default_schema) */
	size_t max_statement_bytes;   /* 0: no limit */
	size_t max_depth;             /* parse-tree depth (--max-sql-depth); 0: the default */
	size_t max_nesting;           /* block-comment nesting (--max-nesting-depth); 0: the default */
	bool split_statements;        /* false: the whole text is one statement (Liquibase splitStatements=false) */
	const char *end_delimiter;    /* Liquibase endDelimiter, or NULL for ';' */
} mg_sql_options;

/* A statement whose parse tree is deeper than this many levels is not
 * analysed (a limit diagnostic).  10,000 levels hold the chains PostgreSQL
 * 15 accepts with its default max_stack_depth (4,092 terms of a + chain
 * are 8,190 levels, 7,274 UNION ALL branches 7,280) and 1,660 nested
 * subqueries (PostgreSQL takes 2,111).  The bound matters for time too:
 * libpg_query's protobuf pack moves each subtree once per level above it,
 * so a statement costs time quadratic in its depth. */
#define MG_SQL_DEFAULT_MAX_DEPTH ((size_t)10000)
/* Block comments nested deeper are read as blank (libpg_query's scanner
 * takes time quadratic in their depth); --max-nesting-depth's default. */
#define MG_SQL_DEFAULT_MAX_NESTING ((size_t)1000)

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

/* Parses a type as PostgreSQL would (it parses "SELECT NULL::<type_text>")
 * and returns its canonical text in the arena, spelled as PostgreSQL's
 * format_type() spells it: "integer", "character varying(255)",
 * "timestamp(3) with time zone", "numeric(10,2)", "text[]" ...  The serial
 * pseudo-types come back as "serial", "bigserial" and "smallserial" (they
 * are not types; the caller decides what they mean).  Returns NULL when the
 * text is not exactly one type.  The Liquibase loader spells its types
 * with it, so that both front ends agree. */
const char *mg_sql_type_canonical(mg_arena *arena, const char *type_text);

/* One UPDATE or DELETE taken apart for a batched rewrite (a backfill
 * repeats the author's own expressions).  Texts are exact, trimmed spans
 * of the statement, without their keywords; NULL when absent. */
typedef struct mg_sql_dml {
	mg_op_kind kind;               /* MG_OP_UPDATE or MG_OP_DELETE */
	mg_object table;               /* schema filled with the default schema */
	const char *alias;             /* UPDATE t AS x: "x" */
	bool only;                     /* ONLY: not the inheritance children */
	const char *set_clause;        /* UPDATE: "a = lower(b), c = 1" */
	mg_name_list set_columns;      /* the columns it sets, in order */
	mg_name_list set_exprs;        /* their expressions (empty with multi_assign) */
	const char *from_clause;       /* UPDATE ... FROM / DELETE ... USING list */
	const char *where_clause;      /* the condition */
	mg_volatility set_volatility;  /* the most volatile SET expression */
	bool set_reads_targets;        /* a SET expression reads a column it sets (n = n + 1) */
	bool set_default;              /* SET c = DEFAULT */
	bool set_subfield;             /* SET arr[1] = ..., SET comp.f = ... */
	bool multi_assign;             /* SET (a, b) = (...) */
	bool has_with;                 /* WITH ... UPDATE */
	bool has_returning;
	bool where_current_of;         /* WHERE CURRENT OF cursor */
} mg_sql_dml;

/* Takes one PostgreSQL UPDATE or DELETE apart.  Returns 0, or -1 (out
 * zeroed) when the text is not exactly one such statement or a part
 * cannot be cut from it reliably. */
int mg_sql_dml_parts(mg_arena *arena, const char *sql, size_t len, const char *default_schema,
                     mg_sql_dml *out);

/* Tells the front end the process is ending (frees libpg_query's
 * per-thread memory so leak checkers stay quiet). */
void mg_sql_shutdown(void);

#endif
