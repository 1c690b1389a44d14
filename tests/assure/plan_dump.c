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

static void dump(rnd_json *j, const mg_plan *plan)
{
	rnd_json_begin_object(j);
	rnd_json_kv_string(j, "overall", mg_severity_name(plan->overall));
	rnd_json_key(j, "areas");
	rnd_json_begin_array(j);
	for (int i = 0; i < MG_AREA__COUNT; i++) {
		const mg_area_score *a = &plan->areas[i];
		rnd_json_begin_object(j);
		rnd_json_kv_string(j, "area", mg_risk_area_name(a->area));
		rnd_json_kv_string(j, "level", mg_severity_name(a->level));
		rnd_json_kv_string(j, "summary", a->summary);
		rnd_json_key(j, "reasons");
		rnd_json_begin_array(j);
		for (size_t k = 0; k < a->n_reasons; k++)
			rnd_json_string(j, a->reasons[k]);
		rnd_json_end_array(j);
		rnd_json_key(j, "findings");
		rnd_json_begin_array(j);
		for (size_t k = 0; k < a->n_findings; k++)
			rnd_json_int(j, (long long)a->findings[k]);
		rnd_json_end_array(j);
		rnd_json_end_object(j);
	}
	rnd_json_end_array(j);
	rnd_json_key(j, "steps");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < plan->n_steps; i++) {
		const mg_plan_step *s = plan->steps[i];
		rnd_json_begin_object(j);
		rnd_json_kv_string(j, "id", s->id);
		rnd_json_kv_int(j, "release", s->release);
		rnd_json_kv_string(j, "phase", mg_phase_name(s->phase));
		rnd_json_kv_string(j, "kind", mg_step_kind_name(s->kind));
		rnd_json_kv_string(j, "title", s->title);
		rnd_json_kv_string(j, "sql", s->sql);
		rnd_json_kv_bool(j, "in_transaction", s->in_transaction);
		rnd_json_kv_string(j, "reversibility", mg_reversibility_name(s->reversibility));
		rnd_json_kv_string(j, "rollback_sql", s->rollback_sql);
		rnd_json_kv_string(j, "rollback_source", s->rollback_source);
		rnd_json_kv_string(j, "rollback_note", s->rollback_note);
		rnd_json_kv_string(j, "forward_fix", s->forward_fix);
		rnd_json_kv_bool(j, "hold_until_confirmed", s->hold_until_confirmed);
		rnd_json_end_object(j);
	}
	rnd_json_end_array(j);
	rnd_json_key(j, "checks");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < plan->n_checks; i++) {
		const mg_check *c = &plan->checks[i];
		rnd_json_begin_object(j);
		rnd_json_kv_string(j, "when", when_name(c->when));
		rnd_json_kv_string(j, "title", c->title);
		rnd_json_kv_string(j, "sql", c->sql);
		rnd_json_kv_string(j, "expect", c->expect);
		if (c->has_step)
			rnd_json_kv_string(j, "step", plan->steps[c->step]->id);
		rnd_json_end_object(j);
	}
	rnd_json_end_array(j);
	rnd_json_key(j, "oncall");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < plan->n_oncall; i++)
		rnd_json_string(j, plan->oncall[i]);
	rnd_json_end_array(j);
	rnd_json_key(j, "notes");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < plan->n_notes; i++)
		rnd_json_string(j, plan->notes[i]);
	rnd_json_end_array(j);
	rnd_json_end_object(j);
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
	rnd_json j;
	rnd_json_init(&j, &out, true);
	dump(&j, plan);
	fwrite(out.data, 1, out.len, stdout);
	putchar('\n');
	mg_buf_dispose(&out);
	mg_project_free(p);
	mg_arena_free(&scratch);
	mg_sql_shutdown();
	return 0;
}
