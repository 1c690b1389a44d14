/*
 * front.c: choosing the SQL front end for the target engine.
 */
#include <string.h>

#include "migraph/sql.h"
#include "sql/pg.h"
#include "sql/pg_internal.h"

void mg_sql_options_init(mg_sql_options *opts, mg_engine_target engine)
{
	opts->engine = engine;
	opts->default_schema = NULL;
	opts->max_statement_bytes = 0;
	opts->max_depth = MG_SQL_DEFAULT_MAX_DEPTH;
	opts->max_nesting = MG_SQL_DEFAULT_MAX_NESTING;
	opts->split_statements = true;
	opts->end_delimiter = NULL;
}

size_t mg_sql_parse_script(mg_project *project, mg_changeset *cs,
                           const mg_text *text, const mg_sql_options *opts)
{
	/* MySQL and MariaDB have no front end yet: their statements are split
	 * and recorded as opaque SQL of another engine (see pg.c). */
	if (opts->engine.kind == MG_ENGINE_MYSQL || opts->engine.kind == MG_ENGINE_MARIADB)
		return sql_other_engine_parse_script(project, cs, text, opts);
	return sql_pg_parse_script(project, cs, text, opts);
}

mg_changeset *mg_sql_parse_generated(mg_project *project, const char *sql,
                                     const char *default_schema, const char *origin)
{
	if (!sql)
		return NULL;
	mg_changeset *cs = mg_arena_alloc(&project->arena, sizeof *cs);
	cs->kind = MG_CS_FLYWAY_VERSIONED;
	cs->loc = (mg_loc){origin, 1, 1};
	cs->run_in_transaction = true;
	mg_sql_options opts;
	mg_sql_options_init(&opts, project->engine);
	if (opts.engine.kind != MG_ENGINE_POSTGRESQL)
		opts.engine = (mg_engine_target){MG_ENGINE_POSTGRESQL, MG_ENGINE_DEFAULT_MAJOR, 0};
	opts.default_schema = default_schema;
	mg_text text = {origin, sql, strlen(sql), NULL, 0};
	/* The text is migraph's own: a problem in it is not the project's. */
	size_t before = project->diags.count;
	mg_sql_parse_script(project, cs, &text, &opts);
	bool failed = project->diags.count != before;
	project->diags.count = before;
	for (size_t i = 0; i < cs->n_stmts; i++)
		failed = failed || cs->stmts[i]->parse_failed;
	return failed ? NULL : cs;
}

bool mg_sql_parses(const char *sql)
{
	if (!sql)
		return false;
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
	bool ok = r.error == NULL;
	pg_query_free_protobuf_parse_result(r);
	return ok;
}
