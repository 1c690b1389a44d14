/*
 * verify_deploy.c: the checks before anything runs, and the on-call
 * checklist for the rollout.
 *
 * The pre-deploy checks test the assumptions the plan's estimates rest
 * on: the table sizes the profile gives (against pg_total_relation_size),
 * the longest transaction production usually has open (a lock queued
 * behind a longer one stalls every later query on the table), the disk a
 * rewrite or a concurrent index build needs (a second copy of the table),
 * and replication lag before the first step.  The checklist says, per
 * phase, what to watch and when to stop, and in which order the steps'
 * rollbacks run.
 */
#include <string.h>

#include "migraph/catalog.h"
#include "migraph/graph.h"
#include "migraph/profile.h"
#include "plan/verify_int.h"

typedef struct tables {
	mg_object *items;
	size_t n, cap;
	mg_map seen;
} tables;

static void add_table(plan_ctx *ctx, tables *t, const char *schema, const char *name)
{
	const mg_catalog *start = ctx->analysis->graph ? ctx->analysis->graph->before_release : NULL;
	const mg_cat_relation *r = start ? mg_catalog_relation(start, schema, name) : NULL;
	/* Only what production has before the release can be measured. */
	if (!r || r->kind != MG_OBJ_TABLE || mg_catalog_is_placeholder(r))
		return;
	const char *key = mg_arena_printf(ctx->arena, "%s.%s", r->schema, r->name);
	if (mg_map_get(&t->seen, key))
		return;
	mg_map_put(&t->seen, key, t);
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 8;
		t->items = mg_arena_grow(ctx->arena, t->items, sizeof *t->items, t->n, ncap);
		t->cap = ncap;
	}
	t->items[t->n++] = (mg_object){MG_OBJ_TABLE, r->schema, NULL, r->name};
}

/* Does the step write a second copy of a table (a rewrite) or build an
 * index?  Then free disk must hold one more copy of it. */
static bool needs_disk(plan_ctx *ctx, const mg_plan_step *s)
{
	if (s->op && (s->op->effects & (MG_EFF_REWRITE | MG_EFF_INDEX_BUILD)) && !s->rewritten)
		return true;
	mg_statement *const *stmts;
	size_t n = plan_step_stmts(ctx, s, &stmts), n_ops = 0;
	const mg_operation **ops = plan_stmts_ops(ctx, stmts, n, &n_ops);
	for (size_t i = 0; i < n_ops; i++) {
		const mg_operation *op = ops[i];
		if (op->kind == MG_OP_CREATE_INDEX || op->kind == MG_OP_ALTER_COLUMN_TYPE ||
		    op->kind == MG_OP_CLUSTER || op->kind == MG_OP_SET_LOGGED ||
		    op->kind == MG_OP_SET_UNLOGGED || op->kind == MG_OP_REINDEX ||
		    (op->kind == MG_OP_VACUUM && (op->flags & MG_OPF_FULL)))
			return true;
	}
	return false;
}

static const char *size_text(mg_arena *a, uint64_t bytes)
{
	double v = (double)bytes;
	if (v >= 1e12)
		return mg_arena_printf(a, "%.1f TB", v / 1e12);
	if (v >= 1e9)
		return mg_arena_printf(a, "%.1f GB", v / 1e9);
	if (v >= 1e6)
		return mg_arena_printf(a, "%.1f MB", v / 1e6);
	return mg_arena_printf(a, "%llu bytes", (unsigned long long)bytes);
}

static void size_checks(plan_ctx *ctx, const tables *t)
{
	mg_arena *a = ctx->arena;
	const mg_profile *pr = ctx->analysis->profile;
	mg_buf known = MG_BUF_INIT, unknown = MG_BUF_INIT, staged = MG_BUF_INIT;
	for (size_t i = 0; i < t->n; i++) {
		const mg_object *o = &t->items[i];
		const mg_profile_table *pt = pr ? mg_profile_find(pr, o->schema, o->name) : NULL;
		const char *rel = verify_lit(a, verify_regname(a, o->schema ? o->schema : mg_project_default_schema(ctx->project), o->name));
		if (pt && pt->bytes.known) {
			mg_buf_printf(&known, "%s(%s, %llu::numeric, %s)", known.len ? ",\n            " : "",
			              rel, (unsigned long long)pt->bytes.value,
			              verify_lit(a, size_text(a, pt->bytes.value)));
			mg_buf_printf(&staged, "%s%s.%s %s%s", staged.len ? ", " : "", o->schema, o->name,
			              size_text(a, pt->bytes.value), pt->hot ? " (hot)" : "");
		} else {
			mg_buf_printf(&unknown, "%s(%s)", unknown.len ? ", " : "", rel);
			mg_buf_printf(&staged, "%s%s.%s (size unknown)", staged.len ? ", " : "", o->schema,
			              o->name);
		}
	}
	plan_add_check(ctx, MG_CHECK_PRE_DEPLOY,
	               mg_arena_printf(a, "Rehearse the release on a staging copy at production scale%s%s",
	                               staged.len ? ": " : "", mg_buf_cstr(&staged)),
	               NULL,
	               "every step finishes within its estimate, and every check after it returns "
	               "no rows");
	if (known.len)
		plan_add_check(
			ctx, MG_CHECK_PRE_DEPLOY,
			"the tables are the size the estimates assume (within a factor of two)",
			mg_arena_printf(a,
			                "SELECT v.rel AS \"table\", "
			                "pg_size_pretty(pg_total_relation_size(to_regclass(v.rel))) AS actual, "
			                "v.assumed\n"
			                "FROM (VALUES %s) AS v(rel, bytes, assumed)\n"
			                "WHERE to_regclass(v.rel) IS NULL\n"
			                "   OR pg_total_relation_size(to_regclass(v.rel)) NOT BETWEEN v.bytes / 2 "
			                "AND v.bytes * 2;",
			                mg_buf_cstr(&known)),
			"no rows; a row means the estimates are off: correct the profile and review again");
	if (unknown.len)
		plan_add_check(ctx, MG_CHECK_PRE_DEPLOY,
		               "measure the tables the profile does not size",
		               mg_arena_printf(a,
		                               "SELECT v.rel AS \"table\", "
		                               "pg_size_pretty(pg_total_relation_size(to_regclass(v.rel))) "
		                               "AS size,\n"
		                               "       (SELECT reltuples::bigint FROM pg_class WHERE oid = "
		                               "to_regclass(v.rel)) AS rows\n"
		                               "FROM (VALUES %s) AS v(rel);",
		                               mg_buf_cstr(&unknown)),
		               "one row per table: put its size in the profile (the estimates assumed "
		               "nothing for it)");
	mg_buf_dispose(&known);
	mg_buf_dispose(&unknown);
	mg_buf_dispose(&staged);
}

void plan_verify_pre_deploy(plan_ctx *ctx)
{
	mg_arena *a = ctx->arena;
	mg_plan *plan = ctx->plan;
	const mg_profile *pr = ctx->analysis->profile;
	tables touched = {0}, copied = {0};
	mg_map_init(&touched.seen, a);
	mg_map_init(&copied.seen, a);
	for (size_t i = 0; i < plan->n_steps; i++) {
		const mg_plan_step *s = plan->steps[i];
		bool disk = s->kind == MG_STEP_SQL && needs_disk(ctx, s);
		for (size_t l = 0; l < s->n_locks; l++) {
			const mg_object *r = &s->locks[l].relation;
			add_table(ctx, &touched, r->schema, r->name);
			if (disk)
				add_table(ctx, &copied, r->schema, r->name);
		}
	}
	size_checks(ctx, &touched);
	bool txn_known = pr && pr->longest_transaction_ms.known;
	double txn = txn_known ? pr->longest_transaction_ms.value : VERIFY_DEFAULT_LONGEST_TXN_MS;
	plan_add_check(
		ctx, MG_CHECK_PRE_DEPLOY,
		mg_arena_printf(a, "no transaction open longer than %.0f ms%s", txn,
		                txn_known ? " (longest_transaction_ms)" : " (a default: the profile has no "
		                                                          "longest_transaction_ms)"),
		mg_arena_printf(a,
		                "SELECT pid, now() - xact_start AS open_for, state, left(query, 120) AS "
		                "query\n"
		                "FROM pg_stat_activity\n"
		                "WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid()\n"
		                "  AND now() - xact_start > interval '%.0f milliseconds';",
		                txn),
		"no rows: a longer transaction makes every lock of the release queue behind it");
	if (copied.n) {
		mg_buf sum = MG_BUF_INIT;
		for (size_t i = 0; i < copied.n; i++)
			mg_buf_printf(&sum, "%scoalesce(pg_total_relation_size(to_regclass(%s)), 0)",
			              i ? "\n     + " : "",
			              verify_lit(a, verify_regname(a, copied.items[i].schema ? copied.items[i].schema
			                                                                 : mg_project_default_schema(ctx->project),
			                                           copied.items[i].name)));
		plan_add_check(ctx, MG_CHECK_PRE_DEPLOY,
		               "free disk for the rewrites and index builds (twice the tables they copy)",
		               mg_arena_printf(a, "SELECT pg_size_pretty(2 * (%s)) AS free_disk_needed;",
		                               mg_buf_cstr(&sum)),
		               "free space on the database volume (df) above this figure");
		mg_buf_dispose(&sum);
	}
	bool lag_known = pr && pr->max_replication_lag_s.known;
	double lag = lag_known ? pr->max_replication_lag_s.value : VERIFY_DEFAULT_MAX_LAG_S;
	plan_add_check(ctx, MG_CHECK_PRE_DEPLOY,
	               mg_arena_printf(a, "replication lag within %.0f s before the first step%s", lag,
	                               lag_known ? "" : " (a default: the profile has no SLO)"),
	               verify_lag_sql(a, lag), "no rows");
}

/* ---- The on-call checklist ------------------------------------------------------- */

static void item(plan_ctx *ctx, const char *fmt, const char *text)
{
	const char *s = mg_arena_printf(ctx->arena, fmt, text);
	mg_arena_push(ctx->arena, (void ***)&ctx->plan->oncall, &ctx->plan->n_oncall,
	              &ctx->plan->oncall_cap, (void *)s);
}

/* "public.orders, public.customers": the relations a run of steps locks. */
static const char *locked_tables(plan_ctx *ctx, size_t from, size_t to)
{
	mg_buf b = MG_BUF_INIT;
	mg_map seen;
	mg_map_init(&seen, ctx->arena);
	for (size_t i = from; i < to; i++) {
		const mg_plan_step *s = ctx->plan->steps[i];
		for (size_t l = 0; l < s->n_locks; l++) {
			const mg_object *r = &s->locks[l].relation;
			const char *k = mg_arena_printf(ctx->arena, "%s.%s", r->schema ? r->schema : mg_project_default_schema(ctx->project),
			                                r->name ? r->name : "?");
			if (mg_map_get(&seen, k) || s->locks[l].mode < MG_LOCK_SHARE_UPDATE_EXCLUSIVE ||
			    r->kind == MG_OBJ_INDEX || r->kind == MG_OBJ_SEQUENCE)
				continue;
			mg_map_put(&seen, k, &seen);
			mg_buf_printf(&b, "%s%s", b.len ? ", " : "", k);
		}
	}
	const char *s = mg_arena_strdup(ctx->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return s;
}

static void phase_items(plan_ctx *ctx, double lock_ms, double lag_s)
{
	mg_plan *plan = ctx->plan;
	for (size_t i = 0; i < plan->n_steps;) {
		size_t j = i;
		while (j < plan->n_steps && plan->steps[j]->release == plan->steps[i]->release &&
		       plan->steps[j]->phase == plan->steps[i]->phase)
			j++;
		const mg_plan_step *first = plan->steps[i], *last = plan->steps[j - 1];
		const char *locked = locked_tables(ctx, i, j);
		const char *range = first == last ? first->id
		                                  : mg_arena_printf(ctx->arena, "%s-%s", first->id, last->id);
		const char *text;
		if (first->phase == MG_PHASE_DEPLOY && first->release > 1)
			text = mg_arena_printf(ctx->arena,
			                       "release %d, %s (%s): confirm every instance runs the version "
			                       "deployed in release 1 before anything of release %d runs",
			                       first->release, mg_phase_name(first->phase), range,
			                       first->release);
		else if (first->phase == MG_PHASE_DEPLOY)
			text = mg_arena_printf(ctx->arena,
			                       "release %d, %s (%s): watch the application's error rate and "
			                       "latency while the new version rolls out",
			                       first->release, mg_phase_name(first->phase), range);
		else
			text = mg_arena_printf(
				ctx->arena,
				"release %d, %s (%s): watch lock waits%s%s (the lock-wait check, every few "
				"seconds while a step runs) and replication lag; run each step's checks after it",
				first->release, mg_phase_name(first->phase), range, *locked ? " on " : "", locked);
		item(ctx, "%s", text);
		i = j;
	}
	item(ctx, "%s",
	     mg_arena_printf(ctx->arena,
	                     "abort the running step (SELECT pg_cancel_backend(pid) on its session, "
	                     "then its rollback) when a query waits on a lock longer than %.0f ms, "
	                     "replication lag passes %.0f s, or the application's error rate rises "
	                     "above its normal level",
	                     lock_ms, lag_s));
}

static void rollback_items(plan_ctx *ctx)
{
	mg_plan *plan = ctx->plan;
	mg_buf order = MG_BUF_INIT, held = MG_BUF_INIT, irr = MG_BUF_INIT, lossy = MG_BUF_INIT;
	for (size_t i = plan->n_steps; i-- > 0;) {
		const mg_plan_step *s = plan->steps[i];
		if (s->release != 1)
			continue;
		if (!s->hold_until_confirmed)
			mg_buf_printf(&order, "%s%s", order.len ? ", " : "", s->id);
	}
	for (size_t i = 0; i < plan->n_steps; i++) {
		const mg_plan_step *s = plan->steps[i];
		if (s->hold_until_confirmed)
			mg_buf_printf(&held, "%s%s (%s)", held.len ? ", " : "", s->id, s->title);
		if (s->reversibility == MG_REV_IRREVERSIBLE && s->kind != MG_STEP_APP_DEPLOY)
			mg_buf_printf(&irr, "%s%s", irr.len ? ", " : "", s->id);
		else if (s->reversibility == MG_REV_LOSSY)
			mg_buf_printf(&lossy, "%s%s", lossy.len ? ", " : "", s->id);
	}
	if (order.len)
		item(ctx, "roll back in reverse order of the steps that ran, each with its rollback SQL: %s",
		     mg_buf_cstr(&order));
	if (held.len)
		item(ctx, "held back until the release is confirmed, never run before: %s",
		     mg_buf_cstr(&held));
	if (lossy.len)
		item(ctx, "lossy rollbacks (the shape comes back, the data does not; see each step's "
		          "forward fix): %s",
		     mg_buf_cstr(&lossy));
	if (irr.len)
		item(ctx, "no rollback (go forward instead, as each step's forward fix says): %s",
		     mg_buf_cstr(&irr));
	mg_buf_dispose(&order);
	mg_buf_dispose(&held);
	mg_buf_dispose(&irr);
	mg_buf_dispose(&lossy);
}

void plan_oncall(plan_ctx *ctx)
{
	const mg_profile *pr = ctx->analysis->profile;
	double lock_ms = pr && pr->max_lock_ms.known ? pr->max_lock_ms.value
	                                             : VERIFY_DEFAULT_MAX_LOCK_MS;
	double lag_s = pr && pr->max_replication_lag_s.known ? pr->max_replication_lag_s.value
	                                                     : VERIFY_DEFAULT_MAX_LAG_S;
	item(ctx, "%s", "before the first step: run the pre-deploy checks; start only when they "
	                "return what they expect");
	phase_items(ctx, lock_ms, lag_s);
	rollback_items(ctx);
	item(ctx, "%s", "after the last step of the release: run the post-deploy checks, including "
	                "the EXPLAIN of each new index");
}
