/*
 * review_check.c: the per-changeset lines of `check` text.
 *
 * A finding says what a rule noticed; a reviewer also signs off what no
 * rule noticed.  So `check` ends with one line for every changeset of the
 * release, findings or not: its risk, the locks that make traffic wait
 * (what waits, for how long, until when) and its expected runtime.  One
 * line each keeps a 300-changeset release scannable in a terminal or a
 * CI log; `review` has the long form.
 */
#include "render/review_int.h"

static void put_line(mg_buf *out, const rv_changeset *c)
{
	mg_buf b = MG_BUF_INIT;
	mg_buf_printf(out, "  %-4zu %-8s ", c->cs->index + 1, mg_severity_name(c->level));
	rv_put_changeset_label(&b, c->cs);
	rv_text(out, mg_buf_cstr(&b));
	mg_buf_puts(out, ": ");
	bool any = false;
	for (size_t i = 0; i < c->n_locks; i++) {
		const mg_table_risk *t = c->locks[i].risk;
		if (t->new_in_release || !(t->blocks_reads || t->blocks_writes))
			continue;
		mg_buf_clear(&b);
		rv_put_lock_note(&b, &c->locks[i]);
		mg_buf_puts(out, any ? "; " : "");
		rv_text(out, mg_buf_cstr(&b));
		any = true;
	}
	if (!c->judged)
		mg_buf_puts(out, "not run on this engine");
	else if (!any)
		mg_buf_puts(out, "no lock makes reads or writes of an existing table wait");
	if (c->judged) {
		mg_buf_clear(&b);
		rv_put_runtime(&b, c);
		mg_buf_puts(out, "; runtime ");
		rv_text(out, mg_buf_cstr(&b));
	}
	mg_buf_putc(out, '\n');
	mg_buf_dispose(&b);
}

void rv_check_changeset_lines(mg_buf *out, const mg_analysis *analysis)
{
	rv_review r;
	rv_review_build(&r, analysis, NULL);
	if (!r.n_changesets)
		return;
	mg_buf_printf(out, "\nchangesets in the release (%zu): risk, the locks that make traffic wait, "
	                   "expected runtime\n",
	              r.n_changesets);
	for (size_t i = 0; i < r.n_changesets; i++)
		put_line(out, &r.changesets[i]);
}
