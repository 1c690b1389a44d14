/*
 * cmd_explain.c: `migraph explain RULE` prints one rule's documentation:
 * what it reports, why it matters and the safe alternative (the
 * registry's doc), an example, and the versions it concerns.  An unknown
 * id suggests the closest one and exits 2.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "migraph/rule_extra.h"
#include "migraph/triage.h"

static void put_indented(mg_buf *out, const char *text)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		mg_buf_puts(out, "    ");
		mg_buf_put(out, p, n);
		mg_buf_putc(out, '\n');
		p += n + (nl != NULL);
	}
}

/* Paragraph text wrapped at 80 columns, indented by four. */
static void put_wrapped(mg_buf *out, const char *text)
{
	size_t col = 0;
	for (const char *p = text; *p;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (!n)
			break;
		if (col && col + 1 + n > 76) {
			mg_buf_putc(out, '\n');
			col = 0;
		}
		mg_buf_puts(out, col ? " " : "    ");
		mg_buf_put(out, p, n);
		col += n + (col ? 1 : 0);
		p += n;
	}
	mg_buf_putc(out, '\n');
}

int cmd_explain(int argc, char **argv)
{
	if (argc == 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		printf("usage: migraph explain RULE\n\n'migraph rules' lists the rule ids.\n");
		return CLI_EXIT_OK;
	}
	if (argc != 1)
		return cli_error(CLI_EXIT_USAGE, "usage: migraph explain RULE ('migraph rules' lists "
		                                 "them)");
	const mg_rule *r = mg_rule_find(argv[0]);
	if (!r) {
		const char *near = mg_rule_suggest(argv[0]);
		if (near)
			return cli_error(CLI_EXIT_USAGE, "unknown rule '%s'; did you mean '%s'?", argv[0],
			                 near);
		return cli_error(CLI_EXIT_USAGE, "unknown rule '%s' ('migraph rules' lists them)",
		                 argv[0]);
	}
	const mg_rule_extra *x = mg_rule_extra_find(r->id);
	mg_buf out = MG_BUF_INIT;
	mg_buf_printf(&out, "%s: %s\n\n", r->id, r->summary);
	mg_buf_printf(&out, "  category          %s\n  default severity  %s\n", mg_category_name(r->category),
	              mg_severity_name(r->default_severity));
	if (x)
		mg_buf_printf(&out, "  versions          %s\n", x->versions);
	mg_buf_puts(&out, "\nWhy it matters, and the safe alternative:\n");
	put_wrapped(&out, r->doc);
	if (x) {
		mg_buf_puts(&out, "\nExample:\n");
		put_indented(&out, x->example);
	}
	mg_buf_printf(&out,
	              "\nSuppress one finding with a reason, in the migration:\n"
	              "    -- migraph:ignore %s <why it does not apply here>\n"
	              "Turn the rule off in .migraph.yaml:  rules: {disable: [%s]}\n",
	              r->id, r->id);
	fwrite(out.data, 1, out.len, stdout);
	mg_buf_dispose(&out);
	return CLI_EXIT_OK;
}
