/*
 * review_notes.c: the release as the review tells it, and the phrases
 * every format shares (see review_int.h).
 *
 * A changeset's locks come from the risk model (the strongest mode per
 * table and how long traffic waits for it); what this file adds is until
 * when each lock is held, which the reader needs to judge a migration: a
 * lock taken inside a transaction is released at commit, after every
 * later statement of that transaction, not when its own statement ends.
 */
#include <string.h>

#include "migraph/engine.h"
#include "render/review_int.h"

static bool in_release(const mg_changeset *cs)
{
	return (cs->flags & MG_CSF_IN_RELEASE) && !(cs->flags & MG_CSF_FILTERED);
}

static bool judged(const mg_changeset *cs)
{
	return !(cs->flags & (MG_CSF_NOT_APPLICABLE | MG_CSF_IGNORED));
}

static bool stmt_opaque(const mg_statement *st)
{
	if (st->parse_failed)
		return true;
	for (size_t k = 0; k < st->n_ops; k++)
		if (st->ops[k]->kind == MG_OP_OPAQUE)
			return true;
	return false;
}

/* For each statement, the last statement of its transaction, and whether
 * it runs in one: the changeset's own transaction, or BEGIN ... COMMIT
 * inside a script that runs without one (as the risk model reads it). */
static void transactions(mg_arena *a, const mg_changeset *cs, size_t **end_out, bool **in_out)
{
	size_t n = cs->n_stmts;
	size_t *end = mg_arena_alloc(a, (n ? n : 1) * sizeof *end);
	bool *in = mg_arena_alloc(a, (n ? n : 1) * sizeof *in);
	bool open = false;
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		end[i] = cs->run_in_transaction ? n - 1 : i;
		in[i] = cs->run_in_transaction;
		if (cs->run_in_transaction)
			continue;
		const mg_statement *st = cs->stmts[i];
		for (size_t k = 0; k < st->n_ops; k++) {
			if (st->ops[k]->kind == MG_OP_BEGIN) {
				open = true;
				start = i;
			} else if ((st->ops[k]->kind == MG_OP_COMMIT || st->ops[k]->kind == MG_OP_ROLLBACK) &&
			           open) {
				for (size_t j = start; j <= i; j++) {
					end[j] = i;
					in[j] = true;
				}
				open = false;
			}
		}
	}
	if (open)
		for (size_t j = start; j < n; j++) {
			end[j] = n - 1;
			in[j] = true;
		}
	*end_out = end;
	*in_out = in;
}

/* Until when each table's lock is held: the latest release point over
 * the statements that lock it.  A script may lock thousands of tables:
 * each lock finds its table through the risk model's index. */
static void lock_holds(rv_review *r, rv_changeset *c)
{
	mg_changeset_risk *cr = (mg_changeset_risk *)c->risk;
	if (!cr || !cr->n_tables)
		return;
	c->n_locks = cr->n_tables;
	c->locks = mg_arena_alloc(r->arena, c->n_locks * sizeof *c->locks);
	for (size_t i = 0; i < c->n_locks; i++)
		c->locks[i].risk = &cr->tables[i];
	size_t *end;
	bool *in;
	transactions(r->arena, c->cs, &end, &in);
	const mg_changeset *cs = c->cs;
	for (size_t s = 0; s < cs->n_stmts; s++) {
		const mg_statement *st = cs->stmts[s];
		for (size_t k = 0; k < st->n_ops; k++) {
			const mg_operation *op = st->ops[k];
			for (size_t l = 0; l < op->n_locks; l++) {
				const mg_object *rel = &op->locks[l].relation;
				const mg_table_risk *t = mg_risk_table(cr, rel->schema, rel->name);
				if (!t)
					continue;
				rv_table_lock *tl = &c->locks[t - cr->tables];
				if (in[s])
					tl->until_commit = true;
				if (end[s] - s > tl->stmts_after)
					tl->stmts_after = end[s] - s;
			}
		}
	}
}

/* The distinct assumptions behind the changeset's costly statements (a
 * script may hold thousands: duplicates are found through a map). */
static void collect_assumptions(rv_review *r, rv_changeset *c)
{
	const mg_changeset *cs = c->cs;
	size_t n = 0;
	for (size_t s = 0; c->risk && s < cs->n_stmts && s < c->risk->n_stmts; s++)
		n += c->risk->stmts[s].assumption != NULL;
	if (!n)
		return;
	c->assumptions = mg_arena_alloc(r->arena, n * sizeof *c->assumptions);
	mg_map seen;
	mg_map_init(&seen, r->arena);
	for (size_t s = 0; s < cs->n_stmts && s < c->risk->n_stmts; s++) {
		const mg_stmt_risk *sr = &c->risk->stmts[s];
		if (!sr->assumption || (sr->cost < MG_COST_SCAN && sr->runtime_known))
			continue;
		if (mg_map_get(&seen, sr->assumption))
			continue;
		mg_map_put(&seen, sr->assumption, (void *)1);
		c->assumptions[c->n_assumptions++] = sr->assumption;
	}
}

void rv_review_build(rv_review *r, const mg_analysis *analysis, const mg_plan *plan)
{
	memset(r, 0, sizeof *r);
	const mg_project *p = analysis->project;
	r->analysis = analysis;
	r->project = p;
	r->plan = plan;
	r->arena = (mg_arena *)&p->arena;
	r->position = mg_arena_alloc(r->arena, (p->n_changesets + 1) * sizeof *r->position);
	size_t n = 0;
	for (size_t i = 0; i < p->n_changesets; i++)
		n += in_release(p->changesets[i]);
	r->changesets = mg_arena_alloc(r->arena, (n ? n : 1) * sizeof *r->changesets);
	r->runtime_known = true;
	for (size_t i = 0; i < p->n_changesets; i++) {
		const mg_changeset *cs = p->changesets[i];
		if (!in_release(cs))
			continue;
		rv_changeset *c = &r->changesets[r->n_changesets++];
		r->position[i] = r->n_changesets;
		c->cs = cs;
		c->judged = judged(cs);
		c->risk = analysis->risk && analysis->risk[i].stmts ? &analysis->risk[i] : NULL;
		c->level = c->risk && c->judged ? c->risk->severity : MG_SEV_INFO;
		lock_holds(r, c);
		collect_assumptions(r, c);
		for (size_t s = 0; s < cs->n_stmts; s++)
			c->n_opaque += stmt_opaque(cs->stmts[s]);
		if (!c->judged)
			continue;
		if (c->risk && c->risk->runtime_known) {
			r->runtime_ms += c->risk->runtime_ms;
		} else {
			r->runtime_known = false;
			r->n_runtime_unknown++;
		}
	}
	/* Findings and steps per changeset: count, allocate, fill. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < analysis->n_findings; i++) {
			const mg_finding *f = analysis->findings[i];
			size_t at = f->has_changeset && f->changeset_index < p->n_changesets
			                    ? r->position[f->changeset_index]
			                    : 0;
			if (!at) {
				if (pass)
					r->other_findings[r->n_other_findings] = f;
				r->n_other_findings++;
				continue;
			}
			rv_changeset *c = &r->changesets[at - 1];
			if (pass) {
				c->findings[c->n_findings] = f;
				c->finding_index[c->n_findings] = i;
				if (f->severity > c->level && !f->suppressed_by)
					c->level = f->severity;
			}
			c->n_findings++;
		}
		for (size_t i = 0; plan && i < plan->n_steps; i++) {
			const mg_plan_step *s = plan->steps[i];
			size_t at = s->has_changeset && s->changeset < p->n_changesets
			                    ? r->position[s->changeset]
			                    : 0;
			if (!at)
				continue;
			rv_changeset *c = &r->changesets[at - 1];
			if (pass)
				c->steps[c->n_steps] = i;
			c->n_steps++;
		}
		if (pass)
			break;
		r->other_findings = mg_arena_alloc(r->arena, (r->n_other_findings + 1) *
		                                                 sizeof *r->other_findings);
		r->n_other_findings = 0;
		for (size_t i = 0; i < r->n_changesets; i++) {
			rv_changeset *c = &r->changesets[i];
			c->findings = mg_arena_alloc(r->arena, (c->n_findings + 1) * sizeof *c->findings);
			c->finding_index =
				mg_arena_alloc(r->arena, (c->n_findings + 1) * sizeof *c->finding_index);
			c->steps = mg_arena_alloc(r->arena, (c->n_steps + 1) * sizeof *c->steps);
			c->n_findings = c->n_steps = 0;
		}
	}
	for (size_t i = 0; i < analysis->n_findings; i++) {
		if (analysis->findings[i]->suppressed_by)
			r->n_suppressed++;
		else
			r->severity_counts[analysis->findings[i]->severity]++;
	}
	r->level = MG_SEV_INFO;
	for (size_t i = 0; i < r->n_changesets; i++)
		if (r->changesets[i].level > r->level)
			r->level = r->changesets[i].level;
}

const rv_changeset *rv_review_changeset(const rv_review *r, size_t changeset_index)
{
	if (changeset_index >= r->project->n_changesets || !r->position[changeset_index])
		return NULL;
	return &r->changesets[r->position[changeset_index] - 1];
}

/* ---- Phrases ------------------------------------------------------------ */

void rv_put_duration(mg_buf *out, double ms)
{
	if (ms < 1)
		mg_buf_puts(out, "under 1 ms");
	else
		mg_buf_put_duration(out, ms);
}

const char *rv_lock_label(mg_lock_mode mode)
{
	switch (mode) {
	case MG_LOCK_NONE: return "no lock";
	case MG_LOCK_ACCESS_SHARE: return "ACCESS SHARE";
	case MG_LOCK_ROW_SHARE: return "ROW SHARE";
	case MG_LOCK_ROW_EXCLUSIVE: return "ROW EXCLUSIVE";
	case MG_LOCK_SHARE_UPDATE_EXCLUSIVE: return "SHARE UPDATE EXCLUSIVE";
	case MG_LOCK_SHARE: return "SHARE";
	case MG_LOCK_SHARE_ROW_EXCLUSIVE: return "SHARE ROW EXCLUSIVE";
	case MG_LOCK_EXCLUSIVE: return "EXCLUSIVE";
	case MG_LOCK_ACCESS_EXCLUSIVE: return "ACCESS EXCLUSIVE";
	}
	return "?";
}

void rv_put_relation(mg_buf *out, const mg_object *o)
{
	/* Names are schema-qualified by the front end and locks by the engine,
	 * so a missing schema is written as missing, not guessed. */
	if (o->schema)
		mg_buf_printf(out, "%s.", o->schema);
	mg_buf_puts(out, o->name ? o->name : "?");
}

void rv_put_changeset_label(mg_buf *out, const mg_changeset *cs)
{
	if (mg_changeset_kind_is_flyway(cs->kind)) {
		if (cs->version.n_parts)
			mg_buf_printf(out, "V%s", cs->version.text);
		else
			mg_buf_puts(out, cs->kind == MG_CS_FLYWAY_REPEATABLE ? "R" : "-");
		if (cs->description && *cs->description)
			mg_buf_printf(out, " %s", cs->description);
		return;
	}
	mg_buf_printf(out, "%s::%s::%s", cs->filename ? cs->filename : "?", cs->id ? cs->id : "?",
	              cs->author ? cs->author : "?");
}

void rv_put_changeset_short(mg_buf *out, const mg_changeset *cs)
{
	if (mg_changeset_kind_is_flyway(cs->kind)) {
		if (cs->version.n_parts)
			mg_buf_printf(out, "V%s", cs->version.text);
		else
			mg_buf_printf(out, "R %s", cs->description ? cs->description : "");
		return;
	}
	mg_buf_puts(out, cs->id ? cs->id : "?");
}

void rv_put_lock_wait(mg_buf *out, const rv_table_lock *l)
{
	const mg_table_risk *t = l->risk;
	if (t->new_in_release) {
		mg_buf_puts(out, "new in this release: no traffic waits");
		return;
	}
	if (!t->blocks_reads && !t->blocks_writes) {
		mg_buf_puts(out, "reads and writes continue (only DDL and VACUUM on it wait)");
		return;
	}
	mg_buf_puts(out, t->blocks_reads ? "reads and writes wait" : "writes wait (reads continue)");
	if (t->blocked_known && t->blocked_ms < 1) {
		mg_buf_puts(out, " briefly (catalog-only)");
	} else if (t->blocked_known) {
		mg_buf_puts(out, " for ");
		rv_put_duration(out, t->blocked_ms);
	} else {
		mg_buf_printf(out, " for an unknown time (%s)",
		              t->size_known ? "a statement's runtime is unknown" : "table size unknown");
	}
	if (l->until_commit) {
		mg_buf_puts(out, ", until the transaction commits");
		if (l->stmts_after)
			mg_buf_printf(out, " (%zu later statement%s run%s meanwhile)", l->stmts_after,
			              l->stmts_after == 1 ? "" : "s", l->stmts_after == 1 ? "s" : "");
	} else {
		mg_buf_puts(out, ", until its statement ends");
	}
	if (t->blocked_known && t->queued_requests >= 1) {
		mg_buf_puts(out, "; ~");
		mg_buf_put_count(out, t->queued_requests);
		mg_buf_puts(out, " requests queued");
	}
}

void rv_put_lock_note(mg_buf *out, const rv_table_lock *l)
{
	mg_buf_printf(out, "%s on ", rv_lock_label(l->risk->mode));
	rv_put_relation(out, &l->risk->table);
	mg_buf_puts(out, ": ");
	rv_put_lock_wait(out, l);
}

static void put_assumptions(mg_buf *out, const rv_changeset *c)
{
	mg_buf_puts(out, " (");
	for (size_t i = 0; i < c->n_assumptions; i++)
		mg_buf_printf(out, "%s%s", i ? "; " : "", c->assumptions[i]);
	mg_buf_putc(out, ')');
}

void rv_put_runtime(mg_buf *out, const rv_changeset *c)
{
	if (!c->judged) {
		mg_buf_puts(out, "none (not run on this engine)");
		return;
	}
	if (!c->risk) {
		mg_buf_puts(out, "unknown (not estimated)");
		return;
	}
	if (!c->risk->runtime_known) {
		mg_buf_puts(out, "unknown");
		if (c->n_assumptions)
			put_assumptions(out, c);
		return;
	}
	rv_put_duration(out, c->risk->runtime_ms);
	if (c->n_assumptions)
		put_assumptions(out, c);
	else
		mg_buf_puts(out, " (catalog-only: instant once the locks are granted)");
}

const char *rv_transaction_mode(const mg_changeset *cs)
{
	return cs->run_in_transaction ? "in one transaction"
	                              : "outside a transaction (each statement commits on its own)";
}

static void push_note(mg_arena *a, const char ***notes, size_t *n, const char *text)
{
	*notes = mg_arena_grow(a, (void *)*notes, sizeof **notes, *n, *n + 1);
	(*notes)[(*n)++] = text;
}

const char **rv_risk_notes(const rv_review *r, const rv_changeset *c, size_t *n_out)
{
	mg_arena *a = r->arena;
	const char **notes = NULL;
	size_t n = 0;
	const mg_changeset *cs = c->cs;
	const mg_profile *profile = r->analysis->profile;
	mg_buf b = MG_BUF_INIT;
	if (!c->judged) {
		push_note(a, &notes, &n,
		          mg_arena_printf(a, "not run on this engine (%s): nothing in it is judged",
		                          cs->filter_reason ? cs->filter_reason : "not applicable"));
		*n_out = n;
		return notes;
	}
	const mg_changeset_risk *cr = c->risk;
	bool blocking = false;
	for (size_t i = 0; i < c->n_locks; i++) {
		const mg_table_risk *t = c->locks[i].risk;
		if (t->new_in_release || !(t->blocks_reads || t->blocks_writes))
			continue;
		blocking = true;
		if (t->lock_queue_risk && cr && !cr->lock_timeout_set) {
			mg_buf_clear(&b);
			mg_buf_printf(&b, "%s on ", rv_lock_label(t->mode));
			rv_put_relation(&b, &t->table);
			mg_buf_puts(&b, " is requested without lock_timeout: while it waits for a long "
			                "transaction");
			if (t->lock_wait_ms > 0) {
				mg_buf_puts(&b, " (");
				rv_put_duration(&b, t->lock_wait_ms);
				mg_buf_puts(&b, " in the profile)");
			}
			mg_buf_puts(&b, ", every later query on the table queues behind it");
			push_note(a, &notes, &n, mg_arena_strdup(a, mg_buf_cstr(&b)));
		}
		if (profile && !t->size_known) {
			mg_buf_clear(&b);
			mg_buf_puts(&b, "the size of ");
			rv_put_relation(&b, &t->table);
			mg_buf_puts(&b, " is not in the profile: how long traffic waits is unknown, not zero");
			push_note(a, &notes, &n, mg_arena_strdup(a, mg_buf_cstr(&b)));
		}
	}
	if (!blocking && c->n_locks)
		push_note(a, &notes, &n, "no lock it takes makes reads or writes of an existing table wait");
	if (!profile && blocking)
		push_note(a, &notes, &n,
		          "table sizes unknown (no --profile): how long traffic waits is not estimated");
	if (cr && cr->verdict == MG_SLO_EXCEEDED && profile) {
		double slo = profile->max_lock_ms.known ? profile->max_lock_ms.value : 2000;
		bool lock_over = false;
		for (size_t i = 0; i < c->n_locks; i++) {
			const mg_table_risk *t = c->locks[i].risk;
			lock_over |= !t->new_in_release && (t->blocks_reads || t->blocks_writes) &&
			             t->blocked_known && t->blocked_ms > slo;
		}
		bool lag_over = cr->replication_lag_known && profile->max_replication_lag_s.known &&
		                cr->replication_lag_s > profile->max_replication_lag_s.value;
		mg_buf_clear(&b);
		mg_buf_puts(&b, "exceeds the SLO: ");
		if (lock_over) {
			mg_buf_puts(&b, "traffic waits longer than the ");
			rv_put_duration(&b, slo);
			mg_buf_puts(&b, " a lock may be held");
		}
		if (lag_over)
			mg_buf_printf(&b, "%sreplicas lag more than the %.0f s allowed", lock_over ? ", and " : "",
			              profile->max_replication_lag_s.value);
		if (!lock_over && !lag_over)
			mg_buf_puts(&b, "the risk model's verdict");
		push_note(a, &notes, &n, mg_arena_strdup(a, mg_buf_cstr(&b)));
	}
	if (cr && cr->replication_lag_known && cr->replication_lag_s >= 1) {
		mg_buf_clear(&b);
		mg_buf_puts(&b, "rewrites ");
		if (cr->rewritten_bytes >= 1e9)
			mg_buf_printf(&b, "%.0f GB", cr->rewritten_bytes / 1e9);
		else
			mg_buf_printf(&b, "%.0f MB", cr->rewritten_bytes / 1e6);
		mg_buf_puts(&b, ": replicas fall behind by about ");
		rv_put_duration(&b, cr->replication_lag_s * 1000);
		push_note(a, &notes, &n, mg_arena_strdup(a, mg_buf_cstr(&b)));
	}
	if (c->n_opaque)
		push_note(a, &notes, &n,
		          mg_arena_printf(a,
		                          "%zu statement%s cannot be analysed (a DO block, a function "
		                          "body, code): review by hand",
		                          c->n_opaque, c->n_opaque == 1 ? "" : "s"));
	if (!cs->run_in_transaction && cs->n_stmts > 1)
		push_note(a, &notes, &n,
		          "runs outside a transaction: a failure leaves the statements before it applied");
	mg_buf_dispose(&b);
	*n_out = n;
	return notes;
}

/* ---- Steps ------------------------------------------------------------- */

static bool is_table(const mg_object *o)
{
	return o->kind == MG_OBJ_TABLE || o->kind == MG_OBJ_MATERIALIZED_VIEW;
}

/* The strongest lock, a table's before an index's: traffic waits on tables. */
const mg_lock *rv_step_main_lock(const mg_plan_step *s)
{
	const mg_lock *best = NULL;
	for (size_t i = 0; i < s->n_locks; i++) {
		const mg_lock *l = &s->locks[i];
		if (!best || (is_table(&l->relation) && !is_table(&best->relation)) ||
		    (is_table(&l->relation) == is_table(&best->relation) && l->mode > best->mode))
			best = l;
	}
	return best;
}

const mg_changeset *rv_step_changeset(const mg_plan *plan, const mg_plan_step *s)
{
	const mg_project *p = plan->analysis->project;
	return s->has_changeset && s->changeset < p->n_changesets ? p->changesets[s->changeset] : NULL;
}

const char *rv_step_id(const mg_plan_step *s)
{
	return s->id ? s->id : "s?";
}

void rv_put_step_how(mg_buf *out, const mg_plan_step *s)
{
	if (s->kind == MG_STEP_APP_DEPLOY) {
		mg_buf_puts(out, "application rollout, no SQL");
		return;
	}
	if (s->kind == MG_STEP_MANUAL) {
		mg_buf_puts(out, "by hand");
		if (!s->sql)
			return;
		mg_buf_puts(out, "; ");
	}
	mg_buf_puts(out, s->in_transaction ? "in a transaction" : "outside a transaction block");
	if (s->has_lock_timeout) {
		mg_buf_puts(out, "; lock_timeout ");
		rv_put_duration(out, s->lock_timeout_ms);
	} else {
		mg_buf_puts(out, "; no lock_timeout");
	}
	if (s->has_statement_timeout) {
		mg_buf_puts(out, "; statement_timeout ");
		if (s->statement_timeout_ms > 0)
			rv_put_duration(out, s->statement_timeout_ms);
		else
			mg_buf_puts(out, "none (explicitly)");
	}
}
