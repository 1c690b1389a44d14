/*
 * rewrite_other.c: what a person has to decide, and how enum values are
 * added.
 *
 *   DO blocks, procedure calls, Java and script migrations, customChange,
 *   executeCommand, loadData, statements no operation models
 *       -> a MANUAL step that says what to look at and why
 *   VACUUM FULL, CLUSTER, and any other kept operation that rewrites a live
 *   table under ACCESS EXCLUSIVE (SET TABLESPACE, SET LOGGED ...)
 *       -> a MANUAL step: no online form exists (pg_repack / pg_squeeze do
 *          it outside the migration)
 *   ALTER TYPE ... ADD VALUE inside a transaction before 12
 *       -> the same statement outside a transaction
 */
#include <string.h>

#include "plan/rewrite_int.h"

static bool body_of_function(const rw *r)
{
	for (size_t i = 0; i < r->st->n_ops; i++)
		if (r->st->ops[i]->kind == MG_OP_CREATE_FUNCTION)
			return true;
	return false;
}

static bool opaque_applies(const rw *r)
{
	const mg_operation *op = r->op;
	if (op->kind != MG_OP_OPAQUE)
		return false;
	return !(op->opaque_kind == MG_OPAQUE_FUNCTION_BODY && body_of_function(r));
}

static const char *opaque_reason(const rw *r)
{
	mg_arena *a = r->ctx->arena;
	const mg_operation *op = r->op;
	const char *d = op->detail ? op->detail : "";
	switch (op->opaque_kind) {
	case MG_OPAQUE_DO_BLOCK:
		return "A DO block runs code migraph cannot see into: read it for the tables it "
		       "changes and how many rows, the locks its statements take, and whether it can "
		       "run twice; run large data changes as a backfill instead.";
	case MG_OPAQUE_PROCEDURE_CALL:
		return mg_arena_printf(a, "CALL %s runs a procedure migraph cannot see into: check what "
		                          "it locks and how long it runs on production data.",
		                       op->object.name ? op->object.name : "");
	case MG_OPAQUE_JAVA_MIGRATION:
		return mg_arena_printf(a, "A Java migration (%s) runs code migraph cannot read: review "
		                          "the SQL it issues, its locks and its transaction handling.",
		                       d);
	case MG_OPAQUE_SCRIPT_MIGRATION:
		return mg_arena_printf(a, "A script migration (%s) runs outside SQL: review what it "
		                          "does to the database.",
		                       d);
	case MG_OPAQUE_CUSTOM_CHANGE:
		return mg_arena_printf(a, "A Liquibase customChange (%s) runs Java code migraph cannot "
		                          "read: review the SQL it issues and how much data it touches.",
		                       d);
	case MG_OPAQUE_EXECUTE_COMMAND:
		return mg_arena_printf(a, "executeCommand runs a program (%s): review what it does to "
		                          "the database.",
		                       d);
	case MG_OPAQUE_LOAD_DATA:
		return mg_arena_printf(a, "%s: rows loaded from a file; check how many and into which "
		                          "table, and whether a loaded table is live.",
		                       d);
	case MG_OPAQUE_OUTPUT:
		return mg_arena_printf(a, "%s: Liquibase prints a message (or stops) here; nothing runs "
		                          "on the database.",
		                       d);
	case MG_OPAQUE_FUNCTION_BODY:
		return "A routine body migraph cannot see into: check what it does when it runs.";
	case MG_OPAQUE_OTHER_ENGINE_SQL:
		return mg_arena_printf(a, "SQL for %s, not PostgreSQL: it does not belong in this plan.",
		                       d);
	default:
		return mg_arena_printf(a, "A statement no operation models (%s): review what it locks "
		                          "and how long it runs.",
		                       d);
	}
}

static void manual_step(rw *r, const char *title, const char *why)
{
	mg_plan_step *s = rw_step(r, MG_PHASE_EXPAND, MG_STEP_MANUAL, title);
	s->rewritten = false;
	const char *sql = rw_stmt_sql(r);
	if (!sql)
		sql = mg_sqlw_op(&r->ctx->sqlw, r->op, NULL);
	s->sql = sql;
	plan_step_keep(r->ctx, s, r->op);
	if (r->op->kind == MG_OP_OPAQUE)
		rw_text_keys(r->ctx, s, sql);
	rw_finish(r, s, why);
}

static void opaque_emit(rw *r)
{
	manual_step(r, mg_arena_printf(r->ctx->arena, "Review by hand: %s",
	                               mg_opaque_kind_name(r->op->opaque_kind)),
	            opaque_reason(r));
}

/* ---- Rewrites of the whole table with no online form -------------------------- */

static bool rewrite_applies(const rw *r)
{
	const mg_operation *op = r->op;
	if (!r->live)
		return false;
	if ((op->kind == MG_OP_VACUUM && (op->flags & MG_OPF_FULL)) || op->kind == MG_OP_CLUSTER)
		return true;
	/* Rewrites other families have no form for. */
	switch (op->kind) {
	case MG_OP_SET_TABLESPACE:
	case MG_OP_SET_LOGGED:
	case MG_OP_SET_UNLOGGED:
	case MG_OP_SET_ACCESS_METHOD:
		return true;
	default:
		return false;
	}
}

static void rewrite_emit(rw *r)
{
	const char *what = r->op->kind == MG_OP_VACUUM ? "VACUUM FULL"
	                   : r->op->kind == MG_OP_CLUSTER ? "CLUSTER"
	                                                  : mg_op_kind_name(r->op->kind);
	manual_step(r, mg_arena_printf(r->ctx->arena, "Review by hand: %s of %s", what,
	                               r->rel->name),
	            mg_arena_printf(r->ctx->arena,
	                            "%s rewrites %s under ACCESS EXCLUSIVE: no read or write gets "
	                            "through until it ends, and there is no online form of it.  Use "
	                            "pg_repack or pg_squeeze outside the migration, or run it in a "
	                            "maintenance window.",
	                            what, rw_qname(r, r->rel->schema, r->rel->name)));
}

/* ---- ADD VALUE outside a transaction before 12 ----------------------------------- */

static bool enum_applies(const rw *r)
{
	return r->op->kind == MG_OP_ADD_ENUM_VALUE && r->major < 12 && r->single;
}

static void enum_emit(rw *r)
{
	mg_plan_step *s = rw_step(r, MG_PHASE_EXPAND, MG_STEP_SQL,
	                          mg_arena_printf(r->ctx->arena, "Add value %s to %s outside a "
	                                                         "transaction",
	                                          r->op->new_name, r->op->object.name));
	s->in_transaction = false;
	const char *sql = rw_stmt_sql(r);
	mg_operation *op = rw_copy_op(r);
	if (sql)
		rw_run_text(r, s, sql, op);
	else
		rw_run(r, s, op);
	rw_finish(r, s, "Before PostgreSQL 12 ALTER TYPE ... ADD VALUE cannot run inside a "
	                "transaction block (the migration tool's transaction would make it fail): it "
	                "runs on its own.");
}

const rw_form rw_other_forms[] = {
	{"manual-opaque", opaque_applies, opaque_emit},
	{"manual-table-rewrite", rewrite_applies, rewrite_emit},
	{"enum-value-outside-transaction", enum_applies, enum_emit},
	{NULL, NULL, NULL},
};
