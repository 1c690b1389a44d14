/*
 * pg.c: the PostgreSQL front end's driver.
 *
 * The fast path hands the whole script to libpg_query once and walks the
 * RawStmts it returns: each byte is parsed once.  Only when that fails
 * does it split the script itself and parse statement by statement, so a
 * single bad statement is reported at its own line and the others are
 * still analysed.  Statement and operation locations are turned into the
 * original file's line:col by one forward-moving mg_text_cursor.
 */
#include <stdlib.h>
#include <string.h>

#include "sql/pg.h"
#include "sql/pg_internal.h"

static mg_loc loc_at(sql_pg_ctx *ctx, size_t src_offset)
{
	mg_loc l = {ctx->text->file, 0, 0};
	if (src_offset > ctx->src_len)
		src_offset = ctx->src_len;
	mg_text_cursor_seek(ctx->cursor, ctx->src_base + src_offset, &l.line, &l.col);
	return l;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

mg_statement *sql_pg_new_statement(sql_pg_ctx *ctx, mg_changeset *cs, size_t start, size_t end)
{
	while (end > start && is_blank(ctx->src[end - 1]))
		end--;
	mg_statement *st = mg_changeset_add_statement(ctx->project, cs);
	st->loc = loc_at(ctx, start);
	ctx->raw_loc = st->loc; /* its operations start where it does */
	st->sql = mg_arena_strndup(ctx->arena, ctx->src + start, end - start);
	st->sql_len = end - start;
	return st;
}

static void map_statement(sql_pg_ctx *ctx, const pg_node *n)
{
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_STMT: sql_pg_map_create_table(ctx, n->create_stmt); return;
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
		sql_pg_map_create_table_as(ctx, n->create_table_as_stmt);
		return;
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		sql_pg_map_alter_table(ctx, n->alter_table_stmt);
		return;
	case PG_QUERY__NODE__NODE_INDEX_STMT: sql_pg_map_index(ctx, n->index_stmt); return;
	case PG_QUERY__NODE__NODE_REINDEX_STMT: sql_pg_map_reindex(ctx, n->reindex_stmt); return;
	case PG_QUERY__NODE__NODE_VIEW_STMT: sql_pg_map_view(ctx, n->view_stmt); return;
	case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
		sql_pg_map_refresh(ctx, n->refresh_mat_view_stmt);
		return;
	case PG_QUERY__NODE__NODE_DROP_STMT: sql_pg_map_drop(ctx, n->drop_stmt); return;
	case PG_QUERY__NODE__NODE_RENAME_STMT: sql_pg_map_rename(ctx, n->rename_stmt); return;
	case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
		sql_pg_map_set_schema(ctx, n->alter_object_schema_stmt);
		return;
	case PG_QUERY__NODE__NODE_ALTER_OWNER_STMT:
		sql_pg_map_owner(ctx, n->alter_owner_stmt);
		return;
	case PG_QUERY__NODE__NODE_COMMENT_STMT: sql_pg_map_comment(ctx, n->comment_stmt); return;
	case PG_QUERY__NODE__NODE_GRANT_STMT: sql_pg_map_grant(ctx, n->grant_stmt); return;
	default: break;
	}
	if (sql_pg_map_misc(ctx, n) || sql_pg_map_dml(ctx, n))
		return;
	sql_pg_opaque(ctx, MG_OPAQUE_UNMODELLED_STATEMENT, sql_pg_node_type_name(n));
}

void sql_pg_limit_diag(sql_pg_ctx *ctx, mg_statement *st, size_t len)
{
	st->parse_failed = true;
	mg_diag *d = mg_diag_add(&ctx->project->diags, MG_SEV_HIGH, "limit-statement-size", st->loc,
	                         "statement of %zu bytes is larger than the limit of %zu "
	                         "bytes; it was not analysed",
	                         len, ctx->opts->max_statement_bytes);
	mg_diag_set_hint(&ctx->project->diags, d, "raise the limit with --max-statement-size");
}

bool sql_pg_over_limit(const sql_pg_ctx *ctx, size_t len)
{
	return ctx->opts->max_statement_bytes && len > ctx->opts->max_statement_bytes;
}

/* Byte offset of libpg_query's 1-based cursor position (counted in
 * characters) within src. */
static size_t cursor_offset(const char *src, size_t len, int cursorpos)
{
	size_t i = 0;
	int chars = 1;
	if (cursorpos <= 1)
		return 0;
	while (i < len) {
		if (((unsigned char)src[i] & 0xC0) != 0x80) {
			if (chars == cursorpos)
				return i;
			chars++;
		}
		i++;
	}
	return len;
}

static void parse_error(sql_pg_ctx *ctx, mg_statement *st, const PgQueryError *err)
{
	st->parse_failed = true;
	size_t off = cursor_offset(ctx->src, ctx->src_len, err->cursorpos);
	if (off < ctx->stmt_start)
		off = ctx->stmt_start;
	mg_loc l = loc_at(ctx, off);
	if (ctx->opts->engine.kind == MG_ENGINE_POSTGRESQL && ctx->opts->engine.major > 15)
		mg_diag_add(&ctx->project->diags, MG_SEV_HIGH, "sql-parse-error", l,
		            "%s (the parser's grammar is PostgreSQL 15's: if this is syntax that "
		            "only PostgreSQL %d accepts, it is newer than the parser and was not "
		            "analysed)",
		            err->message ? err->message : "syntax error", ctx->opts->engine.major);
	else
		mg_diag_add(&ctx->project->diags, MG_SEV_HIGH, "sql-parse-error", l, "%s",
		            err->message ? err->message : "syntax error");
}

void sql_pg_depth_diag(sql_pg_ctx *ctx, mg_statement *st, mg_loc at, size_t depth, bool estimated)
{
	st->parse_failed = true;
	mg_diag *d = mg_diag_add(
	    &ctx->project->diags, MG_SEV_HIGH, "limit-sql-depth", at,
	    "statement nested %s%zu levels deep is deeper than the limit of %zu levels; it was "
	    "not analysed",
	    estimated ? "about " : "", depth, sql_pg_depth_limit(ctx));
	mg_diag_set_hint(&ctx->project->diags, d, "raise the limit with --max-sql-depth");
}

size_t sql_pg_depth_limit(const sql_pg_ctx *ctx)
{
	return ctx->depth_limit;
}

size_t sql_pg_map_raw_stmt(sql_pg_ctx *ctx, mg_changeset *cs, int32_t location, int32_t len,
                          const pg_node *stmt, size_t too_deep, mg_statement *one)
{
	size_t start = location > 0 ? (size_t)location : 0;
	size_t end = len > 0 ? start + (size_t)len : ctx->src_len;
	if (start > ctx->src_len)
		start = ctx->src_len;
	if (end > ctx->src_len)
		end = ctx->src_len;
	start = sql_skip_blank(ctx->src, end, start);
	ctx->stmt_start = start;
	ctx->stmt_end = end;
	/* Several RawStmts may share one statement (Liquibase's
	 * splitStatements=false): each one's operations start where it does. */
	ctx->raw_loc.file = ctx->text->file;
	mg_text_cursor_seek(ctx->cursor, ctx->src_base + start, &ctx->raw_loc.line,
	                    &ctx->raw_loc.col);
	size_t added = 0;
	if (one) {
		ctx->stmt = one;
	} else {
		ctx->stmt = sql_pg_new_statement(ctx, cs, start, end);
		added = 1;
		if (sql_pg_over_limit(ctx, end - start)) {
			sql_pg_limit_diag(ctx, ctx->stmt, end - start);
			return added;
		}
	}
	if (too_deep) {
		sql_pg_depth_diag(ctx, ctx->stmt, ctx->raw_loc, too_deep, false);
		return added;
	}
	if (stmt)
		map_statement(ctx, stmt);
	return added;
}

bool sql_pg_too_deep(sql_pg_ctx *ctx, const char *src, size_t len, size_t *estimate)
{
	size_t e = sql_depth_estimate(src, len);
	if (estimate)
		*estimate = e;
	return e > sql_pg_parse_depth_cap(ctx);
}

size_t sql_pg_parse_depth_cap(const sql_pg_ctx *ctx)
{
	return ctx->parse_cap;
}

/* Parses src[0, len) (a NUL-terminated string at src_base in the text). */
static size_t parse_piece(sql_pg_ctx *ctx, mg_changeset *cs, const char *src, size_t len,
                          size_t src_base, bool one_stmt)
{
	ctx->src = src;
	ctx->src_len = len;
	ctx->src_base = src_base;
	ctx->stmt_start = sql_skip_blank(src, len, 0);
	ctx->stmt_end = len;
	if (ctx->stmt_start >= len)
		return 0;

	mg_statement *one = NULL;
	if (one_stmt || sql_pg_over_limit(ctx, len)) {
		one = sql_pg_new_statement(ctx, cs, ctx->stmt_start, len);
		if (sql_pg_over_limit(ctx, len - ctx->stmt_start)) {
			sql_pg_limit_diag(ctx, one, len - ctx->stmt_start);
			return 1;
		}
	}
	size_t estimate;
	if (sql_pg_too_deep(ctx, src, len, &estimate)) {
		if (!one)
			one = sql_pg_new_statement(ctx, cs, ctx->stmt_start, len);
		sql_pg_depth_diag(ctx, one, one->loc, estimate, true);
		return 1;
	}
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(src);
	size_t added = one ? 1 : 0;
	if (r.error) {
		if (!one) {
			one = sql_pg_new_statement(ctx, cs, ctx->stmt_start, len);
			added = 1;
		}
		parse_error(ctx, one, r.error);
	} else {
		added += sql_pg_map_tree(ctx, cs, &r.parse_tree, one);
	}
	pg_query_free_protobuf_parse_result(r);
	return added;
}

/* Parses each span on its own; returns the statements added. */
/* An unterminated quote, dollar quote or comment at the end of a script
 * makes the server reject it.  When the last piece produced no failed
 * statement (a lone unterminated comment parses as nothing), say so. */
static void report_unterminated(sql_pg_ctx *ctx, mg_changeset *cs, const mg_sql_span *spans,
                                size_t n, const char *open, size_t stmts_before)
{
	if (!open)
		return;
	if (cs->n_stmts > stmts_before && cs->stmts[cs->n_stmts - 1]->parse_failed)
		return;
	uint32_t line = 1, col = 1;
	mg_text_cursor_seek(ctx->cursor, n ? spans[n - 1].offset : 0, &line, &col);
	mg_loc l = {ctx->text->file, line, col};
	mg_diag_add(&ctx->project->diags, MG_SEV_HIGH, "sql-unterminated", l,
	            "%s runs to the end of the script: the server rejects it", open);
}

static size_t parse_spans(sql_pg_ctx *ctx, mg_changeset *cs, const char *buf,
                          const mg_sql_span *spans, size_t n, bool one_stmt)
{
	size_t added = 0;
	char *tmp = NULL;
	size_t tmp_cap = 0;
	for (size_t i = 0; i < n; i++) {
		if (spans[i].len + 1 > tmp_cap) {
			tmp_cap = spans[i].len + 1 > 2 * tmp_cap ? spans[i].len + 1 : 2 * tmp_cap;
			tmp = mg_xrealloc(tmp, tmp_cap);
		}
		memcpy(tmp, buf + spans[i].offset, spans[i].len);
		tmp[spans[i].len] = '\0';
		added += parse_piece(ctx, cs, tmp, spans[i].len, spans[i].offset, one_stmt);
	}
	free(tmp);
	return added;
}

/* ---- input checks ------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s[i], or 0. */
static size_t utf8_seq(const unsigned char *s, size_t len, size_t i)
{
	unsigned char c = s[i];
	size_t n;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (i + n > len)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i + k] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

static void check_utf8(mg_project *project, const mg_text *text, size_t len, mg_text_cursor *cur)
{
	const unsigned char *s = (const unsigned char *)text->data;
	size_t bad = 0;
	mg_loc first = {text->file, 0, 0};
	for (size_t i = 0; i < len;) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = utf8_seq(s, len, i);
		if (n) {
			i += n;
			continue;
		}
		if (bad++ == 0)
			mg_text_cursor_seek(cur, i, &first.line, &first.col);
		i++;
	}
	if (bad)
		mg_diag_add(&project->diags, MG_SEV_MEDIUM, "sql-invalid-utf8", first,
		            "invalid UTF-8 (%zu byte%s); columns may be off and names with "
		            "these bytes may not match",
		            bad, bad == 1 ? "" : "s");
	/* The cursor must move forward only: start it again for the parse. */
	mg_text_cursor_init(cur, text);
}

/* The length of text worth parsing (up to a NUL byte), after the input
 * checks every engine's script gets; cur is left at the start. */
static size_t checked_length(mg_project *project, const mg_text *text, mg_text_cursor *cur)
{
	mg_text_cursor_init(cur, text);
	size_t len = text->len;
	const char *nul = len ? memchr(text->data, '\0', len) : NULL;
	if (nul) {
		mg_loc l = {text->file, 0, 0};
		mg_text_cursor_seek(cur, (size_t)(nul - text->data), &l.line, &l.col);
		mg_diag_add(&project->diags, MG_SEV_HIGH, "sql-binary-content", l,
		            "the file contains NUL bytes (binary content or UTF-16?); "
		            "only the text before the first one was analysed");
		len = (size_t)(nul - text->data);
		mg_text_cursor_init(cur, text);
	}
	check_utf8(project, text, len, cur);
	return len;
}

/* ---- entry point ------------------------------------------------------- */

/* Stack per level of tree, measured on libpg_query 15 (176 bytes to build
 * and pack, 962 to unpack) and rounded up: the parse and the unpack run on
 * a stack sized from them, never on whatever the caller has left. */
enum {
	PARSE_FRAME = 256,
	UNPACK_FRAME = 1280,
	INLINE_STACK = 1 << 20,   /* what any caller's stack is trusted to have */
	WORKER_MARGIN = 8 << 20   /* migraph's own frames, the sanitizers' */
};

typedef struct parse_job {
	sql_pg_ctx *ctx;
	mg_changeset *cs;
	char *buf;
	size_t len;
	size_t estimate; /* of the whole script */
	size_t added;
} parse_job;

static void parse_body(parse_job *j)
{
	sql_pg_ctx *ctx = j->ctx;
	mg_project *project = ctx->project;
	const mg_sql_options *opts = ctx->opts;
	mg_changeset *cs = j->cs;
	char *buf = j->buf;
	size_t len = j->len;
	size_t added = 0;
	bool custom_delim =
	    opts->end_delimiter && *opts->end_delimiter && strcmp(opts->end_delimiter, ";") != 0;
	if (custom_delim) {
		mg_sql_span *spans = NULL;
		const char *open = NULL;
		size_t n =
		    mg_sql_split(&project->arena, buf, len, opts->end_delimiter, &spans, &open);
		size_t before = cs->n_stmts;
		added = parse_spans(ctx, cs, buf, spans, n, true);
		report_unterminated(ctx, cs, spans, n, open, before);
	} else if (!opts->split_statements) {
		added = parse_piece(ctx, cs, buf, len, 0, true);
	} else if (len >= sql_pg_bulk_threshold && j->estimate <= sql_pg_parse_depth_cap(ctx) &&
	           (added = sql_pg_parse_bulk(ctx, cs, buf, len)) != (size_t)-1) {
		/* done: a large script, parsed without building its whole tree (not
		 * when a statement is too deep to parse: libpg_query's raw tree of
		 * a million-branch UNION alone takes 40 times the text's size) */
	} else {
		added = 0;
		/* One parse for the whole script, unless a statement in it is too
		 * deep to parse at all: then statement by statement. */
		PgQueryProtobufParseResult r = {0};
		bool whole = j->estimate <= sql_pg_parse_depth_cap(ctx);
		if (whole)
			r = pg_query_parse_protobuf(buf);
		if (whole && !r.error) {
			ctx->src = buf;
			ctx->src_len = len;
			ctx->src_base = 0;
			added = sql_pg_map_tree(ctx, cs, &r.parse_tree, NULL);
			pg_query_free_protobuf_parse_result(r);
		} else {
			if (whole)
				pg_query_free_protobuf_parse_result(r);
			mg_sql_span *spans = NULL;
			const char *open = NULL;
			size_t n = mg_sql_split(&project->arena, buf, len, NULL, &spans, &open);
			size_t before = cs->n_stmts;
			added = parse_spans(ctx, cs, buf, spans, n, false);
			report_unterminated(ctx, cs, spans, n, open, before);
		}
	}
	j->added = added;
}

/* libpg_query keeps a memory context per thread and frees it itself (a
 * thread-specific destructor) when the worker ends. */
static void parse_on_worker(void *arg)
{
	parse_body(arg);
}

static size_t stack_need(size_t estimate, size_t cap, size_t limit)
{
	size_t parse = (estimate < cap ? estimate : cap) * PARSE_FRAME;
	size_t unpack = (estimate < limit ? estimate : limit) * UNPACK_FRAME;
	return parse > unpack ? parse : unpack;
}

size_t sql_pg_parse_script(mg_project *project, mg_changeset *cs, const mg_text *text,
                          const mg_sql_options *opts)
{
	mg_text_cursor cur;
	size_t len = checked_length(project, text, &cur);

	char *buf = mg_xmalloc(len + 1);
	memcpy(buf, text->data, len);
	buf[len] = '\0';

	sql_pg_ctx ctx = {0};
	ctx.project = project;
	ctx.arena = &project->arena;
	ctx.opts = opts;
	ctx.base_schema = opts->default_schema && *opts->default_schema
	                      ? opts->default_schema
	                      : mg_engine_default_schema(opts->engine.kind);
	ctx.schema = ctx.base_schema;
	ctx.text = text;
	ctx.cursor = &cur;
	ctx.src = buf;
	ctx.src_len = len;
	ctx.depth_limit = opts->max_depth ? opts->max_depth : MG_SQL_DEFAULT_MAX_DEPTH;
	if (ctx.depth_limit > 100000000) /* keeps the stack arithmetic below in range */
		ctx.depth_limit = 100000000;
	/* The estimate runs above the real depth (by a third for nested
	 * subqueries, half for CASE): only beyond half as much again as the
	 * limit is a statement refused before libpg_query sees it; its exact
	 * depth decides the rest. */
	ctx.parse_cap = ctx.depth_limit + ctx.depth_limit / 2 + 64;

	size_t copy_open;
	if (sql_blank_copy_data(buf, len, &copy_open) && copy_open != SIZE_MAX) {
		mg_diag *d = mg_diag_add(&project->diags, MG_SEV_MEDIUM, "sql-copy-unterminated",
		                         loc_at(&ctx, copy_open),
		                         "COPY ... FROM STDIN without a line \\. ending its data: "
		                         "the rest of the script is read as its data");
		mg_diag_set_hint(&project->diags, d,
		                 "end the data with a line holding only \\. as psql and Flyway expect");
	}
	size_t comment_depth;
	parse_job job = {&ctx, cs, buf, len, sql_depth_scan(buf, len, &comment_depth), 0};
	size_t max_nesting = opts->max_nesting ? opts->max_nesting : MG_SQL_DEFAULT_MAX_NESTING;
	if (comment_depth > max_nesting) {
		size_t first = 0, deepest = 0;
		size_t n = sql_blank_deep_comments(buf, len, max_nesting, &first, &deepest);
		mg_diag *d = mg_diag_add(&project->diags, MG_SEV_MEDIUM, "limit-nesting",
		                         loc_at(&ctx, first),
		                         "%zu block comment%s nested up to %zu deep (more than %zu): "
		                         "read as blank, as the server reads a comment, without "
		                         "looking inside",
		                         n, n == 1 ? "" : "s", deepest, max_nesting);
		mg_diag_set_hint(&project->diags, d, "raise the limit with --max-nesting-depth");
	}
	size_t need = stack_need(job.estimate, ctx.parse_cap, ctx.depth_limit);
	if (need <= INLINE_STACK) {
		parse_body(&job);
	} else if (mg_run_with_stack(need + WORKER_MARGIN, parse_on_worker, &job) != 0) {
		/* No thread to be had: parse here, within what this stack holds. */
		ctx.parse_cap = INLINE_STACK / PARSE_FRAME;
		if (ctx.depth_limit > INLINE_STACK / UNPACK_FRAME)
			ctx.depth_limit = INLINE_STACK / UNPACK_FRAME;
		parse_body(&job);
	}
	free(buf);
	return job.added;
}

void mg_sql_shutdown(void)
{
	/* pg_query_exit frees the per-thread memory context libpg_query
	 * creates on first use; called before any parse it dereferences a
	 * context that does not exist yet, so make sure there is one. */
	pg_query_init();
	pg_query_exit();
}

/* ---- MySQL and MariaDB -------------------------------------------------- */

size_t sql_other_engine_parse_script(mg_project *project, mg_changeset *cs, const mg_text *text,
                                    const mg_sql_options *opts)
{
	mg_text_cursor cur;
	size_t len = checked_length(project, text, &cur);

	mg_sql_span *spans = NULL;
	const char *open = NULL;
	size_t n = sql_split_dialect(&project->arena, text->data, len, opts->end_delimiter,
	                                SQL_DIALECT_MYSQL, &spans, &open);
	const char *engine = mg_engine_name(opts->engine.kind);
	for (size_t i = 0; i < n; i++) {
		mg_statement *st = mg_changeset_add_statement(project, cs);
		st->loc.file = text->file;
		mg_text_cursor_seek(&cur, spans[i].offset, &st->loc.line, &st->loc.col);
		st->sql =
		    mg_arena_strndup(&project->arena, text->data + spans[i].offset, spans[i].len);
		st->sql_len = spans[i].len;
		mg_operation *op = mg_statement_add_op(project, st, MG_OP_OPAQUE);
		op->opaque_kind = MG_OPAQUE_OTHER_ENGINE_SQL;
		op->detail = engine;
	}
	if (open) {
		mg_loc l = {text->file, 0, 0};
		mg_text_cursor_seek(&cur, len, &l.line, &l.col);
		mg_diag_add(&project->diags, MG_SEV_MEDIUM, "sql-unterminated", l,
		            "%s at the end of the script", open);
	}
	return n;
}
