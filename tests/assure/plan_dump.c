/*
 * plan_dump.c: the plan's rollbacks, checks, on-call list and risk areas
 * as JSON, for the tests that run them on a real PostgreSQL (run.py).
 * The review's own JSON (migraph plan --format json) is another
 * engineer's; this tool depends only on the plan's contract (plan.h).
 *
 *   plan_dump [--profile FILE] [--since X] PATH
 */
#include <stdio.h>
#include <string.h>

#include "migraph/load.h"
#include "migraph/plan.h"
#include "migraph/profile.h"
#include "migraph/sql.h"
#include "render/json_writer.h"

static const char *when_name(mg_check_when w)
{
	switch (w) {
	case MG_CHECK_PRE_DEPLOY: return "pre_deploy";
	case MG_CHECK_POST_STEP: return "post_step";
	case MG_CHECK_POST_DEPLOY: return "post_deploy";
	}
	return "?";
}

static void dump(mg_json *j, const mg_plan *plan)
{
	mg_json_begin_object(j);
	mg_json_kv_string(j, "overall", mg_severity_name(plan->overall));
	mg_json_key(j, "areas");
	mg_json_begin_array(j);
	for (int i = 0; i < MG_AREA__COUNT; i++) {
		const mg_area_score *a = &plan->areas[i];
		mg_json_begin_object(j);
		mg_json_kv_string(j, "area", mg_risk_area_name(a->area));
		mg_json_kv_string(j, "level", mg_severity_name(a->level));
		mg_json_kv_string(j, "summary", a->summary);
		mg_json_key(j, "reasons");
		mg_json_begin_array(j);
		for (size_t k = 0; k < a->n_reasons; k++)
			mg_json_string(j, a->reasons[k]);
		mg_json_end_array(j);
		mg_json_key(j, "findings");
		mg_json_begin_array(j);
		for (size_t k = 0; k < a->n_findings; k++)
			mg_json_int(j, (long long)a->findings[k]);
		mg_json_end_array(j);
		mg_json_end_object(j);
	}
	mg_json_end_array(j);
	mg_json_key(j, "steps");
	mg_json_begin_array(j);
	for (size_t i = 0; i < plan->n_steps; i++) {
		const mg_plan_step *s = plan->steps[i];
		mg_json_begin_object(j);
		mg_json_kv_string(j, "id", s->id);
		mg_json_kv_int(j, "release", s->release);
		mg_json_kv_string(j, "phase", mg_phase_name(s->phase));
		mg_json_kv_string(j, "kind", mg_step_kind_name(s->kind));
		mg_json_kv_string(j, "title", s->title);
		mg_json_kv_string(j, "sql", s->sql);
		mg_json_kv_bool(j, "in_transaction", s->in_transaction);
		mg_json_kv_string(j, "reversibility", mg_reversibility_name(s->reversibility));
		mg_json_kv_string(j, "rollback_sql", s->rollback_sql);
		mg_json_kv_string(j, "rollback_source", s->rollback_source);
		mg_json_kv_string(j, "rollback_note", s->rollback_note);
		mg_json_kv_string(j, "forward_fix", s->forward_fix);
		mg_json_kv_bool(j, "hold_until_confirmed", s->hold_until_confirmed);
		mg_json_end_object(j);
	}
	mg_json_end_array(j);
	mg_json_key(j, "checks");
	mg_json_begin_array(j);
	for (size_t i = 0; i < plan->n_checks; i++) {
		const mg_check *c = &plan->checks[i];
		mg_json_begin_object(j);
		mg_json_kv_string(j, "when", when_name(c->when));
		mg_json_kv_string(j, "title", c->title);
		mg_json_kv_string(j, "sql", c->sql);
		mg_json_kv_string(j, "expect", c->expect);
		if (c->has_step)
			mg_json_kv_string(j, "step", plan->steps[c->step]->id);
		mg_json_end_object(j);
	}
	mg_json_end_array(j);
	mg_json_key(j, "oncall");
	mg_json_begin_array(j);
	for (size_t i = 0; i < plan->n_oncall; i++)
		mg_json_string(j, plan->oncall[i]);
	mg_json_end_array(j);
	mg_json_key(j, "notes");
	mg_json_begin_array(j);
	for (size_t i = 0; i < plan->n_notes; i++)
		mg_json_string(j, plan->notes[i]);
	mg_json_end_array(j);
	mg_json_end_object(j);
}

int main(int argc, char **argv)
{
	const char *profile_file = NULL, *since = NULL, *path = NULL, *engine = "postgresql:15";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--profile") && i + 1 < argc)
			profile_file = argv[++i];
		else if (!strcmp(argv[i], "--since") && i + 1 < argc)
			since = argv[++i];
		else if (!strcmp(argv[i], "--engine") && i + 1 < argc)
			engine = argv[++i];
		else
			path = argv[i];
	}
	if (!path) {
		fprintf(stderr, "usage: plan_dump [--profile FILE] [--since X] [--engine E] PATH\n");
		return 2;
	}
	mg_arena scratch;
	mg_arena_init(&scratch);
	mg_diag_list pd;
	mg_diag_list_init(&pd, &scratch);
	const mg_profile *profile = profile_file ? mg_profile_load(&scratch, profile_file, 0, &pd) : NULL;
	mg_load_options lo;
	mg_load_options_init(&lo);
	mg_engine_parse(engine, &lo.engine);
	const char *paths[] = {path};
	mg_project *p = mg_load_project(paths, 1, &lo);
	mg_analysis_options o = {0};
	o.since = since;
	mg_analysis a;
	mg_analysis_init(&a, p, &o);
	a.profile = profile;
	mg_analysis_run(&a);
	mg_plan *plan = mg_plan_build(&a);
	mg_buf out = MG_BUF_INIT;
	mg_json j;
	mg_json_init(&j, &out, true);
	dump(&j, plan);
	fwrite(out.data, 1, out.len, stdout);
	putchar('\n');
	mg_buf_dispose(&out);
	mg_project_free(p);
	mg_arena_free(&scratch);
	mg_sql_shutdown();
	return 0;
}
