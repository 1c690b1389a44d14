/*
 * junit.c: JUnit XML, the test report every CI server reads (GitLab's
 * `artifacts:reports:junit`, Jenkins, Azure Pipelines, CircleCI).
 *
 * One testsuite per migration file, one testcase per changeset of the
 * release in it: a changeset fails when a finding reaches --fail-on, and
 * its <failure> lists those findings; findings below the threshold and
 * suppressed ones are in the testcase's <system-out>.  Input diagnostics
 * form a testsuite "input" of one testcase that errs when a diagnostic
 * reaches --fail-on, so the report fails exactly when `check` exits 1.
 */
#include <string.h>

#include "migraph/ignore.h"
#include "migraph/render.h"
#include "render/json_writer.h"

/* XML 1.0 text: markup characters escaped, control characters that XML
 * cannot carry and bytes that are not UTF-8 replaced by U+FFFD. */
static void xml_text(mg_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		switch (c) {
		case '&': mg_buf_puts(out, "&amp;"); i++; continue;
		case '<': mg_buf_puts(out, "&lt;"); i++; continue;
		case '>': mg_buf_puts(out, "&gt;"); i++; continue;
		case '"': mg_buf_puts(out, "&quot;"); i++; continue;
		case '\'': mg_buf_puts(out, "&apos;"); i++; continue;
		case '\t':
		case '\n':
		case '\r': mg_buf_putc(out, (char)c); i++; continue;
		default: break;
		}
		if (c < 0x20) {
			mg_buf_puts(out, "\xEF\xBF\xBD");
			i++;
			continue;
		}
		size_t len = mg_utf8_seq_len(p + i, n - i);
		if (!len || (len == 3 && p[i] == 0xEF && p[i + 1] == 0xBF && p[i + 2] >= 0xBE)) {
			/* not UTF-8, or U+FFFE/U+FFFF, which XML forbids */
			mg_buf_puts(out, "\xEF\xBF\xBD");
			i += len ? len : 1;
			continue;
		}
		mg_buf_put(out, (const char *)p + i, len);
		i += len;
	}
}

/* An attribute value: like text, but line breaks would be normalised
 * away by the reader, so they are written as character references. */
static void xml_attr(mg_buf *out, const char *s)
{
	mg_buf tmp = MG_BUF_INIT;
	xml_text(&tmp, s);
	for (size_t i = 0; i < tmp.len; i++) {
		char c = tmp.data[i];
		if (c == '\n')
			mg_buf_puts(out, "&#10;");
		else if (c == '\r')
			mg_buf_puts(out, "&#13;");
		else if (c == '\t')
			mg_buf_puts(out, "&#9;");
		else
			mg_buf_putc(out, c);
	}
	mg_buf_dispose(&tmp);
}

static void put_finding(mg_buf *out, const mg_finding *f)
{
	mg_buf line = MG_BUF_INIT;
	mg_buf_printf(&line, "%s:%u:%u: %s %s: %s\n", f->loc.file ? f->loc.file : "?", f->loc.line,
	              f->loc.col ? f->loc.col : 1, mg_severity_name(f->severity), f->rule->id,
	              f->message ? f->message : f->rule->summary);
	if (f->suppressed_by)
		mg_buf_printf(&line, "  suppressed at %s:%u: %s\n", f->suppressed_by->loc.file,
		              f->suppressed_by->loc.line, f->suppressed_by->reason);
	else if (f->safe_alternative)
		mg_buf_printf(&line, "  safe alternative:\n%s\n", f->safe_alternative);
	xml_text(out, mg_buf_cstr(&line));
	mg_buf_dispose(&line);
}

static bool fails(const mg_finding *f, const mg_render_options *o)
{
	return !f->suppressed_by && f->severity >= o->fail_on;
}

static bool judged(const mg_changeset *cs)
{
	return (cs->flags & MG_CSF_IN_RELEASE) &&
	       !(cs->flags & (MG_CSF_FILTERED | MG_CSF_NOT_APPLICABLE | MG_CSF_IGNORED));
}

/* The changeset's name in the report: what its tool calls it. */
static void put_name(mg_buf *out, const mg_changeset *cs)
{
	mg_buf name = MG_BUF_INIT;
	if (mg_changeset_kind_is_flyway(cs->kind))
		mg_buf_puts(&name, cs->script ? cs->script : mg_path_basename(cs->loc.file));
	else
		mg_buf_printf(&name, "%s::%s::%s", cs->filename ? cs->filename : "",
		              cs->id ? cs->id : "", cs->author ? cs->author : "");
	xml_attr(out, mg_buf_cstr(&name));
	mg_buf_dispose(&name);
}

/* One testcase for the findings f[0..n) that belong to one changeset
 * (cs) or to none (cs NULL).  Returns whether it failed. */
static bool testcase(mg_buf *out, const mg_changeset *cs, const char *file,
                     const mg_finding *const *f, size_t n, const mg_render_options *o)
{
	size_t failing = 0, other = 0;
	for (size_t i = 0; i < n; i++)
		failing += fails(f[i], o);
	other = n - failing;
	mg_buf_puts(out, "    <testcase name=\"");
	if (cs)
		put_name(out, cs);
	else
		mg_buf_puts(out, "(no changeset)");
	mg_buf_puts(out, "\" classname=\"");
	xml_attr(out, file);
	mg_buf_puts(out, "\" file=\"");
	xml_attr(out, file);
	mg_buf_printf(out, "\" line=\"%u\"", cs ? cs->loc.line : 1);
	if (!n) {
		mg_buf_puts(out, "/>\n");
		return false;
	}
	mg_buf_puts(out, ">\n");
	if (failing) {
		const mg_finding *first = NULL;
		for (size_t i = 0; i < n && !first; i++)
			if (fails(f[i], o))
				first = f[i];
		mg_buf_puts(out, "      <failure type=\"");
		xml_attr(out, first->rule->id);
		mg_buf_printf(out, "\" message=\"%zu finding%s at or above %s: ", failing,
		              failing == 1 ? "" : "s", mg_severity_name(o->fail_on));
		xml_attr(out, first->message ? first->message : first->rule->summary);
		mg_buf_puts(out, "\">");
		for (size_t i = 0; i < n; i++)
			if (fails(f[i], o))
				put_finding(out, f[i]);
		mg_buf_puts(out, "</failure>\n");
	}
	if (other) {
		mg_buf_puts(out, "      <system-out>");
		for (size_t i = 0; i < n; i++)
			if (!fails(f[i], o))
				put_finding(out, f[i]);
		mg_buf_puts(out, "</system-out>\n");
	}
	mg_buf_puts(out, "    </testcase>\n");
	return failing > 0;
}

typedef struct suite {
	const char *file;
	size_t *cs;      /* changeset indices in order */
	size_t n_cs;
	size_t failures;
	mg_buf body;
} suite;

void mg_render_junit(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts)
{
	const mg_project *p = analysis->project;
	mg_arena arena;
	mg_arena_init(&arena);
	mg_map by_file;
	mg_map_init(&by_file, &arena);
	suite *suites = NULL;
	size_t n_suites = 0;
	/* Findings of each changeset: the analysis sorts them by changeset. */
	size_t *first = mg_arena_alloc(&arena, (p->n_changesets + 1) * sizeof *first);
	size_t *count = mg_arena_alloc(&arena, (p->n_changesets + 1) * sizeof *count);
	const mg_finding **loose = mg_arena_alloc(&arena, (analysis->n_findings + 1) * sizeof *loose);
	size_t n_loose = 0;
	for (size_t i = 0; i < analysis->n_findings; i++) {
		const mg_finding *f = analysis->findings[i];
		if (f->has_changeset && f->changeset_index < p->n_changesets) {
			if (!count[f->changeset_index]++)
				first[f->changeset_index] = i;
		} else {
			loose[n_loose++] = f;
		}
	}
	for (size_t i = 0; i < p->n_changesets; i++) {
		const mg_changeset *cs = p->changesets[i];
		if (!judged(cs) && !count[i])
			continue;
		const char *file = cs->loc.file ? cs->loc.file : "?";
		size_t at = (size_t)mg_map_get(&by_file, file);
		if (!at) {
			suites = mg_arena_grow(&arena, suites, sizeof *suites, n_suites, n_suites + 1);
			suites[n_suites].file = file;
			suites[n_suites].body = (mg_buf)MG_BUF_INIT;
			at = ++n_suites;
			mg_map_put(&by_file, file, (void *)at);
		}
		suite *s = &suites[at - 1];
		s->cs = mg_arena_grow(&arena, s->cs, sizeof *s->cs, s->n_cs, s->n_cs + 1);
		s->cs[s->n_cs++] = i;
		const mg_finding *const *fl = (const mg_finding *const *)analysis->findings + first[i];
		s->failures += testcase(&s->body, cs, file, count[i] ? fl : NULL, count[i], opts);
	}

	const mg_diag_list *dl = &p->diags;
	size_t diag_errors = 0;
	for (size_t i = 0; i < dl->count; i++)
		diag_errors += dl->items[i]->severity >= opts->fail_on;
	size_t tests = 1 + (n_loose > 0), failures = 0;
	for (size_t i = 0; i < n_suites; i++) {
		tests += suites[i].n_cs;
		failures += suites[i].failures;
	}
	mg_buf loose_body = MG_BUF_INIT;
	bool loose_failed = n_loose && testcase(&loose_body, NULL, "migraph", loose, n_loose, opts);
	failures += loose_failed;

	mg_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	mg_buf_printf(out,
	              "<testsuites name=\"migraph check\" tests=\"%zu\" failures=\"%zu\" "
	              "errors=\"%d\" skipped=\"0\">\n",
	              tests, failures, diag_errors > 0);
	for (size_t i = 0; i < n_suites; i++) {
		suite *s = &suites[i];
		mg_buf_puts(out, "  <testsuite name=\"");
		xml_attr(out, s->file);
		mg_buf_printf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n",
		              s->n_cs, s->failures);
		mg_buf_put(out, s->body.data ? s->body.data : "", s->body.len);
		mg_buf_puts(out, "  </testsuite>\n");
		mg_buf_dispose(&s->body);
	}
	if (n_loose) {
		mg_buf_printf(out,
		              "  <testsuite name=\"migraph\" tests=\"1\" failures=\"%zu\" errors=\"0\" "
		              "skipped=\"0\">\n",
		              (size_t)loose_failed);
		mg_buf_put(out, loose_body.data, loose_body.len);
		mg_buf_puts(out, "  </testsuite>\n");
	}
	mg_buf_dispose(&loose_body);

	/* Input diagnostics: one testcase that errs when one reaches --fail-on. */
	mg_buf_printf(out,
	              "  <testsuite name=\"input\" tests=\"1\" failures=\"0\" errors=\"%d\" "
	              "skipped=\"0\">\n",
	              diag_errors > 0);
	mg_buf_puts(out, "    <testcase name=\"inputs load\" classname=\"input\"");
	if (!dl->count) {
		mg_buf_puts(out, "/>\n");
	} else {
		mg_buf_puts(out, ">\n");
		mg_buf line = MG_BUF_INIT;
		for (int pass = 0; pass < 2; pass++) {
			bool errors = pass == 0;
			size_t n = 0;
			for (size_t i = 0; i < dl->count; i++)
				n += (dl->items[i]->severity >= opts->fail_on) == errors;
			if (!n)
				continue;
			if (errors)
				mg_buf_printf(out,
				              "      <error type=\"input\" message=\"%zu input "
				              "diagnostic%s at or above %s\">",
				              n, n == 1 ? "" : "s", mg_severity_name(opts->fail_on));
			else
				mg_buf_puts(out, "      <system-out>");
			for (size_t i = 0; i < dl->count; i++) {
				const mg_diag *d = dl->items[i];
				if ((d->severity >= opts->fail_on) != errors)
					continue;
				mg_buf_clear(&line);
				mg_buf_printf(&line, "%s:%u:%u: %s %s: %s\n",
				              d->loc.file ? d->loc.file : "migraph", d->loc.line,
				              d->loc.col, mg_severity_name(d->severity), d->code,
				              d->message);
				xml_text(out, mg_buf_cstr(&line));
			}
			mg_buf_puts(out, errors ? "</error>\n" : "</system-out>\n");
		}
		mg_buf_dispose(&line);
		mg_buf_puts(out, "    </testcase>\n");
	}
	mg_buf_puts(out, "  </testsuite>\n</testsuites>\n");
	mg_arena_free(&arena);
}
