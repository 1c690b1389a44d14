/*
 * test_plan_verify.c: the verification plan.  Checks after each step from
 * what it does and the schema it leaves; post-deploy checks of what the
 * release made, lock waits and lag against the SLO, EXPLAIN per new
 * index; pre-deploy checks from the profile; the on-call checklist with
 * abort criteria and the rollback order.  (tests/assure runs them all on
 * PostgreSQL; these hold the generation.)
 */
#include "assure_helpers.h"

static const char *const base =
	"CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, note text, code "
	"varchar(20));\nCREATE TABLE \"Legacy\" (id int);\n";

static const char *const profile =
	"engine: postgresql\nversion: 15\nslo: {max_lock_ms: 1500, max_replication_lag_s: 20}\n"
	"longest_transaction_ms: 45000\n"
	"tables:\n  orders: {rows: 120M, bytes: 80GB, write_qps: 1500, hot: true}\n";

static void checks_after_each_step(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V1__base.sql", base,
		"V2__release.sql",
		"ALTER TABLE orders ADD COLUMN state text NOT NULL DEFAULT 'new';\n"
		"CREATE INDEX orders_customer_idx ON orders (customer_id);\n"
		"ALTER TABLE orders ADD CONSTRAINT orders_code_check CHECK (code <> '') NOT VALID;\n"
		"ALTER TABLE orders VALIDATE CONSTRAINT orders_code_check;\n"
		"ALTER TABLE orders RENAME COLUMN note TO remark;\n"
		"CREATE TABLE tags (id int);\n"
		"DROP TABLE \"Legacy\";\n",
		NULL};
	as_run r;
	as_plan(&r, files, NULL, "1");
	const mg_check *c = as_check(&r, "column public.orders.state", as_step(&r, "ADD COLUMN state"));
	assert_non_null(c);
	assert_int_equal(c->when, MG_CHECK_POST_STEP);
	assert_string_equal(c->expect, "no rows");
	assert_non_null(strstr(c->sql, "to_regclass('public.orders')"));
	assert_non_null(strstr(c->sql, "a.attname = 'state'"));
	assert_non_null(strstr(c->sql, "to_regtype('text')"));
	assert_non_null(strstr(c->sql, "a.attnotnull = true"));
	assert_non_null(strstr(c->sql, "a.atthasdef = true"));
	c = as_check(&r, "orders_customer_idx exists, valid and ready", as_step(&r, "CREATE INDEX"));
	assert_non_null(c);
	assert_non_null(strstr(c->sql, "indisvalid AND indisready"));
	/* NOT VALID until its validation; validated after it. */
	c = as_check(&r, "orders_code_check", as_step(&r, "NOT VALID"));
	assert_non_null(strstr(c->title, "NOT VALID until its validation"));
	assert_null(strstr(c->sql, "convalidated"));
	c = as_check(&r, "orders_code_check", as_step(&r, "VALIDATE CONSTRAINT"));
	assert_non_null(strstr(c->sql, "AND convalidated"));
	/* A rename becomes a new column and, in the contract, the old one's
	 * drop: the new name there after the first, the old one gone after
	 * the second. */
	assert_non_null(as_check(&r, "column public.orders.remark",
	                         as_step(&r, "ADD COLUMN remark text")));
	assert_non_null(as_check(&r, "column public.orders.note is gone",
	                         as_step(&r, "DROP COLUMN note")));
	assert_null(as_check(&r, "column public.orders.note is gone",
	                     as_step(&r, "ADD COLUMN remark text")));
	/* Quoted where PostgreSQL needs it. */
	c = as_check(&r, "is gone", as_step(&r, "DROP TABLE"));
	assert_non_null(strstr(c->sql, "to_regclass('public.\"Legacy\"') IS NOT NULL"));
	as_done(&r);
}

static void post_deploy_checks(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V1__base.sql", base,
		"V2__release.sql",
		"CREATE INDEX orders_customer_idx ON orders (customer_id);\n"
		"CREATE INDEX orders_code_idx ON orders (lower(code)) WHERE code IS NOT NULL;\n"
		"ALTER TABLE orders ADD CONSTRAINT orders_code_check CHECK (code <> '');\n"
		"CREATE TABLE tags (id int);\nCREATE TABLE scratch (id int);\n"
		"ALTER TABLE scratch RENAME TO scratch2;\n",
		NULL};
	as_run r;
	as_plan(&r, files, profile, "1");
	const mg_check *c = as_check(&r, "every index the release builds", NULL);
	assert_non_null(c);
	assert_int_equal(c->when, MG_CHECK_POST_DEPLOY);
	assert_non_null(strstr(c->sql, "('public.orders_customer_idx')"));
	c = as_check(&r, "every constraint", NULL);
	assert_non_null(strstr(c->sql, "('public.orders', 'orders_code_check')"));
	c = as_check(&r, "every relation the release creates", NULL);
	assert_non_null(strstr(c->sql, "('public.tags')"));
	/* made, then renamed within release 1: only the new name is there */
	assert_null(strstr(c->sql, "'public.scratch'"));
	assert_non_null(strstr(c->sql, "'public.scratch2'"));
	c = as_check(&r, "waits on a lock longer than 1500 ms", NULL);
	assert_non_null(c);
	assert_non_null(strstr(c->sql, "wait_event_type = 'Lock'"));
	assert_non_null(strstr(c->sql, "interval '1500 milliseconds'"));
	c = as_check(&r, "replication lag within 20 s", NULL);
	assert_non_null(strstr(c->sql, "pg_stat_replication"));
	assert_non_null(strstr(c->sql, "pg_last_xact_replay_timestamp()"));
	c = as_check(&r, "EXPLAIN: queries on customer_id use orders_customer_idx", NULL);
	assert_non_null(c);
	assert_non_null(strstr(c->sql, "ANALYZE public.orders;\nEXPLAIN"));
	assert_non_null(strstr(c->expect, "Index Scan using orders_customer_idx"));
	assert_non_null(strstr(c->expect, "Bitmap Index Scan on orders_customer_idx"));
	/* An expression index is queried by its expression, a partial one
	 * within its predicate. */
	c = as_check(&r, "use orders_code_idx", NULL);
	assert_non_null(c);
	assert_non_null(strstr(c->sql, "WHERE lower(code) = (SELECT lower(code)"));
	assert_non_null(strstr(c->sql, "AND code IS NOT NULL"));
	as_done(&r);
}

static void pre_deploy_checks_come_from_the_profile(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V1__base.sql", base,
		"V2__release.sql",
		"CREATE INDEX orders_customer_idx ON orders (customer_id);\n"
		"ALTER TABLE \"Legacy\" ADD COLUMN x int;\n",
		NULL};
	as_run r;
	as_plan(&r, files, profile, "1");
	const mg_check *c = as_check(&r, "staging copy at production scale", NULL);
	assert_non_null(c);
	assert_int_equal(c->when, MG_CHECK_PRE_DEPLOY);
	assert_non_null(strstr(c->title, "public.orders 80.0 GB (hot)"));
	assert_non_null(strstr(c->title, "public.Legacy (size unknown)"));
	c = as_check(&r, "size the estimates assume", NULL);
	assert_non_null(strstr(c->sql, "('public.orders', 80000000000::numeric, '80.0 GB')"));
	c = as_check(&r, "measure the tables", NULL);
	assert_non_null(strstr(c->sql, "'public.\"Legacy\"'"));
	c = as_check(&r, "no transaction open longer than 45000 ms", NULL);
	assert_non_null(c);
	assert_non_null(strstr(c->sql, "interval '45000 milliseconds'"));
	c = as_check(&r, "free disk", NULL);
	assert_non_null(strstr(c->sql, "2 * (coalesce(pg_total_relation_size(to_regclass('public.orders')), 0))"));
	as_done(&r);
	/* Without a profile the thresholds are defaults, and say so. */
	as_plan(&r, files, NULL, "1");
	c = as_check(&r, "no transaction open longer than", NULL);
	assert_non_null(strstr(c->title, "a default"));
	assert_null(as_check(&r, "size the estimates assume", NULL));
	as_done(&r);
}

static void the_on_call_checklist(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V1__base.sql", base,
		"V2__release.sql",
		"ALTER TABLE orders ADD COLUMN state text;\nCREATE TABLE tags (id int);\n"
		"ALTER TABLE orders DROP COLUMN note;\n",
		NULL};
	as_run r;
	as_plan(&r, files, profile, "1");
	mg_buf all = MG_BUF_INIT;
	for (size_t i = 0; i < r.plan->n_oncall; i++)
		mg_buf_printf(&all, "%s\n", r.plan->oncall[i]);
	const char *text = mg_buf_cstr(&all);
	assert_non_null(strstr(text, "release 1, expand (s1-s2): watch lock waits on public.orders"));
	assert_non_null(strstr(text, "release 1, deploy (s3): watch the application's error rate"));
	assert_non_null(strstr(text, "release 2, deploy (s4): confirm every instance runs the version "
	                             "deployed in release 1"));
	assert_non_null(strstr(text, "longer than 1500 ms, replication lag passes 20 s"));
	assert_non_null(strstr(text, "roll back in reverse order of the steps that ran, each with its "
	                             "rollback SQL: s3, s2, s1"));
	/* s4 confirms no instance runs the old version; s5 is the drop. */
	assert_non_null(strstr(text, "held back until the release is confirmed, never run before: "
	                             "s5 (Drop column orders.note)"));
	assert_non_null(strstr(text, "lossy rollbacks"));
	mg_buf_dispose(&all);
	as_done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checks_after_each_step),
		cmocka_unit_test(post_deploy_checks),
		cmocka_unit_test(pre_deploy_checks_come_from_the_profile),
		cmocka_unit_test(the_on_call_checklist),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
