/*
 * config.c: reading `.migraph.yaml` (config.h, formats/config.md).
 *
 * The shape is fixed and small; the walk follows it, never the document,
 * so aliases cost nothing, and nesting is bounded before libyaml builds
 * the document.  Unlike the traffic profile, an unknown key is an error:
 * a misspelt `fail_on` would otherwise silently gate nothing.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "migraph/config.h"
#include "migraph/yaml_guard.h"
#include "migraph/yaml_read.h"

#define CONFIG_MAX_BYTES (1024u * 1024)
#define CONFIG_MAX_DEPTH 16

typedef struct reader {
	mg_yaml_reader y;
	mg_arena *arena;
	mg_config *cfg;
	bool allow_outside;
	const char *real_dir; /* the config's folder, resolved, or NULL */
} reader;

static mg_loc node_loc(reader *r, const yaml_node_t *n)
{
	return mg_yaml_loc(&r->y, n);
}

static void invalid(reader *r, const yaml_node_t *n, const char *key, const char *why)
{
	mg_yaml_invalid(&r->y, n, key, why);
}

static const char *scalar(reader *r, yaml_node_t *n, const char *key)
{
	return mg_yaml_scalar(&r->y, r->arena, n, key);
}

/* A list of scalars, or one scalar as a list of one. */
static const char **scalars(reader *r, yaml_node_t *n, const char *key, size_t *count)
{
	*count = 0;
	if (n->type == YAML_SCALAR_NODE) {
		const char **one = mg_arena_alloc(r->arena, sizeof *one);
		one[0] = scalar(r, n, key);
		*count = 1;
		return one;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		invalid(r, n, key, "expected a list");
		return NULL;
	}
	size_t cap = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	const char **items = mg_arena_alloc(r->arena, (cap + 1) * sizeof *items);
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		const char *s = scalar(r, yaml_document_get_node(r->y.doc, *it), key);
		if (s)
			items[(*count)++] = s;
	}
	return items;
}

/* Resolves a path of the file against its folder; one that leaves the
 * folder (by "..", an absolute path or a symbolic link) is refused unless
 * the command line allowed it. */
static const char *path_value(reader *r, yaml_node_t *n, const char *key, const char *value)
{
	if (!value || !*value) {
		if (value)
			invalid(r, n, key, "expected a path");
		return NULL;
	}
	const char *joined = value[0] == '/' ? value : mg_path_join(r->arena, r->cfg->dir, value);
	const char *path = mg_path_normalize(r->arena, joined);
	if (r->allow_outside)
		return path;
	bool inside;
	char real[PATH_MAX];
	if (value[0] == '/' || !r->real_dir) {
		inside = false;
	} else if (realpath(path, real)) {
		inside = mg_path_under(real, r->real_dir) != NULL;
	} else {
		/* Not there yet (a baseline to write): judge its folder. */
		char *parent = mg_path_dirname(r->arena, path);
		inside = realpath(parent, real) && mg_path_under(real, r->real_dir) != NULL &&
		         strcmp(mg_path_basename(path), "..") != 0;
	}
	if (inside)
		return path;
	mg_diag *d = mg_diag_add(r->y.diags, MG_SEV_HIGH, "config-outside", node_loc(r, n),
	                         "%s: %s leaves the folder of %s", key, value, r->y.file);
	mg_diag_set_hint(r->y.diags, d, "a configuration cannot reach outside its repository; "
	                              "--allow-outside on the command line allows it");
	r->y.errors++;
	return NULL;
}

static const char **path_list(reader *r, yaml_node_t *n, const char *key, size_t *count)
{
	size_t raw = 0;
	const char **items = scalars(r, n, key, &raw);
	*count = 0;
	for (size_t i = 0; i < raw; i++) {
		const char *p = path_value(r, n, key, items[i]);
		if (p)
			items[(*count)++] = p;
	}
	return items;
}

static void read_engine(reader *r, yaml_node_t *v, const char *key)
{
	const char *s = scalar(r, v, key);
	if (!s)
		return;
	mg_config *c = r->cfg;
	if (!strcmp(key, "version")) {
		char *end;
		errno = 0;
		long major = strtol(s, &end, 10);
		if (end == s || *end || errno || major < 10 || major > 18) {
			invalid(r, v, key, "migraph models PostgreSQL 10 to 18");
			return;
		}
		if (!c->has_engine)
			c->engine = (mg_engine_target){MG_ENGINE_POSTGRESQL, (int)major, 0};
		c->engine.major = (int)major;
		c->has_engine = true;
		return;
	}
	mg_engine_target t;
	if (mg_engine_parse(s, &t) != 0) {
		invalid(r, v, key, "expected postgresql:10 .. postgresql:18 (or postgresql with "
		                   "a separate version)");
		return;
	}
	int major = c->has_engine ? c->engine.major : 0;
	c->engine.kind = t.kind;
	c->engine.major = strchr(s, ':') || !major ? t.major : major;
	c->engine.minor = t.minor;
	c->has_engine = true;
}

static void add_rule(reader *r, const char *id, yaml_node_t *at, mg_rule_setting **out)
{
	mg_config *c = r->cfg;
	c->rules = mg_arena_grow(r->arena, c->rules, sizeof *c->rules, c->n_rules, c->n_rules + 1);
	mg_rule_setting *s = &c->rules[c->n_rules++];
	s->id = id;
	s->loc = node_loc(r, at);
	*out = s;
}

static void read_rule_list(reader *r, yaml_node_t *v, const char *key, bool enable)
{
	if (v->type != YAML_SEQUENCE_NODE && v->type != YAML_SCALAR_NODE) {
		invalid(r, v, key, "expected a list of rule ids");
		return;
	}
	yaml_node_t *one[1] = {v};
	yaml_node_item_t *start = v->type == YAML_SEQUENCE_NODE ? v->data.sequence.items.start : NULL;
	size_t n = v->type == YAML_SEQUENCE_NODE
	                   ? (size_t)(v->data.sequence.items.top - v->data.sequence.items.start)
	                   : 1;
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = start ? yaml_document_get_node(r->y.doc, start[i]) : one[0];
		const char *id = scalar(r, item, key);
		if (!id)
			continue;
		mg_rule_setting *s;
		add_rule(r, id, item, &s);
		if (enable)
			s->enabled = true;
		else
			s->disabled = true;
	}
	if (enable)
		r->cfg->rules_enable_given = true;
}

static void each_pair(reader *r, yaml_node_t *map, const char *path, mg_yaml_pair_fn fn)
{
	mg_yaml_each_pair(&r->y, r, map, path, fn, NULL);
}

static bool severity_pair(void *self, const char *path, const char *key, yaml_node_t *k,
                          yaml_node_t *v, void *ctx)
{
	reader *r = self;
	(void)ctx;
	(void)path;
	const char *s = scalar(r, v, key);
	mg_severity sev;
	if (!s)
		return true;
	if (mg_severity_parse(s, &sev) != 0) {
		invalid(r, v, key, "expected info, low, medium, high or critical");
		return true;
	}
	mg_rule_setting *rs;
	add_rule(r, mg_arena_strdup(r->arena, key), k, &rs);
	rs->has_severity = true;
	rs->severity = sev;
	return true;
}

static bool rules_pair(void *self, const char *path, const char *key, yaml_node_t *k,
                       yaml_node_t *v, void *ctx)
{
	reader *r = self;
	(void)ctx;
	(void)k;
	(void)path;
	if (!strcmp(key, "disable"))
		read_rule_list(r, v, "rules.disable", false);
	else if (!strcmp(key, "enable"))
		read_rule_list(r, v, "rules.enable", true);
	else if (!strcmp(key, "severity"))
		each_pair(r, v, "rules.severity", severity_pair);
	else
		return false;
	return true;
}

static bool property_pair(void *self, const char *path, const char *key, yaml_node_t *k,
                          yaml_node_t *v, void *ctx)
{
	reader *r = self;
	(void)ctx;
	(void)path;
	(void)k;
	mg_config *c = r->cfg;
	const char *value = scalar(r, v, key);
	if (!value)
		return true;
	c->properties = mg_arena_grow(r->arena, c->properties, sizeof *c->properties,
	                              c->n_properties, c->n_properties + 1);
	c->properties[c->n_properties++] = (mg_property){mg_arena_strdup(r->arena, key), value};
	return true;
}

static bool top_pair(void *self, const char *path, const char *key, yaml_node_t *k,
                     yaml_node_t *v, void *ctx)
{
	reader *r = self;
	(void)ctx;
	(void)path;
	(void)k;
	mg_config *c = r->cfg;
	if (!strcmp(key, "engine") || !strcmp(key, "version")) {
		read_engine(r, v, key);
	} else if (!strcmp(key, "profile")) {
		c->profile = path_value(r, v, key, scalar(r, v, key));
	} else if (!strcmp(key, "schema")) {
		c->schema = path_value(r, v, key, scalar(r, v, key));
	} else if (!strcmp(key, "baseline")) {
		c->baseline = path_value(r, v, key, scalar(r, v, key));
	} else if (!strcmp(key, "paths")) {
		c->paths = path_list(r, v, key, &c->n_paths);
	} else if (!strcmp(key, "search_path")) {
		c->search_paths = path_list(r, v, key, &c->n_search_paths);
	} else if (!strcmp(key, "properties") || !strcmp(key, "placeholders")) {
		each_pair(r, v, key, property_pair);
	} else if (!strcmp(key, "contexts")) {
		c->contexts = scalar(r, v, key);
	} else if (!strcmp(key, "labels")) {
		c->labels = scalar(r, v, key);
	} else if (!strcmp(key, "fail_on")) {
		const char *s = scalar(r, v, key);
		if (s && mg_severity_parse(s, &c->fail_on) != 0)
			invalid(r, v, key, "expected info, low, medium, high or critical");
		else if (s)
			c->has_fail_on = true;
	} else if (!strcmp(key, "docs_url")) {
		const char *s = scalar(r, v, key);
		if (s && !strstr(s, "://"))
			invalid(r, v, key, "expected an absolute URL such as https://host/rules.md");
		else
			c->docs_url = s;
	} else if (!strcmp(key, "rules")) {
		each_pair(r, v, "rules", rules_pair);
	} else {
		return false;
	}
	return true;
}

const char *mg_config_find(mg_arena *arena, const char *dir)
{
	const char *d = dir;
	char last[PATH_MAX] = "";
	for (int i = 0; i < 256; i++) {
		const char *candidate = mg_path_join(arena, d, MG_CONFIG_NAME);
		if (mg_path_is_file(candidate))
			return mg_path_normalize(arena, candidate);
		/* The repository's root is as far as a configuration may come
		 * from: one further up belongs to someone else. */
		if (mg_path_is_dir(mg_path_join(arena, d, ".git")) ||
		    mg_path_is_file(mg_path_join(arena, d, ".git")))
			return NULL;
		char real[PATH_MAX];
		if (!realpath(d, real) || !strcmp(real, "/") || !strcmp(real, last))
			return NULL;
		strcpy(last, real);
		d = mg_path_join(arena, d, "..");
	}
	return NULL;
}

int mg_config_load(mg_arena *arena, const char *path, bool allow_outside, size_t max_file,
                   mg_diag_list *diags, mg_config *out)
{
	memset(out, 0, sizeof *out);
	out->file = mg_arena_strdup(arena, path);
	out->dir = mg_path_dirname(arena, path);
	mg_loc at = {out->file, 0, 0};
	mg_file_data data;
	bool by_option = max_file && max_file < CONFIG_MAX_BYTES;
	int rc = mg_file_read(path, by_option ? max_file : CONFIG_MAX_BYTES, &data);
	if (rc != 0) {
		if (rc == -2 && by_option)
			mg_diag_file_size(diags, at, path, max_file);
		else if (rc == -2)
			mg_diag_add(diags, MG_SEV_HIGH, "config-invalid", at,
			            "configuration larger than 1 MiB: not read");
		else
			mg_diag_add(diags, MG_SEV_HIGH, "config-invalid", at,
			            "cannot read the configuration: %s", strerror(errno));
		return -1;
	}
	uint32_t deep = mg_yaml_too_deep(data.data, data.len, CONFIG_MAX_DEPTH);
	if (deep) {
		mg_diag_add(diags, MG_SEV_HIGH, "config-invalid", (mg_loc){out->file, deep, 1},
		            "nested deeper than a configuration is (%d levels): not read",
		            CONFIG_MAX_DEPTH);
		mg_file_data_free(&data);
		return -1;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data.data, data.len);
	if (!yaml_parser_load(&parser, &doc)) {
		mg_loc loc = {out->file, (uint32_t)parser.problem_mark.line + 1,
		              (uint32_t)parser.problem_mark.column + 1};
		mg_diag_add(diags, MG_SEV_HIGH, "config-invalid", loc, "not valid YAML: %s",
		            parser.problem ? parser.problem : "parse error");
		yaml_parser_delete(&parser);
		mg_file_data_free(&data);
		return -1;
	}
	char real[PATH_MAX];
	const char *hint = "formats/config.md lists the keys of .migraph.yaml";
	reader r = {{&doc, diags, out->file, "config-invalid", "config-unknown-key", MG_SEV_HIGH, "",
	             hint, 0},
	            arena, out, allow_outside,
	            realpath(out->dir, real) ? mg_arena_strdup(arena, real) : NULL};
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	/* An empty file is a valid configuration that sets nothing. */
	if (root && !(root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0))
		each_pair(&r, root, "", top_pair);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	mg_file_data_free(&data);
	return r.y.errors ? -1 : 0;
}
