/*
 * gcc.c: `file:line:col: severity: message [rule]`, one line per finding
 * and diagnostic, the shape editors and compilers' error parsers read
 * (Vim's quickfix, Emacs' compilation mode, VS Code's problem matchers).
 * Suppressed findings are left out; the severity is gcc's: error for
 * high and critical, warning for medium, note below.
 */
#include "migraph/render.h"

static const char *gcc_level(mg_severity sev)
{
	return sev >= MG_SEV_HIGH ? "error" : sev == MG_SEV_MEDIUM ? "warning" : "note";
}

/* One line: newlines in the message would start a line the parser
 * misreads as another problem. */
static void put_one_line(mg_buf *out, const char *text)
{
	for (const char *p = text ? text : ""; *p; p++)
		mg_buf_putc(out, *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p);
}

static void put_line(mg_buf *out, const mg_loc *loc, mg_severity sev, const char *message,
                     const char *id)
{
	if (loc->file) {
		put_one_line(out, loc->file);
		if (loc->line)
			mg_buf_printf(out, ":%u:%u", loc->line, loc->col ? loc->col : 1);
	} else {
		mg_buf_puts(out, "migraph");
	}
	mg_buf_printf(out, ": %s: ", gcc_level(sev));
	put_one_line(out, message);
	mg_buf_printf(out, " [%s]\n", id);
}

void mg_render_gcc(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts)
{
	(void)opts;
	for (size_t i = 0; i < analysis->n_findings; i++) {
		const mg_finding *f = analysis->findings[i];
		if (!f->suppressed_by)
			put_line(out, &f->loc, f->severity, f->message ? f->message : f->rule->summary,
			         f->rule->id);
	}
	const mg_diag_list *dl = &analysis->project->diags;
	for (size_t i = 0; i < dl->count; i++)
		put_line(out, &dl->items[i]->loc, dl->items[i]->severity, dl->items[i]->message,
		         dl->items[i]->code);
}
