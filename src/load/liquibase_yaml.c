/*
 * liquibase_yaml.c: reads a YAML or JSON changelog into the generic tree.
 *
 * libyaml reads both (JSON is YAML).  Reading happens in two passes, both
 * iterative so that no input can exhaust the C stack:
 *
 *  1. libyaml's event stream builds a plain YAML tree (scalars, sequences,
 *     mappings, with the 1-based position of every node).  Nesting depth
 *     is checked as containers open, and aliases are not copied: an alias
 *     points at its anchored node, whose size (nodes it stands for, with
 *     its own aliases expanded) is known, so an alias bomb is refused
 *     before a single node of it is copied.
 *  2. The YAML tree becomes the lb_node tree by the reader rules of
 *     lb_node.h, using an explicit work list.  Aliases are expanded here,
 *     bounded by the count checked in pass 1.
 *
 * SQL bodies keep exact positions: a scalar's text_loc is where its first
 * character of content sits (for a `sql: |` block, the first line after
 * the header), and text_verbatim is set only when the value is the file's
 * own bytes from there on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "load/lb_readers.h"

typedef enum { Y_SCALAR, Y_SEQ, Y_MAP } ykind;

typedef struct ynode ynode;
struct ynode {
	ykind kind;
	bool is_null;
	bool complete;       /* its end event was seen (false after an error) */
	bool verbatim;
	bool plain;          /* plain scalar style (for "<<" merge keys) */
	const char *text;    /* scalars */
	size_t len;
	mg_loc loc;          /* where the node starts */
	mg_loc text_loc;     /* where a scalar's content starts */
	ynode **items;       /* sequence items; mapping keys and values, alternating */
	size_t n_items;
	size_t items_cap;
	size_t size;         /* nodes it stands for, aliases expanded */
	size_t bytes;        /* scalar bytes it stands for, aliases expanded */
	size_t serial;       /* mappings: which one, for its keys in yreader.keys */
	unsigned height;     /* nesting levels it spans, aliases expanded */
};

typedef struct yframe {
	ynode *node;
	const char *anchor;
} yframe;

typedef struct yreader {
	mg_project *project;
	mg_arena *arena;
	const char *path;
	const char *data;
	size_t len;
	size_t *line_starts; /* heap; byte offset of each 0-based line */
	size_t n_lines;
	mg_map anchors;
	size_t alias_nodes;
	size_t max_alias;
	mg_map keys;         /* "<mapping serial>:<key>" -> the line it first appeared on */
	size_t n_maps;
	unsigned max_depth;
	yframe *stack;       /* heap; open containers */
	size_t depth;
	size_t stack_cap;
	ynode *doc;          /* the first document's root node */
	bool stop;
} yreader;

/* ---- positions ---------------------------------------------------------- */

static void index_lines(yreader *r)
{
	size_t n = 1;
	for (size_t i = 0; i < r->len; i++)
		if (r->data[i] == '\n')
			n++;
	r->line_starts = mg_xmalloc(n * sizeof *r->line_starts);
	r->line_starts[0] = 0;
	size_t k = 1;
	for (size_t i = 0; i < r->len; i++)
		if (r->data[i] == '\n')
			r->line_starts[k++] = i + 1;
	r->n_lines = n;
}

/* Byte offset of a libyaml mark (0-based line, column in code points),
 * or SIZE_MAX when it is not inside the data. */
static size_t mark_offset(const yreader *r, const yaml_mark_t *m)
{
	if (m->line >= r->n_lines)
		return SIZE_MAX;
	size_t off = r->line_starts[m->line];
	for (size_t c = 0; c < m->column; c++) {
		if (off >= r->len || r->data[off] == '\n')
			return SIZE_MAX;
		off++;
		while (off < r->len && ((unsigned char)r->data[off] & 0xC0) == 0x80)
			off++;
	}
	return off;
}

static mg_loc mark_loc(const yreader *r, const yaml_mark_t *m)
{
	mg_loc loc = {r->path, (uint32_t)m->line + 1, (uint32_t)m->column + 1};
	return loc;
}

/* Where a scalar's content begins, and whether the value is the file's
 * bytes from there on. */
static void scalar_position(const yreader *r, ynode *n, const yaml_event_t *ev)
{
	const yaml_mark_t *m = &ev->start_mark;
	yaml_scalar_style_t style = ev->data.scalar.style;
	n->text_loc = mark_loc(r, m);
	size_t off = mark_offset(r, m);
	if (off == SIZE_MAX)
		return;
	if (style == YAML_LITERAL_SCALAR_STYLE || style == YAML_FOLDED_SCALAR_STYLE) {
		/* The header (| or >, with indicators and maybe a comment) ends
		 * its line; content starts on the next line, at the indentation
		 * of the first line that is not blank. */
		size_t line = m->line + 1;
		if (line >= r->n_lines)
			return;
		n->text_loc.line = (uint32_t)line + 1;
		n->text_loc.col = 1;
		for (size_t l = line; l < r->n_lines; l++) {
			size_t p = r->line_starts[l];
			size_t sp = 0;
			while (p + sp < r->len && r->data[p + sp] == ' ')
				sp++;
			if (p + sp < r->len && r->data[p + sp] != '\n' &&
			    r->data[p + sp] != '\r') {
				n->text_loc.col = (uint32_t)sp + 1;
				break;
			}
		}
		return;
	}
	if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	    style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		off++;
		n->text_loc.col++;
	}
	/* Verbatim only when no line break was folded and no escape was
	 * decoded: then the value is exactly the bytes at off. */
	if (memchr(n->text, '\n', n->len))
		return;
	n->verbatim = off + n->len <= r->len && memcmp(r->data + off, n->text, n->len) == 0;
}

/* ---- pass 1: events -> YAML tree ---------------------------------------- */

static ynode *ynode_new(yreader *r, ykind kind, const yaml_mark_t *m)
{
	ynode *n = mg_arena_alloc(r->arena, sizeof *n);
	n->kind = kind;
	n->loc = mark_loc(r, m);
	n->text_loc = n->loc;
	n->size = 1;
	n->height = 1;
	return n;
}

static bool is_null_scalar(const yaml_event_t *ev)
{
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *v = (const char *)ev->data.scalar.value;
	return *v == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	       strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static void depth_diag(yreader *r, const yaml_mark_t *m)
{
	mg_diag *dg = mg_diag_add(&r->project->diags, MG_SEV_HIGH, "limit-nesting",
	                          mark_loc(r, m),
	                          "YAML nested deeper than %u levels; the changelog is not read",
	                          r->max_depth);
	mg_diag_set_hint(&r->project->diags, dg, "raise the limit with --max-nesting-depth");
	r->stop = true;
}

/* SnakeYAML, as Liquibase configures it, refuses a mapping that holds a
 * key twice; silently keeping one of the values would hide a change.  A
 * merge key (<<) may repeat: its entries are merged, not duplicated. */
static void check_key(yreader *r, const ynode *map, const ynode *key, const yaml_mark_t *m)
{
	if (key->kind != Y_SCALAR || !key->text || (key->plain && !strcmp(key->text, "<<")))
		return;
	const char *k = mg_arena_printf(r->arena, "%zx:%s", map->serial, key->text);
	uint32_t first = (uint32_t)(uintptr_t)mg_map_get(&r->keys, k);
	mg_loc at = mark_loc(r, m);
	if (!first) {
		mg_map_put(&r->keys, k, (void *)(uintptr_t)at.line);
		return;
	}
	int shown = key->len > 80 ? 80 : (int)key->len;
	mg_diag *dg = mg_diag_add(&r->project->diags, MG_SEV_HIGH, "yaml-duplicate-key", at,
	                          "key '%.*s%s' appears twice in one mapping (first on line %u): "
	                          "Liquibase refuses this changelog",
	                          shown, key->text, key->len > 80 ? "..." : "", first);
	mg_diag_set_hint(&r->project->diags, dg,
	                 "remove or rename one of them; migraph reads both, Liquibase neither");
}

/* Attaches a finished node to the open container (or makes it the
 * document), keeping the container's size and height up to date. */
static void attach(yreader *r, ynode *n, const yaml_mark_t *m)
{
	if (r->depth == 0) {
		if (!r->doc)
			r->doc = n;
		return;
	}
	ynode *parent = r->stack[r->depth - 1].node;
	if ((size_t)r->depth + n->height > r->max_depth) {
		depth_diag(r, m);
		return;
	}
	if (parent->kind == Y_MAP && parent->n_items % 2 == 0)
		check_key(r, parent, n, m);
	mg_arena_push(r->arena, (void ***)&parent->items, &parent->n_items,
	              &parent->items_cap, n);
	parent->size += n->size;
	parent->bytes += n->bytes;
	if (n->height + 1 > parent->height)
		parent->height = n->height + 1;
}

static void open_container(yreader *r, ykind kind, const yaml_event_t *ev,
                           const yaml_char_t *anchor)
{
	if (r->depth + 1 > r->max_depth) {
		depth_diag(r, &ev->start_mark);
		return;
	}
	if (r->depth == r->stack_cap) {
		r->stack_cap = r->stack_cap ? r->stack_cap * 2 : 32;
		r->stack = mg_xrealloc(r->stack, r->stack_cap * sizeof *r->stack);
	}
	ynode *n = ynode_new(r, kind, &ev->start_mark);
	if (kind == Y_MAP)
		n->serial = ++r->n_maps;
	r->stack[r->depth].node = n;
	r->stack[r->depth].anchor = anchor ? mg_arena_strdup(r->arena, (const char *)anchor) : NULL;
	r->depth++;
}

static void close_container(yreader *r, const yaml_event_t *ev)
{
	if (r->depth == 0)
		return;
	yframe f = r->stack[--r->depth];
	f.node->complete = true;
	if (f.anchor)
		mg_map_put(&r->anchors, f.anchor, f.node);
	attach(r, f.node, &ev->start_mark);
}

static void on_scalar(yreader *r, const yaml_event_t *ev)
{
	ynode *n = ynode_new(r, Y_SCALAR, &ev->start_mark);
	n->complete = true;
	n->is_null = is_null_scalar(ev);
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	n->len = ev->data.scalar.length;
	n->text = mg_arena_strndup(r->arena, (const char *)ev->data.scalar.value, n->len);
	n->bytes = n->len;
	scalar_position(r, n, ev);
	if (ev->data.scalar.anchor)
		mg_map_put(&r->anchors, (const char *)ev->data.scalar.anchor, n);
	attach(r, n, &ev->start_mark);
}

static void on_alias(yreader *r, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	ynode *target = mg_map_get(&r->anchors, name);
	if (!target) {
		mg_diag_add(&r->project->diags, MG_SEV_HIGH, "yaml-unknown-alias",
		            mark_loc(r, &ev->start_mark),
		            "alias *%s refers to no anchor defined before it", name);
		ynode *n = ynode_new(r, Y_SCALAR, &ev->start_mark);
		n->complete = true;
		n->is_null = true;
		n->text = "";
		attach(r, n, &ev->start_mark);
		return;
	}
	r->alias_nodes += target->size;
	if (r->alias_nodes > r->max_alias) {
		mg_diag *dg = mg_diag_add(&r->project->diags, MG_SEV_HIGH, "yaml-alias-limit",
		                          mark_loc(r, &ev->start_mark),
		                          "YAML aliases expand to more than %zu nodes; the changelog is not read",
		                          r->max_alias);
		mg_diag_set_hint(&r->project->diags, dg,
		                 "an alias bomb, or a very large changelog: raise the limit with --max-alias-expansion");
		r->stop = true;
		return;
	}
	/* Counted in bytes too: one alias of a 1 MB scalar repeated a
	 * thousand times is a gigabyte of SQL, in few nodes. */
	if (!mg_project_expand(r->project, target->bytes, mark_loc(r, &ev->start_mark),
	                       "the changelog is not read")) {
		r->stop = true;
		return;
	}
	attach(r, target, &ev->start_mark);
}

static void parse_error(yreader *r, const yaml_parser_t *p)
{
	yaml_mark_t m = p->problem_mark;
	if (p->error == YAML_READER_ERROR) {
		/* Reader errors carry an offset, not a line. */
		m = p->mark;
	}
	const char *problem = p->problem ? p->problem : "malformed YAML";
	mg_diag *dg;
	if (p->context)
		dg = mg_diag_add(&r->project->diags, MG_SEV_HIGH, "yaml-parse-error",
		                 mark_loc(r, &m), "malformed YAML: %s %s (line %zu)",
		                 problem, p->context, (size_t)p->context_mark.line + 1);
	else
		dg = mg_diag_add(&r->project->diags, MG_SEV_HIGH, "yaml-parse-error",
		                 mark_loc(r, &m), "malformed YAML: %s", problem);
	mg_diag_set_hint(&r->project->diags, dg,
	                 "Liquibase cannot read this file either; only the changesets before the error are analysed");
}

/* Runs libyaml over the data; returns false after a parse error. */
static bool read_events(yreader *r)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		mg_diag_add(&r->project->diags, MG_SEV_HIGH, "yaml-parse-error",
		            (mg_loc){r->path, 0, 0}, "cannot start the YAML parser");
		return false;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)r->data, r->len);
	bool ok = true, done = false;
	while (!done && !r->stop) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			parse_error(r, &parser);
			ok = false;
			break;
		}
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
			on_scalar(r, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			open_container(r, Y_SEQ, &ev, ev.data.sequence_start.anchor);
			break;
		case YAML_MAPPING_START_EVENT:
			open_container(r, Y_MAP, &ev, ev.data.mapping_start.anchor);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			close_container(r, &ev);
			break;
		case YAML_ALIAS_EVENT:
			on_alias(r, &ev);
			break;
		case YAML_DOCUMENT_END_EVENT:
			/* Liquibase reads one document per changelog. */
			done = true;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	/* After an error, keep what was read: close the open containers
	 * (they stay marked incomplete). */
	while (r->depth > 0) {
		yframe f = r->stack[--r->depth];
		if (r->depth == 0) {
			if (!r->doc)
				r->doc = f.node;
		} else {
			ynode *parent = r->stack[r->depth - 1].node;
			mg_arena_push(r->arena, (void ***)&parent->items, &parent->n_items,
			              &parent->items_cap, f.node);
		}
	}
	return ok;
}

/* ---- pass 2: YAML tree -> lb_node tree ---------------------------------- */

typedef struct ytask {
	const ynode *y;
	lb_node *node;
	bool root_list;      /* the databaseChangeLog list: skip incomplete items */
} ytask;

typedef struct ywork {
	yreader *r;
	ytask *tasks;        /* heap */
	size_t n;
	size_t cap;
} ywork;

static void push_task(ywork *w, const ynode *y, lb_node *node, bool root_list)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->tasks = mg_xrealloc(w->tasks, w->cap * sizeof *w->tasks);
	}
	w->tasks[w->n++] = (ytask){y, node, root_list};
}

static const char *key_name(const ynode *k)
{
	return k->kind == Y_SCALAR && k->text ? k->text : "?";
}

static void set_text(lb_node *node, const ynode *s)
{
	node->text = s->is_null ? NULL : s->text;
	node->text_len = s->is_null ? 0 : s->len;
	node->text_loc = s->text_loc;
	node->text_verbatim = !s->is_null && s->verbatim;
}

/* A child node for a non-scalar value (or a scalar child with text). */
static lb_node *child_for(ywork *w, lb_node *parent, const char *name,
                             mg_loc loc, const ynode *value)
{
	lb_node *c = lb_node_new(w->r->arena, name, loc);
	lb_node_add_child(w->r->arena, parent, c);
	if (value->kind == Y_SCALAR)
		set_text(c, value);
	else
		push_task(w, value, c, false);
	return c;
}

/* Keys whose scalar is also the element's text body in XML: the sql
 * change's SQL, a view's query, a procedure's body. */
static bool is_text_key(const char *node_name, const char *key)
{
	if (strcmp(node_name, key) == 0)
		return true;
	if (strcmp(node_name, "createView") == 0)
		return strcmp(key, "selectQuery") == 0;
	if (strcmp(node_name, "createProcedure") == 0)
		return strcmp(key, "procedureBody") == 0 || strcmp(key, "procedureText") == 0;
	return false;
}

static bool map_has_key(const ynode *map, const char *key)
{
	for (size_t i = 0; i + 1 < map->n_items; i += 2)
		if (strcmp(key_name(map->items[i]), key) == 0)
			return true;
	return false;
}

static void fill_map_entries(ywork *w, lb_node *node, const ynode *map,
                             const ynode *outer, unsigned merge_depth);

/* YAML merge keys (<<: *defaults), which SnakeYAML honours: entries of
 * the merged mappings that the mapping does not set itself. */
static void merge_into(ywork *w, lb_node *node, const ynode *value,
                       const ynode *outer, unsigned merge_depth)
{
	if (merge_depth > 32)
		return;
	if (value->kind == Y_MAP) {
		fill_map_entries(w, node, value, outer, merge_depth + 1);
	} else if (value->kind == Y_SEQ) {
		for (size_t i = 0; i < value->n_items; i++)
			if (value->items[i]->kind == Y_MAP)
				fill_map_entries(w, node, value->items[i], outer, merge_depth + 1);
	}
}

static void fill_map_entries(ywork *w, lb_node *node, const ynode *map,
                             const ynode *outer, unsigned merge_depth)
{
	mg_arena *a = w->r->arena;
	for (size_t i = 0; i + 1 < map->n_items; i += 2) {
		const ynode *k = map->items[i], *v = map->items[i + 1];
		const char *name = key_name(k);
		if (k->kind == Y_SCALAR && k->plain && strcmp(name, "<<") == 0) {
			merge_into(w, node, v, outer, merge_depth);
			continue;
		}
		if (merge_depth > 0 && map_has_key(outer, name))
			continue;
		if (v->kind == Y_SCALAR) {
			lb_node_add_attr(a, node, name, v->is_null ? NULL : v->text, k->loc);
			if (!v->is_null && !node->text && is_text_key(node->name, name))
				set_text(node, v);
		} else {
			child_for(w, node, name, k->loc, v);
		}
	}
}

/* include and includeAll written as a list of one-key maps are one
 * element with those attributes (seen in real projects). */
static bool is_include(const char *name)
{
	return strcmp(name, "include") == 0 || strcmp(name, "includeAll") == 0;
}

static void fill_seq(ywork *w, lb_node *node, const ynode *seq, bool root_list)
{
	mg_arena *a = w->r->arena;
	bool include = is_include(node->name);
	for (size_t i = 0; i < seq->n_items; i++) {
		const ynode *item = seq->items[i];
		if (root_list && !item->complete)
			continue;
		if (item->kind == Y_MAP && item->n_items == 2) {
			const ynode *k = item->items[0], *v = item->items[1];
			if (root_list && !v->complete)
				continue;
			if (include && v->kind == Y_SCALAR) {
				lb_node_add_attr(a, node, key_name(k), v->is_null ? NULL : v->text,
				                    k->loc);
				continue;
			}
			child_for(w, node, key_name(k), k->loc, v);
		} else {
			/* A scalar item, a sequence in a sequence, or a mapping of
			 * several keys: an element named after the list. */
			child_for(w, node, node->name, item->loc, item);
		}
	}
}

static void run_task(ywork *w, const ytask *t)
{
	if (t->y->kind == Y_MAP)
		fill_map_entries(w, t->node, t->y, t->y, 0);
	else if (t->y->kind == Y_SEQ)
		fill_seq(w, t->node, t->y, t->root_list);
	else
		set_text(t->node, t->y);
}

static lb_node *build_tree(yreader *r, bool quiet)
{
	const ynode *doc = r->doc;
	if (!doc || (doc->kind == Y_SCALAR && doc->is_null)) {
		if (quiet)
			return NULL;
		mg_diag_add(&r->project->diags, MG_SEV_HIGH, "yaml-not-changelog",
		            (mg_loc){r->path, 1, 1},
		            "the changelog is empty; Liquibase expects a databaseChangeLog key");
		return NULL;
	}
	const ynode *key = NULL, *value = NULL;
	if (doc->kind == Y_MAP)
		for (size_t i = 0; i + 1 < doc->n_items; i += 2)
			if (strcmp(key_name(doc->items[i]), "databaseChangeLog") == 0) {
				key = doc->items[i];
				value = doc->items[i + 1];
				break;
			}
	if (!key) {
		if (quiet)
			return NULL;
		mg_diag_add(&r->project->diags, MG_SEV_HIGH, "yaml-not-changelog", doc->loc,
		            "no databaseChangeLog key at the top of the file; it is not a Liquibase changelog");
		return NULL;
	}
	lb_node *root = lb_node_new(r->arena, "databaseChangeLog", key->loc);
	ywork w = {r, NULL, 0, 0};
	if (value->kind == Y_SCALAR)
		set_text(root, value);
	else
		push_task(&w, value, root, value->kind == Y_SEQ);
	while (w.n > 0) {
		ytask t = w.tasks[--w.n];
		run_task(&w, &t);
	}
	free(w.tasks);
	return root;
}

/* ---- entry point -------------------------------------------------------- */

static bool conflict_markers(yreader *r)
{
	for (size_t l = 0; l < r->n_lines; l++) {
		const char *p = r->data + r->line_starts[l];
		size_t rest = r->len - r->line_starts[l];
		if (rest >= 7 && (strncmp(p, "<<<<<<<", 7) == 0 || strncmp(p, ">>>>>>>", 7) == 0 ||
		                  (strncmp(p, "=======", 7) == 0 &&
		                   (rest == 7 || p[7] == '\n' || p[7] == '\r')))) {
			mg_diag *dg = mg_diag_add(&r->project->diags, MG_SEV_HIGH,
			                          "merge-conflict-markers",
			                          (mg_loc){r->path, (uint32_t)l + 1, 1},
			                          "git merge-conflict markers in a changelog; Liquibase cannot read this file");
			mg_diag_set_hint(&r->project->diags, dg,
			                 "resolve the merge conflict; the changesets of this file are not analysed");
			return true;
		}
	}
	return false;
}

lb_node *lb_read_yaml(mg_project *project, const char *path,
                            const mg_file_data *data, const mg_load_options *opts)
{
	yreader r;
	memset(&r, 0, sizeof r);
	r.project = project;
	r.arena = &project->arena;
	r.path = mg_arena_strdup(&project->arena, path);
	r.data = data->data ? data->data : "";
	r.len = data->data ? data->len : 0;
	r.max_depth = opts && opts->limits.max_nesting_depth ? opts->limits.max_nesting_depth : 1000;
	r.max_alias = opts && opts->limits.max_alias_expansion ? opts->limits.max_alias_expansion
	                                                       : 100000;
	mg_map_init(&r.anchors, r.arena);
	mg_map_init(&r.keys, r.arena);
	index_lines(&r);

	lb_node *root = NULL;
	if (!conflict_markers(&r)) {
		bool ok = read_events(&r);
		/* An alias bomb or runaway nesting gives nothing worth reading;
		 * a syntax error keeps the complete changesets before it. */
		if (!r.stop)
			root = build_tree(&r, !ok);
		if (!ok && root && root->n_children == 0 && root->n_attrs == 0)
			root = NULL;
	}
	free(r.stack);
	free(r.line_starts);
	return root;
}
