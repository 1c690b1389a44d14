/*
 * liquibase_props.c: Liquibase changelog parameters (${name}).
 *
 * Values are immutable once set, so the first definition wins; -D and
 * liquibase.properties are defined before the changelog is read and so
 * override it.  A global=false property is visible only in its own file.
 * An undefined ${x} stays as written (Liquibase's "preserve" mode).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/liquibase_int.h"

/* The definitions of one name chain from the map in definition order, so
 * a lookup costs the definitions of that name, not of every property (a
 * changelog with 100,000 properties took a minute). */
static const lb_prop *find(const lb_props *props, const char *name, const char *file)
{
	if (!props->first.cap)
		return NULL;
	size_t k = (size_t)(uintptr_t)mg_map_get(&props->first, name);
	while (k) {
		const lb_prop *p = &props->items[k - 1];
		if (!p->scope || mg_str_eq(p->scope, file))
			return p;
		k = p->next;
	}
	return NULL;
}

void lb_props_set(mg_arena *arena, lb_props *props, const char *name,
                  const char *value, const char *scope)
{
	if (!props->first.arena)
		mg_map_init(&props->first, arena);
	size_t head = (size_t)(uintptr_t)mg_map_get(&props->first, name), last = 0;
	for (size_t k = head; k; k = props->items[k - 1].next) {
		const lb_prop *p = &props->items[k - 1];
		if (!p->scope || mg_str_eq(p->scope, scope))
			return;
		last = k;
	}
	if (props->count == props->cap) {
		size_t cap = props->cap ? props->cap * 2 : 16;
		props->items = mg_arena_grow(arena, props->items, sizeof *props->items,
		                             props->count, cap);
		props->cap = cap;
	}
	lb_prop *p = &props->items[props->count++];
	p->name = mg_arena_strdup(arena, name);
	p->value = mg_arena_strdup(arena, value ? value : "");
	p->scope = scope ? mg_arena_strdup(arena, scope) : NULL;
	p->next = 0;
	if (last)
		props->items[last - 1].next = props->count;
	else
		mg_map_put(&props->first, name, (void *)(uintptr_t)props->count);
}

const char *lb_props_get(const lb_props *props, const char *name, const char *file)
{
	const lb_prop *p = find(props, name, file);
	return p ? p->value : NULL;
}

static const char *lookup_n(const lb_props *props, const char *name, size_t n,
                            const char *file)
{
	char small[128];
	char *key = n < sizeof small ? small : mg_xmalloc(n + 1);
	memcpy(key, name, n);
	key[n] = '\0';
	const lb_prop *p = find(props, key, file);
	if (key != small)
		free(key);
	return p ? p->value : NULL;
}

const char *lb_props_expand(mg_project *project, const lb_props *props,
                            const char *file, const char *text, mg_loc at,
                            const char **unresolved)
{
	mg_arena *arena = &project->arena;
	if (unresolved)
		*unresolved = NULL;
	if (!text || !strstr(text, "${"))
		return text;
	mg_buf out = MG_BUF_INIT;
	bool changed = false;
	const char *p = text;
	while (*p) {
		const char *open = strstr(p, "${");
		if (!open) {
			mg_buf_puts(&out, p);
			break;
		}
		mg_buf_put(&out, p, (size_t)(open - p));
		const char *close = strchr(open + 2, '}');
		if (!close) {
			mg_buf_puts(&out, open);
			break;
		}
		size_t n = (size_t)(close - open - 2);
		const char *v = lookup_n(props, open + 2, n, file);
		if (v && !mg_project_expand(project, strlen(v), at,
		                            "the rest of the text is left as written")) {
			mg_buf_puts(&out, open);
			break;
		}
		if (v) {
			mg_buf_puts(&out, v);
			changed = true;
		} else {
			mg_buf_put(&out, open, n + 3);
			if (unresolved && !*unresolved)
				*unresolved = mg_arena_strndup(arena, open + 2, n);
		}
		p = close + 1;
	}
	const char *result = changed ? mg_arena_strdup(arena, mg_buf_cstr(&out)) : text;
	mg_buf_dispose(&out);
	return result;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && strchr(" \t\r\n", s[n - 1]))
		s[--n] = '\0';
	return s;
}

int lb_read_properties_file(mg_arena *arena, const char *path, size_t max,
                            mg_property **out, size_t *n_out)
{
	mg_file_data fd;
	*out = NULL;
	*n_out = 0;
	int rc = mg_file_read(path, max, &fd);
	if (rc != 0)
		return rc;
	size_t cap = 0;
	char *save = NULL;
	for (char *line = strtok_r(fd.data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *l = trim(line);
		if (!*l || *l == '#' || *l == '!')
			continue;
		char *sep = strpbrk(l, "=:");
		if (!sep)
			continue;
		*sep = '\0';
		char *k = trim(l), *v = trim(sep + 1);
		if (*n_out == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			*out = mg_arena_grow(arena, *out, sizeof **out, *n_out, ncap);
			cap = ncap;
		}
		(*out)[*n_out].name = mg_arena_strdup(arena, k);
		(*out)[*n_out].value = mg_arena_strdup(arena, v);
		(*n_out)++;
	}
	mg_file_data_free(&fd);
	return 0;
}
