/*
 * replay.c: walks the changesets in execution order through the catalog.
 *
 * For every operation the engine model judges it first, against the
 * schema just before it runs, then the catalog applies it.  Along the
 * way the replay records def-use edges (who made the object a changeset
 * uses), catalog events as notes, and facts about the release's
 * operations for the compatibility rules.
 *
 * A missing object is only classified once the whole history is known:
 * when a later changeset creates it, the use is a dependency inversion;
 * when an earlier one dropped it, the object is used after its drop;
 * otherwise nothing creates it.  A use that an opaque operation may
 * explain (a DO block naming the object, a Java migration) is only kept
 * when a later plain CREATE proves the opaque step did not make it (that
 * CREATE would fail otherwise).
 */
#include <string.h>

#include "migraph/engine.h"
#include "migraph/graph.h"
#include "migraph/release.h"

typedef struct pending {
	size_t cs;
	mg_loc loc;
	mg_object object;
	const char *key;
	bool uncertain;
	const mg_operation *op;
} pending;

typedef struct replay {
	mg_project *p;
	mg_catalog *cat;
	mg_graph *g;
	const mg_changeset *cs;
	const mg_statement *stmt;
	mg_map last_def;     /* key -> (void*)(cs index + 1) */
	mg_map creators;     /* key -> cat of creators (size_t list), see creator_t */
	mg_map dropped;      /* key -> (void*)(cs index + 1) */
	mg_map edge_seen;    /* "from>to>key" */
	mg_map missing_seen; /* "cs>key" */
	mg_map added_cols;   /* column key -> (void*)(cs + 1): added in the release */
	pending *pend;
	size_t n_pend, cap_pend;
	bool conditional;    /* the changeset has preconditions on the database */
	bool release_known;  /* a release selection was given */
	/* An opaque step (a Java migration, a DO block, ...) ran earlier in the
	 * release: it may have created what the names of the release refer to. */
	bool opaque_in_release;
} replay;

typedef struct creator {
	size_t cs;
	bool plain; /* no IF NOT EXISTS / OR REPLACE: would fail if it existed */
	mg_loc loc;
	struct creator *next;
} creator;

static const char *lower_or(const char *s, const char *dflt)
{
	return s && *s ? s : dflt;
}

/* Keys group relations (tables, views, sequences share a namespace). */
static const char *obj_key(replay *r, const mg_object *o, bool any_schema)
{
	const char *schema = any_schema ? "*" : lower_or(o->schema, mg_catalog_default_schema(r->cat));
	mg_buf b = MG_BUF_INIT;
	switch (o->kind) {
	case MG_OBJ_COLUMN:
		mg_buf_printf(&b, "col:%s.%s.%s", schema, o->table ? o->table : "", o->name);
		break;
	case MG_OBJ_INDEX:
		mg_buf_printf(&b, "idx:%s.%s", schema, o->name);
		break;
	case MG_OBJ_CONSTRAINT:
		mg_buf_printf(&b, "con:%s.%s.%s", schema, o->table ? o->table : "", o->name);
		break;
	case MG_OBJ_TYPE:
	case MG_OBJ_DOMAIN:
		mg_buf_printf(&b, "typ:%s.%s", schema, o->name);
		break;
	default:
		mg_buf_printf(&b, "rel:%s.%s", schema, o->name);
		break;
	}
	for (char *c = b.data; c && *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c + 32);
	const char *k = mg_arena_strdup(&r->p->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return k;
}

static mg_object rel_obj(const char *schema, const char *name)
{
	return (mg_object){MG_OBJ_TABLE, schema, NULL, name};
}

static mg_loc op_loc(const replay *r, const mg_operation *op)
{
	if (op->loc.file && op->loc.line)
		return op->loc;
	if (r->stmt && r->stmt->loc.file)
		return r->stmt->loc;
	return r->cs->loc;
}

static void add_creator(replay *r, const mg_object *o, bool plain, mg_loc loc)
{
	for (int any = 0; any < 2; any++) {
		const char *k = obj_key(r, o, any);
		creator *c = mg_arena_alloc(&r->p->arena, sizeof *c);
		c->cs = r->cs->index;
		c->plain = plain;
		c->loc = loc;
		c->next = mg_map_get(&r->creators, k);
		mg_map_put(&r->creators, k, c);
	}
}

static void set_def(replay *r, const mg_object *o)
{
	mg_map_put(&r->last_def, obj_key(r, o, false), (void *)(r->cs->index + 1));
}

static void use(replay *r, const mg_object *o)
{
	if (!o->name)
		return;
	const char *k = obj_key(r, o, false);
	size_t def = (size_t)mg_map_get(&r->last_def, k);
	if (!def || def - 1 == r->cs->index)
		return;
	const char *ek = mg_arena_printf(&r->p->arena, "%zu>%zu>%s", def - 1, r->cs->index, k);
	if (mg_map_get(&r->edge_seen, ek))
		return;
	mg_map_put(&r->edge_seen, ek, r);
	mg_graph_add_edge(&r->p->arena, r->g, def - 1, r->cs->index, MG_EDGE_DEF_USE, o);
}

static void on_event(void *ctx, const mg_operation *op, const mg_cat_event *ev)
{
	replay *r = ctx;
	mg_loc loc = op_loc(r, op);
	/* A precondition (tableExists, columnExists ...) usually guards exactly
	 * against these: the changeset only runs where they cannot happen. */
	if (r->conditional &&
	    (ev->kind == MG_CAT_EV_MISSING_OBJECT || ev->kind == MG_CAT_EV_DUPLICATE_OBJECT))
		return;
	if (ev->kind == MG_CAT_EV_MISSING_OBJECT) {
		const char *key = obj_key(r, &ev->object, false);
		const char *seen = mg_arena_printf(&r->p->arena, "%zu>%s", r->cs->index, key);
		if (mg_map_get(&r->missing_seen, seen))
			return;
		mg_map_put(&r->missing_seen, seen, r);
		if (r->n_pend == r->cap_pend) {
			size_t ncap = r->cap_pend ? r->cap_pend * 2 : 32;
			r->pend = mg_arena_grow(&r->p->arena, r->pend, sizeof *r->pend, r->n_pend, ncap);
			r->cap_pend = ncap;
		}
		r->pend[r->n_pend++] = (pending){r->cs->index, loc, ev->object, key, ev->uncertain, op};
		return;
	}
	if (ev->uncertain)
		return;
	static const mg_note_kind kinds[] = {
		[MG_CAT_EV_DUPLICATE_OBJECT] = MG_NOTE_DUPLICATE,
		[MG_CAT_EV_DEPENDENT_VIEW] = MG_NOTE_DEPENDENT_VIEW,
		[MG_CAT_EV_NOT_NULL_ON_ROWS] = MG_NOTE_NOT_NULL_ON_ROWS,
		[MG_CAT_EV_DROP_IN_USE] = MG_NOTE_DROP_IN_USE,
	};
	mg_graph_note *n = mg_graph_add_note(&r->p->arena, r->g, kinds[ev->kind], r->cs->index, loc,
	                                     &ev->object);
	n->detail = ev->detail;
	n->cascade = ev->cascade;
	n->op = op;
}

static bool in_release(const mg_changeset *cs)
{
	return (cs->flags & MG_CSF_IN_RELEASE) != 0;
}

/* Does op name its relation as one that exists?  A rename or a DROP COLUMN
 * does, even with IF EXISTS once the history has named the relation: the
 * author targets something the migrations already use (one flag covers
 * ALTER TABLE IF EXISTS and DROP COLUMN IF EXISTS).  A DROP TABLE IF EXISTS
 * is often cleanup of what may never have been made: it proves nothing. */
static bool names_existing(const mg_operation *op)
{
	switch (op->kind) {
	case MG_OP_RENAME_TABLE:
	case MG_OP_RENAME_VIEW:
	case MG_OP_RENAME_COLUMN:
	case MG_OP_DROP_COLUMN:
		return true;
	case MG_OP_DROP_TABLE:
	case MG_OP_DROP_VIEW:
	case MG_OP_DROP_MATERIALIZED_VIEW:
		return !(op->flags & MG_OPF_IF_EXISTS);
	default:
		return false;
	}
}

/* An opaque step that may run DDL: defining a function, printing, or
 * loading rows creates no relation. */
static bool may_create(const mg_operation *op)
{
	if (op->kind != MG_OP_OPAQUE)
		return false;
	return op->opaque_kind != MG_OPAQUE_FUNCTION_BODY && op->opaque_kind != MG_OPAQUE_OUTPUT &&
	       op->opaque_kind != MG_OPAQUE_LOAD_DATA;
}

static bool pre_existing_rel(const replay *r, const mg_cat_relation *rel, const mg_operation *op)
{
	bool proven = names_existing(op) && !r->opaque_in_release;
	/* Named here first: only something opaque before can have made it, and
	 * IF EXISTS leaves open that nothing did. */
	if (!rel)
		return proven && !(op->flags & MG_OPF_IF_EXISTS) &&
		       mg_catalog_name_uncertain(r->cat, mg_op_table(op).name);
	if (rel->from_baseline)
		return true;
	/* Nothing seen creates it: it predates the migrations, unless an
	 * opaque step (a Java migration, a DO block naming it) may have made it;
	 * a rename or a drop of it says it was there before the release,
	 * unless an opaque step of the release itself may have made it. */
	if (!rel->has_created_by)
		return !mg_catalog_name_uncertain(r->cat, rel->name) || proven;
	if (rel->created_by >= r->p->n_changesets)
		return false;
	/* Without a release selection nothing says what production has, so
	 * every earlier changeset counts as deployed (the cautious reading);
	 * only what this changeset itself creates is new. */
	if (!r->release_known)
		return rel->created_by != r->cs->index;
	return !in_release(r->p->changesets[rel->created_by]);
}

static const char *col_key(replay *r, const mg_cat_relation *rel, const char *col)
{
	mg_object o = {MG_OBJ_COLUMN, rel->schema, rel->name, col};
	return obj_key(r, &o, false);
}

static void view_reads(void *ctx, mg_cat_relation *view)
{
	(void)view;
	*(bool *)ctx = true;
}

/* The schema as it is before op runs, for the compatibility rules. */
static void record_fact(replay *r, const mg_operation *op)
{
	switch (op->kind) {
	case MG_OP_DROP_TABLE:
	case MG_OP_DROP_VIEW:
	case MG_OP_DROP_MATERIALIZED_VIEW:
	case MG_OP_RENAME_TABLE:
	case MG_OP_RENAME_VIEW:
	case MG_OP_DROP_COLUMN:
	case MG_OP_RENAME_COLUMN:
	case MG_OP_ALTER_COLUMN_TYPE:
	case MG_OP_ADD_COLUMN:
	case MG_OP_SET_NOT_NULL:
	case MG_OP_DROP_DEFAULT:
	case MG_OP_ADD_CONSTRAINT:
	case MG_OP_VALIDATE_CONSTRAINT:
	case MG_OP_UPDATE:
	case MG_OP_INSERT:
	case MG_OP_CREATE_TABLE:
		break;
	default:
		return;
	}
	mg_object table = mg_op_table(op);
	mg_cat_relation *rel = table.name ? mg_catalog_relation(r->cat, table.schema, table.name)
	                                  : NULL;
	mg_graph_fact *f = mg_graph_add_fact(&r->p->arena, r->g);
	f->op = op;
	f->stmt = r->stmt;
	f->changeset = r->cs->index;
	f->loc = op_loc(r, op);
	f->pre_existing = pre_existing_rel(r, rel, op);
	f->table_pre_existing = f->pre_existing;
	f->table_has_rows = mg_catalog_has_rows(rel);
	if (rel && op->object.kind == MG_OBJ_COLUMN && op->object.name) {
		void *added = mg_map_get(&r->added_cols, col_key(r, rel, op->object.name));
		if (added && (r->release_known || (size_t)added - 1 == r->cs->index))
			f->pre_existing = false;
		mg_cat_column *c = mg_catalog_column(rel, op->object.name);
		f->column_has_default = c && (c->default_expr || c->identity || c->generated);
		f->column_not_null = c && c->not_null;
		f->type_before = op->type_from ? op->type_from : c ? c->type : NULL;
		if (op->kind == MG_OP_ADD_COLUMN && (in_release(r->cs) || !r->release_known))
			mg_map_put(&r->added_cols, col_key(r, rel, op->object.name),
			           (void *)(r->cs->index + 1));
	}
	if (rel)
		mg_catalog_each_dependent_view(r->cat, rel, view_reads, &f->view_reads_column);
}

/* What op uses (must exist before) and what it defines (creates or changes). */
static void def_use(replay *r, const mg_operation *op, bool before)
{
	const mg_object *o = &op->object;
	bool creates = op->kind == MG_OP_CREATE_TABLE || op->kind == MG_OP_CREATE_VIEW ||
	               op->kind == MG_OP_CREATE_MATERIALIZED_VIEW ||
	               op->kind == MG_OP_CREATE_SEQUENCE || op->kind == MG_OP_CREATE_TYPE ||
	               op->kind == MG_OP_CREATE_DOMAIN;
	mg_object table = mg_op_table(op);
	const char *ts = table.schema, *tn = table.name;
	if (before) {
		if (tn && !creates)
			use(r, &table);
		if (op->related.name && op->related.kind == MG_OBJ_TABLE)
			use(r, &op->related);
		for (size_t i = 0; i < op->n_depends; i++)
			use(r, &op->depends[i]);
		if (op->kind == MG_OP_ADD_CONSTRAINT && op->constraint &&
		    op->constraint->kind == MG_CONSTRAINT_FOREIGN_KEY) {
			mg_object t = rel_obj(op->constraint->ref_table.schema, op->constraint->ref_table.name);
			if (!t.schema)
				t.schema = ts;
			use(r, &t);
		}
		return;
	}
	if (op->kind >= MG_OP_INSERT || op->kind == MG_OP_OPAQUE || op->kind == MG_OP_GRANT ||
	    op->kind == MG_OP_COMMENT || op->kind == MG_OP_VACUUM || op->kind == MG_OP_ANALYZE ||
	    op->kind == MG_OP_LOCK_TABLE)
		return;
	mg_loc loc = op_loc(r, op);
	bool plain = !(op->flags & (MG_OPF_IF_NOT_EXISTS | MG_OPF_OR_REPLACE));
	if (creates && o->name) {
		mg_object c = *o;
		if (c.kind == MG_OBJ_VIEW || c.kind == MG_OBJ_MATERIALIZED_VIEW || c.kind == MG_OBJ_SEQUENCE)
			c.kind = MG_OBJ_TABLE;
		add_creator(r, &c, plain, loc);
		if (op->kind == MG_OP_CREATE_TABLE)
			for (size_t i = 0; i < op->n_columns; i++) {
				mg_object col = {MG_OBJ_COLUMN, o->schema, o->name, op->columns[i].name};
				if (col.name)
					add_creator(r, &col, plain, loc);
			}
	}
	switch (op->kind) {
	case MG_OP_ADD_COLUMN:
		add_creator(r, o, plain, loc);
		break;
	case MG_OP_CREATE_INDEX:
		if (o->name) {
			mg_object ix = {MG_OBJ_INDEX, ts, NULL, o->name};
			add_creator(r, &ix, plain, loc);
		}
		break;
	case MG_OP_RENAME_TABLE:
	case MG_OP_RENAME_VIEW:
	case MG_OP_RENAME_SEQUENCE:
		if (op->new_name) {
			mg_object n = rel_obj(ts, op->new_name);
			add_creator(r, &n, true, loc);
			mg_map_put(&r->dropped, obj_key(r, &table, false), (void *)(r->cs->index + 1));
			set_def(r, &n);
		}
		break;
	case MG_OP_RENAME_COLUMN:
		if (op->new_name) {
			mg_object n = {MG_OBJ_COLUMN, ts, tn, op->new_name};
			add_creator(r, &n, true, loc);
			mg_map_put(&r->dropped, obj_key(r, o, false), (void *)(r->cs->index + 1));
		}
		break;
	case MG_OP_RENAME_TYPE:
		if (op->new_name) {
			mg_object n = {MG_OBJ_TYPE, o->schema, NULL, op->new_name};
			add_creator(r, &n, true, loc);
		}
		break;
	case MG_OP_DROP_TABLE:
	case MG_OP_DROP_VIEW:
	case MG_OP_DROP_MATERIALIZED_VIEW:
	case MG_OP_DROP_SEQUENCE:
		mg_map_put(&r->dropped, obj_key(r, &table, false), (void *)(r->cs->index + 1));
		break;
	case MG_OP_DROP_COLUMN:
	case MG_OP_DROP_INDEX:
	case MG_OP_DROP_TYPE:
		mg_map_put(&r->dropped, obj_key(r, o, false), (void *)(r->cs->index + 1));
		break;
	default:
		break;
	}
	if (tn)
		set_def(r, &table);
}

static void classify_missing(replay *r)
{
	mg_project *p = r->p;
	for (size_t i = 0; i < r->n_pend; i++) {
		pending *m = &r->pend[i];
		const creator *later = NULL;
		for (int any = 0; any < 2 && !later; any++) {
			mg_object o = m->object;
			if (o.kind == MG_OBJ_VIEW || o.kind == MG_OBJ_MATERIALIZED_VIEW ||
			    o.kind == MG_OBJ_SEQUENCE)
				o.kind = MG_OBJ_TABLE;
			if (any && !mg_str_ieq(o.schema, mg_catalog_default_schema(r->cat)))
				break;
			for (const creator *c = mg_map_get(&r->creators, obj_key(r, &o, any)); c;
			     c = c->next)
				if (c->cs > m->cs && (!m->uncertain || c->plain) &&
				    (!later || c->cs < later->cs))
					later = c;
		}
		mg_graph_note *n;
		if (later) {
			n = mg_graph_add_note(&p->arena, r->g, MG_NOTE_INVERSION, m->cs, m->loc, &m->object);
			n->has_other = true;
			n->other = later->cs;
			n->other_loc = later->loc;
			mg_graph_add_edge(&p->arena, r->g, later->cs, m->cs, MG_EDGE_INVERSION, &m->object);
		} else if (m->uncertain) {
			continue;
		} else {
			size_t d = (size_t)mg_map_get(&r->dropped, m->key);
			if (d && d - 1 < m->cs) {
				n = mg_graph_add_note(&p->arena, r->g, MG_NOTE_USED_AFTER_DROP, m->cs, m->loc,
				                      &m->object);
				n->has_other = true;
				n->other = d - 1;
				n->other_loc = p->changesets[d - 1]->loc;
			} else {
				n = mg_graph_add_note(&p->arena, r->g, MG_NOTE_UNKNOWN, m->cs, m->loc,
				                      &m->object);
			}
		}
		n->op = m->op;
	}
}

/* The session the engine model judges a statement in.  The TimeZone
 * decides timestamp <-> timestamptz rewrites: each changeset starts in
 * the profile's zone (UTC by default) and follows its own SET TimeZone. */
static mg_engine_session engine_session(const mg_timeline_entry *e, bool start_utc,
                                         const mg_statement *st)
{
	const mg_setting *tz = &e->timezone;
	bool own = tz->value && tz->origin_changeset == e->changeset;
	mg_engine_session session = {
		.timezone_utc = own ? mg_timezone_is_utc(tz->value) : start_utc,
		.in_transaction_block = e->in_block,
		.statement_ops = st->ops,
		.n_statement_ops = st->n_ops,
	};
	return session;
}

void mg_replay_statements(mg_catalog *cat, mg_statement *const *stmts, size_t n,
                          size_t changeset_index, mg_cat_event_fn fn, void *ctx)
{
	for (size_t s = 0; s < n; s++) {
		const mg_statement *st = stmts[s];
		if (st->parse_failed)
			continue;
		mg_catalog_set_statement(cat, st->sql, st->sql_len);
		for (size_t k = 0; k < st->n_ops; k++)
			mg_catalog_apply(cat, st->ops[k], changeset_index, fn, ctx);
	}
	mg_catalog_set_statement(cat, NULL, 0);
}

mg_catalog *mg_replay_release(mg_project *project, const mg_graph *g, bool release_known,
                              mg_replay_fn fn, void *ctx)
{
	if (!g || !g->before_release)
		return NULL;
	mg_catalog *cat = mg_catalog_copy(g->before_release, &project->arena, NULL, 0);
	bool started = false;
	for (size_t i = 0; i < project->n_changesets; i++) {
		const mg_changeset *cs = project->changesets[i];
		started = started || (in_release(cs) && mg_changeset_runs(cs));
		if (!started || !mg_changeset_runs(cs))
			continue;
		if (!release_known)
			mg_catalog_assume_rows(cat);
		if (in_release(cs) && fn)
			fn(ctx, cat, cs);
		mg_replay_statements(cat, cs->stmts, cs->n_stmts, cs->index, NULL, NULL);
	}
	return cat;
}

mg_graph *mg_replay(mg_project *project, mg_catalog *cat, bool have_baseline,
                    bool release_known, bool start_utc)
{
	replay r = {.p = project, .cat = cat, .release_known = release_known};
	r.g = mg_graph_new(&project->arena, project->n_changesets);
	r.g->have_baseline = have_baseline;
	const mg_timeline *tl = mg_timeline_build(project);
	r.g->timeline = tl;
	mg_map_init(&r.last_def, &project->arena);
	mg_map_init(&r.creators, &project->arena);
	mg_map_init(&r.dropped, &project->arena);
	mg_map_init(&r.edge_seen, &project->arena);
	mg_map_init(&r.missing_seen, &project->arena);
	mg_map_init(&r.added_cols, &project->arena);
	bool have_prev = false, release_started = false, before_release = false;
	size_t prev = 0;
	for (size_t i = 0; i < project->n_changesets; i++) {
		mg_changeset *cs = project->changesets[i];
		if (!mg_changeset_runs(cs))
			continue;
		r.cs = cs;
		r.conditional = cs->has_preconditions;
		if (in_release(cs) && !release_started) {
			release_started = true;
			if (before_release)
				mg_catalog_assume_rows(cat);
		}
		/* Without a release selection, what earlier changesets made is
		 * live and may hold rows. */
		if (!release_known) {
			mg_catalog_assume_rows(cat);
			r.opaque_in_release = false;
		}
		/* The schema production has when the release starts: the plan and
		 * the rollback rules replay the release again from here. */
		if (in_release(cs) && !r.g->before_release)
			r.g->before_release = mg_catalog_copy(cat, &project->arena, NULL, 0);
		before_release = before_release || !in_release(cs);
		if (have_prev)
			mg_graph_add_edge(&project->arena, r.g, prev, cs->index, MG_EDGE_ORDER, NULL);
		have_prev = true;
		prev = cs->index;
		for (size_t s = 0; s < cs->n_stmts; s++) {
			mg_statement *st = cs->stmts[s];
			if (st->parse_failed)
				continue;
			r.stmt = st;
			mg_catalog_set_statement(cat, st->sql, st->sql_len);
			mg_engine_session session = engine_session(mg_timeline_at(tl, i, s), start_utc, st);
			for (size_t k = 0; k < st->n_ops; k++) {
				mg_operation *op = st->ops[k];
				mg_engine_annotate(&project->arena, &project->engine, &session, cat, op);
				if (in_release(cs))
					record_fact(&r, op);
				def_use(&r, op, true);
				mg_catalog_apply(cat, op, cs->index, on_event, &r);
				def_use(&r, op, false);
				if (in_release(cs) && may_create(op))
					r.opaque_in_release = true;
			}
		}
		mg_catalog_set_statement(cat, NULL, 0);
	}
	classify_missing(&r);
	mg_graph_find_cycles(project, r.g);
	return r.g;
}
