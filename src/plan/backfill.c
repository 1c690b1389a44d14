/*
 * backfill.c: batched, resumable backfills.
 *
 * A backfill is built from what the release itself says about the table
 * at that point of the history: the catalog is replayed up to the
 * statement being rewritten (a table dropped or re-keyed later in the
 * release still has the key it had then), falling back to the schema
 * after the whole history for tables the replay cannot see (a baseline
 * given with --schema).  The key is the primary key, or else a unique
 * key on NOT NULL columns; without one there is no safe keyset, and the
 * plan says so instead of guessing (ctid ranges would revisit rows an
 * UPDATE moves, changing them twice).
 *
 * Names the scripts create (the procedure, the checkpoint and dead-letter
 * tables) are checked against both catalogs and against the plan's other
 * backfills, and kept within PostgreSQL's 63 bytes.
 */
#include <string.h>

#include "migraph/sqlwrite.h"
#include "migraph/catalog.h"
#include "migraph/sql.h"
#include "plan/backfill_int.h"

#define NAMEDATALEN_MAX 63

struct plan_backfill_state {
	mg_catalog *cat;  /* replayed up to the statement being rewritten */
	size_t next_cs;   /* the next changeset position to apply */
	size_t next_stmt; /* and statement within it */
	mg_map used;      /* names taken by this plan's backfills */
	mg_map helpers;   /* schema -> "checkpoint\tdead_letter" */
};

static plan_backfill_state *state_of(plan_ctx *ctx)
{
	if (ctx->backfill_state)
		return ctx->backfill_state;
	plan_backfill_state *st = mg_arena_alloc(ctx->arena, sizeof *st);
	const mg_catalog *final = ctx->analysis->catalog;
	st->cat = mg_catalog_new(ctx->arena, final ? mg_catalog_default_schema(final) : mg_project_default_schema(ctx->project));
	mg_map_init(&st->used, ctx->arena);
	mg_map_init(&st->helpers, ctx->arena);
	ctx->backfill_state = st;
	return st;
}

static bool skipped(const mg_changeset *cs)
{
	return (cs->flags & (MG_CSF_FILTERED | MG_CSF_NOT_APPLICABLE | MG_CSF_IGNORED)) != 0;
}

static void apply_statement(plan_backfill_state *st, const mg_changeset *cs, const mg_statement *s)
{
	if (s->parse_failed)
		return;
	mg_catalog_set_statement(st->cat, s->sql, s->sql_len);
	for (size_t k = 0; k < s->n_ops; k++)
		mg_catalog_apply(st->cat, s->ops[k], cs->index, NULL, NULL);
	mg_catalog_set_statement(st->cat, NULL, 0);
}

/* Replays every statement before the current one (statements are
 * rewritten in execution order, so this only ever moves forward). */
static void advance(plan_ctx *ctx, plan_backfill_state *st)
{
	const mg_project *p = ctx->project;
	size_t stop_cs = ctx->cs ? ctx->cs->index : p->n_changesets;
	size_t stop_stmt = ctx->cs ? ctx->stmt_index : 0;
	while (st->next_cs < p->n_changesets &&
	       (st->next_cs < stop_cs || (st->next_cs == stop_cs && st->next_stmt < stop_stmt))) {
		const mg_changeset *cs = p->changesets[st->next_cs];
		if (skipped(cs) || st->next_stmt >= cs->n_stmts) {
			st->next_cs++;
			st->next_stmt = 0;
			continue;
		}
		apply_statement(st, cs, cs->stmts[st->next_stmt]);
		st->next_stmt++;
	}
}

static const mg_cat_relation *find_relation(plan_ctx *ctx, plan_backfill_state *st,
                                            const mg_object *t)
{
	const mg_cat_relation *rel = mg_catalog_relation(st->cat, t->schema, t->name);
	if (!rel && ctx->analysis->catalog)
		rel = mg_catalog_relation(ctx->analysis->catalog, t->schema, t->name);
	return rel;
}

const mg_cat_relation *plan_backfill_relation(plan_ctx *ctx, const mg_object *table)
{
	plan_backfill_state *st = state_of(ctx);
	advance(ctx, st);
	return find_relation(ctx, st, table);
}

/* Every key part is a column of the table (not an expression). */
static bool plain_columns(const mg_cat_relation *rel, const mg_name_list *cols)
{
	if (!cols->count)
		return false;
	for (size_t i = 0; i < cols->count; i++)
		if (!cols->items[i] || !mg_catalog_column(rel, cols->items[i]))
			return false;
	return true;
}

static bool all_not_null(const mg_cat_relation *rel, const mg_name_list *cols)
{
	for (size_t i = 0; i < cols->count; i++) {
		const mg_cat_column *c = mg_catalog_column(rel, cols->items[i]);
		if (!c || !c->not_null)
			return false;
	}
	return true;
}

bool plan_backfill_key(const mg_cat_relation *rel, mg_name_list *key, const char **how)
{
	for (size_t i = 0; i < rel->n_constraints; i++)
		if (rel->constraints[i].kind == MG_CONSTRAINT_PRIMARY_KEY &&
		    plain_columns(rel, &rel->constraints[i].columns)) {
			*key = rel->constraints[i].columns;
			*how = "primary key";
			return true;
		}
	for (size_t i = 0; i < rel->n_indexes; i++)
		if (rel->indexes[i].primary && plain_columns(rel, &rel->indexes[i].columns)) {
			*key = rel->indexes[i].columns;
			*how = "primary key";
			return true;
		}
	for (size_t i = 0; i < rel->n_constraints; i++)
		if (rel->constraints[i].kind == MG_CONSTRAINT_UNIQUE &&
		    plain_columns(rel, &rel->constraints[i].columns) &&
		    all_not_null(rel, &rel->constraints[i].columns)) {
			*key = rel->constraints[i].columns;
			*how = rel->constraints[i].name ? rel->constraints[i].name : "a unique key";
			return true;
		}
	for (size_t i = 0; i < rel->n_indexes; i++)
		if (rel->indexes[i].unique && rel->indexes[i].valid &&
		    !rel->indexes[i].where_expr && plain_columns(rel, &rel->indexes[i].columns) &&
		    all_not_null(rel, &rel->indexes[i].columns)) {
			*key = rel->indexes[i].columns;
			*how = rel->indexes[i].name ? rel->indexes[i].name : "unique index";
			return true;
		}
	return false;
}

/* ---- names ----------------------------------------------------------- */

static bool name_taken(plan_ctx *ctx, plan_backfill_state *st, const char *schema, const char *name)
{
	const mg_catalog *cats[2] = {st->cat, ctx->analysis->catalog};
	for (int i = 0; i < 2; i++) {
		if (!cats[i])
			continue;
		if (mg_catalog_relation(cats[i], schema, name) ||
		    mg_catalog_has_function(cats[i], schema, name) ||
		    mg_catalog_has_type(cats[i], schema, name))
			return true;
	}
	return mg_map_get(&st->used,
	                  mg_arena_printf(ctx->arena, "%s.%s", schema ? schema : "", name)) != NULL;
}

/* base, truncated to fit NAMEDATALEN with room for a "_N" suffix, then
 * the first free one of base, base_2, base_3 ... */
static const char *free_name(plan_ctx *ctx, plan_backfill_state *st, const char *schema,
                             const char *base)
{
	size_t max = NAMEDATALEN_MAX - 4;
	char *b = mg_arena_strdup(ctx->arena, base);
	if (strlen(b) > max) {
		b[max] = '\0';
		/* Never cut a UTF-8 sequence in half. */
		size_t n = max;
		while (n > 0 && ((unsigned char)b[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 0 && ((unsigned char)b[n - 1] & 0xC0) == 0xC0)
			n--;
		b[n] = '\0';
	}
	const char *name = b;
	for (int i = 2; name_taken(ctx, st, schema, name); i++)
		name = mg_arena_printf(ctx->arena, "%s_%d", b, i);
	mg_map_put(&st->used, mg_arena_printf(ctx->arena, "%s.%s", schema ? schema : "", name),
	           (void *)name);
	return name;
}

/* schema.name as the backfill scripts spell it: the schema left out when
 * unqualified names resolve to it. */
static const char *qualified(plan_ctx *ctx, const char *schema, const char *name)
{
	mg_buf b = MG_BUF_INIT;
	mg_sql_put_qualified(&b, mg_catalog_default_schema(ctx->analysis->catalog), schema, name);
	const char *r = mg_arena_strdup(ctx->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}

const char *plan_backfill_ident(mg_arena *a, const char *name)
{
	mg_buf b = MG_BUF_INIT;
	mg_sql_put_ident(&b, name);
	const char *r = mg_arena_strdup(a, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}

/* The checkpoint and dead-letter tables of a schema: one pair per plan,
 * shared by its backfills (a row per backfill). */
static void helpers(plan_ctx *ctx, plan_backfill_state *st, const char *schema,
                    const char **checkpoint, const char **dead_letter)
{
	const char *key = schema ? schema : "";
	const char **pair = mg_map_get(&st->helpers, key);
	if (!pair) {
		pair = mg_arena_alloc(ctx->arena, 2 * sizeof *pair);
		pair[0] = qualified(ctx, schema,
		                    free_name(ctx, st, schema, "migraph_backfill_checkpoint"));
		pair[1] = qualified(ctx, schema,
		                    free_name(ctx, st, schema, "migraph_backfill_dead_letter"));
		mg_map_put(&st->helpers, key, pair);
	}
	*checkpoint = pair[0];
	*dead_letter = pair[1];
}

/* ---- sizing input ---------------------------------------------------- */

static void size_input(plan_ctx *ctx, const mg_object *t, bf_size_in *in)
{
	const mg_profile *p = ctx->analysis->profile;
	*in = (bf_size_in){0};
	in->table = mg_arena_printf(ctx->arena, "%s.%s", t->schema ? t->schema : mg_project_default_schema(ctx->project), t->name);
	in->rewrite_bytes_s = MG_PROFILE_DEFAULT_REWRITE_MB_S * 1e6;
	if (!p)
		return;
	in->has_profile = true;
	const mg_profile_table *pt = mg_profile_find(p, t->schema, t->name);
	in->table_known = pt != NULL;
	if (!pt)
		pt = &p->default_table;
	in->rows = pt->rows;
	in->bytes = pt->bytes;
	in->write_qps = pt->write_qps;
	in->max_lock_ms = p->max_lock_ms;
	in->max_replication_lag_s = p->max_replication_lag_s;
	if (p->replica_apply_mb_s.known) {
		in->replica_apply_bytes_s.known = true;
		in->replica_apply_bytes_s.value = p->replica_apply_mb_s.value * 1e6;
	}
	if (p->rewrite_bytes_s > 0)
		in->rewrite_bytes_s = p->rewrite_bytes_s;
	in->rewrite_given = p->rewrite_bytes_s != MG_PROFILE_DEFAULT_REWRITE_MB_S * 1e6;
}

/* ---- the backfill ---------------------------------------------------- */

static const char *unbatched(plan_ctx *ctx, const bf_spec *s)
{
	const char *from =
	    s->alias ? mg_arena_printf(ctx->arena, "%s%s AS %s", s->only ? "ONLY " : "", s->table,
	                               s->alias)
	             : mg_arena_printf(ctx->arena, "%s%s", s->only ? "ONLY " : "", s->table);
	const char *where =
	    s->predicate ? mg_arena_printf(ctx->arena, " WHERE %s", s->predicate) : "";
	if (s->set_clause)
		return mg_arena_printf(ctx->arena, "UPDATE %s SET %s%s%s%s;", from, s->set_clause,
		                       s->from_clause ? " FROM " : "",
		                       s->from_clause ? s->from_clause : "", where);
	return mg_arena_printf(ctx->arena, "DELETE FROM %s%s%s%s;", from,
	                       s->from_clause ? " USING " : "",
	                       s->from_clause ? s->from_clause : "", where);
}

mg_backfill *plan_backfill_build(plan_ctx *ctx, const mg_object *table, const char *alias,
                                 bool only, const char *set_clause, const char *from_clause,
                                 const char *predicate, const char *select_predicate,
                                 bool idempotent, const char *source_sql)
{
	mg_arena *a = ctx->arena;
	plan_backfill_state *st = state_of(ctx);
	advance(ctx, st);
	mg_backfill *b = mg_arena_alloc(a, sizeof *b);
	b->table = *table;
	b->table.kind = MG_OBJ_TABLE;
	if (!b->table.schema && ctx->analysis->catalog)
		b->table.schema = mg_catalog_default_schema(ctx->analysis->catalog);
	b->set_clause = set_clause;
	b->predicate = predicate;
	b->source_sql = source_sql;
	const mg_object *t = &b->table;

	bf_size_in in;
	size_input(ctx, t, &in);
	bf_size_out sz;
	plan_backfill_size(a, &in, &sz);
	b->rows_known = in.rows.known;
	b->rows = in.rows.known ? in.rows.value : 0;
	b->batch_size = sz.batch_size;
	b->pause_ms = sz.pause_ms;
	b->runtime_known = sz.runtime_known;
	b->runtime_ms = sz.runtime_ms;
	b->sizing_reasoning = sz.reasoning;

	bf_spec s = {0};
	s.table = qualified(ctx, t->schema, t->name);
	s.table_label = in.table;
	s.alias = alias ? plan_backfill_ident(a, alias) : NULL;
	s.ref = alias ? s.alias : plan_backfill_ident(a, t->name);
	s.only = only;
	s.set_clause = set_clause;
	s.from_clause = from_clause;
	s.predicate = predicate;
	s.select_predicate = select_predicate;
	s.idempotent = idempotent && (predicate || !set_clause);
	s.batch_size = sz.batch_size;
	s.pause_ms = sz.pause_ms;
	s.major = ctx->project->engine.major;

	const mg_cat_relation *rel = find_relation(ctx, st, t);
	const char *how = NULL;
	mg_name_list key = {0};
	const char *why_not = NULL;
	if (ctx->project->engine.kind != MG_ENGINE_POSTGRESQL)
		why_not = "the backfill scripts are written for PostgreSQL only";
	else if (!rel)
		why_not =
		    "migraph does not know the table's columns at this point (created by something "
		    "it cannot read, or not in the history)";
	else if (!plan_backfill_key(rel, &key, &how))
		why_not =
		    "the table has no primary key and no unique key on NOT NULL columns to page "
		    "through";
	if (why_not) {
		b->key_known = false;
		b->run_sql = unbatched(ctx, &s);
		b->failure_handling = mg_arena_printf(
		    a,
		    "Not batched: %s. The change runs as one statement, holding the row lock of "
		    "every row it changes until it commits; give the table a primary key first, or "
		    "run it in a maintenance window.",
		    why_not);
		plan_add_note(ctx, "backfill of %s not batched: %s; the statement runs as written",
		              in.table, why_not);
		goto out;
	}
	b->key_known = true;
	b->key = key;
	s.n_key = key.count;
	s.key = mg_arena_alloc(a, key.count * sizeof *s.key);
	s.key_type = mg_arena_alloc(a, key.count * sizeof *s.key_type);
	for (size_t i = 0; i < key.count; i++) {
		s.key[i] = plan_backfill_ident(a, key.items[i]);
		s.key_type[i] = mg_arena_printf(a, "%s.%s%%TYPE", s.table, s.key[i]);
	}
	s.name = free_name(ctx, st, t->schema, mg_arena_printf(a, "migraph_backfill_%s", t->name));
	s.name_lit = mg_sql_literal(a, s.name);
	s.proc = qualified(ctx, t->schema, s.name);
	helpers(ctx, st, t->schema, &s.checkpoint, &s.dead_letter);
	bf_scripts sc;
	plan_backfill_sql(a, &s, &sc);
	b->setup_sql = sc.setup;
	b->script_sql = sc.script;
	b->run_sql = sc.run;
	b->progress_sql = sc.progress;
	b->verify_sql = sc.verify;
	b->cleanup_sql = sc.cleanup;
	b->failure_handling = sc.failure_handling;
	b->name = s.name;
	b->checkpoint_table = s.checkpoint;
	b->dead_letter_table = s.dead_letter;
	b->idempotent = s.idempotent;
	if (strcmp(how, "primary key") != 0)
		b->sizing_reasoning = mg_arena_printf(
		    a, "%s Keyset on %s (the table has no primary key).", b->sizing_reasoning, how);
out:;
	mg_plan *plan = ctx->plan;
	mg_arena_push(a, (void ***)&plan->backfills, &plan->n_backfills, &plan->backfills_cap, b);
	return b;
}

/* The SET list taken apart as the statement "UPDATE t SET list". */
static bool set_parts(plan_ctx *ctx, const char *set_clause, mg_sql_dml *d)
{
	const char *sql = mg_arena_printf(ctx->arena, "UPDATE t SET %s", set_clause);
	return mg_sql_dml_parts(ctx->arena, sql, strlen(sql), NULL, d) == 0 && !d->from_clause &&
	       !d->where_clause;
}

mg_name_list plan_backfill_set_columns(plan_ctx *ctx, const char *set_clause)
{
	mg_sql_dml d;
	if (!set_clause || !set_parts(ctx, set_clause, &d))
		return (mg_name_list){0};
	return d.set_columns;
}

/* True when every expression of the SET list gives the same value however
 * often it runs (reads no column it sets, nothing volatile or stable): only
 * then can a predicate tell a done row from one to do. */
static bool set_is_constant(plan_ctx *ctx, const char *set_clause)
{
	mg_sql_dml d;
	if (!set_parts(ctx, set_clause, &d))
		return false;
	return !d.set_reads_targets && !d.set_default && !d.set_subfield && !d.multi_assign &&
	       d.set_exprs.count == d.set_columns.count &&
	       (d.set_volatility == MG_VOLATILITY_NONE ||
	        d.set_volatility == MG_VOLATILITY_CONSTANT);
}

mg_backfill *plan_backfill_new(plan_ctx *ctx, const mg_object *table, const char *set_clause,
                               const char *predicate, const char *source_sql)
{
	/* The caller's predicate pages the keys too; the generated selection
	 * falls back to the key alone where it fails on a row. */
	bool idempotent = set_clause ? predicate && set_is_constant(ctx, set_clause) : true;
	return plan_backfill_build(ctx, table, NULL, false, set_clause, NULL, predicate, predicate,
	                           idempotent, source_sql);
}
