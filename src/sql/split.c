/*
 * split.c: finding statement boundaries without parsing.
 *
 * Used when libpg_query rejects a whole script (so one bad statement does
 * not hide the others), for Liquibase's endDelimiter, and for MySQL and
 * MariaDB scripts, which have no parser yet.  One forward pass, no
 * allocation per token: quotes, dollar quotes and comments are skipped as
 * units so a ';' inside them never ends a statement.
 */
#include <stdint.h>
#include <string.h>

#include "sql/pg_internal.h"

static bool is_ident_char(unsigned char c)
{
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c >= 0x80;
}

static bool is_tag_start(unsigned char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Length of the dollar-quote opener at s[i] ("$$" or "$tag$"), or 0. */
static size_t dollar_tag_len(const char *s, size_t len, size_t i)
{
	/* "a$b$" is an identifier, "$1" a parameter: neither opens a quote. */
	if (i > 0 && is_ident_char((unsigned char)s[i - 1]))
		return 0;
	size_t j = i + 1;
	if (j < len && s[j] == '$')
		return 2;
	if (j >= len || !is_tag_start((unsigned char)s[j]))
		return 0;
	while (j < len && is_ident_char((unsigned char)s[j]) && s[j] != '$')
		j++;
	if (j < len && s[j] == '$')
		return j - i + 1;
	return 0;
}

static size_t skip_quoted(const char *s, size_t len, size_t i, char q, bool backslash)
{
	i++;
	while (i < len) {
		char c = s[i];
		if (backslash && c == '\\') {
			i += 2;
			continue;
		}
		if (c == q) {
			if (i + 1 < len && s[i + 1] == q) {
				i += 2;
				continue;
			}
			return i + 1;
		}
		i++;
	}
	return (size_t)-1;
}

size_t sql_skip_special(const char *s, size_t len, size_t i, sql_dialect dialect,
                           const char **open)
{
	char c = s[i];
	char n = i + 1 < len ? s[i + 1] : '\0';
	bool my = dialect == SQL_DIALECT_MYSQL;
	size_t end;

	switch (c) {
	case '\'': {
		bool esc = my;
		/* E'...' (and e'...') takes backslash escapes. */
		if (!my && i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') &&
		    (i < 2 || !is_ident_char((unsigned char)s[i - 2])))
			esc = true;
		end = skip_quoted(s, len, i, '\'', esc);
		if (end == (size_t)-1) {
			*open = "unterminated quoted string";
			return len;
		}
		return end;
	}
	case '"':
		end = skip_quoted(s, len, i, '"', my);
		if (end == (size_t)-1) {
			*open =
			    my ? "unterminated quoted string" : "unterminated quoted identifier";
			return len;
		}
		return end;
	case '`':
		if (!my)
			return i;
		end = skip_quoted(s, len, i, '`', false);
		if (end == (size_t)-1) {
			*open = "unterminated quoted identifier";
			return len;
		}
		return end;
	case '$': {
		if (my)
			return i;
		size_t tl = dollar_tag_len(s, len, i);
		if (tl == 0)
			return i;
		const char *tag = s + i;
		for (size_t j = i + tl; j + tl <= len; j++) {
			if (s[j] == '$' && memcmp(s + j, tag, tl) == 0)
				return j + tl;
		}
		*open = "unterminated dollar-quoted string";
		return len;
	}
	case '#':
		if (!my)
			return i;
		goto line_comment;
	case '-':
		if (n != '-')
			return i;
		/* MySQL wants a blank after "--". */
		if (my && i + 2 < len && s[i + 2] != ' ' && s[i + 2] != '\t' && s[i + 2] != '\n' &&
		    s[i + 2] != '\r')
			return i;
	line_comment : {
		const char *nl = memchr(s + i, '\n', len - i);
		return nl ? (size_t)(nl - s) + 1 : len;
	}
	case '/':
		if (n != '*')
			return i;
		/* PostgreSQL nests block comments; MySQL does not. */
		return sql_skip_comment(s, len, i, !my, NULL, open);
	default: return i;
	}
}

size_t sql_skip_comment(const char *s, size_t len, size_t i, bool nests, size_t *max_depth,
                           const char **open)
{
	size_t depth = 1, deepest = 1, j = i + 2;
	while (j < len) {
		if (s[j] == '*' && j + 1 < len && s[j + 1] == '/') {
			j += 2;
			if (--depth == 0)
				break;
		} else if (nests && s[j] == '/' && j + 1 < len && s[j + 1] == '*') {
			j += 2;
			if (++depth > deepest)
				deepest = depth;
		} else {
			j++;
		}
	}
	if (depth > 0 && open)
		*open = "unterminated /* comment";
	if (max_depth)
		*max_depth = deepest;
	return j;
}

size_t sql_blank_deep_comments(char *s, size_t len, size_t max_depth, size_t *first,
                                  size_t *deepest)
{
	size_t n = 0;
	*deepest = 0;
	for (size_t i = 0; i < len;) {
		if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
			const char *open = NULL;
			size_t d, end = sql_skip_comment(s, len, i, true, &d, &open);
			if (d > max_depth) {
				if (n++ == 0)
					*first = i;
				if (d > *deepest)
					*deepest = d;
				/* Blanks keep every offset, and line breaks every line; an
				 * unterminated comment keeps its opening, still an error. */
				for (size_t k = open ? i + 2 : i; k < end; k++)
					if (s[k] != '\n' && s[k] != '\r')
						s[k] = ' ';
			}
			i = end;
			continue;
		}
		const char *open = NULL;
		size_t next = sql_skip_special(s, len, i, SQL_DIALECT_PG, &open);
		i = next != i ? next : i + 1;
	}
	return n;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool word_is(const char *s, size_t n, const char *word)
{
	if (strlen(word) != n)
		return false;
	for (size_t k = 0; k < n; k++)
		if ((s[k] | 0x20) != word[k])
			return false;
	return true;
}

/* The end of the statement starting at i (just after its ';', or len);
 * *copy_in is set when it is COPY ... FROM STDIN, FROM STDIN outside
 * parentheses (COPY (SELECT ... FROM stdin_t) TO STDOUT is not). */
static size_t statement_end(const char *s, size_t len, size_t i, bool *copy_in)
{
	bool is_copy = false, after_from = false;
	size_t depth = 0, words = 0;
	*copy_in = false;
	while (i < len) {
		const char *open = NULL;
		size_t next = sql_skip_special(s, len, i, SQL_DIALECT_PG, &open);
		if (next != i) {
			i = next;
			continue;
		}
		char c = s[i];
		if (c == ';')
			return i + 1;
		if (is_tag_start((unsigned char)c)) {
			size_t w = i;
			while (i < len && is_ident_char((unsigned char)s[i]) && s[i] != '$')
				i++;
			if (words++ == 0)
				is_copy = word_is(s + w, i - w, "copy");
			else if (is_copy && depth == 0 && after_from && word_is(s + w, i - w, "stdin"))
				*copy_in = true;
			after_from = is_copy && depth == 0 && word_is(s + w, i - w, "from");
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		if (!is_blank(c))
			after_from = false;
		i++;
	}
	return len;
}

size_t sql_blank_copy_data(char *s, size_t len, size_t *unterminated)
{
	size_t n = 0;
	*unterminated = SIZE_MAX;
	for (size_t i = sql_skip_blank(s, len, 0); i < len; i = sql_skip_blank(s, len, i)) {
		bool copy_in;
		size_t start = i;
		i = statement_end(s, len, i, &copy_in);
		if (!copy_in)
			continue;
		/* The data starts on the line after the statement. */
		const char *nl = memchr(s + i, '\n', len - i);
		size_t data = nl ? (size_t)(nl - s) + 1 : len, end = len;
		bool ended = false;
		for (size_t line = data; line < len;) {
			const char *eol = memchr(s + line, '\n', len - line);
			size_t stop = eol ? (size_t)(eol - s) : len;
			size_t l = stop - line;
			if (l > 0 && s[stop - 1] == '\r')
				l--;
			if (l == 2 && s[line] == '\\' && s[line + 1] == '.') {
				end = stop;
				ended = true;
				break;
			}
			line = eol ? stop + 1 : len;
		}
		if (!ended && *unterminated == SIZE_MAX)
			*unterminated = start;
		for (size_t k = data; k < end; k++)
			if (s[k] != '\n' && s[k] != '\r')
				s[k] = ' ';
		n++;
		i = end;
	}
	return n;
}

size_t sql_skip_blank(const char *s, size_t len, size_t i)
{
	while (i < len) {
		if (is_blank(s[i])) {
			i++;
			continue;
		}
		if ((s[i] == '-' && i + 1 < len && s[i + 1] == '-') ||
		    (s[i] == '/' && i + 1 < len && s[i + 1] == '*')) {
			const char *open = NULL;
			i = sql_skip_special(s, len, i, SQL_DIALECT_PG, &open);
			continue;
		}
		break;
	}
	return i;
}

typedef struct span_vec {
	mg_arena *arena;
	mg_sql_span *items;
	size_t count;
	size_t cap;
} span_vec;

static void push_span(span_vec *v, const char *s, size_t start, size_t end, sql_dialect dialect)
{
	/* Leading blanks and comments belong to no statement. */
	while (start < end) {
		if (is_blank(s[start])) {
			start++;
			continue;
		}
		const char *open = NULL;
		bool comment = (s[start] == '-' && start + 1 < end && s[start + 1] == '-') ||
		               (s[start] == '/' && start + 1 < end && s[start + 1] == '*') ||
		               (dialect == SQL_DIALECT_MYSQL && s[start] == '#');
		if (!comment)
			break;
		size_t next = sql_skip_special(s, end, start, dialect, &open);
		if (next == start)
			break;
		start = next;
	}
	while (end > start && is_blank(s[end - 1]))
		end--;
	if (end <= start)
		return;
	if (v->count == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 16;
		v->items = mg_arena_grow(v->arena, v->items, sizeof *v->items, v->count, ncap);
		v->cap = ncap;
	}
	v->items[v->count].offset = start;
	v->items[v->count].len = end - start;
	v->count++;
}

/* Word-like delimiters ("GO", "/") also occur inside ordinary SQL, so they
 * only count alone on their line, as Liquibase users write them. */
static bool delimiter_needs_own_line(const char *d, size_t dl)
{
	if (dl == 1 && d[0] == '/')
		return true;
	for (size_t k = 0; k < dl; k++) {
		char c = d[k];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return false;
	}
	return true;
}

static bool alone_on_line(const char *s, size_t len, size_t i, size_t dl)
{
	for (size_t k = i; k > 0 && s[k - 1] != '\n'; k--)
		if (!is_blank(s[k - 1]))
			return false;
	for (size_t k = i + dl; k < len && s[k] != '\n'; k++)
		if (!is_blank(s[k]))
			return false;
	return true;
}

static bool match_ci(const char *s, size_t len, size_t i, const char *d, size_t dl)
{
	if (i + dl > len)
		return false;
	for (size_t k = 0; k < dl; k++) {
		char a = s[i + k], b = d[k];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

/* MySQL client's "DELIMITER xx" line at s[i] (line start): returns the
 * offset after the line and sets the new delimiter, or returns i. */
static size_t mysql_delimiter_line(const char *s, size_t len, size_t i, const char **delim,
                                   size_t *dl)
{
	size_t j = i;
	while (j < len && (s[j] == ' ' || s[j] == '\t'))
		j++;
	if (!match_ci(s, len, j, "delimiter", 9) || j + 9 >= len ||
	    (s[j + 9] != ' ' && s[j + 9] != '\t'))
		return i;
	j += 9;
	while (j < len && (s[j] == ' ' || s[j] == '\t'))
		j++;
	size_t start = j;
	while (j < len && !is_blank(s[j]))
		j++;
	if (j == start)
		return i;
	*delim = s + start;
	*dl = j - start;
	while (j < len && s[j] != '\n')
		j++;
	return j < len ? j + 1 : len;
}

size_t sql_split_dialect(mg_arena *arena, const char *text, size_t len,
                            const char *end_delimiter, sql_dialect dialect, mg_sql_span **spans,
                            const char **unterminated)
{
	span_vec v = {arena, NULL, 0, 0};
	const char *delim = end_delimiter && *end_delimiter ? end_delimiter : ";";
	size_t dl = strlen(delim);
	bool own_line = delimiter_needs_own_line(delim, dl);
	size_t start = 0;
	size_t i = 0;
	bool line_start = true;

	*unterminated = NULL;
	while (i < len) {
		if (dialect == SQL_DIALECT_MYSQL && line_start) {
			const char *nd = delim;
			size_t ndl = dl;
			size_t after = mysql_delimiter_line(text, len, i, &nd, &ndl);
			if (after != i) {
				push_span(&v, text, start, i, dialect);
				/* Points into the text: lives as long as the caller's text. */
				delim = nd;
				dl = ndl;
				own_line = false;
				i = start = after;
				continue;
			}
		}
		line_start = false;
		const char *open = NULL;
		size_t next = sql_skip_special(text, len, i, dialect, &open);
		if (open) {
			*unterminated = open;
			i = len;
			break;
		}
		if (next != i) {
			line_start = text[next - 1] == '\n';
			i = next;
			continue;
		}
		if (match_ci(text, len, i, delim, dl) &&
		    (!own_line || alone_on_line(text, len, i, dl))) {
			push_span(&v, text, start, i, dialect);
			i = start = i + dl;
			continue;
		}
		line_start = text[i] == '\n';
		i++;
	}
	push_span(&v, text, start, len, dialect);
	*spans = v.items;
	return v.count;
}

size_t mg_sql_split(mg_arena *arena, const char *text, size_t len, const char *end_delimiter,
                    mg_sql_span **spans, const char **unterminated)
{
	return sql_split_dialect(arena, text, len, end_delimiter, SQL_DIALECT_PG, spans,
	                            unterminated);
}
