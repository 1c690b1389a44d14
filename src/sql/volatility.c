/*
 * volatility.c: how a default expression behaves, from PostgreSQL's own
 * pg_proc.provolatile (the generated pg_volatility_table.c).
 *
 * Adding a column whose default is volatile rewrites the table; a
 * constant or stable default does not (PostgreSQL 11+).  So the answer
 * must be the server's, not a guess: an expression is as volatile as the
 * most volatile function it calls, and a function PostgreSQL does not
 * ship is "unknown", never assumed safe.
 */
#include <string.h>

#include "sql/pg_internal.h"

char sql_pg_function_volatility(const char *name)
{
	size_t lo = 0, hi = sql_pg_volatility_table_len;
	if (!name)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, sql_pg_volatility_table[mid].name);
		if (c == 0)
			return sql_pg_volatility_table[mid].vol;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* Order of "worse": unknown sits below volatile because a call known to
 * be volatile settles the question whatever the unknown one does. */
static int rank(mg_volatility v)
{
	switch (v) {
	case MG_VOLATILITY_CONSTANT: return 1;
	case MG_VOLATILITY_STABLE: return 2;
	case MG_VOLATILITY_UNKNOWN: return 3;
	case MG_VOLATILITY_VOLATILE: return 4;
	default: return 0;
	}
}

static void raise_to(mg_volatility *acc, mg_volatility v)
{
	if (rank(v) > rank(*acc))
		*acc = v;
}

static bool visit(const ProtobufCMessage *msg, void *ud)
{
	mg_volatility *acc = ud;
	if (msg->descriptor == &pg_query__func_call__descriptor) {
		const PgQuery__FuncCall *fc = (const PgQuery__FuncCall *)msg;
		const char *name =
		    fc->n_funcname ? sql_pg_node_str(fc->funcname[fc->n_funcname - 1]) : NULL;
		const char *schema =
		    fc->n_funcname >= 2 ? sql_pg_node_str(fc->funcname[fc->n_funcname - 2]) : NULL;
		char v = 0;
		/* A function of a user schema may share a catalog name; extensions
		 * usually put theirs in the default schema. */
		if (!schema || strcmp(schema, "pg_catalog") == 0 ||
		    strcmp(schema, mg_engine_default_schema(MG_ENGINE_POSTGRESQL)) == 0)
			v = sql_pg_function_volatility(name);
		raise_to(acc, v == 'i'   ? MG_VOLATILITY_CONSTANT
		              : v == 's' ? MG_VOLATILITY_STABLE
		              : v == 'v' ? MG_VOLATILITY_VOLATILE
		                         : MG_VOLATILITY_UNKNOWN);
	} else if (msg->descriptor == &pg_query__sqlvalue_function__descriptor) {
		/* CURRENT_TIMESTAMP, CURRENT_DATE, LOCALTIMESTAMP, CURRENT_USER ... */
		raise_to(acc, MG_VOLATILITY_STABLE);
	} else if (msg->descriptor == &pg_query__sub_link__descriptor) {
		raise_to(acc, MG_VOLATILITY_UNKNOWN);
		return false;
	}
	return true;
}

mg_volatility sql_pg_expr_volatility(const pg_node *expr)
{
	if (!expr)
		return MG_VOLATILITY_NONE;
	mg_volatility acc = MG_VOLATILITY_CONSTANT;
	sql_pg_walk((const ProtobufCMessage *)expr, visit, &acc);
	return acc;
}
