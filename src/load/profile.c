/*
 * profile.c: reading the traffic profile (YAML, through libyaml's
 * document API).
 *
 * The walk is driven by the profile's fixed shape, never by the
 * document's, so aliases cannot make it expensive.  Every problem names
 * the file, the line and the key path ("tables.orders.bytes"), and a bad
 * value leaves that value unknown instead of guessing.
 */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "migraph/profile.h"
#include "migraph/yaml_guard.h"
#include "migraph/yaml_read.h"

#define PROFILE_MAX_BYTES (4u * 1024 * 1024)
/* A real profile nests five or six levels.  libyaml's scanner costs the
 * current depth per token, so a hostile file of a million '[' would keep
 * yaml_parser_load busy for hours: the events are read first, and a file
 * nested deeper than this is refused before the document is built. */
#define PROFILE_MAX_DEPTH 1000

typedef struct reader {
	mg_yaml_reader y;
	mg_arena *arena;
	mg_profile *profile;
} reader;

static mg_loc node_loc(reader *r, yaml_node_t *n)
{
	return mg_yaml_loc(&r->y, n);
}

static void invalid(reader *r, yaml_node_t *n, const char *key, const char *why)
{
	mg_yaml_invalid(&r->y, n, key, why);
}

static const char *scalar(reader *r, yaml_node_t *n, const char *key)
{
	return mg_yaml_scalar(&r->y, r->arena, n, key);
}

static bool is_null(yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE)
		return false;
	const char *v = (const char *)n->data.scalar.value;
	return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!strcmp(v, "null") || !strcmp(v, "~") || !strcmp(v, "") || !strcmp(v, "Null") ||
	        !strcmp(v, "NULL"));
}

static void read_number(reader *r, yaml_node_t *n, const char *key, mg_opt_f64 *out)
{
	if (is_null(n)) {
		out->known = false;
		return;
	}
	const char *s = scalar(r, n, key);
	if (!s)
		return;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno || v < 0) {
		invalid(r, n, key, "expected a non-negative number");
		return;
	}
	out->known = true;
	out->value = v;
}

/* A size or a count with units; parse is mg_parse_bytes or mg_parse_count. */
static void read_units(reader *r, yaml_node_t *n, const char *key, mg_opt_u64 *out,
                       int (*parse)(const char *, uint64_t *), const char *expected)
{
	if (is_null(n)) {
		out->known = false;
		return;
	}
	const char *s = scalar(r, n, key);
	uint64_t v;
	if (!s)
		return;
	if (parse(s, &v) != 0) {
		invalid(r, n, key, expected);
		return;
	}
	out->known = true;
	out->value = v;
}

static void read_bytes(reader *r, yaml_node_t *n, const char *key, mg_opt_u64 *out)
{
	read_units(r, n, key, out, mg_parse_bytes,
	           "expected a size such as 80GB or 12GiB (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)");
}

static void read_rows(reader *r, yaml_node_t *n, const char *key, mg_opt_u64 *out)
{
	read_units(r, n, key, out, mg_parse_count, "expected a row count such as 120M (K, M, B)");
}

static void read_bool(reader *r, yaml_node_t *n, const char *key, bool *out)
{
	const char *s = scalar(r, n, key);
	if (s && !mg_str_parse_bool(s, out))
		invalid(r, n, key, "expected true or false");
}

static void each_pair(reader *r, yaml_node_t *map, const char *path, mg_yaml_pair_fn fn,
                      void *ctx)
{
	mg_yaml_each_pair(&r->y, r, map, path, fn, ctx);
}

static bool table_pair(void *self, const char *path, const char *key, yaml_node_t *k,
                       yaml_node_t *v, void *ctx)
{
	reader *r = self;
	(void)k;
	mg_profile_table *t = ctx;
	char *full = mg_arena_printf(r->arena, "%s.%s", path, key);
	if (!strcmp(key, "rows"))
		read_rows(r, v, full, &t->rows);
	else if (!strcmp(key, "bytes") || !strcmp(key, "size"))
		read_bytes(r, v, full, &t->bytes);
	else if (!strcmp(key, "read_qps"))
		read_number(r, v, full, &t->read_qps);
	else if (!strcmp(key, "write_qps"))
		read_number(r, v, full, &t->write_qps);
	else if (!strcmp(key, "hot"))
		read_bool(r, v, full, &t->hot);
	else
		return false;
	return true;
}

static bool tables_pair(void *self, const char *path, const char *key, yaml_node_t *k,
                        yaml_node_t *v, void *ctx)
{
	reader *r = self;
	(void)k;
	(void)ctx;
	mg_profile *p = r->profile;
	p->tables = mg_arena_grow(r->arena, p->tables, sizeof *p->tables, p->n_tables,
	                          p->n_tables + 1);
	mg_profile_table *t = &p->tables[p->n_tables++];
	const char *dot = strrchr(key, '.');
	/* A bare table name is in the default schema; names fold like
	 * unquoted identifiers. */
	t->schema = dot ? mg_str_lower(r->arena, mg_arena_strndup(r->arena, key, (size_t)(dot - key)))
	                : mg_engine_default_schema(p->engine.kind);
	t->name = mg_str_lower(r->arena, dot ? dot + 1 : key);
	t->loc = node_loc(r, v);
	each_pair(r, v, mg_arena_printf(r->arena, "%s.%s", path, key), table_pair, t);
	return true;
}

static bool slo_pair(void *self, const char *path, const char *key, yaml_node_t *k,
                     yaml_node_t *v, void *ctx)
{
	reader *r = self;
	(void)k;
	(void)ctx;
	char *full = mg_arena_printf(r->arena, "%s.%s", path, key);
	if (!strcmp(key, "max_lock_ms"))
		read_number(r, v, full, &r->profile->max_lock_ms);
	else if (!strcmp(key, "max_replication_lag_s"))
		read_number(r, v, full, &r->profile->max_replication_lag_s);
	else
		return false;
	return true;
}

static bool throughput_pair(void *self, const char *path, const char *key, yaml_node_t *k,
                            yaml_node_t *v, void *ctx)
{
	reader *r = self;
	(void)k;
	(void)ctx;
	char *full = mg_arena_printf(r->arena, "%s.%s", path, key);
	mg_opt_f64 mb = {0};
	double *target;
	if (!strcmp(key, "scan_mb_s"))
		target = &r->profile->scan_bytes_s;
	else if (!strcmp(key, "rewrite_mb_s"))
		target = &r->profile->rewrite_bytes_s;
	else if (!strcmp(key, "index_build_mb_s"))
		target = &r->profile->index_build_bytes_s;
	else
		return false;
	read_number(r, v, full, &mb);
	if (mb.known && mb.value > 0)
		*target = mb.value * 1e6;
	else if (mb.known)
		invalid(r, v, full, "a throughput must be greater than zero");
	return true;
}

static int parse_hhmm(const char *s)
{
	int h, m;
	char extra;
	if (!s || sscanf(s, "%d:%d%c", &h, &m, &extra) != 2 || h < 0 || h > 24 || m < 0 || m > 59)
		return -1;
	return h * 60 + m;
}

static int day_bit(const char *d)
{
	static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	for (int i = 0; i < 7; i++)
		if (!strncasecmp(d, days[i], 3))
			return 1 << i;
	return 0;
}

static bool window_pair(void *self, const char *path, const char *key, yaml_node_t *k,
                        yaml_node_t *v, void *ctx)
{
	reader *r = self;
	(void)k;
	mg_window *w = ctx;
	char *full = mg_arena_printf(r->arena, "%s.%s", path, key);
	if (!strcmp(key, "days")) {
		if (v->type != YAML_SEQUENCE_NODE) {
			invalid(r, v, full, "expected a list of days such as [sat, sun]");
			return true;
		}
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			yaml_node_t *d = yaml_document_get_node(r->y.doc, *it);
			const char *s = scalar(r, d, full);
			int bit = s ? day_bit(s) : 0;
			if (!bit && s)
				invalid(r, d, full, "days are mon, tue, wed, thu, fri, sat, sun");
			w->days |= (unsigned)bit;
		}
	} else if (!strcmp(key, "start") || !strcmp(key, "end")) {
		int m = parse_hhmm(scalar(r, v, full));
		if (m < 0)
			invalid(r, v, full, "expected a time as HH:MM");
		else if (!strcmp(key, "start"))
			w->start_min = m;
		else
			w->end_min = m;
	} else if (!strcmp(key, "tz")) {
		w->tz = scalar(r, v, full);
	} else {
		return false;
	}
	return true;
}

static void read_windows(reader *r, yaml_node_t *v)
{
	if (v->type != YAML_SEQUENCE_NODE) {
		invalid(r, v, "windows", "expected a list of windows");
		return;
	}
	mg_profile *p = r->profile;
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		p->windows = mg_arena_grow(r->arena, p->windows, sizeof *p->windows, p->n_windows,
		                           p->n_windows + 1);
		mg_window *w = &p->windows[p->n_windows++];
		w->tz = "UTC";
		each_pair(r, yaml_document_get_node(r->y.doc, *it), "windows", window_pair, w);
	}
}

static void read_engine(reader *r, yaml_node_t *v)
{
	const char *s = scalar(r, v, "engine");
	if (!s)
		return;
	mg_engine_target t;
	if (mg_engine_parse(s, &t) != 0) {
		invalid(r, v, "engine", "expected postgresql, mysql or mariadb (optionally :VERSION)");
		return;
	}
	int major = r->profile->has_engine ? r->profile->engine.major : 0;
	r->profile->engine.kind = t.kind;
	if (strchr(s, ':') || !major) {
		r->profile->engine.major = t.major;
		r->profile->engine.minor = t.minor;
	}
	r->profile->has_engine = true;
}

static void read_version(reader *r, yaml_node_t *v)
{
	const char *s = scalar(r, v, "version");
	if (!s)
		return;
	char *end;
	long major = strtol(s, &end, 10);
	long minor = 0;
	if (*end == '.')
		minor = strtol(end + 1, &end, 10);
	if (end == s || *end || major <= 0) {
		invalid(r, v, "version", "expected a major version such as 15 or 8.0");
		return;
	}
	if (!r->profile->has_engine) {
		r->profile->engine.kind = MG_ENGINE_POSTGRESQL;
		r->profile->has_engine = true;
	}
	if (r->profile->engine.kind == MG_ENGINE_POSTGRESQL && (major < 10 || major > 18)) {
		invalid(r, v, "version", "migraph models PostgreSQL 10 to 18");
		return;
	}
	r->profile->engine.major = (int)major;
	r->profile->engine.minor = (int)minor;
}

static bool top_pair(void *self, const char *path, const char *key, yaml_node_t *k,
                     yaml_node_t *v, void *ctx)
{
	reader *r = self;
	(void)k;
	(void)path;
	(void)ctx;
	mg_profile *p = r->profile;
	if (!strcmp(key, "engine")) {
		read_engine(r, v);
	} else if (!strcmp(key, "version")) {
		read_version(r, v);
	} else if (!strcmp(key, "timezone")) {
		p->timezone = scalar(r, v, "timezone");
	} else if (!strcmp(key, "slo")) {
		each_pair(r, v, "slo", slo_pair, NULL);
	} else if (!strcmp(key, "deploy")) {
		const char *s = scalar(r, v, "deploy");
		if (s && mg_deploy_parse(s, &p->deploy) != 0)
			invalid(r, v, "deploy", "expected single, rolling, blue-green or canary");
		else if (s)
			p->has_deploy = true;
	} else if (!strcmp(key, "windows")) {
		read_windows(r, v);
	} else if (!strcmp(key, "longest_transaction_ms")) {
		read_number(r, v, "longest_transaction_ms", &p->longest_transaction_ms);
	} else if (!strcmp(key, "replica_apply_mb_s")) {
		read_number(r, v, "replica_apply_mb_s", &p->replica_apply_mb_s);
	} else if (!strcmp(key, "throughput")) {
		each_pair(r, v, "throughput", throughput_pair, NULL);
	} else if (!strcmp(key, "default_table")) {
		each_pair(r, v, "default_table", table_pair, &p->default_table);
	} else if (!strcmp(key, "tables")) {
		each_pair(r, v, "tables", tables_pair, NULL);
	} else {
		return false;
	}
	return true;
}

mg_profile *mg_profile_load(mg_arena *arena, const char *path, size_t max_file,
                            mg_diag_list *diags)
{
	mg_loc at = {path, 0, 0};
	mg_file_data data;
	bool by_option = max_file && max_file < PROFILE_MAX_BYTES;
	int rc = mg_file_read(path, by_option ? max_file : PROFILE_MAX_BYTES, &data);
	if (rc == -2 && by_option) {
		mg_diag_file_size(diags, at, path, max_file);
		return NULL;
	}
	if (rc != 0) {
		mg_diag_add(diags, MG_SEV_HIGH, "profile-unreadable", at,
		            rc == -2 ? "traffic profile larger than 4 MiB" : "cannot read the traffic "
		                                                             "profile: %s",
		            strerror(errno));
		return NULL;
	}
	uint32_t deep = mg_yaml_too_deep(data.data, data.len, PROFILE_MAX_DEPTH);
	if (deep) {
		mg_diag_add(diags, MG_SEV_HIGH, "limit-nesting", (mg_loc){path, deep, 1},
		            "traffic profile nested deeper than %d levels; not read",
		            PROFILE_MAX_DEPTH);
		mg_file_data_free(&data);
		return NULL;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data.data, data.len);
	mg_profile *profile = NULL;
	if (!yaml_parser_load(&parser, &doc)) {
		mg_loc loc = {path, (uint32_t)parser.problem_mark.line + 1,
		              (uint32_t)parser.problem_mark.column + 1};
		mg_diag_add(diags, MG_SEV_HIGH, "profile-invalid", loc, "not valid YAML: %s",
		            parser.problem ? parser.problem : "parse error");
		yaml_parser_delete(&parser);
		mg_file_data_free(&data);
		return NULL;
	}
	profile = mg_arena_alloc(arena, sizeof *profile);
	profile->file = mg_arena_strdup(arena, path);
	profile->timezone = "UTC";
	profile->scan_bytes_s = MG_PROFILE_DEFAULT_SCAN_MB_S * 1e6;
	profile->rewrite_bytes_s = MG_PROFILE_DEFAULT_REWRITE_MB_S * 1e6;
	profile->index_build_bytes_s = MG_PROFILE_DEFAULT_INDEX_BUILD_MB_S * 1e6;
	profile->default_table.name = "(default)";
	reader r = {{&doc, diags, profile->file, "profile-invalid", "profile-unknown-key",
	             MG_SEV_MEDIUM, " (ignored)",
	             "see formats/profile.md for the profile's keys and units", 0},
	            arena, profile};
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root)
		mg_diag_add(diags, MG_SEV_HIGH, "profile-invalid", at, "the traffic profile is empty");
	else
		each_pair(&r, root, "", top_pair, NULL);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	mg_file_data_free(&data);
	return profile;
}

const mg_profile_table *mg_profile_find(const mg_profile *profile, const char *schema,
                                        const char *name)
{
	if (!profile || !name)
		return NULL;
	for (size_t i = 0; i < profile->n_tables; i++) {
		const mg_profile_table *t = &profile->tables[i];
		if (mg_str_eq(t->name, name) &&
		    mg_str_eq(t->schema, schema ? schema : mg_engine_default_schema(profile->engine.kind)))
			return t;
	}
	return NULL;
}

const char *mg_deploy_name(mg_deploy d)
{
	switch (d) {
	case MG_DEPLOY_ROLLING: return "rolling";
	case MG_DEPLOY_SINGLE: return "single";
	case MG_DEPLOY_BLUE_GREEN: return "blue-green";
	case MG_DEPLOY_CANARY: return "canary";
	}
	return "unknown";
}

int mg_deploy_parse(const char *text, mg_deploy *out)
{
	static const mg_deploy all[] = {MG_DEPLOY_ROLLING, MG_DEPLOY_SINGLE, MG_DEPLOY_BLUE_GREEN,
	                                MG_DEPLOY_CANARY};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (mg_str_ieq(text, mg_deploy_name(all[i]))) {
			*out = all[i];
			return 0;
		}
	}
	return -1;
}
