/*
 * cmd_review.c: `migraph review PATH...` writes the release review
 * (formats/review.md): risk assessment, review comments per migration,
 * the phased rollout plan, the backfill plan, verification and rollback;
 * `--graph FILE` writes the rollout diagram beside it.  `migraph plan`
 * (cmd_plan.c) writes the plan sections through the same code.
 *
 * The format: --format, else -o's extension (.md, .txt, .json), else text
 * on a terminal and Markdown otherwise (a file, a pipe, a CI log that
 * becomes a pull-request comment).  Colours only in text, only on a
 * terminal unless --color=always, never with NO_COLOR set.
 *
 * Exit codes: 0 when the document was written; 2 when the invocation is
 * unusable, nothing could be loaded or an output cannot be written.
 * Findings do not change it: `check --fail-on` is the gate.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static cli_format document_format(const cli_args *args)
{
	if (args->format_given)
		return args->format;
	const char *o = args->output && strcmp(args->output, "-") ? args->output : NULL;
	if (o) {
		if (mg_str_iends_with(o, ".json"))
			return CLI_FORMAT_JSON;
		if (mg_str_iends_with(o, ".txt"))
			return CLI_FORMAT_TEXT;
		return CLI_FORMAT_MARKDOWN;
	}
	return isatty(STDOUT_FILENO) ? CLI_FORMAT_TEXT : CLI_FORMAT_MARKDOWN;
}

static bool use_color(const cli_args *args)
{
	if (args->color == CLI_COLOR_ALWAYS)
		return true;
	if (args->color == CLI_COLOR_NEVER)
		return false;
	const char *no_color = getenv("NO_COLOR");
	if (no_color && *no_color)
		return false;
	bool to_stdout = !args->output || !strcmp(args->output, "-");
	return to_stdout && isatty(STDOUT_FILENO);
}

/* The diagram as the document links to it: relative to the document's
 * folder when both are files, so the link works where the review lands. */
static const char *diagram_link(mg_arena *arena, const cli_args *args)
{
	const char *g = args->graph_file;
	if (!args->output || !strcmp(args->output, "-"))
		return g;
	char doc_dir[PATH_MAX], graph[PATH_MAX];
	if (!realpath(mg_path_dirname(arena, args->output), doc_dir) || !realpath(g, graph))
		return g;
	/* The longest common folder, then one ".." per folder of the
	 * document's path below it. */
	size_t common = 0;
	for (size_t i = 0; doc_dir[i] && doc_dir[i] == graph[i]; i++)
		if (doc_dir[i] == '/')
			common = i;
	size_t dn = strlen(doc_dir);
	if (dn == 1) /* the document is in / */
		return mg_arena_strdup(arena, graph + 1);
	if (!strncmp(doc_dir, graph, dn) && graph[dn] == '/')
		common = dn;
	mg_buf b = MG_BUF_INIT;
	for (const char *p = doc_dir + common; *p; p++)
		if (*p == '/')
			mg_buf_puts(&b, "../");
	mg_buf_puts(&b, graph + common + 1);
	const char *link = mg_arena_strdup(arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return link;
}

static int run_document(const char *command, unsigned sections, int argc, char **argv)
{
	cli_args args;
	mg_analysis analysis;
	mg_project *project;
	mg_plan *plan;
	bool done;
	int rc = cli_build_plan(&args, command, argc, argv, &analysis, &project, &plan, &done);
	mg_diagram_format gformat = MG_DIAGRAM_DOT;
	if (rc == CLI_EXIT_OK && !done && args.graph_file &&
	    mg_diagram_format_from_path(args.graph_file, &gformat) != 0)
		rc = cli_error(CLI_EXIT_USAGE, "--graph %s: name the file .dot, .svg, .png or .pdf",
		               args.graph_file);
	if (rc == CLI_EXIT_OK && !done && args.graph_file)
		rc = cli_write_diagram(&args, plan, args.graph_file, gformat);
	if (rc == CLI_EXIT_OK && !done && args.emit_dir) {
		size_t written = 0;
		rc = cli_emit_write(args.emit_dir, mg_plan_emit(plan), args.force, &written);
		if (rc == CLI_EXIT_OK)
			fprintf(stderr, "migraph: wrote %zu file%s under %s\n", written,
			        written == 1 ? "" : "s", args.emit_dir);
	}
	if (rc == CLI_EXIT_OK && !done) {
		cli_format format = document_format(&args);
		mg_review_options ropts = {sections, format == CLI_FORMAT_TEXT && use_color(&args),
		                           args.graph_file ? diagram_link(&project->arena, &args) : NULL};
		mg_render_options jopts = {.with_findings = true};
		mg_buf out = MG_BUF_INIT;
		rc = cli_open_output(&args, &out);
		if (rc == CLI_EXIT_OK) {
			if (format == CLI_FORMAT_JSON)
				mg_render_review_json(&out, plan, &jopts);
			else if (format == CLI_FORMAT_TEXT)
				mg_render_review_text(&out, plan, &ropts);
			else
				mg_render_review_markdown(&out, plan, &ropts);
			rc = cli_close_output(&args, &out);
		}
		mg_buf_dispose(&out);
	}
	if (project)
		mg_project_free(project);
	cli_args_dispose(&args);
	return rc;
}

int cmd_review(int argc, char **argv)
{
	return run_document("review", MG_REVIEW_ALL, argc, argv);
}

int cmd_plan(int argc, char **argv)
{
	return run_document("plan", MG_REVIEW_PLAN_ONLY, argc, argv);
}
