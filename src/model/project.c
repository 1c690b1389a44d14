/*
 * project.c: building the model.  Loaders append changesets, statements
 * and operations through these functions so that every allocation lands
 * in the project's arena.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "migraph/model.h"

mg_project *mg_project_new(void)
{
	mg_project *p = mg_xcalloc(1, sizeof *p);
	mg_arena_init(&p->arena);
	mg_diag_list_init(&p->diags, &p->arena);
	p->engine.kind = MG_ENGINE_POSTGRESQL;
	p->engine.major = MG_ENGINE_DEFAULT_MAJOR;
	p->max_file_bytes = MG_DEFAULT_MAX_FILE_BYTES;
	p->max_expansion = MG_EXPANSION_PER_FILE_SIZE * MG_DEFAULT_MAX_FILE_BYTES;
	return p;
}

int mg_project_read_given(mg_project *project, const char *path, const char *option,
                          const char *code, mg_file_data *out)
{
	int rc = mg_file_read(path, project->max_file_bytes, out);
	if (rc == 0)
		return 0;
	mg_loc at = {path, 0, 0};
	if (rc == -2)
		mg_diag_file_size(&project->diags, at, path, project->max_file_bytes);
	else
		mg_diag_add(&project->diags, MG_SEV_HIGH, code, at, "cannot read the %s file: %s",
		            option, strerror(errno));
	return -1;
}

bool mg_project_expand(mg_project *project, size_t bytes, mg_loc at, const char *then)
{
	if (bytes <= project->max_expansion - project->expanded) {
		project->expanded += bytes;
		return true;
	}
	if (!project->expansion_file || !at.file || strcmp(project->expansion_file, at.file) != 0) {
		project->expansion_file = at.file;
		mg_diag *d = mg_diag_add(&project->diags, MG_SEV_HIGH, "limit-expansion", at,
		                         "placeholders, properties and YAML aliases would expand past "
		                         "%zu bytes, the --max-expansion limit: %s",
		                         project->max_expansion, then);
		mg_diag_set_hint(&project->diags, d,
		                 "a value repeated without end, or a very large project: raise the "
		                 "limit with --max-expansion");
	}
	return false;
}

void mg_project_free(mg_project *project)
{
	if (!project)
		return;
	mg_arena_free(&project->arena);
	free(project);
}

mg_changeset *mg_project_add_changeset(mg_project *project, mg_changeset_kind kind)
{
	mg_changeset *cs = mg_arena_alloc(&project->arena, sizeof *cs);
	cs->kind = kind;
	cs->run_in_transaction = true;
	cs->fail_on_error = true;
	cs->index = project->n_changesets;
	mg_arena_push(&project->arena, (void ***)&project->changesets,
	              &project->n_changesets, &project->changesets_cap, cs);
	return cs;
}

bool mg_changeset_runs(const mg_changeset *cs)
{
	return !(cs->flags & (MG_CSF_FILTERED | MG_CSF_NOT_APPLICABLE | MG_CSF_IGNORED)) &&
	       cs->kind != MG_CS_FLYWAY_UNDO;
}

bool mg_changeset_in_release(const mg_changeset *cs)
{
	return (cs->flags & MG_CSF_IN_RELEASE) && mg_changeset_runs(cs);
}

void mg_project_add_skipped(mg_project *project, const char *file, const char *reason)
{
	if (project->n_skipped == project->skipped_cap) {
		size_t ncap = project->skipped_cap ? project->skipped_cap * 2 : 16;
		project->skipped = mg_arena_grow(&project->arena, project->skipped,
		                                 sizeof *project->skipped,
		                                 project->n_skipped, ncap);
		project->skipped_cap = ncap;
	}
	mg_skipped *s = &project->skipped[project->n_skipped++];
	s->file = mg_arena_strdup(&project->arena, file);
	s->reason = mg_arena_strdup(&project->arena, reason);
}

void mg_project_renumber(mg_project *project)
{
	for (size_t i = 0; i < project->n_changesets; i++)
		project->changesets[i]->index = i;
}

static mg_statement *new_statement(mg_project *project, mg_statement ***items,
                                   size_t *count, size_t *cap)
{
	mg_statement *st = mg_arena_alloc(&project->arena, sizeof *st);
	mg_arena_push(&project->arena, (void ***)items, count, cap, st);
	return st;
}

mg_statement *mg_changeset_add_statement(mg_project *project, mg_changeset *cs)
{
	return new_statement(project, &cs->stmts, &cs->n_stmts, &cs->stmts_cap);
}

mg_statement *mg_changeset_add_rollback_statement(mg_project *project, mg_changeset *cs)
{
	return new_statement(project, &cs->rollback, &cs->n_rollback, &cs->rollback_cap);
}

mg_operation *mg_statement_add_op(mg_project *project, mg_statement *stmt, mg_op_kind kind)
{
	mg_operation *op = mg_arena_alloc(&project->arena, sizeof *op);
	op->kind = kind;
	op->loc = stmt->loc;
	mg_arena_push(&project->arena, (void ***)&stmt->ops, &stmt->n_ops, &stmt->ops_cap, op);
	return op;
}

const mg_changeset *mg_project_undo_of(const mg_project *project, const mg_changeset *cs)
{
	if (!cs || cs->kind != MG_CS_FLYWAY_VERSIONED || !cs->version.n_parts)
		return NULL;
	/* Flyway sorts an undo right after the migration of its version. */
	for (size_t i = cs->index + 1; i < project->n_changesets; i++) {
		const mg_changeset *u = project->changesets[i];
		if (!u->version.n_parts || mg_version_compare(&u->version, &cs->version) != 0)
			break;
		if (u->kind == MG_CS_FLYWAY_UNDO)
			return u;
	}
	return NULL;
}
