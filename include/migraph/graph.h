/*
 * graph.h: the changeset graph and what the catalog replay observed.
 *
 * Nodes are the changesets (by index in project->changesets).  Edges are
 * execution order (each replayed changeset to the next one), def-use (B
 * uses an object A created or changed; the edge carries the object), and
 * inversions (B uses an object only a later changeset A creates: the edge
 * runs from A to B against execution order).  Cycles are strongly
 * connected sets of changesets once inversion edges are added.
 *
 * The replay (src/model/replay.c) also records notes: what PostgreSQL
 * would refuse (missing, duplicate, in use) and facts about each
 * operation of the release that the compatibility rules judge (did the
 * object exist before the release, the column type before a change).
 * Rules turn notes into findings; the graph itself never decides severity.
 */
#ifndef MIGRAPH_GRAPH_H
#define MIGRAPH_GRAPH_H

#include "migraph/catalog.h"
#include "migraph/model.h"
#include "migraph/timeline.h"

typedef enum mg_edge_kind {
	MG_EDGE_ORDER = 0,     /* from runs right before to */
	MG_EDGE_DEF_USE,       /* to uses object, which from created or changed */
	MG_EDGE_INVERSION      /* to uses object, which only the later from creates */
} mg_edge_kind;

typedef struct mg_graph_edge {
	size_t from;
	size_t to;
	mg_edge_kind kind;
	mg_object object;      /* DEF_USE, INVERSION: the object; ORDER: kind NONE */
} mg_graph_edge;

typedef enum mg_note_kind {
	MG_NOTE_INVERSION = 0, /* other = the later changeset that creates it */
	MG_NOTE_UNKNOWN,       /* nothing creates it and no baseline has it */
	MG_NOTE_USED_AFTER_DROP, /* other = the earlier changeset that dropped it */
	MG_NOTE_DUPLICATE,
	MG_NOTE_DEPENDENT_VIEW,
	MG_NOTE_NOT_NULL_ON_ROWS,
	MG_NOTE_DROP_IN_USE,   /* cascade says whether CASCADE took the dependants along */
	MG_NOTE_CYCLE          /* detail lists the changesets of the cycle */
} mg_note_kind;

typedef struct mg_graph_note {
	mg_note_kind kind;
	size_t changeset;
	mg_loc loc;
	mg_object object;
	const char *detail;
	bool has_other;
	size_t other;
	mg_loc other_loc;
	bool cascade;
	const mg_operation *op;
} mg_graph_note;

/* One operation of the release, with the schema as it was before it ran. */
typedef struct mg_graph_fact {
	const mg_operation *op;
	const mg_statement *stmt;
	size_t changeset;
	mg_loc loc;              /* where the operation is (else its statement, else its changeset) */
	bool pre_existing;       /* its table (or the column) existed before the release */
	bool table_has_rows;     /* rows may exist in its table */
	const char *type_before; /* ALTER COLUMN TYPE: the column's type, when known */
	bool view_reads_column;  /* a view reads the column/table it changes */
	bool column_has_default; /* the column it changes has a default */
	bool column_not_null;    /* the column it changes is NOT NULL */
	bool table_pre_existing; /* its table existed before the release (even when the
	                          * column is new) */
} mg_graph_fact;

typedef struct mg_graph {
	size_t n_nodes;            /* == project->n_changesets */
	mg_graph_edge *edges;
	size_t n_edges;
	size_t edges_cap;
	mg_graph_note *notes;
	size_t n_notes;
	size_t notes_cap;
	mg_graph_fact *facts;
	size_t n_facts;
	size_t facts_cap;
	bool have_baseline;        /* --schema was given */
	const mg_timeline *timeline; /* what is in effect at each statement (timeline.h) */
	/* The catalog as it stood before the first changeset of the release
	 * (a copy: the replay goes on with its own), or NULL when nothing is
	 * in the release.  Passes that replay the release again start here. */
	const mg_catalog *before_release;
	const struct mg_release *release; /* set by mg_analysis_prepare */
} mg_graph;

mg_graph *mg_graph_new(mg_arena *arena, size_t n_nodes);
void mg_graph_add_edge(mg_arena *arena, mg_graph *g, size_t from, size_t to, mg_edge_kind kind,
                       const mg_object *object);
mg_graph_note *mg_graph_add_note(mg_arena *arena, mg_graph *g, mg_note_kind kind,
                                 size_t changeset, mg_loc loc, const mg_object *object);
mg_graph_fact *mg_graph_add_fact(mg_arena *arena, mg_graph *g);
/* Finds the cycles (strongly connected sets of two or more changesets)
 * and adds one MG_NOTE_CYCLE per cycle.  Iterative: no recursion depth
 * grows with the project.  Returns the number of cycles. */
size_t mg_graph_find_cycles(mg_project *project, mg_graph *g);

/* Replays the project's changesets through a catalog (starting from cat,
 * which may hold a baseline), annotating each operation with the engine
 * model first, and builds the graph and the statement timeline.  Skips
 * changesets that do not run and statements that did not parse.  Each
 * changeset starts in the session TimeZone start_utc says and follows its
 * own SET TimeZone. */
mg_graph *mg_replay(mg_project *project, mg_catalog *cat, bool have_baseline,
                    bool release_known, bool start_utc);
/* Applies statements to cat as the replay does (statements that did not
 * parse are skipped), without the engine model or the graph: for passes
 * that replay part of the history again on a copy of the catalog (a
 * changeset and its rollback, the plan's steps in their new order). */
void mg_replay_statements(mg_catalog *cat, mg_statement *const *stmts, size_t n,
                          size_t changeset_index, mg_cat_event_fn fn, void *ctx);
/* Replays the release again on a copy of the catalog it started from
 * (g->before_release), as mg_replay did: the same changesets, the same
 * assumptions about rows, without the engine model or the graph.  fn, when
 * given, sees each changeset of the release with the catalog just before
 * it.  Returns the catalog after the last changeset, or NULL when nothing
 * is in the release. */
typedef void (*mg_replay_fn)(void *ctx, mg_catalog *cat, const mg_changeset *cs);
mg_catalog *mg_replay_release(mg_project *project, const mg_graph *g, bool release_known,
                              mg_replay_fn fn, void *ctx);

#endif
