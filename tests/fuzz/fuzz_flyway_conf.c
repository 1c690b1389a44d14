/*
 * fuzz_flyway_conf.c: flyway.conf (Java properties) and placeholders.
 *
 * The input is read as a properties file; every flyway.* setting is
 * applied as the loader applies it; then the input is run through
 * placeholder replacement with the resulting configuration, and the
 * anchors of the result are checked to stay sorted and inside the text.
 */
#include "fuzz_common.h"
#include "load/flyway_internal.h"

static void check_anchors(const mg_text *t)
{
	for (size_t i = 0; i < t->n_anchors; i++) {
		if (t->anchors[i].offset > t->len || t->anchors[i].line == 0)
			abort();
		if (i && t->anchors[i].offset < t->anchors[i - 1].offset)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	char *text = fz_cstr(data, size);
	mg_project *p = mg_project_new();
	fw_config cfg;
	fw_config_init(&cfg, &p->arena);
	fw_kv_list kvs = {0};
	fw_properties_parse(p, "flyway.conf", text, size, &kvs);
	for (size_t i = 0; i < kvs.count; i++) {
		const fw_kv *kv = &kvs.items[i];
		if (strncmp(kv->key, "flyway.", 7) == 0)
			fw_config_set(p, &cfg, kv->key + 7, kv->value, kv->loc, "/nonexistent");
	}
	mg_text in = {"V1__fuzz.sql", text, size, NULL, 0}, out;
	fw_ph_context pc = {&cfg, "V1__fuzz.sql", "/nonexistent", "2024-01-01 00:00:00"};
	if (cfg.placeholder_replacement) {
		fw_placeholders_replace(p, &pc, &in, &out);
		check_anchors(&out);
		mg_text_cursor cur;
		mg_text_cursor_init(&cur, &out);
		uint32_t line, col;
		mg_text_cursor_seek(&cur, out.len, &line, &col);
	}
	mg_project_free(p);
	free(text);
	return 0;
}
