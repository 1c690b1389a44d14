/*
 * passes.c: the passes that run after the steps are ordered.  Each is
 * filled in by its own module (rollback, verification, assessment); until
 * then a plan has steps and no rollbacks, checks or scores.
 */
#include "plan/plan_int.h"

void plan_rollback(plan_ctx *ctx)
{
	(void)ctx;
}

void plan_verify(plan_ctx *ctx)
{
	(void)ctx;
}

void plan_assess(plan_ctx *ctx)
{
	(void)ctx;
}
