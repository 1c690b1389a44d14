/*
 * run.c: what list and check share: read the traffic profile, load the
 * project, run the analysis.
 */
#include "cli/cli.h"
#include "migraph/profile.h"

/* The profile comes first: its engine decides how the project loads
 * (Liquibase dbms filters) unless --engine was given. */
static const mg_profile *load_profile(cli_args *args, mg_diag_list *diags)
{
	if (!args->analysis.profile_file)
		return NULL;
	const mg_profile *profile = mg_profile_load(&args->scratch, args->analysis.profile_file, diags);
	if (!profile)
		return NULL;
	if (profile->has_engine && !args->load.engine_given)
		args->load.engine = profile->engine;
	if (profile->has_deploy && !args->analysis.deploy_given)
		args->analysis.deploy = profile->deploy;
	return profile;
}

mg_project *cli_load_and_analyze(cli_args *args, mg_analysis *analysis, bool run_rules)
{
	mg_diag_list profile_diags;
	mg_diag_list_init(&profile_diags, &args->scratch);
	const mg_profile *profile = load_profile(args, &profile_diags);
	mg_project *project = mg_load_project(args->paths, args->n_paths, &args->load);
	for (size_t i = 0; i < profile_diags.count; i++) {
		const mg_diag *d = profile_diags.items[i];
		mg_diag *copy = mg_diag_add(&project->diags, d->severity, d->code, d->loc, "%s",
		                            d->message);
		if (d->hint)
			mg_diag_set_hint(&project->diags, copy, "%s", d->hint);
	}
	mg_analysis_init(analysis, project, &args->analysis);
	analysis->profile = profile;
	if (run_rules)
		mg_analysis_run(analysis);
	else
		mg_analysis_prepare(analysis);
	mg_diag_list_sort(&project->diags);
	return project;
}

bool cli_nothing_loaded(const mg_project *project)
{
	return project->n_changesets == 0;
}

int cli_run_command(const cli_command_spec *spec, int argc, char **argv)
{
	cli_args args;
	bool done;
	int rc = cli_parse_args(&args, spec->name, argc, argv, &done);
	if (rc != CLI_EXIT_OK || done) {
		cli_args_dispose(&args);
		return rc;
	}
	mg_analysis analysis;
	mg_project *project = cli_load_and_analyze(&args, &analysis, spec->run_rules);
	mg_render_options ropts = {.show_all = args.show_all, .with_findings = spec->run_rules};
	mg_buf out = MG_BUF_INIT;
	rc = cli_open_output(&args, &out);
	if (rc == CLI_EXIT_OK) {
		if (args.format == CLI_FORMAT_JSON)
			mg_render_json(&out, &analysis, &ropts);
		else if (args.format == CLI_FORMAT_SARIF)
			mg_render_sarif(&out, &analysis, &ropts);
		else
			spec->render_text(&out, &analysis, &ropts);
		rc = cli_close_output(&args, &out);
	}
	if (rc == CLI_EXIT_OK) {
		if (cli_nothing_loaded(project))
			rc = cli_error(CLI_EXIT_USAGE, "nothing could be loaded from the given PATHs");
		else if (spec->run_rules && mg_analysis_max_severity(&analysis) >= (int)args.fail_on)
			rc = CLI_EXIT_FINDINGS;
	}
	mg_buf_dispose(&out);
	mg_project_free(project);
	cli_args_dispose(&args);
	return rc;
}
