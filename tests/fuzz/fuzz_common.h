/*
 * fuzz_common.h: what the libFuzzer targets share.
 *
 * Loaders that only take a path (Liquibase changelogs, the traffic
 * profile, the history CSV) get the input written to a file in a private
 * directory created once per process; everything else is fed from memory.
 * Each execution builds and frees its own project, so a leak or a stale
 * pointer between inputs shows up under ASan.
 */
#ifndef MIGRAPH_FUZZ_COMMON_H
#define MIGRAPH_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migraph/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The process's scratch directory ("/tmp/migraph-fuzz-XXXXXX"), made on
 * first use and removed at exit. */
static char fz_dir[64];

static inline void fz_cleanup(void)
{
	char cmd[128];
	if (!fz_dir[0])
		return;
	/* Only ever the directory mkdtemp made, never anything else. */
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fz_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: could not remove %s\n", fz_dir);
}

static inline const char *fz_scratch(void)
{
	if (!fz_dir[0]) {
		const char *base = getenv("TMPDIR");
		snprintf(fz_dir, sizeof fz_dir, "%s/migraph-fuzz-XXXXXX",
		         base && strlen(base) < 32 ? base : "/tmp");
		if (!mkdtemp(fz_dir)) {
			perror("fuzz: mkdtemp");
			abort();
		}
		atexit(fz_cleanup);
	}
	return fz_dir;
}

/* Writes data to <scratch>/<name> and returns the path (static buffer). */
static inline const char *fz_write(const char *name, const uint8_t *data, size_t size)
{
	static char path[160];
	snprintf(path, sizeof path, "%s/%s", fz_scratch(), name);
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror("fuzz: fopen");
		abort();
	}
	if (size && fwrite(data, 1, size, f) != size) {
		perror("fuzz: fwrite");
		abort();
	}
	fclose(f);
	return path;
}

/* Load options bounded for fuzzing: nothing outside the scratch
 * directory, and limits small enough that one input costs milliseconds. */
static inline void fz_options(mg_load_options *opts)
{
	static const char *search[1];
	mg_load_options_init(opts);
	search[0] = fz_scratch();
	opts->search_paths = search;
	opts->n_search_paths = 1;
	opts->limits.max_files = 64;
	opts->limits.max_include_depth = 8;
	opts->limits.max_file_bytes = 1u << 20;
	opts->limits.max_statement_bytes = 1u << 18;
}

/* A NUL-terminated copy of the input. */
static inline char *fz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
