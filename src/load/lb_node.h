/*
 * lb_node.h: the generic changelog tree shared by the Liquibase readers.
 *
 * Liquibase's YAML and JSON formats mirror its XML one element for
 * element, so both readers produce this one tree and a single interpreter
 * (liquibase.c) walks it, as Liquibase's own ParsedNode does.
 *
 *  XML  <changeSet id="1" author="a"><createTable tableName="t">...
 *       -> node "changeSet" {attrs id, author} -> child "createTable" ...
 *  YAML - changeSet: {id: 1, author: a, changes: [ {createTable: {...}} ]}
 *       -> node "changeSet" {attrs id, author} -> child "changes"
 *            -> child "createTable" ...
 *
 * Reader rules (what goes where):
 *  - XML attributes and YAML scalar values (strings, numbers, booleans,
 *    written back as text) are attrs.
 *  - XML child elements and YAML mapping/sequence values are children.
 *    A YAML key whose value is a sequence becomes a child named after the
 *    key whose children are the items; an item that is a one-key mapping
 *    {name: value} becomes a child named "name"; a scalar item becomes a
 *    child with that key's name and the scalar as text.
 *  - XML text and CDATA content is text (concatenated, untrimmed).
 *  - YAML null values are attrs with value NULL.
 * The interpreter then uses the accessors below, which look at both
 * shapes (attribute or child text; direct children or a wrapper list).
 */
#ifndef MIGRAPH_LB_NODE_H
#define MIGRAPH_LB_NODE_H

#include "migraph/model.h"

typedef struct lb_attr {
	const char *name;
	const char *value;     /* NULL for a YAML null */
	mg_loc loc;
} lb_attr;

typedef struct lb_node lb_node;

struct lb_node {
	const char *name;      /* local name (no namespace prefix) or YAML key */
	const char *ns;        /* XML namespace URI, or NULL */
	lb_attr *attrs;
	size_t n_attrs;
	size_t attrs_cap;
	lb_node **children;
	size_t n_children;
	size_t children_cap;
	const char *text;      /* element text / scalar, or NULL */
	size_t text_len;
	mg_loc loc;            /* where the element / key starts */
	mg_loc text_loc;       /* where the text starts (SQL positions) */
	bool text_verbatim;    /* text is the file's bytes from text_loc on (anchors can be computed) */
};

lb_node *lb_node_new(mg_arena *arena, const char *name, mg_loc loc);
void lb_node_add_attr(mg_arena *arena, lb_node *node, const char *name,
                         const char *value, mg_loc loc);
void lb_node_add_child(mg_arena *arena, lb_node *node, lb_node *child);

/* The attribute's value, or NULL when absent (or a YAML null). */
const char *lb_attr_get(const lb_node *node, const char *name);
const lb_attr *lb_attr_find(const lb_node *node, const char *name);
/* The first direct child with that name, or NULL. */
lb_node *lb_child(const lb_node *node, const char *name);
/* An attribute, or else the text of a child of that name ("where",
 * "comment", "sql" ...): the two shapes XML and YAML use for one value. */
const char *lb_value(const lb_node *node, const char *name);

/* Calls fn for every child named item_name, whether it is a direct child
 * (XML <column>) or inside a wrapper child named wrapper_name or
 * item_name (YAML columns: [ {column: ...} ]). */
void lb_each(const lb_node *node, const char *wrapper_name,
                const char *item_name,
                void (*fn)(const lb_node *item, void *ctx), void *ctx);

#endif
