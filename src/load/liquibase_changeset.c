/*
 * liquibase_changeset.c: one changeSet element -> one mg_changeset.
 *
 * Fills identity and attributes as Liquibase records them in
 * DATABASECHANGELOG, applies context/label/dbms filters (a filtered
 * changeset stays in the project, flagged, for list --all), evaluates
 * dbms preconditions, hands each change to the change-type mapper
 * (liquibase_changes*.c) after expanding properties, and computes the
 * checksum where that is exact.
 */
#include <string.h>

#include "load/liquibase_int.h"
#include "load/liquibase_modifysql.h"
#include "migraph/checksum.h"
#include "migraph/sql.h"

typedef struct resolve_data {
	lb_state *st;
	lb_file *f;
} resolve_data;

static lb_node *expand_rec(lb_state *st, const lb_file *f, const lb_node *node,
                              bool report, bool *reported)
{
	mg_arena *a = &st->project->arena;
	lb_node *n = mg_arena_alloc(a, sizeof *n);
	*n = *node;
	n->attrs = NULL;
	n->n_attrs = n->attrs_cap = 0;
	n->children = NULL;
	n->n_children = n->children_cap = 0;
	for (size_t i = 0; i < node->n_attrs; i++) {
		const lb_attr *at = &node->attrs[i];
		const char *unresolved = NULL;
		const char *v = lb_props_expand(st->project, &st->props, f->path, at->value, at->loc,
		                                &unresolved);
		if (unresolved && report && !*reported) {
			mg_diag *dg = mg_diag_add(&st->project->diags, MG_SEV_MEDIUM,
			                          "lb-undefined-property", at->loc,
			                          "${%s} in %s=\"%s\" is not defined; kept as written",
			                          unresolved, at->name, at->value);
			mg_diag_set_hint(&st->project->diags, dg,
			                 "define it with <property>, -D or liquibase.properties");
			lb_set_chain(st, dg, f);
			*reported = true;
		}
		lb_node_add_attr(a, n, at->name, v, at->loc);
	}
	if (node->text) {
		const char *t = lb_props_expand(st->project, &st->props, f->path, node->text,
		                                node->text_loc, NULL);
		if (t != node->text) {
			n->text = t;
			n->text_len = strlen(t);
			n->text_verbatim = false;
		}
	}
	for (size_t i = 0; i < node->n_children; i++)
		lb_node_add_child(a, n, expand_rec(st, f, node->children[i], report, reported));
	return n;
}

lb_node *lb_expand_node(lb_state *st, const lb_file *f, const lb_node *node,
                           bool report)
{
	bool reported = false;
	return expand_rec(st, f, node, report, &reported);
}

static bool is_meta(const char *name)
{
	static const char *const meta[] = {"validCheckSum", "preConditions", "comment",
	                                   "rollback", "modifySql", "changes", NULL};
	for (size_t i = 0; meta[i]; i++)
		if (strcmp(name, meta[i]) == 0)
			return true;
	return false;
}

/* The change elements of a changeSet, in order: XML children, or the items
 * of a YAML "changes" list.  Meta elements (comment, modifySql ...) found
 * among the YAML changes are not changes; *modify_sql says one was seen. */
static void push_change(mg_arena *a, const lb_node ***v, size_t *n, size_t *cap,
                        const lb_node *c)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		*v = mg_arena_grow(a, *v, sizeof **v, *n, ncap);
		*cap = ncap;
	}
	(*v)[(*n)++] = c;
}

static size_t collect_changes(mg_arena *a, const lb_node *cs, const lb_node ***out,
                              bool *modify_sql)
{
	size_t n = 0, cap = 0;
	const lb_node **v = NULL;
	for (size_t i = 0; i < cs->n_children; i++) {
		const lb_node *c = cs->children[i];
		if (strcmp(c->name, "modifySql") == 0)
			*modify_sql = true;
		if (strcmp(c->name, "changes") != 0) {
			if (!is_meta(c->name))
				push_change(a, &v, &n, &cap, c);
			continue;
		}
		for (size_t j = 0; j < c->n_children; j++) {
			const lb_node *item = c->children[j];
			if (strcmp(item->name, "modifySql") == 0)
				*modify_sql = true;
			if (strcmp(item->name, "changes") == 0) {
				/* A list item that is a mapping with several keys (often a
				 * YAML indentation slip, "- sql:" then "sql: ..."): each key
				 * is a change, the last duplicate winning, as snakeyaml
				 * reads it. */
				for (size_t k = 0; k < item->n_attrs; k++) {
					bool later = false;
					for (size_t m = k + 1; m < item->n_attrs; m++)
						if (strcmp(item->attrs[m].name, item->attrs[k].name) == 0)
							later = true;
					if (later || is_meta(item->attrs[k].name))
						continue;
					lb_node *syn = lb_node_new(a, item->attrs[k].name,
					                                 item->attrs[k].loc);
					if (item->attrs[k].value) {
						syn->text = item->attrs[k].value;
						syn->text_len = strlen(syn->text);
					}
					push_change(a, &v, &n, &cap, syn);
				}
				for (size_t k = 0; k < item->n_children; k++)
					if (!is_meta(item->children[k]->name))
						push_change(a, &v, &n, &cap, item->children[k]);
				continue;
			}
			if (!is_meta(item->name))
				push_change(a, &v, &n, &cap, item);
		}
	}
	*out = v;
	return n;
}

/* Liquibase's buildFullContext: inherited expressions and the changeset's
 * own, joined with AND, each parenthesised when it is not a single name. */
static const char *full_expression(mg_arena *a, const char *const *inherited, size_t n,
                                   const char *own)
{
	mg_buf b = MG_BUF_INIT;
	size_t parts = 0;
	for (size_t i = 0; i <= n; i++) {
		const char *e = i < n ? inherited[i] : own;
		if (!e)
			continue;
		while (*e == ' ')
			e++;
		if (!*e)
			continue;
		bool complex = strchr(e, ',') || strchr(e, ' ');
		if (parts++)
			mg_buf_puts(&b, " AND ");
		if (complex && n > 0)
			mg_buf_putc(&b, '(');
		mg_buf_puts(&b, e);
		if (complex && n > 0)
			mg_buf_putc(&b, ')');
	}
	const char *r = parts ? mg_arena_strdup(a, mg_buf_cstr(&b)) : NULL;
	mg_buf_dispose(&b);
	return r;
}

typedef enum tri { TRI_FALSE, TRI_TRUE, TRI_UNKNOWN } tri;

static bool is_pc_option(const char *name)
{
	return strcmp(name, "onFail") == 0 || strcmp(name, "onError") == 0 ||
	       strcmp(name, "onFailMessage") == 0 || strcmp(name, "onErrorMessage") == 0 ||
	       strcmp(name, "onSqlOutput") == 0;
}

static tri eval_pc(const lb_state *st, const lb_node *n, unsigned depth);

static tri eval_all(const lb_state *st, const lb_node *n, unsigned depth)
{
	tri r = TRI_TRUE;
	for (size_t i = 0; i < n->n_children; i++) {
		if (is_pc_option(n->children[i]->name))
			continue;
		tri c = eval_pc(st, n->children[i], depth + 1);
		if (c == TRI_FALSE)
			return TRI_FALSE;
		if (c == TRI_UNKNOWN)
			r = TRI_UNKNOWN;
	}
	return r;
}

static tri eval_pc(const lb_state *st, const lb_node *n, unsigned depth)
{
	if (depth > 100)
		return TRI_UNKNOWN;
	if (strcmp(n->name, "dbms") == 0) {
		const char *type = lb_value(n, "type");
		if (!type)
			return TRI_UNKNOWN;
		return lb_dbms_matches(type, st->engine, true) ? TRI_TRUE : TRI_FALSE;
	}
	if (strcmp(n->name, "and") == 0)
		return eval_all(st, n, depth);
	if (strcmp(n->name, "not") == 0) {
		tri r = eval_all(st, n, depth);
		return r == TRI_UNKNOWN ? r : (r == TRI_TRUE ? TRI_FALSE : TRI_TRUE);
	}
	if (strcmp(n->name, "or") == 0) {
		tri r = TRI_FALSE;
		for (size_t i = 0; i < n->n_children; i++) {
			tri c = eval_pc(st, n->children[i], depth + 1);
			if (c == TRI_TRUE)
				return TRI_TRUE;
			if (c == TRI_UNKNOWN)
				r = TRI_UNKNOWN;
		}
		return r;
	}
	return TRI_UNKNOWN;
}

static const char *expand_cb(lb_change_ctx *ctx, const char *text, mg_loc at)
{
	resolve_data *rd = ctx->resolve_data;
	return lb_props_expand(rd->st->project, &rd->st->props, rd->f->path, text, at, NULL);
}

static const char *resolve_cb(lb_change_ctx *ctx, const char *path, bool relative,
                              mg_loc where)
{
	resolve_data *rd = ctx->resolve_data;
	const char *resource = NULL;
	bool outside = false;
	const char *p = lb_resolve(rd->st, rd->f, path, relative, &resource, false, &outside);
	if (outside) {
		lb_refuse_outside(rd->st, rd->f, where, path);
	} else if (!p && lb_too_long(rd->st, rd->f, where)) {
		return NULL;
	} else if (!p) {
		mg_diag *dg = mg_diag_add(&rd->st->project->diags, MG_SEV_HIGH, "lb-file-missing",
		                          where, "file %s not found", path);
		lb_set_chain(rd->st, dg, rd->f);
	}
	return p;
}

/* The SQL text of a SQL-bearing change for the checksum, or NULL when the
 * change is of another type (*computable = false) or unreadable.  A
 * sqlFile the change itself read (cctx) is not read again. */
static const char *change_sql(lb_state *st, lb_file *f, const lb_node *ch,
                              const lb_change_ctx *cctx, bool *computable)
{
	mg_arena *a = &st->project->arena;
	*computable = true;
	if (strcmp(ch->name, "sql") == 0) {
		/* XML text, YAML "sql: ..." key, or a YAML list item {sql: ...}. */
		const char *t = lb_value(ch, "sql");
		if (!t)
			t = ch->text;
		return t ? t : "";
	}
	/* createProcedure mixes a serialised checksum into its own (checked
	 * against Liquibase's recorded values), so only sqlFile is exact. */
	if (strcmp(ch->name, "sqlFile") == 0) {
		const char *path = lb_attr_get(ch, "path");
		if (!path || !*path) {
			*computable = false;
			return NULL;
		}
		if (cctx->sql_file_node == ch)
			return cctx->sql_file_text;
		const char *resource;
		bool outside;
		const char *p = lb_resolve(st, f, path, lb_attr_bool(ch, "relativeToChangelogFile", false),
		                           &resource, false, &outside);
		mg_file_data fd;
		/* Read for the checksum only; the change itself said what is wrong. */
		const char *inside = p;
		if (p && st->opts->scope &&
		    mg_scope_check(st->opts->scope, a, p, &inside) != MG_SCOPE_INSIDE)
			inside = NULL;
		if (!inside || mg_file_read(inside, st->project->max_file_bytes, &fd) != 0) {
			*computable = false;
			return NULL;
		}
		const char *t = mg_arena_strndup(a, fd.data, fd.len);
		mg_file_data_free(&fd);
		return lb_props_expand(st->project, &st->props, f->path, t, ch->loc, NULL);
	}
	*computable = false;
	return NULL;
}

static void move_statements(lb_state *st, mg_changeset *cs, mg_changeset *scratch)
{
	for (size_t i = 0; i < scratch->n_stmts; i++)
		mg_arena_push(&st->project->arena, (void ***)&cs->rollback, &cs->n_rollback,
		              &cs->rollback_cap, scratch->stmts[i]);
	scratch->n_stmts = 0;
}

static void parse_sql_text(lb_state *st, lb_file *f, mg_changeset *target,
                           const lb_node *n, const char *text)
{
	mg_anchor *anchor = mg_arena_alloc(&st->project->arena, sizeof *anchor);
	anchor->offset = 0;
	anchor->line = n->text_loc.line ? n->text_loc.line : n->loc.line;
	anchor->col = n->text_loc.col ? n->text_loc.col : 1;
	mg_text t = {f->path, text, strlen(text), anchor, 1};
	mg_sql_options so;
	mg_sql_options_init(&so, st->project->engine);
	so.max_statement_bytes = st->opts->limits.max_statement_bytes;
	so.max_depth = st->opts->limits.max_sql_depth;
	so.max_nesting = st->opts->limits.max_nesting_depth;
	so.split_statements = lb_attr_bool(n, "splitStatements", true);
	so.end_delimiter = lb_attr_get(n, "endDelimiter");
	mg_sql_parse_script(st->project, target, &t, &so);
}

static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (!strchr(" \t\r\n", *s))
			return false;
	return true;
}

static void rollback(lb_state *st, lb_file *f, mg_changeset *cs, const lb_node *rb,
                     lb_change_ctx *proto)
{
	mg_project *pr = st->project;
	cs->has_rollback = true;
	const char *ref_id = lb_attr_get(rb, "changeSetId");
	if (ref_id) {
		const char *ref_author = lb_attr_get(rb, "changeSetAuthor");
		const char *ref_path = lb_attr_get(rb, "changeSetPath");
		const char *want_path = ref_path ? ref_path : cs->filename;
		for (size_t i = pr->n_changesets; i-- > 0;) {
			mg_changeset *o = pr->changesets[i];
			if (o == cs || !mg_str_eq(o->id, ref_id) ||
			    (ref_author && !mg_str_eq(o->author, ref_author)) ||
			    !mg_str_eq(o->filename, want_path))
				continue;
			for (size_t j = 0; j < o->n_stmts; j++)
				mg_arena_push(&pr->arena, (void ***)&cs->rollback, &cs->n_rollback,
				              &cs->rollback_cap, o->stmts[j]);
			return;
		}
		mg_diag *dg = mg_diag_add(&pr->diags, MG_SEV_MEDIUM, "lb-rollback-reference",
		                          rb->loc, "rollback refers to changeset %s::%s, not found before it",
		                          ref_id, ref_author ? ref_author : "?");
		lb_set_chain(st, dg, f);
		return;
	}
	mg_changeset scratch;
	memset(&scratch, 0, sizeof scratch);
	scratch.kind = cs->kind;
	scratch.id = cs->id;
	scratch.author = cs->author;
	scratch.filename = cs->filename;
	const char *text = lb_attr_get(rb, "sql");
	if (!text)
		text = rb->text;
	if (text && !blank(text))
		parse_sql_text(st, f, &scratch, rb, text);
	lb_change_ctx ctx = *proto;
	ctx.cs = &scratch;
	for (size_t i = 0; i < rb->n_children; i++) {
		const lb_node *c = rb->children[i];
		if (strcmp(c->name, "changes") == 0) {
			for (size_t j = 0; j < c->n_children; j++)
				lb_change_to_ops(&ctx, c->children[j]);
		} else if (strcmp(c->name, "comment") != 0) {
			lb_change_to_ops(&ctx, c);
		}
	}
	move_statements(st, cs, &scratch);
}

static void check_duplicate(lb_state *st, lb_file *f, mg_changeset *cs)
{
	mg_arena *a = &st->project->arena;
	const char *key = mg_arena_printf(a, "%s::%s::%s", cs->id, cs->author, cs->filename);
	mg_loc *prev = mg_map_get(&st->seen, key);
	if (prev) {
		mg_diag *dg = mg_diag_add(&st->project->diags, MG_SEV_HIGH, "lb-duplicate-changeset",
		                          cs->loc,
		                          "changeset %s::%s::%s is defined twice: %s:%u and %s:%u",
		                          cs->filename, cs->id, cs->author, prev->file, prev->line,
		                          cs->loc.file, cs->loc.line);
		lb_set_chain(st, dg, f);
		return;
	}
	mg_loc *l = mg_arena_alloc(a, sizeof *l);
	*l = cs->loc;
	mg_map_put(&st->seen, key, l);
}

static void filter(lb_state *st, lb_file *f, mg_changeset *cs, const lb_node *n)
{
	mg_arena *a = &st->project->arena;
	const mg_load_options *o = st->opts;
	const char *reason = NULL;
	if (f->ignored || lb_attr_bool(n, "ignore", false)) {
		cs->flags |= MG_CSF_IGNORED;
		reason = f->ignored ? "its include has ignore=\"true\"" : "ignore=\"true\"";
	} else if (!lb_dbms_matches(lb_attr_get(n, "dbms"), st->engine, true)) {
		reason = mg_arena_printf(a, "dbms \"%s\" excludes %s", lb_attr_get(n, "dbms"),
		                         st->engine);
	} else if (o->contexts && *o->contexts) {
		const char *own = lb_attr_get(n, "contextFilter");
		if (!own)
			own = lb_attr_get(n, "context");
		bool ok = lb_expr_matches(own, o->contexts, NULL);
		for (size_t i = 0; ok && i < f->n_contexts; i++)
			ok = lb_expr_matches(f->contexts[i], o->contexts, NULL);
		if (!ok)
			reason = mg_arena_printf(a, "contexts \"%s\" do not match --contexts %s",
			                         cs->contexts ? cs->contexts : "", o->contexts);
	}
	if (!reason && o->labels && *o->labels) {
		/* Changesets without labels always run, as in Liquibase. */
		const char *own = lb_attr_get(n, "labels");
		bool ok = !own || !*own || lb_expr_matches(o->labels, own, NULL);
		for (size_t i = 0; ok && i < f->n_labels; i++)
			ok = lb_expr_matches(o->labels, f->labels[i], NULL);
		if (!ok)
			reason = mg_arena_printf(a, "labels \"%s\" do not match --labels %s",
			                         cs->labels ? cs->labels : "", o->labels);
	}
	if (reason) {
		cs->flags |= MG_CSF_FILTERED;
		cs->filter_reason = reason;
	}
}

static void preconditions(lb_state *st, mg_changeset *cs, const lb_node *pc)
{
	if (!pc || (cs->flags & MG_CSF_FILTERED))
		return;
	if (eval_all(st, pc, 0) != TRI_FALSE)
		return;
	const char *on_fail = lb_value(pc, "onFail");
	cs->flags |= MG_CSF_NOT_APPLICABLE;
	cs->filter_reason = mg_arena_printf(&st->project->arena,
	                                    "a dbms precondition excludes %s (onFail=%s)",
	                                    st->engine, on_fail ? on_fail : "HALT");
}

void lb_changeset(lb_state *st, lb_file *f, const lb_node *raw)
{
	mg_project *pr = st->project;
	mg_arena *a = &pr->arena;
	lb_node *n = lb_expand_node(st, f, raw, true);
	const char *id = lb_attr_get(n, "id");
	const char *author = lb_attr_get(n, "author");
	if (!id || !*id) {
		mg_diag *dg = mg_diag_add(&pr->diags, MG_SEV_HIGH, "lb-changeset-no-id", n->loc,
		                          "changeSet without an id; Liquibase rejects it, migraph skips it");
		lb_set_chain(st, dg, f);
		return;
	}
	if (!author) {
		mg_diag *dg = mg_diag_add(&pr->diags, MG_SEV_MEDIUM, "lb-changeset-no-author", n->loc,
		                          "changeSet %s has no author", id);
		lb_set_chain(st, dg, f);
		author = "";
	}
	mg_changeset *cs = mg_project_add_changeset(pr, f->kind);
	cs->loc = n->loc;
	cs->id = id;
	cs->author = author;
	const char *logical = lb_attr_get(n, "logicalFilePath");
	cs->filename = logical && *logical ? logical : (f->logical ? f->logical : f->resource);
	const char *ctx = lb_attr_get(n, "contextFilter");
	if (!ctx)
		ctx = lb_attr_get(n, "context");
	cs->contexts = full_expression(a, f->contexts, f->n_contexts, ctx);
	cs->labels = full_expression(a, f->labels, f->n_labels, lb_attr_get(n, "labels"));
	cs->dbms = lb_dbms_normalise(a, lb_attr_get(n, "dbms"));
	cs->run_in_transaction = lb_attr_bool(n, "runInTransaction", true);
	cs->run_on_change = lb_attr_bool(n, "runOnChange", false);
	cs->run_always = lb_attr_bool(n, "runAlways", lb_attr_bool(n, "alwaysRun", false));
	cs->fail_on_error = lb_attr_bool(n, "failOnError", true);

	filter(st, f, cs, n);
	if (!(cs->flags & MG_CSF_FILTERED))
		check_duplicate(st, f, cs);
	cs->has_preconditions = lb_child(n, "preConditions") != NULL;
	preconditions(st, cs, lb_child(n, "preConditions"));

	const lb_node **changes;
	bool modify_sql = false;
	size_t n_changes = collect_changes(a, n, &changes, &modify_sql);
	cs->change_types = mg_arena_alloc(a, (n_changes ? n_changes : 1) * sizeof *cs->change_types);
	resolve_data rd = {st, f};
	lb_change_ctx cctx;
	memset(&cctx, 0, sizeof cctx);
	cctx.project = pr;
	cctx.opts = st->opts;
	cctx.cs = cs;
	cctx.changelog_path = f->path;
	cctx.changelog_dir = mg_path_dirname(a, f->path);
	cctx.quoting = lb_attr_get(n, "objectQuotingStrategy")
	                   ? (mg_str_ieq(lb_attr_get(n, "objectQuotingStrategy"), "QUOTE_ALL_OBJECTS")
	                          ? LB_QUOTE_ALL_OBJECTS
	                          : mg_str_ieq(lb_attr_get(n, "objectQuotingStrategy"),
	                                       "QUOTE_ONLY_RESERVED_WORDS")
	                                ? LB_QUOTE_ONLY_RESERVED_WORDS
	                                : LB_QUOTE_LEGACY)
	                   : f->quoting;
	cctx.resolve = resolve_cb;
	cctx.resolve_data = &rd;
	cctx.expand = expand_cb;

	bool analyse = !(cs->flags & (MG_CSF_FILTERED | MG_CSF_NOT_APPLICABLE));
	/* modifySql visitors add their own (serialised) checksums. */
	bool computable = !modify_sql;
	bool auto_rb = n_changes > 0;
	mg_buf sum = MG_BUF_INIT;
	for (size_t i = 0; i < n_changes; i++) {
		const lb_node *ch = changes[i];
		cs->change_types[cs->n_change_types++] = ch->name;
		if (!strcmp(ch->name, "tagDatabase"))
			cs->tag = lb_attr_get(ch, "tag");
		if (!lb_change_has_auto_rollback(ch))
			auto_rb = false;
		if (!lb_dbms_matches(lb_attr_get(ch, "dbms"), st->engine, true))
			continue; /* Liquibase skips it, and v9 leaves it out of the checksum */
		if (analyse)
			lb_change_to_ops(&cctx, ch);
		if (computable) {
			bool ok;
			const char *sql = change_sql(st, f, ch, &cctx, &ok);
			if (!ok || !sql) {
				computable = false;
			} else {
				char hex[33];
				lb_sql_checksum(sql, strlen(sql), hex);
				mg_buf_printf(&sum, "9:%s:", hex);
			}
		}
	}
	if (computable) {
		char hex[33];
		mg_md5_hex(sum.data ? sum.data : "", sum.len, hex);
		cs->md5sum = mg_arena_printf(a, "9:%s", hex);
	}
	mg_buf_dispose(&sum);
	cs->auto_rollback = auto_rb;

	for (size_t i = 0; i < n->n_children; i++)
		if (strcmp(n->children[i]->name, "rollback") == 0)
			rollback(st, f, cs, n->children[i], &cctx);
	if (!cs->has_rollback && lb_attr_find(n, "rollback")) {
		/* YAML "rollback: <sql>" or "rollback:" (empty). */
		const lb_attr *at = lb_attr_find(n, "rollback");
		cs->has_rollback = true;
		if (at->value && !blank(at->value)) {
			mg_changeset scratch;
			memset(&scratch, 0, sizeof scratch);
			lb_node tmp = *n;
			tmp.text_loc = at->loc;
			parse_sql_text(st, f, &scratch, &tmp, at->value);
			move_statements(st, cs, &scratch);
		}
	}

	/* modifySql rewrites the SQL Liquibase generates for the changes (and,
	 * with applyToRollback, the rollback): liquibase_modifysql.c carries
	 * that into the operations now that both are mapped. */
	if (modify_sql && analyse)
		lb_modify_sql(st, f, cs, n);
}
