/*
 * text.c: mapping offsets in (possibly transformed) text back to the
 * line and column of the original file.  Columns count code points, as the
 * JSON contract and SARIF's unicodeCodePoints require.
 */
#include "migraph/core.h"

static void restart(mg_text_cursor *cur, size_t offset)
{
	const mg_text *t = cur->text;
	cur->offset = 0;
	cur->line = 1;
	cur->col = 1;
	cur->next_anchor = 0;
	/* Start from the last anchor at or before offset. */
	size_t best = (size_t)-1;
	for (size_t i = 0; i < t->n_anchors && t->anchors[i].offset <= offset; i++)
		best = i;
	if (best != (size_t)-1) {
		cur->offset = t->anchors[best].offset;
		cur->line = t->anchors[best].line;
		cur->col = t->anchors[best].col;
		cur->next_anchor = best + 1;
	}
}

void mg_text_cursor_init(mg_text_cursor *cur, const mg_text *text)
{
	cur->text = text;
	restart(cur, 0);
}

void mg_text_cursor_seek(mg_text_cursor *cur, size_t offset, uint32_t *line,
                         uint32_t *col)
{
	const mg_text *t = cur->text;
	if (offset > t->len)
		offset = t->len;
	if (offset < cur->offset)
		restart(cur, offset);
	while (cur->offset < offset) {
		if (cur->next_anchor < t->n_anchors &&
		    t->anchors[cur->next_anchor].offset <= offset) {
			const mg_anchor *a = &t->anchors[cur->next_anchor++];
			/* Skip straight to the anchor; the transformed text between
			 * the previous position and it is not in the original file. */
			if (a->offset >= cur->offset) {
				cur->offset = a->offset;
				cur->line = a->line;
				cur->col = a->col;
			}
			continue;
		}
		unsigned char c = (unsigned char)t->data[cur->offset++];
		/* \n, \r\n and a lone \r (old Mac files) each end a line. */
		if (c == '\n' || (c == '\r' && (cur->offset >= t->len || t->data[cur->offset] != '\n'))) {
			cur->line++;
			cur->col = 1;
		} else if (c == '\r') {
			/* the \r of \r\n: the \n ends the line */
		} else if ((c & 0xC0) != 0x80) {
			/* A byte that starts a code point (ASCII or a lead byte). */
			cur->col++;
		}
	}
	/* Anchors sitting exactly here apply too; with several at one offset
	 * the last one wins (a transformation may mark a spot twice). */
	while (cur->next_anchor < t->n_anchors && t->anchors[cur->next_anchor].offset == cur->offset) {
		const mg_anchor *a = &t->anchors[cur->next_anchor++];
		cur->line = a->line;
		cur->col = a->col;
	}
	*line = cur->line;
	*col = cur->col;
}
