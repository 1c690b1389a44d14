/*
 * pg_bulk.c: large scripts (data loads of hundreds of thousands of
 * INSERTs) without building the whole protobuf tree.
 *
 * libpg_query parses fast, but serialising the tree to protobuf and
 * unpacking it costs ten times the parse itself.  For a large script the
 * driver therefore lets libpg_query's parser validate the whole text and
 * return only the statement boundaries (pg_query_split_with_parser), maps
 * plain INSERT ... VALUES statements from their first few tokens (the
 * parser has already accepted them), and asks for trees only for the runs
 * of other statements between them.
 */
#include <stdlib.h>
#include <string.h>

#include "sql/pg_internal.h"

size_t sql_pg_bulk_threshold = (size_t)4 << 20;

static bool ident_start(unsigned char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static bool ident_char(unsigned char c)
{
	return ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

/* Reads one identifier at s[*i] folded as PostgreSQL folds it; NULL when
 * there is none or it needs the parser (U&"...", more than 63 bytes). */
static const char *read_ident(sql_pg_ctx *ctx, const char *s, size_t end, size_t *i)
{
	size_t p = *i;
	if (p >= end)
		return NULL;
	if (s[p] == '"') {
		char buf[64];
		size_t n = 0;
		p++;
		while (p < end) {
			if (s[p] == '"') {
				if (p + 1 < end && s[p + 1] == '"') {
					p++;
				} else {
					break;
				}
			}
			if (n >= 63)
				return NULL;
			buf[n++] = s[p++];
		}
		if (p >= end || n == 0)
			return NULL;
		*i = p + 1;
		return mg_arena_strndup(ctx->arena, buf, n);
	}
	if (!ident_start((unsigned char)s[p]) ||
	    ((s[p] == 'u' || s[p] == 'U') && p + 1 < end && s[p + 1] == '&'))
		return NULL;
	size_t b = p;
	while (p < end && ident_char((unsigned char)s[p]))
		p++;
	if (p - b > 63)
		return NULL;
	char *r = mg_arena_strndup(ctx->arena, s + b, p - b);
	for (char *q = r; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	*i = p;
	return r;
}

static bool keyword(const char *s, size_t end, size_t *i, const char *kw)
{
	size_t n = strlen(kw), p = *i;
	if (p + n > end)
		return false;
	for (size_t k = 0; k < n; k++) {
		char c = s[p + k];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != kw[k])
			return false;
	}
	if (p + n < end && ident_char((unsigned char)s[p + n]))
		return false;
	*i = p + n;
	return true;
}

bool sql_pg_simple_insert(sql_pg_ctx *ctx, size_t start, size_t end, mg_object *table)
{
	const char *s = ctx->src;
	size_t i = start;
	if (!keyword(s, end, &i, "insert"))
		return false;
	i = sql_skip_blank(s, end, i);
	if (!keyword(s, end, &i, "into"))
		return false;
	i = sql_skip_blank(s, end, i);

	const char *parts[3];
	size_t n = 0;
	for (;;) {
		const char *id = read_ident(ctx, s, end, &i);
		if (!id || n == 3)
			return false;
		parts[n++] = id;
		i = sql_skip_blank(s, end, i);
		if (i < end && s[i] == '.') {
			i = sql_skip_blank(s, end, i + 1);
			continue;
		}
		break;
	}
	/* A column list: balanced parentheses. */
	if (i < end && s[i] == '(') {
		int depth = 0;
		while (i < end) {
			const char *open = NULL;
			size_t next = sql_skip_special(s, end, i, SQL_DIALECT_PG, &open);
			if (next != i) {
				i = next;
				continue;
			}
			if (s[i] == '(')
				depth++;
			else if (s[i] == ')' && --depth == 0) {
				i++;
				break;
			}
			i++;
		}
		i = sql_skip_blank(s, end, i);
	}
	if (!keyword(s, end, &i, "values"))
		return false;
	/* Only row lists may follow at the top level (then RETURNING): any
	 * other word (ON CONFLICT, UNION, ORDER BY ...) needs the tree. */
	int depth = 0;
	while (i < end) {
		const char *open = NULL;
		size_t next = sql_skip_special(s, end, i, SQL_DIALECT_PG, &open);
		if (next != i) {
			i = next;
			continue;
		}
		char c = s[i];
		if (c == '(') {
			depth++;
		} else if (c == ')') {
			depth--;
		} else if (depth == 0 && ident_start((unsigned char)c)) {
			if (!keyword(s, end, &i, "returning"))
				return false;
			break;
		} else if (depth == 0 && c != ',' && c != ' ' && c != '\t' && c != '\n' &&
		           c != '\r' && c != '\f' && c != '\v') {
			return false;
		}
		i++;
	}
	table->kind = MG_OBJ_TABLE;
	table->table = NULL;
	table->name = parts[n - 1];
	table->schema = n >= 2 ? parts[n - 2] : ctx->schema;
	return true;
}

/* Parses the statements [a, b) of the split as one text; one by one when a
 * statement among them may be too deep to parse. */
static size_t parse_run(sql_pg_ctx *ctx, mg_changeset *cs, char *buf, size_t len,
                        PgQuerySplitStmt **st, int a, int b)
{
	size_t rstart = (size_t)st[a]->stmt_location;
	size_t rend = st[b - 1]->stmt_len > 0
	                  ? (size_t)st[b - 1]->stmt_location + (size_t)st[b - 1]->stmt_len
	                  : len;
	if (rend > len)
		rend = len;
	size_t estimate;
	if (sql_pg_too_deep(ctx, buf + rstart, rend - rstart, &estimate)) {
		if (b - a > 1) {
			size_t added = 0;
			for (int i = a; i < b; i++)
				added += parse_run(ctx, cs, buf, len, st, i, i + 1);
			return added;
		}
		ctx->src = buf;
		ctx->src_len = len;
		ctx->src_base = 0;
		ctx->stmt_start = sql_skip_blank(buf, rend, rstart);
		ctx->stmt_end = rend;
		mg_statement *one = sql_pg_new_statement(ctx, cs, ctx->stmt_start, rend);
		sql_pg_depth_diag(ctx, one, one->loc, estimate, true);
		return 1;
	}
	char saved = buf[rend];
	buf[rend] = '\0';
	ctx->src = buf + rstart;
	ctx->src_len = rend - rstart;
	ctx->src_base = rstart;

	size_t added = 0;
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(ctx->src);
	if (r.error) {
		/* The whole-text parse accepted it; keep it, flagged, if a part
		 * alone does not parse. */
		ctx->stmt_start = sql_skip_blank(ctx->src, ctx->src_len, 0);
		ctx->stmt_end = ctx->src_len;
		mg_statement *one = sql_pg_new_statement(ctx, cs, ctx->stmt_start, ctx->src_len);
		one->parse_failed = true;
		mg_diag_add(&ctx->project->diags, MG_SEV_HIGH, "sql-parse-error", one->loc, "%s",
		            r.error->message ? r.error->message : "syntax error");
		added = 1;
	} else {
		added = sql_pg_map_tree(ctx, cs, &r.parse_tree, NULL);
	}
	pg_query_free_protobuf_parse_result(r);
	buf[rend] = saved;
	ctx->src = buf;
	ctx->src_len = len;
	ctx->src_base = 0;
	return added;
}

size_t sql_pg_parse_bulk(sql_pg_ctx *ctx, mg_changeset *cs, char *buf, size_t len)
{
	PgQuerySplitResult sr = pg_query_split_with_parser(buf);
	if (sr.error) {
		pg_query_free_split_result(sr);
		return (size_t)-1;
	}
	ctx->src = buf;
	ctx->src_len = len;
	ctx->src_base = 0;
	size_t added = 0;
	int run = -1;
	for (int i = 0; i <= sr.n_stmts; i++) {
		size_t start = 0, end = 0;
		mg_object table;
		bool simple = false;
		if (i < sr.n_stmts) {
			start = (size_t)sr.stmts[i]->stmt_location;
			end =
			    sr.stmts[i]->stmt_len > 0 ? start + (size_t)sr.stmts[i]->stmt_len : len;
			if (end > len)
				end = len;
			start = sql_skip_blank(buf, end, start);
			simple = !sql_pg_over_limit(ctx, end - start) &&
			         sql_pg_simple_insert(ctx, start, end, &table);
		}
		if ((i == sr.n_stmts || simple) && run >= 0) {
			added += parse_run(ctx, cs, buf, len, sr.stmts, run, i);
			run = -1;
		}
		if (i == sr.n_stmts)
			break;
		if (!simple) {
			if (run < 0)
				run = i;
			continue;
		}
		ctx->stmt_start = start;
		ctx->stmt_end = end;
		ctx->stmt = sql_pg_new_statement(ctx, cs, start, end);
		mg_operation *op = sql_pg_op(ctx, MG_OP_INSERT);
		op->object = table;
		added++;
	}
	pg_query_free_split_result(sr);
	return added;
}
