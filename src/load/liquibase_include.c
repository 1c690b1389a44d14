/*
 * liquibase_include.c: finding and loading changelog files: the root,
 * include and includeAll, search paths, identities, cycles and limits.
 *
 * A file's identity (DATABASECHANGELOG.FILENAME) is its path relative to
 * the search path that found it; for relativeToChangelogFile it is the
 * including file's identity directory joined with the path, normalised.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "load/liquibase_int.h"

bool lb_kind_of(const char *path, mg_changeset_kind *kind)
{
	if (mg_str_iends_with(path, ".xml"))
		*kind = MG_CS_LIQUIBASE_XML;
	else if (mg_str_iends_with(path, ".yaml") || mg_str_iends_with(path, ".yml"))
		*kind = MG_CS_LIQUIBASE_YAML;
	else if (mg_str_iends_with(path, ".json"))
		*kind = MG_CS_LIQUIBASE_JSON;
	else if (mg_str_iends_with(path, ".sql"))
		*kind = MG_CS_LIQUIBASE_SQL;
	else
		return false;
	return true;
}

bool lb_attr_bool(const lb_node *node, const char *name, bool dflt)
{
	const char *v = lb_attr_get(node, name);
	bool b = dflt;
	if (v)
		mg_str_parse_bool(v, &b);
	return b;
}

void lb_set_chain(lb_state *st, mg_diag *dg, const lb_file *f)
{
	size_t n = 0;
	for (const lb_file *p = f; p && p->parent; p = p->parent)
		n++;
	if (n == 0)
		return;
	mg_loc *chain = mg_arena_alloc(&st->project->arena, n * sizeof *chain);
	size_t i = n;
	for (const lb_file *p = f; p && p->parent; p = p->parent)
		chain[--i] = p->include_loc;
	mg_diag_set_chain(&st->project->diags, dg, chain, n);
}

static bool escapes(const char *norm)
{
	return norm[0] == '/' || strcmp(norm, "..") == 0 || mg_str_starts_with(norm, "../");
}

static bool exists_as(lb_state *st, const char *path, bool want_dir)
{
	if (want_dir ? mg_path_is_dir(path) : mg_path_is_file(path))
		return true;
	if (!st->too_long && mg_path_too_long(path))
		st->too_long = path;
	return false;
}

bool lb_too_long(lb_state *st, const lb_file *f, mg_loc at)
{
	if (!st->too_long)
		return false;
	lb_set_chain(st, mg_diag_path_too_long(&st->project->diags, at, st->too_long), f);
	return true;
}

const char *lb_resolve(lb_state *st, const lb_file *f, const char *file,
                       bool relative, const char **resource, bool want_dir,
                       bool *outside)
{
	mg_arena *a = &st->project->arena;
	*outside = false;
	st->too_long = NULL;
	if (mg_str_starts_with(file, "classpath:"))
		file += 10;
	if (relative && f) {
		char *res = mg_path_normalize(a, mg_path_join(a, mg_path_dirname(a, f->resource), file));
		char *open = mg_path_normalize(a, mg_path_join(a, mg_path_dirname(a, f->path), file));
		if (escapes(res) && !st->opts->allow_outside) {
			*outside = true;
			return NULL;
		}
		*resource = res;
		return exists_as(st, open, want_dir) ? open : NULL;
	}
	if (file[0] == '/') {
		/* An absolute path: inside a search path it has that identity;
		 * otherwise Liquibase reads it as search-path relative. */
		char *norm = mg_path_normalize(a, file);
		for (size_t i = 0; i < st->n_search_paths; i++) {
			const char *rel = mg_path_under(norm, st->search_paths[i]);
			if (rel && *rel && exists_as(st, norm, want_dir)) {
				*resource = rel;
				return norm;
			}
		}
		if (exists_as(st, norm, want_dir)) {
			if (!st->opts->allow_outside) {
				*outside = true;
				return NULL;
			}
			*resource = norm;
			return norm;
		}
		while (*file == '/')
			file++;
	}
	char *res = mg_path_normalize(a, file);
	if (escapes(res) && !st->opts->allow_outside) {
		*outside = true;
		return NULL;
	}
	*resource = res;
	for (size_t i = 0; i < st->n_search_paths; i++) {
		char *cand = mg_path_normalize(a, mg_path_join(a, st->search_paths[i], res));
		if (exists_as(st, cand, want_dir))
			return cand;
	}
	return NULL;
}

static bool has_conflict_markers(lb_state *st, const lb_file *f, const char *data)
{
	uint32_t line = 1;
	const char *p = data;
	while (*p) {
		if ((strncmp(p, "<<<<<<< ", 8) == 0 || strncmp(p, "<<<<<<<\n", 8) == 0 ||
		     strncmp(p, ">>>>>>> ", 8) == 0 || strncmp(p, "=======\n", 8) == 0 ||
		     strncmp(p, "=======\r", 8) == 0)) {
			mg_loc loc = {f->path, line, 1};
			mg_diag *dg = mg_diag_add(&st->project->diags, MG_SEV_HIGH,
			                          "merge-conflict-markers", loc,
			                          "git merge-conflict markers in a changelog; Liquibase cannot read this file");
			mg_diag_set_hint(&st->project->diags, dg,
			                 "resolve the merge conflict; the changesets of this file are not analysed");
			lb_set_chain(st, dg, f);
			return true;
		}
		const char *nl = strchr(p, '\n');
		if (!nl)
			break;
		p = nl + 1;
		line++;
	}
	return false;
}

void lb_load_file(lb_state *st, lb_file *f)
{
	mg_project *pr = st->project;
	mg_arena *a = &pr->arena;
	f->path = mg_path_normalize(a, f->path);
	for (const lb_file *p = f->parent; p; p = p->parent) {
		if (strcmp(p->path, f->path) == 0) {
			mg_diag *dg = mg_diag_add(&pr->diags, MG_SEV_HIGH, "lb-include-cycle",
			                          f->include_loc,
			                          "include cycle: %s includes itself through the chain shown",
			                          f->resource);
			lb_set_chain(st, dg, f);
			return;
		}
	}
	unsigned max_depth = st->opts->limits.max_include_depth;
	if (max_depth && f->depth > max_depth) {
		mg_diag *dg = mg_diag_add(&pr->diags, MG_SEV_HIGH, "lb-include-too-deep",
		                          f->include_loc,
		                          "includes nested deeper than %u levels; %s is not loaded",
		                          max_depth, f->resource);
		mg_diag_set_hint(&pr->diags, dg, "raise the limit with --max-include-depth");
		lb_set_chain(st, dg, f);
		return;
	}
	mg_file_data fd;
	mg_loc loc = f->parent ? f->include_loc : (mg_loc){f->path, 0, 0};
	mg_diag *dg;
	if (mg_load_read(pr, f->path, st->opts, loc, &fd, &dg) != 0) {
		lb_set_chain(st, dg, f);
		return;
	}
	pr->n_files++;
	lb_node *root = NULL;
	if (!has_conflict_markers(st, f, fd.data)) {
		switch (f->kind) {
		case MG_CS_LIQUIBASE_XML:
			root = lb_read_xml(pr, f->path, &fd, st->opts);
			break;
		case MG_CS_LIQUIBASE_YAML:
		case MG_CS_LIQUIBASE_JSON:
			root = lb_read_yaml(pr, f->path, &fd, st->opts);
			break;
		default:
			if (lb_is_formatted_sql(fd.data, fd.len))
				root = lb_read_formatted_sql(pr, f->path, fd.data, fd.len);
			else if (f->parent)
				root = lb_read_plain_sql(pr, f->path, fd.data, fd.len);
			else
				mg_diag_add(&pr->diags, MG_SEV_HIGH, "lb-sql-no-header",
				            (mg_loc){f->path, 1, 1},
				            "a root SQL changelog needs the '--liquibase formatted sql' header");
			break;
		}
	}
	mg_file_data_free(&fd);
	if (root)
		lb_interpret(st, f, root);
}

static lb_file *child_file(lb_state *st, lb_file *f, const lb_node *inc,
                           const char *path, const char *resource,
                           mg_changeset_kind kind)
{
	mg_arena *a = &st->project->arena;
	lb_file *c = mg_arena_alloc(a, sizeof *c);
	c->path = path;
	c->resource = resource;
	c->logical = lb_attr_get(inc, "logicalFilePath");
	c->kind = kind;
	c->contexts = f->contexts;
	c->n_contexts = f->n_contexts;
	c->labels = f->labels;
	c->n_labels = f->n_labels;
	const char *ctx = lb_attr_get(inc, "contextFilter");
	if (!ctx)
		ctx = lb_attr_get(inc, "context");
	if (ctx && *ctx) {
		const char **v = mg_arena_alloc(a, (f->n_contexts + 1) * sizeof *v);
		if (f->n_contexts) /* memcpy from NULL is undefined even for 0 bytes */
			memcpy(v, f->contexts, f->n_contexts * sizeof *v);
		v[f->n_contexts] = ctx;
		c->contexts = v;
		c->n_contexts = f->n_contexts + 1;
	}
	const char *lbl = lb_attr_get(inc, "labels");
	if (lbl && *lbl) {
		const char **v = mg_arena_alloc(a, (f->n_labels + 1) * sizeof *v);
		if (f->n_labels)
			memcpy(v, f->labels, f->n_labels * sizeof *v);
		v[f->n_labels] = lbl;
		c->labels = v;
		c->n_labels = f->n_labels + 1;
	}
	c->ignored = f->ignored || lb_attr_bool(inc, "ignore", false);
	c->include_loc = inc->loc;
	c->parent = f;
	c->depth = f->depth + 1;
	return c;
}

void lb_refuse_outside(lb_state *st, const lb_file *f, mg_loc at, const char *file)
{
	mg_diag *dg = mg_diag_add(&st->project->diags, MG_SEV_HIGH, "input-path-outside", at,
	                          "%s leaves the search paths; not read", file);
	mg_diag_set_hint(&st->project->diags, dg, "pass --allow-outside to read it anyway");
	lb_set_chain(st, dg, f);
}

/* A directory includeAll is about to walk, checked as files are. */
static bool dir_inside(lb_state *st, const lb_file *f, const lb_node *inc, const char *dir)
{
	mg_diag *dg;
	if (mg_load_inside(st->project, st->opts, dir, inc->loc, &dg))
		return true;
	if (dg)
		lb_set_chain(st, dg, f);
	return false;
}

void lb_include(lb_state *st, lb_file *f, const lb_node *inc)
{
	mg_project *pr = st->project;
	const char *file = lb_attr_get(inc, "file");
	if (!file || !*file) {
		mg_diag *dg = mg_diag_add(&pr->diags, MG_SEV_HIGH, "lb-include-invalid",
		                          inc->loc, "include without a file attribute");
		lb_set_chain(st, dg, f);
		return;
	}
	bool relative = lb_attr_bool(inc, "relativeToChangelogFile", false);
	const char *resource = NULL;
	bool outside = false;
	const char *path = lb_resolve(st, f, file, relative, &resource, false, &outside);
	if (outside) {
		lb_refuse_outside(st, f, inc->loc, file);
		return;
	}
	if (!path && lb_too_long(st, f, inc->loc))
		return;
	if (!path) {
		bool required = lb_attr_bool(inc, "errorIfMissing", true);
		mg_diag *dg = mg_diag_add(&pr->diags, required ? MG_SEV_HIGH : MG_SEV_INFO,
		                          "lb-include-missing", inc->loc,
		                          "included changelog %s not found%s", file,
		                          required ? "" : " (errorIfMissing=false: skipped)");
		lb_set_chain(st, dg, f);
		return;
	}
	mg_changeset_kind kind;
	if (!lb_kind_of(path, &kind)) {
		mg_diag *dg = mg_diag_add(&pr->diags, MG_SEV_MEDIUM, "lb-include-unknown-format",
		                          inc->loc, "%s: not a changelog format Liquibase reads", file);
		lb_set_chain(st, dg, f);
		return;
	}
	lb_load_file(st, child_file(st, f, inc, path, resource, kind));
}

typedef struct found_file {
	const char *path;
	const char *resource;
} found_file;

typedef struct found_list {
	found_file *items;
	size_t count, cap;
	size_t max;        /* --max-files: includeAll stops listing here */
	bool limited;      /* ... and says so once (limit-files) */
	size_t symlinks;   /* symbolic links not followed */
	const char *first_symlink;
	const char *too_long; /* the first entry too deep for the system to open */
} found_list;

static void walk(lb_state *st, const char *dir, const char *res_dir, unsigned depth,
                 unsigned min_depth, unsigned max_depth, found_list *out)
{
	if (depth > 64)
		return;
	DIR *d = opendir(dir);
	if (!d)
		return;
	mg_arena *a = &st->project->arena;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		char *p = mg_path_join(a, dir, e->d_name);
		char *r = mg_path_join(a, res_dir, e->d_name);
		struct stat sb;
		if (lstat(p, &sb) != 0) {
			if (errno == ENAMETOOLONG && !out->too_long)
				out->too_long = p;
			continue;
		}
		if (S_ISLNK(sb.st_mode)) {
			/* Not followed: a link may loop or leave the project.  Said,
			 * not silently skipped. */
			if (!out->symlinks++)
				out->first_symlink = p;
		} else if (S_ISDIR(sb.st_mode)) {
			if (depth + 1 < max_depth)
				walk(st, p, r, depth + 1, min_depth, max_depth, out);
		} else if (S_ISREG(sb.st_mode) && depth + 1 >= min_depth) {
			/* --max-files bounds includeAll as it bounds Flyway locations:
			 * a directory of a million files ends in a diagnostic, not an
			 * exhausted machine. */
			if (out->max && out->count >= out->max) {
				out->limited = true;
				break;
			}
			if (out->count == out->cap) {
				size_t cap = out->cap ? out->cap * 2 : 32;
				out->items = mg_arena_grow(a, out->items, sizeof *out->items,
				                           out->count, cap);
				out->cap = cap;
			}
			out->items[out->count].path = p;
			out->items[out->count].resource = mg_path_normalize(a, r);
			out->count++;
		}
	}
	closedir(d);
}

static int cmp_found(const void *x, const void *y)
{
	return strcmp(((const found_file *)x)->resource, ((const found_file *)y)->resource);
}

static unsigned uint_attr(const lb_node *n, const char *name, unsigned dflt)
{
	const char *v = lb_attr_get(n, name);
	if (!v || !*v)
		return dflt;
	char *end;
	long x = strtol(v, &end, 10);
	return (*end || x < 0) ? dflt : (unsigned)x;
}

void lb_include_all(lb_state *st, lb_file *f, const lb_node *inc)
{
	mg_project *pr = st->project;
	mg_arena *a = &pr->arena;
	const char *dir = lb_attr_get(inc, "path");
	if (!dir || !*dir) {
		mg_diag *dg = mg_diag_add(&pr->diags, MG_SEV_HIGH, "lb-include-invalid",
		                          inc->loc, "includeAll without a path attribute");
		lb_set_chain(st, dg, f);
		return;
	}
	bool relative = lb_attr_bool(inc, "relativeToChangelogFile", false);
	bool required = lb_attr_bool(inc, "errorIfMissingOrEmpty", true);
	const char *ends = lb_attr_get(inc, "endsWithFilter");
	unsigned min_depth = uint_attr(inc, "minDepth", 0);
	unsigned max_depth = uint_attr(inc, "maxDepth", 64);
	if (lb_attr_get(inc, "filter") || lb_attr_get(inc, "resourceComparator"))
		mg_diag_add(&pr->diags, MG_SEV_LOW, "lb-includeall-class", inc->loc,
		            "includeAll filter/resourceComparator name Java classes; migraph ignores them");

	found_list found = {0};
	found.max = st->opts->limits.max_files;
	const char *resource = NULL;
	bool outside = false;
	if (relative) {
		const char *path = lb_resolve(st, f, dir, true, &resource, true, &outside);
		if (path && !dir_inside(st, f, inc, path))
			return;
		if (path)
			walk(st, path, resource, 0, min_depth, max_depth, &found);
	} else {
		const char *d = dir;
		if (mg_str_starts_with(d, "classpath:"))
			d += 10;
		while (*d == '/')
			d++;
		resource = mg_path_normalize(a, d);
		if (escapes(resource) && !st->opts->allow_outside)
			outside = true;
		st->too_long = NULL;
		for (size_t i = 0; !outside && i < st->n_search_paths; i++) {
			char *cand = mg_path_normalize(a, mg_path_join(a, st->search_paths[i], resource));
			if (mg_path_is_dir(cand) && dir_inside(st, f, inc, cand))
				walk(st, cand, resource, 0, min_depth, max_depth, &found);
			else if (!st->too_long && mg_path_too_long(cand))
				st->too_long = cand;
		}
	}
	if (outside) {
		lb_refuse_outside(st, f, inc->loc, dir);
		return;
	}
	if (found.too_long)
		lb_set_chain(st, mg_diag_path_too_long(&pr->diags, inc->loc, found.too_long), f);
	if (found.count == 0 && lb_too_long(st, f, inc->loc))
		return;
	if (found.limited) {
		mg_diag *dg = mg_diag_add(&pr->diags, MG_SEV_HIGH, "limit-files", inc->loc,
		                          "includeAll %s: more than %zu files; the rest are not read",
		                          dir, found.max);
		mg_diag_set_hint(&pr->diags, dg, "raise the limit with --max-files");
		lb_set_chain(st, dg, f);
	}
	if (found.symlinks) {
		mg_diag *dg = mg_diag_add(&pr->diags, MG_SEV_LOW, "lb-includeall-symlink", inc->loc,
		                          "includeAll %s: %zu symbolic link%s not followed (first: %s)",
		                          dir, found.symlinks, found.symlinks == 1 ? "" : "s",
		                          found.first_symlink);
		mg_diag_set_hint(&pr->diags, dg,
		                 "include the target with <include file=...> if it belongs to the "
		                 "history");
		lb_set_chain(st, dg, f);
	}
	if (found.count)
		qsort(found.items, found.count, sizeof *found.items, cmp_found);
	size_t used = 0;
	for (size_t i = 0; i < found.count; i++) {
		const found_file *ff = &found.items[i];
		if (i > 0 && strcmp(ff->resource, found.items[i - 1].resource) == 0)
			continue; /* the first search path wins */
		mg_changeset_kind kind;
		if (!lb_kind_of(ff->resource, &kind))
			continue;
		if (ends && *ends && !mg_str_iends_with(ff->resource, ends))
			continue;
		used++;
		lb_load_file(st, child_file(st, f, inc, ff->path, ff->resource, kind));
	}
	if (used == 0) {
		mg_diag *dg = mg_diag_add(&pr->diags, required ? MG_SEV_HIGH : MG_SEV_INFO,
		                          "lb-include-missing", inc->loc,
		                          "includeAll %s: no changelog found%s", dir,
		                          required ? "" : " (errorIfMissingOrEmpty=false)");
		lb_set_chain(st, dg, f);
	}
}
