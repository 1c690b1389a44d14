/*
 * pg_alter.c: ALTER TABLE (also ALTER INDEX / VIEW / MATERIALIZED VIEW /
 * SEQUENCE / TYPE ... ATTRIBUTE, which share the statement node).  Every
 * subcommand becomes one operation, because each takes its own lock and
 * has its own rewrite/scan behaviour: ALTER TABLE t ADD COLUMN a, ALTER
 * COLUMN b SET NOT NULL is two very different risks.
 */
#include <string.h>

#include "sql/pg_internal.h"

typedef PgQuery__AlterTableCmd cmd_t;


/* USING col::newtype is exactly the conversion PostgreSQL applies without a
 * USING clause (Liquibase writes it for every modifyDataType), so it must
 * not count as an expression that recomputes every value. */
static bool is_identity_cast(sql_pg_ctx *ctx, const PgQuery__Node *u, const char *column,
                             const char *type_to)
{
	if (u->node_case != PG_QUERY__NODE__NODE_TYPE_CAST || !u->type_cast->arg || !type_to)
		return false;
	const PgQuery__Node *arg = u->type_cast->arg;
	if (arg->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || arg->column_ref->n_fields != 1 ||
	    arg->column_ref->fields[0]->node_case != PG_QUERY__NODE__NODE_STRING)
		return false;
	if (!mg_str_eq(arg->column_ref->fields[0]->string->sval, column))
		return false;
	const char *cast_type = sql_pg_type_text(ctx, u->type_cast->type_name, NULL);
	return mg_str_eq(cast_type, type_to);
}

static mg_object column_obj(const mg_object *table, const char *col)
{
	mg_object o = {MG_OBJ_COLUMN, table->schema, table->name, col};
	return o;
}

static const char *def_names(sql_pg_ctx *ctx, const pg_node *def)
{
	/* SET (fillfactor = 70, autovacuum_enabled = off) -> "fillfactor,autovacuum_enabled" */
	if (!def || def->node_case != PG_QUERY__NODE__NODE_LIST)
		return NULL;
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < def->list->n_items; i++) {
		const pg_node *e = def->list->items[i];
		if (e->node_case != PG_QUERY__NODE__NODE_DEF_ELEM)
			continue;
		if (b.len)
			mg_buf_putc(&b, ',');
		if (e->def_elem->defnamespace && *e->def_elem->defnamespace) {
			mg_buf_puts(&b, e->def_elem->defnamespace);
			mg_buf_putc(&b, '.');
		}
		mg_buf_puts(&b, e->def_elem->defname ? e->def_elem->defname : "?");
	}
	const char *r = b.len ? mg_arena_strdup(ctx->arena, mg_buf_cstr(&b)) : NULL;
	mg_buf_dispose(&b);
	return r;
}

static void at_def(sql_pg_ctx *ctx, mg_operation *op, const pg_node *def)
{
	int loc = def ? sql_pg_first_location((const ProtobufCMessage *)def) : -1;
	if (loc >= 0 && (size_t)loc >= ctx->stmt_start)
		sql_pg_op_at(ctx, op, (size_t)loc);
}

static void add_constraint(sql_pg_ctx *ctx, mg_operation *op, const mg_object *table,
                           const PgQuery__Constraint *c)
{
	op->constraint = mg_arena_alloc(ctx->arena, sizeof *op->constraint);
	sql_pg_constraint(ctx, c, NULL, op->constraint);
	op->object.kind = MG_OBJ_CONSTRAINT;
	op->object.schema = table->schema;
	op->object.table = table->name;
	op->object.name = op->constraint->name;
	if (op->constraint->kind == MG_CONSTRAINT_FOREIGN_KEY)
		op->related = op->constraint->ref_table;
	if (op->constraint->not_valid)
		op->flags |= MG_OPF_NOT_VALID;
}

static const char *replica_identity(sql_pg_ctx *ctx, const pg_node *def)
{
	if (!def || def->node_case != PG_QUERY__NODE__NODE_REPLICA_IDENTITY_STMT)
		return NULL;
	const PgQuery__ReplicaIdentityStmt *r = def->replica_identity_stmt;
	switch (r->identity_type ? r->identity_type[0] : 0) {
	case 'd': return "default";
	case 'n': return "nothing";
	case 'f': return "full";
	case 'i': return mg_arena_printf(ctx->arena, "using index %s", r->name ? r->name : "?");
	default: return NULL;
	}
}

/* Table subcommands; returns false for the internal ones nobody writes. */
static bool map_table_cmd(sql_pg_ctx *ctx, mg_operation *op, const cmd_t *c, const mg_object *table)
{
	const char *name = c->name && *c->name ? mg_arena_strdup(ctx->arena, c->name) : NULL;
	const pg_node *def = c->def;
	op->object = *table;
	switch (c->subtype) {
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnToView:
		op->kind = MG_OP_ADD_COLUMN;
		if (c->missing_ok)
			op->flags |= MG_OPF_IF_NOT_EXISTS;
		if (def && def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
			op->column = mg_arena_alloc(ctx->arena, sizeof *op->column);
			sql_pg_column_def(ctx, def->column_def, table, op->column, ctx->stmt_end);
			op->object = column_obj(table, op->column->name);
			for (size_t i = 0; i < op->column->n_constraints; i++)
				if (op->column->constraints[i].kind == MG_CONSTRAINT_FOREIGN_KEY)
					op->related = op->column->constraints[i].ref_table;
			op->default_expr = op->column->default_expr;
			op->default_volatility = op->column->default_volatility;
			op->type_to = op->column->type;
		}
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
		op->object = column_obj(table, name);
		if (!def) {
			op->kind = MG_OP_DROP_DEFAULT;
		} else {
			op->kind = MG_OP_SET_DEFAULT;
			op->default_expr = sql_pg_expr_text(ctx, def, 0, NULL);
			op->default_volatility = sql_pg_expr_volatility(def);
		}
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
		op->kind = MG_OP_DROP_NOT_NULL;
		op->object = column_obj(table, name);
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
		op->kind = MG_OP_SET_NOT_NULL;
		op->object = column_obj(table, name);
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression:
		op->kind = MG_OP_DROP_EXPRESSION;
		op->object = column_obj(table, name);
		if (c->missing_ok)
			op->flags |= MG_OPF_IF_EXISTS;
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
		op->kind = MG_OP_SET_STATISTICS;
		op->object =
		    column_obj(table, name ? name : mg_arena_printf(ctx->arena, "%d", c->num));
		if (def && def->node_case == PG_QUERY__NODE__NODE_INTEGER)
			op->detail = mg_arena_printf(ctx->arena, "%d", def->integer->ival);
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
		op->kind = MG_OP_SET_COLUMN_OPTIONS;
		op->object = column_obj(table, name);
		op->detail = def_names(ctx, def);
		if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions)
			op->flags |= MG_OPF_NEGATED;
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnGenericOptions:
		op->kind = MG_OP_SET_COLUMN_OPTIONS;
		op->object = column_obj(table, name);
		op->detail = def_names(ctx, def);
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStorage:
		op->kind = MG_OP_SET_COLUMN_STORAGE;
		op->object = column_obj(table, name);
		op->detail = sql_pg_str(ctx, sql_pg_node_str(def));
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetCompression:
		op->kind = MG_OP_SET_COMPRESSION;
		op->object = column_obj(table, name);
		op->detail = sql_pg_str(ctx, sql_pg_node_str(def));
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
		op->kind = MG_OP_DROP_COLUMN;
		op->object = column_obj(table, name);
		if (c->missing_ok)
			op->flags |= MG_OPF_IF_EXISTS;
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
		op->kind = MG_OP_ADD_CONSTRAINT;
		if (def && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
			add_constraint(ctx, op, table, def->constraint);
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterConstraint:
		op->kind = MG_OP_ALTER_CONSTRAINT;
		if (def && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
			add_constraint(ctx, op, table, def->constraint);
		op->object.kind = MG_OBJ_CONSTRAINT;
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse:
		op->kind = (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint ||
		            c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse)
		               ? MG_OP_VALIDATE_CONSTRAINT
		               : MG_OP_DROP_CONSTRAINT;
		op->object.kind = MG_OBJ_CONSTRAINT;
		op->object.table = table->name;
		op->object.name = name;
		if (c->missing_ok)
			op->flags |= MG_OPF_IF_EXISTS;
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
		op->kind = MG_OP_ALTER_COLUMN_TYPE;
		op->object = column_obj(table, name);
		if (def && def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
			op->type_to = sql_pg_type_text(ctx, def->column_def->type_name, NULL);
			const PgQuery__Node *u = def->column_def->raw_default;
			if (u && !is_identity_cast(ctx, u, name, op->type_to))
				op->using_expr = sql_pg_expr_text(ctx, u, 0, NULL);
		}
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
		op->kind = MG_OP_SET_OWNER;
		if (c->newowner)
			op->detail = sql_pg_str(ctx, c->newowner->rolename);
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster:
		op->kind = MG_OP_CLUSTER_ON;
		if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster)
			op->flags |= MG_OPF_NEGATED;
		op->related = (mg_object){MG_OBJ_INDEX, table->schema, table->name, name};
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged: op->kind = MG_OP_SET_LOGGED; return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged: op->kind = MG_OP_SET_UNLOGGED; return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropOids:
		op->kind = MG_OP_SET_STORAGE_PARAMS;
		op->detail = "without oids";
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetAccessMethod:
		op->kind = MG_OP_SET_ACCESS_METHOD;
		op->detail = name;
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
		op->kind = MG_OP_SET_TABLESPACE;
		op->new_name = name;
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplaceRelOptions:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_GenericOptions:
		op->kind = MG_OP_SET_STORAGE_PARAMS;
		op->detail = def_names(ctx, def);
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
		op->kind = MG_OP_RESET_STORAGE_PARAMS;
		op->detail = def_names(ctx, def);
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser:
		op->kind = MG_OP_ENABLE_TRIGGER;
		op->object = (mg_object){MG_OBJ_TRIGGER, table->schema, table->name, name};
		switch (c->subtype) {
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig: op->flags |= MG_OPF_NEGATED; break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig: op->detail = "always"; break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
			op->detail = "replica";
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
			op->flags |= MG_OPF_NEGATED;
			/* fall through */
		case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll: op->detail = "all"; break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser:
			op->flags |= MG_OPF_NEGATED;
			/* fall through */
		case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser: op->detail = "user"; break;
		default: break;
		}
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRule:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysRule:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaRule:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRule:
		op->kind = MG_OP_ENABLE_RULE;
		op->object = (mg_object){MG_OBJ_RULE, table->schema, table->name, name};
		if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRule)
			op->flags |= MG_OPF_NEGATED;
		else if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysRule)
			op->detail = "always";
		else if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaRule)
			op->detail = "replica";
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropInherit:
		op->kind = MG_OP_INHERIT;
		if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropInherit)
			op->flags |= MG_OPF_NEGATED;
		if (def && def->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
			op->related = sql_pg_rangevar(ctx, def->range_var, MG_OBJ_TABLE);
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddOf:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropOf:
		op->kind = MG_OP_OF_TYPE;
		if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropOf)
			op->flags |= MG_OPF_NEGATED;
		else if (def && def->node_case == PG_QUERY__NODE__NODE_TYPE_NAME)
			op->detail = sql_pg_type_text(ctx, def->type_name, NULL);
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplicaIdentity:
		op->kind = MG_OP_REPLICA_IDENTITY;
		op->detail = replica_identity(ctx, def);
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity:
		op->kind = MG_OP_ROW_SECURITY;
		op->detail = "enable";
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity:
		op->kind = MG_OP_ROW_SECURITY;
		op->detail = "disable";
		op->flags |= MG_OPF_NEGATED;
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity:
		op->kind = MG_OP_ROW_SECURITY;
		op->detail = "force";
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity:
		op->kind = MG_OP_ROW_SECURITY;
		op->detail = "no force";
		op->flags |= MG_OPF_NEGATED;
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize:
		op->kind = c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition
		               ? MG_OP_ATTACH_PARTITION
		               : MG_OP_DETACH_PARTITION;
		op->related = *table;
		if (def && def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD) {
			const PgQuery__PartitionCmd *pc = def->partition_cmd;
			op->object = sql_pg_rangevar(ctx, pc->name, MG_OBJ_TABLE);
			if (pc->concurrent)
				op->flags |= MG_OPF_CONCURRENTLY;
			sql_pg_partition_bound(ctx, op, pc->bound);
			if (pc->bound && pc->bound->is_default) {
				op->detail = "default partition";
				op->flags |= MG_OPF_DEFAULT;
			}
		}
		if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize)
			op->flags |= MG_OPF_FINALIZE;
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
		op->kind = MG_OP_ADD_IDENTITY;
		op->object = column_obj(table, name);
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetIdentity:
		op->kind = MG_OP_SET_IDENTITY;
		op->object = column_obj(table, name);
		return true;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
		op->kind = MG_OP_DROP_IDENTITY;
		op->object = column_obj(table, name);
		if (c->missing_ok)
			op->flags |= MG_OPF_IF_EXISTS;
		return true;
	default:
		/* AT_AddIndex, AT_ReAdd*, AT_CookedColumnDefault, AT_CheckNotNull:
		 * produced inside the server, never written in a script. */
		return false;
	}
}

static const char *subtype_name(PgQuery__AlterTableType t)
{
	const ProtobufCEnumValue *v =
	    protobuf_c_enum_descriptor_get_value(&pg_query__alter_table_type__descriptor, (int)t);
	return v ? v->name : "unknown";
}

/* ALTER INDEX / VIEW / MATERIALIZED VIEW / SEQUENCE / TYPE share the
 * statement with ALTER TABLE but act on other objects. */
static void map_other_cmd(sql_pg_ctx *ctx, mg_operation *op, const cmd_t *c,
                          PgQuery__ObjectType objtype, const mg_object *rel)
{
	op->object = *rel;
	op->detail = subtype_name(c->subtype);
	if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner) {
		op->kind = MG_OP_SET_OWNER;
		op->detail = c->newowner ? sql_pg_str(ctx, c->newowner->rolename) : NULL;
		return;
	}
	switch (objtype) {
	case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
		if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition) {
			op->kind = MG_OP_ATTACH_INDEX;
			if (c->def && c->def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD)
				op->related =
				    sql_pg_rangevar(ctx, c->def->partition_cmd->name, MG_OBJ_INDEX);
			op->detail = NULL;
			return;
		}
		op->kind = MG_OP_ALTER_INDEX;
		if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace)
			op->new_name = sql_pg_str(ctx, c->name);
		else if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions ||
		         c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions)
			op->new_name = def_names(ctx, c->def);
		return;
	case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: op->kind = MG_OP_ALTER_SEQUENCE; return;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE: op->kind = MG_OP_ALTER_TYPE; return;
	default: op->kind = MG_OP_ALTER_VIEW; return;
	}
}

void sql_pg_map_alter_table(sql_pg_ctx *ctx, const PgQuery__AlterTableStmt *s)
{
	mg_object_kind kind = MG_OBJ_TABLE;
	switch (s->objtype) {
	case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: kind = MG_OBJ_INDEX; break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW: kind = MG_OBJ_VIEW; break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: kind = MG_OBJ_MATERIALIZED_VIEW; break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: kind = MG_OBJ_SEQUENCE; break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE: kind = MG_OBJ_TYPE; break;
	default: break;
	}
	mg_object rel = sql_pg_rangevar(ctx, s->relation, kind);
	bool table_like = s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ||
	                  s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE;
	for (size_t i = 0; i < s->n_cmds; i++) {
		if (s->cmds[i]->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			continue;
		const cmd_t *c = s->cmds[i]->alter_table_cmd;
		mg_operation *op = sql_pg_op(ctx, MG_OP_OPAQUE);
		if (table_like) {
			if (!map_table_cmd(ctx, op, c, &rel)) {
				op->kind = MG_OP_OPAQUE;
				op->opaque_kind = MG_OPAQUE_UNMODELLED_STATEMENT;
				op->detail = subtype_name(c->subtype);
			}
		} else {
			map_other_cmd(ctx, op, c, s->objtype, &rel);
		}
		if (s->missing_ok)
			op->flags |= MG_OPF_IF_EXISTS;
		if (table_like && s->relation && !s->relation->inh)
			op->flags |= MG_OPF_ONLY;
		if (c->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
			op->flags |= MG_OPF_CASCADE;
		at_def(ctx, op, c->def);
	}
}
