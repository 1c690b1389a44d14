/*
 * flyway_walk.c: from configured locations to the files in the pool.
 *
 * filesystem: paths resolve against the working directory (Flyway's
 * rule); when that does not exist and the location came from a config
 * file, migraph also tries the config file's directory, because people
 * run Flyway from the directory that holds flyway.conf.  classpath: (and
 * prefix-less) locations resolve under each classpath root: the
 * --classpath-root options, or src/main/resources and src/main/java of
 * each search path.  Directories are walked recursively in sorted order
 * (so output never depends on readdir order), hidden entries skipped as
 * Java's File.isHidden does, and a directory met again on the same walk
 * (a symlink loop) is reported instead of followed.  A location, or a
 * symbolic link met on the walk, that resolves outside the project is
 * refused before it is followed (mg_load_inside): a link to / never makes
 * migraph walk the file system.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "load/flyway_internal.h"

#define WALK_MAX_DEPTH 200

typedef struct dir_id {
	dev_t dev;
	ino_t ino;
} dir_id;

typedef struct walk {
	fw_ctx *ctx;
	const char *pattern;    /* wildcard part of the location, or NULL */
	mg_loc at;              /* where the location was named */
	dir_id stack[WALK_MAX_DEPTH];
	size_t depth;
} walk;

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Ant-style matching of a directory path: "**" (and a '/' after it) is any
 * run of characters, "*" any run of characters but '/', "?" one character
 * but '/'.  A table over (pattern position, path position), filled from
 * the end one pattern token at a time: time |pattern| x |path| whatever
 * the stars (trying each split recursively took 30 s for 8 stars against a
 * 60-character name, exponential in their number). */
bool fw_glob(const char *p, const char *s)
{
	enum { LITERAL, ANY, STAR, DSTAR };
	size_t n = strlen(s), pl = strlen(p), nt = 0;
	/* Tokens left to right, as Ant reads them: "**" swallows one '/'. */
	unsigned char *kind = mg_xmalloc(pl + 1), *lit = mg_xmalloc(pl + 1);
	for (size_t i = 0; i < pl;) {
		lit[nt] = (unsigned char)p[i];
		if (p[i] == '*' && p[i + 1] == '*') {
			kind[nt++] = DSTAR;
			i += p[i + 2] == '/' ? 3 : 2;
		} else {
			kind[nt++] = p[i] == '*' ? STAR : p[i] == '?' ? ANY : LITERAL;
			i++;
		}
	}
	/* next[i]: whether the tokens after the current one match s + i. */
	bool *next = mg_xmalloc((n + 1) * sizeof *next), *cur = mg_xmalloc((n + 1) * sizeof *cur);
	for (size_t i = 0; i <= n; i++)
		next[i] = i == n;
	for (size_t k = nt; k-- > 0;) {
		if (kind[k] == DSTAR) {
			bool any = false;
			for (size_t i = n + 1; i-- > 0;)
				cur[i] = any = any || next[i];
		} else if (kind[k] == STAR) {
			for (size_t i = n + 1; i-- > 0;)
				cur[i] = next[i] || (i < n && s[i] != '/' && cur[i + 1]);
		} else {
			for (size_t i = 0; i <= n; i++)
				cur[i] = i < n && (kind[k] == ANY ? s[i] != '/' : s[i] == (char)lit[k]) &&
				         next[i + 1];
		}
		bool *tmp = next;
		next = cur;
		cur = tmp;
	}
	bool r = next[0];
	free(next);
	free(cur);
	free(kind);
	free(lit);
	return r;
}

static void add_file(fw_ctx *ctx, const char *path, const char *display, const char *script,
                     const struct stat *st, bool explicit_file)
{
	mg_arena *a = &ctx->project->arena;
	/* The same file reached twice (a location given twice, or nested in
	 * another) is one resource: Flyway drops duplicate and nested
	 * locations before scanning. */
	char key[64];
	snprintf(key, sizeof key, "%llu:%llu", (unsigned long long)st->st_dev,
	         (unsigned long long)st->st_ino);
	if (mg_map_get(&ctx->seen, key))
		return;
	mg_map_put(&ctx->seen, key, (void *)1);
	if (ctx->n_files == ctx->files_cap) {
		size_t ncap = ctx->files_cap ? ctx->files_cap * 2 : 64;
		ctx->files = mg_arena_grow(a, ctx->files, sizeof *ctx->files, ctx->n_files, ncap);
		ctx->files_cap = ncap;
	}
	ctx->files[ctx->n_files++] = (fw_file){mg_arena_strdup(a, path),
	                                       mg_arena_strdup(a, display),
	                                       mg_arena_strdup(a, script), explicit_file};
}

static bool count_file(fw_ctx *ctx, const char *display)
{
	if (ctx->limit_hit)
		return false;
	if (++ctx->n_seen > ctx->opts->limits.max_files) {
		ctx->limit_hit = true;
		mg_loc at = {display, 0, 0};
		mg_diag_add(&ctx->project->diags, MG_SEV_HIGH, "limit-files", at,
		            "more than %zu files under the Flyway locations; the rest are not "
		            "read (raise --max-files)",
		            ctx->opts->limits.max_files);
		return false;
	}
	return true;
}

/* Walks dir (opened as path, shown as display); rel is the path relative
 * to the location root ("" at the top). */
static void walk_dir(walk *w, const char *path, const char *display, const char *rel)
{
	fw_ctx *ctx = w->ctx;
	mg_arena *a = &ctx->project->arena;
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno == ENAMETOOLONG)
			mg_diag_path_too_long(&ctx->project->diags, w->at, path);
		return;
	}
	for (size_t i = 0; i < w->depth; i++) {
		if (w->stack[i].dev == st.st_dev && w->stack[i].ino == st.st_ino) {
			mg_loc at = {display, 0, 0};
			mg_diag_add(&ctx->project->diags, MG_SEV_MEDIUM, "flyway-symlink-loop", at,
			            "directory loop (through a symbolic link): %s is already being "
			            "walked; not followed again",
			            display);
			return;
		}
	}
	if (w->depth >= WALK_MAX_DEPTH) {
		mg_loc at = {display, 0, 0};
		mg_diag_add(&ctx->project->diags, MG_SEV_MEDIUM, "limit-nesting", at,
		            "directories nested more than %d deep under a Flyway location; not "
		            "walked further",
		            WALK_MAX_DEPTH);
		return;
	}
	DIR *dir = opendir(path);
	if (!dir) {
		mg_loc at = {display, 0, 0};
		mg_diag_add(&ctx->project->diags, MG_SEV_MEDIUM, "input-unreadable", at,
		            "cannot read the directory");
		return;
	}
	w->stack[w->depth++] = (dir_id){st.st_dev, st.st_ino};
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue; /* hidden, and "." and ".." */
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = mg_xrealloc(names, cap * sizeof *names);
		}
		names[n++] = mg_arena_strdup(a, e->d_name);
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n && !ctx->limit_hit; i++) {
		const char *cpath = mg_path_join(a, path, names[i]);
		const char *cdisplay = mg_path_join(a, display, names[i]);
		const char *crel = *rel ? mg_arena_printf(a, "%s/%s", rel, names[i]) : names[i];
		struct stat cst;
		if (lstat(cpath, &cst) != 0) {
			/* Deeper than PATH_MAX: there, but the system cannot open it. */
			if (errno == ENAMETOOLONG)
				mg_diag_path_too_long(&ctx->project->diags, w->at, cpath);
			continue;
		}
		if (S_ISLNK(cst.st_mode)) {
			/* Entries of a directory inside the project are inside; a link
			 * is judged by where it leads, before it is followed. */
			if (!mg_load_inside(ctx->project, ctx->opts, cpath, (mg_loc){cdisplay, 0, 0}, NULL)) {
				/* Outside or a loop: said, and counted, so that a million
				 * links end at --max-files too.  Dangling: nothing to read. */
				if (!count_file(ctx, cdisplay))
					break;
				continue;
			}
			if (stat(cpath, &cst) != 0)
				continue;
		}
		if (S_ISDIR(cst.st_mode)) {
			walk_dir(w, cpath, cdisplay, crel);
		} else if (S_ISREG(cst.st_mode)) {
			if (!count_file(ctx, cdisplay))
				break;
			if (w->pattern) {
				/* Wildcard locations: the file belongs to the first leading
				 * part of its directory that matches; the script is
				 * relative to that directory. */
				const char *slash = strrchr(crel, '/');
				char *dirpart = mg_arena_strndup(a, crel, slash ? (size_t)(slash - crel) : 0);
				const char *script = NULL;
				size_t dl = strlen(dirpart);
				for (size_t k = 0; k <= dl && !script; k++) {
					if (k < dl && dirpart[k] != '/')
						continue;
					char saved = dirpart[k];
					dirpart[k] = '\0';
					if (fw_glob(w->pattern, dirpart))
						script = crel + k + (k < dl || slash ? 1 : 0);
					dirpart[k] = saved;
				}
				if (script)
					add_file(ctx, cpath, cdisplay, script, &cst, false);
			} else {
				add_file(ctx, cpath, cdisplay, crel, &cst, false);
			}
		}
	}
	free(names);
	w->depth--;
}

static void walk_root(fw_ctx *ctx, const char *dir, const char *pattern, mg_loc at)
{
	if (!mg_load_inside(ctx->project, ctx->opts, dir, at, NULL))
		return;
	walk *w = mg_xcalloc(1, sizeof *w);
	w->ctx = ctx;
	w->pattern = pattern;
	w->at = at;
	walk_dir(w, dir, dir, "");
	free(w);
}

/* Splits a wildcard location (db, then a double star, then migration) into the directory before the first wildcard and the
 * pattern after it; returns false when there is no wildcard. */
static bool split_wildcard(mg_arena *a, const char *path, const char **base,
                           const char **pattern)
{
	const char *w = strpbrk(path, "*?");
	if (!w)
		return false;
	const char *slash = w;
	while (slash > path && slash[-1] != '/')
		slash--;
	*base = slash > path ? mg_arena_strndup(a, path, (size_t)(slash - path - 1)) : ".";
	*pattern = slash;
	return true;
}

static bool try_dir(fw_ctx *ctx, const char *dir, mg_loc at)
{
	mg_arena *a = &ctx->project->arena;
	const char *base, *pattern;
	/* A directory that exists as written wins over a wildcard reading of
	 * its name. */
	if (mg_path_is_dir(dir)) {
		walk_root(ctx, dir, NULL, at);
		return true;
	}
	if (mg_path_too_long(dir))
		ctx->too_long = dir;
	if (split_wildcard(a, dir, &base, &pattern)) {
		if (!mg_path_is_dir(base))
			return false;
		walk_root(ctx, base, pattern, at);
		return true;
	}
	return false;
}

void fw_collect_location(fw_ctx *ctx, const fw_location *loc, bool from_command_line)
{
	mg_project *project = ctx->project;
	mg_arena *a = &project->arena;
	const mg_load_options *opts = ctx->opts;
	const char *spec = loc->spec;
	mg_loc at = loc->loc.file ? loc->loc : (mg_loc){spec, 0, 0};
	ctx->too_long = NULL;

	if (from_command_line) {
		if (try_dir(ctx, spec, at))
			return;
		if (ctx->too_long)
			mg_diag_path_too_long(&project->diags, at, ctx->too_long);
		else
			mg_diag_add(&project->diags, MG_SEV_LOW, "flyway-missing-location", at,
			            "location %s does not exist (Flyway only warns with "
			            "failOnMissingLocations=false)",
			            spec);
		return;
	}
	if (mg_str_starts_with(spec, "s3:") || mg_str_starts_with(spec, "gcs:")) {
		mg_diag_add(&project->diags, MG_SEV_MEDIUM, "flyway-location-unsupported", at,
		            "location %s is a cloud bucket; migraph reads local files only", spec);
		return;
	}
	bool found = false;
	if (mg_str_starts_with(spec, "filesystem:")) {
		const char *p = spec + strlen("filesystem:");
		while (p[0] == '/' && p[1] == '/')
			p++; /* "filesystem://etc" is "/etc", never a host */
		found = try_dir(ctx, p, at);
		/* Flyway: relative to the working directory.  migraph also tries
		 * the config file's own directory when that finds nothing. */
		if (!found && loc->conf_dir && p[0] != '/')
			found = try_dir(ctx, mg_path_join(a, loc->conf_dir, p), at);
	} else {
		const char *p = mg_str_starts_with(spec, "classpath:") ? spec + strlen("classpath:")
		                                                       : spec;
		while (*p == '/')
			p++;
		if (opts->n_classpath_roots) {
			for (size_t i = 0; i < opts->n_classpath_roots; i++)
				found |= try_dir(ctx, mg_path_join(a, opts->classpath_roots[i], p), at);
		} else {
			static const char *const roots[] = {"src/main/resources", "src/main/java"};
			size_t n_sp = opts->n_search_paths ? opts->n_search_paths : 1;
			for (size_t i = 0; i < n_sp; i++) {
				const char *sp = opts->n_search_paths ? opts->search_paths[i] : ".";
				for (int r = 0; r < 2; r++)
					found |= try_dir(ctx, mg_path_join(a, mg_path_join(a, sp, roots[r]), p), at);
			}
			if (!found && loc->conf_dir)
				for (int r = 0; r < 2; r++)
					found |= try_dir(ctx,
					                 mg_path_join(a, mg_path_join(a, loc->conf_dir, roots[r]), p),
					                 at);
		}
	}
	if (!found && ctx->too_long)
		mg_diag_path_too_long(&project->diags, at, ctx->too_long);
	else if (!found)
		mg_diag_add(&project->diags, MG_SEV_LOW, "flyway-missing-location", at,
		            "location %s was not found%s (Flyway only warns with "
		            "failOnMissingLocations=false)",
		            spec,
		            mg_str_starts_with(spec, "filesystem:")
				    ? ""
				    : " under any classpath root (--classpath-root, or "
				      "src/main/resources and src/main/java of each search path)");
}

void fw_collect_file(fw_ctx *ctx, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	if (!count_file(ctx, path))
		return;
	add_file(ctx, path, path, mg_path_basename(path), &st, true);
}
