/*
 * rewrite.c: the steps that replace one statement of the release.
 *
 * For now every statement is kept as written and placed in the phase its
 * operations belong to: drops in the contract, data changes in the
 * backfill, VALIDATE in the validate phase, everything else in the
 * expand.  The safe rewrites (CONCURRENTLY, NOT VALID then VALIDATE, the
 * expand/contract of renames and type changes) replace this per
 * operation kind.
 */
#include <string.h>

#include "plan/plan_int.h"

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
		return MG_PHASE_CONTRACT;
	case MG_OP_UPDATE:
	case MG_OP_DELETE:
	case MG_OP_MERGE:
		return MG_PHASE_BACKFILL;
	case MG_OP_VALIDATE_CONSTRAINT:
		return MG_PHASE_VALIDATE;
	default:
		return MG_PHASE_EXPAND;
	}
}

/* The strongest lock per relation over the statement's operations. */
static void collect_locks(plan_ctx *ctx, mg_plan_step *s)
{
	const mg_statement *st = ctx->stmt;
	size_t cap = 0;
	for (size_t i = 0; i < st->n_ops; i++) {
		const mg_operation *op = st->ops[i];
		for (size_t l = 0; l < op->n_locks; l++) {
			const mg_lock *lk = &op->locks[l];
			size_t j = 0;
			for (; j < s->n_locks; j++)
				if (s->locks[j].relation.name && lk->relation.name &&
				    !strcmp(s->locks[j].relation.name, lk->relation.name) &&
				    !strcmp(s->locks[j].relation.schema ? s->locks[j].relation.schema : "",
				            lk->relation.schema ? lk->relation.schema : ""))
					break;
			if (j < s->n_locks) {
				if (lk->mode > s->locks[j].mode)
					s->locks[j].mode = lk->mode;
				continue;
			}
			if (s->n_locks == cap) {
				size_t ncap = cap ? cap * 2 : 4;
				s->locks = mg_arena_grow(ctx->arena, s->locks, sizeof *s->locks, s->n_locks, ncap);
				cap = ncap;
			}
			s->locks[s->n_locks++] = *lk;
		}
	}
}

void plan_rewrite_statement(plan_ctx *ctx)
{
	const mg_statement *st = ctx->stmt;
	const mg_changeset *cs = ctx->cs;
	mg_phase phase = MG_PHASE_EXPAND;
	bool opaque = st->parse_failed || st->n_ops == 0;
	bool no_txn = false;
	for (size_t i = 0; i < st->n_ops; i++) {
		const mg_operation *op = st->ops[i];
		mg_phase ph = phase_of_op(op);
		if (ph > phase)
			phase = ph;
		if (op->kind == MG_OP_OPAQUE)
			opaque = true;
		if (op->effects & MG_EFF_NO_TXN_BLOCK)
			no_txn = true;
	}
	mg_plan_step *s = plan_add_step(ctx, phase, opaque ? MG_STEP_MANUAL : MG_STEP_SQL,
	                                opaque ? "Review by hand: not analysable"
	                                       : (st->n_ops ? mg_op_kind_name(st->ops[0]->kind) : "statement"));
	s->op = st->n_ops ? st->ops[0] : NULL;
	s->sql = st->sql ? mg_arena_printf(ctx->arena, "%.*s;", (int)st->sql_len, st->sql) : NULL;
	s->in_transaction = cs->run_in_transaction && !no_txn;
	collect_locks(ctx, s);
	const mg_changeset_risk *cr = ctx->analysis->risk ? &ctx->analysis->risk[cs->index] : NULL;
	if (cr && ctx->stmt_index < cr->n_stmts) {
		s->runtime_known = cr->stmts[ctx->stmt_index].runtime_known;
		s->runtime_ms = cr->stmts[ctx->stmt_index].runtime_ms;
		s->runtime_assumption = cr->stmts[ctx->stmt_index].assumption;
	}
}

void plan_add_deploy_steps(plan_ctx *ctx)
{
	mg_plan_step *s = plan_add_step(ctx, MG_PHASE_DEPLOY, MG_STEP_APP_DEPLOY,
	                                mg_arena_printf(ctx->arena, "Deploy the new application version (%s)",
	                                                mg_deploy_name(ctx->plan->deploy)));
	s->in_transaction = false;
	s->reversibility = MG_REV_REVERSIBLE;
}
