/*
 * pglock.c: the PostgreSQL lock model, entry point and shared helpers.
 *
 * mg_engine_annotate asks the family models in turn (ALTER TABLE and
 * column changes in pglock_alter.c; everything else in pglock_other.c) and writes
 * their verdict onto the operation.  An operation no family models keeps
 * MG_EFF_MODELLED unset, so later stages can say "not judged" instead of
 * guessing.
 */
#include <string.h>

#include "engine/pglock_internal.h"

void eng_lock(eng_ctx *c, mg_object_kind kind, const char *schema, const char *name,
             mg_lock_mode mode)
{
	if (!name || mode == MG_LOCK_NONE)
		return;
	if (!schema && c->cat)
		schema = mg_catalog_default_schema(c->cat);
	/* The family models say "table" for the relation a statement names;
	 * the catalog knows when it is a materialized view (CREATE INDEX ON mv,
	 * ALTER TABLE mv ...), and what waits on the lock depends on it: there
	 * is no INSERT, UPDATE or DELETE, only REFRESH and reads. */
	if (kind == MG_OBJ_TABLE && c->cat) {
		const mg_cat_relation *rel = mg_catalog_relation(c->cat, schema, name);
		if (rel && rel->kind == MG_OBJ_MATERIALIZED_VIEW)
			kind = rel->kind;
	}
	for (size_t i = 0; i < c->n_locks; i++) {
		mg_lock *l = &c->locks[i];
		if (mg_str_eq(l->relation.schema, schema) && mg_str_eq(l->relation.name, name)) {
			if (mode > l->mode)
				l->mode = mode;
			return;
		}
	}
	if (c->n_locks == c->cap_locks) {
		size_t ncap = c->cap_locks ? c->cap_locks * 2 : 4;
		c->locks = mg_arena_grow(c->arena, c->locks, sizeof *c->locks, c->n_locks, ncap);
		c->cap_locks = ncap;
	}
	mg_lock *l = &c->locks[c->n_locks++];
	l->relation.kind = kind;
	l->relation.schema = schema;
	l->relation.name = name;
	l->mode = mode;
}

void eng_lock_object(eng_ctx *c, const mg_object *relation, mg_lock_mode mode)
{
	if (!relation || relation->kind == MG_OBJ_NONE)
		return;
	const char *name = relation->name;
	mg_object_kind kind = relation->kind;
	if (kind == MG_OBJ_COLUMN || kind == MG_OBJ_CONSTRAINT) {
		name = relation->table;
		kind = MG_OBJ_TABLE;
	}
	eng_lock(c, kind, relation->schema, name, mode);
}

mg_cat_relation *eng_op_relation(eng_ctx *c)
{
	mg_object t = mg_op_table(c->op);
	if (!c->cat || !t.name)
		return NULL;
	return mg_catalog_relation(c->cat, t.schema, t.name);
}

void eng_note(eng_ctx *c, const char *note)
{
	c->note = note;
}

void eng_fail(eng_ctx *c, const char *error)
{
	c->effects |= MG_EFF_FAILS;
	c->error = error;
}

bool eng_require(eng_ctx *c, int major, const char *feature)
{
	if (c->major >= major)
		return true;
	eng_fail(c, mg_arena_printf(c->arena, "%s needs PostgreSQL %d or later", feature, major));
	return false;
}

/* PostgreSQL's MaxHeapAttributeNumber: "tables can have at most 1600
 * columns", counting every attribute number ever handed out, so dropped
 * columns too.  Predicted once, at the operation that crosses the limit:
 * the replay still applies it, and the ones after it are already past. */
#define PG_MAX_COLUMNS 1600

static void column_limit(eng_ctx *c)
{
	const mg_operation *op = c->op;
	if (op->kind == MG_OP_CREATE_TABLE && op->n_columns > PG_MAX_COLUMNS) {
		eng_fail(c, mg_arena_printf(c->arena, "tables can have at most %d columns: %zu given",
		                            PG_MAX_COLUMNS, op->n_columns));
		return;
	}
	if (op->kind != MG_OP_ADD_COLUMN || !op->column || !op->column->name)
		return;
	const mg_cat_relation *rel = eng_op_relation(c);
	if (!rel || rel->kind != MG_OBJ_TABLE || mg_catalog_column(rel, op->column->name) ||
	    rel->n_columns + rel->n_dropped_columns != PG_MAX_COLUMNS)
		return;
	eng_fail(c, mg_arena_printf(c->arena,
	                            "tables can have at most %d columns: %s.%s has used them all "
	                            "(%zu live, %zu dropped: attribute numbers are never reused)",
	                            PG_MAX_COLUMNS, rel->schema, rel->name, rel->n_columns,
	                            rel->n_dropped_columns));
}

void mg_engine_annotate(mg_arena *arena, const mg_engine_target *engine,
                        const mg_engine_session *session, const mg_catalog *catalog,
                        mg_operation *op)
{
	if (engine->kind != MG_ENGINE_POSTGRESQL)
		return; /* MySQL and MariaDB models come later */
	static const mg_engine_session default_session = {.timezone_utc = true,
	                                                  .in_transaction_block = true};
	eng_ctx c = {
		.arena = arena,
		.major = engine->major,
		.session = session ? session : &default_session,
		.cat = catalog,
		.op = op,
	};
	bool modelled = eng_model_alter(&c) || eng_model_other(&c);
	column_limit(&c);
	op->locks = c.locks;
	op->n_locks = c.n_locks;
	op->effects = c.effects | (modelled ? MG_EFF_MODELLED : 0);
	op->effect_note = c.note;
	op->predicted_error = c.error;
}
