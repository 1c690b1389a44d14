/*
 * names.c: the names of the model's enumerations.  These strings are the
 * JSON contract (formats/report.schema.json); change them only through an
 * issue.
 */
#include "migraph/model.h"

#define NAME_OR_UNKNOWN(table, i) \
	((size_t)(i) < sizeof(table) / sizeof(table[0]) && table[i] ? table[i] : "unknown")

static const char *const op_names[MG_OP__COUNT] = {
	[MG_OP_OPAQUE] = "opaque",
	[MG_OP_CREATE_SCHEMA] = "create_schema",
	[MG_OP_DROP_SCHEMA] = "drop_schema",
	[MG_OP_RENAME_SCHEMA] = "rename_schema",
	[MG_OP_CREATE_EXTENSION] = "create_extension",
	[MG_OP_DROP_EXTENSION] = "drop_extension",
	[MG_OP_CREATE_TABLE] = "create_table",
	[MG_OP_DROP_TABLE] = "drop_table",
	[MG_OP_RENAME_TABLE] = "rename_table",
	[MG_OP_SET_SCHEMA] = "set_schema",
	[MG_OP_SET_TABLESPACE] = "set_tablespace",
	[MG_OP_SET_LOGGED] = "set_logged",
	[MG_OP_SET_UNLOGGED] = "set_unlogged",
	[MG_OP_SET_ACCESS_METHOD] = "set_access_method",
	[MG_OP_SET_STORAGE_PARAMS] = "set_storage_params",
	[MG_OP_RESET_STORAGE_PARAMS] = "reset_storage_params",
	[MG_OP_SET_OWNER] = "set_owner",
	[MG_OP_REPLICA_IDENTITY] = "replica_identity",
	[MG_OP_ENABLE_TRIGGER] = "enable_trigger",
	[MG_OP_ENABLE_RULE] = "enable_rule",
	[MG_OP_ROW_SECURITY] = "row_security",
	[MG_OP_INHERIT] = "inherit",
	[MG_OP_OF_TYPE] = "of_type",
	[MG_OP_CLUSTER_ON] = "cluster_on",
	[MG_OP_TRUNCATE] = "truncate",
	[MG_OP_VACUUM] = "vacuum",
	[MG_OP_ANALYZE] = "analyze",
	[MG_OP_CLUSTER] = "cluster",
	[MG_OP_LOCK_TABLE] = "lock_table",
	[MG_OP_ADD_COLUMN] = "add_column",
	[MG_OP_DROP_COLUMN] = "drop_column",
	[MG_OP_RENAME_COLUMN] = "rename_column",
	[MG_OP_ALTER_COLUMN_TYPE] = "alter_column_type",
	[MG_OP_SET_DEFAULT] = "set_default",
	[MG_OP_DROP_DEFAULT] = "drop_default",
	[MG_OP_SET_NOT_NULL] = "set_not_null",
	[MG_OP_DROP_NOT_NULL] = "drop_not_null",
	[MG_OP_ADD_IDENTITY] = "add_identity",
	[MG_OP_SET_IDENTITY] = "set_identity",
	[MG_OP_DROP_IDENTITY] = "drop_identity",
	[MG_OP_SET_STATISTICS] = "set_statistics",
	[MG_OP_SET_COLUMN_OPTIONS] = "set_column_options",
	[MG_OP_SET_COLUMN_STORAGE] = "set_column_storage",
	[MG_OP_SET_COMPRESSION] = "set_compression",
	[MG_OP_DROP_EXPRESSION] = "drop_expression",
	[MG_OP_SET_EXPRESSION] = "set_expression",
	[MG_OP_ADD_CONSTRAINT] = "add_constraint",
	[MG_OP_VALIDATE_CONSTRAINT] = "validate_constraint",
	[MG_OP_DROP_CONSTRAINT] = "drop_constraint",
	[MG_OP_RENAME_CONSTRAINT] = "rename_constraint",
	[MG_OP_ALTER_CONSTRAINT] = "alter_constraint",
	[MG_OP_CREATE_INDEX] = "create_index",
	[MG_OP_DROP_INDEX] = "drop_index",
	[MG_OP_RENAME_INDEX] = "rename_index",
	[MG_OP_REINDEX] = "reindex",
	[MG_OP_ALTER_INDEX] = "alter_index",
	[MG_OP_ATTACH_INDEX] = "attach_index",
	[MG_OP_ATTACH_PARTITION] = "attach_partition",
	[MG_OP_DETACH_PARTITION] = "detach_partition",
	[MG_OP_CREATE_VIEW] = "create_view",
	[MG_OP_DROP_VIEW] = "drop_view",
	[MG_OP_RENAME_VIEW] = "rename_view",
	[MG_OP_ALTER_VIEW] = "alter_view",
	[MG_OP_CREATE_MATERIALIZED_VIEW] = "create_materialized_view",
	[MG_OP_DROP_MATERIALIZED_VIEW] = "drop_materialized_view",
	[MG_OP_REFRESH_MATERIALIZED_VIEW] = "refresh_materialized_view",
	[MG_OP_CREATE_SEQUENCE] = "create_sequence",
	[MG_OP_ALTER_SEQUENCE] = "alter_sequence",
	[MG_OP_DROP_SEQUENCE] = "drop_sequence",
	[MG_OP_RENAME_SEQUENCE] = "rename_sequence",
	[MG_OP_CREATE_TYPE] = "create_type",
	[MG_OP_DROP_TYPE] = "drop_type",
	[MG_OP_ADD_ENUM_VALUE] = "add_enum_value",
	[MG_OP_RENAME_ENUM_VALUE] = "rename_enum_value",
	[MG_OP_ALTER_TYPE] = "alter_type",
	[MG_OP_RENAME_TYPE] = "rename_type",
	[MG_OP_CREATE_DOMAIN] = "create_domain",
	[MG_OP_ALTER_DOMAIN] = "alter_domain",
	[MG_OP_DROP_DOMAIN] = "drop_domain",
	[MG_OP_CREATE_FUNCTION] = "create_function",
	[MG_OP_DROP_FUNCTION] = "drop_function",
	[MG_OP_ALTER_FUNCTION] = "alter_function",
	[MG_OP_CREATE_TRIGGER] = "create_trigger",
	[MG_OP_DROP_TRIGGER] = "drop_trigger",
	[MG_OP_RENAME_TRIGGER] = "rename_trigger",
	[MG_OP_CREATE_RULE] = "create_rule",
	[MG_OP_DROP_RULE] = "drop_rule",
	[MG_OP_CREATE_POLICY] = "create_policy",
	[MG_OP_DROP_POLICY] = "drop_policy",
	[MG_OP_ALTER_POLICY] = "alter_policy",
	[MG_OP_GRANT] = "grant",
	[MG_OP_COMMENT] = "comment",
	[MG_OP_INSERT] = "insert",
	[MG_OP_UPDATE] = "update",
	[MG_OP_DELETE] = "delete",
	[MG_OP_MERGE] = "merge",
	[MG_OP_COPY] = "copy",
	[MG_OP_SELECT] = "select",
	[MG_OP_SET_SETTING] = "set_setting",
	[MG_OP_RESET_SETTING] = "reset_setting",
	[MG_OP_BEGIN] = "begin",
	[MG_OP_COMMIT] = "commit",
	[MG_OP_ROLLBACK] = "rollback",
	[MG_OP_SAVEPOINT] = "savepoint",
};

const char *mg_op_kind_name(mg_op_kind kind)
{
	return NAME_OR_UNKNOWN(op_names, kind);
}

static const char *const opaque_names[MG_OPAQUE__COUNT] = {
	[MG_OPAQUE_NONE] = "none",
	[MG_OPAQUE_DO_BLOCK] = "do_block",
	[MG_OPAQUE_FUNCTION_BODY] = "function_body",
	[MG_OPAQUE_PROCEDURE_CALL] = "procedure_call",
	[MG_OPAQUE_JAVA_MIGRATION] = "java_migration",
	[MG_OPAQUE_SCRIPT_MIGRATION] = "script_migration",
	[MG_OPAQUE_CUSTOM_CHANGE] = "custom_change",
	[MG_OPAQUE_EXECUTE_COMMAND] = "execute_command",
	[MG_OPAQUE_OUTPUT] = "output",
	[MG_OPAQUE_LOAD_DATA] = "load_data",
	[MG_OPAQUE_UNMODELLED_STATEMENT] = "unmodelled_statement",
	[MG_OPAQUE_OTHER_ENGINE_SQL] = "other_engine_sql",
};

const char *mg_opaque_kind_name(mg_opaque_kind kind)
{
	return NAME_OR_UNKNOWN(opaque_names, kind);
}

static const char *const object_names[] = {
	[MG_OBJ_NONE] = "none",
	[MG_OBJ_SCHEMA] = "schema",
	[MG_OBJ_TABLE] = "table",
	[MG_OBJ_COLUMN] = "column",
	[MG_OBJ_INDEX] = "index",
	[MG_OBJ_CONSTRAINT] = "constraint",
	[MG_OBJ_VIEW] = "view",
	[MG_OBJ_MATERIALIZED_VIEW] = "materialized_view",
	[MG_OBJ_SEQUENCE] = "sequence",
	[MG_OBJ_TYPE] = "type",
	[MG_OBJ_DOMAIN] = "domain",
	[MG_OBJ_FUNCTION] = "function",
	[MG_OBJ_PROCEDURE] = "procedure",
	[MG_OBJ_TRIGGER] = "trigger",
	[MG_OBJ_EXTENSION] = "extension",
	[MG_OBJ_POLICY] = "policy",
	[MG_OBJ_RULE] = "rule",
	[MG_OBJ_DATABASE] = "database",
	[MG_OBJ_ROLE] = "role",
	[MG_OBJ_OTHER] = "other",
};

const char *mg_object_kind_name(mg_object_kind kind)
{
	return NAME_OR_UNKNOWN(object_names, kind);
}

static const char *const volatility_names[] = {
	[MG_VOLATILITY_NONE] = "none",
	[MG_VOLATILITY_CONSTANT] = "constant",
	[MG_VOLATILITY_STABLE] = "stable",
	[MG_VOLATILITY_VOLATILE] = "volatile",
	[MG_VOLATILITY_UNKNOWN] = "unknown",
};

const char *mg_volatility_name(mg_volatility v)
{
	return NAME_OR_UNKNOWN(volatility_names, v);
}

static const char *const constraint_names[] = {
	[MG_CONSTRAINT_NONE] = "none",
	[MG_CONSTRAINT_CHECK] = "check",
	[MG_CONSTRAINT_FOREIGN_KEY] = "foreign_key",
	[MG_CONSTRAINT_UNIQUE] = "unique",
	[MG_CONSTRAINT_PRIMARY_KEY] = "primary_key",
	[MG_CONSTRAINT_EXCLUDE] = "exclude",
	[MG_CONSTRAINT_NOT_NULL] = "not_null",
};

const char *mg_constraint_kind_name(mg_constraint_kind kind)
{
	return NAME_OR_UNKNOWN(constraint_names, kind);
}

static const char *const changeset_kind_names[] = {
	[MG_CS_FLYWAY_VERSIONED] = "versioned",
	[MG_CS_FLYWAY_REPEATABLE] = "repeatable",
	[MG_CS_FLYWAY_UNDO] = "undo",
	[MG_CS_FLYWAY_BASELINE] = "baseline",
	[MG_CS_FLYWAY_JAVA] = "java",
	[MG_CS_FLYWAY_SCRIPT] = "script",
	[MG_CS_LIQUIBASE_XML] = "xml",
	[MG_CS_LIQUIBASE_YAML] = "yaml",
	[MG_CS_LIQUIBASE_JSON] = "json",
	[MG_CS_LIQUIBASE_SQL] = "sql",
};

const char *mg_changeset_kind_name(mg_changeset_kind kind)
{
	return NAME_OR_UNKNOWN(changeset_kind_names, kind);
}

bool mg_changeset_kind_is_flyway(mg_changeset_kind kind)
{
	return kind <= MG_CS_FLYWAY_SCRIPT;
}

const char *mg_engine_name(mg_engine_kind kind)
{
	switch (kind) {
	case MG_ENGINE_POSTGRESQL: return "postgresql";
	case MG_ENGINE_MYSQL: return "mysql";
	case MG_ENGINE_MARIADB: return "mariadb";
	}
	return "unknown";
}

const char *mg_op_flag_name(unsigned flag)
{
	switch (flag) {
	case MG_OPF_CONCURRENTLY: return "concurrently";
	case MG_OPF_UNIQUE: return "unique";
	case MG_OPF_IF_EXISTS: return "if_exists";
	case MG_OPF_IF_NOT_EXISTS: return "if_not_exists";
	case MG_OPF_CASCADE: return "cascade";
	case MG_OPF_ONLY: return "only";
	case MG_OPF_OR_REPLACE: return "or_replace";
	case MG_OPF_HAS_WHERE: return "has_where";
	case MG_OPF_PARTITIONED: return "partitioned";
	case MG_OPF_PARTITION_OF: return "partition_of";
	case MG_OPF_AS_SELECT: return "as_select";
	case MG_OPF_FULL: return "full";
	case MG_OPF_NEGATED: return "negated";
	case MG_OPF_LOCAL: return "local";
	case MG_OPF_TEMPORARY: return "temporary";
	case MG_OPF_UNLOGGED: return "unlogged";
	case MG_OPF_FINALIZE: return "finalize";
	case MG_OPF_WITH_NO_DATA: return "with_no_data";
	case MG_OPF_NOT_VALID: return "not_valid";
	case MG_OPF_DEFAULT: return "default";
	case MG_OPF_FOR_UPDATE: return "for_update";
	}
	return "unknown";
}
