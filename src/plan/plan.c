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
 * A column change defines its column and uses its table; DML uses the
 * table and its added columns and defines its rows; what checks rows
 * (SET NOT NULL, a constraint, a unique index, a type change) uses them.
 * A DROP COLUMN defines only its column, so a data change of the same
 * table is never dragged into the contract with it. */
typedef struct step_keys {
	const char **defines;
	size_t n_defines, cap_defines;
	const char **uses;
	size_t n_uses, cap_uses;
	bool additive;   /* only adds: cannot break an earlier use of what it defines */
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
		k->additive = true;
		break;
	default:
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
	for (size_t i = 0; i < op->n_depends; i++)
		use(a, k, key_of(a, "rel", op->depends[i].schema, op->depends[i].name, NULL));
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
	mg_map last_def, last_use;
	mg_map_init(&last_def, a);
	mg_map_init(&last_use, a);
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
		keys_of_op(a, s->op, &k);
		for (size_t j = 0; j < k.n_uses; j++) {
			size_t d = (size_t)mg_map_get(&last_def, k.uses[j]);
			if (d && d - 1 != i)
				add_dependency(a, s, d - 1, k.uses[j]);
		}
		for (size_t j = 0; j < k.n_defines; j++) {
			size_t d = (size_t)mg_map_get(&last_def, k.defines[j]);
			if (d && d - 1 != i)
				add_dependency(a, s, d - 1, k.defines[j]);
			size_t u = k.additive ? 0 : (size_t)mg_map_get(&last_use, k.defines[j]);
			if (u && u - 1 != i)
				add_dependency(a, s, u - 1, k.defines[j]);
		}
		for (size_t j = 0; j < k.n_defines; j++)
			mg_map_put(&last_def, k.defines[j], (void *)(uintptr_t)(i + 1));
		for (size_t j = 0; j < k.n_uses; j++)
			mg_map_put(&last_use, k.uses[j], (void *)(uintptr_t)(i + 1));
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

	for (size_t i = 0; i < p->n_changesets; i++) {
		const mg_changeset *cs = p->changesets[i];
		if (!in_release(cs))
			continue;
		ctx.cs = cs;
		for (size_t k = 0; k < cs->n_stmts; k++) {
			ctx.stmt = cs->stmts[k];
			ctx.stmt_index = k;
			plan_rewrite_statement(&ctx);
		}
	}
	ctx.cs = NULL;
	ctx.stmt = NULL;
	plan_add_deploy_steps(&ctx);
	link_dependencies(&ctx);
	order_steps(&ctx);
	plan_rollback(&ctx);
	plan_verify(&ctx);
	plan_assess(&ctx);
	return ctx.plan;
}
