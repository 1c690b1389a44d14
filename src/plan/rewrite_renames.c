/*
 * rewrite_renames.c: renames that do not break the version still running.
 *
 *   RENAME COLUMN a TO b -> column b added, kept in sync with a by a trigger
 *                           both ways, backfilled, a's constraints, indexes
 *                           and default carried to b; a dropped in the
 *                           next release (the shadow column of
 *                           rewrite_columns.c)
 *   RENAME TABLE t TO u  -> the rename and an updatable view t over u in one
 *                           transaction; the view dropped in the next
 *                           release
 *
 * What cannot be carried (a foreign key referencing the column, a view
 * reading it) keeps the rename as one guarded step, with a plan note.
 */
#include "plan/rewrite_int.h"

static bool column_applies(const rw *r)
{
	return r->op->kind == MG_OP_RENAME_COLUMN && r->op->new_name && r->live && r->rel;
}

static void column_emit(rw *r)
{
	rw_shadow sh = {r->op->object.name, r->op->new_name, NULL, NULL, "rename"};
	const char *why;
	if (rw_shadow_blocked(r, &sh, &why)) {
		rw_guarded(r, "rename", why);
		return;
	}
	rw_shadow_emit(r, &sh);
}

static bool table_applies(const rw *r)
{
	return r->op->kind == MG_OP_RENAME_TABLE && r->op->new_name && r->live && r->rel &&
	       r->rel->kind == MG_OBJ_TABLE && !r->rel->parent;
}

static void table_emit(rw *r)
{
	plan_ctx *ctx = r->ctx;
	mg_arena *a = ctx->arena;
	const char *schema = r->rel->schema, *old = r->rel->name, *nw = r->op->new_name;
	mg_plan_step *s = rw_step(r, MG_PHASE_EXPAND, MG_STEP_SQL,
	                          mg_arena_printf(a, "Rename %s to %s behind a view", old, nw));
	mg_operation *rn = rw_op_on(r, MG_OP_RENAME_TABLE, schema, old);
	rn->new_name = nw;
	rw_run(r, s, rn);
	mg_operation *cv = rw_op_on(r, MG_OP_CREATE_VIEW, schema, old);
	cv->object = (mg_object){MG_OBJ_VIEW, schema, NULL, old};
	cv->depends = mg_arena_alloc(a, sizeof *cv->depends);
	cv->depends[0] = (mg_object){MG_OBJ_TABLE, schema, NULL, nw};
	cv->n_depends = 1;
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, "CREATE VIEW ");
	mg_sqlw_put_name(&ctx->sqlw, &b, schema, old);
	mg_buf_puts(&b, " AS SELECT * FROM ");
	mg_sqlw_put_name(&ctx->sqlw, &b, schema, nw);
	mg_buf_putc(&b, ';');
	rw_run_text(r, s, mg_arena_strdup(a, mg_buf_cstr(&b)), cv);
	mg_buf_dispose(&b);
	rw_finish(r, s, mg_arena_printf(a, "The running version still queries %s: a simple view of "
	                                   "that name over %s is updatable, so its reads and writes "
	                                   "keep working until the contract drops it.",
	                                old, nw));
	rw_app_change(r, (plan_app_change){PLAN_APP_RENAMED_TABLE, schema, nw, old, nw, false, NULL, nw});
	s = rw_step(r, MG_PHASE_CONTRACT, MG_STEP_SQL, mg_arena_printf(a, "Drop view %s", old));
	mg_operation *dv = rw_op_on(r, MG_OP_DROP_VIEW, schema, old);
	dv->object = cv->object;
	rw_run(r, s, dv);
	rw_finish(r, s, mg_arena_printf(a, "Once no running version uses the old name %s, the "
	                                   "compatibility view goes.",
	                                old));
}

const rw_form rw_rename_forms[] = {
	{"rename-column-shadow", column_applies, column_emit},
	{"rename-table-view", table_applies, table_emit},
	{NULL, NULL, NULL},
};
