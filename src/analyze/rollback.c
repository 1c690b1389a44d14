/*
 * rollback.c: the rollback family.
 *
 *   rollback-irreversible  a change that destroys data production has, in
 *                          a changeset with no way back (no Liquibase
 *                          rollback block, no automatic rollback, no Flyway
 *                          undo script);
 *   rollback-incomplete    a rollback that does not restore what its
 *                          changeset changed: the changeset and then its
 *                          rollback are replayed on a copy of the catalog
 *                          and the schema compared with the one before;
 *   rollback-blocked       a rollback PostgreSQL would refuse, because a
 *                          later changeset (whose own rollback keeps it)
 *                          built something on what it removes.
 *
 * Each rule replays the release from the catalog the replay kept at its
 * start (graph->before_release), through the replay's own entry point.
 */
#include <stdio.h>
#include <string.h>

#include "analyze/families.h"
#include "analyze/rollback_int.h"
#include "migraph/sqlwrite.h"
#include "migraph/graph.h"
#include "migraph/profile.h"
#include "migraph/release.h"
#include "migraph/sql.h"


static bool under_review(const mg_changeset *cs)
{
	return mg_changeset_in_release(cs);
}

static bool release_known(const mg_analysis *a)
{
	return a->graph && a->graph->release && a->graph->release->selected;
}

static mg_loc op_loc(const mg_changeset *cs, const mg_statement *st, const mg_operation *op)
{
	if (op && op->loc.file && op->loc.line)
		return op->loc;
	if (st && st->loc.file)
		return st->loc;
	return cs->loc;
}

static const char *cs_name(mg_analysis *a, const mg_changeset *cs)
{
	mg_arena *ar = &a->project->arena;
	if (cs->version.n_parts)
		return mg_arena_printf(ar, "V%s (%s:%u)", cs->version.text, cs->loc.file, cs->loc.line);
	if (cs->id)
		return mg_arena_printf(ar, "changeset %s (%s:%u)", cs->id, cs->loc.file, cs->loc.line);
	return mg_arena_printf(ar, "%s:%u", cs->loc.file, cs->loc.line);
}

/* ---- Replaying the release on a copy ------------------------------------- */

/* Each rule replays the release through the replay's own entry point,
 * with a context that carries the analysis along. */
typedef void (*before_cs_fn)(mg_analysis *a, void *ctx, mg_catalog *w, const mg_changeset *cs);

typedef struct walk_ctx {
	mg_analysis *a;
	before_cs_fn fn;
	void *ctx;
} walk_ctx;

static void walk_step(void *ctx, mg_catalog *w, const mg_changeset *cs)
{
	walk_ctx *k = ctx;
	k->fn(k->a, k->ctx, w, cs);
}

static mg_catalog *walk_release(mg_analysis *a, before_cs_fn fn, void *ctx)
{
	walk_ctx k = {a, fn, ctx};
	return mg_replay_release(a->project, a->graph, release_known(a), walk_step, &k);
}

/* The relations (and types) a set of statements touches, to copy and
 * compare just those. */
typedef struct touched {
	mg_object *items;
	size_t n, cap;
} touched;

static void touch(mg_arena *ar, touched *t, mg_object o)
{
	if (!o.name)
		return;
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		t->items = mg_arena_grow(ar, t->items, sizeof *t->items, t->n, ncap);
		t->cap = ncap;
	}
	t->items[t->n++] = o;
}

static void touch_stmts(mg_arena *ar, touched *t, mg_statement *const *stmts, size_t n)
{
	for (size_t s = 0; s < n; s++)
		for (size_t k = 0; k < stmts[s]->n_ops; k++) {
			const mg_operation *op = stmts[s]->ops[k];
			touch(ar, t, mg_op_table(op));
			touch(ar, t, op->object);
			if (op->new_name)
				touch(ar, t, (mg_object){op->object.kind == MG_OBJ_COLUMN ? MG_OBJ_TABLE
				                                                         : op->object.kind,
				                         op->object.schema, NULL,
				                         op->object.kind == MG_OBJ_COLUMN ? op->object.table
				                                                          : op->new_name});
			if (op->related.name)
				touch(ar, t, op->related);
		}
}

/* ---- rollback-irreversible -------------------------------------------------- */

typedef struct irrev {
	const mg_rule *rule;
	mg_map facts; /* "%p" of an operation -> its graph fact */
} irrev;

/* Does production hold data this operation destroys?  The table existed
 * before the changeset (before the release, when one is selected) and may
 * hold rows. */
static bool data_at_stake(mg_analysis *a, irrev *x, const mg_catalog *w, const mg_changeset *cs,
                          const mg_operation *op)
{
	char k[32];
	snprintf(k, sizeof k, "%p", (const void *)op);
	const mg_graph_fact *f = mg_map_get(&x->facts, k);
	if (f)
		return f->pre_existing && f->table_has_rows;
	if (op->kind == MG_OP_DROP_SCHEMA)
		return true;
	mg_object t = mg_op_table(op);
	const mg_cat_relation *rel = t.name ? mg_catalog_relation(w, t.schema, t.name) : NULL;
	if (!rel || mg_catalog_is_placeholder(rel) || !mg_catalog_has_rows(rel))
		return false;
	if (rel->from_baseline || !rel->has_created_by)
		return true;
	if (rel->created_by == cs->index)
		return false;
	return !release_known(a) || !(a->project->changesets[rel->created_by]->flags & MG_CSF_IN_RELEASE);
}

/* A copy of the data earlier in the same changeset (CREATE TABLE ... AS
 * SELECT, INSERT ... SELECT, or a DO block doing one, naming the table,
 * and the column for a column drop) is a way back: the data can be
 * restored from it. */
static bool copies_rows(const mg_statement *st, const mg_operation *o)
{
	if (!st->sql)
		return false;
	if ((o->kind == MG_OP_CREATE_TABLE || o->kind == MG_OP_INSERT) &&
	    (o->flags & MG_OPF_AS_SELECT))
		return true;
	/* a DO block copying rows: INSERT ... SELECT in its text */
	return o->kind == MG_OP_OPAQUE && o->opaque_kind == MG_OPAQUE_DO_BLOCK &&
	       mg_str_icontains(st->sql, "insert") && mg_str_icontains(st->sql, "select");
}

/* The statements of cs that copy rows, in order: a changeset of N drops
 * looks through these, not through every statement before each drop. */
typedef struct copy_stmts {
	size_t *items;
	size_t n;
} copy_stmts;

static copy_stmts copying_statements(mg_arena *ar, const mg_changeset *cs)
{
	copy_stmts c = {mg_arena_alloc(ar, (cs->n_stmts + 1) * sizeof *c.items), 0};
	for (size_t s = 0; s < cs->n_stmts; s++)
		for (size_t k = 0; k < cs->stmts[s]->n_ops; k++)
			if (copies_rows(cs->stmts[s], cs->stmts[s]->ops[k])) {
				c.items[c.n++] = s;
				break;
			}
	return c;
}

static bool archived_before(const mg_changeset *cs, const copy_stmts *copies, size_t stmt,
                            const mg_operation *op)
{
	mg_object t = mg_op_table(op);
	for (size_t j = 0; j < copies->n && copies->items[j] < stmt; j++) {
		const mg_statement *st = cs->stmts[copies->items[j]];
		for (size_t k = 0; k < st->n_ops; k++) {
			const mg_operation *o = st->ops[k];
			if (!copies_rows(st, o))
				continue;
			bool names_table = false;
			for (size_t d = 0; d < o->n_depends; d++)
				names_table = names_table || mg_str_ieq(o->depends[d].name, t.name);
			if (!names_table && !mg_str_icontains(st->sql, t.name))
				continue;
			if (op->kind == MG_OP_DROP_COLUMN && !mg_str_icontains(st->sql, op->object.name) &&
			    !strchr(st->sql, '*'))
				continue;
			return true;
		}
	}
	return false;
}

static mg_severity irreversible_severity(mg_analysis *a, const mg_rule *rule,
                                         const mg_operation *op, const char **figures)
{
	mg_object t = mg_op_table(op);
	const mg_profile_table *pt =
		a->profile ? mg_profile_find(a->profile, t.schema, t.name) : NULL;
	*figures = NULL;
	if (!pt || (!pt->rows.known && !pt->bytes.known))
		return rule->default_severity;
	mg_arena *ar = &a->project->arena;
	mg_buf b = MG_BUF_INIT;
	if (pt->rows.known)
		mg_buf_printf(&b, "%llu rows", (unsigned long long)pt->rows.value);
	if (pt->bytes.known) {
		double v = (double)pt->bytes.value;
		const char *unit = v >= 1e9 ? "GB" : v >= 1e6 ? "MB" : v >= 1e3 ? "kB" : "B";
		double div = v >= 1e9 ? 1e9 : v >= 1e6 ? 1e6 : v >= 1e3 ? 1e3 : 1;
		mg_buf_printf(&b, "%s%.*f %s", b.len ? ", " : "", div > 1 ? 1 : 0, v / div, unit);
	}
	if (pt->hot)
		mg_buf_puts(&b, ", hot");
	*figures = mg_arena_strdup(ar, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	bool empty = (pt->rows.known && pt->rows.value == 0) || (pt->bytes.known && pt->bytes.value == 0);
	if (empty)
		return MG_SEV_INFO;
	/* The figures are the whole table's; a DELETE ... WHERE takes a part
	 * of it whose size nothing says. */
	if (op->kind == MG_OP_DELETE && (op->flags & MG_OPF_HAS_WHERE))
		return rule->default_severity;
	if (pt->hot)
		return MG_SEV_CRITICAL;
	return MG_SEV_HIGH;
}

/* base, or base_2, base_3 ... : a name no relation (or column of t) has. */
static const char *unused_name(mg_arena *ar, const mg_catalog *w, const char *schema,
                               const mg_cat_relation *t, const char *base)
{
	const char *name = base;
	for (int i = 2; i < 1000; i++) {
		bool taken = t ? mg_catalog_column(t, name) != NULL
		               : mg_catalog_relation(w, schema, name) != NULL ||
		                     mg_catalog_index_table(w, schema, name, NULL) != NULL;
		if (!taken)
			return name;
		name = mg_arena_printf(ar, "%s_%d", base, i);
	}
	return name;
}

static const char *retire_alternative(mg_analysis *a, const mg_catalog *w, const mg_operation *op)
{
	mg_arena *ar = &a->project->arena;
	mg_object t = mg_op_table(op);
	mg_buf b = MG_BUF_INIT;
	switch (op->kind) {
	case MG_OP_DROP_TABLE:
		mg_buf_puts(&b, "-- Keep the data until the release is confirmed: retire the table "
		                "under a new name\n-- (a rename is taken back with a rename), and drop "
		                "it in a later release.\nALTER TABLE ");
		rb_put_rel(&b, w, t.schema, t.name);
		mg_buf_puts(&b, " RENAME TO ");
		mg_sql_put_ident(&b, unused_name(ar, w, t.schema, NULL,
		                                 mg_arena_printf(ar, "%.50s_retired", t.name)));
		mg_buf_puts(&b, ";\n");
		break;
	case MG_OP_DROP_COLUMN:
		mg_buf_puts(&b, "-- Keep the values until the release is confirmed: retire the column "
		                "under a new name\n-- (a rename is taken back with a rename), and drop "
		                "it in a later release.\nALTER TABLE ");
		rb_put_rel(&b, w, t.schema, t.name);
		mg_buf_puts(&b, " RENAME COLUMN ");
		mg_sql_put_ident(&b, op->object.name);
		mg_buf_puts(&b, " TO ");
		mg_sql_put_ident(&b, unused_name(ar, w, t.schema,
		                                 mg_catalog_relation(w, t.schema, t.name),
		                                 mg_arena_printf(ar, "%.50s_retired", op->object.name)));
		mg_buf_puts(&b, ";\n");
		break;
	default:
		mg_buf_puts(&b, "-- Archive the rows first, in the same migration, so that they can be "
		                "put back:\nCREATE TABLE ");
		rb_put_rel(&b, w, t.schema,
		           unused_name(ar, w, t.schema, NULL,
		                       mg_arena_printf(ar, "%.40s_archive", t.name ? t.name : "data")));
		mg_buf_puts(&b, " AS SELECT * FROM ");
		rb_put_rel(&b, w, t.schema, t.name);
		mg_buf_puts(&b, op->where_expr ? " WHERE " : ";\n");
		if (op->where_expr)
			mg_buf_printf(&b, "%s;\n", op->where_expr);
		mg_buf_puts(&b, op->kind == MG_OP_TRUNCATE ? "TRUNCATE " : "DELETE FROM ");
		rb_put_rel(&b, w, t.schema, t.name);
		if (op->where_expr && op->kind == MG_OP_DELETE)
			mg_buf_printf(&b, " WHERE %s", op->where_expr);
		mg_buf_puts(&b, ";\n");
		break;
	}
	const char *s = mg_arena_strndup(ar, b.data, b.len);
	mg_buf_dispose(&b);
	return s;
}

static const char *what_destroys(mg_analysis *a, const mg_operation *op)
{
	mg_arena *ar = &a->project->arena;
	mg_object t = mg_op_table(op);
	const char *tt = mg_object_text(ar, &t);
	switch (op->kind) {
	case MG_OP_DROP_TABLE: return mg_arena_printf(ar, "DROP TABLE %s destroys its rows", tt);
	case MG_OP_DROP_COLUMN:
		return mg_arena_printf(ar, "DROP COLUMN %s.%s destroys its values", tt, op->object.name);
	case MG_OP_TRUNCATE: return mg_arena_printf(ar, "TRUNCATE %s destroys its rows", tt);
	case MG_OP_DELETE:
		return mg_arena_printf(ar, "DELETE FROM %s%s destroys rows", tt,
		                       op->flags & MG_OPF_HAS_WHERE ? " ... WHERE" : " (every row)");
	default:
		return mg_arena_printf(ar, "DROP SCHEMA %s CASCADE destroys everything in it",
		                       op->object.name ? op->object.name : "?");
	}
}

static void irreversible_cs(mg_analysis *a, void *ctx, mg_catalog *w, const mg_changeset *cs)
{
	irrev *x = ctx;
	mg_arena *ar = &a->project->arena;
	mg_changeset_rollback rb = mg_changeset_rollback_of(ar, a->project, cs);
	if (rb.kind == MG_ROLLBACK_BLOCK || rb.kind == MG_ROLLBACK_UNDO || rb.kind == MG_ROLLBACK_AUTO)
		return; /* a way back exists; rollback-incomplete judges it */
	copy_stmts copies = copying_statements(ar, cs);
	for (size_t s = 0; s < cs->n_stmts; s++) {
		const mg_statement *st = cs->stmts[s];
		if (st->parse_failed)
			continue;
		for (size_t k = 0; k < st->n_ops; k++) {
			const mg_operation *op = st->ops[k];
			if (!mg_op_destroys_data(op) || !data_at_stake(a, x, w, cs, op) ||
			    archived_before(cs, &copies, s, op))
				continue;
			/* A DELETE ... WHERE with an empty rollback block is a purge
			 * its author declared final (retention, cleanup). */
			if (op->kind == MG_OP_DELETE && (op->flags & MG_OPF_HAS_WHERE) &&
			    rb.kind == MG_ROLLBACK_EMPTY_BLOCK)
				continue;
			const char *figures = NULL;
			mg_severity sev = irreversible_severity(a, x->rule, op, &figures);
			mg_finding *f = mg_analysis_add_finding(a, x->rule, sev, op_loc(cs, st, op), cs);
			f->object = op->object;
			const char *why =
				mg_changeset_kind_is_flyway(cs->kind)
					? "there is no undo script for this version"
				: rb.kind == MG_ROLLBACK_EMPTY_BLOCK
					? "its rollback block is empty"
					: "it has no rollback block and the change has no automatic rollback";
			f->message = mg_arena_printf(
				ar, "%s%s%s%s, and %s: once it runs, only a backup brings the data back",
				what_destroys(a, op), figures ? " (" : "", figures ? figures : "",
				figures ? ")" : "", why);
			f->safe_alternative = retire_alternative(a, w, op);
		}
	}
}

static bool has_way_back(mg_analysis *a, const mg_changeset *cs)
{
	mg_rollback_kind k = mg_changeset_rollback_of(&a->project->arena, a->project, cs).kind;
	return k == MG_ROLLBACK_BLOCK || k == MG_ROLLBACK_UNDO || k == MG_ROLLBACK_AUTO;
}

static void rollback_irreversible(mg_analysis *a, const mg_rule *rule)
{
	mg_project *p = a->project;
	irrev x = {rule, {0}};
	mg_map_init(&x.facts, &p->arena);
	bool any = false, need_walk = false;
	for (size_t i = 0; i < p->n_changesets; i++) {
		const mg_changeset *cs = p->changesets[i];
		if (!under_review(cs) || has_way_back(a, cs))
			continue;
		for (size_t s = 0; s < cs->n_stmts; s++)
			for (size_t k = 0; k < cs->stmts[s]->n_ops; k++) {
				const mg_operation *op = cs->stmts[s]->ops[k];
				if (!mg_op_destroys_data(op))
					continue;
				any = true;
				/* The replay's facts cover the drops; other destructive
				 * operations ask the catalog as it was before them. */
				need_walk = need_walk || (op->kind != MG_OP_DROP_TABLE &&
				                          op->kind != MG_OP_DROP_COLUMN);
			}
	}
	if (!any)
		return;
	for (size_t i = 0; a->graph && i < a->graph->n_facts; i++) {
		char k[32];
		snprintf(k, sizeof k, "%p", (const void *)a->graph->facts[i].op);
		mg_map_put(&x.facts, k, &a->graph->facts[i]);
	}
	if (need_walk) {
		walk_release(a, irreversible_cs, &x);
		return;
	}
	for (size_t i = 0; i < p->n_changesets; i++)
		if (under_review(p->changesets[i]))
			irreversible_cs(a, &x, a->catalog, p->changesets[i]);
}

/* ---- rollback-incomplete ------------------------------------------------------ */

/* The relation a snapshot line is about ("column s.t.c ..." -> "s.t"). */
static const char *line_relation(mg_arena *ar, const char *line, size_t n)
{
	const char *sp = memchr(line, ' ', n);
	if (!sp)
		return NULL;
	const char *name = sp + 1;
	size_t rest = n - (size_t)(name - line);
	const char *end = memchr(name, ' ', rest);
	size_t len = end ? (size_t)(end - name) : rest;
	bool index = !strncmp(line, "index ", 6);
	if (index) { /* "index s.i on s.t (...)" */
		const char *on = end ? strstr(end, " on ") : NULL;
		if (!on)
			return NULL;
		name = on + 4;
		end = strchr(name, ' ');
		len = end ? (size_t)(end - name) : strlen(name);
	}
	bool sub = !strncmp(line, "column ", 7) || !strncmp(line, "constraint ", 11);
	const char *d1 = memchr(name, '.', len);
	const char *d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - name)) : NULL;
	if (sub && d2)
		len = (size_t)(d2 - name);
	return mg_arena_strndup(ar, name, len);
}

typedef struct incomplete {
	const mg_rule *rule;
} incomplete;

/* Whether an earlier changeset's own rollback drops relation rel (so that
 * a later changeset may leave its changes to rel for it: "will be deleted
 * with the table"). */
static bool dropped_by_earlier_rollback(mg_analysis *a, const mg_catalog *w, const char *rel,
                                        const mg_changeset *cs)
{
	const char *dot = strchr(rel, '.');
	if (!dot)
		return false;
	const mg_cat_relation *r =
		mg_catalog_relation(w, mg_arena_strndup(&a->project->arena, rel, (size_t)(dot - rel)),
		                    dot + 1);
	if (!r || !r->has_created_by || r->created_by >= cs->index)
		return false;
	const mg_changeset *e = a->project->changesets[r->created_by];
	mg_changeset_rollback rb = mg_changeset_rollback_of(&a->project->arena, a->project, e);
	if (rb.kind == MG_ROLLBACK_AUTO)
		return true; /* it created the table; its automatic rollback drops it */
	for (size_t s = 0; s < rb.n_stmts; s++)
		for (size_t k = 0; k < rb.stmts[s]->n_ops; k++) {
			const mg_operation *op = rb.stmts[s]->ops[k];
			if (op->kind == MG_OP_DROP_TABLE && mg_str_ieq(op->object.name, r->name))
				return true;
		}
	return false;
}

/* The fact a snapshot line states, without its attributes: "column s.t.c". */
static const char *line_key(mg_arena *ar, const char *line, size_t n)
{
	const char *sp = memchr(line, ' ', n);
	const char *sp2 = sp ? memchr(sp + 1, ' ', n - (size_t)(sp + 1 - line)) : NULL;
	return mg_arena_strndup(ar, line, sp2 ? (size_t)(sp2 - line) : n);
}

static bool diff_has_key(mg_arena *ar, const char *diff, const char *key)
{
	for (const char *p = diff; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (!strcmp(line_key(ar, p, n), key))
			return true;
		p += n + (e ? 1 : 0);
	}
	return false;
}

/* Lines of diff whose relation no earlier rollback takes care of, each
 * prefixed; "" when none.  With an empty rollback block (the author's
 * "nothing to undo"), an attribute that changed (a wider type, another
 * default) is taken at its word, and so is what the changeset created
 * idempotently: only objects gone, or left behind in the way of the next
 * deployment, count. */
static const char *unexcused(mg_analysis *a, const mg_catalog *w, const mg_changeset *cs,
                             const char *diff, const char *other, bool lenient, bool created,
                             const char *prefix, size_t *count)
{
	mg_arena *ar = &a->project->arena;
	mg_buf b = MG_BUF_INIT;
	for (const char *p = diff; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *rel = line_relation(ar, p, n);
		bool changed = diff_has_key(ar, other, line_key(ar, p, n));
		bool taken_at_word = lenient && (changed || created);
		if (!taken_at_word && (!rel || !dropped_by_earlier_rollback(a, w, rel, cs))) {
			mg_buf_printf(&b, "%s%s%.*s", b.len ? "; " : "", prefix, (int)n, p);
			(*count)++;
		}
		p += n + (e ? 1 : 0);
	}
	const char *s = mg_arena_strndup(ar, b.data ? b.data : "", b.len);
	mg_buf_dispose(&b);
	return s;
}

/* Every CREATE of the changeset may run again (IF NOT EXISTS, OR REPLACE). */
static bool creates_idempotently(const mg_changeset *cs)
{
	for (size_t s = 0; s < cs->n_stmts; s++)
		for (size_t k = 0; k < cs->stmts[s]->n_ops; k++) {
			const mg_operation *op = cs->stmts[s]->ops[k];
			bool creates = op->kind == MG_OP_CREATE_TABLE || op->kind == MG_OP_CREATE_INDEX ||
			               op->kind == MG_OP_CREATE_VIEW || op->kind == MG_OP_CREATE_SEQUENCE ||
			               op->kind == MG_OP_ADD_COLUMN || op->kind == MG_OP_ADD_CONSTRAINT ||
			               op->kind == MG_OP_CREATE_MATERIALIZED_VIEW;
			if (creates && !(op->flags & (MG_OPF_IF_NOT_EXISTS | MG_OPF_OR_REPLACE)))
				return false;
		}
	return true;
}

static bool has_destructive_op(const mg_changeset *cs)
{
	for (size_t s = 0; s < cs->n_stmts; s++)
		for (size_t k = 0; k < cs->stmts[s]->n_ops; k++)
			if (mg_op_destroys_data(cs->stmts[s]->ops[k]))
				return true;
	return false;
}

/* The columns statements can change, when they are operations that
 * change no column but the ones they name (adding, dropping, renaming or
 * altering a column; creating an index; dropping or renaming one on a
 * table an operation names): a copy of just those columns, with the
 * tables' constraints and indexes, differs before and after where a whole
 * copy would, at the cost of what the changeset touches, not of the
 * table's width.  False for anything else (a table created, dropped or
 * renamed, a constraint, a type, DML, opaque SQL), compared whole. */
typedef struct named_columns {
	const char **items;
	size_t n, cap;
} named_columns;

static void name_column(mg_arena *ar, named_columns *c, const char *name)
{
	if (name)
		mg_arena_push(ar, (void ***)&c->items, &c->n, &c->cap, (void *)name);
}

static void name_list(mg_arena *ar, named_columns *c, const mg_name_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		name_column(ar, c, l->items[i]);
}

static bool columns_named(mg_arena *ar, const mg_catalog *w, named_columns *c,
                          mg_statement *const *stmts, size_t n)
{
	for (size_t s = 0; s < n; s++) {
		if (stmts[s]->parse_failed)
			return false;
		for (size_t k = 0; k < stmts[s]->n_ops; k++) {
			const mg_operation *op = stmts[s]->ops[k];
			switch (op->kind) {
			case MG_OP_ADD_COLUMN:
			case MG_OP_DROP_COLUMN:
			case MG_OP_RENAME_COLUMN:
			case MG_OP_ALTER_COLUMN_TYPE:
			case MG_OP_SET_DEFAULT:
			case MG_OP_DROP_DEFAULT:
			case MG_OP_SET_NOT_NULL:
			case MG_OP_DROP_NOT_NULL:
				if (op->object.kind != MG_OBJ_COLUMN || !op->object.name)
					return false;
				name_column(ar, c, op->object.name);
				name_column(ar, c, op->new_name);
				/* An inline PRIMARY KEY makes its columns NOT NULL. */
				for (size_t i = 0; op->column && i < op->column->n_constraints; i++)
					name_list(ar, c, &op->column->constraints[i].columns);
				break;
			case MG_OP_CREATE_INDEX:
				if (!mg_op_table(op).name)
					return false;
				break;
			case MG_OP_DROP_INDEX:
			case MG_OP_RENAME_INDEX: {
				/* The table must be one an operation names: found only
				 * through the index, it would be compared before the drop
				 * and not after, every column of it. */
				mg_object t = mg_op_table(op);
				const mg_cat_relation *on =
					mg_catalog_index_table(w, op->object.schema, op->object.name, NULL);
				if (!t.name || !on || on != mg_catalog_relation(w, t.schema, t.name))
					return false;
				break;
			}
			default:
				return false;
			}
		}
	}
	return true;
}

static void incomplete_cs(mg_analysis *a, void *ctx, mg_catalog *w, const mg_changeset *cs)
{
	incomplete *x = ctx;
	mg_project *p = a->project;
	mg_changeset_rollback rb = mg_changeset_rollback_of(&p->arena, p, cs);
	if (rb.kind != MG_ROLLBACK_BLOCK && rb.kind != MG_ROLLBACK_UNDO &&
	    rb.kind != MG_ROLLBACK_EMPTY_BLOCK)
		return;
	/* An empty block on a change that destroys data is the question of
	 * rollback-irreversible: one finding, not two. */
	if (rb.kind == MG_ROLLBACK_EMPTY_BLOCK && has_destructive_op(cs))
		return;
	mg_arena scratch;
	mg_arena_init(&scratch);
	touched t = {0};
	touch_stmts(&scratch, &t, cs->stmts, cs->n_stmts);
	touch_stmts(&scratch, &t, rb.stmts, rb.n_stmts);
	named_columns cols = {0};
	bool by_column = columns_named(&scratch, w, &cols, cs->stmts, cs->n_stmts) &&
	                 columns_named(&scratch, w, &cols, rb.stmts, rb.n_stmts);
	mg_catalog *c = by_column ? mg_catalog_copy_columns(w, &scratch, t.items, t.n, cols.items,
	                                                    cols.n)
	                          : mg_catalog_copy(w, &scratch, t.items, t.n);
	const char *before = mg_catalog_snapshot(c, &scratch, t.items, t.n);
	mg_replay_statements(c, cs->stmts, cs->n_stmts, cs->index, NULL, NULL);
	mg_replay_statements(c, rb.stmts, rb.n_stmts, cs->index, NULL, NULL);
	const char *after = mg_catalog_snapshot(c, &scratch, t.items, t.n);
	size_t n = 0;
	bool lenient = rb.kind == MG_ROLLBACK_EMPTY_BLOCK;
	const char *gone = mg_snapshot_missing(&scratch, before, after);
	const char *added = mg_snapshot_missing(&scratch, after, before);
	const char *lost = unexcused(a, w, cs, gone, added, lenient, false, "not restored: ", &n);
	const char *left =
		unexcused(a, w, cs, added, gone, lenient, creates_idempotently(cs), "left behind: ", &n);
	mg_arena_free(&scratch);
	if (!n)
		return;
	mg_finding *f = mg_analysis_add_finding(a, x->rule, x->rule->default_severity, rb.loc, cs);
	f->message = mg_arena_printf(
		&p->arena, "after %s and then its rollback (%s%s), the schema differs from the one "
		           "before it: %s%s%s",
		cs_name(a, cs), rb.source, lenient ? ", which says there is nothing to undo" : "", lost,
		*lost && *left ? "; " : "", left);
	/* The inverse migraph derives from the changeset is a rollback that
	 * restores it, where one can be derived. */
	touched tt = {0};
	touch_stmts(&p->arena, &tt, cs->stmts, cs->n_stmts);
	mg_catalog *d = mg_catalog_copy(w, &p->arena, tt.items, tt.n);
	size_t n_ops = 0;
	for (size_t s = 0; s < cs->n_stmts; s++)
		n_ops += cs->stmts[s]->parse_failed ? 0 : cs->stmts[s]->n_ops;
	const mg_operation **ops = mg_arena_alloc(&p->arena, (n_ops + 1) * sizeof *ops);
	n_ops = 0;
	for (size_t s = 0; s < cs->n_stmts; s++)
		for (size_t k = 0; !cs->stmts[s]->parse_failed && k < cs->stmts[s]->n_ops; k++)
			ops[n_ops++] = cs->stmts[s]->ops[k];
	mg_inverse inv = mg_inverse_of_ops(p, d, ops, n_ops, false);
	f->safe_alternative =
		inv.sql ? mg_arena_printf(&p->arena, "-- a rollback that restores the schema (%s):\n%s",
		                          inv.kind == MG_INVERSE_SHAPE ? "the shape; the data is gone"
		                                                       : "derived from the changeset",
		                          inv.sql)
		        : mg_arena_printf(&p->arena, "Make the rollback restore what differs: %s%s%s",
		                          lost, *lost && *left ? "; " : "", left);
}

static void rollback_incomplete(mg_analysis *a, const mg_rule *rule)
{
	incomplete x = {rule};
	mg_project *p = a->project;
	/* Only a project that writes rollbacks needs the release replayed. */
	for (size_t i = 0; i < p->n_changesets; i++) {
		const mg_changeset *cs = p->changesets[i];
		if (!under_review(cs))
			continue;
		mg_rollback_kind k = mg_changeset_rollback_of(&p->arena, p, cs).kind;
		if (k == MG_ROLLBACK_BLOCK || k == MG_ROLLBACK_UNDO || k == MG_ROLLBACK_EMPTY_BLOCK) {
			walk_release(a, incomplete_cs, &x);
			return;
		}
	}
}

/* ---- rollback-blocked ---------------------------------------------------------- */

typedef struct planned_rb {
	mg_statement *const *stmts; /* what rolling the changeset back runs */
	size_t n;
	mg_changeset_rollback rb;
} planned_rb;

typedef struct blocked {
	const mg_rule *rule;
	planned_rb *per_cs;  /* by changeset index */
	const mg_changeset *cs;
	mg_catalog *w;
	mg_buf deps;         /* dependants found while rolling cs back */
	mg_buf drops;        /* SQL removing them first */
	mg_map seen;
} blocked;

static const char *stmts_sql(mg_arena *ar, mg_statement *const *stmts, size_t n)
{
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		if (stmts[i]->sql)
			mg_buf_printf(&b, "%.*s;\n", (int)stmts[i]->sql_len, stmts[i]->sql);
	const char *s = b.len ? mg_arena_strndup(ar, b.data, b.len) : NULL;
	mg_buf_dispose(&b);
	return s;
}

/* What Liquibase's automatic rollback of one operation does, as an
 * operation: the change types it can invert only create, add or rename,
 * so the inverse needs names, never the schema before. */
static bool auto_inverse(const mg_operation *op, mg_operation *inv)
{
	memset(inv, 0, sizeof *inv);
	inv->object = op->object;
	inv->related = op->related;
	inv->loc = op->loc;
	switch (op->kind) {
	case MG_OP_CREATE_TABLE: inv->kind = MG_OP_DROP_TABLE; return true;
	case MG_OP_CREATE_VIEW: inv->kind = MG_OP_DROP_VIEW; return true;
	case MG_OP_CREATE_SEQUENCE: inv->kind = MG_OP_DROP_SEQUENCE; return true;
	case MG_OP_ADD_COLUMN: inv->kind = MG_OP_DROP_COLUMN; return true;
	case MG_OP_CREATE_INDEX: inv->kind = MG_OP_DROP_INDEX; return op->object.name != NULL;
	case MG_OP_ADD_CONSTRAINT:
		inv->kind = MG_OP_DROP_CONSTRAINT;
		inv->object.name = op->constraint ? op->constraint->name : op->object.name;
		return inv->object.name != NULL;
	case MG_OP_SET_NOT_NULL: inv->kind = MG_OP_DROP_NOT_NULL; return true;
	case MG_OP_DROP_NOT_NULL: inv->kind = MG_OP_SET_NOT_NULL; return true;
	case MG_OP_SET_DEFAULT: inv->kind = MG_OP_DROP_DEFAULT; return true;
	case MG_OP_RENAME_TABLE:
	case MG_OP_RENAME_VIEW:
	case MG_OP_RENAME_SEQUENCE:
	case MG_OP_RENAME_COLUMN:
		if (!op->new_name)
			return false;
		inv->kind = op->kind;
		inv->object.name = op->new_name;
		inv->new_name = op->object.name;
		return true;
	default:
		return false;
	}
}

/* What rolling each changeset of the release back would run. */
static bool plan_rollbacks(mg_analysis *a, blocked *x)
{
	mg_project *p = a->project;
	bool any = false;
	for (size_t i = 0; i < p->n_changesets; i++) {
		const mg_changeset *cs = p->changesets[i];
		if (!under_review(cs))
			continue;
		planned_rb *r = &x->per_cs[i];
		r->rb = mg_changeset_rollback_of(&p->arena, p, cs);
		if (r->rb.kind == MG_ROLLBACK_BLOCK || r->rb.kind == MG_ROLLBACK_UNDO) {
			r->stmts = r->rb.stmts;
			r->n = r->rb.n_stmts;
		} else if (r->rb.kind == MG_ROLLBACK_AUTO) {
			mg_statement *st = mg_arena_alloc(&p->arena, sizeof *st);
			st->loc = cs->loc;
			for (size_t s = cs->n_stmts; s-- > 0;)
				for (size_t k = cs->stmts[s]->n_ops; k-- > 0;) {
					mg_operation *inv = mg_arena_alloc(&p->arena, sizeof *inv);
					if (auto_inverse(cs->stmts[s]->ops[k], inv))
						mg_arena_push(&p->arena, (void ***)&st->ops, &st->n_ops, &st->ops_cap,
						              inv);
				}
			mg_statement **one = mg_arena_alloc(&p->arena, sizeof *one);
			one[0] = st;
			r->stmts = one;
			r->n = 1;
		}
		any = any || r->n;
	}
	return any;
}

/* The SQL of a changeset's rollback, for the safe alternative. */
static const char *rollback_sql(mg_analysis *a, const mg_changeset *cs, const planned_rb *r)
{
	mg_project *p = a->project;
	if (r->rb.kind != MG_ROLLBACK_AUTO)
		return stmts_sql(&p->arena, r->stmts, r->n);
	size_t n_ops = 0;
	for (size_t s = 0; s < cs->n_stmts; s++)
		n_ops += cs->stmts[s]->n_ops;
	const mg_operation **ops = mg_arena_alloc(&p->arena, (n_ops + 1) * sizeof *ops);
	n_ops = 0;
	for (size_t s = 0; s < cs->n_stmts; s++)
		for (size_t k = 0; k < cs->stmts[s]->n_ops; k++)
			ops[n_ops++] = cs->stmts[s]->ops[k];
	/* The schema just before cs is gone by now; the final one serves for
	 * names, which is all an automatic rollback needs. */
	mg_catalog *c = mg_catalog_copy(a->catalog, &p->arena, NULL, 0);
	return mg_inverse_of_ops(p, c, ops, n_ops, false).sql;
}

/* The later changeset that built dep on what cs's rollback drops: the
 * graph's def-use edge from cs to it (the one that made dep, when several
 * use the object), or the catalog's record of who made dep. */
static size_t dependant_changeset(mg_analysis *a, const mg_changeset *cs,
                                  const mg_cat_relation *dep)
{
	size_t made = dep->has_created_by ? dep->created_by : (size_t)-1;
	const mg_graph *g = a->graph;
	size_t any = (size_t)-1;
	for (size_t i = 0; g && cs && i < g->n_edges; i++) {
		const mg_graph_edge *e = &g->edges[i];
		if (e->kind != MG_EDGE_DEF_USE || e->from != cs->index || e->to <= cs->index)
			continue;
		if (e->to == made)
			return made;
		if (any == (size_t)-1 && mg_str_ieq(e->object.name, dep->name))
			any = e->to;
	}
	return any != (size_t)-1 ? any : made;
}

static void note_dependant(blocked *x, mg_analysis *a, const mg_cat_relation *dep,
                           const char *what, const char *drop_sql)
{
	mg_arena *ar = &a->project->arena;
	const char *key = mg_arena_printf(ar, "%s %s.%s", what, dep->schema, dep->name);
	if (mg_map_get(&x->seen, key))
		return;
	mg_map_put(&x->seen, key, x);
	const char *by = "";
	size_t made_by = dependant_changeset(a, x->cs, dep);
	if (made_by < a->project->n_changesets) {
		const mg_changeset *d = a->project->changesets[made_by];
		planned_rb *r = &x->per_cs[d->index];
		by = mg_arena_printf(ar, " (made by %s, %s)", cs_name(a, d),
		                     r->n ? "whose rollback keeps it" : "which has no rollback");
	}
	mg_buf_printf(&x->deps, "%s%s %s.%s%s", x->deps.len ? "; " : "", what, dep->schema,
	              dep->name, by);
	mg_buf_puts(&x->drops, drop_sql);
}

typedef struct dep_scan {
	blocked *x;
	mg_analysis *a;
	const mg_cat_relation *target;
	const char *column;
} dep_scan;

static void dep_view(void *ctx, mg_cat_relation *v)
{
	dep_scan *d = ctx;
	mg_buf b = MG_BUF_INIT;
	mg_buf_printf(&b, "DROP %sVIEW IF EXISTS ",
	              v->kind == MG_OBJ_MATERIALIZED_VIEW ? "MATERIALIZED " : "");
	rb_put_rel(&b, d->x->w, v->schema, v->name);
	mg_buf_puts(&b, ";\n");
	note_dependant(d->x, d->a, v, mg_object_kind_name(v->kind), mg_buf_cstr(&b));
	mg_buf_dispose(&b);
}

static void dep_fk(void *ctx, mg_cat_relation *from, mg_cat_constraint *k)
{
	dep_scan *d = ctx;
	if (from == d->target)
		return;
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, "ALTER TABLE ");
	rb_put_rel(&b, d->x->w, from->schema, from->name);
	mg_buf_puts(&b, " DROP CONSTRAINT IF EXISTS ");
	rb_put_rel(&b, d->x->w, NULL, k->name);
	mg_buf_puts(&b, ";\n");
	note_dependant(d->x, d->a,
	               from, mg_arena_printf(&d->a->project->arena, "foreign key %s of table", k->name),
	               mg_buf_cstr(&b));
	mg_buf_dispose(&b);
}

/* A DROP in the rollback that PostgreSQL refuses: who still depends. */
static void on_rollback_event(void *ctx, const mg_operation *op, const mg_cat_event *ev)
{
	(void)op;
	void **pair = ctx;
	blocked *x = pair[0];
	mg_analysis *a = pair[1];
	if (ev->kind != MG_CAT_EV_DROP_IN_USE || ev->cascade || ev->uncertain)
		return;
	const char *table = ev->object.kind == MG_OBJ_COLUMN || ev->object.kind == MG_OBJ_CONSTRAINT
	                        ? ev->object.table
	                        : ev->object.name;
	const mg_cat_relation *rel = mg_catalog_relation(x->w, ev->object.schema, table);
	if (!rel)
		return;
	dep_scan d = {x, a, rel, ev->object.kind == MG_OBJ_COLUMN ? ev->object.name : NULL};
	mg_catalog_each_dependent_view(x->w, rel, dep_view, &d);
	mg_catalog_each_referencing(x->w, rel, dep_fk, &d);
}

static void rollback_blocked(mg_analysis *a, const mg_rule *rule)
{
	mg_project *p = a->project;
	blocked x = {rule, NULL, NULL, NULL, MG_BUF_INIT, MG_BUF_INIT, {0}};
	x.per_cs = mg_arena_alloc(&p->arena, (p->n_changesets + 1) * sizeof *x.per_cs);
	if (!a->catalog || !plan_rollbacks(a, &x))
		return;
	/* The schema after the release, rolled back last changeset first, as
	 * Liquibase and `flyway undo` do; a changeset without a rollback keeps
	 * what it made. */
	x.w = mg_catalog_copy(a->catalog, &p->arena, NULL, 0);
	void *pair[2] = {&x, a};
	for (size_t i = p->n_changesets; i-- > 0;) {
		const mg_changeset *cs = p->changesets[i];
		planned_rb *r = &x.per_cs[i];
		if (!under_review(cs) || !r->n)
			continue;
		mg_map_init(&x.seen, &p->arena);
		x.cs = cs;
		mg_buf_clear(&x.deps);
		mg_buf_clear(&x.drops);
		mg_replay_statements(x.w, r->stmts, r->n, cs->index, on_rollback_event, pair);
		if (!x.deps.len)
			continue;
		mg_finding *f = mg_analysis_add_finding(a, rule, rule->default_severity, r->rb.loc, cs);
		f->message = mg_arena_printf(&p->arena,
		                             "rolling back %s (%s) fails: PostgreSQL refuses its DROP while "
		                             "%s still depends on it",
		                             cs_name(a, cs), r->rb.source, mg_buf_cstr(&x.deps));
		const char *sql = rollback_sql(a, cs, r);
		f->safe_alternative = mg_arena_printf(
			&p->arena, "-- remove what depends on it first, then roll back:\n%s%s",
			mg_buf_cstr(&x.drops), sql ? sql : "");
	}
	mg_buf_dispose(&x.deps);
	mg_buf_dispose(&x.drops);
}

/* ---- The family ------------------------------------------------------------------ */

const mg_rule an_rollback_rules[] = {
	{
		.id = "rollback-irreversible",
		.category = MG_CAT_ROLLBACK,
		.default_severity = MG_SEV_MEDIUM,
		.summary = "A change destroys data and its changeset has no way back",
		.doc = "DROP TABLE, DROP COLUMN, TRUNCATE, DELETE or DROP SCHEMA ... CASCADE on data "
		       "production has, in a changeset without a Liquibase rollback block (an empty one "
		       "says \"nothing to undo\"), without an automatic rollback, and without a Flyway "
		       "undo script: if the release goes wrong, only a backup or point-in-time recovery "
		       "brings the data back, and the whole database goes back with it. Severity comes "
		       "from the profile: critical for a hot table, high for a table with rows, info for "
		       "an empty one. Safe alternative: keep the data until the release is confirmed "
		       "(retire the table or column under a new name, which a rename takes back, and "
		       "drop it in a later release), or archive the rows in the same migration first.",
		.example = "-- V2__drop_note.sql, with no U2__drop_note.sql undo script\n"
		           "ALTER TABLE orders DROP COLUMN note;",
		.versions = "every version: this is about the migrations, not the server",
		.run = rollback_irreversible,
	},
	{
		.id = "rollback-incomplete",
		.category = MG_CAT_ROLLBACK,
		.default_severity = MG_SEV_MEDIUM,
		.summary = "A rollback does not restore what its changeset changed",
		.doc = "migraph replays the changeset and then its rollback (Liquibase rollback block or "
		       "Flyway undo script) on a copy of the schema and compares it with the schema "
		       "before: a column, index or constraint left behind makes the next deployment of "
		       "the same changeset fail, one not restored breaks the previous application "
		       "version. Differences on a table that an earlier changeset's rollback drops are "
		       "fine (\"will be deleted with the table\"). Safe alternative: the rollback "
		       "migraph derives from the changeset, which restores every difference it names.",
		.example = "-- V2__tags.sql\nCREATE TABLE tags (id int PRIMARY KEY);\n"
		           "CREATE INDEX orders_total_idx ON orders (total);\n"
		           "-- U2__tags.sql: forgets the index\nDROP TABLE tags;",
		.versions = "every version: this is about the migrations, not the server",
		.run = rollback_incomplete,
	},
	{
		.id = "rollback-blocked",
		.category = MG_CAT_ROLLBACK,
		.default_severity = MG_SEV_MEDIUM,
		.summary = "A rollback cannot run: a later changeset depends on what it drops",
		.doc = "Rolling a release back runs the rollbacks last changeset first. When a later "
		       "changeset built a view or a foreign key on what an earlier rollback drops, and "
		       "its own rollback does not remove it (or it has none), PostgreSQL refuses the "
		       "DROP and the rollback stops half-way, in the middle of an incident. The finding "
		       "names the dependant and the changeset that made it, from the changeset graph. "
		       "Safe alternative: give the later changeset a rollback that drops its view or "
		       "foreign key, or drop the dependant first in this rollback.",
		.example = "-- V2__tags.sql\nCREATE TABLE tags (id int PRIMARY KEY, name text);\n"
		           "-- U2__tags.sql\nDROP TABLE tags;\n"
		           "-- V3__tag_names.sql, with no undo script\n"
		           "CREATE VIEW tag_names AS SELECT name FROM tags;",
		.versions = "every version: this is about the migrations, not the server",
		.run = rollback_blocked,
	},
};

const size_t an_rollback_rule_count = sizeof an_rollback_rules / sizeof an_rollback_rules[0];
