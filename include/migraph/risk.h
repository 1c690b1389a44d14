/*
 * risk.h: what each changeset costs production.
 *
 * From the engine's locks and effects, the traffic profile's sizes and
 * QPS, and how the changeset runs (one transaction or statement by
 * statement), the risk model estimates for every changeset: the expected
 * runtime of each statement with the assumptions it rests on, the lock
 * mode held on each table and for how long, the requests that queue
 * behind it, the lock-queue risk, the replication lag from rewritten
 * bytes, and the verdict against the SLO.  Unknown stays unknown: a table
 * the profile does not name has no size, and its runtime is not zero.
 */
#ifndef MIGRAPH_RISK_H
#define MIGRAPH_RISK_H

#include "migraph/profile.h"
#include "migraph/rules.h"

typedef enum mg_cost_kind {
	MG_COST_NONE = 0,          /* no work on existing data */
	MG_COST_METADATA,          /* catalog change only */
	MG_COST_SCAN,              /* reads the table once */
	MG_COST_REWRITE,           /* writes a new copy of the table */
	MG_COST_INDEX_BUILD,       /* builds an index */
	MG_COST_CONCURRENT_BUILD,  /* builds an index CONCURRENTLY */
	MG_COST_DATA,              /* DML over the table's rows */
	MG_COST_UNKNOWN            /* opaque: cannot be estimated */
} mg_cost_kind;

const char *mg_cost_kind_name(mg_cost_kind kind);

typedef struct mg_stmt_risk {
	mg_cost_kind cost;
	bool runtime_known;
	double runtime_ms;
	const char *assumption;    /* how the estimate was made */
} mg_stmt_risk;

typedef struct mg_table_risk {
	mg_object table;
	mg_lock_mode mode;         /* strongest lock held in the changeset */
	bool size_known;
	uint64_t bytes;
	uint64_t rows;
	double read_qps;
	double write_qps;
	bool hot;
	bool new_in_release;       /* created earlier in the release: empty, no traffic */
	bool blocks_reads;
	bool blocks_writes;
	bool blocked_known;        /* something of the hold time is known */
	bool blocked_partial;      /* blocked_ms is a lower bound: part of the hold has an
	                            * unknown runtime (an opaque or unsized neighbour) */
	double blocked_ms;         /* how long that lock is held (at least, when partial) */
	double queued_requests;    /* QPS of blocked traffic x blocked time */
	bool lock_queue_risk;      /* ACCESS EXCLUSIVE on a table with traffic */
	double lock_wait_ms;       /* worst wait behind the longest transaction, bounded by lock_timeout */
} mg_table_risk;

typedef enum mg_slo_verdict {
	MG_SLO_UNKNOWN = 0,
	MG_SLO_OK,
	MG_SLO_EXCEEDED
} mg_slo_verdict;

typedef struct mg_changeset_risk {
	bool runtime_known;
	double runtime_ms;
	mg_stmt_risk *stmts;       /* one per statement */
	size_t n_stmts;
	mg_table_risk *tables;
	size_t n_tables;
	mg_map table_index;        /* "schema.name" -> (void *)(position in tables + 1) */
	bool lock_timeout_set;     /* before its first dangerous lock */
	bool statement_timeout_set;
	bool replication_lag_known;
	double replication_lag_s;
	double rewritten_bytes;
	mg_slo_verdict verdict;
	mg_severity severity;      /* from the figures, per DESIGN's severity rules */
	bool sizes_known;
} mg_changeset_risk;

/* The risk entry of a relation in a changeset, or NULL. */
mg_table_risk *mg_risk_table(mg_changeset_risk *cr, const char *schema, const char *name);

/* The cost of one operation judged by the engine model (an operation the
 * plan makes up, say): the same model and profile figures as the
 * changesets' statements.  table_empty: its table has no rows yet. */
mg_stmt_risk mg_risk_op_cost(const mg_analysis *analysis, const mg_operation *op,
                             bool table_empty);
/* The severity of holding `mode` on `table` for hold_ms (hold_known false:
 * for an unknown time) under the analysis's profile, per the contract
 * (mg_risk_severity); -1 when the figures cannot decide. */
int mg_risk_hold_severity(const mg_analysis *analysis, const mg_object *table,
                          mg_lock_mode mode, bool table_empty, double hold_ms, bool hold_known,
                          bool lock_timeout_set);

/* Computes risk for every changeset of the analysis (after replay).
 * profile may be NULL: sizes are then unknown and said to be. */
mg_changeset_risk *mg_risk_compute(mg_analysis *analysis, const mg_profile *profile);

/* Severity for `blocked_ms` of blocking on a table, per the contract:
 * critical above 10x the SLO on a hot table, high above the SLO, medium
 * above a tenth of it (or ACCESS EXCLUSIVE on a hot table without
 * lock_timeout), low otherwise, info when nothing in production is hit. */
int mg_risk_severity(const mg_profile *profile, const mg_table_risk *t, bool lock_timeout_set);
/* Returns -1 when the figures cannot decide (no profile, size unknown):
 * the rule's default severity applies.  A partial blocked time is a lower
 * bound: the severity it reaches holds, and an unknown remainder can only
 * raise it (mg_risk_at_least). */

/* The severity a finding gets from its table's figures: the figures'
 * when they decide, else the rule's default; a partial figure never
 * lowers the default, since the unknown part may be as long as any. */
mg_severity mg_risk_at_least(const mg_profile *profile, const mg_table_risk *t,
                             bool lock_timeout_set, mg_severity rule_default);

#endif
