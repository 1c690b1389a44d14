/*
 * driver.c: the plan's backfills and emitted files for the live tests,
 * until `migraph plan` (and its --emit DIR, which the CLI owns) is in this
 * build.  It takes the same options as `migraph list`, so the tests run
 * the plan exactly as the program will.  Its writer is the tests' own:
 * it refuses paths outside DIR, symbolic links on the way and existing
 * files (unless --overwrite), all checked before the first write.
 *
 *   driver json [--] MIGRAPH-ARGS...              the plan's steps, backfills and notes as JSON
 *   driver emit DIR [--overwrite] [--] MIGRAPH-ARGS...   writes the emitted plan under DIR
 *
 * Built by the test scripts against build/libmigraph.a and the CLI's
 * objects (tests/emit/build_driver.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "migraph/plan.h"
#include "migraph/sql.h"

static bool safe_relative(const char *path)
{
	if (!path || !*path || path[0] == '/')
		return false;
	const char *p = path;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		for (size_t i = 0; i < n; i++)
			if (p[i] == '\\' || (unsigned char)p[i] < 0x20)
				return false;
		if (!slash)
			break;
		p = slash + 1;
	}
	return path[strlen(path) - 1] != '/';
}

/* Creates dir/rel's parent folders (only checks them when !create);
 * fails on a symbolic link or a file in the way. */
static int make_parents(const char *dir, const char *rel, char *buf, size_t size, bool create)
{
	for (const char *p = strchr(rel, '/'); p; p = strchr(p + 1, '/')) {
		int n = snprintf(buf, size, "%s/%.*s", dir, (int)(p - rel), rel);
		if (n < 0 || (size_t)n >= size)
			return cli_error(CLI_EXIT_USAGE, "emit: path too long: %s/%s", dir, rel);
		struct stat st;
		if (lstat(buf, &st) == 0) {
			if (S_ISLNK(st.st_mode))
				return cli_error(
				    CLI_EXIT_USAGE,
				    "emit: %s is a symbolic link: refusing to write through it",
				    buf);
			if (!S_ISDIR(st.st_mode))
				return cli_error(CLI_EXIT_USAGE,
				                 "emit: %s is in the way (not a folder)", buf);
			continue;
		}
		if (create && mkdir(buf, 0755) != 0 && errno != EEXIST)
			return cli_error(CLI_EXIT_USAGE, "emit: cannot create %s: %s", buf,
			                 strerror(errno));
	}
	return CLI_EXIT_OK;
}

static int write_emitted(const mg_emit *emit, const char *dir, bool overwrite)
{
	char path[4096];
	struct stat st;
	if (!dir || !*dir)
		return cli_error(CLI_EXIT_USAGE, "emit: no target folder");
	if (lstat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return cli_error(CLI_EXIT_USAGE, "emit: %s is not a folder", dir);
	} else if (mkdir(dir, 0755) != 0) {
		return cli_error(CLI_EXIT_USAGE, "emit: cannot create %s: %s", dir,
		                 strerror(errno));
	}
	/* Every path is checked before anything is written. */
	for (size_t i = 0; i < emit->n_files; i++) {
		const mg_emit_file *f = &emit->files[i];
		if (!safe_relative(f->path))
			return cli_error(CLI_EXIT_USAGE, "emit: refusing to write %s outside %s",
			                 f->path ? f->path : "(null)", dir);
		int rc = make_parents(dir, f->path, path, sizeof path, false);
		if (rc != CLI_EXIT_OK)
			return rc;
		int n = snprintf(path, sizeof path, "%s/%s", dir, f->path);
		if (n < 0 || (size_t)n >= sizeof path)
			return cli_error(CLI_EXIT_USAGE, "emit: path too long: %s/%s", dir,
			                 f->path);
		if (lstat(path, &st) == 0) {
			if (S_ISLNK(st.st_mode) || !S_ISREG(st.st_mode))
				return cli_error(CLI_EXIT_USAGE,
				                 "emit: %s exists and is not a plain file", path);
			if (!overwrite)
				return cli_error(
				    CLI_EXIT_USAGE,
				    "emit: %s exists; nothing was written (give --overwrite to "
				    "replace the emitted files)",
				    path);
		}
	}
	for (size_t i = 0; i < emit->n_files; i++) {
		const mg_emit_file *f = &emit->files[i];
		int rc = make_parents(dir, f->path, path, sizeof path, true);
		if (rc != CLI_EXIT_OK)
			return rc;
		snprintf(path, sizeof path, "%s/%s", dir, f->path);
		int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | (overwrite ? O_TRUNC : O_EXCL);
		int fd = open(path, flags, 0644);
		if (fd < 0)
			return cli_error(CLI_EXIT_USAGE, "emit: cannot write %s: %s", path,
			                 strerror(errno));
		size_t done = 0;
		while (done < f->len) {
			ssize_t w = write(fd, f->content + done, f->len - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				int err = errno;
				close(fd);
				return cli_error(CLI_EXIT_USAGE, "emit: cannot write %s: %s", path,
				                 strerror(err));
			}
			done += (size_t)w;
		}
		if (close(fd) != 0)
			return cli_error(CLI_EXIT_USAGE, "emit: cannot write %s: %s", path,
			                 strerror(errno));
	}
	return CLI_EXIT_OK;
}

/* ---- JSON ---- */

static void str(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void key(const char *k, bool first)
{
	printf("%s\"%s\": ", first ? "" : ", ", k);
}

static void backfill(const mg_backfill *b)
{
	putchar('{');
	key("table", true), str(b->table.name);
	key("schema", false), str(b->table.schema);
	key("key_known", false), fputs(b->key_known ? "true" : "false", stdout);
	key("key", false), putchar('[');
	for (size_t i = 0; i < b->key.count; i++)
		printf("%s", i ? ", " : ""), str(b->key.items[i]);
	putchar(']');
	key("set_clause", false), str(b->set_clause);
	key("predicate", false), str(b->predicate);
	key("idempotent", false), fputs(b->idempotent ? "true" : "false", stdout);
	key("source_sql", false), str(b->source_sql);
	key("rows_known", false), fputs(b->rows_known ? "true" : "false", stdout);
	key("rows", false), printf("%llu", (unsigned long long)b->rows);
	key("batch_size", false), printf("%llu", (unsigned long long)b->batch_size);
	key("pause_ms", false), printf("%.0f", b->pause_ms);
	key("runtime_ms", false);
	if (b->runtime_known)
		printf("%.0f", b->runtime_ms);
	else
		fputs("null", stdout);
	key("sizing_reasoning", false), str(b->sizing_reasoning);
	key("name", false), str(b->name);
	key("checkpoint_table", false), str(b->checkpoint_table);
	key("dead_letter_table", false), str(b->dead_letter_table);
	key("setup_sql", false), str(b->setup_sql);
	key("script_sql", false), str(b->script_sql);
	key("run_sql", false), str(b->run_sql);
	key("progress_sql", false), str(b->progress_sql);
	key("verify_sql", false), str(b->verify_sql);
	key("cleanup_sql", false), str(b->cleanup_sql);
	key("failure_handling", false), str(b->failure_handling);
	putchar('}');
}

static void json(const mg_plan *plan)
{
	fputs("{\"steps\": [", stdout);
	for (size_t i = 0; i < plan->n_steps; i++) {
		const mg_plan_step *s = plan->steps[i];
		printf("%s{", i ? ",\n" : "\n");
		key("id", true), str(s->id);
		key("release", false), printf("%d", s->release);
		key("phase", false), str(mg_phase_name(s->phase));
		key("kind", false), str(mg_step_kind_name(s->kind));
		key("title", false), str(s->title);
		key("sql", false), str(s->sql);
		key("in_transaction", false), fputs(s->in_transaction ? "true" : "false", stdout);
		key("rewritten", false), fputs(s->rewritten ? "true" : "false", stdout);
		key("backfill", false);
		if (s->backfill)
			backfill(s->backfill);
		else
			fputs("null", stdout);
		putchar('}');
	}
	fputs("],\n\"notes\": [", stdout);
	for (size_t i = 0; i < plan->n_notes; i++)
		printf("%s", i ? ", " : ""), str(plan->notes[i]);
	fputs("]}\n", stdout);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: driver json|emit DIR [--overwrite] [--] MIGRAPH-ARGS...\n");
		return 2;
	}
	bool emit = !strcmp(argv[1], "emit");
	int i = 2;
	const char *dir = NULL;
	bool overwrite = false;
	if (emit) {
		if (argc < 3)
			return 2;
		dir = argv[i++];
		if (i < argc && !strcmp(argv[i], "--overwrite")) {
			overwrite = true;
			i++;
		}
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	cli_args args;
	bool done;
	/* The options and PATHs, as after `migraph list`. */
	int rc = cli_parse_args(&args, "list", argc - i, argv + i, &done);
	if (rc != CLI_EXIT_OK || done)
		return rc;
	mg_analysis analysis;
	mg_project *project = cli_load_and_analyze(&args, &analysis, true);
	for (size_t d = 0; d < project->diags.count; d++)
		fprintf(stderr, "diag: %s: %s\n", project->diags.items[d]->code,
		        project->diags.items[d]->message);
	mg_plan *plan = mg_plan_build(&analysis);
	if (emit)
		rc = write_emitted(mg_plan_emit(plan), dir, overwrite);
	else
		json(plan);
	mg_project_free(project);
	cli_args_dispose(&args);
	mg_sql_shutdown();
	return rc;
}
