/*
 * cmd_rules.c: `migraph rules` prints the rule registry: as text, as
 * JSON, or as the markdown of formats/rules.md (src/render/rules.c).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cmd_rules(int argc, char **argv)
{
	const char *format = "text";
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: migraph rules [--format text|json|markdown]\n");
			return CLI_EXIT_OK;
		}
		if (!strcmp(argv[i], "--format") && i + 1 < argc)
			format = argv[++i];
		else if (!strncmp(argv[i], "--format=", 9))
			format = argv[i] + 9;
		else
			return cli_error(CLI_EXIT_USAGE, "unknown argument '%s' (see rules --help)", argv[i]);
	}
	mg_buf out = MG_BUF_INIT;
	if (!strcmp(format, "markdown")) {
		mg_render_rules_markdown(&out);
	} else if (!strcmp(format, "json")) {
		mg_render_rules_json(&out);
	} else if (!strcmp(format, "text")) {
		mg_render_rules_text(&out);
	} else {
		mg_buf_dispose(&out);
		return cli_error(CLI_EXIT_USAGE, "unknown format '%s' (text, json, markdown)", format);
	}
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
	mg_buf_dispose(&out);
	return CLI_EXIT_OK;
}
