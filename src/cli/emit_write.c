/*
 * emit_write.c: `plan --emit DIR` writes the files of mg_plan_emit() under
 * DIR.
 *
 * The paths come from the plan, and the plan from names in a repository
 * written by strangers, so every path is checked before anything is
 * written: relative, no ".." or empty segment, nothing that leaves DIR.
 * Directories are walked with openat(O_NOFOLLOW), so a symbolic link
 * inside DIR cannot lead the write elsewhere either.  An existing file is
 * refused unless --force; then it is replaced, never followed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

bool cli_emit_path_ok(const char *path)
{
	if (!path || !*path || path[0] == '/')
		return false;
	const char *p = path;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == '\\')
				return false;
		if (!slash)
			return true;
		p = slash + 1;
	}
}

/* Opens (creating when asked) each directory of rel below dirfd, never
 * through a symbolic link.  Returns the fd of the last one, or -1. */
static int open_parent(int dirfd, const char *rel, bool create, const char **leaf)
{
	int fd = dup(dirfd);
	const char *p = rel;
	for (;;) {
		const char *slash = strchr(p, '/');
		if (!slash || fd < 0) {
			*leaf = p;
			return fd;
		}
		char name[256];
		size_t n = (size_t)(slash - p);
		if (n >= sizeof name) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		if (create && mkdirat(fd, name, 0755) != 0 && errno != EEXIST) {
			close(fd);
			return -1;
		}
		int next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		close(fd);
		fd = next;
		p = slash + 1;
	}
}

static bool exists_below(int dirfd, const char *rel)
{
	const char *leaf;
	int fd = open_parent(dirfd, rel, false, &leaf);
	if (fd < 0)
		return false;
	struct stat st;
	bool found = fstatat(fd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0;
	close(fd);
	return found;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int cli_emit_write(const char *dir, const mg_emit *emit, bool force, size_t *written)
{
	*written = 0;
	for (size_t i = 0; i < emit->n_files; i++)
		if (!cli_emit_path_ok(emit->files[i].path))
			return cli_error(CLI_EXIT_USAGE, "--emit: refusing the path '%s': it would leave %s",
			                 emit->files[i].path ? emit->files[i].path : "", dir);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return cli_error(CLI_EXIT_USAGE, "--emit: cannot create %s: %s", dir, strerror(errno));
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dirfd < 0)
		return cli_error(CLI_EXIT_USAGE, "--emit: cannot open %s: %s", dir, strerror(errno));
	int rc = CLI_EXIT_OK;
	for (size_t i = 0; i < emit->n_files && !force; i++)
		if (exists_below(dirfd, emit->files[i].path)) {
			rc = cli_error(CLI_EXIT_USAGE, "--emit: %s/%s exists (--force replaces it)", dir,
			               emit->files[i].path);
			break;
		}
	for (size_t i = 0; i < emit->n_files && rc == CLI_EXIT_OK; i++) {
		const mg_emit_file *f = &emit->files[i];
		const char *leaf;
		int pfd = open_parent(dirfd, f->path, true, &leaf);
		int fd = -1;
		if (pfd >= 0) {
			if (force)
				unlinkat(pfd, leaf, 0); /* a link is replaced, never followed */
			fd = openat(pfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
			close(pfd);
		}
		if (fd < 0 || write_all(fd, f->content, f->len) != 0) {
			rc = cli_error(CLI_EXIT_USAGE, "--emit: cannot write %s/%s: %s", dir, f->path,
			               strerror(errno));
		} else {
			(*written)++;
		}
		if (fd >= 0 && close(fd) != 0 && rc == CLI_EXIT_OK)
			rc = cli_error(CLI_EXIT_USAGE, "--emit: cannot write %s/%s: %s", dir, f->path,
			               strerror(errno));
	}
	close(dirfd);
	return rc;
}
