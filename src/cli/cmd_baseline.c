/*
 * cmd_baseline.c: `migraph baseline PATH... [-o FILE]` records the
 * current findings as known (formats/baseline.md), so that `check
 * --baseline FILE` reports only new ones: a team adopts migraph without
 * rewriting the history it will never run again.  The file goes to -o,
 * else to the `baseline` of .migraph.yaml, else to standard output.
 */
#include "cli/cli.h"

static const cli_command_spec baseline_spec = {
	.name = "baseline",
	.run_rules = true,
	.write_baseline = true,
	.render_text = mg_render_check_text,
};

int cmd_baseline(int argc, char **argv)
{
	return cli_run_command(&baseline_spec, argc, argv);
}
