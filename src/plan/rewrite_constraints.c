/*
 * rewrite_constraints.c: constraints added without a long lock.
 *
 *   FOREIGN KEY / CHECK -> ADD ... NOT VALID (expand), VALIDATE (validate)
 *   UNIQUE              -> CREATE UNIQUE INDEX CONCURRENTLY, then
 *                          ADD CONSTRAINT ... UNIQUE USING INDEX
 *   PRIMARY KEY         -> its columns NOT NULL by the CHECK route, a unique
 *                          index built concurrently, PRIMARY KEY USING INDEX
 *   SET NOT NULL        -> CHECK (c IS NOT NULL) NOT VALID, VALIDATE,
 *                          SET NOT NULL, DROP the CHECK (12+)
 *
 * Adding a validated constraint scans the table under a lock that blocks
 * writes (SHARE ROW EXCLUSIVE for a foreign key, on both tables; ACCESS
 * EXCLUSIVE for a CHECK); NOT VALID makes the addition a catalog change
 * and VALIDATE scans under SHARE UPDATE EXCLUSIVE, which blocks neither
 * reads nor writes.
 */
#include <string.h>

#include "plan/rewrite_int.h"

static const mg_constraint_def *def_of(const rw *r)
{
	return r->op->kind == MG_OP_ADD_CONSTRAINT ? r->op->constraint : NULL;
}

static bool not_valid(const rw *r)
{
	const mg_constraint_def *k = def_of(r);
	return (r->op->flags & MG_OPF_NOT_VALID) || (k && k->not_valid);
}

static mg_operation *add_constraint_op(rw *r, const char *schema, const char *table,
                                       const mg_constraint_def *def, const char *name, bool nv)
{
	mg_operation *op = rw_op_on(r, MG_OP_ADD_CONSTRAINT, schema, table);
	mg_constraint_def *k = mg_arena_alloc(r->ctx->arena, sizeof *k);
	*k = *def;
	k->name = name;
	k->not_valid = nv;
	op->constraint = k;
	op->object = (mg_object){MG_OBJ_CONSTRAINT, schema, table, name};
	if (def->kind == MG_CONSTRAINT_FOREIGN_KEY) {
		op->related = def->ref_table;
		if (!op->related.schema)
			op->related.schema = schema;
	}
	if (nv)
		op->flags |= MG_OPF_NOT_VALID;
	return op;
}

static mg_operation *constraint_op(rw *r, mg_op_kind kind, const char *schema, const char *table,
                                   const char *name)
{
	mg_operation *op = rw_op_on(r, kind, schema, table);
	op->object = (mg_object){MG_OBJ_CONSTRAINT, schema, table, name};
	return op;
}

/* ---- The CHECK route to NOT NULL ------------------------------------------ */

/* Keys of a step of the route on a shadow column: it reads the values
 * the shadow's backfill fills and makes its own CHECK.  Its operations'
 * keys would order it after the contract of the type change (which renames
 * the shadow column), and the table's rows as a whole would drag later
 * data changes of other columns behind it. */
static void nn_shadow_keys(rw *r, const rw_nn *nn, mg_plan_step *s)
{
	plan_ctx *ctx = r->ctx;
	if (!nn->shadow)
		return;
	plan_step_use(ctx, s, plan_key(ctx, "rel", nn->schema, nn->table, NULL));
	plan_step_use(ctx, s, plan_key(ctx, "sdw", nn->schema, nn->table, nn->column));
	if (nn->check)
		plan_step_define(ctx, s, plan_key(ctx, "con", nn->schema, nn->table, nn->check));
}

void rw_nn_expand(rw *r, rw_nn *nn, mg_phase phase)
{
	nn->check = NULL;
	if (r->major < 12)
		return;
	nn->check = rw_new_name(r, nn->schema, nn->table,
	                        mg_arena_printf(r->ctx->arena, "%s_%s", nn->table, nn->column),
	                        "not_null");
	mg_buf b = MG_BUF_INIT;
	mg_sql_put_ident(&b, nn->column);
	mg_buf_puts(&b, " IS NOT NULL");
	mg_constraint_def k = {.kind = MG_CONSTRAINT_CHECK,
	                       .expr = mg_arena_strdup(r->ctx->arena, mg_buf_cstr(&b))};
	mg_buf_dispose(&b);
	mg_plan_step *s = rw_step(r, phase, MG_STEP_SQL,
	                          mg_arena_printf(r->ctx->arena, "Add %s NOT VALID", nn->check));
	rw_run(r, s, add_constraint_op(r, nn->schema, nn->table, &k, nn->check, true));
	nn_shadow_keys(r, nn, s);
	rw_finish(r, s, mg_arena_printf(r->ctx->arena,
	                                "First half of NOT NULL on %s: a CHECK (%s IS NOT NULL) "
	                                "added NOT VALID is a catalog change; new rows are checked "
	                                "from now on, existing ones by the VALIDATE that follows.",
	                                nn->column, nn->column));
}

void rw_nn_validate(rw *r, const rw_nn *nn)
{
	mg_arena *a = r->ctx->arena;
	mg_plan_step *s;
	if (nn->check) {
		s = rw_step(r, MG_PHASE_VALIDATE, MG_STEP_SQL,
		            mg_arena_printf(a, "Validate %s", nn->check));
		rw_run(r, s, constraint_op(r, MG_OP_VALIDATE_CONSTRAINT, nn->schema, nn->table, nn->check));
		nn_shadow_keys(r, nn, s);
		rw_finish(r, s, "VALIDATE scans the table under SHARE UPDATE EXCLUSIVE: reads and "
		                "writes go on while it proves every row has a value.");
	}
	s = rw_step(r, MG_PHASE_VALIDATE, MG_STEP_SQL,
	            mg_arena_printf(a, "Set %s NOT NULL", nn->column));
	mg_operation *set = rw_op_on(r, MG_OP_SET_NOT_NULL, nn->schema, nn->table);
	set->object = (mg_object){MG_OBJ_COLUMN, nn->schema, nn->table, nn->column};
	rw_run(r, s, set);
	if (nn->check)
		rw_run(r, s, constraint_op(r, MG_OP_DROP_CONSTRAINT, nn->schema, nn->table, nn->check));
	nn_shadow_keys(r, nn, s);
	rw_finish(r, s, nn->check
	                    ? mg_arena_printf(a, "Behind the valid CHECK, SET NOT NULL on %s skips "
	                                         "its full scan (PostgreSQL 12+): a brief ACCESS "
	                                         "EXCLUSIVE, in the same transaction as dropping the "
	                                         "CHECK it no longer needs.",
	                                      nn->column)
	                    : mg_arena_printf(a, "Before PostgreSQL 12 SET NOT NULL on %s always "
	                                         "scans the table under ACCESS EXCLUSIVE; no CHECK "
	                                         "avoids it.  Run it when traffic is lowest, or keep "
	                                         "a validated CHECK (%s IS NOT NULL) instead.",
	                                      nn->column, nn->column));
}

/* ---- FOREIGN KEY and CHECK: NOT VALID, then VALIDATE ------------------------- */

static bool nv_applies(const rw *r)
{
	const mg_constraint_def *k = def_of(r);
	if (!k || not_valid(r) || !r->live || !r->rel || r->rel->partitioned)
		return false;
	if (k->kind == MG_CONSTRAINT_CHECK)
		return k->expr != NULL;
	return k->kind == MG_CONSTRAINT_FOREIGN_KEY && k->ref_table.name;
}

void rw_not_valid_then_validate(rw *r, const char *schema, const char *table,
                                const mg_constraint_def *def, const char *name, mg_phase phase,
                                bool validate, const char *why)
{
	bool fk = def->kind == MG_CONSTRAINT_FOREIGN_KEY;
	mg_plan_step *s = rw_step(r, phase, MG_STEP_SQL,
	                          mg_arena_printf(r->ctx->arena, "Add %s NOT VALID", name));
	rw_run(r, s, add_constraint_op(r, schema, table, def, name, true));
	rw_finish(r, s, why ? why
	                : fk ? "NOT VALID adds the foreign key without checking existing rows: a "
	                       "brief SHARE ROW EXCLUSIVE on both tables instead of one held for a "
	                       "full scan; new rows are checked from now on."
	                     : "NOT VALID adds the CHECK without scanning existing rows: a brief "
	                       "ACCESS EXCLUSIVE instead of one held for a full scan; new rows are "
	                       "checked from now on.");
	if (!validate)
		return;
	s = rw_step(r, MG_PHASE_VALIDATE, MG_STEP_SQL,
	            mg_arena_printf(r->ctx->arena, "Validate %s", name));
	rw_run(r, s, constraint_op(r, MG_OP_VALIDATE_CONSTRAINT, schema, table, name));
	rw_finish(r, s, fk ? "VALIDATE checks the existing rows under SHARE UPDATE EXCLUSIVE (ROW "
	                     "SHARE on the referenced table): neither table's reads or writes wait."
	                   : "VALIDATE checks the existing rows under SHARE UPDATE EXCLUSIVE: reads "
	                     "and writes go on.");
}

static void nv_emit(rw *r)
{
	const mg_constraint_def *k = def_of(r);
	const char *schema = r->op->object.schema, *table = r->op->object.table;
	rw_not_valid_then_validate(r, schema, table, k, rw_constraint_name(r, schema, table, k, NULL),
	                           MG_PHASE_EXPAND, true, NULL);
}

/* ---- UNIQUE and PRIMARY KEY: a unique index first ---------------------------- */

static bool key_applies(const rw *r, mg_constraint_kind kind)
{
	const mg_constraint_def *k = def_of(r);
	return k && k->kind == kind && !k->using_index && k->columns.count && r->live && r->rel &&
	       !r->rel->partitioned;
}

static bool unique_applies(const rw *r)
{
	return key_applies(r, MG_CONSTRAINT_UNIQUE);
}

static bool pk_applies(const rw *r)
{
	return key_applies(r, MG_CONSTRAINT_PRIMARY_KEY);
}

void rw_unique_index(rw *r, mg_phase phase, const char *schema, const char *table,
                     const char *name, const mg_name_list *cols, const char *why)
{
	mg_plan_step *s = rw_step(r, phase, MG_STEP_SQL,
	                          mg_arena_printf(r->ctx->arena, "Build unique index %s concurrently",
	                                          name));
	s->in_transaction = false;
	mg_operation *ix = rw_op_on(r, MG_OP_CREATE_INDEX, schema, table);
	ix->object = (mg_object){MG_OBJ_INDEX, schema, table, name};
	ix->flags = MG_OPF_UNIQUE | MG_OPF_CONCURRENTLY;
	ix->index_columns = *cols;
	rw_run(r, s, ix);
	rw_finish(r, s, why);
}

void rw_using_index(rw *r, const char *schema, const char *table, const char *name,
                    const mg_constraint_def *k, const char *why)
{
	mg_plan_step *s = rw_step(r, MG_PHASE_VALIDATE, MG_STEP_SQL,
	                          mg_arena_printf(r->ctx->arena, "Add %s USING INDEX", name));
	mg_constraint_def def = *k;
	def.columns = (mg_name_list){0};
	def.using_index = name;
	rw_run(r, s, add_constraint_op(r, schema, table, &def, name, false));
	rw_finish(r, s, why);
}

static void unique_emit(rw *r)
{
	const mg_constraint_def *k = def_of(r);
	const char *schema = r->op->object.schema, *table = r->op->object.table;
	const char *name = rw_constraint_name(r, schema, table, k, NULL);
	rw_unique_index(r, MG_PHASE_EXPAND, schema, table, name, &k->columns,
	                   "A UNIQUE constraint builds its index under SHARE, blocking every write "
	                   "for the whole build; the same index built concurrently blocks none.");
	rw_using_index(r, schema, table, name, k,
	            "USING INDEX turns the finished index into the constraint: a catalog change "
	            "under a brief ACCESS EXCLUSIVE.");
}

static void pk_emit(rw *r)
{
	const mg_constraint_def *k = def_of(r);
	const char *schema = r->op->object.schema, *table = r->op->object.table;
	const char *name = rw_constraint_name(r, schema, table, k, NULL);
	/* Columns that may hold NULL take the CHECK route first: PRIMARY KEY
	 * USING INDEX would otherwise set NOT NULL with a full scan. */
	rw_nn *nn = mg_arena_alloc(r->ctx->arena, (k->columns.count + 1) * sizeof *nn);
	size_t n_nn = 0;
	for (size_t i = 0; i < k->columns.count; i++) {
		mg_cat_column *c = mg_catalog_column(r->rel, k->columns.items[i]);
		if (c && c->not_null)
			continue;
		nn[n_nn] = (rw_nn){schema, table, k->columns.items[i], NULL, false};
		rw_nn_expand(r, &nn[n_nn++], MG_PHASE_EXPAND);
	}
	rw_unique_index(r, MG_PHASE_EXPAND, schema, table, name, &k->columns,
	                   "ADD PRIMARY KEY builds its index under SHARE (and sets NOT NULL with a "
	                   "scan under ACCESS EXCLUSIVE); the unique index built concurrently blocks "
	                   "no write.");
	for (size_t i = 0; i < n_nn; i++)
		rw_nn_validate(r, &nn[i]);
	rw_using_index(r, schema, table, name, k,
	            "PRIMARY KEY USING INDEX adopts the finished index; its columns are already NOT "
	            "NULL, so it is a catalog change under a brief ACCESS EXCLUSIVE.");
}

/* ---- SET NOT NULL -> the CHECK route ------------------------------------------ */

static bool nn_applies(const rw *r)
{
	const mg_operation *op = r->op;
	if (op->kind != MG_OP_SET_NOT_NULL || !r->live || !r->rel || r->rel->partitioned)
		return false;
	mg_cat_column *c = mg_catalog_column(r->rel, op->object.name);
	if (c && c->not_null)
		return false; /* nothing to prove */
	/* A valid CHECK already proves it: the kept SET NOT NULL skips its scan. */
	return !(r->major >= 12 && mg_catalog_check_proves_not_null(r->rel, op->object.name));
}

/* The column a type change of this release replaces by a shadow column
 * (renamed to the old name by the contract), or NULL.  What the release
 * does to the old column afterwards belongs on the shadow: the contract
 * drops the old one. */
static const char *type_shadow(const rw *r, const char *column)
{
	const plan_ctx *ctx = r->ctx;
	for (size_t i = 0; i < ctx->n_app; i++) {
		const plan_app_change *c = &ctx->app[i];
		if (c->kind == PLAN_APP_SYNCED_COLUMN && c->type_change &&
		    mg_str_eq(c->schema, r->rel->schema) && mg_str_eq(c->table, r->rel->name) &&
		    mg_str_eq(c->old_name, column))
			return c->shadow;
	}
	return NULL;
}

static void nn_emit(rw *r)
{
	const char *shadow = type_shadow(r, r->op->object.name);
	rw_nn nn = {r->op->object.schema, r->op->object.table,
	            shadow ? shadow : r->op->object.name, NULL, shadow != NULL};
	/* A shadow column is proven once its backfill has filled it. */
	rw_nn_expand(r, &nn, shadow ? MG_PHASE_VALIDATE : MG_PHASE_EXPAND);
	rw_nn_validate(r, &nn);
}

/* ---- DROP CONSTRAINT without a name -------------------------------------- */

/* Liquibase's dropAllForeignKeyConstraints and a dropPrimaryKey without
 * constraintName look the names up in the database when they run; the
 * catalog knows them. */
static bool unnamed_drop_applies(const rw *r)
{
	const mg_operation *op = r->op;
	if (op->kind != MG_OP_DROP_CONSTRAINT || op->object.name || !op->constraint || !r->rel)
		return false;
	for (size_t i = 0; i < r->rel->n_constraints; i++)
		if (r->rel->constraints[i].kind == op->constraint->kind)
			return true;
	return false;
}

static void unnamed_drop_emit(rw *r)
{
	const mg_operation *op = r->op;
	const mg_cat_relation *rel = r->rel;
	bool pk = op->constraint->kind == MG_CONSTRAINT_PRIMARY_KEY;
	mg_plan_step *s = rw_step(r, MG_PHASE_CONTRACT, MG_STEP_SQL,
	                          mg_arena_printf(r->ctx->arena, "Drop the %s of %s",
	                                          pk ? "primary key" : "foreign keys", rel->name));
	s->rewritten = false;
	for (size_t i = 0; i < rel->n_constraints; i++) {
		const mg_cat_constraint *k = &rel->constraints[i];
		if (k->kind != op->constraint->kind)
			continue;
		rw_run(r, s, constraint_op(r, MG_OP_DROP_CONSTRAINT, rel->schema, rel->name, k->name));
		if (pk)
			break;
	}
	rw_finish(r, s, mg_arena_printf(r->ctx->arena,
	                                "The changelog drops %s without naming %s; the names come "
	                                "from the schema as the history leaves it.  A drop: it runs "
	                                "in the next release, once no running version relies on it.",
	                                pk ? "the primary key" : "every foreign key of the table",
	                                pk ? "it" : "them"));
}

const rw_form rw_constraint_forms[] = {
	{"drop-unnamed-constraint", unnamed_drop_applies, unnamed_drop_emit},
	{"not-valid-then-validate", nv_applies, nv_emit},
	{"unique-using-index", unique_applies, unique_emit},
	{"primary-key-using-index", pk_applies, pk_emit},
	{"not-null-via-check", nn_applies, nn_emit},
	{NULL, NULL, NULL},
};
