/*
 * pglock_internal.h: shared state of the PostgreSQL lock model (src/engine/pglock*.c).
 */
#ifndef MIGRAPH_ENGINE_PG_INTERNAL_H
#define MIGRAPH_ENGINE_PG_INTERNAL_H

#include "migraph/engine.h"

typedef struct eng_ctx {
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
} eng_ctx;

/* Takes mode on a relation; a relation keeps its strongest mode. */
void eng_lock(eng_ctx *c, mg_object_kind kind, const char *schema, const char *name,
             mg_lock_mode mode);
void eng_lock_object(eng_ctx *c, const mg_object *relation, mg_lock_mode mode);
/* The table an operation acts on (a column's or constraint's table). */
mg_cat_relation *eng_op_relation(eng_ctx *c);
/* The version rule that decided, shown to the reader. */
void eng_note(eng_ctx *c, const char *note);
/* The server rejects the statement on this version. */
void eng_fail(eng_ctx *c, const char *error);
/* Needs at least this major version, else the server rejects it. */
bool eng_require(eng_ctx *c, int major, const char *feature);

/* Relations reached through the catalog (pglock_rel.c). */
void eng_lock_rel(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode);
mg_cat_relation *eng_find(eng_ctx *c, const mg_object *o);
/* Every partition below rel, at any depth. */
void eng_lock_partitions(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode);
mg_cat_relation *eng_default_partition(const mg_cat_relation *parent);
/* Sequences owned by serial (nextval default) and identity columns. */
void eng_each_owned_sequence(eng_ctx *c, const mg_cat_relation *rel, const char *only_column,
                            mg_lock_mode mode);
/* True when another operation of the same statement drops rel (DROP
 * TABLE a, b; DROP VIEW a, b) or, for TRUNCATE, truncates it too. */
bool eng_dropped_with(const eng_ctx *c, const mg_cat_relation *rel);
/* Views and materialized views reading rel, and those reading them in
 * turn; MG_LOCK_NONE only counts the direct ones. */
size_t eng_lock_dependent_views(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode);
/* The tables rel's foreign keys (on only_column, when given) reference. */
void eng_lock_fk_targets(eng_ctx *c, const mg_cat_relation *rel, const char *only_column,
                        mg_lock_mode mode);
/* Other tables whose foreign keys reference rel (its only_column, when
 * given); returns how many.  MG_LOCK_NONE only counts, and leaves out
 * tables the same statement drops. */
size_t eng_lock_referencing(eng_ctx *c, const mg_cat_relation *rel, const char *only_column,
                           mg_lock_mode mode);
/* Indexes with storage: rel's own (none when partitioned) and, on a
 * partition, the copies of its parents' partitioned indexes. */
/* The indexes of the tables at the other end of rel's foreign keys (both
 * directions, on only_column when given). */
void eng_index_fk_sides(eng_ctx *c, const mg_cat_relation *rel, const char *only_column,
                       mg_lock_mode mode);
void eng_lock_indexes(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode);
/* Only the copies of the parents' indexes (what DETACH detaches). */
void eng_lock_attached_indexes(eng_ctx *c, const mg_cat_relation *part, mg_lock_mode mode);
/* rel's own catalog indexes, partitioned ones included. */
void eng_lock_own_indexes(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode);
/* eng_lock_indexes over rel and every partition below it. */
void eng_lock_tree_indexes(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode);
/* A query reads the relation: ACCESS SHARE on it, its partitions and
 * every index the planner opens; through a view, on what the view reads,
 * down to the tables. */
void eng_read_table(eng_ctx *c, const mg_cat_relation *rel);
void eng_read_object(eng_ctx *c, const mg_object *o);
/* The same in another mode (ROW SHARE for rows locked FOR UPDATE). */
void eng_read_object_as(eng_ctx *c, const mg_object *o, mg_lock_mode mode);
/* mode on every relation the view reads, through nested views (LOCK TABLE
 * on a view, 11+); depth counts the levels already followed. */
void eng_lock_view_bases(eng_ctx *c, const mg_cat_relation *view, mg_lock_mode mode, int depth);
void eng_lock_column_indexes(eng_ctx *c, const mg_cat_relation *rel, const char *column,
                            mg_lock_mode mode);
bool eng_has_column_index(const mg_cat_relation *rel, const char *column);
/* The mode already taken on a relation, MG_LOCK_NONE if none. */
mg_lock_mode eng_mode_of(const eng_ctx *c, const char *schema, const char *name);

/* Locks the partitions an INSERT ... VALUES routes its rows to (12+);
 * false when the rows cannot be routed (pglock_route.c). */
bool eng_route_insert(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode);
/* UPDATE/DELETE on 12+: locks the partitions the planner keeps for the
 * WHERE's bounds on the key (and their indexes); false when it cannot
 * tell, and nothing is locked. */
bool eng_prune_partitions(eng_ctx *c, const mg_cat_relation *rel, mg_lock_mode mode);

/* ALTER TABLE subcommands and column changes (pglock_alter.c). */
bool eng_model_alter(eng_ctx *c);
/* Indexes, partitions, views, sequences, types, DML ... (pglock_other.c). */
bool eng_model_other(eng_ctx *c);

/* Does changing a column from type `from` to type `to` rewrite the table?
 * (pglock_coerce.c) Unknown `from` counts as a rewrite: the safe answer. */
bool eng_type_change_rewrites(const char *from, const char *to, int major, bool timezone_utc,
                             const char **why);

#endif
