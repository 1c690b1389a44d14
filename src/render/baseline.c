/*
 * baseline.c: the baseline file `migraph baseline` writes
 * (formats/baseline.md): one entry per distinct finding key, with the
 * number of findings that share it.  `file`, `line` and `message` are for
 * the reader of a diff; matching uses only rule, changeset and object.
 */
#include "migraph/render.h"
#include "migraph/triage.h"
#include "render/json_writer.h"

static void write_object(mg_json *j, const mg_object *o)
{
	mg_json_begin_object(j);
	mg_json_kv_string(j, "kind", o->kind != MG_OBJ_NONE ? mg_object_kind_name(o->kind) : NULL);
	mg_json_kv_string(j, "schema", o->schema);
	mg_json_kv_string(j, "table", o->table);
	mg_json_kv_string(j, "name", o->name);
	mg_json_end_object(j);
}

void mg_render_baseline(mg_buf *out, const mg_analysis *analysis)
{
	mg_arena arena;
	mg_arena_init(&arena);
	mg_map groups; /* key -> 1 + index of the first finding */
	mg_map_init(&groups, &arena);
	size_t n = analysis->n_findings;
	size_t *counts = mg_arena_alloc(&arena, (n + 1) * sizeof *counts);
	mg_buf key = MG_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (analysis->findings[i]->suppressed_by)
			continue;
		mg_finding_key(analysis, analysis->findings[i], &key);
		size_t at = (size_t)mg_map_get(&groups, mg_buf_cstr(&key));
		if (!at)
			mg_map_put(&groups, mg_buf_cstr(&key), (void *)(i + 1));
		counts[at ? at - 1 : i]++;
	}
	mg_buf_dispose(&key);

	mg_json j;
	mg_json_init(&j, out, true);
	mg_json_begin_object(&j);
	mg_json_kv_string(&j, "tool", "migraph");
	mg_json_kv_string(&j, "tool_version", MG_VERSION_STRING);
	mg_json_kv_int(&j, "format", 1);
	mg_json_key(&j, "findings");
	mg_json_begin_array(&j);
	for (size_t i = 0; i < n; i++) {
		if (!counts[i])
			continue;
		const mg_finding *f = analysis->findings[i];
		mg_finding_identity id;
		mg_finding_identity_of(analysis, f, &id);
		mg_json_begin_object(&j);
		mg_json_kv_string(&j, "rule", f->rule->id);
		mg_json_key(&j, "changeset");
		if (id.version || id.script) {
			mg_json_begin_object(&j);
			if (id.version)
				mg_json_kv_string(&j, "version", id.version);
			else
				mg_json_kv_string(&j, "script", id.script);
			mg_json_end_object(&j);
		} else if (id.id || id.author || id.filename) {
			mg_json_begin_object(&j);
			mg_json_kv_string(&j, "id", id.id);
			mg_json_kv_string(&j, "author", id.author);
			mg_json_kv_string(&j, "filename", id.filename);
			mg_json_end_object(&j);
		} else {
			mg_json_null(&j);
		}
		mg_json_key(&j, "object");
		write_object(&j, &f->object);
		mg_json_kv_int(&j, "count", (long long)counts[i]);
		mg_json_kv_string(&j, "file", f->loc.file);
		mg_json_kv_int(&j, "line", f->loc.line);
		mg_json_kv_string(&j, "message", f->message);
		mg_json_end_object(&j);
	}
	mg_json_end_array(&j);
	mg_json_end_object(&j);
	mg_buf_putc(out, '\n');
	mg_arena_free(&arena);
}
