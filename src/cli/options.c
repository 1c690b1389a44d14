/*
 * options.c: one table of options drives both parsing and --help, so the
 * two cannot disagree.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

enum {
	CMD_LIST = 1u << 0,
	CMD_CHECK = 1u << 1,
	CMD_BASELINE = 1u << 2,
	CMD_REVIEW = 1u << 3,
	CMD_PLAN = 1u << 4,
	CMD_GRAPH = 1u << 5,
	CMD_DOCS = CMD_REVIEW | CMD_PLAN,
	CMD_ALL = CMD_LIST | CMD_CHECK | CMD_BASELINE | CMD_DOCS | CMD_GRAPH
};

typedef enum opt_id {
	OPT_HELP,
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_ENGINE,
	OPT_SEARCH_PATH,
	OPT_CLASSPATH_ROOT,
	OPT_CONTEXTS,
	OPT_LABELS,
	OPT_DEFINE,
	OPT_FAIL_ON,
	OPT_ALL,
	OPT_ALLOW_OUTSIDE,
	OPT_MAX_FILE_SIZE,
	OPT_MAX_STATEMENT_SIZE,
	OPT_MAX_INCLUDE_DEPTH,
	OPT_MAX_NESTING_DEPTH,
	OPT_MAX_SQL_DEPTH,
	OPT_MAX_ALIAS_EXPANSION,
	OPT_MAX_EXPANSION,
	OPT_MAX_FILES,
	OPT_SCHEMA,
	OPT_APPLIED,
	OPT_SINCE,
	OPT_GIT_BASE,
	OPT_DEPLOY,
	OPT_PROFILE,
	OPT_CONFIG,
	OPT_NO_CONFIG,
	OPT_BASELINE,
	OPT_ONLY_RELEASE,
	OPT_DOCS_URL,
	OPT_GRAPH,
	OPT_EMIT,
	OPT_FORCE,
	OPT_FOCUS,
	OPT_GROUP,
	OPT_COLOR
} opt_id;

typedef struct cli_opt {
	opt_id id;
	const char *name;     /* long name without "--" */
	char short_name;      /* 0 when none */
	const char *arg;      /* argument placeholder, NULL for a switch */
	unsigned commands;
	const char *help;
} cli_opt;

static const cli_opt options[] = {
	{OPT_FORMAT, "format", 0, "FMT", CMD_LIST | CMD_CHECK,
	 "output format: text (default), json (formats/report.md), sarif (code scanning); "
	 "check also junit, github, gitlab, gcc (formats/ci.md). check picks github by itself "
	 "when GITHUB_ACTIONS=true"},
	{OPT_FORMAT, "format", 0, "FMT", CMD_DOCS,
	 "markdown, text or json (default: from -o's extension .md, .txt or .json; else text on "
	 "a terminal, markdown otherwise)"},
	{OPT_FORMAT, "format", 0, "FMT", CMD_GRAPH,
	 "dot, svg, png or pdf (default: from -o's extension, else dot)"},
	{OPT_OUTPUT, "output", 'o', "FILE", CMD_ALL, "write the output to FILE instead of stdout"},
	{OPT_CONFIG, "config", 0, "FILE", CMD_ALL,
	 "read this configuration instead of the .migraph.yaml found from the current directory "
	 "upward (formats/config.md)"},
	{OPT_NO_CONFIG, "no-config", 0, NULL, CMD_ALL, "read no configuration file"},
	{OPT_ENGINE, "engine", 0, "ENGINE", CMD_ALL,
	 "target engine, e.g. postgresql:15 (default postgresql:16); also decides Liquibase "
	 "dbms filtering (mysql:8.0, mariadb:10.11)"},
	{OPT_SEARCH_PATH, "search-path", 0, "DIR[,DIR]", CMD_ALL,
	 "Liquibase search path (repeatable); default: the current directory. Flyway "
	 "classpath: locations resolve against it too"},
	{OPT_CLASSPATH_ROOT, "classpath-root", 0, "DIR", CMD_ALL,
	 "where Flyway classpath: locations live (repeatable); default: src/main/resources and "
	 "src/main/java under each search path"},
	{OPT_CONTEXTS, "contexts", 0, "EXPR", CMD_ALL, "Liquibase context expression"},
	{OPT_LABELS, "labels", 0, "EXPR", CMD_ALL, "Liquibase label expression (also --label-filter)"},
	{OPT_LABELS, "label-filter", 0, "EXPR", CMD_ALL, NULL},
	{OPT_DEFINE, "define", 'D', "NAME=VALUE", CMD_ALL,
	 "set a Flyway placeholder or Liquibase property (repeatable; beats config files)"},
	{OPT_DEFINE, "placeholder", 0, "NAME=VALUE", CMD_ALL, NULL},
	{OPT_FAIL_ON, "fail-on", 0, "SEVERITY", CMD_CHECK,
	 "exit 1 when a finding or diagnostic reaches SEVERITY: info, low, medium, high "
	 "(default), critical"},
	{OPT_BASELINE, "baseline", 0, "FILE", CMD_CHECK,
	 "report only findings this baseline (written by 'migraph baseline') does not cover"},
	{OPT_ONLY_RELEASE, "only-release", 0, NULL, CMD_CHECK,
	 "leave out input diagnostics about files that hold no changeset of the release"},
	{OPT_DOCS_URL, "docs-url", 0, "URL", CMD_CHECK,
	 "where the rule documentation lives; a rule's link is URL#RULE (SARIF helpUri)"},
	{OPT_SCHEMA, "schema", 0, "FILE", CMD_ALL,
	 "baseline schema (pg_dump --schema-only) the history starts from"},
	{OPT_APPLIED, "applied", 0, "FILE", CMD_ALL,
	 "CSV export of flyway_schema_history or DATABASECHANGELOG: the release is what is "
	 "pending"},
	{OPT_SINCE, "since", 0, "VERSION|TAG", CMD_ALL,
	 "the release is everything after this Flyway version or Liquibase tag"},
	{OPT_GIT_BASE, "git-base", 0, "REF", CMD_ALL,
	 "the release is what was added or changed since this git ref"},
	{OPT_PROFILE, "profile", 0, "FILE", CMD_ALL,
	 "traffic profile (YAML, formats/profile.md): table sizes, QPS, SLOs; severities "
	 "then follow the risk figures"},
	{OPT_DEPLOY, "deploy", 0, "STRATEGY", CMD_ALL,
	 "rolling (default), single, blue-green or canary: which changes break the running app"},
	{OPT_ALL, "all", 'a', NULL, CMD_LIST, "also list changesets excluded by contexts, labels or dbms"},
	{OPT_GRAPH, "graph", 0, "FILE", CMD_REVIEW,
	 "also write the rollout diagram to FILE (.dot, .svg, .png or .pdf)"},
	{OPT_EMIT, "emit", 0, "DIR", CMD_PLAN,
	 "write the plan as migrations of the project's format under DIR"},
	{OPT_FORCE, "force", 0, NULL, CMD_PLAN, "--emit: overwrite files that exist"},
	{OPT_FOCUS, "focus", 0, "CHANGESET|TABLE", CMD_GRAPH | CMD_REVIEW,
	 "diagram: only the steps of this changeset (version, id or file) or table, and their "
	 "neighbours"},
	{OPT_GROUP, "group", 0, "MODE", CMD_GRAPH | CMD_REVIEW,
	 "diagram: auto (default), none (a node per step), file or release"},
	{OPT_COLOR, "color", 0, "WHEN", CMD_DOCS,
	 "text colours: auto (default: on a terminal, unless NO_COLOR is set), always, never"},
	{OPT_ALLOW_OUTSIDE, "allow-outside", 0, NULL, CMD_ALL,
	 "allow includes and locations outside the search paths and given PATHs"},
	{OPT_MAX_FILE_SIZE, "max-file-size", 0, "SIZE", CMD_ALL,
	 "largest file read (default 100MiB; units B, KB, MB, GB, KiB, MiB, GiB)"},
	{OPT_MAX_STATEMENT_SIZE, "max-statement-size", 0, "SIZE", CMD_ALL,
	 "largest single SQL statement parsed (default 32MiB)"},
	{OPT_MAX_INCLUDE_DEPTH, "max-include-depth", 0, "N", CMD_ALL,
	 "deepest Liquibase include chain (default 100)"},
	{OPT_MAX_NESTING_DEPTH, "max-nesting-depth", 0, "N", CMD_ALL,
	 "deepest XML/YAML nesting (default 1000)"},
	{OPT_MAX_SQL_DEPTH, "max-sql-depth", 0, "N", CMD_ALL,
	 "deepest parse tree of one SQL statement, in levels (default 10000)"},
	{OPT_MAX_ALIAS_EXPANSION, "max-alias-expansion", 0, "N", CMD_ALL,
	 "most YAML nodes produced through aliases (default 100000)"},
	{OPT_MAX_EXPANSION, "max-expansion", 0, "SIZE", CMD_ALL,
	 "most text placeholders, properties and YAML aliases may produce in one run "
	 "(default 4 x --max-file-size)"},
	{OPT_MAX_FILES, "max-files", 0, "N", CMD_ALL,
	 "most files read from the locations (default 1000000)"},
	{OPT_HELP, "help", 'h', NULL, CMD_ALL, "show this help"},
};

#define N_OPTIONS (sizeof options / sizeof options[0])

static unsigned command_bit(const char *command)
{
	static const struct {
		const char *name;
		unsigned bit;
	} bits[] = {{"list", CMD_LIST},     {"check", CMD_CHECK}, {"baseline", CMD_BASELINE},
	            {"review", CMD_REVIEW}, {"plan", CMD_PLAN},   {"graph", CMD_GRAPH}};
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
		if (!strcmp(command, bits[i].name))
			return bits[i].bit;
	return CMD_CHECK;
}

/* The formats each command writes. */
static const struct {
	const char *name;
	cli_format format;
	unsigned commands;
} formats[] = {
	{"text", CLI_FORMAT_TEXT, CMD_LIST | CMD_CHECK | CMD_BASELINE | CMD_DOCS},
	{"json", CLI_FORMAT_JSON, CMD_LIST | CMD_CHECK | CMD_BASELINE | CMD_DOCS},
	{"sarif", CLI_FORMAT_SARIF, CMD_LIST | CMD_CHECK | CMD_BASELINE},
	{"junit", CLI_FORMAT_JUNIT, CMD_CHECK | CMD_BASELINE},
	{"github", CLI_FORMAT_GITHUB, CMD_CHECK | CMD_BASELINE},
	{"gitlab", CLI_FORMAT_GITLAB, CMD_CHECK | CMD_BASELINE},
	{"gcc", CLI_FORMAT_GCC, CMD_CHECK | CMD_BASELINE},
	{"markdown", CLI_FORMAT_MARKDOWN, CMD_DOCS},
	{"md", CLI_FORMAT_MARKDOWN, CMD_DOCS},
	{"dot", CLI_FORMAT_DOT, CMD_GRAPH},
	{"gv", CLI_FORMAT_DOT, CMD_GRAPH},
	{"svg", CLI_FORMAT_SVG, CMD_GRAPH},
	{"png", CLI_FORMAT_PNG, CMD_GRAPH},
	{"pdf", CLI_FORMAT_PDF, CMD_GRAPH},
};

static int parse_format(cli_args *args, const char *value)
{
	unsigned bit = command_bit(args->command);
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (!strcmp(value, formats[i].name) && (formats[i].commands & bit)) {
			args->format = formats[i].format;
			args->format_given = true;
			return CLI_EXIT_OK;
		}
	mg_buf names = MG_BUF_INIT;
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if ((formats[i].commands & bit) && strcmp(formats[i].name, "md") &&
		    strcmp(formats[i].name, "gv"))
			mg_buf_printf(&names, "%s%s", names.len ? ", " : "", formats[i].name);
	int rc = cli_error(CLI_EXIT_USAGE, "unknown format '%s' (%s)", value, mg_buf_cstr(&names));
	mg_buf_dispose(&names);
	return rc;
}

int cli_error(int code, const char *fmt, ...)
{
	va_list ap;
	fputs("migraph: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

void cli_print_help(const char *command)
{
	unsigned bit = command_bit(command);
	printf("usage: migraph %s [options] PATH...\n\noptions:\n", command);
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const cli_opt *o = &options[i];
		if (!(o->commands & bit) || !o->help)
			continue;
		char left[64];
		if (o->short_name)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
			         o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
			         o->arg ? o->arg : "");
		printf("  %-30s %s\n", left, o->help);
	}
	printf("\nexit codes: 0 nothing reaches --fail-on; 1 something does; 2 unusable "
	       "invocation or nothing could be loaded\n");
}

/* Appends to a heap array of strings (the CLI owns these; freed in dispose). */
static void push_str(const char ***items, size_t *count, const char *s)
{
	*items = mg_xrealloc((void *)*items, (*count + 1) * sizeof **items);
	(*items)[(*count)++] = s;
}

static int parse_uint(const char *opt, const char *value, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(value, &end, 10);
	if (errno || end == value || *end || value[0] == '-')
		return cli_error(CLI_EXIT_USAGE, "--%s expects a number, not '%s'", opt, value);
	*out = (size_t)v;
	return CLI_EXIT_OK;
}

static int parse_size(const char *opt, const char *value, size_t *out)
{
	uint64_t v;
	if (mg_parse_bytes(value, &v) != 0 || v > SIZE_MAX)
		return cli_error(CLI_EXIT_USAGE, "--%s expects a size such as 64MiB, not '%s'", opt,
		                 value);
	*out = (size_t)v;
	return CLI_EXIT_OK;
}

static int apply(cli_args *args, const cli_opt *o, const char *value)
{
	mg_load_options *l = &args->load;
	size_t n;
	int rc;
	switch (o->id) {
	case OPT_HELP:
		return CLI_EXIT_OK;
	case OPT_FORMAT:
		return parse_format(args, value);
	case OPT_OUTPUT:
		args->output = value;
		return CLI_EXIT_OK;
	case OPT_ENGINE:
		if (mg_engine_parse(value, &l->engine) != 0)
			return cli_error(CLI_EXIT_USAGE,
			                 "unknown engine '%s' (postgresql:10..18, mysql:8.0, "
			                 "mariadb:10.11)",
			                 value);
		l->engine_given = true;
		return CLI_EXIT_OK;
	case OPT_SEARCH_PATH: {
		/* Comma-separated and repeatable, as Liquibase's --search-path. */
		char *copy = strdup(value), *save = NULL;
		for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			if (*tok)
				push_str(&l->search_paths, &l->n_search_paths, strdup(tok));
		free(copy);
		return CLI_EXIT_OK;
	}
	case OPT_CLASSPATH_ROOT:
		push_str(&l->classpath_roots, &l->n_classpath_roots, strdup(value));
		return CLI_EXIT_OK;
	case OPT_CONTEXTS:
		l->contexts = value;
		args->contexts_given = true;
		return CLI_EXIT_OK;
	case OPT_LABELS:
		l->labels = value;
		args->labels_given = true;
		return CLI_EXIT_OK;
	case OPT_DEFINE: {
		const char *eq = strchr(value, '=');
		if (!eq || eq == value)
			return cli_error(CLI_EXIT_USAGE, "-D expects NAME=VALUE, not '%s'", value);
		l->properties = mg_xrealloc(l->properties, (l->n_properties + 1) * sizeof *l->properties);
		mg_property *p = &l->properties[l->n_properties++];
		p->name = strndup(value, (size_t)(eq - value));
		p->value = strdup(eq + 1);
		return CLI_EXIT_OK;
	}
	case OPT_FAIL_ON:
		if (mg_severity_parse(value, &args->fail_on) != 0)
			return cli_error(CLI_EXIT_USAGE,
			                 "unknown severity '%s' (info, low, medium, high, critical)",
			                 value);
		args->fail_on_given = true;
		return CLI_EXIT_OK;
	case OPT_CONFIG:
		args->config_file = value;
		return CLI_EXIT_OK;
	case OPT_NO_CONFIG:
		args->no_config = true;
		return CLI_EXIT_OK;
	case OPT_BASELINE:
		args->baseline_file = value;
		return CLI_EXIT_OK;
	case OPT_ONLY_RELEASE:
		args->only_release = true;
		return CLI_EXIT_OK;
	case OPT_DOCS_URL:
		if (!strstr(value, "://"))
			return cli_error(CLI_EXIT_USAGE,
			                 "--docs-url expects an absolute URL such as "
			                 "https://host/rules.md, not '%s'",
			                 value);
		args->docs_url = value;
		return CLI_EXIT_OK;
	case OPT_ALL:
		args->show_all = true;
		return CLI_EXIT_OK;
	case OPT_ALLOW_OUTSIDE:
		l->allow_outside = true;
		return CLI_EXIT_OK;
	case OPT_MAX_FILE_SIZE:
		return parse_size(o->name, value, &l->limits.max_file_bytes);
	case OPT_MAX_STATEMENT_SIZE:
		return parse_size(o->name, value, &l->limits.max_statement_bytes);
	case OPT_MAX_EXPANSION:
		return parse_size(o->name, value, &l->limits.max_expansion_bytes);
	case OPT_MAX_INCLUDE_DEPTH:
		rc = parse_uint(o->name, value, &n);
		l->limits.max_include_depth = (unsigned)n;
		return rc;
	case OPT_MAX_NESTING_DEPTH:
		rc = parse_uint(o->name, value, &n);
		l->limits.max_nesting_depth = (unsigned)n;
		return rc;
	case OPT_MAX_SQL_DEPTH:
		return parse_uint(o->name, value, &l->limits.max_sql_depth);
	case OPT_MAX_ALIAS_EXPANSION:
		return parse_uint(o->name, value, &l->limits.max_alias_expansion);
	case OPT_MAX_FILES:
		return parse_uint(o->name, value, &l->limits.max_files);
	case OPT_SCHEMA:
		args->analysis.schema_file = value;
		return CLI_EXIT_OK;
	case OPT_APPLIED:
		args->analysis.applied_file = value;
		return CLI_EXIT_OK;
	case OPT_SINCE:
		args->analysis.since = value;
		return CLI_EXIT_OK;
	case OPT_GIT_BASE:
		args->analysis.git_base = value;
		return CLI_EXIT_OK;
	case OPT_PROFILE:
		args->analysis.profile_file = value;
		return CLI_EXIT_OK;
	case OPT_DEPLOY:
		if (mg_deploy_parse(value, &args->analysis.deploy) != 0)
			return cli_error(CLI_EXIT_USAGE,
			                 "unknown deploy strategy '%s' (rolling, single, blue-green, "
			                 "canary)",
			                 value);
		args->analysis.deploy_given = true;
		return CLI_EXIT_OK;
	case OPT_GRAPH:
		args->graph_file = value;
		return CLI_EXIT_OK;
	case OPT_EMIT:
		args->emit_dir = value;
		return CLI_EXIT_OK;
	case OPT_FORCE:
		args->force = true;
		return CLI_EXIT_OK;
	case OPT_FOCUS:
		args->focus = value;
		return CLI_EXIT_OK;
	case OPT_GROUP:
		if (strcmp(value, "auto") && strcmp(value, "none") && strcmp(value, "file") &&
		    strcmp(value, "release"))
			return cli_error(CLI_EXIT_USAGE,
			                 "unknown --group '%s' (auto, none, file, release)", value);
		args->group = value;
		return CLI_EXIT_OK;
	case OPT_COLOR:
		if (!strcmp(value, "auto"))
			args->color = CLI_COLOR_AUTO;
		else if (!strcmp(value, "always"))
			args->color = CLI_COLOR_ALWAYS;
		else if (!strcmp(value, "never"))
			args->color = CLI_COLOR_NEVER;
		else
			return cli_error(CLI_EXIT_USAGE, "unknown --color '%s' (auto, always, never)",
			                 value);
		return CLI_EXIT_OK;
	}
	return CLI_EXIT_OK;
}

/* An option may have one entry per command (--format's help differs):
 * the entry of this command first, else any, to say it does not apply. */
static const cli_opt *find_long(const char *name, size_t len, unsigned bit)
{
	const cli_opt *any = NULL;
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (strlen(options[i].name) == len && !strncmp(options[i].name, name, len)) {
			if (options[i].commands & bit)
				return &options[i];
			if (!any)
				any = &options[i];
		}
	return any;
}

static const cli_opt *find_short(char c)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (options[i].short_name == c)
			return &options[i];
	return NULL;
}

int cli_parse_args(cli_args *args, const char *command, int argc, char **argv, bool *done)
{
	memset(args, 0, sizeof *args);
	mg_arena_init(&args->scratch);
	args->command = command;
	args->fail_on = MG_SEV_HIGH;
	mg_load_options_init(&args->load);
	*done = false;
	unsigned bit = command_bit(command);
	bool only_paths = false;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (only_paths || a[0] != '-' || a[1] == '\0') {
			push_str(&args->paths, &args->n_paths, a);
			continue;
		}
		if (!strcmp(a, "--")) {
			only_paths = true;
			continue;
		}
		const cli_opt *o;
		const char *value = NULL;
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			o = find_long(name, eq ? (size_t)(eq - name) : strlen(name), bit);
			if (!o)
				return cli_error(CLI_EXIT_USAGE, "unknown option '%s' (see --help)", a);
			if (eq) {
				if (!o->arg)
					return cli_error(CLI_EXIT_USAGE, "--%s takes no value", o->name);
				value = eq + 1;
			}
		} else {
			o = find_short(a[1]);
			if (!o)
				return cli_error(CLI_EXIT_USAGE, "unknown option '%s' (see --help)", a);
			if (a[2]) {
				if (!o->arg)
					return cli_error(CLI_EXIT_USAGE, "-%c takes no value", a[1]);
				value = a + 2; /* -Dname=value */
			}
		}
		if (!(o->commands & bit))
			return cli_error(CLI_EXIT_USAGE, "--%s does not apply to '%s'", o->name, command);
		if (o->id == OPT_HELP) {
			cli_print_help(command);
			*done = true;
			return CLI_EXIT_OK;
		}
		if (o->arg && !value) {
			if (i + 1 >= argc)
				return cli_error(CLI_EXIT_USAGE, "--%s needs a value (%s)", o->name, o->arg);
			value = argv[++i];
		}
		int rc = apply(args, o, value);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	return CLI_EXIT_OK;
}

void cli_args_dispose(cli_args *args)
{
	free(args->paths);
	for (size_t i = 0; i < args->load.n_search_paths; i++)
		free((void *)args->load.search_paths[i]);
	free(args->load.search_paths);
	for (size_t i = 0; i < args->load.n_classpath_roots; i++)
		free((void *)args->load.classpath_roots[i]);
	free(args->load.classpath_roots);
	for (size_t i = 0; i < args->load.n_properties; i++) {
		free((void *)args->load.properties[i].name);
		free((void *)args->load.properties[i].value);
	}
	free(args->load.properties);
	mg_arena_free(&args->scratch);
	memset(args, 0, sizeof *args);
}

int cli_open_output(const cli_args *args, mg_buf *buf)
{
	FILE *f = stdout;
	if (args->output && strcmp(args->output, "-") != 0) {
		f = fopen(args->output, "wb");
		if (!f)
			return cli_error(CLI_EXIT_USAGE, "cannot write %s: %s", args->output,
			                 strerror(errno));
	}
	mg_buf_set_sink(buf, f);
	return CLI_EXIT_OK;
}

int cli_close_output(const cli_args *args, mg_buf *buf)
{
	FILE *f = buf->sink;
	int err = mg_buf_flush(buf) != 0;
	if (f) {
		err |= fflush(f) != 0;
		if (f != stdout)
			err |= fclose(f) != 0;
	}
	mg_buf_set_sink(buf, NULL);
	if (err)
		return cli_error(CLI_EXIT_USAGE, "error writing %s", args->output ? args->output : "output");
	return CLI_EXIT_OK;
}
