/*
 * plan.h: the release review: a phased rollout plan built from the analysis.
 *
 * The plan turns the release's changesets into the steps a careful DBA
 * would run instead: every unsafe operation is rewritten into a safe
 * sequence (a plain CREATE INDEX becomes CONCURRENTLY outside a
 * transaction, a validating constraint becomes NOT VALID then VALIDATE, a
 * rename becomes a new column, a sync trigger, a backfill and a drop in a
 * later release ...), and every step says how to run it (transaction or
 * not, lock_timeout, statement_timeout, how to retry), how to check it
 * and how to take it back.
 *
 * Phases run in this order:
 *   expand    additive and non-blocking: new tables, nullable columns,
 *             concurrent indexes, NOT VALID constraints, sync triggers;
 *   deploy    the new application version rolls out (per the profile's
 *             deploy strategy) and writes both the old and the new shape;
 *   backfill  batched, idempotent, resumable data changes;
 *   validate  VALIDATE CONSTRAINT, SET NOT NULL behind a valid CHECK,
 *             UNIQUE ... USING INDEX;
 *   contract  drops and the old halves of renames: always in a LATER
 *             release (release 2 of the plan), never in this one.
 *
 * The plan is built from the graph: a step never runs before a step it
 * depends on (the same object created, changed or filled earlier), even
 * when that moves it to a later phase.  Everything is allocated in the
 * project's arena.  Building a plan never fails: what cannot be rewritten
 * is kept as written, with a note saying why and the risk it carries.
 */
#ifndef MIGRAPH_PLAN_H
#define MIGRAPH_PLAN_H

#include "migraph/risk.h"
#include "migraph/rules.h"

typedef enum mg_phase {
	MG_PHASE_EXPAND = 0,
	MG_PHASE_DEPLOY,
	MG_PHASE_BACKFILL,
	MG_PHASE_VALIDATE,
	MG_PHASE_CONTRACT,
	MG_PHASE__COUNT
} mg_phase;

/* "expand", "deploy", "backfill", "validate", "contract". */
const char *mg_phase_name(mg_phase phase);

/* ---- Backfills ---------------------------------------------------------- */

/* A batched data change: keyset pagination on the primary key, an
 * idempotent predicate (a row already done is never touched again), a
 * checkpoint table to resume from, a pause between batches that keeps
 * replication lag and lock queues within the SLO, a progress query and a
 * dead-letter table for rows that fail. */
typedef struct mg_backfill {
	mg_object table;
	mg_name_list key;              /* primary key columns used for pagination */
	bool key_known;                /* false: no usable key; the script says so */
	const char *set_clause;        /* "email_lower = lower(email)"; NULL: the rows are deleted */
	const char *predicate;         /* idempotent filter: "email_lower IS NULL"; NULL: every row */
	const char *source_sql;        /* the statement it replaces, NULL when introduced by the plan */

	/* Sizing, from the profile (rows, write QPS, SLO), with its reasoning. */
	bool rows_known;
	uint64_t rows;
	uint64_t batch_size;
	double pause_ms;               /* between batches */
	bool runtime_known;
	double runtime_ms;             /* whole backfill, pauses included */
	const char *sizing_reasoning;  /* why this batch size: the figures it came from */

	/* Generated SQL (target PostgreSQL version). */
	const char *setup_sql;         /* checkpoint and dead-letter tables */
	const char *script_sql;        /* a procedure committing per batch (11+) or a psql loop */
	const char *run_sql;           /* how to start or resume it: CALL ... */
	const char *progress_sql;      /* rows done / remaining */
	const char *verify_sql;        /* returns 0 rows when complete and correct */
	const char *cleanup_sql;       /* drops the helper objects afterwards */
	const char *failure_handling;  /* retry, dead letters, resume: prose for the runbook */

	/* Where the scripts keep their state (NULL when not batched). */
	const char *name;              /* checkpoint key, also the procedure's name */
	const char *checkpoint_table;  /* qualified: one row per backfill, the resume point */
	const char *dead_letter_table; /* qualified: rows that failed, with their error */
	bool idempotent;               /* the predicate is false for a row once done (else
	                                  only the checkpoint keeps a row from a second change) */
} mg_backfill;

/* ---- Steps -------------------------------------------------------------- */

typedef enum mg_step_kind {
	MG_STEP_SQL = 0,      /* run SQL against the database */
	MG_STEP_APP_DEPLOY,   /* roll out an application version (no SQL) */
	MG_STEP_BACKFILL,     /* run a backfill (see backfill) */
	MG_STEP_MANUAL        /* a person must look: opaque code, a maintenance window */
} mg_step_kind;

const char *mg_step_kind_name(mg_step_kind kind);

/* How to take a step back. */
typedef enum mg_reversibility {
	MG_REV_REVERSIBLE = 0,   /* rollback_sql undoes it, no data lost */
	MG_REV_LOSSY,            /* rollback_sql restores the shape, not the data */
	MG_REV_IRREVERSIBLE      /* nothing undoes it: forward_fix says what to do */
} mg_reversibility;

const char *mg_reversibility_name(mg_reversibility r);

/* A finding a check of the step's own SQL raises that the plan's order
 * answers: a drop in release 2, once every instance runs the version
 * deployed in release 1; a NOT NULL after the deploy of the version that
 * writes the column.  The emitted migrations carry each as a
 * `migraph:ignore` marker on the statement that runs the operation, so
 * that `migraph check` on them agrees with the plan and says why. */
typedef struct mg_step_waiver {
	const char *rule;             /* "compat-drop-column" */
	mg_op_kind kind;              /* the operation it concerns ... */
	mg_object object;             /* ... and its object */
	const char *reason;           /* one line, "plan: ..." */
} mg_step_waiver;

typedef struct mg_plan_step {
	size_t index;                 /* position in mg_plan.steps */
	const char *id;               /* stable, e.g. "s3": for depends_on and the diagram */
	mg_phase phase;
	int release;                  /* 1 = this release, 2 = the next one (contract) */
	mg_step_kind kind;
	const char *title;            /* one line: "Build orders_customer_id_idx concurrently" */
	const char *why;              /* why this step exists / what it replaces, in production terms */

	/* Where it comes from.  has_changeset is false for steps the plan
	 * introduces on its own (an app deploy). */
	bool has_changeset;
	size_t changeset;
	const mg_operation *op;       /* the operation it rewrites, or NULL */
	/* The operations the step runs: the original ones when it is kept as
	 * written, the rewrite's own otherwise (a CREATE INDEX CONCURRENTLY, a
	 * sync trigger ...).  Its locks and its place in the order come from
	 * them. */
	const mg_operation **ops;
	size_t n_ops;
	mg_loc loc;
	bool rewritten;               /* true when it differs from the original SQL */

	/* How to run it. */
	const char *sql;              /* the statements, each ending in ';', for the target version */
	bool in_transaction;          /* false: must run outside a transaction block */
	bool has_lock_timeout;
	double lock_timeout_ms;
	bool has_statement_timeout;
	double statement_timeout_ms;  /* 0 with has_statement_timeout: explicitly none */
	const char *retry;            /* how to retry after a lock timeout (and what to clean first) */

	/* What it costs (from the engine model and the profile). */
	mg_lock *locks;               /* the strongest lock per relation the step takes */
	size_t n_locks;
	bool runtime_known;
	double runtime_ms;
	const char *runtime_assumption;
	mg_severity risk;             /* of the step as planned (after the rewrite) */

	/* How to check it and take it back. */
	const char *verify_sql;       /* smoke query: returns rows only when something is wrong */
	mg_reversibility reversibility;
	const char *rollback_sql;     /* NULL when irreversible */
	const char *rollback_source;  /* "derived", "liquibase rollback block", "flyway undo V3" */
	const char *forward_fix;      /* irreversible steps: how to go forward instead */
	const char *rollback_note;    /* what the rollback cannot bring back, or why nothing
	                                 needs undoing, said plainly; NULL when nothing to add */
	bool hold_until_confirmed;    /* destructive: run only once the release is confirmed good */
	mg_step_waiver *waivers;      /* findings the plan's order answers, with why */
	size_t n_waivers;

	mg_backfill *backfill;        /* MG_STEP_BACKFILL */

	size_t *depends_on;           /* indexes of steps that must run first */
	mg_object *depends_objects;   /* the object each dependency is about (parallel array) */
	size_t n_depends;
} mg_plan_step;

/* ---- Release risk assessment -------------------------------------------- */

typedef enum mg_risk_area {
	MG_AREA_LOCKING = 0,
	MG_AREA_DATA,
	MG_AREA_PERFORMANCE,
	MG_AREA_ROLLBACK,
	MG_AREA__COUNT
} mg_risk_area;

const char *mg_risk_area_name(mg_risk_area area);

typedef struct mg_area_score {
	mg_risk_area area;
	mg_severity level;            /* the worst finding or figure behind it */
	const char *summary;          /* one sentence with the decisive figures */
	const char *because;          /* the same without "<area> risk is <level>: ", for a
	                               * renderer that shows the area and level itself */
	const char **reasons;         /* each: a figure or a finding ("V2_1: SHARE on orders 22 min") */
	size_t n_reasons;
	size_t *findings;             /* indexes into analysis->findings */
	size_t n_findings;
} mg_area_score;

/* ---- Verification -------------------------------------------------------- */

typedef enum mg_check_when {
	MG_CHECK_PRE_DEPLOY = 0,      /* before anything runs (staging at production scale) */
	MG_CHECK_POST_STEP,           /* right after a step */
	MG_CHECK_POST_DEPLOY          /* once the release is out */
} mg_check_when;

typedef struct mg_check {
	mg_check_when when;
	const char *title;
	const char *sql;              /* NULL for a check that is not a query */
	const char *expect;           /* "no rows", "Index Scan using orders_customer_id_idx" ... */
	bool has_step;
	size_t step;
} mg_check;

/* ---- The plan ------------------------------------------------------------ */

typedef struct mg_plan {
	const mg_analysis *analysis;
	mg_deploy deploy;             /* the strategy the app-deploy steps follow */
	int n_releases;               /* 1, or 2 when there is a contract */

	mg_area_score areas[MG_AREA__COUNT];
	mg_severity overall;

	mg_plan_step **steps;         /* in run order: release, then phase, then dependencies */
	size_t n_steps;
	size_t steps_cap;

	mg_backfill **backfills;      /* every backfill, also reachable from its step */
	size_t n_backfills;
	size_t backfills_cap;

	mg_check *checks;             /* pre-deploy, per-step and post-deploy checks */
	size_t n_checks;
	size_t checks_cap;
	const char **oncall;          /* the on-call checklist, in order */
	size_t n_oncall;
	size_t oncall_cap;

	const char **notes;           /* what the plan could not do, said plainly */
	size_t n_notes;
	size_t notes_cap;
} mg_plan;

/* Builds the plan for the release of an analysis that has run
 * (mg_analysis_run).  Never NULL. */
mg_plan *mg_plan_build(mg_analysis *analysis);

/* The step as a script to paste into psql: its SQL wrapped in BEGIN ...
 * COMMIT with SET LOCAL lock_timeout / statement_timeout when it runs in
 * a transaction, or preceded by SET and followed by RESET of them when it
 * must run outside one (so no setting leaks into what runs next).  NULL
 * for a step without SQL.  Allocated in the plan's arena. */
const char *mg_plan_step_script(const mg_plan *plan, const mg_plan_step *step);

/* ---- Emitting the plan as migrations -------------------------------------- */

/* One file of the emitted plan: a path relative to the target folder and
 * its bytes.  The CLI writes them; the plan never does I/O. */
typedef struct mg_emit_file {
	const char *path;             /* "release-1/V2_0_1__expand_add_orders_status.sql" */
	const char *content;
	size_t len;
} mg_emit_file;

typedef struct mg_emit {
	mg_emit_file *files;
	size_t n_files;
	size_t files_cap;
} mg_emit;

/* Writes the plan in the project's own format: Flyway scripts whose
 * versions sort where the release starts (with a .sql.conf where a step
 * must run outside a transaction), or a Liquibase formatted-SQL changelog,
 * one folder per release. */
mg_emit *mg_plan_emit(const mg_plan *plan);

#endif
