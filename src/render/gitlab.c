/*
 * gitlab.c: GitLab code quality report (a JSON array of issues, the
 * Code Climate subset GitLab reads): description, check_name,
 * fingerprint, severity (info, minor, major, critical, blocker) and
 * location.path with location.lines.begin.  formats/gitlab-codequality
 * .schema.json holds what the tests check.
 *
 * The fingerprint is what lets GitLab tell new issues from old ones, so it
 * must not move with the lines: it is the MD5 of the baseline key (rule,
 * changeset identity, object) and the occurrence number of that key.
 * Suppressed findings are listed as info issues that say so and why.
 */
#include <string.h>

#include "migraph/checksum.h"
#include "migraph/ignore.h"
#include "migraph/render.h"
#include "migraph/triage.h"
#include "render/json_writer.h"

static const char *gitlab_severity(mg_severity sev)
{
	switch (sev) {
	case MG_SEV_CRITICAL: return "blocker";
	case MG_SEV_HIGH: return "critical";
	case MG_SEV_MEDIUM: return "major";
	case MG_SEV_LOW: return "minor";
	default: return "info";
	}
}

static void issue(rnd_json *j, const char *check, const char *description, const char *body,
                  const char *severity, const char *category, const mg_loc *loc,
                  const char *fingerprint)
{
	rnd_json_begin_object(j);
	rnd_json_kv_string(j, "type", "issue");
	rnd_json_kv_string(j, "engine_name", "migraph");
	rnd_json_kv_string(j, "check_name", check);
	rnd_json_kv_string(j, "description", description);
	if (body) {
		rnd_json_key(j, "content");
		rnd_json_begin_object(j);
		rnd_json_kv_string(j, "body", body);
		rnd_json_end_object(j);
	}
	rnd_json_key(j, "categories");
	rnd_json_begin_array(j);
	rnd_json_string(j, category);
	rnd_json_end_array(j);
	rnd_json_kv_string(j, "severity", severity);
	rnd_json_kv_string(j, "fingerprint", fingerprint);
	rnd_json_key(j, "location");
	rnd_json_begin_object(j);
	rnd_json_kv_string(j, "path", loc->file ? loc->file : ".");
	rnd_json_key(j, "lines");
	rnd_json_begin_object(j);
	rnd_json_kv_int(j, "begin", loc->line ? loc->line : 1);
	rnd_json_end_object(j);
	rnd_json_end_object(j);
	rnd_json_end_object(j);
}

/* Code Climate's categories: locking and performance findings cost
 * production time, the others are about correctness. */
static const char *category(mg_category cat)
{
	return cat == MG_CAT_LOCKING || cat == MG_CAT_PERFORMANCE ? "Performance" : "Bug Risk";
}

void mg_render_gitlab(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts)
{
	(void)opts;
	mg_arena arena;
	mg_arena_init(&arena);
	mg_map seen; /* key -> occurrences so far */
	mg_map_init(&seen, &arena);
	mg_buf key = MG_BUF_INIT, text = MG_BUF_INIT;
	rnd_json j;
	rnd_json_init(&j, out, true);
	rnd_json_begin_array(&j);
	char hex[33];
	for (size_t i = 0; i < analysis->n_findings; i++) {
		const mg_finding *f = analysis->findings[i];
		mg_finding_key(analysis, f, &key);
		size_t n = (size_t)mg_map_get(&seen, mg_buf_cstr(&key)) + 1;
		mg_map_put(&seen, mg_buf_cstr(&key), (void *)n);
		mg_buf_printf(&key, "#%zu", n);
		mg_md5_hex(key.data, key.len, hex);
		const char *message = f->message ? f->message : f->rule->summary;
		mg_buf_clear(&text);
		if (f->suppressed_by)
			mg_buf_printf(&text, "[suppressed: %s] %s", f->suppressed_by->reason, message);
		else
			mg_buf_printf(&text, "%s", message);
		issue(&j, f->rule->id, mg_buf_cstr(&text), f->safe_alternative,
		      f->suppressed_by ? "info" : gitlab_severity(f->severity),
		      category(f->rule->category), &f->loc, hex);
	}
	const mg_diag_list *dl = &analysis->project->diags;
	for (size_t i = 0; i < dl->count; i++) {
		const mg_diag *d = dl->items[i];
		mg_buf_clear(&key);
		mg_buf_printf(&key, "input/%s\x1f%s\x1f%s", d->code, d->loc.file ? d->loc.file : "",
		              d->message);
		size_t n = (size_t)mg_map_get(&seen, mg_buf_cstr(&key)) + 1;
		mg_map_put(&seen, mg_buf_cstr(&key), (void *)n);
		mg_buf_printf(&key, "#%zu", n);
		mg_md5_hex(key.data, key.len, hex);
		mg_buf_clear(&text);
		mg_buf_printf(&text, "input/%s", d->code);
		issue(&j, mg_buf_cstr(&text), d->message, d->hint, gitlab_severity(d->severity),
		      "Bug Risk", &d->loc, hex);
	}
	rnd_json_end_array(&j);
	mg_buf_putc(out, '\n');
	mg_buf_dispose(&key);
	mg_buf_dispose(&text);
	mg_arena_free(&arena);
}
