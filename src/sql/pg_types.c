/*
 * pg_types.c: type names as PostgreSQL's format_type() prints them.
 *
 * libpg_query gives a TypeName as written after the grammar's own
 * rewrites (INT becomes pg_catalog.int4, VARCHAR pg_catalog.varchar ...).
 * SQL files and Liquibase changelogs spell the same type many ways; the
 * catalog and the rules compare types, so both front ends reduce them to
 * the one spelling PostgreSQL itself prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql/pg_internal.h"

typedef struct type_alias {
	const char *name;
	const char *canonical;
	int serial; /* 1: a serial pseudo-type */
} type_alias;

/* Internal names and unqualified spellings -> format_type's spelling.
 * Names that take a "(n)" before a suffix are handled in format_special. */
static const type_alias aliases[] = {
    {"bigserial", "bigint", 1},
    {"bool", "boolean", 0},
    {"decimal", "numeric", 0},
    {"float4", "real", 0},
    {"float8", "double precision", 0},
    {"int", "integer", 0},
    {"int2", "smallint", 0},
    {"int4", "integer", 0},
    {"int8", "bigint", 0},
    {"serial", "integer", 1},
    {"serial2", "smallint", 1},
    {"serial4", "integer", 1},
    {"serial8", "bigint", 1},
    {"smallserial", "smallint", 1},
};

static const type_alias *find_alias(const char *name)
{
	size_t lo = 0, hi = sizeof aliases / sizeof aliases[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, aliases[mid].name);
		if (c == 0)
			return &aliases[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static bool typmod_int(const pg_node *n, long *out)
{
	if (n && n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const &&
	    n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
		*out = n->a_const->ival ? n->a_const->ival->ival : 0;
		return true;
	}
	return false;
}

/* "(a,b)" from the typmods, or "" when there are none. */
static void put_typmods(mg_buf *b, const PgQuery__TypeName *tn)
{
	if (tn->n_typmods == 0)
		return;
	mg_buf_putc(b, '(');
	for (size_t i = 0; i < tn->n_typmods; i++) {
		long v;
		if (i)
			mg_buf_putc(b, ',');
		if (typmod_int(tn->typmods[i], &v)) {
			mg_buf_printf(b, "%ld", v);
		} else {
			const pg_node *m = tn->typmods[i];
			const char *s = sql_pg_node_str(m);
			/* geometry(Point, 4326): the word is a column reference. */
			if (!s && m->node_case == PG_QUERY__NODE__NODE_COLUMN_REF &&
			    m->column_ref->n_fields == 1)
				s = sql_pg_node_str(m->column_ref->fields[0]);
			mg_buf_puts(b, s ? s : "?");
		}
	}
	mg_buf_putc(b, ')');
}

/* Types whose modifier sits inside the name: "timestamp(3) with time zone". */
static bool format_special(mg_buf *b, const char *name, const PgQuery__TypeName *tn)
{
	static const struct {
		const char *name, *base, *suffix;
	} special[] = {
	    {"bpchar", "character", ""},
	    {"varchar", "character varying", ""},
	    {"timestamp", "timestamp", " without time zone"},
	    {"timestamptz", "timestamp", " with time zone"},
	    {"time", "time", " without time zone"},
	    {"timetz", "time", " with time zone"},
	    {"varbit", "bit varying", ""},
	};
	for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
		if (strcmp(name, special[i].name) != 0)
			continue;
		mg_buf_puts(b, special[i].base);
		put_typmods(b, tn);
		mg_buf_puts(b, special[i].suffix);
		return true;
	}
	if (strcmp(name, "interval") == 0) {
		/* The first modifier is a field mask (YEAR TO MONTH ...); only
		 * the precision, when given, is worth keeping. */
		long p;
		mg_buf_puts(b, "interval");
		if (tn->n_typmods == 2 && typmod_int(tn->typmods[1], &p))
			mg_buf_printf(b, "(%ld)", p);
		return true;
	}
	return false;
}

static bool needs_quotes(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return true;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      (unsigned char)*p >= 0x80))
			return true;
	return false;
}

static void put_ident(mg_buf *b, const char *s)
{
	if (!needs_quotes(s)) {
		mg_buf_puts(b, s);
		return;
	}
	mg_buf_putc(b, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			mg_buf_putc(b, '"');
		mg_buf_putc(b, *p);
	}
	mg_buf_putc(b, '"');
}

const char *sql_pg_type_text_arena(mg_arena *arena, const PgQuery__TypeName *tn, bool *serial)
{
	if (serial)
		*serial = false;
	if (!tn || tn->n_names == 0)
		return NULL;
	mg_buf b = MG_BUF_INIT;
	const char *name = sql_pg_node_str(tn->names[tn->n_names - 1]);
	const char *schema = tn->n_names >= 2 ? sql_pg_node_str(tn->names[tn->n_names - 2]) : NULL;
	bool catalog = !schema || strcmp(schema, "pg_catalog") == 0;
	if (!name)
		name = "?";

	if (tn->setof)
		mg_buf_puts(&b, "setof ");
	const type_alias *a = catalog ? find_alias(name) : NULL;
	if (a && a->serial && schema)
		a = NULL; /* pg_catalog.serial is no pseudo-type */
	if (a) {
		mg_buf_puts(&b, a->canonical);
		if (a->serial && serial)
			*serial = true;
		if (!a->serial && strcmp(a->canonical, "numeric") == 0)
			put_typmods(&b, tn);
	} else if (catalog && format_special(&b, name, tn)) {
		/* done */
	} else if (catalog && strcmp(name, "char") == 0 && schema == NULL) {
		mg_buf_puts(&b, "\"char\"");
	} else {
		if (!catalog) {
			for (size_t i = 0; i + 1 < tn->n_names; i++) {
				const char *part = sql_pg_node_str(tn->names[i]);
				if (part) {
					put_ident(&b, part);
					mg_buf_putc(&b, '.');
				}
			}
		}
		put_ident(&b, name);
		put_typmods(&b, tn);
	}
	if (tn->pct_type)
		mg_buf_puts(&b, "%TYPE");
	if (tn->n_array_bounds > 0)
		mg_buf_puts(&b, "[]"); /* format_type never prints dimensions */
	const char *r = mg_arena_strdup(arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}

const char *sql_pg_type_text(sql_pg_ctx *ctx, const PgQuery__TypeName *tn, bool *serial)
{
	return sql_pg_type_text_arena(ctx->arena, tn, serial);
}

/* The TypeName of "SELECT NULL::<type>" and nothing else, or NULL. */
static const PgQuery__TypeName *lone_cast_type(const PgQuery__ParseResult *pr)
{
	if (!pr || pr->n_stmts != 1 || !pr->stmts[0]->stmt ||
	    pr->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
		return NULL;
	const PgQuery__SelectStmt *sel = pr->stmts[0]->stmt->select_stmt;
	if (sel->n_target_list != 1 || sel->n_from_clause || sel->where_clause ||
	    sel->n_group_clause || sel->having_clause || sel->n_sort_clause || sel->limit_count ||
	    sel->limit_offset || sel->n_values_lists || sel->n_distinct_clause ||
	    sel->into_clause || sel->with_clause || sel->n_window_clause || sel->n_locking_clause ||
	    sel->larg)
		return NULL;
	const pg_node *t = sel->target_list[0];
	if (t->node_case != PG_QUERY__NODE__NODE_RES_TARGET ||
	    (t->res_target->name && *t->res_target->name))
		return NULL;
	const pg_node *v = t->res_target->val;
	if (!v || v->node_case != PG_QUERY__NODE__NODE_TYPE_CAST)
		return NULL;
	const pg_node *arg = v->type_cast->arg;
	if (!arg || arg->node_case != PG_QUERY__NODE__NODE_A_CONST || !arg->a_const->isnull)
		return NULL;
	return v->type_cast->type_name;
}

const char *mg_sql_type_canonical(mg_arena *arena, const char *type_text)
{
	if (!type_text || !*type_text || strchr(type_text, ';'))
		return NULL;
	size_t n = strlen(type_text);
	char *q = mg_xmalloc(n + 16);
	memcpy(q, "SELECT NULL::", 13);
	memcpy(q + 13, type_text, n + 1);
	/* No type is written deeper than this; a longer chain would have
	 * libpg_query recurse on the caller's stack. */
	size_t comment_depth;
	if (sql_depth_scan(q, n + 13, &comment_depth) > 256 || comment_depth > 16) {
		free(q);
		return NULL;
	}
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(q);
	free(q);
	const char *out = NULL;
	if (!r.error) {
		PgQuery__ParseResult *pr = pg_query__parse_result__unpack(
		    NULL, r.parse_tree.len, (const uint8_t *)r.parse_tree.data);
		const PgQuery__TypeName *tn = lone_cast_type(pr);
		if (tn) {
			bool serial = false;
			out = sql_pg_type_text_arena(arena, tn, &serial);
			if (serial) {
				const char *name = sql_pg_node_str(tn->names[tn->n_names - 1]);
				out = strcmp(name, "serial8") == 0 || strcmp(name, "bigserial") == 0
				          ? "bigserial"
				      : strcmp(name, "serial2") == 0 ||
				              strcmp(name, "smallserial") == 0
				          ? "smallserial"
				          : "serial";
				if (tn->n_array_bounds)
					out = NULL;
			}
		}
		if (pr)
			pg_query__parse_result__free_unpacked(pr, NULL);
	}
	pg_query_free_protobuf_parse_result(r);
	return out;
}
