/*
 * release_inputs.c: release selection with its inputs read.
 *
 * Without a selection every changeset that runs is in the release.  With
 * one, each mode starts from "nothing" and adds what is pending (--applied,
 * its CSV read by history.c and matched by the model), later (--since) or
 * changed (--git-base, release_git.c); a changeset is in the release when
 * every given mode puts it there.  Filtered, not-applicable and ignored
 * changesets never run, so they are never in the release.
 */
#include "migraph/load.h"

/* Runs one mode: --applied, --since or --git-base. */
static void run_mode(mg_project *project, mg_release *rel, int mode, const char *arg)
{
	if (mode == 1) {
		mg_release_since(project, rel, arg);
		return;
	}
	if (mode == 2) {
		mg_release_git(project, rel, arg);
		return;
	}
	mg_csv csv;
	int rc = mg_history_read(project, arg, &csv);
	if (rc == 0)
		mg_release_applied(project, rel, arg, &csv);
	else if (rc == -1)
		mg_release_add_issue(&project->arena, rel, MG_REL_BAD_INPUT, NULL, (mg_loc){arg, 0, 0},
		                     "cannot read the --applied file");
}

mg_release *mg_release_select(mg_project *project, const mg_release_options *opts)
{
	mg_release *rel = mg_arena_alloc(&project->arena, sizeof *rel);
	rel->selected = opts && (opts->applied_file || opts->since || opts->git_base);
	for (size_t i = 0; i < project->n_changesets; i++) {
		mg_changeset *cs = project->changesets[i];
		if (rel->selected || !mg_changeset_runs(cs))
			cs->flags &= ~(unsigned)MG_CSF_IN_RELEASE;
		else
			cs->flags |= MG_CSF_IN_RELEASE;
	}
	if (!rel->selected)
		goto count;
	/* Modes mark in a scratch pass, then intersect. */
	unsigned *keep = mg_arena_alloc(&project->arena, (project->n_changesets + 1) * sizeof *keep);
	size_t modes = 0;
	const char *given[3] = {opts->applied_file, opts->since, opts->git_base};
	for (int m = 0; m < 3; m++) {
		if (!given[m])
			continue;
		modes++;
		for (size_t i = 0; i < project->n_changesets; i++)
			project->changesets[i]->flags &= ~(unsigned)MG_CSF_IN_RELEASE;
		run_mode(project, rel, m, given[m]);
		for (size_t i = 0; i < project->n_changesets; i++)
			if (project->changesets[i]->flags & MG_CSF_IN_RELEASE)
				keep[i]++;
	}
	for (size_t i = 0; i < project->n_changesets; i++) {
		mg_changeset *cs = project->changesets[i];
		if (keep[i] == modes && mg_changeset_runs(cs))
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
