/*
 * run.c: what list and check share: load the project, run the analysis.
 */
#include "cli/cli.h"

mg_project *cli_load_and_analyze(cli_args *args, mg_analysis *analysis, bool run_rules)
{
	mg_project *project = mg_load_project(args->paths, args->n_paths, &args->load);
	mg_analysis_init(analysis, project, &args->analysis);
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
