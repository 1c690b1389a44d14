/*
 * baseline.c: the baseline file `migraph baseline` writes
 * (formats/baseline.md): one entry per distinct finding key, with the
 * number of findings that share it.  `file`, `line` and `message` are for
 * the reader of a diff; matching uses only rule, changeset and object.
 */
#include "migraph/render.h"
#include "migraph/triage.h"
#include "render/json_writer.h"

static void write_object(rnd_json *j, const mg_object *o)
{
	rnd_json_begin_object(j);
	rnd_json_kv_string(j, "kind", o->kind != MG_OBJ_NONE ? mg_object_kind_name(o->kind) : NULL);
	rnd_json_kv_string(j, "schema", o->schema);
	rnd_json_kv_string(j, "table", o->table);
	rnd_json_kv_string(j, "name", o->name);
	rnd_json_end_object(j);
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

	rnd_json j;
	rnd_json_init(&j, out, true);
	rnd_json_begin_object(&j);
	rnd_json_kv_string(&j, "tool", "migraph");
	rnd_json_kv_string(&j, "tool_version", MG_VERSION_STRING);
	rnd_json_kv_int(&j, "format", 1);
	rnd_json_key(&j, "findings");
	rnd_json_begin_array(&j);
	for (size_t i = 0; i < n; i++) {
		if (!counts[i])
			continue;
		const mg_finding *f = analysis->findings[i];
		mg_finding_identity id;
		mg_finding_identity_of(analysis, f, &id);
		rnd_json_begin_object(&j);
		rnd_json_kv_string(&j, "rule", f->rule->id);
		rnd_json_key(&j, "changeset");
		if (id.version || id.script) {
			rnd_json_begin_object(&j);
			if (id.version)
				rnd_json_kv_string(&j, "version", id.version);
			else
				rnd_json_kv_string(&j, "script", id.script);
			rnd_json_end_object(&j);
		} else if (id.id || id.author || id.filename) {
			rnd_json_begin_object(&j);
			rnd_json_kv_string(&j, "id", id.id);
			rnd_json_kv_string(&j, "author", id.author);
			rnd_json_kv_string(&j, "filename", id.filename);
			rnd_json_end_object(&j);
		} else {
			rnd_json_null(&j);
		}
		rnd_json_key(&j, "object");
		write_object(&j, &f->object);
		rnd_json_kv_int(&j, "count", (long long)counts[i]);
		rnd_json_kv_string(&j, "file", f->loc.file);
		rnd_json_kv_int(&j, "line", f->loc.line);
		rnd_json_kv_string(&j, "message", f->message);
		rnd_json_end_object(&j);
	}
	rnd_json_end_array(&j);
	rnd_json_end_object(&j);
	mg_buf_putc(out, '\n');
	mg_arena_free(&arena);
}
