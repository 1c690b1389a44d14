/*
 * liquibase.c: the Liquibase changelog interpreter's entry point and the
 * changelog-level elements (property, include, includeAll,
 * modifyChangeSets, changeSet dispatch).
 *
 * Both readers (XML, YAML/JSON) and the formatted-SQL reader produce the
 * generic tree of lb_node.h; this file walks it the way Liquibase's
 * DatabaseChangeLog does, in document order, depth first through includes.
 */
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "load/liquibase_int.h"

static const char *attr_or_child(const lb_node *n, const char *name)
{
	return lb_value(n, name);
}

static void property_file(lb_state *st, lb_file *f, const lb_node *prop,
                          const char *file, bool global)
{
	bool relative = lb_attr_bool(prop, "relativeToChangelogFile", false);
	const char *resource = NULL;
	bool outside = false;
	const char *path = lb_resolve(st, f, file, relative, &resource, false, &outside);
	mg_property *pairs;
	size_t n;
	mg_diag *dg;
	if (outside) {
		lb_refuse_outside(st, f, prop->loc, file);
		return;
	}
	if (path && !mg_load_inside(st->project, st->opts, path, prop->loc, &dg)) {
		if (dg)
			lb_set_chain(st, dg, f);
		return;
	}
	int rc = path ? lb_read_properties_file(&st->project->arena, path,
	                                        st->project->max_file_bytes, &pairs, &n)
	              : -1;
	if (rc == -2) {
		lb_set_chain(st, mg_diag_file_size(&st->project->diags, prop->loc, file,
		                                   st->project->max_file_bytes),
		             f);
		return;
	}
	if (!path && lb_too_long(st, f, prop->loc))
		return;
	if (rc != 0) {
		if (lb_attr_bool(prop, "errorIfMissing", true)) {
			dg = mg_diag_add(&st->project->diags, MG_SEV_MEDIUM, "lb-property-file-missing",
			                 prop->loc, "property file %s not found", file);
			lb_set_chain(st, dg, f);
		}
		return;
	}
	for (size_t i = 0; i < n; i++)
		lb_props_set(&st->project->arena, &st->props, pairs[i].name, pairs[i].value,
		             global ? NULL : f->path);
}

static void property(lb_state *st, lb_file *f, const lb_node *raw)
{
	lb_node *prop = lb_expand_node(st, f, raw, false);
	const char *ctx = lb_attr_get(prop, "contextFilter");
	if (!ctx)
		ctx = lb_attr_get(prop, "context");
	if (st->opts->contexts && *st->opts->contexts &&
	    !lb_expr_matches(ctx, st->opts->contexts, NULL))
		return;
	const char *labels = lb_attr_get(prop, "labels");
	if (labels && st->opts->labels && *st->opts->labels &&
	    !lb_expr_matches(st->opts->labels, labels, NULL))
		return;
	if (!lb_dbms_matches(lb_attr_get(prop, "dbms"), st->engine, true))
		return;
	bool global = lb_attr_bool(prop, "global", true);
	const char *file = lb_attr_get(prop, "file");
	if (file && *file) {
		property_file(st, f, prop, file, global);
		return;
	}
	const char *name = lb_attr_get(prop, "name");
	const char *value = attr_or_child(prop, "value");
	if (!name || !*name) {
		mg_diag *dg = mg_diag_add(&st->project->diags, MG_SEV_MEDIUM, "lb-property-invalid",
		                          prop->loc, "property without a name");
		lb_set_chain(st, dg, f);
		return;
	}
	lb_props_set(&st->project->arena, &st->props, name, value ? value : "",
	             global ? NULL : f->path);
}

static lb_quoting quoting_of(const char *v, lb_quoting dflt)
{
	if (!v)
		return dflt;
	if (mg_str_ieq(v, "QUOTE_ALL_OBJECTS"))
		return LB_QUOTE_ALL_OBJECTS;
	if (mg_str_ieq(v, "QUOTE_ONLY_RESERVED_WORDS"))
		return LB_QUOTE_ONLY_RESERVED_WORDS;
	return LB_QUOTE_LEGACY;
}

static void add_context(lb_state *st, lb_file *f, const char *ctx)
{
	if (!ctx || !*ctx)
		return;
	const char **v = mg_arena_alloc(&st->project->arena, (f->n_contexts + 1) * sizeof *v);
	memcpy(v, f->contexts, f->n_contexts * sizeof *v);
	v[f->n_contexts] = ctx;
	f->contexts = v;
	f->n_contexts++;
}

/* Root-level settings: XML attributes, or YAML list items {key: value}. */
static void root_setting(lb_state *st, lb_file *f, const char *name, const char *value,
                         mg_loc at)
{
	value = lb_props_expand(st->project, &st->props, f->path, value, at, NULL);
	if (strcmp(name, "logicalFilePath") == 0) {
		if (!f->logical && value && *value)
			f->logical = value;
	} else if (strcmp(name, "objectQuotingStrategy") == 0) {
		f->quoting = quoting_of(value, LB_QUOTE_LEGACY);
	} else if (strcmp(name, "context") == 0 || strcmp(name, "contextFilter") == 0) {
		add_context(st, f, value);
	}
}

static bool is_root_setting(const char *name)
{
	return strcmp(name, "logicalFilePath") == 0 ||
	       strcmp(name, "objectQuotingStrategy") == 0 ||
	       strcmp(name, "context") == 0 || strcmp(name, "contextFilter") == 0 ||
	       strcmp(name, "changeLogId") == 0;
}

static void children(lb_state *st, lb_file *f, const lb_node *parent, unsigned depth)
{
	mg_project *pr = st->project;
	for (size_t i = 0; i < parent->n_children; i++) {
		const lb_node *c = parent->children[i];
		const char *n = c->name;
		if (strcmp(n, "changeSet") == 0) {
			lb_changeset(st, f, c);
		} else if (strcmp(n, "include") == 0) {
			/* YAML may give a list of {file: ...} items under one include. */
			if (!lb_attr_get(c, "file") && c->n_children > 0) {
				lb_node merged = *c;
				merged.attrs = NULL;
				merged.n_attrs = merged.attrs_cap = 0;
				for (size_t j = 0; j < c->n_children; j++) {
					const lb_node *item = c->children[j];
					if (item->text)
						lb_node_add_attr(&pr->arena, &merged, item->name,
						                    item->text, item->loc);
					for (size_t k = 0; k < item->n_attrs; k++)
						lb_node_add_attr(&pr->arena, &merged, item->attrs[k].name,
						                    item->attrs[k].value, item->attrs[k].loc);
				}
				for (size_t k = 0; k < c->n_attrs; k++)
					lb_node_add_attr(&pr->arena, &merged, c->attrs[k].name,
					                    c->attrs[k].value, c->attrs[k].loc);
				lb_include(st, f, lb_expand_node(st, f, &merged, true));
			} else {
				lb_include(st, f, lb_expand_node(st, f, c, true));
			}
		} else if (strcmp(n, "includeAll") == 0) {
			lb_include_all(st, f, lb_expand_node(st, f, c, true));
		} else if (strcmp(n, "property") == 0) {
			property(st, f, c);
		} else if (strcmp(n, "modifyChangeSets") == 0) {
			if (depth < 8)
				children(st, f, c, depth + 1);
		} else if (strcmp(n, "preConditions") == 0 ||
		           strcmp(n, "removeChangeSetProperty") == 0 ||
		           strcmp(n, "comment") == 0) {
			/* Recorded by Liquibase, no effect on what is listed. */
		} else if (is_root_setting(n)) {
			root_setting(st, f, n, c->text ? c->text : lb_attr_get(c, n), c->loc);
		} else {
			mg_diag *dg = mg_diag_add(&pr->diags, MG_SEV_LOW, "lb-unknown-element",
			                          c->loc, "unknown changelog element <%s> ignored", n);
			lb_set_chain(st, dg, f);
		}
	}
}

void lb_interpret(lb_state *st, lb_file *f, const lb_node *root)
{
	if (strcmp(root->name, "databaseChangeLog") != 0) {
		mg_diag *dg = mg_diag_add(&st->project->diags, MG_SEV_HIGH, "lb-not-changelog",
		                          root->loc, "the root element is <%s>, not <databaseChangeLog>",
		                          root->name);
		lb_set_chain(st, dg, f);
		return;
	}
	for (size_t i = 0; i < root->n_attrs; i++)
		if (root->attrs[i].value)
			root_setting(st, f, root->attrs[i].name, root->attrs[i].value, root->attrs[i].loc);
	children(st, f, root, 0);
}

/* Liquibase's CLI reads liquibase.properties from the working directory;
 * a copy in a search path is honoured too.  parameter.NAME keys, and keys
 * that are not Liquibase settings, are changelog parameters. */
static bool is_liquibase_setting(const char *key)
{
	static const char *const known[] = {
		"changeLogFile", "changelogFile", "url", "username", "password", "driver",
		"classpath", "searchPath", "contexts", "labels", "labelFilter", "logLevel",
		"logFile", "outputFile", "defaultSchemaName", "defaultCatalogName",
		"referenceUrl", "referenceUsername", "referencePassword", "referenceDriver",
		"liquibaseProLicenseKey", "driverPropertiesFile", "databaseClass",
		"includeSystemClasspath", "promptForNonLocalDatabase", "strict", NULL};
	if (mg_str_starts_with(key, "liquibase.") || mg_str_starts_with(key, "hub."))
		return true;
	for (size_t i = 0; known[i]; i++)
		if (mg_str_ieq(key, known[i]))
			return true;
	return false;
}

/* liquibase.properties of the working directory or of a search path:
 * configuration of the invocation, read from the directory the command
 * line names, never through a link that leaves it. */
static void load_properties_file(lb_state *st, const char *dir)
{
	mg_arena *a = &st->project->arena;
	const char *path = mg_path_join(a, dir, "liquibase.properties");
	if (!mg_path_is_file(path))
		return;
	mg_path_scope own = {0};
	mg_scope_add_root(&own, a, mg_path_resolve(a, dir));
	const char *resolved;
	if (!st->opts->allow_outside && mg_scope_check(&own, a, path, &resolved) != MG_SCOPE_INSIDE) {
		mg_diag *dg = mg_diag_add(&st->project->diags, MG_SEV_HIGH, "input-path-outside",
		                          (mg_loc){path, 0, 0},
		                          "%s resolves to %s, outside its folder; not read", path,
		                          resolved ? resolved : "nothing");
		mg_diag_set_hint(&st->project->diags, dg, "pass --allow-outside to read it anyway");
		return;
	}
	mg_property *pairs;
	size_t n;
	int rc = lb_read_properties_file(a, path, st->project->max_file_bytes, &pairs, &n);
	if (rc == -2)
		mg_diag_file_size(&st->project->diags, (mg_loc){path, 0, 0}, path,
		                  st->project->max_file_bytes);
	if (rc != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *k = pairs[i].name;
		if (mg_str_starts_with(k, "parameter."))
			lb_props_set(&st->project->arena, &st->props, k + 10, pairs[i].value, NULL);
		else if (!is_liquibase_setting(k))
			lb_props_set(&st->project->arena, &st->props, k, pairs[i].value, NULL);
	}
}

static void builtin_properties(lb_state *st)
{
	mg_arena *a = &st->project->arena;
	bool pg = st->project->engine.kind == MG_ENGINE_POSTGRESQL;
	lb_props_set(a, &st->props, "database.typeName", st->engine, NULL);
	lb_props_set(a, &st->props, "database.databaseChangeLogTableName",
	             pg ? "databasechangelog" : "DATABASECHANGELOG", NULL);
	lb_props_set(a, &st->props, "database.databaseChangeLogLockTableName",
	             pg ? "databasechangeloglock" : "DATABASECHANGELOGLOCK", NULL);
	lb_props_set(a, &st->props, "database.lineComment", "--", NULL);
	lb_props_set(a, &st->props, "database.currentDateTimeFunction",
	             pg ? "NOW()" : "now()", NULL);
	if (pg) {
		const char *schema = mg_engine_default_schema(st->project->engine.kind);
		lb_props_set(a, &st->props, "database.defaultSchemaName", schema, NULL);
		lb_props_set(a, &st->props, "database.defaultSchemaNamePrefix",
		             mg_arena_printf(a, "%s.", schema), NULL);
	}
}

const char *mg_liquibase_find_root(mg_arena *arena, const char *path,
                                   const mg_load_options *opts, const char **resource)
{
	*resource = NULL;
	if (!path || !*path)
		return NULL;
	/* Liquibase looks a path up under the search path whether or not it
	 * starts with a slash. */
	while (*path == '/')
		path++;
	char *res = mg_path_normalize(arena, path);
	if (!strcmp(res, "..") || mg_str_starts_with(res, "../"))
		return NULL; /* it would leave the search path */
	size_t n = opts->n_search_paths ? opts->n_search_paths : 1;
	for (size_t i = 0; i < n; i++) {
		const char *sp = opts->n_search_paths ? opts->search_paths[i] : ".";
		char *cand = mg_path_normalize(arena, mg_path_join(arena, sp, res));
		if (mg_path_is_file(cand)) {
			*resource = res;
			return cand;
		}
	}
	return NULL;
}

int mg_liquibase_load(mg_project *project, const char *root_changelog,
                      mg_input_kind kind, const mg_load_options *opts)
{
	return mg_liquibase_load_as(project, root_changelog, NULL, kind, opts);
}

int mg_liquibase_load_as(mg_project *project, const char *root_changelog, const char *resource,
                         mg_input_kind kind, const mg_load_options *opts)
{
	mg_arena *a = &project->arena;
	lb_state st;
	memset(&st, 0, sizeof st);
	st.project = project;
	st.opts = opts;
	project->format = MG_FORMAT_LIQUIBASE;
	project->engine = opts->engine;
	st.engine = mg_engine_name(opts->engine.kind);
	mg_map_init(&st.seen, a);

	static const char *const dflt[] = {"."};
	const char *const *sp = opts->n_search_paths ? opts->search_paths : dflt;
	st.n_search_paths = opts->n_search_paths ? opts->n_search_paths : 1;
	st.search_paths = mg_arena_alloc(a, st.n_search_paths * sizeof *st.search_paths);
	for (size_t i = 0; i < st.n_search_paths; i++)
		st.search_paths[i] = mg_path_normalize(a, sp[i]);

	for (size_t i = 0; i < opts->n_properties; i++)
		lb_props_set(a, &st.props, opts->properties[i].name, opts->properties[i].value, NULL);
	load_properties_file(&st, ".");
	for (size_t i = 0; i < st.n_search_paths; i++)
		if (strcmp(st.search_paths[i], ".") != 0)
			load_properties_file(&st, st.search_paths[i]);
	builtin_properties(&st);

	lb_file *root = mg_arena_alloc(a, sizeof *root);
	root->path = mg_path_normalize(a, root_changelog);
	root->resource = resource ? resource : root->path;
	/* Given as a path of its own: its identity is relative to the search
	 * path it lies under, both compared from the working directory so
	 * that an absolute root meets a relative search path and back. */
	char cwd[PATH_MAX];
	bool have_cwd = getcwd(cwd, sizeof cwd) != NULL;
	const char *at = have_cwd ? mg_path_normalize(a, mg_path_join(a, cwd, root->path)) : root->path;
	for (size_t i = 0; !resource && i < st.n_search_paths; i++) {
		const char *dir = st.search_paths[i];
		if (have_cwd)
			dir = mg_path_normalize(a, mg_path_join(a, cwd, dir));
		const char *rel = mg_path_under(at, dir);
		if (rel && *rel) {
			root->resource = rel;
			break;
		}
	}
	if (!lb_kind_of(root->path, &root->kind)) {
		switch (kind) {
		case MG_INPUT_LIQUIBASE_YAML: root->kind = MG_CS_LIQUIBASE_YAML; break;
		case MG_INPUT_LIQUIBASE_JSON: root->kind = MG_CS_LIQUIBASE_JSON; break;
		case MG_INPUT_LIQUIBASE_SQL: root->kind = MG_CS_LIQUIBASE_SQL; break;
		default: root->kind = MG_CS_LIQUIBASE_XML; break;
		}
	}
	size_t before = project->n_changesets;
	lb_load_file(&st, root);
	mg_project_renumber(project);
	return project->n_changesets > before ? 0 : -1;
}
