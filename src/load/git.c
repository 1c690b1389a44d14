/*
 * git.c: see migraph/git.h.
 *
 * The threat is configuration, not data: a repository's config may name a
 * program under many keys (core.fsmonitor, core.hooksPath, filter.*,
 * diff.*.textconv, diff.external, remote URLs and core.sshCommand for the
 * lazy fetch of a partial clone), and new keys appear with new git
 * versions.  So the defence does not rest on the list below alone: callers
 * use only commands that read objects (rev-parse, ls-tree, cat-file
 * without --filters or --textconv), which have no reason to consult any of
 * those keys.  The list switches off what is known in case that changes,
 * and the environment removes every GIT_* variable the caller had (a hook
 * that runs migraph sets GIT_DIR and GIT_INDEX_FILE) and the system and
 * user configuration.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "migraph/git.h"

extern char **environ;

static bool is_git_entry(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return false;
	if (S_ISREG(st.st_mode))
		return true; /* "gitdir: ...": a linked worktree or a submodule */
	if (!S_ISDIR(st.st_mode))
		return false;
	/* git walks on past a directory named .git that is no repository. */
	char head[PATH_MAX + 8];
	size_t n = strlen(path);
	if (n + 6 > sizeof head)
		return false;
	memcpy(head, path, n);
	memcpy(head + n, "/HEAD", 6);
	return stat(head, &st) == 0;
}

int mg_git_find(mg_arena *arena, const char *dir, mg_git *out)
{
	char real[PATH_MAX];
	struct stat start;
	if (!realpath(dir, real) || stat(real, &start) != 0)
		return -1;
	char *d = mg_arena_strdup(arena, real);
	for (;;) {
		char *entry = mg_path_join(arena, d, ".git");
		if (is_git_entry(entry)) {
			out->top = d;
			out->git_dir = entry;
			return 0;
		}
		if (strcmp(d, "/") == 0)
			return -1;
		char *parent = mg_path_dirname(arena, d);
		struct stat st;
		if (stat(parent, &st) != 0 || st.st_dev != start.st_dev)
			return -1;
		d = parent;
	}
}

/* Everything that could make git run a program, switched off.  Command
 * line configuration beats the repository's own. */
static const char *const hardening[] = {
	"--no-pager",
	"--no-replace-objects",
	"--literal-pathspecs",
	"-c", "core.fsmonitor=false",
	"-c", "core.hooksPath=/dev/null",
	"-c", "core.quotePath=false",
	"-c", "core.untrackedCache=false",
	"-c", "core.sshCommand=false",
	"-c", "core.askPass=",
	"-c", "credential.helper=",
	"-c", "safe.bareRepository=explicit",
	"-c", "diff.external=",
	"-c", "protocol.allow=never",
	NULL,
};

/* Set in git's environment after every GIT_* variable was removed. */
static const char *const fixed_env[] = {
	"GIT_CONFIG_NOSYSTEM=1",
	"GIT_CONFIG_GLOBAL=/dev/null",
	"GIT_ATTR_NOSYSTEM=1",
	"GIT_OPTIONAL_LOCKS=0",
	/* An empty list allows no transport at all, whatever the repository's
	 * protocol.<name>.allow says: a lazy fetch cannot start. */
	"GIT_ALLOW_PROTOCOL=",
	"GIT_NO_LAZY_FETCH=1",
	"GIT_NO_REPLACE_OBJECTS=1",
	"GIT_TERMINAL_PROMPT=0",
	"GIT_PAGER=cat",
	NULL,
};

const char **mg_git_argv(mg_arena *arena, const mg_git *g, const char *const *args)
{
	size_t n_hard = sizeof hardening / sizeof hardening[0] - 1, n_args = 0;
	while (args[n_args])
		n_args++;
	const char **argv = mg_arena_alloc(arena, (n_hard + n_args + 4) * sizeof *argv);
	size_t n = 0;
	argv[n++] = "git";
	argv[n++] = mg_arena_printf(arena, "--git-dir=%s", g->git_dir);
	argv[n++] = mg_arena_printf(arena, "--work-tree=%s", g->top);
	for (size_t i = 0; i < n_hard; i++)
		argv[n++] = hardening[i];
	for (size_t i = 0; i < n_args; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return argv;
}

const char **mg_git_envp(mg_arena *arena, const char *const *environ_in)
{
	size_t n_in = 0, n_fixed = sizeof fixed_env / sizeof fixed_env[0] - 1;
	while (environ_in && environ_in[n_in])
		n_in++;
	const char **envp = mg_arena_alloc(arena, (n_in + n_fixed + 1) * sizeof *envp);
	size_t n = 0;
	for (size_t i = 0; i < n_in; i++)
		if (strncmp(environ_in[i], "GIT_", 4) != 0)
			envp[n++] = environ_in[i];
	for (size_t i = 0; i < n_fixed; i++)
		envp[n++] = fixed_env[i];
	envp[n] = NULL;
	return envp;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cloexec_pipe(int fds[2])
{
	if (pipe(fds) != 0)
		return -1;
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int mg_git_run(const mg_git *g, const char *const *args, const char *in, size_t in_len,
               size_t max_out, mg_buf *out)
{
	mg_arena scratch;
	mg_arena_init(&scratch);
	const char **argv = mg_git_argv(&scratch, g, args);
	const char **envp = mg_git_envp(&scratch, (const char *const *)environ);
	int to_git[2] = {-1, -1}, from_git[2] = {-1, -1};
	if ((in && cloexec_pipe(to_git) != 0) || cloexec_pipe(from_git) != 0) {
		close_fd(&to_git[0]);
		close_fd(&to_git[1]);
		mg_arena_free(&scratch);
		return MG_GIT_NOT_RUN;
	}
	/* A write to git after it exited must be an error, not our death. */
	struct sigaction ignore = {0}, saved;
	ignore.sa_handler = SIG_IGN;
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGPIPE, &ignore, &saved);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		int null_in = open("/dev/null", O_RDONLY), null_out = open("/dev/null", O_WRONLY);
		dup2(in ? to_git[0] : null_in, 0);
		dup2(from_git[1], 1);
		dup2(null_out, 2);
		if (null_in > 2)
			close(null_in);
		if (null_out > 2)
			close(null_out);
		/* Outside the work tree some commands refuse to run. */
		if (chdir(g->top) != 0)
			_exit(127);
		environ = (char **)envp;
		execvp("git", (char *const *)argv);
		_exit(127);
	}
	close_fd(&to_git[0]);
	close_fd(&from_git[1]);
	int rc = 0;
	if (pid < 0) {
		close_fd(&to_git[1]);
		close_fd(&from_git[0]);
		rc = MG_GIT_NOT_RUN;
		goto done;
	}
	if (to_git[1] >= 0)
		fcntl(to_git[1], F_SETFL, fcntl(to_git[1], F_GETFL) | O_NONBLOCK);
	size_t sent = 0, got_total = 0;
	if (in && in_len == 0)
		close_fd(&to_git[1]);
	long long deadline = now_ms() + (long long)MG_GIT_TIMEOUT_S * 1000;
	char chunk[65536];
	/* Writing all of stdin before reading would deadlock once both pipes
	 * are full: feed and drain together. */
	while (from_git[0] >= 0) {
		struct pollfd pf[2] = {{from_git[0], POLLIN, 0}, {to_git[1], POLLOUT, 0}};
		long long left = deadline - now_ms();
		if (left <= 0) {
			rc = MG_GIT_TIMED_OUT;
			break;
		}
		int r = poll(pf, to_git[1] >= 0 ? 2 : 1, (int)(left > 60000 ? 60000 : left));
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		if (pf[0].revents) {
			ssize_t got = read(from_git[0], chunk, sizeof chunk);
			if (got > 0) {
				got_total += (size_t)got;
				if (max_out && got_total > max_out) {
					rc = MG_GIT_TOO_BIG;
					break;
				}
				mg_buf_put(out, chunk, (size_t)got);
			} else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
				close_fd(&from_git[0]);
			}
		}
		if (to_git[1] >= 0 && pf[1].revents) {
			if (pf[1].revents & (POLLERR | POLLHUP)) {
				close_fd(&to_git[1]);
				continue;
			}
			size_t n = in_len - sent > sizeof chunk ? sizeof chunk : in_len - sent;
			ssize_t w = write(to_git[1], in + sent, n);
			if (w > 0)
				sent += (size_t)w;
			else if (w < 0 && errno != EINTR && errno != EAGAIN)
				close_fd(&to_git[1]);
			if (sent == in_len)
				close_fd(&to_git[1]);
		}
	}
	if (rc != 0)
		kill(pid, SIGKILL);
	close_fd(&to_git[1]);
	close_fd(&from_git[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (rc == 0)
		rc = WIFEXITED(st) && WEXITSTATUS(st) != 127 ? WEXITSTATUS(st) : MG_GIT_NOT_RUN;
done:
	sigaction(SIGPIPE, &saved, NULL);
	mg_arena_free(&scratch);
	return rc;
}
