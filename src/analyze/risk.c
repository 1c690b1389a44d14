/*
 * risk.c: runtime, lock hold time and blocked traffic per changeset.
 *
 * The timeline of a changeset is its statements in order, each with an
 * estimated runtime from the cost model.  A lock taken by a statement is
 * held until its transaction ends: the end of the changeset when it runs
 * in one transaction (a Flyway script, a Liquibase changeset with
 * runInTransaction), the next COMMIT inside an explicit BEGIN, or the end
 * of the statement itself in autocommit.  Blocked time is that hold time;
 * requests queued are the blocked traffic's QPS times it.
 *
 * The cost model is deliberately simple and shows its assumptions: bytes
 * divided by a throughput (scan, rewrite, index build), 2.5 times an index
 * build for CONCURRENTLY, zero for catalog-only changes (their risk is the
 * lock wait, reported separately).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "migraph/engine.h"
#include "migraph/graph.h"
#include "migraph/risk.h"

const char *mg_cost_kind_name(mg_cost_kind kind)
{
	switch (kind) {
	case MG_COST_NONE: return "none";
	case MG_COST_METADATA: return "metadata";
	case MG_COST_SCAN: return "scan";
	case MG_COST_REWRITE: return "rewrite";
	case MG_COST_INDEX_BUILD: return "index_build";
	case MG_COST_CONCURRENT_BUILD: return "concurrent_build";
	case MG_COST_DATA: return "data";
	case MG_COST_UNKNOWN: return "unknown";
	}
	return "unknown";
}

#define DEFAULT_MAX_LOCK_MS 2000.0

typedef struct risk_ctx {
	mg_analysis *a;
	const mg_profile *profile;
	mg_arena *arena;
	mg_map created;            /* "schema.name" of tables created in the release so far */
	mg_map created_here;       /* ... and by the statements of this changeset costed so far */
	mg_map unread;             /* relations the release creates with rows in them (a
	                            * materialized view): not empty, but no running version
	                            * reads them, so nobody waits for their locks */
	bool release_known;        /* a release selection was given */
} risk_ctx;

/* Tables are found by their text, "public.orders", whatever their kind. */
static const char *table_key(mg_arena *arena, const char *schema, const char *name)
{
	mg_object t = {MG_OBJ_TABLE, schema, NULL, name};
	return mg_object_text(arena, &t);
}

/* The profile's figures for a table, or the default entry. */
static void table_figures(risk_ctx *r, mg_table_risk *t)
{
	const mg_profile_table *pt = mg_profile_find(r->profile, t->table.schema, t->table.name);
	const mg_profile_table *use = pt ? pt : (r->profile ? &r->profile->default_table : NULL);
	if (!use)
		return;
	t->size_known = use->bytes.known;
	t->bytes = use->bytes.value;
	t->rows = use->rows.value;
	if (use->rows.known && !use->bytes.known && use->rows.value == 0) {
		t->size_known = true; /* an empty table has no bytes to speak of */
		t->bytes = 0;
	}
	t->read_qps = use->read_qps.known ? use->read_qps.value : 0;
	t->write_qps = use->write_qps.known ? use->write_qps.value : 0;
	t->hot = use->hot;
}

/* "80 GB", "5.0 MB", "512 kB": sizes as a reviewer reads them. */
static const char *human_bytes(mg_arena *arena, double b)
{
	mg_buf out = MG_BUF_INIT;
	mg_buf_put_bytes(&out, b);
	const char *text = mg_arena_strdup(arena, mg_buf_cstr(&out));
	mg_buf_dispose(&out);
	return text;
}

static bool table_is_new(risk_ctx *r, const mg_object *tbl)
{
	const char *key = table_key(r->arena, tbl->schema, tbl->name);
	return mg_map_get(&r->created, key) ||
	       (r->created_here.arena && mg_map_get(&r->created_here, key));
}

/* CREATE TABLE AS, CREATE MATERIALIZED VIEW and REFRESH run a query: the
 * work is reading every table the query names (one pass each), plus, for
 * a plain REFRESH, writing the view's new heap.  Costing them by their
 * first table alone undercounts a join; costing a REFRESH by the view's
 * own size leaves it unknown whenever the profile does not list the view,
 * though its sources say how long the query takes. */
static bool runs_query(const mg_operation *op)
{
	return op->kind == MG_OP_CREATE_MATERIALIZED_VIEW ||
	       (op->kind == MG_OP_REFRESH_MATERIALIZED_VIEW && !(op->flags & MG_OPF_WITH_NO_DATA)) ||
	       (op->kind == MG_OP_CREATE_TABLE && (op->flags & MG_OPF_AS_SELECT));
}

static mg_stmt_risk query_cost(risk_ctx *r, const mg_operation *op)
{
	mg_stmt_risk s = {MG_COST_SCAN, true, 0, NULL};
	double rate = r->profile ? r->profile->scan_bytes_s : 0;
	double bytes = 0;
	mg_buf read = MG_BUF_INIT, unknown = MG_BUF_INIT;
	const char *self = table_key(r->arena, op->object.schema, op->object.name);
	for (size_t i = 0; i < op->n_locks; i++) {
		const mg_object *rel = &op->locks[i].relation;
		if (rel->kind != MG_OBJ_TABLE && rel->kind != MG_OBJ_MATERIALIZED_VIEW)
			continue;
		const char *name = table_key(r->arena, rel->schema, rel->name);
		if (!strcmp(name, self))
			continue;
		mg_table_risk t = {.table = *rel};
		table_figures(r, &t);
		if (table_is_new(r, rel)) {
			mg_buf_printf(&read, "%s%s (new, empty)", read.len ? ", " : "", name);
		} else if (!t.size_known) {
			mg_buf_printf(&unknown, "%s%s", unknown.len ? ", " : "", name);
		} else {
			bytes += (double)t.bytes;
			mg_buf_printf(&read, "%s%s (%s)", read.len ? ", " : "", name,
			              human_bytes(r->arena, (double)t.bytes));
		}
	}
	double write_ms = 0;
	const char *write = "";
	if (op->kind == MG_OP_REFRESH_MATERIALIZED_VIEW && (op->effects & MG_EFF_REWRITE)) {
		s.cost = MG_COST_REWRITE;
		mg_table_risk v = {.table = op->object};
		table_figures(r, &v);
		double wrate = r->profile ? r->profile->rewrite_bytes_s : 0;
		if (v.size_known && wrate > 0) {
			write_ms = (double)v.bytes / wrate * 1000.0;
			write = mg_arena_printf(r->arena, ", then writes the view: %s at %.0f MB/s",
			                        human_bytes(r->arena, (double)v.bytes), wrate / 1e6);
		} else {
			write = "; writing the view's new heap is not counted (its size is unknown)";
		}
	}
	if (unknown.len || rate <= 0) {
		s.runtime_known = false;
		s.assumption = mg_arena_printf(r->arena, "the query reads %s: size unknown",
		                               unknown.len ? mg_buf_cstr(&unknown) : "its tables");
	} else {
		s.runtime_ms = bytes / rate * 1000.0 + write_ms;
		s.assumption = mg_arena_printf(r->arena, "the query reads %s at %.0f MB/s%s",
		                               read.len ? mg_buf_cstr(&read) : "no table",
		                               rate / 1e6, write);
	}
	mg_buf_dispose(&read);
	mg_buf_dispose(&unknown);
	return s;
}

static mg_stmt_risk cost_of_op(risk_ctx *r, const mg_operation *op)
{
	mg_stmt_risk s = {MG_COST_NONE, true, 0, NULL};
	if (op->kind == MG_OP_OPAQUE || !(op->effects & MG_EFF_MODELLED)) {
		s.cost = MG_COST_UNKNOWN;
		s.runtime_known = false;
		s.assumption = "not analysable: runtime unknown";
		return s;
	}
	if (runs_query(op))
		return query_cost(r, op);
	const mg_object *main = mg_op_locked_table(op);
	bool has_table = main != NULL;
	unsigned e = op->effects;
	bool dml = op->kind == MG_OP_UPDATE || op->kind == MG_OP_DELETE || op->kind == MG_OP_MERGE ||
	           (op->kind == MG_OP_INSERT && (op->flags & MG_OPF_AS_SELECT));
	if (!(e & (MG_EFF_REWRITE | MG_EFF_SCAN | MG_EFF_INDEX_BUILD)) && !dml) {
		s.cost = has_table ? MG_COST_METADATA : MG_COST_NONE;
		s.assumption = has_table ? "catalog-only change: instant once the lock is granted" : NULL;
		return s;
	}
	if (!has_table) {
		s.cost = MG_COST_UNKNOWN;
		s.runtime_known = false;
		s.assumption = "no table to size the work by";
		return s;
	}
	mg_object tbl = *main;
	mg_table_risk t = {.table = tbl};
	table_figures(r, &t);
	if (table_is_new(r, &tbl)) {
		s.cost = MG_COST_METADATA;
		s.assumption = "the table was created earlier in this release: it is empty";
		return s;
	}
	double rate;
	const char *what;
	if (e & MG_EFF_REWRITE) {
		s.cost = MG_COST_REWRITE;
		rate = r->profile ? r->profile->rewrite_bytes_s : 0;
		what = "rewrite";
	} else if ((e & MG_EFF_INDEX_BUILD) && (op->flags & MG_OPF_CONCURRENTLY)) {
		s.cost = MG_COST_CONCURRENT_BUILD;
		rate = r->profile ? r->profile->index_build_bytes_s / 2.5 : 0;
		what = "concurrent index build (2.5x a plain build, plus waits for older transactions)";
	} else if (e & MG_EFF_INDEX_BUILD) {
		s.cost = MG_COST_INDEX_BUILD;
		rate = r->profile ? r->profile->index_build_bytes_s : 0;
		what = "index build";
	} else if (dml) {
		s.cost = MG_COST_DATA;
		rate = r->profile ? r->profile->rewrite_bytes_s : 0;
		what = (op->flags & MG_OPF_HAS_WHERE) ? "data change (assumes every row matches)"
		                                      : "data change over every row";
	} else {
		s.cost = MG_COST_SCAN;
		rate = r->profile ? r->profile->scan_bytes_s : 0;
		what = "full scan";
	}
	if (!t.size_known || rate <= 0) {
		s.runtime_known = false;
		s.assumption = mg_arena_printf(r->arena, "%s of %s: size unknown", what,
		                               table_key(r->arena, tbl.schema, tbl.name));
		return s;
	}
	s.runtime_ms = (double)t.bytes / rate * 1000.0;
	s.assumption = mg_arena_printf(r->arena, "%s of %s: %s at %.0f MB/s", what,
	                               table_key(r->arena, tbl.schema, tbl.name),
	                               human_bytes(r->arena, (double)t.bytes), rate / 1e6);
	return s;
}

/* A statement's ops share one pass over the table (ALTER TABLE combines
 * its subcommands' scans and rewrites), so its runtime is the most
 * expensive op's, not the sum. */
static mg_stmt_risk cost_of_statement(risk_ctx *r, const mg_statement *st)
{
	mg_stmt_risk best = {MG_COST_NONE, true, 0, NULL};
	if (st->parse_failed) {
		best.cost = MG_COST_UNKNOWN;
		best.runtime_known = false;
		best.assumption = "statement not parsed: runtime unknown";
		return best;
	}
	for (size_t i = 0; i < st->n_ops; i++) {
		mg_stmt_risk s = cost_of_op(r, st->ops[i]);
		if (!s.runtime_known) {
			if (best.runtime_known || best.cost < s.cost)
				best = s;
			best.runtime_known = false;
			continue;
		}
		if (best.runtime_known && (s.runtime_ms > best.runtime_ms || best.cost < s.cost))
			best = s;
	}
	return best;
}

mg_table_risk *mg_risk_table(mg_changeset_risk *cr, const char *schema, const char *name)
{
	if (!cr || !cr->table_index.arena || !name)
		return NULL;
	mg_object t = {MG_OBJ_TABLE, schema, NULL, name};
	mg_buf key = MG_BUF_INIT;
	mg_object_put(&key, &t);
	size_t at = (size_t)mg_map_get(&cr->table_index, mg_buf_cstr(&key));
	mg_buf_dispose(&key);
	return at ? &cr->tables[at - 1] : NULL;
}

/* A changeset may touch thousands of tables (a whole schema in one
 * script): entries are found through a map, not a scan. */
static mg_table_risk *table_entry(risk_ctx *r, mg_changeset_risk *cr, size_t *cap,
                                  const mg_object *rel)
{
	if (!cr->table_index.arena)
		mg_map_init(&cr->table_index, r->arena);
	mg_table_risk *found = mg_risk_table(cr, rel->schema, rel->name);
	if (found)
		return found;
	if (cr->n_tables == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		cr->tables = mg_arena_grow(r->arena, cr->tables, sizeof *cr->tables, cr->n_tables, ncap);
		*cap = ncap;
	}
	mg_table_risk *t = &cr->tables[cr->n_tables++];
	mg_map_put(&cr->table_index, table_key(r->arena, rel->schema, rel->name),
	           (void *)(uintptr_t)cr->n_tables);
	t->table = *rel;
	t->blocked_known = true;
	table_figures(r, t);
	const char *key = table_key(r->arena, rel->schema, rel->name);
	t->new_in_release = mg_map_get(&r->created, key) != NULL ||
	                    (r->unread.arena && mg_map_get(&r->unread, key) != NULL);
	return t;
}

/* Does op create a relation that starts empty?  A table (CREATE TABLE AS
 * is counted with them, as before), or a materialized view WITH NO DATA;
 * one with data holds its query's rows. */
static bool created_empty(const mg_operation *op)
{
	return op->kind == MG_OP_CREATE_TABLE ||
	       (op->kind == MG_OP_CREATE_MATERIALIZED_VIEW && (op->flags & MG_OPF_WITH_NO_DATA));
}

/* Pass 1: each statement's runtime, and the changeset's. */
static void statement_costs(risk_ctx *r, const mg_changeset *cs, mg_changeset_risk *cr)
{
	size_t n = cs->n_stmts;
	cr->stmts = mg_arena_alloc(r->arena, (n ? n : 1) * sizeof *cr->stmts);
	cr->n_stmts = n;
	cr->runtime_known = true;
	/* A table created by an earlier statement is empty: whatever the
	 * profile says of its name is the size it will have in production
	 * later, not now.  Creations are known here in statement order
	 * (pass 2 records them for the release as it walks the locks). */
	mg_map_init(&r->created_here, r->arena);
	for (size_t i = 0; i < n; i++) {
		const mg_statement *st = cs->stmts[i];
		cr->stmts[i] = cost_of_statement(r, st);
		if (cr->stmts[i].runtime_known)
			cr->runtime_ms += cr->stmts[i].runtime_ms;
		else
			cr->runtime_known = false;
		for (size_t k = 0; k < st->n_ops; k++)
			if (created_empty(st->ops[k]))
				mg_map_put(&r->created_here,
				           table_key(r->arena, st->ops[k]->object.schema,
				                     st->ops[k]->object.name),
				           (void *)1);
	}
	r->created_here = (mg_map){0};
}

static bool dangerous(mg_lock_mode mode)
{
	return mode >= MG_LOCK_SHARE_UPDATE_EXCLUSIVE &&
	       (mg_lock_blocks_reads(mode) || mg_lock_blocks_writes(mode));
}

/* One lock of a statement whose transaction holds it for hold ms. */
static void hold_lock(risk_ctx *r, mg_changeset_risk *cr, size_t *tcap, const mg_lock *lk,
                      double hold, bool hold_known)
{
	/* Indexes follow their table; sequences count on their own: a lock
	 * there stalls every nextval() of the inserts. */
	if (lk->relation.kind != MG_OBJ_TABLE && lk->relation.kind != MG_OBJ_MATERIALIZED_VIEW &&
	    lk->relation.kind != MG_OBJ_VIEW && lk->relation.kind != MG_OBJ_SEQUENCE)
		return;
	mg_table_risk *t = table_entry(r, cr, tcap, &lk->relation);
	if (lk->mode > t->mode)
		t->mode = lk->mode;
	bool br = mg_lock_blocks_reads(lk->mode), bw = mg_lock_blocks_writes(lk->mode);
	if ((br || bw) && !t->new_in_release) {
		/* hold is the known part of the hold time: with an unknown
		 * neighbour it is a lower bound, never a reason to forget it. */
		if (!hold_known)
			t->blocked_partial = true;
		if (hold > t->blocked_ms)
			t->blocked_ms = hold;
	}
	t->blocks_reads |= br;
	t->blocks_writes |= bw;
}

static void add_rewritten_bytes(risk_ctx *r, mg_changeset_risk *cr, const mg_operation *op)
{
	const mg_object *tbl = (op->effects & MG_EFF_REWRITE) ? mg_op_locked_table(op) : NULL;
	if (!tbl || mg_map_get(&r->created, table_key(r->arena, tbl->schema, tbl->name)))
		return; /* an empty table writes no WAL to speak of */
	mg_table_risk tmp = {.table = *tbl};
	table_figures(r, &tmp);
	if (tmp.size_known)
		cr->rewritten_bytes += (double)tmp.bytes;
}

/* Pass 2: locks and how long their transactions hold them, the timeouts
 * in effect, rewritten bytes.  A lock is held until the statement's
 * transaction ends (the timeline says where); prefix sums make the hold
 * time of any statement O(1): a 100,000-statement script in one
 * transaction must not cost 10^10 additions. */
static void hold_locks(risk_ctx *r, const mg_changeset *cs, const mg_timeline_entry *tl,
                       mg_changeset_risk *cr)
{
	size_t n = cs->n_stmts, tcap = 0;
	double *known_before = mg_arena_alloc(r->arena, (n + 1) * sizeof *known_before);
	size_t *unknown_before = mg_arena_alloc(r->arena, (n + 1) * sizeof *unknown_before);
	for (size_t i = 0; i < n; i++) {
		known_before[i + 1] = known_before[i] +
		                      (cr->stmts[i].runtime_known ? cr->stmts[i].runtime_ms : 0);
		unknown_before[i + 1] = unknown_before[i] + !cr->stmts[i].runtime_known;
	}
	bool dangerous_seen = false, any_lock_timeout = false;
	for (size_t i = 0; i < n; i++) {
		const mg_statement *st = cs->stmts[i];
		size_t end = (tl ? tl[i].txn_end : cs->run_in_transaction ? n - 1 : i) + 1;
		double hold = known_before[end] - known_before[i];
		bool hold_known = unknown_before[end] == unknown_before[i];
		bool timeout = tl && mg_setting_enabled_by(&tl[i].lock_timeout, cs->index);
		any_lock_timeout |= timeout;
		if (tl && mg_setting_enabled_by(&tl[i].statement_timeout, cs->index))
			cr->statement_timeout_set = true;
		for (size_t k = 0; k < st->n_ops; k++) {
			const mg_operation *op = st->ops[k];
			add_rewritten_bytes(r, cr, op);
			for (size_t l = 0; l < op->n_locks; l++) {
				/* What counts is the lock_timeout in effect when the
				 * first dangerous lock is requested. */
				if (dangerous(op->locks[l].mode) && !dangerous_seen) {
					dangerous_seen = true;
					cr->lock_timeout_set = timeout;
				}
				hold_lock(r, cr, &tcap, &op->locks[l], hold, hold_known);
			}
			if ((cs->flags & MG_CSF_IN_RELEASE) || !r->release_known) {
				const char *key = table_key(r->arena, op->object.schema, op->object.name);
				if (created_empty(op))
					mg_map_put(&r->created, key, (void *)1);
				else if (op->kind == MG_OP_CREATE_MATERIALIZED_VIEW)
					mg_map_put(&r->unread, key, (void *)1);
			}
		}
	}
	if (!dangerous_seen)
		cr->lock_timeout_set = any_lock_timeout;
}

/* Per table: queued requests and the lock-queue risk.  Returns whether a
 * live table is blocked at all, and sets the changeset's severity. */
static bool summarise_tables(risk_ctx *r, mg_changeset_risk *cr)
{
	int worst = -1;
	bool any_blocking = false;
	for (size_t i = 0; i < cr->n_tables; i++) {
		mg_table_risk *t = &cr->tables[i];
		if (t->new_in_release)
			t->size_known = true, t->bytes = 0, t->rows = 0;
		/* Nothing is known only when no part of the hold time is. */
		t->blocked_known = !t->blocked_partial || t->blocked_ms > 0;
		double qps = (t->blocks_reads ? t->read_qps : 0) + (t->blocks_writes ? t->write_qps : 0);
		if (t->blocked_known)
			t->queued_requests = qps * t->blocked_ms / 1000.0;
		if (t->mode == MG_LOCK_ACCESS_EXCLUSIVE && !t->new_in_release &&
		    (t->read_qps > 0 || t->write_qps > 0 || t->hot)) {
			t->lock_queue_risk = true;
			if (r->profile && r->profile->longest_transaction_ms.known)
				t->lock_wait_ms = r->profile->longest_transaction_ms.value;
		}
		any_blocking |= (t->blocks_reads || t->blocks_writes) && !t->new_in_release;
		int sev = mg_risk_severity(r->profile, t, cr->lock_timeout_set);
		if (sev > worst)
			worst = sev;
	}
	cr->severity = worst < 0 ? MG_SEV_INFO : (mg_severity)worst;
	return any_blocking;
}

/* Replication lag from rewritten bytes, and the verdict against the SLO. */
static void slo_verdict(risk_ctx *r, mg_changeset_risk *cr, bool any_blocking)
{
	const mg_profile *pr = r->profile;
	if (pr && pr->replica_apply_mb_s.known && pr->replica_apply_mb_s.value > 0) {
		cr->replication_lag_known = true;
		cr->replication_lag_s = cr->rewritten_bytes / (pr->replica_apply_mb_s.value * 1e6);
	}
	if (!pr || !any_blocking) {
		cr->verdict = pr ? MG_SLO_OK : MG_SLO_UNKNOWN;
		return;
	}
	double slo = pr->max_lock_ms.known ? pr->max_lock_ms.value : DEFAULT_MAX_LOCK_MS;
	cr->verdict = MG_SLO_OK;
	for (size_t i = 0; i < cr->n_tables; i++) {
		const mg_table_risk *t = &cr->tables[i];
		if (t->new_in_release || !(t->blocks_reads || t->blocks_writes))
			continue;
		if (!t->blocked_known || !t->size_known) {
			if (cr->verdict == MG_SLO_OK)
				cr->verdict = MG_SLO_UNKNOWN;
		} else if (t->blocked_ms > slo) {
			cr->verdict = MG_SLO_EXCEEDED;
		}
	}
	if (cr->replication_lag_known && pr->max_replication_lag_s.known &&
	    cr->replication_lag_s > pr->max_replication_lag_s.value)
		cr->verdict = MG_SLO_EXCEEDED;
}

mg_stmt_risk mg_risk_op_cost(const mg_analysis *analysis, const mg_operation *op,
                             bool table_empty)
{
	mg_project *p = analysis->project;
	risk_ctx r = {.a = (mg_analysis *)analysis, .profile = analysis->profile, .arena = &p->arena};
	mg_map_init(&r.created, &p->arena);
	const mg_object *tbl = table_empty ? mg_op_locked_table(op) : NULL;
	if (tbl)
		mg_map_put(&r.created, table_key(r.arena, tbl->schema, tbl->name), (void *)1);
	return cost_of_op(&r, op);
}

int mg_risk_hold_severity(const mg_analysis *analysis, const mg_object *table,
                          mg_lock_mode mode, bool table_empty, double hold_ms, bool hold_known,
                          bool lock_timeout_set)
{
	risk_ctx r = {.a = (mg_analysis *)analysis, .profile = analysis->profile,
	              .arena = &analysis->project->arena};
	mg_table_risk t = {.table = *table, .mode = mode};
	table_figures(&r, &t);
	t.new_in_release = table_empty;
	t.blocks_reads = mg_lock_blocks_reads(mode);
	t.blocks_writes = mg_lock_blocks_writes(mode);
	t.blocked_partial = !hold_known;
	t.blocked_ms = hold_ms > 0 ? hold_ms : 0;
	t.blocked_known = hold_known || t.blocked_ms > 0;
	double qps = (t.blocks_reads ? t.read_qps : 0) + (t.blocks_writes ? t.write_qps : 0);
	t.queued_requests = qps * t.blocked_ms / 1000.0;
	return mg_risk_severity(analysis->profile, &t, lock_timeout_set);
}

static void compute_changeset(risk_ctx *r, const mg_changeset *cs, mg_changeset_risk *cr)
{
	const mg_timeline *tl = r->a->graph ? r->a->graph->timeline : NULL;
	const mg_timeline_entry *entries = mg_timeline_at(tl, cs->index, 0);
	cr->sizes_known = r->profile != NULL;
	statement_costs(r, cs, cr);
	hold_locks(r, cs, cs->n_stmts ? entries : NULL, cr);
	slo_verdict(r, cr, summarise_tables(r, cr));
}

int mg_risk_severity(const mg_profile *profile, const mg_table_risk *t, bool lock_timeout_set)
{
	if (!profile)
		return -1;
	if (t->new_in_release || (t->size_known && t->rows == 0 && t->bytes == 0))
		return MG_SEV_INFO;
	if (!t->blocks_reads && !t->blocks_writes)
		return MG_SEV_INFO;
	bool ae_hot_unbounded = t->mode == MG_LOCK_ACCESS_EXCLUSIVE && t->hot && !lock_timeout_set;
	if (!t->blocked_known || !t->size_known)
		return ae_hot_unbounded ? MG_SEV_MEDIUM : -1;
	bool traffic_known = t->read_qps > 0 || t->write_qps > 0;
	if (!t->blocked_partial && traffic_known && t->queued_requests < 1.0 && !ae_hot_unbounded)
		return MG_SEV_INFO; /* not one request is expected to wait */
	double slo = profile->max_lock_ms.known ? profile->max_lock_ms.value : DEFAULT_MAX_LOCK_MS;
	/* A partial figure is a lower bound: what it reaches holds, below
	 * that the unknown rest decides (the rule's default). */
	if (t->hot && t->blocked_ms > 10.0 * slo)
		return MG_SEV_CRITICAL;
	if (t->blocked_ms > slo)
		return MG_SEV_HIGH;
	if (t->blocked_partial)
		return ae_hot_unbounded ? MG_SEV_MEDIUM : -1;
	if (t->blocked_ms > slo / 10.0 || ae_hot_unbounded)
		return MG_SEV_MEDIUM;
	return MG_SEV_LOW;
}

mg_severity mg_risk_at_least(const mg_profile *profile, const mg_table_risk *t,
                             bool lock_timeout_set, mg_severity rule_default)
{
	int sev = t ? mg_risk_severity(profile, t, lock_timeout_set) : -1;
	if (sev < 0)
		return rule_default;
	if (t->blocked_partial && (int)rule_default > sev)
		return rule_default;
	return (mg_severity)sev;
}

mg_changeset_risk *mg_risk_compute(mg_analysis *analysis, const mg_profile *profile)
{
	mg_project *p = analysis->project;
	risk_ctx r = {.a = analysis, .profile = profile, .arena = &p->arena};
	mg_map_init(&r.created, &p->arena);
	mg_map_init(&r.unread, &p->arena);
	mg_changeset_risk *all =
		mg_arena_alloc(&p->arena, (p->n_changesets ? p->n_changesets : 1) * sizeof *all);
	/* Without a release selection nothing says what production already
	 * has, so every earlier changeset counts as deployed: only a table
	 * created in the same changeset is known to be empty.  That is the
	 * cautious reading; --since, --applied or --git-base narrow it. */
	const mg_analysis_options *o = &analysis->opts;
	bool release_known = o->since || o->applied_file || o->git_base;
	r.release_known = release_known;
	for (size_t i = 0; i < p->n_changesets; i++) {
		const mg_changeset *cs = p->changesets[i];
		if (cs->flags & (MG_CSF_FILTERED | MG_CSF_NOT_APPLICABLE))
			continue;
		if (!release_known) {
			mg_map_init(&r.created, &p->arena);
			mg_map_init(&r.unread, &p->arena);
		}
		compute_changeset(&r, cs, &all[i]);
	}
	analysis->risk = all;
	analysis->sizes_known = profile != NULL;
	return all;
}
