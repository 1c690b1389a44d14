/*
 * pg_internal.h: shared state of the PostgreSQL lock model (src/engine/pg*.c).
 */
#ifndef MIGRAPH_ENGINE_PG_INTERNAL_H
#define MIGRAPH_ENGINE_PG_INTERNAL_H

#include "migraph/engine.h"

typedef struct pg_ctx {
	mg_arena *arena;
	int major;                       /* PostgreSQL major version */
	const mg_engine_session *session;
	const mg_catalog *cat;
	mg_operation *op;
	mg_lock *locks;
	size_t n_locks;
	size_t cap_locks;
	unsigned effects;
	const char *note;
	const char *error;
} pg_ctx;

/* Takes mode on a relation; a relation keeps its strongest mode. */
void pg_lock(pg_ctx *c, mg_object_kind kind, const char *schema, const char *name,
             mg_lock_mode mode);
void pg_lock_object(pg_ctx *c, const mg_object *relation, mg_lock_mode mode);
/* The table an operation acts on (a column's or constraint's table). */
mg_cat_relation *pg_op_relation(pg_ctx *c);
/* The version rule that decided, shown to the reader. */
void pg_note(pg_ctx *c, const char *note);
/* The server rejects the statement on this version. */
void pg_fail(pg_ctx *c, const char *error);
/* Needs at least this major version, else the server rejects it. */
bool pg_require(pg_ctx *c, int major, const char *feature);

/* Relations reached through the catalog (pg_rel.c). */
void pg_lock_rel(pg_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode);
mg_cat_relation *pg_find(pg_ctx *c, const mg_object *o);
/* Every partition below rel, at any depth. */
void pg_lock_partitions(pg_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode);
mg_cat_relation *pg_default_partition(const mg_cat_relation *parent);
/* Sequences owned by serial (nextval default) and identity columns. */
void pg_each_owned_sequence(pg_ctx *c, const mg_cat_relation *rel, const char *only_column,
                            mg_lock_mode mode);
/* True when another operation of the same statement drops rel (DROP
 * TABLE a, b; DROP VIEW a, b) or, for TRUNCATE, truncates it too. */
bool pg_dropped_with(const pg_ctx *c, const mg_cat_relation *rel);
/* Views and materialized views reading rel, and those reading them in
 * turn; MG_LOCK_NONE only counts the direct ones. */
size_t pg_lock_dependent_views(pg_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode);
/* The tables rel's foreign keys (on only_column, when given) reference. */
void pg_lock_fk_targets(pg_ctx *c, const mg_cat_relation *rel, const char *only_column,
                        mg_lock_mode mode);
/* Other tables whose foreign keys reference rel (its only_column, when
 * given); returns how many.  MG_LOCK_NONE only counts, and leaves out
 * tables the same statement drops. */
size_t pg_lock_referencing(pg_ctx *c, const mg_cat_relation *rel, const char *only_column,
                           mg_lock_mode mode);
/* Indexes with storage: rel's own (none when partitioned) and, on a
 * partition, the copies of its parents' partitioned indexes. */
/* The indexes of the tables at the other end of rel's foreign keys (both
 * directions, on only_column when given). */
void pg_index_fk_sides(pg_ctx *c, const mg_cat_relation *rel, const char *only_column,
                       mg_lock_mode mode);
void pg_lock_indexes(pg_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode);
/* Only the copies of the parents' indexes (what DETACH detaches). */
void pg_lock_attached_indexes(pg_ctx *c, const mg_cat_relation *part, mg_lock_mode mode);
/* rel's own catalog indexes, partitioned ones included. */
void pg_lock_own_indexes(pg_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode);
/* pg_lock_indexes over rel and every partition below it. */
void pg_lock_tree_indexes(pg_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode);
/* A query reads the relation: ACCESS SHARE on it, its partitions and
 * every index the planner opens; through a view, on what the view reads,
 * down to the tables. */
void pg_read_table(pg_ctx *c, const mg_cat_relation *rel);
void pg_read_object(pg_ctx *c, const mg_object *o);
/* The same in another mode (ROW SHARE for rows locked FOR UPDATE). */
void pg_read_object_as(pg_ctx *c, const mg_object *o, mg_lock_mode mode);
/* mode on every relation the view reads, through nested views (LOCK TABLE
 * on a view, 11+); depth counts the levels already followed. */
void pg_lock_view_bases(pg_ctx *c, const mg_cat_relation *view, mg_lock_mode mode, int depth);
void pg_lock_column_indexes(pg_ctx *c, const mg_cat_relation *rel, const char *column,
                            mg_lock_mode mode);
bool pg_has_column_index(const mg_cat_relation *rel, const char *column);
/* The mode already taken on a relation, MG_LOCK_NONE if none. */
mg_lock_mode pg_mode_of(const pg_ctx *c, const char *schema, const char *name);

/* Locks the partitions an INSERT ... VALUES routes its rows to (12+);
 * false when the rows cannot be routed (pg_route.c). */
bool pg_route_insert(pg_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode);
/* UPDATE/DELETE on 12+: locks the partitions the planner keeps for the
 * WHERE's bounds on the key (and their indexes); false when it cannot
 * tell, and nothing is locked. */
bool pg_prune_partitions(pg_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode);

/* ALTER TABLE subcommands and column changes (pg_alter.c). */
bool pg_model_alter(pg_ctx *c);
/* Indexes, partitions, views, sequences, types, DML ... (pg_other.c). */
bool pg_model_other(pg_ctx *c);

/* Does changing a column from type `from` to type `to` rewrite the table?
 * (pg_coerce.c) Unknown `from` counts as a rewrite: the safe answer. */
bool pg_type_change_rewrites(const char *from, const char *to, int major, bool timezone_utc,
                             const char **why);

#endif
