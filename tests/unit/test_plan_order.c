/*
 * test_plan_order.c: the plan's ordering rule.  A step never runs before a
 * step it depends on, contract steps go to the next release, and a step
 * that depends on a contract step follows it there.
 */
#include "issue4_helpers.h"
#include "migraph/plan.h"

static mg_plan *plan_of(i4_run *r, const char *const *files, char **dir)
{
	*dir = i4_project(files);
	mg_analysis_options o = {0};
	i4_analyze(r, *dir, &o);
	return mg_plan_build(&r->analysis);
}

/* The step whose SQL contains text, or NULL. */
static const mg_plan_step *step_with(const mg_plan *plan, const char *text)
{
	for (size_t i = 0; i < plan->n_steps; i++)
		if (plan->steps[i]->sql && strstr(plan->steps[i]->sql, text))
			return plan->steps[i];
	return NULL;
}

static void dependencies_point_backwards(const mg_plan *plan)
{
	for (size_t i = 0; i < plan->n_steps; i++) {
		const mg_plan_step *s = plan->steps[i];
		assert_int_equal(s->index, i);
		for (size_t j = 0; j < s->n_depends; j++)
			assert_true(s->depends_on[j] < i);
	}
}

static void phases_in_order_and_contract_in_next_release(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V1__t.sql", "CREATE TABLE t (id bigint PRIMARY KEY, a text, b text);",
		"V2__drop.sql", "ALTER TABLE t DROP COLUMN a;",
		"V3__fill.sql", "UPDATE t SET b = 'x';",
		"V4__add.sql", "ALTER TABLE t ADD COLUMN c int;",
		NULL};
	i4_run r;
	char *dir;
	mg_plan *plan = plan_of(&r, files, &dir);
	dependencies_point_backwards(plan);
	const mg_plan_step *drop = step_with(plan, "DROP COLUMN a");
	const mg_plan_step *fill = step_with(plan, "UPDATE t");
	const mg_plan_step *add = step_with(plan, "ADD COLUMN c");
	assert_non_null(drop);
	assert_non_null(fill);
	assert_non_null(add);
	assert_int_equal(drop->phase, MG_PHASE_CONTRACT);
	assert_int_equal(drop->release, 2);
	assert_int_equal(plan->n_releases, 2);
	assert_int_equal(fill->phase, MG_PHASE_BACKFILL);
	/* ADD COLUMN c is independent of the drop: it stays in the expand of
	 * this release, before the data change that came earlier. */
	assert_int_equal(add->phase, MG_PHASE_EXPAND);
	assert_true(add->index < fill->index);
	assert_true(fill->index < drop->index);
	i4_free(&r);
	th_rmtree(dir);
}

static void a_readd_follows_its_drop_into_the_contract(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V1__t.sql", "CREATE TABLE t (id bigint PRIMARY KEY, a text);",
		"V2__drop.sql", "ALTER TABLE t DROP COLUMN a;",
		"V3__readd.sql", "ALTER TABLE t ADD COLUMN a bigint;",
		NULL};
	i4_run r;
	char *dir;
	mg_plan *plan = plan_of(&r, files, &dir);
	dependencies_point_backwards(plan);
	const mg_plan_step *drop = step_with(plan, "DROP COLUMN a");
	const mg_plan_step *readd = step_with(plan, "ADD COLUMN a");
	assert_non_null(drop);
	assert_non_null(readd);
	assert_int_equal(readd->release, 2);
	assert_true(drop->index < readd->index);
	bool found = false;
	for (size_t j = 0; j < readd->n_depends; j++)
		if (readd->depends_on[j] == drop->index) {
			found = true;
			assert_int_equal(readd->depends_objects[j].kind, MG_OBJ_COLUMN);
			assert_string_equal(readd->depends_objects[j].name, "a");
		}
	assert_true(found);
	i4_free(&r);
	th_rmtree(dir);
}

static void an_index_waits_for_its_column(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V1__t.sql", "CREATE TABLE t (id bigint PRIMARY KEY);",
		"V2__add.sql", "ALTER TABLE t ADD COLUMN a text;",
		"V3__idx.sql", "CREATE INDEX t_a_idx ON t (a);",
		NULL};
	i4_run r;
	char *dir;
	mg_plan *plan = plan_of(&r, files, &dir);
	dependencies_point_backwards(plan);
	const mg_plan_step *add = step_with(plan, "ADD COLUMN a");
	const mg_plan_step *idx = step_with(plan, "CREATE INDEX");
	assert_non_null(add);
	assert_non_null(idx);
	bool found = false;
	for (size_t j = 0; j < idx->n_depends; j++)
		found |= idx->depends_on[j] == add->index;
	assert_true(found);
	i4_free(&r);
	th_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(phases_in_order_and_contract_in_next_release),
		cmocka_unit_test(a_readd_follows_its_drop_into_the_contract),
		cmocka_unit_test(an_index_waits_for_its_column),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
