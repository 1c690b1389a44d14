/*
 * assure_helpers.h: a Flyway project written by the test, analysed with an
 * optional traffic profile and release selection, and its plan: for the
 * tests of the plan's rollbacks, checks and risk assessment.
 */
#ifndef MIGRAPH_TEST_ASSURE_HELPERS_H
#define MIGRAPH_TEST_ASSURE_HELPERS_H

#include "issue4_helpers.h"
#include "migraph/plan.h"
#include "migraph/profile.h"

typedef struct as_run {
	char *dir;
	mg_project *project;
	mg_analysis analysis;
	mg_arena scratch;
	mg_plan *plan;
} as_run;

/* files: name, content pairs (NULL-terminated); profile: YAML or NULL;
 * since: a Flyway version or NULL (everything is the release). */
static inline void as_plan(as_run *r, const char *const *files, const char *profile,
                           const char *since)
{
	r->dir = i4_project(files);
	mg_arena_init(&r->scratch);
	mg_load_options lo;
	mg_load_options_init(&lo);
	mg_engine_parse("postgresql:15", &lo.engine);
	const char *paths[] = {r->dir};
	r->project = mg_load_project(paths, 1, &lo);
	mg_analysis_options o = {0};
	o.since = since;
	mg_analysis_init(&r->analysis, r->project, &o);
	if (profile) {
		th_write(r->dir, "profile.yaml.txt", profile);
		char pp[4096];
		snprintf(pp, sizeof pp, "%s/profile.yaml.txt", r->dir);
		mg_diag_list d;
		mg_diag_list_init(&d, &r->scratch);
		r->analysis.profile = mg_profile_load(&r->scratch, pp, 0, &d);
		assert_non_null(r->analysis.profile);
	}
	mg_analysis_run(&r->analysis);
	r->plan = mg_plan_build(&r->analysis);
}

static inline void as_done(as_run *r)
{
	mg_project_free(r->project);
	mg_arena_free(&r->scratch);
	th_rmtree(r->dir);
}

/* The step whose SQL contains text. */
static inline mg_plan_step *as_step(const as_run *r, const char *text)
{
	for (size_t i = 0; i < r->plan->n_steps; i++)
		if (r->plan->steps[i]->sql && strstr(r->plan->steps[i]->sql, text))
			return r->plan->steps[i];
	fail_msg("no step with %s", text);
	return NULL;
}

/* The first check whose title contains text (and of the step, if given). */
static inline const mg_check *as_check(const as_run *r, const char *text, const mg_plan_step *s)
{
	for (size_t i = 0; i < r->plan->n_checks; i++) {
		const mg_check *c = &r->plan->checks[i];
		if (strstr(c->title, text) && (!s || (c->has_step && c->step == s->index)))
			return c;
	}
	return NULL;
}

#endif
