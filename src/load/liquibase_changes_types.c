/*
 * liquibase_changes_types.c: Liquibase data types and default values, as
 * Liquibase writes them for PostgreSQL.
 *
 * Liquibase maps its portable type names (DATETIME, CLOB, TINYINT,
 * java.sql.Types.*) to the engine's own; the result is then spelled as
 * PostgreSQL's format_type() spells it (mg_sql_type_canonical), which is
 * also what the SQL front end does with the SQL Liquibase generates.
 * Default expressions are judged by the SQL front end itself, so a
 * defaultValueComputed and the same DEFAULT in SQL get one volatility.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "load/liquibase_changes_int.h"
#include "migraph/sql.h"
#include "migraph/sqlwrite.h"

typedef struct type_map {
	const char *lb;      /* lower-case Liquibase name */
	const char *pg;      /* what Liquibase prints for PostgreSQL */
	bool keep_params;    /* (n) / (p,s) carried over */
} type_map;

static const type_map type_maps[] = {
	{"bigint", "BIGINT", false},
	{"binary", "BYTEA", false},
	{"blob", "BYTEA", false},
	{"bool", "BOOLEAN", false},
	{"boolean", "BOOLEAN", false},
	{"bytea", "BYTEA", false},
	{"char", "CHAR", true},
	{"character", "CHAR", true},
	{"character varying", "VARCHAR", true},
	{"clob", "TEXT", false},
	{"currency", "DECIMAL(19,4)", false},
	{"date", "DATE", false},
	{"datetime", "TIMESTAMP WITHOUT TIME ZONE", true},
	{"decimal", "DECIMAL", true},
	{"double", "DOUBLE PRECISION", false},
	{"double precision", "DOUBLE PRECISION", false},
	{"float", "FLOAT", true},
	{"image", "BYTEA", false},
	{"int", "INTEGER", false},
	{"int2", "SMALLINT", false},
	{"int4", "INTEGER", false},
	{"int8", "BIGINT", false},
	{"integer", "INTEGER", false},
	{"java.lang.boolean", "BOOLEAN", false},
	{"java.lang.integer", "INTEGER", false},
	{"java.lang.long", "BIGINT", false},
	{"java.lang.string", "VARCHAR", true},
	{"java.math.bigdecimal", "DECIMAL", true},
	{"java.math.biginteger", "BIGINT", false},
	{"java.sql.date", "DATE", false},
	{"java.sql.time", "TIME WITHOUT TIME ZONE", true},
	{"java.sql.timestamp", "TIMESTAMP WITHOUT TIME ZONE", true},
	{"java.util.date", "TIMESTAMP WITHOUT TIME ZONE", true},
	{"long binary", "BYTEA", false},
	{"long varbinary", "BYTEA", false},
	{"longblob", "BYTEA", false},
	{"longtext", "TEXT", false},
	{"longvarbinary", "BYTEA", false},
	{"longvarchar", "TEXT", false},
	{"mediumblob", "BYTEA", false},
	{"mediumint", "INTEGER", false},
	{"mediumtext", "TEXT", false},
	{"nchar", "CHAR", true},
	{"nclob", "TEXT", false},
	{"number", "NUMERIC", true},
	{"numeric", "NUMERIC", true},
	{"nvarchar", "VARCHAR", true},
	{"nvarchar2", "VARCHAR", true},
	{"real", "REAL", false},
	{"smallint", "SMALLINT", false},
	{"text", "TEXT", false},
	{"tinyblob", "BYTEA", false},
	{"tinyint", "SMALLINT", false},
	{"tinytext", "TEXT", false},
	{"uniqueidentifier", "UUID", false},
	{"uuid", "UUID", false},
	{"varbinary", "BYTEA", false},
	{"varchar", "VARCHAR", true},
	{"varchar2", "VARCHAR", true},
	{"xml", "XML", false},
};

static const type_map *find_map(const char *name)
{
	size_t lo = 0, hi = sizeof type_maps / sizeof type_maps[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int cmp = strcmp(name, type_maps[mid].lb);
		if (cmp == 0)
			return &type_maps[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* java.sql.Types.X -> the Liquibase name it stands for. */
static const char *jdbc_type(const char *name)
{
	static const struct {
		const char *jdbc, *lb;
	} m[] = {
		{"bigint", "bigint"}, {"binary", "blob"}, {"bit", "boolean"}, {"blob", "blob"},
		{"boolean", "boolean"}, {"char", "char"}, {"clob", "clob"}, {"date", "date"},
		{"decimal", "decimal"}, {"double", "double"}, {"float", "float"},
		{"integer", "integer"}, {"longnvarchar", "text"}, {"longvarbinary", "blob"},
		{"longvarchar", "text"}, {"nchar", "char"}, {"nclob", "clob"}, {"numeric", "numeric"},
		{"nvarchar", "varchar"}, {"real", "real"}, {"smallint", "smallint"}, {"time", "time"},
		{"timestamp", "timestamp"}, {"timestamp_with_timezone", "timestamptz"},
		{"tinyint", "tinyint"}, {"varbinary", "blob"}, {"varchar", "varchar"},
	};
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
		if (strcmp(name, m[i].jdbc) == 0)
			return m[i].lb;
	return NULL;
}

static char *lower_copy(mg_arena *a, const char *s, size_t n)
{
	char *r = mg_arena_strndup(a, s, n);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

static const char *trim(mg_arena *a, const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return mg_arena_strndup(a, s, n);
}

/* What Liquibase prints for the type on PostgreSQL. */
static const char *pg_spelling(mg_arena *a, const char *t)
{
	/* name [ (params) ] [ rest ] */
	const char *paren = strchr(t, '(');
	const char *close = paren ? strchr(paren, ')') : NULL;
	size_t name_len = paren ? (size_t)(paren - t) : strlen(t);
	const char *rest = close ? close + 1 : "";
	if (strchr(t, '[') || (paren && !close))
		return t;  /* arrays and odd text: as written */
	while (name_len > 0 && isspace((unsigned char)t[name_len - 1]))
		name_len--;
	char *name = lower_copy(a, t, name_len);
	const char *params = paren ? mg_arena_strndup(a, paren, (size_t)(close - paren) + 1) : "";
	char *lrest = lower_copy(a, rest, strlen(rest));
	bool with_tz = strstr(lrest, "with time zone") && !strstr(lrest, "without");
	if (!paren && strstr(name, " with time zone")) {
		with_tz = !strstr(name, "without");
		*strstr(name, with_tz ? " with time zone" : " without time zone") = '\0';
	} else if (!paren && strstr(name, " without time zone")) {
		*strstr(name, " without time zone") = '\0';
	}
	if (mg_str_starts_with(name, "java.sql.types.")) {
		const char *j = jdbc_type(name + 15);
		if (j)
			name = (char *)j;
	}
	if (strcmp(name, "timestamp") == 0 || strcmp(name, "time") == 0)
		return mg_arena_printf(a, "%s%s %s", strcmp(name, "time") == 0 ? "TIME" : "TIMESTAMP",
		                       params, with_tz ? "WITH TIME ZONE" : "WITHOUT TIME ZONE");
	if (strcmp(name, "bit") == 0) {
		/* BIT and BIT(1) are Liquibase's boolean; BIT(n) stays a bit string. */
		if (!paren || strcmp(params, "(1)") == 0)
			return "BOOLEAN";
		return mg_arena_printf(a, "BIT%s", params);
	}
	const type_map *m = find_map(name);
	if (!m)
		return t;
	if (m->keep_params && paren)
		return mg_arena_printf(a, "%s%s", m->pg, params);
	return m->pg;
}

const char *lbc_type(lbc *c, const char *lb_type, bool *serial)
{
	if (serial)
		*serial = false;
	if (!lb_type)
		return NULL;
	const char *t = trim(c->arena, lb_type);
	if (!*t)
		return NULL;
	const char *pg = pg_spelling(c->arena, t);
	const char *canon = mg_sql_type_canonical(c->arena, pg);
	if (!canon)
		return lower_copy(c->arena, pg, strlen(pg));
	if (strcmp(canon, "serial") == 0 || strcmp(canon, "bigserial") == 0 ||
	    strcmp(canon, "smallserial") == 0) {
		if (serial)
			*serial = true;
		return canon[0] == 'b' ? "bigint" : canon[1] == 'm' ? "smallint" : "integer";
	}
	return canon;
}

/* ---- defaults ----------------------------------------------------------- */

mg_volatility lbc_expr_volatility(lbc *c, const char *expr)
{
	if (!expr || !*expr)
		return MG_VOLATILITY_NONE;
	/* The front end judges DEFAULT expressions; ask it about this one in a
	 * scratch project so that nothing of the probe reaches the run. */
	mg_project *scratch = mg_project_new();
	mg_changeset *cs = mg_project_add_changeset(scratch, MG_CS_LIQUIBASE_XML);
	char *sql = mg_arena_printf(&scratch->arena, "ALTER TABLE t ALTER COLUMN c SET DEFAULT %s",
	                            expr);
	mg_text text = {"<default>", sql, strlen(sql), NULL, 0};
	mg_sql_options o;
	mg_sql_options_init(&o, c->ctx->opts ? c->ctx->opts->engine : c->project->engine);
	o.split_statements = false;
	if (c->ctx->opts) {
		o.max_statement_bytes = c->ctx->opts->limits.max_statement_bytes;
		o.max_depth = c->ctx->opts->limits.max_sql_depth;
		o.max_nesting = c->ctx->opts->limits.max_nesting_depth;
	}
	mg_sql_parse_script(scratch, cs, &text, &o);
	mg_volatility v = MG_VOLATILITY_UNKNOWN;
	for (size_t i = 0; i < cs->n_stmts; i++)
		for (size_t j = 0; j < cs->stmts[i]->n_ops; j++)
			if (cs->stmts[i]->ops[j]->kind == MG_OP_SET_DEFAULT)
				v = cs->stmts[i]->ops[j]->default_volatility;
	mg_project_free(scratch);
	return v;
}

/* Date/time functions Liquibase writes as functions, not as strings. */
static bool looks_like_function(const char *v)
{
	char low[32];
	size_t n = strlen(v);
	if (strchr(v, '('))
		return true;
	if (n >= sizeof low)
		return false;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)v[i]);
	return strcmp(low, "current_timestamp") == 0 || strcmp(low, "current_date") == 0 ||
	       strcmp(low, "current_time") == 0 || strcmp(low, "localtimestamp") == 0 ||
	       strcmp(low, "localtime") == 0;
}

static bool is_temporal(const char *type)
{
	return type && (mg_str_starts_with(type, "timestamp") || mg_str_starts_with(type, "time") ||
	                strcmp(type, "date") == 0);
}

const char *lbc_default(lbc *c, const lb_node *n, const char *prefix, const char *type,
                        mg_volatility *vol)
{
	char key[64];
	*vol = MG_VOLATILITY_NONE;
	const char *v;

	snprintf(key, sizeof key, "%sComputed", prefix);
	if ((v = lb_value(n, key)) != NULL && *v) {
		*vol = lbc_expr_volatility(c, v);
		return v;
	}
	snprintf(key, sizeof key, "%sSequenceNext", prefix);
	if ((v = lb_value(n, key)) != NULL && *v) {
		*vol = MG_VOLATILITY_VOLATILE;
		return mg_arena_printf(c->arena, "nextval('%s'::regclass)", lbc_name(c, v));
	}
	snprintf(key, sizeof key, "%sNumeric", prefix);
	if ((v = lb_value(n, key)) != NULL && *v) {
		*vol = MG_VOLATILITY_CONSTANT;
		return v;
	}
	snprintf(key, sizeof key, "%sBoolean", prefix);
	if ((v = lb_value(n, key)) != NULL && *v) {
		bool b = false;
		mg_str_parse_bool(v, &b);
		*vol = MG_VOLATILITY_CONSTANT;
		return b ? "true" : "false";
	}
	snprintf(key, sizeof key, "%sDate", prefix);
	if ((v = lb_value(n, key)) != NULL && *v) {
		if (looks_like_function(v)) {
			*vol = lbc_expr_volatility(c, v);
			return v;
		}
		*vol = MG_VOLATILITY_CONSTANT;
		return mg_sql_literal(c->arena, v);
	}
	if ((v = lb_value(n, prefix)) != NULL) {
		if (is_temporal(type) && looks_like_function(v)) {
			*vol = lbc_expr_volatility(c, v);
			return v;
		}
		*vol = MG_VOLATILITY_CONSTANT;
		if (type && strcmp(type, "boolean") == 0) {
			bool b;
			if (mg_str_parse_bool(v, &b))
				return b ? "true" : "false";
		}
		return mg_sql_literal(c->arena, v);
	}
	return NULL;
}

const char *lbc_value_sql(lbc *c, const lb_node *col)
{
	mg_volatility vol;
	const char *v = lbc_default(c, col, "value", NULL, &vol);
	if (v)
		return v;
	const char *seq = lb_value(col, "valueSequenceCurrent");
	if (seq && *seq)
		return mg_arena_printf(c->arena, "currval('%s'::regclass)", lbc_name(c, seq));
	if (lb_value(col, "valueBlobFile") || lb_value(col, "valueClobFile"))
		return NULL;
	return "NULL";
}
