/*
 * thread.c: running a piece of work on a stack of known size.
 *
 * The stack is reserved, not used: pages are only touched as deep as the
 * work recurses, so a generous size costs address space, not memory.
 */
#include <pthread.h>

#include "migraph/core.h"

typedef struct job {
	void (*fn)(void *);
	void *arg;
} job;

static void *trampoline(void *p)
{
	job *j = p;
	j->fn(j->arg);
	return NULL;
}

int mg_run_with_stack(size_t stack_bytes, void (*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	if (pthread_attr_init(&attr) != 0)
		return -1;
	job j = {fn, arg};
	pthread_t t;
	int rc = pthread_attr_setstacksize(&attr, stack_bytes);
	if (rc == 0)
		rc = pthread_create(&t, &attr, trampoline, &j);
	pthread_attr_destroy(&attr);
	if (rc != 0)
		return -1;
	pthread_join(t, NULL);
	return 0;
}
