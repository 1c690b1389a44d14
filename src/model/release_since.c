/*
 * release_since.c: --since X, everything after a Flyway version or a
 * Liquibase tag (exclusive).
 *
 * Flyway versions compare as Flyway compares them (numerically, part by
 * part); repeatables are always in the release.  For Liquibase, X names
 * the tag of a tagDatabase change (the loader records it on the
 * changeset).  A changeset whose id is the tag also matches, a common
 * convention when the tag value is a property.
 */
#include <string.h>

#include "migraph/release.h"


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
	size_t at = (size_t)-1;
	for (size_t i = 0; i < project->n_changesets; i++) {
		const mg_changeset *cs = project->changesets[i];
		if (cs->tag && (mg_str_eq(cs->tag, since) || mg_str_eq(cs->id, since)))
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
