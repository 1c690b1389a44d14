/*
 * test_scope.c: resolving paths through the file system and the project
 * scope every loader checks before it opens a file (src/core/scope.c,
 * mg_load_read and mg_load_inside in src/load/load.c).
 */
#include <errno.h>
#include <limits.h>

#include "harness.h"
#include "migraph/load.h"
#include "migraph/sql.h"

typedef struct fx {
	char *dir;        /* the test's temporary directory, as made */
	char real[PATH_MAX];
	mg_arena arena;
} fx;

static fx *fx_new(void)
{
	fx *f = calloc(1, sizeof *f);
	f->dir = th_tmpdir();
	assert_non_null(realpath(f->dir, f->real));
	mg_arena_init(&f->arena);
	return f;
}

static void fx_free(fx *f)
{
	mg_arena_free(&f->arena);
	th_rmtree(f->dir);
	free(f);
}

static const char *at(fx *f, const char *rel)
{
	return mg_arena_printf(&f->arena, "%s/%s", f->dir, rel);
}

static void link_to(fx *f, const char *target, const char *rel)
{
	assert_int_equal(symlink(target, at(f, rel)), 0);
}

static void resolve_follows_links_and_folds_dots(void **state)
{
	(void)state;
	fx *f = fx_new();
	th_write(f->dir, "proj/db/V1__a.sql", "SELECT 1;\n");
	th_write(f->dir, "outside/secret.sql", "SELECT 2;\n");
	link_to(f, "../../outside/secret.sql", "proj/db/V2__leak.sql");
	link_to(f, "db", "proj/alias");
	char *want = mg_arena_printf(&f->arena, "%s/proj/db/V1__a.sql", f->real);
	assert_string_equal(mg_path_resolve(&f->arena, at(f, "proj/alias/V1__a.sql")), want);
	assert_string_equal(mg_path_resolve(&f->arena, at(f, "proj/db/../db/./V1__a.sql")), want);
	assert_string_equal(mg_path_resolve(&f->arena, mg_arena_printf(&f->arena, "/%s/proj//db/V1__a.sql",
	                                                                f->real)),
	                    want);
	assert_string_equal(mg_path_resolve(&f->arena, at(f, "proj/db/V2__leak.sql")),
	                    mg_arena_printf(&f->arena, "%s/outside/secret.sql", f->real));
	/* A loop and a missing file cannot be resolved, and errno says which. */
	link_to(f, "b", "proj/a");
	link_to(f, "a", "proj/b");
	errno = 0;
	assert_null(mg_path_resolve(&f->arena, at(f, "proj/a")));
	assert_int_equal(errno, ELOOP);
	assert_null(mg_path_resolve(&f->arena, at(f, "proj/nothing")));
	assert_int_equal(errno, ENOENT);
	fx_free(f);
}

static void scope_judges_resolved_paths(void **state)
{
	(void)state;
	fx *f = fx_new();
	th_write(f->dir, "proj/db/V1__a.sql", "SELECT 1;\n");
	th_write(f->dir, "proj-evil/V1__b.sql", "SELECT 1;\n");
	th_write(f->dir, "outside/secret.sql", "SELECT 2;\n");
	link_to(f, "../../outside/secret.sql", "proj/db/V2__leak.sql");
	link_to(f, "/", "proj/db/root");
	mg_path_scope s = {0};
	mg_scope_add_root(&s, &f->arena, mg_path_resolve(&f->arena, at(f, "proj")));
	mg_scope_add_root(&s, &f->arena, mg_path_resolve(&f->arena, at(f, "proj")));
	assert_int_equal(s.n_roots, 1); /* duplicates ignored */
	const char *r;
	assert_int_equal(mg_scope_check(&s, &f->arena, at(f, "proj/db/V1__a.sql"), &r), MG_SCOPE_INSIDE);
	assert_int_equal(mg_scope_check(&s, &f->arena, at(f, "proj/db/V2__leak.sql"), &r),
	                 MG_SCOPE_OUTSIDE);
	assert_string_equal(r, mg_arena_printf(&f->arena, "%s/outside/secret.sql", f->real));
	assert_int_equal(mg_scope_check(&s, &f->arena, at(f, "proj/db/root"), NULL), MG_SCOPE_OUTSIDE);
	assert_int_equal(mg_scope_check(&s, &f->arena, at(f, "proj/db/../../outside/secret.sql"), NULL),
	                 MG_SCOPE_OUTSIDE);
	/* A sibling whose name starts with the root's is not under it. */
	assert_int_equal(mg_scope_check(&s, &f->arena, at(f, "proj-evil/V1__b.sql"), NULL),
	                 MG_SCOPE_OUTSIDE);
	assert_int_equal(mg_scope_check(&s, &f->arena, at(f, "proj/missing.sql"), &r),
	                 MG_SCOPE_UNRESOLVED);
	assert_null(r);
	s.allow_outside = true;
	assert_int_equal(mg_scope_check(&s, &f->arena, at(f, "proj/db/V2__leak.sql"), NULL),
	                 MG_SCOPE_INSIDE);
	/* "/" as a root holds everything. */
	mg_path_scope all = {0};
	mg_scope_add_root(&all, &f->arena, "/");
	assert_true(mg_scope_contains(&all, "/etc/passwd"));
	assert_true(mg_scope_contains(&all, "/"));
	fx_free(f);
}

static void load_read_refuses_outside_with_a_diagnostic(void **state)
{
	(void)state;
	fx *f = fx_new();
	th_write(f->dir, "proj/db/V1__a.sql", "SELECT 1;\n");
	th_write(f->dir, "outside/secret.sql", "SELECT 'secret';\n");
	link_to(f, "../../outside/secret.sql", "proj/db/V2__leak.sql");
	link_to(f, "../../outside", "proj/db/dir");
	mg_path_scope s = {0};
	mg_scope_add_root(&s, &f->arena, mg_path_resolve(&f->arena, at(f, "proj")));
	mg_load_options o;
	mg_load_options_init(&o);
	o.scope = &s;
	mg_project *p = mg_project_new();
	mg_file_data fd;
	mg_diag *d;
	mg_loc loc = {"db/root.xml", 7, 3};
	assert_int_equal(mg_load_read(p, at(f, "proj/db/V1__a.sql"), &o, loc, &fd, &d), 0);
	assert_string_equal(fd.data, "SELECT 1;\n");
	mg_file_data_free(&fd);
	assert_int_equal(mg_load_read(p, at(f, "proj/db/V2__leak.sql"), &o, loc, &fd, &d), -1);
	assert_null(fd.data);
	assert_non_null(d);
	assert_string_equal(d->code, "input-path-outside");
	assert_int_equal(d->loc.line, 7);
	assert_non_null(strstr(d->hint, "--allow-outside"));
	assert_false(mg_load_inside(p, &o, at(f, "proj/db/dir"), loc, &d));
	assert_string_equal(d->code, "input-path-outside");
	/* Missing: quiet (the callers say "not found" in their words). */
	assert_false(mg_load_inside(p, &o, at(f, "proj/db/none"), loc, &d));
	assert_null(d);
	assert_int_equal(th_count_diags(p, "input-path-outside"), 2);
	s.allow_outside = true;
	assert_int_equal(mg_load_read(p, at(f, "proj/db/V2__leak.sql"), &o, loc, &fd, &d), 0);
	mg_file_data_free(&fd);
	mg_project_free(p);
	fx_free(f);
}

/* The scope mg_load_project builds: the PATHs' folders and the working
 * directory; a PATH in the working directory that is a link leading out
 * of it is refused, and the rest still loads. */
static void load_project_refuses_a_path_that_leaves_the_working_directory(void **state)
{
	(void)state;
	fx *f = fx_new();
	th_write(f->dir, "proj/db/V1__a.sql", "CREATE TABLE a (id int);\n");
	th_write(f->dir, "outside/V2__secret.sql", "CREATE TABLE secret (id int);\n");
	link_to(f, "../outside", "proj/db2");
	char cwd[PATH_MAX];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(at(f, "proj")), 0);
	mg_load_options o;
	mg_load_options_init(&o);
	const char *paths[] = {"db", "db2"};
	mg_project *p = mg_load_project(paths, 2, &o);
	assert_int_equal(p->n_changesets, 1);
	assert_int_equal(th_count_diags(p, "input-path-outside"), 1);
	mg_project_free(p);
	o.allow_outside = true;
	p = mg_load_project(paths, 2, &o);
	assert_int_equal(p->n_changesets, 2);
	assert_int_equal(th_count_diags(p, "input-path-outside"), 0);
	mg_project_free(p);
	assert_int_equal(chdir(cwd), 0);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolve_follows_links_and_folds_dots),
		cmocka_unit_test(scope_judges_resolved_paths),
		cmocka_unit_test(load_read_refuses_outside_with_a_diagnostic),
		cmocka_unit_test(load_project_refuses_a_path_that_leaves_the_working_directory),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
