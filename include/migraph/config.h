/*
 * config.h: the repository's `.migraph.yaml` (formats/config.md).
 *
 * The file is part of the repository under review, so it is read like any
 * other hostile input: bounded size and nesting, aliases never followed,
 * every problem a diagnostic with file:line:col.  Paths in it are relative
 * to its folder and may not leave that folder; only the command line can
 * allow that (--allow-outside), never the file itself.  The reader only
 * records what the file says: rule ids are checked against the registry
 * by the triage (triage.h), and the command line decides precedence.
 */
#ifndef MIGRAPH_CONFIG_H
#define MIGRAPH_CONFIG_H

#include "migraph/load.h"

#define MG_CONFIG_NAME ".migraph.yaml"

/* One rule named under `rules:`. */
typedef struct mg_rule_setting {
	const char *id;
	mg_loc loc;
	bool disabled;            /* rules.disable */
	bool enabled;             /* rules.enable */
	bool has_severity;        /* rules.severity */
	mg_severity severity;
} mg_rule_setting;

typedef struct mg_config {
	const char *file;         /* the file read */
	const char *dir;          /* its folder: relative paths start here */
	bool has_engine;
	mg_engine_target engine;
	const char *profile;      /* resolved paths, NULL when not set */
	const char *schema;
	const char *baseline;
	const char **paths;
	size_t n_paths;
	const char **search_paths;
	size_t n_search_paths;
	mg_property *properties;  /* placeholders / properties, file order */
	size_t n_properties;
	const char *contexts;
	const char *labels;
	bool has_fail_on;
	mg_severity fail_on;
	const char *docs_url;
	mg_rule_setting *rules;
	size_t n_rules;
	bool rules_enable_given;  /* rules.enable present: only those run */
} mg_config;

/* The nearest `.migraph.yaml` from dir upward, or NULL (in the arena). */
const char *mg_config_find(mg_arena *arena, const char *dir);

/* Reads path into *out.  Every problem is a diagnostic at its file, line
 * and column (config-invalid, config-unknown-key, config-outside);
 * returns 0 when the file was read without an error-level problem, -1
 * otherwise.  allow_outside and max_file (--max-file-size, 0: none,
 * besides the configuration's own 1 MiB) come from the command line only. */
int mg_config_load(mg_arena *arena, const char *path, bool allow_outside, size_t max_file,
                   mg_diag_list *diags, mg_config *out);

#endif
