/*
 * emit_flyway.c: the plan as Flyway SQL migrations.
 *
 * One script per step, in the plan's order, in release-1/ and release-2/.
 * Versions must sort after every migration that stays (those before the
 * release, or already applied) and keep the plan's order among
 * themselves.  The emitted scripts replace the release's own, so they
 * take the release's first version as their base and add two parts:
 * BASE.RELEASE.STEP (V2_1_001 ... for a release that started at V2, and
 * V2_2_001 ... for its contract release).  When a migration that stays
 * has a version at or above that (an out-of-order release below an
 * applied version, or a --git-base release in the middle of the history),
 * the base is the highest such version instead, so nothing emitted sorts
 * below what the database has already applied.
 *
 * A step that must run outside a transaction gets a .sql.conf with
 * executeInTransaction=false.  The app deploy is a comment-only script:
 * the place to stop (flyway migrate -target) and roll out the new
 * version.  A backfill is its helper tables, its procedure and the CALL,
 * outside a transaction; its cleanup comes after the release's last
 * step.  Before PostgreSQL 11 there are no procedures: the backfill is a
 * psql script next to the migrations (Flyway ignores a .psql file) and a
 * guard migration refuses to go on until the checkpoint says finished.
 */
#include <string.h>

#include "plan/emit_int.h"

static bool stays(const mg_changeset *cs)
{
	if (cs->flags & (MG_CSF_FILTERED | MG_CSF_NOT_APPLICABLE | MG_CSF_IGNORED))
		return false;
	return !(cs->flags & MG_CSF_IN_RELEASE);
}

static bool versioned(const mg_changeset *cs)
{
	return cs->version.n_parts > 0 &&
	       (cs->kind == MG_CS_FLYWAY_VERSIONED || cs->kind == MG_CS_FLYWAY_JAVA ||
	        cs->kind == MG_CS_FLYWAY_SCRIPT || cs->kind == MG_CS_FLYWAY_BASELINE);
}

/* The version the emitted scripts extend, as "2" or "1_1". */
static const char *base_version(emit_ctx *e)
{
	const mg_project *p = e->project;
	const mg_version *first = NULL, *prev = NULL;
	for (size_t i = 0; i < p->n_changesets; i++) {
		const mg_changeset *cs = p->changesets[i];
		if (!versioned(cs) || (cs->flags & (MG_CSF_FILTERED | MG_CSF_IGNORED)))
			continue;
		if (cs->flags & MG_CSF_IN_RELEASE) {
			if (!first || mg_version_compare(&cs->version, first) < 0)
				first = &cs->version;
		} else if (stays(cs)) {
			if (!prev || mg_version_compare(&cs->version, prev) > 0)
				prev = &cs->version;
		}
	}
	const mg_version *base = first;
	if (!base || (prev && mg_version_compare(prev, base) >= 0))
		base = prev;
	if (!base)
		return "1";
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < base->n_parts; i++)
		mg_buf_printf(&b, "%s%s", i ? "_" : "", base->parts[i]);
	const char *r = mg_arena_strdup(e->arena, b.len ? mg_buf_cstr(&b) : "1");
	mg_buf_dispose(&b);
	return r;
}

typedef struct fw {
	emit_ctx *e;
	const char *base;
	int width; /* digits of the step number */
} fw;

static const char *script_path(fw *f, int release, size_t n, const char *desc)
{
	return mg_arena_printf(f->e->arena, "release-%d/V%s_%d_%0*zu__%s.sql", release, f->base,
	                       release, f->width, n, desc);
}

static void add_script(fw *f, const char *path, const char *content, bool in_transaction)
{
	emit_add_file(f->e, path, content);
	if (!in_transaction)
		emit_add_file(f->e, mg_arena_printf(f->e->arena, "%s.conf", path),
		              "# The step runs outside a transaction block (migraph plan).\n"
		              "executeInTransaction=false\n");
}

/* "expand_add_column", "backfill_public_customers_in_batches_of_10000": the
 * phase, then the title (once, when the title starts with it). */
static const char *describe(fw *f, const mg_plan_step *s)
{
	const char *title = emit_slug(f->e->arena, s->title, 60);
	const char *phase = mg_phase_name(s->phase);
	if (!strncmp(title, phase, strlen(phase)))
		return title;
	return emit_slug(f->e->arena, mg_arena_printf(f->e->arena, "%s %s", phase, title), 60);
}

static void deploy_marker(fw *f, const mg_plan_step *s, size_t n, const char *prev_version)
{
	mg_arena *a = f->e->arena;
	const char *action;
	const char *what = emit_deploy_what(f->e, s, &action);
	const char *content = mg_arena_printf(
	    a,
	    "%s-- Here: %s.  Run flyway migrate -target=%s (it stops before this\n"
	    "-- script), %s, then run flyway migrate again for the rest of the release.\n",
	    emit_step_header(f->e, s), what, prev_version, action);
	add_script(f, script_path(f, s->release, n, describe(f, s)), content, true);
}

static void backfill_pre11(fw *f, const mg_plan_step *s, size_t n)
{
	mg_arena *a = f->e->arena;
	const mg_backfill *b = s->backfill;
	const char *file = mg_arena_printf(a, "backfill/V%s_%d_%0*zu_%s.psql", f->base, s->release,
	                                   f->width, n, emit_slug(a, b->name, 60));
	emit_add_file(f->e, mg_arena_printf(a, "release-%d/%s", s->release, file), b->script_sql);
	const char *guard = mg_arena_printf(a, "%s%s", emit_step_header(f->e, s),
	                                    emit_backfill_guard(f->e, s, file, "migrate again"));
	add_script(f, script_path(f, s->release, n, describe(f, s)), guard, true);
}

static void step_script(fw *f, const mg_plan_step *s, size_t n)
{
	emit_ctx *e = f->e;
	mg_arena *a = e->arena;
	const char *path = script_path(f, s->release, n, describe(f, s));
	if (s->kind == MG_STEP_BACKFILL && s->backfill && s->backfill->key_known && e->major < 11) {
		backfill_pre11(f, s, n);
		return;
	}
	const char *sql = emit_step_sql(e, s);
	bool tx = s->in_transaction;
	if (s->kind == MG_STEP_BACKFILL && s->backfill && s->backfill->key_known)
		tx = false; /* the procedure commits after every batch */
	if (!sql) {
		sql = emit_no_sql(e, s, "script");
		tx = true;
	}
	add_script(f, path, mg_arena_printf(a, "%s%s", emit_step_header(e, s), sql), tx);
}

static void cleanup_script(fw *f, const mg_plan_step *s, int release, size_t n)
{
	mg_arena *a = f->e->arena;
	const mg_backfill *b = s->backfill;
	const char *table = mg_arena_printf(
	    a, "%s.%s", b->table.schema ? b->table.schema : mg_project_default_schema(f->e->project), b->table.name);
	const char *desc =
	    emit_slug(a, mg_arena_printf(a, "cleanup backfill %s", b->table.name), 60);
	const char *content = mg_arena_printf(
	    a, "-- migraph plan: release %d, after step %s (the backfill of %s)\n%s", release,
	    s->id ? s->id : "?", table, emit_cleanup_sql(f->e, b, release));
	add_script(f, script_path(f, release, n, desc), content, true);
}

void emit_flyway(emit_ctx *e)
{
	const mg_plan *p = e->plan;
	fw f = {e, base_version(e), 3};
	size_t most = 0;
	int releases = p->n_releases > 0 ? p->n_releases : 1;
	for (int r = 1; r <= releases; r++) {
		size_t n = 0;
		for (size_t i = 0; i < p->n_steps; i++)
			n += p->steps[i]->release == r;
		if (n > most)
			most = n;
	}
	most += p->n_backfills;
	while (most >= 1000 && f.width < 9) {
		f.width++;
		most /= 10;
	}
	for (int r = 1; r <= releases; r++) {
		size_t n = 0;
		const char *prev_version = NULL;
		for (size_t i = 0; i < p->n_steps; i++) {
			const mg_plan_step *s = p->steps[i];
			if (s->release != r)
				continue;
			n++;
			if (s->kind == MG_STEP_APP_DEPLOY)
				deploy_marker(
				    &f, s, n,
				    prev_version ? prev_version
				                 : mg_arena_printf(e->arena, "%s.%d.0", f.base, r));
			else
				step_script(&f, s, n);
			prev_version = mg_arena_printf(e->arena, "%s.%d.%zu", f.base, r, n);
			for (char *c = (char *)prev_version; *c; c++)
				if (*c == '_')
					*c = '.';
		}
		const mg_plan_step **bf;
		size_t nb = emit_backfills_of_release(e, r, &bf);
		for (size_t k = 0; k < nb; k++)
			cleanup_script(&f, bf[k], r, ++n);
	}
}
