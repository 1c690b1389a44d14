/*
 * emit_liquibase.c: the plan as Liquibase formatted-SQL changelogs, one
 * per release (release-1/changelog.sql, release-2/changelog.sql).
 *
 * Each step is a changeset "migraph:rN-sK-..." labelled with its phase,
 * so a rollout can stop where the application deploys (liquibase update
 * --label-filter=expand, deploy, then update again).  A step outside a
 * transaction gets runInTransaction:false, and a rollback the plan knows
 * becomes --rollback lines.  Liquibase splits formatted SQL at ';' and
 * does not know dollar quotes, so a step whose SQL has a dollar-quoted
 * body (a DO block, a function, the backfill's procedure) becomes one
 * changeset per statement with splitStatements:false; a multi-statement
 * string sent in one piece would also run in one implicit transaction,
 * where a procedure cannot COMMIT.  The step's rollback then sits on its
 * last changeset (rolled back first), the others roll back as empty.
 */
#include <string.h>

#include "migraph/sql.h"
#include "plan/emit_int.h"

typedef struct lb {
	emit_ctx *e;
	mg_buf b; /* the changelog being written */
	int release;
} lb;

static bool has_dollar_quote(const char *sql)
{
	for (const char *p = strchr(sql, '$'); p; p = strchr(p + 1, '$')) {
		const char *q = p + 1;
		while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		       (*q >= '0' && *q <= '9') || *q == '_')
			q++;
		if (*q == '$' && (q == p + 1 || !(p[1] >= '0' && p[1] <= '9')))
			return true;
	}
	return false;
}

static void put_rollback(lb *l, const char *rollback)
{
	const char *p = rollback;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n)
			mg_buf_printf(&l->b, "--rollback %.*s\n", (int)n, p);
		p = nl ? nl + 1 : p + n;
	}
}

static void changeset(lb *l, const char *id, const char *attrs, const char *header, const char *sql,
                      const char *rollback)
{
	mg_buf_printf(&l->b, "\n--changeset migraph:%s labels:%s\n", id, attrs);
	mg_buf_puts(&l->b, header);
	mg_buf_puts(&l->b, sql);
	size_t n = strlen(sql);
	if (n && sql[n - 1] != '\n')
		mg_buf_putc(&l->b, '\n');
	if (rollback)
		put_rollback(l, rollback);
}

/* The statements of sql, each ending in ";\n". */
static size_t statements(emit_ctx *e, const char *sql, const char ***out)
{
	mg_sql_span *spans = NULL;
	const char *open = NULL;
	size_t n = mg_sql_split(e->arena, sql, strlen(sql), NULL, &spans, &open);
	const char **list = mg_arena_alloc(e->arena, (n + 1) * sizeof *list);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (spans[i].len)
			list[k++] = mg_arena_printf(e->arena, "%.*s;\n", (int)spans[i].len,
			                            sql + spans[i].offset);
	*out = list;
	return k;
}

/* The labels of the steps of this release that run before s ("expand"),
 * each once, or NULL when s is the release's first. */
static const char *labels_before(lb *l, const mg_plan_step *s)
{
	const mg_plan *p = l->e->plan;
	bool seen[MG_PHASE__COUNT] = {false};
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < p->n_steps && p->steps[i] != s; i++) {
		const mg_plan_step *t = p->steps[i];
		if (t->release != s->release || t->kind == MG_STEP_APP_DEPLOY || seen[t->phase])
			continue;
		seen[t->phase] = true;
		mg_buf_printf(&b, "%s%s", b.len ? "," : "", mg_phase_name(t->phase));
	}
	const char *r = b.len ? mg_arena_strdup(l->e->arena, mg_buf_cstr(&b)) : NULL;
	mg_buf_dispose(&b);
	return r;
}

static void step(lb *l, const mg_plan_step *s)
{
	emit_ctx *e = l->e;
	mg_arena *a = e->arena;
	const char *base_id = mg_arena_printf(a, "r%d-%s-%s", s->release, s->id ? s->id : "s",
	                                      emit_slug(a, s->title, 60));
	const char *label = mg_phase_name(s->phase);
	const char *header = emit_step_header(e, s);
	if (s->kind == MG_STEP_APP_DEPLOY) {
		const char *action;
		const char *what = emit_deploy_what(e, s, &action);
		const char *before = labels_before(l, s);
		if (before)
			mg_buf_printf(&l->b,
			              "\n-- Here: %s.  Run liquibase update --label-filter=%s first, "
			              "%s, then update again for the rest of this release.\n",
			              what, before, action);
		else
			mg_buf_printf(&l->b,
			              "\n-- Before this release: %s; %s, then run liquibase update.\n",
			              what, action);
		return;
	}
	const mg_backfill *bf = s->backfill;
	if (s->kind == MG_STEP_BACKFILL && bf && bf->key_known && e->major < 11) {
		const char *file =
		    mg_arena_printf(a, "backfill/%s-%s.psql", base_id, emit_slug(a, bf->name, 60));
		emit_add_file(e, mg_arena_printf(a, "release-%d/%s", s->release, file),
		              bf->script_sql);
		changeset(l, base_id, mg_arena_printf(a, "%s splitStatements:false", label), header,
		          emit_backfill_guard(e, s, file, "update again"), NULL);
		return;
	}
	const char *sql = emit_step_sql(e, s);
	bool tx = s->in_transaction;
	if (s->kind == MG_STEP_BACKFILL && bf && bf->key_known)
		tx = false;
	if (!sql) {
		sql = emit_no_sql(e, s, "changeset");
		tx = true;
	}
	const char *tx_attr = tx ? "" : " runInTransaction:false";
	if (!has_dollar_quote(sql)) {
		changeset(l, base_id, mg_arena_printf(a, "%s%s", label, tx_attr), header, sql,
		          s->rollback_sql);
		return;
	}
	const char **parts;
	size_t n = statements(e, sql, &parts);
	for (size_t i = 0; i < n; i++) {
		bool last = i + 1 == n;
		changeset(
		    l, mg_arena_printf(a, "%s-%zu", base_id, i + 1),
		    mg_arena_printf(a, "%s%s splitStatements:false", label, tx_attr),
		    i == 0 ? header
		           : mg_arena_printf(a, "-- migraph plan: step %s, statement %zu of %zu\n",
		                             s->id ? s->id : "?", i + 1, n),
		    parts[i], last ? s->rollback_sql : "empty");
	}
}

static void cleanup(lb *l, const mg_plan_step *s)
{
	emit_ctx *e = l->e;
	mg_arena *a = e->arena;
	const mg_backfill *b = s->backfill;
	const char *id =
	    mg_arena_printf(a, "r%d-cleanup-%s", l->release, emit_slug(a, b->name, 60));
	const char *header = mg_arena_printf(
	    a,
	    "-- migraph plan: the helpers of backfill %s (step %s) go; refuses while rows wait in\n"
	    "-- its dead-letter table.\n",
	    b->name, s->id ? s->id : "?");
	const char **parts;
	size_t n = statements(e, b->cleanup_sql, &parts);
	const char *marker = emit_own_procedure_marker(e, l->release);
	for (size_t i = 0; i < n; i++) {
		const char *sql = parts[i];
		if (marker && strstr(sql, "DROP PROCEDURE"))
			sql = mg_arena_printf(a, "%s%s", marker, sql);
		changeset(l, mg_arena_printf(a, "%s-%zu", id, i + 1),
		          mg_arena_printf(a, "%s splitStatements:false", mg_phase_name(s->phase)),
		          i == 0 ? header : "", sql, "empty");
	}
}

void emit_liquibase(emit_ctx *e)
{
	e->has_rollback = true;
	const mg_plan *p = e->plan;
	int releases = p->n_releases > 0 ? p->n_releases : 1;
	for (int r = 1; r <= releases; r++) {
		lb l = {e, MG_BUF_INIT, r};
		mg_buf_puts(&l.b, "--liquibase formatted sql\n");
		mg_buf_printf(
		    &l.b, "-- migraph plan, release %d of %d: include this changelog%s.\n", r,
		    releases, r > 1 ? " only once the previous release is confirmed good" : "");
		for (size_t i = 0; i < p->n_steps; i++)
			if (p->steps[i]->release == r)
				step(&l, p->steps[i]);
		const mg_plan_step **bf;
		size_t nb = emit_backfills_of_release(e, r, &bf);
		for (size_t k = 0; k < nb; k++)
			cleanup(&l, bf[k]);
		emit_add_file(e, mg_arena_printf(e->arena, "release-%d/changelog.sql", r),
		              mg_arena_strdup(e->arena, mg_buf_cstr(&l.b)));
		mg_buf_dispose(&l.b);
	}
}
