/*
 * front.c: choosing the SQL front end for the target engine.
 */
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
		return mg_other_engine_parse_script(project, cs, text, opts);
	return mg_pg_parse_script(project, cs, text, opts);
}
