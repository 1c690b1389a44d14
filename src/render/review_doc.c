/*
 * review_doc.c: the release review document (formats/review.md), written
 * once through the document writer and printed as Markdown or text.
 *
 *   summary  overall risk, the areas, changesets, runtime, releases
 *   A        risk assessment: each area with the figures and findings
 *            behind it, then every changeset with its locks and runtime
 *   B        review comments per migration: where it is, how it runs, the
 *            locks per table (what waits, how long, until when), its risk
 *            notes and its findings with their safe alternatives
 *   C        the phased rollout plan: steps per release and phase
 *   D        the backfill plan
 *   E        verification, on-call checklist and rollback per step
 *
 * Every changeset of the release appears in A and B, findings or not: a
 * reviewer signs off what is there, not only what a rule noticed.
 */
#include <string.h>

#include "migraph/engine.h"
#include "migraph/ignore.h"
#include "migraph/profile.h"
#include "render/review_int.h"

/* Code blocks longer than this fold away in Markdown (<details>). */
#define FOLD_LINES 15

typedef struct doc_ctx {
	rv_doc *d;
	const mg_plan *plan;
	const mg_analysis *analysis;
	const mg_project *project;
	rv_review r;
	const mg_review_options *opts;
} doc_ctx;

static void heading(rv_doc *d, int level, const char *text)
{
	rv_heading(d, level);
	rv_put(d, text);
	rv_heading_end(d);
}

static void para(rv_doc *d, const char *text)
{
	rv_para(d);
	rv_put(d, text);
	rv_para_end(d);
}

static void item(rv_doc *d, const char *text)
{
	rv_item(d, 0);
	rv_put(d, text);
	rv_item_end(d);
}

static size_t count_lines(const char *s)
{
	size_t n = 1;
	for (; s && *s; s++)
		n += *s == '\n' && s[1];
	return n;
}

/* A code block, folded in Markdown when long. */
static void sql_block(rv_doc *d, const char *what, const char *sql)
{
	if (!sql || !*sql)
		return;
	size_t lines = count_lines(sql);
	if (lines > FOLD_LINES) {
		mg_buf b = MG_BUF_INIT;
		mg_buf_printf(&b, "%s (%zu lines)", what, lines);
		rv_code_block(d, "sql", sql, mg_buf_cstr(&b));
		mg_buf_dispose(&b);
	} else {
		rv_code_block(d, "sql", sql, NULL);
	}
}

static void put_label(rv_doc *d, const mg_changeset *cs)
{
	mg_buf b = MG_BUF_INIT;
	rv_put_changeset_label(&b, cs);
	rv_put_buf(d, &b);
	mg_buf_dispose(&b);
}

/* In a step, beside its file:line: Liquibase's id::author without the file. */
static void put_step_origin(rv_doc *d, const mg_changeset *cs)
{
	if (mg_changeset_kind_is_flyway(cs->kind)) {
		put_label(d, cs);
		return;
	}
	rv_putf(d, "%s::%s", cs->id ? cs->id : "?", cs->author ? cs->author : "?");
}

static void put_relation(rv_doc *d, const mg_object *o)
{
	mg_buf b = MG_BUF_INIT;
	rv_put_relation(&b, o);
	rv_code(d, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
}

static void put_duration(rv_doc *d, double ms)
{
	mg_buf b = MG_BUF_INIT;
	rv_put_duration(&b, ms);
	rv_put_buf(d, &b);
	mg_buf_dispose(&b);
}

static void put_object(rv_doc *d, const mg_object *o)
{
	mg_buf b = MG_BUF_INIT;
	mg_object_put(&b, o);
	rv_code(d, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
}

/* "11 critical, 2 high" */
static void put_severity_counts(rv_doc *d, const size_t *counts)
{
	bool first = true;
	for (int s = MG_SEV_CRITICAL; s >= MG_SEV_INFO; s--) {
		if (!counts[s])
			continue;
		rv_putf(d, "%s%zu ", first ? "" : ", ", counts[s]);
		rv_severity(d, (mg_severity)s);
		first = false;
	}
}

static bool area_scored(const mg_area_score *a)
{
	return a->summary || a->n_reasons || a->n_findings || a->level != MG_SEV_INFO;
}

static mg_severity overall(const doc_ctx *c)
{
	/* The plan's own score when the assessment ran; never lower than the
	 * worst changeset: an unscored area must not hide a known risk. */
	return c->plan->overall > c->r.level ? c->plan->overall : c->r.level;
}

/* ---- Title and summary ------------------------------------------------------- */

static void release_selection(doc_ctx *c, mg_buf *b)
{
	const mg_analysis_options *o = &c->analysis->opts;
	if (o->since)
		mg_buf_printf(b, "everything after %s", o->since);
	else if (o->applied_file)
		mg_buf_printf(b, "what %s says is pending", o->applied_file);
	else if (o->git_base)
		mg_buf_printf(b, "what changed since %s", o->git_base);
	else
		mg_buf_puts(b, "everything loaded (no --since, --applied or --git-base)");
}

static void title(doc_ctx *c, bool plan_only)
{
	rv_doc *d = c->d;
	rv_heading(d, 1);
	rv_put(d, plan_only ? "Rollout plan" : "Release review");
	rv_heading_end(d);
	rv_para(d);
	const mg_project *p = c->project;
	mg_buf b = MG_BUF_INIT;
	rv_putf(d, "migraph %s, target %s %d, deploy strategy %s. Release under review: ",
	        MG_VERSION_STRING, mg_engine_name(p->engine.kind), p->engine.major,
	        mg_deploy_name(c->plan->deploy));
	release_selection(c, &b);
	rv_put_buf(d, &b);
	rv_put(d, ". Table sizes and traffic: ");
	if (c->analysis->opts.profile_file && c->analysis->profile) {
		rv_put(d, "from ");
		rv_code(d, c->analysis->opts.profile_file);
	} else {
		rv_put(d, "unknown (no --profile): runtimes and waits are not estimated, severities are "
		          "rule defaults");
	}
	rv_put(d, ".");
	rv_para_end(d);
	mg_buf_dispose(&b);
}

static void summary_row(rv_doc *d, const char *what)
{
	rv_cell(d);
	rv_put(d, what);
	rv_cell_end(d);
	rv_cell(d);
}

static size_t steps_in_phase(const mg_plan *plan, int release, mg_phase phase)
{
	size_t n = 0;
	for (size_t i = 0; i < plan->n_steps; i++)
		n += plan->steps[i]->release == release && plan->steps[i]->phase == phase;
	return n;
}

static void put_total_runtime(doc_ctx *c)
{
	rv_doc *d = c->d;
	const rv_review *r = &c->r;
	if (r->runtime_known || r->runtime_ms >= 1) {
		put_duration(d, r->runtime_ms);
		if (r->n_runtime_unknown)
			rv_putf(d, ", plus %zu changeset%s of unknown runtime", r->n_runtime_unknown,
			        r->n_runtime_unknown == 1 ? "" : "s");
		return;
	}
	rv_putf(d, "unknown for %zu changeset%s%s", r->n_runtime_unknown,
	        r->n_runtime_unknown == 1 ? "" : "s",
	        c->analysis->profile ? "" : " (no --profile: table sizes unknown)");
}

static void summary(doc_ctx *c, bool plan_only)
{
	rv_doc *d = c->d;
	const mg_plan *plan = c->plan;
	const rv_review *r = &c->r;
	static const char *const headers[] = {"", "assessment"};
	rv_table(d, 2, headers);
	summary_row(d, "Overall risk");
	rv_severity(d, overall(c));
	rv_cell_end(d);
	for (int a = 0; a < MG_AREA__COUNT && !plan_only; a++) {
		const mg_area_score *s = &plan->areas[a];
		mg_buf b = MG_BUF_INIT;
		mg_buf_printf(&b, "%c%s risk", mg_risk_area_name((mg_risk_area)a)[0] - 'a' + 'A',
		              mg_risk_area_name((mg_risk_area)a) + 1);
		summary_row(d, mg_buf_cstr(&b));
		mg_buf_dispose(&b);
		if (area_scored(s)) {
			rv_severity(d, s->level);
			if (s->because) {
				rv_put(d, ": ");
				rv_put(d, s->because);
			}
		} else {
			rv_put(d, "not scored");
		}
		rv_cell_end(d);
	}
	summary_row(d, "Changesets in the release");
	size_t not_run = 0;
	for (size_t i = 0; i < r->n_changesets; i++)
		not_run += !r->changesets[i].judged;
	rv_putf(d, "%zu of %zu loaded", r->n_changesets, c->project->n_changesets);
	if (not_run)
		rv_putf(d, " (%zu not run on this engine)", not_run);
	rv_cell_end(d);
	summary_row(d, "Expected total runtime");
	put_total_runtime(c);
	rv_cell_end(d);
	summary_row(d, "Releases");
	if (plan->n_releases > 1)
		rv_putf(d, "%d: the contract steps wait for a later release", plan->n_releases);
	else
		rv_put(d, "1");
	rv_cell_end(d);
	summary_row(d, "Plan");
	rv_putf(d, "%zu step%s", plan->n_steps, plan->n_steps == 1 ? "" : "s");
	bool first = true;
	for (int rel = 1; rel <= plan->n_releases; rel++)
		for (int ph = 0; ph < MG_PHASE__COUNT; ph++) {
			size_t n = steps_in_phase(plan, rel, (mg_phase)ph);
			if (!n)
				continue;
			rv_putf(d, "%s%s %zu", first ? " (" : ", ", mg_phase_name((mg_phase)ph), n);
			first = false;
		}
	if (!first)
		rv_put(d, ")");
	rv_putf(d, ", %zu backfill%s", plan->n_backfills, plan->n_backfills == 1 ? "" : "s");
	rv_cell_end(d);
	summary_row(d, "Findings");
	rv_putf(d, "%zu", c->analysis->n_findings - r->n_suppressed);
	if (c->analysis->n_findings > r->n_suppressed) {
		rv_put(d, ": ");
		put_severity_counts(d, r->severity_counts);
	}
	if (r->n_suppressed)
		rv_putf(d, "; %zu suppressed inline", r->n_suppressed);
	rv_cell_end(d);
	summary_row(d, "Input diagnostics");
	rv_putf(d, "%zu", c->project->diags.count);
	rv_cell_end(d);
	rv_table_end(d);
}

/* ---- A. Risk assessment -------------------------------------------------------- */

static void put_finding_ref(doc_ctx *c, const mg_finding *f)
{
	rv_doc *d = c->d;
	rv_severity(d, f->severity);
	rv_put(d, " ");
	rv_code(d, f->rule->id);
	rv_put(d, " at ");
	rv_location(d, &f->loc);
}

static void section_risk(doc_ctx *c)
{
	rv_doc *d = c->d;
	const mg_plan *plan = c->plan;
	heading(d, 2, "A. Risk assessment");
	for (int a = 0; a < MG_AREA__COUNT; a++) {
		const mg_area_score *s = &plan->areas[a];
		rv_heading(d, 3);
		const char *name = mg_risk_area_name((mg_risk_area)a);
		rv_putf(d, "%c%s: ", name[0] - 'a' + 'A', name + 1);
		if (area_scored(s))
			rv_severity(d, s->level);
		else
			rv_put(d, "not scored");
		rv_heading_end(d);
		if (!area_scored(s)) {
			rv_para(d);
			rv_put(d, "The plan carries no score for this area; the changesets below carry "
			          "their own risk.");
			rv_para_end(d);
			continue;
		}
		if (s->because)
			para(d, s->because);
		for (size_t i = 0; i < s->n_reasons; i++) {
			item(d, s->reasons[i]);
		}
		for (size_t i = 0; i < s->n_findings; i++) {
			if (s->findings[i] >= c->analysis->n_findings)
				continue;
			rv_item(d, 0);
			put_finding_ref(c, c->analysis->findings[s->findings[i]]);
			rv_item_end(d);
		}
		if (s->n_reasons || s->n_findings)
			rv_list_end(d);
	}

	heading(d, 3, "Changesets");
	if (!c->r.n_changesets) {
		para(d, "The release holds no changeset.");
		return;
	}
	static const char *const headers[] = {"#", "changeset", "risk", "locks that make traffic wait",
	                                      "expected runtime"};
	rv_table(d, 5, headers);
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < c->r.n_changesets; i++) {
		const rv_changeset *cs = &c->r.changesets[i];
		rv_cell(d);
		rv_putf(d, "%zu", i + 1);
		rv_cell_end(d);
		rv_cell(d);
		put_label(d, cs->cs);
		rv_cell_end(d);
		rv_cell(d);
		rv_severity(d, cs->level);
		rv_cell_end(d);
		rv_cell(d);
		bool any = false;
		for (size_t l = 0; l < cs->n_locks; l++) {
			const mg_table_risk *t = cs->locks[l].risk;
			if (t->new_in_release || !(t->blocks_reads || t->blocks_writes))
				continue;
			rv_put(d, any ? "; " : "");
			rv_putf(d, "%s on ", rv_lock_label(t->mode));
			put_relation(d, &t->table);
			rv_put(d, t->blocks_reads ? " (reads, writes" : " (writes");
			if (t->blocked_known) {
				rv_put(d, ", ");
				put_duration(d, t->blocked_ms);
			}
			rv_put(d, ")");
			any = true;
		}
		if (!any)
			rv_put(d, cs->judged ? "none" : "not run on this engine");
		rv_cell_end(d);
		rv_cell(d);
		mg_buf_clear(&b);
		if (!cs->judged)
			mg_buf_puts(&b, "none");
		else if (cs->risk && cs->risk->runtime_known)
			rv_put_duration(&b, cs->risk->runtime_ms);
		else
			mg_buf_puts(&b, "unknown");
		rv_put_buf(d, &b);
		rv_cell_end(d);
	}
	rv_table_end(d);
	mg_buf_dispose(&b);
}

/* ---- B. Review comments ---------------------------------------------------------- */

static void locks_table(doc_ctx *c, const rv_changeset *cs)
{
	rv_doc *d = c->d;
	static const char *const headers[] = {"table", "lock", "reads", "writes",
	                                      "traffic waits",  "held until"};
	rv_table(d, 6, headers);
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < cs->n_locks; i++) {
		const rv_table_lock *l = &cs->locks[i];
		const mg_table_risk *t = l->risk;
		rv_cell(d);
		put_relation(d, &t->table);
		rv_cell_end(d);
		rv_cell(d);
		rv_put(d, rv_lock_label(t->mode));
		rv_cell_end(d);
		rv_cell(d);
		rv_put(d, t->new_in_release ? "-" : t->blocks_reads ? "wait" : "continue");
		rv_cell_end(d);
		rv_cell(d);
		rv_put(d, t->new_in_release ? "-" : t->blocks_writes ? "wait" : "continue");
		rv_cell_end(d);
		rv_cell(d);
		if (t->new_in_release) {
			rv_put(d, "no traffic: new in this release");
		} else if (!t->blocks_reads && !t->blocks_writes) {
			rv_put(d, "nothing waits");
		} else if (t->blocked_known) {
			mg_buf_clear(&b);
			if (t->blocked_ms < 1)
				mg_buf_puts(&b, "briefly (catalog-only)");
			else
				rv_put_duration(&b, t->blocked_ms);
			if (t->queued_requests >= 1) {
				mg_buf_puts(&b, ", ~");
				mg_buf_put_count(&b, t->queued_requests);
				mg_buf_puts(&b, " requests queued");
			}
			rv_put_buf(d, &b);
		} else {
			rv_put(d, t->size_known ? "unknown (runtime unknown)" : "unknown (size unknown)");
		}
		rv_cell_end(d);
		rv_cell(d);
		if (l->until_commit) {
			rv_put(d, "commit");
			if (l->stmts_after)
				rv_putf(d, " (%zu later statement%s)", l->stmts_after,
				        l->stmts_after == 1 ? "" : "s");
		} else {
			rv_put(d, "statement end");
		}
		rv_cell_end(d);
	}
	rv_table_end(d);
	mg_buf_dispose(&b);
}

static void put_finding(doc_ctx *c, const mg_finding *f)
{
	rv_doc *d = c->d;
	rv_item(d, 0);
	if (f->suppressed_by) {
		rv_put(d, "suppressed inline");
		if (f->suppressed_by->reason) {
			rv_put(d, " (");
			rv_put(d, f->suppressed_by->reason);
			rv_put(d, ")");
		}
		rv_put(d, ": ");
	}
	put_finding_ref(c, f);
	rv_put(d, ": ");
	rv_put(d, f->message);
	size_t n = f->message ? strlen(f->message) : 0;
	if (n && f->message[n - 1] != '.')
		rv_put(d, ".");
	if (f->safe_alternative) {
		rv_put(d, " Safe alternative:");
		rv_code_block(d, "sql", f->safe_alternative, NULL);
	}
	rv_item_end(d);
}

static void comment_changeset(doc_ctx *c, size_t pos)
{
	rv_doc *d = c->d;
	const rv_changeset *rc = &c->r.changesets[pos];
	const mg_changeset *cs = rc->cs;
	rv_heading(d, 3);
	rv_putf(d, "%zu. ", pos + 1);
	put_label(d, cs);
	rv_heading_end(d);

	rv_para(d);
	rv_location(d, &cs->loc);
	rv_putf(d, " · %s %s · runs %s · %zu statement%s", mg_changeset_kind_is_flyway(cs->kind) ? "Flyway" : "Liquibase",
	        mg_changeset_kind_name(cs->kind), rv_transaction_mode(cs), cs->n_stmts,
	        cs->n_stmts == 1 ? "" : "s");
	if (c->plan && rc->n_steps) {
		rv_put(d, " · plan steps ");
		for (size_t i = 0; i < rc->n_steps; i++)
			rv_putf(d, "%s%s", i ? ", " : "", rv_step_id(c->plan->steps[rc->steps[i]]));
	}
	rv_para_end(d);

	rv_para(d);
	rv_strong(d, "Risk:");
	rv_put(d, " ");
	rv_severity(d, rc->level);
	rv_put(d, ". ");
	rv_strong(d, "Expected runtime:");
	rv_put(d, " ");
	mg_buf b = MG_BUF_INIT;
	rv_put_runtime(&b, rc);
	rv_put_buf(d, &b);
	mg_buf_dispose(&b);
	rv_put(d, ".");
	rv_para_end(d);

	if (rc->n_locks) {
		locks_table(c, rc);
	} else {
		para(d, rc->judged ? "Takes no lock on a table." : "Takes no lock: not run on this engine.");
	}

	size_t n_notes;
	const char **notes = rv_risk_notes(&c->r, rc, &n_notes);
	for (size_t i = 0; i < n_notes; i++) {
		item(d, notes[i]);
	}
	if (n_notes)
		rv_list_end(d);

	if (!rc->n_findings) {
		para(d, "No findings.");
		return;
	}
	rv_para(d);
	rv_strong(d, rc->n_findings == 1 ? "1 finding:" : "Findings:");
	rv_para_end(d);
	for (size_t i = 0; i < rc->n_findings; i++)
		put_finding(c, rc->findings[i]);
	rv_list_end(d);
}

static void put_diagnostic(rv_doc *d, const mg_diag *g)
{
	rv_item(d, 0);
	rv_severity(d, g->severity);
	rv_put(d, " ");
	rv_code(d, g->code);
	rv_put(d, " at ");
	rv_location(d, &g->loc);
	rv_put(d, ": ");
	rv_put(d, g->message);
	if (g->hint) {
		rv_put(d, " (hint: ");
		rv_put(d, g->hint);
		rv_put(d, ")");
	}
	rv_item_end(d);
}

static void section_comments(doc_ctx *c)
{
	rv_doc *d = c->d;
	heading(d, 2, "B. Review comments");
	for (size_t i = 0; i < c->r.n_changesets; i++)
		comment_changeset(c, i);
	if (c->r.n_other_findings) {
		heading(d, 3, "Findings outside the release's changesets");
		for (size_t i = 0; i < c->r.n_other_findings; i++)
			put_finding(c, c->r.other_findings[i]);
		rv_list_end(d);
	}
	const mg_diag_list *diags = &c->project->diags;
	if (diags->count) {
		rv_heading(d, 3);
		rv_putf(d, "Input diagnostics (%zu)", diags->count);
		rv_heading_end(d);
		for (size_t i = 0; i < diags->count; i++)
			put_diagnostic(d, diags->items[i]);
		rv_list_end(d);
	}
}

/* ---- C. Phased rollout plan --------------------------------------------------------- */

static const char *phase_intro(mg_phase ph)
{
	switch (ph) {
	case MG_PHASE_EXPAND:
		return "Additive changes that do not block traffic: new tables and columns, concurrent "
		       "indexes, constraints NOT VALID.";
	case MG_PHASE_DEPLOY:
		return "The new application version rolls out and works with both the old and the new "
		       "schema.";
	case MG_PHASE_BACKFILL:
		return "Data changes in small batches that commit one by one and can resume.";
	case MG_PHASE_VALIDATE:
		return "Checks of existing rows that no longer block writes: VALIDATE CONSTRAINT, SET "
		       "NOT NULL behind a valid CHECK.";
	case MG_PHASE_CONTRACT:
		return "Drops and the old halves of renames: only once every running version has "
		       "stopped using what they remove.";
	case MG_PHASE__COUNT:
		break;
	}
	return "";
}

static void put_step_locks(doc_ctx *c, const mg_plan_step *s)
{
	rv_doc *d = c->d;
	for (size_t i = 0; i < s->n_locks; i++) {
		rv_put(d, i ? ", " : "");
		rv_putf(d, "%s on ", rv_lock_label(s->locks[i].mode));
		put_relation(d, &s->locks[i].relation);
	}
	if (!s->n_locks)
		rv_put(d, "none on a table");
}

static void plan_step(doc_ctx *c, const mg_plan_step *s)
{
	rv_doc *d = c->d;
	const mg_changeset *cs = rv_step_changeset(c->plan, s);
	rv_item(d, s->index + 1);
	rv_strong(d, rv_step_id(s));
	rv_put(d, " ");
	rv_put(d, s->title ? s->title : mg_step_kind_name(s->kind));
	if (cs) {
		rv_put(d, " (");
		put_step_origin(d, cs);
		rv_put(d, ", ");
		rv_location(d, &s->loc);
		rv_put(d, ")");
	}
	rv_put(d, ". Risk ");
	rv_severity(d, s->risk);
	rv_put(d, s->rewritten ? "; rewritten from the original." : ".");

	if (s->why) {
		rv_item(d, 0);
		rv_put(d, "Why: ");
		rv_put(d, s->why);
		rv_item_end(d);
	}
	mg_buf b = MG_BUF_INIT;
	rv_item(d, 0);
	rv_put(d, "How: ");
	rv_put_step_how(&b, s);
	rv_put_buf(d, &b);
	if (s->retry) {
		rv_put(d, ". Retry: ");
		rv_put(d, s->retry);
	}
	rv_item_end(d);
	if (s->kind != MG_STEP_APP_DEPLOY) {
		rv_item(d, 0);
		rv_put(d, "Locks: ");
		put_step_locks(c, s);
		rv_put(d, ". Expected runtime: ");
		if (s->runtime_known)
			put_duration(d, s->runtime_ms);
		else
			rv_put(d, "unknown");
		if (s->runtime_assumption) {
			rv_put(d, " (");
			rv_put(d, s->runtime_assumption);
			rv_put(d, ")");
		}
		rv_item_end(d);
	}
	if (s->n_depends) {
		rv_item(d, 0);
		rv_put(d, "After: ");
		for (size_t i = 0; i < s->n_depends; i++) {
			size_t dep = s->depends_on[i];
			rv_put(d, i ? ", " : "");
			rv_put(d, dep < c->plan->n_steps ? rv_step_id(c->plan->steps[dep]) : "?");
			if (s->depends_objects) {
				rv_put(d, " (");
				put_object(d, &s->depends_objects[i]);
				rv_put(d, ")");
			}
		}
		rv_item_end(d);
	}
	if (s->backfill) {
		rv_item(d, 0);
		rv_put(d, "Runs the backfill of ");
		put_relation(d, &s->backfill->table);
		rv_put(d, " (section D).");
		rv_item_end(d);
	}
	if (!s->sql && (s->kind == MG_STEP_SQL || s->kind == MG_STEP_MANUAL))
		item(d, "No SQL text for this step: see its changeset.");
	mg_buf_dispose(&b);
	sql_block(d, "SQL", s->sql);
	rv_item_end(d);
}

static void section_rollout(doc_ctx *c)
{
	rv_doc *d = c->d;
	const mg_plan *plan = c->plan;
	heading(d, 2, "C. Phased rollout plan");
	rv_para(d);
	rv_putf(d, "%zu step%s in %d release%s, deploy strategy %s. Steps run in this order; a step "
	           "never runs before the steps it depends on (listed as \"After\").",
	        plan->n_steps, plan->n_steps == 1 ? "" : "s", plan->n_releases,
	        plan->n_releases == 1 ? "" : "s", mg_deploy_name(plan->deploy));
	rv_para_end(d);
	if (c->opts->diagram) {
		rv_para(d);
		rv_image(d, "rollout diagram", c->opts->diagram);
		rv_para_end(d);
	}
	for (int rel = 1; rel <= plan->n_releases; rel++) {
		rv_heading(d, 3);
		if (rel == 1)
			rv_put(d, "Release 1: this release");
		else
			rv_putf(d, "Release %d: a later release, once release %d is confirmed good", rel,
			        rel - 1);
		rv_heading_end(d);
		for (int ph = 0; ph < MG_PHASE__COUNT; ph++) {
			if (!steps_in_phase(plan, rel, (mg_phase)ph))
				continue;
			rv_heading(d, 4);
			const char *name = mg_phase_name((mg_phase)ph);
			rv_putf(d, "%c%s", name[0] - 'a' + 'A', name + 1);
			rv_heading_end(d);
			para(d, phase_intro((mg_phase)ph));
			for (size_t i = 0; i < plan->n_steps; i++) {
				const mg_plan_step *s = plan->steps[i];
				if (s->release == rel && (int)s->phase == ph)
					plan_step(c, s);
			}
			rv_list_end(d);
		}
	}
	if (!plan->n_steps) {
		para(d, "The plan has no steps: the release holds nothing to run.");
	}
}

/* ---- D. Backfill plan -------------------------------------------------------------- */

static void labelled_sql(rv_doc *d, const char *label, const char *sql)
{
	if (!sql)
		return;
	rv_para(d);
	rv_strong(d, label);
	rv_para_end(d);
	sql_block(d, label, sql);
}

static void backfill(doc_ctx *c, size_t index)
{
	rv_doc *d = c->d;
	const mg_backfill *b = c->plan->backfills[index];
	const mg_plan_step *step = NULL;
	for (size_t i = 0; i < c->plan->n_steps; i++)
		if (c->plan->steps[i]->backfill == b)
			step = c->plan->steps[i];
	rv_heading(d, 3);
	rv_putf(d, "Backfill %zu: ", index + 1);
	put_relation(d, &b->table);
	if (step)
		rv_putf(d, " (step %s)", rv_step_id(step));
	rv_heading_end(d);

	rv_item(d, 0);
	rv_put(d, "Sets ");
	rv_code(d, b->set_clause ? b->set_clause : "?");
	rv_put(d, " where ");
	rv_code(d, b->predicate ? b->predicate : "?");
	rv_put(d, " (a row already done is never touched again).");
	rv_item_end(d);
	rv_item(d, 0);
	if (b->key_known && b->key.count) {
		rv_put(d, "Pages by the key ");
		for (size_t i = 0; i < b->key.count; i++) {
			rv_put(d, i ? ", " : "");
			rv_code(d, b->key.items[i]);
		}
		rv_put(d, " (keyset pagination).");
	} else {
		rv_put(d, "No usable key to page by: the script says how it proceeds instead.");
	}
	rv_item_end(d);
	rv_item(d, 0);
	rv_put(d, "Rows: ");
	if (b->rows_known)
		rv_putf(d, "%llu", (unsigned long long)b->rows);
	else
		rv_put(d, "unknown");
	if (b->batch_size) {
		rv_putf(d, "; batches of %llu rows, a pause of ", (unsigned long long)b->batch_size);
		put_duration(d, b->pause_ms);
		rv_put(d, " between them");
	}
	rv_put(d, "; expected runtime ");
	if (b->runtime_known)
		put_duration(d, b->runtime_ms);
	else
		rv_put(d, "unknown");
	rv_put(d, ".");
	rv_item_end(d);
	if (b->sizing_reasoning) {
		rv_item(d, 0);
		rv_put(d, "Sizing: ");
		rv_put(d, b->sizing_reasoning);
		rv_item_end(d);
	}
	if (b->failure_handling) {
		rv_item(d, 0);
		rv_put(d, "When it fails: ");
		rv_put(d, b->failure_handling);
		rv_item_end(d);
	}
	rv_list_end(d);
	labelled_sql(d, "Replaces", b->source_sql);
	labelled_sql(d, "Setup (checkpoint and dead-letter tables)", b->setup_sql);
	labelled_sql(d, "Script", b->script_sql);
	labelled_sql(d, "Start or resume", b->run_sql);
	labelled_sql(d, "Progress", b->progress_sql);
	labelled_sql(d, "Verify (no rows when complete)", b->verify_sql);
	labelled_sql(d, "Clean up afterwards", b->cleanup_sql);
}

static void section_backfill(doc_ctx *c)
{
	rv_doc *d = c->d;
	heading(d, 2, "D. Backfill plan");
	if (!c->plan->n_backfills) {
		para(d, "No backfill: no step of the plan changes existing rows in batches.");
		return;
	}
	for (size_t i = 0; i < c->plan->n_backfills; i++)
		backfill(c, i);
}

/* ---- E. Verification and rollback ---------------------------------------------------- */

static void put_check(doc_ctx *c, const mg_check *k, size_t number)
{
	rv_doc *d = c->d;
	rv_item(d, number);
	rv_put(d, k->title ? k->title : "check");
	if (k->expect) {
		rv_put(d, ": expect ");
		rv_put(d, k->expect);
	}
	rv_put(d, ".");
	if (k->sql)
		sql_block(d, "Query", k->sql);
	rv_item_end(d);
}

static void checks_when(doc_ctx *c, mg_check_when when, const char *title, const char *none)
{
	rv_doc *d = c->d;
	const mg_plan *plan = c->plan;
	heading(d, 3, title);
	size_t n = 0;
	for (size_t i = 0; i < plan->n_checks; i++) {
		const mg_check *k = &plan->checks[i];
		if (k->when != when)
			continue;
		put_check(c, k, ++n);
	}
	if (when == MG_CHECK_POST_STEP) {
		for (size_t s = 0; s < plan->n_steps; s++) {
			const mg_plan_step *st = plan->steps[s];
			if (!st->verify_sql)
				continue;
			rv_item(d, ++n);
			rv_putf(d, "After %s: expect no rows.", rv_step_id(st));
			sql_block(d, "Query", st->verify_sql);
			rv_item_end(d);
		}
	}
	if (n) {
		rv_list_end(d);
	} else {
		para(d, none);
	}
}

static void rollback_step(doc_ctx *c, const mg_plan_step *s)
{
	rv_doc *d = c->d;
	rv_item(d, 0);
	rv_strong(d, rv_step_id(s));
	rv_put(d, " ");
	rv_put(d, s->title ? s->title : mg_step_kind_name(s->kind));
	rv_put(d, ": ");
	switch (s->reversibility) {
	case MG_REV_REVERSIBLE:
		rv_put(d, "reversible");
		break;
	case MG_REV_LOSSY:
		rv_strong(d, "lossy");
		rv_put(d, " (the rollback restores the shape, not the data)");
		break;
	case MG_REV_IRREVERSIBLE:
		rv_strong(d, "irreversible");
		break;
	}
	if (s->rollback_source) {
		rv_put(d, ", from ");
		rv_put(d, s->rollback_source);
	}
	if (s->hold_until_confirmed)
		rv_put(d, "; held back until the release is confirmed good");
	rv_put(d, ".");
	if (s->reversibility == MG_REV_IRREVERSIBLE) {
		rv_put(d, " Forward fix: ");
		rv_put(d, s->forward_fix ? s->forward_fix : "none given; decide before running it.");
	}
	if (s->rollback_sql)
		sql_block(d, "Rollback", s->rollback_sql);
	rv_item_end(d);
}

static void section_verify(doc_ctx *c)
{
	rv_doc *d = c->d;
	const mg_plan *plan = c->plan;
	heading(d, 2, "E. Verification and rollback");
	checks_when(c, MG_CHECK_PRE_DEPLOY, "Before the deploy",
	            "No pre-deploy check in the plan.");
	checks_when(c, MG_CHECK_POST_STEP, "After each step", "No per-step check in the plan.");
	checks_when(c, MG_CHECK_POST_DEPLOY, "After the release",
	            "No post-deploy check in the plan.");

	heading(d, 3, "On-call checklist");
	for (size_t i = 0; i < plan->n_oncall; i++) {
		rv_item(d, 0);
		if (d->syntax == RV_MARKDOWN)
			rv_checkbox(d);
		rv_put(d, plan->oncall[i]);
		rv_item_end(d);
	}
	if (plan->n_oncall) {
		rv_list_end(d);
	} else {
		para(d, "No on-call item in the plan.");
	}

	heading(d, 3, "Rollback, last step first");
	size_t n = 0;
	for (size_t i = plan->n_steps; i-- > 0;) {
		const mg_plan_step *s = plan->steps[i];
		if (s->kind == MG_STEP_APP_DEPLOY && s->reversibility == MG_REV_REVERSIBLE &&
		    !s->rollback_sql)
			continue;
		rollback_step(c, s);
		n++;
	}
	if (n)
		rv_list_end(d);
	else {
		para(d, "Nothing to take back.");
	}

	heading(d, 3, "Held back");
	n = 0;
	for (size_t i = 0; i < plan->n_steps; i++) {
		const mg_plan_step *s = plan->steps[i];
		if (!s->hold_until_confirmed && s->release == 1)
			continue;
		rv_item(d, 0);
		rv_strong(d, rv_step_id(s));
		rv_put(d, " ");
		rv_put(d, s->title ? s->title : mg_step_kind_name(s->kind));
		rv_putf(d, ": release %d, %s", s->release, mg_phase_name(s->phase));
		if (s->hold_until_confirmed)
			rv_put(d, ", only once the release is confirmed good");
		rv_put(d, ".");
		rv_item_end(d);
		n++;
	}
	if (n) {
		rv_list_end(d);
	} else {
		para(d, "No destructive step is held back.");
	}

	if (plan->n_notes) {
		heading(d, 3, "What the plan could not do");
		for (size_t i = 0; i < plan->n_notes; i++) {
			item(d, plan->notes[i]);
		}
		rv_list_end(d);
	}
}

static void render(mg_buf *out, const mg_plan *plan, const mg_review_options *opts,
                   rv_syntax syntax)
{
	static const mg_review_options defaults = {0};
	if (!opts)
		opts = &defaults;
	unsigned sections = opts->sections ? opts->sections : MG_REVIEW_ALL;
	rv_doc d;
	rv_doc_init(&d, out, syntax, opts->color);
	doc_ctx c = {.d = &d, .plan = plan, .analysis = plan->analysis,
	             .project = plan->analysis->project, .opts = opts};
	rv_review_build(&c.r, plan->analysis, plan);
	bool plan_only = !(sections & (MG_REVIEW_RISK | MG_REVIEW_COMMENTS));
	title(&c, plan_only);
	summary(&c, plan_only);
	if (sections & MG_REVIEW_RISK)
		section_risk(&c);
	if (sections & MG_REVIEW_COMMENTS)
		section_comments(&c);
	if (sections & MG_REVIEW_ROLLOUT)
		section_rollout(&c);
	if (sections & MG_REVIEW_BACKFILL)
		section_backfill(&c);
	if (sections & MG_REVIEW_VERIFY)
		section_verify(&c);
	rv_doc_finish(&d);
}

void mg_render_review_markdown(mg_buf *out, const mg_plan *plan, const mg_review_options *opts)
{
	render(out, plan, opts, RV_MARKDOWN);
}

void mg_render_review_text(mg_buf *out, const mg_plan *plan, const mg_review_options *opts)
{
	render(out, plan, opts, RV_TEXT);
}
