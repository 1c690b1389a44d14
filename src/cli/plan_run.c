/*
 * plan_run.c: what review, plan and graph share: the analysis with every
 * rule, the plan built from it, and writing the diagram.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "migraph/triage.h"

int cli_build_plan(cli_args *args, const char *command, int argc, char **argv,
                   mg_analysis *analysis, mg_project **project, mg_plan **plan, bool *done)
{
	*project = NULL;
	*plan = NULL;
	int rc = cli_parse_args(args, command, argc, argv, done);
	if (rc == CLI_EXIT_OK && !*done)
		rc = cli_apply_config(args);
	if (rc != CLI_EXIT_OK || *done)
		return rc;
	*project = cli_load_and_analyze(args, analysis, true);
	if (cli_nothing_loaded(*project))
		return cli_error(CLI_EXIT_USAGE, "nothing could be loaded from the given PATHs");
	/* The configuration's rule settings and inline suppressions apply as
	 * in check: a suppressed finding stays in the review, marked. */
	mg_triage_options topts = {
		.rules = args->config.rules,
		.n_rules = args->config.n_rules,
		.rules_enable_given = args->config.rules_enable_given,
	};
	mg_triage triage = {0};
	mg_triage_run(analysis, &topts, &triage);
	*plan = mg_plan_build(analysis);
	return CLI_EXIT_OK;
}

int cli_write_diagram(const cli_args *args, const mg_plan *plan, const char *path,
                      mg_diagram_format format)
{
	mg_diagram_options dopts = {MG_GROUP_AUTO, args->focus};
	if (args->group)
		mg_diagram_group_parse(args->group, &dopts.group);
	bool to_stdout = !path || !strcmp(path, "-");
	if (to_stdout && (format == MG_DIAGRAM_PNG || format == MG_DIAGRAM_PDF) &&
	    isatty(STDOUT_FILENO))
		return cli_error(CLI_EXIT_USAGE, "%s is binary: write it to a file with -o FILE",
		                 mg_diagram_format_name(format));
	mg_buf out = MG_BUF_INIT;
	const char *error = NULL;
	if (mg_render_diagram(&out, plan, format, &dopts, &error) != 0) {
		mg_buf_dispose(&out);
		return cli_error(CLI_EXIT_USAGE, "%s", error ? error : "the diagram could not be drawn");
	}
	cli_args where = *args;
	where.output = to_stdout ? NULL : path;
	mg_buf sink = MG_BUF_INIT;
	int rc = cli_open_output(&where, &sink);
	if (rc == CLI_EXIT_OK) {
		mg_buf_put(&sink, out.data ? out.data : "", out.len);
		rc = cli_close_output(&where, &sink);
	}
	mg_buf_dispose(&sink);
	mg_buf_dispose(&out);
	return rc;
}
