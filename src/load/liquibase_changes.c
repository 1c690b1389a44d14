/*
 * liquibase_changes.c: Liquibase change types -> operations (dispatch and
 * the helpers every change type uses).
 *
 * Each built-in change type of Liquibase (formats.md B12) has a handler
 * in one of the liquibase_changes_*.c files.  A handler produces the
 * operations that the SQL Liquibase generates for PostgreSQL would give
 * through the SQL front end: same kinds, same objects, same flags.  SQL
 * bodies (sql, sqlFile, createView, createProcedure) go through the front
 * end itself.
 */
#include <string.h>

#include "load/liquibase_changes_int.h"
#include "load/liquibase_int.h"
#include "migraph/sql.h"

typedef struct change_type {
	const char *name;
	lbc_handler fn;
	bool auto_rollback;   /* formats.md B12, "auto rollback" */
} change_type;

static const change_type change_types[] = {
	{"addAutoIncrement", lbc_add_auto_increment, false},
	{"addColumn", lbc_add_column, true},
	{"addDefaultValue", lbc_add_default, true},
	{"addForeignKeyConstraint", lbc_add_foreign_key, true},
	{"addLookupTable", lbc_add_lookup_table, true},
	{"addNotNullConstraint", lbc_add_not_null, true},
	{"addPrimaryKey", lbc_add_primary_key, true},
	{"addUniqueConstraint", lbc_add_unique, true},
	{"alterSequence", lbc_alter_sequence, false},
	{"createIndex", lbc_create_index, true},
	{"createProcedure", lbc_create_procedure, false},
	{"createSequence", lbc_create_sequence, true},
	{"createTable", lbc_create_table, true},
	{"createView", lbc_create_view, true},
	{"customChange", lbc_custom_change, false},
	{"delete", lbc_delete, false},
	{"dropAllForeignKeyConstraints", lbc_drop_all_foreign_keys, false},
	{"dropColumn", lbc_drop_column, false},
	{"dropDefaultValue", lbc_drop_default, false},
	{"dropForeignKeyConstraint", lbc_drop_foreign_key, false},
	{"dropIndex", lbc_drop_index, false},
	{"dropNotNullConstraint", lbc_drop_not_null, true},
	{"dropPrimaryKey", lbc_drop_primary_key, false},
	{"dropProcedure", lbc_drop_procedure, false},
	{"dropSequence", lbc_drop_sequence, false},
	{"dropTable", lbc_drop_table, false},
	{"dropUniqueConstraint", lbc_drop_unique, false},
	{"dropView", lbc_drop_view, false},
	{"empty", lbc_nothing, true},
	{"executeCommand", lbc_execute_command, false},
	{"insert", lbc_insert, false},
	{"loadData", lbc_load_data, false},
	{"loadUpdateData", lbc_load_data, false},
	{"mergeColumns", lbc_merge_columns, false},
	{"modifyDataType", lbc_modify_data_type, false},
	{"output", lbc_output, true},
	{"renameColumn", lbc_rename_column, true},
	{"renameSequence", lbc_rename_sequence, true},
	{"renameTable", lbc_rename_table, true},
	{"renameView", lbc_rename_view, true},
	{"setColumnRemarks", lbc_set_column_remarks, false},
	{"setTableRemarks", lbc_set_table_remarks, false},
	{"sql", lbc_sql, false},
	{"sqlFile", lbc_sql_file, false},
	{"stop", lbc_output, false},
	{"tagDatabase", lbc_nothing, true},
	{"update", lbc_update, false},
};

static const change_type *find_type(const char *name)
{
	size_t lo = 0, hi = sizeof change_types / sizeof change_types[0];
	if (!name)
		return NULL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int cmp = strcmp(name, change_types[mid].name);
		if (cmp == 0)
			return &change_types[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

bool lb_is_change_type(const char *name)
{
	return find_type(name) != NULL;
}

bool lb_change_has_auto_rollback(const lb_node *change)
{
	const change_type *t = change ? find_type(change->name) : NULL;
	return t && t->auto_rollback;
}

/* ---- helpers ------------------------------------------------------------ */

static bool has_upper(const char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			return true;
	return false;
}

/* A name PostgreSQL cannot take unquoted, which Liquibase then quotes
 * as written. */
static bool needs_quotes(const char *s)
{
	if (*s >= '0' && *s <= '9')
		return true;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '$' ||
		      (unsigned char)*s >= 0x80))
			return true;
	return false;
}

static bool has_lower(const char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			return true;
	return false;
}

const char *lbc_name(lbc *c, const char *name)
{
	if (!name)
		return NULL;
	while (*name == ' ' || *name == '\t' || *name == '\n' || *name == '\r')
		name++;
	size_t n = strlen(name);
	while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t' || name[n - 1] == '\n' ||
	                 name[n - 1] == '\r'))
		n--;
	if (n >= 2 && name[0] == '"' && name[n - 1] == '"')
		return mg_arena_strndup(c->arena, name + 1, n - 2);
	char *s = mg_arena_strndup(c->arena, name, n);
	if (c->ctx->quoting == LB_QUOTE_ALL_OBJECTS)
		return s;
	/* LEGACY quotes mixed-case names on PostgreSQL and leaves the rest
	 * unquoted, which the server folds to lower case. */
	if (needs_quotes(s) ||
	    (c->ctx->quoting == LB_QUOTE_LEGACY && has_upper(s) && has_lower(s)))
		return s;
	for (char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

const char *lbc_attr(lbc *c, const char *name)
{
	return lb_value(c->node, name);
}

bool lbc_bool(const lb_node *n, const char *name, bool dflt)
{
	const char *v = lb_attr_get(n, name);
	bool b = dflt;
	if (v)
		mg_str_parse_bool(v, &b);
	return b;
}

const char *lbc_schema_attr(lbc *c, const char *attr)
{
	const char *s = lb_attr_get(c->node, attr);
	if (s && *s)
		return lbc_name(c, s);
	return mg_engine_default_schema(c->project->engine.kind);
}

mg_object lbc_table(lbc *c, const char *schema, const char *table)
{
	mg_object o = {MG_OBJ_TABLE, schema ? schema : c->schema, NULL, lbc_name(c, table)};
	return o;
}

mg_object lbc_column(lbc *c, const char *schema, const char *table, const char *column)
{
	mg_object o = {MG_OBJ_COLUMN, schema ? schema : c->schema, lbc_name(c, table),
	               lbc_name(c, column)};
	return o;
}

mg_name_list lbc_name_list(lbc *c, const char *text)
{
	mg_name_list l = {NULL, 0};
	if (!text || !*text)
		return l;
	size_t n = 1;
	for (const char *p = text; *p; p++)
		if (*p == ',')
			n++;
	l.items = mg_arena_alloc(c->arena, n * sizeof *l.items);
	const char *p = text;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *nm = lbc_name(c, mg_arena_strndup(c->arena, p, len));
		if (nm && *nm)
			l.items[l.count++] = nm;
		p += len;
		if (*p == ',')
			p++;
	}
	return l;
}

mg_operation *lbc_op(lbc *c, mg_op_kind kind)
{
	if (!c->stmt) {
		c->stmt = mg_changeset_add_statement(c->project, c->ctx->cs);
		c->stmt->loc = c->node->loc;
	}
	mg_operation *op = mg_statement_add_op(c->project, c->stmt, kind);
	op->loc = c->node->loc;
	return op;
}

int lbc_missing(lbc *c, const char *attr)
{
	mg_diag_add(&c->project->diags, MG_SEV_MEDIUM, "liquibase-missing-attribute", c->node->loc,
	            "%s needs the attribute %s; the change is recorded as not analysable",
	            c->node->name, attr);
	mg_operation *op = lbc_op(c, MG_OP_OPAQUE);
	op->opaque_kind = MG_OPAQUE_UNMODELLED_STATEMENT;
	op->detail = mg_arena_printf(c->arena, "%s without %s", c->node->name, attr);
	return -1;
}

void lbc_comment(lbc *c, const mg_object *table, const char *column, const char *remarks)
{
	mg_operation *op = lbc_op(c, MG_OP_COMMENT);
	op->object = *table;
	op->detail = remarks;
	if (column) {
		op->object.kind = MG_OBJ_COLUMN;
		op->object.table = table->name;
		op->object.name = column;
	}
}

void lbc_parse_sql(lbc *c, const char *text, size_t len, const char *file, mg_loc base,
                   bool verbatim, bool split, const char *end_delimiter, bool strip_comments)
{
	(void)strip_comments; /* comments never make statements of their own */
	mg_text t;
	memset(&t, 0, sizeof t);
	t.file = file;
	t.data = text;
	t.len = len;
	if (verbatim) {
		mg_anchor *a = mg_arena_alloc(c->arena, sizeof *a);
		a->offset = 0;
		a->line = base.line ? base.line : 1;
		a->col = base.col ? base.col : 1;
		t.anchors = a;
		t.n_anchors = 1;
	} else {
		/* The text was transformed (a YAML block scalar loses its
		 * indentation, XML entities are decoded): lines still map one to
		 * one, so anchor every line.  YAML block lines start at the
		 * block's indentation, XML text lines at column 1. */
		mg_changeset_kind k = c->ctx->cs->kind;
		uint32_t next_col = (k == MG_CS_LIQUIBASE_YAML || k == MG_CS_LIQUIBASE_JSON)
		                        ? (base.col ? base.col : 1)
		                        : 1;
		size_t n = 1;
		for (size_t i = 0; i < len; i++)
			if (text[i] == '\n')
				n++;
		mg_anchor *a = mg_arena_alloc(c->arena, n * sizeof *a);
		size_t k2 = 0;
		a[k2++] = (mg_anchor){0, base.line ? base.line : 1, base.col ? base.col : 1};
		for (size_t i = 0; i < len; i++) {
			if (text[i] != '\n')
				continue;
			uint32_t line = a[0].line + (uint32_t)k2;
			a[k2++] = (mg_anchor){i + 1, line, next_col};
		}
		t.anchors = a;
		t.n_anchors = k2;
	}
	mg_sql_options o;
	mg_sql_options_init(&o, c->ctx->opts ? c->ctx->opts->engine : c->project->engine);
	o.split_statements = split;
	o.end_delimiter = end_delimiter && *end_delimiter ? end_delimiter : NULL;
	if (c->ctx->opts) {
		o.max_statement_bytes = c->ctx->opts->limits.max_statement_bytes;
		o.max_depth = c->ctx->opts->limits.max_sql_depth;
		o.max_nesting = c->ctx->opts->limits.max_nesting_depth;
	}
	mg_sql_parse_script(c->project, c->ctx->cs, &t, &o);
}

/* ---- entry point -------------------------------------------------------- */

static const char *engine_name(const lb_change_ctx *ctx)
{
	mg_engine_kind k = ctx->opts ? ctx->opts->engine.kind : ctx->project->engine.kind;
	return mg_engine_name(k);
}

int lb_change_to_ops(lb_change_ctx *ctx, const lb_node *change)
{
	if (!ctx || !change || !ctx->cs)
		return -1;
	lbc c;
	memset(&c, 0, sizeof c);
	c.ctx = ctx;
	c.node = change;
	c.project = ctx->project;
	c.arena = &ctx->project->arena;
	c.schema = lbc_schema_attr(&c, "schemaName");

	/* A change for another engine is not applied (the interpreter skips
	 * it too; this keeps direct callers right). */
	const char *dbms = lb_attr_get(change, "dbms");
	if (dbms && !lb_dbms_matches(dbms, engine_name(ctx), true))
		return 0;

	const change_type *t = find_type(change->name);
	if (!t) {
		mg_diag *dg = mg_diag_add(&c.project->diags, MG_SEV_MEDIUM, "liquibase-unknown-change",
		                          change->loc,
		                          "unknown Liquibase change type <%s>; it is recorded as not analysable",
		                          change->name);
		mg_diag_set_hint(&c.project->diags, dg,
		                 "extension and Pro change types are not modelled; review its SQL by hand");
		mg_operation *op = lbc_op(&c, MG_OP_OPAQUE);
		op->opaque_kind = MG_OPAQUE_UNMODELLED_STATEMENT;
		op->detail = mg_arena_printf(c.arena, "liquibase change %s", change->name);
		return -1;
	}
	return t->fn(&c);
}
