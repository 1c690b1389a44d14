/*
 * fuzz_flyway_toml.c: flyway.toml.
 *
 * The input is read as TOML; every [flyway] and [environments.*] value
 * is applied as a Flyway setting, as the loader does.
 */
#include "fuzz_common.h"
#include "load/flyway_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	char *text = fz_cstr(data, size);
	mg_project *p = mg_project_new();
	fw_config cfg;
	fw_config_init(&cfg, &p->arena);
	fw_kv_list kvs = {0};
	fw_toml_parse(p, "flyway.toml", text, size, &kvs);
	for (size_t i = 0; i < kvs.count; i++) {
		const fw_kv *kv = &kvs.items[i];
		if (!kv->key || !kv->value)
			abort();
		const char *k = strstr(kv->key, "flyway.");
		if (k)
			fw_config_set(p, &cfg, k + 7, kv->value, kv->loc, "/nonexistent");
	}
	mg_project_free(p);
	free(text);
	return 0;
}
