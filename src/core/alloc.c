/*
 * alloc.c: the one allocator wrapper.  Running out of memory is not a
 * condition migraph can report usefully halfway through an analysis, so it
 * aborts here and nowhere else checks for NULL.
 */
#include <stdio.h>
#include <stdlib.h>

#include "migraph/core.h"

static void out_of_memory(size_t size)
{
	fprintf(stderr, "migraph: out of memory (allocating %zu bytes)\n", size);
	abort();
}

void *mg_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		out_of_memory(size);
	return p;
}

void *mg_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		out_of_memory(count * size);
	return p;
}

void *mg_xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		out_of_memory(size);
	return p;
}
