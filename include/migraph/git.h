/*
 * git.h: reading a git repository that a stranger may have written.
 *
 * migraph runs in CI on pull requests, so the repository it inspects is
 * hostile: its configuration can name programs (core.fsmonitor, hooks,
 * filter and textconv drivers, the transport of a partial clone's lazy
 * fetch), and a `.git` file or a bare repository committed inside the
 * tree can point git at another repository.  This module is the only way
 * migraph runs git: the repository is found by migraph and handed to git
 * explicitly, git's configuration from the system, the user and the
 * environment is ignored, everything that could run a program is switched
 * off on the command line, and callers ask only for objects (rev-parse,
 * ls-tree, cat-file), never for the index or the working tree.
 */
#ifndef MIGRAPH_GIT_H
#define MIGRAPH_GIT_H

#include "migraph/core.h"

typedef struct mg_git {
	const char *top;      /* the working tree's root, resolved (realpath) */
	const char *git_dir;  /* top/.git: a directory, or a `gitdir:` file git follows */
} mg_git;

/* Finds the repository holding dir: the nearest directory at or above it
 * (resolved, on the same file system, as git's discovery stops there)
 * with a `.git` entry.  A bare repository is never found this way.
 * Returns 0, or -1 when there is none. */
int mg_git_find(mg_arena *arena, const char *dir, mg_git *out);

/* What mg_git_run returns when git did not finish normally. */
#define MG_GIT_NOT_RUN   (-1)  /* could not start (no git), or killed by a signal */
#define MG_GIT_TOO_BIG   (-2)  /* its output passed max_out: stopped */
#define MG_GIT_TIMED_OUT (-3)  /* still running after MG_GIT_TIMEOUT_S: stopped */

#define MG_GIT_TIMEOUT_S 120

/* Runs `git <fixed hardening options> args...` (args NULL-terminated) on
 * repository g with `in` (in_len bytes, may be NULL) on its standard
 * input, appending its standard output to *out (at most max_out bytes;
 * standard error is discarded).  Returns git's exit status, or one of the
 * MG_GIT_* values above. */
int mg_git_run(const mg_git *g, const char *const *args, const char *in, size_t in_len,
               size_t max_out, mg_buf *out);

/* The argument vector and environment mg_git_run uses for args, exposed
 * so that tests can hold the hardening to its promise.  Both are
 * NULL-terminated and live in the arena. */
const char **mg_git_argv(mg_arena *arena, const mg_git *g, const char *const *args);
const char **mg_git_envp(mg_arena *arena, const char *const *environ_in);

#endif
