/*
 * dot.c: the rollout diagram, built with cgraph and drawn with gvc.
 *
 * One cluster per release, inside it one per phase; a node per step (or
 * per group of steps, below), filled by risk with a palette that stays
 * apart in grey print (the border gets heavier with the risk too) and
 * labelled with the step, its changeset, its main lock and its expected
 * time.  Dashed grey edges give the run order; solid edges the
 * dependencies, labelled with the object they are about.
 *
 * A release of hundreds of changesets stays readable by grouping: the
 * steps of one file in one phase become one node (--group file), or each
 * phase of each release does (--group release); auto groups by file past
 * MG_DIAGRAM_MAX_NODES steps, and by release past that many files.
 * --focus keeps only the steps of one changeset or one table and their
 * direct neighbours in the dependency graph.
 *
 * Output is deterministic: nodes, clusters and edges are created in run
 * order and attributes are declared once, in a fixed order, so the DOT
 * text is the same on every run.  Names from the project are escaped for
 * Graphviz labels (a backslash would otherwise start an escape).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cgraph.h>
#include <gvc.h>

#include "migraph/engine.h"
#include "render/review_int.h"

#define LABEL_WIDTH 46
/* Above this many dependency edges the transitive reduction is skipped. */
#define MAX_REDUCE_EDGES 4000

typedef struct dg_node {
	const char *name;          /* "s3", or "g2" for a group */
	int release;
	mg_phase phase;
	const char *group_key;     /* what the steps share; NULL for one step */
	size_t n_steps;
	const mg_plan_step *first, *last;
	mg_severity risk;
	mg_step_kind kind;
	const mg_lock *lock;       /* strongest lock over its steps */
	size_t n_lock_tables;      /* distinct relations locked in that mode */
	mg_map lock_tables;
	bool time_known;
	double time_ms;
	size_t n_time_unknown;
	Agnode_t *ag;
} dg_node;

typedef struct dg_edge {
	size_t from, to;           /* node indexes */
	bool order;                /* consecutive in the run order */
	bool dependency;
	bool implied;              /* a longer dependency path says the same */
	const char *objects[2];    /* the first two objects it is about */
	size_t n_objects;          /* how many distinct ones */
} dg_edge;

typedef struct dg {
	const mg_plan *plan;
	mg_arena *arena;
	mg_diagram_group group;
	bool *keep;                /* per step: drawn */
	size_t *node_of;           /* per step: its node */
	dg_node *nodes;
	size_t n_nodes;
	dg_edge *edges;
	size_t n_edges, edges_cap;
	mg_map groups;             /* group key -> node index + 1 */
	const char *focus;
} dg;

/* ---- Formats and options -------------------------------------------------- */

static const char *const format_names[] = {"dot", "svg", "png", "pdf"};

const char *mg_diagram_format_name(mg_diagram_format f)
{
	return (unsigned)f < 4 ? format_names[f] : "dot";
}

int mg_diagram_format_parse(const char *text, mg_diagram_format *out)
{
	if (!text)
		return -1;
	if (mg_str_ieq(text, "gv")) {
		*out = MG_DIAGRAM_DOT;
		return 0;
	}
	for (int i = 0; i < 4; i++)
		if (mg_str_ieq(text, format_names[i])) {
			*out = (mg_diagram_format)i;
			return 0;
		}
	return -1;
}

int mg_diagram_format_from_path(const char *file, mg_diagram_format *out)
{
	const char *base = file ? mg_path_basename(file) : NULL;
	const char *dot = base ? strrchr(base, '.') : NULL;
	return dot && dot != base ? mg_diagram_format_parse(dot + 1, out) : -1;
}

int mg_diagram_group_parse(const char *text, mg_diagram_group *out)
{
	static const char *const names[] = {"auto", "none", "file", "release"};
	for (int i = 0; i < 4; i++)
		if (mg_str_eq(text, names[i])) {
			*out = (mg_diagram_group)i;
			return 0;
		}
	return -1;
}

/* ---- Focus ----------------------------------------------------------------- */

/* "V2_1", "v2.1" and "2.1" all name Flyway version 2.1. */
static bool version_matches(const mg_changeset *cs, const char *focus)
{
	if (!cs->version.n_parts || !cs->version.text)
		return false;
	if (*focus == 'V' || *focus == 'v')
		focus++;
	const char *v = cs->version.text;
	for (; *focus && *v; focus++, v++) {
		char f = *focus == '_' ? '.' : *focus;
		if (f != *v)
			return false;
	}
	return !*focus && !*v;
}

static bool changeset_matches(const mg_changeset *cs, const char *focus)
{
	if (mg_changeset_kind_is_flyway(cs->kind)) {
		if (version_matches(cs, focus) || mg_str_ieq(cs->description, focus) ||
		    mg_str_eq(cs->script, focus))
			return true;
	} else if (mg_str_eq(cs->id, focus) || mg_str_eq(cs->filename, focus)) {
		return true;
	}
	return mg_str_eq(cs->loc.file, focus) ||
	       (cs->loc.file && mg_str_eq(mg_path_basename(cs->loc.file), focus));
}

static bool relation_matches(const char *schema, const char *name, const char *focus)
{
	if (!name)
		return false;
	if (mg_str_eq(name, focus))
		return true;
	const char *dot = strchr(focus, '.');
	return dot && schema && mg_str_eq(name, dot + 1) && strlen(schema) == (size_t)(dot - focus) &&
	       !strncmp(schema, focus, (size_t)(dot - focus));
}

static bool step_matches(const dg *g, const mg_plan_step *s)
{
	const mg_changeset *cs = rv_step_changeset(g->plan, s);
	if (cs && changeset_matches(cs, g->focus))
		return true;
	for (size_t i = 0; i < s->n_locks; i++)
		if (relation_matches(s->locks[i].relation.schema, s->locks[i].relation.name, g->focus))
			return true;
	if (s->op) {
		const mg_object *o = &s->op->object;
		if (relation_matches(o->schema, o->table ? o->table : o->name, g->focus) ||
		    relation_matches(s->op->related.schema, s->op->related.name, g->focus))
			return true;
	}
	return false;
}

/* Marks the steps to draw; returns how many. */
static size_t select_steps(dg *g)
{
	const mg_plan *plan = g->plan;
	size_t n = plan->n_steps, kept = 0;
	g->keep = mg_arena_alloc(g->arena, (n ? n : 1) * sizeof *g->keep);
	if (!g->focus) {
		for (size_t i = 0; i < n; i++)
			g->keep[i] = true;
		return n;
	}
	bool *seed = mg_arena_alloc(g->arena, (n ? n : 1) * sizeof *seed);
	for (size_t i = 0; i < n; i++)
		seed[i] = step_matches(g, plan->steps[i]);
	for (size_t i = 0; i < n; i++) {
		const mg_plan_step *s = plan->steps[i];
		for (size_t k = 0; k < s->n_depends; k++) {
			size_t dep = s->depends_on[k];
			if (dep >= n)
				continue;
			if (seed[i])
				g->keep[dep] = true;
			if (seed[dep])
				g->keep[i] = true;
		}
		if (seed[i])
			g->keep[i] = true;
	}
	for (size_t i = 0; i < n; i++)
		kept += g->keep[i];
	return kept;
}

/* ---- Nodes and edges --------------------------------------------------------- */

static const char *group_key(dg *g, const mg_plan_step *s, mg_diagram_group mode)
{
	const mg_changeset *cs = rv_step_changeset(g->plan, s);
	if (mode == MG_GROUP_NONE || !cs)
		return NULL;
	if (mode == MG_GROUP_RELEASE)
		return mg_arena_printf(g->arena, "%d/%d", s->release, (int)s->phase);
	return mg_arena_printf(g->arena, "%d/%d/%s", s->release, (int)s->phase,
	                       cs->loc.file ? cs->loc.file : "?");
}

static size_t count_nodes(dg *g, mg_diagram_group mode)
{
	mg_map seen;
	mg_map_init(&seen, g->arena);
	size_t n = 0;
	for (size_t i = 0; i < g->plan->n_steps; i++) {
		if (!g->keep[i])
			continue;
		const char *key = group_key(g, g->plan->steps[i], mode);
		if (key && mg_map_get(&seen, key))
			continue;
		if (key)
			mg_map_put(&seen, key, (void *)1);
		n++;
	}
	return n;
}

static void add_to_node(dg *g, dg_node *n, const mg_plan_step *s)
{
	if (!n->n_steps) {
		n->first = s;
		n->release = s->release;
		n->phase = s->phase;
		n->kind = s->kind;
		n->risk = s->risk;
		n->time_known = true;
	}
	n->last = s;
	n->n_steps++;
	if (s->risk > n->risk)
		n->risk = s->risk;
	const mg_lock *l = rv_step_main_lock(s);
	if (l && (!n->lock || l->mode > n->lock->mode)) {
		n->lock = l;
		n->n_lock_tables = 0;
		mg_map_init(&n->lock_tables, g->arena);
	}
	for (size_t i = 0; n->lock && i < s->n_locks; i++) {
		const mg_object *r = &s->locks[i].relation;
		if (s->locks[i].mode != n->lock->mode || r->kind != n->lock->relation.kind)
			continue;
		const char *key = mg_arena_printf(g->arena, "%s.%s", r->schema ? r->schema : "",
		                                  r->name ? r->name : "");
		if (mg_map_get(&n->lock_tables, key))
			continue;
		mg_map_put(&n->lock_tables, key, (void *)1);
		n->n_lock_tables++;
	}
	if (s->kind == MG_STEP_APP_DEPLOY)
		return;
	if (s->runtime_known) {
		n->time_ms += s->runtime_ms;
	} else {
		n->time_known = false;
		n->n_time_unknown++;
	}
}

static void build_nodes(dg *g, mg_diagram_group mode)
{
	const mg_plan *plan = g->plan;
	g->nodes = mg_arena_alloc(g->arena, (plan->n_steps + 1) * sizeof *g->nodes);
	g->node_of = mg_arena_alloc(g->arena, (plan->n_steps + 1) * sizeof *g->node_of);
	mg_map_init(&g->groups, g->arena);
	for (size_t i = 0; i < plan->n_steps; i++) {
		if (!g->keep[i])
			continue;
		const mg_plan_step *s = plan->steps[i];
		const char *key = group_key(g, s, mode);
		size_t at = key ? (size_t)mg_map_get(&g->groups, key) : 0;
		if (!at) {
			dg_node *n = &g->nodes[g->n_nodes++];
			n->group_key = key;
			n->name = key ? mg_arena_printf(g->arena, "g%zu", g->n_nodes) : rv_step_id(s);
			at = g->n_nodes;
			if (key)
				mg_map_put(&g->groups, key, (void *)(uintptr_t)at);
		}
		g->node_of[i] = at - 1;
		add_to_node(g, &g->nodes[at - 1], s);
	}
}

static const char *object_name(mg_arena *a, const mg_object *o)
{
	if (o->kind == MG_OBJ_COLUMN || o->kind == MG_OBJ_CONSTRAINT)
		return mg_arena_printf(a, "%s.%s", o->table ? o->table : "?", o->name ? o->name : "?");
	return o->name ? o->name : "?";
}

static void edge_object(dg *g, dg_edge *e, const mg_object *object)
{
	if (!object)
		return;
	const char *name = object_name(g->arena, object);
	for (size_t i = 0; i < e->n_objects && i < 2; i++)
		if (!strcmp(e->objects[i], name))
			return;
	if (e->n_objects < 2)
		e->objects[e->n_objects] = name;
	e->n_objects++;
}

static void add_edge(dg *g, size_t from, size_t to, bool dependency, const mg_object *object)
{
	for (size_t i = 0; i < g->n_edges; i++) {
		dg_edge *e = &g->edges[i];
		if (e->from != from || e->to != to)
			continue;
		if (!dependency) {
			e->order = true;
			return;
		}
		e->dependency = true;
		edge_object(g, e, object);
		return;
	}
	if (g->n_edges == g->edges_cap) {
		size_t ncap = g->edges_cap ? g->edges_cap * 2 : 32;
		g->edges = mg_arena_grow(g->arena, g->edges, sizeof *g->edges, g->n_edges, ncap);
		g->edges_cap = ncap;
	}
	dg_edge *e = &g->edges[g->n_edges++];
	e->from = from;
	e->to = to;
	e->order = !dependency;
	e->dependency = dependency;
	if (dependency)
		edge_object(g, e, object);
}

static void build_edges(dg *g)
{
	const mg_plan *plan = g->plan;
	bool have_prev = false;
	size_t prev = 0;
	for (size_t i = 0; i < plan->n_steps; i++) {
		if (!g->keep[i])
			continue;
		const mg_plan_step *s = plan->steps[i];
		size_t to = g->node_of[i];
		for (size_t k = 0; k < s->n_depends; k++) {
			size_t dep = s->depends_on[k];
			if (dep >= plan->n_steps || !g->keep[dep] || g->node_of[dep] == to)
				continue;
			add_edge(g, g->node_of[dep], to, true,
			         s->depends_objects ? &s->depends_objects[k] : NULL);
		}
		if (have_prev && prev != to)
			add_edge(g, prev, to, false, NULL);
		prev = to;
		have_prev = true;
	}
}

/* The dependency edges leaving each node (CSR: first[u] .. first[u+1]). */
typedef struct dg_adj {
	size_t *first;
	size_t *edge;
} dg_adj;

/* Whether `to` is reachable from `from` over dependency edges other than
 * skip and those already found implied. */
static bool reachable(const dg *g, const dg_adj *adj, size_t from, size_t to, size_t skip,
                      bool *seen, size_t *stack)
{
	memset(seen, 0, g->n_nodes * sizeof *seen);
	size_t top = 0;
	stack[top++] = from;
	seen[from] = true;
	while (top) {
		size_t u = stack[--top];
		for (size_t k = adj->first[u]; k < adj->first[u + 1]; k++) {
			const dg_edge *e = &g->edges[adj->edge[k]];
			if (adj->edge[k] == skip || e->implied || seen[e->to])
				continue;
			if (e->to == to)
				return true;
			seen[e->to] = true;
			stack[top++] = e->to;
		}
	}
	return false;
}

/* Transitive reduction: a dependency implied by a longer chain of
 * dependencies is not drawn (every step depends on the table's CREATE,
 * but the arrow from the step before says so already). */
static void reduce_edges(dg *g)
{
	size_t n_dep = 0;
	for (size_t i = 0; i < g->n_edges; i++)
		n_dep += g->edges[i].dependency;
	if (!n_dep || n_dep > MAX_REDUCE_EDGES)
		return;
	mg_arena *a = g->arena;
	dg_adj adj = {mg_arena_alloc(a, (g->n_nodes + 2) * sizeof *adj.first),
	              mg_arena_alloc(a, (n_dep + 1) * sizeof *adj.edge)};
	for (size_t i = 0; i < g->n_edges; i++)
		if (g->edges[i].dependency)
			adj.first[g->edges[i].from + 1]++;
	for (size_t u = 0; u < g->n_nodes; u++)
		adj.first[u + 1] += adj.first[u];
	size_t *fill = mg_arena_alloc(a, (g->n_nodes + 1) * sizeof *fill);
	memcpy(fill, adj.first, g->n_nodes * sizeof *fill);
	for (size_t i = 0; i < g->n_edges; i++)
		if (g->edges[i].dependency)
			adj.edge[fill[g->edges[i].from]++] = i;
	bool *seen = mg_arena_alloc(a, (g->n_nodes + 1) * sizeof *seen);
	size_t *stack = mg_arena_alloc(a, (g->n_nodes + 1) * sizeof *stack);
	for (size_t i = 0; i < g->n_edges; i++) {
		dg_edge *e = &g->edges[i];
		if (e->dependency && reachable(g, &adj, e->from, e->to, i, seen, stack))
			e->implied = true;
	}
}

/* ---- Labels ------------------------------------------------------------------ */

/* Appends text for a Graphviz label: backslashes doubled (they start
 * escapes), control characters dropped, long text cut with an ellipsis. */
static void label_text(mg_buf *b, const char *s, size_t max)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if ((*p & 0xC0) != 0x80 && ++n > max) {
			mg_buf_puts(b, "...");
			return;
		}
		if (*p < 0x20 || *p == 0x7F)
			mg_buf_putc(b, ' ');
		else if (*p == '\\')
			mg_buf_puts(b, "\\\\");
		else
			mg_buf_putc(b, (char)*p);
	}
}

static void label_line(mg_buf *b, const char *s, size_t max)
{
	if (b->len)
		mg_buf_puts(b, "\\n");
	label_text(b, s, max);
}

static void label_time(mg_buf *b, const dg_node *n)
{
	mg_buf t = MG_BUF_INIT;
	if (n->kind == MG_STEP_APP_DEPLOY) {
		mg_buf_puts(&t, "application rollout");
	} else if (n->time_known) {
		rv_put_duration(&t, n->time_ms);
	} else if (n->n_steps > n->n_time_unknown) {
		rv_put_duration(&t, n->time_ms);
		mg_buf_printf(&t, " + %zu unknown", n->n_time_unknown);
	} else {
		mg_buf_puts(&t, "time unknown");
	}
	label_line(b, mg_buf_cstr(&t), LABEL_WIDTH);
	mg_buf_dispose(&t);
}

static void label_lock(mg_buf *b, const dg_node *n)
{
	mg_buf t = MG_BUF_INIT;
	if (!n->lock) {
		mg_buf_puts(&t, n->kind == MG_STEP_APP_DEPLOY ? "no SQL" : "no table lock");
	} else if (n->n_lock_tables > 1 && n->n_steps > 1) {
		mg_buf_printf(&t, "%s on %zu %s", rv_lock_label(n->lock->mode), n->n_lock_tables,
		              n->lock->relation.kind == MG_OBJ_TABLE ? "tables" : "relations");
	} else {
		mg_buf_printf(&t, "%s ", rv_lock_label(n->lock->mode));
		rv_put_relation(&t, &n->lock->relation);
		if (n->n_lock_tables > 1)
			mg_buf_printf(&t, " +%zu", n->n_lock_tables - 1);
	}
	label_line(b, mg_buf_cstr(&t), LABEL_WIDTH + 16);
	mg_buf_dispose(&t);
}

static const char *node_label(dg *g, const dg_node *n)
{
	mg_buf b = MG_BUF_INIT, t = MG_BUF_INIT;
	const mg_changeset *cs = rv_step_changeset(g->plan, n->first);
	if (n->n_steps == 1) {
		mg_buf_printf(&t, "%s", rv_step_id(n->first));
		if (cs) {
			mg_buf_puts(&t, " · ");
			rv_put_changeset_short(&t, cs);
		}
		label_line(&b, mg_buf_cstr(&t), LABEL_WIDTH);
		label_line(&b, n->first->title ? n->first->title : mg_step_kind_name(n->kind),
		           LABEL_WIDTH);
	} else {
		mg_buf_printf(&t, "%s-%s · %zu steps", rv_step_id(n->first), rv_step_id(n->last),
		              n->n_steps);
		label_line(&b, mg_buf_cstr(&t), LABEL_WIDTH);
		if (g->group == MG_GROUP_FILE && cs)
			label_line(&b, mg_path_basename(cs->loc.file ? cs->loc.file : "?"), LABEL_WIDTH);
		else
			label_line(&b, mg_phase_name(n->phase), LABEL_WIDTH);
	}
	label_lock(&b, n);
	label_time(&b, n);
	const char *label = mg_arena_strdup(g->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	mg_buf_dispose(&t);
	return label;
}

/* ---- The Graphviz graph ------------------------------------------------------- */

static const struct {
	const char *fill, *border, *penwidth;
} palette[] = {
	[MG_SEV_INFO] = {"#f2f2f2", "#808080", "1"},
	[MG_SEV_LOW] = {"#deebf7", "#3a6ea5", "1"},
	[MG_SEV_MEDIUM] = {"#fff2b2", "#a67c00", "1.5"},
	[MG_SEV_HIGH] = {"#fdd0a2", "#c04f00", "2.5"},
	[MG_SEV_CRITICAL] = {"#f4b6b6", "#a50021", "3.5"},
};

static const char *shape_of(mg_step_kind kind)
{
	switch (kind) {
	case MG_STEP_SQL: return "box";
	case MG_STEP_APP_DEPLOY: return "hexagon";
	case MG_STEP_BACKFILL: return "parallelogram";
	case MG_STEP_MANUAL: return "octagon";
	}
	return "box";
}

/* cgraph takes char *: these strings are never written through. */
static void set(void *obj, const char *name, const char *value)
{
	agsafeset(obj, (char *)name, (char *)value, (char *)"");
}

static void declare(Agraph_t *ag, int kind, const char *name, const char *value)
{
	agattr(ag, kind, (char *)name, (char *)value);
}

static Agraph_t *cluster(Agraph_t *parent, const char *name, const char *label, const char *style)
{
	Agraph_t *c = agsubg(parent, (char *)name, 1);
	set(c, "label", label);
	set(c, "style", style);
	return c;
}

static const char *graph_title(dg *g, size_t kept)
{
	mg_buf b = MG_BUF_INIT;
	mg_buf_printf(&b, "Rollout plan: %zu of %zu steps, %d release%s", kept, g->plan->n_steps,
	              g->plan->n_releases, g->plan->n_releases == 1 ? "" : "s");
	if (g->focus) {
		mg_buf_puts(&b, ", focus ");
		label_text(&b, g->focus, LABEL_WIDTH);
	}
	static const char *const group_names[] = {"auto", "one node per step",
	                                          "steps grouped by file",
	                                          "steps grouped by release and phase"};
	mg_buf_printf(&b, " (%s)\\nfill: risk info grey, low blue, medium yellow, high orange, "
	                  "critical red; solid edge: depends on (object); dashed: run order",
	              group_names[g->group]);
	const char *title = mg_arena_strdup(g->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return title;
}

static Agraph_t *build_graph(dg *g, size_t kept, Agdisc_t *disc)
{
	Agraph_t *ag = agopen((char *)"rollout", Agdirected, disc);
	/* Defaults, declared once in a fixed order: the DOT text is stable. */
	declare(ag, AGRAPH, "label", graph_title(g, kept));
	declare(ag, AGRAPH, "labelloc", "t");
	declare(ag, AGRAPH, "fontname", "Helvetica");
	declare(ag, AGRAPH, "fontsize", "11");
	declare(ag, AGRAPH, "rankdir", "TB");
	declare(ag, AGRAPH, "nodesep", "0.3");
	declare(ag, AGRAPH, "ranksep", "0.35");
	declare(ag, AGRAPH, "style", "");
	declare(ag, AGNODE, "shape", "box");
	declare(ag, AGNODE, "style", "rounded,filled");
	declare(ag, AGNODE, "fontname", "Helvetica");
	declare(ag, AGNODE, "fontsize", "10");
	declare(ag, AGNODE, "label", "");
	declare(ag, AGNODE, "fillcolor", palette[MG_SEV_INFO].fill);
	declare(ag, AGNODE, "color", palette[MG_SEV_INFO].border);
	declare(ag, AGNODE, "penwidth", "1");
	declare(ag, AGEDGE, "fontname", "Helvetica");
	declare(ag, AGEDGE, "fontsize", "9");
	declare(ag, AGEDGE, "label", "");
	declare(ag, AGEDGE, "style", "solid");
	declare(ag, AGEDGE, "color", "#333333");
	declare(ag, AGEDGE, "constraint", "true");

	Agraph_t *release_cluster[3] = {NULL, NULL, NULL};
	Agraph_t *phase_cluster[3][MG_PHASE__COUNT] = {{NULL}};
	for (size_t i = 0; i < g->n_nodes; i++) {
		dg_node *n = &g->nodes[i];
		int rel = n->release >= 1 && n->release <= 2 ? n->release : 2;
		if (!release_cluster[rel]) {
			char name[32];
			snprintf(name, sizeof name, "cluster_release_%d", rel);
			release_cluster[rel] =
				cluster(ag, name, rel == 1 ? "Release 1: this release"
				                           : "Release 2: once release 1 is confirmed good",
				        "rounded");
		}
		Agraph_t **pc = &phase_cluster[rel][n->phase];
		if (!*pc) {
			char name[48];
			snprintf(name, sizeof name, "cluster_release_%d_%s", rel, mg_phase_name(n->phase));
			*pc = cluster(release_cluster[rel], name, mg_phase_name(n->phase), "dashed");
		}
		n->ag = agnode(*pc, (char *)n->name, 1);
		set(n->ag, "label", node_label(g, n));
		if (n->kind != MG_STEP_SQL)
			set(n->ag, "shape", shape_of(n->kind));
		mg_severity r = n->risk <= MG_SEV_CRITICAL ? n->risk : MG_SEV_CRITICAL;
		if (r != MG_SEV_INFO) {
			set(n->ag, "fillcolor", palette[r].fill);
			set(n->ag, "color", palette[r].border);
			set(n->ag, "penwidth", palette[r].penwidth);
		}
	}
	for (size_t i = 0; i < g->n_edges; i++) {
		const dg_edge *e = &g->edges[i];
		bool dependency = e->dependency && !e->implied;
		if (!dependency && !e->order)
			continue;
		Agedge_t *ae = agedge(ag, g->nodes[e->from].ag, g->nodes[e->to].ag, NULL, 1);
		if (dependency) {
			mg_buf b = MG_BUF_INIT;
			for (size_t k = 0; k < e->n_objects && k < 2; k++) {
				if (k)
					mg_buf_puts(&b, "\\n");
				label_text(&b, e->objects[k], LABEL_WIDTH);
			}
			if (e->n_objects > 2)
				mg_buf_printf(&b, "\\n+%zu more", e->n_objects - 2);
			set(ae, "label", mg_buf_cstr(&b));
			mg_buf_dispose(&b);
		} else {
			set(ae, "style", "dashed");
			set(ae, "color", "#9a9a9a");
		}
	}
	return ag;
}

/* ---- Output -------------------------------------------------------------------- */

/* agwrite writes through the io discipline: into our buffer. */
static int put_str(void *chan, const char *str)
{
	mg_buf_puts(chan, str);
	return 0;
}

static int flush_nothing(void *chan)
{
	(void)chan;
	return 0;
}

/* Object ids.  cgraph's own discipline makes a name's id the address of
 * its string, and writes subgraphs in id order: the order of the
 * clusters would follow malloc.  Here ids count up in the order objects
 * are created, and the discipline keeps the names (in an arena of its
 * own, freed when the graph closes), so the DOT text is the same on every
 * run. */
typedef struct seq_ids {
	mg_arena arena;
	mg_map by_name;            /* name -> id + 1 */
	const char **names;        /* id -> name, NULL for anonymous objects */
	size_t cap;
	IDTYPE next;
} seq_ids;

static void *ids_open(Agraph_t *g, Agdisc_t *disc)
{
	(void)g;
	(void)disc;
	seq_ids *s = mg_xcalloc(1, sizeof *s);
	mg_arena_init(&s->arena);
	mg_map_init(&s->by_name, &s->arena);
	return s;
}

static long ids_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
	seq_ids *s = state;
	const char *key = str ? mg_arena_printf(&s->arena, "%d:%s", objtype, str) : NULL;
	size_t known = key ? (size_t)mg_map_get(&s->by_name, key) : 0;
	if (known) {
		*id = (IDTYPE)(known - 1);
		return 1;
	}
	if (!createflag)
		return 0;
	if (s->next == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		s->names = mg_arena_grow(&s->arena, (void *)s->names, sizeof *s->names, s->cap, ncap);
		s->cap = ncap;
	}
	*id = s->next;
	s->names[s->next] = str ? mg_arena_strdup(&s->arena, str) : NULL;
	if (key)
		mg_map_put(&s->by_name, key, (void *)(uintptr_t)(s->next + 1));
	s->next++;
	return 1;
}

static long ids_alloc(void *state, int objtype, IDTYPE request)
{
	(void)state;
	(void)objtype;
	(void)request;
	return 0; /* no ids chosen by the caller */
}

static void ids_free(void *state, int objtype, IDTYPE id)
{
	(void)state;
	(void)objtype;
	(void)id;
}

static char *ids_print(void *state, int objtype, IDTYPE id)
{
	(void)objtype;
	seq_ids *s = state;
	return id < s->next ? (char *)s->names[id] : NULL;
}

static void ids_close(void *state)
{
	seq_ids *s = state;
	mg_arena_free(&s->arena);
	free(s);
}

static void ids_register(void *state, int objtype, void *obj)
{
	(void)state;
	(void)objtype;
	(void)obj;
}

static char graphviz_error[512];

/* Graphviz reports through agerr: keep its words for our caller instead
 * of letting the library print. */
static int keep_error(char *message)
{
	if (!graphviz_error[0])
		snprintf(graphviz_error, sizeof graphviz_error, "%s", message);
	return 0;
}

static int render_gvc(mg_buf *out, Agraph_t *ag, mg_diagram_format format)
{
	GVC_t *gvc = gvContext();
	if (!gvc)
		return -1;
	int rc = gvLayout(gvc, ag, "dot");
	if (rc == 0) {
		char *data = NULL;
		unsigned int len = 0;
		rc = gvRenderData(gvc, ag, mg_diagram_format_name(format), &data, &len);
		if (rc == 0 && data)
			mg_buf_put(out, data, len);
		if (data)
			gvFreeRenderData(data);
		gvFreeLayout(gvc, ag);
	}
	gvFreeContext(gvc);
	return rc;
}

int mg_render_diagram(mg_buf *out, const mg_plan *plan, mg_diagram_format format,
                      const mg_diagram_options *opts, const char **error)
{
	static const mg_diagram_options defaults = {0};
	if (!opts)
		opts = &defaults;
	mg_arena *arena = (mg_arena *)&plan->analysis->project->arena;
	dg g = {.plan = plan, .arena = arena, .focus = opts->focus && *opts->focus ? opts->focus : NULL};
	*error = NULL;
	size_t kept = select_steps(&g);
	if (g.focus && !kept) {
		*error = mg_arena_printf(arena,
		                         "--focus %s matches no step: name a changeset (version, id, "
		                         "file) or a table of the release",
		                         g.focus);
		return -1;
	}
	g.group = opts->group;
	if (g.group == MG_GROUP_AUTO) {
		g.group = MG_GROUP_NONE;
		if (kept > MG_DIAGRAM_MAX_NODES)
			g.group = count_nodes(&g, MG_GROUP_FILE) > MG_DIAGRAM_MAX_NODES ? MG_GROUP_RELEASE
			                                                                 : MG_GROUP_FILE;
	}
	build_nodes(&g, g.group);
	build_edges(&g);
	reduce_edges(&g);

	graphviz_error[0] = '\0';
	agusererrf saved_errf = agseterrf(keep_error);
	agerrlevel_t saved_level = agseterr(AGERR);
	Agiodisc_t io = {AgIoDisc.afread, put_str, flush_nothing};
	Agiddisc_t ids = {ids_open, ids_map, ids_alloc, ids_free, ids_print, ids_close, ids_register};
	Agdisc_t disc = {&AgMemDisc, &ids, &io};
	Agraph_t *ag = build_graph(&g, kept, &disc);
	int rc = format == MG_DIAGRAM_DOT ? agwrite(ag, out) : render_gvc(out, ag, format);
	agclose(ag);
	agseterr(saved_level);
	agseterrf(saved_errf);
	if (rc != 0) {
		*error = mg_arena_printf(arena, "Graphviz could not draw the diagram as %s%s%s",
		                         mg_diagram_format_name(format), graphviz_error[0] ? ": " : "",
		                         graphviz_error);
		return -1;
	}
	return 0;
}
