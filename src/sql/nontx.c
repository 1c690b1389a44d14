/*
 * nontx.c: Flyway's rule for statements that cannot run inside a
 * transaction block.  Flyway runs such a script outside a transaction,
 * and refuses a script that mixes both kinds (unless told otherwise), so
 * the analysis needs the same answer Flyway would give.  It is decided
 * from the operations, not by matching text.
 */
#include <string.h>

#include "sql/pg_internal.h"

static bool opaque_nontx(const mg_operation *op)
{
	static const char *const nodes[] = {
	    "CreatedbStmt",           "DropdbStmt",
	    "CreateTableSpaceStmt",   "DropTableSpaceStmt",
	    "CreateSubscriptionStmt", "DropSubscriptionStmt",
	    "AlterSystemStmt",
	};
	const char *d = op->detail;
	if (op->opaque_kind != MG_OPAQUE_UNMODELLED_STATEMENT || !d)
		return false;
	for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
		if (strcmp(d, nodes[i]) == 0)
			return true;
	/* DISCARD ALL only; DISCARD PLANS/SEQUENCES/TEMP are fine. */
	return strcmp(d, "DiscardStmt ALL") == 0;
}

static bool op_nontx(const mg_operation *op, const mg_engine_target *engine)
{
	switch (op->kind) {
	case MG_OP_CREATE_INDEX:
	case MG_OP_DROP_INDEX: return (op->flags & MG_OPF_CONCURRENTLY) != 0;
	case MG_OP_REINDEX:
		return (op->flags & MG_OPF_CONCURRENTLY) != 0 || op->object.kind == MG_OBJ_SCHEMA ||
		       op->object.kind == MG_OBJ_DATABASE;
	case MG_OP_VACUUM: return true;
	case MG_OP_DETACH_PARTITION: return (op->flags & MG_OPF_CONCURRENTLY) != 0;
	case MG_OP_ADD_ENUM_VALUE:
		/* PostgreSQL 12 allowed ALTER TYPE ... ADD VALUE in a transaction. */
		return engine && engine->kind == MG_ENGINE_POSTGRESQL && engine->major < 12;
	case MG_OP_OPAQUE: return opaque_nontx(op);
	default:
		/* REFRESH MATERIALIZED VIEW CONCURRENTLY runs in a transaction. */
		return false;
	}
}

bool mg_statement_is_non_transactional(const mg_statement *stmt, const mg_engine_target *engine)
{
	if (!stmt)
		return false;
	for (size_t i = 0; i < stmt->n_ops; i++)
		if (op_nontx(stmt->ops[i], engine))
			return true;
	return false;
}
