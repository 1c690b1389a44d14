/*
 * release_git.c: --git-base REF, the release as what was added or changed
 * since a git ref, compared with the working tree.
 *
 * git runs as a program (fork/exec, no shell, so a ref or path can never
 * be read as shell syntax): `git diff --name-status REF --` for tracked
 * changes and `git ls-files --others --exclude-standard` for new files.
 * A Flyway migration file that changed is in the release; one that already
 * existed at REF is reported too (an applied versioned migration must
 * never change).  Liquibase changesets are judged by their text: a
 * changeset whose text (blanks ignored) is found in the file at REF is
 * unchanged, one whose id appeared there but whose text did not is a
 * changed committed changeset.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "migraph/load.h"

/* Runs git with argv in dir; returns its stdout (heap) or NULL. */
static char *run_git(const char *dir, const char *const *args, int *status)
{
	int fds[2];
	if (pipe(fds) != 0)
		return NULL;
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0)
			dup2(devnull, 2);
		const char *argv[16];
		size_t n = 0;
		argv[n++] = "git";
		argv[n++] = "-C";
		argv[n++] = dir;
		for (size_t i = 0; args[i] && n < 15; i++)
			argv[n++] = args[i];
		argv[n] = NULL;
		execvp("git", (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	mg_buf out = MG_BUF_INIT;
	char chunk[8192];
	ssize_t got;
	while ((got = read(fds[0], chunk, sizeof chunk)) > 0)
		mg_buf_put(&out, chunk, (size_t)got);
	close(fds[0]);
	int st = 0;
	waitpid(pid, &st, 0);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	mg_buf_putc(&out, '\0');
	return out.data;
}

typedef struct git_ctx {
	mg_project *p;
	mg_release *rel;
	const char *ref;
	const char *top;   /* repository root, absolute */
	mg_map status;     /* repo-relative path -> "A", "M", "?" ... */
	mg_map old_text;   /* repo-relative path -> file text at REF, without blanks */
} git_ctx;

/* The changeset's file relative to the repository root. */
static const char *repo_rel(git_ctx *g, const char *file)
{
	char buf[PATH_MAX];
	if (!file || !realpath(file, buf))
		return NULL;
	return mg_path_under(mg_arena_strdup(&g->p->arena, buf), g->top);
}

static char *squeeze(mg_arena *arena, const char *s, size_t len)
{
	char *out = mg_arena_alloc(arena, len + 1);
	size_t k = 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			out[k++] = s[i];
	out[k] = '\0';
	return out;
}

static const char *old_text(git_ctx *g, const char *rel)
{
	const char *t = mg_map_get(&g->old_text, rel);
	if (t)
		return t;
	const char *spec = mg_arena_printf(&g->p->arena, "%s:%s", g->ref, rel);
	const char *args[] = {"show", spec, NULL};
	int st;
	char *out = run_git(g->top, args, &st);
	t = squeeze(&g->p->arena, out && st == 0 ? out : "", out && st == 0 ? strlen(out) : 0);
	free(out);
	mg_map_put(&g->old_text, rel, (void *)t);
	return t;
}

/* The changeset's own lines, from its start to the next changeset of the
 * same file. */
static char *changeset_text(git_ctx *g, const mg_changeset *cs)
{
	mg_file_data fd;
	if (!cs->loc.file || mg_file_read(cs->loc.file, (size_t)256 << 20, &fd) != 0)
		return NULL;
	uint32_t end_line = UINT32_MAX;
	for (size_t i = cs->index + 1; i < g->p->n_changesets; i++) {
		const mg_changeset *n = g->p->changesets[i];
		if (mg_str_eq(n->loc.file, cs->loc.file) && n->loc.line > cs->loc.line) {
			end_line = n->loc.line;
			break;
		}
	}
	uint32_t line = 1;
	const char *s = fd.data;
	while (*s && line < cs->loc.line)
		if (*s++ == '\n')
			line++;
	const char *e = s;
	while (*e && line < end_line)
		if (*e++ == '\n')
			line++;
	/* The closing tag of the changelog belongs to no changeset. */
	const char *close = NULL;
	for (const char *q = s; q < e; q++)
		if (strncmp(q, "</databaseChangeLog", 19) == 0)
			close = q;
	char *t = squeeze(&g->p->arena, s, (size_t)((close ? close : e) - s));
	mg_file_data_free(&fd);
	return t;
}

static void judge_liquibase(git_ctx *g, mg_changeset *cs, const char *rel, const char *st)
{
	if (*st == 'A' || *st == '?') {
		cs->flags |= MG_CSF_IN_RELEASE;
		return;
	}
	const char *old = old_text(g, rel);
	char *now = changeset_text(g, cs);
	if (!now || !*now || strstr(old, now))
		return; /* unchanged */
	cs->flags |= MG_CSF_IN_RELEASE;
	const char *id = cs->id ? cs->id : "";
	bool existed = false;
	for (const char *q = old; *id && (q = strstr(q, id)) != NULL; q++) {
		char before = q > old ? q[-1] : 0;
		char after = q[strlen(id)];
		if ((before == '"' || before == '\'' || before == ':') &&
		    (after == '"' || after == '\'' || after == '-' || after == 0 || after == 'r' ||
		     after == 'a' || after == ','))
			existed = true;
	}
	if (existed && !cs->run_on_change && !cs->run_always)
		mg_release_add_issue(&g->p->arena, g->rel, MG_REL_COMMITTED_CHANGED, cs, cs->loc,
		                     mg_arena_printf(&g->p->arena,
		                                     "changeset %s::%s changed since %s; databases that "
		                                     "applied it keep the old version",
		                                     cs->id, cs->author ? cs->author : "", g->ref));
}

static void parse_status(git_ctx *g, const char *out, bool untracked)
{
	for (const char *l = out; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		char *line = mg_arena_strndup(&g->p->arena, l, len);
		if (untracked) {
			if (*line)
				mg_map_put(&g->status, line, "?");
		} else if (*line) {
			/* "M\tpath", "A\tpath", "R100\told\tnew" */
			char *tab = strchr(line, '\t');
			if (tab) {
				char *path = tab + 1;
				char *tab2 = strchr(path, '\t');
				if (tab2)
					path = tab2 + 1; /* renames and copies: the new name */
				char code[2] = {line[0], '\0'};
				mg_map_put(&g->status, path, mg_arena_strdup(&g->p->arena, code));
			}
		}
		l = nl ? nl + 1 : NULL;
	}
}

void mg_release_git(mg_project *project, mg_release *rel, const char *ref)
{
	git_ctx g = {project, rel, ref, NULL, {0}, {0}};
	mg_map_init(&g.status, &project->arena);
	mg_map_init(&g.old_text, &project->arena);
	const char *dir = ".";
	for (size_t i = 0; i < project->n_changesets; i++)
		if (project->changesets[i]->loc.file) {
			dir = mg_path_dirname(&project->arena, project->changesets[i]->loc.file);
			break;
		}
	int st;
	const char *top_args[] = {"rev-parse", "--show-toplevel", NULL};
	char *top = run_git(dir, top_args, &st);
	const char *verify_args[] = {"rev-parse", "--verify", "--quiet",
	                             mg_arena_printf(&project->arena, "%s^{commit}", ref), NULL};
	int vst = -1;
	char *verified = top && st == 0 ? run_git(dir, verify_args, &vst) : NULL;
	free(verified);
	if (!top || st != 0 || vst != 0) {
		mg_diag_add(&project->diags, MG_SEV_HIGH, "release-git-failed", (mg_loc){NULL, 0, 0},
		            "--git-base %s: %s", ref,
		            !top || st != 0 ? "the migrations are not in a git repository (or git is "
		                              "not installed)"
		                            : "no such commit");
		mg_release_add_issue(&project->arena, rel, MG_REL_BAD_INPUT, NULL, (mg_loc){NULL, 0, 0},
		                     "git failed");
		free(top);
		return;
	}
	top[strcspn(top, "\n")] = '\0';
	char real[PATH_MAX];
	g.top = mg_arena_strdup(&project->arena, realpath(top, real) ? real : top);
	free(top);
	const char *diff_args[] = {"diff", "--name-status", "--no-renames", ref, "--", NULL};
	char *diff = run_git(g.top, diff_args, &st);
	parse_status(&g, diff, false);
	free(diff);
	const char *new_args[] = {"ls-files", "--others", "--exclude-standard", "--full-name", NULL};
	char *untracked = run_git(g.top, new_args, &st);
	parse_status(&g, untracked, true);
	free(untracked);
	for (size_t i = 0; i < project->n_changesets; i++) {
		mg_changeset *cs = project->changesets[i];
		const char *rp = repo_rel(&g, cs->loc.file);
		const char *code = rp ? mg_map_get(&g.status, rp) : NULL;
		if (!code || *code == 'D')
			continue;
		if (!mg_changeset_kind_is_flyway(cs->kind)) {
			judge_liquibase(&g, cs, rp, code);
			continue;
		}
		cs->flags |= MG_CSF_IN_RELEASE;
		if (*code == 'M' && cs->kind != MG_CS_FLYWAY_REPEATABLE)
			mg_release_add_issue(&project->arena, rel, MG_REL_COMMITTED_CHANGED, cs, cs->loc,
			                     mg_arena_printf(&project->arena,
			                                     "%s existed at %s and was changed; databases "
			                                     "that applied it keep the old version and "
			                                     "Flyway's validate fails",
			                                     cs->script ? cs->script : cs->loc.file, ref));
	}
}
