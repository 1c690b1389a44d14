/*
 * ignore_scan.c: finding `migraph:ignore` markers in a file's bytes.
 *
 * No lexer keeps comments for us, and each format has its own, so the
 * scan looks for the marker text and accepts it only right after a
 * comment opener of the file's syntax (`--` or a block comment in SQL,
 * `<!--` in XML, `#` in YAML).  For XML and YAML it also finds the anchor
 * the marker applies to, from the bytes alone: the next element with its
 * end tag, or the next node with the lines indented under it.
 */
#include <string.h>
#include <sys/stat.h>

#include "migraph/ignore.h"

#define MARK "migraph:ignore"
#define MARK_LEN (sizeof MARK - 1)

bool mg_ignore_syntax_of(const char *path, mg_ignore_syntax *out)
{
	static const char *const none[] = {".json", ".conf", ".properties", ".toml", ".csv", ".tsv"};
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
		if (mg_str_iends_with(path, none[i]))
			return false;
	if (mg_str_iends_with(path, ".xml"))
		*out = MG_IGNORE_XML;
	else if (mg_str_iends_with(path, ".yaml") || mg_str_iends_with(path, ".yml"))
		*out = MG_IGNORE_YAML;
	else
		*out = MG_IGNORE_SQL;
	return true;
}

typedef struct scan {
	const char *data;
	size_t len;
	size_t pos;        /* where line counting stands */
	uint32_t line;     /* line of pos */
	size_t line_start; /* offset where that line begins */
} scan;

/* Moves the line counter forward to offset. */
static void advance(scan *s, size_t offset)
{
	for (; s->pos < offset; s->pos++) {
		if (s->data[s->pos] == '\n') {
			s->line++;
			s->line_start = s->pos + 1;
		}
	}
}

static uint32_t line_at(scan *s, size_t offset)
{
	advance(s, offset);
	return s->line;
}

static uint32_t code_points(const char *p, size_t n)
{
	uint32_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)p[i] & 0xC0) != 0x80;
	return c;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '/';
}

static const char *find(const char *from, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = from; p + n <= end; p++)
		if (*p == needle[0] && memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

/* Where the comment that holds the marker at m opens, or NULL when the
 * marker is not the first thing in a comment of this syntax. */
static const char *comment_opener(const char *data, const char *m, mg_ignore_syntax syntax,
                                  const char **close)
{
	const char *p = m;
	while (p > data && is_blank(p[-1]))
		p--;
	*close = NULL;
	switch (syntax) {
	case MG_IGNORE_SQL:
		if (p - data >= 2 && p[-2] == '-' && p[-1] == '-')
			return p - 2;
		if (p - data >= 2 && p[-2] == '/' && p[-1] == '*') {
			*close = "*/";
			return p - 2;
		}
		return NULL;
	case MG_IGNORE_XML:
		if (p - data >= 4 && memcmp(p - 4, "<!--", 4) == 0) {
			*close = "-->";
			return p - 4;
		}
		return NULL;
	case MG_IGNORE_YAML:
		/* '#' starts a comment at the line start or after a blank. */
		if (p - data >= 1 && p[-1] == '#' &&
		    (p - 1 == data || p[-2] == ' ' || p[-2] == '\t' || p[-2] == '\n'))
			return p - 1;
		return NULL;
	}
	return NULL;
}

static size_t skip_blanks(const char *d, size_t i, size_t end)
{
	while (i < end && is_blank(d[i]))
		i++;
	return i;
}

/* Parses "RULE[, RULE...] reason" between from and end. */
static void parse_body(mg_arena *a, mg_ignore_marker *m, const char *d, size_t from, size_t end)
{
	const char *rules[64];
	size_t n = 0;
	size_t i = skip_blanks(d, from, end);
	for (;;) {
		size_t start = i;
		while (i < end && is_id_char(d[i]))
			i++;
		if (i == start)
			break;
		if (n < sizeof rules / sizeof rules[0])
			rules[n++] = mg_arena_strndup(a, d + start, i - start);
		size_t j = skip_blanks(d, i, end);
		if (j < end && d[j] == ',') {
			i = skip_blanks(d, j + 1, end);
			continue;
		}
		i = j;
		break;
	}
	m->rules = mg_arena_alloc(a, (n ? n : 1) * sizeof *m->rules);
	memcpy(m->rules, rules, n * sizeof *rules);
	m->n_rules = n;
	while (end > i && (is_blank(d[end - 1]) || d[end - 1] == '\r'))
		end--;
	m->reason = end > i ? mg_arena_strndup(a, d + i, end - i) : NULL;
}

/* XML: skips from offset i over blanks, comments and processing
 * instructions; returns the offset of the next element's '<', or len. */
static size_t next_element(const char *d, size_t i, size_t len)
{
	while (i < len) {
		if (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n') {
			i++;
		} else if (len - i >= 4 && memcmp(d + i, "<!--", 4) == 0) {
			const char *e = find(d + i + 4, d + len, "-->");
			i = e ? (size_t)(e - d) + 3 : len;
		} else if (len - i >= 2 && d[i] == '<' && d[i + 1] == '?') {
			const char *e = find(d + i + 2, d + len, "?>");
			i = e ? (size_t)(e - d) + 2 : len;
		} else {
			break;
		}
	}
	if (i + 1 < len && d[i] == '<' && d[i + 1] != '/' && d[i + 1] != '!')
		return i;
	return len;
}

/* XML: the offset just past the end of the element that starts at i. */
static size_t element_end(const char *d, size_t i, size_t len)
{
	size_t depth = 0;
	while (i < len) {
		if (d[i] != '<') {
			i++;
			continue;
		}
		const char *close = NULL;
		if (len - i >= 4 && memcmp(d + i, "<!--", 4) == 0)
			close = "-->";
		else if (len - i >= 9 && memcmp(d + i, "<![CDATA[", 9) == 0)
			close = "]]>";
		else if (len - i >= 2 && d[i + 1] == '?')
			close = "?>";
		else if (len - i >= 2 && d[i + 1] == '!')
			close = ">";
		if (close) {
			const char *e = find(d + i + 2, d + len, close);
			i = e ? (size_t)(e - d) + strlen(close) : len;
			continue;
		}
		bool end_tag = i + 1 < len && d[i + 1] == '/';
		char quote = 0;
		size_t j = i + 1;
		for (; j < len; j++) {
			if (quote) {
				if (d[j] == quote)
					quote = 0;
			} else if (d[j] == '"' || d[j] == '\'') {
				quote = d[j];
			} else if (d[j] == '>') {
				break;
			}
		}
		if (j >= len)
			return len;
		bool self_closing = d[j - 1] == '/';
		i = j + 1;
		if (end_tag) {
			if (depth <= 1)
				return i;
			depth--;
		} else if (!self_closing) {
			depth++;
		} else if (depth == 0) {
			return i;
		}
	}
	return len;
}

static void xml_anchor(scan *s, mg_ignore_marker *m, size_t after)
{
	size_t start = next_element(s->data, after, s->len);
	if (start >= s->len)
		return;
	size_t end = element_end(s->data, start, s->len);
	m->anchor_line = line_at(s, start);
	m->end_line = line_at(s, end ? end - 1 : 0);
}

static size_t line_end(const char *d, size_t i, size_t len)
{
	const char *nl = memchr(d + i, '\n', len - i);
	return nl ? (size_t)(nl - d) : len;
}

/* YAML: indentation of the line at i, or -1 when it is blank or only a
 * comment. */
static long yaml_indent(const char *d, size_t i, size_t len)
{
	size_t j = i;
	while (j < len && d[j] == ' ')
		j++;
	if (j >= len || d[j] == '\n' || d[j] == '\r' || d[j] == '#')
		return -1;
	return (long)(j - i);
}

static void yaml_anchor(scan *s, mg_ignore_marker *m, size_t line_begin, size_t opener)
{
	const char *d = s->data;
	size_t len = s->len;
	size_t i = line_begin;
	long indent = -1;
	/* A trailing comment applies to its own line's node. */
	for (size_t k = line_begin; k < opener; k++)
		if (!is_blank(d[k])) {
			indent = (long)(skip_blanks(d, line_begin, opener) - line_begin);
			break;
		}
	if (indent < 0) {
		for (i = line_end(d, line_begin, len); i < len; i = line_end(d, i, len)) {
			i++; /* past '\n' */
			if (i >= len)
				return;
			indent = yaml_indent(d, i, len);
			if (indent >= 0)
				break;
		}
		if (indent < 0)
			return;
	}
	m->anchor_line = line_at(s, i);
	size_t last = i;
	for (size_t k = line_end(d, i, len); k < len; k = line_end(d, k, len)) {
		k++;
		if (k >= len)
			break;
		long in = yaml_indent(d, k, len);
		if (in < 0)
			continue;
		if (in <= indent)
			break;
		last = k;
	}
	m->end_line = line_at(s, last);
}

static bool already_scanned(const mg_project *p, const char *path, const struct stat *st,
                            bool has_id)
{
	for (size_t i = 0; i < p->n_ignores; i++) {
		const mg_ignore_marker *m = p->ignores[i];
		if (mg_str_eq(m->loc.file, path) ||
		    (has_id && m->has_id && m->dev == (uint64_t)st->st_dev &&
		     m->ino == (uint64_t)st->st_ino))
			return true;
	}
	return false;
}

void mg_ignore_scan(mg_project *project, const char *path, const char *data, size_t len)
{
	mg_ignore_syntax syntax;
	if (!data || len < MARK_LEN || !mg_ignore_syntax_of(path, &syntax))
		return;
	const char *m = find(data, data + len, MARK);
	if (!m)
		return;
	struct stat st;
	bool has_id = stat(path, &st) == 0;
	if (already_scanned(project, path, &st, has_id))
		return;
	mg_arena *a = &project->arena;
	const char *file = mg_arena_strdup(a, path);
	scan s = {data, len, 0, 1, 0};
	for (; m; m = find(m + MARK_LEN, data + len, MARK)) {
		const char *close;
		const char *opener = comment_opener(data, m, syntax, &close);
		size_t after_mark = (size_t)(m - data) + MARK_LEN;
		/* "migraph:ignored" or "migraph:ignore-all" are other words. */
		if (!opener || (after_mark < len && !is_blank(data[after_mark]) &&
		                data[after_mark] != '\n' && data[after_mark] != '\r' &&
		                !(close && data[after_mark] == close[0])))
			continue;
		size_t eol = line_end(data, after_mark, len);
		size_t body_end = eol, comment_end = eol;
		if (close) {
			const char *c = find(data + after_mark, data + len, close);
			if (c && (size_t)(c - data) < eol)
				body_end = (size_t)(c - data);
			comment_end = c ? (size_t)(c - data) + strlen(close) : len;
		}
		mg_ignore_marker *mk = mg_arena_alloc(a, sizeof *mk);
		mk->syntax = syntax;
		mk->loc.file = file;
		mk->loc.line = line_at(&s, (size_t)(opener - data));
		mk->loc.col = 1 + code_points(data + s.line_start,
		                              (size_t)(opener - data) - s.line_start);
		mk->has_id = has_id;
		if (has_id) {
			mk->dev = (uint64_t)st.st_dev;
			mk->ino = (uint64_t)st.st_ino;
		}
		parse_body(a, mk, data, after_mark, body_end);
		/* The anchor search runs ahead on a copy: the next marker may
		 * lie inside this one's anchor. */
		scan ahead = s;
		if (syntax == MG_IGNORE_XML)
			xml_anchor(&ahead, mk, comment_end);
		else if (syntax == MG_IGNORE_YAML)
			yaml_anchor(&ahead, mk, s.line_start, (size_t)(opener - data));
		mg_arena_push(a, (void ***)&project->ignores, &project->n_ignores,
		              &project->ignores_cap, mk);
	}
}
