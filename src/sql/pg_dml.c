/*
 * pg_dml.c: data statements (INSERT, UPDATE, DELETE, MERGE, COPY, SELECT),
 * maintenance (TRUNCATE, VACUUM, ANALYZE, CLUSTER, LOCK) and session and
 * transaction control (SET, RESET, BEGIN, COMMIT, ROLLBACK, SAVEPOINT).
 */
#include <string.h>

#include "migraph/sqlwrite.h"
#include "sql/pg_internal.h"

static const char *const lock_modes[] = {
    NULL,
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
};

/* The column a term names (its last field: e.alias.col is col), or NULL. */
static const char *term_column(const pg_node *n)
{
	if (!n || n->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || !n->column_ref->n_fields)
		return NULL;
	return sql_pg_node_str(n->column_ref->fields[n->column_ref->n_fields - 1]);
}

/* A constant, possibly cast once: '2024-03-01', '2024-03-01'::date, 42. */
static bool is_constant(const pg_node *n)
{
	if (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST)
		n = n->type_cast->arg;
	return n && n->node_case == PG_QUERY__NODE__NODE_A_CONST && !n->a_const->isnull;
}

static void add_term(sql_pg_ctx *ctx, mg_operation *op, size_t *cap, const char *column,
                     const char *oper, const pg_node *value)
{
	if (op->n_where_terms == *cap) {
		size_t n = *cap ? *cap * 2 : 4;
		mg_where_term *t = mg_arena_alloc(ctx->arena, n * sizeof *t);
		if (op->n_where_terms)
			memcpy(t, op->where_terms, op->n_where_terms * sizeof *t);
		op->where_terms = t;
		*cap = n;
	}
	pg_node *v = (pg_node *)value;
	op->where_terms[op->n_where_terms++] = (mg_where_term){
		sql_pg_str(ctx, column), oper, sql_pg_expr_list(ctx, &v, 1).items[0]};
}

/* Collects the terms "column OP constant" (and BETWEEN) ANDed at the top
 * of a WHERE; any other term is left out, which only widens what the
 * terms admit. */
static void where_terms(sql_pg_ctx *ctx, mg_operation *op, const pg_node *w, size_t *cap,
                        int depth)
{
	if (!w || depth > 16)
		return;
	if (w->node_case == PG_QUERY__NODE__NODE_BOOL_EXPR &&
	    w->bool_expr->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR) {
		for (size_t i = 0; i < w->bool_expr->n_args; i++)
			where_terms(ctx, op, w->bool_expr->args[i], cap, depth + 1);
		return;
	}
	if (w->node_case != PG_QUERY__NODE__NODE_A_EXPR)
		return;
	const PgQuery__AExpr *e = w->a_expr;
	const char *col = term_column(e->lexpr);
	if (e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN && col && e->rexpr &&
	    e->rexpr->node_case == PG_QUERY__NODE__NODE_LIST && e->rexpr->list->n_items == 2 &&
	    is_constant(e->rexpr->list->items[0]) && is_constant(e->rexpr->list->items[1])) {
		add_term(ctx, op, cap, col, ">=", e->rexpr->list->items[0]);
		add_term(ctx, op, cap, col, "<=", e->rexpr->list->items[1]);
		return;
	}
	if (e->kind != PG_QUERY__A__EXPR__KIND__AEXPR_OP || e->n_name != 1)
		return;
	static const char *const ops[][2] = {
		{"=", "="}, {"<", ">"}, {"<=", ">="}, {">", "<"}, {">=", "<="}};
	const char *name = sql_pg_node_str(e->name[0]);
	for (size_t i = 0; name && i < sizeof ops / sizeof ops[0]; i++) {
		if (strcmp(name, ops[i][0]) != 0)
			continue;
		if (col && is_constant(e->rexpr))
			add_term(ctx, op, cap, col, ops[i][0], e->rexpr);
		else if (term_column(e->rexpr) && is_constant(e->lexpr)) /* 5 < id: id > 5 */
			add_term(ctx, op, cap, term_column(e->rexpr), ops[i][1], e->lexpr);
	}
}

static void where(sql_pg_ctx *ctx, mg_operation *op, const pg_node *w)
{
	if (!w)
		return;
	op->flags |= MG_OPF_HAS_WHERE;
	op->where_expr = sql_pg_expr_text(ctx, w, 0, "returning");
	size_t cap = 0;
	where_terms(ctx, op, w, &cap, 0);
}

/* The functions a SELECT calls at its top level: "setval", "pg_sleep" ... */
typedef struct fn_walk {
	sql_pg_ctx *ctx;
	mg_buf names;
	mg_operation *op;
} fn_walk;

static bool collect_calls(const ProtobufCMessage *msg, void *ud)
{
	fn_walk *w = ud;
	if (msg->descriptor == &pg_query__select_stmt__descriptor && w->names.len)
		return false; /* do not descend into subqueries once something is found */
	if (msg->descriptor != &pg_query__func_call__descriptor)
		return true;
	const PgQuery__FuncCall *fc = (const PgQuery__FuncCall *)msg;
	if (!fc->n_funcname)
		return true;
	const char *name = sql_pg_node_str(fc->funcname[fc->n_funcname - 1]);
	if (!name)
		return true;
	if (w->names.len)
		mg_buf_putc(&w->names, ',');
	mg_buf_puts(&w->names, name);
	/* setval('seq', n) / nextval('seq'): the sequence is the object. */
	if (w->op->object.kind == MG_OBJ_NONE && fc->n_args >= 1 &&
	    (strcmp(name, "setval") == 0 || strcmp(name, "nextval") == 0)) {
		const char *seq = sql_pg_node_str(fc->args[0]);
		if (!seq && fc->args[0]->node_case == PG_QUERY__NODE__NODE_TYPE_CAST)
			seq = sql_pg_node_str(fc->args[0]->type_cast->arg); /* 'seq'::regclass */
		if (seq) {
			const char *dot = strchr(seq, '.');
			mg_object *o = &w->op->object;
			o->kind = MG_OBJ_SEQUENCE;
			if (dot) {
				o->schema = mg_str_lower(
				    w->ctx->arena,
				    mg_arena_strndup(w->ctx->arena, seq, (size_t)(dot - seq)));
				o->name = mg_str_lower(w->ctx->arena, dot + 1);
			} else {
				o->schema = w->ctx->schema;
				o->name = mg_str_lower(w->ctx->arena, seq);
			}
		}
	}
	return true;
}

static bool map_dml(sql_pg_ctx *ctx, const pg_node *n, bool nested);

/* Data-modifying WITH queries run with the statement: each is an operation
 * of its own (its table is written, not read). */
static void map_dml_ctes(sql_pg_ctx *ctx, const PgQuery__WithClause *w)
{
	for (size_t i = 0; w && i < w->n_ctes; i++) {
		const pg_node *c = w->ctes[i];
		if (c->node_case != PG_QUERY__NODE__NODE_COMMON_TABLE_EXPR)
			continue;
		const pg_node *q = c->common_table_expr->ctequery;
		if (q && q->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
			map_dml(ctx, q, true);
	}
}

/* The names of a column list (INSERT (a, b), COPY t (a, b)) or of an
 * UPDATE's SET targets. */
static mg_name_list target_names(sql_pg_ctx *ctx, pg_node **items, size_t n)
{
	mg_name_list l = {NULL, 0};
	if (!n)
		return l;
	l.items = mg_arena_alloc(ctx->arena, n * sizeof *l.items);
	for (size_t i = 0; i < n; i++) {
		const char *name = NULL;
		if (items[i]->node_case == PG_QUERY__NODE__NODE_RES_TARGET)
			name = items[i]->res_target->name;
		else
			name = sql_pg_node_str(items[i]);
		if (name && *name)
			l.items[l.count++] = mg_arena_strdup(ctx->arena, name);
	}
	return l;
}

static void map_select(sql_pg_ctx *ctx, const PgQuery__SelectStmt *s, const pg_node *n)
{
	if (s->into_clause) {
		/* SELECT ... INTO t: CREATE TABLE t AS SELECT. */
		mg_operation *op = sql_pg_op(ctx, MG_OP_CREATE_TABLE);
		op->object = sql_pg_rangevar(ctx, s->into_clause->rel, MG_OBJ_TABLE);
		op->flags |= MG_OPF_AS_SELECT;
		sql_pg_add_depends(ctx, op, n);
		return;
	}
	map_dml_ctes(ctx, s->with_clause);
	mg_operation *op = sql_pg_op(ctx, MG_OP_SELECT);
	fn_walk w = {ctx, MG_BUF_INIT, op};
	for (size_t i = 0; i < s->n_target_list; i++)
		sql_pg_walk((const ProtobufCMessage *)s->target_list[i], collect_calls, &w);
	if (w.names.len)
		op->detail = mg_arena_strdup(ctx->arena, mg_buf_cstr(&w.names));
	mg_buf_dispose(&w.names);
	if (s->where_clause)
		op->flags |= MG_OPF_HAS_WHERE;
	/* The relations it reads take ACCESS SHARE; those whose rows FOR
	 * UPDATE/SHARE locks, ROW SHARE. */
	sql_pg_add_depends(ctx, op, n);
	if (s->n_locking_clause) {
		op->flags |= MG_OPF_FOR_UPDATE;
		sql_pg_add_row_locks(ctx, op, s);
	}
}

static const char *arg_text(sql_pg_ctx *ctx, const pg_node *a)
{
	/* SET TIME ZONE INTERVAL '+1': the literal under the casts. */
	while (a->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && a->type_cast->arg)
		a = a->type_cast->arg;
	if (a->node_case == PG_QUERY__NODE__NODE_A_CONST) {
		const PgQuery__AConst *c = a->a_const;
		switch (c->val_case) {
		case PG_QUERY__A__CONST__VAL_SVAL: return c->sval ? c->sval->sval : "";
		case PG_QUERY__A__CONST__VAL_IVAL:
			return mg_arena_printf(ctx->arena, "%d", c->ival ? c->ival->ival : 0);
		case PG_QUERY__A__CONST__VAL_FVAL: return c->fval ? c->fval->fval : "";
		case PG_QUERY__A__CONST__VAL_BOOLVAL:
			return c->boolval && c->boolval->boolval ? "on" : "off";
		default: break;
		}
	}
	const char *t = sql_pg_expr_text(ctx, a, 0, NULL);
	return t ? t : "?";
}

/* SET search_path: later unqualified names of the script are in its first
 * schema ("$user" aside, which names no schema of a migration), as
 * PostgreSQL creates them; RESET returns to the script's base schema.  SET
 * LOCAL counts like SET: a migration's transaction ends with its script. */
static void follow_search_path(sql_pg_ctx *ctx, const PgQuery__VariableSetStmt *s, bool reset)
{
	if (reset) {
		ctx->schema = ctx->base_schema;
		return;
	}
	for (size_t i = 0; i < s->n_args; i++) {
		const char *name = sql_pg_node_str(s->args[i]);
		if (name && *name && strcmp(name, "$user") != 0) {
			ctx->schema = mg_arena_strdup(ctx->arena, name);
			return;
		}
	}
}

static void map_set(sql_pg_ctx *ctx, const PgQuery__VariableSetStmt *s)
{
	bool reset = s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET ||
	             s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL ||
	             s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT;
	mg_operation *op = sql_pg_op(ctx, reset ? MG_OP_RESET_SETTING : MG_OP_SET_SETTING);
	op->setting_name = s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL
	                       ? "all"
	                       : mg_str_lower(ctx->arena, s->name ? s->name : "");
	if (s->is_local)
		op->flags |= MG_OPF_LOCAL;
	if (s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL ||
	    (s->name && mg_str_ieq(s->name, "search_path") &&
	     s->kind != PG_QUERY__VARIABLE_SET_KIND__VAR_SET_CURRENT))
		follow_search_path(ctx, s, reset);
	if (s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_CURRENT) {
		op->detail = "from current";
		return;
	}
	if (reset || s->n_args == 0)
		return;
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < s->n_args; i++) {
		const pg_node *a = s->args[i];
		if (b.len)
			mg_buf_puts(&b, ", ");
		if (a->node_case == PG_QUERY__NODE__NODE_DEF_ELEM) {
			/* SET TRANSACTION ISOLATION LEVEL ... */
			mg_buf_puts(&b, a->def_elem->defname ? a->def_elem->defname : "?");
			if (a->def_elem->arg) {
				mg_buf_putc(&b, ' ');
				mg_buf_puts(&b, arg_text(ctx, a->def_elem->arg));
			}
		} else {
			mg_buf_puts(&b, arg_text(ctx, a));
		}
	}
	op->setting_value = mg_arena_strdup(ctx->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
}

static void map_transaction(sql_pg_ctx *ctx, const PgQuery__TransactionStmt *s)
{
	mg_operation *op;
	switch (s->kind) {
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START: sql_pg_op(ctx, MG_OP_BEGIN); return;
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
		op = sql_pg_op(ctx, MG_OP_COMMIT);
		if (s->chain)
			op->detail = "and chain";
		return;
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
		op = sql_pg_op(ctx, MG_OP_ROLLBACK);
		if (s->chain)
			op->detail = "and chain";
		return;
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT:
		op = sql_pg_op(ctx, MG_OP_SAVEPOINT);
		op->new_name = sql_pg_str(ctx, s->savepoint_name);
		return;
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE:
		op = sql_pg_op(ctx, MG_OP_SAVEPOINT);
		op->new_name = sql_pg_str(ctx, s->savepoint_name);
		op->detail = "release";
		return;
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO:
		op = sql_pg_op(ctx, MG_OP_ROLLBACK);
		op->new_name = sql_pg_str(ctx, s->savepoint_name);
		op->detail = "to savepoint";
		return;
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE:
		op = sql_pg_op(ctx, MG_OP_COMMIT);
		op->detail = "prepare transaction";
		return;
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT_PREPARED:
		op = sql_pg_op(ctx, MG_OP_COMMIT);
		op->detail = "commit prepared";
		return;
	default:
		op = sql_pg_op(ctx, MG_OP_ROLLBACK);
		op->detail = "rollback prepared";
		return;
	}
}

static bool option_on(const PgQuery__DefElem *d)
{
	const char *v = sql_pg_node_str(d->arg);
	bool on = true;
	if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_A_CONST &&
	    d->arg->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL)
		return d->arg->a_const->ival && d->arg->a_const->ival->ival != 0;
	if (v)
		mg_str_parse_bool(v, &on);
	return on;
}

static void map_vacuum(sql_pg_ctx *ctx, const PgQuery__VacuumStmt *s)
{
	unsigned flags = 0;
	mg_buf opts = MG_BUF_INIT;
	for (size_t i = 0; i < s->n_options; i++) {
		if (s->options[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM)
			continue;
		const PgQuery__DefElem *d = s->options[i]->def_elem;
		if (!d->defname || !option_on(d))
			continue;
		if (strcmp(d->defname, "full") == 0)
			flags |= MG_OPF_FULL;
		if (opts.len)
			mg_buf_putc(&opts, ',');
		mg_buf_puts(&opts, d->defname);
	}
	const char *detail = opts.len ? mg_arena_strdup(ctx->arena, mg_buf_cstr(&opts)) : NULL;
	mg_buf_dispose(&opts);
	mg_op_kind kind = s->is_vacuumcmd ? MG_OP_VACUUM : MG_OP_ANALYZE;
	for (size_t i = 0; i < s->n_rels || i == 0; i++) {
		mg_operation *op = sql_pg_op(ctx, kind);
		op->flags |= flags;
		op->detail = detail;
		if (i >= s->n_rels)
			break; /* the whole database */
		if (s->rels[i]->node_case == PG_QUERY__NODE__NODE_VACUUM_RELATION)
			op->object = sql_pg_rangevar(ctx, s->rels[i]->vacuum_relation->relation,
			                            MG_OBJ_TABLE);
	}
}

/* MERGE's WHEN actions: detail lists them ("update,insert"), set_columns
 * are what its UPDATEs assign and insert_columns its INSERT's column list
 * (the foreign keys checked and the defaults used follow from them). */
static void merge_actions(sql_pg_ctx *ctx, mg_operation *op, const PgQuery__MergeStmt *s)
{
	bool seen[3] = {false, false, false};
	static const char *const names[3] = {"update", "insert", "delete"};
	const char **set = NULL;
	size_t n_set = 0;
	for (size_t i = 0; i < s->n_merge_when_clauses; i++) {
		const pg_node *w = s->merge_when_clauses[i];
		if (w->node_case != PG_QUERY__NODE__NODE_MERGE_WHEN_CLAUSE)
			continue;
		const PgQuery__MergeWhenClause *c = w->merge_when_clause;
		mg_name_list cols = target_names(ctx, c->target_list, c->n_target_list);
		switch (c->command_type) {
		case PG_QUERY__CMD_TYPE__CMD_UPDATE:
			seen[0] = true;
			set = mg_arena_grow(ctx->arena, set, sizeof *set, n_set, n_set + cols.count + 1);
			for (size_t k = 0; k < cols.count; k++)
				set[n_set++] = cols.items[k];
			break;
		case PG_QUERY__CMD_TYPE__CMD_INSERT:
			seen[1] = true;
			op->insert_columns = cols;
			break;
		case PG_QUERY__CMD_TYPE__CMD_DELETE: seen[2] = true; break;
		default: break;
		}
	}
	op->set_columns = (mg_name_list){set, n_set};
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < 3; i++)
		if (seen[i])
			mg_buf_printf(&b, "%s%s", b.len ? "," : "", names[i]);
	if (b.len)
		op->detail = mg_arena_strdup(ctx->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
}

/* nested: a data-modifying WITH query of another statement, whose text
 * is not its own. */
static bool map_dml(sql_pg_ctx *ctx, const pg_node *n, bool nested)
{
	mg_operation *op;
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_INSERT_STMT: {
		const PgQuery__InsertStmt *s = n->insert_stmt;
		map_dml_ctes(ctx, s->with_clause);
		op = sql_pg_op(ctx, MG_OP_INSERT);
		op->object = sql_pg_rangevar(ctx, s->relation, MG_OBJ_TABLE);
		const pg_node *q = s->select_stmt;
		if (q && q->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
		    q->select_stmt->n_values_lists == 0)
			op->flags |= MG_OPF_AS_SELECT;
		/* What it reads: the SELECT's tables, subqueries among the VALUES,
		 * in ON CONFLICT and RETURNING. */
		sql_pg_add_reads(ctx, op, n, s->relation);
		if (s->on_conflict_clause) {
			/* With a conflict target the server opens the table's indexes
			 * to infer the arbiter; DO UPDATE also assigns columns. */
			const PgQuery__OnConflictClause *oc = s->on_conflict_clause;
			bool upd = oc->action == PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE;
			op->detail = oc->infer ? (upd ? "on conflict (arbiter) do update"
			                              : "on conflict (arbiter) do nothing")
			                       : "on conflict do nothing";
			if (upd)
				op->set_columns = target_names(ctx, oc->target_list, oc->n_target_list);
		}
		op->insert_columns = target_names(ctx, s->cols, s->n_cols);
		/* The rows of INSERT ... VALUES, for tuple routing into partitions
		 * (bounded: a bulk load is routed everywhere anyway). */
		if (q && q->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
		    q->select_stmt->n_values_lists && q->select_stmt->n_values_lists <= 1000) {
			const PgQuery__SelectStmt *v = q->select_stmt;
			op->insert_rows = mg_arena_alloc(ctx->arena, v->n_values_lists * sizeof *op->insert_rows);
			for (size_t r = 0; r < v->n_values_lists; r++) {
				const pg_node *row = v->values_lists[r];
				if (row->node_case != PG_QUERY__NODE__NODE_LIST)
					continue;
				op->insert_rows[op->n_insert_rows++] =
					sql_pg_expr_list(ctx, row->list->items, row->list->n_items);
			}
		}
		return true;
	}
	case PG_QUERY__NODE__NODE_UPDATE_STMT: {
		const PgQuery__UpdateStmt *s = n->update_stmt;
		map_dml_ctes(ctx, s->with_clause);
		op = sql_pg_op(ctx, MG_OP_UPDATE);
		op->object = sql_pg_rangevar(ctx, s->relation, MG_OBJ_TABLE);
		where(ctx, op, s->where_clause);
		op->set_columns = target_names(ctx, s->target_list, s->n_target_list);
		/* FROM, and subqueries in SET, WHERE and RETURNING. */
		sql_pg_add_reads(ctx, op, n, s->relation);
		/* The SET list as written, for the plan's backfills; none for an
		 * UPDATE in a WITH query, whose text is not the statement's own. */
		if (!nested && !s->with_clause && ctx->stmt_end > ctx->stmt_start)
			op->set_clause = mg_sql_update_set_clause(ctx->arena, ctx->src + ctx->stmt_start,
			                                          ctx->stmt_end - ctx->stmt_start);
		return true;
	}
	case PG_QUERY__NODE__NODE_DELETE_STMT: {
		const PgQuery__DeleteStmt *s = n->delete_stmt;
		map_dml_ctes(ctx, s->with_clause);
		op = sql_pg_op(ctx, MG_OP_DELETE);
		op->object = sql_pg_rangevar(ctx, s->relation, MG_OBJ_TABLE);
		where(ctx, op, s->where_clause);
		/* USING, and subqueries in WHERE and RETURNING. */
		sql_pg_add_reads(ctx, op, n, s->relation);
		return true;
	}
	case PG_QUERY__NODE__NODE_MERGE_STMT: {
		const PgQuery__MergeStmt *s = n->merge_stmt;
		map_dml_ctes(ctx, s->with_clause);
		op = sql_pg_op(ctx, MG_OP_MERGE);
		op->object = sql_pg_rangevar(ctx, s->relation, MG_OBJ_TABLE);
		if (s->source_relation &&
		    s->source_relation->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
			op->related =
			    sql_pg_rangevar(ctx, s->source_relation->range_var, MG_OBJ_TABLE);
		/* The source (a table or a query) and subqueries of the clauses. */
		sql_pg_add_reads(ctx, op, n, s->relation);
		merge_actions(ctx, op, s);
		return true;
	}
	case PG_QUERY__NODE__NODE_COPY_STMT: {
		const PgQuery__CopyStmt *s = n->copy_stmt;
		op = sql_pg_op(ctx, MG_OP_COPY);
		if (s->relation)
			op->object = sql_pg_rangevar(ctx, s->relation, MG_OBJ_TABLE);
		op->detail = s->is_from ? "from" : "to";
		op->insert_columns = target_names(ctx, s->attlist, s->n_attlist);
		where(ctx, op, s->where_clause);
		/* COPY (query) TO reads the query's tables. */
		sql_pg_add_depends(ctx, op, s->query);
		return true;
	}
	case PG_QUERY__NODE__NODE_SELECT_STMT: map_select(ctx, n->select_stmt, n); return true;
	case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
		map_set(ctx, n->variable_set_stmt);
		return true;
	case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
		map_transaction(ctx, n->transaction_stmt);
		return true;
	case PG_QUERY__NODE__NODE_TRUNCATE_STMT: {
		const PgQuery__TruncateStmt *s = n->truncate_stmt;
		for (size_t i = 0; i < s->n_relations; i++) {
			if (s->relations[i]->node_case != PG_QUERY__NODE__NODE_RANGE_VAR)
				continue;
			op = sql_pg_op(ctx, MG_OP_TRUNCATE);
			op->object = sql_pg_rangevar(ctx, s->relations[i]->range_var, MG_OBJ_TABLE);
			if (!s->relations[i]->range_var->inh)
				op->flags |= MG_OPF_ONLY;
			if (s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
				op->flags |= MG_OPF_CASCADE;
			if (s->restart_seqs)
				op->detail = "restart identity";
		}
		return true;
	}
	case PG_QUERY__NODE__NODE_VACUUM_STMT: map_vacuum(ctx, n->vacuum_stmt); return true;
	case PG_QUERY__NODE__NODE_CLUSTER_STMT: {
		const PgQuery__ClusterStmt *s = n->cluster_stmt;
		op = sql_pg_op(ctx, MG_OP_CLUSTER);
		if (s->relation) {
			op->object = sql_pg_rangevar(ctx, s->relation, MG_OBJ_TABLE);
			if (s->indexname && *s->indexname)
				op->related =
				    (mg_object){MG_OBJ_INDEX, op->object.schema, op->object.name,
				                mg_arena_strdup(ctx->arena, s->indexname)};
		}
		return true;
	}
	case PG_QUERY__NODE__NODE_LOCK_STMT: {
		const PgQuery__LockStmt *s = n->lock_stmt;
		const char *mode = s->mode >= 1 && s->mode <= 8 ? lock_modes[s->mode] : NULL;
		for (size_t i = 0; i < s->n_relations; i++) {
			if (s->relations[i]->node_case != PG_QUERY__NODE__NODE_RANGE_VAR)
				continue;
			op = sql_pg_op(ctx, MG_OP_LOCK_TABLE);
			op->object = sql_pg_rangevar(ctx, s->relations[i]->range_var, MG_OBJ_TABLE);
			op->detail = mode;
			if (!s->relations[i]->range_var->inh)
				op->flags |= MG_OPF_ONLY;
		}
		return true;
	}
	default: return false;
	}
}

bool sql_pg_map_dml(sql_pg_ctx *ctx, const pg_node *n)
{
	return map_dml(ctx, n, false);
}
