/*
 * test_catalog_snapshot.c: copies of the catalog and its canonical text.
 * A copy changes without touching its source; two orders of building the
 * same schema give the same snapshot; every kind of fact (type, NOT NULL,
 * default, constraint validity, index, view) makes a difference; partial
 * copies and snapshots cover just the relations asked for.
 */
#include "harness.h"
#include "migraph/catalog.h"
#include "migraph/sql.h"

static mg_project *proj;

static int setup(void **state)
{
	(void)state;
	proj = mg_project_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mg_project_free(proj);
	return 0;
}

/* Parses sql and applies every operation to cat. */
static void apply(mg_catalog *cat, const char *sql)
{
	mg_changeset *cs = mg_project_add_changeset(proj, MG_CS_FLYWAY_VERSIONED);
	mg_sql_options o;
	mg_engine_target e = {MG_ENGINE_POSTGRESQL, 16, 0};
	mg_sql_options_init(&o, e);
	mg_text t = {"V1__t.sql", sql, strlen(sql), NULL, 0};
	mg_sql_parse_script(proj, cs, &t, &o);
	for (size_t s = 0; s < cs->n_stmts; s++) {
		assert_false(cs->stmts[s]->parse_failed);
		mg_catalog_set_statement(cat, cs->stmts[s]->sql, cs->stmts[s]->sql_len);
		for (size_t k = 0; k < cs->stmts[s]->n_ops; k++)
			mg_catalog_apply(cat, cs->stmts[s]->ops[k], cs->index, NULL, NULL);
	}
	mg_catalog_set_statement(cat, NULL, 0);
}

static const char *snap(const mg_catalog *cat)
{
	return mg_catalog_snapshot(cat, &proj->arena, NULL, 0);
}

static mg_catalog *built(const char *sql)
{
	mg_catalog *cat = mg_catalog_new(&proj->arena, "public");
	apply(cat, sql);
	return cat;
}

static const char *const base =
	"CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);\n"
	"CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id),"
	" status text DEFAULT 'new', total numeric(10,2));\n"
	"CREATE INDEX orders_status_idx ON orders (status) WHERE status <> 'done';\n"
	"ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\n"
	"CREATE VIEW open_orders AS SELECT id, status FROM orders WHERE status <> 'done';\n"
	"CREATE SEQUENCE invoice_seq;\n"
	"CREATE TYPE mood AS ENUM ('ok', 'sad');\n";

static void the_same_schema_built_two_ways_gives_the_same_text(void **state)
{
	(void)state;
	mg_catalog *a = built(base);
	/* Columns added one by one, the index before the constraint, names
	 * in another case: the same schema. */
	mg_catalog *b = built(
		"CREATE TYPE mood AS ENUM ('ok', 'sad');\n"
		"CREATE SEQUENCE invoice_seq;\n"
		"CREATE TABLE Customers (id bigint PRIMARY KEY);\n"
		"ALTER TABLE customers ADD COLUMN email text NOT NULL;\n"
		"CREATE TABLE orders (id bigint PRIMARY KEY, status text, total numeric(10,2));\n"
		"ALTER TABLE orders ADD COLUMN customer_id bigint REFERENCES customers (id);\n"
		"ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';\n"
		"CREATE VIEW open_orders AS SELECT id, status FROM orders WHERE status <> 'done';\n"
		"CREATE INDEX orders_status_idx ON orders (status) WHERE status <> 'done';\n"
		"ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\n");
	assert_string_equal(snap(a), snap(b));
	assert_non_null(strstr(snap(a), "index public.orders_status_idx on public.orders (status)"));
	assert_non_null(strstr(snap(a), "constraint public.orders.orders_total_check check"));
	assert_non_null(strstr(snap(a), "view public.open_orders reads public.orders"));
	assert_non_null(strstr(snap(a), "type public.mood"));
	assert_non_null(strstr(snap(a), "sequence public.invoice_seq"));
}

/* Each statement changes one fact; the snapshot must notice every one. */
static void every_kind_of_fact_makes_a_difference(void **state)
{
	(void)state;
	static const char *const changes[] = {
		"ALTER TABLE orders ALTER COLUMN status TYPE varchar(20);",
		"ALTER TABLE orders ALTER COLUMN status SET NOT NULL;",
		"ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;",
		"ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'open';",
		"ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;",
		"ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;",
		"ALTER TABLE orders ADD CONSTRAINT orders_status_key UNIQUE (status);",
		"DROP INDEX orders_status_idx;",
		"CREATE INDEX orders_total_idx ON orders (total);",
		"ALTER INDEX orders_status_idx RENAME TO orders_status_open_idx;",
		"ALTER TABLE orders ADD COLUMN note text;",
		"ALTER TABLE orders RENAME COLUMN total TO amount;",
		"ALTER TABLE orders RENAME TO purchases;",
		"DROP VIEW open_orders;",
		"DROP SEQUENCE invoice_seq;",
		"DROP TYPE mood;",
		"CREATE TABLE extra (id int);",
		NULL};
	const char *before = snap(built(base));
	for (size_t i = 0; changes[i]; i++) {
		mg_catalog *cat = built(base);
		apply(cat, changes[i]);
		const char *after = snap(cat);
		if (!strcmp(before, after))
			fail_msg("no difference after: %s", changes[i]);
		const char *gone = mg_snapshot_missing(&proj->arena, before, after);
		const char *new = mg_snapshot_missing(&proj->arena, after, before);
		assert_true(*gone || *new);
	}
}

static void a_copy_changes_alone(void **state)
{
	(void)state;
	mg_catalog *cat = built(base);
	const char *before = snap(cat);
	mg_catalog *copy = mg_catalog_copy(cat, &proj->arena, NULL, 0);
	assert_string_equal(snap(copy), before);
	apply(copy, "ALTER TABLE orders DROP COLUMN status;\n"
	            "DROP TABLE customers CASCADE;\n"
	            "ALTER TABLE orders ADD COLUMN note text;\n");
	assert_string_equal(snap(cat), before);
	assert_string_not_equal(snap(copy), before);
	/* Undoing the change on the copy brings the text back, and the
	 * copy's own links (the view reads orders, the foreign key points at
	 * customers) work like the original's. */
	mg_catalog *c2 = mg_catalog_copy(cat, &proj->arena, NULL, 0);
	apply(c2, "ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders DROP COLUMN note;\n");
	assert_string_equal(snap(c2), before);
	apply(c2, "ALTER TABLE orders RENAME TO purchases;\n");
	assert_non_null(strstr(snap(c2), "view public.open_orders reads public.purchases"));
	assert_non_null(mg_catalog_relation(c2, "public", "customers"));
}

static void count_view(void *ctx, mg_cat_relation *v)
{
	(void)v;
	(*(size_t *)ctx)++;
}

static void count_fk(void *ctx, mg_cat_relation *from, mg_cat_constraint *k)
{
	(void)from;
	(void)k;
	(*(size_t *)ctx)++;
}

static void a_copy_keeps_the_links_between_relations(void **state)
{
	(void)state;
	mg_catalog *cat = built(base);
	mg_catalog *copy = mg_catalog_copy(cat, &proj->arena, NULL, 0);
	mg_cat_relation *orders = mg_catalog_relation(copy, "public", "orders");
	mg_cat_relation *customers = mg_catalog_relation(copy, "public", "customers");
	assert_ptr_not_equal(orders, mg_catalog_relation(cat, "public", "orders"));
	size_t views = 0, fks = 0;
	mg_catalog_each_dependent_view(copy, orders, count_view, &views);
	mg_catalog_each_referencing(copy, customers, count_fk, &fks);
	assert_int_equal(views, 1);
	assert_int_equal(fks, 1);
	mg_cat_index *ix = NULL;
	assert_ptr_equal(mg_catalog_index_table(copy, "public", "orders_status_idx", &ix), orders);
	/* Dropping the referenced table on the copy takes the foreign key
	 * with it there, and only there. */
	apply(copy, "DROP TABLE customers CASCADE;");
	assert_null(mg_catalog_constraint(orders, "orders_customer_id_fkey"));
	assert_non_null(mg_catalog_constraint(mg_catalog_relation(cat, "public", "orders"),
	                                      "orders_customer_id_fkey"));
}

static void partial_copies_and_snapshots_cover_what_is_asked(void **state)
{
	(void)state;
	mg_catalog *cat = built(base);
	mg_object only[] = {{MG_OBJ_COLUMN, "public", "orders", "status"},
	                    {MG_OBJ_TYPE, "public", NULL, "mood"}};
	const char *part = mg_catalog_snapshot(cat, &proj->arena, only, 2);
	assert_non_null(strstr(part, "table public.orders\n"));
	assert_non_null(strstr(part, "type public.mood\n"));
	assert_null(strstr(part, "table public.customers"));
	assert_null(strstr(part, "open_orders"));
	mg_catalog *copy = mg_catalog_copy(cat, &proj->arena, only, 2);
	assert_string_equal(mg_catalog_snapshot(copy, &proj->arena, only, 2), part);
	assert_null(mg_catalog_relation(copy, "public", "customers"));
	/* An index names its table. */
	mg_object ix[] = {{MG_OBJ_INDEX, "public", NULL, "orders_status_idx"}};
	assert_non_null(strstr(mg_catalog_snapshot(cat, &proj->arena, ix, 1), "table public.orders\n"));
	mg_catalog *c2 = mg_catalog_copy(cat, &proj->arena, ix, 1);
	apply(c2, "DROP INDEX orders_status_idx;");
	assert_null(strstr(mg_catalog_snapshot(c2, &proj->arena, ix, 1), "orders_status_idx"));
}

static void view_and_function_definitions_are_kept(void **state)
{
	(void)state;
	mg_catalog *cat = built(base);
	apply(cat, "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; "
	           "END $$;");
	size_t len = 0;
	const char *v = mg_catalog_view_sql(mg_catalog_relation(cat, "public", "open_orders"), &len);
	assert_non_null(v);
	assert_true(len > 0 && !strncmp(v, "CREATE VIEW open_orders", 23));
	const char *f = mg_catalog_function_sql(cat, "public", "touch");
	assert_non_null(f);
	assert_non_null(strstr(f, "CREATE FUNCTION touch()"));
	assert_null(mg_catalog_function_sql(cat, "public", "nothing"));
}

/* A view's definition runs again only while it still names the view and
 * what it reads as they are called now; which columns a view uses is
 * decided per view. */
static void view_definitions_that_run_again(void **state)
{
	(void)state;
	mg_catalog *cat = built("CREATE TABLE t (a int, b int);\n"
	                        "CREATE VIEW v AS SELECT a FROM t;\n"
	                        "CREATE VIEW w0 AS SELECT b FROM t;\n"
	                        "ALTER VIEW w0 RENAME TO w;\n"
	                        "CREATE VIEW x AS SELECT * FROM t;\n");
	const mg_cat_relation *v = mg_catalog_relation(cat, "public", "v");
	const mg_cat_relation *w = mg_catalog_relation(cat, "public", "w");
	size_t len = 0;
	const char *sql = mg_catalog_view_sql_current(v, &len);
	assert_non_null(sql);
	assert_int_equal(len, strlen("CREATE VIEW v AS SELECT a FROM t"));
	assert_non_null(mg_catalog_view_sql(w, NULL));
	assert_null(mg_catalog_view_sql_current(w, NULL));
	assert_true(mg_catalog_view_reads_column(v, "a"));
	assert_false(mg_catalog_view_reads_column(v, "b"));
	assert_true(mg_catalog_view_reads_column(mg_catalog_relation(cat, "public", "x"), "b"));
	apply(cat, "ALTER TABLE t RENAME TO t2;");
	assert_null(mg_catalog_view_sql_current(mg_catalog_relation(cat, "public", "v"), NULL));
}

/* PostgreSQL names an unnamed table CHECK after the one column it reads,
 * or after the table alone: a later DROP CONSTRAINT must find it. */
static void unnamed_checks_get_postgresqls_names(void **state)
{
	(void)state;
	mg_catalog *cat = built("CREATE TABLE t (a int, b int);\n"
	                        "ALTER TABLE t ADD CHECK (a > 0);\n"
	                        "ALTER TABLE t ADD CHECK (a < b);\n"
	                        "CREATE TABLE u (x int, CHECK (x <> 0));\n");
	const mg_cat_relation *t = mg_catalog_relation(cat, "public", "t");
	assert_non_null(mg_catalog_constraint(t, "t_a_check"));
	assert_non_null(mg_catalog_constraint(t, "t_check"));
	assert_non_null(mg_catalog_constraint(mg_catalog_relation(cat, "public", "u"), "u_x_check"));
}

/* A table wide enough for the column index (lookups by hash, not by scan):
 * what a copy does to its columns - drop, rename, add - never changes
 * what the source answers, nor the other way round. */
static mg_catalog *wide(size_t n)
{
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, "CREATE TABLE w (");
	for (size_t i = 0; i < n; i++)
		mg_buf_printf(&b, "%sc%zu int", i ? ", " : "", i);
	mg_buf_puts(&b, ");");
	mg_catalog *cat = built(mg_arena_strdup(&proj->arena, mg_buf_cstr(&b)));
	mg_buf_dispose(&b);
	return cat;
}

static const char *type_of(const mg_catalog *cat, const char *col)
{
	const mg_cat_column *c = mg_catalog_column(mg_catalog_relation(cat, "public", "w"), col);
	return c ? c->type : NULL;
}

static void wide_copies_and_their_source_change_alone(void **state)
{
	(void)state;
	mg_catalog *cat = wide(40);
	assert_string_equal(type_of(cat, "c5"), "integer"); /* the source's index is built */
	mg_object only[] = {{MG_OBJ_TABLE, "public", NULL, "w"}};
	for (int partial = 0; partial < 2; partial++) {
		mg_catalog *copy = mg_catalog_copy(cat, &proj->arena, partial ? only : NULL, partial);
		apply(copy, "ALTER TABLE w DROP COLUMN c0;\n"
		            "ALTER TABLE w RENAME COLUMN c7 TO r7;\n"
		            "ALTER TABLE w ALTER COLUMN c9 TYPE bigint;\n"
		            "ALTER TABLE w ADD COLUMN extra text;");
		assert_null(type_of(copy, "c0"));
		assert_null(type_of(copy, "c7"));
		assert_string_equal(type_of(copy, "r7"), "integer");
		assert_string_equal(type_of(copy, "c9"), "bigint");
		assert_string_equal(type_of(copy, "extra"), "text");
		for (size_t i = 0; i < 40; i++) {
			const char *c = mg_arena_printf(&proj->arena, "c%zu", i);
			const mg_cat_column *col =
				mg_catalog_column(mg_catalog_relation(cat, "public", "w"), c);
			assert_non_null(col);
			assert_string_equal(col->name, c);
			assert_string_equal(col->type, "integer");
		}
		assert_null(type_of(cat, "r7"));
		assert_null(type_of(cat, "extra"));
	}
	/* And the source changing leaves a copy as it was. */
	mg_catalog *copy = mg_catalog_copy(cat, &proj->arena, only, 1);
	assert_string_equal(type_of(copy, "c3"), "integer");
	apply(cat, "ALTER TABLE w DROP COLUMN c1;\n"
	           "ALTER TABLE w RENAME COLUMN c3 TO r3;\n"
	           "ALTER TABLE w ALTER COLUMN c4 SET NOT NULL;\n"
	           "ALTER TABLE w ADD COLUMN more int;");
	assert_string_equal(type_of(copy, "c1"), "integer");
	assert_string_equal(type_of(copy, "c3"), "integer");
	assert_null(type_of(copy, "r3"));
	assert_null(type_of(copy, "more"));
	assert_false(mg_catalog_column(mg_catalog_relation(copy, "public", "w"), "c4")->not_null);
	assert_true(mg_catalog_column(mg_catalog_relation(cat, "public", "w"), "c4")->not_null);
	assert_int_equal(mg_catalog_relation(copy, "public", "w")->n_columns, 40);
}

/* A borrowing copy answers as a copy would, for what it holds, without
 * duplicating the columns; its first change makes them its own, and the
 * source never sees it. */
static void a_borrowing_copy_answers_as_a_copy_and_changes_alone(void **state)
{
	(void)state;
	mg_catalog *cat = wide(40);
	apply(cat, base);
	mg_object only[] = {{MG_OBJ_COLUMN, "public", "w", "c3"},
	                    {MG_OBJ_INDEX, "public", NULL, "orders_status_idx"}};
	mg_catalog *b = mg_catalog_borrow(cat, &proj->arena, only, 2);
	mg_catalog *c = mg_catalog_copy(cat, &proj->arena, only, 2);
	assert_string_equal(mg_catalog_snapshot(b, &proj->arena, NULL, 0),
	                    mg_catalog_snapshot(c, &proj->arena, NULL, 0));
	assert_null(mg_catalog_relation(b, "public", "customers"));
	assert_true(mg_catalog_has_type(b, "public", "mood"));
	const mg_cat_relation *w = mg_catalog_relation(b, "public", "w");
	assert_ptr_equal(w->columns, mg_catalog_relation(cat, "public", "w")->columns);
	assert_string_equal(type_of(b, "c39"), "integer");
	const char *before = snap(cat);
	apply(b, "ALTER TABLE w RENAME COLUMN c3 TO r3;\n"
	         "ALTER TABLE w DROP COLUMN c0;\n"
	         "ALTER TABLE w ADD COLUMN extra text;\n"
	         "ALTER TABLE orders ALTER COLUMN status SET NOT NULL;\n"
	         "DROP INDEX orders_status_idx;\n"
	         "CREATE TYPE sad AS ENUM ('x');");
	assert_ptr_not_equal(mg_catalog_relation(b, "public", "w")->columns,
	                     mg_catalog_relation(cat, "public", "w")->columns);
	assert_string_equal(type_of(b, "r3"), "integer");
	assert_null(type_of(b, "c0"));
	assert_true(mg_catalog_has_type(b, "public", "sad"));
	assert_null(mg_catalog_index_table(b, "public", "orders_status_idx", NULL));
	assert_string_equal(snap(cat), before);
	assert_false(mg_catalog_has_type(cat, "public", "sad"));
	assert_string_equal(type_of(cat, "c3"), "integer");
	assert_non_null(mg_catalog_index_table(cat, "public", "orders_status_idx", NULL));
}

/* The lines of snapshot a that name none of the columns named. */
static size_t column_lines(const char *a)
{
	size_t n = 0;
	for (const char *p = a; (p = strstr(p, "column ")) != NULL; p++)
		n += p == a || p[-1] == '\n';
	return n;
}

/* A copy of just the columns named (any case, each once, those that
 * exist), with every constraint and index of its tables: operations on
 * those columns leave it where a whole copy ends, but for the columns it
 * left out, and the source as it was. */
static void a_copy_of_named_columns_ends_where_a_whole_copy_does(void **state)
{
	(void)state;
	mg_catalog *cat = wide(40);
	apply(cat, "ALTER TABLE w ADD CONSTRAINT w_pk PRIMARY KEY (c1);\n"
	           "CREATE INDEX w_c2_idx ON w (c2);\n"
	           "ALTER TABLE w ADD CONSTRAINT w_c4_check CHECK (c4 > 0);");
	const char *source = snap(cat);
	mg_object only[] = {{MG_OBJ_TABLE, "public", NULL, "w"}};
	const char *const named[] = {"c3", "C5", "c5", "nope", "c2", "c9", "extra", "r3"};
	mg_catalog *part = mg_catalog_copy_columns(cat, &proj->arena, only, 1, named, 8);
	mg_catalog *whole = mg_catalog_copy(cat, &proj->arena, only, 1);
	const mg_cat_relation *w = mg_catalog_relation(part, "public", "w");
	assert_int_equal(w->n_columns, 4); /* c3, c5, c2, c9 */
	assert_null(type_of(part, "c1"));
	assert_non_null(mg_catalog_constraint(w, "w_pk"));
	assert_non_null(mg_catalog_constraint(w, "w_c4_check"));
	assert_ptr_equal(mg_catalog_index_table(part, "public", "w_c2_idx", NULL), w);
	const char *ops = "ALTER TABLE w RENAME COLUMN c3 TO r3;\n"
	                  "ALTER TABLE w DROP COLUMN c2;\n"
	                  "ALTER TABLE w ALTER COLUMN c9 TYPE bigint;\n"
	                  "ALTER TABLE w ALTER COLUMN c5 SET DEFAULT 7;\n"
	                  "ALTER TABLE w ADD COLUMN extra text NOT NULL DEFAULT 'x';\n"
	                  "CREATE INDEX w_extra_idx ON w (extra);";
	apply(part, ops);
	apply(whole, ops);
	const char *p = mg_catalog_snapshot(part, &proj->arena, only, 1);
	const char *f = mg_catalog_snapshot(whole, &proj->arena, only, 1);
	/* Every line of the partial copy is the whole copy's; what it lacks
	 * is the columns it was not asked for, and nothing else. */
	assert_string_equal(mg_snapshot_missing(&proj->arena, p, f), "");
	const char *lacks = mg_snapshot_missing(&proj->arena, f, p);
	assert_int_equal(column_lines(lacks), 40 - 4);
	assert_null(strstr(lacks, "index "));
	assert_null(strstr(lacks, "constraint "));
	assert_null(strstr(lacks, ".r3 "));
	assert_null(strstr(lacks, ".extra "));
	assert_non_null(strstr(p, "column public.w.c5 integer default 7\n"));
	assert_non_null(strstr(p, "column public.w.c9 bigint\n"));
	assert_null(strstr(p, "w_c2_idx"));
	assert_string_equal(snap(cat), source);
	/* No names: the tables with none of their columns. */
	part = mg_catalog_copy_columns(cat, &proj->arena, only, 1, NULL, 0);
	assert_int_equal(mg_catalog_relation(part, "public", "w")->n_columns, 0);
	assert_non_null(mg_catalog_constraint(mg_catalog_relation(part, "public", "w"), "w_pk"));
}

/* A column added into the slot a DROP COLUMN freed starts empty: it does
 * not inherit the type or default of the column the slot last held. */
static void a_column_added_after_a_drop_starts_empty(void **state)
{
	(void)state;
	mg_catalog *cat = built("CREATE TABLE s (a int, b text, c bigint NOT NULL DEFAULT 4);");
	apply(cat, "ALTER TABLE s DROP COLUMN a;\n"
	           "ALTER TABLE s RENAME COLUMN missing TO x;");
	const mg_cat_column *x = mg_catalog_column(mg_catalog_relation(cat, "public", "s"), "x");
	assert_non_null(x);
	assert_null(x->type);
	assert_null(x->default_expr);
	assert_false(x->not_null);
	assert_non_null(strstr(snap(cat), "column public.s.x ?\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_same_schema_built_two_ways_gives_the_same_text, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(every_kind_of_fact_makes_a_difference, setup, teardown),
		cmocka_unit_test_setup_teardown(a_copy_changes_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(a_copy_keeps_the_links_between_relations, setup, teardown),
		cmocka_unit_test_setup_teardown(partial_copies_and_snapshots_cover_what_is_asked, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(view_and_function_definitions_are_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(view_definitions_that_run_again, setup, teardown),
		cmocka_unit_test_setup_teardown(unnamed_checks_get_postgresqls_names, setup, teardown),
		cmocka_unit_test_setup_teardown(wide_copies_and_their_source_change_alone, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(a_column_added_after_a_drop_starts_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(a_copy_of_named_columns_ends_where_a_whole_copy_does,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(a_borrowing_copy_answers_as_a_copy_and_changes_alone,
		                                setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
