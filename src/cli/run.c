/*
 * run.c: what list and check share: read the traffic profile, load the
 * project, run the analysis.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "migraph/profile.h"
#include "migraph/triage.h"

/* The profile comes first: its engine decides how the project loads
 * (Liquibase dbms filters) unless --engine was given. */
static const mg_profile *load_profile(cli_args *args, mg_diag_list *diags)
{
	if (!args->analysis.profile_file)
		return NULL;
	const mg_profile *profile = mg_profile_load(&args->scratch, args->analysis.profile_file,
	                                             args->load.limits.max_file_bytes, diags);
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

static void render(const cli_command_spec *spec, const cli_args *args, mg_buf *out,
                   const mg_analysis *analysis, const mg_render_options *ropts)
{
	if (spec->write_baseline) {
		mg_render_baseline(out, analysis);
		return;
	}
	switch (args->format) {
	case CLI_FORMAT_JSON: mg_render_json(out, analysis, ropts); break;
	case CLI_FORMAT_SARIF: mg_render_sarif(out, analysis, ropts); break;
	case CLI_FORMAT_JUNIT: mg_render_junit(out, analysis, ropts); break;
	case CLI_FORMAT_GITHUB: mg_render_github(out, analysis, ropts); break;
	case CLI_FORMAT_GITLAB: mg_render_gitlab(out, analysis, ropts); break;
	case CLI_FORMAT_GCC: mg_render_gcc(out, analysis, ropts); break;
	case CLI_FORMAT_TEXT: spec->render_text(out, analysis, ropts); break;
	default: break; /* review, plan and graph formats: not these commands' */
	}
}

int cli_run_command(const cli_command_spec *spec, int argc, char **argv)
{
	cli_args args;
	bool done;
	int rc = cli_parse_args(&args, spec->name, argc, argv, &done);
	if (rc == CLI_EXIT_OK && !done)
		rc = cli_apply_config(&args);
	if (rc != CLI_EXIT_OK || done) {
		cli_args_dispose(&args);
		return rc;
	}
	mg_triage_options topts = {
		.rules = args.config.rules,
		.n_rules = args.config.n_rules,
		.rules_enable_given = args.config.rules_enable_given,
		.only_release = args.only_release,
	};
	if (args.baseline_file) {
		mg_diag_list diags;
		mg_diag_list_init(&diags, &args.scratch);
		topts.baseline = mg_known_findings_read(&args.scratch, args.baseline_file,
		                                        args.load.limits.max_file_bytes, &diags);
		if (!topts.baseline) {
			cli_print_diags(&diags);
			rc = cli_error(CLI_EXIT_USAGE, "the baseline %s is not usable%s",
			               args.baseline_file,
			               mg_path_is_file(args.baseline_file)
			                       ? ""
			                       : " ('migraph baseline' writes it)");
			cli_args_dispose(&args);
			return rc;
		}
	}
	mg_analysis analysis;
	mg_project *project = cli_load_and_analyze(&args, &analysis, spec->run_rules);
	mg_triage triage = {0};
	if (spec->run_rules)
		mg_triage_run(&analysis, &topts, &triage);
	mg_render_options ropts = {.show_all = args.show_all,
	                           .with_findings = spec->run_rules,
	                           .fail_on = args.fail_on,
	                           .docs_url = args.docs_url,
	                           .triage = spec->run_rules ? &triage : NULL};
	mg_buf out = MG_BUF_INIT;
	rc = cli_open_output(&args, &out);
	if (rc == CLI_EXIT_OK) {
		render(spec, &args, &out, &analysis, &ropts);
		rc = cli_close_output(&args, &out);
	}
	if (rc == CLI_EXIT_OK) {
		if (cli_nothing_loaded(project))
			rc = cli_error(CLI_EXIT_USAGE, "nothing could be loaded from the given PATHs");
		else if (spec->write_baseline)
			fprintf(stderr, "migraph: %zu findings written to %s (%zu suppressed inline left out)\n",
			        analysis.n_findings - triage.suppressed,
			        args.output ? args.output : "standard output", triage.suppressed);
		else if (spec->run_rules && mg_triage_max_severity(&analysis) >= (int)args.fail_on)
			rc = CLI_EXIT_FINDINGS;
	}
	mg_buf_dispose(&out);
	mg_project_free(project);
	cli_args_dispose(&args);
	return rc;
}
