/*
 * pg_index.c: CREATE INDEX, REINDEX, views and materialized views.
 *
 * A view's operation lists the relations its query reads (op->depends),
 * so the graph can tell that dropping or renaming a table breaks a view
 * created earlier.
 */
#include <string.h>

#include "sql/pg_internal.h"

/* The offset just past the parenthesis that closes the one s starts
 * with (quotes and comments skipped), or 0 when it does not close. */
static size_t closing(const char *s, size_t len)
{
	int depth = 0;
	for (size_t i = 0; i < len; i++) {
		const char *open = NULL;
		size_t next = sql_skip_special(s, len, i, SQL_DIALECT_PG, &open);
		if (next != i) {
			i = next - 1;
			continue;
		}
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i + 1;
	}
	return 0;
}

/* "(lower(email))" -> "lower(email)": index expressions come wrapped in
 * the parentheses the grammar requires. */
static const char *unwrap(sql_pg_ctx *ctx, const char *s)
{
	if (!s)
		return NULL;
	size_t len = strlen(s);
	while (len >= 2 && s[0] == '(' && closing(s, len) == len) {
		s++;
		len -= 2;
		while (len && (*s == ' ' || *s == '\n' || *s == '\t')) {
			s++;
			len--;
		}
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\t'))
			len--;
	}
	return mg_arena_strndup(ctx->arena, s, len);
}

/* The text of a key expression that is the only item of the key list
 * takes the list's '(' along and runs on past its ')' ("(lower(a)) WHERE
 * ..."): what lies inside the first parentheses is the expression. */
static const char *within_first_parens(sql_pg_ctx *ctx, const char *t)
{
	if (!t || t[0] != '(')
		return t;
	size_t len = strlen(t);
	int depth = 0;
	for (size_t i = 0; i < len; i++) {
		const char *open = NULL;
		size_t next = sql_skip_special(t, len, i, SQL_DIALECT_PG, &open);
		if (next != i) {
			i = next - 1;
			continue;
		}
		if (t[i] == '(')
			depth++;
		else if (t[i] == ')' && --depth == 0)
			return i == len - 1 ? t : mg_arena_strndup(ctx->arena, t + 1, i - 1);
	}
	return t;
}

void sql_pg_map_index(sql_pg_ctx *ctx, const PgQuery__IndexStmt *s)
{
	mg_operation *op = sql_pg_op(ctx, MG_OP_CREATE_INDEX);
	op->related = sql_pg_rangevar(ctx, s->relation, MG_OBJ_TABLE);
	op->object.kind = MG_OBJ_INDEX;
	op->object.schema = op->related.schema;
	op->object.table = op->related.name;
	op->object.name = sql_pg_str(ctx, s->idxname);
	if (s->concurrent)
		op->flags |= MG_OPF_CONCURRENTLY;
	if (s->unique)
		op->flags |= MG_OPF_UNIQUE;
	if (s->if_not_exists)
		op->flags |= MG_OPF_IF_NOT_EXISTS;
	if (s->relation && !s->relation->inh)
		op->flags |= MG_OPF_ONLY;
	/* NULL means the default, btree, however it was spelled. */
	if (s->access_method && *s->access_method && strcmp(s->access_method, "btree") != 0)
		op->index_method = mg_arena_strdup(ctx->arena, s->access_method);
	if (s->n_index_params) {
		op->index_columns.items =
		    mg_arena_alloc(ctx->arena, s->n_index_params * sizeof *op->index_columns.items);
		for (size_t i = 0; i < s->n_index_params; i++) {
			const pg_node *p = s->index_params[i];
			if (p->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM)
				continue;
			const PgQuery__IndexElem *e = p->index_elem;
			const char *col = e->name && *e->name
			                      ? mg_arena_strdup(ctx->arena, e->name)
			                      : unwrap(ctx, within_first_parens(ctx, sql_pg_expr_text(
			                                                                  ctx, e->expr, 0, NULL)));
			if (col)
				op->index_columns.items[op->index_columns.count++] = col;
		}
	}
	if (s->where_clause) {
		op->flags |= MG_OPF_HAS_WHERE;
		op->where_expr = unwrap(ctx, sql_pg_expr_text(ctx, s->where_clause, 0, NULL));
	}
}

void sql_pg_map_reindex(sql_pg_ctx *ctx, const PgQuery__ReindexStmt *s)
{
	mg_operation *op = sql_pg_op(ctx, MG_OP_REINDEX);
	switch (s->kind) {
	case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX:
		op->object = sql_pg_rangevar(ctx, s->relation, MG_OBJ_INDEX);
		break;
	case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE:
		op->object = sql_pg_rangevar(ctx, s->relation, MG_OBJ_TABLE);
		break;
	case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA:
		op->object.kind = MG_OBJ_SCHEMA;
		op->object.name = sql_pg_str(ctx, s->name);
		break;
	case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SYSTEM:
		op->object.kind = MG_OBJ_DATABASE;
		op->object.name = sql_pg_str(ctx, s->name);
		op->detail = "system";
		break;
	default:
		op->object.kind = MG_OBJ_DATABASE;
		op->object.name = sql_pg_str(ctx, s->name);
		break;
	}
	for (size_t i = 0; i < s->n_params; i++) {
		const pg_node *p = s->params[i];
		if (p->node_case == PG_QUERY__NODE__NODE_DEF_ELEM && p->def_elem->defname &&
		    strcmp(p->def_elem->defname, "concurrently") == 0) {
			/* "CONCURRENTLY false" is possible in the option list. */
			const char *v = sql_pg_node_str(p->def_elem->arg);
			bool off = false;
			if (!v || !mg_str_parse_bool(v, &off) || off)
				op->flags |= MG_OPF_CONCURRENTLY;
		}
	}
}

typedef struct dep_walk {
	sql_pg_ctx *ctx;
	mg_arena *arena;
	mg_object **items; /* op->depends or op->row_locks */
	size_t *n;
	size_t cap;
	const char **ctes;
	size_t n_ctes;
	const void *skip; /* the statement's own target: written, not read */
} dep_walk;

static bool is_dml(const pg_node *n)
{
	return n && (n->node_case == PG_QUERY__NODE__NODE_INSERT_STMT ||
	             n->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT ||
	             n->node_case == PG_QUERY__NODE__NODE_DELETE_STMT ||
	             n->node_case == PG_QUERY__NODE__NODE_MERGE_STMT);
}

static bool collect_ctes(const ProtobufCMessage *msg, void *ud)
{
	dep_walk *w = ud;
	if (msg->descriptor == &pg_query__common_table_expr__descriptor) {
		const PgQuery__CommonTableExpr *cte = (const PgQuery__CommonTableExpr *)msg;
		if (cte->ctename && *cte->ctename) {
			w->ctes = mg_arena_grow(w->arena, w->ctes, sizeof *w->ctes, w->n_ctes,
			                        w->n_ctes + 1);
			w->ctes[w->n_ctes++] = cte->ctename;
		}
	}
	return true;
}

static void add_object(dep_walk *w, mg_object o)
{
	for (size_t i = 0; i < *w->n; i++)
		if (mg_str_eq((*w->items)[i].schema, o.schema) && mg_str_eq((*w->items)[i].name, o.name))
			return;
	if (*w->n == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 4;
		*w->items = mg_arena_grow(w->arena, *w->items, sizeof **w->items, *w->n, ncap);
		w->cap = ncap;
	}
	(*w->items)[(*w->n)++] = o;
}

static bool collect_rels(const ProtobufCMessage *msg, void *ud)
{
	dep_walk *w = ud;
	if ((const void *)msg == w->skip)
		return false;
	/* A data-modifying WITH query is an operation of its own (mapped
	 * with the statement); SELECT ... INTO names the table it creates. */
	if (msg->descriptor == &pg_query__common_table_expr__descriptor)
		return !is_dml(((const PgQuery__CommonTableExpr *)msg)->ctequery);
	if (msg->descriptor == &pg_query__into_clause__descriptor ||
	    msg->descriptor == &pg_query__locking_clause__descriptor)
		return false; /* FOR UPDATE OF names FROM items, not relations */
	if (msg->descriptor != &pg_query__range_var__descriptor)
		return true;
	const PgQuery__RangeVar *rv = (const PgQuery__RangeVar *)msg;
	if (!rv->relname || !*rv->relname)
		return true;
	if (!rv->schemaname || !*rv->schemaname)
		for (size_t i = 0; i < w->n_ctes; i++)
			if (strcmp(w->ctes[i], rv->relname) == 0)
				return true;
	add_object(w, sql_pg_rangevar(w->ctx, rv, MG_OBJ_TABLE));
	return true;
}

void sql_pg_add_reads(sql_pg_ctx *ctx, mg_operation *op, const pg_node *stmt, const void *target)
{
	if (!stmt)
		return;
	dep_walk w = {ctx, ctx->arena, &op->depends, &op->n_depends, op->n_depends, NULL, 0, target};
	sql_pg_walk((const ProtobufCMessage *)stmt, collect_ctes, &w);
	sql_pg_walk((const ProtobufCMessage *)stmt, collect_rels, &w);
}

void sql_pg_add_depends(sql_pg_ctx *ctx, mg_operation *op, const pg_node *query)
{
	sql_pg_add_reads(ctx, op, query, NULL);
}

/* The FROM items a locking clause names: a table by its alias (or name),
 * or every table of a subquery in FROM by the subquery's alias. */
static void lock_from_item(dep_walk *w, const pg_node *item, const char *name)
{
	if (!item)
		return;
	switch (item->node_case) {
	case PG_QUERY__NODE__NODE_RANGE_VAR: {
		const PgQuery__RangeVar *rv = item->range_var;
		const char *seen = rv->alias && rv->alias->aliasname ? rv->alias->aliasname : rv->relname;
		if (!name || mg_str_eq(seen, name))
			collect_rels((const ProtobufCMessage *)rv, w);
		return;
	}
	case PG_QUERY__NODE__NODE_JOIN_EXPR:
		lock_from_item(w, item->join_expr->larg, name);
		lock_from_item(w, item->join_expr->rarg, name);
		return;
	case PG_QUERY__NODE__NODE_RANGE_SUBSELECT: {
		const PgQuery__RangeSubselect *sub = item->range_subselect;
		if (!name || (sub->alias && mg_str_eq(sub->alias->aliasname, name)))
			sql_pg_walk((const ProtobufCMessage *)sub->subquery, collect_rels, w);
		return;
	}
	default: return;
	}
}

void sql_pg_add_row_locks(sql_pg_ctx *ctx, mg_operation *op, const PgQuery__SelectStmt *s)
{
	dep_walk w = {ctx, ctx->arena, &op->row_locks, &op->n_row_locks, op->n_row_locks, NULL, 0,
	              NULL};
	sql_pg_walk((const ProtobufCMessage *)s, collect_ctes, &w);
	for (size_t i = 0; i < s->n_locking_clause; i++) {
		const pg_node *lc = s->locking_clause[i];
		if (lc->node_case != PG_QUERY__NODE__NODE_LOCKING_CLAUSE)
			continue;
		const PgQuery__LockingClause *l = lc->locking_clause;
		for (size_t f = 0; f < s->n_from_clause; f++) {
			if (!l->n_locked_rels)
				lock_from_item(&w, s->from_clause[f], NULL);
			for (size_t k = 0; k < l->n_locked_rels; k++)
				if (l->locked_rels[k]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
					lock_from_item(&w, s->from_clause[f],
					               l->locked_rels[k]->range_var->relname);
		}
	}
}

void sql_pg_map_view(sql_pg_ctx *ctx, const PgQuery__ViewStmt *s)
{
	mg_operation *op = sql_pg_op(ctx, MG_OP_CREATE_VIEW);
	op->object = sql_pg_rangevar(ctx, s->view, MG_OBJ_VIEW);
	if (s->replace)
		op->flags |= MG_OPF_OR_REPLACE;
	if (s->view && s->view->relpersistence && s->view->relpersistence[0] == 't')
		op->flags |= MG_OPF_TEMPORARY;
	sql_pg_add_depends(ctx, op, s->query);
}

void sql_pg_map_refresh(sql_pg_ctx *ctx, const PgQuery__RefreshMatViewStmt *s)
{
	mg_operation *op = sql_pg_op(ctx, MG_OP_REFRESH_MATERIALIZED_VIEW);
	op->object = sql_pg_rangevar(ctx, s->relation, MG_OBJ_MATERIALIZED_VIEW);
	if (s->concurrent)
		op->flags |= MG_OPF_CONCURRENTLY;
	if (s->skip_data)
		op->flags |= MG_OPF_WITH_NO_DATA;
}
