/*
 * graph.c: the changeset graph's storage and its cycle search.
 *
 * Cycles are searched on def-use and inversion edges only: execution
 * order alone is a chain, and adding it would turn every inversion into
 * a "cycle".  A cycle means no order of those changesets works: each one
 * needs something another one, on the other side, makes.  Tarjan's
 * algorithm runs with an explicit stack, so a long history cannot
 * overflow the C stack.
 */
#include <stdlib.h>
#include <string.h>

#include "migraph/graph.h"

mg_graph *mg_graph_new(mg_arena *arena, size_t n_nodes)
{
	mg_graph *g = mg_arena_alloc(arena, sizeof *g);
	g->n_nodes = n_nodes;
	return g;
}

void mg_graph_add_edge(mg_arena *arena, mg_graph *g, size_t from, size_t to, mg_edge_kind kind,
                       const mg_object *object)
{
	if (g->n_edges == g->edges_cap) {
		size_t ncap = g->edges_cap ? g->edges_cap * 2 : 64;
		g->edges = mg_arena_grow(arena, g->edges, sizeof *g->edges, g->n_edges, ncap);
		g->edges_cap = ncap;
	}
	mg_graph_edge *e = &g->edges[g->n_edges++];
	e->from = from;
	e->to = to;
	e->kind = kind;
	if (object)
		e->object = *object;
}

mg_graph_note *mg_graph_add_note(mg_arena *arena, mg_graph *g, mg_note_kind kind,
                                 size_t changeset, mg_loc loc, const mg_object *object)
{
	if (g->n_notes == g->notes_cap) {
		size_t ncap = g->notes_cap ? g->notes_cap * 2 : 32;
		g->notes = mg_arena_grow(arena, g->notes, sizeof *g->notes, g->n_notes, ncap);
		g->notes_cap = ncap;
	}
	mg_graph_note *n = &g->notes[g->n_notes++];
	n->kind = kind;
	n->changeset = changeset;
	n->loc = loc;
	if (object)
		n->object = *object;
	return n;
}

mg_graph_fact *mg_graph_add_fact(mg_arena *arena, mg_graph *g)
{
	if (g->n_facts == g->facts_cap) {
		size_t ncap = g->facts_cap ? g->facts_cap * 2 : 64;
		g->facts = mg_arena_grow(arena, g->facts, sizeof *g->facts, g->n_facts, ncap);
		g->facts_cap = ncap;
	}
	return &g->facts[g->n_facts++];
}

typedef struct tarjan_frame {
	size_t node;
	size_t next_edge; /* position in the node's adjacency list */
} tarjan_frame;

size_t mg_graph_find_cycles(mg_project *project, mg_graph *g)
{
	size_t n = g->n_nodes;
	if (!n)
		return 0;
	/* Adjacency in compressed form: offsets into one array of targets. */
	size_t *start = mg_xcalloc(n + 1, sizeof *start);
	size_t m = 0;
	for (size_t i = 0; i < g->n_edges; i++)
		if (g->edges[i].kind != MG_EDGE_ORDER && g->edges[i].from < n && g->edges[i].to < n) {
			start[g->edges[i].from + 1]++;
			m++;
		}
	for (size_t i = 0; i < n; i++)
		start[i + 1] += start[i];
	size_t *adj = mg_xcalloc(m ? m : 1, sizeof *adj);
	size_t *fill = mg_xcalloc(n, sizeof *fill);
	for (size_t i = 0; i < g->n_edges; i++) {
		const mg_graph_edge *e = &g->edges[i];
		if (e->kind != MG_EDGE_ORDER && e->from < n && e->to < n)
			adj[start[e->from] + fill[e->from]++] = e->to;
	}
	const size_t UNSEEN = (size_t)-1;
	size_t *index = mg_xcalloc(n, sizeof *index);
	size_t *low = mg_xcalloc(n, sizeof *low);
	bool *on_stack = mg_xcalloc(n, sizeof *on_stack);
	size_t *stack = mg_xcalloc(n, sizeof *stack);
	tarjan_frame *frames = mg_xcalloc(n, sizeof *frames);
	for (size_t i = 0; i < n; i++)
		index[i] = UNSEEN;
	size_t counter = 0, sp = 0, cycles = 0;
	for (size_t root = 0; root < n; root++) {
		if (index[root] != UNSEEN || start[root] == start[root + 1])
			continue;
		size_t fp = 0;
		frames[fp++] = (tarjan_frame){root, start[root]};
		index[root] = low[root] = counter++;
		stack[sp++] = root;
		on_stack[root] = true;
		while (fp) {
			tarjan_frame *f = &frames[fp - 1];
			size_t v = f->node;
			if (f->next_edge < start[v + 1]) {
				size_t w = adj[f->next_edge++];
				if (index[w] == UNSEEN) {
					index[w] = low[w] = counter++;
					stack[sp++] = w;
					on_stack[w] = true;
					frames[fp++] = (tarjan_frame){w, start[w]};
				} else if (on_stack[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			fp--;
			if (fp && low[v] < low[frames[fp - 1].node])
				low[frames[fp - 1].node] = low[v];
			if (low[v] != index[v])
				continue;
			size_t first = sp;
			do
				first--;
			while (stack[first] != v);
			size_t size = sp - first;
			if (size >= 2) {
				size_t min = stack[first];
				mg_buf b = MG_BUF_INIT;
				for (size_t k = first; k < sp; k++)
					if (stack[k] < min)
						min = stack[k];
				for (size_t k = sp; k-- > first;) {
					const mg_changeset *cs = project->changesets[stack[k]];
					mg_buf_printf(&b, "%s%s:%u", k + 1 == sp ? "" : ", ",
					              cs->loc.file ? cs->loc.file : "?", cs->loc.line);
				}
				mg_graph_note *note =
					mg_graph_add_note(&project->arena, g, MG_NOTE_CYCLE, min,
					                  project->changesets[min]->loc, NULL);
				note->detail = mg_arena_strdup(&project->arena, mg_buf_cstr(&b));
				mg_buf_dispose(&b);
				cycles++;
			}
			for (size_t k = first; k < sp; k++)
				on_stack[stack[k]] = false;
			sp = first;
		}
	}
	free(start);
	free(adj);
	free(fill);
	free(index);
	free(low);
	free(on_stack);
	free(stack);
	free(frames);
	return cycles;
}
