/*
 * plan_json.c: the plan in the JSON report (`review` and `plan` with
 * --format json), formats/report.md "Plan".
 *
 * Every field of plan.h is written, by its name in snake_case; what is
 * unknown is null, never 0.  Steps refer to each other by id ("s3") and
 * to changesets and findings by their index in the report's arrays.
 * "changesets" is the review's per-changeset part: for every changeset
 * of the release the locks it takes, what waits, for how long and until
 * when, its runtime with the assumption, its risk notes and findings.
 */
#include <math.h>

#include "migraph/engine.h"
#include "render/review_int.h"

/* key: value, or key: null when it is not known. */
static void kv_int_known(rnd_json *j, const char *key, bool known, long long value)
{
	rnd_json_key(j, key);
	if (known)
		rnd_json_int(j, value);
	else
		rnd_json_null(j);
}

static void kv_ms(rnd_json *j, const char *key, bool known, double ms)
{
	kv_int_known(j, key, known, known ? llround(ms) : 0);
}

static void kv_relation(rnd_json *j, const char *key, const mg_object *o)
{
	mg_buf b = MG_BUF_INIT;
	rv_put_relation(&b, o);
	rnd_json_kv_string(j, key, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
}

static void write_strings(rnd_json *j, const char *key, const char *const *items, size_t n)
{
	rnd_json_key(j, key);
	rnd_json_begin_array(j);
	for (size_t i = 0; i < n; i++)
		rnd_json_string(j, items[i]);
	rnd_json_end_array(j);
}

static long backfill_index(const mg_plan *plan, const mg_backfill *b)
{
	for (size_t i = 0; b && i < plan->n_backfills; i++)
		if (plan->backfills[i] == b)
			return (long)i;
	return -1;
}

static void write_step(rnd_json *j, const mg_plan *plan, const mg_plan_step *s)
{
	rnd_json_begin_object(j);
	rnd_json_kv_int(j, "index", (long long)s->index);
	rnd_json_kv_string(j, "id", rv_step_id(s));
	rnd_json_kv_string(j, "phase", mg_phase_name(s->phase));
	rnd_json_kv_int(j, "release", s->release);
	rnd_json_kv_string(j, "kind", mg_step_kind_name(s->kind));
	rnd_json_kv_string(j, "title", s->title);
	rnd_json_kv_string(j, "why", s->why);
	kv_int_known(j, "changeset_index", s->has_changeset, (long long)s->changeset);
	rnd_json_kv_string(j, "operation", s->op ? mg_op_kind_name(s->op->kind) : NULL);
	rnd_json_kv_string(j, "file", s->loc.file);
	kv_int_known(j, "line", s->loc.line, s->loc.line);
	kv_int_known(j, "column", s->loc.col, s->loc.col);
	rnd_json_kv_bool(j, "rewritten", s->rewritten);
	rnd_json_kv_string(j, "sql", s->sql);
	rnd_json_kv_bool(j, "in_transaction", s->in_transaction);
	kv_ms(j, "lock_timeout_ms", s->has_lock_timeout, s->lock_timeout_ms);
	kv_ms(j, "statement_timeout_ms", s->has_statement_timeout, s->statement_timeout_ms);
	rnd_json_kv_string(j, "retry", s->retry);
	rnd_json_key(j, "locks");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < s->n_locks; i++) {
		rnd_json_begin_object(j);
		kv_relation(j, "relation", &s->locks[i].relation);
		rnd_json_kv_string(j, "kind", mg_object_kind_name(s->locks[i].relation.kind));
		rnd_json_kv_string(j, "mode", mg_lock_mode_name(s->locks[i].mode));
		rnd_json_end_object(j);
	}
	rnd_json_end_array(j);
	kv_ms(j, "expected_runtime_ms", s->runtime_known, s->runtime_ms);
	rnd_json_kv_string(j, "runtime_assumption", s->runtime_assumption);
	rnd_json_kv_string(j, "risk", mg_severity_name(s->risk));
	rnd_json_kv_string(j, "verify_sql", s->verify_sql);
	rnd_json_kv_string(j, "reversibility", mg_reversibility_name(s->reversibility));
	rnd_json_kv_string(j, "rollback_sql", s->rollback_sql);
	rnd_json_kv_string(j, "rollback_source", s->rollback_source);
	rnd_json_kv_string(j, "forward_fix", s->forward_fix);
	rnd_json_kv_bool(j, "hold_until_confirmed", s->hold_until_confirmed);
	rnd_json_key(j, "backfill");
	long bi = backfill_index(plan, s->backfill);
	if (bi >= 0)
		rnd_json_int(j, bi);
	else
		rnd_json_null(j);
	rnd_json_key(j, "depends_on");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < s->n_depends; i++) {
		size_t d = s->depends_on[i];
		rnd_json_begin_object(j);
		rnd_json_kv_string(j, "step", d < plan->n_steps ? rv_step_id(plan->steps[d]) : NULL);
		rnd_json_kv_int(j, "index", (long long)d);
		rnd_json_key(j, "object");
		rv_json_object(j, s->depends_objects ? &s->depends_objects[i] : NULL);
		rnd_json_end_object(j);
	}
	rnd_json_end_array(j);
	rnd_json_end_object(j);
}

static void write_backfill(rnd_json *j, const mg_plan *plan, size_t index)
{
	const mg_backfill *b = plan->backfills[index];
	rnd_json_begin_object(j);
	rnd_json_kv_int(j, "index", (long long)index);
	const char *step = NULL;
	for (size_t i = 0; i < plan->n_steps; i++)
		if (plan->steps[i]->backfill == b)
			step = rv_step_id(plan->steps[i]);
	rnd_json_kv_string(j, "step", step);
	rnd_json_key(j, "table");
	rv_json_object(j, &b->table);
	write_strings(j, "key", b->key.items, b->key.count);
	rnd_json_kv_bool(j, "key_known", b->key_known);
	rnd_json_kv_string(j, "set_clause", b->set_clause);
	rnd_json_kv_string(j, "predicate", b->predicate);
	rnd_json_kv_string(j, "source_sql", b->source_sql);
	kv_int_known(j, "rows", b->rows_known, (long long)b->rows);
	kv_int_known(j, "batch_size", b->batch_size, (long long)b->batch_size);
	kv_ms(j, "pause_ms", b->batch_size > 0, b->pause_ms);
	kv_ms(j, "expected_runtime_ms", b->runtime_known, b->runtime_ms);
	rnd_json_kv_string(j, "sizing_reasoning", b->sizing_reasoning);
	rnd_json_kv_string(j, "setup_sql", b->setup_sql);
	rnd_json_kv_string(j, "script_sql", b->script_sql);
	rnd_json_kv_string(j, "run_sql", b->run_sql);
	rnd_json_kv_string(j, "progress_sql", b->progress_sql);
	rnd_json_kv_string(j, "verify_sql", b->verify_sql);
	rnd_json_kv_string(j, "cleanup_sql", b->cleanup_sql);
	rnd_json_kv_string(j, "failure_handling", b->failure_handling);
	rnd_json_end_object(j);
}

static const char *check_when_name(mg_check_when w)
{
	switch (w) {
	case MG_CHECK_PRE_DEPLOY: return "pre_deploy";
	case MG_CHECK_POST_STEP: return "post_step";
	case MG_CHECK_POST_DEPLOY: return "post_deploy";
	}
	return "unknown";
}

static void write_check(rnd_json *j, const mg_plan *plan, const mg_check *c)
{
	rnd_json_begin_object(j);
	rnd_json_kv_string(j, "when", check_when_name(c->when));
	rnd_json_kv_string(j, "title", c->title);
	rnd_json_kv_string(j, "sql", c->sql);
	rnd_json_kv_string(j, "expect", c->expect);
	rnd_json_kv_string(j, "step", c->has_step && c->step < plan->n_steps
	                                     ? rv_step_id(plan->steps[c->step])
	                                     : NULL);
	rnd_json_end_object(j);
}

static void write_area(rnd_json *j, const mg_area_score *a, mg_risk_area which)
{
	rnd_json_begin_object(j);
	rnd_json_kv_string(j, "area", mg_risk_area_name(which));
	rnd_json_kv_string(j, "level", mg_severity_name(a->level));
	rnd_json_kv_string(j, "summary", a->summary);
	write_strings(j, "reasons", a->reasons, a->n_reasons);
	rnd_json_key(j, "findings");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < a->n_findings; i++)
		rnd_json_int(j, (long long)a->findings[i]);
	rnd_json_end_array(j);
	rnd_json_end_object(j);
}

static void write_changeset(rnd_json *j, const rv_review *r, const rv_changeset *c)
{
	const mg_plan *plan = r->plan;
	rnd_json_begin_object(j);
	rnd_json_kv_int(j, "changeset_index", (long long)c->cs->index);
	mg_buf b = MG_BUF_INIT;
	rv_put_changeset_label(&b, c->cs);
	rnd_json_kv_string(j, "label", mg_buf_cstr(&b));
	rnd_json_kv_string(j, "file", c->cs->loc.file);
	rnd_json_kv_int(j, "line", c->cs->loc.line);
	rnd_json_kv_bool(j, "judged", c->judged);
	rnd_json_kv_string(j, "level", mg_severity_name(c->level));
	rnd_json_kv_bool(j, "run_in_transaction", c->cs->run_in_transaction);
	kv_ms(j, "expected_runtime_ms", c->judged && c->risk && c->risk->runtime_known,
	      c->risk ? c->risk->runtime_ms : 0);
	write_strings(j, "runtime_assumptions", c->assumptions, c->n_assumptions);
	mg_buf_clear(&b);
	rv_put_runtime(&b, c);
	rnd_json_kv_string(j, "runtime", mg_buf_cstr(&b));
	rnd_json_key(j, "locks");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < c->n_locks; i++) {
		const rv_table_lock *l = &c->locks[i];
		const mg_table_risk *t = l->risk;
		rnd_json_begin_object(j);
		kv_relation(j, "relation", &t->table);
		rnd_json_kv_string(j, "mode", mg_lock_mode_name(t->mode));
		rnd_json_kv_bool(j, "new_in_release", t->new_in_release);
		rnd_json_kv_bool(j, "blocks_reads", t->blocks_reads);
		rnd_json_kv_bool(j, "blocks_writes", t->blocks_writes);
		rnd_json_kv_string(j, "held_until", l->until_commit ? "commit" : "statement_end");
		rnd_json_kv_int(j, "statements_after", (long long)l->stmts_after);
		rnd_json_kv_bool(j, "size_known", t->size_known);
		bool waits = (t->blocks_reads || t->blocks_writes) && !t->new_in_release;
		kv_ms(j, "blocked_ms", waits && t->blocked_known, t->blocked_ms);
		rnd_json_key(j, "requests_queued");
		if (waits && t->blocked_known && (t->size_known || t->blocked_ms < 1))
			rnd_json_int(j, (long long)llround(t->queued_requests));
		else if (!waits)
			rnd_json_int(j, 0);
		else
			rnd_json_null(j);
		rnd_json_kv_bool(j, "lock_queue_risk", t->lock_queue_risk);
		mg_buf_clear(&b);
		rv_put_lock_note(&b, l);
		rnd_json_kv_string(j, "note", mg_buf_cstr(&b));
		rnd_json_end_object(j);
	}
	rnd_json_end_array(j);
	size_t n_notes;
	const char **notes = rv_risk_notes(r, c, &n_notes);
	write_strings(j, "notes", notes, n_notes);
	rnd_json_key(j, "findings");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < c->n_findings; i++)
		rnd_json_int(j, (long long)c->finding_index[i]);
	rnd_json_end_array(j);
	rnd_json_key(j, "steps");
	rnd_json_begin_array(j);
	for (size_t i = 0; plan && i < c->n_steps; i++)
		rnd_json_string(j, rv_step_id(plan->steps[c->steps[i]]));
	rnd_json_end_array(j);
	rnd_json_end_object(j);
	mg_buf_dispose(&b);
}

static void write_releases(rnd_json *j, const mg_plan *plan)
{
	rnd_json_key(j, "releases");
	rnd_json_begin_array(j);
	for (int rel = 1; rel <= plan->n_releases; rel++) {
		rnd_json_begin_object(j);
		rnd_json_kv_int(j, "release", rel);
		bool known = true;
		double ms = 0;
		rnd_json_key(j, "phases");
		rnd_json_begin_array(j);
		for (int ph = 0; ph < MG_PHASE__COUNT; ph++) {
			bool any = false;
			for (size_t i = 0; i < plan->n_steps && !any; i++)
				any = plan->steps[i]->release == rel && (int)plan->steps[i]->phase == ph;
			if (any)
				rnd_json_string(j, mg_phase_name((mg_phase)ph));
		}
		rnd_json_end_array(j);
		rnd_json_key(j, "steps");
		rnd_json_begin_array(j);
		for (size_t i = 0; i < plan->n_steps; i++) {
			const mg_plan_step *s = plan->steps[i];
			if (s->release != rel)
				continue;
			rnd_json_string(j, rv_step_id(s));
			if (s->kind == MG_STEP_APP_DEPLOY)
				continue;
			if (s->runtime_known)
				ms += s->runtime_ms;
			else
				known = false;
		}
		rnd_json_end_array(j);
		kv_ms(j, "expected_runtime_ms", known, ms);
		rnd_json_end_object(j);
	}
	rnd_json_end_array(j);
}

void rv_json_plan(rnd_json *j, const mg_plan *plan)
{
	rv_review r;
	rv_review_build(&r, plan->analysis, plan);
	rnd_json_key(j, "plan");
	rnd_json_begin_object(j);
	rnd_json_kv_string(j, "deploy", mg_deploy_name(plan->deploy));
	rnd_json_kv_string(j, "overall", mg_severity_name(plan->overall));
	rnd_json_kv_int(j, "n_releases", plan->n_releases);
	rnd_json_key(j, "areas");
	rnd_json_begin_array(j);
	for (int a = 0; a < MG_AREA__COUNT; a++)
		write_area(j, &plan->areas[a], (mg_risk_area)a);
	rnd_json_end_array(j);
	write_releases(j, plan);
	rnd_json_key(j, "steps");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < plan->n_steps; i++)
		write_step(j, plan, plan->steps[i]);
	rnd_json_end_array(j);
	rnd_json_key(j, "backfills");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < plan->n_backfills; i++)
		write_backfill(j, plan, i);
	rnd_json_end_array(j);
	rnd_json_key(j, "checks");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < plan->n_checks; i++)
		write_check(j, plan, &plan->checks[i]);
	rnd_json_end_array(j);
	write_strings(j, "oncall", plan->oncall, plan->n_oncall);
	write_strings(j, "notes", plan->notes, plan->n_notes);
	rnd_json_key(j, "changesets");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < r.n_changesets; i++)
		write_changeset(j, &r, &r.changesets[i]);
	rnd_json_end_array(j);
	rnd_json_key(j, "summary");
	rnd_json_begin_object(j);
	rnd_json_kv_int(j, "changesets", (long long)r.n_changesets);
	rnd_json_kv_int(j, "steps", (long long)plan->n_steps);
	rnd_json_kv_int(j, "backfills", (long long)plan->n_backfills);
	kv_ms(j, "expected_runtime_ms", r.runtime_known, r.runtime_ms);
	kv_ms(j, "known_runtime_ms", true, r.runtime_ms);
	rnd_json_kv_int(j, "changesets_runtime_unknown", (long long)r.n_runtime_unknown);
	rnd_json_end_object(j);
	rnd_json_end_object(j);
}

void mg_render_review_json(mg_buf *out, const mg_plan *plan, const mg_render_options *opts)
{
	rv_json_report(out, plan->analysis, opts, plan);
}
