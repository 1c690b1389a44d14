/*
 * test_sqlwrite.c: the SQL writer.  Identifiers are quoted exactly where
 * PostgreSQL needs it; every operation kind is written back as SQL the
 * server accepts (each case: a statement, parsed by the front end, written
 * from its operation alone); what an operation does not record is refused
 * with a reason, never guessed; clauses are found by token.
 */
#include "harness.h"
#include "migraph/sql.h"
#include "migraph/sqlwrite.h"

static mg_arena arena;

static int setup(void **state)
{
	(void)state;
	mg_arena_init(&arena);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mg_arena_free(&arena);
	return 0;
}

static const char *ident(const char *name)
{
	mg_buf b = MG_BUF_INIT;
	mg_sql_put_ident(&b, name);
	const char *s = mg_arena_strdup(&arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return s;
}

static void identifiers(void **state)
{
	(void)state;
	assert_string_equal(ident("orders"), "orders");
	assert_string_equal(ident("order"), "\"order\"");          /* reserved */
	assert_string_equal(ident("user"), "\"user\"");
	assert_string_equal(ident("time"), "\"time\"");            /* column-name keyword */
	assert_string_equal(ident("left"), "\"left\"");            /* type/function keyword */
	assert_string_equal(ident("name"), "name");                /* unreserved: plain */
	assert_string_equal(ident("comment"), "comment");
	assert_string_equal(ident("Orders"), "\"Orders\"");        /* upper case */
	assert_string_equal(ident("1st"), "\"1st\"");
	assert_string_equal(ident("a b"), "\"a b\"");
	assert_string_equal(ident("we\"ird"), "\"we\"\"ird\"");
	assert_string_equal(ident("größe"), "größe");              /* non-ASCII lower case */
	assert_string_equal(ident("col_1$"), "col_1$");
}

static void literals_and_names(void **state)
{
	(void)state;
	mg_buf b = MG_BUF_INIT;
	mg_sql_put_literal(&b, "it's");
	assert_string_equal(mg_buf_cstr(&b), "'it''s'");
	mg_buf_clear(&b);
	mg_sqlw w = {&arena, "app", 15};
	mg_sqlw_put_name(&w, &b, "app", "t");
	mg_buf_putc(&b, ' ');
	mg_sqlw_put_name(&w, &b, "public", "t");
	mg_buf_putc(&b, ' ');
	mg_sqlw_put_name(&w, &b, "Sales", "order");
	assert_string_equal(mg_buf_cstr(&b), "t public.t \"Sales\".\"order\"");
	mg_buf_dispose(&b);
}

static void clauses(void **state)
{
	(void)state;
	const char *sql = "-- INDEX in a comment\nCREATE /* INDEX */ INDEX i ON t ((a + 1), 'INDEX')";
	long at = mg_sql_find_keyword(sql, strlen(sql), "INDEX");
	assert_true(at > 0);
	assert_int_equal(strncmp(sql + at, "INDEX i", 7), 0);
	assert_string_equal(mg_sql_insert_after(&arena, "CREATE INDEX i ON t (a)", 23, "INDEX",
	                                        "CONCURRENTLY"),
	                    "CREATE INDEX CONCURRENTLY i ON t (a)");
	const char *up = "UPDATE t SET a = 'x, WHERE', b = f(c, d) WHERE e = 1 RETURNING a";
	assert_string_equal(mg_sql_update_set_clause(&arena, up, strlen(up)),
	                    "a = 'x, WHERE', b = f(c, d)");
	const char *from = "UPDATE t SET a = u.a FROM u WHERE u.id = t.id";
	assert_null(mg_sql_update_set_clause(&arena, from, strlen(from)));
	mg_name_list cols = mg_sql_expr_columns(&arena, "lower(email) <> '' AND \"Big\" > t.x AND "
	                                                "date '2024-01-01' < created::date");
	assert_int_equal(cols.count, 3);
	assert_string_equal(cols.items[0], "email");
	assert_string_equal(cols.items[1], "Big");
	assert_string_equal(cols.items[2], "created");
	assert_string_equal(mg_sql_rename_column_ref(&arena, "phone <> '' AND t.phone > lower(phone)",
	                                             "phone", "order"),
	                    "\"order\" <> '' AND t.phone > lower(\"order\")");
	const char *ix = "CREATE UNIQUE INDEX x ON ONLY s.t USING gin (a gin_trgm_ops) WHERE b";
	assert_string_equal(mg_sql_index_tail(&arena, ix, strlen(ix)),
	                    "USING gin (a gin_trgm_ops) WHERE b");
	const char *block = "DO $x$ BEGIN INSERT INTO archive SELECT * FROM \"Orders\"; END $x$";
	mg_name_list names = mg_sql_names(&arena, block, strlen(block));
	bool archive = false, orders = false;
	for (size_t i = 0; i < names.count; i++) {
		archive |= !strcmp(names.items[i], "archive");
		orders |= !strcmp(names.items[i], "Orders");
	}
	assert_true(archive && orders);
}

/* ---- one case per operation kind ---------------------------------------- */

typedef struct write_case {
	const char *sql;      /* parsed by the front end */
	size_t op;            /* which operation of it */
	const char *want;     /* what the writer makes of that operation alone */
} write_case;

static const write_case cases[] = {
	{"CREATE SCHEMA IF NOT EXISTS app", 0, "CREATE SCHEMA IF NOT EXISTS app;"},
	{"DROP SCHEMA app CASCADE", 0, "DROP SCHEMA app CASCADE;"},
	{"ALTER SCHEMA app RENAME TO app2", 0, "ALTER SCHEMA app RENAME TO app2;"},
	{"CREATE EXTENSION IF NOT EXISTS pgcrypto", 0, "CREATE EXTENSION IF NOT EXISTS pgcrypto;"},
	{"DROP EXTENSION pgcrypto", 0, "DROP EXTENSION pgcrypto;"},
	{"CREATE TABLE t (id bigserial PRIMARY KEY, \"order\" int NOT NULL DEFAULT 0 CHECK (\"order\" > 0),"
	 " r bigint REFERENCES p (id) ON DELETE SET NULL, UNIQUE (\"order\", r), CONSTRAINT c CHECK (r <> 1))",
	 0,
	 "CREATE TABLE t (\n    id bigserial PRIMARY KEY,\n    \"order\" integer DEFAULT 0 NOT NULL CHECK "
	 "(\"order\" > 0),\n    r bigint REFERENCES p (id) ON DELETE SET NULL,\n    UNIQUE (\"order\", r),\n"
	 "    CONSTRAINT c CHECK (r <> 1)\n);"},
	{"CREATE UNLOGGED TABLE IF NOT EXISTS u (a text)", 0,
	 "CREATE UNLOGGED TABLE IF NOT EXISTS u (\n    a text\n);"},
	{"CREATE TABLE m (id int, d date) PARTITION BY RANGE (d)", 0,
	 "CREATE TABLE m (\n    id integer,\n    d date\n) PARTITION BY RANGE (d);"},
	{"CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", 0,
	 "CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"},
	{"CREATE TABLE r1 PARTITION OF r FOR VALUES IN ('a', 'b')", 0,
	 "CREATE TABLE r1 PARTITION OF r FOR VALUES IN ('a', 'b');"},
	{"CREATE TABLE c (x int) INHERITS (p)", 0, "CREATE TABLE c (\n    x integer\n) INHERITS (p);"},
	{"DROP TABLE IF EXISTS t CASCADE", 0, "DROP TABLE IF EXISTS t CASCADE;"},
	{"ALTER TABLE t RENAME TO u", 0, "ALTER TABLE t RENAME TO u;"},
	{"ALTER TABLE t SET TABLESPACE fast", 0, "ALTER TABLE t SET TABLESPACE fast;"},
	{"ALTER TABLE t SET LOGGED", 0, "ALTER TABLE t SET LOGGED;"},
	{"ALTER TABLE t SET UNLOGGED", 0, "ALTER TABLE t SET UNLOGGED;"},
	{"ALTER TABLE t OWNER TO app", 0, "ALTER TABLE t OWNER TO app;"},
	{"ALTER TABLE t REPLICA IDENTITY FULL", 0, "ALTER TABLE t REPLICA IDENTITY full;"},
	{"ALTER TABLE t DISABLE TRIGGER tg", 0, "ALTER TABLE t DISABLE TRIGGER tg;"},
	{"ALTER TABLE t ENABLE ROW LEVEL SECURITY", 0, "ALTER TABLE t enable ROW LEVEL SECURITY;"},
	{"ALTER TABLE t NO INHERIT p", 0, "ALTER TABLE t NO INHERIT p;"},
	{"ALTER TABLE t SET WITHOUT CLUSTER", 0, "ALTER TABLE t SET WITHOUT CLUSTER;"},
	{"TRUNCATE ONLY t RESTART IDENTITY CASCADE", 0, "TRUNCATE ONLY t RESTART IDENTITY CASCADE;"},
	{"VACUUM FULL t", 0, "VACUUM (full) t;"},
	{"ANALYZE t", 0, "ANALYZE t;"},
	{"CLUSTER t USING t_idx", 0, "CLUSTER t USING t_idx;"},
	{"LOCK TABLE t IN SHARE ROW EXCLUSIVE MODE", 0, "LOCK TABLE t IN SHARE ROW EXCLUSIVE MODE;"},
	{"ALTER TABLE s.t ADD COLUMN IF NOT EXISTS c varchar(20) DEFAULT 'x' NOT NULL", 0,
	 "ALTER TABLE s.t ADD COLUMN IF NOT EXISTS c character varying(20) DEFAULT 'x' NOT NULL;"},
	{"ALTER TABLE t ADD COLUMN id int GENERATED ALWAYS AS IDENTITY", 0,
	 "ALTER TABLE t ADD COLUMN id integer GENERATED BY DEFAULT AS IDENTITY;"},
	{"ALTER TABLE t DROP COLUMN IF EXISTS c CASCADE", 0, "ALTER TABLE t DROP COLUMN IF EXISTS c CASCADE;"},
	{"ALTER TABLE t RENAME COLUMN a TO \"B\"", 0, "ALTER TABLE t RENAME COLUMN a TO \"B\";"},
	{"ALTER TABLE t ALTER COLUMN a TYPE bigint USING a::bigint + 1", 0,
	 "ALTER TABLE t ALTER COLUMN a TYPE bigint USING a::bigint + 1;"},
	{"ALTER TABLE t ALTER COLUMN a SET DEFAULT now()", 0, "ALTER TABLE t ALTER COLUMN a SET DEFAULT now();"},
	{"ALTER TABLE t ALTER COLUMN a DROP DEFAULT", 0, "ALTER TABLE t ALTER COLUMN a DROP DEFAULT;"},
	{"ALTER TABLE t ALTER COLUMN a SET NOT NULL", 0, "ALTER TABLE t ALTER COLUMN a SET NOT NULL;"},
	{"ALTER TABLE t ALTER COLUMN a DROP NOT NULL", 0, "ALTER TABLE t ALTER COLUMN a DROP NOT NULL;"},
	{"ALTER TABLE t ALTER COLUMN a DROP IDENTITY IF EXISTS", 0,
	 "ALTER TABLE t ALTER COLUMN a DROP IDENTITY IF EXISTS;"},
	{"ALTER TABLE t ALTER COLUMN a SET STATISTICS 500", 0, "ALTER TABLE t ALTER COLUMN a SET STATISTICS 500;"},
	{"ALTER TABLE t ALTER COLUMN a SET STORAGE EXTERNAL", 0, "ALTER TABLE t ALTER COLUMN a SET STORAGE external;"},
	{"ALTER TABLE t ALTER COLUMN a DROP EXPRESSION", 0, "ALTER TABLE t ALTER COLUMN a DROP EXPRESSION;"},
	{"ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a, b) REFERENCES s.p (x, y) ON UPDATE CASCADE "
	 "DEFERRABLE INITIALLY DEFERRED NOT VALID",
	 0,
	 "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a, b) REFERENCES s.p (x, y) ON UPDATE CASCADE "
	 "DEFERRABLE INITIALLY DEFERRED NOT VALID;"},
	{"ALTER TABLE t ADD CHECK (a > 0) NOT VALID", 0, "ALTER TABLE t ADD CHECK (a > 0) NOT VALID;"},
	{"ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX ix", 0,
	 "ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX ix;"},
	{"ALTER TABLE t ADD PRIMARY KEY (id)", 0, "ALTER TABLE t ADD PRIMARY KEY (id);"},
	{"ALTER TABLE t VALIDATE CONSTRAINT fk", 0, "ALTER TABLE t VALIDATE CONSTRAINT fk;"},
	{"ALTER TABLE t DROP CONSTRAINT IF EXISTS fk CASCADE", 0,
	 "ALTER TABLE t DROP CONSTRAINT IF EXISTS fk CASCADE;"},
	{"ALTER TABLE t RENAME CONSTRAINT a TO b", 0, "ALTER TABLE t RENAME CONSTRAINT a TO b;"},
	{"ALTER TABLE t ALTER CONSTRAINT fk DEFERRABLE INITIALLY DEFERRED", 0,
	 "ALTER TABLE t ALTER CONSTRAINT fk DEFERRABLE INITIALLY DEFERRED;"},
	{"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY t USING hash (lower(a), b) WHERE c", 0,
	 "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY t USING hash (lower(a), b) WHERE c;"},
	{"DROP INDEX CONCURRENTLY IF EXISTS s.i", 0, "DROP INDEX CONCURRENTLY IF EXISTS s.i;"},
	{"ALTER INDEX i RENAME TO j", 0, "ALTER INDEX i RENAME TO j;"},
	{"REINDEX INDEX CONCURRENTLY i", 0, "REINDEX INDEX CONCURRENTLY i;"},
	{"REINDEX TABLE t", 0, "REINDEX TABLE t;"},
	{"ALTER INDEX i SET TABLESPACE fast", 0, "ALTER INDEX i SET TABLESPACE fast;"},
	{"ALTER INDEX pi ATTACH PARTITION ci", 0, "ALTER INDEX pi ATTACH PARTITION ci;"},
	{"ALTER TABLE m ATTACH PARTITION m2 FOR VALUES FROM (MINVALUE) TO (10)", 0,
	 "ALTER TABLE m ATTACH PARTITION m2 FOR VALUES FROM (MINVALUE) TO (10);"},
	{"ALTER TABLE m ATTACH PARTITION md DEFAULT", 0, "ALTER TABLE m ATTACH PARTITION md DEFAULT;"},
	{"ALTER TABLE m DETACH PARTITION m2 CONCURRENTLY", 0, "ALTER TABLE m DETACH PARTITION m2 CONCURRENTLY;"},
	{"DROP VIEW IF EXISTS v", 0, "DROP VIEW IF EXISTS v;"},
	{"ALTER VIEW v RENAME TO w", 0, "ALTER VIEW v RENAME TO w;"},
	{"DROP MATERIALIZED VIEW mv", 0, "DROP MATERIALIZED VIEW mv;"},
	{"REFRESH MATERIALIZED VIEW CONCURRENTLY mv", 0, "REFRESH MATERIALIZED VIEW CONCURRENTLY mv;"},
	{"CREATE SEQUENCE IF NOT EXISTS s", 0, "CREATE SEQUENCE IF NOT EXISTS s;"},
	{"DROP SEQUENCE s", 0, "DROP SEQUENCE s;"},
	{"ALTER SEQUENCE s RENAME TO s2", 0, "ALTER SEQUENCE s RENAME TO s2;"},
	{"CREATE TYPE pair AS (a int, b text)", 0, "CREATE TYPE pair AS (a integer, b text);"},
	{"DROP TYPE mood", 0, "DROP TYPE mood;"},
	{"ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh' BEFORE 'ok'", 0,
	 "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh' BEFORE 'ok';"},
	{"ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'", 0, "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';"},
	{"ALTER TYPE mood RENAME TO feeling", 0, "ALTER TYPE mood RENAME TO feeling;"},
	{"DROP DOMAIN d", 0, "DROP DOMAIN d;"},
	{"DROP FUNCTION f", 0, "DROP FUNCTION f;"},
	{"DROP TRIGGER IF EXISTS tg ON t", 0, "DROP TRIGGER IF EXISTS tg ON t;"},
	{"ALTER TRIGGER tg ON s.t RENAME TO \"Tg2\"", 0, "ALTER TRIGGER tg ON s.t RENAME TO \"Tg2\";"},
	{"DROP POLICY p ON t", 0, "DROP POLICY p ON t;"},
	{"COMMENT ON COLUMN t.c IS 'the c'", 0, "COMMENT ON COLUMN t.c IS 'the c';"},
	{"COMMENT ON TABLE t IS NULL", 0, "COMMENT ON TABLE t IS NULL;"},
	{"INSERT INTO t (a, b) VALUES (1, 'x'), (2, NULL)", 0, "INSERT INTO t (a, b) VALUES (1, 'x'), (2, NULL);"},
	{"UPDATE t SET a = lower(a), b = 2 WHERE c IS NULL", 0,
	 "UPDATE t SET a = lower(a), b = 2 WHERE c IS NULL;"},
	{"DELETE FROM t WHERE a < 0", 0, "DELETE FROM t WHERE a < 0;"},
	{"SET LOCAL lock_timeout = '2s'", 0, "SET LOCAL lock_timeout = '2s';"},
	{"RESET statement_timeout", 0, "RESET statement_timeout;"},
	{"BEGIN", 0, "BEGIN;"},
	{"COMMIT", 0, "COMMIT;"},
	{"SAVEPOINT sp", 0, "SAVEPOINT sp;"},
};

static void every_kind(void **state)
{
	(void)state;
	mg_engine_target e = {MG_ENGINE_POSTGRESQL, 16, 0};
	mg_sql_options o;
	mg_sql_options_init(&o, e);
	mg_sqlw w = {&arena, "public", 16};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mg_project *p = mg_project_new();
		mg_changeset *cs = mg_project_add_changeset(p, MG_CS_FLYWAY_VERSIONED);
		mg_text t = {"V1__t.sql", cases[i].sql, strlen(cases[i].sql), NULL, 0};
		mg_sql_parse_script(p, cs, &t, &o);
		assert_true(cs->n_stmts == 1);
		assert_true(cases[i].op < cs->stmts[0]->n_ops);
		const char *why = NULL;
		const char *got = mg_sqlw_op(&w, cs->stmts[0]->ops[cases[i].op], &why);
		if (!got || strcmp(got, cases[i].want) != 0)
			print_error("case %zu: %s\n  want: %s\n  got:  %s (%s)\n", i, cases[i].sql,
			            cases[i].want, got ? got : "NULL", why ? why : "");
		assert_non_null(got);
		assert_string_equal(got, cases[i].want);
		mg_project_free(p);
	}
}

/* What Liquibase change types record, written as Liquibase would run it. */
static void recorded_fields(void **state)
{
	(void)state;
	mg_sqlw w = {&arena, "public", 15};
	mg_operation op = {0};
	op.kind = MG_OP_CREATE_SEQUENCE;
	op.flags = MG_OPF_IF_NOT_EXISTS;
	op.object = (mg_object){MG_OBJ_SEQUENCE, "public", NULL, "seq_a"};
	op.options_sql = "INCREMENT BY 50 START WITH 1050";
	assert_string_equal(mg_sqlw_op(&w, &op, NULL),
	                    "CREATE SEQUENCE IF NOT EXISTS seq_a INCREMENT BY 50 START WITH 1050;");
	op = (mg_operation){0};
	op.kind = MG_OP_ALTER_SEQUENCE;
	op.object = (mg_object){MG_OBJ_SEQUENCE, "public", NULL, "t_id_seq"};
	op.detail = "owned by";
	op.related = (mg_object){MG_OBJ_COLUMN, "public", "t", "id"};
	assert_string_equal(mg_sqlw_op(&w, &op, NULL), "ALTER SEQUENCE t_id_seq OWNED BY t.id;");
	op = (mg_operation){0};
	op.kind = MG_OP_COMMENT;
	op.object = (mg_object){MG_OBJ_TABLE, "public", NULL, "t"};
	op.detail = "one row per customer's account";
	assert_string_equal(mg_sqlw_op(&w, &op, NULL),
	                    "COMMENT ON TABLE t IS 'one row per customer''s account';");
	/* A column def with what Liquibase records for autoIncrement and unique. */
	mg_column_def col = {.name = "id", .type = "bigint", .identity = true, .not_null = true};
	op = (mg_operation){0};
	op.kind = MG_OP_ADD_COLUMN;
	op.object = (mg_object){MG_OBJ_COLUMN, "app", "t", "id"};
	op.column = &col;
	assert_string_equal(mg_sqlw_op(&w, &op, NULL),
	                    "ALTER TABLE app.t ADD COLUMN id bigint GENERATED BY DEFAULT AS IDENTITY;");
}

static void refuses_what_is_not_recorded(void **state)
{
	(void)state;
	mg_sqlw w = {&arena, "public", 15};
	const char *why = NULL;
	mg_operation op = {0};
	op.kind = MG_OP_UPDATE;
	op.object = (mg_object){MG_OBJ_TABLE, "public", NULL, "t"};
	assert_null(mg_sqlw_op(&w, &op, &why));
	assert_non_null(strstr(why, "values the UPDATE sets"));
	op.kind = MG_OP_CREATE_VIEW;
	op.object.kind = MG_OBJ_VIEW;
	assert_null(mg_sqlw_op(&w, &op, &why));
	op.kind = MG_OP_OPAQUE;
	assert_null(mg_sqlw_op(&w, &op, &why));
	assert_non_null(strstr(why, "not analysable"));
	mg_constraint_def ex = {.kind = MG_CONSTRAINT_EXCLUDE, .name = "no_overlap"};
	op = (mg_operation){0};
	op.kind = MG_OP_ADD_CONSTRAINT;
	op.object = (mg_object){MG_OBJ_CONSTRAINT, "public", "t", "no_overlap"};
	op.constraint = &ex;
	assert_null(mg_sqlw_op(&w, &op, &why));
	mg_column_def gen = {.name = "g", .type = "integer", .generated_stored = true};
	op = (mg_operation){0};
	op.kind = MG_OP_ADD_COLUMN;
	op.object = (mg_object){MG_OBJ_COLUMN, "public", "t", "g"};
	op.column = &gen;
	assert_null(mg_sqlw_op(&w, &op, &why));
	op = (mg_operation){0};
	op.kind = MG_OP_DROP_CONSTRAINT;
	op.object = (mg_object){MG_OBJ_CONSTRAINT, "public", "t", NULL};
	assert_null(mg_sqlw_op(&w, &op, &why));
	assert_non_null(strstr(why, "only the database knows"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identifiers),
		cmocka_unit_test(literals_and_names),
		cmocka_unit_test(clauses),
		cmocka_unit_test(every_kind),
		cmocka_unit_test(recorded_fields),
		cmocka_unit_test(refuses_what_is_not_recorded),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	mg_sql_shutdown();
	return rc;
}
