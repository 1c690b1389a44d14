/*
 * backfill_int.h: what the files of the backfill generator share.
 *
 *   backfill.c       plan_backfill_new(): names, key, sizing, scripts
 *   backfill_size.c  the batch size and pause from the profile, with the
 *                    arithmetic written out for the reviewer
 *   backfill_sql.c   the SQL: helper tables, the procedure (11+) or the
 *                    psql loop (10), progress, verify, cleanup
 *   backfill_dml.c   an UPDATE/DELETE of the release turned into a backfill
 *
 * The constants of the sizing model are documented in formats/backfill.md;
 * change both together.
 */
#ifndef MIGRAPH_PLAN_BACKFILL_INT_H
#define MIGRAPH_PLAN_BACKFILL_INT_H

#include "plan/plan_int.h"

/* ---- Sizing ------------------------------------------------------------ */

#define BF_DEFAULT_BATCH       1000 /* no profile, or the table's size unknown */
#define BF_DEFAULT_PAUSE_MS    100.0
#define BF_MAX_BATCH           10000 /* larger batches gain little and make a retry costly */
#define BF_LOCK_SHARE          0.1 /* one batch holds its row locks <= this share of max_lock_ms */
#define BF_ASSUMED_MAX_LOCK_MS 2000.0 /* the profile has no slo.max_lock_ms */
#define BF_DML_FACTOR          4.0 /* row-by-row DML is this much slower per byte than a rewrite */
#define BF_WAL_FACTOR          2.0 /* WAL per changed row, in row sizes (heap, index, page images) */
#define BF_REPLICA_SHARE       0.5 /* backfill + application WAL stay under this share of replica apply \
	                            */
#define BF_LAG_SHARE 0.1 /* one batch's WAL replays within this share of max_replication_lag_s */

typedef struct bf_size_in {
	const char *table; /* "public.orders", for the reasoning */
	bool has_profile;
	bool table_known; /* the profile names the table */
	mg_opt_u64 rows;
	mg_opt_u64 bytes;
	mg_opt_f64 write_qps;
	mg_opt_f64 max_lock_ms;
	mg_opt_f64 max_replication_lag_s;
	mg_opt_f64 replica_apply_bytes_s;
	double rewrite_bytes_s; /* the profile's, or the documented default */
	bool rewrite_given;
} bf_size_in;

typedef struct bf_size_out {
	uint64_t batch_size;
	double pause_ms;
	bool batch_ms_known;
	double batch_ms; /* one batch's expected duration */
	bool runtime_known;
	double runtime_ms;
	const char *reasoning;
} bf_size_out;

/* The batch size and pause for in, with the arithmetic in reasoning. */
void plan_backfill_size(mg_arena *arena, const bf_size_in *in, bf_size_out *out);

/* ---- SQL ---------------------------------------------------------------- */

/* Everything the scripts need, already quoted for SQL. */
typedef struct bf_spec {
	const char *name;        /* the backfill's name: checkpoint key, procedure name */
	const char *name_lit;    /* name as a string literal */
	const char *proc;        /* qualified, quoted procedure name */
	const char *table;       /* qualified, quoted table */
	const char *table_label; /* schema.table for comments */
	const char *alias;       /* quoted alias of the original statement, or NULL */
	const char *ref;         /* how expressions refer to the row: alias or table name */
	bool only;
	const char **key;      /* quoted key columns */
	const char **key_type; /* "table.col%TYPE" for each key column */
	size_t n_key;
	const char *set_clause;       /* NULL: the batch deletes */
	const char *from_clause;      /* UPDATE ... FROM / DELETE ... USING, or NULL */
	const char *predicate;        /* the change's rows; NULL: every row */
	const char *select_predicate; /* what pages through the keys: the author's own
	                                 condition, never the derived guard, which evaluates
	                                 the SET expression and so fails on a bad row */
	bool idempotent;              /* the predicate excludes rows already done */
	const char *checkpoint;       /* qualified, quoted helper tables */
	const char *dead_letter;
	uint64_t batch_size;
	double pause_ms;
	int major; /* target PostgreSQL major version */
} bf_spec;

typedef struct bf_scripts {
	const char *setup;
	const char *script;
	const char *run;
	const char *progress;
	const char *verify;
	const char *cleanup;
	const char *failure_handling;
} bf_scripts;

void plan_backfill_sql(mg_arena *arena, const bf_spec *spec, bf_scripts *out);

/* A dollar-quote tag ("$migraph$", "$migraph1$" ...) that appears in none
 * of the texts (NULL-terminated list). */
const char *plan_backfill_dollar_tag(mg_arena *arena, const char *base, const char *const *texts);

/* name quoted where PostgreSQL needs it (a string literal: mg_sql_literal). */
const char *plan_backfill_ident(mg_arena *arena, const char *name);

/* ---- From the release's own statements ---------------------------------- */

/* The table as the catalog knows it just before the current statement
 * (or after the whole history, for what the replay cannot see). */
struct mg_cat_relation;
const struct mg_cat_relation *plan_backfill_relation(plan_ctx *ctx, const mg_object *table);

/* The key a backfill of rel pages by: the primary key, else a unique key
 * on NOT NULL columns; how says which ("primary key" or the constraint or
 * index name).  False when the table has none. */
bool plan_backfill_key(const struct mg_cat_relation *rel, mg_name_list *key, const char **how);

/* Like plan_backfill_new with the original statement's alias, FROM/USING
 * list, the condition that selects the keys (see bf_spec) and whether the
 * predicate is idempotent.  NULL set_clause: a batched DELETE. */
mg_backfill *plan_backfill_build(plan_ctx *ctx, const mg_object *table, const char *alias,
                                 bool only, const char *set_clause, const char *from_clause,
                                 const char *predicate, const char *select_predicate,
                                 bool idempotent, const char *source_sql);

#endif
