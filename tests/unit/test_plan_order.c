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

/* The step whose SQL (or, for a backfill, the statement it replaces)
 * contains text, or NULL. */
static const mg_plan_step *step_with(const mg_plan *plan, const char *text)
{
	for (size_t i = 0; i < plan->n_steps; i++) {
		const mg_plan_step *s = plan->steps[i];
		const char *sql = s->backfill ? s->backfill->source_sql : s->sql;
		if (sql && strstr(sql, text))
			return s;
	}
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

static bool depends(const mg_plan_step *s, const mg_plan_step *on)
{
	for (size_t j = 0; j < s->n_depends; j++)
		if (s->depends_on[j] == on->index)
			return true;
	return false;
}

/* The steps of a rewrite run in the order made; what comes after the
 * rewrite of a column swap waits for its contract only when it needs the
 * swapped column itself. */
static void around_a_column_swap(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V1__t.sql", "CREATE TABLE t (id bigint PRIMARY KEY, a int, b text);",
		"V2__type.sql", "ALTER TABLE t ALTER COLUMN a TYPE bigint;",
		"V3__nn.sql", "ALTER TABLE t ALTER COLUMN a SET NOT NULL;",
		"V4__upd.sql", "UPDATE t SET b = 'x' WHERE b IS NULL;",
		"V5__copy.sql", "CREATE TABLE t_copy (LIKE t);",
		"V6__rn.sql", "ALTER TABLE t RENAME COLUMN b TO beta;",
		"V7__use.sql", "CREATE INDEX t_beta_idx ON t (beta);",
		NULL};
	i4_run r;
	char *dir;
	mg_plan *plan = plan_of(&r, files, &dir);
	dependencies_point_backwards(plan);
	const mg_plan_step *add = step_with(plan, "ADD COLUMN a_new bigint");
	const mg_plan_step *contract = step_with(plan, "RENAME COLUMN a_new TO a");
	const mg_plan_step *nn = step_with(plan, "ALTER COLUMN a_new SET NOT NULL");
	const mg_plan_step *nn_check = step_with(plan, "CHECK (a_new IS NOT NULL) NOT VALID");
	const mg_plan_step *backfill = NULL;
	for (size_t i = 0; i < plan->n_steps; i++)
		if (plan->steps[i]->backfill && plan->steps[i]->backfill->set_clause &&
		    !strncmp(plan->steps[i]->backfill->set_clause, "a_new = ", 8))
			backfill = plan->steps[i];
	const mg_plan_step *upd = step_with(plan, "UPDATE t SET b");
	const mg_plan_step *copy = step_with(plan, "CREATE TABLE t_copy (LIKE t)");
	const mg_plan_step *beta = step_with(plan, "ADD COLUMN beta text");
	const mg_plan_step *idx = step_with(plan, "t_beta_idx");
	assert_non_null(add);
	assert_non_null(contract);
	assert_non_null(nn);
	assert_non_null(nn_check);
	assert_non_null(backfill);
	assert_non_null(upd);
	assert_non_null(copy);
	assert_non_null(beta);
	assert_non_null(idx);
	assert_int_equal(add->release, 1);
	assert_int_equal(contract->release, 2);
	/* NOT NULL of a: the old column goes in the contract, so the proof lands
	 * on the column that takes its name, once its backfill has filled it,
	 * in this release; nothing proves it on the old column. */
	assert_int_equal(nn_check->release, 1);
	assert_int_equal(nn->release, 1);
	assert_true(nn_check->index > backfill->index);
	assert_true(nn->index > nn_check->index);
	assert_null(step_with(plan, "ALTER COLUMN a SET NOT NULL"));
	assert_null(step_with(plan, "CHECK (a IS NOT NULL)"));
	/* An UPDATE of another column stays in this release. */
	assert_int_equal(upd->release, 1);
	/* LIKE copies t's shape: only once a has its final type. */
	assert_int_equal(copy->release, 2);
	assert_true(depends(copy, contract));
	/* The index on the renamed column's new name needs the new column only. */
	assert_int_equal(idx->release, 1);
	assert_true(depends(idx, beta));
	i4_free(&r);
	th_rmtree(dir);
}

static void safe_forms_keep_their_order(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V1__t.sql",
		"CREATE TABLE t (id bigint PRIMARY KEY, a text, c int);\n"
		"CREATE TABLE m (id int NOT NULL, d date NOT NULL) PARTITION BY RANGE (d);\n"
		"CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n",
		"V2__fill.sql", "UPDATE t SET a = 'x' WHERE a IS NULL;",
		"V3__nn.sql", "ALTER TABLE t ALTER COLUMN a SET NOT NULL;",
		"V4__uq.sql", "ALTER TABLE t ADD CONSTRAINT t_c_key UNIQUE (c);",
		"V5__ix.sql", "CREATE INDEX m_id_idx ON m (id);",
		"V6__do.sql", "DO $$ BEGIN PERFORM count(*) FROM t; END $$;",
		NULL};
	i4_run r;
	char *dir;
	mg_plan *plan = plan_of(&r, files, &dir);
	dependencies_point_backwards(plan);
	const mg_plan_step *fill = step_with(plan, "UPDATE t SET a");
	const mg_plan_step *check = step_with(plan, "CHECK (a IS NOT NULL) NOT VALID");
	const mg_plan_step *valid = step_with(plan, "VALIDATE CONSTRAINT t_a_not_null");
	const mg_plan_step *set = step_with(plan, "ALTER COLUMN a SET NOT NULL");
	const mg_plan_step *uq_ix = step_with(plan, "CREATE UNIQUE INDEX CONCURRENTLY t_c_key");
	const mg_plan_step *uq = step_with(plan, "UNIQUE USING INDEX t_c_key");
	const mg_plan_step *only = step_with(plan, "ON ONLY m");
	const mg_plan_step *part = step_with(plan, "CREATE INDEX CONCURRENTLY m1_id_idx");
	const mg_plan_step *att = step_with(plan, "ATTACH PARTITION m1_id_idx");
	const mg_plan_step *block = step_with(plan, "DO $$");
	assert_non_null(fill);
	assert_non_null(check);
	assert_non_null(valid);
	assert_non_null(set);
	assert_non_null(uq_ix);
	assert_non_null(uq);
	assert_non_null(only);
	assert_non_null(part);
	assert_non_null(att);
	assert_non_null(block);
	/* The CHECK that makes a NOT NULL waits for the backfill of a. */
	assert_true(depends(check, fill));
	assert_true(check->index < valid->index && valid->index < set->index);
	assert_true(depends(valid, check) && depends(set, valid));
	assert_true(depends(uq, uq_ix));
	assert_true(depends(uq_ix, fill)); /* a unique build checks the rows filled before */
	assert_int_equal(uq->phase, MG_PHASE_VALIDATE);
	assert_true(depends(part, only) && depends(att, part));
	/* A DO block naming t waits for what last changed t's rows. */
	assert_true(block->index > fill->index);
	i4_free(&r);
	th_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(around_a_column_swap),
		cmocka_unit_test(safe_forms_keep_their_order),
		cmocka_unit_test(phases_in_order_and_contract_in_next_release),
		cmocka_unit_test(a_readd_follows_its_drop_into_the_contract),
		cmocka_unit_test(an_index_waits_for_its_column),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
