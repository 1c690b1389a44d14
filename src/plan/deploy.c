/*
 * deploy.c: the application deploy steps, from the deploy strategy and
 * from what the release's steps change.
 *
 * Release 1 has one deploy step between the expand and the backfill: it
 * says what the new version may and must do (write a new column, read a
 * renamed column only once its backfill is done, write a column that is
 * about to become NOT NULL), and how the strategy rolls it out.  When the
 * plan has a contract, release 2 starts with a deploy step too: every
 * instance must run a version that no longer uses what the contract
 * drops, before it runs.
 *
 * What these steps make safe, a check of the steps' own SQL cannot see:
 * the waivers record it per step (a NOT NULL after the deploy, the
 * contract's drops), for the emitted migrations to carry.
 */
#include <string.h>

#include "migraph/graph.h"
#include "migraph/rollback.h"
#include "plan/rewrite_int.h"

static const char *strategy_text(mg_deploy d)
{
	switch (d) {
	case MG_DEPLOY_SINGLE:
		return "Single: stop the application, run the steps of this release, start the new "
		       "version; no two versions run at once, but each step still takes the locks it "
		       "takes.";
	case MG_DEPLOY_BLUE_GREEN:
		return "Blue-green: start the new version in the idle environment against the same "
		       "database; switch traffic once it is healthy (and once the backfills below are "
		       "done if it reads what they fill); keep the old environment until the contract "
		       "release so traffic can switch back.";
	case MG_DEPLOY_CANARY:
		return "Canary: send a small share of traffic (say 5%) to the new version, watch error "
		       "rates and latency, then widen to every instance; both versions share the "
		       "database throughout.";
	case MG_DEPLOY_ROLLING:
	default:
		return "Rolling: instances are replaced one at a time, so the previous and the new "
		       "version run side by side until the last one is replaced; every schema change "
		       "before this step is one both can live with.";
	}
}

typedef struct facts {
	mg_buf news;        /* columns and tables the new version may use */
	mg_buf must_write;  /* columns about to become NOT NULL */
	mg_buf dropped;     /* what the contract removes */
} facts;

static void add_name(mg_buf *b, const mg_object *o)
{
	if (b->len)
		mg_buf_puts(b, ", ");
	mg_object_put(b, o);
}

/* The synced-column change whose shadow column is `name` on the table of
 * op, or NULL. */
static const plan_app_change *shadow_of(const plan_ctx *ctx, const mg_object *o, const char *name)
{
	for (size_t i = 0; i < ctx->n_app; i++) {
		const plan_app_change *c = &ctx->app[i];
		if (c->kind == PLAN_APP_SYNCED_COLUMN && mg_str_eq(c->table, o->table) &&
		    mg_str_eq(c->shadow, name))
			return c;
	}
	return NULL;
}

/* A column the shadow rewrite adds, or the old column a type change swaps
 * out: announced with their change (describe_app), never on their own. */
static bool is_plan_column(const plan_ctx *ctx, const mg_operation *op)
{
	const mg_object *o = &op->object;
	if (op->kind == MG_OP_ADD_COLUMN)
		return shadow_of(ctx, o, o->name) != NULL;
	for (size_t i = 0; i < ctx->n_app; i++) {
		const plan_app_change *c = &ctx->app[i];
		if (c->kind == PLAN_APP_SYNCED_COLUMN && c->type_change && mg_str_eq(c->table, o->table) &&
		    mg_str_eq(c->old_name, o->name))
			return true;
	}
	return false;
}

static void collect(plan_ctx *ctx, facts *f)
{
	mg_plan *plan = ctx->plan;
	for (size_t i = 0; i < plan->n_steps; i++) {
		const mg_plan_step *s = plan->steps[i];
		for (size_t k = 0; k < s->n_ops; k++) {
			const mg_operation *op = s->ops[k];
			const mg_object *o = &op->object;
			if (s->phase == MG_PHASE_CONTRACT) {
				if (op->kind == MG_OP_DROP_COLUMN && !is_plan_column(ctx, op))
					add_name(&f->dropped, o);
				else if (op->kind == MG_OP_DROP_TABLE || op->kind == MG_OP_DROP_VIEW)
					add_name(&f->dropped, o);
				continue;
			}
			if (op->kind == MG_OP_ADD_COLUMN && !is_plan_column(ctx, op)) {
				add_name(&f->news, o);
			} else if (op->kind == MG_OP_CREATE_TABLE) {
				add_name(&f->news, o);
			} else if (op->kind == MG_OP_SET_NOT_NULL) {
				/* A shadow column is filled by its trigger from the column
				 * the application writes. */
				const plan_app_change *c = shadow_of(ctx, o, o->name);
				mg_object written = *o;
				if (c)
					written.name = c->old_name;
				add_name(&f->must_write, &written);
			}
		}
	}
}

static void describe_app(plan_ctx *ctx, mg_buf *b)
{
	for (size_t i = 0; i < ctx->n_app; i++) {
		const plan_app_change *c = &ctx->app[i];
		const char *bf = c->backfill ? c->backfill->title : NULL;
		if (c->kind == PLAN_APP_RENAMED_TABLE) {
			mg_buf_printf(b, " The new version uses table %s.%s; the previous one keeps using %s "
			                 "through the compatibility view.",
			              c->schema, c->new_name, c->old_name);
		} else if (c->type_change) {
			mg_buf_printf(b, " %s.%s.%s keeps its name and its old type during this release (a "
			                 "trigger fills its replacement): the new version must work with "
			                 "either type, since the contract switches it.",
			              c->schema, c->table, c->old_name);
		} else {
			mg_buf_printf(b, " The new version reads and writes %s.%s.%s instead of %s; a "
			                 "trigger copies every write to the other column, so either "
			                 "version may write.  Read %s only once \"%s\" is done (until then read %s, or "
			                 "coalesce(%s, %s)).",
			              c->schema, c->table, c->new_name, c->old_name, c->new_name,
			              bf ? bf : "the backfill", c->old_name, c->new_name, c->old_name);
		}
	}
}

void plan_add_deploy_steps(plan_ctx *ctx)
{
	mg_arena *a = ctx->arena;
	mg_deploy d = ctx->plan->deploy;
	facts f = {MG_BUF_INIT, MG_BUF_INIT, MG_BUF_INIT};
	collect(ctx, &f);
	mg_plan_step *s = plan_add_step(
		ctx, MG_PHASE_DEPLOY, MG_STEP_APP_DEPLOY,
		mg_arena_printf(a, "Deploy the new application version (%s)", mg_deploy_name(d)));
	mg_buf why = MG_BUF_INIT;
	mg_buf_puts(&why, strategy_text(d));
	if (f.news.len)
		mg_buf_printf(&why, " The new version may use %s, added in the expand.",
		              mg_buf_cstr(&f.news));
	describe_app(ctx, &why);
	if (f.must_write.len)
		mg_buf_printf(&why, " %s become%s NOT NULL in the validate phase: every version that "
		                    "still runs then must write %s on insert.",
		              mg_buf_cstr(&f.must_write), strchr(mg_buf_cstr(&f.must_write), ',') ? "" : "s",
		              strchr(mg_buf_cstr(&f.must_write), ',') ? "them" : "it");
	if (f.dropped.len)
		mg_buf_printf(&why, " The new version must no longer read or write %s: the next "
		                    "release drops %s.",
		              mg_buf_cstr(&f.dropped), strchr(mg_buf_cstr(&f.dropped), ',') ? "them" : "it");
	if (!f.news.len && !ctx->n_app && !f.must_write.len && !f.dropped.len)
		mg_buf_puts(&why, " No schema change of this release needs the application's "
		                  "cooperation: deploy at any point after the expand.");
	s->why = mg_arena_strdup(a, mg_buf_cstr(&why));
	s->in_transaction = false;
	s->reversibility = MG_REV_REVERSIBLE;
	bool contract = false;
	for (size_t i = 0; i < ctx->plan->n_steps; i++)
		contract |= ctx->plan->steps[i]->phase == MG_PHASE_CONTRACT;
	if (contract) {
		mg_plan_step *c = plan_add_step(
			ctx, MG_PHASE_DEPLOY, MG_STEP_APP_DEPLOY,
			"Confirm no instance runs the previous application version");
		c->release = 2;
		c->in_transaction = false;
		c->reversibility = MG_REV_REVERSIBLE;
		mg_buf_clear(&why);
		mg_buf_printf(&why, "The contract removes what only the previous version used%s%s%s: "
		                    "before it runs, every instance must run the version deployed in "
		                    "release 1 (%s).",
		              f.dropped.len ? " (" : "", f.dropped.len ? mg_buf_cstr(&f.dropped) : "",
		              f.dropped.len ? ")" : "",
		              d == MG_DEPLOY_BLUE_GREEN ? "retire the old environment first"
		              : d == MG_DEPLOY_CANARY   ? "the canary fully rolled out"
		              : d == MG_DEPLOY_SINGLE   ? "stop it, run the contract, start it"
		                                        : "the rollout finished on every instance");
		c->why = mg_arena_strdup(a, mg_buf_cstr(&why));
	}
	mg_buf_dispose(&why);
	mg_buf_dispose(&f.news);
	mg_buf_dispose(&f.must_write);
	mg_buf_dispose(&f.dropped);
}

/* ---- What the deploy steps answer ----------------------------------------- */

typedef struct waive {
	const mg_plan_step *deploy;   /* release 1's deploy step */
	const mg_plan_step *confirm;  /* release 2's: no instance runs the old version */
} waive;

static void add_waiver(plan_ctx *ctx, mg_plan_step *s, const char *rule, const mg_operation *op,
                       const char *reason)
{
	s->waivers = mg_arena_grow(ctx->arena, s->waivers, sizeof *s->waivers, s->n_waivers,
	                           s->n_waivers + 1);
	s->waivers[s->n_waivers++] = (mg_step_waiver){rule, op->kind, op->object, reason};
}

/* The synced-column change a type change made of column `name`, or NULL. */
static const plan_app_change *type_change_of(const plan_ctx *ctx, const mg_object *o,
                                             const char *name)
{
	for (size_t i = 0; i < ctx->n_app; i++) {
		const plan_app_change *c = &ctx->app[i];
		if (c->kind == PLAN_APP_SYNCED_COLUMN && c->type_change && mg_str_eq(c->table, o->table) &&
		    mg_str_eq(c->old_name, name))
			return c;
	}
	return NULL;
}

static void waive_step(plan_ctx *ctx, void *data, mg_catalog *cat, mg_plan_step *s,
                       mg_statement *const *stmts, size_t n)
{
	(void)stmts;
	(void)n;
	const waive *w = data;
	mg_arena *a = ctx->arena;
	if (s->kind != MG_STEP_SQL)
		return;
	bool after_deploy = s->release == 1 && w->deploy && s->index > w->deploy->index;
	bool contract = s->release == 2 && w->confirm && s->index > w->confirm->index;
	for (size_t i = 0; i < s->n_ops; i++) {
		const mg_operation *op = s->ops[i];
		const mg_object *o = &op->object;
		const char *what = o->table ? mg_arena_printf(a, "%s.%s", o->table, o->name)
		                            : mg_arena_printf(a, "%s", o->name ? o->name : "?");
		if (after_deploy && op->kind == MG_OP_SET_NOT_NULL) {
			const mg_cat_relation *rel = mg_catalog_relation(cat, o->schema, o->table);
			const mg_cat_column *c = rel ? mg_catalog_column(rel, o->name) : NULL;
			if (c && c->default_expr)
				continue;
			/* Compatibility rules judge columns the running version knew:
			 * with a release selected, those before it; without one, every
			 * earlier migration counts as deployed. */
			const mg_catalog *start =
			    ctx->analysis->graph ? ctx->analysis->graph->before_release : NULL;
			const mg_cat_relation *was = start ? mg_catalog_relation(start, o->schema, o->table) : NULL;
			if (ctx->release_known && !(was && mg_catalog_column(was, o->name)))
				continue;
			const plan_app_change *sh = shadow_of(ctx, o, o->name);
			add_waiver(ctx, s, "compat-not-null-without-default", op,
			           sh ? mg_arena_printf(a, "plan: the trigger of this plan fills %s from %s "
			                                   "on every insert, whatever version writes",
			                                o->name, sh->old_name)
			              : mg_arena_printf(a, "plan: it runs after step %s, the deploy of the "
			                                   "version that writes %s on insert",
			                                w->deploy->id, what));
		}
		if (!contract)
			continue;
		const plan_app_change *tc =
		    op->kind == MG_OP_DROP_COLUMN ? type_change_of(ctx, o, o->name) : NULL;
		const plan_app_change *own =
		    op->kind == MG_OP_RENAME_COLUMN ? shadow_of(ctx, o, o->name) : NULL;
		const char *gone = mg_arena_printf(
		    a, "plan: release 2 starts once every instance runs the release-1 version (step %s), "
		       "which no longer uses %s",
		    w->confirm->id, what);
		if (op->kind == MG_OP_DROP_COLUMN)
			add_waiver(ctx, s, "compat-drop-column", op,
			           tc ? mg_arena_printf(a, "plan: the contract of the type change: %s takes "
			                                   "the name %s in the same transaction, with every "
			                                   "value",
			                                tc->shadow, o->name)
			              : gone);
		else if (op->kind == MG_OP_DROP_TABLE || op->kind == MG_OP_DROP_VIEW ||
		         op->kind == MG_OP_DROP_MATERIALIZED_VIEW)
			add_waiver(ctx, s, "compat-drop-table", op, gone);
		else if (own && own->type_change)
			add_waiver(ctx, s, "compat-rename-column", op,
			           mg_arena_printf(a, "plan: %s is this plan's own column, which no "
			                              "application version uses by that name",
			                           o->name));
		if (s->hold_until_confirmed && mg_op_destroys_data(op))
			add_waiver(ctx, s, "rollback-irreversible", op,
			           "plan: the later release this rule's safe alternative asks for: held "
			           "back until release 1 is confirmed good, when no running version uses "
			           "it");
	}
}

void plan_deploy_waivers(plan_ctx *ctx)
{
	/* One deploy strategy runs no two versions at once: no compatibility
	 * finding to answer. */
	if (ctx->plan->deploy == MG_DEPLOY_SINGLE)
		return;
	waive w = {NULL, NULL};
	for (size_t i = 0; i < ctx->plan->n_steps; i++) {
		const mg_plan_step *s = ctx->plan->steps[i];
		if (s->kind != MG_STEP_APP_DEPLOY)
			continue;
		if (s->release == 1 && !w.deploy)
			w.deploy = s;
		else if (s->release == 2 && !w.confirm)
			w.confirm = s;
	}
	if (w.deploy || w.confirm)
		plan_walk(ctx, waive_step, NULL, &w);
}
