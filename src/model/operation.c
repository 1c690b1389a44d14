/*
 * operation.c: what the model can say of one operation by itself, shared by
 * every stage that reads operations (catalog, engine, rules, plan, SQL
 * writer).
 */
#include "migraph/model.h"

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
