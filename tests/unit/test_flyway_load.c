/*
 * test_flyway_load.c: the Flyway loader end to end on temporary
 * directories: pool, ordering, duplicates, skipped files, script config,
 * the mixed-transaction rule, Java and script migrations, locations,
 * symlink loops, limits and encodings.
 */
#include "harness.h"
#include "load/flyway_internal.h"
#include "migraph/checksum.h"
#include "migraph/sql.h"

static mg_load_options opts;

static void opts_reset(void)
{
	/* By hand rather than mg_load_options_init, so these tests link
	 * without the Liquibase loader that load.c pulls in. */
	memset(&opts, 0, sizeof opts);
	opts.engine = (mg_engine_target){MG_ENGINE_POSTGRESQL, 16, 0};
	opts.limits.max_file_bytes = 1 << 20;
	opts.limits.max_statement_bytes = 1 << 20;
	opts.limits.max_files = 1000;
}

static int setup(void **state)
{
	(void)state;
	opts_reset();
	return 0;
}

static mg_project *load_paths(const char *const *paths, const mg_input_kind *kinds, size_t n)
{
	mg_project *p = mg_project_new();
	p->engine = opts.engine;
	mg_flyway_load(p, paths, kinds, n, &opts);
	return p;
}

static mg_project *load_dir(const char *dir)
{
	const char *paths[] = {dir};
	mg_input_kind kinds[] = {MG_INPUT_FLYWAY_DIR};
	return load_paths(paths, kinds, 1);
}

static const char *skip_reason(const mg_project *p, const char *suffix)
{
	for (size_t i = 0; i < p->n_skipped; i++)
		if (mg_str_iends_with(p->skipped[i].file, suffix))
			return p->skipped[i].reason;
	return NULL;
}

static char *order(const mg_project *p)
{
	static char buf[4096];
	buf[0] = '\0';
	for (size_t i = 0; i < p->n_changesets; i++) {
		const mg_changeset *cs = p->changesets[i];
		if (i)
			strcat(buf, " ");
		strcat(buf, cs->script);
	}
	return buf;
}

static void orders_versions_undo_baseline_and_repeatables(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "V2__b.sql", "SELECT 2;\n");
	th_write(d, "V1.1__a.sql", "SELECT 11;\n");
	th_write(d, "sub/V10__j.sql", "SELECT 10;\n");
	th_write(d, "V1__a.sql", "SELECT 1;\n");
	th_write(d, "U2__b.sql", "SELECT -2;\n");
	th_write(d, "B2__base.sql", "SELECT 'b';\n");
	th_write(d, "R__b_view.sql", "SELECT 'rb';\n");
	th_write(d, "R__a_view.sql", "SELECT 'ra';\n");
	th_write(d, "R__B_upper.sql", "SELECT 'rB';\n");
	mg_project *p = load_dir(d);
	assert_string_equal(order(p), "V1__a.sql V1.1__a.sql B2__base.sql V2__b.sql U2__b.sql "
	                              "sub/V10__j.sql R__B_upper.sql R__a_view.sql R__b_view.sql");
	assert_int_equal(p->changesets[2]->kind, MG_CS_FLYWAY_BASELINE);
	assert_int_equal(p->changesets[4]->kind, MG_CS_FLYWAY_UNDO);
	assert_int_equal(p->changesets[6]->kind, MG_CS_FLYWAY_REPEATABLE);
	assert_string_equal(p->changesets[7]->description, "a view");
	for (size_t i = 0; i < p->n_changesets; i++) {
		assert_int_equal(p->changesets[i]->index, i);
		assert_int_equal(p->changesets[i]->loc.line, 1);
		assert_true(p->changesets[i]->has_checksum);
	}
	assert_int_equal(th_count_diags(p, "flyway-duplicate-version"), 0);
	assert_int_equal(p->n_files, 9);
	/* loc.file is the location as given joined with the script */
	char want[4200];
	snprintf(want, sizeof want, "%s/sub/V10__j.sql", d);
	assert_string_equal(p->changesets[5]->loc.file, want);
	assert_string_equal(p->changesets[5]->version.text, "10");
	mg_project_free(p);
	th_rmtree(d);
}

static void two_locations_merge_into_one_pool(void **state)
{
	(void)state;
	/* conductor: V13.1 in one folder, V13.2 in another */
	char *d = th_tmpdir();
	th_write(d, "migration_postgres/V13__base.sql", "SELECT 13;\n");
	th_write(d, "migration_postgres/V14__next.sql", "SELECT 14;\n");
	th_write(d, "migration_postgres_data/V13.1__data.sql", "SELECT 131;\n");
	th_write(d, "migration_postgres_data/V13.2__more.sql", "SELECT 132;\n");
	char a[4200], b[4200];
	snprintf(a, sizeof a, "%s/migration_postgres", d);
	snprintf(b, sizeof b, "%s/migration_postgres_data", d);
	const char *paths[] = {a, b};
	mg_input_kind kinds[] = {MG_INPUT_FLYWAY_DIR, MG_INPUT_FLYWAY_DIR};
	mg_project *p = load_paths(paths, kinds, 2);
	assert_string_equal(order(p), "V13__base.sql V13.1__data.sql V13.2__more.sql V14__next.sql");
	mg_project_free(p);
	th_rmtree(d);
}

static void duplicate_versions_name_both_files(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "a/V1__a.sql", "SELECT 1;\n");
	th_write(d, "b/V1.0__b.sql", "SELECT 1;\n");
	th_write(d, "b/V01_1__c.sql", "SELECT 1;\n");
	th_write(d, "a/V1.1__d.sql", "SELECT 1;\n");
	th_write(d, "R__same.sql", "SELECT 1;\n");
	th_write(d, "c/R__same.sql", "SELECT 1;\n");
	mg_project *p = load_dir(d);
	assert_int_equal(p->n_changesets, 6); /* both stay listed */
	assert_int_equal(th_count_diags(p, "flyway-duplicate-version"), 2);
	assert_int_equal(th_count_diags(p, "flyway-duplicate-description"), 1);
	for (size_t i = 0; i < p->diags.count; i++) {
		const mg_diag *g = p->diags.items[i];
		if (strcmp(g->code, "flyway-duplicate-version") == 0) {
			assert_int_equal(g->severity, MG_SEV_HIGH);
			assert_non_null(strstr(g->message, "V1__a.sql") ? g->message
			                                                : strstr(g->message, "V1.1__d.sql"));
		}
	}
	mg_project_free(p);
	th_rmtree(d);
}

static void java_and_sql_with_one_version_collide(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "V3__sql.sql", "SELECT 3;\n");
	th_write(d, "V3__Foo.java",
	         "package db.migration;\n\n"
	         "import org.flywaydb.core.api.migration.BaseJavaMigration;\n\n"
	         "public class V3__Foo extends BaseJavaMigration {\n"
	         "  public void migrate(Context c) {}\n}\n");
	mg_project *p = load_dir(d);
	assert_int_equal(p->n_changesets, 2);
	assert_int_equal(th_count_diags(p, "flyway-duplicate-version"), 1);
	const mg_changeset *java = p->changesets[0]->kind == MG_CS_FLYWAY_JAVA ? p->changesets[0]
	                                                                       : p->changesets[1];
	assert_int_equal(java->kind, MG_CS_FLYWAY_JAVA);
	assert_true(java->flags & MG_CSF_OPAQUE);
	assert_false(java->has_checksum);
	assert_string_equal(java->script, "db.migration.V3__Foo");
	assert_int_equal(java->n_stmts, 1);
	assert_int_equal(java->stmts[0]->loc.line, 5);
	assert_int_equal(java->stmts[0]->ops[0]->kind, MG_OP_OPAQUE);
	assert_int_equal(java->stmts[0]->ops[0]->opaque_kind, MG_OPAQUE_JAVA_MIGRATION);
	mg_project_free(p);
	th_rmtree(d);
}

static void java_version_from_code(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "V66_3_JobFacetsBackfillJobVersion.java",
	         "package marquez.db.migrations;\n"
	         "import org.flywaydb.core.api.migration.JavaMigration;\n"
	         "@Slf4j\n"
	         "public class V66_3_JobFacetsBackfillJobVersion implements JavaMigration {\n"
	         "  @Override\n"
	         "  public MigrationVersion getVersion() {\n"
	         "    return MigrationVersion.fromVersion(\"66.3\");\n"
	         "  }\n"
	         "  public String getDescription() {\n"
	         "    return \"BackfillJobFacetsWithJobVersion\";\n"
	         "  }\n"
	         "  public boolean canExecuteInTransaction() {\n"
	         "    return false;\n"
	         "  }\n"
	         "}\n");
	th_write(d, "V7_Computed.java",
	         "public class V7_Computed implements JavaMigration {\n"
	         "  public MigrationVersion getVersion() { return MigrationVersion.fromVersion(V); }\n"
	         "}\n");
	th_write(d, "MigrationHelper.java", "public class MigrationHelper { }\n");
	th_write(d, "AbstractBase.java",
	         "public abstract class AbstractBase extends BaseJavaMigration { }\n");
	th_write(d, "V66__sql.sql", "SELECT 66;\n");
	mg_project *p = load_dir(d);
	assert_int_equal(p->n_changesets, 2);
	const mg_changeset *j = p->changesets[1];
	assert_int_equal(j->kind, MG_CS_FLYWAY_JAVA);
	assert_string_equal(j->version.text, "66.3");
	assert_string_equal(j->description, "BackfillJobFacetsWithJobVersion");
	assert_false(j->run_in_transaction);
	assert_int_equal(j->stmts[0]->loc.line, 4);
	assert_non_null(strstr(skip_reason(p, "V7_Computed.java"), "getVersion()"));
	assert_non_null(strstr(skip_reason(p, "MigrationHelper.java"), "not a migration"));
	assert_non_null(strstr(skip_reason(p, "AbstractBase.java"), "abstract"));
	mg_project_free(p);
	th_rmtree(d);
}

static void java_under_classpath_roots(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "flyway.conf", "flyway.locations=classpath:db/migration\n");
	th_write(d, "src/main/resources/db/migration/V1__init.sql", "CREATE TABLE t (id int);\n");
	th_write(d, "src/main/java/db/migration/V2__Fill.java",
	         "package db.migration;\npublic class V2__Fill extends BaseJavaMigration {}\n");
	char conf[4200];
	snprintf(conf, sizeof conf, "%s/flyway.conf", d);
	const char *sp[] = {d};
	opts.search_paths = sp;
	opts.n_search_paths = 1;
	const char *paths[] = {conf};
	mg_input_kind kinds[] = {MG_INPUT_FLYWAY_CONF};
	mg_project *p = load_paths(paths, kinds, 1);
	assert_string_equal(order(p), "V1__init.sql db.migration.V2__Fill");
	assert_int_equal(th_count_diags(p, "flyway-missing-location"), 0);
	mg_project_free(p);

	/* explicit classpath roots replace the defaults */
	char root[4200];
	snprintf(root, sizeof root, "%s/src/main/resources", d);
	const char *roots[] = {root};
	opts.classpath_roots = roots;
	opts.n_classpath_roots = 1;
	p = load_paths(paths, kinds, 1);
	assert_string_equal(order(p), "V1__init.sql");
	mg_project_free(p);
	th_rmtree(d);
}

static void skipped_files_have_reasons(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "V1__ok.sql", "SELECT 1;\n");
	th_write(d, "V__noversion.sql", "SELECT 1;\n");
	th_write(d, "R1__x.sql", "SELECT 1;\n");
	th_write(d, "v2__lower.sql", "SELECT 1;\n");
	th_write(d, "V3_single.sql", "SELECT 1;\n");
	th_write(d, "README.md", "# notes\n");
	th_write(d, "beforeMigrate.sql", "SELECT 1;\n");
	th_write(d, "afterEachMigrate__log.sql", "SELECT 1;\n");
	th_write(d, "V1__ok.sql.conf", "executeInTransaction=true\n");
	th_write(d, ".hidden/V9__x.sql", "SELECT 1;\n");
	th_write(d, ".V8__hidden.sql", "SELECT 1;\n");
	mg_project *p = load_dir(d);
	assert_int_equal(p->n_changesets, 1);
	assert_non_null(strstr(skip_reason(p, "V__noversion.sql"), "no version"));
	assert_non_null(strstr(skip_reason(p, "R1__x.sql"), "repeatable with a version"));
	assert_non_null(strstr(skip_reason(p, "v2__lower.sql"), "prefix"));
	assert_string_equal(skip_reason(p, "V3_single.sql"), "no '__' separator after the version");
	assert_non_null(strstr(skip_reason(p, "README.md"), "suffix .md is not a migration suffix"));
	assert_string_equal(skip_reason(p, "beforeMigrate.sql"), "callback beforeMigrate, not a migration");
	assert_string_equal(skip_reason(p, "afterEachMigrate__log.sql"),
	                    "callback afterEachMigrate, not a migration");
	assert_null(skip_reason(p, ".conf"));
	assert_null(skip_reason(p, "V9__x.sql"));
	assert_null(skip_reason(p, "V8__hidden.sql"));
	assert_int_equal(p->n_skipped, 7);
	mg_project_free(p);
	th_rmtree(d);
}

static void validate_naming_turns_bad_names_into_errors(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "V1__ok.sql", "SELECT 1;\n");
	th_write(d, "V2_bad.sql", "SELECT 1;\n");
	th_write(d, "notes.txt", "x");
	mg_project *p = load_dir(d);
	assert_int_equal(th_count_diags(p, "flyway-invalid-name"), 0);
	mg_project_free(p);
	mg_property props[] = {{"flyway.validateMigrationNaming", "true"}};
	opts.properties = props;
	opts.n_properties = 1;
	p = load_dir(d);
	assert_int_equal(th_count_diags(p, "flyway-invalid-name"), 1);
	assert_int_equal(p->n_skipped, 2);
	mg_project_free(p);
	th_rmtree(d);
}

static void wildcard_locations(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "db/a/migration/V1__a.sql", "SELECT 1;\n");
	th_write(d, "db/b/c/migration/V2__b.sql", "SELECT 1;\n");
	th_write(d, "db/b/c/migration/sub/V3__c.sql", "SELECT 1;\n");
	th_write(d, "db/other/V4__d.sql", "SELECT 1;\n");
	char conf[4200];
	snprintf(conf, sizeof conf, "%s/flyway.conf", d);
	th_write(d, "flyway.conf", "flyway.locations=filesystem:db/**/migration\n");
	const char *paths[] = {conf};
	mg_input_kind kinds[] = {MG_INPUT_FLYWAY_CONF};
	mg_project *p = load_paths(paths, kinds, 1);
	assert_string_equal(order(p), "V1__a.sql V2__b.sql sub/V3__c.sql");
	mg_project_free(p);
	th_rmtree(d);
}

static void duplicate_callbacks_are_an_error(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "a/afterMigrate.sql", "SELECT 1;\n");
	th_write(d, "b/afterMigrate.sql", "SELECT 2;\n");
	mg_project *p = load_dir(d);
	assert_int_equal(th_count_diags(p, "flyway-duplicate-callback"), 1);
	assert_int_equal(p->n_changesets, 0);
	mg_project_free(p);
	th_rmtree(d);
}

static void checksums_raw_for_versioned_replaced_for_repeatable(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	const char *v = "SELECT '${who}';\r\n\r\nSELECT 2;\n";
	th_write(d, "V1__x.sql", v);
	th_write(d, "R__x.sql", v);
	th_write(d, "V2__bom.sql", "\xEF\xBB\xBFSELECT 1;");
	mg_property props[] = {{"who", "me"}};
	opts.properties = props;
	opts.n_properties = 1;
	mg_project *p = load_dir(d);
	assert_string_equal(order(p), "V1__x.sql V2__bom.sql R__x.sql");
	assert_int_equal(p->changesets[0]->checksum, mg_flyway_checksum(v, strlen(v)));
	const char *r = "SELECT 'me';\nSELECT 2;\n";
	assert_int_equal(p->changesets[2]->checksum, mg_flyway_checksum(r, strlen(r)));
	assert_int_equal(p->changesets[1]->checksum, 78787420);
	/* statement positions are the file's own, after the BOM */
	assert_int_equal(p->changesets[1]->stmts[0]->loc.line, 1);
	assert_int_equal(p->changesets[1]->stmts[0]->loc.col, 1);
	assert_int_equal(p->changesets[0]->stmts[1]->loc.line, 3);
	mg_project_free(p);
	th_rmtree(d);
}

static void unresolved_placeholder_keeps_the_file_position(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "V1__x.sql", "SELECT 1;\n\n  CREATE TABLE ${missing}.t (id int);\n");
	th_write(d, "V2__y.sql", "CREATE TABLE ${s}.aaaaaaaa (id int); CREATE TABLE b (id int);\n");
	mg_property props[] = {{"flyway.placeholders.S", "a_much_longer_schema"}};
	opts.properties = props;
	opts.n_properties = 1;
	mg_project *p = load_dir(d);
	assert_int_equal(th_count_diags(p, "flyway-unresolved-placeholder"), 1);
	for (size_t i = 0; i < p->diags.count; i++)
		if (!strcmp(p->diags.items[i]->code, "flyway-unresolved-placeholder")) {
			assert_int_equal(p->diags.items[i]->loc.line, 3);
			assert_int_equal(p->diags.items[i]->loc.col, 16);
		}
	const mg_changeset *y = p->changesets[1];
	assert_int_equal(y->n_stmts, 2);
	assert_int_equal(y->stmts[1]->loc.line, 1);
	assert_int_equal(y->stmts[1]->loc.col, 38); /* as in the file, not the replaced text */
	mg_project_free(p);
	th_rmtree(d);
}

static void script_conf_and_mixed_rule(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "V1__mixed.sql",
	         "CREATE TABLE t (id int);\n"
	         "CREATE INDEX CONCURRENTLY ix ON t (id);\n");
	th_write(d, "V2__only_nontx.sql", "CREATE INDEX CONCURRENTLY ix2 ON t (id);\n");
	th_write(d, "V3__conf.sql",
	         "CREATE TABLE u (id int);\nCREATE INDEX CONCURRENTLY ix3 ON u (id);\n");
	th_write(d, "V3__conf.sql.conf", "# per-script\nexecuteInTransaction=false\n");
	th_write(d, "V4__plain.sql", "CREATE TABLE w (id int);\n");
	th_write(d, "V5__badconf.sql", "SELECT 1;\n");
	th_write(d, "V5__badconf.sql.conf", "executeInTransaction=false\nfoo=bar\n");
	mg_project *p = load_dir(d);
	assert_int_equal(p->n_changesets, 5);
	assert_int_equal(th_count_diags(p, "flyway-mixed-transaction"), 1);
	for (size_t i = 0; i < p->diags.count; i++)
		if (!strcmp(p->diags.items[i]->code, "flyway-mixed-transaction")) {
			assert_int_equal(p->diags.items[i]->severity, MG_SEV_HIGH);
			assert_int_equal(p->diags.items[i]->loc.line, 2);
			assert_non_null(strstr(p->diags.items[i]->loc.file, "V1__mixed.sql"));
		}
	assert_false(p->changesets[1]->run_in_transaction);
	assert_false(p->changesets[2]->run_in_transaction);
	assert_true(p->changesets[3]->run_in_transaction);
	assert_false(p->changesets[4]->run_in_transaction);
	assert_int_equal(th_count_diags(p, "flyway-script-config"), 1);
	mg_project_free(p);

	/* mixed=true: no diagnostic, and the script runs outside a transaction */
	mg_property props[] = {{"flyway.mixed", "true"}};
	opts.properties = props;
	opts.n_properties = 1;
	p = load_dir(d);
	assert_int_equal(th_count_diags(p, "flyway-mixed-transaction"), 0);
	assert_false(p->changesets[0]->run_in_transaction);
	mg_project_free(p);
	th_rmtree(d);
}

static void script_migrations_are_opaque_with_checksum(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "V2__seed.sh", "#!/bin/sh\necho hi\n");
	th_write(d, "V1__init.sql", "SELECT 1;\n");
	mg_project *p = load_dir(d);
	assert_string_equal(order(p), "V1__init.sql V2__seed.sh");
	const mg_changeset *s = p->changesets[1];
	assert_int_equal(s->kind, MG_CS_FLYWAY_SCRIPT);
	assert_true(s->flags & MG_CSF_OPAQUE);
	assert_true(s->has_checksum);
	assert_int_equal(s->checksum, mg_flyway_checksum("#!/bin/sh\necho hi\n", 18));
	assert_int_equal(s->stmts[0]->ops[0]->opaque_kind, MG_OPAQUE_SCRIPT_MIGRATION);
	mg_project_free(p);
	th_rmtree(d);
}

static void symlink_loop_does_not_hang(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "db/V1__a.sql", "SELECT 1;\n");
	char link[4200], target[4200];
	snprintf(target, sizeof target, "%s/db", d);
	snprintf(link, sizeof link, "%s/db/loop", d);
	assert_int_equal(symlink(target, link), 0);
	mg_project *p = load_dir(target);
	assert_int_equal(p->n_changesets, 1);
	assert_int_equal(th_count_diags(p, "flyway-symlink-loop"), 1);
	mg_project_free(p);
	th_rmtree(d);
}

static void missing_location_is_a_warning(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "flyway.conf", "flyway.locations=filesystem:nowhere,classpath:nothing/here\n");
	char conf[4200];
	snprintf(conf, sizeof conf, "%s/flyway.conf", d);
	const char *paths[] = {conf};
	mg_input_kind kinds[] = {MG_INPUT_FLYWAY_CONF};
	mg_project *p = load_paths(paths, kinds, 1);
	assert_int_equal(th_count_diags(p, "flyway-missing-location"), 2);
	assert_int_equal(p->diags.items[0]->severity, MG_SEV_LOW);
	assert_int_equal(p->diags.items[0]->loc.line, 1);
	assert_int_equal(p->n_changesets, 0);
	mg_project_free(p);
	th_rmtree(d);
}

static void limits_are_reported(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "V1__a.sql", "SELECT 1;\n");
	th_write(d, "V2__big.sql", "SELECT 'this file is larger than the limit';\n");
	th_write(d, "V3__c.sql", "SELECT 3;\n");
	opts.limits.max_file_bytes = 20;
	mg_project *p = load_dir(d);
	assert_int_equal(th_count_diags(p, "limit-file-size"), 1);
	assert_int_equal(p->n_changesets, 3); /* still listed */
	assert_int_equal(p->changesets[1]->n_stmts, 0);
	for (size_t i = 0; i < p->diags.count; i++)
		assert_non_null(strstr(p->diags.items[i]->message, "--max-file-size"));
	mg_project_free(p);

	opts_reset();
	opts.limits.max_files = 2;
	p = load_dir(d);
	assert_int_equal(th_count_diags(p, "limit-files"), 1);
	assert_int_equal(p->n_changesets, 2);
	assert_non_null(strstr(p->diags.items[0]->message, "--max-files"));
	mg_project_free(p);
	th_rmtree(d);
}

static void empty_and_odd_files(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "V1__empty.sql", "");
	char nul[] = "SELECT 1;\0\0junk";
	char path[4200];
	snprintf(path, sizeof path, "%s/V2__nul.sql", d);
	FILE *f = fopen(path, "wb");
	fwrite(nul, 1, sizeof nul - 1, f);
	fclose(f);
	/* UTF-16LE with a BOM: "SELECT 1;" */
	snprintf(path, sizeof path, "%s/V3__utf16.sql", d);
	f = fopen(path, "wb");
	const char *s = "SELECT 1;";
	fputc(0xFF, f);
	fputc(0xFE, f);
	for (const char *c = s; *c; c++) {
		fputc(*c, f);
		fputc(0, f);
	}
	fclose(f);
	mg_project *p = load_dir(d);
	assert_int_equal(p->n_changesets, 3);
	assert_int_equal(p->changesets[0]->n_stmts, 0);
	assert_int_equal(p->changesets[0]->checksum, 0);
	assert_true(p->changesets[0]->has_checksum);
	assert_int_equal(th_count_diags(p, "input-utf16"), 1);
	assert_int_equal(p->changesets[2]->n_stmts, 0);
	mg_project_free(p);

	/* encoding=UTF-16 in the script's .conf: transcoded, same checksum as UTF-8 */
	th_write(d, "V3__utf16.sql.conf", "encoding=UTF-16\n");
	p = load_dir(d);
	assert_int_equal(p->changesets[2]->n_stmts, 1);
	assert_int_equal(p->changesets[2]->checksum, 78787420);
	mg_project_free(p);
	th_rmtree(d);
}

static void single_sql_file_on_the_command_line(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "V42__add_index.sql", "CREATE INDEX ix ON t (a);\n");
	th_write(d, "fix.sql", "SELECT 1;\n");
	char a[4200], b[4200];
	snprintf(a, sizeof a, "%s/V42__add_index.sql", d);
	snprintf(b, sizeof b, "%s/fix.sql", d);
	const char *paths[] = {b, a};
	mg_input_kind kinds[] = {MG_INPUT_SQL_FILE, MG_INPUT_SQL_FILE};
	mg_project *p = load_paths(paths, kinds, 2);
	assert_string_equal(order(p), "V42__add_index.sql fix.sql");
	assert_string_equal(p->changesets[0]->loc.file, a);
	assert_int_equal(th_count_diags(p, "flyway-unversioned-file"), 1);
	mg_project_free(p);
	th_rmtree(d);
}

static void target_marks_later_versions_ignored(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "V1__a.sql", "SELECT 1;\n");
	th_write(d, "V2__b.sql", "SELECT 1;\n");
	th_write(d, "R__r.sql", "SELECT 1;\n");
	mg_property props[] = {{"flyway.target", "1?"}};
	opts.properties = props;
	opts.n_properties = 1;
	mg_project *p = load_dir(d);
	assert_false(p->changesets[0]->flags & MG_CSF_IGNORED);
	assert_true(p->changesets[1]->flags & MG_CSF_IGNORED);
	assert_false(p->changesets[2]->flags & MG_CSF_IGNORED);
	mg_project_free(p);
	th_rmtree(d);
}

static void walk_order_is_deterministic(void **state)
{
	(void)state;
	char *d = th_tmpdir();
	th_write(d, "z/notes.txt", "x");
	th_write(d, "a/notes.txt", "x");
	th_write(d, "m/notes.txt", "x");
	mg_project *p = load_dir(d);
	assert_int_equal(p->n_skipped, 3);
	assert_non_null(strstr(p->skipped[0].file, "/a/notes.txt"));
	assert_non_null(strstr(p->skipped[1].file, "/m/notes.txt"));
	assert_non_null(strstr(p->skipped[2].file, "/z/notes.txt"));
	mg_project_free(p);
	th_rmtree(d);
}

/* The recursive matcher the table replaced: its meaning, and exponential
 * time in the number of stars (kept here as the oracle, small inputs only). */
static bool glob_oracle(const char *p, const char *s)
{
	if (!*p)
		return !*s;
	if (p[0] == '*' && p[1] == '*') {
		const char *rest = p + 2;
		if (*rest == '/')
			rest++;
		for (const char *t = s;; t++) {
			if (glob_oracle(rest, t))
				return true;
			if (!*t)
				return false;
		}
	}
	if (*p == '*') {
		for (const char *t = s;; t++) {
			if (glob_oracle(p + 1, t))
				return true;
			if (!*t || *t == '/')
				return false;
		}
	}
	if (!*s)
		return false;
	if (*p == '?' ? *s != '/' : *p == *s)
		return glob_oracle(p + 1, s + 1);
	return false;
}

static void wildcard_matcher_agrees_with_ant(void **state)
{
	(void)state;
	const struct {
		const char *p, *s;
		bool m;
	} cases[] = {
	    {"**/migration", "db/migration", true},  {"**/migration", "migration", true},
	    {"db/**/m", "db/a/b/m", true},           {"db/**/m", "db/m", true},
	    {"*/m", "a/b/m", false},                 {"*/m", "a/m", true},
	    {"v?", "v1", true},                      {"v?", "v/", false},
	    {"a*b*c", "axxbyyc", true},              {"a*b*c", "axxbyy/c", false},
	    {"***", "a/b", true},                    {"", "", true},
	    {"*", "", true},                         {"**", "", true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (fw_glob(cases[i].p, cases[i].s) != cases[i].m)
			fail_msg("%s against %s", cases[i].p, cases[i].s);
	/* Random patterns and paths over a small alphabet, against the oracle. */
	const char pat_alpha[] = "ab/*?", str_alpha[] = "ab/";
	unsigned seed = 12345;
	for (int n = 0; n < 20000; n++) {
		char p[12], s[14];
		seed = seed * 1103515245u + 12345u;
		size_t pl = (seed >> 16) % sizeof p, sl = (seed >> 8) % sizeof s;
		for (size_t i = 0; i < pl; i++) {
			seed = seed * 1103515245u + 12345u;
			p[i] = pat_alpha[(seed >> 16) % 5];
		}
		p[pl] = '\0';
		for (size_t i = 0; i < sl; i++) {
			seed = seed * 1103515245u + 12345u;
			s[i] = str_alpha[(seed >> 16) % 3];
		}
		s[sl] = '\0';
		if (fw_glob(p, s) != glob_oracle(p, s))
			fail_msg("%s against %s: %d", p, s, glob_oracle(p, s));
	}
	/* 30 stars against a long name: the oracle would take years. */
	char pat[64], name[4096];
	for (int i = 0; i < 30; i++) {
		pat[2 * i] = '*';
		pat[2 * i + 1] = 'a';
	}
	strcpy(pat + 60, "b");
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_false(fw_glob(pat, name));
	pat[60] = '\0';
	assert_true(fw_glob(pat, name));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(orders_versions_undo_baseline_and_repeatables),
		T(two_locations_merge_into_one_pool),
		T(duplicate_versions_name_both_files),
		T(java_and_sql_with_one_version_collide),
		T(java_version_from_code),
		T(java_under_classpath_roots),
		T(skipped_files_have_reasons),
		T(duplicate_callbacks_are_an_error),
		T(validate_naming_turns_bad_names_into_errors),
		T(wildcard_locations),
		T(checksums_raw_for_versioned_replaced_for_repeatable),
		T(unresolved_placeholder_keeps_the_file_position),
		T(script_conf_and_mixed_rule),
		T(script_migrations_are_opaque_with_checksum),
		T(symlink_loop_does_not_hang),
		T(missing_location_is_a_warning),
		T(limits_are_reported),
		T(empty_and_odd_files),
		T(single_sql_file_on_the_command_line),
		T(target_marks_later_versions_ignored),
		T(walk_order_is_deterministic),
		T(wildcard_matcher_agrees_with_ant),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
