/*
 * scope.c: the project's roots, and the one check every loader makes
 * before it opens a file or walks a directory (see mg_path_scope in
 * migraph/core.h).
 *
 * The check works on resolved paths: a lexical test ("does it start with
 * ..?") cannot see a symbolic link to /etc inside the migrations folder.
 */
#include <errno.h>
#include <string.h>

#include "migraph/core.h"

void mg_scope_add_root(mg_path_scope *scope, mg_arena *arena, const char *resolved_dir)
{
	if (!resolved_dir)
		return;
	for (size_t i = 0; i < scope->n_roots; i++)
		if (strcmp(scope->roots[i], resolved_dir) == 0)
			return;
	mg_arena_push(arena, (void ***)&scope->roots, &scope->n_roots, &scope->cap,
	              mg_arena_strdup(arena, resolved_dir));
}

bool mg_scope_contains(const mg_path_scope *scope, const char *resolved)
{
	for (size_t i = 0; i < scope->n_roots; i++)
		if (mg_path_under(resolved, scope->roots[i]))
			return true;
	return false;
}

mg_scope_verdict mg_scope_check(const mg_path_scope *scope, mg_arena *arena, const char *path,
                                const char **resolved)
{
	char *r = mg_path_resolve(arena, path);
	if (resolved)
		*resolved = r;
	if (!r)
		return MG_SCOPE_UNRESOLVED;
	if (scope->allow_outside || mg_scope_contains(scope, r))
		return MG_SCOPE_INSIDE;
	return MG_SCOPE_OUTSIDE;
}
