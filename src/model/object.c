/*
 * object.c: what the model says about objects, once for every stage: the
 * schema unqualified names belong to, an object as text, and the table an
 * operation acts on.
 */
#include "migraph/model.h"

const char *mg_engine_default_schema(mg_engine_kind kind)
{
	(void)kind; /* MySQL and MariaDB have no schema below the database */
	return "public";
}

const char *mg_project_default_schema(const mg_project *project)
{
	const char *s = project->flyway.default_schema;
	return s && *s ? s : mg_engine_default_schema(project->engine.kind);
}

void mg_object_put(mg_buf *out, const mg_object *obj)
{
	if (!obj || obj->kind == MG_OBJ_NONE) {
		mg_buf_puts(out, "?");
		return;
	}
	/* A table's own name is in name; an index is named within its schema,
	 * so its table is no part of its name. */
	const char *table = obj->table;
	if ((obj->kind == MG_OBJ_TABLE && mg_str_eq(table, obj->name)) || obj->kind == MG_OBJ_INDEX)
		table = NULL;
	const char *parts[3] = {obj->schema, table, obj->name};
	bool first = true;
	for (int i = 0; i < 3; i++) {
		if (!parts[i])
			continue;
		if (!first)
			mg_buf_putc(out, '.');
		mg_buf_puts(out, parts[i]);
		first = false;
	}
	if (first)
		mg_buf_puts(out, "?");
}

const char *mg_object_text(mg_arena *arena, const mg_object *obj)
{
	mg_buf b = MG_BUF_INIT;
	mg_object_put(&b, obj);
	const char *s = mg_arena_strdup(arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return s;
}

static bool is_relation(mg_object_kind kind)
{
	return kind == MG_OBJ_TABLE || kind == MG_OBJ_VIEW || kind == MG_OBJ_MATERIALIZED_VIEW ||
	       kind == MG_OBJ_SEQUENCE;
}

mg_object mg_op_table(const mg_operation *op)
{
	const mg_object *o = &op->object;
	mg_object t = {MG_OBJ_TABLE, o->schema, NULL, NULL};
	if (is_relation(o->kind))
		t.name = o->name;
	else if (o->table)
		t.name = o->table;
	else if (op->related.kind == MG_OBJ_TABLE && op->related.name) {
		t.schema = op->related.schema;
		t.name = op->related.name;
	}
	return t;
}

const mg_object *mg_op_locked_table(const mg_operation *op)
{
	for (size_t i = 0; i < op->n_locks; i++)
		if (op->locks[i].relation.kind == MG_OBJ_TABLE ||
		    op->locks[i].relation.kind == MG_OBJ_MATERIALIZED_VIEW)
			return &op->locks[i].relation;
	return NULL;
}
