/*
 * cmd_graph.c: `migraph graph PATH...` draws the rollout plan: DOT text
 * by default, or SVG, PNG, PDF (--format, or -o's extension).  --focus
 * keeps one changeset or table with its neighbours, --group folds steps
 * by file or by release (formats/review.md, "Diagram").
 *
 * Exit codes: 0 when the diagram was written; 2 when the invocation is
 * unusable, nothing could be loaded, --focus matches nothing or the
 * output cannot be written.
 */
#include <string.h>

#include "cli/cli.h"

static mg_diagram_format diagram_format(const cli_args *args)
{
	mg_diagram_format f = MG_DIAGRAM_DOT;
	switch (args->format) {
	case CLI_FORMAT_SVG: return MG_DIAGRAM_SVG;
	case CLI_FORMAT_PNG: return MG_DIAGRAM_PNG;
	case CLI_FORMAT_PDF: return MG_DIAGRAM_PDF;
	case CLI_FORMAT_DOT: return MG_DIAGRAM_DOT;
	default: break;
	}
	if (args->output && strcmp(args->output, "-"))
		mg_diagram_format_from_path(args->output, &f);
	return f;
}

int cmd_graph(int argc, char **argv)
{
	cli_args args;
	mg_analysis analysis;
	mg_project *project;
	mg_plan *plan;
	bool done;
	int rc = cli_build_plan(&args, "graph", argc, argv, &analysis, &project, &plan, &done);
	if (rc == CLI_EXIT_OK && !done)
		rc = cli_write_diagram(&args, plan, args.output, diagram_format(&args));
	if (project)
		mg_project_free(project);
	cli_args_dispose(&args);
	return rc;
}
