/*
 * cli.h: the command-line program.  Only src/cli prints, reads the
 * environment and decides exit codes.
 */
#ifndef MIGRAPH_CLI_H
#define MIGRAPH_CLI_H

#include "migraph/config.h"
#include "migraph/load.h"
#include "migraph/render.h"
#include "migraph/review.h"

/* Exit codes of the contract (DESIGN.md). */
enum {
	CLI_EXIT_OK = 0,        /* nothing reaches --fail-on */
	CLI_EXIT_FINDINGS = 1,  /* a finding or an input diagnostic reaches --fail-on */
	CLI_EXIT_USAGE = 2      /* unusable invocation, or nothing could be loaded */
};

typedef enum cli_format {
	CLI_FORMAT_TEXT = 0,
	CLI_FORMAT_JSON,
	CLI_FORMAT_SARIF,
	CLI_FORMAT_JUNIT,
	CLI_FORMAT_GITHUB,
	CLI_FORMAT_GITLAB,
	CLI_FORMAT_GCC,
	CLI_FORMAT_MARKDOWN,         /* review, plan */
	CLI_FORMAT_DOT,              /* graph: the four diagram formats */
	CLI_FORMAT_SVG,
	CLI_FORMAT_PNG,
	CLI_FORMAT_PDF
} cli_format;

typedef enum cli_color {
	CLI_COLOR_AUTO = 0,          /* when the output is a terminal and NO_COLOR is unset */
	CLI_COLOR_ALWAYS,
	CLI_COLOR_NEVER
} cli_color;

typedef struct cli_args {
	const char *command;
	const char **paths;
	size_t n_paths;
	cli_format format;
	bool format_given;
	const char *output;          /* -o FILE, NULL for stdout */
	mg_severity fail_on;
	bool fail_on_given;
	bool show_all;
	const char *config_file;     /* --config FILE */
	bool no_config;              /* --no-config */
	const char *baseline_file;   /* --baseline FILE (check) */
	bool only_release;           /* --only-release (check) */
	const char *docs_url;        /* --docs-url, else the config's, else the default */
	bool contexts_given;
	bool labels_given;
	const char *graph_file;      /* review --graph FILE */
	const char *emit_dir;        /* plan --emit DIR */
	bool force;                  /* plan --emit: overwrite existing files */
	const char *focus;           /* graph --focus */
	const char *group;           /* graph --group, as given */
	cli_color color;
	mg_load_options load;
	mg_analysis_options analysis;
	mg_config config;            /* .migraph.yaml when one was read */
	bool has_config;
	mg_arena scratch;            /* the profile and what else outlives one stage */
} cli_args;

/* Parses argv after the command name.  Returns CLI_EXIT_OK, or an exit
 * code after printing the problem (or the help text: *done is then set). */
int cli_parse_args(cli_args *args, const char *command, int argc, char **argv, bool *done);
/* After parsing: reads .migraph.yaml (--config, or found from the current
 * directory upward) and fills what the command line left unset, then the
 * defaults.  Returns CLI_EXIT_OK or CLI_EXIT_USAGE after printing why. */
int cli_apply_config(cli_args *args);
/* Prints diagnostics to stderr as file:line:col: severity code: message. */
void cli_print_diags(const mg_diag_list *diags);
void cli_args_dispose(cli_args *args);
void cli_print_help(const char *command);

/* Points the buffer at args->output (or stdout) so renderers stream into
 * it; close flushes what is left.  Both return 0 or print why not. */
int cli_open_output(const cli_args *args, mg_buf *buf);
int cli_close_output(const cli_args *args, mg_buf *buf);

/* Prints "migraph: message" to stderr and returns code. */
int cli_error(int code, const char *fmt, ...) MG_PRINTF(2, 3);

/* What distinguishes the commands that analyse a project. */
typedef struct cli_command_spec {
	const char *name;
	bool run_rules;           /* check: rules run and --fail-on decides the exit code */
	bool write_baseline;      /* baseline: the output is the baseline file */
	void (*render_text)(mg_buf *out, const mg_analysis *analysis,
	                    const mg_render_options *opts);
} cli_command_spec;

/* Parses arguments, loads, analyses, renders (JSON or the spec's text) and
 * returns the exit code of the contract. */
int cli_run_command(const cli_command_spec *spec, int argc, char **argv);

int cmd_list(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_graph(int argc, char **argv);

/* Loads the project of args and runs the analysis (rules only when
 * run_rules).  Returns the project, never NULL. */
mg_project *cli_load_and_analyze(cli_args *args, mg_analysis *analysis, bool run_rules);
/* True when nothing could be loaded (exit code 2). */
bool cli_nothing_loaded(const mg_project *project);

/* review, plan and graph: parse, load, analyse (rules included) and build
 * the plan.  Returns CLI_EXIT_OK with *plan set, or the exit code (after
 * printing why); *done is set when --help was shown. */
int cli_build_plan(cli_args *args, const char *command, int argc, char **argv,
                   mg_analysis *analysis, mg_project **project, mg_plan **plan, bool *done);
/* Writes the plan's diagram to path ("-": stdout) in format.  Returns 0
 * or prints why not and returns CLI_EXIT_USAGE. */
int cli_write_diagram(const cli_args *args, const mg_plan *plan, const char *path,
                      mg_diagram_format format);

/* plan --emit: whether a path of the emitted plan stays inside its folder
 * (relative, no "..", "." or empty segment, no control character). */
bool cli_emit_path_ok(const char *path);
/* Writes the files under dir (created when missing), refusing paths that
 * leave it, and files that exist unless force.  Returns the exit code;
 * *written counts the files written. */
int cli_emit_write(const char *dir, const mg_emit *emit, bool force, size_t *written);

#endif
