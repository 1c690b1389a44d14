/*
 * test_rules_rollback.c: the rollback family and what it stands on.  A
 * Flyway undo script is a rollback, never a forward migration; a
 * destructive change needs a way back; a rollback must restore what its
 * change altered; and a rollback must be able to run once the later
 * changesets are rolled back.
 */
#include "issue4_helpers.h"

static void an_undo_script_is_not_run_forward(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V1__a.sql", "CREATE TABLE a (id int PRIMARY KEY, n text);",
		"U1__a.sql", "DROP TABLE a;",
		"V2__v.sql", "CREATE VIEW v AS SELECT id FROM a;",
		NULL};
	char *dir = i4_project(files);
	i4_run r;
	mg_analysis_options o = {0};
	i4_analyze(&r, dir, &o);
	/* V2 still sees a: the undo did not run in between. */
	assert_int_equal(i4_count(&r, "compat-drop-still-used"), 0);
	assert_int_equal(i4_count(&r, "compat-drop-table"), 0);
	const mg_changeset *undo = r.project->changesets[1];
	assert_int_equal(undo->kind, MG_CS_FLYWAY_UNDO);
	assert_false(undo->flags & MG_CSF_IN_RELEASE);
	i4_free(&r);
	th_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_undo_script_is_not_run_forward),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
