/*
 * test_rules_timeline.c: the locking rules and the risk model read the
 * statement timeline for transactions and timeouts.  Their policy: a
 * lock_timeout protects a statement when it is in effect there and this
 * changeset set it (a SET left behind by an earlier migration is on the
 * same connection, but nobody reviewing this one can count on it).
 */
#include "issue4_helpers.h"
#include "migraph/risk.h"

static const mg_analysis_options all = {0};

#define V1 "V1__base.sql", "CREATE TABLE t (id bigint PRIMARY KEY, a text);\n"
#define RULE "lock-no-lock-timeout"

static void a_lock_timeout_set_here_protects(void **state)
{
	(void)state;
	const char *files[] = {V1, "V2__c.sql",
	                       "SET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN c int;\n", NULL};
	assert_int_equal(i4_count_in(files, RULE, &all), 0);
	const char *local[] = {V1, "V2__c.sql",
	                       "SET LOCAL lock_timeout = '2s';\nALTER TABLE t ADD COLUMN c int;\n",
	                       NULL};
	assert_int_equal(i4_count_in(local, RULE, &all), 0); /* Flyway's transaction */
}

static void a_reset_or_zero_lock_timeout_does_not(void **state)
{
	(void)state;
	const char *reset[] = {V1, "V2__c.sql",
	                       "SET lock_timeout = '2s';\nRESET lock_timeout;\n"
	                       "ALTER TABLE t ADD COLUMN c int;\n",
	                       NULL};
	assert_int_equal(i4_count_in(reset, RULE, &all), 1);
	const char *zero[] = {V1, "V2__c.sql",
	                      "SET lock_timeout = '2s';\nSET lock_timeout = 0;\n"
	                      "ALTER TABLE t ADD COLUMN c int;\n",
	                      NULL};
	assert_int_equal(i4_count_in(zero, RULE, &all), 1);
}

static void an_earlier_migrations_lock_timeout_does_not_count(void **state)
{
	(void)state;
	const char *files[] = {V1, "V2__set.sql", "SET lock_timeout = '2s';\n", "V3__c.sql",
	                       "ALTER TABLE t ADD COLUMN c int;\n", NULL};
	char *dir = i4_project(files);
	i4_run r;
	i4_analyze(&r, dir, &all);
	assert_int_equal(i4_count(&r, RULE), 1);
	/* the timeline knows the value is in effect there */
	const mg_timeline_entry *e = mg_timeline_at(r.analysis.graph->timeline, 2, 0);
	assert_non_null(e);
	assert_true(mg_setting_enabled(&e->lock_timeout));
	assert_int_equal(e->lock_timeout.origin_changeset, 1);
	assert_false(r.analysis.risk[2].lock_timeout_set);
	assert_true(r.analysis.risk[1].lock_timeout_set);
	i4_free(&r);
	th_rmtree(dir);
}

/* lock-index-not-concurrent: a materialized view of an earlier release
 * takes no INSERT, UPDATE or DELETE; the build's SHARE lock holds up its
 * REFRESH while reads go on, and the engine says the lock is on the view. */
static void an_index_on_a_live_matview_holds_up_refresh(void **state)
{
	(void)state;
	const char *files[] = {V1, "V2__mv.sql", "CREATE MATERIALIZED VIEW mv AS SELECT id FROM t;\n",
	                       "V3__idx.sql", "CREATE INDEX mv_id ON mv (id);\n", NULL};
	char *dir = i4_project(files);
	i4_run r;
	i4_analyze(&r, dir, &all);
	const mg_finding *f = i4_find(&r, "lock-index-not-concurrent");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "SHARE on public.mv"));
	assert_non_null(strstr(f->message, "every REFRESH MATERIALIZED VIEW waits, reads continue"));
	assert_null(strstr(f->message, "INSERT"));
	const mg_operation *op = r.project->changesets[2]->stmts[0]->ops[0];
	assert_true(op->n_locks >= 1);
	assert_int_equal(op->locks[0].relation.kind, MG_OBJ_MATERIALIZED_VIEW);
	/* SHARE queues no reads behind it, and a view takes no writes */
	assert_int_equal(i4_count(&r, RULE), 0);
	i4_free(&r);
	th_rmtree(dir);
	/* the near miss: a table keeps the writes' wording */
	const char *table[] = {V1, "V2__idx.sql", "CREATE INDEX t_a ON t (a);\n", NULL};
	dir = i4_project(table);
	i4_analyze(&r, dir, &all);
	f = i4_find(&r, "lock-index-not-concurrent");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "every INSERT, UPDATE and DELETE waits"));
	assert_int_equal(i4_count(&r, RULE), 1);
	i4_free(&r);
	th_rmtree(dir);
}

/* ACCESS EXCLUSIVE on a live materialized view queues its reads: the
 * statement still needs a lock_timeout, in the view's words. */
static void access_exclusive_on_a_live_matview_needs_a_lock_timeout(void **state)
{
	(void)state;
	const char *files[] = {V1, "V2__mv.sql", "CREATE MATERIALIZED VIEW mv AS SELECT id FROM t;\n",
	                       "V3__ren.sql", "ALTER TABLE mv RENAME COLUMN id TO id2;\n", NULL};
	char *dir = i4_project(files);
	i4_run r;
	i4_analyze(&r, dir, &all);
	const mg_finding *f = i4_find(&r, RULE);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "holds the materialized view"));
	i4_free(&r);
	th_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_lock_timeout_set_here_protects),
	    cmocka_unit_test(a_reset_or_zero_lock_timeout_does_not),
	    cmocka_unit_test(an_earlier_migrations_lock_timeout_does_not_count),
	    cmocka_unit_test(an_index_on_a_live_matview_holds_up_refresh),
	    cmocka_unit_test(access_exclusive_on_a_live_matview_needs_a_lock_timeout),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
