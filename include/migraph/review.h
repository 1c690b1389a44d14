/*
 * review.h: the release review document and the rollout diagram.
 *
 * The review is what a release reviewer signs off (formats/review.md):
 *   A  risk assessment: the release's scores per area, and per changeset
 *      the locks it takes, what waits and for how long, and its runtime;
 *   B  review comments per migration, at file:line, with safe alternatives;
 *   C  the phased rollout plan, step by step, with the SQL of each step;
 *   D  the backfill plan;
 *   E  verification and rollback.
 * `migraph plan` prints C to E only.  The same content comes as Markdown
 * (for a pull request), as text (for a terminal) and as JSON (the report
 * of formats/report.md with a `plan` object).
 *
 * The diagram is the plan's steps as a Graphviz graph: one cluster per
 * release and phase, nodes coloured by risk and labelled with the step,
 * its changeset, its main lock and its expected time, edges for the run
 * order and for dependencies (labelled with the object).
 *
 * Renderers write into a buffer and never do I/O; names and messages from
 * the project are escaped for the format (they may come from a hostile
 * repository).
 */
#ifndef MIGRAPH_REVIEW_H
#define MIGRAPH_REVIEW_H

#include "migraph/plan.h"
#include "migraph/render.h"

/* Which sections a document holds. */
enum {
	MG_REVIEW_RISK = 1u << 0,      /* A */
	MG_REVIEW_COMMENTS = 1u << 1,  /* B */
	MG_REVIEW_ROLLOUT = 1u << 2,   /* C */
	MG_REVIEW_BACKFILL = 1u << 3,  /* D */
	MG_REVIEW_VERIFY = 1u << 4,    /* E */
	MG_REVIEW_PLAN_ONLY = MG_REVIEW_ROLLOUT | MG_REVIEW_BACKFILL | MG_REVIEW_VERIFY,
	MG_REVIEW_ALL = MG_REVIEW_RISK | MG_REVIEW_COMMENTS | MG_REVIEW_PLAN_ONLY
};

typedef struct mg_review_options {
	unsigned sections;          /* MG_REVIEW_* bits; 0 means all */
	bool color;                 /* text: ANSI colours by severity */
	const char *diagram;        /* review --graph FILE: the document links to it */
} mg_review_options;

/* The review document in Markdown, readable in a pull request. */
void mg_render_review_markdown(mg_buf *out, const mg_plan *plan, const mg_review_options *opts);
/* The same content for a terminal. */
void mg_render_review_text(mg_buf *out, const mg_plan *plan, const mg_review_options *opts);
/* The JSON report (formats/report.schema.json) with the plan under "plan". */
void mg_render_review_json(mg_buf *out, const mg_plan *plan, const mg_render_options *opts);

/* ---- The rollout diagram ------------------------------------------------ */

typedef enum mg_diagram_format {
	MG_DIAGRAM_DOT = 0,
	MG_DIAGRAM_SVG,
	MG_DIAGRAM_PNG,
	MG_DIAGRAM_PDF
} mg_diagram_format;

/* "dot", "svg", "png", "pdf". */
const char *mg_diagram_format_name(mg_diagram_format f);
/* Accepts those names and "gv".  Returns 0, or -1 for anything else. */
int mg_diagram_format_parse(const char *text, mg_diagram_format *out);
/* The format a file name asks for by its extension: 0, or -1 when none. */
int mg_diagram_format_from_path(const char *path, mg_diagram_format *out);

typedef enum mg_diagram_group {
	MG_GROUP_AUTO = 0,   /* none up to MG_DIAGRAM_MAX_NODES steps, then file, then release */
	MG_GROUP_NONE,       /* one node per step */
	MG_GROUP_FILE,       /* one node per file (changeset group) and phase */
	MG_GROUP_RELEASE     /* one node per release and phase */
} mg_diagram_group;

#define MG_DIAGRAM_MAX_NODES 60

/* "auto", "none", "file", "release".  Returns 0 or -1. */
int mg_diagram_group_parse(const char *text, mg_diagram_group *out);

typedef struct mg_diagram_options {
	mg_diagram_group group;
	const char *focus;          /* a changeset (version, id, file) or a table; NULL: all */
} mg_diagram_options;

/* Renders the plan's diagram into out.  Returns 0, or -1 when nothing can
 * be drawn (a focus that matches no step, a Graphviz failure): *error then
 * says why. */
int mg_render_diagram(mg_buf *out, const mg_plan *plan, mg_diagram_format format,
                      const mg_diagram_options *opts, const char **error);

#endif
