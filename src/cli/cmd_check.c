/*
 * cmd_check.c: `migraph check PATH...` runs every rule of the registry
 * and reports findings and input diagnostics; the exit code follows
 * --fail-on, so a CI job can gate a release on it.
 */
#include "cli/cli.h"

int cmd_check(int argc, char **argv)
{
	cli_args args;
	bool done;
	int rc = cli_parse_args(&args, "check", argc, argv, &done);
	if (rc != CLI_EXIT_OK || done) {
		cli_args_dispose(&args);
		return rc;
	}
	mg_analysis analysis;
	mg_project *project = cli_load_and_analyze(&args, &analysis, true);
	mg_render_options ropts = {.with_findings = true};
	mg_buf out = MG_BUF_INIT;
	rc = cli_open_output(&args, &out);
	if (rc != CLI_EXIT_OK) {
		mg_project_free(project);
		cli_args_dispose(&args);
		return rc;
	}
	if (args.format == CLI_FORMAT_JSON)
		mg_render_json(&out, &analysis, &ropts);
	else
		mg_render_check_text(&out, &analysis, &ropts);
	rc = cli_close_output(&args, &out);
	if (rc == CLI_EXIT_OK) {
		if (cli_nothing_loaded(project))
			rc = cli_error(CLI_EXIT_USAGE, "nothing could be loaded from the given PATHs");
		else if (mg_analysis_max_severity(&analysis) >= (int)args.fail_on)
			rc = CLI_EXIT_FINDINGS;
	}
	mg_buf_dispose(&out);
	mg_project_free(project);
	cli_args_dispose(&args);
	return rc;
}
