/*
 * arena.c: bump allocation for everything one run produces.
 *
 * Chunks grow geometrically so that a 100,000-migration project costs a
 * few dozen mallocs, and everything is released by one mg_arena_free.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migraph/core.h"

struct mg_arena_chunk {
	mg_arena_chunk *next;
	size_t size;
	size_t used;
	_Alignas(16) unsigned char data[];
};

#define ARENA_MIN_CHUNK (64 * 1024)
#define ARENA_ALIGN 16

void mg_arena_init(mg_arena *arena)
{
	arena->head = NULL;
	arena->total = 0;
}

void mg_arena_free(mg_arena *arena)
{
	mg_arena_chunk *c = arena->head;
	while (c) {
		mg_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	arena->head = NULL;
	arena->total = 0;
}

static mg_arena_chunk *new_chunk(mg_arena *arena, size_t need)
{
	/* Double with the total so far: allocation count stays logarithmic. */
	size_t size = arena->total < ARENA_MIN_CHUNK ? ARENA_MIN_CHUNK : arena->total;
	if (size > 64u * 1024 * 1024)
		size = 64u * 1024 * 1024;
	if (size < need)
		size = need;
	mg_arena_chunk *c = mg_xmalloc(sizeof *c + size);
	c->size = size;
	c->used = 0;
	c->next = arena->head;
	arena->head = c;
	arena->total += size;
	return c;
}

void *mg_arena_alloc(mg_arena *arena, size_t size)
{
	size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (rounded < size)
		abort(); /* overflow: a caller bug, not an input problem */
	mg_arena_chunk *c = arena->head;
	if (!c || c->size - c->used < rounded) {
		/* A large request gets its own chunk behind the current one so the
		 * remaining space of the current chunk is not wasted. */
		if (c && rounded > ARENA_MIN_CHUNK / 4) {
			mg_arena_chunk *big = mg_xmalloc(sizeof *big + rounded);
			big->size = rounded;
			big->used = rounded;
			big->next = c->next;
			c->next = big;
			arena->total += rounded;
			memset(big->data, 0, rounded);
			return big->data;
		}
		c = new_chunk(arena, rounded);
	}
	void *p = c->data + c->used;
	c->used += rounded;
	memset(p, 0, rounded);
	return p;
}

void *mg_arena_grow(mg_arena *arena, void *old, size_t elem_size,
                    size_t old_count, size_t new_count)
{
	void *p = mg_arena_alloc(arena, elem_size * new_count);
	if (old && old_count)
		memcpy(p, old, elem_size * old_count);
	return p;
}

void mg_arena_push(mg_arena *arena, void ***items, size_t *count, size_t *cap,
                   void *item)
{
	if (*count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		*items = mg_arena_grow(arena, *items, sizeof(void *), *count, ncap);
		*cap = ncap;
	}
	(*items)[(*count)++] = item;
}

char *mg_arena_strndup(mg_arena *arena, const char *s, size_t n)
{
	char *p = mg_arena_alloc(arena, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *mg_arena_strdup(mg_arena *arena, const char *s)
{
	if (!s)
		return NULL;
	return mg_arena_strndup(arena, s, strlen(s));
}

char *mg_arena_printf(mg_arena *arena, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return mg_arena_strdup(arena, "");
	char *p = mg_arena_alloc(arena, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
