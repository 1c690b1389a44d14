/*
 * test_plan_rollback.c: the inverse of each operation kind, from the
 * schema before it (include/migraph/rollback.h), and the plan's rollback
 * per step: reversible, lossy with its forward fix, irreversible, held
 * until confirmed; the project's own rollback when a step is its
 * changeset whole; a rewritten step gets the rollback of the rewrite.
 */
#include "assure_helpers.h"
#include "migraph/rollback.h"
#include "plan/plan_int.h"

static mg_project *proj;

static int setup(void **state)
{
	(void)state;
	proj = mg_project_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mg_project_free(proj);
	return 0;
}

static const char *const schema =
	"CREATE SCHEMA sales;\n"
	"CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, status text DEFAULT "
	"'active', name varchar(40));\n"
	"CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON "
	"DELETE CASCADE, total numeric(10,2), note text NOT NULL, code varchar(20), flag int);\n"
	"ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\n"
	"CREATE INDEX orders_code_idx ON orders USING hash (code) WHERE code <> '';\n"
	"CREATE TABLE notes (id serial PRIMARY KEY, body text);\n"
	"CREATE VIEW open_orders AS SELECT id, total FROM orders;\n"
	"CREATE TABLE sales.\"Order Items\" (id int, \"SKU\" text);\n"
	"CREATE TABLE parts (id int, at date) PARTITION BY RANGE (at);\n"
	"CREATE TYPE mood AS ENUM ('ok');\n"
	"CREATE SEQUENCE seq1;\n";

static mg_catalog *catalog(void)
{
	mg_catalog *cat = mg_catalog_new(&proj->arena, "public");
	mg_changeset *cs = mg_sql_parse_generated(proj, schema, "public", "schema.sql");
	assert_non_null(cs);
	mg_replay_statements(cat, cs->stmts, cs->n_stmts, 0, NULL, NULL);
	return cat;
}

/* The inverse of the statements of sql against the schema above. */
static mg_inverse inverse(const char *sql, bool concurrently)
{
	mg_changeset *cs = mg_sql_parse_generated(proj, sql, "public", "step.sql");
	assert_non_null(cs);
	size_t n = 0;
	const mg_operation *ops[16];
	for (size_t s = 0; s < cs->n_stmts; s++)
		for (size_t k = 0; k < cs->stmts[s]->n_ops && n < 16; k++)
			ops[n++] = cs->stmts[s]->ops[k];
	return mg_inverse_of_ops(proj, catalog(), ops, n, concurrently);
}

typedef struct inv_case {
	const char *sql;
	mg_inverse_kind kind;
	const char *expect; /* in the SQL (EXACT/SHAPE) or the note (NOTHING/NONE) */
} inv_case;

static void inverse_of_every_kind(void **state)
{
	(void)state;
	static const inv_case cases[] = {
		{"CREATE TABLE t (id int);", MG_INVERSE_EXACT, "DROP TABLE t;"},
		{"CREATE TABLE IF NOT EXISTS orders (id int);", MG_INVERSE_NOTHING, "IF NOT EXISTS"},
		{"DROP TABLE customers CASCADE;", MG_INVERSE_SHAPE,
		 "CREATE TABLE customers (\n    id bigint NOT NULL,\n    email text NOT NULL,\n    "
		 "status text DEFAULT 'active',\n    name character varying(40),\n    CONSTRAINT "
		 "customers_pkey PRIMARY KEY (id)\n);\nALTER TABLE orders ADD CONSTRAINT "
		 "orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE "
		 "cascade;\n"},
		{"DROP TABLE orders;", MG_INVERSE_SHAPE,
		 "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\n"
		 "CREATE INDEX orders_code_idx ON orders USING hash (code) WHERE code <> '';"},
		{"DROP TABLE notes;", MG_INVERSE_SHAPE,
		 "CREATE SEQUENCE notes_id_seq AS integer;"},
		{"DROP TABLE parts;", MG_INVERSE_NONE, "not fully known"},
		{"ALTER TABLE orders RENAME TO purchases;", MG_INVERSE_EXACT,
		 "ALTER TABLE purchases RENAME TO orders;"},
		{"ALTER TABLE orders ADD COLUMN x int;", MG_INVERSE_EXACT,
		 "ALTER TABLE orders DROP COLUMN x;"},
		{"ALTER TABLE orders DROP COLUMN code;", MG_INVERSE_SHAPE,
		 "ALTER TABLE orders ADD COLUMN code character varying(20);\nCREATE INDEX "
		 "orders_code_idx ON orders USING hash (code) WHERE code <> '';"},
		{"ALTER TABLE orders DROP COLUMN note;", MG_INVERSE_SHAPE, "ADD COLUMN note text;"},
		{"ALTER TABLE orders DROP COLUMN id;", MG_INVERSE_NONE, "key role"},
		{"ALTER TABLE orders RENAME COLUMN note TO remark;", MG_INVERSE_EXACT,
		 "ALTER TABLE orders RENAME COLUMN remark TO note;"},
		{"ALTER TABLE orders ALTER COLUMN code TYPE varchar(40);", MG_INVERSE_EXACT,
		 "ALTER COLUMN code TYPE character varying(20) USING code::character varying(20);"},
		{"ALTER TABLE orders ALTER COLUMN code TYPE varchar(5);", MG_INVERSE_SHAPE,
		 "TYPE character varying(20)"},
		{"ALTER TABLE customers ALTER COLUMN status SET DEFAULT 'new';", MG_INVERSE_EXACT,
		 "ALTER COLUMN status SET DEFAULT 'active';"},
		{"ALTER TABLE orders ALTER COLUMN code SET DEFAULT 'x';", MG_INVERSE_EXACT,
		 "ALTER COLUMN code DROP DEFAULT;"},
		{"ALTER TABLE orders ALTER COLUMN code DROP DEFAULT;", MG_INVERSE_NOTHING, "no default"},
		{"ALTER TABLE customers ALTER COLUMN status DROP DEFAULT;", MG_INVERSE_EXACT,
		 "SET DEFAULT 'active';"},
		{"ALTER TABLE orders ALTER COLUMN code SET NOT NULL;", MG_INVERSE_EXACT,
		 "ALTER COLUMN code DROP NOT NULL;"},
		{"ALTER TABLE orders ALTER COLUMN note SET NOT NULL;", MG_INVERSE_NOTHING, "already"},
		{"ALTER TABLE orders ALTER COLUMN note DROP NOT NULL;", MG_INVERSE_EXACT,
		 "ALTER COLUMN note SET NOT NULL;"},
		{"ALTER TABLE orders ADD CHECK (flag > 0);", MG_INVERSE_EXACT,
		 "ALTER TABLE orders DROP CONSTRAINT orders_flag_check;"},
		{"ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;", MG_INVERSE_EXACT,
		 "DROP CONSTRAINT orders_total_check;\nALTER TABLE orders ADD CONSTRAINT "
		 "orders_total_check CHECK (total >= 0) NOT VALID;"},
		{"ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;", MG_INVERSE_EXACT,
		 "ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers "
		 "(id) ON DELETE cascade;"},
		{"ALTER TABLE orders RENAME CONSTRAINT orders_total_check TO total_ok;", MG_INVERSE_EXACT,
		 "RENAME CONSTRAINT total_ok TO orders_total_check;"},
		{"CREATE INDEX ON orders (flag);", MG_INVERSE_EXACT,
		 "DROP INDEX IF EXISTS orders_flag_idx;"},
		{"DROP INDEX orders_code_idx;", MG_INVERSE_EXACT,
		 "CREATE INDEX orders_code_idx ON orders USING hash (code) WHERE code <> '';"},
		{"ALTER INDEX orders_code_idx RENAME TO code_idx;", MG_INVERSE_EXACT,
		 "ALTER INDEX code_idx RENAME TO orders_code_idx;"},
		{"CREATE VIEW v AS SELECT 1;", MG_INVERSE_EXACT, "DROP VIEW v;"},
		{"CREATE OR REPLACE VIEW open_orders AS SELECT id, total, 1 AS x FROM orders;",
		 MG_INVERSE_EXACT,
		 "DROP VIEW open_orders;\nCREATE VIEW open_orders AS SELECT id, total FROM orders;"},
		{"DROP VIEW open_orders;", MG_INVERSE_EXACT,
		 "CREATE VIEW open_orders AS SELECT id, total FROM orders;"},
		{"CREATE SEQUENCE s2;", MG_INVERSE_EXACT, "DROP SEQUENCE s2;"},
		{"DROP SEQUENCE seq1;", MG_INVERSE_SHAPE, "CREATE SEQUENCE seq1;"},
		{"ALTER TYPE mood ADD VALUE 'sad';", MG_INVERSE_NONE, "cannot remove"},
		{"CREATE TYPE colour AS ENUM ('red');", MG_INVERSE_EXACT, "DROP TYPE colour;"},
		{"UPDATE orders SET flag = 1;", MG_INVERSE_NONE, "overwrites"},
		{"DELETE FROM orders WHERE flag = 1;", MG_INVERSE_NONE, "removes"},
		{"TRUNCATE orders;", MG_INVERSE_NONE, "removes"},
		{"ANALYZE orders;", MG_INVERSE_NOTHING, "no schema change"},
		{"DO $$ BEGIN PERFORM 1; END $$;", MG_INVERSE_NONE, "cannot be analysed"},
		{"CREATE TABLE sales.\"Order Items 2\" (id int);", MG_INVERSE_EXACT,
		 "DROP TABLE sales.\"Order Items 2\";"},
		{"ALTER TABLE sales.\"Order Items\" RENAME COLUMN \"SKU\" TO sku;", MG_INVERSE_EXACT,
		 "ALTER TABLE sales.\"Order Items\" RENAME COLUMN sku TO \"SKU\";"},
		{"GRANT SELECT, UPDATE ON orders, sales.\"Order Items\" TO app, \"Reporting\";",
		 MG_INVERSE_SHAPE,
		 "REVOKE SELECT, UPDATE ON TABLE sales.\"Order Items\" FROM app, \"Reporting\";\n"
		 "REVOKE SELECT, UPDATE ON TABLE orders FROM app, \"Reporting\";"},
		{"REVOKE ALL ON SEQUENCE seq1 FROM PUBLIC;", MG_INVERSE_SHAPE,
		 "GRANT ALL ON SEQUENCE seq1 TO PUBLIC;"},
		{"GRANT USAGE ON SCHEMA sales TO app;", MG_INVERSE_SHAPE,
		 "REVOKE USAGE ON SCHEMA sales FROM app;"},
		/* no inverse where the roles or the previous state are not plain */
		{"GRANT SELECT ON orders TO CURRENT_USER;", MG_INVERSE_NONE, "not recorded"},
		{"GRANT SELECT ON orders TO app WITH GRANT OPTION;", MG_INVERSE_NONE, "not recorded"},
		{"GRANT SELECT ON ALL TABLES IN SCHEMA sales TO app;", MG_INVERSE_NONE, "not recorded"},
		{"CREATE TABLE a (id int); CREATE INDEX a_idx ON a (id);", MG_INVERSE_EXACT,
		 "DROP INDEX IF EXISTS a_idx;\nDROP TABLE a;"},
		{NULL, 0, NULL}};
	for (size_t i = 0; cases[i].sql; i++) {
		mg_inverse inv = inverse(cases[i].sql, false);
		const char *where = inv.kind == MG_INVERSE_EXACT || inv.kind == MG_INVERSE_SHAPE
		                        ? inv.sql
		                        : inv.note;
		if (inv.kind != cases[i].kind || !where || !strstr(where, cases[i].expect))
			fail_msg("%s\n  kind %d (want %d)\n  sql: %s\n  note: %s", cases[i].sql, inv.kind,
			         cases[i].kind, inv.sql ? inv.sql : "(none)", inv.note ? inv.note : "(none)");
		if (inv.kind == MG_INVERSE_SHAPE || inv.kind == MG_INVERSE_NONE)
			assert_non_null(inv.forward_fix);
	}
}

static void data_destroying_changes_say_so(void **state)
{
	(void)state;
	assert_true(inverse("DROP TABLE orders;", false).destroys_data);
	assert_true(inverse("ALTER TABLE orders DROP COLUMN note;", false).destroys_data);
	assert_true(inverse("DELETE FROM orders;", false).destroys_data);
	assert_false(inverse("DROP INDEX orders_code_idx;", false).destroys_data);
	assert_false(inverse("ALTER TABLE orders ADD COLUMN x int;", false).destroys_data);
}

static void concurrent_steps_get_concurrent_rollbacks(void **state)
{
	(void)state;
	mg_inverse a = inverse("CREATE INDEX CONCURRENTLY x_idx ON orders (flag);", true);
	assert_non_null(strstr(a.sql, "DROP INDEX CONCURRENTLY IF EXISTS x_idx;"));
	assert_true(a.outside_transaction);
	mg_inverse b = inverse("DROP INDEX CONCURRENTLY orders_code_idx;", true);
	assert_non_null(strstr(b.sql, "CREATE INDEX CONCURRENTLY orders_code_idx"));
	mg_inverse c = inverse("CREATE INDEX y_idx ON orders (flag);", false);
	assert_null(strstr(c.sql, "CONCURRENTLY"));
	assert_false(c.outside_transaction);
}

/* ---- The plan's steps ------------------------------------------------------ */

static void steps_are_reversible_lossy_or_irreversible(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V1__base.sql", "CREATE TABLE t (id int PRIMARY KEY, a text, b text);",
		"V2__changes.sql", "ALTER TABLE t ADD COLUMN c int;\nALTER TABLE t DROP COLUMN a;\n"
		                   "UPDATE t SET b = 'x';\nCREATE INDEX t_b_idx ON t (b);\n",
		NULL};
	as_run r;
	as_plan(&r, files, NULL, "1");
	mg_plan_step *add = as_step(&r, "ADD COLUMN c"), *drop = as_step(&r, "DROP COLUMN a");
	mg_plan_step *upd = as_step(&r, "UPDATE t"), *idx = as_step(&r, "CREATE INDEX");
	assert_int_equal(add->reversibility, MG_REV_REVERSIBLE);
	assert_string_equal(add->rollback_sql, "ALTER TABLE t DROP COLUMN c;\n");
	assert_string_equal(add->rollback_source, "derived");
	assert_false(add->hold_until_confirmed);
	assert_int_equal(drop->reversibility, MG_REV_LOSSY);
	assert_string_equal(drop->rollback_sql, "ALTER TABLE t ADD COLUMN a text;\n");
	assert_non_null(strstr(drop->rollback_note, "values are gone"));
	assert_non_null(drop->forward_fix);
	assert_true(drop->hold_until_confirmed);
	assert_int_equal(upd->reversibility, MG_REV_IRREVERSIBLE);
	assert_null(upd->rollback_sql);
	assert_non_null(upd->forward_fix);
	assert_int_equal(idx->reversibility, MG_REV_REVERSIBLE);
	as_done(&r);
}

static void the_projects_own_rollback_when_a_step_is_its_changeset(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V1__base.sql", "CREATE TABLE t (id int PRIMARY KEY, a text);",
		"V2__one.sql", "ALTER TABLE t ADD COLUMN c int;",
		"U2__one.sql", "ALTER TABLE t DROP COLUMN c;",
		"V3__two.sql", "ALTER TABLE t ADD COLUMN d int;\nALTER TABLE t ADD COLUMN e int;\n",
		"U3__two.sql", "ALTER TABLE t DROP COLUMN e;\nALTER TABLE t DROP COLUMN d;\n",
		NULL};
	as_run r;
	as_plan(&r, files, NULL, "1");
	mg_plan_step *one = as_step(&r, "ADD COLUMN c");
	assert_string_equal(one->rollback_source, "flyway undo U2__one.sql");
	assert_string_equal(one->rollback_sql, "ALTER TABLE t DROP COLUMN c;\n");
	/* Two steps: each gets its own inverse, and a note says the undo
	 * script is for the whole. */
	mg_plan_step *d = as_step(&r, "ADD COLUMN d");
	assert_string_equal(d->rollback_source, "derived");
	assert_string_equal(d->rollback_sql, "ALTER TABLE t DROP COLUMN d;\n");
	bool noted = false;
	for (size_t i = 0; i < r.plan->n_notes; i++)
		noted = noted || strstr(r.plan->notes[i], "U3__two.sql");
	assert_true(noted);
	as_done(&r);
}

/* A step the rewriter changed is taken back as written by the plan: here
 * a plain CREATE INDEX on a live table, rewritten to CONCURRENTLY outside a
 * transaction, is dropped CONCURRENTLY; the same statement on a table new in
 * the release is kept, and so is its plain rollback. */
static void a_rewritten_step_gets_the_rollback_of_the_rewrite(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V1__base.sql", "CREATE TABLE t (id int PRIMARY KEY, a text);",
		"V2__idx.sql", "CREATE INDEX t_a_idx ON t (a);\n"
		               "CREATE TABLE u (id int PRIMARY KEY, a text);\n"
		               "CREATE INDEX u_a_idx ON u (a);", NULL};
	as_run r;
	as_plan(&r, files, NULL, "1");
	mg_plan_step *s = as_step(&r, "CREATE INDEX CONCURRENTLY t_a_idx ON t (a);");
	assert_true(s->rewritten);
	assert_false(s->in_transaction);
	assert_string_equal(s->rollback_sql, "DROP INDEX CONCURRENTLY IF EXISTS t_a_idx;\n");
	assert_string_equal(s->rollback_source, "derived");
	assert_int_equal(s->reversibility, MG_REV_REVERSIBLE);
	mg_plan_step *kept = as_step(&r, "CREATE INDEX u_a_idx ON u (a);");
	assert_false(kept->rewritten);
	assert_true(kept->in_transaction);
	assert_null(strstr(kept->rollback_sql, "CONCURRENTLY"));
	assert_string_equal(kept->rollback_sql, "DROP INDEX IF EXISTS u_a_idx;\n");
	as_done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(inverse_of_every_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(data_destroying_changes_say_so, setup, teardown),
		cmocka_unit_test_setup_teardown(concurrent_steps_get_concurrent_rollbacks, setup, teardown),
		cmocka_unit_test(steps_are_reversible_lossy_or_irreversible),
		cmocka_unit_test(the_projects_own_rollback_when_a_step_is_its_changeset),
		cmocka_unit_test(a_rewritten_step_gets_the_rollback_of_the_rewrite),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
