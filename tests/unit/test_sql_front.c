/*
 * test_sql_front.c: the PostgreSQL front end's driver and helpers:
 * locations (code-point columns, anchors), recovery after a parse error,
 * the statement splitter, bad bytes, limits, Liquibase's splitStatements
 * and endDelimiter, the bulk path, default volatility, canonical types and
 * Flyway's non-transactional statements.
 */
#include "harness.h"
#include "migraph/sql.h"
#include "sql/pg_internal.h"

typedef struct parsed {
	mg_project *p;
	mg_changeset *cs;
} parsed;

static mg_sql_options opts_for(int major)
{
	mg_sql_options o;
	mg_engine_target e = {MG_ENGINE_POSTGRESQL, major, 0};
	mg_sql_options_init(&o, e);
	return o;
}

static parsed parse_text(const mg_text *t, const mg_sql_options *o)
{
	parsed r;
	r.p = mg_project_new();
	r.cs = mg_project_add_changeset(r.p, MG_CS_FLYWAY_VERSIONED);
	mg_sql_parse_script(r.p, r.cs, t, o);
	return r;
}

static parsed parse_len(const char *sql, size_t len, const mg_sql_options *o)
{
	mg_text t = {"V1__t.sql", sql, len, NULL, 0};
	return parse_text(&t, o);
}

static parsed parse(const char *sql)
{
	mg_sql_options o = opts_for(15);
	return parse_len(sql, strlen(sql), &o);
}

static const mg_diag *find_diag(const parsed *r, const char *code)
{
	for (size_t i = 0; i < r->p->diags.count; i++)
		if (strcmp(r->p->diags.items[i]->code, code) == 0)
			return r->p->diags.items[i];
	return NULL;
}

/* ---- locations --------------------------------------------------------- */

static void test_third_statement_column_after_multibyte(void **state)
{
	(void)state;
	/* "é" is two bytes but one column. */
	parsed r = parse("-- intro\nSELECT 'é'; SELECT 2;  CREATE TABLE ü (a int);\n");
	assert_int_equal(r.cs->n_stmts, 3);
	mg_statement *s = r.cs->stmts[2];
	assert_int_equal(s->loc.line, 2);
	assert_int_equal(s->loc.col, 24);
	assert_string_equal(s->sql, "CREATE TABLE ü (a int)");
	assert_string_equal(s->ops[0]->object.name, "ü");
	assert_int_equal(r.cs->stmts[0]->loc.col, 1);
	assert_string_equal(r.cs->stmts[0]->sql, "SELECT 'é'");
	mg_project_free(r.p);
}

static void test_anchors_map_back_to_the_original_file(void **state)
{
	(void)state;
	/* The text was extracted from line 10, column 5 of some file. */
	const char *sql = "SELECT 1;\nALTER TABLE t ADD COLUMN c int;";
	mg_anchor a = {0, 10, 5};
	mg_text t = {"changelog.xml", sql, strlen(sql), &a, 1};
	mg_sql_options o = opts_for(15);
	parsed r = parse_text(&t, &o);
	assert_int_equal(r.cs->n_stmts, 2);
	assert_int_equal(r.cs->stmts[0]->loc.line, 10);
	assert_int_equal(r.cs->stmts[0]->loc.col, 5);
	assert_int_equal(r.cs->stmts[1]->loc.line, 11);
	assert_int_equal(r.cs->stmts[1]->loc.col, 1);
	assert_string_equal(r.cs->stmts[1]->loc.file, "changelog.xml");
	mg_project_free(r.p);
}

static void test_statements_after_a_parse_error_are_still_parsed(void **state)
{
	(void)state;
	parsed r = parse("CREATE TABLE a (x int);\n"
	                 "CREATE TABLE bad (x int,, y int);\n"
	                 "  ALTER TABLE a ADD COLUMN 'ö' int; DROP TABLE a;\n");
	assert_int_equal(r.cs->n_stmts, 4);
	assert_false(r.cs->stmts[0]->parse_failed);
	assert_true(r.cs->stmts[1]->parse_failed);
	assert_int_equal(r.cs->stmts[1]->n_ops, 0);
	assert_true(r.cs->stmts[2]->parse_failed);
	assert_false(r.cs->stmts[3]->parse_failed);
	assert_int_equal(r.cs->stmts[3]->ops[0]->kind, MG_OP_DROP_TABLE);
	assert_int_equal(r.cs->stmts[3]->loc.line, 3);
	assert_int_equal(r.cs->stmts[3]->loc.col, 37);
	assert_int_equal(th_count_diags(r.p, "sql-parse-error"), 2);
	/* The error is at the file's own line and column of the bad token. */
	const mg_diag *d = r.p->diags.items[0];
	assert_int_equal(d->severity, MG_SEV_HIGH);
	assert_int_equal(d->loc.line, 2);
	assert_int_equal(d->loc.col, 25);
	assert_non_null(strstr(d->message, "syntax error"));
	assert_null(strstr(d->message, "PostgreSQL 15"));
	d = r.p->diags.items[1];
	assert_int_equal(d->loc.line, 3);
	assert_int_equal(d->loc.col, 28);
	mg_project_free(r.p);
}

static void test_newer_engine_says_the_grammar_is_15(void **state)
{
	(void)state;
	mg_sql_options o = opts_for(17);
	const char *sql = "SELECT 1; SELECT FROM WHERE;";
	parsed r = parse_len(sql, strlen(sql), &o);
	const mg_diag *d = find_diag(&r, "sql-parse-error");
	assert_non_null(d);
	assert_non_null(strstr(d->message, "PostgreSQL 15"));
	assert_non_null(strstr(d->message, "newer than the parser"));
	mg_project_free(r.p);
}

/* ---- bad bytes and limits ---------------------------------------------- */

static void test_nul_bytes_stop_the_analysis_with_a_diagnostic(void **state)
{
	(void)state;
	static const char sql[] = "SELECT 1;\nSELECT 2;\0\x01\x02 binary;";
	mg_sql_options o = opts_for(15);
	parsed r = parse_len(sql, sizeof sql - 1, &o);
	assert_int_equal(r.cs->n_stmts, 2);
	const mg_diag *d = find_diag(&r, "sql-binary-content");
	assert_non_null(d);
	assert_int_equal(d->loc.line, 2);
	assert_int_equal(d->loc.col, 10);
	mg_project_free(r.p);
}

static void test_invalid_utf8_is_reported_and_parsing_continues(void **state)
{
	(void)state;
	parsed r = parse("SELECT 1;\nINSERT INTO t VALUES ('\xff\xfe');\nDROP TABLE t;");
	const mg_diag *d = find_diag(&r, "sql-invalid-utf8");
	assert_non_null(d);
	assert_int_equal(d->loc.line, 2);
	assert_int_equal(r.cs->n_stmts, 3);
	assert_int_equal(r.cs->stmts[2]->ops[0]->kind, MG_OP_DROP_TABLE);
	mg_project_free(r.p);
}

static void test_statement_size_limit(void **state)
{
	(void)state;
	mg_sql_options o = opts_for(15);
	o.max_statement_bytes = 20;
	const char *sql = "SELECT 1;\nINSERT INTO t VALUES (1, 2, 3, 4, 5, 6);\nSELECT 3;";
	parsed r = parse_len(sql, strlen(sql), &o);
	assert_int_equal(r.cs->n_stmts, 3);
	assert_true(r.cs->stmts[1]->parse_failed);
	assert_int_equal(r.cs->stmts[1]->n_ops, 0);
	const mg_diag *d = find_diag(&r, "limit-statement-size");
	assert_non_null(d);
	assert_int_equal(d->loc.line, 2);
	assert_non_null(strstr(d->message, "20"));
	assert_non_null(d->hint);
	assert_non_null(strstr(d->hint, "--max-statement-size"));
	assert_false(r.cs->stmts[2]->parse_failed);
	mg_project_free(r.p);
}

/* ---- Liquibase modes ---------------------------------------------------- */

static void test_split_statements_false_keeps_one_statement(void **state)
{
	(void)state;
	mg_sql_options o = opts_for(15);
	o.split_statements = false;
	const char *sql = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n"
	                  "COMMENT ON FUNCTION f() IS 'x';";
	parsed r = parse_len(sql, strlen(sql), &o);
	assert_int_equal(r.cs->n_stmts, 1);
	assert_int_equal(r.cs->stmts[0]->n_ops, 3);
	assert_int_equal(r.cs->stmts[0]->ops[0]->kind, MG_OP_CREATE_FUNCTION);
	assert_int_equal(r.cs->stmts[0]->ops[2]->kind, MG_OP_COMMENT);
	/* Each part's operations keep their own position. */
	assert_int_equal(r.cs->stmts[0]->ops[0]->loc.line, 1);
	assert_int_equal(r.cs->stmts[0]->ops[2]->loc.line, 2);
	assert_int_equal(r.cs->stmts[0]->ops[2]->loc.col, 1);
	mg_project_free(r.p);
}

static void test_end_delimiter_splits_on_its_own_line(void **state)
{
	(void)state;
	mg_sql_options o = opts_for(15);
	o.end_delimiter = "/";
	const char *sql = "CREATE TABLE t (a int)\n/\nSELECT 4 / 2\n  /\nDROP TABLE t\n";
	parsed r = parse_len(sql, strlen(sql), &o);
	assert_int_equal(r.cs->n_stmts, 3);
	assert_string_equal(r.cs->stmts[1]->sql, "SELECT 4 / 2");
	assert_int_equal(r.cs->stmts[2]->loc.line, 5);
	assert_int_equal(r.cs->stmts[2]->ops[0]->kind, MG_OP_DROP_TABLE);
	mg_project_free(r.p);
}

/* ---- bulk path ---------------------------------------------------------- */

static void test_bulk_path_gives_the_same_operations(void **state)
{
	(void)state;
	const char *sql = "INSERT INTO app.\"Events\" (id, name) VALUES (1, 'a;b'), (2, 'c');\n"
	                  "CREATE INDEX i ON t (a);\n"
	                  "insert into T values (3) returning id;\n"
	                  "INSERT INTO t VALUES (4) ON CONFLICT DO NOTHING;\n"
	                  "UPDATE t SET a = 1 WHERE a = 2;\n"
	                  "INSERT INTO t SELECT * FROM u;\n";
	size_t saved = sql_pg_bulk_threshold;
	sql_pg_bulk_threshold = 1;
	mg_sql_options o = opts_for(15);
	parsed bulk = parse_len(sql, strlen(sql), &o);
	sql_pg_bulk_threshold = saved;
	parsed normal = parse_len(sql, strlen(sql), &o);
	assert_int_equal(bulk.cs->n_stmts, 6);
	assert_int_equal(normal.cs->n_stmts, 6);
	for (size_t i = 0; i < 6; i++) {
		const mg_statement *a = bulk.cs->stmts[i], *b = normal.cs->stmts[i];
		assert_string_equal(a->sql, b->sql);
		assert_int_equal(a->loc.line, b->loc.line);
		assert_int_equal(a->loc.col, b->loc.col);
		assert_int_equal(a->n_ops, b->n_ops);
		assert_int_equal(a->ops[0]->kind, b->ops[0]->kind);
		assert_int_equal(a->ops[0]->flags, b->ops[0]->flags);
		if (!mg_str_eq(a->ops[0]->object.schema, b->ops[0]->object.schema))
			fail_msg("%s: %s vs %s", a->sql, a->ops[0]->object.schema,
			         b->ops[0]->object.schema);
		assert_true(mg_str_eq(a->ops[0]->object.name, b->ops[0]->object.name));
		assert_true(mg_str_eq(a->ops[0]->detail, b->ops[0]->detail));
	}
	assert_string_equal(bulk.cs->stmts[0]->ops[0]->object.schema, "app");
	assert_string_equal(bulk.cs->stmts[0]->ops[0]->object.name, "Events");
	assert_string_equal(bulk.cs->stmts[2]->ops[0]->object.name, "t");
	mg_project_free(bulk.p);
	mg_project_free(normal.p);
}

static void test_bulk_path_falls_back_on_a_parse_error(void **state)
{
	(void)state;
	const char *sql = "INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (;\nDROP TABLE t;\n";
	size_t saved = sql_pg_bulk_threshold;
	sql_pg_bulk_threshold = 1;
	mg_sql_options o = opts_for(15);
	parsed r = parse_len(sql, strlen(sql), &o);
	sql_pg_bulk_threshold = saved;
	assert_int_equal(r.cs->n_stmts, 3);
	assert_true(r.cs->stmts[1]->parse_failed);
	assert_int_equal(r.cs->stmts[2]->ops[0]->kind, MG_OP_DROP_TABLE);
	mg_project_free(r.p);
}

/* ---- splitter ----------------------------------------------------------- */

static size_t split(mg_arena *a, const char *sql, const char *delim, mg_sql_span **spans,
                    const char **open)
{
	return mg_sql_split(a, sql, strlen(sql), delim, spans, open);
}

static void assert_span(const char *sql, const mg_sql_span *s, const char *want)
{
	assert_int_equal(s->len, strlen(want));
	assert_memory_equal(sql + s->offset, want, s->len);
}

static void test_split_skips_quotes_dollar_quotes_and_comments(void **state)
{
	(void)state;
	mg_arena a;
	mg_arena_init(&a);
	const char *sql = "SELECT 'a;''b';\n"
	                  "SELECT E'x\\';y';\n"
	                  "SELECT \"we;ird\";\n"
	                  "DO $fn$ BEGIN RAISE ';'; $x$ ; $x$ END $fn$;\n"
	                  "SELECT $$;$$; -- c;omment\n"
	                  "/* outer /* nested; */ still; */ SELECT 5;\n"
	                  "SELECT a$b$c FROM t;  ;  \n";
	mg_sql_span *spans = NULL;
	const char *open = "x";
	size_t n = split(&a, sql, NULL, &spans, &open);
	assert_null(open);
	assert_int_equal(n, 7);
	assert_span(sql, &spans[0], "SELECT 'a;''b'");
	assert_span(sql, &spans[1], "SELECT E'x\\';y'");
	assert_span(sql, &spans[2], "SELECT \"we;ird\"");
	assert_span(sql, &spans[3], "DO $fn$ BEGIN RAISE ';'; $x$ ; $x$ END $fn$");
	assert_span(sql, &spans[4], "SELECT $$;$$");
	assert_span(sql, &spans[5], "SELECT 5");
	assert_span(sql, &spans[6], "SELECT a$b$c FROM t");
	mg_arena_free(&a);
}

static void test_split_reports_unterminated(void **state)
{
	(void)state;
	mg_arena a;
	mg_arena_init(&a);
	mg_sql_span *spans = NULL;
	const char *open = NULL;
	static const struct {
		const char *sql, *what;
	} cases[] = {
	    {"SELECT 1; SELECT 'abc", "quoted string"},
	    {"SELECT 1; SELECT \"abc", "quoted identifier"},
	    {"SELECT 1; DO $tag$ BEGIN END $tog$", "dollar-quoted"},
	    {"SELECT 1; SELECT 2 /* a /* b */ c", "comment"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = split(&a, cases[i].sql, NULL, &spans, &open);
		assert_int_equal(n, 2);
		assert_non_null(open);
		assert_non_null(strstr(open, cases[i].what));
		assert_int_equal(spans[1].offset + spans[1].len, strlen(cases[i].sql));
	}
	/* A plain "E" identifier before a quote does not take escapes. */
	size_t n = split(&a, "SELECT 'a\\'; SELECT 2", NULL, &spans, &open);
	assert_null(open);
	assert_int_equal(n, 2);
	mg_arena_free(&a);
}

static void test_split_custom_delimiter(void **state)
{
	(void)state;
	mg_arena a;
	mg_arena_init(&a);
	mg_sql_span *spans = NULL;
	const char *open = NULL;
	const char *sql = "SELECT 1;\nSELECT 2\ngo\nSELECT 'go'\nGO";
	size_t n = split(&a, sql, "GO", &spans, &open);
	assert_int_equal(n, 2);
	assert_span(sql, &spans[0], "SELECT 1;\nSELECT 2");
	assert_span(sql, &spans[1], "SELECT 'go'");
	mg_arena_free(&a);
}

/* ---- volatility, types -------------------------------------------------- */

static void test_default_volatility(void **state)
{
	(void)state;
	static const struct {
		const char *def;
		mg_volatility want;
	} cases[] = {
	    {"42", MG_VOLATILITY_CONSTANT},
	    {"'x'::text", MG_VOLATILITY_CONSTANT},
	    {"lower('X')", MG_VOLATILITY_CONSTANT},
	    {"now()", MG_VOLATILITY_STABLE},
	    {"CURRENT_TIMESTAMP", MG_VOLATILITY_STABLE},
	    {"CURRENT_DATE", MG_VOLATILITY_STABLE},
	    {"localtimestamp", MG_VOLATILITY_STABLE},
	    {"random()", MG_VOLATILITY_VOLATILE},
	    {"clock_timestamp()", MG_VOLATILITY_VOLATILE},
	    {"gen_random_uuid()", MG_VOLATILITY_VOLATILE},
	    {"uuid_generate_v4()", MG_VOLATILITY_VOLATILE},
	    {"nextval('s')", MG_VOLATILITY_VOLATILE},
	    {"timeofday()", MG_VOLATILITY_VOLATILE},
	    {"my_func()", MG_VOLATILITY_UNKNOWN},
	    {"my_func() + random()", MG_VOLATILITY_VOLATILE},
	    {"app.now()", MG_VOLATILITY_UNKNOWN},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char sql[200];
		snprintf(sql, sizeof sql, "ALTER TABLE t ADD COLUMN c text DEFAULT %s",
		         cases[i].def);
		parsed r = parse(sql);
		const mg_operation *op = r.cs->stmts[0]->ops[0];
		if (op->column->default_volatility != cases[i].want)
			fail_msg("%s: %s", cases[i].def,
			         mg_volatility_name(op->column->default_volatility));
		assert_string_equal(op->column->default_expr, cases[i].def);
		mg_project_free(r.p);
	}
	assert_int_equal(sql_pg_function_volatility("now"), 's');
	assert_int_equal(sql_pg_function_volatility("no_such_function"), 0);
}

static void test_type_canonical(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"int", "integer"},
	    {"INT4", "integer"},
	    {"int8", "bigint"},
	    {"int2", "smallint"},
	    {"bool", "boolean"},
	    {"VARCHAR(255)", "character varying(255)"},
	    {"character varying", "character varying"},
	    {"char(3)", "character(3)"},
	    {"bpchar(2)", "character(2)"},
	    {"timestamp", "timestamp without time zone"},
	    {"timestamptz", "timestamp with time zone"},
	    {"TIMESTAMP(3) WITH TIME ZONE", "timestamp(3) with time zone"},
	    {"time with time zone", "time with time zone"},
	    {"float8", "double precision"},
	    {"float4", "real"},
	    {"float", "double precision"},
	    {"decimal(10, 2)", "numeric(10,2)"},
	    {"text[]", "text[]"},
	    {"int[][]", "integer[]"},
	    {"uuid", "uuid"},
	    {"jsonb", "jsonb"},
	    {"bytea", "bytea"},
	    {"serial", "serial"},
	    {"bigserial", "bigserial"},
	    {"app.Money", "app.money"},
	    {"\"Mixed\"", "\"Mixed\""},
	    {"geometry(Point, 4326)", "geometry(point,4326)"},
	};
	mg_arena a;
	mg_arena_init(&a);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = mg_sql_type_canonical(&a, cases[i].in);
		if (!got || strcmp(got, cases[i].want) != 0)
			fail_msg("%s: got %s, want %s", cases[i].in, got ? got : "NULL",
			         cases[i].want);
	}
	assert_null(mg_sql_type_canonical(&a, "int; DROP TABLE x"));
	assert_null(mg_sql_type_canonical(&a, "int, 1"));
	assert_null(mg_sql_type_canonical(&a, "int FROM t"));
	assert_null(mg_sql_type_canonical(&a, "not a type at all"));
	assert_null(mg_sql_type_canonical(&a, ""));
	mg_arena_free(&a);
}

static void test_serial_columns(void **state)
{
	(void)state;
	parsed r = parse("CREATE TABLE t (a serial, b smallserial)");
	const mg_operation *op = r.cs->stmts[0]->ops[0];
	assert_string_equal(op->columns[0].type, "integer");
	assert_true(op->columns[0].serial);
	assert_string_equal(op->columns[0].default_expr, "nextval('t_a_seq'::regclass)");
	assert_int_equal(op->columns[0].default_volatility, MG_VOLATILITY_VOLATILE);
	assert_string_equal(op->columns[1].type, "smallint");
	mg_project_free(r.p);
}

/* ---- non-transactional --------------------------------------------------- */

static void test_non_transactional_statements(void **state)
{
	(void)state;
	static const struct {
		const char *sql;
		int major;
		bool nontx;
	} cases[] = {
	    {"CREATE INDEX CONCURRENTLY i ON t (a)", 15, true},
	    {"CREATE INDEX i ON t (a)", 15, false},
	    {"DROP INDEX CONCURRENTLY i", 15, true},
	    {"REINDEX INDEX CONCURRENTLY i", 15, true},
	    {"REINDEX TABLE t", 15, false},
	    {"REINDEX SCHEMA app", 15, true},
	    {"REINDEX DATABASE db", 15, true},
	    {"REINDEX SYSTEM db", 15, true},
	    {"VACUUM t", 15, true},
	    {"VACUUM FULL t", 15, true},
	    {"ANALYZE t", 15, false},
	    {"CREATE DATABASE db", 15, true},
	    {"DROP DATABASE db", 15, true},
	    {"CREATE TABLESPACE ts LOCATION '/x'", 15, true},
	    {"DROP TABLESPACE ts", 15, true},
	    {"CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p", 15, true},
	    {"DROP SUBSCRIPTION s", 15, true},
	    {"ALTER SYSTEM SET work_mem = '1MB'", 15, true},
	    {"DISCARD ALL", 15, true},
	    {"DISCARD PLANS", 15, false},
	    {"ALTER TABLE m DETACH PARTITION p CONCURRENTLY", 15, true},
	    {"ALTER TABLE m DETACH PARTITION p", 15, false},
	    {"REFRESH MATERIALIZED VIEW CONCURRENTLY mv", 15, false},
	    {"ALTER TYPE mood ADD VALUE 'x'", 11, true},
	    {"ALTER TYPE mood ADD VALUE 'x'", 12, false},
	    {"SELECT 1", 15, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		parsed r = parse(cases[i].sql);
		mg_engine_target e = {MG_ENGINE_POSTGRESQL, cases[i].major, 0};
		assert_int_equal(r.cs->n_stmts, 1);
		if (mg_statement_is_non_transactional(r.cs->stmts[0], &e) != cases[i].nontx)
			fail_msg("%s (PostgreSQL %d): expected %s", cases[i].sql, cases[i].major,
			         cases[i].nontx ? "non-transactional" : "transactional");
		mg_project_free(r.p);
	}
}

/* COPY ... FROM STDIN: its data lines are not SQL.  The statement is one
 * COPY on its table, the statements after the "\." line keep their
 * lines, COPY TO STDOUT and FROM a file have no data, and data without
 * "\." runs to the end with a diagnostic. */
static void test_copy_from_stdin_data_is_not_sql(void **state)
{
	(void)state;
	parsed r = parse("CREATE TABLE t (a int, b text);\n"
	                 "COPY t (a, b) FROM stdin;\n"
	                 "1\tfoo; DROP TABLE t;\n"
	                 "2\tit's $$ /* \\N\n"
	                 "\\.\n"
	                 "CREATE INDEX i ON t (a);\n"
	                 "copy t from STDIN with (format csv);\r\n"
	                 "3,\"x;y\"\r\n"
	                 "\\.\r\n"
	                 "COPY (SELECT 1 FROM stdin_t) TO STDOUT;\n"
	                 "COPY t FROM '/tmp/x';\n"
	                 "ALTER TABLE t ADD COLUMN c int;\n");
	static const struct {
		unsigned line;
		mg_op_kind kind;
	} want[] = {{1, MG_OP_CREATE_TABLE}, {2, MG_OP_COPY},  {6, MG_OP_CREATE_INDEX},
	            {7, MG_OP_COPY},         {10, MG_OP_COPY}, {11, MG_OP_COPY},
	            {12, MG_OP_ADD_COLUMN}};
	assert_int_equal(r.cs->n_stmts, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < r.cs->n_stmts; i++) {
		const mg_statement *st = r.cs->stmts[i];
		assert_int_equal(st->loc.line, want[i].line);
		assert_true(st->n_ops >= 1);
		assert_int_equal(st->ops[0]->kind, want[i].kind);
	}
	assert_string_equal(r.cs->stmts[1]->ops[0]->object.name, "t");
	assert_int_equal(r.p->diags.count, 0);
	mg_project_free(r.p);

	r = parse("CREATE TABLE u (a int);\nCOPY u FROM stdin;\n1\n2;\nDROP TABLE u;\n");
	assert_int_equal(r.cs->n_stmts, 2);
	const mg_diag *d = find_diag(&r, "sql-copy-unterminated");
	assert_non_null(d);
	assert_int_equal(d->loc.line, 2);
	assert_int_equal(r.p->diags.count, 1);
	mg_project_free(r.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_third_statement_column_after_multibyte),
	    cmocka_unit_test(test_anchors_map_back_to_the_original_file),
	    cmocka_unit_test(test_statements_after_a_parse_error_are_still_parsed),
	    cmocka_unit_test(test_newer_engine_says_the_grammar_is_15),
	    cmocka_unit_test(test_nul_bytes_stop_the_analysis_with_a_diagnostic),
	    cmocka_unit_test(test_invalid_utf8_is_reported_and_parsing_continues),
	    cmocka_unit_test(test_statement_size_limit),
	    cmocka_unit_test(test_split_statements_false_keeps_one_statement),
	    cmocka_unit_test(test_end_delimiter_splits_on_its_own_line),
	    cmocka_unit_test(test_bulk_path_gives_the_same_operations),
	    cmocka_unit_test(test_bulk_path_falls_back_on_a_parse_error),
	    cmocka_unit_test(test_split_skips_quotes_dollar_quotes_and_comments),
	    cmocka_unit_test(test_split_reports_unterminated),
	    cmocka_unit_test(test_split_custom_delimiter),
	    cmocka_unit_test(test_default_volatility),
	    cmocka_unit_test(test_type_canonical),
	    cmocka_unit_test(test_serial_columns),
	    cmocka_unit_test(test_non_transactional_statements),
	    cmocka_unit_test(test_copy_from_stdin_data_is_not_sql),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
