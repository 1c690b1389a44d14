/*
 * data.c: the data family: mass data changes in a migration, and code
 * whose effects migraph cannot see.
 *
 * A data change holds the row lock of every row it changes until its
 * transaction commits, writes WAL in proportion to those rows and makes
 * every replica replay it.  The figures come from the risk model (the
 * statement's runtime, the table's traffic) and the profile (replica apply
 * rate, SLOs); the transaction from the replay's timeline.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "analyze/families.h"
#include "analyze/lock_site.h"
#include "migraph/catalog.h"
#include "migraph/graph.h"
#include "migraph/sql.h"
#include "migraph/sqlwrite.h"
#include "migraph/timeline.h"

#define DATA_BATCH_ROWS 1000 /* the alternative's batch: small enough to commit fast */
#define DATA_PAUSE_S    "0.1"
#define DATA_DEFAULT_SLO_MS 2000.0

/* ---- code migraph cannot see into -------------------------------------- */

/* Statement keywords that change data or schema; a procedural body that
 * names one of them runs it (or builds it for EXECUTE). */
static const char *const changing_words[] = {"insert", "update", "delete", "merge", "truncate",
                                             "alter", "create", "drop", "execute", "copy"};

static bool word_at(const char *p, const char *start, const char *w, size_t n)
{
	if (strncasecmp(p, w, n) != 0)
		return false;
	bool before = p == start || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
	bool after = !(isalnum((unsigned char)p[n]) || p[n] == '_');
	return before && after;
}

/* "ALTER, UPDATE": the changing keywords in text (from skip bytes on), in
 * the list's order, or NULL when there is none. */
static const char *changing_keywords(mg_arena *arena, const char *text, size_t len, size_t skip)
{
	mg_buf b = MG_BUF_INIT;
	for (size_t w = 0; w < sizeof changing_words / sizeof changing_words[0]; w++) {
		size_t n = strlen(changing_words[w]);
		for (size_t i = skip; i + n <= len; i++)
			if (word_at(text + i, text, changing_words[w], n)) {
				if (b.len)
					mg_buf_puts(&b, ", ");
				for (size_t k = 0; k < n; k++)
					mg_buf_putc(&b, (char)toupper((unsigned char)changing_words[w][k]));
				break;
			}
	}
	const char *out = b.len ? mg_arena_strdup(arena, mg_buf_cstr(&b)) : NULL;
	mg_buf_dispose(&b);
	return out;
}

static void opaque_code(lk_site *s)
{
	const mg_operation *op = s->op;
	if (op->kind != MG_OP_OPAQUE)
		return;
	mg_arena *ar = &s->a->project->arena;
	const char *what = NULL, *sees = NULL;
	mg_severity sev = s->rule->default_severity;
	const char *name = op->object.name;
	switch (op->opaque_kind) {
	case MG_OPAQUE_DO_BLOCK:
		sees = changing_keywords(ar, s->st->sql, s->st->sql_len, 0);
		if (!sees)
			return; /* notices, checks: nothing that locks or changes */
		what = mg_arena_printf(ar, "a DO block (%s)", op->detail ? op->detail : "plpgsql");
		break;
	case MG_OPAQUE_FUNCTION_BODY:
		/* the statement's own CREATE is not the body's */
		sees = changing_keywords(ar, s->st->sql, s->st->sql_len, 6);
		if (!sees)
			return;
		what = mg_arena_printf(ar, "the body of %s %s (%s), which runs whenever it is called",
		                       op->object.kind == MG_OBJ_PROCEDURE ? "procedure" : "function",
		                       name ? name : "?", op->detail ? op->detail : "sql");
		sev = MG_SEV_LOW; /* creating it runs nothing; its callers do */
		break;
	case MG_OPAQUE_PROCEDURE_CALL:
		what = mg_arena_printf(ar, "CALL %s: the procedure's body", name ? name : "?");
		break;
	case MG_OPAQUE_CUSTOM_CHANGE:
		what = mg_arena_printf(ar, "the Liquibase customChange class %s (Java code)",
		                       op->detail ? op->detail : "?");
		break;
	case MG_OPAQUE_EXECUTE_COMMAND:
		what = mg_arena_printf(ar, "the Liquibase executeCommand %s (an external program)",
		                       op->detail ? op->detail : "?");
		break;
	default:
		return;
	}
	mg_buf msg = MG_BUF_INIT;
	mg_buf_printf(&msg, "migraph cannot see into %s", what);
	if (sees)
		mg_buf_printf(&msg, "; it names %s", sees);
	mg_buf_puts(&msg, ": the tables it locks, the rows it changes and its runtime are not in "
	                  "this review. Review it by hand");
	mg_finding *f = mg_analysis_add_finding(s->a, s->rule, sev, op->loc, s->cs);
	f->object = op->object;
	f->message = mg_arena_strdup(ar, mg_buf_cstr(&msg));
	f->safe_alternative =
	    "-- Write what it does as plain SQL statements in the migration, so that their locks "
	    "and runtime are reviewed;\n-- keep loops and batching out of the migration (a batched "
	    "job after the deploy).";
	mg_buf_dispose(&msg);
}

/* ---- mass data changes ------------------------------------------------- */

/* A statement that changes (or copies) rows in bulk: the family's subject. */
static bool mass_dml(const mg_operation *op)
{
	return op->kind == MG_OP_UPDATE || op->kind == MG_OP_DELETE || op->kind == MG_OP_MERGE ||
	       (op->kind == MG_OP_INSERT && (op->flags & MG_OPF_AS_SELECT));
}

static const char *dml_verb(const mg_operation *op)
{
	switch (op->kind) {
	case MG_OP_UPDATE: return "UPDATE";
	case MG_OP_DELETE: return "DELETE";
	case MG_OP_MERGE: return "MERGE";
	default: return "INSERT ... SELECT";
	}
}

/* The single-column primary key of the table as the catalog knows it, or NULL. */
static const char *single_key(const mg_analysis *a, const mg_object *t)
{
	const mg_cat_relation *rel =
	    a->catalog ? mg_catalog_relation(a->catalog, t->schema, t->name) : NULL;
	if (!rel)
		return NULL;
	for (size_t i = 0; i < rel->n_constraints; i++)
		if (rel->constraints[i].kind == MG_CONSTRAINT_PRIMARY_KEY)
			return rel->constraints[i].columns.count == 1 ? rel->constraints[i].columns.items[0]
			                                              : NULL;
	for (size_t i = 0; i < rel->n_indexes; i++)
		if (rel->indexes[i].primary)
			return rel->indexes[i].columns.count == 1 ? rel->indexes[i].columns.items[0] : NULL;
	return NULL;
}

/* WHERE key = constant: one row, not a backfill. */
static bool point_change(const mg_analysis *a, const mg_operation *op, const mg_object *t)
{
	const char *key = single_key(a, t);
	for (size_t i = 0; i < op->n_where_terms; i++) {
		const mg_where_term *w = &op->where_terms[i];
		if (strcmp(w->op, "=") == 0 &&
		    (strcasecmp(w->column, "id") == 0 || (key && strcasecmp(w->column, key) == 0)))
			return true;
	}
	return false;
}

/* What a mass change costs, from the risk figures. */
typedef struct dml_cost {
	const mg_object *table;
	const mg_table_risk *t;    /* the table's entry in the changeset's risk, or NULL */
	const mg_stmt_risk *sr;    /* the statement's */
	bool known;                /* profile, size and runtime known */
	double runtime_ms;
	double hold_ms;            /* row locks held: until the transaction commits */
	double wal_bytes;
	bool lag_known;
	double lag_s;
	double slo_ms;
} dml_cost;

static bool dml_cost_of(const lk_site *s, dml_cost *c)
{
	memset(c, 0, sizeof *c);
	c->table = mg_op_locked_table(s->op);
	if (!c->table)
		return false;
	c->t = lk_table_risk(s, c->table);
	c->sr = s->cr && s->cr->stmts ? &s->cr->stmts[s->stmt_index] : NULL;
	const mg_profile *p = s->a->profile;
	c->slo_ms = p && p->max_lock_ms.known ? p->max_lock_ms.value : DATA_DEFAULT_SLO_MS;
	c->known = p && c->t && c->t->size_known && c->sr && c->sr->runtime_known;
	if (!c->known)
		return true;
	c->runtime_ms = c->sr->runtime_ms;
	/* row locks are held until the transaction ends: this statement's
	 * runtime and that of every statement after it up to the commit */
	const mg_timeline *tl = s->a->graph ? s->a->graph->timeline : NULL;
	const mg_timeline_entry *e = mg_timeline_at(tl, s->cs->index, s->stmt_index);
	c->hold_ms = c->runtime_ms;
	for (size_t i = s->stmt_index + 1; e && i <= e->txn_end && i < s->cr->n_stmts; i++)
		if (s->cr->stmts[i].runtime_known)
			c->hold_ms += s->cr->stmts[i].runtime_ms;
	/* every changed row is written again: WAL ~ rows x row size */
	c->wal_bytes = (double)c->t->bytes;
	if (p->replica_apply_mb_s.known && p->replica_apply_mb_s.value > 0) {
		c->lag_known = true;
		c->lag_s = c->wal_bytes / (p->replica_apply_mb_s.value * 1e6);
	}
	return true;
}

/* Small enough to run as one statement: its runtime stays within a tenth
 * of the lock SLO and its WAL within the lag SLO. */
static bool known_small(const lk_site *s, const dml_cost *c)
{
	if (!c->known)
		return false;
	const mg_profile *p = s->a->profile;
	bool lag_ok = !c->lag_known || !p->max_replication_lag_s.known ||
	              c->lag_s <= p->max_replication_lag_s.value;
	return c->runtime_ms <= c->slo_ms / 10.0 && lag_ok;
}

/* The severity of the figures: row locks block the table's writers for
 * the hold time; replica lag beyond its SLO is high at least.  -1: the
 * figures cannot decide. */
static int dml_severity(const lk_site *s, const dml_cost *c)
{
	if (!c->known)
		return -1;
	mg_table_risk t = *c->t;
	t.blocks_writes = true;
	t.blocked_known = true;
	t.blocked_ms = c->hold_ms;
	t.queued_requests = t.write_qps * c->hold_ms / 1000.0 +
	                    (t.blocks_reads ? t.read_qps * c->hold_ms / 1000.0 : 0);
	int sev = mg_risk_severity(s->a->profile, &t, s->lock_timeout_before);
	const mg_profile *p = s->a->profile;
	if (c->lag_known && p->max_replication_lag_s.known &&
	    c->lag_s > p->max_replication_lag_s.value && sev < MG_SEV_HIGH)
		sev = MG_SEV_HIGH;
	return sev;
}

/* The blocking locks the same transaction holds on other tables while the
 * change runs. */
static void put_other_locks(mg_buf *b, const lk_site *s, const mg_object *table)
{
	const mg_timeline *tl = s->a->graph ? s->a->graph->timeline : NULL;
	const mg_timeline_entry *e = mg_timeline_at(tl, s->cs->index, s->stmt_index);
	if (!s->cr || !e || !e->in_block)
		return;
	size_t n = 0;
	for (size_t i = 0; i < s->cr->n_tables; i++) {
		const mg_table_risk *t = &s->cr->tables[i];
		if (t->new_in_release || !(t->blocks_reads || t->blocks_writes))
			continue;
		bool self = t->table.name && table->name && strcmp(t->table.name, table->name) == 0 &&
		            (!t->table.schema || !table->schema || strcmp(t->table.schema, table->schema) == 0);
		mg_buf_puts(b, n++ ? ", " : "; the same transaction holds ");
		mg_buf_printf(b, "%s on %s.%s%s (%s wait)", mg_lock_mode_name(t->mode),
		              t->table.schema ? t->table.schema : "", t->table.name,
		              self ? " itself" : "", t->blocks_reads ? "reads and writes" : "writes");
	}
	if (n)
		mg_buf_puts(b, " for that whole time");
}

static void put_impact(mg_buf *b, const lk_site *s, const dml_cost *c)
{
	if (!s->a->profile) {
		mg_buf_puts(b, "; table size unknown (no --profile): how long it runs is unknown");
	} else if (!c->known) {
		mg_buf_puts(b, "; table size unknown (not in the profile): how long it runs is unknown");
	} else {
		mg_buf_puts(b, "; est. ");
		mg_buf_put_duration(b, c->runtime_ms);
		if (c->sr->assumption)
			mg_buf_printf(b, " (%s)", c->sr->assumption);
		mg_buf_puts(b, "; the row lock of every row it changes is held ");
		if (c->hold_ms > c->runtime_ms) {
			mg_buf_puts(b, "until the migration commits, ");
			mg_buf_put_duration(b, c->hold_ms);
		} else {
			mg_buf_puts(b, "for that time");
		}
		if (c->t->rows) {
			mg_buf_puts(b, " (up to ");
			mg_buf_put_count(b, (double)c->t->rows);
			mg_buf_puts(b, " rows)");
		}
		if (c->t->write_qps > 0) {
			mg_buf_puts(b, ", and writers of those rows wait (");
			mg_buf_put_count(b, c->t->write_qps);
			mg_buf_puts(b, " writes/s)");
		}
		mg_buf_puts(b, "; WAL ~");
		mg_buf_put_bytes(b, c->wal_bytes);
		if (c->lag_known) {
			mg_buf_puts(b, ", replica lag ~");
			mg_buf_put_duration(b, c->lag_s * 1000.0);
			mg_buf_printf(b, " at %.0f MB/s apply", s->a->profile->replica_apply_mb_s.value);
		}
	}
	put_other_locks(b, s, c->table);
}

/* The change run in batches of DATA_BATCH_ROWS keys, each its own
 * transaction: psql's \gexec runs every statement the query returns, so
 * no DO block or procedure is needed.  NULL when the statement cannot be
 * cut up safely (a WITH, no single-column primary key ...). */
static const char *batched_sql(const lk_site *s, const mg_object *table)
{
	const mg_operation *op = s->op;
	if (op->kind != MG_OP_UPDATE && op->kind != MG_OP_DELETE)
		return NULL;
	mg_arena *ar = &s->a->project->arena;
	mg_sql_dml d;
	const char *dflt = s->a->catalog ? mg_catalog_default_schema(s->a->catalog) : NULL;
	if (mg_sql_dml_parts(ar, s->st->sql, s->st->sql_len, dflt, &d) != 0 || d.has_with ||
	    d.has_returning || d.where_current_of || d.only)
		return NULL;
	const char *key = single_key(s->a, table);
	if (!key)
		return NULL;
	mg_buf tbl = MG_BUF_INIT, ref = MG_BUF_INIT, stmt = MG_BUF_INIT, keys = MG_BUF_INIT,
	       out = MG_BUF_INIT;
	mg_sql_put_qualified(&tbl, NULL, table->schema, table->name);
	if (d.alias)
		mg_sql_put_ident(&ref, d.alias);
	else
		mg_sql_put_ident(&ref, table->name);
	mg_buf_printf(&ref, ".");
	mg_sql_put_ident(&ref, key);
	const char *cond = d.where_clause ? mg_arena_printf(ar, "(%s) AND ", d.where_clause) : "";
	if (op->kind == MG_OP_UPDATE)
		mg_buf_printf(&stmt, "UPDATE %s%s%s SET %s%s%s WHERE %s%s BETWEEN ", mg_buf_cstr(&tbl),
		              d.alias ? " AS " : "", d.alias ? d.alias : "", d.set_clause,
		              d.from_clause ? " FROM " : "", d.from_clause ? d.from_clause : "", cond,
		              mg_buf_cstr(&ref));
	else
		mg_buf_printf(&stmt, "DELETE FROM %s%s%s%s%s WHERE %s%s BETWEEN ", mg_buf_cstr(&tbl),
		              d.alias ? " AS " : "", d.alias ? d.alias : "",
		              d.from_clause ? " USING " : "", d.from_clause ? d.from_clause : "", cond,
		              mg_buf_cstr(&ref));
	mg_buf_printf(&keys, "SELECT %s AS k FROM %s%s%s%s%s%s%s", mg_buf_cstr(&ref), mg_buf_cstr(&tbl),
	              d.alias ? " AS " : "", d.alias ? d.alias : "", d.from_clause ? ", " : "",
	              d.from_clause ? d.from_clause : "", d.where_clause ? " WHERE " : "",
	              d.where_clause ? d.where_clause : "");
	mg_buf_printf(&out,
	              "-- Run it after the deploy, outside the migration, with psql: \\gexec runs each "
	              "batch of %d rows\n-- as a transaction of its own, with a pause between "
	              "batches (`migraph review` writes a resumable plan sized from the profile).\n"
	              "SELECT format('%%s %%L AND %%L', %s, min(k), max(k)),\n"
	              "       'SELECT pg_sleep(%s)'\n"
	              "  FROM (SELECT k, (row_number() OVER (ORDER BY k) - 1) / %d AS batch\n"
	              "          FROM (%s) AS keys) AS numbered\n"
	              " GROUP BY batch ORDER BY batch\n"
	              "\\gexec",
	              DATA_BATCH_ROWS, mg_sql_literal(ar, mg_buf_cstr(&stmt)), DATA_PAUSE_S,
	              DATA_BATCH_ROWS, mg_buf_cstr(&keys));
	const char *res = mg_arena_strdup(ar, mg_buf_cstr(&out));
	mg_buf_dispose(&tbl);
	mg_buf_dispose(&ref);
	mg_buf_dispose(&stmt);
	mg_buf_dispose(&keys);
	mg_buf_dispose(&out);
	return res;
}

static const char *batched_advice(const lk_site *s)
{
	const char *sql = batched_sql(s, mg_op_locked_table(s->op));
	if (sql)
		return sql;
	return "-- Move it out of the migration: run it after the deploy in batches of about a "
	       "thousand rows,\n-- each its own transaction, paging by the primary key, with a "
	       "pause between batches\n-- (`migraph review` writes such a plan, sized from the "
	       "profile).";
}

/* A mass change on a table that production already has: not created in
 * this release, not known to be small, not one row. */
static bool live_mass_change(const lk_site *s, dml_cost *c)
{
	if (!mass_dml(s->op) || !dml_cost_of(s, c))
		return false;
	if (c->t && c->t->new_in_release)
		return false;
	if (c->known && c->t->rows == 0 && c->t->bytes == 0)
		return false;
	if ((s->op->kind == MG_OP_UPDATE || s->op->kind == MG_OP_DELETE) &&
	    point_change(s->a, s->op, c->table))
		return false;
	return !known_small(s, c);
}

/* ---- ADD COLUMN, then UPDATE every row to a constant -------------------- */

static bool same_name(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

/* A literal: 'text', 42, -1.5, TRUE, FALSE, each maybe with a ::type cast. */
static bool is_literal(const char *e)
{
	if (!e)
		return false;
	while (isspace((unsigned char)*e))
		e++;
	const char *p = e;
	if (*p == '\'') {
		for (p++; *p; p++)
			if (*p == '\'') {
				if (p[1] != '\'')
					break;
				p++;
			}
		if (*p != '\'')
			return false;
		p++;
	} else if (strncasecmp(p, "true", 4) == 0 || strncasecmp(p, "false", 5) == 0) {
		p += tolower((unsigned char)*p) == 't' ? 4 : 5;
	} else {
		if (*p == '-' || *p == '+')
			p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p) || *p == '.')
			p++;
	}
	if (p[0] == ':' && p[1] == ':') {
		p += 2;
		while (isalnum((unsigned char)*p) || *p == '_' || *p == ' ' || *p == '(' || *p == ')' ||
		       *p == ',')
			p++;
	}
	while (isspace((unsigned char)*p))
		p++;
	return *p == '\0';
}

/* The UPDATE sets one column to a constant on every row (or on the rows
 * where it is still NULL): *col and *value say which. */
static bool sets_constant(const lk_site *s, const char **col, const char **value)
{
	if (s->op->kind != MG_OP_UPDATE)
		return false;
	mg_sql_dml d;
	const char *dflt = s->a->catalog ? mg_catalog_default_schema(s->a->catalog) : NULL;
	if (mg_sql_dml_parts(&s->a->project->arena, s->st->sql, s->st->sql_len, dflt, &d) != 0 ||
	    d.from_clause || d.has_with || d.multi_assign || d.set_subfield ||
	    d.set_columns.count != 1 || d.set_exprs.count != 1 || !is_literal(d.set_exprs.items[0]))
		return false;
	*col = d.set_columns.items[0];
	*value = d.set_exprs.items[0];
	if (!d.where_clause)
		return true;
	/* WHERE col IS NULL: the same rows, those the ADD COLUMN left NULL */
	const char *w = d.where_clause;
	size_t n = strlen(*col);
	if (strncasecmp(w, *col, n) != 0)
		return false;
	w += n;
	while (isspace((unsigned char)*w))
		w++;
	if (strncasecmp(w, "is", 2) != 0 || !isspace((unsigned char)w[2]))
		return false;
	w += 3;
	while (isspace((unsigned char)*w))
		w++;
	return strncasecmp(w, "null", 4) == 0 && w[4] == '\0';
}

/* The ADD COLUMN of col on table earlier in the changeset, nullable and
 * without a default; *at is its statement. */
static const mg_operation *added_before(const lk_site *s, const mg_object *table, const char *col,
                                        const mg_statement **at)
{
	for (size_t i = s->stmt_index; i-- > 0;) {
		const mg_statement *st = s->cs->stmts[i];
		for (size_t k = 0; k < st->n_ops; k++) {
			const mg_operation *op = st->ops[k];
			mg_object t = mg_op_table(op);
			if (!same_name(t.name, table->name) ||
			    (t.schema && table->schema && !same_name(t.schema, table->schema)))
				continue;
			if (op->kind == MG_OP_UPDATE)
				return NULL; /* an earlier UPDATE of the table: the column is not new to it */
			if (op->kind != MG_OP_ADD_COLUMN || !op->column || !same_name(op->column->name, col))
				continue;
			const mg_column_def *c = op->column;
			if (c->default_expr || c->not_null || c->identity || c->generated_stored ||
			    c->serial || !c->type)
				return NULL;
			*at = st;
			return op;
		}
	}
	return NULL;
}

static bool add_column_then_update_at(const lk_site *s, const mg_operation **add,
                                      const mg_statement **at, const char **value)
{
	const char *col;
	const mg_object *table = mg_op_locked_table(s->op);
	return table && sets_constant(s, &col, value) &&
	       (*add = added_before(s, table, col, at)) != NULL;
}

static void add_column_then_update(lk_site *s)
{
	const mg_operation *add;
	const mg_statement *at;
	const char *value;
	dml_cost c;
	if (!add_column_then_update_at(s, &add, &at, &value) || !live_mass_change(s, &c))
		return;
	mg_arena *ar = &s->a->project->arena;
	const mg_column_def *col = add->column;
	mg_buf msg = MG_BUF_INIT, alt = MG_BUF_INIT, tbl = MG_BUF_INIT, cn = MG_BUF_INIT;
	mg_sql_put_qualified(&tbl, NULL, c.table->schema, c.table->name);
	mg_sql_put_ident(&cn, col->name);
	mg_buf_printf(&msg,
	              "column %s.%s is added without a default, then the UPDATE at line %u writes "
	              "%s into every row: a second copy of each row",
	              mg_buf_cstr(&tbl), col->name, (unsigned)s->op->loc.line, value);
	put_impact(&msg, s, &c);
	mg_buf_puts(&msg, ". ADD COLUMN ... DEFAULT with a constant gives every existing row the "
	                  "value without writing any (PostgreSQL 11 and later)");
	if (at->n_ops == 1) {
		mg_buf_printf(&alt,
		              "-- Existing rows get the value without a rewrite (PostgreSQL 11+); drop the "
		              "UPDATE at line %u.\n"
		              "ALTER TABLE %s ADD COLUMN %s %s DEFAULT %s;\n"
		              "-- Only if new rows must not get it by default:\n"
		              "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT;",
		              (unsigned)s->op->loc.line, mg_buf_cstr(&tbl), mg_buf_cstr(&cn), col->type, value,
		              mg_buf_cstr(&tbl), mg_buf_cstr(&cn));
	} else {
		mg_buf_printf(&alt,
		              "-- In the ALTER TABLE, write the column as %s %s DEFAULT %s (no rewrite "
		              "since PostgreSQL 11)\n-- and drop the UPDATE at line %u.",
		              mg_buf_cstr(&cn), col->type, value, (unsigned)s->op->loc.line);
	}
	int sev = dml_severity(s, &c);
	mg_finding *f = mg_analysis_add_finding(
	    s->a, s->rule, sev < 0 ? s->rule->default_severity : (mg_severity)sev, at->loc, s->cs);
	f->object = add->object;
	f->message = mg_arena_strdup(ar, mg_buf_cstr(&msg));
	f->safe_alternative = mg_arena_strdup(ar, mg_buf_cstr(&alt));
	mg_buf_dispose(&msg);
	mg_buf_dispose(&alt);
	mg_buf_dispose(&tbl);
	mg_buf_dispose(&cn);
}

/* ---- mass DML and DDL on the table in one transaction ------------------- */

static bool same_table(const mg_object *a, const mg_object *b)
{
	return same_name(a->name, b->name) &&
	       (!a->schema || !b->schema || same_name(a->schema, b->schema));
}

/* The strongest lock a schema change (not a data change) in the same
 * transaction takes on table, with its operation; NULL when there is none. */
static const mg_operation *ddl_in_txn(const lk_site *s, const mg_object *table,
                                      mg_lock_mode *mode)
{
	const mg_timeline *tl = s->a->graph ? s->a->graph->timeline : NULL;
	const mg_timeline_entry *e = mg_timeline_at(tl, s->cs->index, s->stmt_index);
	if (!e || !e->in_block)
		return NULL;
	size_t first = s->stmt_index;
	while (first > 0) {
		const mg_timeline_entry *p = mg_timeline_at(tl, s->cs->index, first - 1);
		if (!p || !p->in_block || p->txn_end != e->txn_end)
			break;
		first--;
	}
	const mg_operation *best = NULL;
	*mode = MG_LOCK_NONE;
	for (size_t i = first; i <= e->txn_end && i < s->cs->n_stmts; i++) {
		const mg_statement *st = s->cs->stmts[i];
		for (size_t k = 0; k < st->n_ops; k++) {
			const mg_operation *op = st->ops[k];
			if (mass_dml(op) || mg_op_is_session(op) || op->kind == MG_OP_INSERT ||
			    op->kind == MG_OP_SELECT || op->kind == MG_OP_COPY)
				continue;
			for (size_t l = 0; l < op->n_locks; l++)
				if (op->locks[l].mode >= MG_LOCK_SHARE_UPDATE_EXCLUSIVE &&
				    op->locks[l].mode > *mode && same_table(&op->locks[l].relation, table)) {
					*mode = op->locks[l].mode;
					best = op;
				}
		}
	}
	return best;
}

static void dml_with_ddl(lk_site *s)
{
	const mg_operation *add, *ddl;
	const mg_statement *at;
	const char *value;
	mg_lock_mode mode;
	dml_cost c;
	if (!live_mass_change(s, &c) || add_column_then_update_at(s, &add, &at, &value))
		return;
	if (!(ddl = ddl_in_txn(s, c.table, &mode)))
		return;
	mg_arena *ar = &s->a->project->arena;
	mg_buf msg = MG_BUF_INIT;
	mg_buf_printf(&msg,
	              "%s over %s %s.%s runs in the same transaction as the schema change at line %u, "
	              "which takes %s on it: that lock is held while every row is changed",
	              dml_verb(s->op), (s->op->flags & MG_OPF_HAS_WHERE) ? "rows of" : "every row of",
	              c.table->schema ? c.table->schema : "", c.table->name, (unsigned)ddl->loc.line,
	              mg_lock_mode_name(mode));
	put_impact(&msg, s, &c);
	int sev = MG_SEV_HIGH;
	int fig = dml_severity(s, &c);
	if (c.known) {
		int held = mg_risk_hold_severity(s->a, c.table, mode, false, c.hold_ms, true,
		                                 s->lock_timeout_before);
		if (held > fig)
			fig = held;
	}
	if (fig > sev)
		sev = fig;
	mg_finding *f = mg_analysis_add_finding(s->a, s->rule, (mg_severity)sev, s->op->loc, s->cs);
	f->object = *c.table;
	f->message = mg_arena_strdup(ar, mg_buf_cstr(&msg));
	const char *batched = batched_sql(s, c.table);
	f->safe_alternative =
	    batched ? mg_arena_printf(ar,
	                              "-- Let the schema change commit on its own (a migration of its "
	                              "own), then change the rows in batches:\n%s",
	                              batched)
	            : "-- Let the schema change commit on its own (a migration of its own), then "
	              "change the rows after the deploy\n-- in batches of about a thousand rows, each "
	              "its own transaction (`migraph review` writes such a plan).";
	mg_buf_dispose(&msg);
}

static void unbatched_backfill(lk_site *s)
{
	dml_cost c;
	const mg_operation *add;
	const mg_statement *at;
	const char *value;
	if (!live_mass_change(s, &c))
		return;
	if (add_column_then_update_at(s, &add, &at, &value))
		return; /* data-add-column-then-update reports it, with the better fix */
	mg_lock_mode mode;
	if (ddl_in_txn(s, c.table, &mode))
		return; /* data-dml-with-ddl reports it: the DDL's lock is the larger harm */
	mg_arena *ar = &s->a->project->arena;
	mg_buf msg = MG_BUF_INIT;
	mg_buf_printf(&msg, "%s of %s %s.%s in one statement", dml_verb(s->op),
	              (s->op->flags & MG_OPF_HAS_WHERE) ? "the matching rows of" : "every row of",
	              c.table->schema ? c.table->schema : "", c.table->name);
	put_impact(&msg, s, &c);
	int sev = dml_severity(s, &c);
	mg_finding *f = mg_analysis_add_finding(
	    s->a, s->rule, sev < 0 ? s->rule->default_severity : (mg_severity)sev, s->op->loc, s->cs);
	f->object = *c.table;
	f->message = mg_arena_strdup(ar, mg_buf_cstr(&msg));
	f->safe_alternative = batched_advice(s);
	mg_buf_dispose(&msg);
}

static void data_opaque_code(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, opaque_code);
}

static void data_unbatched_backfill(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, unbatched_backfill);
}

static void data_dml_with_ddl(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, dml_with_ddl);
}

static void data_add_column_then_update(mg_analysis *a, const mg_rule *rule)
{
	lk_each_op(a, rule, add_column_then_update);
}

/* ---- the family's registry entries --------------------------------------- */

const mg_rule an_data_rules[] = {
	{
		.id = "data-opaque-code",
		.category = MG_CAT_DATA,
		.default_severity = MG_SEV_MEDIUM,
		.summary = "Runs code migraph cannot see into: a DO block, a function body, a customChange",
		.doc = "A DO block or function body that changes data or schema, a CALL, a Liquibase "
		       "customChange or executeCommand: what it locks, how many rows it changes and how "
		       "long it runs are not in the review, so a clean report says nothing about it. A "
		       "function body runs only when called (low); the others run during the migration. "
		       "Safe alternative: write the statements as plain SQL in the migration so they are "
		       "reviewed, and keep loops and batching in a job after the deploy.",
		.example = "DO $$\nBEGIN\n  UPDATE orders SET note = 'migrated';\nEND\n$$;",
		.versions = "every version: this is about what migraph can analyse",
		.run = data_opaque_code,
	},
	{
		.id = "data-unbatched-backfill",
		.category = MG_CAT_DATA,
		.default_severity = MG_SEV_MEDIUM,
		.summary = "Changes the rows of a large or unknown-size live table in one statement",
		.doc = "An UPDATE, DELETE, MERGE or INSERT ... SELECT over a live table locks every row it "
		       "changes until the migration commits: writers of those rows wait for the whole "
		       "runtime, the WAL it writes (about the rows times their size) makes every replica "
		       "lag, and every other lock of the same transaction is held as long. Severity comes "
		       "from the runtime, the table's write traffic and the replica lag under the profile: "
		       "over a hot table it is critical when writers wait more than ten times the SLO. "
		       "Safe alternative: run it after the deploy in small batches, each its own "
		       "transaction, paging by the primary key (the finding gives a psql \\gexec form; "
		       "`migraph review` writes a resumable plan sized from the profile).",
		.example = "UPDATE orders SET note = 'n/a' WHERE note IS NULL;",
		.versions = "every version: row locks and WAL work alike on PostgreSQL 10 to 18",
		.run = data_unbatched_backfill,
	},
	{
		.id = "data-dml-with-ddl",
		.category = MG_CAT_DATA,
		.default_severity = MG_SEV_HIGH,
		.summary = "Changes the rows of a live table in the same transaction as a schema change on it",
		.doc = "The schema change's lock (ACCESS EXCLUSIVE for most ALTER TABLE forms) is held until "
		       "the transaction commits, so every read and write of the table waits for the whole "
		       "data change after it: the seed of safe rollouts is never to combine a schema change "
		       "and a backfill in one migration transaction. High at least; critical when the "
		       "figures say a hot table waits more than ten times the SLO. Safe alternative: let "
		       "the schema change commit on its own, then change the rows in batches.",
		.example = "ALTER TABLE orders ADD COLUMN region text;\n"
		           "UPDATE orders SET region = upper(note);",
		.versions = "every version: locks are held until commit on PostgreSQL 10 to 18",
		.run = data_dml_with_ddl,
	},
	{
		.id = "data-add-column-then-update",
		.category = MG_CAT_DATA,
		.default_severity = MG_SEV_MEDIUM,
		.summary = "Adds a column, then UPDATEs every row to a constant instead of a DEFAULT",
		.doc = "The UPDATE writes a new version of every row (row locks held until commit, WAL, "
		       "replica lag and table bloat) only to store one constant. Since PostgreSQL 11, ADD "
		       "COLUMN ... DEFAULT with a constant is a catalog change: existing rows read the "
		       "value without being rewritten. Safe alternative: add the column with the DEFAULT, "
		       "drop the UPDATE, and DROP DEFAULT afterwards if new rows must not get it.",
		.example = "ALTER TABLE orders ADD COLUMN region text;\n"
		           "UPDATE orders SET region = 'eu';",
		.versions = "PostgreSQL 11 to 18: ADD COLUMN with a constant DEFAULT rewrites nothing; on 10 "
		            "it rewrites the table as the UPDATE does",
		.run = data_add_column_then_update,
	},
};
const size_t an_data_rule_count = sizeof an_data_rules / sizeof an_data_rules[0];
