/*
 * test_timeline.c: the statement timeline (src/replay/timeline.c): where
 * each transaction ends, and which lock_timeout, statement_timeout and
 * TimeZone are in effect, with PostgreSQL's SET, SET LOCAL, RESET and
 * ROLLBACK semantics across the changesets of one connection.
 */
#include "harness.h"
#include "migraph/sql.h"
#include "migraph/timeline.h"

static mg_changeset *add(mg_project *p, const char *sql, bool in_transaction)
{
	mg_changeset *cs = mg_project_add_changeset(p, MG_CS_FLYWAY_VERSIONED);
	cs->run_in_transaction = in_transaction;
	mg_sql_options o;
	mg_sql_options_init(&o, p->engine);
	mg_text t = {"V.sql", sql, strlen(sql), NULL, 0};
	mg_sql_parse_script(p, cs, &t, &o);
	return cs;
}

static const mg_timeline_entry *at(const mg_timeline *tl, size_t c, size_t s)
{
	const mg_timeline_entry *e = mg_timeline_at(tl, c, s);
	assert_non_null(e);
	assert_int_equal(e->changeset, c);
	assert_int_equal(e->statement, s);
	return e;
}

static void where_transactions_end(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	add(p, "SELECT 1; SELECT 2; SELECT 3;", true);
	add(p, "SELECT 1; BEGIN; SELECT 2; BEGIN; SELECT 3; COMMIT; SELECT 4;", false);
	add(p, "SELECT 1; BEGIN; SELECT 2;", false);
	mg_project_renumber(p);
	mg_timeline *tl = mg_timeline_build(p);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(at(tl, 0, i)->txn_end, 2);
		assert_true(at(tl, 0, i)->in_block);
		assert_false(at(tl, 0, i)->explicit_block);
	}
	/* autocommit, then BEGIN ... COMMIT (a second BEGIN changes nothing) */
	assert_int_equal(at(tl, 1, 0)->txn_end, 0);
	assert_false(at(tl, 1, 0)->in_block);
	for (size_t i = 1; i <= 5; i++) {
		assert_int_equal(at(tl, 1, i)->txn_end, 5);
		assert_true(at(tl, 1, i)->explicit_block);
		assert_true(at(tl, 1, i)->in_block);
	}
	assert_int_equal(at(tl, 1, 6)->txn_end, 6);
	assert_false(at(tl, 1, 6)->in_block);
	/* BEGIN without COMMIT holds to the end */
	assert_int_equal(at(tl, 2, 0)->txn_end, 0);
	assert_int_equal(at(tl, 2, 1)->txn_end, 2);
	assert_int_equal(at(tl, 2, 2)->txn_end, 2);
	mg_project_free(p);
}

static void session_settings_carry_over(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	add(p, "SET lock_timeout = '2s'; SELECT 1;", true);
	add(p, "ALTER TABLE t ADD COLUMN c int; SET lock_timeout = 0;", true);
	add(p, "SELECT 1; RESET lock_timeout; SELECT 2;", false);
	mg_project_renumber(p);
	mg_timeline *tl = mg_timeline_build(p);
	const mg_setting *lt = &at(tl, 0, 1)->lock_timeout;
	assert_string_equal(lt->value, "2s");
	assert_false(lt->local);
	assert_true(mg_setting_enabled_by(lt, 0));
	/* still in effect in the next changeset, set by the first one */
	lt = &at(tl, 1, 0)->lock_timeout;
	assert_string_equal(lt->value, "2s");
	assert_int_equal(lt->origin_changeset, 0);
	assert_int_equal(lt->origin_statement, 0);
	assert_true(mg_setting_enabled(lt));
	assert_false(mg_setting_enabled_by(lt, 1));
	/* 0 turns it off */
	lt = &at(tl, 1, 1)->lock_timeout;
	assert_string_equal(lt->value, "0");
	assert_false(mg_setting_enabled(lt));
	assert_string_equal(at(tl, 2, 0)->lock_timeout.value, "0");
	assert_null(at(tl, 2, 1)->lock_timeout.value);
	assert_null(at(tl, 2, 2)->lock_timeout.value);
	mg_project_free(p);
}

static void local_settings_end_with_their_transaction(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	add(p, "SET LOCAL statement_timeout = '1min'; SELECT 1;", true);
	add(p, "SELECT 1;", true);
	add(p, "SET LOCAL lock_timeout = '1s'; BEGIN; SET LOCAL lock_timeout = '3s'; SELECT 1;"
	       " COMMIT; SELECT 2;",
	    false);
	mg_project_renumber(p);
	mg_timeline *tl = mg_timeline_build(p);
	const mg_setting *st = &at(tl, 0, 1)->statement_timeout;
	assert_string_equal(st->value, "1min");
	assert_true(st->local);
	assert_true(mg_setting_enabled_by(st, 0));
	assert_null(at(tl, 1, 0)->statement_timeout.value); /* the transaction ended */
	assert_null(at(tl, 2, 0)->lock_timeout.value);      /* outside a block: no effect */
	assert_string_equal(at(tl, 2, 3)->lock_timeout.value, "3s");
	assert_null(at(tl, 2, 4)->lock_timeout.value);      /* COMMIT ends it */
	assert_null(at(tl, 2, 5)->lock_timeout.value);
	mg_project_free(p);
}

static void rollback_undoes_and_reset_all_clears(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	add(p, "SET statement_timeout = '5s'; BEGIN; SET statement_timeout = '9s';"
	       " SET TIME ZONE 'Europe/Paris'; ROLLBACK; SELECT 1;",
	    false);
	add(p, "SET TimeZone = 'UTC'; SET lock_timeout = '1s'; RESET ALL; SELECT 1;", false);
	mg_project_renumber(p);
	mg_timeline *tl = mg_timeline_build(p);
	assert_string_equal(at(tl, 0, 2)->statement_timeout.value, "9s");
	assert_string_equal(at(tl, 0, 3)->timezone.value, "Europe/Paris");
	assert_string_equal(at(tl, 0, 5)->statement_timeout.value, "5s");
	assert_null(at(tl, 0, 5)->timezone.value);
	assert_string_equal(at(tl, 1, 1)->timezone.value, "UTC");
	assert_true(mg_timezone_is_utc(at(tl, 1, 1)->timezone.value));
	assert_string_equal(at(tl, 1, 1)->lock_timeout.value, "1s");
	assert_null(at(tl, 1, 3)->timezone.value);
	assert_null(at(tl, 1, 3)->lock_timeout.value);
	assert_null(at(tl, 1, 3)->statement_timeout.value);
	mg_project_free(p);
}

static void what_does_not_run_changes_nothing(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	mg_changeset *ignored = add(p, "SET lock_timeout = '1s'; SELECT 1;", true);
	ignored->flags |= MG_CSF_IGNORED;
	mg_changeset *filtered = add(p, "SET lock_timeout = '2s';", true);
	filtered->flags |= MG_CSF_FILTERED;
	add(p, "SELECT 1;", true);
	mg_project_renumber(p);
	mg_timeline *tl = mg_timeline_build(p);
	/* an ignored changeset has entries, as if it ran where it stands */
	assert_false(at(tl, 0, 1)->runs);
	assert_string_equal(at(tl, 0, 1)->lock_timeout.value, "1s");
	assert_null(mg_timeline_at(tl, 1, 0));
	assert_true(at(tl, 2, 0)->runs);
	assert_null(at(tl, 2, 0)->lock_timeout.value);
	assert_null(mg_timeline_at(tl, 3, 0));
	mg_project_free(p);
}

static void utc_zones(void **state)
{
	(void)state;
	assert_true(mg_timezone_is_utc("'Etc/UTC'"));
	assert_true(mg_timezone_is_utc("gmt"));
	assert_true(mg_timezone_is_utc("+00:00"));
	assert_false(mg_timezone_is_utc("Europe/Paris"));
	assert_false(mg_timezone_is_utc(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(where_transactions_end),
	    cmocka_unit_test(session_settings_carry_over),
	    cmocka_unit_test(local_settings_end_with_their_transaction),
	    cmocka_unit_test(rollback_undoes_and_reset_all_clears),
	    cmocka_unit_test(what_does_not_run_changes_nothing),
	    cmocka_unit_test(utc_zones),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
