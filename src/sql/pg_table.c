/*
 * pg_table.c: CREATE TABLE (columns, inline and table constraints,
 * partitioning) and CREATE TABLE AS / SELECT INTO / CREATE MATERIALIZED
 * VIEW AS.  Column and constraint definitions here are also what ALTER
 * TABLE ADD COLUMN / ADD CONSTRAINT use, so one definition means one thing
 * whichever statement carries it.
 */
#include <string.h>

#include "sql/pg_internal.h"

static mg_constraint_kind constraint_kind(PgQuery__ConstrType t)
{
	switch (t) {
	case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK: return MG_CONSTRAINT_CHECK;
	case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: return MG_CONSTRAINT_FOREIGN_KEY;
	case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: return MG_CONSTRAINT_UNIQUE;
	case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY: return MG_CONSTRAINT_PRIMARY_KEY;
	case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION: return MG_CONSTRAINT_EXCLUDE;
	case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL: return MG_CONSTRAINT_NOT_NULL;
	default: return MG_CONSTRAINT_NONE;
	}
}

static const char *fk_action(const char *a)
{
	if (!a || !*a)
		return NULL;
	switch (a[0]) {
	case 'c': return "cascade";
	case 'n': return "set null";
	case 'd': return "set default";
	case 'r': return "restrict";
	case 'a': return NULL; /* NO ACTION, the default: as if unsaid */
	default: return NULL;
	}
}

/* The text inside the first top-level parenthesised group at or after
 * from (CHECK (...)), or NULL. */
static const char *paren_group(sql_pg_ctx *ctx, size_t from)
{
	const char *s = ctx->src;
	size_t end = ctx->stmt_end;
	size_t i = from, open_at = 0;
	int depth = 0;
	while (i < end) {
		const char *open = NULL;
		size_t next = sql_skip_special(s, end, i, SQL_DIALECT_PG, &open);
		if (next != i) {
			i = next;
			continue;
		}
		if (s[i] == '(') {
			if (depth++ == 0)
				open_at = i + 1;
		} else if (s[i] == ')' && depth > 0) {
			if (--depth == 0)
				return sql_pg_span(ctx, open_at, i);
		}
		i++;
	}
	return NULL;
}

static mg_name_list exclusion_columns(sql_pg_ctx *ctx, const PgQuery__Constraint *c)
{
	mg_name_list l = {NULL, 0};
	if (!c->n_exclusions)
		return l;
	l.items = mg_arena_alloc(ctx->arena, c->n_exclusions * sizeof *l.items);
	for (size_t i = 0; i < c->n_exclusions; i++) {
		const pg_node *pair = c->exclusions[i];
		if (pair->node_case != PG_QUERY__NODE__NODE_LIST || pair->list->n_items == 0)
			continue;
		const pg_node *el = pair->list->items[0];
		if (el->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM && el->index_elem->name &&
		    *el->index_elem->name)
			l.items[l.count++] = mg_arena_strdup(ctx->arena, el->index_elem->name);
		else if (el->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM)
			l.items[l.count++] = sql_pg_expr_text(ctx, el->index_elem->expr, 0, NULL);
	}
	return l;
}

void sql_pg_constraint(sql_pg_ctx *ctx, const PgQuery__Constraint *c, const char *column,
                      mg_constraint_def *out)
{
	memset(out, 0, sizeof *out);
	out->kind = constraint_kind(c->contype);
	out->name = sql_pg_str(ctx, c->conname);
	if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN)
		out->columns = sql_pg_name_list(ctx, c->fk_attrs, c->n_fk_attrs);
	else if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION)
		out->columns = exclusion_columns(ctx, c);
	else
		out->columns = sql_pg_name_list(ctx, c->keys, c->n_keys);
	if (out->columns.count == 0 && column) {
		out->columns.items = mg_arena_alloc(ctx->arena, sizeof *out->columns.items);
		out->columns.items[0] = mg_arena_strdup(ctx->arena, column);
		out->columns.count = 1;
	}
	if (c->pktable) {
		out->ref_table = sql_pg_rangevar(ctx, c->pktable, MG_OBJ_TABLE);
		out->ref_columns = sql_pg_name_list(ctx, c->pk_attrs, c->n_pk_attrs);
		out->on_delete = fk_action(c->fk_del_action);
		out->on_update = fk_action(c->fk_upd_action);
	}
	if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
		if (c->location >= 0)
			out->expr = paren_group(ctx, (size_t)c->location);
		if (!out->expr)
			out->expr = sql_pg_expr_text(ctx, c->raw_expr, 0, NULL);
	} else if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION && c->where_clause) {
		out->expr = sql_pg_expr_text(ctx, c->where_clause, 0, NULL);
	}
	out->using_index = sql_pg_str(ctx, c->indexname);
	out->not_valid = c->skip_validation;
	out->deferrable = c->deferrable;
	out->initially_deferred = c->initdeferred;
}

static bool is_attr(PgQuery__ConstrType t)
{
	return t == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRABLE ||
	       t == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_NOT_DEFERRABLE ||
	       t == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRED ||
	       t == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_IMMEDIATE;
}

static void apply_attr(mg_constraint_def *c, PgQuery__ConstrType t)
{
	if (t == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRABLE)
		c->deferrable = true;
	else if (t == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_NOT_DEFERRABLE)
		c->deferrable = false;
	else if (t == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRED)
		c->initially_deferred = true;
	else if (t == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_IMMEDIATE)
		c->initially_deferred = false;
}

void sql_pg_column_def(sql_pg_ctx *ctx, const PgQuery__ColumnDef *cd, const mg_object *table,
                      mg_column_def *out, size_t limit)
{
	memset(out, 0, sizeof *out);
	out->name = sql_pg_str(ctx, cd->colname);
	out->type = sql_pg_type_text(ctx, cd->type_name, &out->serial);
	out->not_null = cd->is_not_null;
	if (cd->n_constraints)
		out->constraints =
		    mg_arena_alloc(ctx->arena, cd->n_constraints * sizeof *out->constraints);
	for (size_t i = 0; i < cd->n_constraints; i++) {
		const pg_node *n = cd->constraints[i];
		if (n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
			continue;
		const PgQuery__Constraint *c = n->constraint;
		size_t next = limit;
		if (i + 1 < cd->n_constraints &&
		    cd->constraints[i + 1]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
		    cd->constraints[i + 1]->constraint->location > c->location)
			next = (size_t)cd->constraints[i + 1]->constraint->location;
		if (is_attr(c->contype)) {
			if (out->n_constraints)
				apply_attr(&out->constraints[out->n_constraints - 1], c->contype);
			continue;
		}
		switch (c->contype) {
		case PG_QUERY__CONSTR_TYPE__CONSTR_NULL: continue;
		case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL: out->not_null = true; continue;
		case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
			out->default_expr = sql_pg_expr_text(ctx, c->raw_expr, next, NULL);
			out->default_volatility = sql_pg_expr_volatility(c->raw_expr);
			continue;
		case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
			out->identity = true;
			out->not_null = true;
			continue;
		case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
			out->generated_stored = true;
			continue;
		case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
			out->primary_key = true;
			out->not_null = true;
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: out->unique = true; break;
		default: break;
		}
		sql_pg_constraint(ctx, c, out->name, &out->constraints[out->n_constraints++]);
	}
	if (out->serial) {
		/* What PostgreSQL turns serial into: an owned sequence named
		 * table_column_seq and a volatile nextval() default. */
		out->not_null = true;
		if (table && table->name && out->name) {
			out->default_expr = mg_arena_printf(
			    ctx->arena, "nextval('%s%s%s_%s_seq'::regclass)",
			    strcmp(table->schema, ctx->schema) ? table->schema : "",
			    strcmp(table->schema, ctx->schema) ? "." : "", table->name, out->name);
		}
		out->default_volatility = MG_VOLATILITY_VOLATILE;
	}
}

/* Where the element after table_elts[i] starts, or the statement's end. */
static size_t element_limit(sql_pg_ctx *ctx, pg_node **elts, size_t n, size_t i)
{
	for (size_t k = i + 1; k < n; k++) {
		int loc = sql_pg_first_location((const ProtobufCMessage *)elts[k]);
		if (loc >= 0)
			return (size_t)loc;
	}
	return ctx->stmt_end;
}

void sql_pg_map_create_table(sql_pg_ctx *ctx, const PgQuery__CreateStmt *s)
{
	mg_operation *op = sql_pg_op(ctx, MG_OP_CREATE_TABLE);
	op->object = sql_pg_rangevar(ctx, s->relation, MG_OBJ_TABLE);
	if (s->if_not_exists)
		op->flags |= MG_OPF_IF_NOT_EXISTS;
	if (s->relation && s->relation->relpersistence) {
		if (s->relation->relpersistence[0] == 't')
			op->flags |= MG_OPF_TEMPORARY;
		else if (s->relation->relpersistence[0] == 'u')
			op->flags |= MG_OPF_UNLOGGED;
	}
	if (s->partspec) {
		op->flags |= MG_OPF_PARTITIONED;
		op->detail = sql_pg_str(ctx, s->partspec->strategy);
		/* The partition key's plain columns: a rule proving a partition's
		 * bound with a CHECK needs to name them. */
		PgQuery__PartitionSpec *ps = s->partspec;
		const char **keys = mg_arena_alloc(ctx->arena, (ps->n_part_params + 1) * sizeof *keys);
		size_t nk = 0;
		for (size_t i = 0; i < ps->n_part_params; i++) {
			PgQuery__Node *n = ps->part_params[i];
			if (n->node_case == PG_QUERY__NODE__NODE_PARTITION_ELEM && n->partition_elem->name &&
			    *n->partition_elem->name)
				keys[nk++] = mg_arena_strdup(ctx->arena, n->partition_elem->name);
		}
		op->partition_key.items = keys;
		op->partition_key.count = nk;
	}
	if (s->n_inh_relations && s->inh_relations[0]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
		op->related = sql_pg_rangevar(ctx, s->inh_relations[0]->range_var, MG_OBJ_TABLE);
	if (s->partbound) {
		op->flags |= MG_OPF_PARTITION_OF;
		sql_pg_partition_bound(ctx, op, s->partbound);
		if (s->partbound->is_default) {
			op->flags |= MG_OPF_DEFAULT;
			op->detail = "default partition";
		}
	}

	size_t ncols = 0, ncons = 0;
	for (size_t i = 0; i < s->n_table_elts; i++) {
		if (s->table_elts[i]->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
			ncols++;
		else if (s->table_elts[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
			ncons++;
	}
	ncons += s->n_constraints;
	if (ncols)
		op->columns = mg_arena_alloc(ctx->arena, ncols * sizeof *op->columns);
	if (ncons)
		op->constraints = mg_arena_alloc(ctx->arena, ncons * sizeof *op->constraints);
	for (size_t i = 0; i < s->n_table_elts; i++) {
		const pg_node *e = s->table_elts[i];
		if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
			size_t limit = element_limit(ctx, s->table_elts, s->n_table_elts, i);
			sql_pg_column_def(ctx, e->column_def, &op->object,
			                 &op->columns[op->n_columns++], limit);
		} else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
			sql_pg_constraint(ctx, e->constraint, NULL,
			                 &op->constraints[op->n_constraints++]);
		} else if (e->node_case == PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE) {
			op->detail = "like";
			/* The table it copies the shape of, as a view's query reads. */
			sql_pg_add_depends(ctx, op, e);
		}
	}
	for (size_t i = 0; i < s->n_constraints; i++)
		if (s->constraints[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
			sql_pg_constraint(ctx, s->constraints[i]->constraint, NULL,
			                 &op->constraints[op->n_constraints++]);
}

void sql_pg_map_create_table_as(sql_pg_ctx *ctx, const PgQuery__CreateTableAsStmt *s)
{
	bool matview = s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW;
	mg_operation *op =
	    sql_pg_op(ctx, matview ? MG_OP_CREATE_MATERIALIZED_VIEW : MG_OP_CREATE_TABLE);
	const PgQuery__IntoClause *into = s->into;
	op->object = sql_pg_rangevar(ctx, into ? into->rel : NULL,
	                            matview ? MG_OBJ_MATERIALIZED_VIEW : MG_OBJ_TABLE);
	if (!matview)
		op->flags |= MG_OPF_AS_SELECT;
	if (s->if_not_exists)
		op->flags |= MG_OPF_IF_NOT_EXISTS;
	if (into && into->skip_data)
		op->flags |= MG_OPF_WITH_NO_DATA;
	if (into && into->rel && into->rel->relpersistence) {
		if (into->rel->relpersistence[0] == 't')
			op->flags |= MG_OPF_TEMPORARY;
		else if (into->rel->relpersistence[0] == 'u')
			op->flags |= MG_OPF_UNLOGGED;
	}
	sql_pg_add_depends(ctx, op, s->query);
}
