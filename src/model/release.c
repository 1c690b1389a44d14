/*
 * release.c: what the release selection modes share: their issues, and
 * columns of a history export found by name.  The modes are
 * release_applied.c and release_since.c here, on data already read, and
 * src/load/release_git.c, which reads the repository; src/load/release_inputs.c
 * reads the inputs and combines the modes.
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
