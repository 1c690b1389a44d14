/*
 * liquibase_int.h: internals shared by the Liquibase changelog
 * interpreter's files (liquibase*.c).  Not a public interface.
 */
#ifndef MIGRAPH_LIQUIBASE_INT_H
#define MIGRAPH_LIQUIBASE_INT_H

#include "load/lb_changes.h"
#include "load/lb_node.h"
#include "load/lb_readers.h"
#include "migraph/load.h"

/* ---- properties (liquibase_props.c) ---------------------------------- */

typedef struct lb_prop {
	const char *name;
	const char *value;
	const char *scope;   /* file (as opened) for global=false, else NULL */
	size_t next;         /* 1 + index of the next definition of the name, or 0 */
} lb_prop;

typedef struct lb_props {
	lb_prop *items;
	size_t count;
	size_t cap;
	mg_map first;        /* name -> 1 + index of its first definition */
} lb_props;

/* Defines name=value unless already defined (first definition wins). */
void lb_props_set(mg_arena *arena, lb_props *props, const char *name,
                  const char *value, const char *scope);
const char *lb_props_get(const lb_props *props, const char *name,
                         const char *file);
/* Expands ${name} in text; undefined names are kept as written.  Returns
 * text itself when nothing changed.  *unresolved (when not NULL) is set
 * to the first undefined name, or NULL.  Values are charged against
 * --max-expansion (mg_project_expand, at `at`): past it the rest of the
 * text stays as written. */
const char *lb_props_expand(mg_project *project, const lb_props *props,
                            const char *file, const char *text, mg_loc at,
                            const char **unresolved);
/* Reads a Java .properties file of at most max bytes into pairs; returns
 * -1 when unreadable, -2 when larger (mg_file_read). */
int lb_read_properties_file(mg_arena *arena, const char *path, size_t max,
                            mg_property **out, size_t *n_out);

/* ---- filters (liquibase_filter.c) ------------------------------------ */

/* Evaluates a context or label expression (and, or, !, not, parentheses,
 * comma = or) against a comma-separated list of names.  An empty
 * expression matches.  *bad is set when the expression does not parse. */
bool lb_expr_matches(const char *expr, const char *names, bool *bad);
/* Liquibase's dbms list against an engine name ("postgresql"). */
bool lb_dbms_matches(const char *dbms_list, const char *engine,
                     bool if_empty);
/* The dbms list as Liquibase records it: trimmed, sorted, unique. */
const char *lb_dbms_normalise(mg_arena *arena, const char *dbms_list);

/* ---- the interpreter ------------------------------------------------- */

typedef struct lb_state lb_state;

/* One changelog file being interpreted. */
typedef struct lb_file {
	const char *path;          /* as opened (diagnostics, loc.file) */
	const char *resource;      /* path relative to the search path that found it */
	const char *logical;       /* logicalFilePath from include or root, or NULL */
	mg_changeset_kind kind;
	const char **contexts;     /* inherited context expressions, outermost first */
	size_t n_contexts;
	const char **labels;       /* inherited label expressions */
	size_t n_labels;
	bool ignored;              /* include ignore="true" */
	lb_quoting quoting;
	mg_loc include_loc;        /* where the parent included this file */
	struct lb_file *parent;
	unsigned depth;
} lb_file;

struct lb_state {
	mg_project *project;
	const mg_load_options *opts;
	const char **search_paths;
	size_t n_search_paths;
	lb_props props;
	mg_map seen;               /* "id::author::filename" -> mg_loc* */
	const char *engine;        /* "postgresql" ... */
	const char *too_long;      /* lb_resolve: a candidate the system cannot open, or NULL */
};

/* Builds the include chain of f (outermost first) for a diagnostic. */
void lb_set_chain(lb_state *st, mg_diag *dg, const lb_file *f);

/* Interprets one changelog tree (liquibase.c). */
void lb_interpret(lb_state *st, lb_file *f, const lb_node *root);
/* Loads, reads and interprets one changelog file (liquibase_include.c). */
void lb_load_file(lb_state *st, lb_file *f);
/* include and includeAll elements (liquibase_include.c). */
void lb_include(lb_state *st, lb_file *f, const lb_node *inc);
void lb_include_all(lb_state *st, lb_file *f, const lb_node *inc);
/* Resolves a path the way Liquibase does; returns the path to open and
 * sets *resource to the identity, or NULL (no diagnostic pushed; *outside
 * says whether it was refused for leaving the search paths, st->too_long
 * names a candidate too long for the system). */
const char *lb_resolve(lb_state *st, const lb_file *f, const char *file,
                       bool relative, const char **resource, bool want_dir,
                       bool *outside);
/* After lb_resolve found nothing: when a candidate was too long for the
 * system, pushes input-path-too-long at `at` (with f's include chain)
 * and returns true; the caller then does not say "not found". */
bool lb_too_long(lb_state *st, const lb_file *f, mg_loc at);
/* Pushes input-path-outside at `at` for a path that leaves the search
 * paths (named as written), with f's include chain. */
void lb_refuse_outside(lb_state *st, const lb_file *f, mg_loc at, const char *file);
/* The changelog kind of a file name, by extension; false when unknown. */
bool lb_kind_of(const char *path, mg_changeset_kind *kind);
/* A bool attribute with a default. */
bool lb_attr_bool(const lb_node *node, const char *name, bool dflt);

/* One changeSet element (liquibase_changeset.c). */
void lb_changeset(lb_state *st, lb_file *f, const lb_node *cs_node);
/* Expands properties in a node's attributes and text, recursively. */
lb_node *lb_expand_node(lb_state *st, const lb_file *f,
                           const lb_node *node, bool report);

/* Formatted SQL and plain SQL changelogs (liquibase_sql.c). */
bool lb_is_formatted_sql(const char *data, size_t len);
lb_node *lb_read_formatted_sql(mg_project *project, const char *path,
                                  const char *data, size_t len);
lb_node *lb_read_plain_sql(mg_project *project, const char *path,
                              const char *data, size_t len);

/* v9 checksum of SQL text: MD5 of the bytes without spaces, tabs, CR, LF. */
void lb_sql_checksum(const char *text, size_t len, char hex[33]);

#endif
