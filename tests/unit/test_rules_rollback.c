/*
 * test_rules_rollback.c: the rollback family and what it stands on.  A
 * Flyway undo script is a rollback, never a forward migration; the replay
 * keeps the catalog of the release's start; a destructive change needs a
 * way back; a rollback must restore what its change altered; and a
 * rollback must be able to run once the later changesets are rolled back.
 * Each rule has cases that fire and near misses, in Flyway and Liquibase.
 */
#include "issue4_helpers.h"
#include "migraph/profile.h"
#include "migraph/rollback.h"

typedef struct run {
	char *dir;
	mg_project *project;
	mg_analysis analysis;
	mg_arena scratch;
} run;

/* Loads root (a Flyway folder when NULL, else a changelog in dir) with dir
 * as the search path, an optional profile (YAML text), and runs the rules. */
static void analyze(run *r, const char *const *files, const char *root, const char *profile,
                    const char *since)
{
	r->dir = i4_project(files);
	mg_arena_init(&r->scratch);
	mg_load_options lo;
	mg_load_options_init(&lo);
	mg_engine_parse("postgresql:16", &lo.engine);
	const char *sp[] = {r->dir};
	lo.search_paths = sp;
	lo.n_search_paths = 1;
	char path[4096];
	snprintf(path, sizeof path, "%s%s%s", r->dir, root ? "/" : "", root ? root : "");
	const char *paths[] = {path};
	r->project = mg_load_project(paths, 1, &lo);
	mg_analysis_options o = {0};
	o.since = since;
	mg_analysis_init(&r->analysis, r->project, &o);
	if (profile) {
		th_write(r->dir, "profile.yaml", profile);
		char pp[4096];
		snprintf(pp, sizeof pp, "%s/profile.yaml", r->dir);
		mg_diag_list d;
		mg_diag_list_init(&d, &r->scratch);
		r->analysis.profile = mg_profile_load(&r->scratch, pp, 0, &d);
		assert_non_null(r->analysis.profile);
	}
	mg_analysis_run(&r->analysis);
}

static void done(run *r)
{
	mg_project_free(r->project);
	mg_arena_free(&r->scratch);
	th_rmtree(r->dir);
}

static size_t count(const run *r, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < r->analysis.n_findings; i++)
		n += !strcmp(r->analysis.findings[i]->rule->id, rule);
	return n;
}

static const mg_finding *find(const run *r, const char *rule)
{
	for (size_t i = 0; i < r->analysis.n_findings; i++)
		if (!strcmp(r->analysis.findings[i]->rule->id, rule))
			return r->analysis.findings[i];
	return NULL;
}

#define HDR_LB \
	"<?xml version=\"1.0\"?>\n<databaseChangeLog " \
	"xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\">\n"
#define END_LB "</databaseChangeLog>\n"

#define BASE "V1__base.sql", \
	"CREATE TABLE orders (id bigint PRIMARY KEY, note text, total int);\n" \
	"CREATE TABLE legacy (id int PRIMARY KEY, payload text);\n"

/* ---- What the rules stand on --------------------------------------------- */

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
	assert_ptr_equal(mg_project_undo_of(r.project, r.project->changesets[0]), undo);
	assert_null(mg_project_undo_of(r.project, r.project->changesets[2]));
	i4_free(&r);
	th_rmtree(dir);
}

static void the_replay_keeps_the_schema_of_the_release_start(void **state)
{
	(void)state;
	static const char *const files[] = {BASE, "V2__add.sql", "ALTER TABLE orders ADD COLUMN x int;",
	                                    NULL};
	run r;
	analyze(&r, files, NULL, NULL, "1");
	const mg_catalog *start = r.analysis.graph->before_release;
	assert_non_null(start);
	const mg_cat_relation *orders = mg_catalog_relation(start, "public", "orders");
	assert_non_null(orders);
	assert_null(mg_catalog_column(orders, "x"));
	assert_non_null(mg_catalog_column(mg_catalog_relation(r.analysis.catalog, "public", "orders"),
	                                  "x"));
	done(&r);
}

static void the_rollback_of_a_changeset(void **state)
{
	(void)state;
	static const char *const files[] = {
		"changelog.xml",
		HDR_LB
		"<changeSet id=\"1\" author=\"a\"><createTable tableName=\"t\"><column name=\"id\" "
		"type=\"int\"/></createTable></changeSet>\n"
		"<changeSet id=\"2\" author=\"a\"><dropTable tableName=\"t\"/><rollback/></changeSet>\n"
		"<changeSet id=\"3\" author=\"a\"><sql>CREATE TABLE u (id int)</sql><rollback>DROP TABLE "
		"u</rollback></changeSet>\n"
		"<changeSet id=\"4\" author=\"a\"><sql>CREATE TABLE w (id int)</sql></changeSet>\n"
		END_LB,
		NULL};
	run r;
	analyze(&r, files, "changelog.xml", NULL, NULL);
	mg_project *p = r.project;
	assert_int_equal(p->n_changesets, 4);
	assert_int_equal(mg_changeset_rollback_of(&p->arena, p, p->changesets[0]).kind,
	                 MG_ROLLBACK_AUTO);
	assert_int_equal(mg_changeset_rollback_of(&p->arena, p, p->changesets[1]).kind,
	                 MG_ROLLBACK_EMPTY_BLOCK);
	mg_changeset_rollback b = mg_changeset_rollback_of(&p->arena, p, p->changesets[2]);
	assert_int_equal(b.kind, MG_ROLLBACK_BLOCK);
	assert_int_equal(b.n_stmts, 1);
	assert_int_equal(mg_changeset_rollback_of(&p->arena, p, p->changesets[3]).kind,
	                 MG_ROLLBACK_NONE);
	done(&r);
}

/* ---- rollback-irreversible ------------------------------------------------- */

static void irreversible_fires_on_drops_without_a_way_back(void **state)
{
	(void)state;
	static const char *const files[] = {
		BASE,
		"V2__drop.sql", "ALTER TABLE orders DROP COLUMN note;\nDROP TABLE legacy;\n"
		                "TRUNCATE orders;\nDELETE FROM orders;\n",
		NULL};
	run r;
	analyze(&r, files, NULL, NULL, NULL);
	assert_int_equal(count(&r, "rollback-irreversible"), 4);
	const mg_finding *f = find(&r, "rollback-irreversible");
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_non_null(strstr(f->message, "no undo script"));
	assert_non_null(strstr(f->safe_alternative, "RENAME"));
	done(&r);
}

static void irreversible_near_misses(void **state)
{
	(void)state;
	/* An undo script; a table created in the same changeset; an archive
	 * copy made first; a table of this release (nothing in production). */
	static const char *const files[] = {
		BASE,
		"V2__drop.sql", "ALTER TABLE orders DROP COLUMN note;",
		"U2__drop.sql", "ALTER TABLE orders ADD COLUMN note text;",
		"V3__scratch.sql", "CREATE TABLE scratch (id int);\nINSERT INTO scratch VALUES (1);\n"
		                   "DROP TABLE scratch;\n",
		"V4__archive.sql", "CREATE TABLE legacy_archive AS SELECT * FROM legacy;\nDROP TABLE legacy;\n",
		"V5__fresh.sql", "CREATE TABLE fresh (id int, x text);",
		"V6__fresh.sql", "ALTER TABLE fresh DROP COLUMN x;",
		"V7__purge.sql", "CREATE TABLE orders_archive (LIKE orders);\n"
		                 "DO $$ BEGIN INSERT INTO orders_archive SELECT * FROM orders WHERE id < 10;"
		                 " END $$;\nDELETE FROM orders WHERE id < 10;\n",
		NULL};
	run r;
	analyze(&r, files, NULL, NULL, "4");
	assert_int_equal(count(&r, "rollback-irreversible"), 0);
	done(&r);
	analyze(&r, files, NULL, NULL, NULL);
	/* Without a release selection V6's table is live (V5 counts as
	 * deployed): only that drop fires. */
	assert_int_equal(count(&r, "rollback-irreversible"), 1);
	assert_non_null(strstr(find(&r, "rollback-irreversible")->message, "fresh.x"));
	done(&r);
}

static void irreversible_severity_comes_from_the_profile(void **state)
{
	(void)state;
	static const char *const files[] = {
		BASE, "V2__drop.sql", "DROP TABLE legacy;\nALTER TABLE orders DROP COLUMN note;\n",
		NULL};
	run r;
	analyze(&r, files, NULL,
	        "engine: postgresql\nversion: 16\nslo: {max_lock_ms: 2000}\ntables:\n"
	        "  orders: {rows: 120M, bytes: 80GB, write_qps: 1500, hot: true}\n"
	        "  legacy: {rows: 0, bytes: 0}\n",
	        NULL);
	assert_int_equal(count(&r, "rollback-irreversible"), 2);
	for (size_t i = 0; i < r.analysis.n_findings; i++) {
		const mg_finding *f = r.analysis.findings[i];
		if (strcmp(f->rule->id, "rollback-irreversible"))
			continue;
		if (strstr(f->message, "orders"))
			assert_int_equal(f->severity, MG_SEV_CRITICAL);
		else
			assert_int_equal(f->severity, MG_SEV_INFO);
		if (strstr(f->message, "orders"))
			assert_non_null(strstr(f->message, "80.0 GB"));
	}
	done(&r);
}

static void irreversible_in_liquibase(void **state)
{
	(void)state;
	static const char *const files[] = {
		"changelog.xml",
		HDR_LB
		"<changeSet id=\"1\" author=\"a\"><createTable tableName=\"t\"><column name=\"id\" "
		"type=\"int\"/><column name=\"c\" type=\"text\"/></createTable></changeSet>\n"
		"<changeSet id=\"2\" author=\"a\"><dropColumn tableName=\"t\" columnName=\"c\"/>"
		"</changeSet>\n"
		"<changeSet id=\"3\" author=\"a\"><dropTable tableName=\"t\"/><rollback><createTable "
		"tableName=\"t\"><column name=\"id\" type=\"int\"/></createTable></rollback></changeSet>\n"
		"<changeSet id=\"4\" author=\"a\"><sql>CREATE TABLE ev (at date)</sql></changeSet>\n"
		"<changeSet id=\"5\" author=\"a\"><sql>DELETE FROM ev WHERE at &lt; '2020-01-01'</sql>"
		"<rollback/></changeSet>\n" END_LB,
		NULL};
	run r;
	analyze(&r, files, "changelog.xml", NULL, NULL);
	/* 2 fires; 3 has a rollback block; 5 is a purge declared final. */
	assert_int_equal(count(&r, "rollback-irreversible"), 1);
	assert_non_null(strstr(find(&r, "rollback-irreversible")->message, "no rollback block"));
	done(&r);
}

/* ---- rollback-incomplete ----------------------------------------------------- */

static void incomplete_names_what_differs(void **state)
{
	(void)state;
	static const char *const files[] = {
		BASE,
		"V2__tags.sql", "CREATE TABLE tags (id int PRIMARY KEY);\n"
		                "CREATE INDEX orders_total_idx ON orders (total);\n"
		                "ALTER TABLE orders ALTER COLUMN note SET DEFAULT 'x';\n",
		"U2__tags.sql", "DROP TABLE tags;\nALTER TABLE orders ALTER COLUMN note SET DEFAULT 'y';\n",
		NULL};
	run r;
	analyze(&r, files, NULL, NULL, NULL);
	assert_int_equal(count(&r, "rollback-incomplete"), 1);
	const mg_finding *f = find(&r, "rollback-incomplete");
	assert_non_null(strstr(f->message, "left behind: index public.orders_total_idx"));
	assert_non_null(strstr(f->message, "not restored: column public.orders.note text"));
	assert_non_null(strstr(f->message, "default 'y'"));
	assert_string_equal(f->loc.file + strlen(f->loc.file) - strlen("U2__tags.sql"),
	                    "U2__tags.sql");
	/* The alternative is the derived inverse: drop index, default back, drop table. */
	assert_non_null(strstr(f->safe_alternative, "DROP INDEX IF EXISTS orders_total_idx;"));
	assert_non_null(strstr(f->safe_alternative, "ALTER TABLE orders ALTER COLUMN note DROP DEFAULT;"));
	assert_non_null(strstr(f->safe_alternative, "DROP TABLE tags;"));
	done(&r);
}

static void incomplete_near_misses(void **state)
{
	(void)state;
	/* An exact undo; a Liquibase block that restores; an empty block on
	 * idempotent creates; an empty block leaving a wider type; a change to
	 * a table an earlier changeset's automatic rollback drops. */
	static const char *const fw[] = {
		BASE,
		"V2__tags.sql", "CREATE TABLE tags (id int PRIMARY KEY);\n"
		                "ALTER TABLE orders ADD COLUMN n int DEFAULT 0;\n",
		"U2__tags.sql", "ALTER TABLE orders DROP COLUMN n;\nDROP TABLE tags;\n",
		NULL};
	run r;
	analyze(&r, fw, NULL, NULL, NULL);
	assert_int_equal(count(&r, "rollback-incomplete"), 0);
	done(&r);
	static const char *const lb[] = {
		"changelog.xml",
		HDR_LB
		"<changeSet id=\"1\" author=\"a\"><createTable tableName=\"t\"><column name=\"id\" "
		"type=\"int\"/><column name=\"v\" type=\"varchar(10)\"/></createTable></changeSet>\n"
		"<changeSet id=\"2\" author=\"a\"><addPrimaryKey tableName=\"t\" columnNames=\"id\" "
		"constraintName=\"t_pk\"/><rollback/></changeSet>\n"
		"<changeSet id=\"3\" author=\"a\"><modifyDataType tableName=\"t\" columnName=\"v\" "
		"newDataType=\"varchar(20)\"/><rollback/></changeSet>\n"
		"<changeSet id=\"4\" author=\"a\"><sql>CREATE INDEX IF NOT EXISTS t_v ON t (v)</sql>"
		"<rollback/></changeSet>\n"
		"<changeSet id=\"5\" author=\"a\"><addColumn tableName=\"t\"><column name=\"w\" "
		"type=\"int\"/></addColumn><rollback><dropColumn tableName=\"t\" columnName=\"w\"/>"
		"</rollback></changeSet>\n" END_LB,
		NULL};
	analyze(&r, lb, "changelog.xml", NULL, NULL);
	assert_int_equal(count(&r, "rollback-incomplete"), 0);
	done(&r);
}

static void incomplete_fires_on_liquibase_blocks(void **state)
{
	(void)state;
	static const char *const lb[] = {
		"changelog.xml",
		HDR_LB
		"<changeSet id=\"1\" author=\"a\"><sql>CREATE TABLE t (id int, v int DEFAULT 0)</sql>"
		"</changeSet>\n"
		/* restores another default than the one before */
		"<changeSet id=\"2\" author=\"a\"><dropDefaultValue tableName=\"t\" columnName=\"v\"/>"
		"<rollback><addDefaultValue tableName=\"t\" columnName=\"v\" defaultValueNumeric=\"4\"/>"
		"</rollback></changeSet>\n"
		/* an empty block on a plain create: the next deployment fails */
		"<changeSet id=\"3\" author=\"a\"><sql>CREATE TABLE u (id int)</sql><rollback/>"
		"</changeSet>\n" END_LB,
		NULL};
	run r;
	analyze(&r, lb, "changelog.xml", NULL, NULL);
	assert_int_equal(count(&r, "rollback-incomplete"), 2);
	done(&r);
}

/* A table wider than the catalog's column index threshold, changesets
 * that only add, drop, rename or alter columns and indexes (compared on
 * the columns they name): each verdict is the one a whole comparison
 * gives, and columns nothing names are never reported. */
static void incomplete_on_a_wide_table(void **state)
{
	(void)state;
	static const char *const lb[] = {
		"changelog.xml",
		HDR_LB
		"<changeSet id=\"1\" author=\"a\"><sql>CREATE TABLE t (id int, c0 int, c1 int, c2 int, "
		"c3 int, c4 int, c5 int, c6 int, c7 int, c8 int, c9 int, c10 int, c11 int, c12 int, "
		"c13 int, c14 int, c15 int, c16 int, c17 int, c18 int, c19 int)</sql></changeSet>\n"
		/* complete */
		"<changeSet id=\"2\" author=\"a\"><addColumn tableName=\"t\"><column name=\"w\" "
		"type=\"int\"/></addColumn><rollback><dropColumn tableName=\"t\" columnName=\"w\"/>"
		"</rollback></changeSet>\n"
		/* drops the wrong column: one not restored, one left behind */
		"<changeSet id=\"3\" author=\"a\"><addColumn tableName=\"t\"><column name=\"x\" "
		"type=\"int\"/></addColumn><rollback><dropColumn tableName=\"t\" columnName=\"c5\"/>"
		"</rollback></changeSet>\n"
		/* leaves an index */
		"<changeSet id=\"4\" author=\"a\"><createIndex tableName=\"t\" indexName=\"t_c7_idx\">"
		"<column name=\"c7\"/></createIndex><rollback><dropDefaultValue tableName=\"t\" "
		"columnName=\"c8\"/></rollback></changeSet>\n"
		/* leaves a column with its constraint and index */
		"<changeSet id=\"5\" author=\"a\"><sql>ALTER TABLE t ADD COLUMN y int CONSTRAINT t_y_key "
		"UNIQUE</sql><rollback>ALTER TABLE t ALTER COLUMN y DROP DEFAULT</rollback></changeSet>\n"
		/* renames instead of dropping */
		"<changeSet id=\"6\" author=\"a\"><addColumn tableName=\"t\"><column name=\"z\" "
		"type=\"int\"/></addColumn><rollback><renameColumn tableName=\"t\" oldColumnName=\"z\" "
		"newColumnName=\"z_old\"/></rollback></changeSet>\n"
		/* complete: an index and its drop */
		"<changeSet id=\"7\" author=\"a\"><createIndex tableName=\"t\" indexName=\"t_c9_idx\">"
		"<column name=\"c9\"/></createIndex><rollback><dropIndex tableName=\"t\" "
		"indexName=\"t_c9_idx\"/></rollback></changeSet>\n" END_LB,
		NULL};
	run r;
	analyze(&r, lb, "changelog.xml", NULL, NULL);
	assert_int_equal(count(&r, "rollback-incomplete"), 4);
	const char *want[] = {
		"changeset 3 ", "not restored: column public.t.c5 integer; "
		                "left behind: column public.t.x integer",
		"changeset 4 ", ": left behind: index public.t_c7_idx on public.t (c7)",
		"changeset 5 ", "left behind: column public.t.y integer",
		"changeset 6 ", ": left behind: column public.t.z_old integer",
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i += 2) {
		const mg_finding *f = NULL;
		for (size_t k = 0; k < r.analysis.n_findings; k++)
			if (!strcmp(r.analysis.findings[k]->rule->id, "rollback-incomplete") &&
			    strstr(r.analysis.findings[k]->message, want[i]))
				f = r.analysis.findings[k];
		assert_non_null(f);
		assert_non_null(strstr(f->message, want[i + 1]));
		/* Nothing the changeset does not name. */
		assert_null(strstr(f->message, "public.t.c1 "));
		assert_null(strstr(f->message, "public.t.id "));
	}
	for (size_t k = 0; k < r.analysis.n_findings; k++) {
		const mg_finding *f = r.analysis.findings[k];
		if (!strcmp(f->rule->id, "rollback-incomplete") && strstr(f->message, "changeset 5 ")) {
			assert_non_null(strstr(f->message, "constraint public.t.t_y_key unique (y)"));
			assert_non_null(strstr(f->message, "index public.t_y_key on public.t (y) unique"));
		}
	}
	done(&r);
}

/* A DROP INDEX naming no table finds it through the index: when no
 * operation names the table, it is compared whole (before the drop it is
 * found, after it not); when one does, just the index differs. */
static void incomplete_after_a_drop_index_naming_no_table(void **state)
{
	(void)state;
	for (int named = 0; named < 2; named++) {
		const char *const files[] = {
			BASE,
			"V2__ix.sql", "CREATE INDEX orders_total_idx ON orders (total);\n",
			"V3__drop_ix.sql", "DROP INDEX orders_total_idx;\n",
			"U3__drop_ix.sql", named ? "ALTER TABLE orders ALTER COLUMN note DROP DEFAULT;\n"
			                         : "ALTER TABLE legacy ALTER COLUMN payload DROP DEFAULT;\n",
			NULL};
		run r;
		analyze(&r, files, NULL, NULL, NULL);
		assert_int_equal(count(&r, "rollback-incomplete"), 1);
		const mg_finding *f = find(&r, "rollback-incomplete");
		assert_non_null(strstr(f->message, "not restored: index public.orders_total_idx on "
		                                   "public.orders (total)"));
		bool whole = strstr(f->message, "not restored: column public.orders.id bigint not null") &&
		             strstr(f->message, "not restored: table public.orders");
		assert_int_equal(whole, !named);
		done(&r);
	}
}

/* ---- rollback-blocked ----------------------------------------------------------- */

static void blocked_names_the_dependant_and_its_changeset(void **state)
{
	(void)state;
	static const char *const files[] = {
		BASE,
		"V2__tags.sql", "CREATE TABLE tags (id int PRIMARY KEY, name text);",
		"U2__tags.sql", "DROP TABLE tags;",
		"V3__view.sql", "CREATE VIEW tag_names AS SELECT name FROM tags;",
		"V4__fk.sql", "CREATE TABLE tagged (tag_id int REFERENCES tags (id));",
		"U4__fk.sql", "DROP TABLE tagged;",
		NULL};
	run r;
	analyze(&r, files, NULL, NULL, NULL);
	assert_int_equal(count(&r, "rollback-blocked"), 1);
	const mg_finding *f = find(&r, "rollback-blocked");
	assert_non_null(strstr(f->message, "view public.tag_names"));
	assert_non_null(strstr(f->message, "V3 (")); /* the changeset that made it */
	assert_null(strstr(f->message, "tagged")); /* V4's undo removed its foreign key */
	assert_non_null(strstr(f->safe_alternative, "DROP VIEW IF EXISTS tag_names;\nDROP TABLE tags;"));
	done(&r);
}

static void blocked_near_misses_and_liquibase(void **state)
{
	(void)state;
	static const char *const files[] = {
		BASE,
		"V2__tags.sql", "CREATE TABLE tags (id int PRIMARY KEY, name text);",
		"U2__tags.sql", "DROP TABLE tags;",
		"V3__view.sql", "CREATE VIEW tag_names AS SELECT name FROM tags;",
		"U3__view.sql", "DROP VIEW tag_names;",
		NULL};
	run r;
	analyze(&r, files, NULL, NULL, NULL);
	assert_int_equal(count(&r, "rollback-blocked"), 0);
	done(&r);
	/* Liquibase: the automatic rollbacks drop the view first; a foreign
	 * key from a changeset without rollback blocks the table's drop. */
	static const char *const lb[] = {
		"changelog.xml",
		HDR_LB
		"<changeSet id=\"1\" author=\"a\"><createTable tableName=\"t\"><column name=\"id\" "
		"type=\"int\"><constraints primaryKey=\"true\"/></column></createTable></changeSet>\n"
		"<changeSet id=\"2\" author=\"a\"><createView viewName=\"v\">SELECT id FROM t</createView>"
		"</changeSet>\n"
		"<changeSet id=\"3\" author=\"a\"><sql>CREATE TABLE c (t_id int REFERENCES t (id))</sql>"
		"</changeSet>\n" END_LB,
		NULL};
	analyze(&r, lb, "changelog.xml", NULL, NULL);
	assert_int_equal(count(&r, "rollback-blocked"), 1);
	const mg_finding *f = find(&r, "rollback-blocked");
	assert_non_null(strstr(f->message, "foreign key"));
	assert_non_null(strstr(f->message, "which has no rollback"));
	assert_null(strstr(f->message, "view public.v"));
	done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_undo_script_is_not_run_forward),
		cmocka_unit_test(the_replay_keeps_the_schema_of_the_release_start),
		cmocka_unit_test(the_rollback_of_a_changeset),
		cmocka_unit_test(irreversible_fires_on_drops_without_a_way_back),
		cmocka_unit_test(irreversible_near_misses),
		cmocka_unit_test(irreversible_severity_comes_from_the_profile),
		cmocka_unit_test(irreversible_in_liquibase),
		cmocka_unit_test(incomplete_names_what_differs),
		cmocka_unit_test(incomplete_near_misses),
		cmocka_unit_test(incomplete_fires_on_liquibase_blocks),
		cmocka_unit_test(incomplete_on_a_wide_table),
		cmocka_unit_test(incomplete_after_a_drop_index_naming_no_table),
		cmocka_unit_test(blocked_names_the_dependant_and_its_changeset),
		cmocka_unit_test(blocked_near_misses_and_liquibase),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
