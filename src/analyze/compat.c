/*
 * compat.c: expand/contract compatibility and the data rules of the
 * catalog replay.
 *
 * The rules read facts the replay recorded for the release's operations
 * (did the table or column exist before the release, the type before a
 * change) and notes of what PostgreSQL would refuse.  Objects created in
 * the same release are never "used by the running version": only what
 * existed before the release can break the application still running.
 * A single (stop, migrate, start) deploy has no old version running, so
 * the breaking-change rules stay quiet for it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "analyze/compat_int.h"
#include "analyze/families.h"
#include "migraph/catalog.h"
#include "migraph/graph.h"
#include "migraph/release.h"

bool an_compat_in_release(const mg_analysis *a, size_t cs)
{
	return cs < a->project->n_changesets &&
	       (a->project->changesets[cs]->flags & MG_CSF_IN_RELEASE) != 0;
}

/* Do changesets x and y ship together?  With a release selection, when both
 * are in it; without one every changeset is its own release (the cautious
 * reading: what earlier changesets did is already live). */
bool an_compat_same_release(const mg_analysis *a, size_t x, size_t y)
{
	const mg_graph *g = a->graph;
	if (g && g->release && g->release->selected)
		return an_compat_in_release(a, x) && an_compat_in_release(a, y);
	return x == y;
}

static bool same_table(const mg_operation *a, const mg_operation *b)
{
	mg_object ta = mg_op_table(a), tb = mg_op_table(b);
	return mg_str_ieq(ta.schema, tb.schema) && mg_str_ieq(ta.name, tb.name);
}

static const char *loc_text(mg_analysis *a, mg_loc l)
{
	return mg_arena_printf(&a->project->arena, "%s:%u", l.file ? l.file : "?", l.line);
}

static bool depends_on(const mg_operation *op, const char *schema, const char *name)
{
	for (size_t i = 0; i < op->n_depends; i++)
		if (mg_str_ieq(op->depends[i].name, name) &&
		    mg_str_ieq(op->depends[i].schema, schema))
			return true;
	return false;
}

/* Does one name contain the other (email and email_address, value and
 * jbvalue)?  Names that short are too common to link anything. */
static bool names_linked(const char *x, const char *y)
{
	if (!x || !y || strlen(x) < 3 || strlen(y) < 3)
		return false;
	size_t lx = strlen(x), ly = strlen(y);
	const char *in = lx < ly ? y : x, *part = lx < ly ? x : y;
	size_t lp = strlen(part);
	for (size_t k = 0; k + lp <= strlen(in); k++)
		if (strncasecmp(in + k, part, lp) == 0)
			return true;
	return false;
}

/* Does an UPDATE of the release fill column neu from column old (it assigns
 * neu and reads old)? */
static bool backfilled_from(const mg_analysis *a, const mg_graph_fact *d, const char *neu,
                            const char *old)
{
	const mg_graph *g = a->graph;
	for (size_t k = 0; k < g->n_facts; k++) {
		const mg_graph_fact *u = &g->facts[k];
		if (u->op->kind != MG_OP_UPDATE || !u->stmt || !u->stmt->sql ||
		    !an_compat_same_release(a, u->changeset, d->changeset) || !same_table(u->op, d->op))
			continue;
		const mg_statement *st = u->stmt;
		const char *set = an_compat_find_word(st->sql, st->sql_len, "set");
		if (!set)
			continue;
		size_t rest = st->sql_len - (size_t)(set - st->sql);
		const char *where = an_compat_find_word(set, rest, "where");
		size_t span = where ? (size_t)(where - set) : rest;
		if (an_compat_find_word(set, span, neu) && an_compat_find_word(set, rest, old))
			return true;
	}
	return false;
}

static bool same_type(const char *x, const char *y);

/* The facts that can replace a dropped column or table: the search for a
 * drop's replacement walks these, not every fact (a release of N drops
 * would cost N^2). */
typedef struct candidates {
	size_t *items;
	size_t n;
	size_t *readd;  /* per DROP COLUMN fact: 1 + the next ADD of that column in its
	                   changeset, or 0 */
	bool built;
} candidates;

/* One pass from the end: for each DROP COLUMN, the nearest later ADD of
 * the same column in the same changeset (a walk forward per drop would
 * cost N^2 on a changeset of N drops). */
static void find_readds(const mg_analysis *a, candidates *c)
{
	const mg_graph *g = a->graph;
	mg_arena *ar = &a->project->arena;
	mg_map next_add;
	mg_map_init(&next_add, ar);
	c->readd = mg_arena_alloc(ar, (g->n_facts + 1) * sizeof *c->readd);
	for (size_t k = g->n_facts; k-- > 0;) {
		const mg_operation *op = g->facts[k].op;
		if (op->kind != MG_OP_ADD_COLUMN && op->kind != MG_OP_DROP_COLUMN)
			continue;
		mg_object t = mg_op_table(op);
		const char *col = op->object.name;
		const char *key = mg_arena_printf(ar, "%zu|%s|%s|%s", g->facts[k].changeset,
		                                  mg_str_lower(ar, t.schema ? t.schema : ""),
		                                  mg_str_lower(ar, t.name ? t.name : ""),
		                                  mg_str_lower(ar, col ? col : ""));
		if (op->kind == MG_OP_ADD_COLUMN)
			mg_map_put(&next_add, key, (void *)(uintptr_t)(k + 1));
		else
			c->readd[k] = (size_t)(uintptr_t)mg_map_get(&next_add, key);
	}
}

static const candidates *replacement_candidates(const mg_analysis *a, candidates *c)
{
	const mg_graph *g = a->graph;
	if (c->built)
		return c;
	c->built = true;
	c->items = mg_arena_alloc(&a->project->arena, (g->n_facts + 1) * sizeof *c->items);
	for (size_t k = 0; k < g->n_facts; k++) {
		mg_op_kind kind = g->facts[k].op->kind;
		if (kind == MG_OP_ADD_COLUMN || kind == MG_OP_RENAME_COLUMN ||
		    kind == MG_OP_INSERT || kind == MG_OP_CREATE_TABLE ||
		    kind == MG_OP_RENAME_TABLE)
			c->items[c->n++] = k;
	}
	find_readds(a, c);
	return c;
}

static bool same_type(const char *x, const char *y);

/* Does the transaction that drops a column (fact i) add it back, same name
 * and same type?  Then the running version never sees it missing: its
 * queries keep working (on fresh values).  Across two transactions, or
 * with another type, the old version does see the change. */
static bool readded_in_transaction(const mg_analysis *a, candidates *cands, size_t i)
{
	const mg_graph_fact *d = &a->graph->facts[i];
	const mg_changeset *cs = a->project->changesets[d->changeset];
	if (d->op->kind != MG_OP_DROP_COLUMN || !cs->run_in_transaction || !d->type_before)
		return false;
	size_t k = replacement_candidates(a, cands)->readd[i];
	const mg_operation *add = k ? a->graph->facts[k - 1].op : NULL;
	return add && add->column && same_type(d->type_before, add->column->type);
}

/* The fact that added the replacement of what fact i drops, or NULL: an
 * added column of the same table that a backfill or its name links to the
 * dropped one, never just any column the release adds. */
static const mg_graph_fact *replacement(const mg_analysis *a, candidates *cands, size_t i)
{
	const mg_graph *g = a->graph;
	const mg_graph_fact *d = &g->facts[i];
	const mg_operation *drop = d->op;
	if (!d->pre_existing || !an_compat_in_release(a, d->changeset) || readded_in_transaction(a, cands, i))
		return NULL;
	const candidates *c = replacement_candidates(a, cands);
	if (drop->kind == MG_OP_DROP_COLUMN) {
		for (size_t j = 0; j < c->n; j++) {
			size_t k = c->items[j];
			const mg_graph_fact *f = &g->facts[k];
			if (!an_compat_same_release(a, f->changeset, d->changeset) || !same_table(f->op, drop))
				continue;
			if (k < i && f->op->kind == MG_OP_ADD_COLUMN &&
			    (names_linked(f->op->object.name, drop->object.name) ||
			     backfilled_from(a, d, f->op->object.name, drop->object.name)))
				return f;
			/* copy-swap: the new column takes the dropped one's name */
			if (k > i && f->op->kind == MG_OP_RENAME_COLUMN && !f->pre_existing &&
			    mg_str_ieq(f->op->new_name, drop->object.name))
				return f;
		}
		return NULL;
	}
	if (drop->kind != MG_OP_DROP_TABLE)
		return NULL;
	mg_object dt = mg_op_table(drop);
	const char *ds = dt.schema, *dn = dt.name;
	for (size_t j = 0; j < c->n; j++) {
		size_t k = c->items[j];
		const mg_graph_fact *f = &g->facts[k];
		if (!an_compat_same_release(a, f->changeset, d->changeset) || k == i)
			continue;
		const mg_operation *op = f->op;
		if (k < i && ((op->kind == MG_OP_INSERT && (op->flags & MG_OPF_AS_SELECT)) ||
		              (op->kind == MG_OP_CREATE_TABLE && (op->flags & MG_OPF_AS_SELECT))) &&
		    depends_on(op, ds, dn) && !mg_str_ieq(mg_op_table(op).name, dn))
			return f;
		if (k > i && op->kind == MG_OP_RENAME_TABLE && !f->pre_existing &&
		    mg_str_ieq(op->new_name, dn))
			return f;
	}
	return NULL;
}

static void compat_drop_after_add(mg_analysis *a, const mg_rule *rule)
{
	mg_graph *g = a->graph;
	mg_arena *ar = &a->project->arena;
	candidates cands = {0};
	for (size_t i = 0; g && i < g->n_facts; i++) {
		const mg_graph_fact *r = replacement(a, &cands, i);
		if (!r)
			continue;
		const mg_graph_fact *d = &g->facts[i];
		mg_severity sev = a->opts.deploy == MG_DEPLOY_SINGLE ? MG_SEV_LOW : rule->default_severity;
		mg_finding *f = mg_analysis_add_finding(a, rule, sev, d->loc,
		                                        a->project->changesets[d->changeset]);
		f->object = d->op->object;
		const char *old = mg_object_text(ar, &d->op->object);
		mg_object dt = mg_op_table(d->op);
		bool column = d->op->kind == MG_OP_DROP_COLUMN;
		const char *neu = r->op->kind == MG_OP_RENAME_COLUMN || r->op->kind == MG_OP_RENAME_TABLE
		                      ? r->op->new_name
		                      : column ? r->op->object.name
		                               : mg_op_table(r->op).name;
		f->message = mg_arena_printf(
			ar, "%s %s is dropped in the same release that adds its replacement %s (%s): the "
			    "application version still running loses it before the new version is live, "
			    "and rolling back means losing data",
			column ? "column" : "table", old, neu ? neu : "?", loc_text(a, r->loc));
		f->safe_alternative =
			column ? mg_arena_printf(ar, "-- this release: keep %s; add and backfill %s, write "
			                             "both from the application\n-- a later release, once "
			                             "no deployed version reads it:\nALTER TABLE %s.%s DROP "
			                             "COLUMN %s;",
			                         d->op->object.name, neu ? neu : "the new column",
			                         dt.schema, dt.name, d->op->object.name)
			       : mg_arena_printf(ar, "-- this release: keep %s (or CREATE VIEW %s AS SELECT ... "
			                             "FROM the new table)\n-- a later release:\nDROP TABLE %s;",
			                         old, old, old);
	}
}

/* ---- breaking changes for rolling / blue-green / canary ----------------- */

typedef struct ptype {
	char base[32];
	int a1, a2;       /* (n) or (p, s); -1 when absent */
} ptype;

static void parse_type(const char *t, ptype *out)
{
	memset(out, 0, sizeof *out);
	out->a1 = out->a2 = -1;
	size_t k = 0;
	const char *p = t;
	while (*p && *p != '(' && k + 1 < sizeof out->base)
		out->base[k++] = *p++;
	while (k && out->base[k - 1] == ' ')
		k--;
	out->base[k] = '\0';
	if (*p == '(') {
		out->a1 = atoi(p + 1);
		const char *c = strchr(p, ',');
		if (c)
			out->a2 = atoi(c + 1);
	}
	static const char *const alias[][2] = {
		{"character varying", "varchar"}, {"character", "char"}, {"bpchar", "char"},
		{"int", "integer"}, {"int4", "integer"}, {"int8", "bigint"}, {"int2", "smallint"},
		{"decimal", "numeric"}, {"float8", "double precision"}, {"float4", "real"},
		{"pg_catalog.varchar", "varchar"}, {"pg_catalog.int4", "integer"},
		{"pg_catalog.int8", "bigint"}, {"pg_catalog.int2", "smallint"},
		{"pg_catalog.bpchar", "char"}, {"pg_catalog.numeric", "numeric"},
		{"pg_catalog.float8", "double precision"}, {"pg_catalog.float4", "real"},
	};
	for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
		if (strcmp(out->base, alias[i][0]) == 0) {
			snprintf(out->base, sizeof out->base, "%s", alias[i][1]);
			break;
		}
}

/* The same type under any of its spellings (int4 and integer, varchar(20)
 * and character varying(20)). */
static bool same_type(const char *x, const char *y)
{
	if (!x || !y)
		return false;
	ptype tx, ty;
	parse_type(x, &tx);
	parse_type(y, &ty);
	return strcasecmp(tx.base, ty.base) == 0 && tx.a1 == ty.a1 && tx.a2 == ty.a2;
}

static int int_rank(const char *b)
{
	if (!strcmp(b, "smallint"))
		return 1;
	if (!strcmp(b, "integer"))
		return 2;
	if (!strcmp(b, "bigint"))
		return 3;
	return 0;
}

static bool is_string(const char *b)
{
	return !strcmp(b, "text") || !strcmp(b, "varchar") || !strcmp(b, "char");
}

/* Would values the old type allows be rejected (or lose data) in the new
 * one?  The rollback derivation asks it too (a rollback after a narrowing
 * cannot bring the lost values back). */
bool an_type_narrows(const char *from, const char *to, const char **why)
{
	if (!from || !to)
		return false;
	ptype f, t;
	parse_type(from, &f);
	parse_type(to, &t);
	int rf = int_rank(f.base), rt = int_rank(t.base);
	if (rf && rt) {
		*why = "a smaller integer type";
		return rt < rf;
	}
	if (is_string(f.base) && is_string(t.base)) {
		if (t.a1 < 0 && strcmp(t.base, "char") != 0)
			return false; /* text or unbounded varchar */
		int tl = t.a1 < 0 ? 1 : t.a1;
		*why = "a shorter string type";
		return f.a1 < 0 || tl < f.a1;
	}
	if (!strcmp(f.base, "numeric")) {
		*why = "less numeric precision";
		if (rt)
			return true;
		if (!strcmp(t.base, "numeric")) {
			if (t.a1 < 0)
				return false;
			if (f.a1 < 0)
				return true;
			int fs = f.a2 < 0 ? 0 : f.a2, ts = t.a2 < 0 ? 0 : t.a2;
			return t.a1 - ts < f.a1 - fs || ts < fs;
		}
		return false;
	}
	if ((!strcmp(f.base, "double precision") || !strcmp(f.base, "real")) && rt) {
		*why = "an integer type (fractions are lost)";
		return true;
	}
	if (!strcmp(f.base, "double precision") && !strcmp(t.base, "real")) {
		*why = "less floating-point precision";
		return true;
	}
	if (rf && is_string(t.base) && t.a1 >= 0 && t.a1 < 20) {
		*why = "a string too short for every number";
		return true;
	}
	return false;
}

static bool adds_not_null_without_default(const mg_operation *op)
{
	const mg_column_def *c = op->column;
	return op->kind == MG_OP_ADD_COLUMN && c && c->not_null && !c->default_expr && !c->identity &&
	       !c->serial && !c->generated_stored;
}

/* True when the changeset that renames a table creates, after the rename,
 * a view under the old name: the previous version's queries keep working
 * through it (a simple view is updatable). */
/* Does an operation of cs after `from` satisfy match(op, from)? */
bool an_compat_later_in_changeset(const mg_changeset *cs, const mg_operation *from,
                                  bool (*match)(const mg_operation *op, const mg_operation *from))
{
	bool after = false;
	for (size_t i = 0; i < cs->n_stmts; i++)
		for (size_t j = 0; j < cs->stmts[i]->n_ops; j++) {
			const mg_operation *op = cs->stmts[i]->ops[j];
			if (op == from)
				after = true;
			else if (after && match(op, from))
				return true;
		}
	return false;
}

static bool view_under_old_name(const mg_operation *op, const mg_operation *rename)
{
	return op->kind == MG_OP_CREATE_VIEW && mg_str_eq(op->object.name, mg_op_table(rename).name) &&
	       mg_str_eq(mg_op_table(op).schema, mg_op_table(rename).schema);
}

static bool old_name_kept(const mg_changeset *cs, const mg_operation *rename)
{
	return an_compat_later_in_changeset(cs, rename, view_under_old_name);
}

/* One operation of the release that may break the application version
 * still running; a check fills msg and alt when it does. */
typedef struct breaking {
	mg_analysis *a;
	mg_arena *ar;
	size_t i;                  /* the fact's index */
	const mg_graph_fact *fa;
	const mg_operation *op;
	const char *s, *t, *c;     /* its table's schema and name, its column */
	const char *deploy;
	const char *msg, *alt;
	candidates *cands;         /* of a replacement, shared by the facts */
} breaking;

/* Calls check for every fact of the release; a rolling, blue-green or
 * canary deploy only (a single deploy runs no old version). */
static void each_breaking(mg_analysis *a, const mg_rule *rule, void (*check)(breaking *b))
{
	mg_graph *g = a->graph;
	if (!g || a->opts.deploy == MG_DEPLOY_SINGLE)
		return;
	candidates cands = {0};
	for (size_t i = 0; i < g->n_facts; i++) {
		const mg_graph_fact *fa = &g->facts[i];
		if (!an_compat_in_release(a, fa->changeset))
			continue;
		mg_object tbl = mg_op_table(fa->op);
		breaking b = {a, &a->project->arena, i, fa, fa->op, tbl.schema, tbl.name,
		              fa->op->object.name, mg_deploy_name(a->opts.deploy), NULL, NULL,
		              &cands};
		check(&b);
		if (!b.msg)
			continue;
		mg_finding *f = mg_analysis_add_finding(a, rule, rule->default_severity, fa->loc,
		                                        a->project->changesets[fa->changeset]);
		f->object = fa->op->object;
		f->message = b.msg;
		f->safe_alternative = b.alt;
	}
}

static void drop_column_breaks(breaking *b)
{
	const char *s = b->s, *t = b->t, *c = b->c;
	if (b->op->kind != MG_OP_DROP_COLUMN || !b->fa->pre_existing ||
	    replacement(b->a, b->cands, b->i) || readded_in_transaction(b->a, b->cands, b->i))
		return;
	b->msg = mg_arena_printf(b->ar, "column %s.%s.%s is dropped while the previous application "
	                                "version may still read or write it (%s deploy): its "
	                                "queries naming the column fail",
	                         s, t, c, b->deploy);
	/* The drop itself belongs to a later migration: pasted in place of
	 * this one, the alternative must not drop the column again. */
	b->alt = mg_arena_printf(b->ar, "-- release N: stop reading and writing %s in the "
	                                "application\n-- release N+1, in a later migration:\n-- "
	                                "ALTER TABLE %s.%s DROP COLUMN %s;",
	                         c, s, t, c);
}

static void drop_table_breaks(breaking *b)
{
	const char *s = b->s, *t = b->t;
	mg_op_kind k = b->op->kind;
	if ((k != MG_OP_DROP_TABLE && k != MG_OP_DROP_VIEW && k != MG_OP_DROP_MATERIALIZED_VIEW) ||
	    !b->fa->pre_existing || replacement(b->a, b->cands, b->i))
		return;
	b->msg = mg_arena_printf(b->ar, "%s.%s is dropped while the previous application version "
	                                "may still query it (%s deploy)",
	                         s, t, b->deploy);
	b->alt = mg_arena_printf(b->ar, "-- release N: stop using %s.%s in the application\n"
	                                "ALTER TABLE %s.%s RENAME TO %s_deprecated;  -- optional, "
	                                "makes leftovers fail loudly\n-- release N+1:\nDROP TABLE "
	                                "%s.%s_deprecated;",
	                         s, t, s, t, t, s, t);
}

static void rename_column_breaks(breaking *b)
{
	const char *s = b->s, *t = b->t, *c = b->c, *n = b->op->new_name;
	if (b->op->kind != MG_OP_RENAME_COLUMN || !b->fa->pre_existing)
		return;
	b->msg = mg_arena_printf(b->ar, "column %s.%s.%s is renamed to %s: the previous application "
	                                "version (%s deploy) still uses the old name and fails",
	                         s, t, c, n ? n : "?", b->deploy);
	/* The catalog knows the type when the column's CREATE or ADD COLUMN
	 * was replayed or --schema gave it; a table made by dynamic SQL, say,
	 * leaves it unknown and the author fills the template. */
	const char *type = b->fa->type_before;
	b->alt = mg_arena_printf(b->ar, "ALTER TABLE %s.%s ADD COLUMN %s %s;  -- release N%s\n"
	                                "-- application writes both %s and %s; backfill:\nUPDATE "
	                                "%s.%s SET %s = %s WHERE %s IS NULL;  -- in batches\n-- "
	                                "release N+1: read %s; release N+2:\nALTER TABLE %s.%s DROP "
	                                "COLUMN %s;",
	                         s, t, n, type ? type : "<type>",
	                         type ? "" : " (<type>: the type of the column, which migraph "
	                                     "does not know)",
	                         c, n, s, t, n, c, n, n, s, t, c);
}

static void rename_table_breaks(breaking *b)
{
	const char *s = b->s, *t = b->t, *n = b->op->new_name;
	if ((b->op->kind != MG_OP_RENAME_TABLE && b->op->kind != MG_OP_RENAME_VIEW) ||
	    !b->fa->pre_existing ||
	    old_name_kept(b->a->project->changesets[b->fa->changeset], b->op))
		return;
	b->msg = mg_arena_printf(b->ar, "%s.%s is renamed to %s: the previous application version "
	                                "(%s deploy) still uses the old name and fails",
	                         s, t, n ? n : "?", b->deploy);
	b->alt = mg_arena_printf(b->ar, "ALTER TABLE %s.%s RENAME TO %s;\nCREATE VIEW %s.%s AS "
	                                "SELECT * FROM %s.%s;  -- keeps the old name working\n-- a "
	                                "later release:\nDROP VIEW %s.%s;",
	                         s, t, n, s, t, s, n, s, t);
}

static void narrowing_type_breaks(breaking *b)
{
	const char *s = b->s, *t = b->t, *c = b->c, *to = b->op->type_to, *why = NULL;
	if (b->op->kind != MG_OP_ALTER_COLUMN_TYPE || !b->fa->pre_existing ||
	    !an_type_narrows(b->fa->type_before, to, &why))
		return;
	b->msg = mg_arena_printf(b->ar, "column %s.%s.%s changes from %s to %s, %s: values the "
	                                "previous version still writes are rejected, and existing "
	                                "rows that do not fit make the migration fail",
	                         s, t, c, b->fa->type_before, to, why);
	b->alt = mg_arena_printf(b->ar, "ALTER TABLE %s.%s ADD CONSTRAINT %s_%s_fits CHECK (<%s "
	                                "fits %s>) NOT VALID;\nALTER TABLE %s.%s VALIDATE CONSTRAINT "
	                                "%s_%s_fits;\n-- once no deployed version writes wider "
	                                "values, in a later release:\nALTER TABLE %s.%s ALTER COLUMN "
	                                "%s TYPE %s;",
	                         s, t, t, c, c, to, s, t, t, c, s, t, c, to);
}

static void not_null_without_default_breaks(breaking *b)
{
	const char *s = b->s, *t = b->t, *c = b->c;
	const mg_operation *op = b->op;
	bool add = adds_not_null_without_default(op) && b->fa->pre_existing && !b->fa->table_has_rows;
	bool set = op->kind == MG_OP_SET_NOT_NULL && b->fa->pre_existing && !b->fa->column_has_default;
	if (!add && !set)
		return;
	b->msg = mg_arena_printf(b->ar, "column %s.%s.%s becomes NOT NULL without a default: "
	                                "INSERTs of the previous application version (%s deploy), "
	                                "which do not set it, fail",
	                         s, t, c, b->deploy);
	b->alt = add ? mg_arena_printf(b->ar, "ALTER TABLE %s.%s ADD COLUMN %s %s DEFAULT <value> "
	                                      "NOT NULL;\n-- or: add it nullable, deploy the "
	                                      "version that writes it, backfill, then SET NOT NULL",
	                               s, t, c, op->column->type ? op->column->type : "<type>")
	             : mg_arena_printf(b->ar, "ALTER TABLE %s.%s ALTER COLUMN %s SET DEFAULT "
	                                      "<value>;  -- first, or wait until every deployed "
	                                      "version writes %s\nALTER TABLE %s.%s ALTER COLUMN %s "
	                                      "SET NOT NULL;",
	                               s, t, c, c, s, t, c);
}

/* Does the release later drop the column, or drop or rename its table?
 * Then that later statement is what breaks the running version. */
static bool goes_later(const breaking *b)
{
	const mg_graph *g = b->a->graph;
	for (size_t k = b->i + 1; k < g->n_facts; k++) {
		const mg_graph_fact *f = &g->facts[k];
		if (!an_compat_same_release(b->a, f->changeset, b->fa->changeset) || !same_table(f->op, b->op))
			continue;
		mg_op_kind kind = f->op->kind;
		if (kind == MG_OP_DROP_TABLE || kind == MG_OP_RENAME_TABLE ||
		    (kind == MG_OP_DROP_COLUMN && mg_str_ieq(f->op->object.name, b->c)))
			return true;
	}
	return false;
}

/* DROP DEFAULT on a NOT NULL column of a live table: the previous version's
 * INSERTs relied on the default (or do not know the column at all, when the
 * release added it with NOT NULL DEFAULT only to fill the rows). */
static void drop_default_breaks(breaking *b)
{
	const char *s = b->s, *t = b->t, *c = b->c;
	if (b->op->kind != MG_OP_DROP_DEFAULT || !b->fa->table_pre_existing ||
	    !b->fa->column_not_null || goes_later(b))
		return;
	b->msg = mg_arena_printf(b->ar, "the default of NOT NULL column %s.%s.%s is dropped: "
	                                "INSERTs of the previous application version (%s deploy), "
	                                "which do not set it, fail",
	                         s, t, c, b->deploy);
	b->alt = mg_arena_printf(b->ar, "-- this release: keep the default of %s\n-- a later "
	                                "release, once every deployed version writes %s, in a later "
	                                "migration:\n-- ALTER TABLE %s.%s ALTER COLUMN %s DROP DEFAULT;",
	                         c, c, s, t, c);
}

static void compat_drop_column(mg_analysis *a, const mg_rule *rule)
{
	each_breaking(a, rule, drop_column_breaks);
}

static void compat_drop_table(mg_analysis *a, const mg_rule *rule)
{
	each_breaking(a, rule, drop_table_breaks);
}

static void compat_rename_column(mg_analysis *a, const mg_rule *rule)
{
	each_breaking(a, rule, rename_column_breaks);
}

static void compat_rename_table(mg_analysis *a, const mg_rule *rule)
{
	each_breaking(a, rule, rename_table_breaks);
}

static void compat_narrowing_type(mg_analysis *a, const mg_rule *rule)
{
	each_breaking(a, rule, narrowing_type_breaks);
}

static void compat_not_null_without_default(mg_analysis *a, const mg_rule *rule)
{
	each_breaking(a, rule, not_null_without_default_breaks);
	each_breaking(a, rule, drop_default_breaks);
}

/* ---- notes from the replay ------------------------------------------- */

/* The views an ALTER COLUMN TYPE statement must drop and re-create: those
 * using a column whose type it changes, then every view reading one of
 * them (DROP VIEW refuses while a dependant exists), in the order they
 * were made.  unknown: a definition was not recorded, or a rename since
 * makes it define something else. */
typedef struct view_set {
	mg_arena *ar;
	const mg_catalog *cat;
	const mg_cat_relation **items; /* found, in any order */
	size_t n, cap;
	const mg_cat_relation **made;  /* the same, in the order they were made */
	size_t n_made;
	const char *column;            /* while collecting a table's views: the column */
	bool unknown;
} view_set;

static void view_set_add(void *ctx, mg_cat_relation *view)
{
	view_set *vs = ctx;
	if (vs->column && !mg_catalog_view_reads_column(view, vs->column))
		return;
	for (size_t i = 0; i < vs->n; i++)
		if (vs->items[i] == view)
			return;
	if (vs->n == vs->cap) {
		size_t ncap = vs->cap ? vs->cap * 2 : 8;
		vs->items = mg_arena_grow(vs->ar, vs->items, sizeof *vs->items, vs->n, ncap);
		vs->cap = ncap;
	}
	vs->items[vs->n++] = view;
	vs->unknown = vs->unknown || !mg_catalog_view_sql_current(view, NULL);
}

static void view_set_order(void *ctx, mg_cat_relation *rel)
{
	view_set *vs = ctx;
	for (size_t i = 0; i < vs->n; i++)
		if (vs->items[i] == rel)
			vs->made[vs->n_made++] = rel;
}

/* The alternative of the ALTER statement st, run on cat as it stands just
 * before it: the statement itself between the DROP and the re-CREATE of
 * the views, with their recorded definitions.  NULL when a definition is
 * not known (the finding keeps its template). */
static const char *views_around(mg_arena *ar, mg_arena *scratch, const mg_catalog *cat,
                                const mg_changeset *cs, const mg_statement *st)
{
	view_set vs = {.ar = scratch, .cat = cat};
	for (size_t k = 0; k < st->n_ops; k++) {
		const mg_operation *op = st->ops[k];
		if (op->kind != MG_OP_ALTER_COLUMN_TYPE || !op->object.name)
			continue;
		mg_object t = mg_op_table(op);
		vs.column = op->object.name;
		mg_catalog_each_dependent_view(cat, mg_catalog_relation(cat, t.schema, t.name),
		                               view_set_add, &vs);
	}
	vs.column = NULL;
	for (size_t i = 0; i < vs.n; i++) /* grows while it runs */
		mg_catalog_each_dependent_view(cat, vs.items[i], view_set_add, &vs);
	if (!vs.n || vs.unknown)
		return NULL;
	/* A Liquibase change has no text of its own: its ALTERs, written out. */
	mg_buf stmt = MG_BUF_INIT;
	bool other = false; /* an operation it cannot write out */
	if (st->sql)
		mg_buf_printf(&stmt, "%.*s;\n", (int)st->sql_len, st->sql);
	for (size_t k = 0; !st->sql && k < st->n_ops; k++) {
		const mg_operation *op = st->ops[k];
		mg_object t = mg_op_table(op);
		if (op->kind == MG_OP_ALTER_COLUMN_TYPE && op->object.name && op->type_to)
			mg_buf_printf(&stmt, "ALTER TABLE %s.%s ALTER COLUMN %s TYPE %s;\n", t.schema,
			              t.name, op->object.name, op->type_to);
		else
			other = true;
	}
	if (!stmt.len || other) {
		free(stmt.data);
		return NULL;
	}
	vs.made = mg_arena_alloc(scratch, vs.n * sizeof *vs.made);
	mg_catalog_each_relation(cat, view_set_order, &vs);
	if (vs.n_made != vs.n) {
		free(stmt.data);
		return NULL;
	}
	mg_buf b = MG_BUF_INIT;
	/* Flyway and Liquibase run the migration in one transaction already;
	 * otherwise the alternative opens its own, so that no reader finds a
	 * view missing and a failure leaves them all in place. */
	mg_buf_puts(&b, cs->run_in_transaction ? "-- in the migration's transaction: readers never "
	                                         "see the views missing\n"
	                                       : "BEGIN;\n");
	for (size_t i = vs.n; i-- > 0;) {
		const mg_cat_relation *v = vs.made[i];
		mg_buf_printf(&b, "DROP %sVIEW %s.%s;\n",
		              v->kind == MG_OBJ_MATERIALIZED_VIEW ? "MATERIALIZED " : "", v->schema,
		              v->name);
	}
	mg_buf_put(&b, stmt.data, stmt.len);
	free(stmt.data);
	for (size_t i = 0; i < vs.n; i++) {
		size_t len = 0;
		const char *def = mg_catalog_view_sql_current(vs.made[i], &len);
		mg_buf_printf(&b, "%.*s;\n", (int)len, def);
	}
	mg_buf_puts(&b, "-- then any GRANT or COMMENT on the views again: DROP took them along");
	if (!cs->run_in_transaction)
		mg_buf_puts(&b, "\nCOMMIT;");
	const char *out = mg_arena_printf(ar, "%.*s", (int)b.len, b.data ? b.data : "");
	free(b.data);
	return out;
}

typedef struct under_view {
	mg_analysis *a;
	mg_arena scratch;
	const char **alts; /* per note of the graph */
} under_view;

static bool release_selected(const mg_analysis *a)
{
	return a->graph && a->graph->release && a->graph->release->selected;
}

/* Replays a changeset with dependent-view notes statement by statement on a
 * copy of the catalog, to see the views as they stand before each ALTER. */
static void under_view_step(void *ctx, mg_catalog *cat, const mg_changeset *cs)
{
	under_view *u = ctx;
	const mg_graph *g = u->a->graph;
	bool any = false;
	for (size_t i = 0; i < g->n_notes && !any; i++)
		any = g->notes[i].kind == MG_NOTE_DEPENDENT_VIEW && g->notes[i].changeset == cs->index;
	if (!any)
		return;
	mg_catalog *c = mg_catalog_copy(cat, &u->scratch, NULL, 0);
	for (size_t k = 0; k < cs->n_stmts; k++) {
		const mg_statement *st = cs->stmts[k];
		const char *alt = NULL;
		bool computed = false;
		for (size_t i = 0; i < g->n_notes; i++) {
			const mg_graph_note *n = &g->notes[i];
			if (n->kind != MG_NOTE_DEPENDENT_VIEW || n->changeset != cs->index)
				continue;
			for (size_t o = 0; o < st->n_ops; o++) {
				if (st->ops[o] != n->op)
					continue;
				if (!computed)
					alt = views_around(&u->a->project->arena, &u->scratch, c, cs, st);
				computed = true;
				u->alts[i] = alt;
			}
		}
		mg_replay_statements(c, &cs->stmts[k], 1, cs->index, NULL, NULL);
	}
}

static void compat_alter_type_under_view(mg_analysis *a, const mg_rule *rule)
{
	mg_graph *g = a->graph;
	mg_arena *ar = &a->project->arena;
	bool any = false;
	for (size_t i = 0; g && i < g->n_notes && !any; i++)
		any = g->notes[i].kind == MG_NOTE_DEPENDENT_VIEW && an_compat_in_release(a, g->notes[i].changeset);
	if (!any)
		return;
	under_view u = {.a = a, .alts = mg_arena_alloc(ar, g->n_notes * sizeof *u.alts)};
	memset(u.alts, 0, g->n_notes * sizeof *u.alts);
	mg_arena_init(&u.scratch);
	mg_replay_release(a->project, g, release_selected(a), under_view_step, &u);
	mg_arena_free(&u.scratch);
	for (size_t i = 0; i < g->n_notes; i++) {
		const mg_graph_note *n = &g->notes[i];
		if (n->kind != MG_NOTE_DEPENDENT_VIEW || !an_compat_in_release(a, n->changeset))
			continue;
		mg_finding *f = mg_analysis_add_finding(a, rule, rule->default_severity, n->loc,
		                                        a->project->changesets[n->changeset]);
		f->object = n->object;
		const char *view = n->detail ? n->detail : "a view reads it";
		f->message = mg_arena_printf(ar, "the type of column %s changes but %s: PostgreSQL "
		                                 "refuses (\"cannot alter type of a column used by a "
		                                 "view or rule\")",
		                             mg_object_text(ar, &n->object), view);
		/* No recorded definition that makes the view again: the author
		 * fills it. */
		f->safe_alternative =
			u.alts[i] ? u.alts[i]
			          : mg_arena_printf(ar, "BEGIN;\nDROP VIEW <the view>;\nALTER TABLE %s.%s "
			                                "ALTER COLUMN %s TYPE %s;\nCREATE VIEW <the view> "
			                                "AS ...;  -- the same definition (migraph has "
			                                "none it can run again)\nCOMMIT;",
			                            n->object.schema, n->object.table, n->object.name,
			                            n->op && n->op->type_to ? n->op->type_to : "<type>");
	}
}

static void compat_drop_still_used(mg_analysis *a, const mg_rule *rule)
{
	mg_graph *g = a->graph;
	mg_arena *ar = &a->project->arena;
	for (size_t i = 0; g && i < g->n_notes; i++) {
		const mg_graph_note *n = &g->notes[i];
		if ((n->kind != MG_NOTE_DROP_IN_USE && n->kind != MG_NOTE_USED_AFTER_DROP) ||
		    !an_compat_in_release(a, n->changeset))
			continue;
		/* CASCADE was written on purpose: the dependants' loss is worth a
		 * look, not a stop. */
		mg_severity sev = n->kind == MG_NOTE_DROP_IN_USE && n->cascade ? MG_SEV_MEDIUM
		                                                               : rule->default_severity;
		mg_finding *f = mg_analysis_add_finding(a, rule, sev, n->loc,
		                                        a->project->changesets[n->changeset]);
		f->object = n->object;
		const char *obj = mg_object_text(ar, &n->object);
		if (n->kind == MG_NOTE_USED_AFTER_DROP) {
			f->message = mg_arena_printf(ar, "%s %s is used here, but %s dropped it: this "
			                                 "statement fails",
			                             mg_object_kind_name(n->object.kind), obj,
			                             loc_text(a, n->other_loc));
			f->safe_alternative = mg_arena_printf(ar, "Drop %s only after its last use, or "
			                                          "remove this use.",
			                                      obj);
			continue;
		}
		f->message = n->cascade
		                 ? mg_arena_printf(ar, "%s is dropped with CASCADE while %s: the "
		                                       "dependant is silently dropped too",
		                                   obj, n->detail ? n->detail : "something uses it")
		                 : mg_arena_printf(ar, "%s is dropped while %s: PostgreSQL refuses the "
		                                       "drop (\"other objects depend on it\")",
		                                   obj, n->detail ? n->detail : "something uses it");
		f->safe_alternative = mg_arena_printf(ar, "-- first, explicitly:\n-- DROP VIEW ... / "
		                                          "ALTER TABLE ... DROP CONSTRAINT ...  (%s)\n-- "
		                                          "then drop %s without CASCADE",
		                                      n->detail ? n->detail : "the dependants", obj);
	}
}

static void data_not_null_without_default(mg_analysis *a, const mg_rule *rule)
{
	mg_graph *g = a->graph;
	mg_arena *ar = &a->project->arena;
	for (size_t i = 0; g && i < g->n_notes; i++) {
		const mg_graph_note *n = &g->notes[i];
		if (n->kind != MG_NOTE_NOT_NULL_ON_ROWS || !an_compat_in_release(a, n->changeset))
			continue;
		mg_finding *f = mg_analysis_add_finding(a, rule, rule->default_severity, n->loc,
		                                        a->project->changesets[n->changeset]);
		f->object = n->object;
		const char *type = n->op && n->op->column && n->op->column->type ? n->op->column->type
		                                                                 : "<type>";
		f->message = mg_arena_printf(ar, "NOT NULL column %s is added without a default, but %s: "
		                                 "PostgreSQL rejects it (\"column contains null values\")",
		                             mg_object_text(ar, &n->object),
		                             n->detail ? n->detail : "the table has rows");
		f->safe_alternative = mg_arena_printf(
			ar, "ALTER TABLE %s.%s ADD COLUMN %s %s DEFAULT <value> NOT NULL;\n-- or: ADD COLUMN "
			    "%s %s; backfill in batches; then SET NOT NULL after a validated CHECK (%s IS NOT "
			    "NULL)",
			n->object.schema, n->object.table, n->object.name, type, n->object.name, type,
			n->object.name);
	}
}

bool an_compat_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Where a word starts in text (whole word, case-insensitive), or NULL. */
const char *an_compat_find_word(const char *text, size_t len, const char *w)
{
	size_t wl = strlen(w);
	for (size_t i = 0; i + wl <= len; i++)
		if (strncasecmp(text + i, w, wl) == 0 && (i == 0 || !an_compat_ident_char(text[i - 1])) &&
		    (i + wl == len || !an_compat_ident_char(text[i + wl])))
			return text + i;
	return NULL;
}

/* Is this UPDATE a backfill of col: it assigns col (between SET and
 * WHERE) to every row, or to the rows where col IS NULL? */
static bool update_sets(const mg_statement *st, const char *col)
{
	const char *set = an_compat_find_word(st->sql, st->sql_len, "set");
	if (!set)
		return false;
	size_t rest = st->sql_len - (size_t)(set - st->sql);
	const char *where = an_compat_find_word(set, rest, "where");
	size_t span = where ? (size_t)(where - set) : rest;
	const char *first = an_compat_find_word(set, span, col);
	if (!first)
		return false;
	/* "SET col = col + 1" transforms values that are there: not a backfill */
	size_t after = (size_t)(first - set) + strlen(col);
	if (an_compat_find_word(first + strlen(col), span - after, col))
		return false;
	if (!where)
		return true;
	size_t wl = rest - span;
	for (const char *p = where; (p = an_compat_find_word(p, wl - (size_t)(p - where), col)) != NULL;
	     p += strlen(col)) {
		const char *q = p + strlen(col);
		while (*q == ' ' || *q == '"' || *q == '\n' || *q == '\t')
			q++;
		if (strncasecmp(q, "is null", 7) == 0 || strncasecmp(q, "is  null", 8) == 0)
			return true;
	}
	return false;
}

/* A constraint whose truth needs values in the column: NULLs fail it. */
static const mg_name_list *needs_values(const mg_operation *op, mg_name_list *one)
{
	if (op->kind == MG_OP_SET_NOT_NULL) {
		one->items = (const char **)&op->object.name;
		one->count = 1;
		return one;
	}
	if (op->kind != MG_OP_ADD_CONSTRAINT || !op->constraint || op->constraint->not_valid)
		return NULL;
	const mg_constraint_def *k = op->constraint;
	if (k->kind == MG_CONSTRAINT_NOT_NULL ||
	    (k->kind == MG_CONSTRAINT_CHECK && k->expr && strstr(k->expr, "not null")) ||
	    (k->kind == MG_CONSTRAINT_CHECK && k->expr && strstr(k->expr, "NOT NULL")))
		return &k->columns;
	return NULL; /* a foreign key or a plain CHECK holds for NULLs */
}

/* The UPDATE facts of the release, per table, in fact order: the rule
 * below looks at one table's UPDATEs, not at every fact of the project,
 * so that a history of 100,000 changesets stays linear. */
typedef struct update_list {
	size_t *idx;
	size_t n;
	size_t cap;
} update_list;

static const char *table_key(mg_arena *ar, const mg_operation *op)
{
	mg_object t = mg_op_table(op);
	return mg_str_lower(ar, mg_object_text(ar, &t));
}

static void index_updates(mg_analysis *a, mg_map *by_table)
{
	mg_graph *g = a->graph;
	mg_arena *ar = &a->project->arena;
	mg_map_init(by_table, ar);
	for (size_t k = 0; g && k < g->n_facts; k++) {
		const mg_graph_fact *e = &g->facts[k];
		if (e->op->kind != MG_OP_UPDATE || !e->stmt || !an_compat_in_release(a, e->changeset))
			continue;
		const char *key = table_key(ar, e->op);
		update_list *l = mg_map_get(by_table, key);
		if (!l) {
			l = mg_arena_alloc(ar, sizeof *l);
			mg_map_put(by_table, key, l);
		}
		if (l->n == l->cap) {
			size_t ncap = l->cap ? l->cap * 2 : 4;
			l->idx = mg_arena_grow(ar, l->idx, sizeof *l->idx, l->n, ncap);
			l->cap = ncap;
		}
		l->idx[l->n++] = k;
	}
}

static void data_constraint_before_backfill(mg_analysis *a, const mg_rule *rule)
{
	mg_graph *g = a->graph;
	mg_arena *ar = &a->project->arena;
	mg_map updates;
	index_updates(a, &updates);
	for (size_t i = 0; g && i < g->n_facts; i++) {
		const mg_graph_fact *fa = &g->facts[i];
		const mg_operation *op = fa->op;
		if (!an_compat_in_release(a, fa->changeset))
			continue;
		mg_name_list one;
		const mg_name_list *cols = needs_values(op, &one);
		if (!cols || !cols->count)
			continue;
		const update_list *ups = mg_map_get(&updates, table_key(ar, op));
		if (!ups)
			continue;
		const char *col = NULL;
		const mg_graph_fact *u = NULL;
		for (size_t c = 0; c < cols->count && !u; c++) {
			bool earlier = false;
			for (size_t j = 0; j < ups->n && ups->idx[j] < i && !earlier; j++)
				earlier = update_sets(g->facts[ups->idx[j]].stmt, cols->items[c]);
			if (earlier)
				continue; /* backfilled before: a later UPDATE is not the backfill */
			for (size_t j = 0; j < ups->n && !u; j++) {
				const mg_graph_fact *e = &g->facts[ups->idx[j]];
				if (ups->idx[j] > i && update_sets(e->stmt, cols->items[c])) {
					u = e;
					col = cols->items[c];
				}
			}
		}
		if (!u)
			continue;
		mg_finding *f = mg_analysis_add_finding(a, rule, rule->default_severity, fa->loc,
		                                        a->project->changesets[fa->changeset]);
		f->object = op->object;
		mg_object tbl = mg_op_table(op);
		const char *ts = tbl.schema, *tn = tbl.name;
		f->message = mg_arena_printf(
			ar, "the constraint on %s.%s.%s is added before the UPDATE that backfills it (%s): "
			    "rows the backfill has not fixed yet make this statement fail",
			ts, tn, col, loc_text(a, u->loc));
		f->safe_alternative = mg_arena_printf(
			ar, "-- 1. backfill first (in batches):\nUPDATE %s.%s SET %s = ... WHERE %s IS NULL;\n"
			    "-- 2. then: ALTER TABLE %s.%s ADD CONSTRAINT %s_%s_not_null CHECK (%s IS NOT NULL) "
			    "NOT VALID;\nALTER TABLE %s.%s VALIDATE CONSTRAINT %s_%s_not_null;\nALTER TABLE %s.%s "
			    "ALTER COLUMN %s SET NOT NULL;",
			ts, tn, col, col, ts, tn, tn, col, col, ts, tn, tn, col, ts, tn, col);
	}
}

/* ---- the family's registry entries --------------------------------------- */

const mg_rule an_compat_rules[] = {
	{
		.id = "compat-drop-after-add",
		.category = MG_CAT_COMPATIBILITY,
		.default_severity = MG_SEV_HIGH,
		.summary = "One release adds an object and drops the one it replaces",
		.doc = "Expand and contract squeezed into one release: the application version still running "
		       "reads the old column or table, which is gone before the new version is live, and there "
		       "is no way back without data loss. A column added in the release is the replacement only "
		       "when an UPDATE fills it from the dropped column or one name contains the other. Safe "
		       "alternative: ship the addition (and a backfill) "
		       "now, move the application to it, and drop the old object in a later release.",
		.example = "-- one release\n"
		           "ALTER TABLE users ADD COLUMN email_address text;\n"
		           "UPDATE users SET email_address = email;\n"
		           "ALTER TABLE users DROP COLUMN email;",
		.versions = "every version: this is about the migrations, not the server",
		.run = compat_drop_after_add,
	},
	{
		.id = "compat-drop-column",
		.category = MG_CAT_COMPATIBILITY,
		.default_severity = MG_SEV_HIGH,
		.summary = "Drops a column the running application version may still use",
		.doc = "During a rolling, blue-green or canary deploy the previous version keeps running "
		       "against the new schema; its queries naming the column fail. Safe alternative: stop "
		       "using the column in one release, drop it in the next.",
		.example = "ALTER TABLE users DROP COLUMN legacy_flags;",
		.versions = "every version: this is about the migrations, not the server",
		.run = compat_drop_column,
	},
	{
		.id = "compat-drop-table",
		.category = MG_CAT_COMPATIBILITY,
		.default_severity = MG_SEV_HIGH,
		.summary = "Drops a table or view the running application version may still use",
		.doc = "The previous application version, still serving traffic during the deploy, fails on "
		       "every query of it. Safe alternative: stop using it first, drop it in a later release "
		       "(or rename it to a *_deprecated name and drop that later).",
		.example = "DROP TABLE user_sessions;",
		.versions = "every version: this is about the migrations, not the server",
		.run = compat_drop_table,
	},
	{
		.id = "compat-rename-column",
		.category = MG_CAT_COMPATIBILITY,
		.default_severity = MG_SEV_HIGH,
		.summary = "Renames a column the running application version uses",
		.doc = "A rename is an add and a drop in one statement: the previous version's queries with the "
		       "old name fail at once. Safe alternative: add the new column, write both, backfill, "
		       "switch reads, drop the old column in a later release.",
		.example = "ALTER TABLE users RENAME COLUMN name TO full_name;",
		.versions = "every version: this is about the migrations, not the server",
		.run = compat_rename_column,
	},
	{
		.id = "compat-rename-table",
		.category = MG_CAT_COMPATIBILITY,
		.default_severity = MG_SEV_HIGH,
		.summary = "Renames a table the running application version uses",
		.doc = "The previous version's queries with the old name fail at once. Safe alternative: "
		       "rename, then CREATE VIEW old_name AS SELECT * FROM new_name for the transition, drop "
		       "the view in a later release.",
		.example = "ALTER TABLE users RENAME TO accounts;",
		.versions = "every version: this is about the migrations, not the server",
		.run = compat_rename_table,
	},
	{
		.id = "compat-rename-object",
		.category = MG_CAT_COMPATIBILITY,
		.default_severity = MG_SEV_HIGH,
		.summary = "Renames a sequence, function or type the running application version uses",
		.doc = "During a rolling, blue-green or canary deploy the previous version keeps running: its "
		       "nextval('old_seq'), its calls of the function and its casts to the type name the old "
		       "name and fail at once. Objects created in the same release are exempt, and so is a "
		       "function whose old name stays as a wrapper. Safe alternative: expand and contract. Add "
		       "the new name next to the old one (a copy of the function; a new sequence set past the "
		       "old one's values, as a sequence has no alias) and drop the old name in a later release. "
		       "A type has no alias that compares with its columns: it keeps its name until no "
		       "deployed version uses it.",
		.example = "ALTER SEQUENCE order_seq RENAME TO order_id_seq;",
		.versions = "every version: this is about the migrations, not the server",
		.run = an_compat_rename_object,
	},
	{
		.id = "compat-drop-object",
		.category = MG_CAT_COMPATIBILITY,
		.default_severity = MG_SEV_HIGH,
		.summary = "Drops a sequence, function or type the running application version may use",
		.doc = "The previous application version, still serving traffic during the deploy, fails when "
		       "it calls nextval() on the sequence, calls the function or casts to the type. Objects "
		       "created in the same release are exempt, and so is a function or type made again "
		       "under the same name in the same transaction. Safe alternative: stop using it in one "
		       "release, drop it in the next.",
		.example = "DROP FUNCTION order_total(bigint);",
		.versions = "every version: this is about the migrations, not the server",
		.run = an_compat_drop_object,
	},
	{
		.id = "compat-narrowing-type",
		.category = MG_CAT_COMPATIBILITY,
		.default_severity = MG_SEV_HIGH,
		.summary = "Narrows a column's type",
		.doc = "Values the previous application version still writes (longer strings, bigger numbers) "
		       "are rejected, and existing rows that do not fit make the ALTER fail. Safe alternative: "
		       "add a CHECK (...) NOT VALID for the new limit, VALIDATE it, and narrow the type only "
		       "once no writer exceeds it.",
		.example = "ALTER TABLE users ALTER COLUMN nickname TYPE varchar(20);",
		.versions = "every version: this is about the migrations, not the server",
		.run = compat_narrowing_type,
	},
	{
		.id = "compat-not-null-without-default",
		.category = MG_CAT_COMPATIBILITY,
		.default_severity = MG_SEV_HIGH,
		.summary = "Makes a column NOT NULL without a default while the old version may not write it",
		.doc = "The previous application version does not know the column: its INSERTs leave it NULL "
		       "and fail. The same happens when a NOT NULL column loses its default (ADD COLUMN ... "
		       "NOT NULL DEFAULT x to fill the rows, then DROP DEFAULT). Safe alternative: add the "
		       "column with a DEFAULT (or nullable), deploy the version that writes it, backfill, then "
		       "add the NOT NULL; drop the default only in a later release.",
		.example = "ALTER TABLE orders ADD COLUMN region text;\n"
		           "ALTER TABLE orders ALTER COLUMN region SET NOT NULL;",
		.versions = "every version: this is about the migrations, not the server",
		.run = compat_not_null_without_default,
	},
	{
		.id = "compat-alter-type-under-view",
		.category = MG_CAT_COMPATIBILITY,
		.default_severity = MG_SEV_HIGH,
		.summary = "Changes the type of a column a view reads",
		.doc = "PostgreSQL refuses (\"cannot alter type of a column used by a view or rule\") and the "
		       "migration fails. Safe alternative: DROP VIEW, ALTER COLUMN TYPE, CREATE VIEW again, in "
		       "one transaction.",
		.example = "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > "
		           "1000;\n"
		           "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);",
		.versions = "PostgreSQL 10 to 18 refuse it while the view exists",
		.run = compat_alter_type_under_view,
	},
	{
		.id = "compat-drop-still-used",
		.category = MG_CAT_COMPATIBILITY,
		.default_severity = MG_SEV_HIGH,
		.summary = "Drops an object that views, foreign keys or later changesets still use",
		.doc = "Without CASCADE PostgreSQL refuses the drop; with CASCADE it silently drops the views "
		       "and foreign keys too; a later changeset that still uses the object fails. Safe "
		       "alternative: drop or change the dependants first, explicitly.",
		.example = "CREATE VIEW open_orders AS SELECT * FROM orders WHERE NOT closed;\n"
		           "DROP TABLE orders CASCADE;",
		.versions = "every version: this is about the migrations, not the server",
		.run = compat_drop_still_used,
	},
	{
		.id = "data-not-null-without-default",
		.category = MG_CAT_DATA,
		.default_severity = MG_SEV_HIGH,
		.summary = "Adds a NOT NULL column without a default to a table that has rows",
		.doc = "PostgreSQL rejects it (\"column contains null values\") as soon as the table has a row: "
		       "fine on an empty CI database, a failed deployment in production. Safe alternative: add "
		       "it with a DEFAULT, or nullable then backfill then SET NOT NULL.",
		.example = "ALTER TABLE orders ADD COLUMN region text NOT NULL;",
		.versions = "PostgreSQL 10 to 18: the statement fails as soon as the table has a row",
		.run = data_not_null_without_default,
	},
	{
		.id = "data-constraint-before-backfill",
		.category = MG_CAT_DATA,
		.default_severity = MG_SEV_HIGH,
		.summary = "A NOT NULL or constraint comes before the backfill that makes it true",
		.doc = "The constraint is checked against rows the backfill has not fixed yet, so the "
		       "migration fails in production (where such rows exist) and passes on test data. Safe "
		       "alternative: backfill first, then add the constraint (NOT VALID, then VALIDATE).",
		.example = "ALTER TABLE orders ALTER COLUMN region SET NOT NULL;\n"
		           "UPDATE orders SET region = 'eu' WHERE region IS NULL;",
		.versions = "every version: this is about the migrations, not the server",
		.run = data_constraint_before_backfill,
	},
};
const size_t an_compat_rule_count = sizeof an_compat_rules / sizeof an_compat_rules[0];
