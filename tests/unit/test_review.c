/*
 * test_review.c: the review of a release (src/render/review_*.c) and its
 * diagram (src/render/dot.c): every changeset is covered, locks say until
 * when they are held, the document has its sections, the diagram its
 * clusters, nodes and edges, the same on every run.
 */
#include "issue4_helpers.h"
#include "migraph/plan.h"
#include "render/review_int.h"

typedef struct review_run {
	i4_run r;
	char *dir;
	mg_plan *plan;
} review_run;

static void run(review_run *rr, const char *const *files)
{
	rr->dir = i4_project(files);
	mg_analysis_options o = {0};
	i4_analyze(&rr->r, rr->dir, &o);
	rr->plan = mg_plan_build(&rr->r.analysis);
}

static void done(review_run *rr)
{
	i4_free(&rr->r);
	th_rmtree(rr->dir);
}

static const char *const shop[] = {
	"V1__t.sql", "CREATE TABLE t (id bigint PRIMARY KEY, a text);",
	"V2__two.sql", "ALTER TABLE t ADD COLUMN b int;\nUPDATE t SET b = 1;\nSELECT 1;",
	"V3__nontx.sql", "CREATE INDEX CONCURRENTLY t_a ON t (a);\nALTER TABLE t ADD COLUMN c int;",
	"V3__nontx.sql.conf", "executeInTransaction=false\n",
	"V4__block.sql", "BEGIN;\nALTER TABLE t ADD COLUMN d int;\nCOMMIT;\nALTER TABLE t ADD COLUMN e int;",
	"V4__block.sql.conf", "executeInTransaction=false\n",
	"V5__quiet.sql", "CREATE TABLE u (id int);",
	NULL};

static const rv_table_lock *lock_on(const rv_changeset *c, const char *table)
{
	for (size_t i = 0; i < c->n_locks; i++)
		if (!strcmp(c->locks[i].risk->table.name, table))
			return &c->locks[i];
	return NULL;
}

static void locks_say_until_when_they_are_held(void **state)
{
	(void)state;
	review_run rr;
	run(&rr, shop);
	rv_review r;
	rv_review_build(&r, &rr.r.analysis, rr.plan);
	assert_int_equal(r.n_changesets, 5);
	/* In one transaction: held until commit, two statements later. */
	const rv_table_lock *l = lock_on(&r.changesets[1], "t");
	assert_non_null(l);
	assert_true(l->until_commit);
	assert_int_equal(l->stmts_after, 2);
	/* executeInTransaction=false: each statement releases its own. */
	l = lock_on(&r.changesets[2], "t");
	assert_non_null(l);
	assert_false(l->until_commit);
	assert_int_equal(l->stmts_after, 0);
	/* BEGIN ... COMMIT inside a script that runs without a transaction:
	 * the block's lock lasts to its COMMIT, one statement later. */
	l = lock_on(&r.changesets[3], "t");
	assert_non_null(l);
	assert_true(l->until_commit);
	assert_int_equal(l->stmts_after, 1);
	done(&rr);
}

static void every_changeset_has_steps_and_a_level(void **state)
{
	(void)state;
	review_run rr;
	run(&rr, shop);
	rv_review r;
	rv_review_build(&r, &rr.r.analysis, rr.plan);
	size_t steps = 0;
	for (size_t i = 0; i < r.n_changesets; i++) {
		assert_true(r.changesets[i].n_steps > 0);
		steps += r.changesets[i].n_steps;
		assert_int_equal(r.position[r.changesets[i].cs->index], i + 1);
	}
	/* Every step but the app deploy comes from a changeset. */
	assert_int_equal(steps + 1, rr.plan->n_steps);
	/* A finding raises its changeset's level, never lowers it. */
	for (size_t i = 0; i < r.n_changesets; i++)
		for (size_t k = 0; k < r.changesets[i].n_findings; k++)
			assert_true(r.changesets[i].level >= r.changesets[i].findings[k]->severity);
	done(&rr);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void markdown_has_every_section_and_changeset(void **state)
{
	(void)state;
	review_run rr;
	run(&rr, shop);
	mg_buf b = MG_BUF_INIT;
	mg_render_review_markdown(&b, rr.plan, NULL);
	const char *md = mg_buf_cstr(&b);
	assert_int_equal(count(md, "\n## A. Risk assessment\n"), 1);
	assert_int_equal(count(md, "\n## B. Review comments\n"), 1);
	assert_int_equal(count(md, "\n## C. Phased rollout plan\n"), 1);
	assert_int_equal(count(md, "\n## D. Backfill plan\n"), 1);
	assert_int_equal(count(md, "\n## E. Verification and rollback\n"), 1);
	/* One comment per changeset, findings or not; V5 has none. */
	assert_non_null(strstr(md, "\n### 1. V1 t\n"));
	assert_non_null(strstr(md, "\n### 5. V5 quiet\n"));
	assert_int_equal(count(md, "\n### 5. "), 1);
	/* The plan sections alone. */
	mg_buf_clear(&b);
	mg_review_options o = {MG_REVIEW_PLAN_ONLY, false, NULL};
	mg_render_review_markdown(&b, rr.plan, &o);
	md = mg_buf_cstr(&b);
	assert_null(strstr(md, "## A."));
	assert_null(strstr(md, "## B."));
	assert_non_null(strstr(md, "## C. Phased rollout plan"));
	assert_non_null(strstr(md, "## E. Verification and rollback"));
	mg_buf_dispose(&b);
	done(&rr);
}

static void check_lines_cover_the_release(void **state)
{
	(void)state;
	review_run rr;
	run(&rr, shop);
	mg_buf b = MG_BUF_INIT;
	rv_check_changeset_lines(&b, &rr.r.analysis);
	const char *text = mg_buf_cstr(&b);
	assert_non_null(strstr(text, "changesets in the release (5)"));
	assert_non_null(strstr(text, "V5 quiet: "));
	assert_int_equal(count(text, "; runtime "), 5);
	mg_buf_dispose(&b);
	done(&rr);
}

/* ---- Diagram ------------------------------------------------------------------- */

static char *dot_of(const mg_plan *plan, const mg_diagram_options *o)
{
	mg_buf b = MG_BUF_INIT;
	const char *error = NULL;
	assert_int_equal(mg_render_diagram(&b, plan, MG_DIAGRAM_DOT, o, &error), 0);
	assert_null(error);
	char *text = strdup(mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return text;
}

/* The attributes of node id ("[...]"), as a copy, or NULL. */
static char *node_attrs(const char *dot, const char *id)
{
	char key[40];
	snprintf(key, sizeof key, "\t%s\t[", id);
	const char *p = strstr(dot, key);
	if (!p)
		return NULL;
	p += strlen(key);
	const char *end = strstr(p, "];");
	assert_non_null(end);
	return strndup(p, (size_t)(end - p));
}

/* Node id exists and its label starts with prefix. */
static bool node_label_starts(const char *dot, const char *id, const char *prefix)
{
	char *a = node_attrs(dot, id);
	const char *l = a ? strstr(a, "label=\"") : NULL;
	bool ok = l && !strncmp(l + 7, prefix, strlen(prefix));
	free(a);
	return ok;
}

static bool node_has(const char *dot, const char *id, const char *attr)
{
	char *a = node_attrs(dot, id);
	bool ok = a && strstr(a, attr);
	free(a);
	return ok;
}

static void diagram_has_clusters_nodes_and_edges(void **state)
{
	(void)state;
	review_run rr;
	run(&rr, shop);
	mg_diagram_options o = {MG_GROUP_NONE, NULL};
	char *dot = dot_of(rr.plan, &o);
	assert_non_null(strstr(dot, "subgraph cluster_release_1 {"));
	assert_non_null(strstr(dot, "subgraph cluster_release_1_expand {"));
	assert_non_null(strstr(dot, "subgraph cluster_release_1_deploy {"));
	for (size_t i = 0; i < rr.plan->n_steps; i++)
		assert_true(node_label_starts(dot, rr.plan->steps[i]->id, rr.plan->steps[i]->id));
	/* The fill is the step's risk: an ADD COLUMN on a table of unknown size
	 * (ACCESS EXCLUSIVE, no profile) is low, a new table's creation info. */
	assert_int_equal(rr.plan->steps[1]->risk, MG_SEV_LOW);
	assert_true(node_has(dot, "s2", "fillcolor=\"#deebf7\""));
	assert_int_equal(rr.plan->steps[0]->risk, MG_SEV_INFO);
	assert_false(node_has(dot, "s1", "fillcolor="));
	/* A dependency edge carries its object; the order edges are dashed. */
	assert_non_null(strstr(dot, "s1 -> s2"));
	assert_non_null(strstr(dot, "style=dashed"));
	/* Deterministic. */
	char *again = dot_of(rr.plan, &o);
	assert_string_equal(dot, again);
	free(again);
	free(dot);
	done(&rr);
}

static void diagram_focus_and_grouping(void **state)
{
	(void)state;
	review_run rr;
	run(&rr, shop);
	mg_diagram_options o = {MG_GROUP_NONE, "public.u"};
	char *dot = dot_of(rr.plan, &o);
	/* Only the CREATE TABLE u step: nothing depends on it. */
	assert_int_equal(count(dot, "label=\"s"), 1);
	assert_non_null(strstr(dot, "V5"));
	free(dot);
	o.focus = "V2";
	dot = dot_of(rr.plan, &o);
	assert_non_null(strstr(dot, "· V2\\n"));
	assert_null(strstr(dot, "· V5"));
	free(dot);
	o.focus = "no_such_thing";
	mg_buf b = MG_BUF_INIT;
	const char *error = NULL;
	assert_int_equal(mg_render_diagram(&b, rr.plan, MG_DIAGRAM_DOT, &o, &error), -1);
	assert_non_null(error);
	assert_non_null(strstr(error, "no_such_thing"));
	mg_buf_dispose(&b);
	/* By release: one node per phase of each release (expand, backfill);
	 * the app deploy is a step of its own. */
	o.focus = NULL;
	o.group = MG_GROUP_RELEASE;
	dot = dot_of(rr.plan, &o);
	assert_true(node_label_starts(dot, "g1", "s1-s"));
	assert_null(strstr(dot, "\tg2\t"));
	assert_int_equal(count(dot, "label=\"s"), 3);
	free(dot);
	done(&rr);
}

static void diagram_options_parse(void **state)
{
	(void)state;
	mg_diagram_format f;
	assert_int_equal(mg_diagram_format_from_path("out/rollout.SVG", &f), 0);
	assert_int_equal(f, MG_DIAGRAM_SVG);
	assert_int_equal(mg_diagram_format_from_path("a.gv", &f), 0);
	assert_int_equal(f, MG_DIAGRAM_DOT);
	assert_int_equal(mg_diagram_format_from_path("rollout", &f), -1);
	assert_int_equal(mg_diagram_format_from_path(".png", &f), -1);
	assert_int_equal(mg_diagram_format_from_path("x.jpeg", &f), -1);
	mg_diagram_group g;
	assert_int_equal(mg_diagram_group_parse("file", &g), 0);
	assert_int_equal(g, MG_GROUP_FILE);
	assert_int_equal(mg_diagram_group_parse("files", &g), -1);
}

static void json_report_carries_the_plan(void **state)
{
	(void)state;
	review_run rr;
	run(&rr, shop);
	mg_buf b = MG_BUF_INIT;
	mg_render_options o = {.with_findings = true};
	mg_render_review_json(&b, rr.plan, &o);
	const char *json = mg_buf_cstr(&b);
	assert_non_null(strstr(json, "\n  \"plan\": {"));
	assert_non_null(strstr(json, "\"held_until\": \"commit\""));
	assert_non_null(strstr(json, "\"held_until\": \"statement_end\""));
	mg_buf_clear(&b);
	mg_render_json(&b, &rr.r.analysis, &o);
	assert_null(strstr(mg_buf_cstr(&b), "\"plan\""));
	mg_buf_dispose(&b);
	done(&rr);
}

/* The front end qualifies names (Flyway's defaultSchema, the script's
 * search_path): the render writes what it was given and never guesses a
 * schema of its own. */
static void relations_are_written_as_qualified(void **state)
{
	(void)state;
	mg_buf b = MG_BUF_INIT;
	mg_object app = {MG_OBJ_TABLE, "app", NULL, "orders"};
	rv_put_relation(&b, &app);
	assert_string_equal(mg_buf_cstr(&b), "app.orders");
	mg_buf_clear(&b);
	mg_object bare = {MG_OBJ_TABLE, NULL, NULL, "orders"};
	rv_put_relation(&b, &bare);
	assert_string_equal(mg_buf_cstr(&b), "orders");
	mg_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(locks_say_until_when_they_are_held),
		cmocka_unit_test(every_changeset_has_steps_and_a_level),
		cmocka_unit_test(markdown_has_every_section_and_changeset),
		cmocka_unit_test(check_lines_cover_the_release),
		cmocka_unit_test(diagram_has_clusters_nodes_and_edges),
		cmocka_unit_test(diagram_focus_and_grouping),
		cmocka_unit_test(diagram_options_parse),
		cmocka_unit_test(json_report_carries_the_plan),
		cmocka_unit_test(relations_are_written_as_qualified),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
