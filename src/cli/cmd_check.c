/*
 * cmd_check.c: `migraph check PATH...` runs every rule of the registry
 * and reports findings and input diagnostics; the exit code follows
 * --fail-on, so a CI job can gate a release on it.
 */
#include "cli/cli.h"

static const cli_command_spec check_spec = {
	.name = "check",
	.run_rules = true,
	.render_text = mg_render_check_text,
};

int cmd_check(int argc, char **argv)
{
	return cli_run_command(&check_spec, argc, argv);
}
