/*
 * test_backfill_gen.c: what the plan makes of a release's UPDATE or DELETE
 * (src/plan/backfill*.c): the key it pages on, the idempotent predicate,
 * the form for the target version, names that never collide, and the
 * statements it refuses to batch (with a note).  The generated SQL itself
 * runs on a real server in tests/backfill.
 */
#include "harness.h"
#include "migraph/load.h"
#include "migraph/plan.h"
#include "migraph/profile.h"
#include "migraph/sql.h"
#include "plan/plan_int.h"

typedef struct run {
	char *dir;
	mg_project *project;
	mg_analysis analysis;
	mg_arena scratch;
	mg_diag_list diags;
	mg_plan *plan;
} run;

static void build(run *r, const char *const *files, int major, const char *profile)
{
	r->dir = th_tmpdir();
	for (size_t i = 0; files[i]; i += 2)
		th_write(r->dir, files[i], files[i + 1]);
	mg_arena_init(&r->scratch);
	mg_diag_list_init(&r->diags, &r->scratch);
	mg_load_options lo;
	mg_load_options_init(&lo);
	lo.engine.kind = MG_ENGINE_POSTGRESQL;
	lo.engine.major = major;
	const char *paths[] = {r->dir};
	r->project = mg_load_project(paths, 1, &lo);
	mg_analysis_options o = {0};
	mg_analysis_init(&r->analysis, r->project, &o);
	if (profile) {
		char path[4200];
		snprintf(path, sizeof path, "%s/profile.yml", r->dir);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(profile, f);
		fclose(f);
		r->analysis.profile = mg_profile_load(&r->scratch, path, 0, &r->diags);
		assert_non_null(r->analysis.profile);
	}
	mg_analysis_run(&r->analysis);
	r->plan = mg_plan_build(&r->analysis);
}

static void done(run *r)
{
	mg_project_free(r->project);
	mg_arena_free(&r->scratch);
	th_rmtree(r->dir);
}

static const mg_plan_step *step_of_kind(const mg_plan *p, mg_step_kind kind, size_t nth)
{
	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i]->kind == kind && nth-- == 0)
			return p->steps[i];
	return NULL;
}

static bool has_note(const mg_plan *p, const char *text)
{
	for (size_t i = 0; i < p->n_notes; i++)
		if (strstr(p->notes[i], text))
			return true;
	return false;
}

static void an_update_becomes_a_procedure_backfill(void **state)
{
	(void)state;
	static const char *const files[] = {
	    "V1__t.sql",
	    "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, "
	    "email_lower varchar(320));",
	    "V2__fill.sql",
	    "UPDATE accounts SET email_lower = lower(email) WHERE email_lower IS NULL;", NULL};
	run r;
	build(&r, files, 15, NULL);
	const mg_plan_step *s = step_of_kind(r.plan, MG_STEP_BACKFILL, 0);
	assert_non_null(s);
	const mg_backfill *b = s->backfill;
	assert_non_null(b);
	assert_int_equal(r.plan->n_backfills, 1);
	assert_ptr_equal(r.plan->backfills[0], b);
	assert_int_equal(s->phase, MG_PHASE_BACKFILL);
	assert_false(s->in_transaction);
	assert_true(s->rewritten);
	assert_true(b->key_known);
	assert_int_equal(b->key.count, 1);
	assert_string_equal(b->key.items[0], "id");
	assert_string_equal(b->set_clause, "email_lower = lower(email)");
	/* The author's condition, and "not done yet" cast to the column's type. */
	assert_string_equal(b->predicate,
	                    "(email_lower IS NULL) AND accounts.email_lower IS DISTINCT "
	                    "FROM (lower(email))::character varying(320)");
	assert_true(b->idempotent);
	assert_string_equal(
	    b->source_sql,
	    "UPDATE accounts SET email_lower = lower(email) WHERE email_lower IS NULL;");
	assert_string_equal(b->name, "migraph_backfill_accounts");
	assert_non_null(
	    strstr(b->script_sql, "CREATE OR REPLACE PROCEDURE migraph_backfill_accounts("));
	assert_non_null(strstr(b->script_sql, "COMMIT;"));
	assert_non_null(strstr(b->script_sql, "pg_sleep"));
	assert_non_null(strstr(b->script_sql, "EXCEPTION WHEN OTHERS"));
	assert_non_null(strstr(b->script_sql, "accounts.id%TYPE"));
	assert_string_equal(b->run_sql, "CALL migraph_backfill_accounts();\n");
	assert_non_null(
	    strstr(b->setup_sql, "CREATE TABLE IF NOT EXISTS migraph_backfill_checkpoint"));
	assert_non_null(
	    strstr(b->setup_sql, "CREATE TABLE IF NOT EXISTS migraph_backfill_dead_letter"));
	assert_non_null(
	    strstr(b->cleanup_sql, "DROP PROCEDURE IF EXISTS migraph_backfill_accounts"));
	assert_non_null(b->progress_sql);
	assert_non_null(b->verify_sql);
	assert_non_null(strstr(b->failure_handling, "retry_dead_letters => true"));
	/* The step runs all of it: tables, procedure, CALL. */
	assert_non_null(strstr(s->sql, "CREATE TABLE IF NOT EXISTS"));
	assert_non_null(strstr(s->sql, "CALL migraph_backfill_accounts();"));
	done(&r);
}

/* COMMIT must never sit inside a block with an EXCEPTION clause: every
 * BEGIN ... EXCEPTION block of the procedure closes before a COMMIT. */
static void no_commit_inside_an_exception_block(void **state)
{
	(void)state;
	static const char *const files[] = {
	    "V1__t.sql",
	    "CREATE TABLE t (a int NOT NULL, b int NOT NULL, v text, PRIMARY KEY (a, b));",
	    "V2__fill.sql", "UPDATE t SET v = 'x';", NULL};
	run r;
	build(&r, files, 15, NULL);
	const mg_backfill *b = r.plan->backfills[0];
	/* A stack of the open blocks: true for one with an EXCEPTION clause. */
	bool handler[32] = {false};
	int depth = 0;
	const char *p = b->script_sql;
	bool seen_commit = false;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char line[512];
		snprintf(line, sizeof line, "%.*s", (int)(n < 511 ? n : 511), p);
		const char *t = line;
		while (*t == ' ')
			t++;
		if (!strcmp(t, "BEGIN")) {
			assert_true(depth < 31);
			handler[++depth] = false;
		} else if (!strncmp(t, "EXCEPTION WHEN", 14)) {
			handler[depth] = true;
		} else if (!strcmp(t, "END;") || !strcmp(t, "END")) {
			depth--;
		} else if (!strcmp(t, "COMMIT;")) {
			seen_commit = true;
			for (int d = 1; d <= depth; d++)
				assert_false(handler[d]);
		}
		p = nl ? nl + 1 : p + n;
	}
	assert_int_equal(depth, 0);
	assert_true(seen_commit);
	/* A composite key is compared as a row. */
	assert_non_null(strstr(b->script_sql, "(t.a, t.b) > (mg_k1, mg_k2)"));
	assert_non_null(strstr(b->script_sql, "ORDER BY s.mg_key1 DESC, s.mg_key2 DESC"));
	done(&r);
}

static void before_11_a_psql_script(void **state)
{
	(void)state;
	static const char *const files[] = {"V1__t.sql",
	                                    "CREATE TABLE t (id int PRIMARY KEY, v text);",
	                                    "V2__fill.sql", "DELETE FROM t WHERE v IS NULL;", NULL};
	run r;
	build(&r, files, 10, NULL);
	const mg_backfill *b = r.plan->backfills[0];
	assert_null(strstr(b->script_sql, "PROCEDURE"));
	assert_null(strstr(b->cleanup_sql, "PROCEDURE"));
	assert_non_null(strstr(b->script_sql, "\\gexec"));
	assert_non_null(strstr(b->script_sql, "DELETE FROM t"));
	assert_null(b->set_clause);
	assert_non_null(strstr(b->run_sql, "psql"));
	done(&r);
}

static void names_never_collide_and_fit(void **state)
{
	(void)state;
	static const char *const files[] = {
	    "V1__t.sql",
	    "CREATE TABLE migraph_backfill_checkpoint (x int);\n"
	    "CREATE TABLE t (id int PRIMARY KEY, v text, w text);\n"
	    "CREATE FUNCTION migraph_backfill_t() RETURNS int LANGUAGE sql AS 'SELECT 1';\n"
	    "CREATE TABLE a_table_name_that_is_far_too_long_to_leave_room_for_a_prefix_x "
	    "(id int PRIMARY KEY, v text);",
	    "V2__fill.sql",
	    "UPDATE t SET v = 'a';\nUPDATE t SET w = 'b';\n"
	    "UPDATE a_table_name_that_is_far_too_long_to_leave_room_for_a_prefix_x SET v = 'c';",
	    NULL};
	run r;
	build(&r, files, 15, NULL);
	assert_int_equal(r.plan->n_backfills, 3);
	const mg_backfill *b1 = r.plan->backfills[0], *b2 = r.plan->backfills[1],
	                  *b3 = r.plan->backfills[2];
	/* A table of that name exists: the helpers take the next free one. */
	assert_string_equal(b1->checkpoint_table, "migraph_backfill_checkpoint_2");
	assert_string_equal(b1->dead_letter_table, "migraph_backfill_dead_letter");
	/* Helpers are shared by the plan's backfills. */
	assert_string_equal(b2->checkpoint_table, b1->checkpoint_table);
	/* A function of that name exists, and two backfills of one table. */
	assert_string_equal(b1->name, "migraph_backfill_t_2");
	assert_string_equal(b2->name, "migraph_backfill_t_3");
	assert_true(strlen(b3->name) <= 63);
	assert_non_null(strstr(b3->name, "migraph_backfill_a_table_name"));
	done(&r);
}

static void a_table_in_another_schema_is_qualified(void **state)
{
	(void)state;
	static const char *const files[] = {
	    "V1__t.sql",
	    "CREATE SCHEMA app;\nCREATE TABLE app.\"Items\" (\"Id\" int PRIMARY KEY, v text);",
	    "V2__fill.sql", "UPDATE app.\"Items\" SET v = 'x' WHERE v IS NULL;", NULL};
	run r;
	build(&r, files, 15, NULL);
	const mg_backfill *b = r.plan->backfills[0];
	assert_true(b->key_known);
	assert_string_equal(b->checkpoint_table, "app.migraph_backfill_checkpoint");
	assert_non_null(strstr(b->script_sql, "PROCEDURE app.\"migraph_backfill_Items\"("));
	assert_non_null(strstr(b->script_sql, "app.\"Items\".\"Id\"%TYPE"));
	assert_non_null(strstr(b->script_sql, "UPDATE app.\"Items\" SET v = 'x'"));
	done(&r);
}

/* The key is the one the table had at the statement, even when the release
 * drops the table later. */
static void the_key_at_the_statement(void **state)
{
	(void)state;
	static const char *const files[] = {
	    "V1__t.sql",
	    "CREATE TABLE t (code text NOT NULL UNIQUE, v text, n int UNIQUE);",
	    "V2__fill.sql",
	    "UPDATE t SET v = 'x';",
	    "V3__drop.sql",
	    "DROP TABLE t;",
	    NULL};
	run r;
	build(&r, files, 15, NULL);
	const mg_backfill *b = r.plan->backfills[0];
	assert_true(b->key_known);
	/* No primary key: the unique key on a NOT NULL column, not the nullable one. */
	assert_int_equal(b->key.count, 1);
	assert_string_equal(b->key.items[0], "code");
	assert_non_null(strstr(b->sizing_reasoning, "no primary key"));
	done(&r);
}

static void what_cannot_be_batched_is_said(void **state)
{
	(void)state;
	static const char *const files[] = {
	    "V1__t.sql",
	    "CREATE TABLE t (id int PRIMARY KEY, v text);\nCREATE TABLE nokey (v text);",
	    "V2__fill.sql",
	    "UPDATE t SET v = 'a' RETURNING id;\n"
	    "WITH x AS (SELECT 1) UPDATE t SET v = 'b';\n"
	    "UPDATE nokey SET v = 'c';",
	    NULL};
	run r;
	build(&r, files, 15, NULL);
	assert_true(has_note(r.plan, "RETURNING"));
	assert_true(has_note(r.plan, "WITH"));
	assert_true(has_note(r.plan, "backfill of public.nokey not batched"));
	/* RETURNING and WITH stay as written; the table without a key gets an
	 * unbatched backfill that says why. */
	assert_int_equal(r.plan->n_backfills, 1);
	const mg_backfill *b = r.plan->backfills[0];
	assert_false(b->key_known);
	assert_null(b->script_sql);
	assert_string_equal(b->run_sql,
	                    "UPDATE nokey SET v = 'c' WHERE nokey.v IS DISTINCT FROM ('c')::text;");
	assert_non_null(strstr(b->failure_handling, "Not batched"));
	done(&r);
}

static void a_change_that_reads_what_it_sets_is_not_idempotent(void **state)
{
	(void)state;
	static const char *const files[] = {
	    "V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY, n int, at timestamptz);",
	    "V2__fill.sql", "UPDATE t SET n = n + 1;\nUPDATE t SET at = now() WHERE at IS NULL;",
	    NULL};
	run r;
	build(&r, files, 15, NULL);
	assert_int_equal(r.plan->n_backfills, 2);
	for (size_t i = 0; i < 2; i++) {
		const mg_backfill *b = r.plan->backfills[i];
		assert_false(b->idempotent);
		assert_null(strstr(b->predicate ? b->predicate : "", "IS DISTINCT FROM"));
		assert_non_null(strstr(b->verify_sql, "not finished"));
		assert_non_null(strstr(b->failure_handling, "not idempotent"));
	}
	assert_null(r.plan->backfills[0]->predicate);
	assert_string_equal(r.plan->backfills[1]->predicate, "at IS NULL");
	done(&r);
}

static void the_profile_sizes_the_batch(void **state)
{
	(void)state;
	static const char *const files[] = {
	    "V1__t.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, v text);", "V2__fill.sql",
	    "UPDATE orders SET v = 'x' WHERE v IS NULL;", NULL};
	run r;
	build(
	    &r, files, 15,
	    "engine: postgresql\nversion: 15\nslo: {max_lock_ms: 2000, max_replication_lag_s: 30}\n"
	    "replica_apply_mb_s: 60\n"
	    "tables:\n  orders: {rows: 120M, bytes: 80GB, write_qps: 1500, hot: true}\n");
	const mg_backfill *b = r.plan->backfills[0];
	assert_true(b->rows_known);
	assert_int_equal(b->rows, 120000000);
	assert_int_equal(b->batch_size, 5000);
	assert_true(b->runtime_known);
	assert_non_null(strstr(b->script_sql, "batch_size integer DEFAULT 5000"));
	assert_non_null(strstr(b->sizing_reasoning, "120,000,000 rows"));
	done(&r);
}

/* The rewriter's entry: it hands over the SET list and its predicate; the
 * generator decides whether that predicate can tell done rows apart. */
static void the_rewriters_entry_judges_idempotency(void **state)
{
	(void)state;
	static const char *const files[] = {
	    "V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY, n int, v text, at timestamptz);",
	    NULL};
	run r;
	build(&r, files, 15, NULL);
	plan_ctx ctx = {0};
	ctx.plan = r.plan;
	ctx.analysis = &r.analysis;
	ctx.project = r.project;
	ctx.arena = &r.project->arena;
	mg_object t = {MG_OBJ_TABLE, "public", NULL, "t"};
	mg_backfill *b = plan_backfill_new(&ctx, &t, "v = 'x'", "v IS DISTINCT FROM ('x')", NULL);
	assert_true(b->key_known);
	assert_true(b->idempotent);
	assert_non_null(strstr(b->verify_sql, "not done"));
	/* Its predicate pages the keys, protected: it may evaluate the new value. */
	assert_non_null(strstr(b->script_sql, "NOT mg_paged OR (v IS DISTINCT FROM ('x'))"));
	b = plan_backfill_new(&ctx, &t, "n = n + 1", "n > 0", NULL);
	assert_false(b->idempotent);
	b = plan_backfill_new(&ctx, &t, "at = now()", "at IS NULL", NULL);
	assert_false(b->idempotent);
	b = plan_backfill_new(&ctx, &t, NULL, NULL, NULL);
	assert_true(b->idempotent); /* a deleted row never matches again */
	assert_null(strstr(b->script_sql, "mg_paged OR"));
	assert_int_equal(r.plan->n_backfills, 4);
	assert_string_equal(r.plan->backfills[3]->name, "migraph_backfill_t_4");
	done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(an_update_becomes_a_procedure_backfill),
	    cmocka_unit_test(no_commit_inside_an_exception_block),
	    cmocka_unit_test(before_11_a_psql_script),
	    cmocka_unit_test(names_never_collide_and_fit),
	    cmocka_unit_test(a_table_in_another_schema_is_qualified),
	    cmocka_unit_test(the_key_at_the_statement),
	    cmocka_unit_test(what_cannot_be_batched_is_said),
	    cmocka_unit_test(a_change_that_reads_what_it_sets_is_not_idempotent),
	    cmocka_unit_test(the_profile_sizes_the_batch),
	    cmocka_unit_test(the_rewriters_entry_judges_idempotency),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
