/*
 * cmd_list.c: `migraph list PATH...` prints the changesets in execution
 * order with their operations.
 */
#include "cli/cli.h"

int cmd_list(int argc, char **argv)
{
	cli_args args;
	bool done;
	int rc = cli_parse_args(&args, "list", argc, argv, &done);
	if (rc != CLI_EXIT_OK || done) {
		cli_args_dispose(&args);
		return rc;
	}
	mg_analysis analysis;
	mg_project *project = cli_load_and_analyze(&args, &analysis, false);
	mg_render_options ropts = {.show_all = args.show_all};
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
		mg_render_list_text(&out, &analysis, &ropts);
	rc = cli_close_output(&args, &out);
	if (rc == CLI_EXIT_OK && cli_nothing_loaded(project))
		rc = cli_error(CLI_EXIT_USAGE, "nothing could be loaded from the given PATHs");
	mg_buf_dispose(&out);
	mg_project_free(project);
	cli_args_dispose(&args);
	return rc;
}
