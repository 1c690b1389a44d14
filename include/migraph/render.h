/*
 * render.h: the output formats.  Renderers only print what the analysis
 * produced; they write into a buffer and never do I/O themselves.
 */
#ifndef MIGRAPH_RENDER_H
#define MIGRAPH_RENDER_H

#include "migraph/rules.h"

struct mg_triage;

typedef struct mg_render_options {
	bool show_all;          /* list --all: also filtered changesets */
	bool with_findings;     /* check: findings section */
	bool color;
	mg_severity fail_on;    /* check: what fails (JUnit failures follow it) */
	const char *docs_url;   /* rule documentation; a rule's link is docs_url#id */
	const struct mg_triage *triage; /* what the triage removed and suppressed, or NULL */
} mg_render_options;

/* The documentation base when neither --docs-url nor the config sets one. */
#define MG_DOCS_URL_DEFAULT "https://github.com/migraph/migraph/blob/main/formats/rules.md"

/* Formats for CI (src/render/{junit,github,gitlab,gcc}.c, formats/ci.md). */
void mg_render_junit(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts);
void mg_render_github(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts);
void mg_render_gitlab(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts);
void mg_render_gcc(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts);
/* The one-line summary that ends `check`'s text output. */
void mg_render_check_summary(mg_buf *out, const mg_analysis *analysis,
                             const mg_render_options *opts);
/* The baseline file of the analysis's unsuppressed findings
 * (formats/baseline.md). */
void mg_render_baseline(mg_buf *out, const mg_analysis *analysis);

/* The JSON document of the output contract (formats/report.schema.json). */
void mg_render_json(mg_buf *out, const mg_analysis *analysis,
                    const mg_render_options *opts);

/* SARIF 2.1.0: findings and diagnostics for code scanning in CI, rule
 * metadata from the registry, columns in code points. */
void mg_render_sarif(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts);

/* Human-readable text: changesets with their operations (list). */
void mg_render_list_text(mg_buf *out, const mg_analysis *analysis,
                         const mg_render_options *opts);

/* Human-readable text: diagnostics and findings (check). */
void mg_render_check_text(mg_buf *out, const mg_analysis *analysis,
                          const mg_render_options *opts);

/* One-line rendering of an operation ("add_column public.t.c bigint ..."),
 * shared by the text renderers. */
void mg_render_op_summary(mg_buf *out, const mg_operation *op);
/* "public.orders" / "public.orders.id" */
void mg_render_object(mg_buf *out, const mg_object *obj);

#endif
