/*
 * suppress.c: applying the `migraph:ignore` markers (ignore.h) to the
 * findings.
 *
 * A marker applies to the next anchor of its file.  In SQL (Flyway
 * scripts, formatted SQL, sqlFile) the anchors are the changesets and
 * statements the loaders recorded: the anchor's extent runs to the next
 * anchor, or, for a changeset (a formatted SQL `--changeset` line), over
 * the whole changeset.  In XML and YAML the scan found the anchor's lines
 * itself.  A finding is suppressed when its rule is named and its
 * location lies in the extent.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze/triage_int.h"

/* File names in locations are the paths as shown, markers carry the
 * path as opened; both are compared by the file they name. */
typedef struct file_ids {
	mg_map cache; /* name -> "dev:ino", or the name itself when it cannot be read */
	mg_arena *arena;
} file_ids;

static const char *file_id(file_ids *ids, const char *name)
{
	if (!name)
		return "";
	const char *id = mg_map_get(&ids->cache, name);
	if (id)
		return id;
	struct stat st;
	if (stat(name, &st) == 0)
		id = mg_arena_printf(ids->arena, "%llu:%llu", (unsigned long long)st.st_dev,
		                     (unsigned long long)st.st_ino);
	else
		id = mg_arena_strdup(ids->arena, name);
	mg_map_put(&ids->cache, name, (void *)id);
	return id;
}

static const char *marker_id(file_ids *ids, const mg_ignore_marker *m)
{
	if (m->has_id)
		return mg_arena_printf(ids->arena, "%llu:%llu", (unsigned long long)m->dev,
		                       (unsigned long long)m->ino);
	return file_id(ids, m->loc.file);
}

static int pos_cmp(uint32_t la, uint32_t ca, uint32_t lb, uint32_t cb)
{
	if (la != lb)
		return la < lb ? -1 : 1;
	return ca < cb ? -1 : ca > cb;
}

/* The extent a marker applies to. */
typedef struct extent {
	bool found;
	bool whole_changeset;   /* every finding of changeset cs */
	size_t cs;              /* the changeset holding the anchor */
	uint32_t line, col;     /* start (SQL) */
	bool bounded;
	uint32_t end_line, end_col; /* first position after it (SQL, when bounded) */
	bool lines;             /* XML/YAML: [line, end_line] */
} extent;

static void consider(extent *e, const mg_loc *at, const mg_ignore_marker *m, size_t cs,
                     bool is_cs)
{
	if (pos_cmp(at->line, at->col, m->loc.line, m->loc.col) <= 0)
		return;
	if (e->found && pos_cmp(at->line, at->col, e->line, e->col) >= 0)
		return;
	e->found = true;
	e->whole_changeset = is_cs;
	e->cs = cs;
	e->line = at->line;
	e->col = at->col;
}

static void bound(extent *e, const mg_loc *at)
{
	if (pos_cmp(at->line, at->col, e->line, e->col) <= 0)
		return;
	if (e->bounded && pos_cmp(at->line, at->col, e->end_line, e->end_col) >= 0)
		return;
	e->bounded = true;
	e->end_line = at->line;
	e->end_col = at->col;
}

static extent sql_extent(const mg_project *p, file_ids *ids, const mg_ignore_marker *m,
                         const char *mid)
{
	extent e = {0};
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < p->n_changesets; i++) {
			const mg_changeset *cs = p->changesets[i];
			bool cs_here = cs->loc.file && !strcmp(file_id(ids, cs->loc.file), mid);
			if (cs_here && cs->loc.line) {
				if (pass == 0)
					consider(&e, &cs->loc, m, i, true);
				else
					bound(&e, &cs->loc);
			}
			for (size_t s = 0; s < cs->n_stmts; s++) {
				const mg_statement *st = cs->stmts[s];
				if (!st->loc.file || !st->loc.line)
					continue;
				bool here = st->loc.file == cs->loc.file
				                    ? cs_here
				                    : !strcmp(file_id(ids, st->loc.file), mid);
				if (!here)
					continue;
				if (pass == 0)
					consider(&e, &st->loc, m, i, false);
				else
					bound(&e, &st->loc);
			}
		}
		if (!e.found)
			break;
	}
	return e;
}

static extent line_extent(const mg_project *p, file_ids *ids, const mg_ignore_marker *m,
                          const char *mid)
{
	extent e = {0};
	if (!m->anchor_line)
		return e;
	e.lines = true;
	e.line = m->anchor_line;
	e.end_line = m->end_line;
	/* The changeset the anchor is (or lies in): the last one of the
	 * file that starts at or before the anchor's end. */
	for (size_t i = 0; i < p->n_changesets; i++) {
		const mg_changeset *cs = p->changesets[i];
		if (!cs->loc.file || strcmp(file_id(ids, cs->loc.file), mid) ||
		    cs->loc.line > e.end_line)
			continue;
		if (!e.found || cs->loc.line >= p->changesets[e.cs]->loc.line) {
			e.found = true;
			e.cs = i;
		}
	}
	return e;
}

static bool in_extent(const extent *e, file_ids *ids, const char *mid, const mg_finding *f)
{
	if (e->whole_changeset)
		return f->has_changeset && f->changeset_index == e->cs;
	if (!f->loc.file || strcmp(file_id(ids, f->loc.file), mid))
		return false;
	if (e->lines)
		return f->loc.line >= e->line && f->loc.line <= e->end_line;
	if (pos_cmp(f->loc.line, f->loc.col, e->line, e->col) < 0)
		return false;
	return !e->bounded || pos_cmp(f->loc.line, f->loc.col, e->end_line, e->end_col) < 0;
}

/* Whether an unused marker is worth reporting: not when its changeset is
 * outside the release or filtered out, where no rule looks. */
static bool judged(const mg_project *p, const extent *e)
{
	if (!e->found)
		return true;
	const mg_changeset *cs = p->changesets[e->cs];
	return mg_changeset_in_release(cs);
}

static bool check_marker(mg_project *p, const mg_ignore_marker *m, bool *rule_known)
{
	bool ok = true;
	if (!m->n_rules) {
		mg_diag *d = mg_diag_add(&p->diags, MG_SEV_HIGH, "suppression-invalid", m->loc,
		                         "migraph:ignore names no rule");
		mg_diag_set_hint(&p->diags, d, "write migraph:ignore RULE[,RULE] reason");
		return false;
	}
	if (!m->reason) {
		mg_diag *d = mg_diag_add(&p->diags, MG_SEV_HIGH, "suppression-no-reason", m->loc,
		                         "migraph:ignore %s gives no reason: it suppresses nothing",
		                         m->rules[0]);
		mg_diag_set_hint(&p->diags, d,
		                 "say why the finding does not apply, after the rule ids");
		ok = false;
	}
	for (size_t r = 0; r < m->n_rules; r++) {
		rule_known[r] = mg_rule_find(m->rules[r]) != NULL;
		if (rule_known[r])
			continue;
		const char *near = mg_rule_suggest(m->rules[r]);
		mg_diag *d = mg_diag_add(&p->diags, MG_SEV_MEDIUM, "suppression-unknown-rule", m->loc,
		                         "migraph:ignore names unknown rule '%s'", m->rules[r]);
		if (near)
			mg_diag_set_hint(&p->diags, d, "did you mean '%s'?", near);
		else
			mg_diag_set_hint(&p->diags, d, "'migraph rules' lists the rule ids");
	}
	return ok;
}

void an_suppress_apply(mg_analysis *a, const mg_triage_options *o, mg_triage *t)
{
	mg_project *p = a->project;
	if (!p->n_ignores)
		return;
	file_ids ids = {.arena = &p->arena};
	mg_map_init(&ids.cache, &p->arena);
	for (size_t i = 0; i < p->n_ignores; i++) {
		mg_ignore_marker *m = p->ignores[i];
		bool known[64] = {0};
		m->used = mg_arena_alloc(&p->arena, (m->n_rules + 1) * sizeof *m->used);
		if (!check_marker(p, m, known))
			continue;
		const char *mid = marker_id(&ids, m);
		extent e = m->syntax == MG_IGNORE_SQL ? sql_extent(p, &ids, m, mid)
		                                      : line_extent(p, &ids, m, mid);
		if (e.found || e.lines) {
			for (size_t k = 0; k < a->n_findings; k++) {
				mg_finding *f = a->findings[k];
				if (f->suppressed_by || !in_extent(&e, &ids, mid, f))
					continue;
				for (size_t r = 0; r < m->n_rules; r++) {
					if (known[r] && mg_str_eq(m->rules[r], f->rule->id)) {
						f->suppressed_by = m;
						m->used[r]++;
						t->suppressed++;
						break;
					}
				}
			}
		}
		if (!judged(p, &e))
			continue;
		for (size_t r = 0; r < m->n_rules; r++) {
			if (!known[r] || m->used[r] || an_triage_rule_disabled(o, m->rules[r]))
				continue;
			mg_diag *d = mg_diag_add(
				&p->diags, MG_SEV_LOW, "suppression-unused", m->loc,
				"migraph:ignore %s suppresses nothing: %s", m->rules[r],
				e.found || e.lines ? "no such finding in the statement or changeset "
				                     "that follows"
				                   : "no statement, changeset or change follows it");
			mg_diag_set_hint(&p->diags, d,
			                 "remove the marker, or put it right before what the "
			                 "finding points at");
		}
	}
}
