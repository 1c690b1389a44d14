/*
 * catalog.h: the simulated schema, replayed through the changesets.
 *
 * The catalog knows the schema at every point of the history: tables and
 * their columns, indexes, constraints, partitions, views and what they
 * read, sequences, types and functions by name.  Later stages ask it
 * questions the operations alone cannot answer: which indexes a rewrite
 * rebuilds, which tables a DROP locks through foreign keys, the type a
 * column had before ALTER COLUMN TYPE, whether a valid CHECK proves a
 * column NOT NULL, whether a table was created earlier in the release.
 *
 * An object touched by an opaque operation (a DO block, a Java migration)
 * becomes uncertain: the catalog never claims to know what it cannot.
 */
#ifndef MIGRAPH_CATALOG_H
#define MIGRAPH_CATALOG_H

#include "migraph/model.h"

typedef struct mg_cat_column {
	const char *name;
	const char *type;              /* canonical type text, NULL when unknown */
	bool not_null;
	const char *default_expr;
	mg_volatility default_volatility;
	bool identity;
	bool generated;
	bool uncertain;                /* changed by something migraph cannot see */
} mg_cat_column;

typedef struct mg_cat_constraint {
	const char *name;
	mg_constraint_kind kind;
	mg_name_list columns;
	bool validated;                /* false while NOT VALID */
	const char *expr;              /* CHECK expression text */
	mg_object ref_table;           /* FOREIGN KEY target */
	mg_name_list ref_columns;
	const char *on_delete;         /* FOREIGN KEY: "cascade", "set null" ... or NULL */
	const char *on_update;         /* FOREIGN KEY: the same for ON UPDATE */
	const char *index_name;        /* the index backing a UNIQUE/PRIMARY KEY */
} mg_cat_constraint;

typedef struct mg_cat_index {
	const char *name;
	mg_name_list columns;
	bool unique;
	bool primary;
	bool valid;                    /* false for ON ONLY parents until all partitions attach */
	const char *method;
	const char *where_expr;
	const char *constraint;        /* the constraint it backs, or NULL */
} mg_cat_index;

typedef struct mg_cat_relation mg_cat_relation;

struct mg_cat_relation {
	mg_object_kind kind;           /* TABLE, VIEW, MATERIALIZED_VIEW, SEQUENCE */
	const char *schema;
	const char *name;
	bool partitioned;              /* PARTITION BY */
	mg_name_list partition_key;    /* its plain key columns, when known */
	mg_name_list bound_from, bound_to, bound_in; /* a partition's bound, when known */
	bool is_default_partition;
	bool unlogged;
	mg_cat_relation *parent;       /* partition of */
	mg_cat_relation **partitions;
	size_t n_partitions;
	mg_cat_column *columns;
	size_t n_columns;
	/* Columns dropped from it: PostgreSQL never reuses their attribute
	 * numbers, and live plus dropped may not pass 1600. */
	size_t n_dropped_columns;
	mg_cat_index *indexes;
	size_t n_indexes;
	mg_cat_constraint *constraints;
	size_t n_constraints;
	mg_object *reads;              /* views: relations the definition reads */
	size_t n_reads;
	bool uncertain;                /* touched by an opaque operation */
	bool from_baseline;            /* came from --schema, not from a changeset */
	bool has_created_by;
	size_t created_by;             /* changeset index that created it */
	size_t caps[4];                /* growth bookkeeping for the arrays above */
};

typedef struct mg_catalog mg_catalog;

/* What happened when an operation was applied: a statement that would
 * fail on the simulated schema is a finding of the ordering, compatibility
 * and data rules. */
typedef enum mg_cat_event_kind {
	MG_CAT_EV_MISSING_OBJECT,      /* refers to a relation/column/index nothing created */
	MG_CAT_EV_DUPLICATE_OBJECT,    /* creates something that already exists (no IF NOT EXISTS) */
	MG_CAT_EV_DEPENDENT_VIEW,      /* changes a column a view depends on */
	MG_CAT_EV_NOT_NULL_ON_ROWS,    /* NOT NULL column without default on a table that has rows */
	/* A DROP of something a view or a foreign key still uses (PostgreSQL
	 * refuses it without CASCADE, and CASCADE silently drops the dependants). */
	MG_CAT_EV_DROP_IN_USE
} mg_cat_event_kind;

typedef struct mg_cat_event {
	mg_cat_event_kind kind;
	mg_object object;
	const char *detail;
	/* MISSING_OBJECT after an opaque operation that may have created the
	 * object (a DO block naming it, a Java migration). */
	bool uncertain;
	/* DROP_IN_USE with CASCADE (dependants go too). */
	bool cascade;
} mg_cat_event;

typedef void (*mg_cat_event_fn)(void *ctx, const mg_operation *op, const mg_cat_event *ev);

/* default_schema: where unqualified names live (NULL: PostgreSQL's). */
mg_catalog *mg_catalog_new(mg_arena *arena, const char *default_schema);

/* Applies one operation of changeset `changeset_index`.  Events are
 * reported through fn (may be NULL). */
void mg_catalog_apply(mg_catalog *cat, const mg_operation *op, size_t changeset_index,
                      mg_cat_event_fn fn, void *ctx);

/* The text of the statement whose operations are
 * applied next: views keep it to tell which columns they use, and an
 * opaque operation's text says which objects it may have touched. */
void mg_catalog_set_statement(mg_catalog *cat, const char *sql, size_t len);
/* While on, created relations come from --schema:
 * from_baseline is set and they are assumed to hold rows. */
void mg_catalog_set_baseline_mode(mg_catalog *cat, bool on);
/* From here on every existing table may hold rows:
 * the release starts after changesets the application has lived with. */
void mg_catalog_assume_rows(mg_catalog *cat);
/* Whether rows may exist in rel (inserted by a
 * changeset, from the baseline, touched by something opaque). */
bool mg_catalog_has_rows(const mg_cat_relation *rel);
/* True when an opaque operation may have created or
 * changed an object of this name (or anything at all, for a Java
 * migration or dynamic SQL). */
bool mg_catalog_name_uncertain(const mg_catalog *cat, const char *name);
/* True when the relation's column list is not known
 * (CREATE TABLE AS, a view, a table an opaque operation touched). */
bool mg_catalog_columns_unknown(const mg_cat_relation *rel);
/* Type and function lookups by name. */
bool mg_catalog_has_type(const mg_catalog *cat, const char *schema, const char *name);
bool mg_catalog_has_function(const mg_catalog *cat, const char *schema, const char *name);
/* The schema of unqualified names. */
const char *mg_catalog_default_schema(const mg_catalog *cat);

/* Lookups; NULL when unknown.  An unqualified name (schema == the default
 * schema) that is not there falls back to the one relation of that name
 * in another schema, because a SET search_path may have sent it there. */
mg_cat_relation *mg_catalog_relation(const mg_catalog *cat, const char *schema,
                                     const char *name);
mg_cat_column *mg_catalog_column(const mg_cat_relation *rel, const char *name);
/* The relation that owns an index (index names are schema-wide). */
mg_cat_relation *mg_catalog_index_table(const mg_catalog *cat, const char *schema,
                                        const char *index_name, mg_cat_index **index_out);
mg_cat_constraint *mg_catalog_constraint(const mg_cat_relation *rel, const char *name);

/* Calls fn for every relation whose foreign keys reference rel. */
void mg_catalog_each_referencing(const mg_catalog *cat, const mg_cat_relation *rel,
                                 void (*fn)(void *ctx, mg_cat_relation *from,
                                            mg_cat_constraint *fk),
                                 void *ctx);
/* Calls fn for every view or materialized view that reads rel. */
void mg_catalog_each_dependent_view(const mg_catalog *cat, const mg_cat_relation *rel,
                                    void (*fn)(void *ctx, mg_cat_relation *view), void *ctx);

/* True when a view or materialized view reading rel uses its column
 * (PostgreSQL then refuses ALTER COLUMN TYPE). */
bool mg_catalog_view_uses_column(const mg_catalog *cat, const mg_cat_relation *rel,
                                 const char *column);
/* True when the view or materialized view view uses column of a relation
 * it reads, as mg_catalog_view_uses_column decides (also when its
 * definition was not recorded). */
bool mg_catalog_view_reads_column(const mg_cat_relation *view, const char *column);
/* The recorded definition of view (as mg_catalog_view_sql) when it still
 * names the view and every relation it reads as they are called now, so
 * that running it again makes the same view; NULL when a RENAME since has
 * made the text define something else, or nothing was recorded. */
const char *mg_catalog_view_sql_current(const mg_cat_relation *view, size_t *len);
/* True when CREATE EXTENSION name ran (or an extension of unknown name:
 * then every extension might have). */
bool mg_catalog_has_extension(const mg_catalog *cat, const char *name);

/* True when the domain schema.name (or a qualified "s.name") has CHECK or
 * NOT NULL constraints: ADD COLUMN of it checks every existing row. */
bool mg_catalog_domain_has_constraints(const mg_catalog *cat, const char *schema,
                                       const char *name);
/* Calls fn for every live table column whose type is schema.type (a
 * domain): ALTER DOMAIN checks them, DROP DOMAIN CASCADE drops them. */
void mg_catalog_each_column_of_type(const mg_catalog *cat, const char *schema, const char *type,
                                    void (*fn)(void *ctx, mg_cat_relation *rel,
                                               mg_cat_column *col),
                                    void *ctx);

/* PostgreSQL's makeObjectName: name1_name2_label (name2 and label may be
 * NULL), the longer of name1 and name2 shortened until it fits in 63
 * bytes.  The names the catalog gives unnamed objects come from it. */
const char *mg_catalog_object_name(mg_arena *arena, const char *name1, const char *name2,
                                   const char *label);

/* True when a validated CHECK constraint of rel proves column IS NOT NULL
 * (PostgreSQL 12+ then skips the SET NOT NULL scan). */
bool mg_catalog_check_proves_not_null(const mg_cat_relation *rel, const char *column);

/* ---- Copies and snapshots ------------------------------------------------ */

/* A deep copy of cat in arena: operations applied to the copy leave cat
 * as it was.  With `only`, a partial copy of just those relations (an
 * object names its table: a column, constraint or index counts for the
 * relation it belongs to), with their partitions and owned sequences and
 * the types, domains, extensions and schemas cat knows: a scratch catalog
 * for trying a few operations, at a cost proportional to what it holds. */
mg_catalog *mg_catalog_copy(const mg_catalog *cat, mg_arena *arena, const mg_object *only,
                            size_t n_only);

/* A partial copy like mg_catalog_copy's whose relations hold just the
 * columns named (those that exist), with all their constraints and
 * indexes: for operations that read and change no column but those, it
 * ends in the same state as a whole copy would, but for the columns left
 * out, at a cost of the columns named, not of the tables' width. */
mg_catalog *mg_catalog_copy_columns(const mg_catalog *cat, mg_arena *arena, const mg_object *only,
                                    size_t n_only, const char *const *columns, size_t n_columns);

/* A copy like mg_catalog_copy's that borrows from cat what a copy would
 * duplicate - the relations' columns, indexes, constraints and the index
 * over their column names; the types, domains, extensions and schemas -
 * so that it costs the number of relations it holds, not their width.
 * It is valid while cat does not change; a change to the copy itself
 * first makes what it borrowed its own. */
mg_catalog *mg_catalog_borrow(const mg_catalog *cat, mg_arena *arena, const mg_object *only,
                              size_t n_only);

/* The schema as canonical text: one line per fact, sorted, so that two
 * catalogs with the same tables, columns (type, NOT NULL, default,
 * identity), constraints (kind, columns, expression, reference, whether
 * validated), indexes (columns, unique, method, predicate, valid), views
 * and what they read, sequences and types give the same text whatever
 * order of operations built them.  Column order is not a fact.  With
 * `only`, just those relations (as for mg_catalog_copy) and types. */
const char *mg_catalog_snapshot(const mg_catalog *cat, mg_arena *arena, const mg_object *only,
                                size_t n_only);
/* The lines of snapshot a that snapshot b lacks ("" when none). */
const char *mg_snapshot_missing(mg_arena *arena, const char *a, const char *b);

/* The statement that defined a view or materialized view, or NULL. */
const char *mg_catalog_view_sql(const mg_cat_relation *rel, size_t *len);
/* The CREATE FUNCTION/PROCEDURE statement seen for schema.name, or NULL. */
const char *mg_catalog_function_sql(const mg_catalog *cat, const char *schema, const char *name);
/* Calls fn for every relation that exists now, in the order they were made. */
void mg_catalog_each_relation(const mg_catalog *cat, void (*fn)(void *ctx, mg_cat_relation *rel),
                              void *ctx);
/* True for the stand-in of a relation an operation used but nothing made. */
bool mg_catalog_is_placeholder(const mg_cat_relation *rel);

#endif
