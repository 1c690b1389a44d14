/*
 * plan.c: building the phased rollout plan and putting its steps in order.
 *
 * Steps are created in the order of the original operations; each gets a
 * phase and a release from the rewriter.  Ordering then has one rule: a
 * step runs after every step it depends on.  A step depends on an earlier
 * one when the earlier step defines an object the later one uses or
 * defines again (a column added then filled, an index on a column added
 * earlier, a column dropped then added back).  Where the phases would put
 * a step before what it depends on, the step moves later (to the
 * dependency's phase, or into the next release): a DROP that goes to the
 * contract release drags a re-ADD of the same name with it, never the
 * other way round.  Sorting by (release, phase, original order) is then a
 * topological order, because every dependency points to an earlier
 * original position with a rank no higher.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "migraph/engine.h"
#include "migraph/graph.h"
#include "migraph/load.h"
#include "migraph/release.h"
#include "plan/plan_int.h"

static const char *const phase_names[MG_PHASE__COUNT] = {
	[MG_PHASE_EXPAND] = "expand",     [MG_PHASE_DEPLOY] = "deploy",
	[MG_PHASE_BACKFILL] = "backfill", [MG_PHASE_VALIDATE] = "validate",
	[MG_PHASE_CONTRACT] = "contract",
};

const char *mg_phase_name(mg_phase phase)
{
	return (unsigned)phase < MG_PHASE__COUNT ? phase_names[phase] : "unknown";
}

const char *mg_step_kind_name(mg_step_kind kind)
{
	switch (kind) {
	case MG_STEP_SQL: return "sql";
	case MG_STEP_APP_DEPLOY: return "app_deploy";
	case MG_STEP_BACKFILL: return "backfill";
	case MG_STEP_MANUAL: return "manual";
	}
	return "unknown";
}

const char *mg_reversibility_name(mg_reversibility r)
{
	switch (r) {
	case MG_REV_REVERSIBLE: return "reversible";
	case MG_REV_LOSSY: return "lossy";
	case MG_REV_IRREVERSIBLE: return "irreversible";
	}
	return "unknown";
}

const char *mg_risk_area_name(mg_risk_area area)
{
	switch (area) {
	case MG_AREA_LOCKING: return "locking";
	case MG_AREA_DATA: return "data";
	case MG_AREA_PERFORMANCE: return "performance";
	case MG_AREA_ROLLBACK: return "rollback";
	case MG_AREA__COUNT: break;
	}
	return "unknown";
}

mg_plan_step *plan_add_step(plan_ctx *ctx, mg_phase phase, mg_step_kind kind, const char *title)
{
	mg_plan *plan = ctx->plan;
	mg_plan_step *s = mg_arena_alloc(ctx->arena, sizeof *s);
	s->phase = phase;
	s->release = phase == MG_PHASE_CONTRACT ? 2 : 1;
	s->kind = kind;
	s->title = title;
	s->in_transaction = true;
	s->risk = MG_SEV_INFO;
	s->reversibility = MG_REV_IRREVERSIBLE;
	if (ctx->cs) {
		s->has_changeset = true;
		s->changeset = ctx->cs->index;
		s->loc = ctx->stmt ? ctx->stmt->loc : ctx->cs->loc;
	}
	s->index = plan->n_steps;
	mg_arena_push(ctx->arena, (void ***)&plan->steps, &plan->n_steps, &plan->steps_cap, s);
	if (plan->n_steps > ctx->step_seq_cap) {
		size_t ncap = ctx->step_seq_cap ? ctx->step_seq_cap * 2 : 64;
		ctx->step_seq = mg_arena_grow(ctx->arena, ctx->step_seq, sizeof *ctx->step_seq,
		                              ctx->step_seq_cap, ncap);
		ctx->step_seq_cap = ncap;
	}
	ctx->step_seq[s->index] = ctx->seq++;
	return s;
}

void plan_add_note(plan_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mg_buf b = MG_BUF_INIT;
	mg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	const char *note = mg_arena_strdup(ctx->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	mg_arena_push(ctx->arena, (void ***)&ctx->plan->notes, &ctx->plan->n_notes,
	              &ctx->plan->notes_cap, (void *)note);
}

mg_check *plan_add_check(plan_ctx *ctx, mg_check_when when, const char *title, const char *sql,
                         const char *expect)
{
	mg_plan *plan = ctx->plan;
	if (plan->n_checks == plan->checks_cap) {
		size_t ncap = plan->checks_cap ? plan->checks_cap * 2 : 16;
		plan->checks = mg_arena_grow(ctx->arena, plan->checks, sizeof *plan->checks,
		                             plan->n_checks, ncap);
		plan->checks_cap = ncap;
	}
	mg_check *c = &plan->checks[plan->n_checks++];
	c->when = when;
	c->title = title;
	c->sql = sql;
	c->expect = expect;
	return c;
}

/* ---- Dependencies ---------------------------------------------------- */

/* The keys of what a step defines and uses.  Four kinds of key:
 *   rel:s.t    a relation (table, view, index, sequence) exists by that name
 *   col:s.t.c  a column exists with that name and shape
 *   con:s.t.n  a constraint
 *   add:s.t    the table's columns as DML sees them (added, renamed, retyped)
 *   dat:s.t    the table's rows
 *   pky:s.t    the table's primary key, which there is one of
 *   shp:s.t    the table's final shape, for what copies or reads all of it
 *              (CREATE TABLE ... LIKE, a view): only a contract that swaps a
 *              column defines it
 *   sdw:s.t.c  the values of a shadow column c: its backfill defines them,
 *              what later proves them on it (NOT NULL) uses them
 * A column change defines its column and uses its table; DML uses the
 * table and its added columns and defines its rows; what checks rows
 * (SET NOT NULL, a constraint, a unique index, a type change) uses them.
 * A DROP COLUMN defines only its column, so a data change of the same
 * table is never dragged into the contract with it. */
typedef struct plan_keys {
	const char **defines;
	size_t n_defines, cap_defines;
	const char **uses;
	size_t n_uses, cap_uses;
	bool additive;   /* only adds: cannot break an earlier use of what it defines */
	bool changes;    /* one of its operations does more than add */
} step_keys;

static const char *key_of(mg_arena *a, const char *kind, const char *schema, const char *table,
                          const char *name)
{
	return name ? mg_arena_printf(a, "%s:%s.%s.%s", kind, schema ? schema : "",
	                              table ? table : "", name)
	            : mg_arena_printf(a, "%s:%s.%s", kind, schema ? schema : "", table ? table : "");
}

static void define(mg_arena *a, step_keys *k, const char *key)
{
	mg_arena_push(a, (void ***)&k->defines, &k->n_defines, &k->cap_defines, (void *)key);
}

static void use(mg_arena *a, step_keys *k, const char *key)
{
	mg_arena_push(a, (void ***)&k->uses, &k->n_uses, &k->cap_uses, (void *)key);
}

static bool checks_rows(const mg_operation *op)
{
	switch (op->kind) {
	case MG_OP_SET_NOT_NULL:
	case MG_OP_ALTER_COLUMN_TYPE:
		/* A type change the engine model knows to be catalog-only
		 * (varchar(n) to text) reads no row. */
		return !(op->effects & MG_EFF_MODELLED) ||
		       (op->effects & (MG_EFF_SCAN | MG_EFF_REWRITE | MG_EFF_FAILS));
	case MG_OP_ADD_CONSTRAINT:
	case MG_OP_VALIDATE_CONSTRAINT:
		return true;
	case MG_OP_CREATE_INDEX:
		return (op->flags & MG_OPF_UNIQUE) != 0;
	case MG_OP_ADD_COLUMN:
		return op->column && op->column->not_null;
	default:
		return false;
	}
}

static bool is_dml(const mg_operation *op)
{
	return op->kind == MG_OP_INSERT || op->kind == MG_OP_UPDATE || op->kind == MG_OP_DELETE ||
	       op->kind == MG_OP_MERGE || op->kind == MG_OP_COPY;
}

static void keys_of_op(mg_arena *a, const mg_operation *op, step_keys *k)
{
	const mg_object *o = &op->object;
	switch (op->kind) {
	case MG_OP_ADD_COLUMN:
	case MG_OP_SET_DEFAULT:
	case MG_OP_CREATE_TABLE:
	case MG_OP_CREATE_INDEX:
	case MG_OP_CREATE_VIEW:
	case MG_OP_CREATE_SEQUENCE:
	case MG_OP_CREATE_TYPE:
	case MG_OP_CREATE_FUNCTION:
		k->additive = !k->changes;
		break;
	default:
		/* A step that renames a table and puts a view in its place only
		 * adds nothing. */
		k->changes = true;
		k->additive = false;
		break;
	}
	/* The table the operation belongs to. */
	const char *ts = o->schema, *tn = NULL;
	if (o->kind == MG_OBJ_COLUMN || o->kind == MG_OBJ_CONSTRAINT) {
		tn = o->table;
	} else if ((o->kind == MG_OBJ_INDEX || o->kind == MG_OBJ_TRIGGER) && op->related.name) {
		ts = op->related.schema;
		tn = op->related.name;
	} else if (o->kind == MG_OBJ_TABLE || o->kind == MG_OBJ_MATERIALIZED_VIEW) {
		tn = o->name;
	}
	if (is_dml(op)) {
		use(a, k, key_of(a, "rel", ts, tn, NULL));
		use(a, k, key_of(a, "add", ts, tn, NULL));
		define(a, k, key_of(a, "dat", ts, tn, NULL));
		return;
	}
	if (o->kind == MG_OBJ_COLUMN) {
		define(a, k, key_of(a, "col", ts, tn, o->name));
		if (op->new_name)
			define(a, k, key_of(a, "col", ts, tn, op->new_name));
		use(a, k, key_of(a, "rel", ts, tn, NULL));
		if (op->kind == MG_OP_ADD_COLUMN || op->kind == MG_OP_RENAME_COLUMN ||
		    op->kind == MG_OP_ALTER_COLUMN_TYPE || op->kind == MG_OP_SET_DEFAULT)
			define(a, k, key_of(a, "add", ts, tn, NULL));
	} else if (o->kind == MG_OBJ_CONSTRAINT) {
		if (o->name)
			define(a, k, key_of(a, "con", ts, tn, o->name));
		/* A key constraint's index shares its name: dropping or adding the
		 * constraint drops or builds that index. */
		bool keyed = !op->constraint || op->constraint->kind == MG_CONSTRAINT_UNIQUE ||
		             op->constraint->kind == MG_CONSTRAINT_PRIMARY_KEY ||
		             op->constraint->kind == MG_CONSTRAINT_EXCLUDE;
		if (o->name && keyed &&
		    (op->kind == MG_OP_DROP_CONSTRAINT || op->kind == MG_OP_ADD_CONSTRAINT ||
		     op->kind == MG_OP_RENAME_CONSTRAINT))
			define(a, k, key_of(a, "rel", ts, o->name, NULL));
		/* A table has one primary key: adding one waits for a drop (a drop
		 * of a constraint of unknown kind may be it). */
		if ((op->kind == MG_OP_ADD_CONSTRAINT && op->constraint &&
		     op->constraint->kind == MG_CONSTRAINT_PRIMARY_KEY) ||
		    (op->kind == MG_OP_DROP_CONSTRAINT &&
		     (!op->constraint || op->constraint->kind == MG_CONSTRAINT_PRIMARY_KEY)))
			define(a, k, key_of(a, "pky", ts, tn, NULL));
		use(a, k, key_of(a, "rel", ts, tn, NULL));
	} else if (o->name) {
		/* Tables, views, indexes, sequences, types ... share the
		 * relation namespace closely enough for ordering. */
		define(a, k, key_of(a, "rel", o->schema, o->name, NULL));
		if (op->new_name)
			define(a, k, key_of(a, "rel", o->schema, op->new_name, NULL));
		if (tn && (o->kind == MG_OBJ_INDEX || o->kind == MG_OBJ_TRIGGER))
			use(a, k, key_of(a, "rel", ts, tn, NULL));
	}
	if (tn) {
		for (size_t i = 0; i < op->index_columns.count; i++)
			use(a, k, key_of(a, "col", ts, tn, op->index_columns.items[i]));
		if (op->constraint)
			for (size_t i = 0; i < op->constraint->columns.count; i++)
				use(a, k, key_of(a, "col", ts, tn, op->constraint->columns.items[i]));
		if (checks_rows(op))
			use(a, k, key_of(a, "dat", ts, tn, NULL));
	}
	if (op->constraint && op->constraint->ref_table.name)
		use(a, k, key_of(a, "rel", op->constraint->ref_table.schema,
		                 op->constraint->ref_table.name, NULL));
	for (size_t i = 0; i < op->n_depends; i++) {
		use(a, k, key_of(a, "rel", op->depends[i].schema, op->depends[i].name, NULL));
		use(a, k, key_of(a, "shp", op->depends[i].schema, op->depends[i].name, NULL));
	}
}

const char *plan_key(plan_ctx *ctx, const char *kind, const char *schema, const char *table,
                     const char *name)
{
	return key_of(ctx->arena, kind, schema, table, name);
}

static step_keys *given_keys(plan_ctx *ctx, const mg_plan_step *s)
{
	if (s->index >= ctx->keys_cap) {
		size_t ncap = ctx->keys_cap ? ctx->keys_cap : 64;
		while (ncap <= s->index)
			ncap *= 2;
		ctx->keys = mg_arena_grow(ctx->arena, ctx->keys, sizeof *ctx->keys, ctx->keys_cap, ncap);
		ctx->keys_cap = ncap;
	}
	if (!ctx->keys[s->index])
		ctx->keys[s->index] = mg_arena_alloc(ctx->arena, sizeof **ctx->keys);
	return ctx->keys[s->index];
}

void plan_step_define(plan_ctx *ctx, mg_plan_step *s, const char *key)
{
	define(ctx->arena, given_keys(ctx, s), key);
}

void plan_step_use(plan_ctx *ctx, mg_plan_step *s, const char *key)
{
	use(ctx->arena, given_keys(ctx, s), key);
}

void plan_step_additive(plan_ctx *ctx, mg_plan_step *s)
{
	given_keys(ctx, s)->additive = true;
}

void plan_step_keys_of(plan_ctx *ctx, mg_plan_step *s, const mg_operation *op, bool schema_only)
{
	step_keys k = {0};
	keys_of_op(ctx->arena, op, &k);
	step_keys *g = given_keys(ctx, s);
	for (size_t i = 0; i < k.n_defines; i++)
		if (!schema_only || (strncmp(k.defines[i], "add:", 4) && strncmp(k.defines[i], "dat:", 4)))
			define(ctx->arena, g, k.defines[i]);
	for (size_t i = 0; i < k.n_uses; i++)
		if (!schema_only || (strncmp(k.uses[i], "add:", 4) && strncmp(k.uses[i], "dat:", 4)))
			use(ctx->arena, g, k.uses[i]);
}

static void add_dependency(mg_arena *a, mg_plan_step *s, size_t on, const char *key)
{
	for (size_t i = 0; i < s->n_depends; i++)
		if (s->depends_on[i] == on)
			return;
	size_t n = s->n_depends;
	s->depends_on = mg_arena_grow(a, s->depends_on, sizeof *s->depends_on, n, n + 1);
	s->depends_objects =
		mg_arena_grow(a, s->depends_objects, sizeof *s->depends_objects, n, n + 1);
	s->depends_on[n] = on;
	/* "kind:s.t[.n]" back to an object for the reader. */
	mg_object *o = &s->depends_objects[n];
	const char *colon = strchr(key, ':');
	char *copy = mg_arena_strdup(a, colon ? colon + 1 : key);
	char *p1 = strchr(copy, '.');
	char *p2 = p1 ? strchr(p1 + 1, '.') : NULL;
	if (p1)
		*p1 = '\0';
	if (p2)
		*p2 = '\0';
	o->schema = copy;
	if (p2) {
		o->kind = !strncmp(key, "con:", 4) ? MG_OBJ_CONSTRAINT : MG_OBJ_COLUMN;
		o->table = p1 + 1;
		o->name = p2 + 1;
	} else {
		o->kind = MG_OBJ_TABLE;
		o->name = p1 ? p1 + 1 : copy;
	}
	s->n_depends = n + 1;
}

static int rank_of(const mg_plan_step *s)
{
	return (s->release - 1) * (int)MG_PHASE__COUNT + (int)s->phase;
}

static void set_rank(mg_plan_step *s, int rank)
{
	s->release = rank / (int)MG_PHASE__COUNT + 1;
	s->phase = (mg_phase)(rank % (int)MG_PHASE__COUNT);
}

/* Dependencies among the steps of one original operation run in the
 * order the rewriter added them; across operations they come from the
 * keys.  last_def: key -> (step index + 1) of the last step defining it;
 * last_use: key -> (step index + 1) of the last step using it. */
static void link_dependencies(plan_ctx *ctx)
{
	mg_plan *plan = ctx->plan;
	mg_arena *a = ctx->arena;
	mg_map last_def, last_use, top_use;
	mg_map_init(&last_def, a);
	mg_map_init(&last_use, a);
	/* The user of a key that runs latest so far (its rank once its own
	 * dependencies are counted): a redefinition must not overtake an
	 * earlier use that the rewrite put in a later phase. */
	mg_map_init(&top_use, a);
	int *rank = mg_arena_alloc(a, (plan->n_steps + 1) * sizeof *rank);
	const mg_operation *prev_op = NULL;
	size_t prev_step = 0;
	for (size_t i = 0; i < plan->n_steps; i++) {
		mg_plan_step *s = plan->steps[i];
		if (!s->op) {
			prev_op = NULL;
			continue;
		}
		if (s->op == prev_op)
			add_dependency(a, s, prev_step, key_of(a, "rel", s->op->object.schema, s->op->object.table ? s->op->object.table : s->op->object.name, NULL));
		step_keys k = {0};
		if (i < ctx->keys_cap && ctx->keys[i])
			k = *ctx->keys[i];
		else if (s->n_ops)
			for (size_t j = 0; j < s->n_ops; j++)
				keys_of_op(a, s->ops[j], &k);
		else
			keys_of_op(a, s->op, &k);
		for (size_t j = 0; j < k.n_uses; j++) {
			size_t d = (size_t)mg_map_get(&last_def, k.uses[j]);
			if (d && d - 1 != i)
				add_dependency(a, s, d - 1, k.uses[j]);
		}
		for (size_t j = 0; j < k.n_defines; j++) {
			/* Columns added one after another commute: an added column
			 * waits for nothing that merely changed the column list. */
			bool commutes = k.additive && !strncmp(k.defines[j], "add:", 4);
			size_t d = commutes ? 0 : (size_t)mg_map_get(&last_def, k.defines[j]);
			if (d && d - 1 != i)
				add_dependency(a, s, d - 1, k.defines[j]);
			size_t u = k.additive ? 0 : (size_t)mg_map_get(&last_use, k.defines[j]);
			if (u && u - 1 != i)
				add_dependency(a, s, u - 1, k.defines[j]);
			size_t t = k.additive ? 0 : (size_t)mg_map_get(&top_use, k.defines[j]);
			if (t && t - 1 != i)
				add_dependency(a, s, t - 1, k.defines[j]);
		}
		rank[i] = rank_of(s);
		for (size_t j = 0; j < s->n_depends; j++)
			if (rank[s->depends_on[j]] > rank[i])
				rank[i] = rank[s->depends_on[j]];
		for (size_t j = 0; j < k.n_defines; j++)
			mg_map_put(&last_def, k.defines[j], (void *)(uintptr_t)(i + 1));
		/* VALIDATE reads rows a constraint already guards: a later write is
		 * checked by the constraint itself and need not wait for it. */
		bool validates = s->n_ops > 0;
		for (size_t j = 0; j < s->n_ops; j++)
			validates &= s->ops[j]->kind == MG_OP_VALIDATE_CONSTRAINT;
		for (size_t j = 0; j < k.n_uses; j++) {
			if (validates && !strncmp(k.uses[j], "dat:", 4))
				continue;
			mg_map_put(&last_use, k.uses[j], (void *)(uintptr_t)(i + 1));
			size_t t = (size_t)mg_map_get(&top_use, k.uses[j]);
			if (!t || rank[t - 1] <= rank[i])
				mg_map_put(&top_use, k.uses[j], (void *)(uintptr_t)(i + 1));
		}
		prev_op = s->op;
		prev_step = i;
	}
}

static size_t *sort_seq; /* qsort has no context argument in C11 */

static int cmp_steps(const void *pa, const void *pb)
{
	const mg_plan_step *a = *(const mg_plan_step *const *)pa;
	const mg_plan_step *b = *(const mg_plan_step *const *)pb;
	int ra = rank_of(a), rb = rank_of(b);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	size_t sa = sort_seq[a->index], sb = sort_seq[b->index];
	return sa < sb ? -1 : sa > sb;
}

/* Moves steps later where a dependency has a higher rank, then sorts.
 * Dependencies point to lower indexes (steps are created in original
 * order), so one forward pass settles every chain. */
static void order_steps(plan_ctx *ctx)
{
	mg_plan *plan = ctx->plan;
	for (size_t i = 0; i < plan->n_steps; i++) {
		mg_plan_step *s = plan->steps[i];
		int rank = rank_of(s);
		for (size_t j = 0; j < s->n_depends; j++) {
			int dr = rank_of(plan->steps[s->depends_on[j]]);
			if (dr > rank)
				rank = dr;
		}
		if (rank != rank_of(s))
			set_rank(s, rank);
	}
	sort_seq = ctx->step_seq;
	qsort(plan->steps, plan->n_steps, sizeof *plan->steps, cmp_steps);
	sort_seq = NULL;
	/* Renumber, and turn dependencies into the new positions. */
	size_t *new_pos = mg_arena_alloc(ctx->arena, (plan->n_steps + 1) * sizeof *new_pos);
	for (size_t i = 0; i < plan->n_steps; i++)
		new_pos[plan->steps[i]->index] = i;
	for (size_t i = 0; i < plan->n_steps; i++) {
		mg_plan_step *s = plan->steps[i];
		s->index = i;
		s->id = mg_arena_printf(ctx->arena, "s%zu", i + 1);
		for (size_t j = 0; j < s->n_depends; j++)
			s->depends_on[j] = new_pos[s->depends_on[j]];
		if (s->release > plan->n_releases)
			plan->n_releases = s->release;
	}
}

static bool in_release(const mg_changeset *cs)
{
	return mg_changeset_in_release(cs);
}

/* ---- The two replays ------------------------------------------------- */

static void push_op(plan_ctx *ctx, mg_plan_step *s, const mg_operation *op)
{
	s->ops = mg_arena_grow(ctx->arena, (void *)s->ops, sizeof *s->ops, s->n_ops, s->n_ops + 1);
	s->ops[s->n_ops++] = op;
}

void plan_apply_original(plan_ctx *ctx, const mg_operation *op)
{
	mg_catalog_apply(ctx->cat, op, ctx->cs ? ctx->cs->index : 0, NULL, NULL);
}

void plan_step_keep(plan_ctx *ctx, mg_plan_step *s, const mg_operation *op)
{
	push_op(ctx, s, op);
	mg_catalog_apply(ctx->pcat, op, ctx->cs ? ctx->cs->index : 0, NULL, NULL);
}

void plan_step_run(plan_ctx *ctx, mg_plan_step *s, mg_operation *op)
{
	if (!op->loc.file)
		op->loc = s->loc;
	mg_engine_session session = {.timezone_utc = true, .in_transaction_block = s->in_transaction};
	mg_engine_annotate(ctx->arena, &ctx->project->engine, &session, ctx->pcat, op);
	push_op(ctx, s, op);
	mg_catalog_apply(ctx->pcat, op, ctx->cs ? ctx->cs->index : 0, NULL, NULL);
}

static bool skipped(const mg_changeset *cs)
{
	return (cs->flags & (MG_CSF_FILTERED | MG_CSF_NOT_APPLICABLE | MG_CSF_IGNORED)) != 0;
}

/* Both catalogs start where the replay of the analysis started: the
 * --schema baseline when one was read (its diagnostics are already
 * reported), else empty. */
static void start_catalogs(plan_ctx *ctx)
{
	mg_project *p = ctx->project;
	const char *schema = mg_catalog_default_schema(ctx->analysis->catalog);
	ctx->cat = mg_catalog_new(ctx->arena, schema);
	ctx->pcat = mg_catalog_new(ctx->arena, schema);
	const char *file = ctx->analysis->opts.schema_file;
	if (file && ctx->analysis->graph && ctx->analysis->graph->have_baseline) {
		size_t n = p->diags.count;
		mg_baseline_load(p, ctx->cat, file);
		mg_baseline_load(p, ctx->pcat, file);
		p->diags.count = n;
	}
	ctx->release_known = ctx->analysis->graph && ctx->analysis->graph->release &&
	                     ctx->analysis->graph->release->selected;
	ctx->sqlw = (mg_sqlw){ctx->arena, schema, p->engine.major};
	mg_map_init(&ctx->chosen, ctx->arena);
	mg_map_init(&ctx->index_tails, ctx->arena);
}

/* Walks the history as the replay of the analysis does: changesets
 * before the release only move the catalogs on; every statement of the
 * release goes to the rewriter.  What may hold rows follows the replay's
 * reading (everything deployed before the release; without a release
 * selection, everything before the changeset itself). */
static void walk_history(plan_ctx *ctx)
{
	mg_project *p = ctx->project;
	bool release_started = false, before_release = false;
	for (size_t i = 0; i < p->n_changesets; i++) {
		const mg_changeset *cs = p->changesets[i];
		if (skipped(cs))
			continue;
		bool rel = in_release(cs);
		if (rel && !release_started) {
			release_started = true;
			if (before_release) {
				mg_catalog_assume_rows(ctx->cat);
				mg_catalog_assume_rows(ctx->pcat);
			}
		}
		if (!ctx->release_known) {
			mg_catalog_assume_rows(ctx->cat);
			mg_catalog_assume_rows(ctx->pcat);
		}
		before_release = before_release || !rel;
		ctx->cs = cs;
		for (size_t k = 0; k < cs->n_stmts; k++) {
			const mg_statement *st = cs->stmts[k];
			ctx->stmt = st;
			ctx->stmt_index = k;
			mg_catalog_set_statement(ctx->cat, st->sql, st->sql_len);
			mg_catalog_set_statement(ctx->pcat, st->sql, st->sql_len);
			plan_note_statement(ctx);
			if (rel) {
				plan_rewrite_statement(ctx);
				continue;
			}
			for (size_t j = 0; j < st->n_ops && !st->parse_failed; j++) {
				plan_apply_original(ctx, st->ops[j]);
				mg_catalog_apply(ctx->pcat, st->ops[j], cs->index, NULL, NULL);
			}
		}
		mg_catalog_set_statement(ctx->cat, NULL, 0);
		mg_catalog_set_statement(ctx->pcat, NULL, 0);
	}
	ctx->cs = NULL;
	ctx->stmt = NULL;
}

mg_plan *mg_plan_build(mg_analysis *analysis)
{
	mg_project *p = analysis->project;
	plan_ctx ctx = {0};
	ctx.analysis = analysis;
	ctx.project = p;
	ctx.arena = &p->arena;
	ctx.plan = mg_arena_alloc(&p->arena, sizeof *ctx.plan);
	ctx.plan->analysis = analysis;
	ctx.plan->n_releases = 1;
	ctx.plan->deploy = analysis->opts.deploy;
	if (!analysis->opts.deploy_given && analysis->profile && analysis->profile->has_deploy)
		ctx.plan->deploy = analysis->profile->deploy;

	start_catalogs(&ctx);
	walk_history(&ctx);
	plan_add_deploy_steps(&ctx);
	link_dependencies(&ctx);
	order_steps(&ctx);
	plan_rollback(&ctx);
	plan_deploy_waivers(&ctx);
	plan_verify(&ctx);
	plan_assess(&ctx);
	return ctx.plan;
}
