/*
 * config.c: the repository's .migraph.yaml under the command line.
 *
 * Precedence (formats/config.md): an option on the command line beats the
 * configuration, which beats flyway.conf, flyway.toml and
 * liquibase.properties, which beat the built-in defaults.  The file's
 * problems are printed like any diagnostic and make the invocation
 * unusable (exit 2): a CI gate must not run with half its settings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "migraph/triage.h"

void cli_print_diags(const mg_diag_list *diags)
{
	for (size_t i = 0; i < diags->count; i++) {
		const mg_diag *d = diags->items[i];
		if (d->loc.file && d->loc.line)
			fprintf(stderr, "%s:%u:%u: ", d->loc.file, d->loc.line,
			        d->loc.col ? d->loc.col : 1);
		else if (d->loc.file)
			fprintf(stderr, "%s: ", d->loc.file);
		else
			fputs("migraph: ", stderr);
		fprintf(stderr, "%s %s: %s\n", mg_severity_name(d->severity), d->code, d->message);
		if (d->hint)
			fprintf(stderr, "    %s\n", d->hint);
	}
}

static void push(const char ***items, size_t *count, const char *s)
{
	*items = mg_xrealloc((void *)*items, (*count + 1) * sizeof **items);
	(*items)[(*count)++] = s;
}

static bool defined_on_command_line(const mg_load_options *l, size_t n_cli, const char *name)
{
	for (size_t i = 0; i < n_cli; i++)
		if (mg_str_eq(l->properties[i].name, name))
			return true;
	return false;
}

static void merge(cli_args *args, const mg_config *c)
{
	mg_load_options *l = &args->load;
	if (c->has_engine && !l->engine_given) {
		l->engine = c->engine;
		l->engine_given = true; /* the repository's choice beats the profile's */
	}
	if (!args->n_paths)
		for (size_t i = 0; i < c->n_paths; i++)
			push(&args->paths, &args->n_paths, c->paths[i]);
	if (!l->n_search_paths)
		for (size_t i = 0; i < c->n_search_paths; i++)
			push(&l->search_paths, &l->n_search_paths, strdup(c->search_paths[i]));
	/* -D beats the file.  The loaders resolve duplicates in opposite
	 * orders (Flyway: the last wins, Liquibase: the first), so a name the
	 * command line sets is not passed twice. */
	size_t n_cli = l->n_properties;
	for (size_t i = 0; i < c->n_properties; i++) {
		if (defined_on_command_line(l, n_cli, c->properties[i].name))
			continue;
		l->properties = mg_xrealloc(l->properties, (l->n_properties + 1) * sizeof *l->properties);
		l->properties[l->n_properties++] =
			(mg_property){strdup(c->properties[i].name), strdup(c->properties[i].value)};
	}
	if (!args->contexts_given && c->contexts)
		l->contexts = c->contexts;
	if (!args->labels_given && c->labels)
		l->labels = c->labels;
	if (!args->analysis.profile_file)
		args->analysis.profile_file = c->profile;
	if (!args->analysis.schema_file)
		args->analysis.schema_file = c->schema;
	if (!args->fail_on_given && c->has_fail_on)
		args->fail_on = c->fail_on;
	if (!args->docs_url)
		args->docs_url = c->docs_url;
	if (c->baseline) {
		if (!strcmp(args->command, "baseline") && !args->output)
			args->output = c->baseline;
		else if (!strcmp(args->command, "check") && !args->baseline_file)
			args->baseline_file = c->baseline;
	}
}

int cli_apply_config(cli_args *args)
{
	const char *file = args->config_file;
	if (!file && !args->no_config)
		file = mg_config_find(&args->scratch, ".");
	if (file) {
		mg_diag_list diags;
		mg_diag_list_init(&diags, &args->scratch);
		int rc = mg_config_load(&args->scratch, file, args->load.allow_outside,
		                        args->load.limits.max_file_bytes, &diags,
		                        &args->config);
		mg_rule_settings_check(args->config.rules, args->config.n_rules, &diags);
		if (rc != 0 || diags.count) {
			mg_diag_list_sort(&diags);
			cli_print_diags(&diags);
			return cli_error(CLI_EXIT_USAGE, "%s is not usable (formats/config.md)", file);
		}
		args->has_config = true;
		merge(args, &args->config);
	}
	if (args->n_paths == 0)
		return cli_error(CLI_EXIT_USAGE,
		                 "no PATH given (see 'migraph %s --help', or set paths in %s)",
		                 args->command, MG_CONFIG_NAME);
	if (args->load.n_search_paths == 0)
		push(&args->load.search_paths, &args->load.n_search_paths, strdup("."));
	if (!args->docs_url)
		args->docs_url = MG_DOCS_URL_DEFAULT;
	/* In a GitHub Actions job, annotations are what the reader sees. */
	const char *gha = getenv("GITHUB_ACTIONS");
	if (!strcmp(args->command, "check") && !args->format_given && !args->output && gha &&
	    !strcmp(gha, "true"))
		args->format = CLI_FORMAT_GITHUB;
	return CLI_EXIT_OK;
}
