/*
 * review_write.c: the document writer of review_int.h, in two syntaxes.
 *
 * Markdown: every block ends with a blank line, list items nest by the
 * width of their marker, code blocks get a fence their text cannot close,
 * tables are GitHub's pipe tables.  Text: headings underlined, colours
 * (when asked) by severity, code indented, tables aligned on the widest
 * cell.  Inline pieces from the project are escaped by review_escape.c;
 * at the start of a Markdown block, text that would open another block
 * ("- ", "1. ", "+ ", "=") is escaped too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/review_int.h"

#define ANSI_RESET "\033[0m"
#define ANSI_BOLD "\033[1m"

void rv_doc_init(rv_doc *d, mg_buf *out, rv_syntax syntax, bool color)
{
	memset(d, 0, sizeof *d);
	d->out = out;
	d->syntax = syntax;
	d->color = color && syntax == RV_TEXT;
	d->target = out;
	d->block_start = true;
	mg_buf line = MG_BUF_INIT;
	d->line = line;
}

static void end_line(rv_doc *d)
{
	if (d->line_open) {
		mg_buf_putc(d->out, '\n');
		d->started = true;
	}
	d->line_open = false;
}

void rv_doc_finish(rv_doc *d)
{
	end_line(d);
	mg_buf_dispose(&d->line);
}

/* Before an inline piece: the indent of the enclosing items, once per line. */
static void begin_inline(rv_doc *d)
{
	if (d->target != d->out || d->line_open)
		return;
	mg_buf_puts(d->out, d->indent);
	d->line_open = true;
}

/* Columns a string takes on a terminal: code points, without our colours. */
static size_t visible_width(const char *s)
{
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == 0x1b && p[1] == '[') {
			p += 2;
			while (*p && *p != 'm')
				p++;
			if (!*p)
				break;
			continue;
		}
		if ((*p & 0xC0) != 0x80)
			w++;
	}
	return w;
}

static void repeat(mg_buf *out, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mg_buf_putc(out, c);
}

/* ---- Blocks --------------------------------------------------------------- */

void rv_heading(rv_doc *d, int level)
{
	end_line(d);
	mg_buf_clear(&d->line);
	d->target = &d->line;
	d->heading = level;
	d->block_start = false; /* a heading's text cannot open another block */
}

void rv_heading_end(rv_doc *d)
{
	const char *text = mg_buf_cstr(&d->line);
	mg_buf *out = d->out;
	d->target = out;
	if (d->syntax == RV_MARKDOWN) {
		repeat(out, '#', (size_t)d->heading);
		mg_buf_printf(out, " %s\n\n", text);
	} else {
		mg_buf_puts(out, d->heading <= 2 && d->started ? "\n" : "");
		mg_buf_printf(out, "%s%s%s\n", d->color ? ANSI_BOLD : "", text,
		              d->color ? ANSI_RESET : "");
		if (d->heading <= 2) {
			repeat(out, d->heading == 1 ? '=' : '-', visible_width(text));
			mg_buf_putc(out, '\n');
		}
		mg_buf_putc(out, '\n');
	}
	d->heading = 0;
	d->started = true;
}

void rv_para(rv_doc *d)
{
	end_line(d);
	d->block_start = true;
}

void rv_para_end(rv_doc *d)
{
	end_line(d);
	if (d->syntax == RV_MARKDOWN || d->depth == 0)
		mg_buf_putc(d->out, '\n');
}

void rv_item(rv_doc *d, size_t number)
{
	end_line(d);
	char marker[32];
	if (number)
		snprintf(marker, sizeof marker, "%zu. ", number);
	else
		snprintf(marker, sizeof marker, "- ");
	mg_buf_puts(d->out, d->indent);
	mg_buf_puts(d->out, marker);
	d->line_open = true;
	d->block_start = true;
	if (d->depth < RV_MAX_DEPTH) {
		size_t at = strlen(d->indent);
		d->indent_at[d->depth] = at;
		size_t w = strlen(marker);
		if (at + w < sizeof d->indent) {
			memset(d->indent + at, ' ', w);
			d->indent[at + w] = '\0';
		}
	}
	d->depth++;
}

void rv_item_end(rv_doc *d)
{
	end_line(d);
	if (d->depth > 0)
		d->depth--;
	if (d->depth < RV_MAX_DEPTH)
		d->indent[d->indent_at[d->depth]] = '\0';
}

void rv_list_end(rv_doc *d)
{
	end_line(d);
	if (d->depth == 0)
		mg_buf_putc(d->out, '\n');
}

void rv_code_block(rv_doc *d, const char *lang, const char *text, const char *summary)
{
	end_line(d);
	mg_buf *out = d->out;
	if (d->syntax == RV_TEXT) {
		mg_buf b = MG_BUF_INIT;
		mg_buf_printf(&b, "%s    ", d->indent);
		rv_text_block(out, text, mg_buf_cstr(&b));
		mg_buf_dispose(&b);
		if (d->depth == 0)
			mg_buf_putc(out, '\n');
		return;
	}
	if (summary) {
		mg_buf_printf(out, "%s<details><summary>", d->indent);
		rv_md_text(out, summary);
		mg_buf_puts(out, "</summary>\n\n");
	}
	rv_md_code_block(out, lang, text, d->indent);
	if (summary)
		mg_buf_printf(out, "\n%s</details>\n", d->indent);
	mg_buf_putc(out, '\n');
}

void rv_table(rv_doc *d, size_t n_cols, const char *const *headers)
{
	end_line(d);
	d->in_table = true;
	d->n_cols = n_cols;
	d->n_cells = 0;
	for (size_t i = 0; i < n_cols; i++) {
		rv_cell(d);
		if (d->syntax == RV_TEXT && d->color)
			mg_buf_puts(&d->line, ANSI_BOLD);
		rv_put(d, headers[i]);
		if (d->syntax == RV_TEXT && d->color)
			mg_buf_puts(&d->line, ANSI_RESET);
		rv_cell_end(d);
	}
}

void rv_cell(rv_doc *d)
{
	mg_buf_clear(&d->line);
	d->target = &d->line;
	d->block_start = false;
}

void rv_cell_end(rv_doc *d)
{
	if (d->n_cells == d->cells_cap) {
		d->cells_cap = d->cells_cap ? d->cells_cap * 2 : 32;
		d->cells = mg_xrealloc(d->cells, d->cells_cap * sizeof *d->cells);
	}
	const char *text = mg_buf_cstr(&d->line);
	size_t n = strlen(text);
	char *copy = mg_xmalloc(n + 1);
	memcpy(copy, text, n + 1);
	d->cells[d->n_cells++] = copy;
	d->target = d->out;
}

static void table_markdown(rv_doc *d)
{
	mg_buf *out = d->out;
	for (size_t i = 0; i < d->n_cells; i++) {
		size_t col = i % d->n_cols;
		if (col == 0)
			mg_buf_printf(out, "%s|", d->indent);
		mg_buf_printf(out, " %s |", d->cells[i]);
		if (col + 1 == d->n_cols) {
			mg_buf_putc(out, '\n');
			if (i + 1 == d->n_cols) {
				mg_buf_printf(out, "%s|", d->indent);
				for (size_t c = 0; c < d->n_cols; c++)
					mg_buf_puts(out, "---|");
				mg_buf_putc(out, '\n');
			}
		}
	}
	mg_buf_putc(out, '\n');
}

static void table_text(rv_doc *d)
{
	mg_buf *out = d->out;
	size_t width[RV_MAX_COLS] = {0};
	for (size_t i = 0; i < d->n_cells; i++) {
		size_t col = i % d->n_cols, w = visible_width(d->cells[i]);
		if (col < RV_MAX_COLS && w > width[col])
			width[col] = w;
	}
	for (size_t i = 0; i < d->n_cells; i++) {
		size_t col = i % d->n_cols;
		bool last = col + 1 == d->n_cols;
		if (col == 0)
			mg_buf_printf(out, "%s  ", d->indent);
		mg_buf_puts(out, d->cells[i]);
		if (!last && col < RV_MAX_COLS)
			repeat(out, ' ', width[col] - visible_width(d->cells[i]) + 2);
		if (last)
			mg_buf_putc(out, '\n');
	}
	if (d->depth == 0)
		mg_buf_putc(out, '\n');
}

void rv_table_end(rv_doc *d)
{
	if (d->n_cols > RV_MAX_COLS)
		d->n_cols = RV_MAX_COLS;
	/* A row left incomplete gets empty cells. */
	while (d->n_cols && d->n_cells % d->n_cols) {
		rv_cell(d);
		rv_cell_end(d);
	}
	if (d->syntax == RV_MARKDOWN)
		table_markdown(d);
	else
		table_text(d);
	for (size_t i = 0; i < d->n_cells; i++)
		free(d->cells[i]);
	free(d->cells);
	d->cells = NULL;
	d->n_cells = d->cells_cap = 0;
	d->in_table = false;
}

/* ---- Inline pieces ---------------------------------------------------------- */

/* Markdown: text at the start of a block must not open another block. */
static const char *guard_block_start(rv_doc *d, const char *s)
{
	if (!d->block_start || d->syntax != RV_MARKDOWN)
		return s;
	d->block_start = false;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-' || *s == '+' || *s == '=') {
		mg_buf_putc(d->target, '\\');
		return s;
	}
	const char *p = s;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p > s && (*p == '.' || *p == ')')) {
		mg_buf_put(d->target, s, (size_t)(p - s));
		mg_buf_putc(d->target, '\\');
		return p;
	}
	return s;
}

void rv_put(rv_doc *d, const char *s)
{
	if (!s)
		return;
	begin_inline(d);
	s = guard_block_start(d, s);
	if (d->syntax == RV_MARKDOWN)
		rv_md_text(d->target, s);
	else
		rv_text(d->target, s);
}

void rv_putf(rv_doc *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mg_buf b = MG_BUF_INIT;
	mg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	rv_put(d, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
}

void rv_put_buf(rv_doc *d, mg_buf *b)
{
	rv_put(d, mg_buf_cstr(b));
}

void rv_code(rv_doc *d, const char *s)
{
	begin_inline(d);
	d->block_start = false;
	if (d->syntax == RV_MARKDOWN)
		rv_md_code(d->target, s ? s : "", d->in_table);
	else
		rv_text(d->target, s);
}

void rv_strong(rv_doc *d, const char *s)
{
	begin_inline(d);
	d->block_start = false;
	if (d->syntax == RV_MARKDOWN) {
		mg_buf_puts(d->target, "**");
		rv_md_text(d->target, s);
		mg_buf_puts(d->target, "**");
	} else {
		mg_buf_puts(d->target, d->color ? ANSI_BOLD : "");
		rv_text(d->target, s);
		mg_buf_puts(d->target, d->color ? ANSI_RESET : "");
	}
}

void rv_severity(rv_doc *d, mg_severity sev)
{
	static const char *const colors[] = {
		[MG_SEV_INFO] = "", [MG_SEV_LOW] = "\033[36m", [MG_SEV_MEDIUM] = "\033[33m",
		[MG_SEV_HIGH] = "\033[31m", [MG_SEV_CRITICAL] = "\033[1;31m",
	};
	const char *name = mg_severity_name(sev);
	if (d->syntax == RV_MARKDOWN && sev >= MG_SEV_HIGH) {
		rv_strong(d, name);
		return;
	}
	begin_inline(d);
	d->block_start = false;
	bool color = d->color && (unsigned)sev <= MG_SEV_CRITICAL && *colors[sev];
	mg_buf_puts(d->target, color ? colors[sev] : "");
	mg_buf_puts(d->target, name);
	mg_buf_puts(d->target, color ? ANSI_RESET : "");
}

void rv_location(rv_doc *d, const mg_loc *loc)
{
	begin_inline(d);
	d->block_start = false;
	if (d->syntax == RV_MARKDOWN) {
		rv_md_location(d->target, loc);
		return;
	}
	rv_text(d->target, loc->file ? loc->file : "?");
	if (loc->line)
		mg_buf_printf(d->target, ":%u", loc->line);
}

void rv_checkbox(rv_doc *d)
{
	begin_inline(d);
	d->block_start = false;
	mg_buf_puts(d->target, "[ ] ");
}

void rv_image(rv_doc *d, const char *alt, const char *path)
{
	begin_inline(d);
	d->block_start = false;
	if (d->syntax == RV_TEXT) {
		rv_text(d->target, path);
		return;
	}
	mg_buf_puts(d->target, "![");
	rv_md_text(d->target, alt);
	mg_buf_puts(d->target, "](");
	rv_md_url(d->target, path);
	mg_buf_putc(d->target, ')');
}
