/*
 * github.c: GitHub Actions workflow commands, one annotation per finding
 * and diagnostic (`::error file=F,line=L,col=C,title=T::message`), which
 * GitHub shows on the pull request's diff.  `check` picks this format by
 * itself when GITHUB_ACTIONS=true and no --format is given.  The plain
 * summary line follows, so the job log still says what was found.
 *
 * Escaping is the runner's: in the message %, CR and LF become %25, %0D
 * and %0A (a multi-line annotation); in property values also ':' and ','.
 */
#include "migraph/render.h"

static const char *command(mg_severity sev)
{
	return sev >= MG_SEV_HIGH ? "error" : sev == MG_SEV_MEDIUM ? "warning" : "notice";
}

static void escape(mg_buf *out, const char *s, bool property)
{
	for (const char *p = s ? s : ""; *p; p++) {
		switch (*p) {
		case '%': mg_buf_puts(out, "%25"); break;
		case '\r': mg_buf_puts(out, "%0D"); break;
		case '\n': mg_buf_puts(out, "%0A"); break;
		case ':':
			if (property)
				mg_buf_puts(out, "%3A");
			else
				mg_buf_putc(out, ':');
			break;
		case ',':
			if (property)
				mg_buf_puts(out, "%2C");
			else
				mg_buf_putc(out, ',');
			break;
		default: mg_buf_putc(out, *p);
		}
	}
}

static void annotate(mg_buf *out, const mg_loc *loc, mg_severity sev, const char *id,
                     const char *message, const char *fix)
{
	mg_buf_printf(out, "::%s ", command(sev));
	if (loc->file) {
		mg_buf_puts(out, "file=");
		escape(out, loc->file, true);
		if (loc->line)
			mg_buf_printf(out, ",line=%u", loc->line);
		if (loc->line && loc->col)
			mg_buf_printf(out, ",col=%u", loc->col);
		mg_buf_putc(out, ',');
	}
	mg_buf_puts(out, "title=");
	escape(out, id, true);
	mg_buf_printf(out, " (%s)", mg_severity_name(sev));
	mg_buf_puts(out, "::");
	escape(out, message, false);
	if (fix) {
		mg_buf_puts(out, "%0A%0ASafe alternative:%0A");
		escape(out, fix, false);
	}
	mg_buf_putc(out, '\n');
}

void mg_render_github(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts)
{
	for (size_t i = 0; i < analysis->n_findings; i++) {
		const mg_finding *f = analysis->findings[i];
		if (!f->suppressed_by)
			annotate(out, &f->loc, f->severity, f->rule->id,
			         f->message ? f->message : f->rule->summary, f->safe_alternative);
	}
	const mg_diag_list *dl = &analysis->project->diags;
	for (size_t i = 0; i < dl->count; i++)
		annotate(out, &dl->items[i]->loc, dl->items[i]->severity, dl->items[i]->code,
		         dl->items[i]->message, dl->items[i]->hint);
	mg_render_check_summary(out, analysis, opts);
}
