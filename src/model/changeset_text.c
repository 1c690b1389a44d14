/*
 * changeset_text.c: a changeset's own lines in its source file.
 *
 * The model keeps what later stages need from a changeset, not its
 * source; a few questions are answered from the text itself (a Liquibase
 * tag value, whether a precondition guards the changeset, whether the
 * text changed since a git ref).  A changeset's text runs from its line
 * to the line where the next changeset of the same file starts.
 */
#include <string.h>

#include "migraph/release.h"

const char *mg_changeset_text(mg_project *project, const mg_changeset *cs, mg_map *cache,
                              size_t *len)
{
	*len = 0;
	if (!cs->loc.file || !cs->loc.line)
		return NULL;
	const char *data = mg_map_get(cache, cs->loc.file);
	if (!data) {
		mg_file_data fd;
		if (mg_file_read(cs->loc.file, (size_t)256 << 20, &fd) != 0)
			return NULL;
		data = mg_arena_strndup(&project->arena, fd.data, fd.len);
		mg_file_data_free(&fd);
		mg_map_put(cache, cs->loc.file, (void *)data);
	}
	uint32_t end_line = UINT32_MAX;
	for (size_t i = cs->index + 1; i < project->n_changesets; i++) {
		const mg_changeset *n = project->changesets[i];
		if (mg_str_eq(n->loc.file, cs->loc.file) && n->loc.line > cs->loc.line) {
			end_line = n->loc.line;
			break;
		}
	}
	uint32_t line = 1;
	const char *s = data;
	while (*s && line < cs->loc.line)
		if (*s++ == '\n')
			line++;
	const char *e = s;
	while (*e && line < end_line)
		if (*e++ == '\n')
			line++;
	*len = (size_t)(e - s);
	return s;
}

bool mg_changeset_has_preconditions(mg_project *project, const mg_changeset *cs, mg_map *cache)
{
	if (mg_changeset_kind_is_flyway(cs->kind))
		return false;
	size_t len;
	const char *t = mg_changeset_text(project, cs, cache, &len);
	static const char *const marks[] = {"preconditions", "precondition-"};
	for (size_t m = 0; t && m < 2; m++) {
		size_t ml = strlen(marks[m]);
		for (size_t i = 0; i + ml <= len; i++) {
			size_t k = 0;
			while (k < ml && (t[i + k] | 0x20) == marks[m][k])
				k++;
			if (k == ml)
				return true;
		}
	}
	return false;
}
