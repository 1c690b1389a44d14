/*
 * pg_misc.c: the schema objects around tables: sequences, types and enum
 * values, domains, functions and procedures (the body is opaque), DO
 * blocks and CALL, triggers, rules, policies, extensions and schemas.
 */
#include <string.h>

#include "sql/pg_internal.h"

static void map_nested(sql_pg_ctx *ctx, const pg_node *n);

static const char *option_names(sql_pg_ctx *ctx, pg_node **opts, size_t n)
{
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (opts[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM ||
		    !opts[i]->def_elem->defname)
			continue;
		if (b.len)
			mg_buf_putc(&b, ',');
		mg_buf_puts(&b, opts[i]->def_elem->defname);
	}
	const char *r = b.len ? mg_arena_strdup(ctx->arena, mg_buf_cstr(&b)) : NULL;
	mg_buf_dispose(&b);
	return r;
}

static const PgQuery__DefElem *find_option(pg_node **opts, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (opts[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
		    opts[i]->def_elem->defname && strcmp(opts[i]->def_elem->defname, name) == 0)
			return opts[i]->def_elem;
	return NULL;
}

static void persistence(mg_operation *op, const PgQuery__RangeVar *rv)
{
	if (rv && rv->relpersistence && rv->relpersistence[0] == 't')
		op->flags |= MG_OPF_TEMPORARY;
	else if (rv && rv->relpersistence && rv->relpersistence[0] == 'u')
		op->flags |= MG_OPF_UNLOGGED;
}

static void sequence_owned_by(sql_pg_ctx *ctx, mg_operation *op, pg_node **opts, size_t n)
{
	const PgQuery__DefElem *d = find_option(opts, n, "owned_by");
	if (!d || !d->arg || d->arg->node_case != PG_QUERY__NODE__NODE_LIST)
		return;
	const PgQuery__List *l = d->arg->list;
	if (l->n_items < 2)
		return; /* OWNED BY NONE */
	mg_object t = sql_pg_qualified(ctx, l->items, l->n_items - 1, MG_OBJ_TABLE);
	op->related = (mg_object){MG_OBJ_COLUMN, t.schema, t.name,
	                          sql_pg_str(ctx, sql_pg_node_str(l->items[l->n_items - 1]))};
}

static void map_function(sql_pg_ctx *ctx, const PgQuery__CreateFunctionStmt *s)
{
	mg_operation *op = sql_pg_op(ctx, MG_OP_CREATE_FUNCTION);
	op->object = sql_pg_qualified(ctx, s->funcname, s->n_funcname,
	                             s->is_procedure ? MG_OBJ_PROCEDURE : MG_OBJ_FUNCTION);
	if (s->replace)
		op->flags |= MG_OPF_OR_REPLACE;
	const PgQuery__DefElem *lang = find_option(s->options, s->n_options, "language");
	op->detail = lang ? sql_pg_str(ctx, sql_pg_node_str(lang->arg)) : NULL;

	/* The body: after AS (a string or dollar quote), or a SQL-standard
	 * BEGIN ATOMIC ... END / RETURN body. */
	const PgQuery__DefElem *as = find_option(s->options, s->n_options, "as");
	long body = -1;
	if (as && as->location >= 0) {
		size_t i = (size_t)as->location + 2; /* past "AS" */
		body = (long)sql_skip_blank(ctx->src, ctx->stmt_end, i);
	} else if (s->sql_body) {
		body = sql_pg_first_location((const ProtobufCMessage *)s->sql_body);
	}
	if (!as && !s->sql_body)
		return; /* a C function: nothing to analyse */
	mg_operation *b = sql_pg_opaque(ctx, MG_OPAQUE_FUNCTION_BODY, op->detail);
	b->object = op->object;
	if (body >= 0)
		sql_pg_op_at(ctx, b, (size_t)body);
}

static void map_alter_enum(sql_pg_ctx *ctx, const PgQuery__AlterEnumStmt *s)
{
	bool rename = s->old_val && *s->old_val;
	mg_operation *op = sql_pg_op(ctx, rename ? MG_OP_RENAME_ENUM_VALUE : MG_OP_ADD_ENUM_VALUE);
	op->object = sql_pg_qualified(ctx, s->type_name, s->n_type_name, MG_OBJ_TYPE);
	op->new_name = sql_pg_str(ctx, s->new_val);
	if (rename) {
		op->detail = sql_pg_str(ctx, s->old_val);
		return;
	}
	if (s->skip_if_new_val_exists)
		op->flags |= MG_OPF_IF_NOT_EXISTS;
	if (s->new_val_neighbor && *s->new_val_neighbor)
		op->detail =
		    mg_arena_printf(ctx->arena, "%s %s", s->new_val_is_after ? "after" : "before",
		                    s->new_val_neighbor);
}

static void map_domain(sql_pg_ctx *ctx, const PgQuery__CreateDomainStmt *s)
{
	mg_operation *op = sql_pg_op(ctx, MG_OP_CREATE_DOMAIN);
	op->object = sql_pg_qualified(ctx, s->domainname, s->n_domainname, MG_OBJ_DOMAIN);
	op->type_to = sql_pg_type_text(ctx, s->type_name, NULL);
	if (s->n_constraints)
		op->constraints =
		    mg_arena_alloc(ctx->arena, s->n_constraints * sizeof *op->constraints);
	for (size_t i = 0; i < s->n_constraints; i++) {
		if (s->constraints[i]->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
			continue;
		const PgQuery__Constraint *c = s->constraints[i]->constraint;
		if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT) {
			op->default_expr = sql_pg_expr_text(ctx, c->raw_expr, 0, NULL);
			op->default_volatility = sql_pg_expr_volatility(c->raw_expr);
			continue;
		}
		sql_pg_constraint(ctx, c, NULL, &op->constraints[op->n_constraints++]);
	}
}

static void map_alter_domain(sql_pg_ctx *ctx, const PgQuery__AlterDomainStmt *s)
{
	mg_operation *op = sql_pg_op(ctx, MG_OP_ALTER_DOMAIN);
	op->object = sql_pg_qualified(ctx, s->type_name, s->n_type_name, MG_OBJ_DOMAIN);
	switch (s->subtype ? s->subtype[0] : 0) {
	case 'T':
		op->detail = s->def ? "set default" : "drop default";
		if (s->def) {
			op->default_expr = sql_pg_expr_text(ctx, s->def, 0, NULL);
			op->default_volatility = sql_pg_expr_volatility(s->def);
		}
		break;
	case 'N': op->detail = "drop not null"; break;
	case 'O': op->detail = "set not null"; break;
	case 'C':
		op->detail = "add constraint";
		if (s->def && s->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
			op->constraint = mg_arena_alloc(ctx->arena, sizeof *op->constraint);
			sql_pg_constraint(ctx, s->def->constraint, NULL, op->constraint);
			if (op->constraint->not_valid)
				op->flags |= MG_OPF_NOT_VALID;
		}
		break;
	case 'X': op->detail = "drop constraint"; break;
	case 'V': op->detail = "validate constraint"; break;
	default: break;
	}
	if (s->name && *s->name)
		op->related = (mg_object){MG_OBJ_CONSTRAINT, op->object.schema, op->object.name,
		                          mg_arena_strdup(ctx->arena, s->name)};
	if (s->missing_ok)
		op->flags |= MG_OPF_IF_EXISTS;
	if (s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
		op->flags |= MG_OPF_CASCADE;
}

static mg_object on_table(sql_pg_ctx *ctx, mg_object_kind kind, const PgQuery__RangeVar *rv,
                          const char *name, mg_object *table)
{
	*table = sql_pg_rangevar(ctx, rv, MG_OBJ_TABLE);
	return (mg_object){kind, table->schema, table->name, sql_pg_str(ctx, name)};
}

static void map_schema(sql_pg_ctx *ctx, const PgQuery__CreateSchemaStmt *s)
{
	mg_operation *op = sql_pg_op(ctx, MG_OP_CREATE_SCHEMA);
	const char *name = sql_pg_str(ctx, s->schemaname);
	if (!name && s->authrole)
		name = sql_pg_str(ctx, s->authrole->rolename); /* CREATE SCHEMA AUTHORIZATION r */
	op->object = (mg_object){MG_OBJ_SCHEMA, NULL, NULL, name};
	if (s->if_not_exists)
		op->flags |= MG_OPF_IF_NOT_EXISTS;
	/* CREATE SCHEMA s CREATE TABLE t ...: the elements live in s. */
	const char *saved = ctx->schema;
	if (name)
		ctx->schema = name;
	for (size_t i = 0; i < s->n_schema_elts; i++)
		map_nested(ctx, s->schema_elts[i]);
	ctx->schema = saved;
}

static void map_nested(sql_pg_ctx *ctx, const pg_node *n)
{
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_STMT: sql_pg_map_create_table(ctx, n->create_stmt); return;
	case PG_QUERY__NODE__NODE_INDEX_STMT: sql_pg_map_index(ctx, n->index_stmt); return;
	case PG_QUERY__NODE__NODE_VIEW_STMT: sql_pg_map_view(ctx, n->view_stmt); return;
	case PG_QUERY__NODE__NODE_GRANT_STMT: sql_pg_map_grant(ctx, n->grant_stmt); return;
	default:
		if (!sql_pg_map_misc(ctx, n))
			sql_pg_opaque(ctx, MG_OPAQUE_UNMODELLED_STATEMENT, sql_pg_node_type_name(n));
	}
}

static void map_define(sql_pg_ctx *ctx, const PgQuery__DefineStmt *s)
{
	if (s->kind != PG_QUERY__OBJECT_TYPE__OBJECT_TYPE) {
		sql_pg_opaque(ctx, MG_OPAQUE_UNMODELLED_STATEMENT, "DefineStmt");
		return;
	}
	mg_operation *op = sql_pg_op(ctx, MG_OP_CREATE_TYPE);
	op->object = sql_pg_qualified(ctx, s->defnames, s->n_defnames, MG_OBJ_TYPE);
	op->detail = s->n_definition ? "base" : "shell";
}

bool sql_pg_map_misc(sql_pg_ctx *ctx, const pg_node *n)
{
	mg_operation *op;
	mg_object table;
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
		op = sql_pg_op(ctx, MG_OP_CREATE_SEQUENCE);
		op->object = sql_pg_rangevar(ctx, n->create_seq_stmt->sequence, MG_OBJ_SEQUENCE);
		if (n->create_seq_stmt->if_not_exists)
			op->flags |= MG_OPF_IF_NOT_EXISTS;
		persistence(op, n->create_seq_stmt->sequence);
		op->detail =
		    option_names(ctx, n->create_seq_stmt->options, n->create_seq_stmt->n_options);
		sequence_owned_by(ctx, op, n->create_seq_stmt->options,
		                  n->create_seq_stmt->n_options);
		return true;
	case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT:
		op = sql_pg_op(ctx, MG_OP_ALTER_SEQUENCE);
		op->object = sql_pg_rangevar(ctx, n->alter_seq_stmt->sequence, MG_OBJ_SEQUENCE);
		if (n->alter_seq_stmt->missing_ok)
			op->flags |= MG_OPF_IF_EXISTS;
		op->detail =
		    option_names(ctx, n->alter_seq_stmt->options, n->alter_seq_stmt->n_options);
		sequence_owned_by(ctx, op, n->alter_seq_stmt->options,
		                  n->alter_seq_stmt->n_options);
		return true;
	case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
		op = sql_pg_op(ctx, MG_OP_CREATE_TYPE);
		op->object = sql_pg_qualified(ctx, n->create_enum_stmt->type_name,
		                             n->create_enum_stmt->n_type_name, MG_OBJ_TYPE);
		op->detail = "enum";
		return true;
	case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT: {
		const PgQuery__CompositeTypeStmt *s = n->composite_type_stmt;
		op = sql_pg_op(ctx, MG_OP_CREATE_TYPE);
		op->object = sql_pg_rangevar(ctx, s->typevar, MG_OBJ_TYPE);
		op->detail = "composite";
		if (s->n_coldeflist)
			op->columns =
			    mg_arena_alloc(ctx->arena, s->n_coldeflist * sizeof *op->columns);
		for (size_t i = 0; i < s->n_coldeflist; i++)
			if (s->coldeflist[i]->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
				sql_pg_column_def(ctx, s->coldeflist[i]->column_def, &op->object,
				                 &op->columns[op->n_columns++], ctx->stmt_end);
		return true;
	}
	case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT:
		op = sql_pg_op(ctx, MG_OP_CREATE_TYPE);
		op->object = sql_pg_qualified(ctx, n->create_range_stmt->type_name,
		                             n->create_range_stmt->n_type_name, MG_OBJ_TYPE);
		op->detail = "range";
		return true;
	case PG_QUERY__NODE__NODE_DEFINE_STMT: map_define(ctx, n->define_stmt); return true;
	case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
		map_alter_enum(ctx, n->alter_enum_stmt);
		return true;
	case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
		map_domain(ctx, n->create_domain_stmt);
		return true;
	case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT:
		map_alter_domain(ctx, n->alter_domain_stmt);
		return true;
	case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
		map_function(ctx, n->create_function_stmt);
		return true;
	case PG_QUERY__NODE__NODE_ALTER_FUNCTION_STMT: {
		const PgQuery__AlterFunctionStmt *s = n->alter_function_stmt;
		op = sql_pg_op(ctx, MG_OP_ALTER_FUNCTION);
		if (s->func)
			op->object = sql_pg_qualified(ctx, s->func->objname, s->func->n_objname,
			                             sql_pg_object_kind(s->objtype));
		op->detail = option_names(ctx, s->actions, s->n_actions);
		return true;
	}
	case PG_QUERY__NODE__NODE_DO_STMT: {
		const PgQuery__DefElem *lang =
		    find_option(n->do_stmt->args, n->do_stmt->n_args, "language");
		sql_pg_opaque(ctx, MG_OPAQUE_DO_BLOCK,
		             lang ? sql_pg_str(ctx, sql_pg_node_str(lang->arg)) : "plpgsql");
		return true;
	}
	case PG_QUERY__NODE__NODE_CALL_STMT: {
		const PgQuery__FuncCall *fc = n->call_stmt->funccall;
		op = sql_pg_opaque(ctx, MG_OPAQUE_PROCEDURE_CALL, NULL);
		if (fc) {
			op->object =
			    sql_pg_qualified(ctx, fc->funcname, fc->n_funcname, MG_OBJ_PROCEDURE);
			op->detail = op->object.name;
		}
		return true;
	}
	case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT: {
		const PgQuery__CreateTrigStmt *s = n->create_trig_stmt;
		op = sql_pg_op(ctx, MG_OP_CREATE_TRIGGER);
		op->object = on_table(ctx, MG_OBJ_TRIGGER, s->relation, s->trigname, &table);
		op->related = table;
		if (s->replace)
			op->flags |= MG_OPF_OR_REPLACE;
		op->detail = sql_pg_dotted(ctx, s->funcname, s->n_funcname);
		return true;
	}
	case PG_QUERY__NODE__NODE_RULE_STMT: {
		const PgQuery__RuleStmt *s = n->rule_stmt;
		op = sql_pg_op(ctx, MG_OP_CREATE_RULE);
		op->object = on_table(ctx, MG_OBJ_RULE, s->relation, s->rulename, &table);
		op->related = table;
		if (s->replace)
			op->flags |= MG_OPF_OR_REPLACE;
		if (s->where_clause)
			op->flags |= MG_OPF_HAS_WHERE;
		return true;
	}
	case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT: {
		const PgQuery__CreatePolicyStmt *s = n->create_policy_stmt;
		op = sql_pg_op(ctx, MG_OP_CREATE_POLICY);
		op->object = on_table(ctx, MG_OBJ_POLICY, s->table, s->policy_name, &table);
		op->related = table;
		op->detail = sql_pg_str(ctx, s->cmd_name);
		return true;
	}
	case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT: {
		const PgQuery__AlterPolicyStmt *s = n->alter_policy_stmt;
		op = sql_pg_op(ctx, MG_OP_ALTER_POLICY);
		op->object = on_table(ctx, MG_OBJ_POLICY, s->table, s->policy_name, &table);
		op->related = table;
		return true;
	}
	case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT: {
		const PgQuery__CreateExtensionStmt *s = n->create_extension_stmt;
		op = sql_pg_op(ctx, MG_OP_CREATE_EXTENSION);
		op->object = (mg_object){MG_OBJ_EXTENSION, NULL, NULL, sql_pg_str(ctx, s->extname)};
		if (s->if_not_exists)
			op->flags |= MG_OPF_IF_NOT_EXISTS;
		const PgQuery__DefElem *sch = find_option(s->options, s->n_options, "schema");
		if (sch)
			op->new_name = sql_pg_str(ctx, sql_pg_node_str(sch->arg));
		return true;
	}
	case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
		map_schema(ctx, n->create_schema_stmt);
		return true;
	case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT: {
		const PgQuery__GrantRoleStmt *s = n->grant_role_stmt;
		for (size_t i = 0; i < s->n_granted_roles; i++) {
			op = sql_pg_op(ctx, MG_OP_GRANT);
			if (!s->is_grant)
				op->flags |= MG_OPF_NEGATED;
			const pg_node *r = s->granted_roles[i];
			const char *name = r->node_case == PG_QUERY__NODE__NODE_ACCESS_PRIV
			                       ? r->access_priv->priv_name
			                       : NULL;
			op->object = (mg_object){MG_OBJ_ROLE, NULL, NULL, sql_pg_str(ctx, name)};
			op->detail = "role membership";
		}
		return true;
	}
	case PG_QUERY__NODE__NODE_DISCARD_STMT: {
		/* Only DISCARD ALL refuses a transaction block: keep the mode. */
		static const char *const modes[] = {"", "ALL", "PLANS", "SEQUENCES", "TEMP"};
		int m = n->discard_stmt->target;
		sql_pg_opaque(ctx, MG_OPAQUE_UNMODELLED_STATEMENT,
		             mg_arena_printf(ctx->arena, "DiscardStmt %s",
		                             m >= 1 && m <= 4 ? modes[m] : "?"));
		return true;
	}
	case PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT:
		op = sql_pg_op(ctx, MG_OP_GRANT);
		if (n->alter_default_privileges_stmt->action &&
		    !n->alter_default_privileges_stmt->action->is_grant)
			op->flags |= MG_OPF_NEGATED;
		op->detail = "default privileges";
		return true;
	default: return false;
	}
}
