/*
 * locking.c: the locking rules.
 *
 * Each rule looks at one operation, with the engine's verdict on it
 * (locks, rewrite, scan, index build) and the risk figures of its table,
 * and only speaks when the table is live: a table created in the same
 * changeset (or, with a release selection, in the same release) is empty
 * and nobody waits for it.  The message says what production feels; the
 * safe alternative is SQL that, fed back to migraph, does not trigger the
 * rule again.
 */
#include <string.h>
#include <strings.h>

#include "analyze/families.h"
#include "analyze/lock_site.h"
#include "migraph/sqlwrite.h"

/* The statement's own text, or NULL when the change came from a
 * Liquibase change type rather than SQL. */
static const char *stmt_sql(const lk_site *s)
{
	return s->st->sql ? mg_arena_strndup(&s->a->project->arena, s->st->sql, s->st->sql_len)
	                  : NULL;
}

/* A statement that must run outside a transaction block, as a migration
 * of its own.  The lock_timeout is RESET at the end: outside a transaction
 * a SET lasts as long as the connection, and Flyway runs the next
 * migrations on the same one.  `rebuild`, when given, is an index the
 * statement builds CONCURRENTLY: a build that fails (lock timeout, cancel)
 * leaves it behind INVALID, and only dropping it first makes the script
 * safe to run again (IF NOT EXISTS would keep the invalid index). */
/* How a CONCURRENTLY statement is left when it is cancelled (lock
 * timeout, statement timeout, a deploy killed) after its first
 * transaction, and what a retry needs.  Observed on PostgreSQL 15. */
typedef struct cancel_note {
	const mg_object *leftover; /* an INVALID index the run leaves: dropped first */
	const char *why;           /* the comment above that DROP */
	const char *after;         /* lines of comment after the statement, or NULL; never
	                            * "--" (it becomes an XML comment in a changelog) */
} cancel_note;

static void no_txn_script(mg_buf *b, const lk_site *s, const char *sql, const cancel_note *n)
{
	const mg_object *drop = n ? n->leftover : NULL;
	const char *schema = mg_catalog_default_schema(s->a->catalog);
	if (lk_is_liquibase(s)) {
		mg_buf_printf(b,
		              "<changeSet id=\"%s-concurrently\" author=\"%s\" runInTransaction=\"false\">\n",
		              s->cs->id ? s->cs->id : "change", s->cs->author ? s->cs->author : "you");
		if (drop) {
			mg_buf_puts(b, "  <sql>DROP INDEX CONCURRENTLY IF EXISTS ");
			mg_sql_put_qualified(b, schema, drop->schema, drop->name);
			mg_buf_puts(b, ";</sql>\n");
		}
		mg_buf_printf(b, "  <sql>%s;</sql>\n", sql);
		if (n && n->after)
			mg_buf_printf(b, "  <!-- %s -->\n", n->after);
		mg_buf_puts(b, "</changeSet>");
		return;
	}
	mg_buf_puts(b, "-- in a migration of its own (CONCURRENTLY cannot run in a transaction;\n"
	               "-- Flyway runs such a script outside one)\n"
	               "SET lock_timeout = '2s';\n");
	if (drop) {
		mg_buf_printf(b, "-- %s\nDROP INDEX CONCURRENTLY IF EXISTS ", n->why);
		mg_sql_put_qualified(b, schema, drop->schema, drop->name);
		mg_buf_puts(b, ";\n");
	}
	mg_buf_printf(b, "%s;\n", sql);
	for (const char *line = n ? n->after : NULL; line && *line;) {
		size_t len = strcspn(line, "\n");
		mg_buf_printf(b, "-- %.*s\n", (int)len, line);
		line += len + (line[len] == '\n');
	}
	mg_buf_puts(b, "RESET lock_timeout;  -- the next migration runs on this connection");
}

static void no_txn_wrapper(mg_buf *b, const lk_site *s, const char *sql, const mg_object *rebuild)
{
	const cancel_note n = {rebuild, "a failed build leaves an INVALID index: drop it, so a retry "
	                                "builds it again", NULL};
	no_txn_script(b, s, sql, rebuild ? &n : NULL);
}

/* sql without its IF NOT EXISTS: the script drops a leftover first. */
static const char *without_if_not_exists(mg_arena *arena, const char *sql)
{
	size_t len = strlen(sql);
	long at = mg_sql_find_keyword(sql, len, "IF");
	if (at < 0)
		return sql;
	const char *p = sql + at + 2;
	static const char *const words[] = {"NOT", "EXISTS"};
	for (size_t w = 0; w < 2; w++) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		size_t n = strlen(words[w]);
		if (strncasecmp(p, words[w], n) != 0)
			return sql;
		p += n;
	}
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return mg_arena_printf(arena, "%.*s%s", (int)at, sql, p);
}

/* The index a CREATE INDEX operation builds, schema-qualified like its
 * table (an index lives in its table's schema). */
static mg_object index_of(const mg_operation *op, const mg_object *table, const char *name)
{
	mg_object ix = {MG_OBJ_INDEX, table ? table->schema : op->object.schema, NULL, name};
	return ix;
}

static void report(lk_site *s, const mg_object *table, mg_buf *msg, mg_buf *alt)
{
	lk_report(s, table, mg_buf_cstr(msg), alt && alt->len ? mg_buf_cstr(alt) : NULL);
	mg_buf_dispose(msg);
	if (alt)
		mg_buf_dispose(alt);
}

/* schema.name as SQL, leaving out the schema unqualified names resolve to. */
static void put_rel(const lk_site *s, mg_buf *b, const char *schema, const char *name)
{
	mg_sql_put_qualified(b, mg_catalog_default_schema(s->a->catalog), schema, name);
}

/* ---- lock-index-not-concurrent ----------------------------------------- */

static void index_not_concurrent(lk_site *s)
{
	const mg_operation *op = s->op;
	if (op->kind != MG_OP_CREATE_INDEX || (op->flags & (MG_OPF_CONCURRENTLY | MG_OPF_ONLY)))
		return;
	const mg_object *t = mg_op_locked_table(s->op);
	if (!t || !lk_table_is_live(s, t) || (op->effects & MG_EFF_FAILS))
		return;
	mg_buf msg = MG_BUF_INIT, alt = MG_BUF_INIT;
	mg_buf_puts(&msg, "CREATE INDEX without CONCURRENTLY holds SHARE on ");
	mg_object_put(&msg, t);
	/* A materialized view takes no INSERT, UPDATE or DELETE: what SHARE
	 * stops there is the next REFRESH, while SELECTs go on. */
	mg_buf_puts(&msg, t->kind == MG_OBJ_MATERIALIZED_VIEW
	                      ? " for the whole build: every REFRESH MATERIALIZED VIEW waits, reads "
	                        "continue; "
	                      : " for the whole build: every INSERT, UPDATE and DELETE waits; ");
	lk_describe_impact(&msg, s, t);
	const char *sql = stmt_sql(s);
	const char *fixed = sql && op->object.name
	                        ? mg_sql_insert_after(&s->a->project->arena, sql, strlen(sql), "INDEX",
	                                              "CONCURRENTLY")
	                        : NULL;
	if (fixed)
		fixed = without_if_not_exists(&s->a->project->arena, fixed);
	const char *name = op->object.name
	                       ? op->object.name
	                       : mg_sql_index_name(&s->a->project->arena, t->name, &op->index_columns,
	                                           "idx");
	if (!fixed) {
		mg_buf b = MG_BUF_INIT;
		mg_buf_printf(&b, "CREATE %sINDEX CONCURRENTLY ", (op->flags & MG_OPF_UNIQUE) ? "UNIQUE " : "");
		mg_sql_put_ident(&b, name);
		mg_buf_puts(&b, " ON ");
		put_rel(s, &b, t->schema, t->name);
		mg_buf_putc(&b, ' ');
		mg_sql_put_list(&b, &op->index_columns);
		fixed = mg_arena_strdup(&s->a->project->arena, mg_buf_cstr(&b));
		mg_buf_dispose(&b);
	}
	mg_object ix = index_of(op, t, name);
	no_txn_wrapper(&alt, s, fixed, &ix);
	report(s, t, &msg, &alt);
}

/* ---- lock-drop-index-not-concurrent ------------------------------------ */

static void drop_index_not_concurrent(lk_site *s)
{
	const mg_operation *op = s->op;
	if (op->kind != MG_OP_DROP_INDEX || (op->flags & MG_OPF_CONCURRENTLY))
		return;
	const mg_object *t = mg_op_locked_table(s->op);
	if (!t || !lk_table_is_live(s, t))
		return;
	mg_buf msg = MG_BUF_INIT, alt = MG_BUF_INIT, sql = MG_BUF_INIT;
	mg_buf_puts(&msg, "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on ");
	mg_object_put(&msg, t);
	mg_buf_puts(&msg, ": reads and writes wait, and behind a long transaction the wait "
	                  "queues every query; ");
	lk_describe_impact(&msg, s, t);
	mg_buf_puts(&sql, "DROP INDEX CONCURRENTLY IF EXISTS ");
	put_rel(s, &sql, op->object.schema, op->object.name);
	no_txn_wrapper(&alt, s, mg_buf_cstr(&sql), NULL);
	mg_buf_dispose(&sql);
	report(s, t, &msg, &alt);
}

/* ---- lock-reindex-not-concurrent ---------------------------------------- */

static void reindex_not_concurrent(lk_site *s)
{
	const mg_operation *op = s->op;
	if (op->kind != MG_OP_REINDEX || (op->flags & MG_OPF_CONCURRENTLY))
		return;
	const mg_object *t = mg_op_locked_table(s->op);
	if (t && !lk_table_is_live(s, t))
		return;
	mg_buf msg = MG_BUF_INIT, alt = MG_BUF_INIT;
	mg_buf_puts(&msg, "REINDEX without CONCURRENTLY blocks writes to the table and every "
	                  "query that would use the index while it is rebuilt; ");
	lk_describe_impact(&msg, s, t);
	const mg_engine_target *e = &s->a->project->engine;
	const char *sql = stmt_sql(s);
	if (e->major >= 12 && sql) {
		const char *kw = op->object.kind == MG_OBJ_INDEX ? "INDEX"
		                 : op->object.kind == MG_OBJ_SCHEMA ? "SCHEMA"
		                 : op->object.kind == MG_OBJ_DATABASE ? "DATABASE" : "TABLE";
		const char *fixed = mg_sql_insert_after(&s->a->project->arena, sql, strlen(sql), kw,
		                                        "CONCURRENTLY");
		/* A cancelled REINDEX CONCURRENTLY leaves its INVALID copy
		 * <index>_ccnew behind; a retry succeeds but keeps it, and
		 * every write keeps maintaining it. */
		mg_object copy = {MG_OBJ_INDEX, op->object.schema, NULL, NULL};
		cancel_note n = {NULL, "a cancelled run leaves an INVALID copy (<index>_ccnew) that a "
		                       "retry keeps: drop it", NULL};
		if (op->object.kind == MG_OBJ_INDEX && op->object.name &&
		    strlen(op->object.name) + 6 < 64) {
			copy.name = mg_arena_printf(&s->a->project->arena, "%s_ccnew", op->object.name);
			n.leftover = &copy;
		} else {
			n.after = "a cancelled run leaves INVALID copies named <index>_ccnew that a retry\n"
			          "keeps: find them with SELECT indexrelid::regclass FROM pg_index\n"
			          "WHERE NOT indisvalid; and drop them (DROP INDEX CONCURRENTLY)";
		}
		if (fixed)
			no_txn_script(&alt, s, fixed, &n);
	} else {
		mg_buf_puts(&alt, "-- before PostgreSQL 12: build a replacement CONCURRENTLY, then swap\n"
		                  "CREATE INDEX CONCURRENTLY new_idx ON tbl (cols);\n"
		                  "DROP INDEX CONCURRENTLY old_idx;\n"
		                  "ALTER INDEX new_idx RENAME TO old_idx;");
	}
	report(s, t ? t : &op->object, &msg, &alt);
}

/* ---- lock-constraint-validates ------------------------------------------ */

static void put_constraint_def(const lk_site *s, mg_buf *b, const mg_operation *op,
                               const char *name)
{
	const mg_constraint_def *k = op->constraint;
	mg_object t = mg_op_table(op);
	mg_buf_puts(b, "ALTER TABLE ");
	put_rel(s, b, t.schema, t.name);
	mg_buf_puts(b, " ADD CONSTRAINT ");
	mg_sql_put_ident(b, name);
	if (k->kind == MG_CONSTRAINT_FOREIGN_KEY) {
		mg_buf_puts(b, " FOREIGN KEY ");
		mg_sql_put_list(b, &k->columns);
		mg_buf_puts(b, " REFERENCES ");
		const mg_object *ref = k->ref_table.kind != MG_OBJ_NONE ? &k->ref_table : &op->related;
		put_rel(s, b, ref->schema, ref->name);
		if (k->ref_columns.count) {
			mg_buf_putc(b, ' ');
			mg_sql_put_list(b, &k->ref_columns);
		}
		if (k->on_delete)
			mg_buf_printf(b, " ON DELETE %s", k->on_delete);
	} else {
		mg_buf_printf(b, " CHECK (%s)", k->expr ? k->expr : "...");
	}
}

/* "ALTER TABLE t WHAT name[ TO to];\n" */
static void put_alter(const lk_site *s, mg_buf *b, const mg_operation *op, const char *what,
                      const char *name, const char *to)
{
	mg_object t = mg_op_table(op);
	mg_buf_puts(b, "ALTER TABLE ");
	put_rel(s, b, t.schema, t.name);
	mg_buf_printf(b, " %s ", what);
	mg_sql_put_ident(b, name);
	if (to) {
		mg_buf_puts(b, " TO ");
		mg_sql_put_ident(b, to);
	}
	mg_buf_puts(b, ";\n");
}

/* True when the changeset dropped a constraint of this name on the same
 * table before this operation (in an earlier statement or earlier in the
 * same ALTER TABLE): the ADD replaces it. */
static bool replaces_constraint(const lk_site *s, const char *name)
{
	const char *table = s->op->object.kind == MG_OBJ_TABLE ? s->op->object.name
	                                                       : s->op->object.table;
	if (!name || !table)
		return false;
	for (size_t i = 0; i <= s->stmt_index && i < s->cs->n_stmts; i++) {
		const mg_statement *st = s->cs->stmts[i];
		for (size_t j = 0; j < st->n_ops && st->ops[j] != s->op; j++) {
			const mg_operation *o = st->ops[j];
			if (o->kind == MG_OP_DROP_CONSTRAINT && mg_str_eq(o->object.name, name) &&
			    mg_str_eq(o->object.table, table))
				return true;
		}
	}
	return false;
}

static void constraint_validates(lk_site *s)
{
	const mg_operation *op = s->op;
	const mg_constraint_def *k = op->constraint;
	if (op->kind != MG_OP_ADD_CONSTRAINT || !k || k->not_valid || (op->flags & MG_OPF_NOT_VALID) ||
	    (k->kind != MG_CONSTRAINT_CHECK && k->kind != MG_CONSTRAINT_FOREIGN_KEY))
		return;
	const mg_object *t = mg_op_locked_table(s->op);
	if (!t || !lk_table_is_live(s, t) || !(op->effects & MG_EFF_SCAN))
		return;
	mg_buf msg = MG_BUF_INIT, alt = MG_BUF_INIT;
	if (k->kind == MG_CONSTRAINT_FOREIGN_KEY)
		mg_buf_puts(&msg, "adding a FOREIGN KEY validates every row while SHARE ROW EXCLUSIVE "
		                  "blocks writes to both tables; ");
	else
		mg_buf_puts(&msg, "adding a CHECK validates every row under ACCESS EXCLUSIVE: reads "
		                  "and writes wait; ");
	lk_describe_impact(&msg, s, t);
	const char *name = k->name ? k->name : "new_constraint";
	if (replaces_constraint(s, k->name)) {
		/* The old constraint keeps guarding the rows until its replacement
		 * is valid; adding the new one under the old name would fail with
		 * "already exists". */
		const char *tmp = mg_arena_printf(&s->a->project->arena, "%s_new", name);
		mg_buf_puts(&alt, "-- the replacement under a temporary name next to the old one (brief "
		                  "lock), validated\n-- without blocking writes; then the old one goes "
		                  "and the new one takes its name\n");
		put_constraint_def(s, &alt, op, tmp);
		mg_buf_puts(&alt, " NOT VALID;\n");
		put_alter(s, &alt, op, "VALIDATE CONSTRAINT", tmp, NULL);
		put_alter(s, &alt, op, "DROP CONSTRAINT IF EXISTS", name, NULL);
		put_alter(s, &alt, op, "RENAME CONSTRAINT", tmp, name);
	} else {
		mg_buf_puts(&alt, "-- add it without checking existing rows (brief lock), then validate\n"
		                  "-- in a separate migration (SHARE UPDATE EXCLUSIVE: traffic continues)\n");
		put_constraint_def(s, &alt, op, name);
		mg_buf_puts(&alt, " NOT VALID;\n");
		put_alter(s, &alt, op, "VALIDATE CONSTRAINT", name, NULL);
	}
	if (alt.len && alt.data[alt.len - 1] == '\n')
		alt.data[--alt.len] = '\0';
	report(s, t, &msg, &alt);
}

/* ---- lock-set-not-null-scan --------------------------------------------- */

static void set_not_null_scan(lk_site *s)
{
	const mg_operation *op = s->op;
	if (op->kind != MG_OP_SET_NOT_NULL || !(op->effects & MG_EFF_SCAN))
		return;
	const mg_object *t = mg_op_locked_table(s->op);
	if (!t || !lk_table_is_live(s, t))
		return;
	const char *col = op->object.name;
	const char *cname = mg_arena_printf(&s->a->project->arena, "%s_%s_not_null", t->name, col);
	mg_buf msg = MG_BUF_INIT, alt = MG_BUF_INIT;
	mg_buf_puts(&msg, "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE: reads and "
	                  "writes wait until every row is checked; ");
	lk_describe_impact(&msg, s, t);
	bool pg12 = s->a->project->engine.major >= 12;
	mg_buf_puts(&alt, "ALTER TABLE ");
	put_rel(s, &alt, t->schema, t->name);
	mg_buf_puts(&alt, " ADD CONSTRAINT ");
	mg_sql_put_ident(&alt, cname);
	mg_buf_puts(&alt, " CHECK (");
	mg_sql_put_ident(&alt, col);
	mg_buf_puts(&alt, " IS NOT NULL) NOT VALID;\n-- next migration: validates without blocking "
	                  "traffic\nALTER TABLE ");
	put_rel(s, &alt, t->schema, t->name);
	mg_buf_puts(&alt, " VALIDATE CONSTRAINT ");
	mg_sql_put_ident(&alt, cname);
	mg_buf_putc(&alt, ';');
	if (pg12) {
		mg_buf_puts(&alt, "\n-- then (PostgreSQL 12+ skips the scan: the CHECK proves it)\nALTER TABLE ");
		put_rel(s, &alt, t->schema, t->name);
		mg_buf_puts(&alt, " ALTER COLUMN ");
		mg_sql_put_ident(&alt, col);
		mg_buf_puts(&alt, " SET NOT NULL;\nALTER TABLE ");
		put_rel(s, &alt, t->schema, t->name);
		mg_buf_puts(&alt, " DROP CONSTRAINT ");
		mg_sql_put_ident(&alt, cname);
		mg_buf_putc(&alt, ';');
	}
	report(s, t, &msg, &alt);
}

/* ---- lock-add-column-rewrite -------------------------------------------- */

static const char *paren_after(mg_arena *arena, const char *sql, const char *after);

/* A stored generated column cannot be added without computing every row.
 * What keeps its value without the rewrite is a plain column that a
 * trigger computes from the same expression (the row's columns are in
 * scope through SELECT NEW.*), backfilled in batches. */
static void put_generated_alt(mg_buf *alt, const lk_site *s, const mg_object *t,
                              const mg_column_def *c, const char *expr)
{
	mg_arena *ar = &s->a->project->arena;
	mg_buf tn = MG_BUF_INIT, cn = MG_BUF_INIT, fn = MG_BUF_INIT;
	mg_sql_put_qualified(&tn, mg_catalog_default_schema(s->a->catalog), t->schema, t->name);
	mg_sql_put_ident(&cn, c->name);
	mg_sql_put_qualified(&fn, mg_catalog_default_schema(s->a->catalog), t->schema, mg_arena_printf(ar, "%s_%s_compute", t->name, c->name));
	const char *tq = mg_buf_cstr(&tn), *col = mg_buf_cstr(&cn), *f = mg_buf_cstr(&fn);
	mg_buf_printf(alt,
	              "-- a plain column a trigger computes as (%s), backfilled in batches: the\n"
	              "-- value without the rewrite (it is not GENERATED: a direct write can set it)\n"
	              "ALTER TABLE %s ADD COLUMN %s %s;\n"
	              "CREATE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $$\n"
	              "BEGIN NEW.%s := (SELECT (%s) FROM (SELECT NEW.*) AS r); RETURN NEW; END $$;\n"
	              "CREATE TRIGGER ",
	              expr, tq, col, c->type ? c->type : "type", f, col, expr);
	mg_sql_put_ident(alt, mg_arena_printf(ar, "%s_%s_compute", t->name, c->name));
	mg_buf_printf(alt,
	              " BEFORE INSERT OR UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION %s();\n"
	              "-- then backfill existing rows in batches, outside the migration's "
	              "transaction\n-- (the trigger computes the value):\n"
	              "-- UPDATE %s SET %s = NULL WHERE id BETWEEN $1 AND $2 AND %s IS NULL;",
	              tq, f, tq, col, col);
	mg_buf_dispose(&tn);
	mg_buf_dispose(&cn);
	mg_buf_dispose(&fn);
}

static void add_column_rewrite(lk_site *s)
{
	const mg_operation *op = s->op;
	if (op->kind != MG_OP_ADD_COLUMN || !(op->effects & MG_EFF_REWRITE) || !op->column)
		return;
	const mg_object *t = mg_op_locked_table(s->op);
	if (!t || !lk_table_is_live(s, t))
		return;
	const mg_column_def *c = op->column;
	mg_buf msg = MG_BUF_INIT, alt = MG_BUF_INIT;
	mg_buf_printf(&msg, "adding column %s rewrites the whole table under ACCESS EXCLUSIVE (%s): "
	                    "reads and writes wait until every row is copied; ",
	              c->name, op->effect_note ? op->effect_note : "a rewrite");
	lk_describe_impact(&msg, s, t);
	const char *sql = c->generated_stored ? stmt_sql(s) : NULL;
	long g = sql ? mg_sql_find_keyword(sql, strlen(sql), "GENERATED") : -1;
	const char *expr = g >= 0 ? paren_after(&s->a->project->arena, sql + g, " AS") : NULL;
	if (c->generated_stored) {
		/* Never a plain column in its place: that loses the expression. */
		if (expr)
			put_generated_alt(&alt, s, t, c, expr);
		else
			mg_buf_puts(&alt, "-- a stored generated column rewrites the table: add a plain "
			                  "column that a BEFORE INSERT OR UPDATE\n-- trigger computes from "
			                  "the expression, and backfill it in batches");
		report(s, t, &msg, &alt);
		return;
	}
	mg_buf_puts(&alt, "ALTER TABLE ");
	put_rel(s, &alt, t->schema, t->name);
	mg_buf_puts(&alt, " ADD COLUMN ");
	mg_sql_put_ident(&alt, c->name);
	mg_buf_printf(&alt, " %s;", c->type ? c->type : "type");
	if (c->default_expr) {
		mg_buf_puts(&alt, "\nALTER TABLE ");
		put_rel(s, &alt, t->schema, t->name);
		mg_buf_puts(&alt, " ALTER COLUMN ");
		mg_sql_put_ident(&alt, c->name);
		mg_buf_printf(&alt, " SET DEFAULT %s;\n-- then backfill existing rows in batches, "
		                    "outside the migration's transaction:\n-- UPDATE ",
		              c->default_expr);
		put_rel(s, &alt, t->schema, t->name);
		mg_buf_puts(&alt, " SET ");
		mg_sql_put_ident(&alt, c->name);
		mg_buf_printf(&alt, " = %s WHERE id BETWEEN $1 AND $2 AND ", c->default_expr);
		mg_sql_put_ident(&alt, c->name);
		mg_buf_puts(&alt, " IS NULL;");
	}
	report(s, t, &msg, &alt);
}

/* ---- lock-type-change-rewrite ------------------------------------------- */

/* The rewrites of the release, per table, so that repeated rewrites of
 * one table become one finding proposing one ALTER TABLE. */
typedef struct rewrite_note_t {
	mg_finding *f;
	const char *table;         /* as SQL */
	const char *clause;        /* "ALTER COLUMN c TYPE t" */
} rewrite_note_t;

typedef struct rewrites {
	rewrite_note_t *items;
	size_t n, cap;
} rewrites;

static void rewrite_note(void *user, mg_arena *arena, mg_finding *f, const char *table,
                         const char *clause)
{
	rewrites *rw = user;
	if (rw->n == rw->cap) {
		size_t ncap = rw->cap ? rw->cap * 2 : 8;
		rw->items = mg_arena_grow(arena, rw->items, sizeof *rw->items, rw->n, ncap);
		rw->cap = ncap;
	}
	rw->items[rw->n++] = (rewrite_note_t){f, table, mg_arena_strdup(arena, clause)};
}

/* Keeps the first finding of each table rewritten by more than one
 * statement of the release, with every clause in one ALTER TABLE as its
 * alternative and the worst severity; drops the others.  Notes of one
 * table are found through a map of per-table lists, so a release with
 * thousands of rewrites stays linear. */
static void combine_rewrites(mg_analysis *a, rewrites *rw, size_t first)
{
	mg_arena *arena = &a->project->arena;
	size_t *next = mg_arena_alloc(arena, (rw->n ? rw->n : 1) * sizeof *next);
	mg_map head, tail, dropped;
	mg_map_init(&head, arena);
	mg_map_init(&tail, arena);
	mg_map_init(&dropped, arena);
	for (size_t i = 0; i < rw->n; i++) {
		const char *k = rw->items[i].table;
		size_t t = (size_t)(uintptr_t)mg_map_get(&tail, k);
		if (t)
			next[t - 1] = i + 1;
		else
			mg_map_put(&head, k, (void *)(uintptr_t)(i + 1));
		mg_map_put(&tail, k, (void *)(uintptr_t)(i + 1));
	}
	for (size_t i = 0; i < rw->n; i++) {
		rewrite_note_t *h = &rw->items[i];
		if ((size_t)(uintptr_t)mg_map_get(&head, h->table) != i + 1)
			continue;
		size_t times = 0;
		mg_buf clauses = MG_BUF_INIT, where = MG_BUF_INIT;
		const mg_finding *last = NULL;
		for (size_t j = i + 1; j; j = next[j - 1]) {
			rewrite_note_t *e = &rw->items[j - 1];
			mg_buf_printf(&clauses, "%s\n  %s", clauses.len ? "," : "", e->clause);
			if (e->f == last)
				continue; /* another subcommand of the same statement */
			last = e->f;
			times++;
			if (e->f == h->f)
				continue;
			if (e->f->severity > h->f->severity)
				h->f->severity = e->f->severity;
			mg_buf_printf(&where, "%s%s:%u", where.len ? ", " : "",
			              e->f->loc.file ? mg_path_basename(e->f->loc.file) : "?",
			              e->f->loc.line);
			mg_map_put(&dropped, mg_arena_printf(arena, "%p", (void *)e->f), (void *)1);
		}
		if (times > 1) {
			h->f->message = mg_arena_printf(
				arena, "%s; the release rewrites %s %zu times (also %s): each copy holds "
				       "ACCESS EXCLUSIVE for the whole table, combine them into one ALTER TABLE",
				h->f->message, h->table, times, mg_buf_cstr(&where));
			h->f->safe_alternative = mg_arena_printf(
				arena, "-- one ALTER TABLE rewrites the table once:\nALTER TABLE %s%s;\n%s",
				h->table, mg_buf_cstr(&clauses),
				h->f->safe_alternative ? h->f->safe_alternative : "");
		}
		mg_buf_dispose(&clauses);
		mg_buf_dispose(&where);
	}
	size_t out = first;
	for (size_t i = first; i < a->n_findings; i++)
		if (!mg_map_get(&dropped, mg_arena_printf(arena, "%p", (void *)a->findings[i])))
			a->findings[out++] = a->findings[i];
	a->n_findings = out;
}

/* True for timestamp -> timestamptz USING col AT TIME ZONE 'UTC' on
 * PostgreSQL 12+: the USING is what forces the rewrite. */
static bool utc_using(const lk_site *s, const mg_operation *op)
{
	const char *u = op->using_expr, *to = op->type_to;
	if (!u || !to || s->a->project->engine.major < 12 || s->in_explicit_txn ||
	    (strcasecmp(to, "timestamptz") != 0 && strcasecmp(to, "timestamp with time zone") != 0))
		return false;
	if (op->type_from && strcasecmp(op->type_from, "timestamp") != 0 &&
	    strcasecmp(op->type_from, "timestamp without time zone") != 0)
		return false;
	size_t n = strlen(op->object.name);
	if (strncasecmp(u, op->object.name, n) != 0)
		return false;
	for (u += n; *u == ' '; u++)
		;
	return !strcasecmp(u, "AT TIME ZONE 'UTC'") || !strcasecmp(u, "AT TIME ZONE 'Etc/UTC'");
}

static void type_change_rewrite(lk_site *s)
{
	const mg_operation *op = s->op;
	if (op->kind != MG_OP_ALTER_COLUMN_TYPE || !(op->effects & MG_EFF_REWRITE))
		return;
	const mg_object *t = mg_op_locked_table(s->op);
	if (!t || !lk_table_is_live(s, t))
		return;
	const char *col = op->object.name;
	bool assumed = op->effects & MG_EFF_ASSUMED;
	mg_buf msg = MG_BUF_INIT, alt = MG_BUF_INIT;
	mg_buf_printf(&msg, "changing %s to %s %s the table and rebuilds its indexes under "
	                    "ACCESS EXCLUSIVE (%s); ",
	              col, op->type_to ? op->type_to : "the new type",
	              assumed ? "may rewrite" : "rewrites",
	              op->effect_note ? op->effect_note : "not binary-coercible");
	lk_describe_impact(&msg, s, t);
	if (assumed)
		mg_buf_puts(&msg, "; give the production schema with --schema (pg_dump --schema-only) "
		                  "to know");
	if (utc_using(s, op)) {
		/* PostgreSQL 12+ converts timestamp to timestamptz in place when
		 * the session's TimeZone is UTC and there is no USING; reading the
		 * values as UTC is what the USING said. */
		mg_buf_puts(&alt, "-- without the USING and with TimeZone UTC, PostgreSQL 12+ changes "
		                  "the type in place\n-- (no rewrite): the values are read as UTC, as "
		                  "the USING said\nSET LOCAL TimeZone = 'UTC';\nALTER TABLE ");
		mg_sql_put_qualified(&alt, mg_catalog_default_schema(s->a->catalog), t->schema, t->name);
		mg_buf_puts(&alt, " ALTER COLUMN ");
		mg_sql_put_ident(&alt, col);
		mg_buf_puts(&alt, " TYPE timestamptz;");
		report(s, t, &msg, &alt);
		return;
	}
	const char *newcol = mg_arena_printf(&s->a->project->arena, "%s_new", col);
	mg_buf puts_ = MG_BUF_INIT;
	put_rel(s, &puts_, t->schema, t->name);
	const char *tn = mg_arena_strdup(&s->a->project->arena, mg_buf_cstr(&puts_));
	mg_buf_dispose(&puts_);
	mg_buf_printf(&alt,
	              "-- expand: a new column, written by the app and backfilled in batches\n"
	              "ALTER TABLE %s ADD COLUMN %s %s;\n"
	              "-- backfill outside the migration: UPDATE %s SET %s = %s WHERE ... (batches)\n"
	              "-- contract, in a later release once every reader uses the new column:\n"
	              "-- ALTER TABLE %s RENAME COLUMN %s TO %s_old;\n"
	              "-- ALTER TABLE %s RENAME COLUMN %s TO %s;",
	              tn, newcol, op->type_to ? op->type_to : "new_type", tn, newcol, col, tn, col,
	              col, tn, newcol, col);
	/* An assumed rewrite keeps the severity of the table at stake: the
	 * unknown column type never lowers a known risk, and the message
	 * says how to settle it (--schema). */
	mg_finding *f = lk_report(s, t, mg_buf_cstr(&msg), mg_buf_cstr(&alt));
	mg_buf_dispose(&msg);
	mg_buf_dispose(&alt);
	if (s->user && op->type_to) {
		mg_buf clause = MG_BUF_INIT;
		mg_buf_puts(&clause, "ALTER COLUMN ");
		mg_sql_put_ident(&clause, col);
		mg_buf_printf(&clause, " TYPE %s", op->type_to);
		rewrite_note(s->user, &s->a->project->arena, f, tn, mg_buf_cstr(&clause));
		mg_buf_dispose(&clause);
	}
}

/* ---- lock-unique-without-index ------------------------------------------ */

static void unique_without_index(lk_site *s)
{
	const mg_operation *op = s->op;
	const mg_constraint_def *k = op->constraint;
	if (op->kind != MG_OP_ADD_CONSTRAINT || !k || k->using_index ||
	    (k->kind != MG_CONSTRAINT_UNIQUE && k->kind != MG_CONSTRAINT_PRIMARY_KEY))
		return;
	const mg_object *t = mg_op_locked_table(s->op);
	if (!t || !lk_table_is_live(s, t))
		return;
	bool pk = k->kind == MG_CONSTRAINT_PRIMARY_KEY;
	const char *cname = k->name ? k->name
	                            : mg_sql_index_name(&s->a->project->arena, t->name, &k->columns,
	                                                pk ? "pkey" : "key");
	mg_buf msg = MG_BUF_INIT, alt = MG_BUF_INIT, idx = MG_BUF_INIT;
	mg_buf_printf(&msg, "adding a %s builds its index under ACCESS EXCLUSIVE: reads and writes "
	                    "wait for the whole build; ",
	              pk ? "PRIMARY KEY" : "UNIQUE constraint");
	lk_describe_impact(&msg, s, t);
	mg_buf_puts(&idx, "CREATE UNIQUE INDEX CONCURRENTLY ");
	mg_sql_put_ident(&idx, cname);
	mg_buf_puts(&idx, " ON ");
	put_rel(s, &idx, t->schema, t->name);
	mg_buf_putc(&idx, ' ');
	mg_sql_put_list(&idx, &k->columns);
	mg_object ix = index_of(op, t, cname);
	no_txn_wrapper(&alt, s, mg_buf_cstr(&idx), &ix);
	mg_buf_puts(&alt, "\n-- next migration: adopt the index (brief ACCESS EXCLUSIVE)\nALTER TABLE ");
	put_rel(s, &alt, t->schema, t->name);
	mg_buf_puts(&alt, " ADD CONSTRAINT ");
	mg_sql_put_ident(&alt, cname);
	mg_buf_printf(&alt, " %s USING INDEX ", pk ? "PRIMARY KEY" : "UNIQUE");
	mg_sql_put_ident(&alt, cname);
	mg_buf_putc(&alt, ';');
	mg_buf_dispose(&idx);
	report(s, t, &msg, &alt);
}

/* ---- lock-concurrently-in-transaction ----------------------------------- */

static void concurrently_in_transaction(lk_site *s)
{
	const mg_operation *op = s->op;
	if (!(op->effects & MG_EFF_NO_TXN_BLOCK) || op->kind == MG_OP_ADD_ENUM_VALUE)
		return;
	if (!s->cs->run_in_transaction && !s->in_explicit_txn)
		return;
	mg_buf msg = MG_BUF_INIT, alt = MG_BUF_INIT;
	mg_buf_printf(&msg, "%s cannot run inside a transaction block, and this %s runs in one: "
	                    "the deploy fails with \"cannot run inside a transaction block\"",
	              mg_op_kind_name(op->kind), lk_is_liquibase(s) ? "changeset" : "migration");
	if (lk_is_liquibase(s))
		mg_buf_printf(&alt, "<changeSet id=\"%s\" author=\"%s\" runInTransaction=\"false\">",
		              s->cs->id ? s->cs->id : "id", s->cs->author ? s->cs->author : "author");
	else if (s->in_explicit_txn)
		mg_buf_puts(&alt, "-- remove the BEGIN/COMMIT around it: run it on its own");
	else
		mg_buf_printf(&alt, "-- %s.conf\nexecuteInTransaction=false",
		              s->cs->script ? mg_path_basename(s->cs->script) : "V__migration.sql");
	mg_finding *f = lk_report(s, &op->object, mg_buf_cstr(&msg), mg_buf_cstr(&alt));
	/* A deploy failure is high whatever the table's size. */
	f->severity = s->rule->default_severity;
	mg_buf_dispose(&msg);
	mg_buf_dispose(&alt);
}

/* ---- lock-held-across-statements ---------------------------------------- */

static void held_across_statements(lk_site *s)
{
	const mg_operation *op = s->op;
	if (!s->cs->run_in_transaction || !s->cr || !s->cr->stmts)
		return;
	const mg_object *t = NULL;
	for (size_t i = 0; i < op->n_locks; i++)
		if (op->locks[i].mode == MG_LOCK_ACCESS_EXCLUSIVE &&
		    (op->locks[i].relation.kind == MG_OBJ_TABLE ||
		     op->locks[i].relation.kind == MG_OBJ_MATERIALIZED_VIEW) &&
		    lk_table_is_live(s, &op->locks[i].relation))
			t = &op->locks[i].relation;
	/* One finding per changeset: the first ACCESS EXCLUSIVE that later
	 * work keeps held. */
	if (!t || s->reported || !s->work_after)
		return;
	size_t later = s->work_after[s->stmt_index];
	if (!later)
		return;
	s->reported = true;
	mg_buf msg = MG_BUF_INIT, alt = MG_BUF_INIT;
	mg_buf_puts(&msg, "ACCESS EXCLUSIVE on ");
	mg_object_put(&msg, t);
	mg_buf_printf(&msg, " is held until the transaction commits, while "
	                    "%zu more statement%s doing real work run%s: reads and %s wait for all "
	                    "of them",
	              later, later == 1 ? "" : "s", later == 1 ? "s" : "",
	              t->kind == MG_OBJ_MATERIALIZED_VIEW ? "refreshes" : "writes");
	mg_buf_puts(&alt, lk_is_liquibase(s)
	                      ? "-- move the statements after it into changesets of their own, so the "
	                        "lock is released at the end of this one"
	                      : "-- move the statements after it into migrations of their own, so the "
	                        "lock is released when this one commits");
	report(s, t, &msg, &alt);
}

/* ---- lock-no-lock-timeout ----------------------------------------------- */

static void no_lock_timeout(lk_site *s)
{
	const mg_operation *op = s->op;
	if (s->lock_timeout_before)
		return;
	/* ACCESS EXCLUSIVE queues reads and writes behind a long transaction,
	 * SHARE (a plain CREATE INDEX) queues writes: every statement that
	 * requests one on a live table, once per table.  A materialized view
	 * counts for ACCESS EXCLUSIVE only: SHARE there queues no reads, and
	 * it has no writes. */
	const mg_lock *lk = NULL;
	for (size_t i = 0; i < op->n_locks; i++) {
		const mg_lock *l = &op->locks[i];
		bool rel = l->relation.kind == MG_OBJ_TABLE ||
		           (l->relation.kind == MG_OBJ_MATERIALIZED_VIEW &&
		            l->mode == MG_LOCK_ACCESS_EXCLUSIVE);
		if ((l->mode == MG_LOCK_ACCESS_EXCLUSIVE || l->mode == MG_LOCK_SHARE) && rel &&
		    lk_table_is_live(s, &l->relation) && (!lk || l->mode > lk->mode))
			lk = l;
	}
	if (!lk || !lk_first_in_statement(s, &lk->relation) || lk_already_held(s, lk))
		return;
	const mg_object *t = &lk->relation;
	bool ae = lk->mode == MG_LOCK_ACCESS_EXCLUSIVE;
	mg_buf msg = MG_BUF_INIT, alt = MG_BUF_INIT;
	mg_buf_puts(&msg, ae ? "ACCESS EXCLUSIVE on " : "SHARE on ");
	mg_object_put(&msg, t);
	const char *noun = t->kind == MG_OBJ_MATERIALIZED_VIEW ? "materialized view" : "table";
	mg_buf_printf(&msg, " is requested with no lock_timeout: if a long transaction holds the "
	                    "%s, this statement waits in the lock queue and every later %s on "
	                    "the %s waits behind it",
	              noun, ae ? "query" : "write", noun);
	const mg_table_risk *wt = lk_table_risk(s, t);
	if (wt && wt->lock_wait_ms > 0)
		mg_buf_printf(&msg, " (behind a %.0f s transaction: ~%.0f requests)",
		              wt->lock_wait_ms / 1000,
		              ((ae ? wt->read_qps : 0) + wt->write_qps) * wt->lock_wait_ms / 1000);
	/* The setting must end with the migration: Flyway runs the next ones
	 * on the same connection.  In a transaction SET LOCAL ends at COMMIT;
	 * outside one only RESET ends it. */
	bool in_txn = s->cs->run_in_transaction || s->in_explicit_txn;
	mg_buf_printf(&alt, "SET %slock_timeout = '2s';  -- fail fast and retry instead of queueing "
	                    "traffic\n",
	              in_txn ? "LOCAL " : "");
	const char *sql = stmt_sql(s);
	if (sql)
		mg_buf_printf(&alt, "%s;", sql);
	if (!in_txn)
		mg_buf_puts(&alt, "\nRESET lock_timeout;");
	/* Severity from the table's figures like every lock rule (a hot
	 * table without lock_timeout is medium, a long hold raises it); the
	 * rule's default is the floor for a live table with traffic or of
	 * unknown traffic, since the wait it risks does not depend on size. */
	mg_finding *f = lk_report(s, t, mg_buf_cstr(&msg), mg_buf_cstr(&alt));
	if (f->severity < s->rule->default_severity && !(wt && wt->size_known && wt->rows == 0 &&
	                                                 wt->bytes == 0))
		f->severity = s->rule->default_severity;
	mg_buf_dispose(&msg);
	mg_buf_dispose(&alt);
}

/* ---- lock-vacuum-full, lock-cluster, lock-truncate ---------------------- */

static void rewrite_statement(lk_site *s, mg_op_kind kind, const char *what, const char *alt)
{
	const mg_operation *op = s->op;
	if (op->kind != kind || (kind == MG_OP_VACUUM && !(op->flags & MG_OPF_FULL)))
		return;
	const mg_object *t = mg_op_locked_table(s->op);
	if (t && !lk_table_is_live(s, t))
		return;
	mg_buf msg = MG_BUF_INIT;
	mg_buf_printf(&msg, "%s holds ACCESS EXCLUSIVE: reads and writes wait; ", what);
	lk_describe_impact(&msg, s, t);
	lk_report(s, t ? t : &op->object, mg_buf_cstr(&msg), alt);
	mg_buf_dispose(&msg);
}

static void vacuum_full(lk_site *s)
{
	rewrite_statement(s, MG_OP_VACUUM, "VACUUM FULL rewrites the table and",
	                  "-- reclaim space online with the pg_repack extension instead:\n"
	                  "--   pg_repack --table=<table> <database>\n"
	                  "-- or let plain VACUUM (no FULL) make the space reusable:\n"
	                  "VACUUM (ANALYZE);");
}

static void cluster(lk_site *s)
{
	rewrite_statement(s, MG_OP_CLUSTER, "CLUSTER rewrites the table in index order and",
	                  "-- reorder online with pg_repack instead:\n"
	                  "--   pg_repack --table=<table> --order-by=<columns> <database>");
}

static void truncate(lk_site *s)
{
	rewrite_statement(s, MG_OP_TRUNCATE, "TRUNCATE empties the table at once and",
	                  "-- delete in small batches, each in its own short transaction:\n"
	                  "-- DELETE FROM <table> WHERE id IN (SELECT id FROM <table> LIMIT 10000);");
}

/* ---- lock-table-rewrite -------------------------------------------------- */

static void table_rewrite(lk_site *s)
{
	const mg_operation *op = s->op;
	if (!(op->effects & MG_EFF_REWRITE))
		return;
	if (op->kind != MG_OP_SET_TABLESPACE && op->kind != MG_OP_SET_LOGGED &&
	    op->kind != MG_OP_SET_UNLOGGED && op->kind != MG_OP_SET_ACCESS_METHOD &&
	    op->kind != MG_OP_SET_EXPRESSION)
		return;
	const mg_object *t = mg_op_locked_table(s->op);
	if (!t || !lk_table_is_live(s, t))
		return;
	mg_buf msg = MG_BUF_INIT;
	mg_buf_printf(&msg, "%s rewrites the whole table under ACCESS EXCLUSIVE: reads and writes "
	                    "wait; ",
	              mg_op_kind_name(op->kind));
	lk_describe_impact(&msg, s, t);
	lk_report(s, t, mg_buf_cstr(&msg),
	          "-- copy into a new table online (logical replication, or pg_repack for\n"
	          "-- SET TABLESPACE: pg_repack --table=<table> --tablespace=<ts>), then switch");
	mg_buf_dispose(&msg);
}

/* ---- lock-attach-partition-scan, lock-detach-partition-blocking --------- */

/* The text inside the parentheses that follow `after` (balanced, quotes
 * respected), or NULL. */
static const char *paren_after(mg_arena *arena, const char *sql, const char *after)
{
	size_t n = strlen(after);
	const char *p = sql;
	for (; *p; p++)
		if (!strncasecmp(p, after, n))
			break;
	if (!*p)
		return NULL;
	p += n;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p != '(')
		return NULL;
	const char *start = ++p;
	int depth = 1;
	bool quoted = false;
	for (; *p; p++) {
		if (*p == '\'')
			quoted = !quoted;
		else if (!quoted && *p == '(')
			depth++;
		else if (!quoted && *p == ')' && --depth == 0)
			return mg_arena_strndup(arena, start, (size_t)(p - start));
	}
	return NULL;
}

/* The partition constraint PostgreSQL derives from a single-column bound,
 * written as a CHECK condition that implies it (range partitions also
 * exclude NULL), or NULL when the bound is not that simple. */
static const char *bound_condition(mg_arena *arena, const char *sql, const char *key)
{
	if (!sql || !key)
		return NULL;
	const char *in = paren_after(arena, sql, " IN");
	if (in && strstr(sql, "VALUES"))
		return mg_arena_printf(arena, "%s IN (%s)", key, in);
	const char *from = paren_after(arena, sql, "FROM");
	const char *to = paren_after(arena, sql, " TO");
	if (!from || !to || strchr(from, ',') || strchr(to, ','))
		return NULL;
	bool lo = strcasecmp(from, "MINVALUE") != 0, hi = strcasecmp(to, "MAXVALUE") != 0;
	return mg_arena_printf(arena, "%s IS NOT NULL%s%s%s%s%s%s", key, lo ? " AND " : "",
	                       lo ? key : "", lo ? mg_arena_printf(arena, " >= %s", from) : "",
	                       hi ? " AND " : "", hi ? key : "",
	                       hi ? mg_arena_printf(arena, " < %s", to) : "");
}

static void attach_partition(lk_site *s)
{
	const mg_operation *op = s->op;
	if (op->kind != MG_OP_ATTACH_PARTITION)
		return;
	const mg_catalog *cat = s->a->catalog;
	mg_arena *arena = &s->a->project->arena;
	const mg_cat_relation *parent =
		cat && op->related.name
			? mg_catalog_relation(cat, op->related.schema, op->related.name)
			: NULL;
	bool old = s->a->project->engine.major < 12;
	if (!(op->effects & MG_EFF_SCAN) && !old)
		return;
	mg_buf msg = MG_BUF_INIT;
	if (old)
		mg_buf_puts(&msg, "before PostgreSQL 12, ATTACH PARTITION takes ACCESS EXCLUSIVE on the "
		                  "parent: every query on the partitioned table waits");
	else
		mg_buf_puts(&msg, "ATTACH PARTITION scans the new partition under ACCESS EXCLUSIVE to "
		                  "prove its bound (no valid CHECK constraint proves it)");
	mg_buf_puts(&msg, "; ");
	lk_describe_impact(&msg, s, &op->object);
	const char *sql = stmt_sql(s);
	const char *key = parent && parent->partition_key.count == 1 ? parent->partition_key.items[0]
	                                                             : NULL;
	const char *cond = bound_condition(arena, sql, key);
	const char *cname = mg_arena_printf(arena, "%s_bound", op->object.name);
	mg_buf alt = MG_BUF_INIT;
	mg_buf_puts(&alt, "-- prove the bound first, without blocking, then attach:\nALTER TABLE ");
	put_rel(s, &alt, op->object.schema, op->object.name);
	mg_buf_puts(&alt, " ADD CONSTRAINT ");
	mg_sql_put_ident(&alt, cname);
	mg_buf_printf(&alt, " CHECK (%s) NOT VALID;\nALTER TABLE ",
	              cond ? cond : "/* the partition bound as a condition */ true");
	put_rel(s, &alt, op->object.schema, op->object.name);
	mg_buf_puts(&alt, " VALIDATE CONSTRAINT ");
	mg_sql_put_ident(&alt, cname);
	mg_buf_puts(&alt, ";\n");
	if (sql)
		mg_buf_printf(&alt, "%s;\n", sql);
	mg_buf_puts(&alt, "ALTER TABLE ");
	put_rel(s, &alt, op->object.schema, op->object.name);
	mg_buf_puts(&alt, " DROP CONSTRAINT ");
	mg_sql_put_ident(&alt, cname);
	mg_buf_putc(&alt, ';');
	report(s, &op->object, &msg, &alt);
}

static void detach_partition(lk_site *s)
{
	const mg_operation *op = s->op;
	if (op->kind != MG_OP_DETACH_PARTITION || (op->flags & (MG_OPF_CONCURRENTLY | MG_OPF_FINALIZE)))
		return;
	bool can = s->a->project->engine.major >= 14;
	mg_buf msg = MG_BUF_INIT, alt = MG_BUF_INIT;
	mg_buf_puts(&msg, "DETACH PARTITION takes ACCESS EXCLUSIVE on the parent: every query on the "
	                  "partitioned table waits");
	const char *sql = stmt_sql(s);
	if (can && sql) {
		mg_buf_printf(&msg, " (PostgreSQL %d has DETACH ... CONCURRENTLY)",
		              s->a->project->engine.major);
		/* Cancelled after its first transaction, the partition stays
		 * "detach pending" and a plain retry fails ("already pending
		 * detach"): FINALIZE completes it. */
		const char *schema = mg_catalog_default_schema(s->a->catalog);
		mg_buf fin = MG_BUF_INIT;
		mg_buf_puts(&fin, "if it is cancelled after its first step, the partition stays \"detach "
		                  "pending\"\nand a retry fails: complete it with\nALTER TABLE ");
		mg_sql_put_qualified(&fin, schema, op->related.schema,
		                     op->related.name ? op->related.name : "parent");
		mg_buf_puts(&fin, " DETACH PARTITION ");
		mg_sql_put_qualified(&fin, schema, op->object.schema,
		                     op->object.name ? op->object.name : "child");
		mg_buf_puts(&fin, " FINALIZE;");
		const cancel_note n = {NULL, NULL,
		                       mg_arena_strdup(&s->a->project->arena, mg_buf_cstr(&fin))};
		mg_buf_dispose(&fin);
		no_txn_script(&alt, s, mg_arena_printf(&s->a->project->arena, "%s CONCURRENTLY", sql),
		              &n);
	} else {
		mg_buf_puts(&alt, "-- PostgreSQL 14+ detaches without blocking the parent:\n"
		                  "-- ALTER TABLE parent DETACH PARTITION child CONCURRENTLY;\n"
		                  "-- before 14: run it in a quiet window with SET lock_timeout = '2s';");
	}
	report(s, &op->related, &msg, &alt);
}

/* ---- lock-enum-value-in-transaction -------------------------------------- */

static void enum_value_in_transaction(lk_site *s)
{
	const mg_operation *op = s->op;
	if (op->kind != MG_OP_ADD_ENUM_VALUE || !(op->effects & MG_EFF_FAILS))
		return;
	mg_buf msg = MG_BUF_INIT;
	mg_buf_printf(&msg, "ALTER TYPE ... ADD VALUE cannot run inside a transaction block before "
	                    "PostgreSQL 12 (target: %d): the deploy fails",
	              s->a->project->engine.major);
	mg_finding *f = lk_report(
		s, &op->object, mg_buf_cstr(&msg),
		lk_is_liquibase(s) ? "<changeSet id=\"...\" author=\"...\" runInTransaction=\"false\">"
		                   : "-- in a migration of its own, with its .sql.conf:\n"
		                     "executeInTransaction=false");
	f->severity = s->rule->default_severity;
	mg_buf_dispose(&msg);
}

/* ---- perf-fk-without-index ---------------------------------------------- */

static bool index_covers(const mg_cat_relation *rel, const mg_name_list *cols)
{
	for (size_t i = 0; i < rel->n_indexes; i++) {
		const mg_cat_index *ix = &rel->indexes[i];
		if (ix->columns.count < cols->count || ix->where_expr)
			continue;
		bool ok = true;
		/* The FK columns must lead the index, in any order. */
		for (size_t c = 0; c < cols->count && ok; c++) {
			bool found = false;
			for (size_t k = 0; k < cols->count; k++)
				if (mg_str_eq(ix->columns.items[k], cols->items[c]))
					found = true;
			ok = found;
		}
		if (ok)
			return true;
	}
	return false;
}

static void check_fk(lk_site *s, const mg_object *table, const mg_constraint_def *k)
{
	const mg_catalog *cat = s->a->catalog;
	if (!cat || k->kind != MG_CONSTRAINT_FOREIGN_KEY || !k->columns.count)
		return;
	const mg_cat_relation *rel =
		mg_catalog_relation(cat, table->schema, table->name);
	if (!rel || rel->uncertain || index_covers(rel, &k->columns))
		return;
	mg_buf msg = MG_BUF_INIT, alt = MG_BUF_INIT;
	mg_buf_puts(&msg, "no index on ");
	mg_object_put(&msg, table);
	mg_buf_puts(&msg, " leads with the foreign key columns ");
	for (size_t i = 0; i < k->columns.count; i++)
		mg_buf_printf(&msg, "%s%s", i ? ", " : "", k->columns.items[i]);
	mg_buf_puts(&msg, ": every DELETE or key UPDATE on the referenced table scans it, and joins "
	                  "on the key do too");
	/* The alternative replaces the statement, so it keeps the statement:
	 * after the index for a table that has rows, before it for a new one. */
	const char *sql = stmt_sql(s);
	if (sql && s->op->kind == MG_OP_CREATE_TABLE)
		mg_buf_printf(&alt, "%s;\n", sql);
	const char *name = mg_sql_index_name(&s->a->project->arena, table->name, &k->columns, "idx");
	mg_buf idx = MG_BUF_INIT;
	mg_buf_puts(&idx, "CREATE INDEX CONCURRENTLY ");
	mg_sql_put_ident(&idx, name);
	mg_buf_puts(&idx, " ON ");
	put_rel(s, &idx, table->schema, table->name);
	mg_buf_putc(&idx, ' ');
	mg_sql_put_list(&idx, &k->columns);
	mg_object ix = index_of(s->op, table, name);
	no_txn_wrapper(&alt, s, mg_buf_cstr(&idx), &ix);
	mg_buf_dispose(&idx);
	if (sql && s->op->kind != MG_OP_CREATE_TABLE)
		mg_buf_printf(&alt, "\n-- then, in the next migration:\n%s;", sql);
	mg_finding *f = lk_report(s, table, mg_buf_cstr(&msg), mg_buf_cstr(&alt));
	f->severity = s->rule->default_severity;
	mg_buf_dispose(&msg);
	mg_buf_dispose(&alt);
}

static void fk_without_index(lk_site *s)
{
	const mg_operation *op = s->op;
	/* The finding's object names the table in both table and name. */
	mg_object t = mg_op_table(op);
	t.table = t.name;
	if (op->kind == MG_OP_ADD_CONSTRAINT && op->constraint) {
		check_fk(s, &t, op->constraint);
	} else if (op->kind == MG_OP_CREATE_TABLE) {
		for (size_t i = 0; i < op->n_constraints; i++)
			check_fk(s, &t, &op->constraints[i]);
		for (size_t c = 0; c < op->n_columns; c++)
			for (size_t i = 0; i < op->columns[c].n_constraints; i++) {
				mg_constraint_def k = op->columns[c].constraints[i];
				if (!k.columns.count) {
					k.columns.items = &op->columns[c].name;
					k.columns.count = 1;
				}
				check_fk(s, &t, &k);
			}
	} else if (op->kind == MG_OP_ADD_COLUMN && op->column) {
		for (size_t i = 0; i < op->column->n_constraints; i++) {
			mg_constraint_def k = op->column->constraints[i];
			if (!k.columns.count) {
				k.columns.items = &op->column->name;
				k.columns.count = 1;
			}
			check_fk(s, &t, &k);
		}
	}
}

/* ---- run functions: one per rule id ------------------------------------- */

static void lock_index_not_concurrent(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, index_not_concurrent);
}

static void lock_drop_index_not_concurrent(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, drop_index_not_concurrent);
}

static void lock_reindex_not_concurrent(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, reindex_not_concurrent);
}

static void lock_constraint_validates(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, constraint_validates);
}

static void lock_set_not_null_scan(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, set_not_null_scan);
}

static void lock_add_column_rewrite(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, add_column_rewrite);
}

static void lock_type_change_rewrite(mg_analysis *a, const mg_rule *rule)
{
	rewrites rw = {0};
	size_t first = a->n_findings;
	lk_each_op_with(a, rule, type_change_rewrite, &rw);
	combine_rewrites(a, &rw, first);
}

static void lock_unique_without_index(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, unique_without_index);
}

static void lock_concurrently_in_transaction(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, concurrently_in_transaction);
}

static void lock_held_across_statements(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, held_across_statements);
}

static void lock_no_lock_timeout(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, no_lock_timeout);
}

static void lock_vacuum_full(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, vacuum_full);
}

static void lock_cluster(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, cluster);
}

static void lock_truncate(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, truncate);
}

static void lock_table_rewrite(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, table_rewrite);
}

static void lock_attach_partition_scan(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, attach_partition);
}

static void lock_detach_partition_blocking(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, detach_partition);
}

static void lock_enum_value_in_transaction(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, enum_value_in_transaction);
}

static void perf_fk_without_index(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, fk_without_index);
}
/* ---- the family's registry entries --------------------------------------- */

const mg_rule an_locking_rules[] = {
	{
		.id = "lock-index-not-concurrent",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_HIGH,
		.summary = "CREATE INDEX without CONCURRENTLY on a live table",
		.doc = "A plain CREATE INDEX holds SHARE on the table for the whole build: every INSERT, "
		       "UPDATE and DELETE waits. Build it with CREATE INDEX CONCURRENTLY in a migration that "
		       "runs outside a transaction (Flyway does so by itself for a script of "
		       "non-transactional statements; Liquibase needs runInTransaction=\"false\"). A build "
		       "that fails (lock_timeout, cancel) leaves an INVALID index: the script drops it first "
		       "(DROP INDEX CONCURRENTLY IF EXISTS), never CREATE ... IF NOT EXISTS, which would "
		       "keep it, and RESETs its lock_timeout.",
		.example = "CREATE INDEX orders_customer_idx ON orders (customer_id);",
		.versions = "PostgreSQL 10 to 18",
		.run = lock_index_not_concurrent,
	},
	{
		.id = "lock-drop-index-not-concurrent",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_MEDIUM,
		.summary = "DROP INDEX without CONCURRENTLY on a live table",
		.doc = "DROP INDEX takes ACCESS EXCLUSIVE on the table; behind a long transaction the "
		       "waiting DROP stalls every query. DROP INDEX CONCURRENTLY waits without blocking.",
		.example = "DROP INDEX orders_customer_idx;",
		.versions = "PostgreSQL 10 to 18",
		.run = lock_drop_index_not_concurrent,
	},
	{
		.id = "lock-reindex-not-concurrent",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_MEDIUM,
		.summary = "REINDEX without CONCURRENTLY",
		.doc = "REINDEX blocks writes and every query that would use the index while it rebuilds. "
		       "PostgreSQL 12+ has REINDEX ... CONCURRENTLY; before 12, build a replacement index "
		       "concurrently and swap.",
		.example = "REINDEX INDEX orders_customer_idx;",
		.versions = "PostgreSQL 10 to 18; REINDEX CONCURRENTLY exists from 12, before that "
		            "build a new index concurrently and swap",
		.run = lock_reindex_not_concurrent,
	},
	{
		.id = "lock-constraint-validates",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_HIGH,
		.summary = "CHECK or FOREIGN KEY added without NOT VALID on a live table",
		.doc = "Adding the constraint checks every existing row while holding ACCESS EXCLUSIVE "
		       "(CHECK) or SHARE ROW EXCLUSIVE on both tables (FOREIGN KEY). Add it NOT VALID, then "
		       "VALIDATE CONSTRAINT in a later migration: validation takes SHARE UPDATE EXCLUSIVE "
		       "and traffic continues. A constraint that replaces one of the same name is added "
		       "under a temporary name, validated, then the old one is dropped and the new one "
		       "renamed.",
		.example = "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk\n"
		           "  FOREIGN KEY (customer_id) REFERENCES customers (id);",
		.versions = "PostgreSQL 10 to 18",
		.run = lock_constraint_validates,
	},
	{
		.id = "lock-set-not-null-scan",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_HIGH,
		.summary = "SET NOT NULL scans the table under ACCESS EXCLUSIVE",
		.doc = "SET NOT NULL reads every row with reads and writes blocked. Add CHECK (col IS NOT "
		       "NULL) NOT VALID, validate it, then SET NOT NULL: PostgreSQL 12+ skips the scan "
		       "when a valid CHECK proves the column.",
		.example = "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;",
		.versions = "PostgreSQL 10 to 18; from 12 a valid CHECK (col IS NOT NULL) lets it "
		            "skip the scan",
		.run = lock_set_not_null_scan,
	},
	{
		.id = "lock-add-column-rewrite",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_HIGH,
		.summary = "ADD COLUMN that rewrites the table",
		.doc = "A volatile default (random(), clock_timestamp(), gen_random_uuid(), serial), an "
		       "identity or stored generated column, or any default before PostgreSQL 11 rewrites "
		       "the table under ACCESS EXCLUSIVE. Add the column without the default, set the "
		       "default, and backfill in batches; for a stored generated column, a plain column that "
		       "a trigger computes from the same expression.",
		.example = "ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();",
		.versions = "a volatile default, identity or stored generated column: PostgreSQL 10 "
		            "to 18; any default at all: PostgreSQL 10 (11 added fast defaults)",
		.run = lock_add_column_rewrite,
	},
	{
		.id = "lock-type-change-rewrite",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_HIGH,
		.summary = "ALTER COLUMN TYPE that rewrites the table",
		.doc = "A type change that is not binary-coercible (int to bigint, a shorter varchar, a "
		       "USING clause) rewrites the table and its indexes under ACCESS EXCLUSIVE. Add a new "
		       "column, backfill it, and switch readers over in expand/contract steps. Several "
		       "statements of the release rewriting one table are one finding that proposes "
		       "one ALTER TABLE with all their clauses: one copy instead of many. timestamp to "
		       "timestamptz USING col AT TIME ZONE 'UTC' needs none of it on PostgreSQL 12+: drop "
		       "the USING and SET LOCAL TimeZone = 'UTC' (no rewrite).",
		.example = "ALTER TABLE orders ALTER COLUMN id TYPE bigint;",
		.versions = "PostgreSQL 10 to 18",
		.run = lock_type_change_rewrite,
	},
	{
		.id = "lock-unique-without-index",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_HIGH,
		.summary = "UNIQUE or PRIMARY KEY added without USING INDEX",
		.doc = "The constraint builds its index under ACCESS EXCLUSIVE, stronger than CREATE "
		       "INDEX: reads wait too. Build the unique index CONCURRENTLY, then ADD CONSTRAINT ... "
		       "USING INDEX.",
		.example = "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
		.versions = "PostgreSQL 10 to 18",
		.run = lock_unique_without_index,
	},
	{
		.id = "lock-concurrently-in-transaction",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_HIGH,
		.summary = "a statement that cannot run in a transaction block runs in one",
		.doc = "CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, DETACH PARTITION "
		       "CONCURRENTLY and VACUUM fail inside BEGIN ... COMMIT. The deploy stops there. Run "
		       "them in a migration with executeInTransaction=false (Flyway) or a changeset with "
		       "runInTransaction=\"false\" (Liquibase).",
		.example = "-- a Liquibase changeset with runInTransaction=\"true\" (the default)\n"
		           "CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);",
		.versions = "PostgreSQL 10 to 18: the server refuses it in a transaction block",
		.run = lock_concurrently_in_transaction,
	},
	{
		.id = "lock-held-across-statements",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_MEDIUM,
		.summary = "ACCESS EXCLUSIVE held while further statements run",
		.doc = "Locks are held until the transaction commits. An ACCESS EXCLUSIVE taken early in a "
		       "migration keeps the table blocked while every later statement runs. Put the work "
		       "after it in a migration of its own.",
		.example = "ALTER TABLE orders ADD COLUMN note text;\n"
		           "UPDATE orders SET note = '' WHERE note IS NULL;",
		.versions = "PostgreSQL 10 to 18",
		.run = lock_held_across_statements,
	},
	{
		.id = "lock-no-lock-timeout",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_LOW,
		.summary = "ACCESS EXCLUSIVE or SHARE requested without lock_timeout",
		.doc = "A DDL statement waiting for ACCESS EXCLUSIVE behind a long transaction makes every "
		       "later query on the table queue behind it: a metadata-only change becomes an "
		       "outage; a plain CREATE INDEX waiting for SHARE queues every write the same way. "
		       "Every such statement on a live table is reported once per table; the severity "
		       "follows the table's figures like every lock rule (medium on a hot table, more "
		       "when the lock is held long), never below the default. SET lock_timeout first, "
		       "and retry on timeout: SET LOCAL in a migration that runs in a transaction, "
		       "SET ... RESET outside one, so that it does not leak into later migrations on the "
		       "same connection.",
		.example = "ALTER TABLE orders ADD COLUMN note text;",
		.versions = "PostgreSQL 10 to 18",
		.run = lock_no_lock_timeout,
	},
	{
		.id = "lock-vacuum-full",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_HIGH,
		.summary = "VACUUM FULL in a migration",
		.doc = "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE. Use pg_repack online, or "
		       "plain VACUUM.",
		.example = "VACUUM FULL orders;",
		.versions = "PostgreSQL 10 to 18",
		.run = lock_vacuum_full,
	},
	{
		.id = "lock-cluster",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_HIGH,
		.summary = "CLUSTER in a migration",
		.doc = "CLUSTER rewrites the table in index order under ACCESS EXCLUSIVE. Use pg_repack "
		       "--order-by online.",
		.example = "CLUSTER orders USING orders_pkey;",
		.versions = "PostgreSQL 10 to 18",
		.run = lock_cluster,
	},
	{
		.id = "lock-truncate",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_MEDIUM,
		.summary = "TRUNCATE of a live table",
		.doc = "TRUNCATE takes ACCESS EXCLUSIVE and is not MVCC-safe. Delete in batches instead.",
		.example = "TRUNCATE order_events;",
		.versions = "PostgreSQL 10 to 18",
		.run = lock_truncate,
	},
	{
		.id = "lock-table-rewrite",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_HIGH,
		.summary = "SET TABLESPACE / SET LOGGED / SET UNLOGGED / SET ACCESS METHOD rewrites the table",
		.doc = "These rewrite or copy the whole table under ACCESS EXCLUSIVE. Copy online "
		       "(pg_repack, logical replication) and switch.",
		.example = "ALTER TABLE orders SET TABLESPACE fast_ssd;",
		.versions = "PostgreSQL 10 to 18; SET ACCESS METHOD exists from 15",
		.run = lock_table_rewrite,
	},
	{
		.id = "lock-attach-partition-scan",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_MEDIUM,
		.summary = "ATTACH PARTITION without a CHECK proving the bound",
		.doc = "ATTACH PARTITION scans the new partition under ACCESS EXCLUSIVE unless a valid "
		       "CHECK implies its bound, and before PostgreSQL 12 it locks the parent ACCESS "
		       "EXCLUSIVE. Add the CHECK NOT VALID, validate it, attach, then drop it.",
		.example = "ALTER TABLE events ATTACH PARTITION events_2024\n"
		           "  FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
		.versions = "PostgreSQL 10 to 18; before 12 it also locks the parent ACCESS EXCLUSIVE",
		.run = lock_attach_partition_scan,
	},
	{
		.id = "lock-detach-partition-blocking",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_MEDIUM,
		.summary = "DETACH PARTITION without CONCURRENTLY",
		.doc = "DETACH PARTITION takes ACCESS EXCLUSIVE on the parent. PostgreSQL 14+ can DETACH "
		       "... CONCURRENTLY outside a transaction.",
		.example = "ALTER TABLE events DETACH PARTITION events_2019;",
		.versions = "PostgreSQL 10 to 18; DETACH ... CONCURRENTLY exists from 14",
		.run = lock_detach_partition_blocking,
	},
	{
		.id = "lock-enum-value-in-transaction",
		.category = MG_CAT_LOCKING,
		.default_severity = MG_SEV_HIGH,
		.summary = "ALTER TYPE ... ADD VALUE in a transaction before PostgreSQL 12",
		.doc = "Before 12, adding an enum value inside a transaction block fails. Run it in a "
		       "migration outside a transaction.",
		.example = "ALTER TYPE order_status ADD VALUE 'refunded';",
		.versions = "PostgreSQL 10 and 11; from 12 it may run in a transaction",
		.run = lock_enum_value_in_transaction,
	},
	{
		.id = "perf-fk-without-index",
		.category = MG_CAT_PERFORMANCE,
		.default_severity = MG_SEV_MEDIUM,
		.summary = "foreign key without an index on its referencing columns",
		.doc = "Without an index leading with the foreign key columns, every DELETE or key UPDATE on "
		       "the referenced table scans the referencing table (under a lock), and joins on the "
		       "key scan too. Create the index CONCURRENTLY, then add the foreign key.",
		.example = "ALTER TABLE order_lines ADD CONSTRAINT order_lines_order_fk\n"
		           "  FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;",
		.versions = "PostgreSQL 10 to 18",
		.run = perf_fk_without_index,
	},
};
const size_t an_locking_rule_count = sizeof an_locking_rules / sizeof an_locking_rules[0];
