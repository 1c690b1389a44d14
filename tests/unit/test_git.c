/*
 * test_git.c: the one way migraph runs git (src/model/git.c): how it finds
 * the repository, the fixed options and environment that keep a hostile
 * repository from running programs, and the pipe plumbing (input larger
 * than a pipe, output over the limit).
 */
#include "harness.h"
#include "migraph/git.h"

static void git_sh(const char *dir, const char *args)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && env -u GIT_DIR -u GIT_WORK_TREE GIT_CONFIG_NOSYSTEM=1 "
	         "GIT_CONFIG_GLOBAL=/dev/null git -c user.email=t@t -c user.name=t "
	         "-c init.defaultBranch=main %s >/dev/null 2>&1",
	         dir, args);
	assert_int_equal(system(cmd), 0);
}

static bool has(const char *const *v, const char *s)
{
	for (; *v; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

/* Every string of want (NULL-terminated) is in v, or none is. */
static void all_in(const char *const *v, const char *const *want, bool present)
{
	for (; *want; want++)
		if (has(v, *want) != present)
			fail_msg("%s is %s", *want, present ? "missing" : "there");
}

static void argv_is_hardened(void **state)
{
	(void)state;
	mg_arena a;
	mg_arena_init(&a);
	mg_git g = {"/repo", "/repo/.git"};
	const char *args[] = {"ls-tree", "-z", "HEAD", NULL};
	const char **argv = mg_git_argv(&a, &g, args);
	assert_string_equal(argv[0], "git");
	/* The repository is named, never discovered; what runs programs is off. */
	const char *want[] = {"--git-dir=/repo/.git", "--work-tree=/repo", "--no-pager",
	                      "core.fsmonitor=false", "core.hooksPath=/dev/null",
	                      "safe.bareRepository=explicit", "core.quotePath=false",
	                      "diff.external=", "protocol.allow=never", NULL};
	all_in(argv, want, true);
	/* The caller's arguments come last, in order. */
	size_t n = 0;
	while (argv[n])
		n++;
	assert_string_equal(argv[n - 3], "ls-tree");
	assert_string_equal(argv[n - 1], "HEAD");
	mg_arena_free(&a);
}

static void environment_drops_git_variables(void **state)
{
	(void)state;
	mg_arena a;
	mg_arena_init(&a);
	const char *in[] = {"PATH=/usr/bin", "GIT_DIR=/evil", "GIT_CONFIG_COUNT=1",
	                    "GIT_CONFIG_KEY_0=core.fsmonitor", "GIT_CONFIG_VALUE_0=/evil.sh",
	                    "GIT_EXEC_PATH=/evil", "HOME=/home/x", NULL};
	const char **env = mg_git_envp(&a, in);
	const char *kept[] = {"PATH=/usr/bin", "HOME=/home/x", NULL};
	const char *dropped[] = {"GIT_DIR=/evil", "GIT_CONFIG_COUNT=1", "GIT_EXEC_PATH=/evil", NULL};
	const char *fixed[] = {"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
	                       "GIT_OPTIONAL_LOCKS=0", "GIT_ALLOW_PROTOCOL=", NULL};
	all_in(env, kept, true);
	all_in(env, dropped, false);
	all_in(env, fixed, true);
	mg_arena_free(&a);
}

static void finds_the_nearest_repository_but_no_bare_one(void **state)
{
	(void)state;
	mg_arena a;
	mg_arena_init(&a);
	char *dir = th_tmpdir();
	char real[4096], path[4200];
	assert_non_null(realpath(dir, real));
	th_write(dir, "repo/db/V1__a.sql", "SELECT 1;\n");
	snprintf(path, sizeof path, "%s/repo/db", dir);
	mg_git g;
	assert_int_equal(mg_git_find(&a, path, &g), -1); /* no repository yet */

	char repo[4200];
	snprintf(repo, sizeof repo, "%s/repo", dir);
	git_sh(repo, "init -q");
	assert_int_equal(mg_git_find(&a, path, &g), 0);
	snprintf(path, sizeof path, "%s/repo", real);
	assert_string_equal(g.top, path);
	snprintf(path, sizeof path, "%s/repo/.git", real);
	assert_string_equal(g.git_dir, path);

	/* A bare repository's files in the migrations folder are data. */
	snprintf(path, sizeof path, "%s/repo/db", dir);
	git_sh(path, "init -q --bare .");
	assert_int_equal(mg_git_find(&a, path, &g), 0);
	snprintf(path, sizeof path, "%s/repo", real);
	assert_string_equal(g.top, path);

	/* A directory named .git that is no repository is walked past. */
	th_write(dir, "repo/db/sub/.git/placeholder", "");
	snprintf(path, sizeof path, "%s/repo/db/sub", dir);
	assert_int_equal(mg_git_find(&a, path, &g), 0);
	snprintf(path, sizeof path, "%s/repo", real);
	assert_string_equal(g.top, path);

	/* A `gitdir:` file is a repository (worktrees, submodules). */
	th_write(dir, "repo/db/sub/.git/HEAD", "ref: refs/heads/main\n");
	snprintf(path, sizeof path, "%s/repo/db/sub", dir);
	assert_int_equal(mg_git_find(&a, path, &g), 0);
	snprintf(path, sizeof path, "%s/repo/db/sub", real);
	assert_string_equal(g.top, path);
	mg_arena_free(&a);
	th_rmtree(dir);
}

static void runs_with_large_input_and_bounded_output(void **state)
{
	(void)state;
	mg_arena a;
	mg_arena_init(&a);
	char *dir = th_tmpdir();
	th_write(dir, "f.sql", "SELECT 1;\n");
	git_sh(dir, "init -q");
	git_sh(dir, "add -A");
	git_sh(dir, "commit -q -m base");
	mg_git g;
	assert_int_equal(mg_git_find(&a, dir, &g), 0);

	/* 20,000 requests (800 KB): more than a pipe holds in either direction. */
	mg_buf in = MG_BUF_INIT, out = MG_BUF_INIT;
	for (int i = 0; i < 20000; i++)
		mg_buf_puts(&in, "HEAD:f.sql\n");
	const char *batch[] = {"cat-file", "--batch-check", NULL};
	assert_int_equal(mg_git_run(&g, batch, in.data, in.len, 0, &out), 0);
	size_t lines = 0;
	for (size_t i = 0; i < out.len; i++)
		lines += out.data[i] == '\n';
	assert_int_equal(lines, 20000);
	assert_non_null(strstr(out.data, " blob 10\n"));

	mg_buf_clear(&out);
	assert_int_equal(mg_git_run(&g, batch, in.data, in.len, 1000, &out), MG_GIT_TOO_BIG);
	assert_true(out.len <= 1000);

	mg_buf_clear(&out);
	const char *bad[] = {"rev-parse", "--verify", "--quiet", "--end-of-options",
	                     "--output=x^{commit}", NULL};
	assert_int_not_equal(mg_git_run(&g, bad, NULL, 0, 0, &out), 0);
	mg_buf_dispose(&in);
	mg_buf_dispose(&out);
	mg_arena_free(&a);
	th_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(argv_is_hardened),
		cmocka_unit_test(environment_drops_git_variables),
		cmocka_unit_test(finds_the_nearest_repository_but_no_bare_one),
		cmocka_unit_test(runs_with_large_input_and_bounded_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
