/*
 * script.c: a step as the script a person pastes into psql.
 *
 * The step's SQL is bare; how it runs is in its fields.  The script puts
 * them together so that no setting outlives the step: in a transaction
 * SET LOCAL ends with the COMMIT; outside one (CREATE INDEX CONCURRENTLY,
 * a backfill) the settings are RESET after the step.
 */
#include "plan/plan_int.h"

static void put_ms(mg_buf *b, double ms)
{
	mg_buf_printf(b, "'%.0fms'", ms);
}

const char *mg_plan_step_script(const mg_plan *plan, const mg_plan_step *step)
{
	if (!step->sql)
		return NULL;
	mg_buf b = MG_BUF_INIT;
	bool txn = step->in_transaction;
	const char *set = txn ? "SET LOCAL" : "SET";
	if (txn)
		mg_buf_puts(&b, "BEGIN;\n");
	if (step->has_lock_timeout) {
		mg_buf_printf(&b, "%s lock_timeout = ", set);
		put_ms(&b, step->lock_timeout_ms);
		mg_buf_puts(&b, ";\n");
	}
	if (step->has_statement_timeout) {
		mg_buf_printf(&b, "%s statement_timeout = ", set);
		put_ms(&b, step->statement_timeout_ms);
		mg_buf_puts(&b, ";\n");
	}
	mg_buf_printf(&b, "%s\n", step->sql);
	if (txn) {
		mg_buf_puts(&b, "COMMIT;\n");
	} else {
		if (step->has_lock_timeout)
			mg_buf_puts(&b, "RESET lock_timeout;\n");
		if (step->has_statement_timeout)
			mg_buf_puts(&b, "RESET statement_timeout;\n");
	}
	const char *s = mg_arena_strdup(&plan->analysis->project->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return s;
}
