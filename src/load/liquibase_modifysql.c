/*
 * liquibase_modifysql.c: Liquibase's <modifySql>, applied where it changes
 * what matters for a safe rollout.
 *
 * A changeSet may rewrite the SQL Liquibase generates for it: replace (a
 * literal, every occurrence, case-sensitive), regExpReplace (a Java regular
 * expression, every match), prepend and append, each block filtered by
 * dbms, context and labels, and applied to rollback SQL only with
 * applyToRollback.  migraph keeps SQL text only for sql/sqlFile statements;
 * a change type is operations, not text.  So:
 *
 *  - a statement with SQL text gets the visitors applied to its text, and
 *    when the text changed it is parsed again: that is exact;
 *  - a change type's operation is given the pieces of SQL Liquibase prints
 *    for what matters to safety (the CREATE INDEX statement, each column's
 *    "name TYPE", the ALTER TABLE ... ADD CONSTRAINT statement); the
 *    visitors run on those and the result is read back: CONCURRENTLY (and
 *    UNIQUE, IF NOT EXISTS), the column's new type, NOT VALID.  Prepend
 *    and append only touch whole statements, never a column's piece.
 *
 * Each operation a visitor changed records it in its detail.  A visitor
 * whose change cannot be read back, or that matches nothing migraph holds
 * of a changeset whose generated SQL it does not have, gets the diagnostic
 * lb-modifysql-not-modelled (low): the rewrite may matter and the reader
 * is told it was not analysed, never left to assume it was.
 */
#include <ctype.h>
#include <regex.h>
#include <string.h>
#include <strings.h>

#include "load/liquibase_modifysql.h"
#include "migraph/sql.h"

typedef enum vkind { V_REPLACE, V_REGEXP, V_PREPEND, V_APPEND } vkind;

typedef struct visitor {
	vkind kind;
	const char *from;        /* replace / regExpReplace: what is sought */
	const char *with;        /* ... and what replaces it */
	const char *value;       /* prepend / append */
	regex_t re;
	bool re_ok;
	bool rollback;           /* applyToRollback */
	mg_loc loc;
	const char *label;       /* how the detail and messages name it */
	bool touched;            /* changed some text */
	const char *unmodelled;  /* why a change could not be read back, or NULL */
} visitor;

typedef struct msql {
	lb_state *st;
	lb_file *f;
	mg_changeset *cs;
	mg_arena *a;
	visitor *v;
	size_t n, cap;
	bool *hit;               /* visitors that changed the text of the last run() */
	bool unheld_sql;         /* a change type whose generated SQL migraph does not hold */
} msql;

#define MAX_GROUPS 10

/* ---- Java regular expressions, as far as POSIX ERE can say them -------- */

/* The ERE for a Java pattern, or NULL when the pattern uses what ERE has
 * no equivalent for (lookaround, inline flags, lazy quantifiers ...). */
static const char *posix_pattern(mg_arena *a, const char *java)
{
	mg_buf b = MG_BUF_INIT;
	bool ok = true;
	for (const char *p = java; *p && ok; p++) {
		if (*p == '(' && p[1] == '?') {
			ok = false;
		} else if ((*p == '*' || *p == '+' || *p == '?' || *p == '}') &&
		           (p[1] == '?' || p[1] == '+')) {
			ok = false;
		} else if (*p != '\\' || !p[1]) {
			mg_buf_putc(&b, *p);
		} else {
			char c = *++p;
			switch (c) {
			case 'd': mg_buf_puts(&b, "[0-9]"); break;
			case 'D': mg_buf_puts(&b, "[^0-9]"); break;
			case 's': mg_buf_puts(&b, "[[:space:]]"); break;
			case 'S': mg_buf_puts(&b, "[^[:space:]]"); break;
			case 'w': mg_buf_puts(&b, "[[:alnum:]_]"); break;
			case 'W': mg_buf_puts(&b, "[^[:alnum:]_]"); break;
			case 'n': mg_buf_putc(&b, '\n'); break;
			case 't': mg_buf_putc(&b, '\t'); break;
			default:
				if (isalnum((unsigned char)c)) {
					ok = false; /* \b, \Q, \p{..}, back references ... */
				} else {
					mg_buf_putc(&b, '\\');
					mg_buf_putc(&b, c);
				}
			}
		}
	}
	const char *r = ok ? mg_arena_strdup(a, mg_buf_cstr(&b)) : NULL;
	mg_buf_dispose(&b);
	return r;
}

/* Java's replacement syntax: $n is group n, \x is x. */
static void put_replacement(mg_buf *b, const char *with, const char *subject,
                            const regmatch_t *m)
{
	for (const char *p = with; *p; p++) {
		if (*p == '\\' && p[1]) {
			mg_buf_putc(b, *++p);
		} else if (*p == '$' && isdigit((unsigned char)p[1])) {
			int g = *++p - '0';
			if (g < MAX_GROUPS && m[g].rm_so >= 0)
				mg_buf_put(b, subject + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
		} else {
			mg_buf_putc(b, *p);
		}
	}
}

static const char *regex_replace(mg_arena *a, const visitor *v, const char *s)
{
	mg_buf b = MG_BUF_INIT;
	regmatch_t m[MAX_GROUPS];
	size_t len = strlen(s), pos = 0;
	while (pos <= len) {
		if (regexec(&v->re, s + pos, MAX_GROUPS, m, pos ? REG_NOTBOL : 0) != 0)
			break;
		size_t so = pos + (size_t)m[0].rm_so, eo = pos + (size_t)m[0].rm_eo;
		mg_buf_put(&b, s + pos, so - pos);
		put_replacement(&b, v->with, s + pos, m);
		if (eo == so) {
			/* An empty match: keep the next character and move past it, as
			 * Java's replaceAll does. */
			if (so < len)
				mg_buf_putc(&b, s[so]);
			pos = so + 1;
		} else {
			pos = eo;
		}
	}
	if (pos < len)
		mg_buf_put(&b, s + pos, len - pos);
	const char *r = mg_arena_strdup(a, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}

static const char *literal_replace(mg_arena *a, const visitor *v, const char *s)
{
	size_t fl = strlen(v->from);
	if (!strstr(s, v->from))
		return s;
	mg_buf b = MG_BUF_INIT;
	const char *p = s, *hit;
	while ((hit = strstr(p, v->from)) != NULL) {
		mg_buf_put(&b, p, (size_t)(hit - p));
		mg_buf_puts(&b, v->with);
		p = hit + fl;
	}
	mg_buf_puts(&b, p);
	const char *r = mg_arena_strdup(a, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}

static const char *apply_one(mg_arena *a, const visitor *v, const char *s)
{
	switch (v->kind) {
	case V_REPLACE:
		return literal_replace(a, v, s);
	case V_REGEXP:
		return regex_replace(a, v, s);
	case V_PREPEND:
		return mg_arena_printf(a, "%s%s", v->value, s);
	case V_APPEND:
		return mg_arena_printf(a, "%s%s", s, v->value);
	}
	return s;
}

/* Runs the visitors in order over text.  Returns text itself when nothing
 * changed; m->hit says which visitors changed it.  whole_statement: the
 * text is a statement (prepend/append apply), not a piece of one. */
static const char *run(msql *m, const char *text, bool rollback, bool whole_statement)
{
	const char *cur = text;
	memset(m->hit, 0, m->n * sizeof *m->hit);
	for (size_t i = 0; i < m->n; i++) {
		visitor *v = &m->v[i];
		if (rollback && !v->rollback)
			continue;
		if (!whole_statement && (v->kind == V_PREPEND || v->kind == V_APPEND))
			continue;
		const char *next = apply_one(m->a, v, cur);
		if (strcmp(next, cur) != 0) {
			m->hit[i] = true;
			v->touched = true;
			cur = next;
		}
	}
	return strcmp(cur, text) == 0 ? text : cur;
}

static void add_detail(mg_arena *a, mg_operation *op, const char *label)
{
	const char *d = mg_arena_printf(a, "modifySql %s", label);
	if (!op->detail)
		op->detail = d;
	else if (!strstr(op->detail, d))
		op->detail = mg_arena_printf(a, "%s; %s", op->detail, d);
}

/* After a run() that changed something: reason NULL means migraph read the
 * change back into op; otherwise the visitors that made it are reported. */
static void settle(msql *m, mg_operation *op, const char *reason)
{
	for (size_t i = 0; i < m->n; i++) {
		if (!m->hit[i])
			continue;
		if (reason) {
			if (!m->v[i].unmodelled)
				m->v[i].unmodelled = reason;
		} else {
			add_detail(m->a, op, m->v[i].label);
		}
	}
}

/* ---- pieces of the SQL Liquibase prints, read back --------------------- */

/* A canonical type as Liquibase spells it for PostgreSQL (upper case,
 * VARCHAR and CHAR for the character types). */
static const char *lb_type_text(mg_arena *a, const char *canon)
{
	char *up = mg_arena_strdup(a, canon);
	for (char *p = up; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (mg_str_starts_with(up, "CHARACTER VARYING"))
		return mg_arena_printf(a, "VARCHAR%s", up + 17);
	if (mg_str_starts_with(up, "CHARACTER"))
		return mg_arena_printf(a, "CHAR%s", up + 9);
	return up;
}

/* One column's "name TYPE" (prefix_kw "") or "name TYPE type" (ALTER
 * COLUMN ... TYPE, prefix_kw "TYPE "). */
static void column_type(msql *m, mg_operation *op, const char *name, const char **type,
                        const char *prefix_kw, bool rollback)
{
	if (!name || !*type)
		return;
	const char *prefix = mg_arena_printf(m->a, "%s %s", name, prefix_kw);
	const char *orig = mg_arena_printf(m->a, "%s%s", prefix, lb_type_text(m->a, *type));
	const char *now = run(m, orig, rollback, false);
	if (now == orig)
		return;
	if (!mg_str_starts_with(now, prefix)) {
		settle(m, op, mg_arena_printf(m->a, "it rewrites \"%s\" as \"%s\"", orig, now));
		return;
	}
	const char *canon = mg_sql_type_canonical(m->a, now + strlen(prefix));
	if (!canon) {
		settle(m, op, mg_arena_printf(m->a, "\"%s\" is not a type migraph can read",
		                              now + strlen(prefix)));
		return;
	}
	*type = canon;
	settle(m, op, NULL);
}

static void put_list(mg_buf *b, const mg_name_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		mg_buf_printf(b, "%s%s", i ? ", " : "", l->items[i]);
}

/* Skips blanks then the keyword kw (any case) followed by a blank. */
static bool eat_kw(const char **p, const char *kw)
{
	const char *s = *p;
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(kw);
	if (strncasecmp(s, kw, n) != 0 || !isspace((unsigned char)s[n]))
		return false;
	*p = s + n;
	return true;
}

/* A rewritten "name ON table(keys)" whose name and table are unchanged:
 * the new keys (columns or expressions) replace the old ones.  False when
 * anything else changed. */
static bool index_columns(msql *m, mg_operation *op, const char *text)
{
	const char *head = mg_arena_printf(m->a, "%s ON %s(", op->object.name ? op->object.name : "",
	                                   op->related.name ? op->related.name : "");
	size_t hl = strlen(head), n = strlen(text);
	if (strncmp(text, head, hl) != 0 || n <= hl || text[n - 1] != ')')
		return false;
	const char *keys = text + hl, *end = text + n - 1;
	mg_name_list l = {NULL, 0};
	const char **items = mg_arena_alloc(m->a, (size_t)(end - keys + 1) * sizeof *items);
	int depth = 0;
	char quote = 0;
	const char *start = keys;
	for (const char *p = keys; p <= end; p++) {
		if (p < end && quote) {
			if (*p == quote)
				quote = 0;
			continue;
		}
		if (p < end && (*p == '\'' || *p == '"')) {
			quote = *p;
		} else if (p < end && *p == '(') {
			depth++;
		} else if (p < end && *p == ')') {
			if (--depth < 0)
				return false; /* the key list closed early: more than keys changed */
		} else if (p == end || (*p == ',' && depth == 0)) {
			while (start < p && isspace((unsigned char)*start))
				start++;
			const char *e = p;
			while (e > start && isspace((unsigned char)e[-1]))
				e--;
			if (e == start)
				return false;
			items[l.count++] = mg_arena_strndup(m->a, start, (size_t)(e - start));
			start = p + 1;
		}
	}
	if (depth != 0 || quote)
		return false;
	l.items = items;
	op->index_columns = l;
	return true;
}

static void create_index(msql *m, mg_operation *op, bool rollback)
{
	mg_buf b = MG_BUF_INIT;
	mg_buf_printf(&b, "%s ON %s(", op->object.name ? op->object.name : "",
	              op->related.name ? op->related.name : "");
	put_list(&b, &op->index_columns);
	mg_buf_putc(&b, ')');
	const char *rest = mg_arena_strdup(m->a, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	const char *orig = mg_arena_printf(
		m->a, "CREATE %sINDEX %s%s%s", (op->flags & MG_OPF_UNIQUE) ? "UNIQUE " : "",
		(op->flags & MG_OPF_CONCURRENTLY) ? "CONCURRENTLY " : "",
		(op->flags & MG_OPF_IF_NOT_EXISTS) ? "IF NOT EXISTS " : "", rest);
	const char *now = run(m, orig, rollback, true);
	if (now == orig)
		return;
	const char *p = now;
	if (!eat_kw(&p, "CREATE")) {
		settle(m, op, mg_arena_printf(m->a, "the statement no longer starts with CREATE: \"%s\"",
		                              now));
		return;
	}
	bool unique = eat_kw(&p, "UNIQUE");
	if (!eat_kw(&p, "INDEX")) {
		settle(m, op, mg_arena_printf(m->a, "it is no longer a CREATE INDEX: \"%s\"", now));
		return;
	}
	bool conc = eat_kw(&p, "CONCURRENTLY");
	const char *q = p;
	bool ine = eat_kw(&q, "IF") && eat_kw(&q, "NOT") && eat_kw(&q, "EXISTS");
	if (ine)
		p = q;
	while (isspace((unsigned char)*p))
		p++;
	op->flags &= ~(unsigned)(MG_OPF_UNIQUE | MG_OPF_CONCURRENTLY | MG_OPF_IF_NOT_EXISTS);
	op->flags |= (unique ? MG_OPF_UNIQUE : 0u) | (conc ? MG_OPF_CONCURRENTLY : 0u) |
	             (ine ? MG_OPF_IF_NOT_EXISTS : 0u);
	if (strcmp(p, rest) != 0 && !index_columns(m, op, p))
		settle(m, op, mg_arena_printf(m->a, "it changes the index definition to \"%s\"", p));
	else
		settle(m, op, NULL);
}

static const char *constraint_body(msql *m, const mg_constraint_def *d)
{
	mg_buf b = MG_BUF_INIT;
	switch (d->kind) {
	case MG_CONSTRAINT_FOREIGN_KEY:
		mg_buf_puts(&b, "FOREIGN KEY (");
		put_list(&b, &d->columns);
		mg_buf_printf(&b, ") REFERENCES %s (", d->ref_table.name ? d->ref_table.name : "");
		put_list(&b, &d->ref_columns);
		mg_buf_putc(&b, ')');
		if (d->on_update)
			mg_buf_printf(&b, " ON UPDATE %s", lb_type_text(m->a, d->on_update));
		if (d->on_delete)
			mg_buf_printf(&b, " ON DELETE %s", lb_type_text(m->a, d->on_delete));
		break;
	case MG_CONSTRAINT_UNIQUE:
	case MG_CONSTRAINT_PRIMARY_KEY:
		mg_buf_puts(&b, d->kind == MG_CONSTRAINT_UNIQUE ? "UNIQUE (" : "PRIMARY KEY (");
		put_list(&b, &d->columns);
		mg_buf_putc(&b, ')');
		break;
	default:
		mg_buf_printf(&b, "CHECK (%s)", d->expr ? d->expr : "");
	}
	const char *r = mg_arena_strdup(m->a, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}

/* Strips a trailing NOT VALID (any case, any blanks, an optional ';');
 * returns whether there was one. */
static bool strip_not_valid(mg_arena *a, const char **text)
{
	char *s = mg_arena_strdup(a, *text);
	size_t n = strlen(s);
	while (n > 0 && (isspace((unsigned char)s[n - 1]) || s[n - 1] == ';'))
		s[--n] = '\0';
	bool had = n >= 10 && strncasecmp(s + n - 5, "VALID", 5) == 0 &&
	           isspace((unsigned char)s[n - 6]);
	if (had) {
		size_t k = n - 6;
		while (k > 0 && isspace((unsigned char)s[k - 1]))
			k--;
		had = k >= 3 && strncasecmp(s + k - 3, "NOT", 3) == 0 &&
		      (k == 3 || isspace((unsigned char)s[k - 4]));
		if (had) {
			k -= 3;
			while (k > 0 && isspace((unsigned char)s[k - 1]))
				k--;
			s[k] = '\0';
		}
	}
	*text = s;
	return had;
}

static void add_constraint(msql *m, mg_operation *op, bool rollback)
{
	mg_constraint_def *d = op->constraint;
	const char *base = mg_arena_printf(m->a, "ALTER TABLE %s ADD %s%s%s%s",
	                                   op->object.table ? op->object.table : "",
	                                   d->name ? "CONSTRAINT " : "", d->name ? d->name : "",
	                                   d->name ? " " : "", constraint_body(m, d));
	const char *orig = d->not_valid ? mg_arena_printf(m->a, "%s NOT VALID", base) : base;
	const char *now = run(m, orig, rollback, true);
	if (now == orig)
		return;
	bool not_valid = strip_not_valid(m->a, &now);
	if (strcmp(now, base) != 0) {
		settle(m, op, mg_arena_printf(m->a, "it changes the constraint to \"%s\"", now));
		return;
	}
	if (not_valid && d->kind != MG_CONSTRAINT_FOREIGN_KEY && d->kind != MG_CONSTRAINT_CHECK) {
		settle(m, op, "PostgreSQL takes NOT VALID only on foreign keys and check constraints");
		return;
	}
	d->not_valid = not_valid;
	if (not_valid)
		op->flags |= MG_OPF_NOT_VALID;
	else
		op->flags &= ~(unsigned)MG_OPF_NOT_VALID;
	settle(m, op, NULL);
}

static void change_type_op(msql *m, mg_operation *op, bool rollback)
{
	switch (op->kind) {
	case MG_OP_CREATE_INDEX:
		create_index(m, op, rollback);
		break;
	case MG_OP_CREATE_TABLE:
		for (size_t i = 0; i < op->n_columns; i++)
			column_type(m, op, op->columns[i].name, &op->columns[i].type, "", rollback);
		break;
	case MG_OP_ADD_COLUMN:
		if (op->column)
			column_type(m, op, op->column->name, &op->column->type, "", rollback);
		break;
	case MG_OP_ALTER_COLUMN_TYPE:
		column_type(m, op, op->object.name, &op->type_to, "TYPE ", rollback);
		break;
	case MG_OP_ADD_CONSTRAINT:
		if (op->constraint)
			add_constraint(m, op, rollback);
		break;
	default:
		break;
	}
}

/* A statement with SQL text: the visitors run on the text, and a changed
 * text is parsed again in place of the old operations. */
static void text_statement(msql *m, mg_statement *s, bool rollback)
{
	const char *orig = mg_arena_strndup(m->a, s->sql, s->sql_len);
	const char *now = run(m, orig, rollback, true);
	if (now == orig)
		return;
	mg_project *pr = m->st->project;
	mg_changeset scratch;
	memset(&scratch, 0, sizeof scratch);
	scratch.kind = m->cs->kind;
	scratch.id = m->cs->id;
	scratch.author = m->cs->author;
	scratch.filename = m->cs->filename;
	mg_anchor *anchor = mg_arena_alloc(m->a, sizeof *anchor);
	anchor->offset = 0;
	anchor->line = s->loc.line;
	anchor->col = s->loc.col ? s->loc.col : 1;
	mg_text t = {s->loc.file, now, strlen(now), anchor, 1};
	mg_sql_options so;
	mg_sql_options_init(&so, pr->engine);
	so.max_statement_bytes = m->st->opts->limits.max_statement_bytes;
	so.max_depth = m->st->opts->limits.max_sql_depth;
	so.max_nesting = m->st->opts->limits.max_nesting_depth;
	so.split_statements = false; /* a visitor rewrites one statement */
	mg_sql_parse_script(pr, &scratch, &t, &so);
	if (scratch.n_stmts == 0) {
		/* The visitors emptied the statement: it runs nothing. */
		s->ops = NULL;
		s->n_ops = s->ops_cap = 0;
		s->sql = "";
		s->sql_len = 0;
		return;
	}
	const mg_statement *ns = scratch.stmts[0];
	s->sql = ns->sql;
	s->sql_len = ns->sql_len;
	s->ops = ns->ops;
	s->n_ops = ns->n_ops;
	s->ops_cap = ns->ops_cap;
	s->parse_failed = ns->parse_failed;
	for (size_t i = 0; i < s->n_ops; i++)
		settle(m, s->ops[i], NULL);
}

static void statements(msql *m, mg_statement **stmts, size_t n, bool rollback)
{
	for (size_t i = 0; i < n; i++) {
		mg_statement *s = stmts[i];
		if (s->sql) {
			text_statement(m, s, rollback);
			continue;
		}
		if (s->n_ops)
			m->unheld_sql = true;
		for (size_t j = 0; j < s->n_ops; j++)
			change_type_op(m, s->ops[j], rollback);
	}
}

/* Rollback statements may be another changeset's (rollback changeSetId=):
 * they are copied before a visitor changes them. */
static mg_statement *clone_statement(mg_arena *a, const mg_statement *s)
{
	mg_statement *c = mg_arena_alloc(a, sizeof *c);
	*c = *s;
	c->ops = mg_arena_alloc(a, (s->n_ops ? s->n_ops : 1) * sizeof *c->ops);
	c->ops_cap = s->n_ops;
	for (size_t i = 0; i < s->n_ops; i++) {
		mg_operation *op = mg_arena_alloc(a, sizeof *op);
		*op = *s->ops[i];
		if (op->columns) {
			op->columns = mg_arena_alloc(a, op->n_columns * sizeof *op->columns);
			memcpy(op->columns, s->ops[i]->columns, op->n_columns * sizeof *op->columns);
		}
		if (op->column) {
			op->column = mg_arena_alloc(a, sizeof *op->column);
			*op->column = *s->ops[i]->column;
		}
		if (op->constraint) {
			op->constraint = mg_arena_alloc(a, sizeof *op->constraint);
			*op->constraint = *s->ops[i]->constraint;
		}
		c->ops[i] = op;
	}
	return c;
}

/* ---- reading the modifySql blocks --------------------------------------- */

static void not_modelled(msql *m, mg_loc loc, const char *msg)
{
	mg_diag_list *dl = &m->st->project->diags;
	mg_diag *dg = mg_diag_add(dl, MG_SEV_LOW, "lb-modifysql-not-modelled", loc, "%s", msg);
	mg_diag_set_hint(dl, dg, "migraph applies modifySql to sql/sqlFile text, CREATE INDEX, "
	                         "column types and ADD CONSTRAINT; compare with Liquibase's "
	                         "updateSql output");
	lb_set_chain(m->st, dg, m->f);
}

static const char *attr_or_text(const lb_node *n, const char *name)
{
	const char *v = lb_value(n, name);
	if (!v && n->text && !n->n_attrs && !n->n_children)
		v = n->text; /* YAML "append: ' NOT VALID'" */
	return v;
}

static void add_visitor(msql *m, const lb_node *vn, vkind kind, bool rollback)
{
	visitor v;
	memset(&v, 0, sizeof v);
	v.kind = kind;
	v.rollback = rollback;
	v.loc = vn->loc;
	if (kind == V_REPLACE || kind == V_REGEXP) {
		v.from = lb_value(vn, "replace");
		v.with = lb_value(vn, "with");
		if (!v.with)
			v.with = "";
		if (!v.from || !*v.from) {
			not_modelled(m, vn->loc,
			             mg_arena_printf(m->a, "modifySql %s has no \"replace\" text; ignored",
			                             vn->name));
			return;
		}
		v.label = mg_arena_printf(m->a, "%s \"%s\" with \"%s\"", vn->name, v.from, v.with);
		if (kind == V_REGEXP) {
			const char *ere = posix_pattern(m->a, v.from);
			v.re_ok = ere && regcomp(&v.re, ere, REG_EXTENDED) == 0;
			if (!v.re_ok) {
				not_modelled(m, vn->loc,
				             mg_arena_printf(m->a,
				                             "modifySql regExpReplace \"%s\" uses regular "
				                             "expression syntax migraph cannot apply; its "
				                             "change is not analysed",
				                             v.from));
				return;
			}
		}
	} else {
		v.value = attr_or_text(vn, "value");
		if (!v.value) {
			not_modelled(m, vn->loc,
			             mg_arena_printf(m->a, "modifySql %s has no \"value\"; ignored",
			                             vn->name));
			return;
		}
		v.label = mg_arena_printf(m->a, "%s \"%s\"", vn->name, v.value);
	}
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 4;
		m->v = mg_arena_grow(m->a, m->v, sizeof *m->v, m->n, ncap);
		m->cap = ncap;
	}
	m->v[m->n++] = v;
}

static bool is_block_option(const char *name)
{
	return strcmp(name, "dbms") == 0 || strcmp(name, "context") == 0 ||
	       strcmp(name, "contextFilter") == 0 || strcmp(name, "labels") == 0 ||
	       strcmp(name, "applyToRollback") == 0;
}

static void block(msql *m, const lb_node *blk, unsigned depth)
{
	const mg_load_options *o = m->st->opts;
	const char *ctx = lb_value(blk, "contextFilter");
	if (!ctx)
		ctx = lb_value(blk, "context");
	const char *labels = lb_value(blk, "labels");
	bool applies = lb_dbms_matches(lb_value(blk, "dbms"), m->st->engine, true);
	if (applies && o->contexts && *o->contexts)
		applies = lb_expr_matches(ctx, o->contexts, NULL);
	if (applies && labels && *labels && o->labels && *o->labels)
		applies = lb_expr_matches(o->labels, labels, NULL);
	bool rollback = lb_attr_bool(blk, "applyToRollback", false);
	for (size_t i = 0; i < blk->n_children; i++) {
		const lb_node *c = blk->children[i];
		if (strcmp(c->name, "modifySql") == 0) {
			if (depth < 4)
				block(m, c, depth + 1); /* YAML list form: modifySql: [ {...} ] */
			continue;
		}
		if (!applies || is_block_option(c->name))
			continue;
		if (strcmp(c->name, "replace") == 0)
			add_visitor(m, c, V_REPLACE, rollback);
		else if (strcmp(c->name, "regExpReplace") == 0)
			add_visitor(m, c, V_REGEXP, rollback);
		else if (strcmp(c->name, "prepend") == 0)
			add_visitor(m, c, V_PREPEND, rollback);
		else if (strcmp(c->name, "append") == 0)
			add_visitor(m, c, V_APPEND, rollback);
		else
			not_modelled(m, c->loc,
			             mg_arena_printf(m->a,
			                             "modifySql <%s> is not a visitor migraph knows; ignored",
			                             c->name));
	}
}

/* modifySql blocks sit in the changeSet, or (YAML) among its changes, as
 * Liquibase's ChangeSet reads them from either place. */
static void collect(msql *m, const lb_node *cs_node)
{
	for (size_t i = 0; i < cs_node->n_children; i++) {
		const lb_node *c = cs_node->children[i];
		if (strcmp(c->name, "modifySql") == 0) {
			block(m, c, 0);
		} else if (strcmp(c->name, "changes") == 0) {
			for (size_t j = 0; j < c->n_children; j++) {
				const lb_node *item = c->children[j];
				if (strcmp(item->name, "modifySql") == 0)
					block(m, item, 0);
				else if (strcmp(item->name, "changes") == 0)
					for (size_t k = 0; k < item->n_children; k++)
						if (strcmp(item->children[k]->name, "modifySql") == 0)
							block(m, item->children[k], 0);
			}
		}
	}
}

void lb_modify_sql(lb_state *st, lb_file *f, mg_changeset *cs, const lb_node *cs_node)
{
	msql m;
	memset(&m, 0, sizeof m);
	m.st = st;
	m.f = f;
	m.cs = cs;
	m.a = &st->project->arena;
	collect(&m, cs_node);
	if (m.n == 0)
		return;
	m.hit = mg_arena_alloc(m.a, m.n * sizeof *m.hit);

	statements(&m, cs->stmts, cs->n_stmts, false);
	bool any_rollback = false;
	for (size_t i = 0; i < m.n; i++)
		any_rollback |= m.v[i].rollback;
	if (any_rollback && cs->n_rollback) {
		for (size_t i = 0; i < cs->n_rollback; i++)
			cs->rollback[i] = clone_statement(m.a, cs->rollback[i]);
		statements(&m, cs->rollback, cs->n_rollback, true);
	}

	for (size_t i = 0; i < m.n; i++) {
		visitor *v = &m.v[i];
		if (v->unmodelled)
			not_modelled(&m, v->loc,
			             mg_arena_printf(m.a, "modifySql %s: %s; that change is not analysed",
			                             v->label, v->unmodelled));
		else if (!v->touched && m.unheld_sql)
			not_modelled(&m, v->loc,
			             mg_arena_printf(m.a,
			                             "modifySql %s matches nothing migraph models of this "
			                             "changeset; if it rewrites other generated SQL, that "
			                             "is not analysed",
			                             v->label));
		if (v->re_ok)
			regfree(&v->re);
	}
}
