/*
 * depth.c: how deep a statement's parse tree can be, from its tokens.
 *
 * libpg_query turns the parser's tree into protobuf by recursion (one C
 * frame per nested node), and protobuf-c unpacks it the same way.  The
 * grammar bounds what nests to the right (parentheses, CASE, prefix
 * operators: bison's stack stops at 10,000 states), but a left-recursive
 * chain (1+1+1..., UNION ALL after UNION ALL, JOIN after JOIN, x::a::b...)
 * nests one level per operator with no bound but the statement's length.
 * Before a statement reaches libpg_query this pass gives an upper bound
 * of its tree depth, so that a stack of known size is enough for the parse
 * and a statement that would need more is refused instead of crashing.
 *
 * The bound is a sum over the open parenthesis (or CASE) levels of each
 * level's weight plus the operators of its current chain.  A chain ends
 * where the grammar makes siblings instead of nesting: a comma, AND and OR
 * (the grammar flattens them into one list), WHEN/THEN/ELSE and the
 * clause keywords.  Set operations and joins nest across commas (each
 * branch's select list has some), so they count for the whole level.
 * Counting every operator character and every level generously keeps the
 * bound above the real depth (tests/fuzz hold it to that).
 */
#include <stdlib.h>
#include <string.h>

#include "sql/pg_internal.h"

/* Tree levels per construct, measured on libpg_query 15's protobuf tree
 * and rounded up (tests/unit/test_sql_depth.c holds the estimate above the
 * real depth): an operator nests Node and A_Expr; a subquery Node, SubLink,
 * Node, SelectStmt, Node and ResTarget; a function call Node and FuncCall;
 * a grouping parenthesis nothing (a row constructor Node and RowExpr). */
enum {
	W_STATEMENT = 16, /* ParseResult, RawStmt, Node, the statement and its clause */
	W_SUBQUERY = 8,   /* "(" before SELECT, VALUES, WITH or TABLE */
	W_CALL = 4,       /* "(" after a name or a closing bracket; "[" */
	W_GROUP = 2,      /* any other "(" */
	W_CASE = 6,       /* CASE ... END */
	W_OPERATOR = 2,   /* one operator or chain keyword */
	W_SETOP = 1,      /* UNION, INTERSECT, EXCEPT: SelectStmt nests SelectStmt */
	W_JOIN = 2        /* one JOIN of a join chain */
};

typedef enum tok_kind {
	T_NONE,
	T_CHAIN,    /* nests like an operator */
	T_SETOP,
	T_JOIN,
	T_RESET,    /* what follows is a sibling of what came before */
	T_SELECT,   /* a reset that also starts a subquery after "(" */
	T_SUBQUERY, /* starts a subquery after "(" */
	T_CASE,
	T_END
} tok_kind;

static tok_kind keyword_kind(const char *w, size_t n)
{
	static const struct {
		const char *word;
		tok_kind kind;
	} words[] = {
	    {"not", T_CHAIN},       {"is", T_CHAIN},        {"isnull", T_CHAIN},
	    {"notnull", T_CHAIN},   {"like", T_CHAIN},      {"ilike", T_CHAIN},
	    {"similar", T_CHAIN},   {"between", T_CHAIN},   {"in", T_CHAIN},
	    {"collate", T_CHAIN},   {"at", T_CHAIN},        {"overlaps", T_CHAIN},
	    {"operator", T_CHAIN},  {"union", T_SETOP},     {"intersect", T_SETOP},
	    {"except", T_SETOP},    {"join", T_JOIN},       {"and", T_RESET},
	    {"or", T_RESET},        {"when", T_RESET},      {"then", T_RESET},
	    {"else", T_RESET},      {"from", T_RESET},      {"where", T_RESET},
	    {"having", T_RESET},    {"on", T_RESET},        {"set", T_RESET},
	    {"values", T_SELECT},   {"returning", T_RESET}, {"select", T_SELECT},
	    {"with", T_SUBQUERY},   {"table", T_SUBQUERY},
	    {"limit", T_RESET},     {"offset", T_RESET},    {"by", T_RESET},
	    {"case", T_CASE},       {"end", T_END},
	};
	if (n < 2 || n > 9)
		return T_NONE;
	char low[10];
	for (size_t i = 0; i < n; i++) {
		char c = w[i];
		low[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (words[i].word[0] == low[0] && strlen(words[i].word) == n &&
		    memcmp(words[i].word, low, n) == 0)
			return words[i].kind;
	return T_NONE;
}

static bool ident_start(unsigned char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static bool ident_char(unsigned char c)
{
	return ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static bool op_char(unsigned char c)
{
	return c && strchr("+-*/<>=~!@#%^&|`?", c) != NULL;
}

/* Characters that may open a quote, a dollar quote or a comment. */
static bool special_start(unsigned char c)
{
	return c == '\'' || c == '"' || c == '$' || c == '-' || c == '/';
}

/* One open level: its weight and what its parent had when it opened. */
typedef struct level {
	size_t seg, keep, weight;
	bool is_case;
} level;

typedef struct est {
	level *stack;
	size_t n, cap;
	size_t base;       /* the open levels' weights and parents' chains */
	size_t seg, keep;  /* the current level's chain and set operations/joins */
	size_t max;
} est;

static void note(est *e)
{
	size_t d = W_STATEMENT + e->base + e->seg + e->keep;
	if (d > e->max)
		e->max = d;
}

static void open_level(est *e, size_t weight, bool is_case)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 64;
		e->stack = mg_xrealloc(e->stack, e->cap * sizeof *e->stack);
	}
	e->stack[e->n++] = (level){e->seg, e->keep, weight, is_case};
	e->base += weight + e->seg + e->keep;
	e->seg = e->keep = 0;
	note(e);
}

static void close_level(est *e, bool is_case)
{
	if (e->n == 0 || e->stack[e->n - 1].is_case != is_case)
		return;
	level l = e->stack[--e->n];
	e->base -= l.weight + l.seg + l.keep;
	e->seg = l.seg;
	e->keep = l.keep;
}

/* The weight of a "(" at s[i]: what the grammar may build under it. */
static size_t paren_weight(const char *s, size_t len, size_t i, bool after_name)
{
	size_t j = sql_skip_blank(s, len, i + 1), b = j;
	while (j < len && ident_char((unsigned char)s[j]))
		j++;
	tok_kind k = keyword_kind(s + b, j - b);
	if (k == T_SELECT || k == T_SUBQUERY)
		return W_SUBQUERY;
	return after_name ? W_CALL : W_GROUP;
}

/* The operators libpg_query's lexer makes of the run of operator
 * characters s[i, end): one, except that trailing '+' and '-' of a run
 * without any of ~!@#^&|`?% are split off one by one ("+-+-1" is four
 * prefix operators, "<=-" two). */
static size_t operator_count(const char *s, size_t i, size_t end)
{
	for (size_t k = i; k < end; k++)
		if (strchr("~!@#^&|`?%", s[k]))
			return 1;
	size_t trailing = 0;
	while (end - trailing > i && (s[end - trailing - 1] == '+' || s[end - trailing - 1] == '-'))
		trailing++;
	return trailing + (end - trailing > i ? 1 : 0);
}

size_t sql_depth_estimate(const char *s, size_t len)
{
	return sql_depth_scan(s, len, NULL);
}

size_t sql_depth_scan(const char *s, size_t len, size_t *comment_depth)
{
	est e = {0};
	size_t deepest_comment = 0;
	size_t i = 0;
	bool after_name = false; /* the last token was a name or a closing bracket */
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c == '/' && i + 1 < len && s[i + 1] == '*') {
			size_t d;
			i = sql_skip_comment(s, len, i, true, &d, NULL);
			if (d > deepest_comment)
				deepest_comment = d;
			continue;
		}
		if (special_start(c)) {
			const char *open = NULL;
			size_t next = sql_skip_special(s, len, i, SQL_DIALECT_PG, &open);
			if (next != i) {
				/* A quoted identifier is a name ("f"(x) is a call). */
				after_name = c == '"' || (c != '-' && c != '/' && after_name);
				if (c == '\'' || c == '$')
					after_name = false;
				i = next;
				continue;
			}
		}
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
			i++;
			continue;
		}
		if (ident_start(c)) {
			size_t b = i;
			while (i < len && ident_char((unsigned char)s[i]))
				i++;
			switch (keyword_kind(s + b, i - b)) {
			case T_CHAIN: e.seg += W_OPERATOR; break;
			case T_SETOP: e.keep += W_SETOP; break;
			case T_JOIN: e.keep += W_JOIN; break;
			case T_RESET:
			case T_SELECT: e.seg = 0; break;
			case T_CASE: open_level(&e, W_CASE, true); break;
			case T_END: close_level(&e, true); break;
			case T_SUBQUERY:
			case T_NONE: break;
			}
			after_name = true;
			note(&e);
			continue;
		}
		if (c >= '0' && c <= '9') {
			/* A number (its exponent sign is no operator). */
			while (i < len && (ident_char((unsigned char)s[i]) || s[i] == '.' ||
			                   ((s[i] == '+' || s[i] == '-') &&
			                    (s[i - 1] == 'e' || s[i - 1] == 'E'))))
				i++;
			after_name = false;
			continue;
		}
		bool closing = false;
		switch (c) {
		case '(': open_level(&e, paren_weight(s, len, i, after_name), false); break;
		case '[': open_level(&e, W_CALL, false); break;
		case ')':
		case ']':
			close_level(&e, false);
			closing = true;
			break;
		case ',': e.seg = 0; break;
		case ':':
			if (i + 1 < len && s[i + 1] == ':') {
				e.seg += W_OPERATOR; /* a cast nests like an operator */
				i++;
			}
			break;
		case ';':
			if (e.n == 0) {
				e.seg = e.keep = 0;
				e.base = 0;
			}
			break;
		default:
			if (op_char(c)) {
				/* The whole run, up to a comment that starts inside it. */
				size_t end = i + 1;
				while (end < len && op_char((unsigned char)s[end]) &&
				       !(s[end] == '-' && end + 1 < len && s[end + 1] == '-') &&
				       !(s[end] == '/' && end + 1 < len && s[end + 1] == '*'))
					end++;
				e.seg += W_OPERATOR * operator_count(s, i, end);
				note(&e);
				i = end;
				after_name = false;
				continue;
			}
			break;
		}
		after_name = closing;
		note(&e);
		i++;
	}
	free(e.stack);
	if (comment_depth)
		*comment_depth = deepest_comment;
	return e.max;
}
