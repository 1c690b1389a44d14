/*
 * test_sql_ops.c: every operation kind the PostgreSQL front end produces,
 * with its object (schema, table, name), flags and related object; then
 * the attributes that matter per kind (columns, constraints, defaults,
 * index columns, settings, view dependencies).
 */
#include "harness.h"
#include "migraph/sql.h"

typedef struct parsed {
	mg_project *p;
	mg_changeset *cs;
} parsed;

static parsed parse_with(const char *sql, const mg_sql_options *o)
{
	parsed r;
	r.p = mg_project_new();
	r.cs = mg_project_add_changeset(r.p, MG_CS_FLYWAY_VERSIONED);
	mg_text t = {"V1__t.sql", sql, strlen(sql), NULL, 0};
	mg_sql_parse_script(r.p, r.cs, &t, o);
	return r;
}

static parsed parse(const char *sql)
{
	mg_sql_options o;
	mg_engine_target e = {MG_ENGINE_POSTGRESQL, 16, 0};
	mg_sql_options_init(&o, e);
	return parse_with(sql, &o);
}

static void done(parsed *r)
{
	mg_project_free(r->p);
}

static const mg_operation *op_of(const parsed *r, size_t stmt, size_t op)
{
	assert_true(stmt < r->cs->n_stmts);
	assert_true(op < r->cs->stmts[stmt]->n_ops);
	return r->cs->stmts[stmt]->ops[op];
}

static void assert_str(const char *want, const char *got)
{
	if (!want)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(want, got);
	}
}

/* ---- one row per operation kind --------------------------------------- */

typedef struct op_case {
	const char *sql;
	size_t op; /* which operation of the first statement */
	mg_op_kind kind;
	mg_object_kind okind;
	const char *schema, *table, *name;
	unsigned flags; /* exactly these flags */
	const char *rel_schema, *rel_name;
} op_case;

#define T MG_OBJ_TABLE
#define C MG_OBJ_COLUMN

static const op_case cases[] = {
    {"CREATE SCHEMA IF NOT EXISTS app", 0, MG_OP_CREATE_SCHEMA, MG_OBJ_SCHEMA, NULL, NULL, "app",
     MG_OPF_IF_NOT_EXISTS, NULL, NULL},
    {"DROP SCHEMA app CASCADE", 0, MG_OP_DROP_SCHEMA, MG_OBJ_SCHEMA, NULL, NULL, "app",
     MG_OPF_CASCADE, NULL, NULL},
    {"ALTER SCHEMA app RENAME TO app2", 0, MG_OP_RENAME_SCHEMA, MG_OBJ_SCHEMA, NULL, NULL, "app", 0,
     NULL, NULL},
    {"CREATE EXTENSION IF NOT EXISTS pgcrypto", 0, MG_OP_CREATE_EXTENSION, MG_OBJ_EXTENSION, NULL,
     NULL, "pgcrypto", MG_OPF_IF_NOT_EXISTS, NULL, NULL},
    {"DROP EXTENSION IF EXISTS pgcrypto", 0, MG_OP_DROP_EXTENSION, MG_OBJ_EXTENSION, NULL, NULL,
     "pgcrypto", MG_OPF_IF_EXISTS, NULL, NULL},
    {"CREATE UNLOGGED TABLE s.t (a int)", 0, MG_OP_CREATE_TABLE, T, "s", NULL, "t", MG_OPF_UNLOGGED,
     NULL, NULL},
    {"CREATE TABLE m (a int, d date) PARTITION BY RANGE (d)", 0, MG_OP_CREATE_TABLE, T, "public",
     NULL, "m", MG_OPF_PARTITIONED, NULL, NULL},
    {"CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", 0,
     MG_OP_CREATE_TABLE, T, "public", NULL, "m_2024", MG_OPF_PARTITION_OF, "public", "m"},
    {"CREATE TABLE c AS SELECT * FROM t WITH NO DATA", 0, MG_OP_CREATE_TABLE, T, "public", NULL,
     "c", MG_OPF_AS_SELECT | MG_OPF_WITH_NO_DATA, NULL, NULL},
    {"DROP TABLE IF EXISTS a.t1, t2 CASCADE", 1, MG_OP_DROP_TABLE, T, "public", NULL, "t2",
     MG_OPF_IF_EXISTS | MG_OPF_CASCADE, NULL, NULL},
    {"ALTER TABLE t RENAME TO t_old", 0, MG_OP_RENAME_TABLE, T, "public", NULL, "t", 0, NULL, NULL},
    {"ALTER TABLE t SET SCHEMA archive", 0, MG_OP_SET_SCHEMA, T, "public", NULL, "t", 0, NULL,
     NULL},
    {"ALTER TABLE t SET TABLESPACE fast", 0, MG_OP_SET_TABLESPACE, T, "public", NULL, "t", 0, NULL,
     NULL},
    {"ALTER TABLE t SET LOGGED", 0, MG_OP_SET_LOGGED, T, "public", NULL, "t", 0, NULL, NULL},
    {"ALTER TABLE t SET UNLOGGED", 0, MG_OP_SET_UNLOGGED, T, "public", NULL, "t", 0, NULL, NULL},
    {"ALTER TABLE t SET ACCESS METHOD heap2", 0, MG_OP_SET_ACCESS_METHOD, T, "public", NULL, "t", 0,
     NULL, NULL},
    {"ALTER TABLE t SET (fillfactor = 70)", 0, MG_OP_SET_STORAGE_PARAMS, T, "public", NULL, "t", 0,
     NULL, NULL},
    {"ALTER TABLE t RESET (fillfactor)", 0, MG_OP_RESET_STORAGE_PARAMS, T, "public", NULL, "t", 0,
     NULL, NULL},
    {"ALTER TABLE t OWNER TO bob", 0, MG_OP_SET_OWNER, T, "public", NULL, "t", 0, NULL, NULL},
    {"ALTER TABLE t REPLICA IDENTITY FULL", 0, MG_OP_REPLICA_IDENTITY, T, "public", NULL, "t", 0,
     NULL, NULL},
    {"ALTER TABLE t DISABLE TRIGGER trg", 0, MG_OP_ENABLE_TRIGGER, MG_OBJ_TRIGGER, "public", "t",
     "trg", MG_OPF_NEGATED, NULL, NULL},
    {"ALTER TABLE t ENABLE RULE r", 0, MG_OP_ENABLE_RULE, MG_OBJ_RULE, "public", "t", "r", 0, NULL,
     NULL},
    {"ALTER TABLE t FORCE ROW LEVEL SECURITY", 0, MG_OP_ROW_SECURITY, T, "public", NULL, "t", 0,
     NULL, NULL},
    {"ALTER TABLE t NO INHERIT p", 0, MG_OP_INHERIT, T, "public", NULL, "t", MG_OPF_NEGATED,
     "public", "p"},
    {"ALTER TABLE t NOT OF", 0, MG_OP_OF_TYPE, T, "public", NULL, "t", MG_OPF_NEGATED, NULL, NULL},
    {"ALTER TABLE t CLUSTER ON t_idx", 0, MG_OP_CLUSTER_ON, T, "public", NULL, "t", 0, "public",
     "t_idx"},
    {"TRUNCATE ONLY t CASCADE", 0, MG_OP_TRUNCATE, T, "public", NULL, "t",
     MG_OPF_ONLY | MG_OPF_CASCADE, NULL, NULL},
    {"VACUUM (FULL, ANALYZE) s.t", 0, MG_OP_VACUUM, T, "s", NULL, "t", MG_OPF_FULL, NULL, NULL},
    {"ANALYZE t", 0, MG_OP_ANALYZE, T, "public", NULL, "t", 0, NULL, NULL},
    {"CLUSTER t USING t_idx", 0, MG_OP_CLUSTER, T, "public", NULL, "t", 0, "public", "t_idx"},
    {"LOCK TABLE t IN SHARE MODE", 0, MG_OP_LOCK_TABLE, T, "public", NULL, "t", 0, NULL, NULL},
    {"ALTER TABLE t ADD COLUMN IF NOT EXISTS c int", 0, MG_OP_ADD_COLUMN, C, "public", "t", "c",
     MG_OPF_IF_NOT_EXISTS, NULL, NULL},
    {"ALTER TABLE ONLY t DROP COLUMN IF EXISTS c CASCADE", 0, MG_OP_DROP_COLUMN, C, "public", "t",
     "c", MG_OPF_ONLY | MG_OPF_IF_EXISTS | MG_OPF_CASCADE, NULL, NULL},
    {"ALTER TABLE t RENAME COLUMN a TO b", 0, MG_OP_RENAME_COLUMN, C, "public", "t", "a", 0,
     "public", "t"},
    {"ALTER TABLE t ALTER COLUMN a TYPE bigint", 0, MG_OP_ALTER_COLUMN_TYPE, C, "public", "t", "a",
     0, NULL, NULL},
    {"ALTER TABLE t ALTER COLUMN a SET DEFAULT 1", 0, MG_OP_SET_DEFAULT, C, "public", "t", "a", 0,
     NULL, NULL},
    {"ALTER TABLE t ALTER a DROP DEFAULT", 0, MG_OP_DROP_DEFAULT, C, "public", "t", "a", 0, NULL,
     NULL},
    {"ALTER TABLE t ALTER a SET NOT NULL", 0, MG_OP_SET_NOT_NULL, C, "public", "t", "a", 0, NULL,
     NULL},
    {"ALTER TABLE t ALTER a DROP NOT NULL", 0, MG_OP_DROP_NOT_NULL, C, "public", "t", "a", 0, NULL,
     NULL},
    {"ALTER TABLE t ALTER a ADD GENERATED ALWAYS AS IDENTITY", 0, MG_OP_ADD_IDENTITY, C, "public",
     "t", "a", 0, NULL, NULL},
    {"ALTER TABLE t ALTER a SET GENERATED BY DEFAULT", 0, MG_OP_SET_IDENTITY, C, "public", "t", "a",
     0, NULL, NULL},
    {"ALTER TABLE t ALTER a DROP IDENTITY IF EXISTS", 0, MG_OP_DROP_IDENTITY, C, "public", "t", "a",
     MG_OPF_IF_EXISTS, NULL, NULL},
    {"ALTER TABLE t ALTER a SET STATISTICS 500", 0, MG_OP_SET_STATISTICS, C, "public", "t", "a", 0,
     NULL, NULL},
    {"ALTER TABLE t ALTER a SET (n_distinct = 100)", 0, MG_OP_SET_COLUMN_OPTIONS, C, "public", "t",
     "a", 0, NULL, NULL},
    {"ALTER TABLE t ALTER a SET STORAGE EXTERNAL", 0, MG_OP_SET_COLUMN_STORAGE, C, "public", "t",
     "a", 0, NULL, NULL},
    {"ALTER TABLE t ALTER a SET COMPRESSION lz4", 0, MG_OP_SET_COMPRESSION, C, "public", "t", "a",
     0, NULL, NULL},
    {"ALTER TABLE t ALTER a DROP EXPRESSION", 0, MG_OP_DROP_EXPRESSION, C, "public", "t", "a", 0,
     NULL, NULL},
    {"ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0) NOT VALID", 0, MG_OP_ADD_CONSTRAINT,
     MG_OBJ_CONSTRAINT, "public", "t", "ck", MG_OPF_NOT_VALID, NULL, NULL},
    {"ALTER TABLE t VALIDATE CONSTRAINT ck", 0, MG_OP_VALIDATE_CONSTRAINT, MG_OBJ_CONSTRAINT,
     "public", "t", "ck", 0, NULL, NULL},
    {"ALTER TABLE t DROP CONSTRAINT IF EXISTS ck", 0, MG_OP_DROP_CONSTRAINT, MG_OBJ_CONSTRAINT,
     "public", "t", "ck", MG_OPF_IF_EXISTS, NULL, NULL},
    {"ALTER TABLE t RENAME CONSTRAINT ck TO ck2", 0, MG_OP_RENAME_CONSTRAINT, MG_OBJ_CONSTRAINT,
     "public", "t", "ck", 0, "public", "t"},
    {"ALTER TABLE t ALTER CONSTRAINT fk DEFERRABLE", 0, MG_OP_ALTER_CONSTRAINT, MG_OBJ_CONSTRAINT,
     "public", "t", "fk", 0, NULL, NULL},
    {"CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY s.t (a)", 0, MG_OP_CREATE_INDEX,
     MG_OBJ_INDEX, "s", "t", "i", MG_OPF_CONCURRENTLY | MG_OPF_IF_NOT_EXISTS | MG_OPF_ONLY, "s",
     "t"},
    {"DROP INDEX CONCURRENTLY IF EXISTS s.i", 0, MG_OP_DROP_INDEX, MG_OBJ_INDEX, "s", NULL, "i",
     MG_OPF_CONCURRENTLY | MG_OPF_IF_EXISTS, NULL, NULL},
    {"ALTER INDEX i RENAME TO j", 0, MG_OP_RENAME_INDEX, MG_OBJ_INDEX, "public", NULL, "i", 0, NULL,
     NULL},
    {"REINDEX TABLE CONCURRENTLY t", 0, MG_OP_REINDEX, T, "public", NULL, "t", MG_OPF_CONCURRENTLY,
     NULL, NULL},
    {"ALTER INDEX i SET TABLESPACE fast", 0, MG_OP_ALTER_INDEX, MG_OBJ_INDEX, "public", NULL, "i",
     0, NULL, NULL},
    {"ALTER INDEX p_idx ATTACH PARTITION c_idx", 0, MG_OP_ATTACH_INDEX, MG_OBJ_INDEX, "public",
     NULL, "p_idx", 0, "public", "c_idx"},
    {"ALTER TABLE m ATTACH PARTITION m_1 FOR VALUES IN (1)", 0, MG_OP_ATTACH_PARTITION, T, "public",
     NULL, "m_1", 0, "public", "m"},
    {"ALTER TABLE m DETACH PARTITION m_1 CONCURRENTLY", 0, MG_OP_DETACH_PARTITION, T, "public",
     NULL, "m_1", MG_OPF_CONCURRENTLY, "public", "m"},
    {"ALTER TABLE m DETACH PARTITION m_1 FINALIZE", 0, MG_OP_DETACH_PARTITION, T, "public", NULL,
     "m_1", MG_OPF_FINALIZE, "public", "m"},
    {"CREATE OR REPLACE VIEW v AS SELECT 1", 0, MG_OP_CREATE_VIEW, MG_OBJ_VIEW, "public", NULL, "v",
     MG_OPF_OR_REPLACE, NULL, NULL},
    {"DROP VIEW IF EXISTS v", 0, MG_OP_DROP_VIEW, MG_OBJ_VIEW, "public", NULL, "v",
     MG_OPF_IF_EXISTS, NULL, NULL},
    {"ALTER VIEW v RENAME TO w", 0, MG_OP_RENAME_VIEW, MG_OBJ_VIEW, "public", NULL, "v", 0, NULL,
     NULL},
    {"ALTER VIEW v SET (security_barrier = true)", 0, MG_OP_ALTER_VIEW, MG_OBJ_VIEW, "public", NULL,
     "v", 0, NULL, NULL},
    {"CREATE MATERIALIZED VIEW mv AS SELECT * FROM t WITH NO DATA", 0,
     MG_OP_CREATE_MATERIALIZED_VIEW, MG_OBJ_MATERIALIZED_VIEW, "public", NULL, "mv",
     MG_OPF_WITH_NO_DATA, NULL, NULL},
    {"DROP MATERIALIZED VIEW mv", 0, MG_OP_DROP_MATERIALIZED_VIEW, MG_OBJ_MATERIALIZED_VIEW,
     "public", NULL, "mv", 0, NULL, NULL},
    {"REFRESH MATERIALIZED VIEW CONCURRENTLY mv", 0, MG_OP_REFRESH_MATERIALIZED_VIEW,
     MG_OBJ_MATERIALIZED_VIEW, "public", NULL, "mv", MG_OPF_CONCURRENTLY, NULL, NULL},
    {"CREATE SEQUENCE IF NOT EXISTS s.seq START 10", 0, MG_OP_CREATE_SEQUENCE, MG_OBJ_SEQUENCE, "s",
     NULL, "seq", MG_OPF_IF_NOT_EXISTS, NULL, NULL},
    {"ALTER SEQUENCE seq OWNED BY t.id", 0, MG_OP_ALTER_SEQUENCE, MG_OBJ_SEQUENCE, "public", NULL,
     "seq", 0, "public", "id"},
    {"DROP SEQUENCE seq", 0, MG_OP_DROP_SEQUENCE, MG_OBJ_SEQUENCE, "public", NULL, "seq", 0, NULL,
     NULL},
    {"ALTER SEQUENCE seq RENAME TO seq2", 0, MG_OP_RENAME_SEQUENCE, MG_OBJ_SEQUENCE, "public", NULL,
     "seq", 0, NULL, NULL},
    {"CREATE TYPE mood AS ENUM ('sad', 'ok')", 0, MG_OP_CREATE_TYPE, MG_OBJ_TYPE, "public", NULL,
     "mood", 0, NULL, NULL},
    {"CREATE TYPE s.pair AS (a int, b text)", 0, MG_OP_CREATE_TYPE, MG_OBJ_TYPE, "s", NULL, "pair",
     0, NULL, NULL},
    {"DROP TYPE mood", 0, MG_OP_DROP_TYPE, MG_OBJ_TYPE, "public", NULL, "mood", 0, NULL, NULL},
    {"ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy' AFTER 'ok'", 0, MG_OP_ADD_ENUM_VALUE,
     MG_OBJ_TYPE, "public", NULL, "mood", MG_OPF_IF_NOT_EXISTS, NULL, NULL},
    {"ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'", 0, MG_OP_RENAME_ENUM_VALUE, MG_OBJ_TYPE,
     "public", NULL, "mood", 0, NULL, NULL},
    {"ALTER TYPE pair ADD ATTRIBUTE c int", 0, MG_OP_ALTER_TYPE, MG_OBJ_TYPE, "public", NULL,
     "pair", 0, NULL, NULL},
    {"ALTER TYPE mood RENAME TO feeling", 0, MG_OP_RENAME_TYPE, MG_OBJ_TYPE, "public", NULL, "mood",
     0, NULL, NULL},
    {"CREATE DOMAIN pos AS int CHECK (VALUE > 0)", 0, MG_OP_CREATE_DOMAIN, MG_OBJ_DOMAIN, "public",
     NULL, "pos", 0, NULL, NULL},
    {"ALTER DOMAIN pos SET NOT NULL", 0, MG_OP_ALTER_DOMAIN, MG_OBJ_DOMAIN, "public", NULL, "pos",
     0, NULL, NULL},
    {"DROP DOMAIN pos", 0, MG_OP_DROP_DOMAIN, MG_OBJ_DOMAIN, "public", NULL, "pos", 0, NULL, NULL},
    {"CREATE OR REPLACE FUNCTION s.f() RETURNS int LANGUAGE sql AS 'SELECT 1'", 0,
     MG_OP_CREATE_FUNCTION, MG_OBJ_FUNCTION, "s", NULL, "f", MG_OPF_OR_REPLACE, NULL, NULL},
    {"DROP FUNCTION IF EXISTS f(int)", 0, MG_OP_DROP_FUNCTION, MG_OBJ_FUNCTION, "public", NULL, "f",
     MG_OPF_IF_EXISTS, NULL, NULL},
    {"ALTER FUNCTION f() SECURITY DEFINER", 0, MG_OP_ALTER_FUNCTION, MG_OBJ_FUNCTION, "public",
     NULL, "f", 0, NULL, NULL},
    {"CREATE TRIGGER trg BEFORE UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION f()", 0,
     MG_OP_CREATE_TRIGGER, MG_OBJ_TRIGGER, "s", "t", "trg", 0, "s", "t"},
    {"DROP TRIGGER IF EXISTS trg ON t", 0, MG_OP_DROP_TRIGGER, MG_OBJ_TRIGGER, "public", "t", "trg",
     MG_OPF_IF_EXISTS, "public", "t"},
    {"ALTER TRIGGER trg ON s.t RENAME TO trg2", 0, MG_OP_RENAME_TRIGGER, MG_OBJ_TRIGGER, "s",
     "t", "trg", 0, "s", "t"},
    {"CREATE RULE r AS ON INSERT TO t DO INSTEAD NOTHING", 0, MG_OP_CREATE_RULE, MG_OBJ_RULE,
     "public", "t", "r", 0, "public", "t"},
    {"DROP RULE r ON t", 0, MG_OP_DROP_RULE, MG_OBJ_RULE, "public", "t", "r", 0, "public", "t"},
    {"CREATE POLICY p ON t USING (true)", 0, MG_OP_CREATE_POLICY, MG_OBJ_POLICY, "public", "t", "p",
     0, "public", "t"},
    {"DROP POLICY p ON t", 0, MG_OP_DROP_POLICY, MG_OBJ_POLICY, "public", "t", "p", 0, "public",
     "t"},
    {"ALTER POLICY p ON t USING (false)", 0, MG_OP_ALTER_POLICY, MG_OBJ_POLICY, "public", "t", "p",
     0, "public", "t"},
    {"REVOKE SELECT ON s.t FROM bob", 0, MG_OP_GRANT, T, "s", NULL, "t", MG_OPF_NEGATED, NULL,
     NULL},
    {"COMMENT ON COLUMN s.t.c IS 'x'", 0, MG_OP_COMMENT, C, "s", "t", "c", 0, NULL, NULL},
    {"INSERT INTO t SELECT * FROM u", 0, MG_OP_INSERT, T, "public", NULL, "t", MG_OPF_AS_SELECT,
     NULL, NULL},
    {"UPDATE s.t SET a = 1 WHERE b = 2", 0, MG_OP_UPDATE, T, "s", NULL, "t", MG_OPF_HAS_WHERE, NULL,
     NULL},
    {"DELETE FROM t", 0, MG_OP_DELETE, T, "public", NULL, "t", 0, NULL, NULL},
    {"MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN DELETE", 0, MG_OP_MERGE, T, "public",
     NULL, "t", 0, "public", "u"},
    {"COPY t (a) FROM STDIN", 0, MG_OP_COPY, T, "public", NULL, "t", 0, NULL, NULL},
    {"SELECT setval('s.t_id_seq', 42)", 0, MG_OP_SELECT, MG_OBJ_SEQUENCE, "s", NULL, "t_id_seq", 0,
     NULL, NULL},
    {"SET LOCAL lock_timeout = '2s'", 0, MG_OP_SET_SETTING, MG_OBJ_NONE, NULL, NULL, NULL,
     MG_OPF_LOCAL, NULL, NULL},
    {"RESET statement_timeout", 0, MG_OP_RESET_SETTING, MG_OBJ_NONE, NULL, NULL, NULL, 0, NULL,
     NULL},
    {"START TRANSACTION", 0, MG_OP_BEGIN, MG_OBJ_NONE, NULL, NULL, NULL, 0, NULL, NULL},
    {"END", 0, MG_OP_COMMIT, MG_OBJ_NONE, NULL, NULL, NULL, 0, NULL, NULL},
    {"ROLLBACK", 0, MG_OP_ROLLBACK, MG_OBJ_NONE, NULL, NULL, NULL, 0, NULL, NULL},
    {"SAVEPOINT sp", 0, MG_OP_SAVEPOINT, MG_OBJ_NONE, NULL, NULL, NULL, 0, NULL, NULL},
};

static void test_every_op_kind_object_and_flags(void **state)
{
	(void)state;
	size_t failures = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const op_case *c = &cases[i];
		parsed r = parse(c->sql);
		if (r.cs->n_stmts != 1 || r.cs->stmts[0]->parse_failed ||
		    c->op >= r.cs->stmts[0]->n_ops) {
			print_error("%s: %zu statements\n", c->sql, r.cs->n_stmts);
			failures++;
			done(&r);
			continue;
		}
		const mg_operation *op = op_of(&r, 0, c->op);
		if (op->kind != c->kind || op->object.kind != c->okind || op->flags != c->flags ||
		    !mg_str_eq(op->object.schema, c->schema) ||
		    !mg_str_eq(op->object.table, c->table) ||
		    !mg_str_eq(op->object.name, c->name) ||
		    !mg_str_eq(op->related.schema, c->rel_schema) ||
		    !mg_str_eq(op->related.name, c->rel_name)) {
			failures++;
			print_error("%s: got %s %s %s.%s.%s flags %x related %s.%s\n", c->sql,
			            mg_op_kind_name(op->kind), mg_object_kind_name(op->object.kind),
			            op->object.schema ? op->object.schema : "-",
			            op->object.table ? op->object.table : "-",
			            op->object.name ? op->object.name : "-", op->flags,
			            op->related.schema ? op->related.schema : "-",
			            op->related.name ? op->related.name : "-");
		}
		done(&r);
	}
	assert_int_equal(failures, 0);
}

/* ---- attributes -------------------------------------------------------- */

static void test_create_table_columns_and_constraints(void **state)
{
	(void)state;
	parsed r = parse("CREATE TABLE app.orders (\n"
	                 "  id bigserial PRIMARY KEY,\n"
	                 "  customer_id int NOT NULL REFERENCES customers (id) ON DELETE CASCADE,\n"
	                 "  code varchar(20) DEFAULT 'new' NOT NULL UNIQUE,\n"
	                 "  seq int GENERATED ALWAYS AS IDENTITY,\n"
	                 "  total numeric(10,2) CHECK (total >= 0),\n"
	                 "  twice numeric GENERATED ALWAYS AS (total * 2) STORED,\n"
	                 "  CONSTRAINT orders_uk UNIQUE (customer_id, code),\n"
	                 "  EXCLUDE USING gist (code WITH =)\n"
	                 ")");
	const mg_operation *op = op_of(&r, 0, 0);
	assert_int_equal(op->kind, MG_OP_CREATE_TABLE);
	assert_int_equal(op->n_columns, 6);
	const mg_column_def *id = &op->columns[0];
	assert_string_equal(id->name, "id");
	assert_string_equal(id->type, "bigint");
	assert_true(id->serial && id->primary_key && id->not_null);
	assert_string_equal(id->default_expr, "nextval('app.orders_id_seq'::regclass)");
	assert_int_equal(id->default_volatility, MG_VOLATILITY_VOLATILE);

	const mg_column_def *cust = &op->columns[1];
	assert_string_equal(cust->type, "integer");
	assert_true(cust->not_null);
	assert_int_equal(cust->n_constraints, 1);
	assert_int_equal(cust->constraints[0].kind, MG_CONSTRAINT_FOREIGN_KEY);
	assert_string_equal(cust->constraints[0].ref_table.schema, "public");
	assert_string_equal(cust->constraints[0].ref_table.name, "customers");
	assert_string_equal(cust->constraints[0].ref_columns.items[0], "id");
	assert_string_equal(cust->constraints[0].columns.items[0], "customer_id");
	assert_string_equal(cust->constraints[0].on_delete, "cascade");

	const mg_column_def *code = &op->columns[2];
	assert_string_equal(code->type, "character varying(20)");
	assert_string_equal(code->default_expr, "'new'");
	assert_int_equal(code->default_volatility, MG_VOLATILITY_CONSTANT);
	assert_true(code->not_null && code->unique);

	assert_true(op->columns[3].identity);
	assert_false(op->columns[3].serial);
	assert_string_equal(op->columns[4].type, "numeric(10,2)");
	assert_int_equal(op->columns[4].constraints[0].kind, MG_CONSTRAINT_CHECK);
	assert_string_equal(op->columns[4].constraints[0].expr, "total >= 0");
	assert_true(op->columns[5].generated_stored);

	assert_int_equal(op->n_constraints, 2);
	assert_int_equal(op->constraints[0].kind, MG_CONSTRAINT_UNIQUE);
	assert_string_equal(op->constraints[0].name, "orders_uk");
	assert_int_equal(op->constraints[0].columns.count, 2);
	assert_string_equal(op->constraints[0].columns.items[1], "code");
	assert_int_equal(op->constraints[1].kind, MG_CONSTRAINT_EXCLUDE);
	assert_string_equal(op->constraints[1].columns.items[0], "code");
	done(&r);
}

static void test_alter_table_one_op_per_subcommand(void **state)
{
	(void)state;
	/* (USING b::bigint alone is the default conversion: see below.) */
	parsed r = parse("ALTER TABLE t ADD COLUMN a text DEFAULT now()::text, "
	                 "ALTER COLUMN b TYPE bigint USING b::bigint + 1, "
	                 "ALTER COLUMN c SET DEFAULT (1 + 2) * 3, "
	                 "ADD CONSTRAINT t_fk FOREIGN KEY (x) REFERENCES other.p (id) NOT VALID, "
	                 "ADD CONSTRAINT t_pk PRIMARY KEY USING INDEX t_pk_idx");
	assert_int_equal(r.cs->n_stmts, 1);
	assert_int_equal(r.cs->stmts[0]->n_ops, 5);
	const mg_operation *add = op_of(&r, 0, 0);
	assert_int_equal(add->kind, MG_OP_ADD_COLUMN);
	assert_non_null(add->column);
	assert_string_equal(add->column->type, "text");
	assert_string_equal(add->column->default_expr, "now()::text");
	assert_int_equal(add->column->default_volatility, MG_VOLATILITY_STABLE);

	const mg_operation *ty = op_of(&r, 0, 1);
	assert_int_equal(ty->kind, MG_OP_ALTER_COLUMN_TYPE);
	assert_string_equal(ty->type_to, "bigint");
	assert_string_equal(ty->using_expr, "b::bigint + 1");

	const mg_operation *def = op_of(&r, 0, 2);
	assert_int_equal(def->kind, MG_OP_SET_DEFAULT);
	assert_string_equal(def->default_expr, "(1 + 2) * 3");
	assert_int_equal(def->default_volatility, MG_VOLATILITY_CONSTANT);

	const mg_operation *fk = op_of(&r, 0, 3);
	assert_int_equal(fk->kind, MG_OP_ADD_CONSTRAINT);
	assert_int_equal(fk->constraint->kind, MG_CONSTRAINT_FOREIGN_KEY);
	assert_true(fk->constraint->not_valid);
	assert_true(fk->flags & MG_OPF_NOT_VALID);
	assert_string_equal(fk->related.schema, "other");
	assert_string_equal(fk->related.name, "p");
	assert_string_equal(fk->constraint->columns.items[0], "x");
	assert_string_equal(fk->constraint->ref_columns.items[0], "id");

	const mg_operation *pk = op_of(&r, 0, 4);
	assert_int_equal(pk->constraint->kind, MG_CONSTRAINT_PRIMARY_KEY);
	assert_string_equal(pk->constraint->using_index, "t_pk_idx");
	assert_string_equal(pk->object.name, "t_pk");
	done(&r);
}

static void test_create_index_attributes(void **state)
{
	(void)state;
	parsed r =
	    parse("CREATE UNIQUE INDEX CONCURRENTLY ix ON t USING gin ((lower(email)), tenant) "
	          "WHERE (deleted_at IS NULL);\n"
	          "CREATE INDEX ON t USING btree (a)");
	const mg_operation *op = op_of(&r, 0, 0);
	assert_int_equal(op->flags, MG_OPF_UNIQUE | MG_OPF_CONCURRENTLY | MG_OPF_HAS_WHERE);
	assert_string_equal(op->index_method, "gin");
	assert_int_equal(op->index_columns.count, 2);
	assert_string_equal(op->index_columns.items[0], "lower(email)");
	assert_string_equal(op->index_columns.items[1], "tenant");
	assert_string_equal(op->where_expr, "deleted_at IS NULL");
	const mg_operation *unnamed = op_of(&r, 1, 0);
	assert_null(unnamed->object.name);
	assert_null(unnamed->index_method); /* btree is the default */
	done(&r);
	/* The only expression of a column list, with a predicate after it. */
	r = parse("CREATE INDEX ix ON t (lower(code)) WHERE code IS NOT NULL;\n"
	          "CREATE INDEX iy ON t ((a + b));");
	op = op_of(&r, 0, 0);
	assert_int_equal(op->index_columns.count, 1);
	assert_string_equal(op->index_columns.items[0], "lower(code)");
	assert_string_equal(op_of(&r, 1, 0)->index_columns.items[0], "a + b");
	done(&r);
}

static void test_view_depends_on_relations_read(void **state)
{
	(void)state;
	parsed r = parse("CREATE VIEW v AS WITH recent AS (SELECT * FROM s.orders) "
	                 "SELECT * FROM recent JOIN customers c ON true "
	                 "WHERE EXISTS (SELECT 1 FROM s.orders)");
	const mg_operation *op = op_of(&r, 0, 0);
	/* Each relation once, the CTE name never; order is not part of it. */
	assert_int_equal(op->n_depends, 2);
	bool orders = false, customers = false;
	for (size_t i = 0; i < op->n_depends; i++) {
		orders |= mg_str_eq(op->depends[i].schema, "s") &&
		          mg_str_eq(op->depends[i].name, "orders");
		customers |= mg_str_eq(op->depends[i].schema, "public") &&
		             mg_str_eq(op->depends[i].name, "customers");
	}
	assert_true(orders && customers);
	done(&r);
}

/* Whether the relation schema.name is among n objects. */
static bool has_rel(const mg_object *objs, size_t n, const char *schema, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (mg_str_eq(objs[i].schema, schema) && mg_str_eq(objs[i].name, name))
			return true;
	return false;
}

static void test_dml_depends_on_relations_read(void **state)
{
	(void)state;
	parsed r = parse("UPDATE orders o SET total = 0 FROM customers c "
	                 "WHERE o.customer_id = c.id AND c.id IN (SELECT id FROM s.vip);\n"
	                 "DELETE FROM notes USING orders WHERE notes.order_id = orders.id;\n"
	                 "INSERT INTO t (a) VALUES ((SELECT max(a) FROM u));\n"
	                 "UPDATE t SET a = (SELECT count(*) FROM t2) RETURNING (SELECT 1 FROM t3);\n"
	                 "COPY (SELECT * FROM orders JOIN customers ON true) TO '/dev/null';\n"
	                 "SELECT * INTO snapshot FROM orders");
	const mg_operation *up = op_of(&r, 0, 0);
	/* What it reads, never the table it writes. */
	assert_int_equal(up->n_depends, 2);
	assert_true(has_rel(up->depends, up->n_depends, "public", "customers"));
	assert_true(has_rel(up->depends, up->n_depends, "s", "vip"));
	const mg_operation *del = op_of(&r, 1, 0);
	assert_int_equal(del->n_depends, 1);
	assert_true(has_rel(del->depends, 1, "public", "orders"));
	const mg_operation *ins = op_of(&r, 2, 0);
	assert_int_equal(ins->n_depends, 1);
	assert_true(has_rel(ins->depends, 1, "public", "u"));
	assert_false(ins->flags & MG_OPF_AS_SELECT); /* VALUES, with a subquery */
	const mg_operation *up2 = op_of(&r, 3, 0);
	assert_int_equal(up2->n_depends, 2);
	assert_true(has_rel(up2->depends, 2, "public", "t2") && has_rel(up2->depends, 2, "public", "t3"));
	const mg_operation *copy = op_of(&r, 4, 0);
	assert_int_equal(copy->n_depends, 2);
	const mg_operation *into = op_of(&r, 5, 0);
	assert_int_equal(into->kind, MG_OP_CREATE_TABLE);
	assert_int_equal(into->n_depends, 1); /* the new table is not read */
	assert_true(has_rel(into->depends, 1, "public", "orders"));
	done(&r);
}

static void test_data_modifying_with_queries_are_operations(void **state)
{
	(void)state;
	parsed r = parse("WITH moved AS (DELETE FROM shipments WHERE id <= 100 RETURNING id)\n"
	                 "INSERT INTO scratch (id) SELECT id FROM moved;\n"
	                 "WITH big AS (SELECT id FROM orders) UPDATE c SET a = 1 "
	                 "WHERE id IN (SELECT id FROM big)");
	assert_int_equal(r.cs->stmts[0]->n_ops, 2);
	const mg_operation *del = op_of(&r, 0, 0), *ins = op_of(&r, 0, 1);
	assert_int_equal(del->kind, MG_OP_DELETE);
	assert_string_equal(del->object.name, "shipments");
	assert_string_equal(del->where_expr, "id <= 100");
	assert_int_equal(ins->kind, MG_OP_INSERT);
	assert_int_equal(ins->n_depends, 0); /* moved is the WITH query, not a table */
	/* A plain WITH query is read, and is no operation of its own. */
	assert_int_equal(r.cs->stmts[1]->n_ops, 1);
	const mg_operation *up = op_of(&r, 1, 0);
	assert_int_equal(up->n_depends, 1);
	assert_true(has_rel(up->depends, 1, "public", "orders"));
	done(&r);
}

static void test_row_locks_and_assigned_columns(void **state)
{
	(void)state;
	parsed r = parse("SELECT * FROM orders o JOIN customers c ON true "
	                 "JOIN items i ON true FOR UPDATE OF o, c;\n"
	                 "SELECT * FROM orders o JOIN (SELECT * FROM customers) c ON true FOR SHARE;\n"
	                 "UPDATE t SET a = 1, (b, c) = (2, 3);\n"
	                 "COPY t (a, b) FROM STDIN;\n"
	                 "1\t2\n"
	                 "\\.\n"
	                 "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN UPDATE SET a = 1 "
	                 "WHEN NOT MATCHED THEN INSERT (id) VALUES (u.id);\n"
	                 "INSERT INTO t (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 2;\n"
	                 "INSERT INTO t (id) VALUES (1) ON CONFLICT DO NOTHING");
	const mg_operation *sel = op_of(&r, 0, 0);
	assert_true(sel->flags & MG_OPF_FOR_UPDATE);
	assert_int_equal(sel->n_depends, 3); /* FOR UPDATE OF names aliases, not relations */
	assert_int_equal(sel->n_row_locks, 2);
	assert_true(has_rel(sel->row_locks, 2, "public", "orders"));
	assert_true(has_rel(sel->row_locks, 2, "public", "customers"));
	assert_false(has_rel(sel->row_locks, 2, "public", "items"));
	const mg_operation *all = op_of(&r, 1, 0);
	assert_int_equal(all->n_row_locks, 2); /* no list: every table of FROM */
	const mg_operation *up = op_of(&r, 2, 0);
	assert_int_equal(up->set_columns.count, 3);
	assert_string_equal(up->set_columns.items[1], "b");
	const mg_operation *copy = op_of(&r, 3, 0);
	assert_int_equal(copy->insert_columns.count, 2);
	const mg_operation *merge = op_of(&r, 4, 0);
	assert_string_equal(merge->detail, "update,insert");
	assert_int_equal(merge->set_columns.count, 1);
	assert_int_equal(merge->insert_columns.count, 1);
	assert_string_equal(op_of(&r, 5, 0)->detail, "on conflict (arbiter) do update");
	assert_int_equal(op_of(&r, 5, 0)->set_columns.count, 1);
	assert_string_equal(op_of(&r, 6, 0)->detail, "on conflict do nothing");
	done(&r);
}

static void test_settings_values(void **state)
{
	(void)state;
	parsed r = parse("SET lock_timeout = '5s'; SET statement_timeout TO 5000; "
	                 "SET search_path = app, public; SET lock_timeout TO DEFAULT");
	assert_int_equal(r.cs->n_stmts, 4);
	assert_string_equal(op_of(&r, 0, 0)->setting_name, "lock_timeout");
	assert_string_equal(op_of(&r, 0, 0)->setting_value, "5s");
	assert_string_equal(op_of(&r, 1, 0)->setting_value, "5000");
	assert_string_equal(op_of(&r, 2, 0)->setting_value, "app, public");
	assert_int_equal(op_of(&r, 3, 0)->kind, MG_OP_RESET_SETTING);
	done(&r);
}

static void test_dml_where_text(void **state)
{
	(void)state;
	parsed r = parse("UPDATE t SET a = 1 WHERE (id > 5) AND b RETURNING id;"
	                 "DELETE FROM t WHERE id IN (1, 2)");
	assert_string_equal(op_of(&r, 0, 0)->where_expr, "(id > 5) AND b");
	assert_string_equal(op_of(&r, 1, 0)->where_expr, "id IN (1, 2)");
	assert_true(op_of(&r, 1, 0)->flags & MG_OPF_HAS_WHERE);
	done(&r);
}

static void test_opaque_kinds(void **state)
{
	(void)state;
	parsed r = parse("DO $$ BEGIN PERFORM 1; END $$;\n"
	                 "CREATE FUNCTION f() RETURNS trigger\n  LANGUAGE plpgsql AS $b$ BEGIN "
	                 "RETURN NEW; END $b$;\n"
	                 "CALL app.do_it(1);\n"
	                 "CREATE ROLE bob");
	assert_int_equal(r.cs->n_stmts, 4);
	const mg_operation *d = op_of(&r, 0, 0);
	assert_int_equal(d->kind, MG_OP_OPAQUE);
	assert_int_equal(d->opaque_kind, MG_OPAQUE_DO_BLOCK);
	assert_int_equal(d->loc.line, 1);
	assert_int_equal(d->loc.col, 1);

	assert_int_equal(r.cs->stmts[1]->n_ops, 2);
	assert_int_equal(op_of(&r, 1, 0)->kind, MG_OP_CREATE_FUNCTION);
	const mg_operation *body = op_of(&r, 1, 1);
	assert_int_equal(body->opaque_kind, MG_OPAQUE_FUNCTION_BODY);
	assert_int_equal(body->loc.line, 3);
	assert_int_equal(body->loc.col, 23); /* the $b$ */

	const mg_operation *call = op_of(&r, 2, 0);
	assert_int_equal(call->opaque_kind, MG_OPAQUE_PROCEDURE_CALL);
	assert_string_equal(call->object.schema, "app");
	assert_string_equal(call->object.name, "do_it");

	const mg_operation *role = op_of(&r, 3, 0);
	assert_int_equal(role->opaque_kind, MG_OPAQUE_UNMODELLED_STATEMENT);
	assert_string_equal(role->detail, "CreateRoleStmt");
	done(&r);
}

static void test_default_schema_and_quoted_names(void **state)
{
	(void)state;
	mg_sql_options o;
	mg_engine_target e = {MG_ENGINE_POSTGRESQL, 15, 0};
	mg_sql_options_init(&o, e);
	o.default_schema = "app";
	parsed r = parse_with("ALTER TABLE Orders ADD COLUMN \"MixedCase\" int;"
	                      "CREATE SCHEMA s CREATE TABLE inner_t (a int)",
	                      &o);
	const mg_operation *op = op_of(&r, 0, 0);
	assert_string_equal(op->object.schema, "app");
	assert_string_equal(op->object.table, "orders");
	assert_string_equal(op->object.name, "MixedCase");
	/* Elements of CREATE SCHEMA live in that schema. */
	assert_int_equal(op_of(&r, 1, 1)->kind, MG_OP_CREATE_TABLE);
	assert_string_equal(op_of(&r, 1, 1)->object.schema, "s");
	done(&r);
}

static void test_enum_value_position(void **state)
{
	(void)state;
	parsed r = parse("ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok'");
	const mg_operation *op = op_of(&r, 0, 0);
	assert_string_equal(op->new_name, "meh");
	assert_str("before ok", op->detail);
	done(&r);
}

static void test_mysql_statements_are_other_engine_sql(void **state)
{
	(void)state;
	mg_sql_options o;
	mg_engine_target e = {MG_ENGINE_MYSQL, 8, 0};
	mg_sql_options_init(&o, e);
	parsed r = parse_with("# a comment; still a comment\n"
	                      "CREATE TABLE `t;x` (a int) -- c;\n;\n"
	                      "DELIMITER //\n"
	                      "CREATE PROCEDURE p() BEGIN SELECT 'a\\';'; END //\n"
	                      "DELIMITER ;\n"
	                      "INSERT INTO t VALUES (\"x;\");\n",
	                      &o);
	assert_int_equal(r.cs->n_stmts, 3);
	assert_int_equal(op_of(&r, 0, 0)->opaque_kind, MG_OPAQUE_OTHER_ENGINE_SQL);
	assert_int_equal(r.cs->stmts[0]->loc.line, 2);
	assert_string_equal(r.cs->stmts[1]->sql, "CREATE PROCEDURE p() BEGIN SELECT 'a\\';'; END");
	assert_int_equal(r.cs->stmts[1]->loc.line, 5);
	assert_string_equal(r.cs->stmts[2]->sql, "INSERT INTO t VALUES (\"x;\")");
	done(&r);
}

/* USING col::newtype is the conversion PostgreSQL applies anyway: it is not
 * recorded as an expression (which would make every widening a rewrite). */
static void test_using_identity_cast_not_recorded(void **state)
{
	(void)state;
	parsed r = parse("ALTER TABLE t ALTER COLUMN p TYPE numeric(14,2) USING (p::numeric(14,2)), "
	                 "ALTER COLUMN q TYPE bigint USING q::integer");
	assert_null(op_of(&r, 0, 0)->using_expr);
	assert_non_null(op_of(&r, 0, 1)->using_expr); /* a different type: a real expression */
	done(&r);
}

static void where_terms_compare_columns_with_constants(void **state)
{
	(void)state;
	parsed r = parse("DELETE FROM events e WHERE e.created_at >= '2024-03-01'::date "
	                 "AND created_at < '2024-04-01' AND amount > f(1) AND (id = 1 OR id = 2);\n"
	                 "UPDATE events SET amount = 0 WHERE 5 < id AND created_at BETWEEN "
	                 "'2024-01-01' AND '2024-02-01';\n"
	                 "UPDATE events SET amount = 0 WHERE id = 1 OR id = 2");
	const mg_operation *del = op_of(&r, 0, 0);
	assert_int_equal(del->n_where_terms, 2); /* f(1) and the OR are no constants' terms */
	assert_string_equal(del->where_terms[0].column, "created_at");
	assert_string_equal(del->where_terms[0].op, ">=");
	assert_string_equal(del->where_terms[0].value, "'2024-03-01'");
	assert_string_equal(del->where_terms[1].op, "<");
	assert_string_equal(del->where_terms[1].value, "'2024-04-01'");
	const mg_operation *up = op_of(&r, 1, 0);
	assert_int_equal(up->n_where_terms, 3);
	assert_string_equal(up->where_terms[0].column, "id"); /* 5 < id is id > 5 */
	assert_string_equal(up->where_terms[0].op, ">");
	assert_string_equal(up->where_terms[0].value, "5");
	assert_string_equal(up->where_terms[1].op, ">=");
	assert_string_equal(up->where_terms[2].op, "<=");
	assert_string_equal(up->where_terms[2].value, "'2024-02-01'");
	assert_int_equal(op_of(&r, 2, 0)->n_where_terms, 0);
	done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(where_terms_compare_columns_with_constants),
	    cmocka_unit_test(test_every_op_kind_object_and_flags),
	    cmocka_unit_test(test_create_table_columns_and_constraints),
	    cmocka_unit_test(test_alter_table_one_op_per_subcommand),
	    cmocka_unit_test(test_using_identity_cast_not_recorded),
	    cmocka_unit_test(test_create_index_attributes),
	    cmocka_unit_test(test_view_depends_on_relations_read),
	    cmocka_unit_test(test_dml_depends_on_relations_read),
	    cmocka_unit_test(test_data_modifying_with_queries_are_operations),
	    cmocka_unit_test(test_row_locks_and_assigned_columns),
	    cmocka_unit_test(test_settings_values),
	    cmocka_unit_test(test_dml_where_text),
	    cmocka_unit_test(test_opaque_kinds),
	    cmocka_unit_test(test_default_schema_and_quoted_names),
	    cmocka_unit_test(test_enum_value_position),
	    cmocka_unit_test(test_mysql_statements_are_other_engine_sql),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
