/*
 * fuzz_flyway_glob.c: the Flyway location wildcard matcher.
 *
 * The input is a pattern and a path, split at the first newline (a
 * pattern of many stars against a long name took 30 s for 8 stars before
 * the matcher became a table of |pattern| x |path|; libFuzzer's timeout
 * catches a slow one).  Checks what any Ant matcher must do: a pattern
 * without wildcards matches only itself, "**" matches every path, and a
 * path still matches its own text with any character but '/' replaced by
 * "?" or "*".
 */
#include "fuzz_common.h"
#include "load/flyway_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192)
		return 0;
	char *in = fz_cstr(data, size);
	size_t n = strlen(in); /* a NUL ends the input as it ends a C string */
	char *nl = memchr(in, '\n', n);
	const char *pattern = in, *path = nl ? nl + 1 : in;
	if (nl)
		*nl = '\0';
	bool m = fw_glob(pattern, path);
	if (!strpbrk(pattern, "*?") && m != (strcmp(pattern, path) == 0))
		abort();
	if (!fw_glob("**", path))
		abort();
	/* The path against itself, one character turned into a wildcard. */
	size_t pl = strlen(path);
	if (!strpbrk(path, "*?") && pl > 0 && pl < 512) {
		char *p = malloc(pl + 2);
		size_t at = (size_t)data[0] % pl;
		memcpy(p, path, pl + 1);
		if (p[at] != '/') {
			if (!fw_glob(p, path))
				abort();
			p[at] = '?';
			if (!fw_glob(p, path))
				abort();
			p[at] = '*';
			if (!fw_glob(p, path))
				abort();
		}
		free(p);
	}
	free(in);
	return 0;
}
