/*
 * review_int.h: what the review renderers share (src/render/review_*.c,
 * plan_json.c, dot.c and the per-changeset lines of `check`).
 *
 * rv_review is the release as the review tells it: every changeset of the
 * release, in order, with its risk figures, the locks it takes on each
 * table and until when they are held, its findings and the plan steps it
 * became.  The phrases built from it are the same in every format; each
 * renderer only escapes them for its own syntax.
 */
#ifndef MIGRAPH_RENDER_REVIEW_INT_H
#define MIGRAPH_RENDER_REVIEW_INT_H

#include "migraph/review.h"
#include "migraph/risk.h"
#include "render/json_writer.h"

/* A table lock of a changeset, as the reader needs it. */
typedef struct rv_table_lock {
	const mg_table_risk *risk;
	bool until_commit;         /* held until the transaction commits */
	size_t stmts_after;        /* statements of that transaction that run after it */
} rv_table_lock;

typedef struct rv_changeset {
	const mg_changeset *cs;
	const mg_changeset_risk *risk;   /* NULL when none was computed */
	bool judged;               /* false: filtered by dbms, not applicable, ignored */
	mg_severity level;         /* the worst of the figures and the findings */
	rv_table_lock *locks;
	size_t n_locks;
	const mg_finding **findings;
	size_t *finding_index;     /* position of each in analysis->findings */
	size_t n_findings;
	size_t *steps;             /* plan steps (indexes) made from it */
	size_t n_steps;
	const char **assumptions;  /* distinct runtime assumptions of its costly statements */
	size_t n_assumptions;
	size_t n_opaque;           /* statements that could not be judged */
} rv_changeset;

typedef struct rv_review {
	const mg_analysis *analysis;
	const mg_project *project;
	const mg_plan *plan;       /* NULL for `check` */
	mg_arena *arena;
	rv_changeset *changesets;  /* the release, in execution order */
	size_t n_changesets;
	size_t *position;          /* changeset index -> position in changesets + 1, or 0 */
	const mg_finding **other_findings; /* findings of no changeset in the release */
	size_t n_other_findings;
	size_t severity_counts[MG_SEV_CRITICAL + 1]; /* findings by severity, suppressed ones apart */
	size_t n_suppressed;       /* findings an inline migraph:ignore suppresses */
	bool runtime_known;        /* every changeset's runtime is known */
	double runtime_ms;         /* the sum of the known ones */
	size_t n_runtime_unknown;
	mg_severity level;         /* the worst changeset level */
} rv_review;

/* Builds the review of an analysis that has run; plan may be NULL. */
void rv_review_build(rv_review *r, const mg_analysis *analysis, const mg_plan *plan);
/* The review entry of a changeset, or NULL when it is not in the release. */
const rv_changeset *rv_review_changeset(const rv_review *r, size_t changeset_index);

/* ---- Phrases (plain text; the renderer escapes them) --------------------- */

/* "22 min", "42.9 s", "under 1 ms". */
void rv_put_duration(mg_buf *out, double ms);
/* "ACCESS EXCLUSIVE" for AccessExclusiveLock: how DBAs say it. */
const char *rv_lock_label(mg_lock_mode mode);
/* "public.orders" */
void rv_put_relation(mg_buf *out, const mg_object *o);
/* "V2 add order status", "R order summary view", "file::id::author". */
void rv_put_changeset_label(mg_buf *out, const mg_changeset *cs);
/* "V2", "R", or the Liquibase id: the short name for a diagram node. */
void rv_put_changeset_short(mg_buf *out, const mg_changeset *cs);
/* "reads and writes wait 17 min, until commit (1 later statement runs
 * meanwhile); ~10.5M requests queued" */
void rv_put_lock_wait(mg_buf *out, const rv_table_lock *l);
/* "ACCESS EXCLUSIVE on public.orders: <rv_put_lock_wait>" */
void rv_put_lock_note(mg_buf *out, const rv_table_lock *l);
/* "17 min (rewrite of public.orders: 80 GB at 80 MB/s)", "unknown (...)" */
void rv_put_runtime(mg_buf *out, const rv_changeset *c);
/* The changeset's risk notes, in order, as sentences. */
const char **rv_risk_notes(const rv_review *r, const rv_changeset *c, size_t *n);
/* "in one transaction", "outside a transaction (each statement commits)". */
const char *rv_transaction_mode(const mg_changeset *cs);

/* A step's strongest lock (NULL when it takes none). */
const mg_lock *rv_step_main_lock(const mg_plan_step *s);
/* A step's changeset, or NULL for a plan-wide step. */
const mg_changeset *rv_step_changeset(const mg_plan *plan, const mg_plan_step *s);
/* "s3" */
const char *rv_step_id(const mg_plan_step *s);
/* "SET lock_timeout 2 s; statement_timeout none; in a transaction" */
void rv_put_step_how(mg_buf *out, const mg_plan_step *s);

/* ---- Markdown escaping ----------------------------------------------------- */

/* Inline text: Markdown and HTML specials are backslash-escaped or turned
 * into entities ('|' too, so it is safe in a table cell), control
 * characters shown as \xNN, line breaks as spaces. */
void rv_md_text(mg_buf *out, const char *s);
/* An inline code span no backtick of s can close; '|' escaped in a table. */
void rv_md_code(mg_buf *out, const char *s, bool in_table);
/* A fenced code block whose fence no line of text can close, each line
 * after indent (the enclosing list item's). */
void rv_md_code_block(mg_buf *out, const char *lang, const char *text, const char *indent);
/* A path as a link target: percent-encoded, so it stays a relative path. */
void rv_md_url(mg_buf *out, const char *path);
/* "[file:line](file#Lline)" with the path percent-encoded in the link. */
void rv_md_location(mg_buf *out, const mg_loc *loc);

/* ---- Text escaping ------------------------------------------------------- */

/* One line of text: control characters (and a line break) as \xNN, so no
 * terminal escape from the project reaches the terminal. */
void rv_text(mg_buf *out, const char *s);
/* Multi-line text, each line prefixed with indent and escaped. */
void rv_text_block(mg_buf *out, const char *text, const char *indent);

/* ---- The document writer ---------------------------------------------------
 *
 * The review's content is written once (review_doc.c) through these calls;
 * the writer turns them into Markdown or terminal text.  Blocks (headings,
 * paragraphs, list items, code blocks, tables) hold inline pieces (text,
 * code, a severity, a file:line); every piece from the project is escaped
 * for the syntax. */

typedef enum rv_syntax {
	RV_MARKDOWN = 0,
	RV_TEXT
} rv_syntax;

#define RV_MAX_DEPTH 8
#define RV_MAX_COLS 8

typedef struct rv_doc {
	mg_buf *out;
	rv_syntax syntax;
	bool color;
	mg_buf *target;            /* where inline pieces go: out, or a buffer */
	mg_buf line;               /* heading or cell being built */
	char indent[RV_MAX_DEPTH * 4 + 1];
	size_t indent_at[RV_MAX_DEPTH];
	int depth;                 /* open list items */
	bool line_open;            /* an inline line is being written */
	bool block_start;          /* the next inline piece starts a block */
	int heading;               /* level of the open heading, 0 when none */
	bool started;              /* something was written */
	/* Tables: text buffers every cell to align the columns. */
	bool in_table;
	size_t n_cols;
	char **cells;
	size_t n_cells, cells_cap;
} rv_doc;

void rv_doc_init(rv_doc *d, mg_buf *out, rv_syntax syntax, bool color);
void rv_doc_finish(rv_doc *d);

void rv_heading(rv_doc *d, int level);
void rv_heading_end(rv_doc *d);
void rv_para(rv_doc *d);
void rv_para_end(rv_doc *d);
/* number 0: a bullet. */
void rv_item(rv_doc *d, size_t number);
void rv_item_end(rv_doc *d);
void rv_list_end(rv_doc *d);
/* summary: collapsible in Markdown (<details>) with this summary, NULL for
 * an open block. */
void rv_code_block(rv_doc *d, const char *lang, const char *text, const char *summary);
void rv_table(rv_doc *d, size_t n_cols, const char *const *headers);
void rv_cell(rv_doc *d);
void rv_cell_end(rv_doc *d);
void rv_table_end(rv_doc *d);

void rv_put(rv_doc *d, const char *s);               /* plain text, escaped */
void rv_putf(rv_doc *d, const char *fmt, ...) MG_PRINTF(2, 3);
void rv_put_buf(rv_doc *d, mg_buf *b);               /* rv_put of a buffer's text */
void rv_code(rv_doc *d, const char *s);              /* an identifier or SQL fragment */
void rv_strong(rv_doc *d, const char *s);
void rv_severity(rv_doc *d, mg_severity sev);
void rv_location(rv_doc *d, const mg_loc *loc);
void rv_checkbox(rv_doc *d);                         /* "[ ] " of a task list */
void rv_image(rv_doc *d, const char *alt, const char *path);

/* ---- JSON ---------------------------------------------------------------- */

/* An object as the report writes it: {"kind", "schema", "table", "name"}. */
void rv_json_object(rnd_json *j, const mg_object *o);
/* Writes "plan": {...} into the report being written. */
void rv_json_plan(rnd_json *j, const mg_plan *plan);
/* The report of json.c with the plan (NULL: none) before its summary. */
void rv_json_report(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts,
                    const mg_plan *plan);

/* `check` text: one line per changeset of the release. */
void rv_check_changeset_lines(mg_buf *out, const mg_analysis *analysis);

#endif
