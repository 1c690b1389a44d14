/*
 * load.c: one call, one project.  Detects what each PATH is and hands
 * the Flyway paths (together, as one pool) and each Liquibase root
 * changelog to their loaders.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "migraph/ignore.h"
#include "migraph/load.h"
#include "migraph/sql.h"

void mg_limits_default(mg_limits *limits)
{
	/* Generous for real projects, small enough that hostile input ends
	 * in a diagnostic instead of an exhausted machine. */
	limits->max_file_bytes = 100u * 1024 * 1024;
	limits->max_statement_bytes = 32u * 1024 * 1024;
	limits->max_sql_depth = MG_SQL_DEFAULT_MAX_DEPTH;
	limits->max_include_depth = 100;
	limits->max_nesting_depth = 1000;
	limits->max_alias_expansion = 100000;
	limits->max_files = 1000000;
}

void mg_load_options_init(mg_load_options *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->engine.kind = MG_ENGINE_POSTGRESQL;
	opts->engine.major = MG_ENGINE_DEFAULT_MAJOR;
	mg_limits_default(&opts->limits);
}

static bool is_flyway_kind(mg_input_kind kind)
{
	return kind == MG_INPUT_FLYWAY_DIR || kind == MG_INPUT_FLYWAY_CONF ||
	       kind == MG_INPUT_FLYWAY_TOML || kind == MG_INPUT_SQL_FILE;
}

static mg_diag *outside(mg_project *project, mg_loc at, const char *fmt, const char *path,
                        const char *resolved)
{
	mg_diag *d = mg_diag_add(&project->diags, MG_SEV_HIGH, "input-path-outside", at, fmt, path,
	                         resolved);
	mg_diag_set_hint(&project->diags, d, "pass --allow-outside to read it anyway");
	return d;
}

/* A directory named on the command line (a PATH's, a search path, a
 * classpath root) as a root of the project, resolved.  The command line
 * is trusted, the repository it names is not: a directory that lies in
 * the working directory but whose symbolic links lead out of it (the
 * migrations folder replaced by a link to /) is refused.  Returns the
 * root, or NULL (with *refused when that was the reason). */
static const char *command_line_root(mg_project *project, const mg_load_options *opts,
                                     const char *cwd, const char *dir, const char *arg,
                                     bool *refused)
{
	mg_arena *a = &project->arena;
	*refused = false;
	const char *resolved = mg_path_resolve(a, dir);
	if (!resolved || opts->allow_outside || !cwd)
		return resolved;
	const char *lexical = mg_path_normalize(a, mg_path_join(a, cwd, dir));
	if (mg_path_under(lexical, cwd) && !mg_path_under(resolved, cwd)) {
		outside(project, (mg_loc){arg, 0, 0},
		        "%s is in the working directory, but its symbolic links lead to %s, outside "
		        "it; not read",
		        arg, resolved);
		*refused = true;
		return NULL;
	}
	return resolved;
}

/* The project's roots, from the command line; marks the PATHs refused. */
static mg_path_scope *make_scope(mg_project *project, const char *const *paths, size_t n_paths,
                                 const mg_load_options *opts, bool *refused)
{
	mg_arena *a = &project->arena;
	mg_path_scope *scope = mg_arena_alloc(a, sizeof *scope);
	scope->allow_outside = opts->allow_outside;
	char buf[PATH_MAX];
	const char *cwd = getcwd(buf, sizeof buf) ? mg_path_resolve(a, buf) : NULL;
	bool no;
	for (size_t i = 0; i < n_paths; i++) {
		const char *dir = mg_path_is_dir(paths[i]) ? paths[i] : mg_path_dirname(a, paths[i]);
		mg_scope_add_root(scope, a,
		                  command_line_root(project, opts, cwd, dir, paths[i], &refused[i]));
	}
	/* The Liquibase search path defaults to the working directory. */
	if (!opts->n_search_paths)
		mg_scope_add_root(scope, a, cwd);
	for (size_t i = 0; i < opts->n_search_paths; i++)
		mg_scope_add_root(scope, a,
		                  command_line_root(project, opts, cwd, opts->search_paths[i],
		                                    opts->search_paths[i], &no));
	for (size_t i = 0; i < opts->n_classpath_roots; i++)
		mg_scope_add_root(scope, a,
		                  command_line_root(project, opts, cwd, opts->classpath_roots[i],
		                                    opts->classpath_roots[i], &no));
	/* A PATH that is a file is checked like any file: a changelog that is
	 * a link to /etc/... is not read because its folder is a root. */
	for (size_t i = 0; i < n_paths; i++) {
		const char *resolved;
		if (!refused[i] && !mg_path_is_dir(paths[i]) &&
		    mg_scope_check(scope, a, paths[i], &resolved) == MG_SCOPE_OUTSIDE) {
			outside(project, (mg_loc){paths[i], 0, 0},
			        "%s resolves to %s, outside the project (the given PATHs' folders, the "
			        "search paths and the classpath roots); not read",
			        paths[i], resolved);
			refused[i] = true;
		}
	}
	return scope;
}

static bool is_liquibase_kind(mg_input_kind kind)
{
	return kind == MG_INPUT_LIQUIBASE_XML || kind == MG_INPUT_LIQUIBASE_YAML ||
	       kind == MG_INPUT_LIQUIBASE_JSON || kind == MG_INPUT_LIQUIBASE_SQL;
}

/* A PATH that is not there as given may be a Liquibase root changelog
 * named relative to a search path, as the Liquibase CLI takes it.  Returns
 * its kind and sets *file and *resource; MG_INPUT_MISSING when no search
 * path holds a changelog of that name, or when the one found leads out of
 * the project (*refused, said here: it is not even sniffed). */
static mg_input_kind root_on_search_path(mg_project *project, const mg_load_options *opts,
                                         const char *path, const char **file,
                                         const char **resource, bool *refused)
{
	*file = mg_liquibase_find_root(&project->arena, path, opts, resource);
	if (!*file)
		return MG_INPUT_MISSING;
	if (!mg_load_inside(project, opts, *file, (mg_loc){*file, 0, 0}, NULL)) {
		*refused = true;
		*file = *resource = NULL;
		return MG_INPUT_MISSING;
	}
	mg_input_kind kind = mg_detect_input(*file);
	if (is_liquibase_kind(kind))
		return kind;
	*file = *resource = NULL;
	return MG_INPUT_MISSING;
}

/* The search paths other than the working directory, for a diagnostic. */
static const char *search_paths_tried(mg_project *project, const mg_load_options *opts)
{
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < opts->n_search_paths; i++) {
		if (!strcmp(mg_path_normalize(&project->arena, opts->search_paths[i]), "."))
			continue;
		mg_buf_printf(&b, "%s%s", b.len ? ", " : "", opts->search_paths[i]);
	}
	const char *out = b.len ? mg_arena_strdup(&project->arena, mg_buf_cstr(&b)) : NULL;
	mg_buf_dispose(&b);
	return out;
}

static void missing_diag(mg_project *project, const mg_load_options *opts, const char *path)
{
	mg_loc at = {path, 0, 0};
	const char *tried = search_paths_tried(project, opts);
	if (!tried) {
		mg_diag_add(&project->diags, MG_SEV_HIGH, "input-missing", at,
		            "no such file or directory");
		return;
	}
	mg_diag *d = mg_diag_add(&project->diags, MG_SEV_HIGH, "input-missing", at,
	                         "no such file or directory, as given or under the search path "
	                         "(%s)",
	                         tried);
	mg_diag_set_hint(&project->diags, d,
	                 "name a Liquibase root changelog relative to one of the --search-path "
	                 "directories, or give its path from the working directory");
}

mg_project *mg_load_project(const char *const *paths, size_t n_paths,
                            const mg_load_options *given)
{
	mg_project *project = mg_project_new();
	project->engine = given->engine;
	if (given->limits.max_file_bytes)
		project->max_file_bytes = given->limits.max_file_bytes;
	if (given->limits.max_expansion_bytes)
		project->max_expansion = given->limits.max_expansion_bytes;
	else if (project->max_file_bytes > SIZE_MAX / MG_EXPANSION_PER_FILE_SIZE)
		project->max_expansion = SIZE_MAX;
	else
		project->max_expansion = project->max_file_bytes * MG_EXPANSION_PER_FILE_SIZE;
	mg_loc nowhere = {0};
	bool *refused = mg_arena_alloc(&project->arena, (n_paths + 1) * sizeof *refused);
	mg_load_options *copy = mg_arena_alloc(&project->arena, sizeof *copy);
	*copy = *given;
	if (!copy->scope)
		copy->scope = make_scope(project, paths, n_paths, given, refused);
	const mg_load_options *opts = copy;

	mg_input_kind *kinds = mg_arena_alloc(&project->arena, (n_paths + 1) * sizeof *kinds);
	/* A Liquibase root found through the search path: the file read, and
	 * its identity. */
	const char **found = mg_arena_alloc(&project->arena, (n_paths + 1) * sizeof *found);
	const char **resources = mg_arena_alloc(&project->arena, (n_paths + 1) * sizeof *resources);
	const char **flyway_paths = mg_arena_alloc(&project->arena, (n_paths + 1) * sizeof(char *));
	mg_input_kind *flyway_kinds = mg_arena_alloc(&project->arena, (n_paths + 1) * sizeof *kinds);
	size_t n_flyway = 0, n_liquibase = 0;

	for (size_t i = 0; i < n_paths; i++) {
		if (refused[i]) { /* said by make_scope */
			kinds[i] = MG_INPUT_MISSING;
			continue;
		}
		kinds[i] = mg_detect_input(paths[i]);
		mg_loc at = {paths[i], 0, 0};
		if (kinds[i] == MG_INPUT_MISSING)
			kinds[i] = root_on_search_path(project, opts, paths[i], &found[i], &resources[i],
			                               &refused[i]);
		switch (kinds[i]) {
		case MG_INPUT_MISSING:
			if (mg_path_too_long(paths[i]))
				mg_diag_path_too_long(&project->diags, at, paths[i]);
			else if (!refused[i])
				missing_diag(project, opts, paths[i]);
			break;
		case MG_INPUT_UNKNOWN:
			mg_diag_add(&project->diags, MG_SEV_HIGH, "input-unknown-format", at,
			            "not a Flyway location, Flyway configuration, Liquibase changelog "
			            "or SQL file");
			break;
		default:
			if (is_flyway_kind(kinds[i])) {
				flyway_paths[n_flyway] = paths[i];
				flyway_kinds[n_flyway++] = kinds[i];
			} else {
				n_liquibase++;
			}
		}
	}

	if (n_flyway && n_liquibase)
		mg_diag_add(&project->diags, MG_SEV_MEDIUM, "input-mixed-formats", nowhere,
		            "Flyway and Liquibase inputs in one call are analysed as one "
		            "history, Flyway migrations first; make separate calls for separate "
		            "histories");

	if (n_flyway) {
		project->format = MG_FORMAT_FLYWAY;
		mg_flyway_load(project, flyway_paths, flyway_kinds, n_flyway, opts);
	}
	for (size_t i = 0; i < n_paths; i++) {
		if (is_flyway_kind(kinds[i]) || kinds[i] == MG_INPUT_MISSING ||
		    kinds[i] == MG_INPUT_UNKNOWN)
			continue;
		if (!n_flyway)
			project->format = MG_FORMAT_LIQUIBASE;
		mg_liquibase_load_as(project, found[i] ? found[i] : paths[i], resources[i], kinds[i],
		                     opts);
	}
	mg_project_renumber(project);
	return project;
}

bool mg_load_inside(mg_project *project, const mg_load_options *opts, const char *path,
                    mg_loc at, mg_diag **diag)
{
	if (diag)
		*diag = NULL;
	if (!opts || !opts->scope)
		return true;
	const char *resolved;
	mg_diag *d = NULL;
	switch (mg_scope_check(opts->scope, &project->arena, path, &resolved)) {
	case MG_SCOPE_INSIDE:
		return true;
	case MG_SCOPE_OUTSIDE:
		d = outside(project, at,
		            "%s resolves to %s, outside the project (the given PATHs' folders, the "
		            "search paths and the classpath roots); not read",
		            path, resolved);
		break;
	case MG_SCOPE_UNRESOLVED:
		if (errno == ENAMETOOLONG || mg_path_too_long(path)) {
			d = mg_diag_path_too_long(&project->diags, at, path);
			break;
		}
		if (errno == ENOENT || errno == ENOTDIR)
			return false;
		d = mg_diag_add(&project->diags, MG_SEV_HIGH, "input-unreadable", at,
		                "cannot resolve %s: %s", path, strerror(errno));
		break;
	}
	if (diag)
		*diag = d;
	return false;
}

int mg_load_read(mg_project *project, const char *path, const mg_load_options *opts, mg_loc at,
                 mg_file_data *out, mg_diag **diag)
{
	const mg_limits *limits = opts ? &opts->limits : NULL;
	size_t max = limits && limits->max_file_bytes ? limits->max_file_bytes : (size_t)1 << 30;
	if (diag)
		*diag = NULL;
	out->data = NULL;
	out->len = 0;
	const char *open_as = path;
	if (opts && opts->scope) {
		switch (mg_scope_check(opts->scope, &project->arena, path, &open_as)) {
		case MG_SCOPE_INSIDE:
			break; /* open what was checked, not the name again */
		case MG_SCOPE_OUTSIDE: {
			mg_diag *d = outside(project, at,
			                     "%s resolves to %s, outside the project (the given PATHs' "
			                     "folders, the search paths and the classpath roots); not read",
			                     path, open_as);
			if (diag)
				*diag = d;
			return -1;
		}
		case MG_SCOPE_UNRESOLVED:
			open_as = path; /* fopen says why, in the words below */
			break;
		}
	}
	int rc = mg_file_read(open_as, max, out);
	if (rc == 0) {
		/* Every loader reads through here: the one place that sees
		 * every file's comments, whatever its parser keeps. */
		mg_ignore_scan(project, path, out->data, out->len);
		return 0;
	}
	mg_diag *d;
	if (rc == -2) {
		d = mg_diag_file_size(&project->diags, at, path, max);
	} else if (errno == ENAMETOOLONG) {
		d = mg_diag_path_too_long(&project->diags, at, path);
	} else {
		d = mg_diag_add(&project->diags, MG_SEV_HIGH, "input-unreadable", at, "cannot read %s: %s",
		                path, strerror(errno));
	}
	if (diag)
		*diag = d;
	return -1;
}
