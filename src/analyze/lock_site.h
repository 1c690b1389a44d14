/*
 * lock_site.h: what the locking and performance rules share: a walk over
 * the operations under review, the risk figures of the operation's
 * table, and how a finding gets its severity and its production impact
 * in words.
 */
#ifndef MIGRAPH_ANALYZE_LOCK_SITE_H
#define MIGRAPH_ANALYZE_LOCK_SITE_H

#include "migraph/catalog.h"
#include "migraph/engine.h"
#include "migraph/risk.h"

typedef struct lk_site {
	mg_analysis *a;
	const mg_rule *rule;
	mg_changeset *cs;
	size_t stmt_index;
	mg_statement *st;
	mg_operation *op;
	mg_changeset_risk *cr;      /* NULL when risk was not computed */
	bool in_explicit_txn;       /* inside BEGIN ... COMMIT of the script (the timeline's) */
	bool lock_timeout_before;   /* a lock_timeout this changeset set is in effect */
	bool reported;              /* the rule already reported in this changeset */
	const size_t *work_after;   /* statements after i that do real work (scan, rewrite ...) */
	mg_map seen;                /* "statement:table" the rule reported in this changeset */
	void *user;                 /* the rule's own state across the walk (lk_each_op_with) */
} lk_site;

typedef void (*lk_fn)(lk_site *site);

/* Calls fn for every operation of every changeset under review. */
void lk_each_op(mg_analysis *a, const mg_rule *rule, lk_fn fn);
/* The same, with user in every site. */
void lk_each_op_with(mg_analysis *a, const mg_rule *rule, lk_fn fn, void *user);

/* The risk entry of a table in the site's changeset, or NULL. */
mg_table_risk *lk_table_risk(const lk_site *s, const mg_object *table);
/* True when the table existed before this changeset's release: only then
 * does the lock hit production traffic. */
bool lk_table_is_live(const lk_site *s, const mg_object *table);

/* True the first time the rule asks for this table in this statement:
 * one finding per rule, table and statement, however many subcommands
 * of one ALTER TABLE hit it. */
bool lk_first_in_statement(lk_site *s, const mg_object *table);

/* True when an earlier statement of the same transaction already took
 * lk's mode or a stronger one on its relation: this statement waits for
 * nothing.  Records lk for the statements after it. */
bool lk_already_held(lk_site *s, const mg_lock *lk);

/* Adds a finding at the operation, severity from the risk figures of
 * `table` or the rule's default. message and alternative are copied. */
mg_finding *lk_report(lk_site *s, const mg_object *table, const char *message,
                      const char *alternative);

/* "est. 22 min (index build of public.orders: 80000 MB at 60 MB/s); writes
 * wait (1500/s): ~2.0M requests queued" or "table size unknown". */
void lk_describe_impact(mg_buf *out, const lk_site *s, const mg_object *table);

/* A short name for the changeset kind's way of running outside a
 * transaction (Flyway .conf, Liquibase runInTransaction). */
bool lk_is_liquibase(const lk_site *s);

#endif
