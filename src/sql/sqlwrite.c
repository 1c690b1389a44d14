/*
 * sqlwrite.c: identifiers, literals and clauses of statement text (see
 * sqlwrite.h).  Keywords and token boundaries come from PostgreSQL's own
 * scanner (libpg_query), so a comment, a string or a quoted identifier
 * that happens to contain a keyword is never taken for one.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "migraph/sqlwrite.h"

/* ---- Scanning --------------------------------------------------------- */

typedef struct sw_token {
	size_t start, end;
	int token;
	int keyword_kind;
} sw_token;

/* The tokens of sql (comments left out).  Returns the count; *out is
 * heap memory the caller frees. */
static size_t scan(const char *sql, size_t len, sw_token **out)
{
	*out = NULL;
	char *copy = mg_xmalloc(len + 1);
	memcpy(copy, sql, len);
	copy[len] = '\0';
	PgQueryScanResult r = pg_query_scan(copy);
	free(copy);
	size_t n = 0;
	if (!r.error) {
		PgQuery__ScanResult *sr = pg_query__scan_result__unpack(NULL, r.pbuf.len,
		                                                        (const uint8_t *)r.pbuf.data);
		if (sr) {
			*out = mg_xmalloc((sr->n_tokens + 1) * sizeof **out);
			for (size_t i = 0; i < sr->n_tokens; i++) {
				const PgQuery__ScanToken *t = sr->tokens[i];
				if (t->token == PG_QUERY__TOKEN__SQL_COMMENT ||
				    t->token == PG_QUERY__TOKEN__C_COMMENT)
					continue;
				(*out)[n++] = (sw_token){(size_t)t->start, (size_t)t->end, (int)t->token,
				                         (int)t->keyword_kind};
			}
			pg_query__scan_result__free_unpacked(sr, NULL);
		}
	}
	pg_query_free_scan_result(r);
	return n;
}

static bool token_is(const char *sql, const sw_token *t, const char *word)
{
	size_t n = strlen(word);
	return t->end - t->start == n && strncasecmp(sql + t->start, word, n) == 0 &&
	       t->token != PG_QUERY__TOKEN__IDENT && t->token != PG_QUERY__TOKEN__SCONST;
}

/* ---- Identifiers and literals ----------------------------------------- */

static bool is_keyword_to_quote(const char *name)
{
	sw_token *t;
	size_t n = scan(name, strlen(name), &t);
	bool quote = n != 1 || (t[0].keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD &&
	                        t[0].keyword_kind != PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD);
	free(t);
	return quote;
}

bool mg_sql_ident_needs_quotes(const char *name)
{
	if (!name || !name[0] || isdigit((unsigned char)name[0]) || name[0] == '$')
		return true;
	for (const char *p = name; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_' ||
		      *p == '$' || (unsigned char)*p >= 0x80))
			return true;
	return is_keyword_to_quote(name);
}

void mg_sql_put_ident(mg_buf *out, const char *name)
{
	if (!name) {
		mg_buf_puts(out, "?");
		return;
	}
	if (!mg_sql_ident_needs_quotes(name)) {
		mg_buf_puts(out, name);
		return;
	}
	mg_buf_putc(out, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			mg_buf_putc(out, '"');
		mg_buf_putc(out, *p);
	}
	mg_buf_putc(out, '"');
}

void mg_sql_put_qualified(mg_buf *out, const char *dflt, const char *schema, const char *name)
{
	if (schema && !mg_str_eq(schema, dflt)) {
		mg_sql_put_ident(out, schema);
		mg_buf_putc(out, '.');
	}
	mg_sql_put_ident(out, name);
}

/* An index column or key item that is an expression, not a name: written
 * as it came.  Names from Liquibase may hold spaces or capitals and are
 * still names, so only what the SQL front end leaves as text counts. */
static bool is_expression(const char *item)
{
	return strpbrk(item, "()'") != NULL || strstr(item, "::") != NULL ||
	       strpbrk(item, " ") != NULL;
}

void mg_sql_put_list(mg_buf *out, const mg_name_list *names)
{
	mg_buf_putc(out, '(');
	for (size_t i = 0; i < names->count; i++) {
		if (i)
			mg_buf_puts(out, ", ");
		if (is_expression(names->items[i]))
			mg_buf_puts(out, names->items[i]);
		else
			mg_sql_put_ident(out, names->items[i]);
	}
	mg_buf_putc(out, ')');
}

void mg_sql_put_literal(mg_buf *out, const char *text)
{
	mg_buf_putc(out, '\'');
	for (const char *p = text ? text : ""; *p; p++) {
		if (*p == '\'')
			mg_buf_putc(out, '\'');
		mg_buf_putc(out, *p);
	}
	mg_buf_putc(out, '\'');
}

const char *mg_sql_literal(mg_arena *arena, const char *text)
{
	mg_buf b = MG_BUF_INIT;
	mg_sql_put_literal(&b, text);
	const char *r = mg_arena_strdup(arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}

const char *mg_sql_index_name(mg_arena *arena, const char *table, const mg_name_list *cols,
                              const char *suffix)
{
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, table ? table : "t");
	for (size_t i = 0; i < cols->count && i < 3; i++) {
		mg_buf_putc(&b, '_');
		for (const char *p = cols->items[i]; *p; p++)
			if (isalnum((unsigned char)*p) || *p == '_')
				mg_buf_putc(&b, (char)tolower((unsigned char)*p));
	}
	mg_buf_printf(&b, "_%s", suffix);
	const char *s = mg_arena_strndup(arena, b.data, b.len > 63 ? 63 : b.len);
	mg_buf_dispose(&b);
	return s;
}

/* ---- Clauses ------------------------------------------------------------ */

long mg_sql_find_keyword(const char *sql, size_t len, const char *kw)
{
	sw_token *t;
	size_t n = scan(sql, len, &t);
	long at = -1;
	int depth = 0;
	for (size_t i = 0; i < n && at < 0; i++) {
		if (t[i].token == PG_QUERY__TOKEN__ASCII_40)
			depth++;
		else if (t[i].token == PG_QUERY__TOKEN__ASCII_41)
			depth--;
		else if (depth == 0 && token_is(sql, &t[i], kw))
			at = (long)t[i].start;
	}
	free(t);
	return at;
}

const char *mg_sql_insert_after(mg_arena *arena, const char *sql, size_t len, const char *kw,
                                const char *insert)
{
	long at = mg_sql_find_keyword(sql, len, kw);
	if (at < 0)
		return NULL;
	size_t end = (size_t)at + strlen(kw);
	return mg_arena_printf(arena, "%.*s %s%.*s", (int)end, sql, insert, (int)(len - end),
	                       sql + end);
}

const char *mg_sql_update_set_clause(mg_arena *arena, const char *sql, size_t len)
{
	sw_token *t;
	size_t n = scan(sql, len, &t);
	const char *out = NULL;
	int depth = 0;
	size_t set_end = 0, stop = len;
	bool is_update = n > 0 && t[0].token == PG_QUERY__TOKEN__UPDATE;
	for (size_t i = 0; i < n && is_update; i++) {
		if (t[i].token == PG_QUERY__TOKEN__ASCII_40) {
			depth++;
			continue;
		}
		if (t[i].token == PG_QUERY__TOKEN__ASCII_41) {
			depth--;
			continue;
		}
		if (depth)
			continue;
		if (!set_end && t[i].token == PG_QUERY__TOKEN__SET) {
			set_end = t[i].end;
		} else if (set_end &&
		           (t[i].token == PG_QUERY__TOKEN__FROM || t[i].token == PG_QUERY__TOKEN__WHERE ||
		            t[i].token == PG_QUERY__TOKEN__RETURNING)) {
			stop = t[i].start;
			break;
		}
	}
	/* UPDATE ... FROM joins another table: the SET list alone does not
	 * say what it reads. */
	if (set_end && !(stop < len && mg_sql_find_keyword(sql + stop, len - stop, "FROM") == 0)) {
		while (set_end < stop && isspace((unsigned char)sql[set_end]))
			set_end++;
		while (stop > set_end && isspace((unsigned char)sql[stop - 1]))
			stop--;
		if (stop > set_end)
			out = mg_arena_strndup(arena, sql + set_end, stop - set_end);
	}
	free(t);
	return out;
}

static char *token_name(mg_arena *arena, const char *s, size_t len);

mg_name_list mg_sql_expr_columns(mg_arena *arena, const char *expr)
{
	mg_name_list l = {NULL, 0};
	if (!expr)
		return l;
	sw_token *t;
	size_t n = scan(expr, strlen(expr), &t);
	size_t cap = 0;
	for (size_t i = 0; i < n; i++) {
		bool name = t[i].token == PG_QUERY__TOKEN__IDENT ||
		            t[i].keyword_kind == PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD;
		/* A name followed by "(" is a function, one followed by a string
		 * a type ("date '2024-01-01'"); one after "." or "::" is a field
		 * or a type; one before "." is a qualifier. */
		bool call = i + 1 < n && (t[i + 1].token == PG_QUERY__TOKEN__ASCII_40 ||
		                          t[i + 1].token == PG_QUERY__TOKEN__SCONST);
		bool after_dot = i > 0 && (t[i - 1].token == PG_QUERY__TOKEN__ASCII_46 ||
		                           t[i - 1].token == PG_QUERY__TOKEN__TYPECAST);
		bool before_dot = i + 1 < n && t[i + 1].token == PG_QUERY__TOKEN__ASCII_46;
		if (!name || call || after_dot || before_dot)
			continue;
		char *id = token_name(arena, expr + t[i].start, t[i].end - t[i].start);
		bool seen = false;
		for (size_t k = 0; k < l.count && !seen; k++)
			seen = strcmp(l.items[k], id) == 0;
		if (seen)
			continue;
		if (l.count == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			l.items = mg_arena_grow(arena, l.items, sizeof *l.items, l.count, ncap);
			cap = ncap;
		}
		l.items[l.count++] = id;
	}
	free(t);
	return l;
}

/* An identifier token's name as PostgreSQL sees it: folded to lower case
 * unless quoted. */
static char *token_name(mg_arena *arena, const char *s, size_t len)
{
	if (s[0] == '"') {
		char *id = mg_arena_strndup(arena, s + 1, len >= 2 ? len - 2 : 0);
		char *w = id;
		for (const char *r = id; *r; r++) {
			*w++ = *r;
			if (*r == '"' && r[1] == '"')
				r++;
		}
		*w = '\0';
		return id;
	}
	char *id = mg_arena_strndup(arena, s, len);
	for (char *p = id; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return id;
}

static bool is_name_token(const sw_token *t)
{
	return t->token == PG_QUERY__TOKEN__IDENT ||
	       t->keyword_kind == PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD ||
	       t->keyword_kind == PG_QUERY__KEYWORD_KIND__COL_NAME_KEYWORD;
}

const char *mg_sql_rename_column_ref(mg_arena *arena, const char *expr, const char *from,
                                     const char *to)
{
	if (!expr)
		return NULL;
	sw_token *t;
	size_t len = strlen(expr), n = scan(expr, len, &t);
	mg_buf b = MG_BUF_INIT;
	size_t done = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_name_token(&t[i]))
			continue;
		bool call = i + 1 < n && t[i + 1].token == PG_QUERY__TOKEN__ASCII_40;
		bool after_dot = i > 0 && (t[i - 1].token == PG_QUERY__TOKEN__ASCII_46 ||
		                           t[i - 1].token == PG_QUERY__TOKEN__TYPECAST);
		bool before_dot = i + 1 < n && t[i + 1].token == PG_QUERY__TOKEN__ASCII_46;
		if (call || after_dot || before_dot)
			continue;
		const char *id = token_name(arena, expr + t[i].start, t[i].end - t[i].start);
		if (strcmp(id, from) != 0)
			continue;
		mg_buf_put(&b, expr + done, t[i].start - done);
		mg_sql_put_ident(&b, to);
		done = t[i].end;
	}
	mg_buf_put(&b, expr + done, len - done);
	const char *out = mg_arena_strdup(arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	free(t);
	return out;
}

const char *mg_sql_index_tail(mg_arena *arena, const char *sql, size_t len)
{
	sw_token *t;
	size_t n = scan(sql, len, &t);
	const char *out = NULL;
	size_t i = 0;
	if (n && token_is(sql, &t[0], "CREATE")) {
		while (i < n && !token_is(sql, &t[i], "ON") && t[i].token != PG_QUERY__TOKEN__ASCII_40)
			i++;
		if (i < n && token_is(sql, &t[i], "ON")) {
			i++;
			if (i < n && token_is(sql, &t[i], "ONLY"))
				i++;
			/* the table: name [. name] */
			if (i < n && (is_name_token(&t[i]) || t[i].keyword_kind)) {
				i++;
				if (i + 1 < n && t[i].token == PG_QUERY__TOKEN__ASCII_46)
					i += 2;
				size_t from = i < n ? t[i - 1].end : len;
				while (from < len && isspace((unsigned char)sql[from]))
					from++;
				out = mg_arena_strndup(arena, sql + from, len - from);
			}
		}
	}
	free(t);
	return out;
}

typedef struct names_acc {
	mg_arena *arena;
	mg_name_list l;
	size_t cap;
	mg_map seen;
} names_acc;

static void collect_names(names_acc *acc, const char *sql, size_t len, int depth)
{
	mg_arena *arena = acc->arena;
	sw_token *t;
	size_t n = scan(sql, len, &t);
	for (size_t i = 0; i < n; i++) {
		const char *tok = sql + t[i].start;
		size_t tlen = t[i].end - t[i].start;
		/* A dollar-quoted body (DO, a function) is code of its own. */
		if (t[i].token == PG_QUERY__TOKEN__SCONST && tok[0] == '$' && depth < 4) {
			const char *close = memchr(tok + 1, '$', tlen - 1);
			size_t tag = close ? (size_t)(close - tok) + 1 : 0;
			if (tag && tlen >= 2 * tag)
				collect_names(acc, tok + tag, tlen - 2 * tag, depth + 1);
			continue;
		}
		if (!is_name_token(&t[i]))
			continue;
		char *id = token_name(arena, tok, tlen);
		if (mg_map_get(&acc->seen, id))
			continue;
		mg_map_put(&acc->seen, id, id);
		if (acc->l.count == acc->cap) {
			size_t ncap = acc->cap ? acc->cap * 2 : 16;
			acc->l.items = mg_arena_grow(arena, acc->l.items, sizeof *acc->l.items, acc->l.count,
			                             ncap);
			acc->cap = ncap;
		}
		acc->l.items[acc->l.count++] = id;
	}
	free(t);
}

mg_name_list mg_sql_names(mg_arena *arena, const char *sql, size_t len)
{
	names_acc acc = {arena, {NULL, 0}, 0, {0}};
	mg_map_init(&acc.seen, arena);
	collect_names(&acc, sql, len, 0);
	return acc.l;
}
