/*
 * cmd_list.c: `migraph list PATH...` prints the changesets in execution
 * order with their operations, locks and risk; no rules run.
 */
#include "cli/cli.h"

static const cli_command_spec list_spec = {
	.name = "list",
	.run_rules = false,
	.render_text = mg_render_list_text,
};

int cmd_list(int argc, char **argv)
{
	return cli_run_command(&list_spec, argc, argv);
}
