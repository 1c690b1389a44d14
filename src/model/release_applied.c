/*
 * release_applied.c: --applied FILE, the release as what is pending
 * against an exported history table.
 *
 * Flyway (flyway_schema_history): a successful row applies its version;
 * a failed row applies nothing and is reported; an applied versioned
 * migration whose file checksum differs is reported (Flyway's validate
 * fails on it); a pending version below the highest applied one is out
 * of order unless outOfOrder=true; a repeatable is pending when its
 * latest applied checksum differs.  Versions up to a BASELINE row count
 * as applied.
 *
 * Liquibase (DATABASECHANGELOG): EXECUTED, MARK_RAN and RERAN rows are
 * applied.  MD5SUMs are compared only where migraph computed one of the
 * same checksum version; anything else is "not compared", never "equal".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migraph/release.h"

typedef struct applied_ctx {
	mg_project *p;
	mg_release *rel;
	const char *path;
	mg_csv csv;
} applied_ctx;

static const char *cell(const applied_ctx *a, size_t row, int col)
{
	if (col < 0 || (size_t)col >= a->csv.n_fields[row])
		return "";
	return a->csv.rows[row][col];
}

static mg_loc row_loc(const applied_ctx *a, size_t row)
{
	return (mg_loc){a->path, a->csv.lines[row], 1};
}

static bool truthy(const char *s)
{
	return mg_str_ieq(s, "t") || mg_str_ieq(s, "true") || mg_str_eq(s, "1") ||
	       mg_str_ieq(s, "yes") || mg_str_ieq(s, "y");
}

/* The migrations of one version (or one repeatable description). */
typedef struct cs_list {
	void **items; /* changeset indexes */
	size_t n, cap;
} cs_list;

/* Equal versions give equal keys: parts are stored without leading zeros
 * and without trailing ".0" parts ("1.0" is "1"). */
static const char *version_key(mg_arena *arena, const mg_version *v)
{
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < v->n_parts; i++) {
		if (i)
			mg_buf_putc(&b, '.');
		mg_buf_puts(&b, v->parts[i]);
	}
	const char *k = mg_arena_strdup(arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return k;
}

static void flyway(applied_ctx *a)
{
	mg_project *p = a->p;
	int c_version = mg_csv_column(&a->csv, "version");
	int c_desc = mg_csv_column(&a->csv, "description");
	int c_type = mg_csv_column(&a->csv, "type");
	int c_script = mg_csv_column(&a->csv, "script");
	int c_sum = mg_csv_column(&a->csv, "checksum");
	int c_ok = mg_csv_column(&a->csv, "success");
	/* Per changeset: the applied row (latest for repeatables), or none. */
	size_t *row_of = mg_arena_alloc(&p->arena, (p->n_changesets + 1) * sizeof *row_of);
	/* Rows find their migrations through maps: a scan of every migration
	 * per row made a million-row history take hours. */
	mg_map by_version, by_desc;
	mg_map_init(&by_version, &p->arena);
	mg_map_init(&by_desc, &p->arena);
	for (size_t i = 0; i < p->n_changesets; i++) {
		mg_changeset *cs = p->changesets[i];
		if (!mg_changeset_kind_is_flyway(cs->kind) || cs->kind == MG_CS_FLYWAY_UNDO)
			continue;
		bool rep = cs->kind == MG_CS_FLYWAY_REPEATABLE;
		if (rep && !cs->description)
			continue;
		mg_map *m = rep ? &by_desc : &by_version;
		const char *key = rep ? cs->description : version_key(&p->arena, &cs->version);
		cs_list *l = mg_map_get(m, key);
		if (!l) {
			l = mg_arena_alloc(&p->arena, sizeof *l);
			mg_map_put(m, key, l);
		}
		mg_arena_push(&p->arena, &l->items, &l->n, &l->cap, (void *)(uintptr_t)i);
	}
	mg_version highest = {0}, baseline = {0};
	bool have_highest = false, have_baseline = false;
	for (size_t r = 1; r < a->csv.n_rows; r++) {
		const char *type = cell(a, r, c_type);
		const char *vtext = cell(a, r, c_version);
		if (mg_str_ieq(type, "SCHEMA") || mg_str_ieq(type, "DELETE"))
			continue;
		bool ok = c_ok < 0 || truthy(cell(a, r, c_ok));
		mg_version v = {0};
		bool versioned = *vtext && mg_version_parse(&p->arena, vtext, &v) == 0;
		if (mg_str_ieq(type, "BASELINE")) {
			if (versioned) {
				baseline = v;
				have_baseline = true;
			}
			continue;
		}
		if (!ok) {
			mg_release_add_issue(&p->arena, a->rel, MG_REL_FAILED_APPLIED, NULL, row_loc(a, r),
			                     mg_arena_printf(&p->arena, "%s%s%s (%s) is recorded as failed",
			                                     versioned ? "version " : "", vtext,
			                                     versioned ? "" : "", cell(a, r, c_script)));
			continue;
		}
		const cs_list *l = mg_map_get(versioned ? &by_version : &by_desc,
		                              versioned ? version_key(&p->arena, &v)
		                                        : cell(a, r, c_desc));
		bool found = l != NULL;
		for (size_t k = 0; l && k < l->n; k++)
			row_of[(size_t)(uintptr_t)l->items[k]] = r;
		if (versioned && (!have_highest || mg_version_compare(&v, &highest) > 0)) {
			highest = v;
			have_highest = true;
		}
		if (!found && versioned)
			mg_release_add_issue(&p->arena, a->rel, MG_REL_APPLIED_NOT_FOUND, NULL,
			                     row_loc(a, r),
			                     mg_arena_printf(&p->arena,
			                                     "version %s (%s) is applied but no migration has it",
			                                     vtext, cell(a, r, c_script)));
	}
	for (size_t i = 0; i < p->n_changesets; i++) {
		mg_changeset *cs = p->changesets[i];
		if (!mg_changeset_kind_is_flyway(cs->kind) || cs->kind == MG_CS_FLYWAY_UNDO)
			continue;
		size_t r = row_of[i];
		bool repeatable = cs->kind == MG_CS_FLYWAY_REPEATABLE;
		if (!r) {
			if (!repeatable && have_baseline && mg_version_compare(&cs->version, &baseline) <= 0)
				continue; /* below the baseline: Flyway never runs it here */
			cs->flags |= MG_CSF_IN_RELEASE;
			if (!repeatable && have_highest && mg_version_compare(&cs->version, &highest) < 0 &&
			    !p->flyway.out_of_order)
				mg_release_add_issue(&p->arena, a->rel, MG_REL_OUT_OF_ORDER, cs, cs->loc,
				                     mg_arena_printf(&p->arena,
				                                     "version %s is pending but %s is already "
				                                     "applied",
				                                     cs->version.text, highest.text));
			continue;
		}
		const char *sum = cell(a, r, c_sum);
		if (!*sum || !cs->has_checksum) {
			if (repeatable)
				cs->flags |= MG_CSF_IN_RELEASE;
			else if (*sum || cs->has_checksum)
				mg_release_add_issue(&p->arena, a->rel, MG_REL_NOT_COMPARED, cs, cs->loc,
				                     "checksum not compared");
			continue;
		}
		char *end = NULL;
		long long recorded = strtoll(sum, &end, 10);
		if (end == sum || *end) {
			mg_release_add_issue(&p->arena, a->rel, MG_REL_NOT_COMPARED, cs, cs->loc,
			                     mg_arena_printf(&p->arena, "checksum \"%s\" is not a number",
			                                     sum));
			continue;
		}
		if ((int32_t)recorded == cs->checksum)
			continue;
		if (repeatable) {
			cs->flags |= MG_CSF_IN_RELEASE; /* a changed repeatable runs again */
			continue;
		}
		mg_release_add_issue(&p->arena, a->rel, MG_REL_CHECKSUM_CHANGED, cs, cs->loc,
		                     mg_arena_printf(&p->arena,
		                                     "version %s was applied with checksum %lld; the "
		                                     "file now has %d",
		                                     cs->version.text, recorded, (int)cs->checksum));
	}
}

/* Liquibase records paths with or without classpath: and leading slashes. */
static const char *norm_path(const char *s)
{
	if (!s)
		return "";
	if (mg_str_starts_with(s, "classpath:"))
		s += 10;
	while (*s == '/')
		s++;
	while (s[0] == '.' && s[1] == '/')
		s += 2;
	return s;
}

static void liquibase(applied_ctx *a)
{
	mg_project *p = a->p;
	int c_id = mg_csv_column(&a->csv, "id");
	int c_author = mg_csv_column(&a->csv, "author");
	int c_file = mg_csv_column(&a->csv, "filename");
	int c_type = mg_csv_column(&a->csv, "exectype");
	int c_sum = mg_csv_column(&a->csv, "md5sum");
	mg_map index;
	mg_map_init(&index, &p->arena);
	for (size_t i = 0; i < p->n_changesets; i++) {
		mg_changeset *cs = p->changesets[i];
		if (mg_changeset_kind_is_flyway(cs->kind))
			continue;
		const char *k = mg_arena_printf(&p->arena, "%s\x1f%s\x1f%s", cs->id ? cs->id : "",
		                                cs->author ? cs->author : "", norm_path(cs->filename));
		mg_map_put(&index, k, cs);
	}
	bool *applied = mg_arena_alloc(&p->arena, (p->n_changesets + 1) * sizeof *applied);
	size_t not_compared = 0;
	for (size_t r = 1; r < a->csv.n_rows; r++) {
		const char *k = mg_arena_printf(&p->arena, "%s\x1f%s\x1f%s", cell(a, r, c_id),
		                                cell(a, r, c_author), norm_path(cell(a, r, c_file)));
		mg_changeset *cs = mg_map_get(&index, k);
		const char *type = cell(a, r, c_type);
		if (mg_str_ieq(type, "FAILED")) {
			mg_release_add_issue(&p->arena, a->rel, MG_REL_FAILED_APPLIED, cs,
			                     cs ? cs->loc : row_loc(a, r),
			                     mg_arena_printf(&p->arena, "changeset %s::%s::%s is recorded as "
			                                     "FAILED",
			                                     cell(a, r, c_file), cell(a, r, c_id),
			                                     cell(a, r, c_author)));
			continue;
		}
		if (!(mg_str_ieq(type, "EXECUTED") || mg_str_ieq(type, "MARK_RAN") ||
		      mg_str_ieq(type, "RERAN") || !*type))
			continue;
		if (!cs) {
			mg_release_add_issue(&p->arena, a->rel, MG_REL_APPLIED_NOT_FOUND, NULL,
			                     row_loc(a, r),
			                     mg_arena_printf(&p->arena,
			                                     "changeset %s::%s::%s is applied but no "
			                                     "changelog has it",
			                                     cell(a, r, c_file), cell(a, r, c_id),
			                                     cell(a, r, c_author)));
			continue;
		}
		applied[cs->index] = true;
		const char *sum = cell(a, r, c_sum);
		const char *colon_a = cs->md5sum ? strchr(cs->md5sum, ':') : NULL;
		const char *colon_b = strchr(sum, ':');
		size_t va = colon_a ? (size_t)(colon_a - cs->md5sum) : 0;
		size_t vb = colon_b ? (size_t)(colon_b - sum) : 0;
		if (!cs->md5sum || !*sum || !colon_a || !colon_b || va != vb ||
		    strncmp(cs->md5sum, sum, va) != 0) {
			not_compared++;
			continue;
		}
		if (mg_str_ieq(cs->md5sum, sum))
			continue;
		if (cs->run_on_change) {
			applied[cs->index] = false; /* runs again */
			continue;
		}
		mg_release_add_issue(&p->arena, a->rel, MG_REL_CHECKSUM_CHANGED, cs, cs->loc,
		                     mg_arena_printf(&p->arena,
		                                     "changeset %s::%s::%s was applied with %s; it now "
		                                     "has %s",
		                                     cs->filename ? cs->filename : "", cs->id, cs->author,
		                                     sum, cs->md5sum));
	}
	for (size_t i = 0; i < p->n_changesets; i++) {
		mg_changeset *cs = p->changesets[i];
		if (!mg_changeset_kind_is_flyway(cs->kind) && (!applied[i] || cs->run_always))
			cs->flags |= MG_CSF_IN_RELEASE;
	}
	if (not_compared)
		mg_release_add_issue(&p->arena, a->rel, MG_REL_NOT_COMPARED, NULL,
		                     (mg_loc){a->path, 1, 1},
		                     mg_arena_printf(&p->arena,
		                                     "%zu applied changeset%s not compared: migraph "
		                                     "cannot compute %s checksum%s",
		                                     not_compared, not_compared == 1 ? "" : "s",
		                                     not_compared == 1 ? "its" : "their",
		                                     not_compared == 1 ? "" : "s"));
}

void mg_release_applied(mg_project *project, mg_release *rel, const char *path)
{
	applied_ctx a = {project, rel, path, {0}};
	mg_file_data fd;
	if (mg_project_read_given(project, path, "--applied", "release-applied-unreadable", &fd) !=
	    0) {
		mg_release_add_issue(&project->arena, rel, MG_REL_BAD_INPUT, NULL, (mg_loc){path, 0, 0},
		                     "cannot read the --applied file");
		return;
	}
	int rc = mg_csv_parse(&project->arena, fd.data, fd.len, &a.csv);
	mg_file_data_free(&fd);
	if (rc != 0) {
		mg_diag_add(&project->diags, MG_SEV_HIGH, "release-applied-empty", (mg_loc){path, 1, 1},
		            "the --applied file has no header row");
		return;
	}
	if (mg_csv_column(&a.csv, "exectype") >= 0 || mg_csv_column(&a.csv, "md5sum") >= 0)
		liquibase(&a);
	else if (mg_csv_column(&a.csv, "version") >= 0 && mg_csv_column(&a.csv, "success") >= 0)
		flyway(&a);
	else
		mg_diag_add(&project->diags, MG_SEV_HIGH, "release-applied-format", (mg_loc){path, 1, 1},
		            "the --applied file is neither a flyway_schema_history export (version, "
		            "success, ...) nor a DATABASECHANGELOG export (ID, AUTHOR, FILENAME, "
		            "EXECTYPE, MD5SUM, ...)");
}
