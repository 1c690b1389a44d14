/*
 * rewrite.c: the steps that replace one statement of the release.
 *
 * Each operation is offered to the forms of the families in turn (see
 * rewrite_int.h); the first that applies adds the steps of its safe
 * sequence.  What no form takes is kept as written, in the phase of its
 * kind: drops in the contract of the next release, data changes in the
 * backfill, VALIDATE in the validate phase, the rest in the expand.  A
 * statement whose operations are all kept stays one step with its own
 * text; one that is split has each part written from its operation.
 *
 * Session statements (SET lock_timeout, BEGIN, COMMIT ...) make no step:
 * every step says itself how it runs.  A plan note says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migraph/risk.h"
#include "plan/rewrite_int.h"

static const rw_form *const families[] = {
	rw_other_forms,      rw_partition_forms, rw_index_forms, rw_constraint_forms,
	rw_column_forms,     rw_rename_forms,    rw_data_forms,
};

/* ---- Helpers the forms share ------------------------------------------ */

bool rw_rel_live(const plan_ctx *ctx, const mg_cat_relation *rel)
{
	(void)ctx;
	if (!rel)
		return false;
	if (mg_catalog_has_rows(rel))
		return true;
	for (size_t i = 0; i < rel->n_partitions; i++)
		if (rw_rel_live(ctx, rel->partitions[i]))
			return true;
	return false;
}

const char *rw_qname(const rw *r, const char *schema, const char *name)
{
	mg_object t = {MG_OBJ_TABLE, schema, NULL, name ? name : "?"};
	return mg_object_text(r->ctx->arena, &t);
}

const char *rw_stmt_sql(const rw *r)
{
	if (!r->st->sql)
		return NULL;
	return mg_arena_printf(r->ctx->arena, "%.*s;", (int)r->st->sql_len, r->st->sql);
}

const char *rw_index_tail(const rw *r)
{
	if (!r->single || !r->st->sql)
		return NULL;
	return mg_sql_index_tail(r->ctx->arena, r->st->sql, r->st->sql_len);
}

const char *rw_expr_rename(rw *r, const char *expr, const char *from, const char *to)
{
	return mg_sql_rename_column_ref(r->ctx->arena, expr, from, to);
}

mg_operation *rw_op_on(rw *r, mg_op_kind kind, const char *schema, const char *table)
{
	mg_operation *op = mg_arena_alloc(r->ctx->arena, sizeof *op);
	op->kind = kind;
	op->object = (mg_object){MG_OBJ_TABLE, schema, NULL, table};
	op->related = (mg_object){MG_OBJ_TABLE, schema, NULL, table};
	op->loc = r->op ? r->op->loc : (mg_loc){0};
	return op;
}

mg_operation *rw_copy_op(rw *r)
{
	mg_operation *op = mg_arena_alloc(r->ctx->arena, sizeof *op);
	*op = *r->op;
	op->locks = NULL;
	op->n_locks = 0;
	op->effects = 0;
	op->effect_note = NULL;
	op->predicted_error = NULL;
	return op;
}

void rw_app_change(rw *r, plan_app_change change)
{
	plan_ctx *ctx = r->ctx;
	if (ctx->n_app == ctx->app_cap) {
		size_t ncap = ctx->app_cap ? ctx->app_cap * 2 : 4;
		ctx->app = mg_arena_grow(ctx->arena, ctx->app, sizeof *ctx->app, ctx->n_app, ncap);
		ctx->app_cap = ncap;
	}
	ctx->app[ctx->n_app++] = change;
}

mg_operation *rw_op(rw *r, mg_op_kind kind)
{
	mg_object t = mg_op_table(r->op);
	return rw_op_on(r, kind, t.schema, t.name);
}

/* ---- Names ---------------------------------------------------------- */

static bool name_taken(rw *r, const char *schema, const char *table, const char *name)
{
	plan_ctx *ctx = r->ctx;
	const char *key = mg_arena_printf(ctx->arena, "%s.%s", schema ? schema : "", name);
	if (mg_map_get(&ctx->chosen, key))
		return true;
	/* The plan's own schema: the history's catalog names unnamed
	 * constraints by an approximation of PostgreSQL's rule, the plan by the
	 * rule itself. */
	mg_catalog *cats[1] = {ctx->pcat};
	for (int i = 0; i < 1; i++) {
		if (mg_catalog_relation(cats[i], schema, name) ||
		    mg_catalog_index_table(cats[i], schema, name, NULL) ||
		    mg_catalog_has_function(cats[i], schema, name))
			return true;
		mg_cat_relation *t = table ? mg_catalog_relation(cats[i], schema, table) : NULL;
		if (t && mg_catalog_constraint(t, name))
			return true;
	}
	return false;
}

static void take_name(rw *r, const char *schema, const char *name)
{
	mg_map_put(&r->ctx->chosen, mg_arena_printf(r->ctx->arena, "%s.%s", schema ? schema : "", name),
	           (void *)1);
}

const char *rw_new_name(rw *r, const char *schema, const char *table, const char *base,
                        const char *suffix)
{
	for (int n = 0;; n++) {
		const char *label = n ? mg_arena_printf(r->ctx->arena, "%s%d", suffix, n) : suffix;
		const char *name = mg_catalog_object_name(r->ctx->arena, base, NULL, label);
		if (!name_taken(r, schema, table, name)) {
			take_name(r, schema, name);
			return name;
		}
	}
}

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* FigureIndexColname: a key item that is a column is named by it, a
 * function call by the function, a cast by what it casts; anything else
 * is "expr". */
static const char *key_item_name(rw *r, const char *item)
{
	const char *p = item;
	while (*p == '(' || *p == ' ')
		p++;
	const char *start = p;
	while (ident_char(*p))
		p++;
	size_t n = (size_t)(p - start);
	const char *q = p;
	while (*q == ' ')
		q++;
	if (!n)
		return "expr";
	if (!*q || *q == ')')
		return *q ? mg_str_lower(r->ctx->arena, mg_arena_strndup(r->ctx->arena, start, n)) : item;
	if (*q == '(' || (q[0] == ':' && q[1] == ':'))
		return mg_str_lower(r->ctx->arena, mg_arena_strndup(r->ctx->arena, start, n));
	return "expr";
}

/* ChooseIndexColumnNames + ChooseIndexNameAddition: the key items' names
 * joined by "_", a repeated name numbered. */
static const char *pg_addition(rw *r, const mg_name_list *cols)
{
	mg_buf b = MG_BUF_INIT;
	const char **seen = mg_arena_alloc(r->ctx->arena, (cols->count + 1) * sizeof *seen);
	for (size_t i = 0; i < cols->count && b.len < 64; i++) {
		const char *c = cols->items[i];
		const char *base = key_item_name(r, c);
		const char *name = base;
		for (int n = 1;; n++) {
			bool dup = false;
			for (size_t k = 0; k < i && !dup; k++)
				dup = strcmp(seen[k], name) == 0;
			if (!dup)
				break;
			name = mg_arena_printf(r->ctx->arena, "%s%d", base, n);
		}
		seen[i] = name;
		if (b.len)
			mg_buf_putc(&b, '_');
		mg_buf_puts(&b, name);
	}
	const char *s = b.len ? mg_arena_strndup(r->ctx->arena, b.data, b.len > 63 ? 63 : b.len) : NULL;
	mg_buf_dispose(&b);
	return s;
}

const char *rw_pg_name(rw *r, const char *schema, const char *table, const mg_name_list *cols,
                       const char *label)
{
	const char *addition = cols && cols->count ? pg_addition(r, cols) : NULL;
	for (int n = 0;; n++) {
		const char *lab = n ? mg_arena_printf(r->ctx->arena, "%s%d", label, n) : label;
		const char *name = mg_catalog_object_name(r->ctx->arena, table, addition, lab);
		if (!name_taken(r, schema, table, name)) {
			take_name(r, schema, name);
			return name;
		}
	}
}

const char *rw_constraint_name(rw *r, const char *schema, const char *table,
                               const mg_constraint_def *k, const char *column)
{
	if (k->name)
		return k->name;
	mg_name_list cols = k->columns;
	if (!cols.count && column) {
		cols.items = &column;
		cols.count = 1;
	}
	switch (k->kind) {
	case MG_CONSTRAINT_PRIMARY_KEY: return rw_pg_name(r, schema, table, NULL, "pkey");
	case MG_CONSTRAINT_UNIQUE: return rw_pg_name(r, schema, table, &cols, "key");
	case MG_CONSTRAINT_FOREIGN_KEY: return rw_pg_name(r, schema, table, &cols, "fkey");
	case MG_CONSTRAINT_EXCLUDE: return rw_pg_name(r, schema, table, &cols, "excl");
	case MG_CONSTRAINT_CHECK: {
		/* A CHECK is named after its column when it reads exactly one. */
		mg_name_list read = column ? cols : mg_sql_expr_columns(r->ctx->arena, k->expr);
		return rw_pg_name(r, schema, table, read.count == 1 ? &read : NULL, "check");
	}
	default: return rw_pg_name(r, schema, table, &cols, "con");
	}
}

/* ---- How a step runs ------------------------------------------------------ */

static double lock_timeout_ms(const plan_ctx *ctx)
{
	const mg_profile *pr = ctx->analysis->profile;
	double slo = pr && pr->max_lock_ms.known ? pr->max_lock_ms.value : 2000.0;
	if (slo > 5000.0)
		slo = 5000.0; /* waiting longer only queues more traffic behind the request */
	return slo < 100.0 ? 100.0 : slo;
}

static bool table_empty(const plan_ctx *ctx, const mg_object *rel)
{
	mg_cat_relation *r = mg_catalog_relation(ctx->pcat, rel->schema, rel->name);
	if (!r)
		r = mg_catalog_relation(ctx->cat, rel->schema, rel->name);
	return r && !rw_rel_live(ctx, r);
}

static void merge_lock(plan_ctx *ctx, mg_plan_step *s, size_t *cap, const mg_lock *lk)
{
	for (size_t j = 0; j < s->n_locks; j++)
		if (mg_str_eq(s->locks[j].relation.name, lk->relation.name) &&
		    mg_str_eq(s->locks[j].relation.schema, lk->relation.schema)) {
			if (lk->mode > s->locks[j].mode)
				s->locks[j].mode = lk->mode;
			return;
		}
	if (s->n_locks == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		s->locks = mg_arena_grow(ctx->arena, s->locks, sizeof *s->locks, s->n_locks, ncap);
		*cap = ncap;
	}
	s->locks[s->n_locks++] = *lk;
}

typedef enum step_class {
	CLASS_CATALOG = 0,      /* brief: a catalog change once the lock is granted */
	CLASS_CONCURRENT,       /* CREATE INDEX / REINDEX / DROP INDEX CONCURRENTLY */
	CLASS_VALIDATE,         /* VALIDATE CONSTRAINT: scans under SHARE UPDATE EXCLUSIVE */
	CLASS_HEAVY,            /* scans, rewrites or builds while holding its locks */
	CLASS_BACKFILL,
	CLASS_MANUAL,
	CLASS_DEPLOY
} step_class;

/* What the step's operations do while they hold their locks. */
static step_class ops_class(const mg_plan_step *s)
{
	step_class c = CLASS_CATALOG;
	for (size_t i = 0; i < s->n_ops; i++) {
		const mg_operation *op = s->ops[i];
		bool conc = (op->flags & MG_OPF_CONCURRENTLY) &&
		            (op->kind == MG_OP_CREATE_INDEX || op->kind == MG_OP_REINDEX ||
		             op->kind == MG_OP_DROP_INDEX || op->kind == MG_OP_DETACH_PARTITION ||
		             op->kind == MG_OP_REFRESH_MATERIALIZED_VIEW);
		if (conc)
			c = CLASS_CONCURRENT;
		else if (op->kind == MG_OP_VALIDATE_CONSTRAINT && c == CLASS_CATALOG)
			c = CLASS_VALIDATE;
		else if ((op->effects & (MG_EFF_REWRITE | MG_EFF_SCAN | MG_EFF_INDEX_BUILD)) ||
		         op->kind == MG_OP_UPDATE || op->kind == MG_OP_DELETE ||
		         op->kind == MG_OP_MERGE || (op->kind == MG_OP_INSERT &&
		                                     (op->flags & MG_OPF_AS_SELECT)))
			return CLASS_HEAVY;
	}
	return c;
}

static step_class class_of(const mg_plan_step *s)
{
	if (s->kind == MG_STEP_MANUAL)
		return CLASS_MANUAL;
	if (s->kind == MG_STEP_BACKFILL)
		return CLASS_BACKFILL;
	if (s->kind == MG_STEP_APP_DEPLOY)
		return CLASS_DEPLOY;
	return ops_class(s);
}

static const char *lock_list(plan_ctx *ctx, const mg_plan_step *s, bool blocking_only)
{
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < s->n_locks; i++) {
		const mg_lock *lk = &s->locks[i];
		if (blocking_only && !mg_lock_blocks_reads(lk->mode) && !mg_lock_blocks_writes(lk->mode))
			continue;
		if (b.len)
			mg_buf_puts(&b, ", ");
		mg_object_put(&b, &lk->relation);
	}
	const char *out = mg_arena_strdup(ctx->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return out;
}

static const char *retry_text(plan_ctx *ctx, mg_plan_step *s, step_class cls, bool blocking)
{
	mg_arena *a = ctx->arena;
	const char *tables = lock_list(ctx, s, true);
	const char *on_timeout = mg_arena_printf(
		a, "On a lock timeout (SQLSTATE 55P03) nothing has changed: wait and run the step "
		   "again, at most 5 times with a growing pause (10 s, 30 s, 1 min, 2 min); if it "
		   "keeps timing out, find the session holding %s in pg_locks / pg_stat_activity (a "
		   "long transaction, a stuck job) and retry once it has ended.",
		*tables ? tables : "the table");
	switch (cls) {
	case CLASS_CONCURRENT: {
		for (size_t i = 0; i < s->n_ops; i++) {
			const mg_operation *op = s->ops[i];
			if (op->kind == MG_OP_CREATE_INDEX && op->object.name) {
				mg_buf b = MG_BUF_INIT;
				mg_sql_put_qualified(&b, NULL, NULL, op->object.name);
				const char *ix = mg_arena_strdup(a, mg_buf_cstr(&b));
				mg_buf_dispose(&b);
				return mg_arena_printf(
					a, "A build that fails or is cancelled leaves %s behind as an INVALID "
					   "index that still slows every write: run DROP INDEX CONCURRENTLY IF "
					   "EXISTS %s; then run the step again (never IF NOT EXISTS, which would "
					   "keep the invalid index).%s It waits for every transaction older than "
					   "itself; a long one delays the build, never the traffic.",
					ix, ix,
					(op->flags & MG_OPF_UNIQUE)
						? " A duplicate key stops a unique build: remove the duplicates first."
						: "");
			}
			if (op->kind == MG_OP_REINDEX)
				return "A REINDEX CONCURRENTLY that fails leaves INVALID indexes whose names "
				       "end in _ccnew: drop each with DROP INDEX CONCURRENTLY IF EXISTS, then "
				       "run the step again.";
			if (op->kind == MG_OP_DETACH_PARTITION)
				return "An interrupted DETACH ... CONCURRENTLY leaves the partition pending: "
				       "finish it with ALTER TABLE ... DETACH PARTITION ... FINALIZE.";
			if (op->kind == MG_OP_DROP_INDEX)
				return "DROP INDEX CONCURRENTLY can be run again; one that failed leaves the "
				       "index INVALID, and running the step again drops it.";
		}
		return on_timeout;
	}
	case CLASS_VALIDATE:
		return "VALIDATE can run again at any time and never blocks reads or writes; a row "
		       "that violates the constraint stops it: the error names the constraint, find "
		       "and fix the rows, then run the step again.";
	case CLASS_BACKFILL:
		return s->backfill && s->backfill->failure_handling
		           ? s->backfill->failure_handling
		           : "Run it again: it resumes from its checkpoint, and rows already done do "
		             "not match its predicate.";
	case CLASS_MANUAL:
		return "Decide by hand: what it does is not visible to migraph.";
	case CLASS_DEPLOY:
		return NULL;
	default:
		return blocking ? on_timeout : "Run the step again: nothing it does blocks traffic.";
	}
}

/* The analysis' findings by changeset and, within one, by line: asked
 * per statement, a scan of every finding made a release of N changesets
 * cost N^2, and a scan of the changeset's findings one changeset of N
 * statements.  Built again if the analysis has gained findings since. */
struct plan_finding_at {
	uint32_t line;
	size_t index;          /* in the analysis' findings */
};

struct plan_findings_by_cs {
	size_t n_findings;     /* how many the analysis had when built */
	size_t *start;         /* per changeset: where its findings begin in order */
	struct plan_finding_at *order; /* grouped by changeset, then by line and index */
};

static int by_line(const void *x, const void *y)
{
	const struct plan_finding_at *a = x, *b = y;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static const struct plan_findings_by_cs *findings_by_cs(plan_ctx *ctx)
{
	const mg_analysis *a = ctx->analysis;
	struct plan_findings_by_cs *x = ctx->findings_by_cs;
	if (x && x->n_findings == a->n_findings)
		return x;
	size_t n_cs = ctx->project->n_changesets;
	x = mg_arena_alloc(ctx->arena, sizeof *x);
	x->n_findings = a->n_findings;
	x->start = mg_arena_alloc(ctx->arena, (n_cs + 2) * sizeof *x->start);
	x->order = mg_arena_alloc(ctx->arena, (a->n_findings + 1) * sizeof *x->order);
	for (size_t i = 0; i < a->n_findings; i++)
		if (a->findings[i]->has_changeset && a->findings[i]->changeset_index < n_cs)
			x->start[a->findings[i]->changeset_index + 2]++;
	for (size_t c = 2; c < n_cs + 2; c++)
		x->start[c] += x->start[c - 1];
	for (size_t i = 0; i < a->n_findings; i++)
		if (a->findings[i]->has_changeset && a->findings[i]->changeset_index < n_cs)
			x->order[x->start[a->findings[i]->changeset_index + 1]++] =
				(struct plan_finding_at){a->findings[i]->loc.line, i};
	for (size_t c = 0; c < n_cs; c++)
		if (x->start[c + 1] - x->start[c] > 1)
			qsort(x->order + x->start[c], x->start[c + 1] - x->start[c],
			      sizeof *x->order, by_line);
	ctx->findings_by_cs = x;
	return x;
}

/* Of the findings at line among order[from, to), the worst locking or
 * performance one if worse than *best; the first of equals by the
 * analysis' order, as a scan of the changeset's findings would pick. */
static void worst_at(const mg_analysis *a, const struct plan_findings_by_cs *x, size_t from,
                     size_t to, uint32_t line, const mg_finding **best, size_t *best_index)
{
	size_t lo = from, hi = to;
	while (lo < hi) { /* the first entry at line or after it */
		size_t mid = lo + (hi - lo) / 2;
		if (x->order[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < to && x->order[k].line == line; k++) {
		const mg_finding *f = a->findings[x->order[k].index];
		if (f->rule->category != MG_CAT_LOCKING && f->rule->category != MG_CAT_PERFORMANCE)
			continue;
		if (!*best || f->severity > (*best)->severity ||
		    (f->severity == (*best)->severity && x->order[k].index < *best_index)) {
			*best = f;
			*best_index = x->order[k].index;
		}
	}
}

/* The finding of the original statement with the worst severity: what
 * the original costs production, in its own words. */
static const mg_finding *original_finding(plan_ctx *ctx, const mg_operation *op)
{
	const mg_analysis *a = ctx->analysis;
	const mg_finding *best = NULL;
	size_t best_index = 0;
	if (!ctx->cs || ctx->cs->index >= ctx->project->n_changesets)
		return NULL;
	const struct plan_findings_by_cs *x = findings_by_cs(ctx);
	size_t from = x->start[ctx->cs->index], to = x->start[ctx->cs->index + 1];
	uint32_t line = op && op->loc.line ? op->loc.line : ctx->stmt ? ctx->stmt->loc.line : 0;
	worst_at(a, x, from, to, line, &best, &best_index);
	if (ctx->stmt && ctx->stmt->loc.line != line)
		worst_at(a, x, from, to, ctx->stmt->loc.line, &best, &best_index);
	return best;
}

/* The step's risk as planned, from its locks and its runtime.  A blocking
 * lock costs what the risk model says of holding it for the step's hold
 * (a catalog change holds it for no time); and any step that blocks a live
 * table, or works on one for a long time without blocking it (a backfill, a
 * concurrent build, a validation), is at least low: while a blocking lock
 * waits for its lock_timeout a queue forms behind it, and a long step loads
 * the table and its replicas while it runs.  Info is left for steps that
 * touch nothing live. */
static int step_severity(plan_ctx *ctx, mg_plan_step *s, step_class cls)
{
	int worst = -1;
	bool unknown = false, live = false;
	/* A manual step is judged as if run as written: a VACUUM FULL left to
	 * the reader holds its lock for the whole rewrite. */
	bool holds = cls == CLASS_HEAVY || (cls == CLASS_MANUAL && ops_class(s) == CLASS_HEAVY);
	double hold = holds ? s->runtime_ms : 0;
	bool hold_known = !holds || s->runtime_known;
	bool long_running = cls == CLASS_CONCURRENT || cls == CLASS_VALIDATE ||
	                    cls == CLASS_BACKFILL || holds;
	for (size_t i = 0; i < s->n_locks; i++) {
		const mg_lock *lk = &s->locks[i];
		if (lk->relation.kind != MG_OBJ_TABLE && lk->relation.kind != MG_OBJ_MATERIALIZED_VIEW)
			continue;
		bool blocks = mg_lock_blocks_reads(lk->mode) || mg_lock_blocks_writes(lk->mode);
		bool empty = table_empty(ctx, &lk->relation);
		if (!empty && (blocks || (long_running && lk->mode >= MG_LOCK_ROW_EXCLUSIVE)))
			live = true;
		if (!blocks)
			continue;
		int sev = mg_risk_hold_severity(ctx->analysis, &lk->relation, lk->mode, empty, hold,
		                                hold_known, s->has_lock_timeout);
		if (sev < 0)
			unknown = true;
		else if (sev > worst)
			worst = sev;
	}
	if (live && worst < (int)MG_SEV_LOW)
		worst = MG_SEV_LOW;
	if (unknown && worst < (int)(holds ? MG_SEV_HIGH : MG_SEV_LOW))
		worst = holds ? MG_SEV_HIGH : MG_SEV_LOW;
	if (cls == CLASS_MANUAL && worst < (int)MG_SEV_MEDIUM)
		worst = MG_SEV_MEDIUM;
	return worst < 0 ? MG_SEV_INFO : worst;
}

static bool destructive(const mg_operation *op)
{
	switch (op->kind) {
	case MG_OP_DROP_TABLE:
	case MG_OP_DROP_COLUMN:
	case MG_OP_DROP_VIEW:
	case MG_OP_DROP_MATERIALIZED_VIEW:
	case MG_OP_DROP_SEQUENCE:
	case MG_OP_DROP_TYPE:
	case MG_OP_DROP_SCHEMA:
	case MG_OP_DROP_DOMAIN:
	case MG_OP_TRUNCATE:
	case MG_OP_DELETE:
	case MG_OP_DETACH_PARTITION:
		return true;
	default:
		return false;
	}
}

/* Fills how the step runs from its operations (see rewrite_int.h). */
static void step_policy(plan_ctx *ctx, mg_plan_step *s, const mg_stmt_risk *known_cost)
{
	size_t cap = 0;
	bool no_txn = false, blocking = false;
	s->runtime_known = true;
	s->runtime_ms = 0;
	for (size_t i = 0; i < s->n_ops; i++) {
		const mg_operation *op = s->ops[i];
		for (size_t l = 0; l < op->n_locks; l++)
			merge_lock(ctx, s, &cap, &op->locks[l]);
		if (op->effects & MG_EFF_NO_TXN_BLOCK)
			no_txn = true;
		if (destructive(op))
			s->hold_until_confirmed = true;
		if (!known_cost) {
			mg_object t = mg_op_table(op);
			bool empty = t.name && table_empty(ctx, &t);
			mg_stmt_risk c = mg_risk_op_cost(ctx->analysis, op, empty);
			if (!c.runtime_known)
				s->runtime_known = false;
			else if (c.runtime_ms > s->runtime_ms)
				s->runtime_ms = c.runtime_ms;
			if (c.assumption && (!s->runtime_assumption || c.runtime_ms >= s->runtime_ms))
				s->runtime_assumption = c.assumption;
		}
	}
	if (known_cost) {
		s->runtime_known = known_cost->runtime_known;
		s->runtime_ms = known_cost->runtime_ms;
		s->runtime_assumption = known_cost->assumption;
	}
	for (size_t i = 0; i < s->n_locks; i++)
		blocking |= mg_lock_blocks_reads(s->locks[i].mode) ||
		            mg_lock_blocks_writes(s->locks[i].mode);
	if (no_txn)
		s->in_transaction = false;
	if (s->phase == MG_PHASE_CONTRACT)
		s->hold_until_confirmed = true;
	step_class cls = class_of(s);
	if (cls == CLASS_DEPLOY) {
		s->in_transaction = false;
		return;
	}
	if (blocking) {
		s->has_lock_timeout = true;
		s->lock_timeout_ms = lock_timeout_ms(ctx);
	}
	s->has_statement_timeout = cls != CLASS_MANUAL || s->sql;
	s->statement_timeout_ms = cls == CLASS_CATALOG ? lock_timeout_ms(ctx) + 3000.0 : 0;
	s->retry = retry_text(ctx, s, cls, blocking);
	s->risk = (mg_severity)step_severity(ctx, s, cls);
}

/* ---- Steps of a rewrite ------------------------------------------------- */

static void append_sql(plan_ctx *ctx, mg_plan_step *s, const char *sql)
{
	s->sql = s->sql ? mg_arena_printf(ctx->arena, "%s\n%s", s->sql, sql) : sql;
}

mg_plan_step *rw_step(rw *r, mg_phase phase, mg_step_kind kind, const char *title)
{
	mg_plan_step *s = plan_add_step(r->ctx, phase, kind, title);
	s->op = r->op;
	s->rewritten = true;
	if (r->op && r->op->loc.file)
		s->loc = r->op->loc;
	return s;
}

bool rw_run(rw *r, mg_plan_step *s, mg_operation *op)
{
	const char *sql = mg_sqlw_op(&r->ctx->sqlw, op, NULL);
	if (!sql)
		return false;
	append_sql(r->ctx, s, sql);
	plan_step_run(r->ctx, s, op);
	return true;
}

void rw_run_text(rw *r, mg_plan_step *s, const char *sql, mg_operation *op)
{
	append_sql(r->ctx, s, sql);
	if (op)
		plan_step_run(r->ctx, s, op);
}

void rw_finish(rw *r, mg_plan_step *s, const char *why)
{
	s->why = r->impact ? mg_arena_printf(r->ctx->arena, "%s Instead of: %s", why, r->impact) : why;
	step_policy(r->ctx, s, NULL);
}

mg_plan_step *rw_backfill_of(rw *r, mg_backfill *b, const char *title, const char *why)
{
	mg_plan_step *s = rw_step(r, MG_PHASE_BACKFILL, MG_STEP_BACKFILL, title);
	mg_operation *op = rw_op_on(r, b->set_clause ? MG_OP_UPDATE : MG_OP_DELETE, b->table.schema,
	                            b->table.name);
	op->set_clause = b->set_clause;
	op->where_expr = b->predicate;
	if (b->predicate)
		op->flags |= MG_OPF_HAS_WHERE;
	plan_step_run(r->ctx, s, op);
	s->in_transaction = false; /* it commits per batch */
	rw_finish(r, s, why);
	plan_backfill_script(r->ctx, s, b);
	return s;
}

mg_plan_step *rw_backfill(rw *r, const char *schema, const char *table, const char *set_clause,
                          const char *predicate, const char *source_sql, const char *title,
                          const char *why)
{
	mg_object t = {MG_OBJ_TABLE, schema, NULL, table};
	return rw_backfill_of(r, plan_backfill_new(r->ctx, &t, set_clause, predicate, source_sql),
	                      title, why);
}

void rw_text_keys(plan_ctx *ctx, mg_plan_step *s, const char *sql)
{
	if (!sql)
		return;
	const char *schema = mg_catalog_default_schema(ctx->pcat);
	mg_name_list names = mg_sql_names(ctx->arena, sql, strlen(sql));
	for (size_t i = 0; i < names.count; i++) {
		mg_cat_relation *rel = mg_catalog_relation(ctx->pcat, schema, names.items[i]);
		if (!rel)
			continue;
		plan_step_use(ctx, s, plan_key(ctx, "rel", rel->schema, rel->name, NULL));
		plan_step_use(ctx, s, plan_key(ctx, "shp", rel->schema, rel->name, NULL));
		plan_step_define(ctx, s, plan_key(ctx, "dat", rel->schema, rel->name, NULL));
	}
}

/* ---- Kept as written ------------------------------------------------------ */

static mg_phase phase_of_op(const mg_operation *op)
{
	switch (op->kind) {
	case MG_OP_DROP_TABLE:
	case MG_OP_DROP_COLUMN:
	case MG_OP_DROP_INDEX:
	case MG_OP_DROP_CONSTRAINT:
	case MG_OP_DROP_VIEW:
	case MG_OP_DROP_MATERIALIZED_VIEW:
	case MG_OP_DROP_SEQUENCE:
	case MG_OP_DROP_TYPE:
	case MG_OP_DROP_FUNCTION:
	case MG_OP_DROP_SCHEMA:
	case MG_OP_DROP_DOMAIN:
		return MG_PHASE_CONTRACT;
	case MG_OP_UPDATE:
	case MG_OP_DELETE:
	case MG_OP_MERGE:
	case MG_OP_TRUNCATE:
		return MG_PHASE_BACKFILL;
	case MG_OP_INSERT:
		return (op->flags & MG_OPF_AS_SELECT) ? MG_PHASE_BACKFILL : MG_PHASE_EXPAND;
	case MG_OP_VALIDATE_CONSTRAINT:
		return MG_PHASE_VALIDATE;
	default:
		return MG_PHASE_EXPAND;
	}
}

/* A function body belongs to its CREATE FUNCTION: defining a function
 * runs none of it. */
static bool is_body_of_function(const mg_statement *st, const mg_operation *op)
{
	if (op->kind != MG_OP_OPAQUE || op->opaque_kind != MG_OPAQUE_FUNCTION_BODY)
		return false;
	for (size_t i = 0; i < st->n_ops; i++)
		if (st->ops[i]->kind == MG_OP_CREATE_FUNCTION)
			return true;
	return false;
}

static const char *keep_reason(plan_ctx *ctx, const mg_plan_step *s, const mg_operation *op,
                               bool live, const char *table)
{
	mg_arena *a = ctx->arena;
	if (op->effects & MG_EFF_FAILS)
		return mg_arena_printf(a, "Kept as written, but PostgreSQL %d rejects it: %s",
		                       ctx->project->engine.major,
		                       op->predicted_error ? op->predicted_error : "see the engine note");
	if (s->phase == MG_PHASE_CONTRACT)
		return mg_arena_printf(a, "A drop: the application version still running during the "
		                          "rollout may use %s, so it runs in the next release, once no "
		                          "running version reads it.",
		                       op->object.name ? op->object.name : "it");
	if (table && !live)
		return mg_arena_printf(a, "Kept as written: %s holds no rows and serves no traffic yet "
		                          "(created earlier in this release), so the plain form is the "
		                          "fastest and blocks nobody.",
		                       table);
	bool blocking = false;
	for (size_t i = 0; i < s->n_locks; i++)
		blocking |= mg_lock_blocks_reads(s->locks[i].mode) ||
		            mg_lock_blocks_writes(s->locks[i].mode);
	if (class_of(s) == CLASS_HEAVY)
		return "Kept as written: no online form of it exists; it holds its locks for as long as "
		       "it works, so run it when the traffic it blocks is lowest.";
	if (blocking)
		return mg_arena_printf(a, "Kept as written: a catalog change, instant once its lock on "
		                          "%s is granted; the lock_timeout keeps it from queueing traffic "
		                          "behind it while it waits.",
		                       lock_list(ctx, s, true));
	return "Kept as written: it takes no lock that blocks reads or writes.";
}

/* "Add column orders.status": what a kept operation does, for a title. */
static const char *op_title(plan_ctx *ctx, const mg_operation *op)
{
	char *kind = mg_arena_strdup(ctx->arena, mg_op_kind_name(op->kind));
	for (char *p = kind; *p; p++)
		if (*p == '_')
			*p = ' ';
	if (kind[0] >= 'a' && kind[0] <= 'z')
		kind[0] = (char)(kind[0] - 32);
	const mg_object *o = &op->object;
	if (!o->name && !o->table)
		return kind;
	return o->table && o->name ? mg_arena_printf(ctx->arena, "%s %s.%s", kind, o->table, o->name)
	                           : mg_arena_printf(ctx->arena, "%s %s", kind,
	                                             o->name ? o->name : o->table);
}

/* One step running ops[0..n) of the statement as written (whole: its own
 * text) or written from the operations. */
static void keep(plan_ctx *ctx, const mg_operation **ops, size_t n, bool whole)
{
	const mg_statement *st = ctx->stmt;
	mg_phase phase = MG_PHASE_EXPAND;
	bool manual = false;
	for (size_t i = 0; i < n; i++) {
		mg_phase ph = phase_of_op(ops[i]);
		if (ph > phase)
			phase = ph;
		if (ops[i]->kind == MG_OP_OPAQUE && !is_body_of_function(st, ops[i]))
			manual = true;
	}
	const char *title = mg_arena_printf(ctx->arena, "%s%s", op_title(ctx, ops[0]),
	                                    n > 1 ? mg_arena_printf(ctx->arena, " (and %zu more)", n - 1)
	                                          : "");
	mg_plan_step *s = plan_add_step(ctx, phase, manual ? MG_STEP_MANUAL : MG_STEP_SQL, title);
	s->op = ops[0];
	s->in_transaction = true;
	const char *why_not = NULL;
	for (size_t i = 0; i < n; i++) {
		plan_step_keep(ctx, s, ops[i]);
		if (whole && st->sql)
			continue;
		const char *sql = mg_sqlw_op(&ctx->sqlw, ops[i], &why_not);
		if (sql)
			append_sql(ctx, s, sql);
		else if (ops[i]->kind != MG_OP_OPAQUE || !is_body_of_function(st, ops[i]))
			manual = true;
	}
	if (whole && st->sql)
		s->sql = mg_arena_printf(ctx->arena, "%.*s;", (int)st->sql_len, st->sql);
	const mg_changeset_risk *cr = ctx->analysis->risk ? &ctx->analysis->risk[ctx->cs->index] : NULL;
	bool whole_cost = whole && cr && ctx->stmt_index < cr->n_stmts;
	step_policy(ctx, s, whole_cost ? &cr->stmts[ctx->stmt_index] : NULL);
	mg_object t = mg_op_table(ops[0]);
	mg_cat_relation *rel = t.name ? mg_catalog_relation(ctx->cat, t.schema, t.name) : NULL;
	s->why = keep_reason(ctx, s, ops[0], rw_rel_live(ctx, rel),
	                     rel ? mg_arena_printf(ctx->arena, "%s.%s", rel->schema, rel->name) : NULL);
	/* What a step that works while holding its locks costs production,
	 * in the figures of its finding. */
	const mg_finding *f = class_of(s) == CLASS_HEAVY ? original_finding(ctx, ops[0]) : NULL;
	if (f && f->severity >= MG_SEV_MEDIUM)
		s->why = mg_arena_printf(ctx->arena, "%s %s", s->why, f->message);
	if (manual && s->kind != MG_STEP_MANUAL) {
		s->kind = MG_STEP_MANUAL;
		s->title = mg_arena_printf(ctx->arena, "Review by hand: %s", title);
		s->why = mg_arena_printf(ctx->arena, "migraph cannot write this change as SQL (%s): run "
		                                     "it as the changelog does, with the settings below.",
		                         why_not ? why_not : "not recorded");
		step_policy(ctx, s, NULL);
	}
}

void rw_keep(rw *r)
{
	const mg_operation *ops[1] = {r->op};
	keep(r->ctx, ops, 1, r->ctx->stmt && r->ctx->stmt->n_ops == 1);
}

/* ---- Statements ------------------------------------------------------------ */

static const char *index_key(plan_ctx *ctx, const char *schema, const char *name)
{
	return mg_arena_printf(ctx->arena, "%s.%s", schema ? schema : "", name);
}

void plan_note_statement(plan_ctx *ctx)
{
	const mg_statement *st = ctx->stmt;
	if (st->parse_failed)
		return;
	for (size_t i = 0; i < st->n_ops; i++) {
		const mg_operation *op = st->ops[i];
		if (op->kind == MG_OP_CREATE_INDEX && op->object.name && st->n_ops == 1 && st->sql) {
			const char *tail = mg_sql_index_tail(ctx->arena, st->sql, st->sql_len);
			if (tail)
				mg_map_put(&ctx->index_tails, index_key(ctx, op->object.schema, op->object.name),
				           (void *)tail);
		} else if (op->kind == MG_OP_RENAME_INDEX && op->object.name && op->new_name) {
			void *tail = mg_map_get(&ctx->index_tails,
			                        index_key(ctx, op->object.schema, op->object.name));
			if (tail)
				mg_map_put(&ctx->index_tails,
				           index_key(ctx, op->object.schema, op->new_name), tail);
		}
	}
}

const char *rw_index_tail_of(rw *r, const char *schema, const char *index)
{
	return mg_map_get(&r->ctx->index_tails, index_key(r->ctx, schema, index));
}

static void absorb_session(plan_ctx *ctx)
{
	const mg_statement *st = ctx->stmt;
	const mg_operation *op = st->ops[0];
	const char *what = op->kind == MG_OP_SET_SETTING || op->kind == MG_OP_RESET_SETTING
	                       ? (op->setting_name ? op->setting_name : "a setting")
	                       : mg_op_kind_name(op->kind);
	bool timeout = op->setting_name && (mg_str_ieq(op->setting_name, "lock_timeout") ||
	                                    mg_str_ieq(op->setting_name, "statement_timeout"));
	bool txn = op->kind == MG_OP_BEGIN || op->kind == MG_OP_COMMIT ||
	           op->kind == MG_OP_ROLLBACK || op->kind == MG_OP_SAVEPOINT;
	plan_add_note(ctx, "%s:%u: %.*s: %s", st->loc.file ? st->loc.file : "?", st->loc.line,
	              (int)(st->sql_len > 60 ? 60 : st->sql_len), st->sql ? st->sql : what,
	              timeout ? "replaced by the lock_timeout and statement_timeout of each step"
	              : txn   ? "replaced by each step's own transaction (or none)"
	                      : "a session setting: set it in the session that runs the plan, "
	                        "each step runs with the session's settings");
	for (size_t i = 0; i < st->n_ops; i++)
		plan_apply_original(ctx, st->ops[i]);
}

static void manual_statement(plan_ctx *ctx, const char *why)
{
	const mg_statement *st = ctx->stmt;
	mg_plan_step *s = plan_add_step(ctx, MG_PHASE_EXPAND, MG_STEP_MANUAL,
	                                "Review by hand: not analysable");
	s->op = st->n_ops ? st->ops[0] : NULL;
	s->sql = st->sql ? mg_arena_printf(ctx->arena, "%.*s;", (int)st->sql_len, st->sql) : NULL;
	s->why = why;
	for (size_t i = 0; i < st->n_ops; i++)
		plan_step_keep(ctx, s, st->ops[i]);
	rw_text_keys(ctx, s, s->sql);
	step_policy(ctx, s, NULL);
	for (size_t i = 0; i < st->n_ops; i++)
		plan_apply_original(ctx, st->ops[i]);
}

static void init_rw(plan_ctx *ctx, rw *r, const mg_operation *op)
{
	memset(r, 0, sizeof *r);
	r->ctx = ctx;
	r->st = ctx->stmt;
	r->op = op;
	r->major = ctx->project->engine.major;
	r->single = ctx->stmt->n_ops == 1 ||
	            (ctx->stmt->n_ops == 2 && is_body_of_function(ctx->stmt, ctx->stmt->ops[1]));
	mg_object t = mg_op_table(op);
	if (t.name)
		r->rel = mg_catalog_relation(ctx->cat, t.schema, t.name);
	r->live = rw_rel_live(ctx, r->rel);
	const mg_finding *f = original_finding(ctx, op);
	r->impact = f ? f->message : NULL;
}

static const rw_form *form_for(const rw *r)
{
	for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
		for (const rw_form *form = families[f]; form->name; form++)
			if (form->applies(r))
				return form;
	return NULL;
}

void plan_rewrite_statement(plan_ctx *ctx)
{
	const mg_statement *st = ctx->stmt;
	if (st->parse_failed || !st->n_ops) {
		manual_statement(ctx, st->parse_failed
		                          ? "The statement does not parse (see its diagnostic): migraph "
		                            "cannot tell what it locks or how long it runs."
		                          : "The statement does nothing migraph can see.");
		return;
	}
	bool all_session = true;
	for (size_t i = 0; i < st->n_ops; i++)
		all_session &= mg_op_is_session(st->ops[i]);
	if (all_session) {
		absorb_session(ctx);
		return;
	}
	/* Does any operation need a rewrite, and can the rest be written on
	 * their own if the statement is split? */
	bool any = false, unsplittable = false;
	for (size_t i = 0; i < st->n_ops; i++) {
		rw r;
		init_rw(ctx, &r, st->ops[i]);
		if (form_for(&r))
			any = true;
		else if (st->sql && !is_body_of_function(st, st->ops[i]) &&
		         !mg_sqlw_op(&ctx->sqlw, st->ops[i], NULL))
			unsplittable = true;
	}
	if (!any || (unsplittable && st->n_ops > 1)) {
		if (any)
			plan_add_note(ctx, "%s:%u: the statement is kept whole: part of it cannot be "
			                   "written on its own, so the parts that have a safer form were "
			                   "not rewritten",
			              st->loc.file ? st->loc.file : "?", st->loc.line);
		const mg_operation **ops = (const mg_operation **)st->ops;
		keep(ctx, ops, st->n_ops, true);
		for (size_t i = 0; i < st->n_ops; i++)
			plan_apply_original(ctx, st->ops[i]);
		return;
	}
	/* Split: consecutive kept operations of one phase share a step. */
	const mg_operation **group = mg_arena_alloc(ctx->arena, st->n_ops * sizeof *group);
	size_t n_group = 0;
	for (size_t i = 0; i < st->n_ops; i++) {
		rw r;
		init_rw(ctx, &r, st->ops[i]);
		const rw_form *form = form_for(&r);
		if (!form && (!n_group || phase_of_op(group[0]) == phase_of_op(st->ops[i]))) {
			group[n_group++] = st->ops[i];
		} else {
			if (n_group)
				keep(ctx, group, n_group, st->n_ops == n_group);
			n_group = 0;
			if (form)
				form->emit(&r);
			else
				group[n_group++] = st->ops[i];
		}
		plan_apply_original(ctx, st->ops[i]);
	}
	if (n_group)
		keep(ctx, group, n_group, false);
}
