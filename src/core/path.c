/*
 * path.c: path handling.  Identities of Liquibase files and Flyway scripts
 * are paths relative to a root, so normalisation must be exact and must
 * not touch the file system; only mg_path_resolve (the project scope's
 * check) and the is_dir/is_file tests do.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "migraph/core.h"

char *mg_path_join(mg_arena *arena, const char *dir, const char *name)
{
	if (!dir || !*dir || strcmp(dir, ".") == 0)
		return mg_arena_strdup(arena, name);
	if (name[0] == '/')
		return mg_arena_strdup(arena, name);
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return mg_arena_printf(arena, "%.*s/%s", (int)n, dir, name);
}

char *mg_path_normalize(mg_arena *arena, const char *path)
{
	size_t len = strlen(path);
	bool absolute = path[0] == '/';
	/* Segments are kept as (start, length) pairs into path. */
	size_t max_segs = len / 2 + 2, nseg = 0;
	const char **seg = mg_arena_alloc(arena, max_segs * sizeof *seg);
	size_t *seglen = mg_arena_alloc(arena, max_segs * sizeof *seglen);
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *start = p;
		while (*p && *p != '/')
			p++;
		size_t n = (size_t)(p - start);
		if (n == 1 && start[0] == '.')
			continue;
		if (n == 2 && start[0] == '.' && start[1] == '.') {
			if (nseg > 0 && !(seglen[nseg - 1] == 2 && seg[nseg - 1][0] == '.' &&
			                  seg[nseg - 1][1] == '.')) {
				nseg--;
				continue;
			}
			if (absolute)
				continue; /* "/.." is "/" */
		}
		seg[nseg] = start;
		seglen[nseg] = n;
		nseg++;
	}
	char *out = mg_arena_alloc(arena, len + 2);
	size_t o = 0;
	if (absolute)
		out[o++] = '/';
	for (size_t i = 0; i < nseg; i++) {
		if (i)
			out[o++] = '/';
		memcpy(out + o, seg[i], seglen[i]);
		o += seglen[i];
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	return out;
}

char *mg_path_dirname(mg_arena *arena, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return mg_arena_strdup(arena, ".");
	if (slash == path)
		return mg_arena_strdup(arena, "/");
	return mg_arena_strndup(arena, path, (size_t)(slash - path));
}

const char *mg_path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

const char *mg_path_under(const char *path, const char *root)
{
	if (strcmp(root, ".") == 0)
		return path[0] == '/' ? NULL : path;
	size_t n = strlen(root);
	if (n == 1 && root[0] == '/')
		return path[0] == '/' ? path + 1 : NULL;
	if (strncmp(path, root, n) != 0)
		return NULL;
	if (path[n] == '/')
		return path + n + 1;
	if (path[n] == '\0')
		return path + n;
	return NULL;
}

bool mg_path_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool mg_path_is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool mg_path_too_long(const char *path)
{
	if (strlen(path) >= PATH_MAX)
		return true;
	for (const char *p = path;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n > NAME_MAX)
			return true;
		if (!slash)
			return false;
		p = slash + 1;
	}
}

char *mg_path_resolve(mg_arena *arena, const char *path)
{
	char buf[PATH_MAX];
	if (!path || !*path || !realpath(path, buf))
		return NULL;
	return mg_arena_strdup(arena, buf);
}
