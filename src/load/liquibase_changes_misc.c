/*
 * liquibase_changes_misc.c: SQL-bearing change types (sql, sqlFile,
 * createView, createProcedure), sequences, data changes and the opaque
 * ones (customChange, executeCommand, output, stop, loadData).
 *
 * SQL text goes through the SQL front end of the target engine with the
 * change's splitStatements and endDelimiter, anchored so that every
 * statement carries the line it has in its own file.
 */
#include <ctype.h>
#include <string.h>

#include "load/liquibase_changes_int.h"
#include "migraph/sqlwrite.h"

static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (!strchr(" \t\r\n", *s))
			return false;
	return true;
}

/* The SQL body of a change: its text, or the attribute holding it. */
static const char *body(lbc *c, const char *attr, mg_loc *loc, bool *verbatim)
{
	*loc = c->node->text_loc;
	*verbatim = c->node->text_verbatim;
	if (c->node->text && !blank(c->node->text))
		return c->node->text;
	const lb_attr *a = attr ? lb_attr_find(c->node, attr) : NULL;
	if (a && a->value) {
		*loc = a->loc;
		*verbatim = false;
		return a->value;
	}
	const lb_node *child = attr ? lb_child(c->node, attr) : NULL;
	if (child && child->text) {
		*loc = child->text_loc;
		*verbatim = child->text_verbatim;
		return child->text;
	}
	return NULL;
}

static void parse_body(lbc *c, const char *text, mg_loc loc, bool verbatim, bool split_default)
{
	const char *file = loc.file ? loc.file : c->node->loc.file;
	lbc_parse_sql(c, text, strlen(text), file, loc, verbatim,
	              lbc_bool(c->node, "splitStatements", split_default),
	              lb_attr_get(c->node, "endDelimiter"),
	              lbc_bool(c->node, "stripComments", false));
}

int lbc_sql(lbc *c)
{
	mg_loc loc;
	bool verbatim;
	const char *text = body(c, "sql", &loc, &verbatim);
	if (!text || blank(text))
		return 0;
	parse_body(c, text, loc, verbatim, true);
	return 0;
}

/* Reads a file named by a path attribute, resolved as Liquibase does. */
static const char *read_path(lbc *c, const char *path, const char **opened)
{
	bool rel = lbc_bool(c->node, "relativeToChangelogFile", false);
	const char *p = NULL;
	if (c->ctx->resolve)
		p = c->ctx->resolve(c->ctx, path, rel, c->node->loc);
	else
		p = rel && c->ctx->changelog_dir ? mg_path_join(c->arena, c->ctx->changelog_dir, path)
		                                  : path;
	if (!p)
		return NULL;
	mg_file_data fd;
	if (mg_load_read(c->project, p, c->ctx->opts, c->node->loc, &fd, NULL) != 0)
		return NULL;
	const char *text = mg_arena_strndup(c->arena, fd.data, fd.len);
	mg_file_data_free(&fd);
	*opened = mg_arena_strdup(c->arena, p);
	return text;
}

static void opaque(lbc *c, mg_opaque_kind kind, const char *detail)
{
	mg_operation *op = lbc_op(c, MG_OP_OPAQUE);
	op->opaque_kind = kind;
	op->detail = detail;
}

int lbc_sql_file(lbc *c)
{
	const char *path = lbc_attr(c, "path");
	if (!path)
		return lbc_missing(c, "path");
	const char *opened = NULL;
	const char *text = read_path(c, path, &opened);
	if (!text) {
		opaque(c, MG_OPAQUE_UNMODELLED_STATEMENT,
		       mg_arena_printf(c->arena, "sqlFile %s could not be read", path));
		return -1;
	}
	/* Liquibase expands changelog properties in the file's SQL too (the
	 * checksum already covers the expanded text).  A value of another
	 * length moves columns on its own line; lines stay the file's own
	 * unless a value holds a newline. */
	if (c->ctx->expand && strstr(text, "${"))
		text = c->ctx->expand(c->ctx, text, c->node->loc);
	c->ctx->sql_file_node = c->node;
	c->ctx->sql_file_text = text;
	mg_loc start = {opened, 1, 1};
	lbc_parse_sql(c, text, strlen(text), opened, start, true,
	              lbc_bool(c->node, "splitStatements", true),
	              lb_attr_get(c->node, "endDelimiter"),
	              lbc_bool(c->node, "stripComments", false));
	return 0;
}

static const char *quoted(lbc *c, const char *schema, const char *name)
{
	mg_buf b = MG_BUF_INIT;
	for (int part = 0; part < 2; part++) {
		const char *s = part ? name : schema;
		if (part)
			mg_buf_putc(&b, '.');
		mg_buf_putc(&b, '"');
		for (; s && *s; s++) {
			if (*s == '"')
				mg_buf_putc(&b, '"');
			mg_buf_putc(&b, *s);
		}
		mg_buf_putc(&b, '"');
	}
	const char *r = mg_arena_strdup(c->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}

int lbc_create_view(lbc *c)
{
	const char *name = lbc_attr(c, "viewName");
	if (!name)
		return lbc_missing(c, "viewName");
	mg_loc loc;
	bool verbatim;
	const char *query = body(c, "selectQuery", &loc, &verbatim);
	const char *path = lbc_attr(c, "path");
	if ((!query || blank(query)) && path) {
		const char *opened = NULL;
		query = read_path(c, path, &opened);
		loc = (mg_loc){opened, 1, 1};
		verbatim = true;
	}
	if (!query || blank(query)) {
		/* Nothing to read the definition from: the view itself is known. */
		mg_operation *op = lbc_op(c, MG_OP_CREATE_VIEW);
		op->object = (mg_object){MG_OBJ_VIEW, c->schema, NULL, lbc_name(c, name)};
		return 0;
	}
	if (lbc_bool(c->node, "fullDefinition", false)) {
		parse_body(c, query, loc, verbatim, false);
		return 0;
	}
	/* The view's name is already what the server stores: quote it so the
	 * front end keeps it as is. */
	const char *sql = mg_arena_printf(c->arena, "CREATE %sVIEW %s AS %s",
	                                  lbc_bool(c->node, "replaceIfExists", false) ? "OR REPLACE "
	                                                                              : "",
	                                  quoted(c, c->schema, lbc_name(c, name)), query);
	lbc_parse_sql(c, sql, strlen(sql), loc.file ? loc.file : c->node->loc.file, loc, false,
	              false, NULL, false);
	return 0;
}

static int simple(lbc *c, const char *attr, mg_op_kind kind, mg_object_kind okind,
                  const char *new_attr)
{
	const char *name = lbc_attr(c, attr);
	if (!name)
		return lbc_missing(c, attr);
	mg_operation *op = lbc_op(c, kind);
	op->object = (mg_object){okind, c->schema, NULL, lbc_name(c, name)};
	if (new_attr) {
		const char *to = lbc_attr(c, new_attr);
		if (!to)
			return lbc_missing(c, new_attr);
		op->new_name = lbc_name(c, to);
	}
	if (lbc_bool(c->node, "ifExists", false))
		op->flags |= MG_OPF_IF_EXISTS;
	return 0;
}

int lbc_drop_view(lbc *c)
{
	return simple(c, "viewName", MG_OP_DROP_VIEW, MG_OBJ_VIEW, NULL);
}

int lbc_rename_view(lbc *c)
{
	return simple(c, "oldViewName", MG_OP_RENAME_VIEW, MG_OBJ_VIEW, "newViewName");
}

const char *lbc_sequence_options(lbc *c)
{
	static const struct {
		const char *attr, *sql;
	} opts[] = {
		{"dataType", "AS"},       {"incrementBy", "INCREMENT BY"}, {"minValue", "MINVALUE"},
		{"maxValue", "MAXVALUE"}, {"startValue", "START WITH"},    {"startWith", "START WITH"},
		{"cacheSize", "CACHE"},
	};
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		const char *v = lbc_attr(c, opts[i].attr);
		if (v && *v)
			mg_buf_printf(&b, "%s%s %s", b.len ? " " : "", opts[i].sql,
			              i == 0 ? lbc_type(c, v, NULL) : v);
	}
	const char *cycle = lbc_attr(c, "cycle");
	bool cyc = false;
	if (cycle && mg_str_parse_bool(cycle, &cyc))
		mg_buf_printf(&b, "%s%s", b.len ? " " : "", cyc ? "CYCLE" : "NO CYCLE");
	const char *s = b.len ? mg_arena_strdup(c->arena, mg_buf_cstr(&b)) : NULL;
	mg_buf_dispose(&b);
	return s;
}

int lbc_create_sequence(lbc *c)
{
	int rc = simple(c, "sequenceName", MG_OP_CREATE_SEQUENCE, MG_OBJ_SEQUENCE, NULL);
	/* Liquibase 4.28 writes CREATE SEQUENCE IF NOT EXISTS on PostgreSQL. */
	if (rc == 0) {
		mg_operation *op = c->stmt->ops[c->stmt->n_ops - 1];
		op->flags |= MG_OPF_IF_NOT_EXISTS;
		op->options_sql = lbc_sequence_options(c);
	}
	return rc;
}

int lbc_alter_sequence(lbc *c)
{
	int rc = simple(c, "sequenceName", MG_OP_ALTER_SEQUENCE, MG_OBJ_SEQUENCE, NULL);
	if (rc == 0)
		c->stmt->ops[c->stmt->n_ops - 1]->options_sql = lbc_sequence_options(c);
	return rc;
}

int lbc_drop_sequence(lbc *c)
{
	return simple(c, "sequenceName", MG_OP_DROP_SEQUENCE, MG_OBJ_SEQUENCE, NULL);
}

int lbc_rename_sequence(lbc *c)
{
	return simple(c, "oldSequenceName", MG_OP_RENAME_SEQUENCE, MG_OBJ_SEQUENCE,
	              "newSequenceName");
}

int lbc_create_procedure(lbc *c)
{
	mg_loc loc;
	bool verbatim;
	const char *text = body(c, "procedureText", &loc, &verbatim);
	if (!text || blank(text))
		text = body(c, "procedureBody", &loc, &verbatim);
	const char *path = lbc_attr(c, "path");
	if ((!text || blank(text)) && path) {
		const char *opened = NULL;
		text = read_path(c, path, &opened);
		loc = (mg_loc){opened, 1, 1};
		verbatim = true;
	}
	if (!text || blank(text))
		return lbc_missing(c, "procedureText");
	parse_body(c, text, loc, verbatim, true);
	return 0;
}

int lbc_drop_procedure(lbc *c)
{
	return simple(c, "procedureName", MG_OP_DROP_FUNCTION, MG_OBJ_PROCEDURE, NULL);
}

/* ---- data ------------------------------------------------------------- */

/* The <column>s of the change: names and SQL values (only those that give
 * a value when given_only; else a column without one is NULL). */
typedef struct values_acc {
	lbc *c;
	lbc_values *out;
	bool given_only;
	size_t cap;
} values_acc;

static bool has_value(const lb_node *col)
{
	static const char *const attrs[] = {"value",         "valueNumeric",      "valueBoolean",
	                                    "valueDate",     "valueComputed",     "valueSequenceNext",
	                                    "valueBlobFile", "valueClobFile", "valueSequenceCurrent"};
	for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
		if (lb_value(col, attrs[i]))
			return true;
	return false;
}

static void collect_value(const lb_node *col, void *ud)
{
	values_acc *acc = ud;
	lbc_values *d = acc->out;
	const char *name = lbc_name(acc->c, lb_attr_get(col, "name"));
	if (!name || (acc->given_only && !has_value(col)))
		return;
	const char *v = lbc_value_sql(acc->c, col);
	if (!v) {
		d->unknown = true;
		return;
	}
	if (d->names.count == acc->cap) {
		size_t cap = acc->cap ? acc->cap * 2 : 8;
		d->names.items = mg_arena_grow(acc->c->arena, d->names.items, sizeof(char *),
		                               d->names.count, cap);
		d->values.items = mg_arena_grow(acc->c->arena, d->values.items, sizeof(char *),
		                                d->values.count, cap);
		acc->cap = cap;
	}
	d->names.items[d->names.count++] = name;
	d->values.items[d->values.count++] = v;
}

lbc_values lbc_column_values(lbc *c, bool given_only)
{
	lbc_values out = {{0}, {0}, false};
	values_acc acc = {c, &out, given_only, 0};
	lb_each(c->node, "columns", "column", collect_value, &acc);
	return out;
}

const char *lbc_set_clause(lbc *c, const mg_name_list *names, const mg_name_list *values)
{
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < names->count; i++) {
		if (i)
			mg_buf_puts(&b, ", ");
		mg_sql_put_ident(&b, names->items[i]);
		mg_buf_printf(&b, " = %s", values->items[i]);
	}
	const char *s = mg_arena_strdup(c->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return s;
}

typedef struct where_params {
	const lb_node **items;
	size_t n, cap;
	mg_arena *arena;
} where_params;

static void collect_param(const lb_node *param, void *ud)
{
	where_params *w = ud;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4;
		w->items = mg_arena_grow(w->arena, (void *)w->items, sizeof *w->items, w->n, cap);
		w->cap = cap;
	}
	w->items[w->n++] = param;
}

/* <whereParams>: Liquibase replaces each :name in the where clause with the
 * next param's column name and each :value with its value, in order. */
static const char *bind_where(lbc *c, const char *where)
{
	where_params w = {NULL, 0, 0, c->arena};
	lb_each(c->node, "whereParams", "param", collect_param, &w);
	if (!w.n)
		return where;
	mg_buf b = MG_BUF_INIT;
	size_t next = 0;
	for (const char *p = where; *p; p++) {
		bool is_value = p[0] == ':' && !strncmp(p + 1, "value", 5) && !isalnum((unsigned char)p[6]);
		bool is_name = p[0] == ':' && !strncmp(p + 1, "name", 4) && !isalnum((unsigned char)p[5]);
		if ((!is_value && !is_name) || next >= w.n) {
			mg_buf_putc(&b, *p);
			continue;
		}
		const lb_node *param = w.items[next++];
		if (is_value) {
			const char *v = lbc_value_sql(c, param);
			mg_buf_puts(&b, v ? v : "NULL");
			p += 5;
		} else {
			mg_sql_put_ident(&b, lbc_name(c, lb_attr_get(param, "name")));
			p += 4;
		}
	}
	const char *s = mg_arena_strdup(c->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return s;
}

static int dml(lbc *c, mg_op_kind kind)
{
	const char *table = lbc_attr(c, "tableName");
	if (!table)
		return lbc_missing(c, "tableName");
	mg_operation *op = lbc_op(c, kind);
	op->object = lbc_table(c, NULL, table);
	const char *where = lbc_attr(c, "where");
	if (kind != MG_OP_INSERT && where && !blank(where)) {
		op->flags |= MG_OPF_HAS_WHERE;
		op->where_expr = bind_where(c, where);
	}
	/* What Liquibase writes: INSERT INTO t (cols) VALUES (values), or
	 * UPDATE t SET col = value, ... */
	lbc_values d = {{0}, {0}, false};
	if (kind == MG_OP_INSERT ? strcmp(c->node->name, "insert") == 0 : kind == MG_OP_UPDATE)
		d = lbc_column_values(c, false);
	if (d.unknown || !d.names.count)
		return 0;
	if (kind == MG_OP_INSERT) {
		op->insert_columns = d.names;
		op->insert_rows = mg_arena_alloc(c->arena, sizeof *op->insert_rows);
		op->insert_rows[0] = d.values;
		op->n_insert_rows = 1;
	} else if (kind == MG_OP_UPDATE) {
		op->set_clause = lbc_set_clause(c, &d.names, &d.values);
		op->set_columns = d.names;
	}
	return 0;
}

int lbc_insert(lbc *c)
{
	return dml(c, MG_OP_INSERT);
}

int lbc_update(lbc *c)
{
	return dml(c, MG_OP_UPDATE);
}

int lbc_delete(lbc *c)
{
	return dml(c, MG_OP_DELETE);
}

int lbc_load_data(lbc *c)
{
	const char *file = lbc_attr(c, "file");
	opaque(c, MG_OPAQUE_LOAD_DATA,
	       mg_arena_printf(c->arena, "%s %s", c->node->name, file ? file : "(no file)"));
	return dml(c, MG_OP_INSERT);
}

int lbc_custom_change(lbc *c)
{
	const char *cls = lbc_attr(c, "class");
	opaque(c, MG_OPAQUE_CUSTOM_CHANGE, cls ? cls : "customChange without class");
	return 0;
}

int lbc_execute_command(lbc *c)
{
	const char *exe = lbc_attr(c, "executable");
	opaque(c, MG_OPAQUE_EXECUTE_COMMAND, exe ? exe : "executeCommand without executable");
	return 0;
}

int lbc_output(lbc *c)
{
	const char *msg = lbc_attr(c, "message");
	if (!msg)
		msg = c->node->text;
	opaque(c, MG_OPAQUE_OUTPUT, mg_arena_printf(c->arena, "%s: %s", c->node->name,
	                                            msg ? msg : ""));
	return 0;
}

int lbc_nothing(lbc *c)
{
	(void)c;
	return 0;
}
