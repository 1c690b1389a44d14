/*
 * map.c: an open-addressing hash map from strings to pointers, in the
 * arena.  Used where a linear search would make big projects quadratic
 * (catalog lookups, duplicate detection).
 */
#include <string.h>

#include "migraph/core.h"

uint64_t mg_hash_str(const char *s)
{
	/* FNV-1a, 64-bit. */
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

void mg_map_init(mg_map *map, mg_arena *arena)
{
	map->arena = arena;
	map->slots = NULL;
	map->cap = 0;
	map->count = 0;
}

static mg_map_entry *find_slot(mg_map_entry *slots, size_t cap, const char *key,
                               uint64_t hash)
{
	size_t i = (size_t)hash & (cap - 1);
	for (;;) {
		mg_map_entry *e = &slots[i];
		if (!e->key || (e->hash == hash && strcmp(e->key, key) == 0))
			return e;
		i = (i + 1) & (cap - 1);
	}
}

void *mg_map_get(const mg_map *map, const char *key)
{
	if (!map->cap)
		return NULL;
	mg_map_entry *e = find_slot(map->slots, map->cap, key, mg_hash_str(key));
	return e->key ? e->value : NULL;
}

static void rehash(mg_map *map)
{
	size_t ncap = map->cap ? map->cap * 2 : 16;
	mg_map_entry *slots = mg_arena_alloc(map->arena, ncap * sizeof *slots);
	for (size_t i = 0; i < map->cap; i++) {
		mg_map_entry *old = &map->slots[i];
		if (old->key)
			*find_slot(slots, ncap, old->key, old->hash) = *old;
	}
	map->slots = slots;
	map->cap = ncap;
}

void mg_map_put(mg_map *map, const char *key, void *value)
{
	if ((map->count + 1) * 4 > map->cap * 3)
		rehash(map);
	uint64_t hash = mg_hash_str(key);
	mg_map_entry *e = find_slot(map->slots, map->cap, key, hash);
	if (!e->key) {
		e->key = mg_arena_strdup(map->arena, key);
		e->hash = hash;
		map->count++;
	}
	e->value = value;
}
