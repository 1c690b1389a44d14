/*
 * load.h: turning a project's files into ordered changesets.
 *
 * The loaders know file formats (Flyway naming and configuration,
 * Liquibase changelogs), not locks.  Each reads what it is given, pushes a
 * diagnostic for every problem it meets, and still returns whatever it
 * could load.
 */
#ifndef MIGRAPH_LOAD_H
#define MIGRAPH_LOAD_H

#include "migraph/catalog.h"
#include "migraph/model.h"
#include "migraph/release.h"

/* A name=value pair from -D, a config file or a changelog property. */
typedef struct mg_property {
	const char *name;
	const char *value;
} mg_property;

/* Explicit limits on what one input may cost.  Hitting one is a
 * diagnostic that names the limit and the option that raises it. */
typedef struct mg_limits {
	size_t max_file_bytes;       /* --max-file-size */
	size_t max_statement_bytes;  /* --max-statement-size */
	size_t max_sql_depth;        /* --max-sql-depth (parse-tree levels) */
	unsigned max_include_depth;  /* --max-include-depth */
	unsigned max_nesting_depth;  /* --max-nesting-depth */
	size_t max_alias_expansion;  /* --max-alias-expansion (YAML) */
	size_t max_expansion_bytes;  /* --max-expansion; 0: MG_EXPANSION_PER_FILE_SIZE x max_file_bytes */
	size_t max_files;            /* --max-files */
} mg_limits;

void mg_limits_default(mg_limits *limits);

typedef struct mg_load_options {
	mg_engine_target engine;
	bool engine_given;           /* --engine was on the command line */
	const char **search_paths;   /* --search-path, in order; default: cwd */
	size_t n_search_paths;
	const char **classpath_roots; /* --classpath-root: where classpath: locations resolve */
	size_t n_classpath_roots;
	mg_property *properties;     /* -D name=value, command-line order */
	size_t n_properties;
	const char *contexts;        /* --contexts expression, or NULL */
	const char *labels;          /* --labels expression, or NULL */
	bool allow_outside;          /* --allow-outside */
	mg_limits limits;
	/* The project's roots; mg_load_project fills it from the PATHs, the
	 * search paths and the classpath roots.  NULL (a loader called on its
	 * own, in tests) reads anything. */
	const mg_path_scope *scope;
} mg_load_options;

void mg_load_options_init(mg_load_options *opts);

/* Loads every PATH of one call as one project.  Each path may be a Flyway
 * location directory, a flyway.conf or flyway.toml, a Liquibase root
 * changelog, or a single SQL file; the format is detected.  Returns the
 * project (never NULL); its diagnostics say what went wrong. */
mg_project *mg_load_project(const char *const *paths, size_t n_paths,
                            const mg_load_options *opts);

/* ---- Format loaders (called by mg_load_project) ---------------------- */

typedef enum mg_input_kind {
	MG_INPUT_UNKNOWN = 0,
	MG_INPUT_FLYWAY_DIR,
	MG_INPUT_FLYWAY_CONF,
	MG_INPUT_FLYWAY_TOML,
	MG_INPUT_SQL_FILE,           /* a single plain SQL file (Flyway-style) */
	MG_INPUT_LIQUIBASE_XML,
	MG_INPUT_LIQUIBASE_YAML,
	MG_INPUT_LIQUIBASE_JSON,
	MG_INPUT_LIQUIBASE_SQL,      /* formatted SQL with the header */
	MG_INPUT_MISSING
} mg_input_kind;

mg_input_kind mg_detect_input(const char *path);

/* The one way a loader reads an input file: path is resolved and must lie
 * inside the project (opts->scope) unless --allow-outside, and the file
 * must fit in --max-file-size.  On failure it pushes the diagnostic at
 * `at` (input-path-outside naming --allow-outside, limit-file-size naming
 * --max-file-size, or input-unreadable with the reason), stores it in
 * *diag when diag is not NULL (for an include chain), and returns -1.
 * opts may be NULL (default limits, no scope). */
int mg_load_read(mg_project *project, const char *path, const mg_load_options *opts, mg_loc at,
                 mg_file_data *out, mg_diag **diag);

/* The same check for a directory before it is walked (or any path before
 * it is used): true when path resolves inside the project.  Otherwise it
 * pushes input-path-outside (or input-unreadable for a link loop) at `at`
 * and returns false; a path that does not exist returns false quietly,
 * as the callers report missing inputs in their own words. */
bool mg_load_inside(mg_project *project, const mg_load_options *opts, const char *path,
                    mg_loc at, mg_diag **diag);

/* Flyway: every Flyway path of one call (directories, config files, SQL
 * files) forms one pool of migrations, ordered as Flyway orders them. */
int mg_flyway_load(mg_project *project, const char *const *paths,
                   const mg_input_kind *kinds, size_t n_paths,
                   const mg_load_options *opts);

/* Liquibase: one root changelog.  Changesets are appended in execution order. */
int mg_liquibase_load(mg_project *project, const char *root_changelog,
                      mg_input_kind kind, const mg_load_options *opts);
/* The same for a root whose identity is known: resource is its path
 * relative to the search path that found it (NULL: derived from the path,
 * relative to the first search path it lies under). */
int mg_liquibase_load_as(mg_project *project, const char *root_changelog, const char *resource,
                         mg_input_kind kind, const mg_load_options *opts);
/* A root changelog named on the command line that is not there as given
 * is looked up as the Liquibase CLI does: under each search path in turn
 * (the working directory when none is given).  Returns the path to read
 * and sets *resource to its identity (the given path, normalised), or
 * returns NULL when no search path holds it.  A leading slash is dropped,
 * as Liquibase does; a path that climbs out with ".." is not looked up. */
const char *mg_liquibase_find_root(mg_arena *arena, const char *path,
                                   const mg_load_options *opts, const char **resource);

/* --schema: loads a pg_dump --schema-only file into cat as the schema the
 * changesets start from.  The dump goes through the SQL front end; what it
 * creates is from_baseline and assumed to hold rows.  Returns 0, or -1
 * when the file cannot be read (a diagnostic says why). */
int mg_baseline_load(mg_project *project, mg_catalog *cat, const char *path);

/* ---- Release selection (release.h has the model's side) -------------- */

/* Marks the release on the project's changesets and returns what the
 * selection found: runs --applied (reading its CSV), --since and
 * --git-base (reading the repository), each given one, and keeps what all
 * of them put in the release.  opts may be NULL (everything that runs is
 * in the release).  Never NULL. */
mg_release *mg_release_select(mg_project *project, const mg_release_options *opts);

/* A CSV export (RFC 4180 quoting; the delimiter is ',' unless the header
 * line only has ';' or tabs) parsed into rows of fields, in arena.
 * Returns 0, or -1 when there is no row at all. */
int mg_csv_parse(mg_arena *arena, const char *data, size_t len, mg_csv *out);
/* Reads --applied FILE into rows.  Returns 0; -1 when the file cannot be
 * read, -2 when it has no header row (a diagnostic says which). */
int mg_history_read(mg_project *project, const char *path, mg_csv *out);

/* --git-base REF (src/load/release_git.c): what was added or changed
 * since a git ref, compared with the working tree. */
void mg_release_git(mg_project *project, mg_release *rel, const char *ref);

#endif
