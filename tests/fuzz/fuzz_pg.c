/*
 * fuzz_pg.c: the PostgreSQL front end (splitter, libpg_query, the tree
 * to operations).
 *
 * The first byte picks the mode the loaders can ask for: split at ';'
 * or the whole text as one statement (Liquibase splitStatements=false),
 * a custom end delimiter, and the engine's major version; the rest is
 * the script.  Every statement must carry a line inside the script.
 */
#include "fuzz_common.h"
#include "migraph/sql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	uint8_t mode = data[0];
	char *text = fz_cstr(data + 1, size - 1);
	size_t len = size - 1;
	uint32_t lines = 1;
	/* Lines as migraph counts them: a lone CR ends one too (old Mac
	 * files, and mixed endings). */
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n' || (text[i] == '\r' && (i + 1 >= len || text[i + 1] != '\n'));

	mg_project *p = mg_project_new();
	mg_engine_target eng = {MG_ENGINE_POSTGRESQL, 10 + (mode >> 4) % 9, 0};
	p->engine = eng;
	mg_changeset *cs = mg_project_add_changeset(p, MG_CS_FLYWAY_VERSIONED);
	mg_sql_options so;
	mg_sql_options_init(&so, eng);
	so.split_statements = !(mode & 1);
	if (mode & 2)
		so.end_delimiter = (mode & 4) ? "GO" : "/";
	if (mode & 8)
		so.max_statement_bytes = 64;
	mg_text t = {"fuzz.sql", text, len, NULL, 0};
	mg_sql_parse_script(p, cs, &t, &so);
	for (size_t i = 0; i < cs->n_stmts; i++) {
		const mg_statement *st = cs->stmts[i];
		if (st->loc.line > lines)
			abort();
		(void)mg_statement_is_non_transactional(st, &eng);
	}
	for (size_t i = 0; i < p->diags.count; i++)
		if (p->diags.items[i]->loc.line > lines)
			abort();
	mg_project_free(p);
	free(text);
	return 0;
}
