/*
 * test_emit.c: the plan written as migrations (src/plan/emit*.c): file
 * names and versions that sort where the release starts, .sql.conf for
 * steps outside a transaction, timeouts that never outlive their step, the
 * deploy marker, backfills and their cleanup, the pre-11 form, and the
 * Liquibase changelog's attributes.  tests/emit runs the files on a real
 * server against the original migrations.
 */
#include "harness.h"
#include "migraph/load.h"
#include "migraph/plan.h"
#include "migraph/sql.h"

typedef struct run {
	char *dir;
	mg_project *project;
	mg_analysis analysis;
	mg_plan *plan;
	mg_emit *emit;
} run;

static void build_with(run *r, const char *const *files, int major, const char *root,
                       const mg_analysis_options *opts, void (*edit)(mg_plan *))
{
	r->dir = th_tmpdir();
	for (size_t i = 0; files[i]; i += 2)
		th_write(r->dir, files[i], files[i + 1]);
	mg_load_options lo;
	mg_load_options_init(&lo);
	lo.engine.kind = MG_ENGINE_POSTGRESQL;
	lo.engine.major = major;
	char path[4200];
	snprintf(path, sizeof path, "%s%s%s", r->dir, root ? "/" : "", root ? root : "");
	const char *paths[] = {path};
	const char *search[] = {r->dir};
	lo.search_paths = search;
	lo.n_search_paths = 1;
	r->project = mg_load_project(paths, 1, &lo);
	mg_analysis_options o = {0};
	if (opts)
		o = *opts;
	if (o.applied_file) {
		snprintf(path, sizeof path, "%s/%s", r->dir, o.applied_file);
		o.applied_file = path;
	}
	mg_analysis_init(&r->analysis, r->project, &o);
	mg_analysis_run(&r->analysis);
	r->plan = mg_plan_build(&r->analysis);
	if (edit)
		edit(r->plan);
	r->emit = mg_plan_emit(r->plan);
}

static void build(run *r, const char *const *files, int major)
{
	build_with(r, files, major, NULL, NULL, NULL);
}

static void done(run *r)
{
	mg_project_free(r->project);
	th_rmtree(r->dir);
}

static const mg_emit_file *file_like(const mg_emit *e, const char *part)
{
	for (size_t i = 0; i < e->n_files; i++)
		if (strstr(e->files[i].path, part))
			return &e->files[i];
	return NULL;
}

static size_t index_of(const mg_emit *e, const char *part)
{
	for (size_t i = 0; i < e->n_files; i++)
		if (strstr(e->files[i].path, part))
			return i;
	return (size_t)-1;
}

/* Every line a comment: a marker script runs no statement. */
static bool comments_only(const char *text)
{
	for (const char *p = text; *p;) {
		if (strncmp(p, "--", 2) != 0)
			return false;
		const char *nl = strchr(p, '\n');
		p = nl ? nl + 1 : p + strlen(p);
	}
	return true;
}

static const char *const history[] = {"V1__t.sql",
                                      "CREATE TABLE t (id int PRIMARY KEY, a text, b text);",
                                      "V1.1__idx.sql",
                                      "CREATE INDEX CONCURRENTLY t_a_idx ON t (a);",
                                      "V1.1__idx.sql.conf",
                                      "executeInTransaction=false\n",
                                      "V2__fill.sql",
                                      "UPDATE t SET b = 'x' WHERE b IS NULL;",
                                      "V3__drop.sql",
                                      "ALTER TABLE t DROP COLUMN a;",
                                      NULL};

static void flyway_files_versions_and_folders(void **state)
{
	(void)state;
	run r;
	build(&r, history, 15);
	const mg_emit *e = r.emit;
	/* Everything is the release: the base is its first version, 1. */
	assert_non_null(file_like(e, "release-1/V1_1_001__expand_create_table_t.sql"));
	const mg_emit_file *idx = file_like(e, "release-1/V1_1_002__expand_create_index_t_t_a_idx.sql");
	assert_non_null(idx);
	const mg_emit_file *conf =
	    file_like(e, "release-1/V1_1_002__expand_create_index_t_t_a_idx.sql.conf");
	assert_non_null(conf);
	assert_non_null(strstr(conf->content, "executeInTransaction=false"));
	/* The drop waits for the next release, in a folder of its own, after
	 * the step that confirms no instance runs the previous version; the
	 * finding that answers carries the plan's reason, on the statement. */
	const mg_emit_file *drop = file_like(e, "release-2/V1_2_002__contract_drop_column_t_a.sql");
	assert_non_null(drop);
	const char *stmt = strstr(drop->content, "ALTER TABLE t DROP COLUMN a;");
	assert_non_null(stmt);
	assert_non_null(strstr(drop->content, "kept as written"));
	const char *mark = strstr(drop->content, "-- migraph:ignore compat-drop-column plan: release 2 "
	                                         "starts once every instance runs the release-1 "
	                                         "version (step s5), which no longer uses t.a\n");
	assert_non_null(mark);
	assert_true(mark < stmt);
	const mg_emit_file *confirm =
	    file_like(e, "release-2/V1_2_001__deploy_confirm_no_instance_runs");
	assert_non_null(confirm);
	assert_non_null(strstr(confirm->content, "-- Here: confirm no instance runs the previous "
	                                         "application version.  Run flyway migrate "
	                                         "-target=1.2.0"));
	assert_true(comments_only(confirm->content));
	/* The deploy marker says where to stop and has no statement. */
	const mg_emit_file *deploy = file_like(e, "__deploy_the_new_application_version");
	assert_non_null(deploy);
	assert_non_null(strstr(deploy->content, "flyway migrate -target=1.1.2"));
	assert_non_null(strstr(deploy->content, "roll the application out"));
	assert_true(comments_only(deploy->content));
	/* The backfill: helpers, procedure and CALL outside a transaction, and
	 * its cleanup after every other step of the release. */
	size_t bf = index_of(e, "__backfill_t_in_batches.sql");
	assert_int_not_equal(bf, (size_t)-1);
	assert_non_null(strstr(e->files[bf].content, "rewritten by the plan"));
	assert_non_null(strstr(e->files[bf].content, "CALL migraph_backfill_t();"));
	assert_non_null(file_like(e, "__backfill_t_in_batches.sql.conf"));
	size_t cleanup = index_of(e, "__cleanup_backfill_t.sql");
	assert_int_not_equal(cleanup, (size_t)-1);
	assert_true(cleanup > bf);
	for (size_t i = 0; i < e->n_files; i++) {
		assert_null(strstr(e->files[i].path, ".."));
		assert_true(e->files[i].path[0] != '/');
		if (!strncmp(e->files[i].path, "release-1/", 10) &&
		    !strstr(e->files[i].path, ".conf"))
			assert_true(strcmp(e->files[i].path, e->files[cleanup].path) <= 0);
	}
	done(&r);
}

static void versions_start_after_what_stays(void **state)
{
	(void)state;
	run r;
	mg_analysis_options o = {.since = "1.1"};
	build_with(&r, history, 15, NULL, &o, NULL);
	/* The release starts at V2: the emitted scripts take its place. */
	assert_non_null(file_like(r.emit, "release-1/V2_1_001__"));
	assert_null(file_like(r.emit, "V1_1_"));
	done(&r);
	/* V4 is applied and V2, V3 are pending below it (out of order): the
	 * emitted scripts must sort after V4, not where V2 was. */
	static const char *const files[] = {
	    "db/V1__init.sql",
	    "CREATE TABLE items (id bigint PRIMARY KEY);",
	    "db/V2__a.sql",
	    "ALTER TABLE items ADD COLUMN sku text;",
	    "db/V3__b.sql",
	    "ALTER TABLE items ADD COLUMN price numeric;",
	    "db/V4__c.sql",
	    "ALTER TABLE items ADD COLUMN stock int;",
	    "history.csv",
	    "installed_rank,version,description,type,script,checksum,installed_by,installed_on,"
	    "execution_time,success\n"
	    "1,1,init,SQL,V1__init.sql,,deploy,2024-05-01 10:00:00,12,true\n"
	    "2,4,c,SQL,V4__c.sql,,deploy,2024-05-03 10:00:00,5,true\n",
	    NULL};
	mg_analysis_options o2 = {.applied_file = "history.csv"};
	build_with(&r, files, 15, "db", &o2, NULL);
	assert_non_null(file_like(r.emit, "release-1/V4_1_001__expand_add_column_items_sku.sql"));
	assert_non_null(strstr(file_like(r.emit, "V4_1_001")->content, "ADD COLUMN sku"));
	done(&r);
}

static void timeouts_never_outlive_their_step(mg_plan *p)
{
	for (size_t i = 0; i < p->n_steps; i++) {
		mg_plan_step *s = p->steps[i];
		if (s->sql && strstr(s->sql, "CREATE TABLE")) {
			s->has_lock_timeout = true;
			s->lock_timeout_ms = 2000;
		}
		if (s->sql && strstr(s->sql, "CONCURRENTLY")) {
			s->has_lock_timeout = true;
			s->lock_timeout_ms = 1500;
			s->has_statement_timeout = true;
			s->statement_timeout_ms = 0;
		}
		if (s->sql && strstr(s->sql, "DROP COLUMN"))
			s->sql = NULL; /* a step the plan has no SQL for */
	}
}

static void timeouts_and_steps_without_sql(void **state)
{
	(void)state;
	run r;
	build_with(&r, history, 15, NULL, NULL, timeouts_never_outlive_their_step);
	const char *create = file_like(r.emit, "V1_1_001__")->content;
	assert_non_null(strstr(create, "SET LOCAL lock_timeout = '2s';\n"
	                               "SET LOCAL statement_timeout = '5s';\nCREATE TABLE"));
	assert_null(strstr(create, "RESET"));
	const char *idx = file_like(r.emit, "V1_1_002__expand_create_index_t_t_a_idx.sql")->content;
	assert_non_null(strstr(idx, "SET lock_timeout = '1500ms';\nSET statement_timeout = 0;\n"));
	assert_non_null(strstr(idx, "RESET lock_timeout;\nRESET statement_timeout;\n"));
	const char *drop = file_like(r.emit, "release-2/V1_2_002__")->content;
	assert_non_null(strstr(drop, "RAISE EXCEPTION 'migraph: step"));
	assert_non_null(strstr(drop, "has no SQL"));
	done(&r);
}

static void before_11_a_psql_script_and_a_guard(void **state)
{
	(void)state;
	run r;
	build(&r, history, 10);
	const mg_emit_file *psql = file_like(r.emit, "release-1/backfill/");
	assert_non_null(psql);
	assert_non_null(strstr(psql->path, ".psql"));
	assert_non_null(strstr(psql->content, "\\gexec"));
	const mg_emit_file *guard = file_like(r.emit, "__backfill_t_in_batches.sql");
	assert_non_null(guard);
	assert_null(strstr(guard->content, "CALL"));
	assert_non_null(strstr(guard->content, "finished_at IS NOT NULL"));
	assert_null(file_like(r.emit, "__backfill_t_in_batches.sql.conf"));
	done(&r);
}

static void with_a_rollback(mg_plan *p)
{
	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i]->sql && strstr(p->steps[i]->sql, "CREATE INDEX CONCURRENTLY"))
			p->steps[i]->rollback_sql = "DROP INDEX CONCURRENTLY IF EXISTS t_a_idx;";
}

static void liquibase_changelog_per_release(void **state)
{
	(void)state;
	static const char *const files[] = {"changelog.sql",
	                                    "--liquibase formatted sql\n"
	                                    "--changeset ann:1\n"
	                                    "CREATE TABLE t (id int PRIMARY KEY, a text, b text);\n"
	                                    "--changeset ann:2 runInTransaction:false\n"
	                                    "CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n"
	                                    "--changeset ann:3\n"
	                                    "UPDATE t SET b = 'x' WHERE b IS NULL;\n"
	                                    "--changeset ann:4\n"
	                                    "ALTER TABLE t DROP COLUMN a;\n",
	                                    NULL};
	run r;
	build_with(&r, files, 15, "changelog.sql", NULL, with_a_rollback);
	const mg_emit_file *r1 = file_like(r.emit, "release-1/changelog.sql");
	const mg_emit_file *r2 = file_like(r.emit, "release-2/changelog.sql");
	assert_non_null(r1);
	assert_non_null(r2);
	assert_true(!strncmp(r1->content, "--liquibase formatted sql\n", 26));
	assert_non_null(
	    strstr(r1->content, "--changeset migraph:r1-s1-create_table_t labels:expand\n"));
	assert_non_null(strstr(r1->content, "labels:expand runInTransaction:false\n"));
	assert_non_null(
	    strstr(r1->content, "--rollback DROP INDEX CONCURRENTLY IF EXISTS t_a_idx;\n"));
	/* The backfill's dollar-quoted procedure is a changeset of its own,
	 * sent whole; the CALL runs outside a transaction. */
	const char *proc = strstr(r1->content, "CREATE OR REPLACE PROCEDURE");
	assert_non_null(proc);
	const char *cs = r1->content;
	const char *last = NULL;
	for (const char *p = strstr(cs, "--changeset"); p && p < proc;
	     p = strstr(p + 1, "--changeset"))
		last = p;
	assert_non_null(last);
	const char *eol = strchr(last, '\n');
	assert_non_null(strstr(mg_arena_strndup(&r.project->arena, last, (size_t)(eol - last)),
	                       "labels:backfill runInTransaction:false splitStatements:false"));
	assert_non_null(strstr(r1->content, "\nCALL migraph_backfill_t();\n"));
	assert_non_null(strstr(r1->content, "-cleanup-migraph_backfill_t-1 labels:backfill"));
	assert_non_null(strstr(r1->content, "liquibase update --label-filter=expand"));
	assert_non_null(strstr(r2->content, "labels:contract\n"));
	assert_non_null(strstr(r2->content, "ALTER TABLE t DROP COLUMN a;"));
	/* Release 2 starts with the confirmation, before any update. */
	assert_non_null(strstr(r2->content, "-- Before this release: confirm no instance runs the "
	                                    "previous application version;"));
	/* The drop's compatibility finding is answered by the order; its
	 * rollback lines are its way back, so no irreversibility to answer. */
	assert_non_null(strstr(r2->content, "-- migraph:ignore compat-drop-column plan: "));
	assert_non_null(strstr(r2->content, "--rollback ALTER TABLE t ADD COLUMN a text;"));
	assert_null(strstr(r2->content, "rollback-irreversible"));
	done(&r);
}

static bool any_file_has(const mg_emit *e, const char *text)
{
	for (size_t i = 0; i < e->n_files; i++)
		if (strstr(e->files[i].content, text))
			return true;
	return false;
}

/* The findings the deploy steps answer are marked where they arise: a NOT
 * NULL on a type change's shadow column after the deploy (its trigger
 * fills it), the contract's drop and rename.  A single deploy runs no two
 * versions at once: nothing to answer. */
static void the_deploy_steps_answer_compatibility_findings(void **state)
{
	(void)state;
	static const char *const files[] = {"V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL);",
	                                    "V2__type.sql", "ALTER TABLE t ALTER COLUMN a TYPE bigint;",
	                                    NULL};
	run r;
	mg_analysis_options o = {.since = "1"};
	build_with(&r, files, 15, NULL, &o, NULL);
	const mg_emit_file *nn = file_like(r.emit, "release-1/V2_1_");
	for (size_t i = 0; i < r.emit->n_files; i++)
		if (strstr(r.emit->files[i].path, "set_a_new_not_null"))
			nn = &r.emit->files[i];
	assert_non_null(strstr(nn->path, "set_a_new_not_null"));
	/* a_new is the plan's own column, new in this release: no compatibility
	 * rule judges it, so no marker. */
	assert_null(strstr(nn->content, "migraph:ignore"));
	const mg_emit_file *c = file_like(r.emit, "release-2/V2_2_002__contract_drop_a_rename_a_new");
	assert_non_null(c);
	assert_non_null(strstr(c->content, "-- migraph:ignore compat-drop-column plan: the contract of "
	                                   "the type change: a_new takes the name a"));
	assert_non_null(strstr(c->content, "-- migraph:ignore compat-rename-column plan: a_new is this "
	                                   "plan's own column"));
	done(&r);
	o.deploy = MG_DEPLOY_SINGLE;
	o.deploy_given = true;
	build_with(&r, files, 15, NULL, &o, NULL);
	assert_non_null(file_like(r.emit, "release-2/"));
	assert_false(any_file_has(r.emit, "migraph:ignore"));
	done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(flyway_files_versions_and_folders),
	    cmocka_unit_test(versions_start_after_what_stays),
	    cmocka_unit_test(timeouts_and_steps_without_sql),
	    cmocka_unit_test(before_11_a_psql_script_and_a_guard),
	    cmocka_unit_test(liquibase_changelog_per_release),
	    cmocka_unit_test(the_deploy_steps_answer_compatibility_findings),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
