/*
 * known.c: the baseline of known findings (formats/baseline.md).
 *
 * A baseline is the JSON file `migraph baseline` writes: one entry per
 * distinct finding key (rule, changeset identity, object) with a count,
 * so that two identical findings need two.  `check --baseline FILE`
 * removes the findings the entries cover and counts them; lines are not
 * part of the key, so inserting lines above a finding keeps it matched.
 *
 * JSON is read with libyaml (JSON is YAML's flow style), like Liquibase
 * JSON changelogs; the walk follows the baseline's fixed shape, so
 * aliases cannot make it expensive, and nesting is bounded first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "analyze/triage_int.h"
#include "migraph/yaml_guard.h"

#define BASELINE_MAX_BYTES (64u * 1024 * 1024)
#define BASELINE_MAX_DEPTH 16

typedef struct reader {
	mg_arena *arena;
	mg_diag_list *diags;
	const char *file;
	yaml_document_t *doc;
	size_t problems;
} reader;

static mg_loc node_loc(reader *r, const yaml_node_t *n)
{
	return (mg_loc){r->file, (uint32_t)n->start_mark.line + 1, (uint32_t)n->start_mark.column + 1};
}

static void invalid(reader *r, const yaml_node_t *n, const char *what)
{
	mg_diag *d = mg_diag_add(r->diags, MG_SEV_HIGH, "baseline-invalid", node_loc(r, n), "%s",
	                         what);
	mg_diag_set_hint(r->diags, d, "formats/baseline.md describes the file; 'migraph baseline' "
	                              "writes it");
	r->problems++;
}

/* The value of key in a mapping node, or NULL. */
static yaml_node_t *get(reader *r, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(r->doc, p->key);
		if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
			return yaml_document_get_node(r->doc, p->value);
	}
	return NULL;
}

/* A string field: NULL when absent or null. */
static const char *str(reader *r, yaml_node_t *map, const char *key)
{
	yaml_node_t *v = get(r, map, key);
	if (!v)
		return NULL;
	if (v->type != YAML_SCALAR_NODE) {
		invalid(r, v, "expected a string");
		return NULL;
	}
	if (v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    !strcmp((const char *)v->data.scalar.value, "null"))
		return NULL;
	return mg_arena_strndup(r->arena, (const char *)v->data.scalar.value, v->data.scalar.length);
}

static mg_object_kind object_kind(const char *name)
{
	for (int k = MG_OBJ_NONE + 1; k <= MG_OBJ_OTHER; k++)
		if (mg_str_eq(mg_object_kind_name((mg_object_kind)k), name))
			return (mg_object_kind)k;
	return MG_OBJ_NONE;
}

static void read_entry(reader *r, yaml_node_t *n, mg_known_findings *kf, mg_buf *key)
{
	if (n->type != YAML_MAPPING_NODE) {
		invalid(r, n, "a baseline entry is an object");
		return;
	}
	const char *rule = str(r, n, "rule");
	if (!rule) {
		invalid(r, n, "a baseline entry needs its \"rule\"");
		return;
	}
	mg_finding_identity id = {0};
	yaml_node_t *cs = get(r, n, "changeset");
	if (cs && cs->type == YAML_MAPPING_NODE) {
		id.version = str(r, cs, "version");
		id.script = str(r, cs, "script");
		id.id = str(r, cs, "id");
		id.author = str(r, cs, "author");
		id.filename = str(r, cs, "filename");
	} else {
		id.file = str(r, n, "file");
	}
	mg_object obj = {0};
	yaml_node_t *o = get(r, n, "object");
	if (o && o->type == YAML_MAPPING_NODE) {
		const char *kind = str(r, o, "kind");
		obj.kind = kind ? object_kind(kind) : MG_OBJ_NONE;
		obj.schema = str(r, o, "schema");
		obj.table = str(r, o, "table");
		obj.name = str(r, o, "name");
	}
	size_t count = 1;
	yaml_node_t *c = get(r, n, "count");
	if (c) {
		char *end;
		const char *s = c->type == YAML_SCALAR_NODE ? (const char *)c->data.scalar.value : "";
		errno = 0;
		unsigned long long v = strtoull(s, &end, 10);
		if (c->type != YAML_SCALAR_NODE || end == s || *end || errno || v == 0 || *s == '-') {
			invalid(r, c, "\"count\" is a positive whole number");
			return;
		}
		count = (size_t)v;
	}
	mg_finding_key_build(key, rule, &id, &obj);
	kf->entries = mg_arena_grow(r->arena, kf->entries, sizeof *kf->entries, kf->n_entries,
	                            kf->n_entries + 1);
	kf->entries[kf->n_entries++] =
		(mg_baseline_entry){mg_arena_strdup(r->arena, mg_buf_cstr(key)), count, 0};
}

mg_known_findings *mg_known_findings_read(mg_arena *arena, const char *path, size_t max_file,
                                          mg_diag_list *diags)
{
	mg_loc at = {path, 0, 0};
	mg_file_data data;
	bool by_option = max_file && max_file < BASELINE_MAX_BYTES;
	int rc = mg_file_read(path, by_option ? max_file : BASELINE_MAX_BYTES, &data);
	if (rc != 0) {
		if (rc == -2 && by_option)
			mg_diag_file_size(diags, at, path, max_file);
		else if (rc == -2)
			mg_diag_add(diags, MG_SEV_HIGH, "baseline-unreadable", at,
			            "baseline larger than 64 MiB: not read");
		else
			mg_diag_add(diags, MG_SEV_HIGH, "baseline-unreadable", at,
			            "cannot read the baseline: %s", strerror(errno));
		return NULL;
	}
	uint32_t deep = mg_yaml_too_deep(data.data, data.len, BASELINE_MAX_DEPTH);
	if (deep) {
		mg_diag_add(diags, MG_SEV_HIGH, "baseline-invalid", (mg_loc){path, deep, 1},
		            "nested deeper than a baseline is (%d levels): not read",
		            BASELINE_MAX_DEPTH);
		mg_file_data_free(&data);
		return NULL;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data.data, data.len);
	if (!yaml_parser_load(&parser, &doc)) {
		mg_loc loc = {path, (uint32_t)parser.problem_mark.line + 1,
		              (uint32_t)parser.problem_mark.column + 1};
		mg_diag_add(diags, MG_SEV_HIGH, "baseline-invalid", loc, "not valid JSON: %s",
		            parser.problem ? parser.problem : "parse error");
		yaml_parser_delete(&parser);
		mg_file_data_free(&data);
		return NULL;
	}
	mg_known_findings *kf = mg_arena_alloc(arena, sizeof *kf);
	kf->file = mg_arena_strdup(arena, path);
	reader r = {arena, diags, kf->file, &doc, 0};
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	yaml_node_t *list = root ? get(&r, root, "findings") : NULL;
	if (!root || root->type != YAML_MAPPING_NODE) {
		mg_diag_add(diags, MG_SEV_HIGH, "baseline-invalid", at,
		            "a baseline is a JSON object with \"findings\"");
		r.problems++;
	} else if (!list || list->type != YAML_SEQUENCE_NODE) {
		invalid(&r, root, "a baseline needs a \"findings\" array");
	} else {
		mg_buf key = MG_BUF_INIT;
		for (yaml_node_item_t *it = list->data.sequence.items.start;
		     it < list->data.sequence.items.top; it++)
			read_entry(&r, yaml_document_get_node(&doc, *it), kf, &key);
		mg_buf_dispose(&key);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	mg_file_data_free(&data);
	return r.problems ? NULL : kf;
}

void an_known_findings_apply(mg_analysis *a, mg_known_findings *kf, mg_triage *t)
{
	mg_project *p = a->project;
	mg_map index;
	mg_map_init(&index, &p->arena);
	for (size_t i = 0; i < kf->n_entries; i++) {
		mg_baseline_entry *e = &kf->entries[i], *same = mg_map_get(&index, e->key);
		e->matched = 0;
		if (same) { /* the same key twice: the counts add up */
			same->count += e->count;
			e->count = 0;
		} else {
			mg_map_put(&index, e->key, e);
		}
	}
	mg_buf key = MG_BUF_INIT;
	size_t kept = 0;
	for (size_t i = 0; i < a->n_findings; i++) {
		mg_finding *f = a->findings[i];
		if (!f->suppressed_by) {
			mg_finding_key(a, f, &key);
			mg_baseline_entry *e = mg_map_get(&index, mg_buf_cstr(&key));
			if (e && e->matched < e->count) {
				e->matched++;
				t->baselined++;
				continue;
			}
		}
		a->findings[kept++] = f;
	}
	a->n_findings = kept;
	mg_buf_dispose(&key);
	for (size_t i = 0; i < kf->n_entries; i++)
		t->baseline_unmatched += kf->entries[i].count - kf->entries[i].matched;
}
