/*
 * release_git.c: --git-base REF, the release as what was added or changed
 * since a git ref, compared with the working tree.
 *
 * git is asked for objects only (migraph/git.h): the commit REF names, the
 * list of its files (ls-tree -z: names with tabs, newlines, quotes or
 * non-ASCII characters arrive byte for byte), and the blobs of the
 * migration files (one cat-file --batch: the bytes committed, never
 * filtered or converted).  migraph compares them with the files it loaded,
 * so git never looks at the working tree or the index, where fsmonitor,
 * filters and hooks live.  A file that is not at REF is new; one whose
 * text differs, line endings aside (Flyway's checksum ignores them, and
 * core.autocrlf checkouts differ from the blob there), changed.
 *
 * A Flyway migration file that changed is in the release; one that already
 * existed at REF is reported too (an applied versioned migration must
 * never change).  Liquibase changesets are judged by their text: a
 * changeset whose text (blanks ignored) is found in the file at REF is
 * unchanged, one whose id appeared there but whose text did not is a
 * changed committed changeset.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "migraph/git.h"
#include "migraph/load.h"

/* Files larger than this are not compared (one is then "changed"). */
#define GIT_MAX_FILE ((size_t)256 << 20)
#define GIT_MAX_TREE_LISTING ((size_t)256 << 20)

typedef struct blob_ref {
	const char *oid;
	unsigned long long size;
} blob_ref;

/* What migraph knows about one repository file of the project. */
typedef struct file_state {
	char code;              /* 'A' not at REF, 'M' changed, '=' unchanged */
	const char *path;       /* the working file, as loaded */
	const blob_ref *blob;   /* at REF, or NULL */
	char *text;             /* the working file, NUL-terminated (heap until done) */
	size_t len;
	const char *old;        /* text at REF, blanks removed, or NULL until needed */
	const char *old_raw;    /* text at REF as committed, or NULL */
	size_t old_len;
	size_t *line_start;     /* offsets of the working file's lines, built on demand */
	uint32_t n_lines;
} file_state;

typedef struct git_ctx {
	mg_project *p;
	mg_release *rel;
	const char *ref;
	mg_git git;
	mg_map tree;        /* repo-relative path -> blob_ref*, the files at REF */
	mg_map rel_of;      /* loc.file -> repo-relative path ("" when outside) */
	mg_map files;       /* repo-relative path -> file_state* */
	file_state **order; /* files in first-seen order */
	size_t n_files, files_cap;
} git_ctx;

static void fail(git_ctx *g, mg_severity sev, const char *why)
{
	mg_diag_add(&g->p->diags, sev, "release-git-failed", (mg_loc){NULL, 0, 0},
	            "--git-base %s: %s", g->ref, why);
	if (sev >= MG_SEV_HIGH)
		mg_release_add_issue(&g->p->arena, g->rel, MG_REL_BAD_INPUT, NULL,
		                     (mg_loc){NULL, 0, 0}, "git failed");
}

/* The changeset's file relative to the repository root, or NULL. */
static const char *repo_rel(git_ctx *g, const char *file)
{
	if (!file)
		return NULL;
	const char *r = mg_map_get(&g->rel_of, file);
	if (!r) {
		char buf[PATH_MAX];
		const char *under = realpath(file, buf) ? mg_path_under(buf, g->git.top) : NULL;
		r = mg_arena_strdup(&g->p->arena, under && *under ? under : "");
		mg_map_put(&g->rel_of, file, (void *)r);
	}
	return *r ? r : NULL;
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

/* Equal texts, a CR before an LF ignored on either side. */
static bool same_text(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0, j = 0;
	for (;;) {
		if (i < na && a[i] == '\r' && i + 1 < na && a[i + 1] == '\n')
			i++;
		if (j < nb && b[j] == '\r' && j + 1 < nb && b[j + 1] == '\n')
			j++;
		if (i == na || j == nb)
			return i == na && j == nb;
		if (a[i++] != b[j++])
			return false;
	}
}

/* ls-tree -r -z -l: "<mode> <type> <oid> <size>\t<path>\0" per entry. */
static void parse_tree(git_ctx *g, const char *out, size_t len)
{
	mg_arena *a = &g->p->arena;
	const char *p = out, *end = out + len;
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		if (!nul)
			break;
		const char *tab = memchr(p, '\t', (size_t)(nul - p));
		if (tab) {
			char *head = mg_arena_strndup(a, p, (size_t)(tab - p));
			char *save = NULL;
			strtok_r(head, " ", &save);
			const char *type = strtok_r(NULL, " ", &save);
			const char *oid = strtok_r(NULL, " ", &save);
			const char *size = strtok_r(NULL, " ", &save);
			if (type && oid && size && strcmp(type, "blob") == 0) {
				blob_ref *b = mg_arena_alloc(a, sizeof *b);
				b->oid = oid;
				b->size = strtoull(size, NULL, 10);
				mg_map_put(&g->tree, mg_arena_strndup(a, tab + 1, (size_t)(nul - tab - 1)), b);
			}
		}
		p = nul + 1;
	}
}

static void add_state(git_ctx *g, const char *rel, const char *file)
{
	if (mg_map_get(&g->files, rel))
		return;
	file_state *s = mg_arena_alloc(&g->p->arena, sizeof *s);
	s->path = file;
	s->blob = mg_map_get(&g->tree, rel);
	s->code = s->blob ? '=' : 'A';
	mg_map_put(&g->files, rel, s);
	mg_arena_push(&g->p->arena, (void ***)&g->order, &g->n_files, &g->files_cap, s);
}

/* Reads the blobs of the files that existed at REF in one cat-file
 * --batch and decides which changed. */
static void compare_blobs(git_ctx *g)
{
	mg_buf req = MG_BUF_INIT;
	size_t max_out = 0;
	for (size_t i = 0; i < g->n_files; i++) {
		file_state *s = g->order[i];
		if (!s->blob)
			continue;
		mg_file_data fd;
		if (s->blob->size > GIT_MAX_FILE || mg_file_read(s->path, GIT_MAX_FILE, &fd) != 0) {
			s->code = 'M'; /* cannot be compared: in the release, never silently out */
			continue;
		}
		s->text = fd.data;
		s->len = fd.len;
		mg_buf_printf(&req, "%s\n", s->blob->oid);
		max_out += (size_t)s->blob->size + strlen(s->blob->oid) + 32;
	}
	if (!req.len) {
		mg_buf_dispose(&req);
		return;
	}
	mg_buf out = MG_BUF_INIT;
	const char *args[] = {"cat-file", "--batch", NULL};
	/* Its status does not matter: what arrived whole is read below. */
	(void)mg_git_run(&g->git, args, req.data, req.len, max_out + 1, &out);
	mg_map blobs;
	mg_map_init(&blobs, &g->p->arena);
	/* "<oid> blob <size>\n<bytes>\n", or "<oid> missing\n"; a file whose
	 * blob did not arrive whole counts as changed. */
	const char *p = out.data, *end = out.data ? out.data + out.len : NULL;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		char *head = mg_arena_strndup(&g->p->arena, p, (size_t)(nl - p));
		p = nl + 1;
		char *save = NULL;
		const char *oid = strtok_r(head, " ", &save);
		const char *type = strtok_r(NULL, " ", &save);
		const char *size = strtok_r(NULL, " ", &save);
		if (!oid || !type || !size)
			continue; /* "missing" */
		size_t n = (size_t)strtoull(size, NULL, 10);
		if (n > (size_t)(end - p))
			break;
		mg_buf *blob = mg_arena_alloc(&g->p->arena, sizeof *blob);
		blob->data = mg_arena_strndup(&g->p->arena, p, n);
		blob->len = n;
		mg_map_put(&blobs, oid, blob);
		p += n + 1;
	}
	size_t unread = 0;
	for (size_t i = 0; i < g->n_files; i++) {
		file_state *s = g->order[i];
		if (!s->blob || !s->text)
			continue;
		const mg_buf *blob = mg_map_get(&blobs, s->blob->oid);
		if (!blob) {
			s->code = 'M';
			unread++;
			continue;
		}
		s->old_raw = blob->data;
		s->old_len = blob->len;
		if (!same_text(s->text, s->len, blob->data, blob->len))
			s->code = 'M';
	}
	if (unread)
		fail(g, MG_SEV_MEDIUM,
		     mg_arena_printf(&g->p->arena,
		                     "the text at the ref of %zu file%s could not be read (a partial "
		                     "clone, or git failed); %s counted as changed",
		                     unread, unread == 1 ? "" : "s", unread == 1 ? "it is" : "they are"));
	mg_buf_dispose(&out);
	mg_buf_dispose(&req);
}

static const char *old_text(git_ctx *g, file_state *s)
{
	if (!s->old)
		s->old = squeeze(&g->p->arena, s->old_raw ? s->old_raw : "", s->old_raw ? s->old_len : 0);
	return s->old;
}

/* The changeset's own lines, from its start to the next changeset of the
 * same file. */
static char *changeset_text(git_ctx *g, file_state *s, const mg_changeset *cs)
{
	if (!s->text)
		return NULL;
	if (!s->line_start) {
		uint32_t n = 1;
		for (size_t i = 0; i < s->len; i++)
			n += s->text[i] == '\n';
		s->line_start = mg_arena_alloc(&g->p->arena, ((size_t)n + 1) * sizeof *s->line_start);
		uint32_t k = 0;
		s->line_start[k++] = 0;
		for (size_t i = 0; i < s->len; i++)
			if (s->text[i] == '\n')
				s->line_start[k++] = i + 1;
		s->n_lines = k;
	}
	uint32_t end_line = UINT32_MAX;
	for (size_t i = cs->index + 1; i < g->p->n_changesets; i++) {
		const mg_changeset *n = g->p->changesets[i];
		if (mg_str_eq(n->loc.file, cs->loc.file) && n->loc.line > cs->loc.line) {
			end_line = n->loc.line;
			break;
		}
	}
	uint32_t first = cs->loc.line ? cs->loc.line - 1 : 0;
	if (first >= s->n_lines)
		return NULL;
	const char *b = s->text + s->line_start[first];
	const char *e = end_line - 1 < s->n_lines ? s->text + s->line_start[end_line - 1]
	                                          : s->text + s->len;
	/* The closing tag of the changelog belongs to no changeset. */
	const char *close = NULL;
	for (const char *q = b; q < e; q++)
		if (*q == '<' && (size_t)(e - q) >= 19 && strncmp(q, "</databaseChangeLog", 19) == 0)
			close = q;
	return squeeze(&g->p->arena, b, (size_t)((close ? close : e) - b));
}

static void judge_liquibase(git_ctx *g, mg_changeset *cs, file_state *s)
{
	if (s->code == 'A') {
		cs->flags |= MG_CSF_IN_RELEASE;
		return;
	}
	const char *old = old_text(g, s);
	char *now = changeset_text(g, s, cs);
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

/* The commit REF names, or NULL. */
static const char *resolve_ref(git_ctx *g, int *rc)
{
	mg_buf out = MG_BUF_INIT;
	/* --end-of-options: a REF such as "--output=x" is a name, not an option. */
	const char *args[] = {"rev-parse", "--verify", "--quiet", "--end-of-options",
	                      mg_arena_printf(&g->p->arena, "%s^{commit}", g->ref), NULL};
	*rc = mg_git_run(&g->git, args, NULL, 0, 4096, &out);
	const char *oid = NULL;
	if (*rc == 0 && out.len) {
		size_t n = strcspn(out.data, "\n");
		oid = n ? mg_arena_strndup(&g->p->arena, out.data, n) : NULL;
	}
	mg_buf_dispose(&out);
	return oid;
}

static void free_texts(git_ctx *g)
{
	for (size_t i = 0; i < g->n_files; i++) {
		free(g->order[i]->text);
		g->order[i]->text = NULL;
	}
}

void mg_release_git(mg_project *project, mg_release *rel, const char *ref)
{
	git_ctx g = {.p = project, .rel = rel, .ref = ref};
	mg_arena *a = &project->arena;
	mg_map_init(&g.tree, a);
	mg_map_init(&g.rel_of, a);
	mg_map_init(&g.files, a);
	const char *dir = ".";
	for (size_t i = 0; i < project->n_changesets; i++)
		if (project->changesets[i]->loc.file) {
			dir = mg_path_dirname(a, project->changesets[i]->loc.file);
			break;
		}
	if (mg_git_find(a, dir, &g.git) != 0) {
		fail(&g, MG_SEV_HIGH, "the migrations are not in a git repository");
		return;
	}
	int rc;
	const char *commit = resolve_ref(&g, &rc);
	if (!commit) {
		fail(&g, MG_SEV_HIGH,
		     rc == MG_GIT_NOT_RUN    ? "git could not be run (is it installed?)"
		     : rc == MG_GIT_TIMED_OUT ? "git did not answer in time"
		                             : "no such commit");
		return;
	}
	mg_buf tree = MG_BUF_INIT;
	const char *ls_args[] = {"ls-tree", "-r", "-z", "-l", "--full-tree", commit, NULL};
	rc = mg_git_run(&g.git, ls_args, NULL, 0, GIT_MAX_TREE_LISTING, &tree);
	if (rc != 0) {
		mg_buf_dispose(&tree);
		fail(&g, MG_SEV_HIGH,
		     rc == MG_GIT_TOO_BIG ? "the listing of the commit's files is larger than 256 MiB"
		                          : "git could not list the commit's files");
		return;
	}
	parse_tree(&g, tree.data, tree.len);
	mg_buf_dispose(&tree);

	for (size_t i = 0; i < project->n_changesets; i++) {
		const char *file = project->changesets[i]->loc.file;
		const char *rp = repo_rel(&g, file);
		if (rp)
			add_state(&g, rp, file);
	}
	compare_blobs(&g);

	for (size_t i = 0; i < project->n_changesets; i++) {
		mg_changeset *cs = project->changesets[i];
		const char *rp = repo_rel(&g, cs->loc.file);
		file_state *s = rp ? mg_map_get(&g.files, rp) : NULL;
		if (!s || s->code == '=')
			continue;
		if (!mg_changeset_kind_is_flyway(cs->kind)) {
			judge_liquibase(&g, cs, s);
			continue;
		}
		cs->flags |= MG_CSF_IN_RELEASE;
		if (s->code == 'M' && cs->kind != MG_CS_FLYWAY_REPEATABLE)
			mg_release_add_issue(a, rel, MG_REL_COMMITTED_CHANGED, cs, cs->loc,
			                     mg_arena_printf(a,
			                                     "%s existed at %s and was changed; databases "
			                                     "that applied it keep the old version and "
			                                     "Flyway's validate fails",
			                                     cs->script ? cs->script : cs->loc.file, ref));
	}
	free_texts(&g);
}
