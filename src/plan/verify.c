/*
 * verify.c: the verification plan.
 *
 * Pre-deploy: rehearse on staging at production scale; compare the table
 * sizes the estimates assume with pg_total_relation_size; the longest
 * open transaction against the profile's; the free disk that rewrites and
 * concurrent index builds need (twice the table); replication lag before
 * starting.
 *
 * After each step: smoke queries from what the step does and the schema
 * it leaves (the catalog replayed in plan order): objects exist or are
 * gone, columns have the type, NOT NULL and default intended, constraints
 * exist (validated unless meant NOT VALID), indexes are valid and ready,
 * the backfill's own completeness query.
 *
 * Post-deploy: every object the release made exists, its constraints are
 * validated and its indexes valid; no lock waits; replication lag within
 * the SLO; an EXPLAIN per new index, run after ANALYZE, naming it.
 *
 * Every smoke query returns rows only when something is wrong, and reads
 * only the catalogs and statistics views: safe on a primary and a replica.
 * The on-call checklist follows: what to watch per phase, when to abort,
 * and the order to roll back in.
 */
#include <string.h>

#include "migraph/sqlwrite.h"
#include "migraph/catalog.h"
#include "migraph/graph.h"
#include "migraph/profile.h"
#include "migraph/rollback.h"
#include "plan/plan_int.h"
#include "plan/verify_int.h"

#define DEFAULT_MAX_LOCK_MS VERIFY_DEFAULT_MAX_LOCK_MS
#define DEFAULT_MAX_LAG_S VERIFY_DEFAULT_MAX_LAG_S

typedef struct vctx {
	plan_ctx *ctx;
	const mg_catalog *start;
	const char *default_schema;
	/* What release 1 makes (relations, validated constraints, indexes),
	 * for the post-deploy checks of what is still there at its end. */
	mg_object *made;
	size_t n_made, cap_made;
	mg_map seen;
	int release;          /* of the step being checked */
} vctx;

static void made(vctx *v, mg_object o)
{
	mg_arena *a = v->ctx->arena;
	const char *k = mg_arena_printf(a, "%d:%s.%s.%s", (int)o.kind, o.schema ? o.schema : "",
	                                o.table ? o.table : "", o.name ? o.name : "");
	if (v->release != 1 || mg_map_get(&v->seen, k))
		return;
	mg_map_put(&v->seen, k, v);
	if (v->n_made == v->cap_made) {
		size_t ncap = v->cap_made ? v->cap_made * 2 : 16;
		v->made = mg_arena_grow(a, v->made, sizeof *v->made, v->n_made, ncap);
		v->cap_made = ncap;
	}
	v->made[v->n_made++] = o;
}

/* ---- SQL text --------------------------------------------------------------- */

static void put_lit(mg_buf *b, const char *s)
{
	mg_buf_putc(b, '\'');
	for (; s && *s; s++) {
		if (*s == '\'')
			mg_buf_putc(b, '\'');
		mg_buf_putc(b, *s);
	}
	mg_buf_putc(b, '\'');
}

/* A relation's name as text for to_regclass(): quoted where PostgreSQL
 * needs it, schema-qualified (the search_path of whoever runs the check is
 * not the migrations'); callers pass the schema, defaulted by the run. */
const char *verify_regname(mg_arena *a, const char *schema, const char *name)
{
	mg_buf b = MG_BUF_INIT;
	if (schema) {
		mg_sql_put_ident(&b, schema);
		mg_buf_putc(&b, '.');
	}
	mg_sql_put_ident(&b, name);
	const char *s = mg_arena_strdup(a, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return s;
}

static const char *reg_lit(mg_arena *a, const char *schema, const char *name)
{
	mg_buf b = MG_BUF_INIT;
	put_lit(&b, verify_regname(a, schema, name));
	const char *s = mg_arena_strdup(a, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return s;
}

const char *verify_lit(mg_arena *a, const char *text)
{
	mg_buf b = MG_BUF_INIT;
	put_lit(&b, text);
	const char *s = mg_arena_strdup(a, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return s;
}

static const char *schema_of(const vctx *v, const char *schema)
{
	return schema ? schema : v->default_schema;
}

/* ---- Smoke queries per operation ---------------------------------------------- */

static void check(vctx *v, mg_plan_step *s, const char *title, const char *sql)
{
	mg_check *c = plan_add_check(v->ctx, MG_CHECK_POST_STEP, title, sql, "no rows");
	c->has_step = true;
	c->step = s->index;
}

static void rel_exists(vctx *v, mg_plan_step *s, const char *schema, const char *name, bool present)
{
	mg_arena *a = v->ctx->arena;
	const char *rn = verify_regname(a, schema_of(v, schema), name);
	if (present)
		made(v, (mg_object){MG_OBJ_TABLE, schema_of(v, schema), NULL, name});
	check(v, s, mg_arena_printf(a, "%s %s", rn, present ? "exists" : "is gone"),
	      mg_arena_printf(a, "SELECT %s AS problem WHERE to_regclass(%s) IS %sNULL;",
	                      verify_lit(a, mg_arena_printf(a, "%s %s", rn, present ? "is missing"
	                                                                     : "still exists")),
	                      reg_lit(a, schema_of(v, schema), name), present ? "" : "NOT "));
}

/* A name the step removes, as the step leaves it: gone, unless the step
 * itself puts something else there (a table renamed behind a view of its
 * old name), whose own operation checks it. */
static void rel_gone(vctx *v, mg_plan_step *s, const mg_catalog *after, const char *schema,
                     const char *name)
{
	if (after && mg_catalog_relation(after, schema_of(v, schema), name))
		return;
	rel_exists(v, s, schema, name, false);
}

/* The column as the step leaves it: present with its type, NOT NULL and
 * default, or gone.  The type is compared by OID through to_regtype, which
 * says NULL (no check) for a type name PostgreSQL would not know. */
static void column_state(vctx *v, mg_plan_step *s, const mg_catalog *cat, const char *schema,
                         const char *table, const char *col)
{
	mg_arena *a = v->ctx->arena;
	const mg_cat_relation *rel = mg_catalog_relation(cat, schema, table);
	const mg_cat_column *c = mg_catalog_column(rel, col);
	const char *t = reg_lit(a, schema_of(v, schema), table);
	const char *where = mg_arena_printf(a, "%s.%s", verify_regname(a, schema_of(v, schema), table), col);
	if (!c) {
		check(v, s, mg_arena_printf(a, "column %s is gone", where),
		      mg_arena_printf(a,
		                      "SELECT %s AS problem FROM pg_attribute\n"
		                      "WHERE attrelid = to_regclass(%s) AND attname = %s AND NOT "
		                      "attisdropped;",
		                      verify_lit(a, mg_arena_printf(a, "column %s still exists", where)), t,
		                      verify_lit(a, col)));
		return;
	}
	mg_buf b = MG_BUF_INIT;
	mg_buf_printf(&b,
	              "SELECT %s AS problem\n"
	              "WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = "
	              "to_regclass(%s)\n  AND a.attname = %s AND NOT a.attisdropped",
	              verify_lit(a, mg_arena_printf(a, "column %s is missing or not as intended", where)), t,
	              verify_lit(a, col));
	if (c->type)
		mg_buf_printf(&b, "\n  AND (to_regtype(%s) IS NULL OR a.atttypid = to_regtype(%s))",
		              verify_lit(a, c->type), verify_lit(a, c->type));
	if (!c->uncertain)
		mg_buf_printf(&b, "\n  AND a.attnotnull = %s", c->not_null ? "true" : "false");
	if (!c->uncertain && !c->identity && !c->generated)
		mg_buf_printf(&b, "\n  AND a.atthasdef = %s", c->default_expr ? "true" : "false");
	mg_buf_puts(&b, ");");
	check(v, s,
	      mg_arena_printf(a, "column %s: type %s%s%s", where, c->type ? c->type : "as written",
	                      c->not_null ? ", NOT NULL" : "", c->default_expr ? ", with its default" : ""),
	      mg_arena_strdup(a, mg_buf_cstr(&b)));
	mg_buf_dispose(&b);
}

static void constraint_state(vctx *v, mg_plan_step *s, const mg_catalog *cat, const char *schema,
                             const char *table, const char *name)
{
	mg_arena *a = v->ctx->arena;
	const mg_cat_constraint *k = mg_catalog_constraint(mg_catalog_relation(cat, schema, table),
	                                                   name);
	const char *t = reg_lit(a, schema_of(v, schema), table);
	const char *where = mg_arena_printf(a, "%s on %s", name, verify_regname(a, schema_of(v, schema), table));
	if (!k) {
		check(v, s, mg_arena_printf(a, "constraint %s is gone", where),
		      mg_arena_printf(a,
		                      "SELECT conname AS problem FROM pg_constraint WHERE conrelid = "
		                      "to_regclass(%s) AND conname = %s;",
		                      t, verify_lit(a, name)));
		return;
	}
	check(v, s,
	      mg_arena_printf(a, "constraint %s exists%s", where,
	                      k->validated ? " and is validated" : " (NOT VALID until its validation)"),
	      mg_arena_printf(a,
	                      "SELECT %s AS problem\n"
	                      "WHERE NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = "
	                      "to_regclass(%s)\n  AND conname = %s%s);",
	                      verify_lit(a, mg_arena_printf(a, "constraint %s is missing%s", where,
	                                             k->validated ? " or not validated" : "")),
	                      t, verify_lit(a, name), k->validated ? " AND convalidated" : ""));
	if (k->validated)
		made(v, (mg_object){MG_OBJ_CONSTRAINT, schema_of(v, schema), table, name});
}

static void index_state(vctx *v, mg_plan_step *s, const char *schema, const char *name,
                        bool present)
{
	mg_arena *a = v->ctx->arena;
	if (!present)
		return rel_exists(v, s, schema, name, false);
	const char *ix = reg_lit(a, schema_of(v, schema), name);
	const char *rn = verify_regname(a, schema_of(v, schema), name);
	check(v, s, mg_arena_printf(a, "index %s exists, valid and ready", rn),
	      mg_arena_printf(a,
	                      "SELECT %s AS problem\n"
	                      "WHERE NOT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = "
	                      "to_regclass(%s)\n  AND indisvalid AND indisready);",
	                      verify_lit(a, mg_arena_printf(a, "index %s is missing, INVALID or not ready "
	                                                "(a failed CONCURRENTLY build: drop it and "
	                                                "build again)",
	                                             rn)),
	                      ix));
}

static const char *index_name_after(const mg_catalog *before, const mg_catalog *after,
                                    const mg_operation *op)
{
	if (op->object.name)
		return op->object.name;
	mg_object on = mg_op_table(op);
	const char *s = on.schema, *t = on.name;
	const mg_cat_relation *r = mg_catalog_relation(after, s, t);
	for (size_t i = 0; r && i < r->n_indexes; i++)
		if (!mg_catalog_index_table(before, s, r->indexes[i].name, NULL))
			return r->indexes[i].name;
	return NULL;
}

static void op_checks(vctx *v, mg_plan_step *s, const mg_catalog *before, const mg_catalog *after,
                      const mg_operation *op)
{
	mg_object on = mg_op_table(op);
	const char *ts = on.schema, *tn = on.name;
	const mg_object *o = &op->object;
	switch (op->kind) {
	case MG_OP_CREATE_TABLE:
	case MG_OP_CREATE_VIEW:
	case MG_OP_CREATE_MATERIALIZED_VIEW:
	case MG_OP_CREATE_SEQUENCE:
		return rel_exists(v, s, o->schema, o->name, true);
	case MG_OP_DROP_TABLE:
	case MG_OP_DROP_VIEW:
	case MG_OP_DROP_MATERIALIZED_VIEW:
	case MG_OP_DROP_SEQUENCE:
		return rel_gone(v, s, after, o->schema, o->name);
	case MG_OP_RENAME_TABLE:
	case MG_OP_RENAME_VIEW:
	case MG_OP_RENAME_SEQUENCE:
		if (!op->new_name)
			return;
		rel_exists(v, s, o->schema, op->new_name, true);
		return rel_gone(v, s, after, o->schema, o->name);
	case MG_OP_ADD_COLUMN:
	case MG_OP_DROP_COLUMN:
	case MG_OP_ALTER_COLUMN_TYPE:
	case MG_OP_SET_DEFAULT:
	case MG_OP_DROP_DEFAULT:
	case MG_OP_SET_NOT_NULL:
	case MG_OP_DROP_NOT_NULL:
		return column_state(v, s, after, ts, tn, o->name);
	case MG_OP_RENAME_COLUMN:
		if (!op->new_name)
			return;
		column_state(v, s, after, ts, tn, op->new_name);
		return column_state(v, s, after, ts, tn, o->name);
	case MG_OP_ADD_CONSTRAINT: {
		const char *name = op->constraint && op->constraint->name ? op->constraint->name : o->name;
		if (!name) { /* the engine named it: the new one on the table */
			const mg_cat_relation *r = mg_catalog_relation(after, ts, tn);
			const mg_cat_relation *b = mg_catalog_relation(before, ts, tn);
			for (size_t i = 0; r && i < r->n_constraints && !name; i++)
				if (!mg_catalog_constraint(b, r->constraints[i].name))
					name = r->constraints[i].name;
		}
		if (name)
			constraint_state(v, s, after, ts, tn, name);
		return;
	}
	case MG_OP_VALIDATE_CONSTRAINT:
	case MG_OP_DROP_CONSTRAINT:
		if (o->name)
			constraint_state(v, s, after, ts, tn, o->name);
		return;
	case MG_OP_RENAME_CONSTRAINT:
		if (o->name && op->new_name) {
			constraint_state(v, s, after, ts, tn, op->new_name);
			constraint_state(v, s, after, ts, tn, o->name);
		}
		return;
	case MG_OP_CREATE_INDEX: {
		const char *name = index_name_after(before, after, op);
		if (!name)
			return;
		index_state(v, s, ts, name, true);
		made(v, (mg_object){MG_OBJ_INDEX, schema_of(v, ts), NULL, name});
		return;
	}
	case MG_OP_DROP_INDEX:
		return index_state(v, s, o->schema, o->name, false);
	case MG_OP_RENAME_INDEX:
		if (!op->new_name)
			return;
		index_state(v, s, o->schema, op->new_name, true);
		return index_state(v, s, o->schema, o->name, false);
	default:
		return;
	}
}

/* The checks after a step compare the schema before it with the one after.
 * The before side is a second catalog that follows the walk one step
 * behind: each step's names are borrowed from it (a partial copy that
 * shares the arrays), then it takes the step itself.  A copy per step
 * made a step cost the width of the table it touches. */
typedef struct walk_state {
	vctx *v;
	mg_catalog *behind;    /* the schema before the current step */
	mg_catalog *before;    /* the names the current step touches, borrowed from behind */
	mg_catalog *end_of_1;  /* the schema once release 1 is out */
	mg_arena scratch;      /* holds before, for one step */
} walk_state;

static void snapshot_before(plan_ctx *ctx, void *data, mg_catalog *cat, mg_plan_step *s,
                            mg_statement *const *stmts, size_t n)
{
	walk_state *w = data;
	w->before = NULL;
	w->v->release = s->release;
	if (!w->behind)
		w->behind = mg_catalog_copy(cat, ctx->arena, NULL, 0);
	if (s->release > 1 && !w->end_of_1)
		w->end_of_1 = mg_catalog_copy(cat, ctx->arena, NULL, 0);
	if (!n || s->kind != MG_STEP_SQL)
		return;
	/* Only the names a step's operations touch are asked of the schema
	 * before it. */
	size_t n_ops = 0;
	const mg_operation **ops = plan_stmts_ops(ctx, stmts, n, &n_ops);
	mg_object *only = mg_arena_alloc(ctx->arena, (2 * n_ops + 1) * sizeof *only);
	size_t k = 0;
	for (size_t i = 0; i < n_ops; i++) {
		only[k++] = ops[i]->object;
		if (ops[i]->related.name)
			only[k++] = ops[i]->related;
	}
	mg_arena_init(&w->scratch);
	w->before = mg_catalog_borrow(w->behind, &w->scratch, only, k);
}

static void checks_after(plan_ctx *ctx, void *data, mg_catalog *cat, mg_plan_step *s,
                         mg_statement *const *stmts, size_t n)
{
	walk_state *w = data;
	vctx *v = w->v;
	if (s->kind == MG_STEP_BACKFILL && s->backfill && s->backfill->verify_sql) {
		check(v, s,
		      mg_arena_printf(ctx->arena, "backfill of %s is complete",
		                      verify_regname(ctx->arena, schema_of(v, s->backfill->table.schema),
		                              s->backfill->table.name)),
		      s->backfill->verify_sql);
	} else if (w->before) {
		size_t n_ops = 0;
		const mg_operation **ops = plan_stmts_ops(ctx, stmts, n, &n_ops);
		for (size_t i = 0; i < n_ops; i++)
			op_checks(v, s, w->before, cat, ops[i]);
		w->before = NULL;
		mg_arena_free(&w->scratch);
	}
	/* Nothing borrows from behind now: it catches up, as the walk did. */
	mg_replay_statements(w->behind, stmts, n, s->has_changeset ? s->changeset : 0, NULL, NULL);
}

/* ---- Post-deploy ----------------------------------------------------------------- */

static double slo_lock_ms(const mg_profile *p)
{
	return p && p->max_lock_ms.known ? p->max_lock_ms.value : DEFAULT_MAX_LOCK_MS;
}

static double slo_lag_s(const mg_profile *p)
{
	return p && p->max_replication_lag_s.known ? p->max_replication_lag_s.value : DEFAULT_MAX_LAG_S;
}

static const char *assumed(const mg_profile *p, bool known)
{
	(void)p;
	return known ? "" : " (no SLO in the profile: a default)";
}

const char *verify_lag_sql(mg_arena *a, double lag_s)
{
	return mg_arena_printf(
		a,
		"SELECT application_name AS standby, replay_lag AS lag FROM pg_stat_replication\n"
		"WHERE replay_lag > interval '%.0f seconds'\n"
		"UNION ALL\n"
		"SELECT 'this replica', now() - pg_last_xact_replay_timestamp()\n"
		"WHERE pg_is_in_recovery() AND now() - pg_last_xact_replay_timestamp() > interval '%.0f "
		"seconds';",
		lag_s, lag_s);
}

const char *verify_lock_wait_sql(mg_arena *a, double ms)
{
	return mg_arena_printf(
		a,
		"SELECT pid, wait_event_type, wait_event, now() - query_start AS waiting, "
		"left(query, 120) AS query\n"
		"FROM pg_stat_activity\n"
		"WHERE wait_event_type = 'Lock' AND now() - query_start > interval '%.0f milliseconds';",
		ms);
}

/* A query the new index should serve: equality on its leading column
 * (or expression), the predicate of a partial index, run after ANALYZE. */
static void explain_check(vctx *v, const mg_cat_relation *rel, const mg_cat_index *ix, bool fresh)
{
	mg_arena *a = v->ctx->arena;
	const char *rn = verify_regname(a, rel->schema, rel->name);
	const char *xn = ix->name;
	if (!ix->columns.count || (ix->method && !mg_str_ieq(ix->method, "btree") &&
	                           !mg_str_ieq(ix->method, "hash"))) {
		plan_add_check(v->ctx, MG_CHECK_POST_DEPLOY,
		               mg_arena_printf(a, "EXPLAIN a query %s serves (%s index: write one by hand)",
		                               xn, ix->method ? ix->method : "expression"),
		               NULL, mg_arena_printf(a, "a plan naming %s", xn));
		return;
	}
	mg_buf lead = MG_BUF_INIT;
	const char *c = ix->columns.items[0];
	if (strpbrk(c, "( "))
		mg_buf_puts(&lead, c);
	else
		mg_sql_put_ident(&lead, c);
	const char *l = mg_arena_strdup(a, mg_buf_cstr(&lead));
	mg_buf_dispose(&lead);
	mg_buf b = MG_BUF_INIT;
	mg_buf_printf(&b, "ANALYZE %s;\nEXPLAIN (COSTS OFF) SELECT * FROM %s\nWHERE %s = (SELECT %s FROM "
	                  "%s WHERE %s IS NOT NULL%s%s LIMIT 1)",
	              rn, rn, l, l, rn, l, ix->where_expr ? " AND " : "",
	              ix->where_expr ? ix->where_expr : "");
	if (ix->where_expr)
		mg_buf_printf(&b, "\n  AND %s", ix->where_expr);
	mg_buf_puts(&b, ";");
	plan_add_check(v->ctx, MG_CHECK_POST_DEPLOY,
	               mg_arena_printf(a, "EXPLAIN: queries on %s use %s%s", l, xn,
	                               fresh ? " (once the new table holds rows)" : ""),
	               mg_arena_strdup(a, mg_buf_cstr(&b)),
	               mg_arena_printf(a, "\"Index Scan using %s\", \"Index Only Scan using %s\" or "
	                                  "\"Bitmap Index Scan on %s\"",
	                               xn, xn, xn));
	mg_buf_dispose(&b);
}

/* Still there at the end of release 1 (a later step may drop it again). */
static bool still_there(const mg_catalog *end, const mg_object *o)
{
	if (!end)
		return true;
	switch (o->kind) {
	case MG_OBJ_INDEX: return mg_catalog_index_table(end, o->schema, o->name, NULL) != NULL;
	case MG_OBJ_CONSTRAINT: {
		const mg_cat_constraint *k =
			mg_catalog_constraint(mg_catalog_relation(end, o->schema, o->table), o->name);
		return k && k->validated;
	}
	default: return mg_catalog_relation(end, o->schema, o->name) != NULL;
	}
}

static void post_deploy(vctx *v, const mg_catalog *end)
{
	plan_ctx *ctx = v->ctx;
	mg_arena *a = ctx->arena;
	const mg_profile *pr = ctx->analysis->profile;
	mg_buf rels = MG_BUF_INIT, cons = MG_BUF_INIT, idxs = MG_BUF_INIT;
	for (size_t i = 0; i < v->n_made; i++) {
		const mg_object *o = &v->made[i];
		if (!still_there(end, o))
			continue;
		const char *sep = o->kind == MG_OBJ_INDEX        ? (idxs.len ? ", " : "")
		                  : o->kind == MG_OBJ_CONSTRAINT ? (cons.len ? ", " : "")
		                                                 : (rels.len ? ", " : "");
		if (o->kind == MG_OBJ_INDEX)
			mg_buf_printf(&idxs, "%s(%s)", sep, reg_lit(a, o->schema, o->name));
		else if (o->kind == MG_OBJ_CONSTRAINT)
			mg_buf_printf(&cons, "%s(%s, %s)", sep, reg_lit(a, o->schema, o->table),
			              verify_lit(a, o->name));
		else
			mg_buf_printf(&rels, "%s(%s)", sep, reg_lit(a, o->schema, o->name));
	}
	if (rels.len)
		plan_add_check(ctx, MG_CHECK_POST_DEPLOY, "every relation the release creates exists",
		               mg_arena_printf(a,
		                               "SELECT v.rel AS problem FROM (VALUES %s) AS v(rel)\n"
		                               "WHERE to_regclass(v.rel) IS NULL;",
		                               mg_buf_cstr(&rels)),
		               "no rows");
	if (cons.len)
		plan_add_check(ctx, MG_CHECK_POST_DEPLOY,
		               "every constraint the release adds or validates exists and is validated",
		               mg_arena_printf(a,
		                               "SELECT v.rel || ' ' || v.con AS problem\n"
		                               "FROM (VALUES %s) AS v(rel, con)\n"
		                               "LEFT JOIN pg_constraint c ON c.conrelid = to_regclass(v.rel) "
		                               "AND c.conname = v.con\n"
		                               "WHERE c.oid IS NULL OR NOT c.convalidated;",
		                               mg_buf_cstr(&cons)),
		               "no rows");
	if (idxs.len)
		plan_add_check(ctx, MG_CHECK_POST_DEPLOY,
		               "every index the release builds is valid and ready (pg_index.indisvalid)",
		               mg_arena_printf(a,
		                               "SELECT v.idx AS problem\n"
		                               "FROM (VALUES %s) AS v(idx)\n"
		                               "LEFT JOIN pg_index i ON i.indexrelid = to_regclass(v.idx)\n"
		                               "WHERE i.indexrelid IS NULL OR NOT i.indisvalid OR NOT "
		                               "i.indisready;",
		                               mg_buf_cstr(&idxs)),
		               "no rows");
	mg_buf_dispose(&rels);
	mg_buf_dispose(&cons);
	mg_buf_dispose(&idxs);
	plan_add_check(ctx, MG_CHECK_POST_DEPLOY,
	               mg_arena_printf(a, "no query waits on a lock longer than %.0f ms%s",
	                               slo_lock_ms(pr), assumed(pr, pr && pr->max_lock_ms.known)),
	               verify_lock_wait_sql(a, slo_lock_ms(pr)), "no rows");
	plan_add_check(ctx, MG_CHECK_POST_DEPLOY,
	               mg_arena_printf(a, "replication lag within %.0f s%s", slo_lag_s(pr),
	                               assumed(pr, pr && pr->max_replication_lag_s.known)),
	               verify_lag_sql(a, slo_lag_s(pr)), "no rows");
	for (size_t i = 0; end && i < v->n_made; i++) {
		if (v->made[i].kind != MG_OBJ_INDEX)
			continue;
		mg_cat_index *ix = NULL;
		const mg_cat_relation *rel =
			mg_catalog_index_table(end, v->made[i].schema, v->made[i].name, &ix);
		if (rel && ix && !ix->constraint)
			explain_check(v, rel, ix,
			              !v->start || !mg_catalog_relation(v->start, rel->schema, rel->name));
	}
}

void plan_verify(plan_ctx *ctx)
{
	vctx v = {ctx, NULL, mg_project_default_schema(ctx->project), NULL, 0, 0, {0}, 1};
	mg_map_init(&v.seen, ctx->arena);
	const mg_graph *g = ctx->analysis->graph;
	v.start = g ? g->before_release : NULL;
	if (v.start)
		v.default_schema = mg_catalog_default_schema(v.start);
	plan_verify_pre_deploy(ctx);
	walk_state w = {&v, NULL, NULL, NULL, {0}};
	/* The post-deploy state is the end of release 1: release 2 (the
	 * contract) has checks of its own after each of its steps. */
	mg_catalog *end = v.start ? plan_walk(ctx, snapshot_before, checks_after, &w) : NULL;
	post_deploy(&v, w.end_of_1 ? w.end_of_1 : end);
	plan_oncall(ctx);
}
