/*
 * baseline.c: --schema FILE, a pg_dump --schema-only file as the schema
 * the changesets start from.
 *
 * The dump goes through the same SQL front end as migrations, into a
 * changeset that is not part of the project, and its operations are
 * applied to the catalog in baseline mode: the relations it makes are
 * from_baseline and assumed to hold rows (a production schema does).
 * Nothing in the dump is judged, so the catalog's events are dropped.
 */
#include "migraph/load.h"
#include "migraph/sql.h"

int mg_baseline_load(mg_project *project, mg_catalog *cat, const char *path)
{
	mg_file_data fd;
	if (mg_project_read_given(project, path, "--schema", "schema-unreadable", &fd) != 0)
		return -1;
	mg_changeset *cs = mg_arena_alloc(&project->arena, sizeof *cs);
	cs->kind = MG_CS_FLYWAY_VERSIONED;
	cs->loc = (mg_loc){path, 1, 1};
	char *data = mg_arena_strndup(&project->arena, fd.data, fd.len);
	mg_text text = {path, data, fd.len, NULL, 0};
	mg_file_data_free(&fd);
	mg_sql_options opts;
	mg_sql_options_init(&opts, project->engine);
	opts.default_schema = mg_catalog_default_schema(cat);
	opts.split_statements = true;
	/* Problems in the dump are the dump's, not the migrations': keep the
	 * count of diagnostics and drop the parser's notes about it. */
	size_t before = project->diags.count;
	mg_sql_parse_script(project, cs, &text, &opts);
	size_t failed = 0;
	for (size_t i = before; i < project->diags.count; i++)
		failed++;
	project->diags.count = before;
	if (failed)
		mg_diag_add(&project->diags, MG_SEV_INFO, "schema-partly-read", (mg_loc){path, 0, 0},
		            "%zu statement%s of the --schema file could not be read; objects they "
		            "create are unknown",
		            failed, failed == 1 ? "" : "s");
	mg_catalog_set_baseline_mode(cat, true);
	for (size_t s = 0; s < cs->n_stmts; s++) {
		mg_statement *st = cs->stmts[s];
		if (st->parse_failed)
			continue;
		mg_catalog_set_statement(cat, st->sql, st->sql_len);
		for (size_t k = 0; k < st->n_ops; k++)
			mg_catalog_apply(cat, st->ops[k], 0, NULL, NULL);
	}
	mg_catalog_set_statement(cat, NULL, 0);
	mg_catalog_set_baseline_mode(cat, false);
	return 0;
}
