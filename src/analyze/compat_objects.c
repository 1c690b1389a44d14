/*
 * compat_objects.c: sequences, functions, procedures, types and domains
 * the running application version may use (compat-rename-object,
 * compat-drop-object).  A rename or drop of one that existed before the
 * release breaks the previous version during a rolling, blue-green or
 * canary deploy; one created in the release is the release's own.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "analyze/compat_int.h"
#include "migraph/catalog.h"
#include "migraph/graph.h"
#include "migraph/release.h"

/* What the release scan knows of one object: the changeset that created
 * it and, for a function, the statement that did. */
typedef struct obj_seen {
	size_t cs;
	const mg_statement *stmt;
} obj_seen;

/* Sequences, types (domains share their namespace) and functions
 * (procedures with them; overloads are one name). */
static const char *obj_class(const mg_operation *op)
{
	switch (op->kind) {
	case MG_OP_CREATE_SEQUENCE:
	case MG_OP_DROP_SEQUENCE:
	case MG_OP_RENAME_SEQUENCE:
		return "sequence";
	case MG_OP_CREATE_TYPE:
	case MG_OP_CREATE_DOMAIN:
	case MG_OP_DROP_TYPE:
	case MG_OP_DROP_DOMAIN:
	case MG_OP_RENAME_TYPE:
		return "type";
	case MG_OP_CREATE_FUNCTION:
	case MG_OP_DROP_FUNCTION:
		return "function";
	case MG_OP_ALTER_FUNCTION:
		return op->new_name && op->detail && !strcmp(op->detail, "rename") ? "function" : NULL;
	default:
		return NULL;
	}
}

static bool obj_creates(const mg_operation *op)
{
	return op->kind == MG_OP_CREATE_SEQUENCE || op->kind == MG_OP_CREATE_TYPE ||
	       op->kind == MG_OP_CREATE_DOMAIN || op->kind == MG_OP_CREATE_FUNCTION;
}

static bool obj_drops(const mg_operation *op)
{
	return op->kind == MG_OP_DROP_SEQUENCE || op->kind == MG_OP_DROP_TYPE ||
	       op->kind == MG_OP_DROP_DOMAIN || op->kind == MG_OP_DROP_FUNCTION;
}

static const char *obj_key(mg_arena *ar, const char *cls, const char *schema, const char *name)
{
	return mg_str_lower(ar, mg_arena_printf(ar, "%s:%s.%s", cls, schema ? schema : "",
	                                        name ? name : ""));
}

/* Does the baseline (--schema) or what ran before the release hold it? */
static bool known_before(const mg_analysis *a, const char *cls, const mg_object *o)
{
	const mg_catalog *c = a->graph ? a->graph->before_release : NULL;
	if (!c)
		return false;
	if (!strcmp(cls, "function"))
		return mg_catalog_has_function(c, o->schema, o->name);
	if (!strcmp(cls, "type"))
		return mg_catalog_has_type(c, o->schema, o->name);
	return mg_catalog_relation(c, o->schema, o->name) != NULL;
}

static bool creates_same_name(const mg_operation *o, const mg_operation *op)
{
	return obj_creates(o) && !strcmp(obj_class(o), obj_class(op)) &&
	       mg_str_ieq(o->object.name, op->object.name) &&
	       mg_str_ieq(o->object.schema, op->object.schema);
}

/* Is an object of the same class and name created after op, in the same
 * changeset?  After a DROP in one transaction it is the same name again.
 * After a RENAME only a function keeps the old name working (a wrapper):
 * a domain under a renamed enum's old name does not compare with the
 * enum's columns ("operator does not exist"), and a sequence made again
 * starts over, handing out values the table already holds. */
static bool made_again(const mg_changeset *cs, const mg_operation *op, const char *cls,
                       bool rename)
{
	if (!strcmp(cls, "sequence") || (rename && strcmp(cls, "function") != 0) ||
	    (!rename && !cs->run_in_transaction))
		return false;
	return an_compat_later_in_changeset(cs, op, creates_same_name);
}

/* The CREATE FUNCTION text with its name changed to neu, or NULL when the
 * name cannot be found after FUNCTION / PROCEDURE. */
static const char *renamed_definition(mg_arena *ar, const mg_statement *st, const char *old,
                                      const char *neu)
{
	if (!st || !st->sql)
		return NULL;
	const char *kw = an_compat_find_word(st->sql, st->sql_len, "function");
	if (!kw)
		kw = an_compat_find_word(st->sql, st->sql_len, "procedure");
	if (!kw)
		return NULL;
	size_t rest = st->sql_len - (size_t)(kw - st->sql);
	const char *at = an_compat_find_word(kw, rest, old);
	if (!at || at - kw > 200)
		return NULL;
	size_t pre = (size_t)(at - st->sql), ol = strlen(old);
	return mg_arena_printf(ar, "%.*s%s%.*s", (int)pre, st->sql, neu,
	                       (int)(st->sql_len - pre - ol), at + ol);
}

static void rename_object_text(mg_analysis *a, mg_finding *f, const char *cls,
                               const mg_operation *op, const obj_seen *seen)
{
	mg_arena *ar = &a->project->arena;
	const char *s = op->object.schema, *o = op->object.name, *n = op->new_name;
	const char *dep = mg_deploy_name(a->opts.deploy);
	if (!strcmp(cls, "sequence")) {
		f->message = mg_arena_printf(
			ar, "sequence %s.%s is renamed to %s: the previous application version (%s deploy) "
			    "still calls nextval('%s') and fails (\"relation does not exist\") until every "
			    "instance runs the new version (column defaults follow the rename, the "
			    "application's own calls do not)",
			s, o, n, dep, o);
		f->safe_alternative = mg_arena_printf(
			ar, "-- this release: add the new name next to the old one; the previous version "
			    "keeps drawing from %s.%s,\n-- the new one from %s.%s, which starts past what the "
			    "old one can hand out during the deploy\nCREATE SEQUENCE %s.%s;\nSELECT "
			    "setval('%s.%s', (SELECT last_value FROM %s.%s) + 1000000);\n-- a later release, "
			    "once no deployed version calls nextval('%s') (move column defaults first):\n-- "
			    "DROP SEQUENCE %s.%s;",
			s, o, s, n, s, n, s, n, s, o, o, s, o);
		return;
	}
	if (!strcmp(cls, "type")) {
		f->message = mg_arena_printf(
			ar, "%s %s.%s is renamed to %s: the previous application version (%s deploy) still "
			    "casts to it or declares it (::%s) and fails (\"type does not exist\")",
			mg_object_kind_name(op->object.kind), s, o, n, dep, o);
		/* No alias works for every use: a domain under the old name casts,
		 * but does not compare with the columns of the renamed type. */
		f->safe_alternative = mg_arena_printf(
			ar, "-- this release: keep the name %s.%s; move the application off it (casts, "
			    "declarations)\n-- a later release, once no deployed version names it:\n-- ALTER "
			    "%s %s.%s RENAME TO %s;",
			s, o, op->object.kind == MG_OBJ_DOMAIN ? "DOMAIN" : "TYPE", s, o, n);
		return;
	}
	f->message = mg_arena_printf(
		ar, "%s %s.%s is renamed to %s: the previous application version (%s deploy) still calls "
		    "%s(...) and fails (\"function does not exist\")",
		mg_object_kind_name(op->object.kind), s, o, n, dep, o);
	const char *def = renamed_definition(ar, seen ? seen->stmt : NULL, o, n);
	f->safe_alternative =
		def ? mg_arena_printf(ar, "-- this release: keep %s.%s and add the new name with the same "
		                          "definition\n%s;\n-- a later release, once no deployed version "
		                          "calls %s:\n-- DROP %s %s.%s;",
		                      s, o, def, o,
		                      op->object.kind == MG_OBJ_PROCEDURE ? "PROCEDURE" : "FUNCTION", s, o)
		    : mg_arena_printf(ar, "-- this release: keep %s.%s; add the new name as a wrapper\n"
		                          "CREATE FUNCTION %s.%s(<arguments>) RETURNS <type> LANGUAGE sql "
		                          "AS $$ SELECT %s.%s(<arguments>) $$;\n-- a later release, once no "
		                          "deployed version calls %s:\n-- DROP FUNCTION %s.%s(<arguments>);",
		                      s, o, s, n, s, o, o, s, o);
}

static void drop_object_text(mg_analysis *a, mg_finding *f, const char *cls,
                             const mg_operation *op)
{
	mg_arena *ar = &a->project->arena;
	const char *s = op->object.schema, *o = op->object.name;
	const char *dep = mg_deploy_name(a->opts.deploy);
	const char *kind = mg_object_kind_name(op->object.kind);
	const char *use = !strcmp(cls, "sequence") ? mg_arena_printf(ar, "calls nextval('%s')", o)
	                  : !strcmp(cls, "type")   ? mg_arena_printf(ar, "casts to %s or declares it", o)
	                                           : mg_arena_printf(ar, "calls %s(...)", o);
	f->message = mg_arena_printf(ar, "%s %s.%s is dropped while the previous application version "
	                                 "(%s deploy) may still use it: when it %s, it fails",
	                             kind, s, o, dep, use);
	const char *kw = op->object.kind == MG_OBJ_PROCEDURE ? "PROCEDURE"
	                 : op->object.kind == MG_OBJ_FUNCTION ? "FUNCTION"
	                 : op->object.kind == MG_OBJ_DOMAIN   ? "DOMAIN"
	                 : op->object.kind == MG_OBJ_SEQUENCE ? "SEQUENCE"
	                                                      : "TYPE";
	f->safe_alternative = mg_arena_printf(ar, "-- release N: stop using %s.%s in the application\n"
	                                          "-- release N+1, in a later migration:\n-- DROP %s "
	                                          "%s.%s%s;",
	                                      s, o, kw, s, o, !strcmp(cls, "function") ? "(...)" : "");
}

/* Was the function made with RETURNS trigger (or event_trigger)?  Only
 * triggers run it, never the application; a trigger still using it makes
 * PostgreSQL refuse the drop, which compat-drop-still-used reports. */
static bool trigger_function(const obj_seen *e)
{
	if (!e || !e->stmt || !e->stmt->sql)
		return false;
	const mg_statement *st = e->stmt;
	const char *r = an_compat_find_word(st->sql, st->sql_len, "returns");
	if (!r)
		return false;
	r += strlen("returns");
	while (r < st->sql + st->sql_len && (*r == ' ' || *r == '\n' || *r == '\t' || *r == '\r'))
		r++;
	size_t rest = st->sql_len - (size_t)(r - st->sql);
	return (rest >= 7 && strncasecmp(r, "trigger", 7) == 0 && (rest == 7 || !an_compat_ident_char(r[7]))) ||
	       (rest >= 13 && strncasecmp(r, "event_trigger", 13) == 0);
}

/* Walks every operation in order, keeping which sequences, types and
 * functions exist and where they were made, and reports the renames
 * (rename = true) or drops of those the running version may use: made
 * before the release, or unknown to migraph but proved to exist by the
 * statement itself (no IF EXISTS). */
static void objects_breaking(mg_analysis *a, const mg_rule *rule, bool rename)
{
	if (!a->graph || a->opts.deploy == MG_DEPLOY_SINGLE)
		return;
	mg_arena *ar = &a->project->arena;
	mg_map seen;
	mg_map_init(&seen, ar);
	for (size_t c = 0; c < a->project->n_changesets; c++) {
		const mg_changeset *cs = a->project->changesets[c];
		if (cs->flags & (MG_CSF_FILTERED | MG_CSF_NOT_APPLICABLE | MG_CSF_IGNORED))
			continue;
		for (size_t i = 0; i < cs->n_stmts; i++)
			for (size_t j = 0; j < cs->stmts[i]->n_ops; j++) {
				const mg_operation *op = cs->stmts[i]->ops[j];
				const char *cls = obj_class(op);
				if (!cls)
					continue;
				const char *key = obj_key(ar, cls, op->object.schema, op->object.name);
				obj_seen *e = mg_map_get(&seen, key);
				if (obj_creates(op)) {
					obj_seen *n = mg_arena_alloc(ar, sizeof *n);
					n->cs = c;
					n->stmt = cs->stmts[i];
					mg_map_put(&seen, key, n);
					continue;
				}
				bool is_rename = !obj_drops(op);
				bool live = e ? !an_compat_same_release(a, e->cs, c)
				              : !(op->flags & MG_OPF_IF_EXISTS) || known_before(a, cls, &op->object);
				if (is_rename && op->new_name) {
					obj_seen *moved = e;
					if (!moved) {
						moved = mg_arena_alloc(ar, sizeof *moved);
						moved->cs = SIZE_MAX; /* made before anything migraph saw */
					}
					mg_map_put(&seen, obj_key(ar, cls, op->object.schema, op->new_name), moved);
				}
				mg_map_put(&seen, key, NULL);
				if (e && e->cs == SIZE_MAX)
					live = true;
				if (!live || is_rename != rename || !an_compat_in_release(a, c) ||
				    made_again(cs, op, cls, is_rename) || trigger_function(e))
					continue;
				mg_loc loc = op->loc.file && op->loc.line ? op->loc : cs->stmts[i]->loc;
				mg_finding *f = mg_analysis_add_finding(a, rule, rule->default_severity, loc,
				                                        a->project->changesets[c]);
				f->object = op->object;
				if (rename)
					rename_object_text(a, f, cls, op, e);
				else
					drop_object_text(a, f, cls, op);
			}
	}
}

void an_compat_rename_object(mg_analysis *a, const mg_rule *rule)
{
	objects_breaking(a, rule, true);
}

void an_compat_drop_object(mg_analysis *a, const mg_rule *rule)
{
	objects_breaking(a, rule, false);
}

