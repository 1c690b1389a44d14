/*
 * backfill_sql.c: the SQL of a backfill.
 *
 * One batch, the same in every form:
 *   1. the batch's first key: the first row after the checkpoint that
 *      still needs the change (an index probe on the key);
 *   2. its last key: batch_size such rows further (an index range scan);
 *   3. the change itself on [first, last], restricted by the predicate;
 *      when it fails (a constraint, a cast), the batch is redone row by
 *      row, each row in a subtransaction of its own, and the rows that
 *      still fail go to the dead-letter table with their error;
 *   4. the checkpoint row records the last key and the counts, in the
 *      same transaction as the change, so a batch is either done and
 *      recorded or neither.
 * The procedure (PostgreSQL 11+) loops over batches, commits after each
 * and sleeps between them.  PL/pgSQL cannot COMMIT inside a block that
 * has an EXCEPTION clause, so the subtransaction blocks close before the
 * COMMIT at the loop's top level.  Before 11 there are no procedures: a
 * psql script runs one DO block per batch through \gexec, each its own
 * transaction in psql's autocommit.
 *
 * Keys are compared as rows, (a, b) > (x, y), which PostgreSQL matches to
 * a composite primary key's index.  The checkpoint keeps the last key as
 * text[] (each column's text form) and the procedure reads it back into
 * variables declared with the columns' own %TYPE, so no type is guessed.
 * PL/pgSQL variables all start with mg_ so that they never shadow a
 * column the author's expressions use.
 */
#include <stdarg.h>
#include <string.h>

#include "migraph/sqlwrite.h"
#include "plan/backfill_int.h"

const char *plan_backfill_dollar_tag(mg_arena *arena, const char *base, const char *const *texts)
{
	for (int n = 0;; n++) {
		const char *tag = n ? mg_arena_printf(arena, "$%s%d$", base, n)
		                    : mg_arena_printf(arena, "$%s$", base);
		bool clash = false;
		for (size_t i = 0; texts[i] && !clash; i++)
			clash = strstr(texts[i], tag) != NULL;
		/* A tag of the same family that the text opens would end ours. */
		if (!clash)
			return tag;
	}
}

typedef struct gen {
	mg_arena *arena;
	const bf_spec *s;
	const char *tag; /* the procedure or DO body's dollar quote */
	mg_buf b;
} gen;

static void put(gen *g, const char *text)
{
	mg_buf_puts(&g->b, text);
}

static void line(gen *g, int indent, const char *fmt, ...) MG_PRINTF(3, 4);
static void line(gen *g, int indent, const char *fmt, ...)
{
	for (int i = 0; i < indent; i++)
		mg_buf_puts(&g->b, "    ");
	va_list ap;
	va_start(ap, fmt);
	mg_buf_vprintf(&g->b, fmt, ap);
	va_end(ap);
	mg_buf_putc(&g->b, '\n');
}

static const char *take(gen *g)
{
	const char *r = mg_arena_strdup(g->arena, mg_buf_cstr(&g->b));
	mg_buf_clear(&g->b);
	return r;
}

/* ---- pieces of statements -------------------------------------------- */

/* text with ' doubled, to sit inside a string literal. */
static const char *lit_body(gen *g, const char *text)
{
	const char *l = mg_sql_literal(g->arena, text);
	return mg_arena_strndup(g->arena, l + 1, strlen(l) - 2);
}

/* One entry per key column, ", " between them, inside open ... close.  In
 * item, {r} is how the row is referred to, {k} the key column and {i} its
 * number from 1: key_list(g, "(", "{r}.{k}", ")") gives "(q.a, q.b)". */
static const char *key_list(gen *g, const char *open, const char *item, const char *close)
{
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, open);
	for (size_t i = 0; i < g->s->n_key; i++) {
		if (i)
			mg_buf_puts(&b, ", ");
		for (const char *p = item; *p; p++) {
			if (!strncmp(p, "{r}", 3))
				mg_buf_puts(&b, g->s->ref);
			else if (!strncmp(p, "{k}", 3))
				mg_buf_puts(&b, g->s->key[i]);
			else if (!strncmp(p, "{i}", 3))
				mg_buf_printf(&b, "%zu", i + 1);
			else {
				mg_buf_putc(&b, *p);
				continue;
			}
			p += 2;
		}
	}
	mg_buf_puts(&b, close);
	const char *r = mg_arena_strdup(g->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}

/* "q.a, q.b", or "(q.a, q.b)": the row's key columns. */
static const char *keys(gen *g, bool paren)
{
	return key_list(g, paren ? "(" : "", "{r}.{k}", paren ? ")" : "");
}

/* "mg_lo1, mg_lo2", or "(mg_lo1, mg_lo2)": variables holding a key. */
static const char *vars(gen *g, const char *prefix, bool paren)
{
	return key_list(g, paren ? "(" : "", mg_arena_printf(g->arena, "%s{i}", prefix),
	                paren ? ")" : "");
}

/* "q.a AS mg_key1, q.b AS mg_key2" */
static const char *keys_as(gen *g)
{
	return key_list(g, "", "{r}.{k} AS mg_key{i}", "");
}

/* "s.mg_key1 DESC, s.mg_key2 DESC" (prefix given) or "q.a, q.b". */
static const char *order(gen *g, const char *prefix, const char *dir)
{
	return key_list(g, "",
	                mg_arena_printf(g->arena, "%s%s", prefix ? prefix : "{r}.",
	                                prefix ? mg_arena_printf(g->arena, "{i}%s", dir)
	                                       : mg_arena_printf(g->arena, "{k}%s", dir)),
	                "");
}

/* "ARRAY[mg_hi1::text, mg_hi2::text]": a key as the checkpoint keeps it. */
static const char *as_text_array(gen *g, const char *prefix)
{
	return key_list(g, "ARRAY[", mg_arena_printf(g->arena, "%s{i}::text", prefix), "]");
}

/* "ARRAY[q.a::text, q.b::text]": the row's key as the checkpoint keeps it. */
static const char *key_text_array(gen *g)
{
	return key_list(g, "ARRAY[", "{r}.{k}::text", "]");
}

/* "FROM table [AS alias]": the relation as the author's expressions see it. */
static const char *from_table(gen *g)
{
	const bf_spec *s = g->s;
	return s->alias ? mg_arena_printf(g->arena, "%s%s AS %s", s->only ? "ONLY " : "", s->table,
	                                  s->alias)
	                : mg_arena_printf(g->arena, "%s%s", s->only ? "ONLY " : "", s->table);
}

/* The change itself, without its WHERE. */
static const char *change_head(gen *g)
{
	const bf_spec *s = g->s;
	if (s->set_clause)
		return mg_arena_printf(g->arena, "UPDATE %s SET %s%s%s", from_table(g),
		                       s->set_clause, s->from_clause ? " FROM " : "",
		                       s->from_clause ? s->from_clause : "");
	return mg_arena_printf(g->arena, "DELETE FROM %s%s%s", from_table(g),
	                       s->from_clause ? " USING " : "",
	                       s->from_clause ? s->from_clause : "");
}

/* " AND (condition)" where the key selection may use it: the author's own
 * condition (never the guard derived from the SET list, which evaluates
 * the new value and so fails on exactly the rows that must become dead
 * letters), and only when it reads nothing but the table. */
static const char *pred_on_table(gen *g)
{
	const bf_spec *s = g->s;
	if (!s->select_predicate || s->from_clause)
		return "";
	return mg_arena_printf(g->arena, " AND (%s)", s->select_predicate);
}

/* The rows that still need the change, as a WHERE body: rows already in
 * the dead-letter table are left out first (CASE fixes the order), since
 * evaluating the predicate may fail on exactly those rows. */
static const char *not_done(gen *g)
{
	const bf_spec *s = g->s;
	if (s->from_clause) /* a join condition inside CASE would defeat the join */
		return mg_arena_printf(
		    g->arena,
		    "(%s) AND NOT EXISTS (SELECT 1 FROM %s d WHERE d.backfill = %s AND "
		    "d.key = %s)",
		    s->predicate ? s->predicate : "true", s->dead_letter, s->name_lit,
		    key_text_array(g));
	return mg_arena_printf(
	    g->arena,
	    "CASE WHEN EXISTS (SELECT 1 FROM %s d WHERE d.backfill = %s AND d.key = %s) "
	    "THEN false ELSE (%s) END",
	    s->dead_letter, s->name_lit, key_text_array(g), s->predicate ? s->predicate : "true");
}

static const char *pred_in_change(gen *g)
{
	const bf_spec *s = g->s;
	return s->predicate ? mg_arena_printf(g->arena, " AND (%s)", s->predicate) : "";
}

/* ---- the blocks ------------------------------------------------------ */

static void declare_keys(gen *g)
{
	const bf_spec *s = g->s;
	for (size_t i = 0; i < s->n_key; i++)
		line(g, 1, "mg_k%zu %s;   -- the checkpoint: last key done", i + 1, s->key_type[i]);
	for (size_t i = 0; i < s->n_key; i++)
		line(g, 1, "mg_lo%zu %s;  -- this batch's first key", i + 1, s->key_type[i]);
	for (size_t i = 0; i < s->n_key; i++)
		line(g, 1, "mg_hi%zu %s;  -- this batch's last key", i + 1, s->key_type[i]);
}

static void declare_common(gen *g)
{
	line(g, 1, "mg_started boolean := false;");
	line(g, 1, "mg_more boolean := true;");
	line(g, 1, "mg_key text[];");
	line(g, 1, "mg_done timestamptz;");
	line(g, 1, "mg_one bigint;");
	line(g, 1, "mg_n bigint;");
	line(g, 1, "mg_failed bigint := 0;");
	line(g, 1, "mg_fixed bigint := 0;");
	line(g, 1, "mg_dead bigint;");
	line(g, 1, "mg_r record;");
	line(g, 1, "mg_found boolean;");
	line(g, 1, "mg_paged boolean;");
}

/* Reads the checkpoint row into mg_key / mg_done and the key variables. */
static void load_checkpoint(gen *g, int in)
{
	const bf_spec *s = g->s;
	line(g, in,
	     "SELECT last_key, finished_at INTO mg_key, mg_done FROM %s WHERE backfill = %s;",
	     s->checkpoint, s->name_lit);
	line(g, in, "IF mg_key IS NOT NULL THEN");
	for (size_t i = 0; i < s->n_key; i++)
		line(g, in + 1, "mg_k%zu := mg_key[%zu];", i + 1, i + 1);
	line(g, in + 1, "mg_started := true;");
	line(g, in, "END IF;");
}

/* Rows whose change failed before, redone one by one (after a person has
 * fixed what made them fail); a row that now works leaves the table. */
static void retry_dead_letters(gen *g, int in)
{
	const bf_spec *s = g->s;
	line(g, in, "FOR mg_r IN SELECT key FROM %s WHERE backfill = %s ORDER BY failed_at LOOP",
	     s->dead_letter, s->name_lit);
	line(g, in + 1, "BEGIN");
	for (size_t i = 0; i < s->n_key; i++)
		line(g, in + 2, "mg_lo%zu := mg_r.key[%zu];", i + 1, i + 1);
	line(g, in + 2, "%s", change_head(g));
	line(g, in + 3, "WHERE %s = %s%s;", keys(g, true), vars(g, "mg_lo", true),
	     pred_in_change(g));
	line(g, in + 2, "DELETE FROM %s WHERE backfill = %s AND key = mg_r.key;", s->dead_letter,
	     s->name_lit);
	line(g, in + 2, "mg_fixed := mg_fixed + 1;");
	line(g, in + 1, "EXCEPTION WHEN OTHERS THEN");
	line(g, in + 2,
	     "UPDATE %s SET sqlstate = SQLSTATE, error = SQLERRM, failed_at = "
	     "clock_timestamp()",
	     s->dead_letter);
	line(g, in + 3, "WHERE backfill = %s AND key = mg_r.key;", s->name_lit);
	line(g, in + 1, "END;");
	line(g, in, "END LOOP;");
	line(g, in,
	     "UPDATE %s SET rows_done = rows_done + mg_fixed, rows_failed = rows_failed - "
	     "mg_fixed,",
	     s->checkpoint);
	line(g, in + 1, "updated_at = clock_timestamp() WHERE backfill = %s;", s->name_lit);
	line(g, in,
	     "RAISE NOTICE 'backfill %%: %% dead-letter rows done on retry, %% still failing',");
	line(g, in + 1, "%s, mg_fixed, (SELECT count(*) FROM %s WHERE backfill = %s);", s->name_lit,
	     s->dead_letter, s->name_lit);
}

/* One batch; sets mg_more to false when no row after the checkpoint
 * needs the change (and marks the checkpoint finished). */
/* Steps 1 and 2: mg_lo and mg_hi, and mg_found false when no row after
 * the checkpoint needs the change.  cond is " AND (condition)" or "". */
static void select_keys(gen *g, int in, const char *cond)
{
	const char *ft = from_table(g);
	line(g, in, "IF mg_started THEN");
	line(g, in + 1, "SELECT %s INTO %s FROM %s", keys(g, false), vars(g, "mg_lo", false), ft);
	line(g, in + 2, "WHERE %s > %s%s", keys(g, true), vars(g, "mg_k", true), cond);
	line(g, in + 2, "ORDER BY %s LIMIT 1;", order(g, NULL, ""));
	line(g, in, "ELSE");
	line(g, in + 1, "SELECT %s INTO %s FROM %s", keys(g, false), vars(g, "mg_lo", false), ft);
	if (*cond)
		line(g, in + 2, "WHERE %s", cond + 5);
	line(g, in + 2, "ORDER BY %s LIMIT 1;", order(g, NULL, ""));
	line(g, in, "END IF;");
	line(g, in, "mg_found := FOUND;");
	line(g, in, "IF mg_found THEN");
	line(g, in + 1, "SELECT %s INTO %s FROM (", vars(g, "s.mg_key", false),
	     vars(g, "mg_hi", false));
	line(g, in + 2, "SELECT %s FROM %s", keys_as(g), ft);
	line(g, in + 2, "WHERE %s >= %s%s", keys(g, true), vars(g, "mg_lo", true), cond);
	line(g, in + 2, "ORDER BY %s LIMIT mg_limit", order(g, NULL, ""));
	line(g, in + 1, ") s ORDER BY %s LIMIT 1;", order(g, "s.mg_key", " DESC"));
	line(g, in, "END IF;");
}

/* One batch; sets mg_more to false when no row after the checkpoint
 * needs the change (and marks the checkpoint finished). */
static void batch(gen *g, int in)
{
	const bf_spec *s = g->s;
	const char *ft = from_table(g);
	const char *cond = pred_on_table(g);
	line(g, in,
	     "-- 1. the batch's first key: the first row after the checkpoint that needs the");
	line(g, in, "-- change; 2. its last key: batch_size such rows further.");
	if (*cond) {
		line(g, in, "mg_paged := true;");
		line(g, in, "BEGIN");
		select_keys(g, in + 1, cond);
		line(g, in, "EXCEPTION WHEN OTHERS THEN");
		line(g, in + 1,
		     "-- The condition itself fails on a row of this stretch (a cast ...):");
		line(g, in + 1, "-- page by key alone; the change below sorts the rows out.");
		line(g, in + 1, "mg_paged := false;");
		line(g, in, "END;");
		line(g, in, "IF NOT mg_paged THEN");
		select_keys(g, in + 1, "");
		line(g, in, "END IF;");
	} else {
		line(g, in, "mg_paged := false;");
		select_keys(g, in, "");
	}
	line(g, in, "IF NOT mg_found THEN");
	line(g, in + 1, "mg_more := false;");
	line(g, in + 1,
	     "UPDATE %s SET finished_at = clock_timestamp(), updated_at = clock_timestamp()",
	     s->checkpoint);
	line(g, in + 2, "WHERE backfill = %s;", s->name_lit);
	line(g, in, "ELSE");
	int b = in + 1;
	line(g, b, "mg_n := 0;");
	line(g, b, "mg_failed := 0;");
	line(g, b, "-- 3. the change, on this batch's keys only");
	line(g, b, "BEGIN");
	line(g, b + 1, "%s", change_head(g));
	line(g, b + 2, "WHERE %s >= %s AND %s <= %s%s;", keys(g, true), vars(g, "mg_lo", true),
	     keys(g, true), vars(g, "mg_hi", true), pred_in_change(g));
	line(g, b + 1, "GET DIAGNOSTICS mg_n = ROW_COUNT;");
	line(g, b, "EXCEPTION WHEN OTHERS THEN");
	line(g, b + 1, "-- A row failed the whole batch: redo it row by row, each row in a");
	line(g, b + 1, "-- subtransaction of its own; rows that still fail become dead letters.");
	line(g, b + 1,
	     "RAISE NOTICE 'backfill %%: batch %% .. %% failed (%%): retrying row by row', %s, %s, "
	     "%s, SQLERRM;",
	     s->name_lit, as_text_array(g, "mg_lo"), as_text_array(g, "mg_hi"));
	line(g, b + 1, "mg_n := 0;");
	line(g, b + 1, "FOR mg_r IN SELECT %s FROM %s", keys_as(g), ft);
	line(g, b + 3, "WHERE %s >= %s AND %s <= %s%s", keys(g, true), vars(g, "mg_lo", true),
	     keys(g, true), vars(g, "mg_hi", true),
	     *cond ? mg_arena_printf(g->arena, " AND (NOT mg_paged OR (%s))", s->select_predicate)
	           : "");
	line(g, b + 3, "ORDER BY %s LOOP", order(g, NULL, ""));
	line(g, b + 2, "BEGIN");
	line(g, b + 3, "%s", change_head(g));
	line(g, b + 4, "WHERE %s = %s%s;", keys(g, true), vars(g, "mg_r.mg_key", true),
	     pred_in_change(g));
	line(g, b + 3, "GET DIAGNOSTICS mg_one = ROW_COUNT;");
	line(g, b + 3, "mg_n := mg_n + mg_one;");
	line(g, b + 2, "EXCEPTION WHEN OTHERS THEN");
	line(g, b + 3, "INSERT INTO %s (backfill, key, sqlstate, error)", s->dead_letter);
	line(g, b + 4, "VALUES (%s, %s, SQLSTATE, SQLERRM)", s->name_lit,
	     as_text_array(g, "mg_r.mg_key"));
	line(g, b + 4, "ON CONFLICT (backfill, key) DO UPDATE SET sqlstate = EXCLUDED.sqlstate,");
	line(g, b + 5, "error = EXCLUDED.error, failed_at = EXCLUDED.failed_at;");
	line(g, b + 3, "mg_failed := mg_failed + 1;");
	line(g, b + 2, "END;");
	line(g, b + 1, "END LOOP;");
	line(g, b, "END;");
	line(g, b, "-- 4. the checkpoint, in the same transaction as the change");
	line(g, b, "UPDATE %s SET last_key = %s,", s->checkpoint, as_text_array(g, "mg_hi"));
	line(g, b + 1, "rows_done = rows_done + mg_n, rows_failed = rows_failed + mg_failed,");
	line(g, b + 1, "batches = batches + 1, updated_at = clock_timestamp()");
	line(g, b, "WHERE backfill = %s;", s->name_lit);
	for (size_t i = 0; i < s->n_key; i++)
		line(g, b, "mg_k%zu := mg_hi%zu;", i + 1, i + 1);
	line(g, b, "mg_started := true;");
	line(g, in, "END IF;");
}

/* The closing report: dead letters left, or done. */
static void report(gen *g, int in)
{
	const bf_spec *s = g->s;
	line(g, in, "SELECT count(*) INTO mg_dead FROM %s WHERE backfill = %s;", s->dead_letter,
	     s->name_lit);
	line(g, in, "IF mg_dead > 0 THEN");
	line(g, in + 1,
	     "RAISE WARNING 'backfill %%: complete except %% rows that need a person: "
	     "SELECT * FROM %s WHERE backfill = %%', %s, mg_dead, quote_literal(%s);",
	     lit_body(g, s->dead_letter), s->name_lit, s->name_lit);
	line(g, in, "ELSE");
	line(g, in + 1, "RAISE NOTICE 'backfill %%: complete', %s;", s->name_lit);
	line(g, in, "END IF;");
}

/* ---- the forms ------------------------------------------------------- */

static const char *setup_sql(gen *g)
{
	const bf_spec *s = g->s;
	line(g, 0,
	     "-- Where the backfill keeps its progress (one row per backfill) and the rows it");
	line(g, 0, "-- could not change (with the error), so it can stop and resume at any time.");
	line(g, 0, "CREATE TABLE IF NOT EXISTS %s (", s->checkpoint);
	line(g, 1, "backfill text PRIMARY KEY,");
	put(g, "    last_key text[],\n"
	       "    rows_done bigint NOT NULL DEFAULT 0,\n"
	       "    rows_failed bigint NOT NULL DEFAULT 0,\n"
	       "    batches bigint NOT NULL DEFAULT 0,\n"
	       "    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n"
	       "    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n"
	       "    finished_at timestamptz\n"
	       ");\n");
	line(g, 0, "CREATE TABLE IF NOT EXISTS %s (", s->dead_letter);
	put(g, "    backfill text NOT NULL,\n"
	       "    key text[] NOT NULL,\n"
	       "    sqlstate text,\n"
	       "    error text NOT NULL,\n"
	       "    failed_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n"
	       "    PRIMARY KEY (backfill, key)\n"
	       ");\n");
	return take(g);
}

static void what_comment(gen *g, int in)
{
	const bf_spec *s = g->s;
	if (s->set_clause)
		line(g, in, "-- Sets %s on %s", s->set_clause, s->table_label);
	else
		line(g, in, "-- Deletes from %s", s->table_label);
	if (s->predicate)
		line(g, in, "-- the rows where %s%s", s->predicate,
		     !s->idempotent  ? ""
		     : s->set_clause ? " (false once a row is done)"
		                     : " (a deleted row never matches again)");
	line(g, in, "-- in batches of keys %s, committing after each.", keys(g, true));
}

static const char *procedure_sql(gen *g)
{
	const bf_spec *s = g->s;
	line(g, 0, "CREATE OR REPLACE PROCEDURE %s(", s->proc);
	line(g, 1, "batch_size integer DEFAULT %llu,", (unsigned long long)s->batch_size);
	line(g, 1, "pause_ms integer DEFAULT %.0f,", s->pause_ms);
	line(g, 1, "max_batches integer DEFAULT NULL,");
	line(g, 1, "retry_dead_letters boolean DEFAULT false)");
	line(g, 0, "LANGUAGE plpgsql");
	line(g, 0, "AS %s", g->tag);
	what_comment(g, 0);
	line(g, 0, "DECLARE");
	declare_keys(g);
	declare_common(g);
	line(g, 1, "mg_limit integer := greatest(coalesce(batch_size, %llu), 1);",
	     (unsigned long long)s->batch_size);
	line(g, 1, "mg_batches integer := 0;");
	line(g, 0, "BEGIN");
	line(g, 1, "INSERT INTO %s (backfill) VALUES (%s) ON CONFLICT (backfill) DO NOTHING;",
	     s->checkpoint, s->name_lit);
	load_checkpoint(g, 1);
	line(g, 1, "IF retry_dead_letters THEN");
	retry_dead_letters(g, 2);
	line(g, 1, "END IF;");
	line(g, 1, "COMMIT;");
	line(g, 1, "IF mg_done IS NOT NULL THEN");
	report(g, 2);
	line(g, 2, "RETURN;");
	line(g, 1, "END IF;");
	line(g, 1, "LOOP");
	line(g, 2, "IF max_batches IS NOT NULL AND mg_batches >= max_batches THEN");
	line(g, 3,
	     "RAISE NOTICE 'backfill %%: stopped after %% batches as asked; CALL it again to "
	     "resume', %s, mg_batches;",
	     s->name_lit);
	line(g, 3, "RETURN;");
	line(g, 2, "END IF;");
	batch(g, 2);
	line(g, 2, "COMMIT;");
	line(g, 2, "EXIT WHEN NOT mg_more;");
	line(g, 2, "mg_batches := mg_batches + 1;");
	line(g, 2, "PERFORM pg_sleep(greatest(coalesce(pause_ms, 0), 0) / 1000.0);");
	line(g, 1, "END LOOP;");
	report(g, 1);
	line(g, 0, "END");
	line(g, 0, "%s;", g->tag);
	return take(g);
}

/* A psql variable that -v name=... may set, else value. */
static void psql_default(gen *g, const char *name, const char *value)
{
	line(g, 0, "\\if :{?%s}", name);
	line(g, 0, "\\else");
	line(g, 0, "\\set %s %s", name, value);
	line(g, 0, "\\endif");
}

/* PostgreSQL 10: one DO block per batch, generated by \gexec. */
static const char *psql_sql(gen *g, const char *setup)
{
	const bf_spec *s = g->s;
	const char *texts[] = {s->set_clause ? s->set_clause : "", s->predicate ? s->predicate : "",
	                       s->from_clause ? s->from_clause : "", g->tag, NULL};
	const char *outer = plan_backfill_dollar_tag(g->arena, "mgq", texts);
	line(g, 0, "-- Backfill %s for PostgreSQL before 11 (no procedures): a psql script.",
	     s->name);
	what_comment(g, 0);
	line(g, 0, "-- Each batch is one DO block that \\gexec runs on its own, so each commits");
	line(g, 0, "-- by itself (psql's autocommit); run the script again to resume.");
	line(g, 0,
	     "--   psql -X -v ON_ERROR_STOP=1 [-v batch_size=N] [-v pause_ms=N] "
	     "[-v max_batches=N] [-v retry_dead_letters=1] -f THIS_FILE");
	line(g, 0, "\\set ON_ERROR_STOP on");
	psql_default(g, "batch_size", mg_arena_printf(g->arena, "%llu", (unsigned long long)s->batch_size));
	psql_default(g, "pause_ms", mg_arena_printf(g->arena, "%.0f", s->pause_ms));
	psql_default(g, "max_batches", "2147483647");
	put(g, setup);
	line(g, 0, "INSERT INTO %s (backfill) VALUES (%s) ON CONFLICT (backfill) DO NOTHING;",
	     s->checkpoint, s->name_lit);
	line(g, 0, "\\if :{?retry_dead_letters}");
	line(g, 0, "DO %s", g->tag);
	line(g, 0, "DECLARE");
	declare_keys(g);
	declare_common(g);
	line(g, 0, "BEGIN");
	retry_dead_letters(g, 1);
	line(g, 0, "END");
	line(g, 0, "%s;", g->tag);
	line(g, 0, "\\endif");
	line(g, 0, "-- One row per batch still needed (and one more to record the end).");
	line(g, 0, "SELECT %sDO %s", outer, g->tag);
	line(g, 0, "DECLARE");
	declare_keys(g);
	declare_common(g);
	line(g, 1, "mg_limit integer := %s || :batch_size || %s;", outer, outer);
	line(g, 0, "BEGIN");
	load_checkpoint(g, 1);
	line(g, 1, "IF mg_done IS NOT NULL THEN");
	line(g, 2, "RETURN;");
	line(g, 1, "END IF;");
	batch(g, 1);
	line(g, 1, "IF NOT mg_more THEN");
	report(g, 2);
	line(g, 1, "END IF;");
	line(g, 0, "END");
	line(g, 0, "%s%s AS batch,", g->tag, outer);
	line(g, 1, "'SELECT pg_sleep(' || :pause_ms || ' / 1000.0)' AS pause");
	line(g, 0, "FROM generate_series(1, least(:max_batches, (");
	line(g, 1, "SELECT ceil(count(*)::numeric / greatest(:batch_size, 1))::bigint + 1");
	line(g, 1, "FROM %s%s)))", from_table(g),
	     *pred_on_table(g) ? mg_arena_printf(g->arena, " WHERE %s", pred_on_table(g) + 5) : "");
	line(g, 0, "\\gexec");
	line(g, 0, "SELECT backfill, rows_done, rows_failed, batches,");
	line(g, 1,
	     "CASE WHEN finished_at IS NULL THEN 'not finished: run this script again' "
	     "ELSE 'complete' END AS state");
	line(g, 0, "FROM %s WHERE backfill = %s;", s->checkpoint, s->name_lit);
	return take(g);
}

static const char *progress_sql(gen *g)
{
	const bf_spec *s = g->s;
	line(g, 0, "-- Progress (cheap: reads the checkpoint row):");
	line(g, 0, "SELECT c.backfill, c.rows_done, c.rows_failed, c.batches, c.last_key,");
	line(g, 1, "c.started_at, c.updated_at, c.finished_at,");
	line(g, 1,
	     "round(c.rows_done / greatest(extract(epoch FROM c.updated_at - c.started_at), "
	     "1)::numeric, 1) AS rows_per_s,");
	line(g, 1, "(SELECT count(*) FROM %s d WHERE d.backfill = c.backfill) AS dead_letters",
	     s->dead_letter);
	line(g, 0, "FROM %s c WHERE c.backfill = %s;", s->checkpoint, s->name_lit);
	if (!s->idempotent)
		return take(g);
	line(g, 0,
	     "-- Rows still to change, besides the dead letters (exact, but it reads the whole");
	line(g, 0, "-- table: run it rarely):");
	line(g, 0, "SELECT count(*) AS remaining FROM %s%s%s", from_table(g),
	     s->from_clause ? ", " : "", s->from_clause ? s->from_clause : "");
	line(g, 1, "WHERE %s;", not_done(g));
	return take(g);
}

static const char *verify_sql(gen *g)
{
	const bf_spec *s = g->s;
	line(g, 0,
	     "-- No rows once the backfill is complete and correct: rows that failed (they need a");
	if (s->idempotent) {
		line(g, 0, "-- person), then rows that still need the change.");
		line(g, 0, "SELECT 'dead letter' AS problem, key FROM %s WHERE backfill = %s",
		     s->dead_letter, s->name_lit);
		line(g, 0, "UNION ALL");
		line(g, 0, "(SELECT 'not done', %s FROM %s%s%s", key_text_array(g), from_table(g),
		     s->from_clause ? ", " : "", s->from_clause ? s->from_clause : "");
		line(g, 1, "WHERE %s LIMIT 100);", not_done(g));
		return take(g);
	}
	line(g, 0,
	     "-- person), and whether the checkpoint says finished: the change cannot tell a done");
	line(g, 0, "-- row from one to do (it reads what it sets, or is not constant).");
	line(g, 0, "SELECT 'dead letter' AS problem, key FROM %s WHERE backfill = %s",
	     s->dead_letter, s->name_lit);
	line(g, 0, "UNION ALL");
	line(g, 0, "SELECT 'not finished', NULL WHERE NOT EXISTS (");
	line(g, 1, "SELECT 1 FROM %s WHERE backfill = %s AND finished_at IS NOT NULL);",
	     s->checkpoint, s->name_lit);
	return take(g);
}

static const char *cleanup_sql(gen *g)
{
	const bf_spec *s = g->s;
	const char *dl = lit_body(g, s->dead_letter), *cp = lit_body(g, s->checkpoint);
	line(g, 0,
	     "-- Once verified: the backfill's helpers go.  Refuses while rows of it wait in");
	line(g, 0,
	     "-- the dead-letter table: they need a person first.  (Each query sits in an IF");
	line(g, 0, "-- of its own: PL/pgSQL only plans it once the table is known to exist.)");
	line(g, 0, "DO %s", g->tag);
	line(g, 0, "BEGIN");
	line(g, 1, "IF to_regclass('%s') IS NOT NULL THEN", dl);
	line(g, 2, "IF EXISTS (SELECT 1 FROM %s WHERE backfill = %s) THEN", s->dead_letter,
	     s->name_lit);
	line(g, 3,
	     "RAISE EXCEPTION 'backfill %%: rows in %s still need a person; fix or delete them, "
	     "then run the cleanup again', %s;",
	     dl, s->name_lit);
	line(g, 2, "END IF;");
	line(g, 1, "END IF;");
	line(g, 1, "IF to_regclass('%s') IS NOT NULL THEN", cp);
	line(g, 2, "DELETE FROM %s WHERE backfill = %s;", s->checkpoint, s->name_lit);
	line(g, 2, "IF NOT EXISTS (SELECT 1 FROM %s) THEN", s->checkpoint);
	line(g, 3, "DROP TABLE %s;", s->checkpoint);
	line(g, 2, "END IF;");
	line(g, 1, "END IF;");
	line(g, 1, "IF to_regclass('%s') IS NOT NULL AND to_regclass('%s') IS NULL THEN", dl, cp);
	line(g, 2, "IF NOT EXISTS (SELECT 1 FROM %s) THEN", s->dead_letter);
	line(g, 3, "DROP TABLE %s;", s->dead_letter);
	line(g, 2, "END IF;");
	line(g, 1, "END IF;");
	line(g, 0, "END");
	line(g, 0, "%s;", g->tag);
	if (s->major >= 11)
		line(g, 0, "DROP PROCEDURE IF EXISTS %s(integer, integer, integer, boolean);",
		     s->proc);
	return take(g);
}

static const char *failure_text(gen *g)
{
	const bf_spec *s = g->s;
	mg_buf *b = &g->b;
	if (s->major >= 11)
		mg_buf_printf(
		    b,
		    "Stop it at any time (pg_cancel_backend, Ctrl-C, a deploy window "
		    "closing): every batch that committed is recorded in %s, and the same "
		    "CALL resumes after the last key done. ",
		    s->checkpoint);
	else
		mg_buf_printf(b,
		              "Stop it at any time (Ctrl-C, pg_cancel_backend): every batch that "
		              "committed is recorded in %s, and running the same psql script again "
		              "resumes after the last key done. ",
		              s->checkpoint);
	mg_buf_printf(
	    b,
	    "A batch that fails (a constraint, a cast, a trigger) is redone row by row, "
	    "each row in a subtransaction; the rows that still fail go to %s with their "
	    "SQLSTATE and error text, and the backfill carries on: it ends with a warning "
	    "giving how many rows need a person. Fix those rows (or the data they "
	    "depend on), then ",
	    s->dead_letter);
	if (s->major >= 11)
		mg_buf_printf(b, "CALL %s(retry_dead_letters => true) redoes exactly them. ",
		              s->proc);
	else
		mg_buf_puts(b,
		            "run the script with -v retry_dead_letters=1 to redo exactly them. ");
	if (s->idempotent)
		mg_buf_puts(
		    b, "The predicate is false for a row once it is done, so running the backfill "
		       "again from the start (after DELETE of its checkpoint row) is harmless: "
		       "use that when the application wrote old-shape rows behind the checkpoint "
		       "(the verify query finds them). ");
	else
		mg_buf_puts(
		    b, "The change is not idempotent (it reads what it sets, or is volatile): "
		       "only the checkpoint keeps a row from being changed twice, so never delete "
		       "the checkpoint row to start over. ");
	mg_buf_puts(b,
	            "Lower batch_size (and raise pause_ms) when lock waits or replication lag "
	            "grow; the sizing reasoning says which budget each figure comes from. Cleanup "
	            "refuses while dead letters remain.");
	return take(g);
}

void plan_backfill_sql(mg_arena *arena, const bf_spec *spec, bf_scripts *out)
{
	gen g = {arena, spec, NULL, MG_BUF_INIT};
	const char *texts[] = {spec->set_clause ? spec->set_clause : "",
	                       spec->predicate ? spec->predicate : "",
	                       spec->from_clause ? spec->from_clause : "", NULL};
	g.tag = plan_backfill_dollar_tag(arena, "migraph", texts);
	*out = (bf_scripts){0};
	out->setup = setup_sql(&g);
	if (spec->major >= 11) {
		out->script = procedure_sql(&g);
		line(&g, 0, "CALL %s();", spec->proc);
		out->run = take(&g);
	} else {
		out->script = psql_sql(&g, out->setup);
		line(&g, 0,
		     "-- PostgreSQL %d has no procedures: run the psql script (again, to resume):",
		     spec->major);
		line(&g, 0, "--   psql -X -v ON_ERROR_STOP=1 -f %s.psql", spec->name);
		out->run = take(&g);
	}
	out->progress = progress_sql(&g);
	out->verify = verify_sql(&g);
	out->cleanup = cleanup_sql(&g);
	out->failure_handling = failure_text(&g);
	mg_buf_dispose(&g.b);
}
