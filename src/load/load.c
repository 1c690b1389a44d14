/*
 * load.c: one call, one project.  Detects what each PATH is and hands
 * the Flyway paths (together, as one pool) and each Liquibase root
 * changelog to their loaders.
 */
#include <errno.h>
#include <string.h>

#include "migraph/ignore.h"
#include "migraph/load.h"

void mg_limits_default(mg_limits *limits)
{
	/* Generous for real projects, small enough that hostile input ends
	 * in a diagnostic instead of an exhausted machine. */
	limits->max_file_bytes = 100u * 1024 * 1024;
	limits->max_statement_bytes = 32u * 1024 * 1024;
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

mg_project *mg_load_project(const char *const *paths, size_t n_paths,
                            const mg_load_options *opts)
{
	mg_project *project = mg_project_new();
	project->engine = opts->engine;
	mg_loc nowhere = {0};

	mg_input_kind *kinds = mg_arena_alloc(&project->arena, (n_paths + 1) * sizeof *kinds);
	const char **flyway_paths = mg_arena_alloc(&project->arena, (n_paths + 1) * sizeof(char *));
	mg_input_kind *flyway_kinds = mg_arena_alloc(&project->arena, (n_paths + 1) * sizeof *kinds);
	size_t n_flyway = 0, n_liquibase = 0;

	for (size_t i = 0; i < n_paths; i++) {
		kinds[i] = mg_detect_input(paths[i]);
		mg_loc at = {paths[i], 0, 0};
		switch (kinds[i]) {
		case MG_INPUT_MISSING:
			mg_diag_add(&project->diags, MG_SEV_HIGH, "input-missing", at,
			            "no such file or directory");
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
		mg_liquibase_load(project, paths[i], kinds[i], opts);
	}
	mg_project_renumber(project);
	return project;
}

int mg_load_read(mg_project *project, const char *path, const mg_limits *limits, mg_loc at,
                 mg_file_data *out, mg_diag **diag)
{
	size_t max = limits && limits->max_file_bytes ? limits->max_file_bytes : (size_t)1 << 30;
	int rc = mg_file_read(path, max, out);
	if (diag)
		*diag = NULL;
	if (rc == 0) {
		/* Every loader reads through here: the one place that sees
		 * every file's comments, whatever its parser keeps. */
		mg_ignore_scan(project, path, out->data, out->len);
		return 0;
	}
	mg_diag *d;
	if (rc == -2) {
		d = mg_diag_add(&project->diags, MG_SEV_HIGH, "limit-file-size", at,
		                "%s is larger than %zu bytes, the --max-file-size limit: not read",
		                path, max);
		mg_diag_set_hint(&project->diags, d, "raise the limit with --max-file-size");
	} else {
		d = mg_diag_add(&project->diags, MG_SEV_HIGH, "input-unreadable", at, "cannot read %s: %s",
		                path, strerror(errno));
	}
	if (diag)
		*diag = d;
	return -1;
}
