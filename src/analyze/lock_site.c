/*
 * lock_site.c: see lock_site.h.
 */
#include <math.h>
#include <string.h>

#include "analyze/lock_site.h"
#include "migraph/graph.h"
#include "migraph/timeline.h"

static bool under_review(const mg_changeset *cs)
{
	return mg_changeset_in_release(cs);
}

/* Suffix counts of statements doing real work, so a rule can ask "does
 * anything heavy follow?" in O(1). */
static const size_t *work_after(mg_analysis *a, const mg_changeset_risk *cr, size_t n)
{
	if (!cr || !cr->stmts || cr->n_stmts != n)
		return NULL;
	size_t *after = mg_arena_alloc(&a->project->arena, (n + 1) * sizeof *after);
	for (size_t i = n; i-- > 0;) {
		mg_cost_kind c = cr->stmts[i].cost;
		after[i] = after[i + 1] + (c != MG_COST_NONE && c != MG_COST_METADATA);
	}
	/* after[i] counts statement i itself; shift so it means "after i". */
	for (size_t i = 0; i < n; i++)
		after[i] = after[i + 1];
	return after;
}

void lk_each_op(mg_analysis *a, const mg_rule *rule, lk_fn fn)
{
	lk_each_op_with(a, rule, fn, NULL);
}

void lk_each_op_with(mg_analysis *a, const mg_rule *rule, lk_fn fn, void *user)
{
	mg_project *p = a->project;
	const mg_timeline *tl = a->graph ? a->graph->timeline : NULL;
	for (size_t c = 0; c < p->n_changesets; c++) {
		mg_changeset *cs = p->changesets[c];
		if (!under_review(cs))
			continue;
		lk_site s = {.a = a, .rule = rule, .cs = cs, .cr = a->risk ? &a->risk[c] : NULL};
		mg_map_init(&s.seen, &p->arena);
		s.user = user;
		s.work_after = work_after(a, s.cr, cs->n_stmts);
		for (size_t i = 0; i < cs->n_stmts; i++) {
			mg_statement *st = cs->stmts[i];
			const mg_timeline_entry *e = mg_timeline_at(tl, c, i);
			s.stmt_index = i;
			s.st = st;
			s.in_explicit_txn = e && e->explicit_block;
			s.lock_timeout_before = e && mg_setting_enabled_by(&e->lock_timeout, c);
			for (size_t k = 0; k < st->n_ops; k++) {
				s.op = st->ops[k];
				fn(&s);
			}
		}
	}
}

mg_table_risk *lk_table_risk(const lk_site *s, const mg_object *table)
{
	if (!s->cr || !table)
		return NULL;
	return mg_risk_table(s->cr, table->schema, table->name);
}

bool lk_table_is_live(const lk_site *s, const mg_object *table)
{
	if (!table)
		return false;
	const mg_table_risk *t = lk_table_risk(s, table);
	return !(t && t->new_in_release);
}

bool lk_first_in_statement(lk_site *s, const mg_object *table)
{
	mg_buf key = MG_BUF_INIT;
	mg_buf_printf(&key, "%zu:", s->stmt_index);
	if (table)
		mg_object_put(&key, table);
	bool first = !mg_map_get(&s->seen, mg_buf_cstr(&key));
	if (first)
		mg_map_put(&s->seen, mg_buf_cstr(&key), (void *)1);
	mg_buf_dispose(&key);
	return first;
}

bool lk_already_held(lk_site *s, const mg_lock *lk)
{
	const mg_timeline *tl = s->a->graph ? s->a->graph->timeline : NULL;
	const mg_timeline_entry *e = mg_timeline_at(tl, s->cs->index, s->stmt_index);
	size_t txn_end = e ? e->txn_end : s->cs->run_in_transaction ? s->cs->n_stmts : s->stmt_index;
	mg_buf key = MG_BUF_INIT;
	mg_buf_puts(&key, "held:");
	mg_object_put(&key, &lk->relation);
	uintptr_t was = (uintptr_t)mg_map_get(&s->seen, mg_buf_cstr(&key));
	/* value: (transaction end + 1) << 5 | mode of the strongest lock */
	bool held = was && (was >> 5) == txn_end + 1 && (mg_lock_mode)(was & 31) >= lk->mode;
	if (!held)
		mg_map_put(&s->seen, mg_buf_cstr(&key),
		           (void *)(((uintptr_t)(txn_end + 1) << 5) | (uintptr_t)lk->mode));
	mg_buf_dispose(&key);
	return held;
}

bool lk_is_liquibase(const lk_site *s)
{
	return !mg_changeset_kind_is_flyway(s->cs->kind);
}

void lk_describe_impact(mg_buf *out, const lk_site *s, const mg_object *table)
{
	const mg_table_risk *t = lk_table_risk(s, table);
	const mg_stmt_risk *sr = s->cr && s->cr->stmts ? &s->cr->stmts[s->stmt_index] : NULL;
	if (!s->a->profile) {
		mg_buf_puts(out, "table size unknown (no --profile)");
		return;
	}
	if (!t || !t->size_known) {
		mg_buf_puts(out, "table size unknown (not in the profile)");
		return;
	}
	if (sr && sr->runtime_known && sr->cost > MG_COST_METADATA && sr->cost != MG_COST_UNKNOWN) {
		mg_buf_puts(out, "est. ");
		if (sr->runtime_ms < 1)
			mg_buf_puts(out, "under 1 ms");
		else
			mg_buf_put_duration(out, sr->runtime_ms);
		if (sr->assumption)
			mg_buf_printf(out, " (%s)", sr->assumption);
	} else {
		mg_buf_puts(out, "catalog-only once the lock is granted");
	}
	if (t->blocked_known && (t->blocks_reads || t->blocks_writes)) {
		/* The table's figures cover the whole transaction: a lock taken
		 * here is held, with the strongest one taken on it, until commit. */
		mg_buf_printf(out, "; %s%s wait",
		              s->cs->run_in_transaction ? "until the migration commits, " : "",
		              t->blocks_reads ? "reads and writes" : "writes");
		double qps = (t->blocks_reads ? t->read_qps : 0) + (t->blocks_writes ? t->write_qps : 0);
		if (qps > 0) {
			mg_buf_puts(out, " (");
			mg_buf_put_count(out, qps);
			mg_buf_puts(out, "/s)");
		}
		if (t->blocked_ms >= 1) {
			mg_buf_puts(out, " for ");
			mg_buf_put_duration(out, t->blocked_ms);
		}
		if (t->queued_requests >= 1) {
			mg_buf_puts(out, ": ~");
			mg_buf_put_count(out, t->queued_requests);
			mg_buf_puts(out, " requests queued");
		}
	}
	if (t->lock_queue_risk && !s->lock_timeout_before && t->lock_wait_ms > 0) {
		mg_buf_puts(out, "; queued behind a ");
		mg_buf_put_duration(out, t->lock_wait_ms);
		mg_buf_puts(out, " transaction it stalls every later query");
	}
}

mg_finding *lk_report(lk_site *s, const mg_object *table, const char *message,
                      const char *alternative)
{
	mg_project *p = s->a->project;
	/* One finding per locking rule, table and statement: the subcommands
	 * of one ALTER TABLE share one lock and one pass over the table.  (A
	 * missing index per foreign key stays one finding each: each needs
	 * its own index.) */
	mg_buf key = MG_BUF_INIT;
	mg_buf_printf(&key, "finding:%zu:", s->stmt_index);
	mg_object_put(&key, table ? table : &s->op->object);
	mg_finding *had = s->rule->category == MG_CAT_LOCKING
	                      ? mg_map_get(&s->seen, mg_buf_cstr(&key))
	                      : NULL;
	if (had) {
		mg_buf_dispose(&key);
		return had;
	}
	const mg_table_risk *t = lk_table_risk(s, table);
	mg_severity sev = mg_risk_at_least(s->a->profile, t, s->lock_timeout_before,
	                                   s->rule->default_severity);
	mg_finding *f = mg_analysis_add_finding(s->a, s->rule, sev, s->op->loc, s->cs);
	if (table) {
		f->object = *table;
	} else {
		f->object = s->op->object;
	}
	f->message = mg_arena_strdup(&p->arena, message);
	f->safe_alternative = alternative ? mg_arena_strdup(&p->arena, alternative) : NULL;
	mg_map_put(&s->seen, mg_buf_cstr(&key), f);
	mg_buf_dispose(&key);
	return f;
}
