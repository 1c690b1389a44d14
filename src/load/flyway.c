/*
 * flyway.c: the Flyway loader's entry point.
 *
 * Every Flyway path of one call forms one pool, as Flyway merges its
 * locations: configuration first (config files in command-line order,
 * then the chosen environment's overrides, then -D, so the command line
 * wins), then the files under every location, then ordering as
 * ResolvedMigrationComparator orders them, then the checks Flyway makes on
 * the whole pool (duplicate versions and repeatable descriptions) and the
 * target setting.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "load/flyway_internal.h"

/* ---- Configuration ---------------------------------------------------- */

/* An environment override kept until the environment is known. */
typedef struct env_kv {
	const char *env;
	const char *key;
	fw_kv kv;
	const char *conf_dir;
} env_kv;

typedef struct env_list {
	env_kv *items;
	size_t count, cap;
} env_list;

static void env_push(mg_arena *a, env_list *l, env_kv e)
{
	if (l->count == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		l->items = mg_arena_grow(a, l->items, sizeof *l->items, l->count, ncap);
		l->cap = ncap;
	}
	l->items[l->count++] = e;
}

static void read_config(fw_ctx *ctx, const char *path, bool toml, env_list *envs)
{
	mg_project *project = ctx->project;
	mg_arena *a = &project->arena;
	mg_file_data fd;
	mg_loc at = {path, 0, 0};
	if (mg_load_read(project, path, ctx->opts, at, &fd, NULL) != 0)
		return;
	fw_kv_list kvs = {0};
	if (toml)
		fw_toml_parse(project, path, fd.data, fd.len, &kvs);
	else
		fw_properties_parse(project, path, fd.data, fd.len, &kvs);
	mg_file_data_free(&fd);
	const char *dir = mg_path_dirname(a, path);
	for (size_t i = 0; i < kvs.count; i++) {
		const fw_kv *kv = &kvs.items[i];
		if (mg_str_starts_with(kv->key, "flyway.")) {
			fw_config_set(project, &ctx->cfg, kv->key + 7, kv->value, kv->loc, dir);
			continue;
		}
		if (!toml || !mg_str_starts_with(kv->key, "environments."))
			continue;
		/* environments.<name>.flyway.<setting> and environments.<name>.schemas */
		const char *name = kv->key + strlen("environments.");
		const char *dot = strchr(name, '.');
		if (!dot)
			continue;
		const char *env = mg_arena_strndup(a, name, (size_t)(dot - name));
		const char *rest = dot + 1;
		if (mg_str_starts_with(rest, "flyway."))
			env_push(a, envs, (env_kv){env, rest + 7, *kv, dir});
		else if (mg_str_eq(rest, "schemas"))
			env_push(a, envs, (env_kv){env, "schemas", *kv, dir});
	}
}

static void configure(fw_ctx *ctx, const char *const *paths, const mg_input_kind *kinds,
                      size_t n_paths)
{
	mg_project *project = ctx->project;
	const mg_load_options *opts = ctx->opts;
	env_list envs = {0};
	for (size_t i = 0; i < n_paths; i++)
		if (kinds[i] == MG_INPUT_FLYWAY_CONF || kinds[i] == MG_INPUT_FLYWAY_TOML)
			read_config(ctx, paths[i], kinds[i] == MG_INPUT_FLYWAY_TOML, &envs);

	/* -D flyway.environment chooses the environment before its overrides
	 * are applied. */
	for (size_t i = 0; i < opts->n_properties; i++)
		if (mg_str_eq(opts->properties[i].name, "flyway.environment"))
			ctx->cfg.environment = opts->properties[i].value;
	for (size_t i = 0; i < envs.count; i++)
		if (mg_str_eq(envs.items[i].env, ctx->cfg.environment))
			fw_config_set(project, &ctx->cfg, envs.items[i].key, envs.items[i].kv.value,
			              envs.items[i].kv.loc, envs.items[i].conf_dir);

	for (size_t i = 0; i < opts->n_properties; i++) {
		const mg_property *p = &opts->properties[i];
		mg_loc nowhere = {0};
		if (mg_str_starts_with(p->name, "flyway."))
			fw_config_set(project, &ctx->cfg, p->name + 7, p->value, nowhere, NULL);
		else
			fw_config_set(project, &ctx->cfg,
			              mg_arena_printf(&project->arena, "placeholders.%s", p->name),
			              p->value, nowhere, NULL);
	}
}

/* ---- Ordering --------------------------------------------------------- */

/* Next UTF-16 code unit of a UTF-8 string; *pending holds a low surrogate
 * still to come.  Returns -1 at the end. */
static long next_unit(const unsigned char **s, long *pending)
{
	if (*pending >= 0) {
		long u = *pending;
		*pending = -1;
		return u;
	}
	const unsigned char *p = *s;
	if (!*p)
		return -1;
	unsigned long cp;
	int n;
	if (p[0] < 0x80) {
		cp = p[0];
		n = 1;
	} else if ((p[0] >> 5) == 6 && p[1]) {
		cp = (unsigned long)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
		n = 2;
	} else if ((p[0] >> 4) == 14 && p[1] && p[2]) {
		cp = (unsigned long)(p[0] & 0x0F) << 12 | (unsigned long)(p[1] & 0x3F) << 6 |
		     (p[2] & 0x3F);
		n = 3;
	} else if ((p[0] >> 3) == 30 && p[1] && p[2] && p[3]) {
		cp = (unsigned long)(p[0] & 0x07) << 18 | (unsigned long)(p[1] & 0x3F) << 12 |
		     (unsigned long)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
		n = 4;
	} else {
		cp = p[0]; /* not UTF-8: compare the byte */
		n = 1;
	}
	*s = p + n;
	if (cp >= 0x10000) {
		cp -= 0x10000;
		*pending = (long)(0xDC00 + (cp & 0x3FF));
		return (long)(0xD800 + (cp >> 10));
	}
	return (long)cp;
}

int fw_compare_utf16(const char *a, const char *b)
{
	/* Java's String.compareTo compares UTF-16 code units.  For UTF-8 that
	 * equals strcmp except when a character above U+FFFF (a surrogate
	 * pair, 0xD800..) meets one in U+E000..U+FFFF: UTF-8 orders the first
	 * higher, UTF-16 lower.  Decoding to code units settles it. */
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
	long pp = -1, pq = -1;
	for (;;) {
		long x = next_unit(&p, &pp), y = next_unit(&q, &pq);
		if (x != y)
			return x < y ? -1 : 1;
		if (x < 0)
			return 0;
	}
}

typedef struct sort_item {
	mg_changeset *cs;
	size_t seq;   /* discovery order: the tie-breaker, so sorting is stable */
} sort_item;

/* 0: versioned (V, U, B, Java, script with a version); 1: a file named on
 * the command line whose name has no version; 2: repeatables. */
static int group(const mg_changeset *cs)
{
	if (cs->version.n_parts)
		return 0;
	return cs->kind == MG_CS_FLYWAY_VERSIONED ? 1 : 2;
}

/* For equal versions: a baseline first (it stands for everything up to
 * its version), then the migration, then its undo (Flyway sorts undo
 * after the versioned one of the same version). */
static int same_version_rank(const mg_changeset *cs)
{
	if (cs->kind == MG_CS_FLYWAY_BASELINE)
		return 0;
	if (cs->kind == MG_CS_FLYWAY_UNDO)
		return 2;
	return 1;
}

static int cmp_items(const void *pa, const void *pb)
{
	const sort_item *a = pa, *b = pb;
	int ga = group(a->cs), gb = group(b->cs);
	if (ga != gb)
		return ga < gb ? -1 : 1;
	int c = 0;
	if (ga == 0) {
		c = mg_version_compare(&a->cs->version, &b->cs->version);
		if (!c)
			c = same_version_rank(a->cs) - same_version_rank(b->cs);
	} else if (ga == 2) {
		c = fw_compare_utf16(a->cs->description, b->cs->description);
	}
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void order_and_check(fw_ctx *ctx, size_t first)
{
	mg_project *project = ctx->project;
	size_t n = project->n_changesets - first;
	if (!n)
		return;
	sort_item *items = mg_xmalloc(n * sizeof *items);
	for (size_t i = 0; i < n; i++)
		items[i] = (sort_item){project->changesets[first + i], i};
	qsort(items, n, sizeof *items, cmp_items);
	for (size_t i = 0; i < n; i++)
		project->changesets[first + i] = items[i].cs;
	free(items);

	/* Duplicates: same version and same rank (a B and a V of one version
	 * are fine, a V and a Java V are not); same repeatable description. */
	size_t run = first;
	for (size_t i = first + 1; i < project->n_changesets; i++) {
		mg_changeset *prev = project->changesets[i - 1], *cs = project->changesets[i];
		int g = group(cs);
		bool same = false;
		if (g == 0 && group(prev) == 0)
			same = mg_version_compare(&prev->version, &cs->version) == 0 &&
			       same_version_rank(prev) == same_version_rank(cs);
		else if (g == 2 && group(prev) == 2)
			same = strcmp(prev->description, cs->description) == 0;
		if (!same) {
			run = i;
			continue;
		}
		const mg_changeset *orig = project->changesets[run];
		if (g == 0)
			mg_diag_add(&project->diags, MG_SEV_HIGH, "flyway-duplicate-version", cs->loc,
			            "version %s is used by %s and by %s: Flyway refuses to migrate "
			            "(\"Found more than one migration with version %s\")",
			            cs->version.text, orig->loc.file, cs->loc.file, cs->version.text);
		else
			mg_diag_add(&project->diags, MG_SEV_HIGH, "flyway-duplicate-description",
			            cs->loc,
			            "repeatable description '%s' is used by %s and by %s: Flyway "
			            "refuses to migrate",
			            cs->description, orig->loc.file, cs->loc.file);
	}
}

static void apply_target(fw_ctx *ctx, size_t first)
{
	mg_project *project = ctx->project;
	const char *t = ctx->cfg.target;
	if (!t || !*t)
		return;
	mg_arena *a = &project->arena;
	size_t n = strlen(t);
	char *text = mg_arena_strndup(a, t, n && t[n - 1] == '?' ? n - 1 : n);
	/* latest, next and current depend on the database; only a version
	 * bounds the files. */
	if (mg_str_ieq(text, "latest") || mg_str_ieq(text, "next") || mg_str_ieq(text, "current"))
		return;
	mg_version target;
	if (mg_version_parse(a, text, &target) != 0) {
		mg_loc nowhere = {0};
		mg_diag_add(&project->diags, MG_SEV_MEDIUM, "flyway-config-value", nowhere,
		            "target '%s' is not a version, latest, next or current", t);
		return;
	}
	for (size_t i = first; i < project->n_changesets; i++) {
		mg_changeset *cs = project->changesets[i];
		if (cs->version.n_parts && mg_version_compare(&cs->version, &target) > 0)
			cs->flags |= MG_CSF_IGNORED;
	}
}

static const char *make_timestamp(mg_arena *a)
{
	/* ${flyway:timestamp} is the migration's start time.  SOURCE_DATE_EPOCH
	 * pins it so that repeated runs (and tests) give the same output. */
	time_t now = time(NULL);
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);
		if (!*end)
			now = (time_t)v;
	}
	struct tm tm;
	char buf[32];
	if (!gmtime_r(&now, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm))
		return "1970-01-01 00:00:00";
	return mg_arena_strdup(a, buf);
}

int mg_flyway_load(mg_project *project, const char *const *paths,
                   const mg_input_kind *kinds, size_t n_paths,
                   const mg_load_options *opts)
{
	mg_arena *a = &project->arena;
	fw_ctx *ctx = mg_arena_alloc(a, sizeof *ctx);
	ctx->project = project;
	ctx->opts = opts;
	fw_config_init(&ctx->cfg, a);
	mg_map_init(&ctx->seen, a);
	mg_map_init(&ctx->callbacks, a);
	char cwd[4096];
	ctx->cwd = getcwd(cwd, sizeof cwd) ? mg_arena_strdup(a, cwd) : ".";
	ctx->timestamp = make_timestamp(a);
	size_t first = project->n_changesets;

	configure(ctx, paths, kinds, n_paths);

	bool explicit_inputs = false;
	for (size_t i = 0; i < n_paths && !ctx->limit_hit; i++) {
		if (kinds[i] == MG_INPUT_FLYWAY_DIR) {
			fw_location loc = {paths[i], NULL, {paths[i], 0, 0}};
			fw_collect_location(ctx, &loc, true);
			explicit_inputs = true;
		} else if (kinds[i] == MG_INPUT_SQL_FILE) {
			fw_collect_file(ctx, paths[i]);
			explicit_inputs = true;
		}
	}
	if (ctx->cfg.locations_set) {
		for (size_t i = 0; i < ctx->cfg.n_locations && !ctx->limit_hit; i++)
			fw_collect_location(ctx, &ctx->cfg.locations[i], false);
	} else if (!explicit_inputs) {
		/* A config file without locations: Flyway's default. */
		fw_location def = {"classpath:db/migration", NULL, {0}};
		for (size_t i = 0; i < n_paths; i++)
			if (kinds[i] == MG_INPUT_FLYWAY_CONF || kinds[i] == MG_INPUT_FLYWAY_TOML) {
				def.conf_dir = mg_path_dirname(a, paths[i]);
				def.loc = (mg_loc){paths[i], 0, 0};
				break;
			}
		fw_collect_location(ctx, &def, false);
	}

	for (size_t i = 0; i < ctx->n_files; i++)
		fw_load_file(ctx, &ctx->files[i]);

	order_and_check(ctx, first);
	apply_target(ctx, first);
	mg_project_renumber(project);

	project->flyway.out_of_order = ctx->cfg.out_of_order;
	project->flyway.target = ctx->cfg.target;
	project->flyway.baseline_version = ctx->cfg.baseline_version;
	project->flyway.default_schema = ctx->cfg.default_schema ? ctx->cfg.default_schema
	                                                         : ctx->cfg.first_schema;
	return 0;
}
