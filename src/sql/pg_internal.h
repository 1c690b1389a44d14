/*
 * pg_internal.h: what the files of the PostgreSQL front end share.
 *
 * pg.c drives libpg_query and owns the statement being built; the pg_*.c
 * files each map one family of parse-tree nodes to operations.  All of
 * them see the same context: the project (arena, diagnostics), the text
 * that was given to libpg_query (node locations are byte offsets in it)
 * and where that text sits in the script.
 */
#ifndef MIGRAPH_SQL_PG_INTERNAL_H
#define MIGRAPH_SQL_PG_INTERNAL_H

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "migraph/sql.h"

typedef PgQuery__Node pg_node;

typedef struct sql_pg_ctx {
	mg_project *project;
	mg_arena *arena;
	const mg_sql_options *opts;
	const char *schema; /* schema of unqualified names: the script's search_path, else base_schema */
	const char *base_schema; /* Flyway's defaultSchema, Liquibase's defaultSchemaName or the engine's */
	const mg_text *text;
	mg_text_cursor *cursor; /* moves forward only */
	const char *src;        /* the NUL-terminated string libpg_query parsed */
	size_t src_len;
	size_t src_base;    /* offset of src[0] in text->data */
	mg_statement *stmt; /* the statement receiving operations */
	size_t stmt_start;  /* span of the current raw statement, in src */
	mg_loc raw_loc;          /* where the RawStmt being mapped starts: its ops' default loc */
	size_t stmt_end;
	size_t depth_limit;      /* --max-sql-depth: deeper trees are not unpacked */
	size_t parse_cap;        /* estimated depth beyond which libpg_query never parses */
} sql_pg_ctx;

/* ---- pg_names.c: names, objects, text spans --------------------------- */

/* Arena copy of a protobuf string; NULL for NULL or "". */
const char *sql_pg_str(sql_pg_ctx *ctx, const char *s);
/* The string of a String node (or of an A_Const string), else NULL. */
const char *sql_pg_node_str(const pg_node *n);
mg_object sql_pg_rangevar(sql_pg_ctx *ctx, const PgQuery__RangeVar *rv, mg_object_kind kind);
/* A dotted name given as a list of String nodes (schema.name or name). */
mg_object sql_pg_qualified(sql_pg_ctx *ctx, pg_node **names, size_t n, mg_object_kind kind);
mg_name_list sql_pg_name_list(sql_pg_ctx *ctx, pg_node **names, size_t n);
mg_name_list sql_pg_expr_list(sql_pg_ctx *ctx, pg_node **items, size_t n);
/* Records a partition bound (FROM/TO or IN datums) on op. */
void sql_pg_partition_bound(sql_pg_ctx *ctx, mg_operation *op, const PgQuery__PartitionBoundSpec *b);
/* "a.b.c" from a list of String nodes. */
const char *sql_pg_dotted(sql_pg_ctx *ctx, pg_node **names, size_t n);
mg_operation *sql_pg_op(sql_pg_ctx *ctx, mg_op_kind kind);
mg_operation *sql_pg_opaque(sql_pg_ctx *ctx, mg_opaque_kind kind, const char *detail);
/* Sets the operation's location to a byte offset in src. */
void sql_pg_op_at(sql_pg_ctx *ctx, mg_operation *op, size_t src_offset);
/* Trimmed arena copy of src[start, end). */
const char *sql_pg_span(sql_pg_ctx *ctx, size_t start, size_t end);
/* The source text of an expression: from its first token to the first
 * top-level ',' or unbalanced ')' before limit (or the statement's end when
 * limit is 0), stopping also before the top-level word stop_word. */
const char *sql_pg_expr_text(sql_pg_ctx *ctx, const pg_node *expr, size_t limit,
                            const char *stop_word);
/* Smallest location of any node in the subtree, or -1. */
int sql_pg_first_location(const ProtobufCMessage *msg);

/* Calls fn on every message of the subtree (pre-order).  fn returns false
 * to skip the message's children. */
typedef bool (*sql_pg_visit_fn)(const ProtobufCMessage *msg, void *ud);
void sql_pg_walk(const ProtobufCMessage *msg, sql_pg_visit_fn fn, void *ud);

const char *sql_pg_node_type_name(const pg_node *n);

/* ---- pg_types.c ------------------------------------------------------- */

/* Canonical type text (format_type style).  *serial is set for serial,
 * bigserial and smallserial, whose text is then the integer type. */
const char *sql_pg_type_text(sql_pg_ctx *ctx, const PgQuery__TypeName *tn, bool *serial);
const char *sql_pg_type_text_arena(mg_arena *arena, const PgQuery__TypeName *tn, bool *serial);

/* ---- volatility.c ----------------------------------------------------- */

typedef struct sql_pg_volatility_entry {
	const char *name;
	char vol; /* 'i', 's' or 'v' as in pg_proc.provolatile */
} sql_pg_volatility_entry;

extern const sql_pg_volatility_entry sql_pg_volatility_table[];
extern const size_t sql_pg_volatility_table_len;

/* 'i', 's', 'v', or 0 when PostgreSQL 15 has no such function. */
char sql_pg_function_volatility(const char *name);
mg_volatility sql_pg_expr_volatility(const pg_node *expr);

/* ---- mapping, one family per file ------------------------------------- */

/* pg_table.c */
void sql_pg_map_create_table(sql_pg_ctx *ctx, const PgQuery__CreateStmt *s);
void sql_pg_map_create_table_as(sql_pg_ctx *ctx, const PgQuery__CreateTableAsStmt *s);
void sql_pg_column_def(sql_pg_ctx *ctx, const PgQuery__ColumnDef *cd, const mg_object *table,
                      mg_column_def *out, size_t limit);
void sql_pg_constraint(sql_pg_ctx *ctx, const PgQuery__Constraint *c, const char *column,
                      mg_constraint_def *out);
/* pg_alter.c */
void sql_pg_map_alter_table(sql_pg_ctx *ctx, const PgQuery__AlterTableStmt *s);
/* pg_index.c */
void sql_pg_map_index(sql_pg_ctx *ctx, const PgQuery__IndexStmt *s);
void sql_pg_map_reindex(sql_pg_ctx *ctx, const PgQuery__ReindexStmt *s);
void sql_pg_map_view(sql_pg_ctx *ctx, const PgQuery__ViewStmt *s);
void sql_pg_map_refresh(sql_pg_ctx *ctx, const PgQuery__RefreshMatViewStmt *s);
/* The relations a query reads, into op->depends (once each; WITH query
 * names are not relations). */
void sql_pg_add_depends(sql_pg_ctx *ctx, mg_operation *op, const pg_node *query);
/* The same over a whole statement, leaving out its target (the RangeVar it
 * writes), SELECT ... INTO's new table and data-modifying WITH queries. */
void sql_pg_add_reads(sql_pg_ctx *ctx, mg_operation *op, const pg_node *stmt, const void *target);
/* SELECT ... FOR UPDATE/SHARE [OF ...]: the relations whose rows it locks,
 * into op->row_locks. */
void sql_pg_add_row_locks(sql_pg_ctx *ctx, mg_operation *op, const PgQuery__SelectStmt *s);
/* pg_objects.c: drops, renames, SET SCHEMA, owners, comments, grants */
void sql_pg_map_drop(sql_pg_ctx *ctx, const PgQuery__DropStmt *s);
void sql_pg_map_rename(sql_pg_ctx *ctx, const PgQuery__RenameStmt *s);
void sql_pg_map_set_schema(sql_pg_ctx *ctx, const PgQuery__AlterObjectSchemaStmt *s);
void sql_pg_map_owner(sql_pg_ctx *ctx, const PgQuery__AlterOwnerStmt *s);
void sql_pg_map_comment(sql_pg_ctx *ctx, const PgQuery__CommentStmt *s);
void sql_pg_map_grant(sql_pg_ctx *ctx, const PgQuery__GrantStmt *s);
mg_object sql_pg_object_node(sql_pg_ctx *ctx, PgQuery__ObjectType type, const pg_node *obj);
mg_object_kind sql_pg_object_kind(PgQuery__ObjectType type);
/* pg_misc.c: sequences, types, domains, functions, triggers, ... */
bool sql_pg_map_misc(sql_pg_ctx *ctx, const pg_node *n);
/* pg_dml.c: data, session and transaction statements */
bool sql_pg_map_dml(sql_pg_ctx *ctx, const pg_node *n);

/* ---- pg.c and pg_bulk.c: the driver ----------------------------------- */

mg_statement *sql_pg_new_statement(sql_pg_ctx *ctx, mg_changeset *cs, size_t start, size_t end);
bool sql_pg_over_limit(const sql_pg_ctx *ctx, size_t len);
void sql_pg_limit_diag(sql_pg_ctx *ctx, mg_statement *st, size_t len);
/* Maps one RawStmt at [location, location + len) of ctx->src: a statement
 * of its own, or operations of `one` when one is not NULL.  too_deep, when
 * not 0, is the depth of a tree that was not unpacked (stmt is NULL): the
 * statement gets the limit diagnostic.  Returns the statements added. */
size_t sql_pg_map_raw_stmt(sql_pg_ctx *ctx, mg_changeset *cs, int32_t location, int32_t len,
                          const pg_node *stmt, size_t too_deep, mg_statement *one);
/* The limit-sql-depth diagnostic on st (at `at`); estimated when the depth
 * was estimated from the tokens, before any parse. */
void sql_pg_depth_diag(sql_pg_ctx *ctx, mg_statement *st, mg_loc at, size_t depth, bool estimated);
size_t sql_pg_depth_limit(const sql_pg_ctx *ctx);
/* Estimated depths above this are never given to libpg_query: its pack
 * would need more stack than the parse has, and time quadratic in depth. */
size_t sql_pg_parse_depth_cap(const sql_pg_ctx *ctx);
/* True when src[0, len) may hold a tree deeper than the parse cap; the
 * estimate is stored in *estimate (may be NULL). */
bool sql_pg_too_deep(sql_pg_ctx *ctx, const char *src, size_t len, size_t *estimate);

/* ---- pg_tree.c: protobuf bytes -> statements, within the depth limit --- */

/* Depth of the message of type desc in p[0, len) (1 for a message with no
 * nested message), measured without recursion; stops counting once it
 * exceeds stop.  SIZE_MAX when the bytes are malformed. */
size_t sql_pg_wire_depth(const uint8_t *p, size_t len, const ProtobufCMessageDescriptor *desc,
                        size_t stop);
/* Unpacks and maps each statement of a parse result in turn; a statement
 * deeper than the limit is reported and skipped.  Returns the statements added. */
size_t sql_pg_map_tree(sql_pg_ctx *ctx, mg_changeset *cs, const PgQueryProtobuf *tree,
                      mg_statement *one);

/* ---- depth.c ----------------------------------------------------------- */

/* An upper bound of the parse-tree depth (in protobuf message levels) of
 * the deepest statement of s[0, len), from its tokens alone. */
size_t sql_depth_estimate(const char *s, size_t len);
/* The same, and in *comment_depth the deepest nesting of a block comment. */
size_t sql_depth_scan(const char *s, size_t len, size_t *comment_depth);
/* Scripts at least this large take the bulk path (a variable so tests can
 * exercise it on small inputs). */
extern size_t sql_pg_bulk_threshold;
/* Parses a large script: returns the statements added, or (size_t)-1 when
 * it does not parse as a whole (the caller then falls back). buf is the
 * caller's NUL-terminated copy of the text; it is modified temporarily. */
size_t sql_pg_parse_bulk(sql_pg_ctx *ctx, mg_changeset *cs, char *buf, size_t len);
/* INSERT INTO name [(columns)] VALUES (...)[, ...] [RETURNING ...]: the
 * one statement shape worth recognising without a tree. */
bool sql_pg_simple_insert(sql_pg_ctx *ctx, size_t start, size_t end, mg_object *table);

/* ---- split.c ---------------------------------------------------------- */

typedef enum sql_dialect { SQL_DIALECT_PG = 0, SQL_DIALECT_MYSQL } sql_dialect;

/* If s[i] opens a quote, dollar quote or comment, returns the offset just
 * after it (len when it is unterminated, with *open naming it); otherwise
 * returns i. */
size_t sql_skip_special(const char *s, size_t len, size_t i, sql_dialect dialect,
                           const char **open);
/* The end of the block comment at s[i] (slash-star: nests in PostgreSQL, not in
 * MySQL), and in *max_depth (may be NULL) how deep it nests; *open (may
 * be NULL) is set when it runs to the end of the text. */
size_t sql_skip_comment(const char *s, size_t len, size_t i, bool nests, size_t *max_depth,
                           const char **open);
/* Replaces each block comment nested deeper than max_depth by blanks
 * (line breaks kept, so offsets and lines stay): libpg_query's scanner
 * takes time quadratic in a comment's depth, and a comment is blank to
 * the server too.  Returns how many; *first is where the first starts,
 * *deepest the deepest nesting among them. */
size_t sql_blank_deep_comments(char *s, size_t len, size_t max_depth, size_t *first,
                                  size_t *deepest);
/* Replaces the data of each COPY ... FROM STDIN (the lines after the
 * statement, up to and including the line "\."), by blanks, line breaks
 * kept: the data is not SQL, and libpg_query would reject the script and
 * the splitter cut it at its semicolons.  Returns how many; *unterminated
 * is where a COPY whose data has no "\." line starts (its data then runs
 * to the end, as psql and Flyway read it), or SIZE_MAX. */
size_t sql_blank_copy_data(char *s, size_t len, size_t *unterminated);
/* First offset >= i that is not blank and not in a comment. */
size_t sql_skip_blank(const char *s, size_t len, size_t i);
size_t sql_split_dialect(mg_arena *arena, const char *text, size_t len,
                            const char *end_delimiter, sql_dialect dialect, mg_sql_span **spans,
                            const char **unterminated);

/* pg.c: MySQL/MariaDB scripts are split and kept as opaque SQL. */
size_t sql_other_engine_parse_script(mg_project *project, mg_changeset *cs, const mg_text *text,
                                    const mg_sql_options *opts);

#endif
