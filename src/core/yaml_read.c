/*
 * yaml_read.c: see yaml_read.h.
 */
#include "migraph/yaml_read.h"

mg_loc mg_yaml_loc(const mg_yaml_reader *y, const yaml_node_t *n)
{
	return (mg_loc){y->file, (uint32_t)n->start_mark.line + 1, (uint32_t)n->start_mark.column + 1};
}

void mg_yaml_invalid(mg_yaml_reader *y, const yaml_node_t *n, const char *key, const char *why)
{
	mg_diag *d = mg_diag_add(y->diags, MG_SEV_HIGH, y->invalid_code, mg_yaml_loc(y, n), "%s: %s",
	                         key, why);
	mg_diag_set_hint(y->diags, d, "%s", y->hint);
	y->errors++;
}

const char *mg_yaml_scalar(mg_yaml_reader *y, mg_arena *arena, yaml_node_t *n, const char *key)
{
	if (!n || n->type != YAML_SCALAR_NODE) {
		if (n)
			mg_yaml_invalid(y, n, key, "expected a single value");
		return NULL;
	}
	return mg_arena_strndup(arena, (const char *)n->data.scalar.value, n->data.scalar.length);
}

void mg_yaml_each_pair(mg_yaml_reader *y, void *self, yaml_node_t *map, const char *path,
                       mg_yaml_pair_fn fn, void *ctx)
{
	if (!map || map->type != YAML_MAPPING_NODE) {
		if (map)
			mg_yaml_invalid(y, map, *path ? path : "(document)", "expected a mapping of keys");
		return;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
		if (!k || !v || k->type != YAML_SCALAR_NODE) {
			if (k)
				mg_yaml_invalid(y, k, path, "keys must be plain names");
			continue;
		}
		const char *key = (const char *)k->data.scalar.value;
		if (fn(self, path, key, k, v, ctx))
			continue;
		mg_diag *d = mg_diag_add(y->diags, y->unknown_severity, y->unknown_code,
		                         mg_yaml_loc(y, k), "unknown key %s%s%s%s", path,
		                         *path ? "." : "", key, y->unknown_note);
		mg_diag_set_hint(y->diags, d, "%s", y->hint);
		if (y->unknown_severity >= MG_SEV_HIGH)
			y->errors++;
	}
}
