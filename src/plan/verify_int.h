/*
 * verify_int.h: the parts of the verification plan that verify.c hands
 * to verify_deploy.c: the pre-deploy checks and the on-call checklist.
 */
#ifndef MIGRAPH_PLAN_VERIFY_INT_H
#define MIGRAPH_PLAN_VERIFY_INT_H

#include "plan/plan_int.h"

/* Staging at production scale, table sizes against the profile, the
 * longest open transaction, free disk for rewrites and builds,
 * replication lag before starting. */
void plan_verify_pre_deploy(plan_ctx *ctx);
/* What to watch per phase, when to abort, the rollback order. */
void plan_oncall(plan_ctx *ctx);

/* Thresholds without a profile, said to be defaults where they appear. */
#define VERIFY_DEFAULT_MAX_LOCK_MS 2000.0
#define VERIFY_DEFAULT_MAX_LAG_S 60.0
#define VERIFY_DEFAULT_LONGEST_TXN_MS 30000.0

const char *verify_lock_wait_sql(mg_arena *a, double ms);
const char *verify_lag_sql(mg_arena *a, double lag_s);
/* "schema.name" quoted where PostgreSQL needs it, as text for to_regclass. */
const char *verify_regname(mg_arena *a, const char *schema, const char *name);
/* A SQL string literal. */
const char *verify_lit(mg_arena *a, const char *text);

#endif
