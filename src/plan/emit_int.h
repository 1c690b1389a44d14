/*
 * emit_int.h: what the files of the plan emitter share.
 *
 *   emit.c            mg_plan_emit(): picks the project's format; the
 *                     pieces every format needs (step bodies with their
 *                     timeouts, headers, names)
 *   emit_flyway.c     one script per step, versions, .sql.conf
 *   emit_liquibase.c  one formatted-SQL changelog per release
 *
 * formats/emit.md documents the layout and the choices.
 */
#ifndef MIGRAPH_PLAN_EMIT_INT_H
#define MIGRAPH_PLAN_EMIT_INT_H

#include "plan/plan_int.h"

typedef struct emit_ctx {
	const mg_plan *plan;
	const mg_project *project;
	mg_arena *arena;
	mg_emit *out;
	int major; /* target PostgreSQL major version */
	bool has_rollback; /* the format writes a step's rollback with it (Liquibase) */
} emit_ctx;

void emit_add_file(emit_ctx *e, const char *path, const char *content);

/* The cleanup SQL of a backfill of the given release, as written into
 * the plan's files, and the marker its procedure's DROP carries there,
 * or NULL (see emit.c). */
const char *emit_cleanup_sql(emit_ctx *e, const mg_backfill *b, int release);
const char *emit_own_procedure_marker(emit_ctx *e, int release);

/* "expand_add_column_orders_status": lower-case ASCII letters, digits and
 * single underscores, at most max bytes. */
const char *emit_slug(mg_arena *arena, const char *text, size_t max);

/* "2s", "1500ms": a PostgreSQL interval literal's text. */
const char *emit_duration(mg_arena *arena, double ms);

/* The step's SQL with its timeouts: SET LOCAL at the start of a step that
 * runs in a transaction, SET ... RESET around one that does not, so that
 * a setting never outlives its step; each of its waivers as a
 * migraph:ignore marker before the statement it concerns.  NULL when the
 * step has no SQL. */
const char *emit_step_sql(emit_ctx *e, const mg_plan_step *s);

/* Comment lines (each "-- ...\n") saying what the step is, where it comes
 * from, whether it was rewritten, and how it runs. */
const char *emit_step_header(emit_ctx *e, const mg_plan_step *s);

/* The original file:line of a step, or NULL. */
const char *emit_step_origin(emit_ctx *e, const mg_plan_step *s);

/* An application deploy step, for the marker the migrations carry where
 * it happens: what to do ("deploy the new application version
 * (rolling)"), and *action, how ("roll the application out"). */
const char *emit_deploy_what(emit_ctx *e, const mg_plan_step *s, const char **action);

/* A statement that stops the migration with message: what a step needs
 * that the emitter cannot write (no SQL text for it). */
const char *emit_refusal(emit_ctx *e, const char *message);

/* emit_refusal for a step the plan has no SQL for; unit is "script" or
 * "changeset" (what the message asks to remove). */
const char *emit_no_sql(emit_ctx *e, const mg_plan_step *s, const char *unit);

/* Before PostgreSQL 11: what runs at a backfill step's place, since the
 * backfill itself is the psql script `file` (relative to the release
 * folder): a DO block that stops the migration until the checkpoint says
 * finished.  then: "migrate again" / "update again". */
const char *emit_backfill_guard(emit_ctx *e, const mg_plan_step *s, const char *file,
                                const char *then);

/* The backfills whose steps are in release r, in step order. */
size_t emit_backfills_of_release(emit_ctx *e, int release, const mg_plan_step ***out);

void emit_flyway(emit_ctx *e);
void emit_liquibase(emit_ctx *e);

#endif
