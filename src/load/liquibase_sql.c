/*
 * liquibase_sql.c: formatted SQL changelogs ("--liquibase formatted sql")
 * and plain SQL files included from a changelog.
 *
 * Both become the generic changelog tree, so one interpreter handles every
 * format.  Directive lines (--changeset, --rollback, --comment ...) are
 * blanked in a changeset's SQL body rather than removed: the body keeps
 * the file's own line numbers, and Liquibase's v9 checksum, which ignores
 * all whitespace, is unaffected.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "load/liquibase_int.h"

typedef struct sql_reader {
	mg_project *project;
	mg_arena *arena;
	const char *path;
	lb_node *root;
	lb_node *cs;         /* current changeSet, or NULL */
	lb_node *body;       /* its sql change */
	mg_buf text;            /* body text being built */
	bool body_edited;       /* a directive line was blanked */
	lb_node *rollback;   /* the --rollback node being built */
	mg_buf rb_text;
	lb_node *pre;        /* preConditions */
} sql_reader;

/* Skips "--" and blanks; returns the rest if the line is a comment line. */
static const char *after_dashes(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (line[0] != '-' || line[1] != '-')
		return NULL;
	line += 2;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

/* Case-insensitive keyword at s followed by a non-word character (or ':'). */
static const char *keyword(const char *s, const char *kw)
{
	size_t n = strlen(kw);
	if (strncasecmp(s, kw, n) != 0)
		return NULL;
	char c = s[n];
	if (isalnum((unsigned char)c) || c == '-' || c == '_')
		return NULL;
	return s + n;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Reads one "name:value" token (value may be double-quoted). */
static const char *next_pair(mg_arena *a, const char *s, const char **name,
                             const char **value)
{
	s = skip_ws(s);
	if (!*s)
		return NULL;
	const char *start = s;
	while (*s && *s != ':' && *s != ' ' && *s != '\t')
		s++;
	if (*s != ':') {
		*name = mg_arena_strndup(a, start, (size_t)(s - start));
		*value = NULL;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		return s;
	}
	*name = mg_arena_strndup(a, start, (size_t)(s - start));
	s++;
	if (*s == '"') {
		const char *v = ++s;
		while (*s && *s != '"')
			s++;
		*value = mg_arena_strndup(a, v, (size_t)(s - v));
		if (*s == '"')
			s++;
	} else {
		const char *v = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		*value = mg_arena_strndup(a, v, (size_t)(s - v));
	}
	return s;
}

bool lb_is_formatted_sql(const char *data, size_t len)
{
	size_t i = 0;
	while (i < len && isspace((unsigned char)data[i]))
		i++;
	/* A UTF-8 byte order mark before the header is allowed. */
	if (i + 3 <= len && (unsigned char)data[i] == 0xEF &&
	    (unsigned char)data[i + 1] == 0xBB && (unsigned char)data[i + 2] == 0xBF)
		i += 3;
	if (i + 2 > len || data[i] != '-' || data[i + 1] != '-')
		return false;
	i += 2;
	while (i < len && (data[i] == ' ' || data[i] == '\t'))
		i++;
	if (len - i < 9 || strncasecmp(data + i, "liquibase", 9) != 0)
		return false;
	i += 9;
	while (i < len && (data[i] == ' ' || data[i] == '\t'))
		i++;
	return len - i >= 9 && strncasecmp(data + i, "formatted", 9) == 0;
}

static void finish_rollback(sql_reader *r)
{
	if (!r->rollback)
		return;
	const char *t = mg_buf_cstr(&r->rb_text);
	const char *p = skip_ws(t);
	if (strncasecmp(p, "not required", 12) == 0 || strncasecmp(p, "empty", 5) == 0) {
		/* an explicit empty rollback */
	} else if (strstr(t, "changeSetId:")) {
		const char *s = t, *name, *value;
		while ((s = next_pair(r->arena, s, &name, &value)) != NULL)
			if (value && (strcmp(name, "changeSetId") == 0 ||
			              strcmp(name, "changeSetAuthor") == 0 ||
			              strcmp(name, "changeSetPath") == 0))
				lb_node_add_attr(r->arena, r->rollback, name, value, r->rollback->loc);
	} else if (r->rb_text.len) {
		r->rollback->text = mg_arena_strndup(r->arena, t, r->rb_text.len);
		r->rollback->text_len = r->rb_text.len;
	}
	mg_buf_clear(&r->rb_text);
	r->rollback = NULL;
}

static void finish_changeset(sql_reader *r)
{
	finish_rollback(r);
	if (!r->cs)
		return;
	const char *t = mg_buf_cstr(&r->text);
	r->body->text = mg_arena_strndup(r->arena, t, r->text.len);
	r->body->text_len = r->text.len;
	r->body->text_verbatim = !r->body_edited;
	bool empty = true;
	for (const char *p = t; *p; p++)
		if (!isspace((unsigned char)*p))
			empty = false;
	if (empty)
		mg_diag_add(&r->project->diags, MG_SEV_MEDIUM, "lb-sql-empty-changeset",
		            r->cs->loc, "changeset %s has no SQL; Liquibase rejects it",
		            lb_attr_get(r->cs, "id"));
	mg_buf_clear(&r->text);
	r->cs = NULL;
	r->body = NULL;
	r->pre = NULL;
	r->body_edited = false;
}

static lb_node *ensure_rollback(sql_reader *r, mg_loc loc)
{
	if (!r->rollback) {
		r->rollback = lb_node_new(r->arena, "rollback", loc);
		lb_node_add_child(r->arena, r->cs, r->rollback);
		const char *split = lb_attr_get(r->cs, "rollbackSplitStatements");
		const char *delim = lb_attr_get(r->cs, "rollbackEndDelimiter");
		if (split)
			lb_node_add_attr(r->arena, r->rollback, "splitStatements", split, loc);
		if (delim)
			lb_node_add_attr(r->arena, r->rollback, "endDelimiter", delim, loc);
		r->rollback->text_loc = loc;
	}
	return r->rollback;
}

static void start_changeset(sql_reader *r, const char *rest, mg_loc loc,
                            uint32_t next_line)
{
	finish_changeset(r);
	mg_arena *a = r->arena;
	const char *s = skip_ws(rest);
	const char *author, *id;
	const char *p = s;
	if (*p == '"') {
		const char *e = strchr(p + 1, '"');
		author = e ? mg_arena_strndup(a, p + 1, (size_t)(e - p - 1)) : NULL;
		p = e ? e + 1 : p + strlen(p);
	} else {
		const char *e = strchr(p, ':');
		const char *sp = p;
		while (*sp && *sp != ':')
			sp++;
		author = e ? mg_arena_strndup(a, p, (size_t)(e - p)) : NULL;
		p = sp;
	}
	if (!author || *p != ':' || !*author) {
		mg_diag_add(&r->project->diags, MG_SEV_HIGH, "lb-sql-malformed-changeset", loc,
		            "malformed --changeset line: expected AUTHOR:ID");
		return;
	}
	p++;
	if (*p == '"') {
		const char *e = strchr(p + 1, '"');
		id = mg_arena_strndup(a, p + 1, e ? (size_t)(e - p - 1) : strlen(p + 1));
		p = e ? e + 1 : p + strlen(p);
	} else {
		const char *e = p;
		while (*e && *e != ' ' && *e != '\t')
			e++;
		id = mg_arena_strndup(a, p, (size_t)(e - p));
		p = e;
	}
	/* Trailing blanks of an unquoted author are not part of it. */
	size_t al = strlen(author);
	while (al > 0 && (author[al - 1] == ' ' || author[al - 1] == '\t'))
		((char *)author)[--al] = '\0';
	r->cs = lb_node_new(a, "changeSet", loc);
	lb_node_add_child(a, r->root, r->cs);
	lb_node_add_attr(a, r->cs, "id", id, loc);
	lb_node_add_attr(a, r->cs, "author", author, loc);
	r->body = lb_node_new(a, "sql", loc);
	mg_loc tl = {r->path, next_line, 1};
	r->body->text_loc = tl;
	const char *name, *value;
	while ((p = next_pair(a, p, &name, &value)) != NULL) {
		if (!value)
			continue;
		if (strcmp(name, "splitStatements") == 0 || strcmp(name, "endDelimiter") == 0 ||
		    strcmp(name, "stripComments") == 0)
			lb_node_add_attr(a, r->body, name, value, loc);
		else
			lb_node_add_attr(a, r->cs, name, value, loc);
	}
	lb_node_add_child(a, r->cs, r->body);
}

static void precondition(sql_reader *r, const char *kind, const char *rest, mg_loc loc)
{
	mg_arena *a = r->arena;
	if (!r->pre) {
		r->pre = lb_node_new(a, "preConditions", loc);
		lb_node_add_child(a, r->cs, r->pre);
	}
	const char *names[][2] = {{"sql-check", "sqlCheck"},
	                          {"table-exists", "tableExists"},
	                          {"view-exists", "viewExists"}};
	const char *elem = NULL;
	for (size_t i = 0; i < 3; i++)
		if (strcasecmp(kind, names[i][0]) == 0)
			elem = names[i][1];
	lb_node *n = lb_node_new(a, elem ? elem : kind, loc);
	lb_node_add_child(a, r->pre, n);
	const char *p = rest, *name, *value;
	for (;;) {
		const char *q = next_pair(a, p, &name, &value);
		if (!q || !value)
			break;
		if (strcmp(name, "table") == 0)
			name = "tableName";
		else if (strcmp(name, "view") == 0)
			name = "viewName";
		else if (strcmp(name, "schema") == 0)
			name = "schemaName";
		lb_node_add_attr(a, n, name, value, loc);
		p = q;
	}
	p = skip_ws(p);
	if (*p)
		n->text = mg_arena_strdup(a, p);
}

/* Handles a directive line; returns false when the line is plain SQL. */
static bool directive(sql_reader *r, const char *line, mg_loc loc, uint32_t next_line)
{
	mg_arena *a = r->arena;
	const char *d = after_dashes(line);
	const char *rest;
	if (!d) {
		const char *s = skip_ws(line);
		if (s[0] == '-' && s[1] != '-' && keyword(skip_ws(s + 1), "changeset")) {
			mg_diag_add(&r->project->diags, MG_SEV_HIGH, "lb-sql-malformed-changeset", loc,
			            "'-changeset' with a single dash: Liquibase rejects this line");
			return true;
		}
		return false;
	}
	if ((rest = keyword(d, "changeset")) != NULL) {
		start_changeset(r, rest, loc, next_line);
		return true;
	}
	if ((rest = keyword(d, "liquibase")) != NULL) {
		const char *p = rest, *name, *value;
		while ((p = next_pair(a, p, &name, &value)) != NULL)
			if (value && strcmp(name, "logicalFilePath") == 0)
				lb_node_add_attr(a, r->root, name, value, loc);
		return true;
	}
	if ((rest = keyword(d, "property")) != NULL) {
		lb_node *n = lb_node_new(a, "property", loc);
		const char *p = rest, *name, *value;
		while ((p = next_pair(a, p, &name, &value)) != NULL)
			if (value)
				lb_node_add_attr(a, n, name, value, loc);
		lb_node_add_child(a, r->root, n);
		return true;
	}
	if (!r->cs)
		return false;
	if ((rest = keyword(d, "rollback")) != NULL) {
		lb_node *rb = ensure_rollback(r, loc);
		(void)rb;
		rest = skip_ws(rest);
		if (*rest == ':')
			rest = skip_ws(rest + 1);
		mg_buf_puts(&r->rb_text, rest);
		mg_buf_putc(&r->rb_text, '\n');
		return true;
	}
	if ((rest = keyword(d, "preconditions")) != NULL) {
		if (!r->pre) {
			r->pre = lb_node_new(a, "preConditions", loc);
			lb_node_add_child(a, r->cs, r->pre);
		}
		const char *p = rest, *name, *value;
		while ((p = next_pair(a, p, &name, &value)) != NULL)
			if (value)
				lb_node_add_attr(a, r->pre, name, value, loc);
		return true;
	}
	if (strncasecmp(d, "precondition-", 13) == 0) {
		const char *k = d + 13;
		const char *e = k;
		while (*e && *e != ' ' && *e != '\t')
			e++;
		precondition(r, mg_arena_strndup(a, k, (size_t)(e - k)), e, loc);
		return true;
	}
	if ((rest = keyword(d, "comment")) != NULL) {
		rest = skip_ws(rest);
		if (*rest == ':')
			rest = skip_ws(rest + 1);
		lb_node *n = lb_node_new(a, "comment", loc);
		n->text = mg_arena_strdup(a, rest);
		n->text_len = strlen(rest);
		lb_node_add_child(a, r->cs, n);
		return true;
	}
	if ((rest = keyword(d, "validCheckSum")) != NULL) {
		rest = skip_ws(rest);
		if (*rest == ':')
			rest = skip_ws(rest + 1);
		lb_node *n = lb_node_new(a, "validCheckSum", loc);
		n->text = mg_arena_strdup(a, rest);
		n->text_len = strlen(rest);
		lb_node_add_child(a, r->cs, n);
		return true;
	}
	return false;
}

lb_node *lb_read_formatted_sql(mg_project *project, const char *path,
                                  const char *data, size_t len)
{
	sql_reader r = {0};
	r.project = project;
	r.arena = &project->arena;
	r.path = path;
	mg_loc l1 = {path, 1, 1};
	r.root = lb_node_new(r.arena, "databaseChangeLog", l1);
	size_t pos = 0;
	uint32_t line_no = 1;
	long ignore_lines = 0;
	bool ignore_block = false;
	bool in_rb_block = false;
	char *line = mg_xmalloc(len + 1);
	while (pos < len) {
		size_t end = pos;
		while (end < len && data[end] != '\n')
			end++;
		size_t n = end - pos;
		memcpy(line, data + pos, n);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		line[n] = '\0';
		mg_loc loc = {path, line_no, 1};
		bool consumed = true;
		const char *d = after_dashes(line);
		const char *rest;
		if (ignore_lines > 0) {
			ignore_lines--;
		} else if (ignore_block) {
			if (d && (rest = keyword(d, "ignoreLines")) && strncasecmp(skip_ws(rest), ":end", 4) == 0)
				ignore_block = false;
		} else if (in_rb_block) {
			const char *close = strstr(line, "*/");
			if (close) {
				mg_buf_put(&r.rb_text, line, (size_t)(close - line));
				mg_buf_putc(&r.rb_text, '\n');
				in_rb_block = false;
			} else {
				mg_buf_puts(&r.rb_text, line);
				mg_buf_putc(&r.rb_text, '\n');
			}
		} else if (d && (rest = keyword(d, "ignoreLines")) != NULL) {
			rest = skip_ws(rest);
			if (*rest == ':')
				rest++;
			if (strncasecmp(rest, "start", 5) == 0)
				ignore_block = true;
			else
				ignore_lines = strtol(rest, NULL, 10);
		} else if (r.cs && strncasecmp(skip_ws(line), "/* liquibase rollback", 21) == 0) {
			ensure_rollback(&r, loc);
			in_rb_block = true;
		} else {
			consumed = directive(&r, line, loc, line_no + 1);
		}
		if (r.cs && r.body) {
			/* The line of the changeset directive itself is not body. */
			if (!(r.body->loc.line == line_no)) {
				if (!consumed)
					mg_buf_put(&r.text, data + pos, end - pos);
				else
					r.body_edited = true;
				if (end < len)
					mg_buf_putc(&r.text, '\n');
			}
		}
		pos = end < len ? end + 1 : len;
		line_no++;
	}
	free(line);
	finish_changeset(&r);
	mg_buf_dispose(&r.text);
	mg_buf_dispose(&r.rb_text);
	return r.root;
}

lb_node *lb_read_plain_sql(mg_project *project, const char *path,
                              const char *data, size_t len)
{
	mg_arena *a = &project->arena;
	mg_loc l1 = {path, 1, 1};
	bool empty = true;
	for (size_t i = 0; i < len; i++)
		if (!isspace((unsigned char)data[i]))
			empty = false;
	if (empty) {
		mg_diag_add(&project->diags, MG_SEV_MEDIUM, "lb-sql-empty", l1,
		            "an included SQL file without content: Liquibase rejects it");
		return NULL;
	}
	lb_node *root = lb_node_new(a, "databaseChangeLog", l1);
	lb_node *cs = lb_node_new(a, "changeSet", l1);
	lb_node_add_attr(a, cs, "id", "raw", l1);
	lb_node_add_attr(a, cs, "author", "includeAll", l1);
	lb_node *sql = lb_node_new(a, "sql", l1);
	lb_node_add_attr(a, sql, "splitStatements", "false", l1);
	sql->text = mg_arena_strndup(a, data, len);
	sql->text_len = len;
	sql->text_verbatim = true;
	lb_node_add_child(a, cs, sql);
	lb_node_add_child(a, root, cs);
	return root;
}
