/*
 * test_plan_rewrite.c: what the rewriter decides, per target version (10,
 * 11, 12, 14, 16): which form an operation takes, in which phase and
 * release, and how each step runs (transaction, lock_timeout,
 * statement_timeout, retry).  tests/plan/ runs the SQL itself on
 * PostgreSQL; these tests pin the decisions that differ by version, where
 * the server of the suite (15) cannot tell.
 */
#include "issue4_helpers.h"
#include "migraph/plan.h"
#include "migraph/profile.h"

typedef struct planned {
	i4_run r;
	char *dir;
	mg_plan *plan;
} planned;

/* The release is everything after V0 (the schema production has, with
 * rows); profile_yaml may be NULL. */
static void plan_for(planned *p, int major, const char *const *files, const char *profile_yaml)
{
	p->dir = i4_project(files);
	mg_load_options lo;
	mg_load_options_init(&lo);
	lo.engine.kind = MG_ENGINE_POSTGRESQL;
	lo.engine.major = major;
	const char *paths[] = {p->dir};
	p->r.project = mg_load_project(paths, 1, &lo);
	mg_analysis_options o = {.since = "0"};
	mg_analysis_init(&p->r.analysis, p->r.project, &o);
	if (profile_yaml) {
		th_write(p->dir, "profile.yaml", profile_yaml);
		char path[4200];
		snprintf(path, sizeof path, "%s/profile.yaml", p->dir);
		p->r.analysis.profile = mg_profile_load(&p->r.project->arena, path, 0, &p->r.project->diags);
		assert_non_null(p->r.analysis.profile);
	}
	mg_analysis_run(&p->r.analysis);
	p->plan = mg_plan_build(&p->r.analysis);
}

static void done(planned *p)
{
	i4_free(&p->r);
	th_rmtree(p->dir);
}

/* The first step whose SQL contains text (after the step `after`). */
static const mg_plan_step *find(const planned *p, const char *text)
{
	for (size_t i = 0; i < p->plan->n_steps; i++) {
		const mg_plan_step *s = p->plan->steps[i];
		if (s->sql && strstr(s->sql, text))
			return s;
	}
	return NULL;
}

static size_t count(const planned *p, const char *text)
{
	size_t n = 0;
	for (size_t i = 0; i < p->plan->n_steps; i++)
		if (p->plan->steps[i]->sql && strstr(p->plan->steps[i]->sql, text))
			n++;
	return n;
}

static const int versions[] = {10, 11, 12, 14, 16};
#define N_VERSIONS (sizeof versions / sizeof versions[0])

#define SETUP "V0__setup.sql", "CREATE TABLE t (id bigint PRIMARY KEY, a text, b int);\n" \
                               "INSERT INTO t VALUES (1, 'x', 1);\n"

static void create_index_concurrently_everywhere(void **state)
{
	(void)state;
	static const char *const files[] = {SETUP, "V1__ix.sql", "CREATE INDEX t_a_idx ON t (a);",
	                                    NULL};
	for (size_t v = 0; v < N_VERSIONS; v++) {
		planned p;
		plan_for(&p, versions[v], files, NULL);
		const mg_plan_step *s = find(&p, "CREATE INDEX CONCURRENTLY t_a_idx ON t");
		assert_non_null(s);
		assert_true(s->rewritten);
		assert_false(s->in_transaction);
		assert_int_equal(s->phase, MG_PHASE_EXPAND);
		assert_false(s->has_lock_timeout); /* waits for old transactions, blocks nobody */
		assert_true(s->has_statement_timeout);
		assert_true(s->statement_timeout_ms == 0);
		assert_non_null(strstr(s->retry, "DROP INDEX CONCURRENTLY IF EXISTS t_a_idx"));
		assert_int_equal(s->n_locks, 1);
		assert_int_equal(s->locks[0].mode, MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
		/* The script never leaks a setting: outside a transaction it resets. */
		const char *script = mg_plan_step_script(p.plan, s);
		assert_non_null(strstr(script, "SET statement_timeout = '0ms';"));
		assert_non_null(strstr(script, "RESET statement_timeout;"));
		assert_null(strstr(script, "BEGIN"));
		done(&p);
	}
}

static void index_on_a_table_of_the_release_stays_plain(void **state)
{
	(void)state;
	static const char *const files[] = {SETUP, "V1__new.sql", "CREATE TABLE n (id int, c text);",
	                                    "V2__ix.sql", "CREATE INDEX n_c_idx ON n (c);", NULL};
	planned p;
	plan_for(&p, 16, files, NULL);
	const mg_plan_step *s = find(&p, "CREATE INDEX n_c_idx ON n (c);");
	assert_non_null(s);
	assert_false(s->rewritten);
	assert_non_null(strstr(s->why, "holds no rows"));
	assert_int_equal(count(&p, "CONCURRENTLY"), 0);
	done(&p);
}

static void not_null_by_check_from_12(void **state)
{
	(void)state;
	static const char *const files[] = {SETUP, "V1__nn.sql",
	                                    "ALTER TABLE t ALTER COLUMN a SET NOT NULL;", NULL};
	for (size_t v = 0; v < N_VERSIONS; v++) {
		planned p;
		plan_for(&p, versions[v], files, NULL);
		const mg_plan_step *set = find(&p, "ALTER COLUMN a SET NOT NULL");
		assert_non_null(set);
		assert_int_equal(set->phase, MG_PHASE_VALIDATE);
		if (versions[v] >= 12) {
			const mg_plan_step *add = find(&p, "CHECK (a IS NOT NULL) NOT VALID");
			const mg_plan_step *val = find(&p, "VALIDATE CONSTRAINT t_a_not_null");
			assert_non_null(add);
			assert_non_null(val);
			assert_true(add->index < val->index && val->index < set->index);
			assert_non_null(strstr(set->sql, "DROP CONSTRAINT t_a_not_null"));
			assert_true(set->in_transaction);
			assert_true(set->has_lock_timeout);
			assert_false(val->has_lock_timeout); /* SHARE UPDATE EXCLUSIVE blocks no traffic */
			/* The engine model judges SET NOT NULL against the plan's schema:
			 * behind the valid CHECK it scans nothing. */
			for (size_t i = 0; i < set->n_ops; i++)
				if (set->ops[i]->kind == MG_OP_SET_NOT_NULL)
					assert_false(set->ops[i]->effects & MG_EFF_SCAN);
		} else {
			assert_int_equal(count(&p, "NOT VALID"), 0);
			assert_non_null(strstr(set->why, "Before PostgreSQL 12"));
		}
		done(&p);
	}
}

static void constant_default_rewrites_only_before_11(void **state)
{
	(void)state;
	static const char *const files[] = {SETUP, "V1__add.sql",
	                                    "ALTER TABLE t ADD COLUMN s text DEFAULT 'new';", NULL};
	for (size_t v = 0; v < N_VERSIONS; v++) {
		planned p;
		plan_for(&p, versions[v], files, NULL);
		if (versions[v] < 11) {
			assert_non_null(find(&p, "ADD COLUMN s text;"));
			assert_non_null(find(&p, "ALTER COLUMN s SET DEFAULT 'new'"));
			assert_int_equal(p.plan->n_backfills, 1);
			assert_string_equal(p.plan->backfills[0]->set_clause, "s = 'new'");
			assert_string_equal(p.plan->backfills[0]->predicate, "s IS NULL");
		} else {
			const mg_plan_step *s = find(&p, "ADD COLUMN s text DEFAULT 'new'");
			assert_non_null(s);
			assert_false(s->rewritten);
			assert_int_equal(p.plan->n_backfills, 0);
		}
		done(&p);
	}
}

static void volatile_default_rewrites_everywhere(void **state)
{
	(void)state;
	static const char *const files[] = {
		SETUP, "V1__add.sql",
		"ALTER TABLE t ADD COLUMN at timestamptz NOT NULL DEFAULT clock_timestamp();", NULL};
	for (size_t v = 0; v < N_VERSIONS; v++) {
		planned p;
		plan_for(&p, versions[v], files, NULL);
		const mg_plan_step *add = find(&p, "ADD COLUMN at timestamp with time zone;");
		assert_non_null(add);
		assert_int_equal(add->phase, MG_PHASE_EXPAND);
		assert_int_equal(p.plan->n_backfills, 1);
		const mg_plan_step *set = find(&p, "ALTER COLUMN at SET NOT NULL");
		assert_non_null(set);
		assert_int_equal(set->phase, MG_PHASE_VALIDATE);
		bool backfill_before = false;
		for (size_t i = 0; i < set->index; i++)
			backfill_before |= p.plan->steps[i]->kind == MG_STEP_BACKFILL;
		assert_true(backfill_before);
		done(&p);
	}
}

static void reindex_and_detach_by_version(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V0__setup.sql",
		"CREATE TABLE m (id int NOT NULL, d date NOT NULL) PARTITION BY RANGE (d);\n"
		"CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n"
		"INSERT INTO m VALUES (1, '2024-02-01');\n"
		"CREATE TABLE r (id int PRIMARY KEY);\nINSERT INTO r VALUES (1);\n"
		"CREATE INDEX r_idx ON r (id);\n",
		"V1__ops.sql", "REINDEX INDEX r_idx;\nALTER TABLE m DETACH PARTITION m1;\n", NULL};
	for (size_t v = 0; v < N_VERSIONS; v++) {
		planned p;
		plan_for(&p, versions[v], files, NULL);
		const mg_plan_step *re = find(&p, "REINDEX INDEX");
		const mg_plan_step *de = find(&p, "DETACH PARTITION m1");
		assert_non_null(re);
		assert_non_null(de);
		assert_int_equal(strstr(re->sql, "CONCURRENTLY") != NULL, versions[v] >= 12);
		assert_int_equal(re->in_transaction, versions[v] < 12);
		assert_int_equal(strstr(de->sql, "CONCURRENTLY") != NULL, versions[v] >= 14);
		assert_int_equal(de->in_transaction, versions[v] < 14);
		if (versions[v] >= 14)
			assert_non_null(find(&p, "DROP CONSTRAINT IF EXISTS m1_d_check"));
		done(&p);
	}
}

static void enum_value_outside_a_transaction_before_12(void **state)
{
	(void)state;
	static const char *const files[] = {"V0__setup.sql", "CREATE TYPE mood AS ENUM ('ok');",
	                                    "V1__enum.sql", "ALTER TYPE mood ADD VALUE 'great';", NULL};
	for (size_t v = 0; v < N_VERSIONS; v++) {
		planned p;
		plan_for(&p, versions[v], files, NULL);
		const mg_plan_step *s = find(&p, "ADD VALUE 'great'");
		assert_non_null(s);
		assert_int_equal(s->in_transaction, versions[v] >= 12);
		assert_int_equal(s->rewritten, versions[v] < 12);
		done(&p);
	}
}

static void partitioned_index_from_11(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V0__setup.sql",
		"CREATE TABLE m (id int NOT NULL, d date NOT NULL) PARTITION BY RANGE (d);\n"
		"CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n"
		"INSERT INTO m VALUES (1, '2024-02-01');\n",
		"V1__ix.sql", "CREATE INDEX m_id_idx ON m (id);", NULL};
	for (size_t v = 0; v < N_VERSIONS; v++) {
		planned p;
		plan_for(&p, versions[v], files, NULL);
		if (versions[v] >= 11) {
			const mg_plan_step *only = find(&p, "CREATE INDEX m_id_idx ON ONLY m (id)");
			const mg_plan_step *part = find(&p, "CREATE INDEX CONCURRENTLY m1_id_idx ON m1 (id)");
			const mg_plan_step *att = find(&p, "ALTER INDEX m_id_idx ATTACH PARTITION m1_id_idx");
			assert_non_null(only);
			assert_non_null(part);
			assert_non_null(att);
			assert_true(only->index < att->index && part->index < att->index);
		} else {
			assert_int_equal(count(&p, "ON ONLY"), 0); /* no partitioned indexes on 10 */
		}
		done(&p);
	}
}

static void sync_trigger_syntax_by_version(void **state)
{
	(void)state;
	static const char *const files[] = {SETUP, "V1__rn.sql",
	                                    "ALTER TABLE t RENAME COLUMN a TO alpha;", NULL};
	for (size_t v = 0; v < N_VERSIONS; v++) {
		planned p;
		plan_for(&p, versions[v], files, NULL);
		const mg_plan_step *s = find(&p, "CREATE TRIGGER t_a_sync BEFORE INSERT OR UPDATE ON t");
		assert_non_null(s);
		assert_non_null(strstr(s->sql, versions[v] >= 11 ? "EXECUTE FUNCTION t_a_sync()"
		                                                 : "EXECUTE PROCEDURE t_a_sync()"));
		const mg_plan_step *c = find(&p, "ALTER TABLE t DROP COLUMN a;");
		assert_non_null(c);
		assert_int_equal(c->release, 2);
		assert_true(c->hold_until_confirmed);
		assert_int_equal(p.plan->n_releases, 2);
		done(&p);
	}
}

static void lock_timeout_from_the_profile(void **state)
{
	(void)state;
	static const char *const files[] = {SETUP, "V1__fk.sql",
	                                    "ALTER TABLE t ADD CONSTRAINT t_b_check CHECK (b > 0);", NULL};
	static const struct {
		const char *yaml;
		double want;
	} cases[] = {
		{NULL, 2000},
		{"slo: {max_lock_ms: 500}\n", 500},
		{"slo: {max_lock_ms: 60000}\n", 5000}, /* capped: a longer wait queues more traffic */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		planned p;
		plan_for(&p, 16, files, cases[i].yaml);
		const mg_plan_step *s = find(&p, "CHECK (b > 0) NOT VALID");
		assert_non_null(s);
		assert_true(s->has_lock_timeout);
		assert_true(s->lock_timeout_ms == cases[i].want);
		assert_true(s->statement_timeout_ms > s->lock_timeout_ms);
		const char *script = mg_plan_step_script(p.plan, s);
		assert_non_null(strstr(script, "BEGIN;\nSET LOCAL lock_timeout"));
		assert_non_null(strstr(script, "COMMIT;"));
		assert_null(strstr(script, "RESET"));
		done(&p);
	}
}

/* A step's risk is the step as planned: a catalog change or a long
 * non-blocking step on a live table is low; a VACUUM FULL left to the
 * reader is judged as run as written, its ACCESS EXCLUSIVE held for the
 * rewrite of a hot 80 GB table: critical; the same catalog change on a
 * table of the release is info. */
static void step_risk_from_planned_locks_and_runtime(void **state)
{
	(void)state;
	static const char *const files[] = {
		SETUP, "V1__r.sql",
		"ALTER TABLE t ADD COLUMN c int;\n"
		"CREATE INDEX t_a_idx ON t (a);\n"
		"UPDATE t SET b = 0 WHERE b IS NULL;\n"
		"VACUUM FULL t;\n"
		"CREATE TABLE n (id int PRIMARY KEY);\n"
		"ALTER TABLE n ADD COLUMN c int;", NULL};
	planned p;
	plan_for(&p, 16, files,
	         "slo: {max_lock_ms: 2000}\n"
	         "tables:\n  public.t: {rows: 100M, bytes: 80GB, read_qps: 5000, write_qps: 500, "
	         "hot: true}\n");
	const mg_plan_step *s = find(&p, "ALTER TABLE t ADD COLUMN c int");
	assert_non_null(s);
	assert_int_equal(s->risk, MG_SEV_LOW);
	s = find(&p, "CREATE INDEX CONCURRENTLY t_a_idx");
	assert_non_null(s);
	assert_int_equal(s->risk, MG_SEV_LOW);
	for (size_t i = 0; i < p.plan->n_steps; i++)
		if (p.plan->steps[i]->kind == MG_STEP_BACKFILL)
			s = p.plan->steps[i];
	assert_int_equal(s->kind, MG_STEP_BACKFILL);
	assert_int_equal(s->risk, MG_SEV_LOW);
	s = find(&p, "VACUUM FULL t");
	assert_non_null(s);
	assert_int_equal(s->risk, MG_SEV_CRITICAL);
	s = find(&p, "CREATE TABLE n");
	assert_non_null(s);
	assert_int_equal(s->risk, MG_SEV_INFO);
	s = find(&p, "ALTER TABLE n ADD COLUMN c int");
	assert_non_null(s);
	assert_int_equal(s->risk, MG_SEV_INFO);
	done(&p);
}

static void rename_referenced_by_a_foreign_key_stays_one_step(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V0__setup.sql",
		"CREATE TABLE p (code text PRIMARY KEY);\nINSERT INTO p VALUES ('a');\n"
		"CREATE TABLE c (id int PRIMARY KEY, code text REFERENCES p (code));\n",
		"V1__rn.sql", "ALTER TABLE p RENAME COLUMN code TO key;", NULL};
	planned p;
	plan_for(&p, 16, files, NULL);
	const mg_plan_step *s = find(&p, "ALTER TABLE p RENAME COLUMN code TO key;");
	assert_non_null(s);
	assert_false(s->rewritten);
	assert_true(s->has_lock_timeout);
	assert_int_equal(count(&p, "CREATE TRIGGER"), 0);
	bool noted = false;
	for (size_t i = 0; i < p.plan->n_notes; i++)
		noted |= strstr(p.plan->notes[i], "foreign key references code") != NULL;
	assert_true(noted);
	done(&p);
}

static void deploy_steps_follow_the_strategy(void **state)
{
	(void)state;
	static const char *const files[] = {SETUP, "V1__rn.sql",
	                                    "ALTER TABLE t RENAME COLUMN a TO alpha;\n"
	                                    "ALTER TABLE t DROP COLUMN b;\n", NULL};
	static const struct {
		const char *yaml, *words;
	} cases[] = {
		{NULL, "Rolling: instances are replaced one at a time"},
		{"deploy: blue-green\n", "Blue-green: start the new version in the idle environment"},
		{"deploy: canary\n", "Canary: send a small share"},
		{"deploy: single\n", "Single: stop the application"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		planned p;
		plan_for(&p, 16, files, cases[i].yaml);
		const mg_plan_step *d1 = NULL, *d2 = NULL;
		for (size_t k = 0; k < p.plan->n_steps; k++) {
			const mg_plan_step *s = p.plan->steps[k];
			if (s->kind == MG_STEP_APP_DEPLOY)
				*(s->release == 1 ? &d1 : &d2) = s;
		}
		assert_non_null(d1);
		assert_non_null(d2);
		assert_int_equal(d1->phase, MG_PHASE_DEPLOY);
		assert_non_null(strstr(d1->why, cases[i].words));
		/* Derived from the steps: the columns by name. */
		assert_non_null(strstr(d1->why, "public.t.alpha instead of a"));
		assert_non_null(strstr(d1->why, "must no longer read or write public.t.a, public.t.b"));
		assert_non_null(strstr(d2->why, "public.t.b"));
		/* Release 2 deploys before its contract. */
		const mg_plan_step *drop = find(&p, "ALTER TABLE t DROP COLUMN b;");
		assert_non_null(drop);
		assert_true(d2->index < drop->index);
		done(&p);
	}
}

/* Every name the plan makes up fits in 63 bytes and is new: a CHECK of
 * the same name already on the table is not reused. */
static void generated_names_fit_and_never_collide(void **state)
{
	(void)state;
	static const char *const files[] = {
		"V0__setup.sql",
		"CREATE TABLE a_table_whose_name_is_long_enough_to_push_every_derived_name (\n"
		"    id bigint PRIMARY KEY, a_column_with_a_long_name_too text);\n"
		"INSERT INTO a_table_whose_name_is_long_enough_to_push_every_derived_name VALUES (1, 'x');\n"
		"CREATE TABLE t (id bigint PRIMARY KEY, a text CONSTRAINT t_a_not_null CHECK (a <> ''));\n"
		"INSERT INTO t VALUES (1, 'x');\n",
		"V1__nn.sql",
		"ALTER TABLE a_table_whose_name_is_long_enough_to_push_every_derived_name\n"
		"    ALTER COLUMN a_column_with_a_long_name_too SET NOT NULL;\n"
		"ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n"
		"CREATE INDEX ON a_table_whose_name_is_long_enough_to_push_every_derived_name\n"
		"    (a_column_with_a_long_name_too);\n",
		NULL};
	planned p;
	plan_for(&p, 16, files, NULL);
	for (size_t i = 0; i < p.plan->n_steps; i++) {
		const mg_plan_step *s = p.plan->steps[i];
		for (size_t k = 0; k < s->n_ops; k++) {
			const mg_object *o = &s->ops[k]->object;
			if (o->name)
				assert_true(strlen(o->name) <= 63);
		}
	}
	assert_non_null(find(&p, "CONSTRAINT t_a_not_null1 CHECK (a IS NOT NULL) NOT VALID"));
	assert_non_null(find(&p, "ALTER TABLE t DROP CONSTRAINT t_a_not_null1"));
	/* PostgreSQL's own name for the unnamed index, cut as it cuts it. */
	assert_non_null(find(&p, "CREATE INDEX CONCURRENTLY "
	                         "a_table_whose_name_is_long_en_a_column_with_a_long_name_too_idx"));
	done(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_index_concurrently_everywhere),
		cmocka_unit_test(index_on_a_table_of_the_release_stays_plain),
		cmocka_unit_test(not_null_by_check_from_12),
		cmocka_unit_test(constant_default_rewrites_only_before_11),
		cmocka_unit_test(volatile_default_rewrites_everywhere),
		cmocka_unit_test(reindex_and_detach_by_version),
		cmocka_unit_test(enum_value_outside_a_transaction_before_12),
		cmocka_unit_test(partitioned_index_from_11),
		cmocka_unit_test(sync_trigger_syntax_by_version),
		cmocka_unit_test(lock_timeout_from_the_profile),
		cmocka_unit_test(step_risk_from_planned_locks_and_runtime),
		cmocka_unit_test(rename_referenced_by_a_foreign_key_stays_one_step),
		cmocka_unit_test(deploy_steps_follow_the_strategy),
		cmocka_unit_test(generated_names_fit_and_never_collide),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
