/*
 * test_cli_emit.c: `plan --emit DIR` writes the plan's files under DIR and
 * nowhere else: paths that leave DIR are refused before anything is
 * written, a symbolic link inside DIR is never followed, an existing file
 * is kept unless --force.
 *
 * The writer is CLI code (src/cli is not in the library), so the test
 * compiles it in, with cli_error's output kept for the assertions.
 */
#include "harness.h"

#include "cli/emit_write.c"

static char last_error[512];

int cli_error(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
	return code;
}

static mg_emit_file file(const char *path, const char *content)
{
	mg_emit_file f = {path, content, strlen(content)};
	return f;
}

static char *read_text(const char *dir, const char *rel)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	mg_file_data data;
	if (mg_file_read(path, 1 << 20, &data) != 0)
		return NULL;
	char *text = strdup(data.data);
	mg_file_data_free(&data);
	return text;
}

static void paths_that_leave_the_folder_are_refused(void **state)
{
	(void)state;
	assert_true(cli_emit_path_ok("release-1/V2_0_1__expand.sql"));
	assert_true(cli_emit_path_ok("V1__a.sql"));
	assert_true(cli_emit_path_ok("..hidden/x.sql")); /* a name, not the parent */
	assert_false(cli_emit_path_ok(NULL));
	assert_false(cli_emit_path_ok(""));
	assert_false(cli_emit_path_ok("/etc/passwd"));
	assert_false(cli_emit_path_ok("../x.sql"));
	assert_false(cli_emit_path_ok("a/../../x.sql"));
	assert_false(cli_emit_path_ok("a/./x.sql"));
	assert_false(cli_emit_path_ok("a//x.sql"));
	assert_false(cli_emit_path_ok("a/"));
	assert_false(cli_emit_path_ok("a\\..\\x.sql"));
	assert_false(cli_emit_path_ok("a/\nb.sql"));
}

static void writes_nested_files_and_refuses_before_writing(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	char out[4200];
	snprintf(out, sizeof out, "%s/emitted", dir);
	mg_emit_file files[] = {file("release-1/V2_1__expand.sql", "SELECT 1;\n"),
	                        file("release-2/V3__contract.sql", "SELECT 2;\n")};
	mg_emit e = {files, 2, 2};
	size_t written = 0;
	assert_int_equal(cli_emit_write(out, &e, false, &written), CLI_EXIT_OK);
	assert_int_equal(written, 2);
	char *text = read_text(out, "release-2/V3__contract.sql");
	assert_non_null(text);
	assert_string_equal(text, "SELECT 2;\n");
	free(text);

	/* One bad path: nothing at all is written. */
	mg_emit_file bad[] = {file("release-1/V9__ok.sql", "x"), file("../escape.sql", "x")};
	mg_emit eb = {bad, 2, 2};
	assert_int_equal(cli_emit_write(out, &eb, false, &written), CLI_EXIT_USAGE);
	assert_non_null(strstr(last_error, "../escape.sql"));
	text = read_text(out, "release-1/V9__ok.sql");
	assert_null(text);
	text = read_text(dir, "escape.sql");
	assert_null(text);
	th_rmtree(dir);
}

static void existing_files_are_kept_unless_forced(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	th_write(dir, "V1__mine.sql", "hand written\n");
	mg_emit_file files[] = {file("V0__new.sql", "new\n"), file("V1__mine.sql", "generated\n")};
	mg_emit e = {files, 2, 2};
	size_t written = 0;
	assert_int_equal(cli_emit_write(dir, &e, false, &written), CLI_EXIT_USAGE);
	assert_non_null(strstr(last_error, "exists"));
	assert_int_equal(written, 0);
	char *text = read_text(dir, "V0__new.sql");
	assert_null(text); /* refused before anything was written */
	text = read_text(dir, "V1__mine.sql");
	assert_string_equal(text, "hand written\n");
	free(text);
	assert_int_equal(cli_emit_write(dir, &e, true, &written), CLI_EXIT_OK);
	assert_int_equal(written, 2);
	text = read_text(dir, "V1__mine.sql");
	assert_string_equal(text, "generated\n");
	free(text);
	th_rmtree(dir);
}

static void symbolic_links_inside_are_not_followed(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	char out[1024], outside[1024], link[2048], target[2048];
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(outside, sizeof outside, "%s/outside", dir);
	mkdir(out, 0755);
	mkdir(outside, 0755);
	/* out/sub -> ../outside: a directory link; out/f.sql -> outside/f.sql */
	snprintf(link, sizeof link, "%s/sub", out);
	assert_int_equal(symlink(outside, link), 0);
	snprintf(link, sizeof link, "%s/f.sql", out);
	snprintf(target, sizeof target, "%s/f.sql", outside);
	th_write(dir, "outside/f.sql", "precious\n");
	assert_int_equal(symlink(target, link), 0);

	mg_emit_file through_dir[] = {file("sub/x.sql", "x")};
	mg_emit e1 = {through_dir, 1, 1};
	size_t written = 0;
	assert_int_equal(cli_emit_write(out, &e1, false, &written), CLI_EXIT_USAGE);
	assert_null(read_text(outside, "x.sql"));

	mg_emit_file onto_link[] = {file("f.sql", "overwritten\n")};
	mg_emit e2 = {onto_link, 1, 1};
	assert_int_equal(cli_emit_write(out, &e2, false, &written), CLI_EXIT_USAGE);
	/* --force replaces the link itself; the file it pointed to stays. */
	assert_int_equal(cli_emit_write(out, &e2, true, &written), CLI_EXIT_OK);
	char *text = read_text(outside, "f.sql");
	assert_string_equal(text, "precious\n");
	free(text);
	text = read_text(out, "f.sql");
	assert_string_equal(text, "overwritten\n");
	free(text);
	th_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paths_that_leave_the_folder_are_refused),
		cmocka_unit_test(writes_nested_files_and_refuses_before_writing),
		cmocka_unit_test(existing_files_are_kept_unless_forced),
		cmocka_unit_test(symbolic_links_inside_are_not_followed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
