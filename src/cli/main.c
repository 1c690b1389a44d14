/*
 * main.c: `migraph COMMAND [options] PATH...`
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "migraph/sql.h"

typedef struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} cli_command;

static const cli_command commands[] = {
	{"list", cmd_list, "list changesets in execution order with their operations"},
	{"check", cmd_check, "run every rule; the exit code follows --fail-on"},
	{"review", cmd_review, "the release review: risk, comments, rollout, backfill, rollback"},
	{"plan", cmd_plan, "the phased rollout plan only; --emit DIR writes it as migrations"},
	{"graph", cmd_graph, "the rollout diagram (dot, svg, png, pdf)"},
	{"baseline", cmd_baseline, "write the current findings to a baseline file for check --baseline"},
	{"rules", cmd_rules, "list the rules (--format text|json|markdown)"},
	{"explain", cmd_explain, "explain one rule: why it matters, an example, the safe alternative"},
};

static void print_usage(FILE *f)
{
	fprintf(f, "usage: migraph COMMAND [options] PATH...\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nEach PATH is a Flyway location directory, a flyway.conf or flyway.toml,\n"
	           "a Liquibase root changelog, or a SQL file. All PATHs of one call form one\n"
	           "project and one release.\n\n"
	           "`migraph COMMAND --help` lists the options of a command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		print_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("migraph %s\n", MG_VERSION_STRING);
		return CLI_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (!strcmp(name, commands[i].name)) {
			int rc = commands[i].run(argc - 2, argv + 2);
			mg_sql_shutdown();
			return rc;
		}
	}
	fprintf(stderr, "migraph: unknown command '%s'\n\n", name);
	print_usage(stderr);
	return CLI_EXIT_USAGE;
}
