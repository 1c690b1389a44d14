/*
 * pg_names.c: the small pieces every mapping file needs: qualified names
 * from RangeVars and name lists, operations with their locations, source
 * text spans of expressions, and a generic walk over the protobuf tree
 * (through protobuf-c's descriptors, so one walker serves every node type).
 */
#include <stdlib.h>
#include <string.h>

#include "sql/pg_internal.h"

const char *sql_pg_str(sql_pg_ctx *ctx, const char *s)
{
	if (!s || !*s)
		return NULL;
	return mg_arena_strdup(ctx->arena, s);
}

const char *sql_pg_node_str(const pg_node *n)
{
	if (!n)
		return NULL;
	if (n->node_case == PG_QUERY__NODE__NODE_STRING && n->string)
		return n->string->sval;
	if (n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const &&
	    n->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL && n->a_const->sval)
		return n->a_const->sval->sval;
	return NULL;
}

mg_object sql_pg_rangevar(sql_pg_ctx *ctx, const PgQuery__RangeVar *rv, mg_object_kind kind)
{
	mg_object o = {kind, NULL, NULL, NULL};
	if (!rv)
		return o;
	o.schema = sql_pg_str(ctx, rv->schemaname);
	if (!o.schema)
		o.schema = ctx->schema;
	o.name = sql_pg_str(ctx, rv->relname);
	return o;
}

mg_object sql_pg_qualified(sql_pg_ctx *ctx, pg_node **names, size_t n, mg_object_kind kind)
{
	mg_object o = {kind, NULL, NULL, NULL};
	if (n == 0)
		return o;
	o.name = sql_pg_str(ctx, sql_pg_node_str(names[n - 1]));
	if (n >= 2)
		o.schema = sql_pg_str(ctx, sql_pg_node_str(names[n - 2]));
	if (!o.schema)
		o.schema = ctx->schema;
	return o;
}

mg_name_list sql_pg_name_list(sql_pg_ctx *ctx, pg_node **names, size_t n)
{
	mg_name_list l = {NULL, 0};
	if (n == 0)
		return l;
	l.items = mg_arena_alloc(ctx->arena, n * sizeof *l.items);
	for (size_t i = 0; i < n; i++) {
		const char *s = sql_pg_node_str(names[i]);
		if (s)
			l.items[l.count++] = mg_arena_strdup(ctx->arena, s);
	}
	return l;
}

const char *sql_pg_dotted(sql_pg_ctx *ctx, pg_node **names, size_t n)
{
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const char *s = sql_pg_node_str(names[i]);
		if (!s)
			continue;
		if (b.len)
			mg_buf_putc(&b, '.');
		mg_buf_puts(&b, s);
	}
	const char *r = b.len ? mg_arena_strdup(ctx->arena, mg_buf_cstr(&b)) : NULL;
	mg_buf_dispose(&b);
	return r;
}

mg_operation *sql_pg_op(sql_pg_ctx *ctx, mg_op_kind kind)
{
	mg_operation *op = mg_statement_add_op(ctx->project, ctx->stmt, kind);
	if (ctx->raw_loc.line)
		op->loc = ctx->raw_loc;
	return op;
}

mg_operation *sql_pg_opaque(sql_pg_ctx *ctx, mg_opaque_kind kind, const char *detail)
{
	mg_operation *op = sql_pg_op(ctx, MG_OP_OPAQUE);
	op->opaque_kind = kind;
	op->detail = detail;
	return op;
}

void sql_pg_op_at(sql_pg_ctx *ctx, mg_operation *op, size_t src_offset)
{
	if (src_offset > ctx->src_len)
		src_offset = ctx->src_len;
	op->loc.file = ctx->text->file;
	mg_text_cursor_seek(ctx->cursor, ctx->src_base + src_offset, &op->loc.line, &op->loc.col);
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

const char *sql_pg_span(sql_pg_ctx *ctx, size_t start, size_t end)
{
	if (end > ctx->src_len)
		end = ctx->src_len;
	while (start < end && blank(ctx->src[start]))
		start++;
	while (end > start && blank(ctx->src[end - 1]))
		end--;
	if (start >= end)
		return NULL;
	return mg_arena_strndup(ctx->arena, ctx->src + start, end - start);
}

static bool word_at(const char *s, size_t len, size_t i, const char *w)
{
	size_t wl = strlen(w);
	if (i + wl > len)
		return false;
	if (i > 0) {
		char p = s[i - 1];
		if ((p >= 'a' && p <= 'z') || (p >= 'A' && p <= 'Z') || p == '_' ||
		    (p >= '0' && p <= '9') || p == '"')
			return false;
	}
	for (size_t k = 0; k < wl; k++) {
		char c = s[i + k];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != w[k])
			return false;
	}
	char n = i + wl < len ? s[i + wl] : ' ';
	return !((n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z') || n == '_' ||
	         (n >= '0' && n <= '9'));
}

const char *sql_pg_expr_text(sql_pg_ctx *ctx, const pg_node *expr, size_t limit,
                            const char *stop_word)
{
	if (!expr)
		return NULL;
	int loc = sql_pg_first_location((const ProtobufCMessage *)expr);
	if (loc < 0 || (size_t)loc >= ctx->src_len)
		return NULL;
	const char *s = ctx->src;
	size_t end = limit && limit <= ctx->stmt_end ? limit : ctx->stmt_end;
	size_t start = (size_t)loc;
	size_t i = start;
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
			if (depth == 0) {
				/* The first token's location lies inside parentheses
				 * that belong to the expression: take the '(' too. */
				size_t b = start;
				while (b > ctx->stmt_start && blank(s[b - 1]))
					b--;
				if (b > ctx->stmt_start && s[b - 1] == '(') {
					start = b - 1;
					i++;
					continue;
				}
				break;
			}
			depth--;
		} else if (c == ',' && depth == 0) {
			break;
		} else if (depth == 0 && stop_word && word_at(s, end, i, stop_word)) {
			break;
		}
		i++;
	}
	return sql_pg_span(ctx, start, i);
}

/* ---- generic walk ----------------------------------------------------- */

/* A loop over an explicit stack, not recursion: a tree is as deep as
 * --max-sql-depth lets it be, and nothing in it may be skipped. */
typedef struct walk_stack {
	const ProtobufCMessage **items;
	size_t n, cap;
	const ProtobufCMessage *local[128]; /* most walks never need the heap */
} walk_stack;

static void push_msg(walk_stack *w, const ProtobufCMessage *m)
{
	if (!m)
		return;
	if (w->n == w->cap) {
		size_t cap = 2 * w->cap;
		if (w->items == w->local) {
			w->items = mg_xmalloc(cap * sizeof *w->items);
			memcpy(w->items, w->local, w->n * sizeof *w->items);
		} else {
			w->items = mg_xrealloc(w->items, cap * sizeof *w->items);
		}
		w->cap = cap;
	}
	w->items[w->n++] = m;
}

void sql_pg_walk(const ProtobufCMessage *root, sql_pg_visit_fn fn, void *ud)
{
	walk_stack w;
	w.items = w.local;
	w.n = 0;
	w.cap = sizeof w.local / sizeof w.local[0];
	push_msg(&w, root);
	while (w.n > 0) {
		const ProtobufCMessage *msg = w.items[--w.n];
		if (!fn(msg, ud))
			continue;
		const ProtobufCMessageDescriptor *d = msg->descriptor;
		const char *base = (const char *)msg;
		/* Children pushed last field first, last item first: visited in
		 * the tree's order (pre-order), as a recursion would. */
		for (unsigned f = d->n_fields; f-- > 0;) {
			const ProtobufCFieldDescriptor *fd = &d->fields[f];
			if (fd->type != PROTOBUF_C_TYPE_MESSAGE)
				continue;
			if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
				size_t n = *(const size_t *)(base + fd->quantifier_offset);
				ProtobufCMessage *const *arr =
				    *(ProtobufCMessage *const *const *)(base + fd->offset);
				for (size_t k = n; k-- > 0;)
					push_msg(&w, arr[k]);
				continue;
			}
			if ((fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
			    *(const uint32_t *)(base + fd->quantifier_offset) != fd->id)
				continue;
			push_msg(&w, *(ProtobufCMessage *const *)(base + fd->offset));
		}
	}
	if (w.items != w.local)
		free(w.items);
}

static bool min_location(const ProtobufCMessage *msg, void *ud)
{
	int *best = ud;
	/* A binary search over the descriptor's sorted field names, not a
	 * strcmp of every field of every node (5% of a large script). */
	const ProtobufCFieldDescriptor *fd =
		protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, "location");
	if (fd && fd->type == PROTOBUF_C_TYPE_INT32 && fd->label != PROTOBUF_C_LABEL_REPEATED) {
		int v = *(const int32_t *)((const char *)msg + fd->offset);
		if (v >= 0 && (*best < 0 || v < *best))
			*best = v;
	}
	return true;
}

int sql_pg_first_location(const ProtobufCMessage *msg)
{
	int best = -1;
	sql_pg_walk(msg, min_location, &best);
	return best;
}

const char *sql_pg_node_type_name(const pg_node *n)
{
	if (!n)
		return "unknown";
	const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field(
	    &pg_query__node__descriptor, (unsigned)n->node_case);
	if (fd && fd->descriptor)
		return ((const ProtobufCMessageDescriptor *)fd->descriptor)->short_name;
	return "unknown";
}

/* A constant's value as SQL text ('x', 42, 1.5, true, NULL), built from
 * the tree rather than cut from the source, or NULL when n is no constant.
 * A type-cast constant ('2024-01-01'::date) gives its inner literal. */
static const char *const_text(sql_pg_ctx *ctx, const pg_node *n)
{
	if (n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && n->type_cast->arg)
		n = n->type_cast->arg;
	if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1 &&
	    n->column_ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING)
		return sql_pg_str(ctx, n->column_ref->fields[0]->string->sval); /* MINVALUE / MAXVALUE */
	if (n->node_case != PG_QUERY__NODE__NODE_A_CONST)
		return NULL;
	const PgQuery__AConst *c = n->a_const;
	if (c->isnull)
		return "NULL";
	switch (c->val_case) {
	case PG_QUERY__A__CONST__VAL_IVAL:
		return mg_arena_printf(ctx->arena, "%d", c->ival ? c->ival->ival : 0);
	case PG_QUERY__A__CONST__VAL_FVAL:
		return c->fval && c->fval->fval ? sql_pg_str(ctx, c->fval->fval) : NULL;
	case PG_QUERY__A__CONST__VAL_BOOLVAL:
		return c->boolval && c->boolval->boolval ? "true" : "false";
	case PG_QUERY__A__CONST__VAL_SVAL: {
		mg_buf b = MG_BUF_INIT;
		mg_buf_putc(&b, '\'');
		for (const char *p = c->sval && c->sval->sval ? c->sval->sval : ""; *p; p++) {
			if (*p == '\'')
				mg_buf_putc(&b, '\'');
			mg_buf_putc(&b, *p);
		}
		mg_buf_putc(&b, '\'');
		const char *r = mg_arena_strdup(ctx->arena, mg_buf_cstr(&b));
		mg_buf_dispose(&b);
		return r;
	}
	default:
		return NULL;
	}
}

/* The texts of a list of expressions (bound datums, VALUES items):
 * constants exactly, anything else as written. */
mg_name_list sql_pg_expr_list(sql_pg_ctx *ctx, pg_node **items, size_t n)
{
	mg_name_list l = {NULL, 0};
	if (!n)
		return l;
	l.items = mg_arena_alloc(ctx->arena, n * sizeof *l.items);
	for (size_t i = 0; i < n; i++) {
		const char *t = const_text(ctx, items[i]);
		l.items[l.count++] = t ? t : sql_pg_expr_text(ctx, items[i], 0, NULL);
	}
	return l;
}

void sql_pg_partition_bound(sql_pg_ctx *ctx, mg_operation *op, const PgQuery__PartitionBoundSpec *b)
{
	if (!b || b->is_default)
		return;
	op->bound_from = sql_pg_expr_list(ctx, b->lowerdatums, b->n_lowerdatums);
	op->bound_to = sql_pg_expr_list(ctx, b->upperdatums, b->n_upperdatums);
	op->bound_in = sql_pg_expr_list(ctx, b->listdatums, b->n_listdatums);
}
