/*
 * harness.h: shared helpers for the cmocka unit tests.
 *
 * Each tests/unit/test_*.c is one executable.  Tests that need files make
 * a private temporary directory, write into it, and remove it afterwards.
 */
#ifndef MIGRAPH_TEST_HARNESS_H
#define MIGRAPH_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migraph/core.h"
#include "migraph/diag.h"
#include "migraph/model.h"

/* Makes a fresh temporary directory; returns a heap string. */
static inline char *th_tmpdir(void)
{
	char tmpl[] = "/tmp/migraph-test-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	return strdup(dir);
}

/* Writes content to dir/rel, creating parent directories. */
static inline void th_write(const char *dir, const char *rel, const char *content)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	for (char *p = path + strlen(dir) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(content, 1, strlen(content), f);
	fclose(f);
}

/* Removes a directory tree made by th_tmpdir and frees the string. */
static inline void th_rmtree(char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
	free(dir);
}

/* Counts diagnostics with a given code. */
static inline size_t th_count_diags(const mg_project *p, const char *code)
{
	size_t n = 0;
	for (size_t i = 0; i < p->diags.count; i++)
		if (strcmp(p->diags.items[i]->code, code) == 0)
			n++;
	return n;
}

#endif
