/*
 * release.c: release selection, the CSV reader it needs and --since.
 *
 * Without a selection every changeset that runs is in the release.  With
 * one, each mode starts from "nothing" and adds what is pending, later,
 * or changed.  Filtered, not-applicable and ignored changesets never run,
 * so they are never in the release.
 */
#include <string.h>

#include "migraph/release.h"

mg_release_issue *mg_release_add_issue(mg_arena *arena, mg_release *rel,
                                       mg_release_issue_kind kind, const mg_changeset *cs,
                                       mg_loc loc, const char *detail)
{
	if (rel->n_issues == rel->issues_cap) {
		size_t ncap = rel->issues_cap ? rel->issues_cap * 2 : 16;
		rel->issues = mg_arena_grow(arena, rel->issues, sizeof *rel->issues, rel->n_issues, ncap);
		rel->issues_cap = ncap;
	}
	mg_release_issue *i = &rel->issues[rel->n_issues++];
	i->kind = kind;
	i->loc = loc;
	i->detail = detail;
	if (cs) {
		i->has_changeset = true;
		i->changeset = cs->index;
	}
	return i;
}

/* What a forward migration runs: never an undo script (only `flyway undo`
 * runs those, and the rollback rules judge them as rollbacks). */
static bool runs(const mg_changeset *cs)
{
	return !(cs->flags & (MG_CSF_FILTERED | MG_CSF_NOT_APPLICABLE | MG_CSF_IGNORED)) &&
	       cs->kind != MG_CS_FLYWAY_UNDO;
}

mg_release *mg_release_select(mg_project *project, const mg_analysis_options *opts)
{
	mg_release *rel = mg_arena_alloc(&project->arena, sizeof *rel);
	rel->selected = opts && (opts->applied_file || opts->since || opts->git_base);
	for (size_t i = 0; i < project->n_changesets; i++) {
		mg_changeset *cs = project->changesets[i];
		if (rel->selected || !runs(cs))
			cs->flags &= ~(unsigned)MG_CSF_IN_RELEASE;
		else
			cs->flags |= MG_CSF_IN_RELEASE;
	}
	if (!rel->selected)
		goto count;
	/* Each mode narrows the release: a changeset is in it when every given
	 * mode puts it there.  Modes mark in a scratch pass, then intersect. */
	unsigned *keep = mg_arena_alloc(&project->arena, (project->n_changesets + 1) * sizeof *keep);
	size_t modes = 0;
	const char *given[3] = {opts->applied_file, opts->since, opts->git_base};
	for (int m = 0; m < 3; m++) {
		if (!given[m])
			continue;
		modes++;
		for (size_t i = 0; i < project->n_changesets; i++)
			project->changesets[i]->flags &= ~(unsigned)MG_CSF_IN_RELEASE;
		if (m == 0)
			mg_release_applied(project, rel, given[m]);
		else if (m == 1)
			mg_release_since(project, rel, given[m]);
		else
			mg_release_git(project, rel, given[m]);
		for (size_t i = 0; i < project->n_changesets; i++)
			if (project->changesets[i]->flags & MG_CSF_IN_RELEASE)
				keep[i]++;
	}
	for (size_t i = 0; i < project->n_changesets; i++) {
		mg_changeset *cs = project->changesets[i];
		if (keep[i] == modes && runs(cs))
			cs->flags |= MG_CSF_IN_RELEASE;
		else
			cs->flags &= ~(unsigned)MG_CSF_IN_RELEASE;
	}
count:
	for (size_t i = 0; i < project->n_changesets; i++)
		if (project->changesets[i]->flags & MG_CSF_IN_RELEASE)
			rel->n_in_release++;
	return rel;
}

/* ---- CSV ---------------------------------------------------------------- */

int mg_csv_parse(mg_arena *arena, const char *data, size_t len, mg_csv *out)
{
	memset(out, 0, sizeof *out);
	if (len >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB &&
	    (unsigned char)data[2] == 0xBF) {
		data += 3;
		len -= 3;
	}
	char delim = ',';
	{
		size_t commas = 0, semis = 0, tabs = 0;
		for (size_t i = 0; i < len && data[i] != '\n'; i++) {
			commas += data[i] == ',';
			semis += data[i] == ';';
			tabs += data[i] == '\t';
		}
		if (!commas && semis)
			delim = ';';
		else if (!commas && tabs)
			delim = '\t';
	}
	size_t rows_cap = 0;
	mg_buf field = MG_BUF_INIT;
	const char **fields = NULL;
	size_t nf = 0, fcap = 0;
	uint32_t line = 1, row_line = 1;
	size_t i = 0;
	bool any = false;
	while (i <= len) {
		bool end_of_data = i == len;
		char c = end_of_data ? '\n' : data[i];
		if (!end_of_data && c == '"' && field.len == 0) {
			/* A quoted field: "" is a quote, newlines stay in it. */
			i++;
			for (;;) {
				if (i >= len)
					break;
				if (data[i] == '"') {
					if (i + 1 < len && data[i + 1] == '"') {
						mg_buf_putc(&field, '"');
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (data[i] == '\n')
					line++;
				mg_buf_putc(&field, data[i++]);
			}
			mg_buf_putc(&field, '\0');
			field.len--;
			any = true;
			continue;
		}
		if (c == delim || c == '\n' || (c == '\r' && i + 1 < len && data[i + 1] == '\n')) {
			const char *f = mg_arena_strndup(arena, field.data ? field.data : "", field.len);
			mg_arena_push(arena, (void ***)&fields, &nf, &fcap, (void *)f);
			mg_buf_clear(&field);
			if (c == '\r')
				i++;
			if (c != delim) {
				bool blank = nf == 1 && !*fields[0] && !any;
				if (!blank) {
					if (out->n_rows == rows_cap) {
						size_t ncap = rows_cap ? rows_cap * 2 : 16;
						out->rows = mg_arena_grow(arena, out->rows, sizeof *out->rows,
						                          out->n_rows, ncap);
						out->n_fields = mg_arena_grow(arena, out->n_fields,
						                              sizeof *out->n_fields, out->n_rows, ncap);
						out->lines = mg_arena_grow(arena, out->lines, sizeof *out->lines,
						                           out->n_rows, ncap);
						rows_cap = ncap;
					}
					out->rows[out->n_rows] = fields;
					out->n_fields[out->n_rows] = nf;
					out->lines[out->n_rows] = row_line;
					out->n_rows++;
				}
				fields = NULL;
				nf = fcap = 0;
				any = false;
				line++;
				row_line = line;
			}
			i++;
			continue;
		}
		mg_buf_putc(&field, c);
		any = true;
		i++;
	}
	mg_buf_dispose(&field);
	return out->n_rows ? 0 : -1;
}

int mg_csv_column(const mg_csv *csv, const char *name)
{
	if (!csv->n_rows)
		return -1;
	size_t nl = strlen(name);
	for (size_t i = 0; i < csv->n_fields[0]; i++) {
		const char *h = csv->rows[0][i];
		while (*h == ' ')
			h++;
		size_t n = strlen(h);
		while (n && (h[n - 1] == ' ' || h[n - 1] == '\r'))
			n--;
		if (n != nl)
			continue;
		size_t k = 0;
		while (k < n && (h[k] | 0x20) == (name[k] | 0x20))
			k++;
		if (k == n)
			return (int)i;
	}
	return -1;
}
