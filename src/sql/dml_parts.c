/*
 * dml_parts.c: the pieces of one UPDATE or DELETE that a batched rewrite
 * needs (the SET list, the FROM/USING list, the WHERE condition), as exact
 * spans of the statement's text.
 *
 * The plan turns a data change of a live table into a backfill that runs
 * the same change in keyset batches; it has to repeat the author's own
 * expressions, so they are cut from the source text rather than printed
 * back from the tree (which would lose casts, quoting and comments the
 * author wrote).  The tree only says where each part starts and what it
 * contains (which columns a SET expression reads, how volatile it is).
 */
#include <string.h>

#include "sql/pg_internal.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* The offset where the keyword kw ends just before loc (only blanks and
 * opening parentheses between them), or (size_t)-1.  *kw_start receives
 * where it starts. */
static size_t keyword_before(const char *s, size_t floor, size_t loc, const char *kw,
                             size_t *kw_start)
{
	size_t i = loc;
	while (i > floor && (blank(s[i - 1]) || s[i - 1] == '('))
		i--;
	size_t n = strlen(kw);
	if (i < floor + n)
		return (size_t)-1;
	size_t st = i - n;
	for (size_t k = 0; k < n; k++) {
		char c = s[st + k];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != kw[k])
			return (size_t)-1;
	}
	if (st > floor && ident_char(s[st - 1]))
		return (size_t)-1;
	*kw_start = st;
	return i;
}

/* text without its comments (each becomes a space), trimmed: a clause
 * that ended in "-- why" would comment out what the rewrite puts after it
 * on the same line. */
static const char *without_comments(mg_arena *arena, const char *text)
{
	if (!text)
		return NULL;
	size_t len = strlen(text);
	mg_buf b = MG_BUF_INIT;
	size_t i = 0;
	while (i < len) {
		const char *open = NULL;
		size_t next = sql_skip_special(text, len, i, SQL_DIALECT_PG, &open);
		if (next == i) {
			mg_buf_putc(&b, text[i++]);
			continue;
		}
		bool comment = (text[i] == '-' && i + 1 < len && text[i + 1] == '-') ||
		               (text[i] == '/' && i + 1 < len && text[i + 1] == '*');
		if (comment)
			mg_buf_putc(&b, ' ');
		else
			mg_buf_put(&b, text + i, next - i);
		i = next;
	}
	size_t s = 0, e = b.len;
	while (s < e && blank(b.data[s]))
		s++;
	while (e > s && blank(b.data[e - 1]))
		e--;
	const char *r = e > s ? mg_arena_strndup(arena, b.data + s, e - s) : NULL;
	mg_buf_dispose(&b);
	return r;
}

typedef struct reads_walk {
	const mg_name_list *targets;
	bool hit;
} reads_walk;

static bool reads_target(const ProtobufCMessage *msg, void *ud)
{
	reads_walk *w = ud;
	if (msg->descriptor != &pg_query__column_ref__descriptor)
		return true;
	const PgQuery__ColumnRef *cr = (const PgQuery__ColumnRef *)msg;
	if (!cr->n_fields)
		return false;
	const char *name = sql_pg_node_str(cr->fields[cr->n_fields - 1]);
	if (!name && cr->n_fields >= 2)
		name = sql_pg_node_str(cr->fields[cr->n_fields - 2]); /* t.col.* style */
	for (size_t i = 0; name && i < w->targets->count; i++)
		if (!strcmp(name, w->targets->items[i]))
			w->hit = true;
	return false;
}

static int min_loc(pg_node **items, size_t n)
{
	int best = -1;
	for (size_t i = 0; i < n; i++) {
		int l = sql_pg_first_location((const ProtobufCMessage *)items[i]);
		if (l >= 0 && (best < 0 || l < best))
			best = l;
	}
	return best;
}

static void set_list(sql_pg_ctx *ctx, const PgQuery__UpdateStmt *u, size_t set_end, mg_sql_dml *out)
{
	out->set_columns.items =
	    mg_arena_alloc(ctx->arena, (u->n_target_list + 1) * sizeof(char *));
	out->set_exprs.items = mg_arena_alloc(ctx->arena, (u->n_target_list + 1) * sizeof(char *));
	for (size_t i = 0; i < u->n_target_list; i++) {
		const pg_node *t = u->target_list[i];
		if (t->node_case != PG_QUERY__NODE__NODE_RES_TARGET || !t->res_target->name)
			continue;
		const PgQuery__ResTarget *rt = t->res_target;
		out->set_columns.items[out->set_columns.count++] =
		    mg_arena_strdup(ctx->arena, rt->name);
		if (rt->n_indirection)
			out->set_subfield = true; /* SET col[1] = ..., SET comp.field = ... */
		const pg_node *v = rt->val;
		if (!v)
			continue;
		if (v->node_case == PG_QUERY__NODE__NODE_MULTI_ASSIGN_REF) {
			out->multi_assign = true;
			continue;
		}
		if (v->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT)
			out->set_default = true;
		mg_volatility vol = sql_pg_expr_volatility(v);
		if (vol > out->set_volatility)
			out->set_volatility = vol;
		const char *e = sql_pg_expr_text(ctx, v, set_end, NULL);
		e = without_comments(ctx->arena, e);
		out->set_exprs.items[out->set_exprs.count++] = e ? e : "";
	}
	reads_walk w = {&out->set_columns, false};
	for (size_t i = 0; i < u->n_target_list; i++) {
		const pg_node *t = u->target_list[i];
		if (t->node_case == PG_QUERY__NODE__NODE_RES_TARGET && t->res_target->val)
			sql_pg_walk((const ProtobufCMessage *)t->res_target->val, reads_target, &w);
	}
	out->set_reads_targets = w.hit;
	if (out->set_exprs.count != out->set_columns.count)
		out->set_exprs.count = 0; /* multi-assignment: only the whole clause is usable */
}

/* Fills out from the statement's tree.  Returns 0, or -1 when a part
 * cannot be cut from the text reliably. */
static int dissect(sql_pg_ctx *ctx, const pg_node *n, mg_sql_dml *out)
{
	const char *s = ctx->src;
	size_t len = ctx->src_len;
	const PgQuery__RangeVar *rel;
	pg_node **from = NULL, *where_node = NULL;
	size_t n_from = 0, n_returning = 0;
	const char *from_kw;
	if (n->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT) {
		const PgQuery__UpdateStmt *u = n->update_stmt;
		out->kind = MG_OP_UPDATE;
		rel = u->relation;
		from = u->from_clause;
		n_from = u->n_from_clause;
		where_node = u->where_clause;
		n_returning = u->n_returning_list;
		out->has_with = u->with_clause != NULL;
		from_kw = "from";
	} else {
		const PgQuery__DeleteStmt *d = n->delete_stmt;
		out->kind = MG_OP_DELETE;
		rel = d->relation;
		from = d->using_clause;
		n_from = d->n_using_clause;
		where_node = d->where_clause;
		n_returning = d->n_returning_list;
		out->has_with = d->with_clause != NULL;
		from_kw = "using";
	}
	out->has_returning = n_returning > 0;
	if (!rel || !rel->relname || !*rel->relname)
		return -1;
	out->table = sql_pg_rangevar(ctx, rel, MG_OBJ_TABLE);
	out->only = !rel->inh;
	if (rel->alias && rel->alias->aliasname && *rel->alias->aliasname)
		out->alias = mg_arena_strdup(ctx->arena, rel->alias->aliasname);
	if (where_node && where_node->node_case == PG_QUERY__NODE__NODE_CURRENT_OF_EXPR) {
		out->where_current_of = true; /* nothing to batch: the cursor's row */
		return 0;
	}

	/* Where each clause begins, and so where the one before it ends. */
	size_t end = len;
	size_t returning_start = len;
	if (n_returning) {
		int l = min_loc(n->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT
		                    ? n->update_stmt->returning_list
		                    : n->delete_stmt->returning_list,
		                n_returning);
		size_t kw;
		if (l < 0 ||
		    keyword_before(s, ctx->stmt_start, (size_t)l, "returning", &kw) == (size_t)-1)
			return -1;
		returning_start = kw;
		end = kw;
	}
	size_t where_start = end;
	if (where_node) {
		int l = sql_pg_first_location((const ProtobufCMessage *)where_node);
		size_t kw;
		if (l < 0 ||
		    keyword_before(s, ctx->stmt_start, (size_t)l, "where", &kw) == (size_t)-1)
			return -1;
		where_start = kw;
		out->where_clause = without_comments(ctx->arena, sql_pg_span(ctx, kw + 5, end));
	}
	size_t from_start = where_start;
	if (n_from) {
		int l = min_loc(from, n_from);
		size_t kw;
		if (l < 0 ||
		    keyword_before(s, ctx->stmt_start, (size_t)l, from_kw, &kw) == (size_t)-1)
			return -1;
		from_start = kw;
		out->from_clause = without_comments(
		    ctx->arena, sql_pg_span(ctx, kw + strlen(from_kw), where_start));
	}
	(void)returning_start;
	if (out->kind == MG_OP_UPDATE) {
		const PgQuery__UpdateStmt *u = n->update_stmt;
		int l = min_loc(u->target_list, u->n_target_list);
		if (l < 0 || (size_t)l >= from_start)
			return -1;
		/* SET (a, b) = ...: the list starts at the parenthesis. */
		size_t st = (size_t)l;
		size_t kw;
		size_t after = keyword_before(s, ctx->stmt_start, st, "set", &kw);
		if (after == (size_t)-1)
			return -1;
		out->set_clause = without_comments(ctx->arena, sql_pg_span(ctx, after, from_start));
		set_list(ctx, u, from_start, out);
		if (!out->set_clause || !out->set_columns.count)
			return -1;
	}
	if (where_node && !out->where_clause)
		return -1;
	return 0;
}

int mg_sql_dml_parts(mg_arena *arena, const char *sql, size_t len, const char *default_schema,
                     mg_sql_dml *out)
{
	memset(out, 0, sizeof *out);
	if (!sql || !len)
		return -1;
	char *src = mg_arena_strndup(arena, sql, len);
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(src);
	int rc = -1;
	if (!r.error) {
		PgQuery__ParseResult *pr = pg_query__parse_result__unpack(
		    NULL, r.parse_tree.len, (const uint8_t *)r.parse_tree.data);
		if (pr && pr->n_stmts == 1 && pr->stmts[0]->stmt &&
		    (pr->stmts[0]->stmt->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT ||
		     pr->stmts[0]->stmt->node_case == PG_QUERY__NODE__NODE_DELETE_STMT)) {
			sql_pg_ctx ctx = {0};
			ctx.arena = arena;
			ctx.schema = default_schema ? default_schema : "public";
			ctx.src = src;
			ctx.src_len = len;
			ctx.stmt_start = sql_skip_blank(src, len, 0);
			ctx.stmt_end = len;
			rc = dissect(&ctx, pr->stmts[0]->stmt, out);
		}
		if (pr)
			pg_query__parse_result__free_unpacked(pr, NULL);
	}
	pg_query_free_protobuf_parse_result(r);
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}
