/*
 * plan_dump.c: prints the plan of a project as JSON, for the tests that
 * run its SQL on a real PostgreSQL (tests/plan/) and check what became of
 * every operation.  It takes the options of `migraph list`.
 *
 *   build/plan-dump [list options] PATH...
 *
 * Not a migraph command: `migraph plan` renders the plan for people; this
 * prints every field the tests look at, including each step's script.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "migraph/engine.h"
#include "migraph/plan.h"
#include "migraph/sql.h"

static void str(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void key(const char *k, bool first)
{
	printf("%s\"%s\": ", first ? "" : ", ", k);
}

static void num(const char *k, bool known, double v)
{
	key(k, false);
	if (known)
		printf("%.3f", v);
	else
		fputs("null", stdout);
}

static void backfill(const mg_backfill *b)
{
	printf("{");
	key("table", true);
	str(b->table.name);
	key("schema", false);
	str(b->table.schema);
	key("set_clause", false);
	str(b->set_clause);
	key("predicate", false);
	str(b->predicate);
	key("setup_sql", false);
	str(b->setup_sql);
	key("script_sql", false);
	str(b->script_sql);
	key("run_sql", false);
	str(b->run_sql);
	key("verify_sql", false);
	str(b->verify_sql);
	key("cleanup_sql", false);
	str(b->cleanup_sql);
	printf("}");
}

static void step(const mg_plan *plan, const mg_plan_step *s, const mg_project *p)
{
	printf("{");
	key("id", true);
	str(s->id);
	key("release", false);
	printf("%d", s->release);
	key("phase", false);
	str(mg_phase_name(s->phase));
	key("kind", false);
	str(mg_step_kind_name(s->kind));
	key("title", false);
	str(s->title);
	key("why", false);
	str(s->why);
	key("rewritten", false);
	fputs(s->rewritten ? "true" : "false", stdout);
	key("sql", false);
	str(s->sql);
	key("script", false);
	str(mg_plan_step_script(plan, s));
	key("in_transaction", false);
	fputs(s->in_transaction ? "true" : "false", stdout);
	num("lock_timeout_ms", s->has_lock_timeout, s->lock_timeout_ms);
	num("statement_timeout_ms", s->has_statement_timeout, s->statement_timeout_ms);
	key("retry", false);
	str(s->retry);
	num("runtime_ms", s->runtime_known, s->runtime_ms);
	key("risk", false);
	str(mg_severity_name(s->risk));
	key("hold_until_confirmed", false);
	fputs(s->hold_until_confirmed ? "true" : "false", stdout);
	key("locks", false);
	printf("[");
	for (size_t i = 0; i < s->n_locks; i++) {
		printf("%s{\"relation\": ", i ? ", " : "");
		str(mg_arena_printf((mg_arena *)&p->arena, "%s.%s",
		                    s->locks[i].relation.schema ? s->locks[i].relation.schema : "public",
		                    s->locks[i].relation.name));
		printf(", \"mode\": ");
		str(mg_lock_mode_name(s->locks[i].mode));
		printf("}");
	}
	printf("]");
	key("depends_on", false);
	printf("[");
	for (size_t i = 0; i < s->n_depends; i++)
		printf("%s\"s%zu\"", i ? ", " : "", s->depends_on[i] + 1);
	printf("]");
	key("changeset", false);
	if (s->has_changeset)
		printf("%zu", s->changeset);
	else
		fputs("null", stdout);
	key("file", false);
	str(s->loc.file);
	key("line", false);
	printf("%u", s->loc.line);
	key("ops", false);
	printf("[");
	for (size_t i = 0; i < s->n_ops; i++) {
		printf("%s", i ? ", " : "");
		str(mg_op_kind_name(s->ops[i]->kind));
	}
	printf("]");
	key("backfill", false);
	if (s->backfill)
		backfill(s->backfill);
	else
		fputs("null", stdout);
	printf("}");
}

/* Which steps carry each operation of the release: every operation is
 * kept, rewritten or made a manual step, or its statement is a session
 * statement the plan's own settings replace (a note says so). */
static void coverage(const mg_plan *plan, const mg_project *p)
{
	printf("[");
	bool first = true;
	for (size_t c = 0; c < p->n_changesets; c++) {
		const mg_changeset *cs = p->changesets[c];
		if (!(cs->flags & MG_CSF_IN_RELEASE) ||
		    (cs->flags & (MG_CSF_FILTERED | MG_CSF_NOT_APPLICABLE | MG_CSF_IGNORED)))
			continue;
		for (size_t k = 0; k < cs->n_stmts; k++) {
			const mg_statement *st = cs->stmts[k];
			for (size_t o = 0; o < st->n_ops || (o == 0 && st->n_ops == 0); o++) {
				const mg_operation *op = st->n_ops ? st->ops[o] : NULL;
				printf("%s{\"changeset\": %zu, \"file\": ", first ? "" : ", ", c);
				first = false;
				str(st->loc.file);
				printf(", \"line\": %u, \"op\": ", st->loc.line);
				str(op ? mg_op_kind_name(op->kind) : "none");
				printf(", \"opaque\": ");
				str(op && op->kind == MG_OP_OPAQUE ? mg_opaque_kind_name(op->opaque_kind) : NULL);
				printf(", \"steps\": [");
				bool f2 = true;
				for (size_t i = 0; i < plan->n_steps; i++) {
					const mg_plan_step *s = plan->steps[i];
					bool hit = op ? s->op == op : s->has_changeset && s->changeset == c &&
					                                  s->loc.line == st->loc.line;
					for (size_t j = 0; j < s->n_ops && !hit; j++)
						hit = s->ops[j] == op;
					if (hit) {
						printf("%s", f2 ? "" : ", ");
						str(s->id);
						f2 = false;
					}
				}
				printf("]}");
			}
		}
	}
	printf("]");
}

int main(int argc, char **argv)
{
	cli_args args;
	bool done;
	int rc = cli_parse_args(&args, "list", argc - 1, argv + 1, &done);
	if (rc != CLI_EXIT_OK || done) {
		cli_args_dispose(&args);
		return rc;
	}
	mg_analysis analysis;
	mg_project *project = cli_load_and_analyze(&args, &analysis, true);
	mg_plan *plan = mg_plan_build(&analysis);
	printf("{\"engine\": %d, \"releases\": %d, \"notes\": [", project->engine.major,
	       plan->n_releases);
	for (size_t i = 0; i < plan->n_notes; i++) {
		printf("%s", i ? ", " : "");
		str(plan->notes[i]);
	}
	printf("], \"steps\": [\n");
	for (size_t i = 0; i < plan->n_steps; i++) {
		step(plan, plan->steps[i], project);
		printf("%s\n", i + 1 < plan->n_steps ? "," : "");
	}
	printf("], \"coverage\": ");
	coverage(plan, project);
	printf(", \"diagnostics\": [");
	for (size_t i = 0; i < project->diags.count; i++) {
		printf("%s", i ? ", " : "");
		str(project->diags.items[i]->code);
	}
	printf("]}\n");
	mg_project_free(project);
	cli_args_dispose(&args);
	mg_sql_shutdown();
	return 0;
}
