/*
 * analysis.c: running the rules and collecting findings.
 */
#include <stdlib.h>
#include <string.h>

#include "migraph/graph.h"
#include "migraph/load.h"
#include "migraph/profile.h"
#include "migraph/release.h"
#include "migraph/risk.h"
#include "migraph/rules.h"
#include "migraph/timeline.h"

void mg_analysis_init(mg_analysis *analysis, mg_project *project,
                      const mg_analysis_options *opts)
{
	memset(analysis, 0, sizeof *analysis);
	analysis->project = project;
	if (opts)
		analysis->opts = *opts;
}

void mg_analysis_prepare(mg_analysis *analysis)
{
	if (analysis->prepared)
		return;
	analysis->prepared = true;
	/* In pipeline order: release selection, the catalog (from --schema
	 * when given) replayed with the engine model, the graph. */
	mg_project *p = analysis->project;
	const mg_release_options ro = {
		.applied_file = analysis->opts.applied_file,
		.since = analysis->opts.since,
		.git_base = analysis->opts.git_base,
	};
	const mg_release *release = mg_release_select(p, &ro);
	mg_catalog *cat = mg_catalog_new(&p->arena, mg_project_default_schema(p));
	bool baseline = analysis->opts.schema_file &&
	                mg_baseline_load(p, cat, analysis->opts.schema_file) == 0;
	analysis->catalog = cat;
	const char *zone = analysis->profile ? analysis->profile->timezone : NULL;
	analysis->graph = mg_replay(p, cat, baseline, release->selected,
	                            !zone || mg_timezone_is_utc(zone));
	analysis->graph->release = release;
	/* Risk needs the engine's verdict on every operation, so it comes
	 * after the replay. */
	mg_risk_compute(analysis, analysis->profile);
}

void mg_analysis_run(mg_analysis *analysis)
{
	mg_analysis_prepare(analysis);
	for (size_t i = 0; i < mg_rule_count(); i++) {
		const mg_rule *rule = mg_rule_at(i);
		if (rule->run)
			rule->run(analysis, rule);
	}
	mg_analysis_sort(analysis);
}

mg_finding *mg_analysis_add_finding(mg_analysis *analysis, const mg_rule *rule,
                                    mg_severity severity, mg_loc loc, const mg_changeset *cs)
{
	mg_project *p = analysis->project;
	mg_finding *f = mg_arena_alloc(&p->arena, sizeof *f);
	f->rule = rule;
	f->severity = severity;
	f->loc = loc;
	if (cs) {
		f->has_changeset = true;
		f->changeset_index = cs->index;
	}
	mg_arena_push(&p->arena, (void ***)&analysis->findings, &analysis->n_findings,
	              &analysis->findings_cap, f);
	return f;
}

static int cmp_finding(const void *pa, const void *pb)
{
	const mg_finding *a = *(const mg_finding *const *)pa;
	const mg_finding *b = *(const mg_finding *const *)pb;
	size_t ia = a->has_changeset ? a->changeset_index : (size_t)-1;
	size_t ib = b->has_changeset ? b->changeset_index : (size_t)-1;
	if (ia != ib)
		return ia < ib ? -1 : 1;
	int c = strcmp(a->loc.file ? a->loc.file : "", b->loc.file ? b->loc.file : "");
	if (c)
		return c;
	if (a->loc.line != b->loc.line)
		return a->loc.line < b->loc.line ? -1 : 1;
	if (a->loc.col != b->loc.col)
		return a->loc.col < b->loc.col ? -1 : 1;
	c = strcmp(a->rule->id, b->rule->id);
	if (c)
		return c;
	return strcmp(a->message ? a->message : "", b->message ? b->message : "");
}

void mg_analysis_sort(mg_analysis *analysis)
{
	if (analysis->n_findings > 1)
		qsort(analysis->findings, analysis->n_findings, sizeof *analysis->findings,
		      cmp_finding);
}

int mg_analysis_max_severity(const mg_analysis *analysis)
{
	int max = mg_diag_list_max_severity(&analysis->project->diags);
	for (size_t i = 0; i < analysis->n_findings; i++)
		if ((int)analysis->findings[i]->severity > max)
			max = (int)analysis->findings[i]->severity;
	return max;
}
