/*
 * timeline.h: what is in effect when each statement runs.
 *
 * The replay stage (src/replay) walks the statements of the project once,
 * in execution order, and records for each one: its changeset, whether it
 * runs inside a transaction block and where that transaction ends, and the
 * session settings in effect (lock_timeout, statement_timeout, TimeZone).
 * Risk, the rules and the rollout plan read these records instead of
 * walking the statements again.  The timeline records; it never judges:
 * whether a value set by an earlier migration protects a later one is the
 * reader's policy.
 *
 * Transactions.  A changeset that runs in a transaction (a Flyway script
 * that Flyway wraps, a Liquibase changeset with runInTransaction) holds
 * every lock until its end.  Otherwise each statement commits on its own
 * (autocommit), except between a BEGIN and its COMMIT or ROLLBACK written
 * in the script; a BEGIN without COMMIT holds to the end of the changeset.
 *
 * Settings follow PostgreSQL:
 *  - SET lasts for the session.  Flyway and Liquibase run every changeset
 *    of a deployment on one connection, so a SET in V1 is still in effect
 *    in V2: the record says where the value came from (origin).
 *  - SET LOCAL lasts until the end of the current transaction, then the
 *    session's value is back; outside a transaction block it has no effect.
 *  - RESET, SET ... TO DEFAULT and RESET ALL return to the server's
 *    default (value NULL).
 *  - ROLLBACK undoes every SET made in the transaction it ends.
 * A changeset that does not run (ignore:true, above the Flyway target) has
 * records as if it ran where it stands, but its SETs do not carry over.
 * Filtered and not-applicable changesets have none.
 */
#ifndef MIGRAPH_TIMELINE_H
#define MIGRAPH_TIMELINE_H

#include "migraph/model.h"

/* A session setting as it stands while a statement runs. */
typedef struct mg_setting {
	const char *value;       /* as written ("2s", "5000", "Europe/Paris"); NULL: the default */
	bool local;              /* it came from SET LOCAL: it ends with the transaction */
	size_t origin_changeset; /* where the SET that put value in effect ran, when value */
	size_t origin_statement; /* (index of the statement in that changeset) */
} mg_setting;

typedef struct mg_timeline_entry {
	size_t changeset;        /* index in project->changesets */
	size_t statement;        /* index in the changeset's stmts */
	bool runs;               /* false when the changeset does not run */
	bool in_block;           /* inside a transaction block (either kind below) */
	bool explicit_block;     /* between BEGIN and COMMIT/ROLLBACK written in the script
	                            (the BEGIN and COMMIT statements included) */
	size_t txn_end;          /* statement index, in the changeset, where the transaction that
	                            holds this statement's locks ends: the COMMIT or ROLLBACK, the
	                            last statement when it holds to the end of the changeset, or
	                            the statement itself in autocommit */
	mg_setting lock_timeout;
	mg_setting statement_timeout;
	mg_setting timezone;     /* value NULL: the zone the deployment starts in (the profile's) */
} mg_timeline_entry;

typedef struct mg_timeline {
	size_t n_changesets;         /* == project->n_changesets */
	mg_timeline_entry **entries; /* per changeset: one entry per statement, or NULL */
} mg_timeline;

/* Builds the timeline of every changeset (src/replay/timeline.c); the
 * replay calls it once and keeps it in its graph. */
mg_timeline *mg_timeline_build(mg_project *project);

/* The entry of one statement, or NULL when its changeset has none. */
const mg_timeline_entry *mg_timeline_at(const mg_timeline *tl, size_t changeset,
                                        size_t statement);

/* A timeout is on: set to something other than 0 or DEFAULT. */
bool mg_setting_enabled(const mg_setting *s);
/* A timeout is on, and the SET that turned it on ran in this changeset. */
bool mg_setting_enabled_by(const mg_setting *s, size_t changeset);

/* Whether a TimeZone setting ('UTC', Etc/UTC, GMT ...) is UTC. */
bool mg_timezone_is_utc(const char *zone);

#endif
