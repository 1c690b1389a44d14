/*
 * emit.c: the plan written as migrations of the project's own format.
 *
 * A reviewer who accepts the plan should not have to retype it: the
 * emitter writes every step as a migration the project's tool runs
 * unchanged (Flyway scripts, or a Liquibase formatted-SQL changelog), one
 * folder per release, in the plan's order.  The files only say what the
 * plan says: a step kept as written is marked so in its header, and a
 * step the plan has no SQL for stops the migration with a message rather
 * than disappearing.  The plan never does I/O: the CLI writes the files
 * (refusing paths outside its folder and existing files).
 */
#include <stdio.h>
#include <string.h>

#include "migraph/graph.h"
#include "migraph/release.h"
#include "migraph/sql.h"
#include "plan/backfill_int.h"
#include "plan/emit_int.h"

void emit_add_file(emit_ctx *e, const char *path, const char *content)
{
	mg_emit *out = e->out;
	if (out->n_files == out->files_cap) {
		size_t ncap = out->files_cap ? out->files_cap * 2 : 32;
		out->files =
		    mg_arena_grow(e->arena, out->files, sizeof *out->files, out->n_files, ncap);
		out->files_cap = ncap;
	}
	mg_emit_file *f = &out->files[out->n_files++];
	f->path = path;
	f->content = content;
	f->len = strlen(content);
}

const char *emit_slug(mg_arena *arena, const char *text, size_t max)
{
	mg_buf b = MG_BUF_INIT;
	bool gap = false;
	for (const char *p = text ? text : ""; *p && b.len < max; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (gap && b.len)
				mg_buf_putc(&b, '_');
			gap = false;
			if (b.len < max)
				mg_buf_putc(&b, c);
		} else {
			gap = true;
		}
	}
	while (b.len && b.data[b.len - 1] == '_')
		b.len--;
	const char *r = mg_arena_strdup(arena, b.len ? mg_buf_cstr(&b) : "step");
	mg_buf_dispose(&b);
	return r;
}

const char *emit_duration(mg_arena *arena, double ms)
{
	if (ms >= 1000.0 && (long long)ms % 1000 == 0 && ms == (double)(long long)ms)
		return mg_arena_printf(arena, "%llds", (long long)ms / 1000);
	return mg_arena_printf(arena, "%.0fms", ms);
}

static void put_comment(mg_buf *b, const char *prefix, const char *text)
{
	const char *p = text;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		mg_buf_printf(b, "-- %s%.*s\n", prefix, (int)n, p);
		prefix = "   ";
		p = nl ? nl + 1 : p + n;
	}
}

const char *emit_step_origin(emit_ctx *e, const mg_plan_step *s)
{
	if (!s->has_changeset || !s->loc.file)
		return NULL;
	return mg_arena_printf(e->arena, "%s:%u", s->loc.file, s->loc.line);
}

const char *emit_step_header(emit_ctx *e, const mg_plan_step *s)
{
	mg_buf b = MG_BUF_INIT;
	mg_buf_printf(&b, "-- migraph plan: release %d, step %s, phase %s (%s), risk %s\n",
	              s->release, s->id ? s->id : "?", mg_phase_name(s->phase),
	              mg_step_kind_name(s->kind), mg_severity_name(s->risk));
	put_comment(&b, "", s->title);
	const char *origin = emit_step_origin(e, s);
	if (origin)
		mg_buf_printf(&b, "-- from %s, %s\n", origin,
		              s->rewritten ? "rewritten by the plan" : "kept as written");
	else
		mg_buf_puts(&b, "-- added by the plan\n");
	if (s->why)
		put_comment(&b, "why: ", s->why);
	if (s->n_depends) {
		mg_buf_puts(&b, "-- after:");
		for (size_t i = 0; i < s->n_depends; i++) {
			const mg_plan_step *d = e->plan->steps[s->depends_on[i]];
			mg_buf_printf(&b, " %s", d->id ? d->id : "?");
		}
		mg_buf_putc(&b, '\n');
	}
	if (s->retry)
		put_comment(&b, "retry: ", s->retry);
	const char *r = mg_arena_strdup(e->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}

const char *emit_deploy_what(emit_ctx *e, const mg_plan_step *s, const char **action)
{
	/* Release 1 rolls the new version out; a later release only starts
	 * once the rollout is confirmed finished everywhere. */
	*action = s->release == 1 ? "roll the application out" : "make sure of it";
	const char *t = s->title ? s->title : "Deploy the new application version";
	return mg_arena_printf(e->arena, "%c%s", t[0] >= 'A' && t[0] <= 'Z' ? t[0] - 'A' + 'a' : t[0],
	                       t + 1);
}

const char *emit_refusal(emit_ctx *e, const char *message)
{
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, "DO $migraph$\nBEGIN\n    RAISE EXCEPTION '");
	for (const char *p = message; *p; p++) {
		if (*p == '\'')
			mg_buf_putc(&b, '\'');
		if (*p == '%')
			mg_buf_putc(&b, '%');
		if (*p == '$' || *p == '\n')
			continue; /* keeps the dollar quote closed where it should be */
		mg_buf_putc(&b, *p);
	}
	mg_buf_puts(&b, "';\nEND\n$migraph$;\n");
	const char *r = mg_arena_strdup(e->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}

const char *emit_no_sql(emit_ctx *e, const mg_plan_step *s, const char *unit)
{
	return emit_refusal(e, mg_arena_printf(e->arena,
	                                       "migraph: step %s (%s) has no SQL the plan could write; "
	                                       "do it by hand, then remove this %s",
	                                       s->id ? s->id : "?", s->title ? s->title : "", unit));
}

const char *emit_backfill_guard(emit_ctx *e, const mg_plan_step *s, const char *file,
                                const char *then)
{
	const mg_backfill *b = s->backfill;
	const char *msg = mg_sql_literal(
	    e->arena, mg_arena_printf(e->arena,
	                              "backfill %s has not finished: run release-%d/%s with psql "
	                              "(PostgreSQL %d has no procedures), then %s",
	                              b->name, s->release, file, e->major, then));
	const char *table = mg_sql_literal(e->arena, b->checkpoint_table);
	return mg_arena_printf(e->arena,
	                       "-- PostgreSQL %d has no procedures: the backfill is the psql script\n"
	                       "-- release-%d/%s; this step checks that it finished.\n"
	                       "DO $migraph$\nBEGIN\n"
	                       "    IF to_regclass(%s) IS NULL THEN\n"
	                       "        RAISE EXCEPTION '%%', %s;\n"
	                       "    END IF;\n"
	                       "    IF NOT EXISTS (SELECT 1 FROM %s WHERE backfill = %s\n"
	                       "            AND finished_at IS NOT NULL) THEN\n"
	                       "        RAISE EXCEPTION '%%', %s;\n"
	                       "    END IF;\n"
	                       "END\n$migraph$;\n",
	                       e->major, s->release, file, table, msg, b->checkpoint_table,
	                       mg_sql_literal(e->arena, b->name), msg);
}

static const char *ends_with_newline(mg_arena *a, const char *sql)
{
	size_t n = strlen(sql);
	return n && sql[n - 1] == '\n' ? sql : mg_arena_printf(a, "%s\n", sql);
}

static const char *body_of(emit_ctx *e, const mg_plan_step *s)
{
	const mg_backfill *b = s->backfill;
	if (s->kind == MG_STEP_BACKFILL && b) {
		if (!b->key_known || !b->script_sql)
			return b->run_sql;
		return mg_arena_printf(e->arena, "%s%s%s", b->setup_sql, b->script_sql, b->run_sql);
	}
	return s->sql;
}

static bool waiver_matches(const mg_step_waiver *w, const mg_operation *op)
{
	return op->kind == w->kind && mg_str_eq(op->object.name, w->object.name) &&
	       mg_str_eq(op->object.table, w->object.table);
}

/* sql with a migraph:ignore marker, on its own line, before each statement
 * that runs an operation a waiver of the step concerns (the marker covers
 * the next statement only). */
static const char *with_markers(emit_ctx *e, const mg_plan_step *s, const char *sql)
{
	if (!s->n_waivers)
		return sql;
	mg_sql_span *spans = NULL;
	const char *open = NULL;
	size_t len = strlen(sql);
	size_t n = mg_sql_split(e->arena, sql, len, NULL, &spans, &open);
	const mg_catalog *cat = e->plan->analysis->catalog;
	const char *schema = cat ? mg_catalog_default_schema(cat) : mg_project_default_schema(e->project);
	mg_buf b = MG_BUF_INIT;
	size_t done = 0;
	for (size_t i = 0; i < n; i++) {
		const char *text = mg_arena_printf(e->arena, "%.*s;", (int)spans[i].len,
		                                   sql + spans[i].offset);
		mg_changeset *cs = mg_sql_parse_generated((mg_project *)e->project, text, schema, NULL);
		mg_buf marks = MG_BUF_INIT;
		for (size_t w = 0; cs && w < s->n_waivers; w++) {
			const mg_step_waiver *wv = &s->waivers[w];
			if (e->has_rollback && !strcmp(wv->rule, "rollback-irreversible") && s->rollback_sql)
				continue; /* the changeset's own rollback is its way back */
			bool hit = false;
			for (size_t k = 0; k < cs->n_stmts && !hit; k++)
				for (size_t j = 0; j < cs->stmts[k]->n_ops && !hit; j++)
					hit = waiver_matches(wv, cs->stmts[k]->ops[j]);
			if (hit)
				mg_buf_printf(&marks, "-- migraph:ignore %s %s\n", wv->rule, wv->reason);
		}
		if (marks.len) {
			mg_buf_put(&b, sql + done, spans[i].offset - done);
			if (b.len && b.data[b.len - 1] != '\n')
				mg_buf_putc(&b, '\n');
			mg_buf_put(&b, marks.data, marks.len);
			done = spans[i].offset;
		}
		mg_buf_dispose(&marks);
	}
	mg_buf_put(&b, sql + done, len - done);
	const char *r = mg_arena_strdup(e->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}

const char *emit_step_sql(emit_ctx *e, const mg_plan_step *s)
{
	const char *sql = body_of(e, s);
	if (!sql || !*sql)
		return NULL;
	sql = with_markers(e, s, sql);
	mg_buf b = MG_BUF_INIT;
	bool tx = s->in_transaction;
	if (s->has_lock_timeout)
		mg_buf_printf(&b, "SET %slock_timeout = '%s';\n", tx ? "LOCAL " : "",
		              emit_duration(e->arena, s->lock_timeout_ms));
	if (s->has_statement_timeout)
		mg_buf_printf(
		    &b, "SET %sstatement_timeout = %s;\n", tx ? "LOCAL " : "",
		    s->statement_timeout_ms > 0
		        ? mg_arena_printf(e->arena, "'%s'",
		                          emit_duration(e->arena, s->statement_timeout_ms))
		        : "0");
	mg_buf_puts(&b, ends_with_newline(e->arena, sql));
	if (!tx && s->has_lock_timeout)
		mg_buf_puts(&b, "RESET lock_timeout;\n");
	if (!tx && s->has_statement_timeout)
		mg_buf_puts(&b, "RESET statement_timeout;\n");
	const char *r = mg_arena_strdup(e->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}

/* The cleanup drops the backfill's procedure, which only the plan calls.
 * Checked without a release selection, every earlier migration counts as
 * deployed, so compat-drop-object sees a procedure the running version
 * might call: the drop carries the plan's marker then, and only then (in
 * a later release, or with a selection, the procedure is the release's
 * own and the marker would suppress nothing). */
const char *emit_own_procedure_marker(emit_ctx *e, int release)
{
	const mg_graph *g = e->plan->analysis->graph;
	bool selected = g && g->release && g->release->selected;
	if (selected || release != 1)
		return NULL;
	return "-- migraph:ignore compat-drop-object plan: the backfill's own procedure, which no "
	       "application version calls\n";
}

const char *emit_cleanup_sql(emit_ctx *e, const mg_backfill *b, int release)
{
	const char *marker = emit_own_procedure_marker(e, release);
	const char *drop = strstr(b->cleanup_sql, "DROP PROCEDURE");
	if (!marker || !drop)
		return b->cleanup_sql;
	return mg_arena_printf(e->arena, "%.*s%s%s", (int)(drop - b->cleanup_sql), b->cleanup_sql,
	                       marker, drop);
}

size_t emit_backfills_of_release(emit_ctx *e, int release, const mg_plan_step ***out)
{
	const mg_plan *p = e->plan;
	const mg_plan_step **list = mg_arena_alloc(e->arena, (p->n_steps + 1) * sizeof *list);
	size_t n = 0;
	for (size_t i = 0; i < p->n_steps; i++) {
		const mg_plan_step *s = p->steps[i];
		if (s->release == release && s->kind == MG_STEP_BACKFILL && s->backfill &&
		    s->backfill->key_known && s->backfill->cleanup_sql)
			list[n++] = s;
	}
	*out = list;
	return n;
}

mg_emit *mg_plan_emit(const mg_plan *plan)
{
	mg_project *p = plan->analysis->project;
	emit_ctx e = {0};
	e.plan = plan;
	e.project = p;
	e.arena = &p->arena;
	e.out = mg_arena_alloc(&p->arena, sizeof *e.out);
	e.major = p->engine.major;
	if (p->format == MG_FORMAT_LIQUIBASE)
		emit_liquibase(&e);
	else
		emit_flyway(&e);
	return e.out;
}
