/*
 * lb_node.c: the generic Liquibase changelog tree (see lb_node.h).
 *
 * The accessors hide the two shapes XML and YAML give one value: an
 * attribute or a child element's text, and items given directly or
 * inside a wrapper list.
 */
#include <string.h>

#include "load/lb_node.h"

lb_node *lb_node_new(mg_arena *arena, const char *name, mg_loc loc)
{
	lb_node *node = mg_arena_alloc(arena, sizeof *node);
	node->name = name ? mg_arena_strdup(arena, name) : "";
	node->loc = loc;
	node->text_loc = loc;
	return node;
}

void lb_node_add_attr(mg_arena *arena, lb_node *node, const char *name,
                         const char *value, mg_loc loc)
{
	if (node->n_attrs == node->attrs_cap) {
		size_t cap = node->attrs_cap ? node->attrs_cap * 2 : 4;
		node->attrs = mg_arena_grow(arena, node->attrs, sizeof *node->attrs,
		                            node->n_attrs, cap);
		node->attrs_cap = cap;
	}
	lb_attr *a = &node->attrs[node->n_attrs++];
	a->name = mg_arena_strdup(arena, name);
	a->value = value ? mg_arena_strdup(arena, value) : NULL;
	a->loc = loc;
}

void lb_node_add_child(mg_arena *arena, lb_node *node, lb_node *child)
{
	mg_arena_push(arena, (void ***)&node->children, &node->n_children,
	              &node->children_cap, child);
}

const lb_attr *lb_attr_find(const lb_node *node, const char *name)
{
	if (!node)
		return NULL;
	for (size_t i = 0; i < node->n_attrs; i++)
		if (strcmp(node->attrs[i].name, name) == 0)
			return &node->attrs[i];
	return NULL;
}

const char *lb_attr_get(const lb_node *node, const char *name)
{
	const lb_attr *a = lb_attr_find(node, name);
	return a ? a->value : NULL;
}

lb_node *lb_child(const lb_node *node, const char *name)
{
	if (!node)
		return NULL;
	for (size_t i = 0; i < node->n_children; i++)
		if (strcmp(node->children[i]->name, name) == 0)
			return node->children[i];
	return NULL;
}

const char *lb_value(const lb_node *node, const char *name)
{
	const char *v = lb_attr_get(node, name);
	if (v)
		return v;
	lb_node *c = lb_child(node, name);
	if (c && c->text)
		return c->text;
	return NULL;
}

void lb_each(const lb_node *node, const char *wrapper_name,
                const char *item_name,
                void (*fn)(const lb_node *item, void *ctx), void *ctx)
{
	if (!node)
		return;
	for (size_t i = 0; i < node->n_children; i++) {
		const lb_node *c = node->children[i];
		bool is_wrapper = wrapper_name && strcmp(c->name, wrapper_name) == 0;
		bool is_item = strcmp(c->name, item_name) == 0;
		/* A YAML "column:" key whose value is a list of {column: ...}
		 * items is a wrapper even though it has the item's name. */
		bool item_list = is_item && c->n_children > 0 && c->n_attrs == 0 &&
		                 lb_child(c, item_name) != NULL;
		if (is_wrapper || item_list) {
			for (size_t j = 0; j < c->n_children; j++)
				if (strcmp(c->children[j]->name, item_name) == 0)
					fn(c->children[j], ctx);
		} else if (is_item) {
			fn(c, ctx);
		}
	}
}
