/*
 * liquibase_props.c: Liquibase changelog parameters (${name}).
 *
 * Values are immutable once set, so the first definition wins; -D and
 * liquibase.properties are defined before the changelog is read and so
 * override it.  A global=false property is visible only in its own file.
 * An undefined ${x} stays as written (Liquibase's "preserve" mode).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/liquibase_int.h"

void lb_props_set(mg_arena *arena, lb_props *props, const char *name,
                  const char *value, const char *scope)
{
	for (size_t i = 0; i < props->count; i++) {
		const lb_prop *p = &props->items[i];
		if (strcmp(p->name, name) == 0 && (!p->scope || mg_str_eq(p->scope, scope)))
			return;
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
}

const char *lb_props_get(const lb_props *props, const char *name, const char *file)
{
	for (size_t i = 0; i < props->count; i++) {
		const lb_prop *p = &props->items[i];
		if (strcmp(p->name, name) == 0 && (!p->scope || mg_str_eq(p->scope, file)))
			return p->value;
	}
	return NULL;
}

static const char *lookup_n(const lb_props *props, const char *name, size_t n,
                            const char *file)
{
	for (size_t i = 0; i < props->count; i++) {
		const lb_prop *p = &props->items[i];
		if (strlen(p->name) == n && memcmp(p->name, name, n) == 0 &&
		    (!p->scope || mg_str_eq(p->scope, file)))
			return p->value;
	}
	return NULL;
}

const char *lb_props_expand(mg_arena *arena, const lb_props *props,
                            const char *file, const char *text,
                            const char **unresolved)
{
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

int lb_read_properties_file(mg_arena *arena, const char *path,
                            mg_property **out, size_t *n_out)
{
	mg_file_data fd;
	*out = NULL;
	*n_out = 0;
	if (mg_file_read(path, 16u << 20, &fd) != 0)
		return -1;
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
