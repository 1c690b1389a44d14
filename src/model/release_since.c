/*
 * release_since.c: --since X, everything after a Flyway version or a
 * Liquibase tag (exclusive).
 *
 * Flyway versions compare as Flyway compares them (numerically, part by
 * part); repeatables are always in the release.  For Liquibase, X names
 * the tag of a tagDatabase change; the model keeps change type names,
 * not their attributes, so the tag value is read from the changeset's
 * own text (tag="X", tag: X, "tag": "X").  A changeset whose id is the
 * tag also matches, a common convention when the tag value is a property.
 */
#include <string.h>

#include "migraph/release.h"

static bool has_tag_change(const mg_changeset *cs)
{
	for (size_t i = 0; i < cs->n_change_types; i++)
		if (mg_str_eq(cs->change_types[i], "tagDatabase"))
			return true;
	return false;
}

/* The text of cs in its file: from its line to the next changeset of the
 * same file (or the end). */
static bool tag_in_text(const mg_project *p, const mg_changeset *cs, const char *tag,
                        mg_map *files)
{
	if (!cs->loc.file)
		return false;
	const char *data = mg_map_get(files, cs->loc.file);
	if (!data) {
		mg_file_data fd;
		if (mg_file_read(cs->loc.file, (size_t)256 << 20, &fd) != 0)
			return false;
		data = mg_arena_strndup(files->arena, fd.data, fd.len);
		mg_file_data_free(&fd);
		mg_map_put(files, cs->loc.file, (void *)data);
	}
	uint32_t end_line = UINT32_MAX;
	for (size_t i = cs->index + 1; i < p->n_changesets; i++) {
		const mg_changeset *n = p->changesets[i];
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
	size_t tl = strlen(tag);
	for (const char *q = s; q + 3 < e; q++) {
		if (strncmp(q, "tag", 3) != 0 || (q > s && (q[-1] == '_' || (q[-1] >= 'a' && q[-1] <= 'z') ||
		                                            (q[-1] >= 'A' && q[-1] <= 'Z'))))
			continue;
		const char *v = q + 3;
		if (*v == '"')
			v++;
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v != '=' && *v != ':')
			continue;
		v++;
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v == '"' || *v == '\'')
			v++;
		if ((size_t)(e - v) >= tl && strncmp(v, tag, tl) == 0 &&
		    (v[tl] == '"' || v[tl] == '\'' || v[tl] == '\n' || v[tl] == '\r' || v[tl] == ' ' ||
		     v[tl] == '/' || v[tl] == '>' || v[tl] == ',' || v[tl] == '}' || v[tl] == '\0'))
			return true;
	}
	return false;
}

void mg_release_since(mg_project *project, mg_release *rel, const char *since)
{
	if (project->format != MG_FORMAT_LIQUIBASE) {
		mg_version v;
		if (mg_version_parse(&project->arena, since, &v) != 0) {
			mg_diag_add(&project->diags, MG_SEV_HIGH, "release-since-invalid",
			            (mg_loc){NULL, 0, 0}, "--since %s is not a Flyway version", since);
			mg_release_add_issue(&project->arena, rel, MG_REL_BAD_INPUT, NULL,
			                     (mg_loc){NULL, 0, 0}, "bad --since");
			return;
		}
		for (size_t i = 0; i < project->n_changesets; i++) {
			mg_changeset *cs = project->changesets[i];
			if (cs->kind == MG_CS_FLYWAY_REPEATABLE ||
			    (cs->version.n_parts && mg_version_compare(&cs->version, &v) > 0))
				cs->flags |= MG_CSF_IN_RELEASE;
		}
		return;
	}
	mg_map files;
	mg_map_init(&files, &project->arena);
	size_t at = (size_t)-1;
	for (size_t i = 0; i < project->n_changesets; i++) {
		const mg_changeset *cs = project->changesets[i];
		if (has_tag_change(cs) && (mg_str_eq(cs->id, since) || tag_in_text(project, cs, since, &files)))
			at = i; /* the last tagging changeset with that tag */
	}
	if (at == (size_t)-1) {
		mg_diag_add(&project->diags, MG_SEV_HIGH, "release-since-tag-not-found",
		            (mg_loc){NULL, 0, 0},
		            "--since %s: no tagDatabase changeset has this tag; the release is empty",
		            since);
		mg_release_add_issue(&project->arena, rel, MG_REL_BAD_INPUT, NULL, (mg_loc){NULL, 0, 0},
		                     "tag not found");
		return;
	}
	for (size_t i = at + 1; i < project->n_changesets; i++)
		project->changesets[i]->flags |= MG_CSF_IN_RELEASE;
}
