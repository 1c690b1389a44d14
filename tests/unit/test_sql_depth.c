/*
 * test_sql_depth.c: statements nested deeper than a stack holds.
 *
 * libpg_query packs its tree into protobuf by recursion and protobuf-c
 * unpacks it the same way: a SELECT of 5,000 '+' terms or 10,000 UNION ALL
 * branches used to overflow the stack.  These tests hold the front end to
 * a limit diagnostic at the statement's line with the rest of the script
 * analysed, for every path a script can take (one parse, statement by
 * statement, Liquibase's one-statement pieces, the bulk path), and hold
 * the token estimate to its promise: never below the real depth.
 */
#include "harness.h"
#include "migraph/sql.h"
#include "sql/pg_internal.h"

typedef struct parsed {
	mg_project *p;
	mg_changeset *cs;
} parsed;

static parsed parse_opts(const char *sql, const mg_sql_options *o)
{
	parsed r;
	r.p = mg_project_new();
	r.cs = mg_project_add_changeset(r.p, MG_CS_FLYWAY_VERSIONED);
	mg_text t = {"V1__deep.sql", sql, strlen(sql), NULL, 0};
	mg_sql_parse_script(r.p, r.cs, &t, o);
	return r;
}

static mg_sql_options opts15(void)
{
	mg_sql_options o;
	mg_engine_target e = {MG_ENGINE_POSTGRESQL, 15, 0};
	mg_sql_options_init(&o, e);
	return o;
}

static parsed parse(const char *sql)
{
	mg_sql_options o = opts15();
	return parse_opts(sql, &o);
}

static size_t count_diags(const parsed *r, const char *code)
{
	size_t n = 0;
	for (size_t i = 0; i < r->p->diags.count; i++)
		if (strcmp(r->p->diags.items[i]->code, code) == 0)
			n++;
	return n;
}

static const mg_diag *diag(const parsed *r, const char *code)
{
	for (size_t i = 0; i < r->p->diags.count; i++)
		if (strcmp(r->p->diags.items[i]->code, code) == 0)
			return r->p->diags.items[i];
	return NULL;
}

/* Text of `reps` copies of unit between head and tail (heap). */
static char *repeat(const char *head, const char *unit, size_t reps, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(hl + ul * reps + tl + 1), *p = s;
	memcpy(p, head, hl);
	p += hl;
	for (size_t i = 0; i < reps; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	return s;
}

/* A good statement, the deep one on line 2, a good statement on line 3. */
static char *sandwich(const char *deep)
{
	const char *a = "CREATE TABLE before_t (id int);\n", *b = "\nCREATE TABLE after_t (id int);\n";
	char *s = malloc(strlen(a) + strlen(deep) + strlen(b) + 1);
	strcpy(s, a);
	strcat(s, deep);
	strcat(s, b);
	return s;
}

static void assert_sandwich(const parsed *r)
{
	assert_int_equal(r->cs->n_stmts, 3);
	assert_int_equal(r->cs->stmts[0]->ops[0]->kind, MG_OP_CREATE_TABLE);
	assert_int_equal(r->cs->stmts[2]->ops[0]->kind, MG_OP_CREATE_TABLE);
	assert_string_equal(r->cs->stmts[2]->ops[0]->object.name, "after_t");
	assert_true(r->cs->stmts[1]->parse_failed);
	const mg_diag *d = diag(r, "limit-sql-depth");
	assert_non_null(d);
	assert_int_equal(d->loc.line, 2);
	assert_int_equal(d->loc.col, 1);
	assert_non_null(strstr(d->hint, "--max-sql-depth"));
}

/* Each shape crashed (or would) with an 8 MB stack; each is refused at
 * its own line, exactly (after the parse) or estimated (before it). */
static void test_deep_chains_are_refused_at_their_line(void **state)
{
	(void)state;
	struct {
		const char *head, *unit, *tail;
		size_t reps;
	} shapes[] = {
	    {"SELECT 1", "+1", ";", 5500},                   /* crashed the unpack at 4,362 */
	    {"SELECT 1", "+1", ";", 30000},
	    {"SELECT 1", "+1", ";", 300000},                 /* crashed libpg_query's pack */
	    {"SELECT 1", " UNION ALL SELECT 1", ";", 12000}, /* crashed at 8,723 */
	    {"SELECT 1", " UNION ALL SELECT 1", ";", 30000},
	    {"SELECT 1", " UNION ALL SELECT 1", ";", 100000},
	    {"SELECT 'a'", "||'a'", ";", 30000},
	    {"SELECT 1", "::int", ";", 30000},
	    {"SELECT x", "->'a'", ";", 30000},
	    {"SELECT * FROM a", " JOIN a ON true", ";", 30000},
	};
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		char *deep = repeat(shapes[i].head, shapes[i].unit, shapes[i].reps, shapes[i].tail);
		char *sql = sandwich(deep);
		parsed r = parse(sql);
		assert_sandwich(&r);
		assert_int_equal(count_diags(&r, "limit-sql-depth"), 1);
		/* Within half as much again as the limit, the depth is measured on
		 * the parsed tree; beyond it, estimated before the parse. */
		bool measured = strstr(diag(&r, "limit-sql-depth")->message, "about") == NULL;
		assert_int_equal(measured, shapes[i].reps == 5500 || shapes[i].reps == 12000);
		mg_project_free(r.p);
		free(sql);
		free(deep);
	}
}

/* Just under the default limit the statement is analysed in full: the
 * limit refuses only what PostgreSQL's default stack refuses too. */
static void test_deep_but_within_the_limit_is_analysed(void **state)
{
	(void)state;
	/* 4,092 terms: the longest + chain PostgreSQL 15 accepts with its
	 * default max_stack_depth; 1,600 nested subqueries (it takes 2,111). */
	char *plus = repeat("INSERT INTO t SELECT 1", "+1", 4091, ";");
	char *subs = repeat("INSERT INTO t SELECT ", "(SELECT ", 1600, "1");
	char *closing = repeat(subs, ")", 1600, ";");
	const char *deep[] = {plus, closing};
	for (size_t i = 0; i < 2; i++) {
		char *sql = sandwich(deep[i]);
		parsed r = parse(sql);
		assert_int_equal(r.cs->n_stmts, 3);
		assert_false(r.cs->stmts[1]->parse_failed);
		assert_int_equal(r.cs->stmts[1]->ops[0]->kind, MG_OP_INSERT);
		assert_null(diag(&r, "limit-sql-depth"));
		mg_project_free(r.p);
		free(sql);
	}
	free(plus);
	free(subs);
	free(closing);
}

static void test_limit_option_is_honoured(void **state)
{
	(void)state;
	char *deep = repeat("SELECT 1", "+1", 40, ";");
	char *sql = sandwich(deep);
	mg_sql_options o = opts15();
	o.max_depth = 50;
	parsed r = parse_opts(sql, &o);
	assert_sandwich(&r);
	/* The message gives the measured depth and the limit. */
	assert_non_null(strstr(diag(&r, "limit-sql-depth")->message, "limit of 50"));
	mg_project_free(r.p);
	o.max_depth = 0; /* the default */
	r = parse_opts(sql, &o);
	assert_null(diag(&r, "limit-sql-depth"));
	assert_false(r.cs->stmts[1]->parse_failed);
	mg_project_free(r.p);
	free(sql);
	free(deep);
}

/* The paths other than the one parse of a whole script. */
static void test_every_parse_path_refuses_deep_statements(void **state)
{
	(void)state;
	char *deep = repeat("SELECT 1", "+1", 30000, ";");
	char *huge = repeat("SELECT 1", "+1", 300000, ";");
	const char *texts[] = {deep, huge};
	for (size_t k = 0; k < 2; k++) {
		char *sql = sandwich(texts[k]);
		/* A parse error elsewhere sends the script statement by statement. */
		char *broken = malloc(strlen(sql) + 32);
		strcpy(broken, sql);
		strcat(broken, "SELEC oops;\n");
		parsed r = parse(broken);
		assert_int_equal(r.cs->n_stmts, 4);
		assert_int_equal(count_diags(&r, "limit-sql-depth"), 1);
		assert_int_equal(count_diags(&r, "sql-parse-error"), 1);
		assert_int_equal(r.cs->stmts[2]->ops[0]->kind, MG_OP_CREATE_TABLE);
		mg_project_free(r.p);
		free(broken);

		/* The bulk path of large scripts. */
		size_t saved = sql_pg_bulk_threshold;
		sql_pg_bulk_threshold = 1;
		r = parse(sql);
		sql_pg_bulk_threshold = saved;
		assert_sandwich(&r);
		mg_project_free(r.p);

		/* Liquibase: splitStatements=false, and an endDelimiter. */
		mg_sql_options o = opts15();
		o.split_statements = false;
		r = parse_opts(texts[k], &o);
		assert_int_equal(r.cs->n_stmts, 1);
		assert_true(r.cs->stmts[0]->parse_failed);
		assert_int_equal(count_diags(&r, "limit-sql-depth"), 1);
		mg_project_free(r.p);
		o = opts15();
		o.end_delimiter = "GO";
		r = parse_opts(sql, &o);
		assert_int_equal(count_diags(&r, "limit-sql-depth"), 1);
		mg_project_free(r.p);
		free(sql);
	}
	free(deep);
	free(huge);
}

/* What libpg_query's grammar bounds itself (bison stops at 10,000 states)
 * stays a parse error, never a crash. */
static void test_nesting_the_grammar_bounds(void **state)
{
	(void)state;
	char *open = repeat("SELECT ", "(", 7000, "1");
	char *parens = repeat(open, ")", 7000, ";");
	parsed r = parse(parens);
	assert_int_equal(r.cs->n_stmts, 1);
	assert_false(r.cs->stmts[0]->parse_failed); /* parentheses make no nodes */
	mg_project_free(r.p);
	char *fopen_ = repeat("SELECT ", "f(", 20000, "1");
	char *calls = repeat(fopen_, ")", 20000, ";");
	r = parse(calls);
	assert_int_equal(r.cs->n_stmts, 1);
	assert_true(r.cs->stmts[0]->parse_failed);
	assert_true(diag(&r, "sql-parse-error") || diag(&r, "limit-sql-depth"));
	mg_project_free(r.p);
	free(open);
	free(parens);
	free(fopen_);
	free(calls);
}

/* migraph's own walk over the tree neither recurses nor stops early: a
 * view's relation under 6,000 levels of expression is still found. */
static void test_walk_reaches_the_bottom_of_a_deep_tree(void **state)
{
	(void)state;
	char *sql = repeat("CREATE VIEW v AS SELECT (SELECT x FROM deep_t)", "+1", 3000, ";");
	parsed r = parse(sql);
	assert_int_equal(r.cs->n_stmts, 1);
	const mg_operation *op = r.cs->stmts[0]->ops[0];
	assert_int_equal(op->kind, MG_OP_CREATE_VIEW);
	bool found = false;
	for (size_t i = 0; i < op->n_depends; i++)
		found |= mg_str_eq(op->depends[i].name, "deep_t");
	assert_true(found);
	mg_project_free(r.p);
	free(sql);
}

/* libpg_query's scanner takes time quadratic in a comment's nesting (20,000
 * levels: 4 s, 100,000: 73 s): deeper than --max-nesting-depth the
 * comment is read as blank, which is what it is to the server. */
static void test_deeply_nested_comments(void **state)
{
	(void)state;
	char *opens = repeat("CREATE TABLE a (id int);\n", "/*", 200000, " x ");
	char *sql = repeat(opens, "*/", 200000, "\nCREATE TABLE b (id int);\n");
	parsed r = parse(sql);
	assert_int_equal(r.cs->n_stmts, 2);
	assert_string_equal(r.cs->stmts[1]->ops[0]->object.name, "b");
	assert_int_equal(r.cs->stmts[1]->loc.line, 3);
	const mg_diag *d = diag(&r, "limit-nesting");
	assert_non_null(d);
	assert_int_equal(d->loc.line, 2);
	assert_non_null(strstr(d->hint, "--max-nesting-depth"));
	mg_project_free(r.p);
	/* Within the limit nothing changes; the option lowers it. */
	char *few = repeat("SELECT 1; /*", "/*", 20, " x */*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/ SELECT 2;");
	r = parse(few);
	assert_null(diag(&r, "limit-nesting"));
	assert_int_equal(r.cs->n_stmts, 2);
	mg_project_free(r.p);
	mg_sql_options o = opts15();
	o.max_nesting = 10;
	r = parse_opts(few, &o);
	assert_non_null(diag(&r, "limit-nesting"));
	assert_int_equal(r.cs->n_stmts, 2);
	mg_project_free(r.p);
	/* Unterminated, it stays an error the server would give. */
	char *open_only = repeat("SELECT 1;\n", "/*", 200000, "");
	r = parse(open_only);
	assert_non_null(diag(&r, "limit-nesting"));
	assert_true(diag(&r, "sql-unterminated") || diag(&r, "sql-parse-error"));
	assert_int_equal(r.cs->stmts[0]->ops[0]->kind, MG_OP_SELECT);
	mg_project_free(r.p);
	free(opens);
	free(sql);
	free(few);
	free(open_only);
}

/* ---- the estimate ------------------------------------------------------ */

static size_t exact_depth(const char *sql)
{
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
	size_t d = 0;
	if (!r.error)
		d = sql_pg_wire_depth((const uint8_t *)r.parse_tree.data, r.parse_tree.len,
		                     &pg_query__parse_result__descriptor, (size_t)-2) -
		    1;
	pg_query_free_protobuf_parse_result(r);
	return d;
}

/* Shapes small enough to parse on any stack; the estimate must never be
 * below the real depth, and stay within a few times of it for chains. */
static void test_estimate_is_an_upper_bound(void **state)
{
	(void)state;
	struct {
		const char *head, *unit, *tail;
	} shapes[] = {
	    {"SELECT 1", "+1", ""},
	    {"SELECT 1, 2", " UNION ALL SELECT 1, 2", ""},
	    {"SELECT ", "(SELECT ", "1"},
	    {"SELECT ", "EXISTS (SELECT ", "1"},
	    {"SELECT 1 WHERE ", "x IN (SELECT ", "1"},
	    {"SELECT ", "CASE WHEN true THEN ", "1"},
	    {"SELECT ", "ARRAY[", "1"},
	    {"SELECT ", "f(", "1"},
	    {"SELECT ", "ROW(", "1"},
	    {"SELECT ", "NOT ", "true"},
	    {"SELECT ", "+-", "1"},
	    {"SELECT 1", "::int", ""},
	    {"SELECT x", "->'a'", ""},
	    {"SELECT x", " IS NULL", ""},
	    {"SELECT x", " COLLATE \"C\"", ""},
	    {"SELECT x", " AT TIME ZONE 'UTC'", ""},
	    {"SELECT x", " OPERATOR(pg_catalog.+) 1", ""},
	    {"SELECT * FROM a", " JOIN a ON true", ""},
	    {"SELECT * FROM a", " CROSS JOIN a", ""},
	    {"(SELECT 1)", " INTERSECT (SELECT 1)", ""},
	    {"CREATE TABLE t (a int CHECK (a", "+a", " > 0))"},
	    {"CREATE INDEX i ON t ((a", "+a", "))"},
	    {"ALTER TABLE t ADD COLUMN a int DEFAULT 1", "+1", ""},
	    {"UPDATE t SET a = a", "+a", ""},
	    {"SELECT NULL::numeric(1", "+1", ")"},
	    {"CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 1", "+1", ")"},
	    {"SELECT 1 ORDER BY a", "+a", ""},
	    {"SELECT CASE WHEN a = 1 THEN 1", "+1", " END"},
	};
	size_t reps[] = {0, 1, 3, 50, 700};
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		for (size_t k = 0; k < sizeof reps / sizeof reps[0]; k++) {
			char *body = repeat(shapes[i].head, shapes[i].unit, reps[k], shapes[i].tail);
			/* Close what the units opened. */
			int opens = 0;
			for (const char *p = shapes[i].unit; *p; p++)
				opens += (*p == '(' || *p == '[') - (*p == ')' || *p == ']');
			bool is_case = strstr(shapes[i].unit, "CASE") != NULL;
			char *sql = repeat(body, is_case ? " END" : strchr(shapes[i].unit, '[') ? "]" : ")",
			                   opens || is_case ? reps[k] : 0, "");
			size_t exact = exact_depth(sql), est = sql_depth_estimate(sql, strlen(sql));
			if (exact == 0)
				fail_msg("does not parse: %.80s", sql);
			if (est < exact)
				fail_msg("estimate %zu below the depth %zu: %.80s", est, exact, sql);
			free(sql);
			free(body);
		}
	}
	/* Siblings do not add up: long lists stay shallow in the estimate. */
	char *list = repeat("INSERT INTO t VALUES (1+1)", ", (1+1)", 100000, "");
	assert_true(sql_depth_estimate(list, strlen(list)) < 64);
	free(list);
	char *ors = repeat("SELECT 1 WHERE a = 1", " OR a = 1", 100000, "");
	assert_true(sql_depth_estimate(ors, strlen(ors)) < 64);
	free(ors);
	char *whens = repeat("SELECT CASE", " WHEN a = 1 THEN 'x' || 'y'", 100000, " END");
	assert_true(sql_depth_estimate(whens, strlen(whens)) < 64);
	free(whens);
	/* Quotes and comments are no operators. */
	char *quoted = repeat("SELECT '", "+", 100000, "' /* + + + */ -- +\n");
	assert_true(sql_depth_estimate(quoted, strlen(quoted)) < 64);
	free(quoted);
}

static void test_wire_depth(void **state)
{
	(void)state;
	assert_int_equal(exact_depth("SELECT 1"), 8);
	assert_int_equal(exact_depth("SELECT 1+1"), 10);
	/* Stops counting past `stop`. */
	PgQueryProtobufParseResult r = pg_query_parse_protobuf("SELECT 1+1+1+1+1+1");
	size_t d = sql_pg_wire_depth((const uint8_t *)r.parse_tree.data, r.parse_tree.len,
	                            &pg_query__parse_result__descriptor, 5);
	assert_int_equal(d, 6);
	/* Truncated bytes are malformed, never read past their end. */
	d = sql_pg_wire_depth((const uint8_t *)r.parse_tree.data, r.parse_tree.len - 3,
	                     &pg_query__parse_result__descriptor, 1000);
	assert_true(d == SIZE_MAX || d <= 16);
	const uint8_t junk[] = {0x12, 0xff, 0xff, 0xff, 0xff, 0x0f};
	assert_int_equal(sql_pg_wire_depth(junk, sizeof junk, &pg_query__parse_result__descriptor, 9),
	                 SIZE_MAX);
	pg_query_free_protobuf_parse_result(r);
}

/* A Liquibase type attribute is parsed as "SELECT NULL::<type>": a hostile
 * one is no type, and no crash. */
static void test_hostile_type_text(void **state)
{
	(void)state;
	mg_arena a;
	mg_arena_init(&a);
	char *type = repeat("int", "::int", 100000, "");
	assert_null(mg_sql_type_canonical(&a, type));
	free(type);
	type = repeat("numeric(1", "+1", 100000, ")");
	assert_null(mg_sql_type_canonical(&a, type));
	free(type);
	assert_string_equal(mg_sql_type_canonical(&a, "int4"), "integer");
	mg_arena_free(&a);
}

static void noop(void *arg)
{
	*(int *)arg = 42;
}

static void test_run_with_stack(void **state)
{
	(void)state;
	int x = 0;
	assert_int_equal(mg_run_with_stack((size_t)64 << 20, noop, &x), 0);
	assert_int_equal(x, 42);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deep_chains_are_refused_at_their_line),
	    cmocka_unit_test(test_deep_but_within_the_limit_is_analysed),
	    cmocka_unit_test(test_limit_option_is_honoured),
	    cmocka_unit_test(test_every_parse_path_refuses_deep_statements),
	    cmocka_unit_test(test_nesting_the_grammar_bounds),
	    cmocka_unit_test(test_walk_reaches_the_bottom_of_a_deep_tree),
	    cmocka_unit_test(test_deeply_nested_comments),
	    cmocka_unit_test(test_estimate_is_an_upper_bound),
	    cmocka_unit_test(test_wire_depth),
	    cmocka_unit_test(test_hostile_type_text),
	    cmocka_unit_test(test_run_with_stack),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
