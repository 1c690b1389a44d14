/*
 * pg_objects.c: statements that name objects of any kind: DROP, RENAME,
 * SET SCHEMA, OWNER TO, COMMENT ON, GRANT/REVOKE.  The parse tree names the
 * object differently per kind (a dotted list, a TypeName, a function with
 * its arguments, a bare string); sql_pg_object_node turns them all into one
 * fully qualified mg_object.
 */
#include <string.h>

#include "migraph/sqlwrite.h"
#include "sql/pg_internal.h"

typedef PgQuery__ObjectType objtype_t;

mg_object_kind sql_pg_object_kind(objtype_t type)
{
	switch (type) {
	case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE: return MG_OBJ_TABLE;
	case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: return MG_OBJ_COLUMN;
	case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: return MG_OBJ_INDEX;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
	case PG_QUERY__OBJECT_TYPE__OBJECT_DOMCONSTRAINT: return MG_OBJ_CONSTRAINT;
	case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW: return MG_OBJ_VIEW;
	case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: return MG_OBJ_MATERIALIZED_VIEW;
	case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: return MG_OBJ_SEQUENCE;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE: return MG_OBJ_TYPE;
	case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: return MG_OBJ_DOMAIN;
	case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
	case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE: return MG_OBJ_FUNCTION;
	case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE: return MG_OBJ_PROCEDURE;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER: return MG_OBJ_TRIGGER;
	case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION: return MG_OBJ_EXTENSION;
	case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY: return MG_OBJ_POLICY;
	case PG_QUERY__OBJECT_TYPE__OBJECT_RULE: return MG_OBJ_RULE;
	case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: return MG_OBJ_SCHEMA;
	case PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE: return MG_OBJ_DATABASE;
	case PG_QUERY__OBJECT_TYPE__OBJECT_ROLE: return MG_OBJ_ROLE;
	default: return MG_OBJ_OTHER;
	}
}

/* Objects that live on a table: their name list ends table, name. */
static bool on_table(objtype_t type)
{
	return type == PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER ||
	       type == PG_QUERY__OBJECT_TYPE__OBJECT_RULE ||
	       type == PG_QUERY__OBJECT_TYPE__OBJECT_POLICY ||
	       type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN ||
	       type == PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT;
}

/* Kinds that live in no schema. */
static bool global(objtype_t type)
{
	return type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA ||
	       type == PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION ||
	       type == PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE ||
	       type == PG_QUERY__OBJECT_TYPE__OBJECT_ROLE ||
	       type == PG_QUERY__OBJECT_TYPE__OBJECT_LANGUAGE ||
	       type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLESPACE ||
	       type == PG_QUERY__OBJECT_TYPE__OBJECT_EVENT_TRIGGER ||
	       type == PG_QUERY__OBJECT_TYPE__OBJECT_FDW ||
	       type == PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_SERVER ||
	       type == PG_QUERY__OBJECT_TYPE__OBJECT_PUBLICATION ||
	       type == PG_QUERY__OBJECT_TYPE__OBJECT_SUBSCRIPTION ||
	       type == PG_QUERY__OBJECT_TYPE__OBJECT_ACCESS_METHOD;
}

mg_object sql_pg_object_node(sql_pg_ctx *ctx, objtype_t type, const pg_node *obj)
{
	mg_object_kind kind = sql_pg_object_kind(type);
	mg_object o = {kind, NULL, NULL, NULL};
	if (!obj)
		return o;
	switch (obj->node_case) {
	case PG_QUERY__NODE__NODE_LIST: {
		pg_node **items = obj->list->items;
		size_t n = obj->list->n_items;
		if (on_table(type) && n >= 2) {
			o = sql_pg_qualified(ctx, items, n - 1, kind);
			o.table = o.name;
			o.name = sql_pg_str(ctx, sql_pg_node_str(items[n - 1]));
			return o;
		}
		if (global(type))
			return (mg_object){kind, NULL, NULL, sql_pg_dotted(ctx, items, n)};
		return sql_pg_qualified(ctx, items, n, kind);
	}
	case PG_QUERY__NODE__NODE_STRING:
		o.name = sql_pg_str(ctx, obj->string->sval);
		if (!global(type))
			o.schema = ctx->schema;
		return o;
	case PG_QUERY__NODE__NODE_TYPE_NAME:
		return sql_pg_qualified(ctx, obj->type_name->names, obj->type_name->n_names, kind);
	case PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS:
		return sql_pg_qualified(ctx, obj->object_with_args->objname,
		                       obj->object_with_args->n_objname, kind);
	case PG_QUERY__NODE__NODE_RANGE_VAR: return sql_pg_rangevar(ctx, obj->range_var, kind);
	default: return o;
	}
}

static mg_op_kind drop_kind(objtype_t type)
{
	switch (type) {
	case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE: return MG_OP_DROP_TABLE;
	case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: return MG_OP_DROP_INDEX;
	case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW: return MG_OP_DROP_VIEW;
	case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: return MG_OP_DROP_MATERIALIZED_VIEW;
	case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: return MG_OP_DROP_SEQUENCE;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE: return MG_OP_DROP_TYPE;
	case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: return MG_OP_DROP_DOMAIN;
	case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
	case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE: return MG_OP_DROP_FUNCTION;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER: return MG_OP_DROP_TRIGGER;
	case PG_QUERY__OBJECT_TYPE__OBJECT_RULE: return MG_OP_DROP_RULE;
	case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY: return MG_OP_DROP_POLICY;
	case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: return MG_OP_DROP_SCHEMA;
	case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION: return MG_OP_DROP_EXTENSION;
	default: return MG_OP_OPAQUE;
	}
}

static const char *objtype_name(objtype_t type)
{
	const ProtobufCEnumValue *v =
	    protobuf_c_enum_descriptor_get_value(&pg_query__object_type__descriptor, (int)type);
	return v ? v->name : "unknown";
}

void sql_pg_map_drop(sql_pg_ctx *ctx, const PgQuery__DropStmt *s)
{
	mg_op_kind kind = drop_kind(s->remove_type);
	for (size_t i = 0; i < s->n_objects; i++) {
		mg_operation *op = sql_pg_op(ctx, kind);
		if (kind == MG_OP_OPAQUE) {
			op->opaque_kind = MG_OPAQUE_UNMODELLED_STATEMENT;
			op->detail = mg_arena_printf(ctx->arena, "DropStmt %s",
			                             objtype_name(s->remove_type));
		}
		op->object = sql_pg_object_node(ctx, s->remove_type, s->objects[i]);
		if (s->missing_ok)
			op->flags |= MG_OPF_IF_EXISTS;
		if (s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
			op->flags |= MG_OPF_CASCADE;
		if (s->concurrent)
			op->flags |= MG_OPF_CONCURRENTLY;
		if (kind == MG_OP_DROP_TRIGGER || kind == MG_OP_DROP_RULE ||
		    kind == MG_OP_DROP_POLICY)
			op->related =
			    (mg_object){MG_OBJ_TABLE, op->object.schema, NULL, op->object.table};
	}
}

void sql_pg_map_rename(sql_pg_ctx *ctx, const PgQuery__RenameStmt *s)
{
	mg_op_kind kind;
	const char *detail = NULL;
	switch (s->rename_type) {
	case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE: kind = MG_OP_RENAME_TABLE; break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: kind = MG_OP_RENAME_INDEX; break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
	case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: kind = MG_OP_RENAME_VIEW; break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: kind = MG_OP_RENAME_SEQUENCE; break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: kind = MG_OP_RENAME_COLUMN; break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT: kind = MG_OP_RENAME_CONSTRAINT; break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: kind = MG_OP_RENAME_TYPE; break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_DOMCONSTRAINT:
		kind = MG_OP_ALTER_DOMAIN;
		detail = "rename constraint";
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_ATTRIBUTE:
		kind = MG_OP_ALTER_TYPE;
		detail = "rename attribute";
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: kind = MG_OP_RENAME_SCHEMA; break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
	case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
		kind = MG_OP_ALTER_FUNCTION;
		detail = "rename";
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
		kind = MG_OP_ALTER_POLICY;
		detail = "rename";
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER: kind = MG_OP_RENAME_TRIGGER; break;
	default: kind = MG_OP_OPAQUE; break;
	}
	mg_operation *op = sql_pg_op(ctx, kind);
	if (kind == MG_OP_OPAQUE) {
		op->opaque_kind = MG_OPAQUE_UNMODELLED_STATEMENT;
		op->detail =
		    mg_arena_printf(ctx->arena, "RenameStmt %s", objtype_name(s->rename_type));
	} else {
		op->detail = detail;
	}
	op->new_name = sql_pg_str(ctx, s->newname);
	if (s->missing_ok)
		op->flags |= MG_OPF_IF_EXISTS;
	if (s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
		op->flags |= MG_OPF_CASCADE;

	if (s->relation) {
		/* Relation-based: the renamed thing is the relation itself, or a
		 * column / constraint / trigger / rule / policy on it. */
		mg_object_kind rk = sql_pg_object_kind(s->relation_type);
		if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN ||
		    s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT ||
		    s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER ||
		    s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_RULE ||
		    s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_POLICY ||
		    s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_ATTRIBUTE) {
			mg_object rel = sql_pg_rangevar(ctx, s->relation, rk);
			op->object = (mg_object){sql_pg_object_kind(s->rename_type), rel.schema,
			                         rel.name, sql_pg_str(ctx, s->subname)};
			if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_ATTRIBUTE)
				op->object.kind = MG_OBJ_COLUMN;
			op->related = rel;
		} else {
			op->object =
			    sql_pg_rangevar(ctx, s->relation, sql_pg_object_kind(s->rename_type));
		}
		if (!s->relation->inh)
			op->flags |= MG_OPF_ONLY;
		return;
	}
	if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA ||
	    (s->object == NULL && s->subname && *s->subname)) {
		op->object = (mg_object){sql_pg_object_kind(s->rename_type), NULL, NULL,
		                         sql_pg_str(ctx, s->subname)};
		return;
	}
	op->object = sql_pg_object_node(ctx, s->rename_type, s->object);
	if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMCONSTRAINT) {
		op->related = op->object;
		op->related.kind = MG_OBJ_DOMAIN;
		op->object = (mg_object){MG_OBJ_CONSTRAINT, op->related.schema, op->related.name,
		                         sql_pg_str(ctx, s->subname)};
	}
}

void sql_pg_map_set_schema(sql_pg_ctx *ctx, const PgQuery__AlterObjectSchemaStmt *s)
{
	mg_operation *op = sql_pg_op(ctx, MG_OP_SET_SCHEMA);
	if (s->relation)
		op->object = sql_pg_rangevar(ctx, s->relation, sql_pg_object_kind(s->object_type));
	else
		op->object = sql_pg_object_node(ctx, s->object_type, s->object);
	op->new_name = sql_pg_str(ctx, s->newschema);
	if (s->missing_ok)
		op->flags |= MG_OPF_IF_EXISTS;
}

void sql_pg_map_owner(sql_pg_ctx *ctx, const PgQuery__AlterOwnerStmt *s)
{
	mg_operation *op = sql_pg_op(ctx, MG_OP_SET_OWNER);
	if (s->relation)
		op->object = sql_pg_rangevar(ctx, s->relation, sql_pg_object_kind(s->object_type));
	else
		op->object = sql_pg_object_node(ctx, s->object_type, s->object);
	if (s->newowner)
		op->detail = sql_pg_str(ctx, s->newowner->rolename);
}

void sql_pg_map_comment(sql_pg_ctx *ctx, const PgQuery__CommentStmt *s)
{
	mg_operation *op = sql_pg_op(ctx, MG_OP_COMMENT);
	op->object = sql_pg_object_node(ctx, s->objtype, s->object);
	if (s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_DOMCONSTRAINT && s->object &&
	    s->object->node_case == PG_QUERY__NODE__NODE_LIST && s->object->list->n_items == 2) {
		/* COMMENT ON CONSTRAINT c ON DOMAIN d: [TypeName d, String c] */
		const pg_node *d = s->object->list->items[0];
		if (d->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
			mg_object dom = sql_pg_qualified(ctx, d->type_name->names,
			                                d->type_name->n_names, MG_OBJ_DOMAIN);
			op->object =
			    (mg_object){MG_OBJ_CONSTRAINT, dom.schema, dom.name,
			                sql_pg_str(ctx, sql_pg_node_str(s->object->list->items[1]))};
		}
	}
	op->detail = sql_pg_str(ctx, s->comment);
}

static const char *privileges(sql_pg_ctx *ctx, pg_node **privs, size_t n)
{
	if (n == 0)
		return "all";
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (privs[i]->node_case != PG_QUERY__NODE__NODE_ACCESS_PRIV)
			continue;
		if (b.len)
			mg_buf_putc(&b, ',');
		const char *p = privs[i]->access_priv->priv_name;
		mg_buf_puts(&b, p && *p ? p : "all");
	}
	const char *r = mg_arena_strdup(ctx->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}

/* The roles of a GRANT or REVOKE as SQL, for writing its inverse; NULL
 * when one is not a plain name or PUBLIC (CURRENT_USER means whoever runs
 * the rollback, which need not be who ran the migration). */
static const char *grantees(sql_pg_ctx *ctx, const PgQuery__GrantStmt *s)
{
	mg_buf b = MG_BUF_INIT;
	bool ok = s->n_grantees > 0;
	for (size_t i = 0; ok && i < s->n_grantees; i++) {
		const pg_node *n = s->grantees[i];
		const PgQuery__RoleSpec *r = n->node_case == PG_QUERY__NODE__NODE_ROLE_SPEC
		                                 ? n->role_spec : NULL;
		if (b.len)
			mg_buf_puts(&b, ", ");
		if (r && r->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_PUBLIC)
			mg_buf_puts(&b, "PUBLIC");
		else if (r && r->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CSTRING &&
		         r->rolename && *r->rolename)
			mg_sql_put_ident(&b, r->rolename);
		else
			ok = false;
	}
	const char *out = ok ? mg_arena_strdup(ctx->arena, mg_buf_cstr(&b)) : NULL;
	mg_buf_dispose(&b);
	return out;
}

void sql_pg_map_grant(sql_pg_ctx *ctx, const PgQuery__GrantStmt *s)
{
	const char *privs = privileges(ctx, s->privileges, s->n_privileges);
	const char *roles = grantees(ctx, s);
	bool in_schema = s->targtype == PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_ALL_IN_SCHEMA;
	for (size_t i = 0; i < s->n_objects || i == 0; i++) {
		mg_operation *op = sql_pg_op(ctx, MG_OP_GRANT);
		if (!s->is_grant)
			op->flags |= MG_OPF_NEGATED;
		if (s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
			op->flags |= MG_OPF_CASCADE;
		op->detail = privs;
		if (i >= s->n_objects)
			break;
		if (s->targtype == PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_OBJECT && !s->grant_option)
			op->grantees = roles;
		if (in_schema) {
			op->object = (mg_object){MG_OBJ_SCHEMA, NULL, NULL,
			                         sql_pg_str(ctx, sql_pg_node_str(s->objects[i]))};
			op->detail = mg_arena_printf(ctx->arena, "%s on all %s in schema", privs,
			                             objtype_name(s->objtype) + 7);
		} else {
			op->object = sql_pg_object_node(ctx, s->objtype, s->objects[i]);
		}
	}
}
