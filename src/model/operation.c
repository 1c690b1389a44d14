/*
 * operation.c: what the model can say of one operation by itself, shared by
 * every stage that reads operations (catalog, engine, rules, plan, SQL
 * writer).
 */
#include "migraph/model.h"

bool mg_op_table(const mg_operation *op, const char **schema, const char **name)
{
	const mg_object *o = &op->object;
	*schema = o->schema;
	*name = NULL;
	switch (o->kind) {
	case MG_OBJ_TABLE:
	case MG_OBJ_VIEW:
	case MG_OBJ_MATERIALIZED_VIEW:
	case MG_OBJ_SEQUENCE:
		*name = o->name;
		break;
	default:
		if (o->table) {
			*name = o->table;
		} else if (op->related.name && op->related.kind == MG_OBJ_TABLE) {
			*schema = op->related.schema;
			*name = op->related.name;
		}
	}
	return *name != NULL;
}

bool mg_op_is_session(const mg_operation *op)
{
	switch (op->kind) {
	case MG_OP_SET_SETTING:
	case MG_OP_RESET_SETTING:
	case MG_OP_BEGIN:
	case MG_OP_COMMIT:
	case MG_OP_ROLLBACK:
	case MG_OP_SAVEPOINT:
		return true;
	default:
		return false;
	}
}
