/*
 * model.h: the data model every stage shares.
 *
 * A project is an ordered list of changesets (a Flyway migration, a
 * Liquibase changeSet).  A changeset holds statements; a statement holds
 * operations.  Operations are one vocabulary for every front end: a
 * Liquibase <addColumn> and an ALTER TABLE ... ADD COLUMN produce the same
 * mg_operation.  Loaders and front ends fill this model; they never decide
 * locks, durations or risk, which later stages derive from it.
 *
 * Everything is allocated in the project's arena and freed with it.
 */
#ifndef MIGRAPH_MODEL_H
#define MIGRAPH_MODEL_H

#include "migraph/core.h"
#include "migraph/diag.h"

/* ---- Target engine ---------------------------------------------------- */

typedef enum mg_engine_kind {
	MG_ENGINE_POSTGRESQL = 0,
	MG_ENGINE_MYSQL,
	MG_ENGINE_MARIADB
} mg_engine_kind;

typedef struct mg_engine_target {
	mg_engine_kind kind;
	int major;   /* 16 for postgresql:16, 8 for mysql:8.0 */
	int minor;
} mg_engine_target;

#define MG_ENGINE_DEFAULT_MAJOR 16

/* Parses "postgresql:16", "postgres:15", "mysql:8.0", "mariadb:10.11".
 * Returns 0 on success, -1 when the text is not an engine. */
int mg_engine_parse(const char *text, mg_engine_target *out);
/* "postgresql", "mysql" or "mariadb": also the Liquibase dbms name. */
const char *mg_engine_name(mg_engine_kind kind);
/* The schema an unqualified name belongs to when nothing names another
 * one: "public" for PostgreSQL.  The only place that knows it. */
const char *mg_engine_default_schema(mg_engine_kind kind);

/* ---- Schema objects --------------------------------------------------- */

typedef enum mg_object_kind {
	MG_OBJ_NONE = 0,
	MG_OBJ_SCHEMA,
	MG_OBJ_TABLE,
	MG_OBJ_COLUMN,
	MG_OBJ_INDEX,
	MG_OBJ_CONSTRAINT,
	MG_OBJ_VIEW,
	MG_OBJ_MATERIALIZED_VIEW,
	MG_OBJ_SEQUENCE,
	MG_OBJ_TYPE,
	MG_OBJ_DOMAIN,
	MG_OBJ_FUNCTION,
	MG_OBJ_PROCEDURE,
	MG_OBJ_TRIGGER,
	MG_OBJ_EXTENSION,
	MG_OBJ_POLICY,
	MG_OBJ_RULE,
	MG_OBJ_DATABASE,
	MG_OBJ_ROLE,
	MG_OBJ_OTHER
} mg_object_kind;

const char *mg_object_kind_name(mg_object_kind kind);

/* A fully qualified schema object.  For a column, table is its relation
 * and name the column; for an index or constraint, table is the relation
 * it belongs to when known.  The front ends qualify every name that lives
 * in a schema: with the schema written, else the script's SET
 * search_path, else Flyway's defaultSchema or Liquibase's
 * defaultSchemaName, else the engine's default (mg_engine_default_schema).
 * Schemas, extensions, roles and databases have no schema.  Unquoted
 * identifiers are folded as the engine folds them (lower case for
 * PostgreSQL). */
typedef struct mg_object {
	mg_object_kind kind;
	const char *schema;
	const char *table;
	const char *name;
} mg_object;

/* An object as every output writes it (src/model/object.c):
 * "public.orders", "public.orders.status" for what lives in a table (a
 * column, a constraint, a trigger), "public.orders_idx" for an index (named
 * within its schema), "pgcrypto" for what has no schema.  Missing parts
 * are left out; an object with none is "?". */
void mg_object_put(mg_buf *out, const mg_object *obj);
/* The same text, allocated in arena. */
const char *mg_object_text(mg_arena *arena, const mg_object *obj);

/* ---- Operations ------------------------------------------------------- */

/* Keep in step with mg_op_kind_name() in src/model/names.c: the names are
 * the JSON contract (op "kind" field). */
typedef enum mg_op_kind {
	MG_OP_OPAQUE = 0,           /* not analysable; see opaque_kind */

	/* schemas, extensions */
	MG_OP_CREATE_SCHEMA,
	MG_OP_DROP_SCHEMA,
	MG_OP_RENAME_SCHEMA,
	MG_OP_CREATE_EXTENSION,
	MG_OP_DROP_EXTENSION,

	/* tables */
	MG_OP_CREATE_TABLE,         /* flags: PARTITIONED, PARTITION_OF (related = parent), AS_SELECT */
	MG_OP_DROP_TABLE,
	MG_OP_RENAME_TABLE,         /* new_name */
	MG_OP_SET_SCHEMA,           /* new_name = target schema */
	MG_OP_SET_TABLESPACE,
	MG_OP_SET_LOGGED,
	MG_OP_SET_UNLOGGED,
	MG_OP_SET_ACCESS_METHOD,
	MG_OP_SET_STORAGE_PARAMS,   /* detail = parameter names, comma separated */
	MG_OP_RESET_STORAGE_PARAMS,
	MG_OP_SET_OWNER,
	MG_OP_REPLICA_IDENTITY,
	MG_OP_ENABLE_TRIGGER,       /* also DISABLE (flag NEGATED) */
	MG_OP_ENABLE_RULE,
	MG_OP_ROW_SECURITY,         /* ENABLE/DISABLE/FORCE/NO FORCE ROW LEVEL SECURITY */
	MG_OP_INHERIT,              /* NO INHERIT: flag NEGATED; related = parent */
	MG_OP_OF_TYPE,              /* NOT OF: flag NEGATED */
	MG_OP_CLUSTER_ON,           /* SET WITHOUT CLUSTER: flag NEGATED */
	MG_OP_TRUNCATE,
	MG_OP_VACUUM,               /* flag FULL for VACUUM FULL */
	MG_OP_ANALYZE,
	MG_OP_CLUSTER,
	MG_OP_LOCK_TABLE,           /* explicit LOCK TABLE; detail = mode */

	/* columns (object.kind == MG_OBJ_COLUMN) */
	MG_OP_ADD_COLUMN,           /* column = definition */
	MG_OP_DROP_COLUMN,
	MG_OP_RENAME_COLUMN,        /* new_name */
	MG_OP_ALTER_COLUMN_TYPE,    /* type_from (when known), type_to, using_expr */
	MG_OP_SET_DEFAULT,          /* default_expr, default_volatility */
	MG_OP_DROP_DEFAULT,
	MG_OP_SET_NOT_NULL,
	MG_OP_DROP_NOT_NULL,
	MG_OP_ADD_IDENTITY,
	MG_OP_SET_IDENTITY,
	MG_OP_DROP_IDENTITY,
	MG_OP_SET_STATISTICS,
	MG_OP_SET_COLUMN_OPTIONS,   /* ALTER COLUMN SET/RESET (n_distinct ...) */
	MG_OP_SET_COLUMN_STORAGE,
	MG_OP_SET_COMPRESSION,
	MG_OP_DROP_EXPRESSION,
	MG_OP_SET_EXPRESSION,

	/* constraints (constraint = definition) */
	MG_OP_ADD_CONSTRAINT,
	MG_OP_VALIDATE_CONSTRAINT,
	MG_OP_DROP_CONSTRAINT,
	MG_OP_RENAME_CONSTRAINT,
	MG_OP_ALTER_CONSTRAINT,

	/* indexes (object = index, related = its table) */
	MG_OP_CREATE_INDEX,         /* flags: CONCURRENTLY, UNIQUE, ONLY, IF_NOT_EXISTS; method, columns, where_expr */
	MG_OP_DROP_INDEX,
	MG_OP_RENAME_INDEX,
	MG_OP_REINDEX,              /* object kind: index, table, schema or database */
	MG_OP_ALTER_INDEX,          /* SET TABLESPACE, SET (...), ... detail */
	MG_OP_ATTACH_INDEX,         /* ALTER INDEX parent ATTACH PARTITION child */

	/* partitions (object = partition, related = parent) */
	MG_OP_ATTACH_PARTITION,
	MG_OP_DETACH_PARTITION,     /* flags: CONCURRENTLY, FINALIZE */

	/* views */
	MG_OP_CREATE_VIEW,          /* flag OR_REPLACE; depends = referenced relations */
	MG_OP_DROP_VIEW,
	MG_OP_RENAME_VIEW,
	MG_OP_ALTER_VIEW,
	MG_OP_CREATE_MATERIALIZED_VIEW,
	MG_OP_DROP_MATERIALIZED_VIEW,
	MG_OP_REFRESH_MATERIALIZED_VIEW, /* flag CONCURRENTLY, WITH_NO_DATA */

	/* sequences */
	MG_OP_CREATE_SEQUENCE,
	MG_OP_ALTER_SEQUENCE,
	MG_OP_DROP_SEQUENCE,
	MG_OP_RENAME_SEQUENCE,

	/* types and domains */
	MG_OP_CREATE_TYPE,          /* detail: enum, composite, range, base */
	MG_OP_DROP_TYPE,
	MG_OP_ADD_ENUM_VALUE,       /* new_name = the value; flag IF_NOT_EXISTS */
	MG_OP_RENAME_ENUM_VALUE,
	MG_OP_ALTER_TYPE,
	MG_OP_RENAME_TYPE,
	MG_OP_CREATE_DOMAIN,
	MG_OP_ALTER_DOMAIN,
	MG_OP_DROP_DOMAIN,

	/* functions, procedures, triggers, rules, policies */
	MG_OP_CREATE_FUNCTION,      /* flag OR_REPLACE; the body is an opaque op of its own */
	MG_OP_DROP_FUNCTION,
	MG_OP_ALTER_FUNCTION,
	MG_OP_CREATE_TRIGGER,       /* related = table */
	MG_OP_DROP_TRIGGER,
	MG_OP_RENAME_TRIGGER,       /* ALTER TRIGGER ... ON table RENAME TO: related = table, new_name */
	MG_OP_CREATE_RULE,
	MG_OP_DROP_RULE,
	MG_OP_CREATE_POLICY,
	MG_OP_DROP_POLICY,
	MG_OP_ALTER_POLICY,

	/* privileges and comments */
	MG_OP_GRANT,                /* flag NEGATED for REVOKE */
	MG_OP_COMMENT,

	/* data */
	MG_OP_INSERT,               /* flag AS_SELECT when INSERT ... SELECT */
	MG_OP_UPDATE,               /* flag HAS_WHERE */
	MG_OP_DELETE,               /* flag HAS_WHERE */
	MG_OP_MERGE,
	MG_OP_COPY,
	MG_OP_SELECT,               /* a query run for its effect (setval(), ...) */

	/* session and transaction control */
	MG_OP_SET_SETTING,          /* setting_name, setting_value; flag LOCAL */
	MG_OP_RESET_SETTING,
	MG_OP_BEGIN,
	MG_OP_COMMIT,
	MG_OP_ROLLBACK,
	MG_OP_SAVEPOINT,

	MG_OP__COUNT
} mg_op_kind;

const char *mg_op_kind_name(mg_op_kind kind);

/* Opaque operations: recorded, reported as not analysable, never dropped.
 * The list is fixed and documented in formats/operations.md. */
typedef enum mg_opaque_kind {
	MG_OPAQUE_NONE = 0,
	MG_OPAQUE_DO_BLOCK,             /* DO $$ ... $$ */
	MG_OPAQUE_FUNCTION_BODY,        /* body of CREATE FUNCTION/PROCEDURE */
	MG_OPAQUE_PROCEDURE_CALL,       /* CALL p(...) */
	MG_OPAQUE_JAVA_MIGRATION,       /* Flyway Java migration */
	MG_OPAQUE_SCRIPT_MIGRATION,     /* Flyway .sh/.ps1/... migration */
	MG_OPAQUE_CUSTOM_CHANGE,        /* Liquibase customChange */
	MG_OPAQUE_EXECUTE_COMMAND,      /* Liquibase executeCommand */
	MG_OPAQUE_OUTPUT,               /* Liquibase output / stop */
	MG_OPAQUE_LOAD_DATA,            /* Liquibase loadData/loadUpdateData */
	MG_OPAQUE_UNMODELLED_STATEMENT, /* parsed, but no operation models it yet */
	MG_OPAQUE_OTHER_ENGINE_SQL,     /* SQL for another engine than the target */
	MG_OPAQUE__COUNT
} mg_opaque_kind;

const char *mg_opaque_kind_name(mg_opaque_kind kind);

/* How a default expression behaves, which decides whether ADD COLUMN
 * rewrites the table. */
typedef enum mg_volatility {
	MG_VOLATILITY_NONE = 0,   /* no default */
	MG_VOLATILITY_CONSTANT,   /* a literal, or an immutable expression */
	MG_VOLATILITY_STABLE,     /* now(), current_timestamp ... */
	MG_VOLATILITY_VOLATILE,   /* random(), clock_timestamp(), nextval(), serial ... */
	MG_VOLATILITY_UNKNOWN     /* a function migraph does not know */
} mg_volatility;

const char *mg_volatility_name(mg_volatility v);

typedef enum mg_constraint_kind {
	MG_CONSTRAINT_NONE = 0,
	MG_CONSTRAINT_CHECK,
	MG_CONSTRAINT_FOREIGN_KEY,
	MG_CONSTRAINT_UNIQUE,
	MG_CONSTRAINT_PRIMARY_KEY,
	MG_CONSTRAINT_EXCLUDE,
	MG_CONSTRAINT_NOT_NULL
} mg_constraint_kind;

const char *mg_constraint_kind_name(mg_constraint_kind kind);

typedef struct mg_name_list {
	const char **items;
	size_t count;
} mg_name_list;

typedef struct mg_constraint_def {
	mg_constraint_kind kind;
	const char *name;          /* NULL when the engine will generate it */
	mg_name_list columns;      /* constrained columns */
	mg_object ref_table;       /* foreign key: the referenced table */
	mg_name_list ref_columns;
	const char *expr;          /* check expression text, when known */
	const char *using_index;   /* UNIQUE/PRIMARY KEY USING INDEX name */
	const char *on_delete;     /* "cascade", "set null", ... or NULL */
	const char *on_update;
	bool not_valid;
	bool deferrable;
	bool initially_deferred;
} mg_constraint_def;

typedef struct mg_column_def {
	const char *name;
	const char *type;          /* as written, normalised to lower case */
	bool not_null;
	bool primary_key;
	bool unique;
	bool identity;             /* GENERATED ... AS IDENTITY */
	bool generated_stored;     /* GENERATED ALWAYS AS (expr) STORED */
	bool serial;               /* serial/bigserial/smallserial */
	const char *default_expr;  /* NULL when there is none */
	mg_volatility default_volatility;
	mg_constraint_def *constraints; /* inline REFERENCES / CHECK ... */
	size_t n_constraints;
} mg_column_def;

/* Operation flags. */
enum {
	MG_OPF_CONCURRENTLY   = 1u << 0,
	MG_OPF_UNIQUE         = 1u << 1,
	MG_OPF_IF_EXISTS      = 1u << 2,
	MG_OPF_IF_NOT_EXISTS  = 1u << 3,
	MG_OPF_CASCADE        = 1u << 4,
	MG_OPF_ONLY           = 1u << 5,   /* ON ONLY / ALTER TABLE ONLY */
	MG_OPF_OR_REPLACE     = 1u << 6,
	MG_OPF_HAS_WHERE      = 1u << 7,
	MG_OPF_PARTITIONED    = 1u << 8,   /* CREATE TABLE ... PARTITION BY */
	MG_OPF_PARTITION_OF   = 1u << 9,   /* CREATE TABLE ... PARTITION OF */
	MG_OPF_AS_SELECT      = 1u << 10,  /* CREATE TABLE AS, INSERT ... SELECT */
	MG_OPF_FULL           = 1u << 11,  /* VACUUM FULL */
	MG_OPF_NEGATED        = 1u << 12,  /* DISABLE, NO INHERIT, REVOKE ... */
	MG_OPF_LOCAL          = 1u << 13,  /* SET LOCAL */
	MG_OPF_TEMPORARY      = 1u << 14,
	MG_OPF_UNLOGGED       = 1u << 15,
	MG_OPF_FINALIZE       = 1u << 16,  /* DETACH PARTITION ... FINALIZE */
	MG_OPF_WITH_NO_DATA   = 1u << 17,
	MG_OPF_NOT_VALID      = 1u << 18,  /* constraint NOT VALID (also in constraint) */
	MG_OPF_DEFAULT        = 1u << 19,  /* PARTITION OF ... DEFAULT / ATTACH ... DEFAULT */
	MG_OPF_FOR_UPDATE     = 1u << 20,  /* SELECT ... FOR UPDATE/SHARE: row locks */
	MG_OPF__LAST          = 1u << 20
};

/* The JSON name of one flag bit ("concurrently", "not_valid" ...). */
const char *mg_op_flag_name(unsigned flag);

/* ---- Engine effects -------------------------------------------------- */

/* PostgreSQL's table-level lock modes, weakest first.  The names in
 * output are exactly pg_locks' ("AccessExclusiveLock"). */
typedef enum mg_lock_mode {
	MG_LOCK_NONE = 0,
	MG_LOCK_ACCESS_SHARE,
	MG_LOCK_ROW_SHARE,
	MG_LOCK_ROW_EXCLUSIVE,
	MG_LOCK_SHARE_UPDATE_EXCLUSIVE,
	MG_LOCK_SHARE,
	MG_LOCK_SHARE_ROW_EXCLUSIVE,
	MG_LOCK_EXCLUSIVE,
	MG_LOCK_ACCESS_EXCLUSIVE
} mg_lock_mode;

typedef struct mg_lock {
	mg_object relation;            /* table, partition, index, sequence or view */
	mg_lock_mode mode;
} mg_lock;

/* What the engine model says an operation does (src/engine), beyond locks. */
enum {
	MG_EFF_REWRITE        = 1u << 0,  /* a new heap (and every index) is written */
	MG_EFF_SCAN           = 1u << 1,  /* the table is read in full (validation) */
	MG_EFF_INDEX_BUILD    = 1u << 2,  /* an index is built */
	MG_EFF_NO_TXN_BLOCK   = 1u << 3,  /* may not run inside a transaction block */
	MG_EFF_FAILS          = 1u << 4,  /* the server rejects it on this version */
	MG_EFF_WAITS_FOR_TXNS = 1u << 5,  /* waits for every older transaction (CONCURRENTLY) */
	MG_EFF_MODELLED       = 1u << 6,  /* the engine model judged this operation */
	MG_EFF_ASSUMED        = 1u << 7   /* the verdict rests on an unknown prior state
	                                     (a column type nobody recorded): the safe guess */
};

/* A WHERE term comparing a column with a constant: "created_at >= '2024-03-01'". */
typedef struct mg_where_term {
	const char *column;
	const char *op;    /* "=", "<", "<=", ">", ">=" (the column on the left) */
	const char *value; /* the constant as a literal, its cast left out: '2024-03-01', 42 */
} mg_where_term;

typedef struct mg_operation {
	mg_op_kind kind;
	unsigned flags;
	mg_object object;          /* what the operation acts on */
	mg_object related;         /* index's table, FK's referenced table, partition's parent ... */
	const char *new_name;      /* renames, SET SCHEMA, new enum value */

	mg_column_def *column;     /* ADD COLUMN */
	mg_column_def *columns;    /* CREATE TABLE */
	size_t n_columns;
	mg_constraint_def *constraint;   /* ADD CONSTRAINT */
	mg_constraint_def *constraints;  /* CREATE TABLE table constraints */
	size_t n_constraints;

	const char *type_from;     /* ALTER COLUMN TYPE, when known */
	const char *type_to;
	const char *using_expr;    /* ALTER COLUMN TYPE ... USING */
	const char *default_expr;  /* SET DEFAULT */
	mg_volatility default_volatility;

	mg_name_list index_columns;  /* CREATE INDEX key columns / expressions */
	mg_name_list partition_key;  /* CREATE TABLE ... PARTITION BY: plain key columns */
	/* Tuple routing: a partition's bound (PARTITION OF / ATTACH PARTITION;
	 * literals as written, MINVALUE/MAXVALUE as such) and the rows of an
	 * INSERT ... VALUES (its column list, then each row's values).  The
	 * column list is also kept for INSERT ... SELECT and COPY: the columns
	 * it leaves out get their defaults (a serial's nextval()). */
	mg_name_list bound_from, bound_to, bound_in;
	mg_name_list insert_columns;
	mg_name_list *insert_rows;
	size_t n_insert_rows;
	const char *index_method;    /* "btree", "gin" ... NULL means default */
	const char *where_expr;      /* partial index predicate, DML WHERE text */
	const char *set_clause;      /* UPDATE: the SET list as SQL ("a = lower(b), c = 1") */
	const char *options_sql;     /* CREATE/ALTER SEQUENCE: the options as SQL, when known
	                                ("START WITH 1050 INCREMENT BY 50") */
	const char *grantees;        /* GRANT/REVOKE on objects: the roles as SQL ("app, PUBLIC"),
	                                NULL when one cannot be written back */

	mg_object *depends;          /* relations the statement reads: a view's or CREATE TABLE AS's
	                                query, LIKE's table, DML's FROM/USING, subqueries, sources */
	size_t n_depends;
	/* SELECT ... FOR UPDATE/SHARE: the relations of depends whose rows it
	 * locks (all of them when the clause names none). */
	mg_object *row_locks;
	size_t n_row_locks;
	mg_name_list set_columns;    /* UPDATE: the columns its SET list assigns */
	/* UPDATE/DELETE: the WHERE's top-level AND terms that compare a column
	 * with a constant (BETWEEN as two), for partition pruning. */
	mg_where_term *where_terms;
	size_t n_where_terms;

	const char *setting_name;    /* SET lock_timeout = '5s' */
	const char *setting_value;

	mg_opaque_kind opaque_kind;
	const char *detail;          /* free text: statement type, reason ... */
	mg_loc loc;                  /* where the statement (or subcommand) starts */

	/* Filled by the engine model during replay, never by loaders. */
	mg_lock *locks;
	size_t n_locks;
	unsigned effects;            /* MG_EFF_* */
	const char *effect_note;     /* the version rule that decided, for the reader */
	const char *predicted_error; /* MG_EFF_FAILS: what the server would say */
} mg_operation;

/* The table an operation acts on, as a TABLE object (schema and name; name
 * NULL when there is none): the object itself when it is a table, view,
 * materialized view or sequence; the table the object lives in (a column,
 * a constraint, an index, a trigger); else the operation's related table. */
mg_object mg_op_table(const mg_operation *op);
/* The first table or materialized view the engine model locks for the
 * operation (its locks are filled during the replay), or NULL: what its
 * cost is proportional to. */
const mg_object *mg_op_locked_table(const mg_operation *op);
/* SET / RESET of a setting, BEGIN, COMMIT, ROLLBACK, SAVEPOINT: the
 * session's state, never the schema's. */
bool mg_op_is_session(const mg_operation *op);

/* ---- Statements ------------------------------------------------------- */

typedef struct mg_statement {
	mg_loc loc;
	const char *sql;             /* the statement text, without its terminator */
	size_t sql_len;
	mg_operation **ops;          /* pointers stay valid as more are added */
	size_t n_ops;
	size_t ops_cap;
	bool parse_failed;           /* a diagnostic says why */
} mg_statement;

/* ---- Changesets ------------------------------------------------------- */

typedef enum mg_changeset_kind {
	MG_CS_FLYWAY_VERSIONED = 0,
	MG_CS_FLYWAY_REPEATABLE,
	MG_CS_FLYWAY_UNDO,
	MG_CS_FLYWAY_BASELINE,
	MG_CS_FLYWAY_JAVA,
	MG_CS_FLYWAY_SCRIPT,
	MG_CS_LIQUIBASE_XML,
	MG_CS_LIQUIBASE_YAML,
	MG_CS_LIQUIBASE_JSON,
	MG_CS_LIQUIBASE_SQL
} mg_changeset_kind;

const char *mg_changeset_kind_name(mg_changeset_kind kind);
bool mg_changeset_kind_is_flyway(mg_changeset_kind kind);

/* A parsed Flyway version: numeric parts with leading zeros removed and
 * trailing zero parts dropped, each kept as decimal text so that versions
 * of any size compare exactly. */
typedef struct mg_version {
	const char **parts;
	size_t n_parts;
	const char *text;     /* as written, '_' turned into '.' (what Flyway records) */
} mg_version;

/* Changeset flags. */
enum {
	MG_CSF_IN_RELEASE     = 1u << 0,  /* part of the release under review */
	MG_CSF_FILTERED       = 1u << 1,  /* excluded by contexts/labels/dbms: shown by list --all */
	MG_CSF_NOT_APPLICABLE = 1u << 2,  /* a precondition excludes the target engine */
	MG_CSF_IGNORED        = 1u << 3,  /* ignore:true, or above the Flyway target */
	MG_CSF_OPAQUE         = 1u << 4   /* its content cannot be analysed */
};

typedef struct mg_changeset {
	mg_changeset_kind kind;
	unsigned flags;
	size_t index;                /* position in execution order */
	mg_loc loc;                  /* file as given, line where it starts */

	/* Flyway */
	mg_version version;          /* n_parts == 0 for repeatables */
	const char *description;
	const char *script;          /* path relative to its location, as Flyway records it */
	int32_t checksum;
	bool has_checksum;

	/* Liquibase */
	const char *id;
	const char *author;
	const char *filename;        /* recorded identity (logicalFilePath or search-path relative) */
	const char *contexts;
	const char *labels;
	const char *dbms;
	const char *md5sum;          /* "9:..." when computable, else NULL */
	bool run_on_change;
	bool run_always;
	bool fail_on_error;
	const char *filter_reason;   /* why it is filtered / not applicable */
	const char **change_types;   /* Liquibase change type names, in order */
	size_t n_change_types;
	const char *tag;             /* tagDatabase's tag, for --since */
	bool has_preconditions;      /* preConditions guard it (on the database, not known here) */
	bool has_rollback;           /* an explicit rollback block */
	bool auto_rollback;          /* Liquibase can derive the rollback itself */
	mg_statement **rollback;     /* rollback statements, when given */
	size_t n_rollback;
	size_t rollback_cap;

	/* both */
	bool run_in_transaction;     /* executeInTransaction / runInTransaction */
	mg_statement **stmts;        /* pointers stay valid as more are added */
	size_t n_stmts;
	size_t stmts_cap;
} mg_changeset;

/* A file that was looked at but is not a migration (Flyway skips files
 * whose names do not match its pattern; callbacks are not migrations). */
typedef struct mg_skipped {
	const char *file;
	const char *reason;
} mg_skipped;

/* Flyway settings that later stages need (release selection, ordering
 * rules), as read from flyway.conf/flyway.toml and -D. */
typedef struct mg_flyway_settings {
	bool out_of_order;           /* outOfOrder */
	const char *target;          /* target as written; NULL means latest */
	const char *baseline_version; /* baselineVersion; NULL means the default 1 */
	const char *default_schema;  /* defaultSchema (or the first of schemas), or NULL */
} mg_flyway_settings;

typedef enum mg_format {
	MG_FORMAT_UNKNOWN = 0,
	MG_FORMAT_FLYWAY,
	MG_FORMAT_LIQUIBASE
} mg_format;

typedef struct mg_project {
	mg_arena arena;
	mg_format format;
	mg_engine_target engine;
	mg_changeset **changesets;
	size_t n_changesets;
	size_t changesets_cap;
	mg_skipped *skipped;
	size_t n_skipped;
	size_t skipped_cap;
	mg_diag_list diags;
	size_t n_files;              /* migration files read */
	mg_flyway_settings flyway;   /* set by the Flyway loader */
	/* `migraph:ignore` markers found in the comments of the files read
	 * (include/migraph/ignore.h); the triage applies them to findings. */
	struct mg_ignore_marker **ignores;
	size_t n_ignores;
	size_t ignores_cap;
	/* What one run may read and expand, from --max-file-size and
	 * --max-expansion (mg_load_project sets them; mg_project_new gives the
	 * defaults): every reader holds to them, not only the loaders'. */
	size_t max_file_bytes;
	size_t max_expansion;        /* bytes substitution and aliases may produce */
	size_t expanded;             /* bytes they have produced so far */
	const char *expansion_file;  /* the last file told it hit the limit */
} mg_project;

#define MG_DEFAULT_MAX_FILE_BYTES ((size_t)100 * 1024 * 1024)
/* Placeholders, properties and aliases multiply text: a few times the
 * largest file leaves real projects far from the limit. */
#define MG_EXPANSION_PER_FILE_SIZE 4

mg_project *mg_project_new(void);
void mg_project_free(mg_project *project);
/* The schema of the project's unqualified names: Flyway's defaultSchema
 * when set, else the engine's default. */
const char *mg_project_default_schema(const mg_project *project);

mg_changeset *mg_project_add_changeset(mg_project *project, mg_changeset_kind kind);
/* Whether a changeset runs on migrate: not filtered by contexts, labels or
 * dbms, not excluded by a precondition on the engine, not ignored, and not
 * a Flyway undo script (only `flyway undo` runs those; the rollback rules
 * judge them as rollbacks). */
bool mg_changeset_runs(const mg_changeset *cs);
/* Whether a changeset is under review: it runs and is in the release. */
bool mg_changeset_in_release(const mg_changeset *cs);
/* Charges `bytes` of text about to be produced by placeholder or property
 * substitution or by a YAML alias against --max-expansion.  True when it
 * fits; otherwise nothing is charged, a limit-expansion diagnostic (the
 * first of each file) names the option at `at` and says what happens
 * instead (`then`), and false says: do not produce it. */
bool mg_project_expand(mg_project *project, size_t bytes, mg_loc at, const char *then);
/* Reads a file an option names (--applied, --schema) within
 * --max-file-size.  On failure pushes limit-file-size, or `code` saying
 * "cannot read the OPTION file" and why, and returns -1. */
int mg_project_read_given(mg_project *project, const char *path, const char *option,
                          const char *code, mg_file_data *out);
void mg_project_add_skipped(mg_project *project, const char *file, const char *reason);
/* Renumbers index after the loader has ordered the changesets. */
void mg_project_renumber(mg_project *project);

mg_statement *mg_changeset_add_statement(mg_project *project, mg_changeset *cs);
mg_statement *mg_changeset_add_rollback_statement(mg_project *project, mg_changeset *cs);
mg_operation *mg_statement_add_op(mg_project *project, mg_statement *stmt, mg_op_kind kind);

/* The Flyway undo script (U<version>) of a versioned migration, or NULL. */
const mg_changeset *mg_project_undo_of(const mg_project *project, const mg_changeset *cs);

/* Flyway versions (src/model/version.c). */
int mg_version_parse(mg_arena *arena, const char *text, mg_version *out);
int mg_version_compare(const mg_version *a, const mg_version *b);

#endif
