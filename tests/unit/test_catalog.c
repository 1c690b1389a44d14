/*
 * test_catalog.c: the catalog with hand-built operations: lookups fold
 * case, renames keep views and foreign keys pointing at the table, serial
 * makes a sequence, generated constraint names follow PostgreSQL, opaque
 * text makes names uncertain, and a large schema stays fast.
 */
#include "harness.h"
#include "migraph/catalog.h"

static mg_arena arena;

static int setup(void **state)
{
	(void)state;
	mg_arena_init(&arena);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mg_arena_free(&arena);
	return 0;
}

static size_t n_events[8];

static void count(void *ctx, const mg_operation *op, const mg_cat_event *ev)
{
	(void)ctx;
	(void)op;
	if (!ev->uncertain)
		n_events[ev->kind]++;
}

static mg_operation *op_new(mg_op_kind kind, mg_object_kind ok, const char *table, const char *name)
{
	mg_operation *op = mg_arena_alloc(&arena, sizeof *op);
	op->kind = kind;
	op->object = (mg_object){ok, "public", table, name};
	return op;
}

static mg_column_def *cols(size_t n)
{
	return mg_arena_alloc(&arena, n * sizeof(mg_column_def));
}

static void seen_fk(void *ctx, mg_cat_relation *from, mg_cat_constraint *k)
{
	(void)from;
	(void)k;
	(*(size_t *)ctx)++;
}

static void create_lookup_rename_drop(void **state)
{
	(void)state;
	memset(n_events, 0, sizeof n_events);
	mg_catalog *cat = mg_catalog_new(&arena, NULL);
	mg_operation *ct = op_new(MG_OP_CREATE_TABLE, MG_OBJ_TABLE, NULL, "orders");
	ct->columns = cols(2);
	ct->n_columns = 2;
	ct->columns[0] = (mg_column_def){.name = "id", .type = "integer", .serial = true,
	                                 .primary_key = true};
	ct->columns[1] = (mg_column_def){.name = "status", .type = "text"};
	mg_catalog_apply(cat, ct, 0, count, NULL);
	mg_cat_relation *rel = mg_catalog_relation(cat, "PUBLIC", "Orders");
	assert_non_null(rel);
	assert_int_equal(rel->n_columns, 2);
	assert_true(mg_catalog_column(rel, "id")->not_null);
	assert_non_null(mg_catalog_relation(cat, "public", "orders_id_seq"));
	assert_non_null(mg_catalog_constraint(rel, "orders_pkey"));
	mg_cat_index *ix;
	assert_ptr_equal(mg_catalog_index_table(cat, "public", "orders_pkey", &ix), rel);
	assert_true(ix->primary);

	/* a view reading it, a foreign key to it */
	mg_operation *v = op_new(MG_OP_CREATE_VIEW, MG_OBJ_VIEW, NULL, "open_orders");
	v->depends = mg_arena_alloc(&arena, sizeof *v->depends);
	v->depends[0] = (mg_object){MG_OBJ_TABLE, "public", NULL, "orders"};
	v->n_depends = 1;
	mg_catalog_set_statement(cat, "CREATE VIEW open_orders AS SELECT id FROM orders", 48);
	mg_catalog_apply(cat, v, 1, count, NULL);
	mg_operation *c2 = op_new(MG_OP_CREATE_TABLE, MG_OBJ_TABLE, NULL, "lines");
	c2->columns = cols(1);
	c2->n_columns = 1;
	mg_constraint_def *fk = mg_arena_alloc(&arena, sizeof *fk);
	*fk = (mg_constraint_def){.kind = MG_CONSTRAINT_FOREIGN_KEY,
	                          .ref_table = {MG_OBJ_TABLE, "public", NULL, "orders"}};
	c2->columns[0] = (mg_column_def){.name = "order_id", .type = "integer", .constraints = fk,
	                                 .n_constraints = 1};
	mg_catalog_apply(cat, c2, 2, count, NULL);
	mg_cat_relation *lines = mg_catalog_relation(cat, "public", "lines");
	assert_non_null(mg_catalog_constraint(lines, "lines_order_id_fkey"));

	/* rename: the view and the foreign key follow */
	mg_operation *rn = op_new(MG_OP_RENAME_TABLE, MG_OBJ_TABLE, NULL, "orders");
	rn->new_name = "purchase";
	mg_catalog_apply(cat, rn, 3, count, NULL);
	assert_null(mg_catalog_relation(cat, "public", "orders"));
	mg_cat_relation *p = mg_catalog_relation(cat, "public", "purchase");
	assert_ptr_equal(p, rel);
	size_t seen = 0;
	mg_catalog_each_referencing(cat, p, seen_fk, &seen);
	assert_int_equal(seen, 1);

	/* altering a column the view reads is an event; one it does not read is not */
	mg_operation *at = op_new(MG_OP_ALTER_COLUMN_TYPE, MG_OBJ_COLUMN, "purchase", "id");
	at->type_to = "bigint";
	mg_catalog_apply(cat, at, 4, count, NULL);
	assert_int_equal(n_events[MG_CAT_EV_DEPENDENT_VIEW], 1);
	mg_operation *at2 = op_new(MG_OP_ALTER_COLUMN_TYPE, MG_OBJ_COLUMN, "purchase", "status");
	mg_catalog_apply(cat, at2, 4, count, NULL);
	assert_int_equal(n_events[MG_CAT_EV_DEPENDENT_VIEW], 1);
	assert_string_equal(mg_catalog_column(p, "id")->type, "bigint");

	/* drop without CASCADE while used: an event; the sequence goes with it */
	mg_operation *dt = op_new(MG_OP_DROP_TABLE, MG_OBJ_TABLE, NULL, "purchase");
	mg_catalog_apply(cat, dt, 5, count, NULL);
	assert_int_equal(n_events[MG_CAT_EV_DROP_IN_USE], 2);
	assert_null(mg_catalog_relation(cat, "public", "purchase"));
	assert_null(mg_catalog_relation(cat, "public", "open_orders"));
	assert_null(mg_catalog_relation(cat, "public", "orders_id_seq"));
	assert_null(mg_catalog_constraint(lines, "lines_order_id_fkey"));
	assert_int_equal(n_events[MG_CAT_EV_MISSING_OBJECT], 0);
	/* using it now is a missing object */
	mg_catalog_apply(cat, dt, 6, count, NULL);
	assert_int_equal(n_events[MG_CAT_EV_MISSING_OBJECT], 1);
}

static void opaque_text_makes_names_uncertain(void **state)
{
	(void)state;
	memset(n_events, 0, sizeof n_events);
	mg_catalog *cat = mg_catalog_new(&arena, "app");
	mg_operation *doop = op_new(MG_OP_OPAQUE, MG_OBJ_NONE, NULL, NULL);
	doop->opaque_kind = MG_OPAQUE_DO_BLOCK;
	mg_catalog_set_statement(cat, "DO $$ BEGIN CREATE TABLE made_here (id int); END $$", 51);
	mg_catalog_apply(cat, doop, 0, count, NULL);
	assert_true(mg_catalog_name_uncertain(cat, "made_here"));
	assert_false(mg_catalog_name_uncertain(cat, "elsewhere"));
	mg_operation *ac = op_new(MG_OP_ADD_COLUMN, MG_OBJ_COLUMN, "made_here", "x");
	ac->object.schema = "app";
	mg_catalog_apply(cat, ac, 1, count, NULL);
	assert_int_equal(n_events[MG_CAT_EV_MISSING_OBJECT], 0); /* uncertain, not missing */
	mg_operation *ac2 = op_new(MG_OP_ADD_COLUMN, MG_OBJ_COLUMN, "elsewhere", "x");
	mg_catalog_apply(cat, ac2, 1, count, NULL);
	assert_int_equal(n_events[MG_CAT_EV_MISSING_OBJECT], 1);
	/* dynamic SQL: every name is uncertain from here on */
	mg_catalog_set_statement(cat, "DO $$ BEGIN EXECUTE 'CREATE TABLE ' || n; END $$", 47);
	mg_catalog_apply(cat, doop, 2, count, NULL);
	assert_true(mg_catalog_name_uncertain(cat, "anything"));
}

static void check_proves_not_null_and_generated_names(void **state)
{
	(void)state;
	mg_catalog *cat = mg_catalog_new(&arena, NULL);
	mg_operation *ct = op_new(MG_OP_CREATE_TABLE, MG_OBJ_TABLE, NULL,
	                          "a_table_name_that_is_quite_long_for_postgres_identifiers");
	ct->columns = cols(1);
	ct->n_columns = 1;
	ct->columns[0] = (mg_column_def){.name = "another_rather_long_column_name_here", .unique = true};
	mg_catalog_apply(cat, ct, 0, NULL, NULL);
	mg_cat_relation *r = mg_catalog_relation(cat, NULL, ct->object.name);
	assert_non_null(r);
	/* makeObjectName: 63 bytes, the longer part shortened first */
	assert_int_equal(strlen(r->constraints[0].name), 63);
	assert_true(mg_str_iends_with(r->constraints[0].name, "_key"));
	mg_operation *ck = op_new(MG_OP_ADD_CONSTRAINT, MG_OBJ_CONSTRAINT, ct->object.name, "c");
	mg_constraint_def *d = mg_arena_alloc(&arena, sizeof *d);
	*d = (mg_constraint_def){.kind = MG_CONSTRAINT_CHECK, .name = "c",
	                         .expr = "another_rather_long_column_name_here IS NOT NULL",
	                         .not_valid = true};
	ck->constraint = d;
	mg_catalog_apply(cat, ck, 1, NULL, NULL);
	assert_false(mg_catalog_check_proves_not_null(r, "another_rather_long_column_name_here"));
	mg_operation *va = op_new(MG_OP_VALIDATE_CONSTRAINT, MG_OBJ_CONSTRAINT, ct->object.name, "c");
	mg_catalog_apply(cat, va, 2, NULL, NULL);
	assert_true(mg_catalog_check_proves_not_null(r, "another_rather_long_column_name_here"));
}

static void ten_thousand_tables_stay_linear(void **state)
{
	(void)state;
	mg_catalog *cat = mg_catalog_new(&arena, NULL);
	char name[32];
	for (int i = 0; i < 10000; i++) {
		snprintf(name, sizeof name, "t%d", i);
		mg_operation *ct = op_new(MG_OP_CREATE_TABLE, MG_OBJ_TABLE, NULL,
		                          mg_arena_strdup(&arena, name));
		mg_catalog_apply(cat, ct, (size_t)i, NULL, NULL);
		mg_operation *ac = op_new(MG_OP_ADD_COLUMN, MG_OBJ_COLUMN, ct->object.name, "c");
		mg_catalog_apply(cat, ac, (size_t)i, NULL, NULL);
	}
	assert_non_null(mg_catalog_column(mg_catalog_relation(cat, "public", "t9999"), "c"));
}

/* The index over a wide table's columns answers as a scan would, through
 * adds, renames (also back to an old name) and drops. */
static const mg_cat_column *scan_column(const mg_cat_relation *rel, const char *name)
{
	for (size_t i = 0; i < rel->n_columns; i++)
		if (mg_str_ieq(rel->columns[i].name, name))
			return &rel->columns[i];
	return NULL;
}

static void wide_table_column_lookups(void **state)
{
	(void)state;
	mg_catalog *cat = mg_catalog_new(&arena, NULL);
	enum { N = 3000 };
	mg_operation *ct = op_new(MG_OP_CREATE_TABLE, MG_OBJ_TABLE, NULL, "wide");
	ct->columns = cols(N);
	ct->n_columns = N;
	for (size_t i = 0; i < N; i++)
		ct->columns[i] = (mg_column_def){.name = mg_arena_printf(&arena, "c%zu", i),
		                                 .type = "integer"};
	mg_catalog_apply(cat, ct, 0, NULL, NULL);
	mg_cat_relation *rel = mg_catalog_relation(cat, "public", "wide");
	char name[32];
	for (size_t step = 0; step < 600; step++) {
		size_t k = (step * 7919) % N;
		mg_operation *op;
		if (step % 3 == 0) {
			op = op_new(MG_OP_DROP_COLUMN, MG_OBJ_COLUMN, "wide", mg_arena_printf(&arena, "c%zu", k));
		} else if (step % 3 == 1) {
			op = op_new(MG_OP_RENAME_COLUMN, MG_OBJ_COLUMN, "wide",
			            mg_arena_printf(&arena, "c%zu", k));
			op->new_name = mg_arena_printf(&arena, "R%zu", k);
		} else {
			op = op_new(MG_OP_ADD_COLUMN, MG_OBJ_COLUMN, "wide", mg_arena_printf(&arena, "c%zu", k));
			op->column = cols(1);
			*op->column = (mg_column_def){.name = op->object.name, .type = "bigint"};
		}
		mg_catalog_apply(cat, op, 1 + step, NULL, NULL);
		/* Every name that ever was, in either case. */
		for (size_t j = 0; j < N; j += 37) {
			snprintf(name, sizeof name, "C%zu", j);
			assert_ptr_equal(mg_catalog_column(rel, name), scan_column(rel, name));
			snprintf(name, sizeof name, "r%zu", j);
			assert_ptr_equal(mg_catalog_column(rel, name), scan_column(rel, name));
		}
		snprintf(name, sizeof name, "c%zu", k);
		assert_ptr_equal(mg_catalog_column(rel, name), scan_column(rel, name));
		snprintf(name, sizeof name, "r%zu", k);
		assert_ptr_equal(mg_catalog_column(rel, name), scan_column(rel, name));
	}
	assert_true(rel->n_columns > N - 250);
}

static void apply_drop(mg_catalog *cat, const char *table, const char *col, size_t at)
{
	mg_operation *op =
		op_new(MG_OP_DROP_COLUMN, MG_OBJ_COLUMN, table, mg_arena_strdup(&arena, col));
	mg_catalog_apply(cat, op, at, NULL, NULL);
}

/* Drops c<first>, c<first + step> ... below c<n>, one statement each. */
static void drop_every(mg_catalog *cat, const char *table, size_t first, size_t step, size_t n)
{
	char name[32];
	for (size_t i = first; i < n; i += step) {
		snprintf(name, sizeof name, "c%zu", i);
		apply_drop(cat, table, name, 1 + i);
	}
}

static mg_cat_relation *wide_table(mg_catalog *cat, const char *table, size_t n)
{
	mg_operation *ct = op_new(MG_OP_CREATE_TABLE, MG_OBJ_TABLE, NULL, table);
	ct->columns = cols(n);
	ct->n_columns = n;
	for (size_t i = 0; i < n; i++)
		ct->columns[i] = (mg_column_def){.name = mg_arena_printf(&arena, "c%zu", i),
		                                 .type = "integer"};
	mg_catalog_apply(cat, ct, 0, NULL, NULL);
	return mg_catalog_relation(cat, "public", table);
}

/* Every column, in order, is where its name finds it, and the dropped
 * names find nothing. */
static void assert_columns(const mg_cat_relation *rel, const char *const *names, size_t n)
{
	assert_int_equal(rel->n_columns, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(rel->columns[i].name, names[i]);
		assert_ptr_equal(mg_catalog_column(rel, names[i]), &rel->columns[i]);
	}
}

/* A wide table emptied from the front, one column in two: the columns
 * left keep their order and each name finds its own column, dropped
 * names find nothing, a dropped name added again goes last with its new
 * type, and a rename after the drops answers to the new name only. */
static void drops_keep_order_and_lookups(void **state)
{
	(void)state;
	mg_catalog *cat = mg_catalog_new(&arena, NULL);
	enum { N = 4000 };
	mg_cat_relation *rel = wide_table(cat, "wide", N);
	char name[32];
	for (size_t i = 0; i < N; i += 2) {
		snprintf(name, sizeof name, "c%zu", i);
		apply_drop(cat, "wide", name, 1 + i);
		/* the next survivor and the last column are found where they are */
		snprintf(name, sizeof name, "C%zu", i + 1);
		assert_ptr_equal(mg_catalog_column(rel, name), &rel->columns[i / 2]);
		assert_ptr_equal(mg_catalog_column(rel, "c3999"),
		                 &rel->columns[rel->n_columns - 1]);
	}
	const char **names = mg_arena_alloc(&arena, (N / 2 + 1) * sizeof *names);
	for (size_t i = 0; i < N / 2; i++)
		names[i] = mg_arena_printf(&arena, "c%zu", 2 * i + 1);
	assert_columns(rel, names, N / 2);
	for (size_t i = 0; i < N; i += 2) {
		snprintf(name, sizeof name, "c%zu", i);
		assert_null(mg_catalog_column(rel, name));
	}

	/* c0 again: a new column at the end */
	mg_operation *add = op_new(MG_OP_ADD_COLUMN, MG_OBJ_COLUMN, "wide", "c0");
	add->column = cols(1);
	*add->column = (mg_column_def){.name = "c0", .type = "bigint"};
	mg_catalog_apply(cat, add, N + 1, NULL, NULL);
	names[N / 2] = "c0";
	assert_columns(rel, names, N / 2 + 1);
	assert_string_equal(mg_catalog_column(rel, "c0")->type, "bigint");

	/* a rename in the middle, then a drop before it: the new name still
	 * finds the column, which moved down by one */
	mg_operation *rn = op_new(MG_OP_RENAME_COLUMN, MG_OBJ_COLUMN, "wide", "c2001");
	rn->new_name = "moved";
	mg_catalog_apply(cat, rn, N + 2, NULL, NULL);
	assert_null(mg_catalog_column(rel, "c2001"));
	assert_ptr_equal(mg_catalog_column(rel, "moved"), &rel->columns[1000]);
	apply_drop(cat, "wide", "c1", N + 3);
	assert_ptr_equal(mg_catalog_column(rel, "moved"), &rel->columns[999]);
	assert_string_equal(rel->columns[0].name, "c3");
	assert_string_equal(rel->columns[rel->n_columns - 1].name, "c0");
	/* dropping the renamed column leaves its old and new names free */
	apply_drop(cat, "wide", "moved", N + 4);
	assert_null(mg_catalog_column(rel, "moved"));
	assert_null(mg_catalog_column(rel, "c2001"));
	assert_int_equal(rel->n_columns, N / 2 - 1);
	assert_string_equal(rel->columns[999].name, "c2003");
	assert_ptr_equal(mg_catalog_column(rel, "c2003"), &rel->columns[999]);
}

/* Drops in a copy (a rollback or verification scratch catalog) leave the
 * source's columns and lookups as they were, and the reverse; a borrowing
 * copy reads the source's index after its drops. */
static void drops_in_copies_stay_there(void **state)
{
	(void)state;
	mg_catalog *cat = mg_catalog_new(&arena, NULL);
	enum { N = 300 };
	mg_cat_relation *rel = wide_table(cat, "w", N);
	drop_every(cat, "w", 0, 3, N);
	const char *before = mg_catalog_snapshot(cat, &arena, NULL, 0);
	mg_object only = {MG_OBJ_TABLE, "public", NULL, "w"};
	mg_catalog *borrowed = mg_catalog_borrow(cat, &arena, &only, 1);
	mg_cat_relation *brel = mg_catalog_relation(borrowed, "public", "w");
	assert_ptr_equal(mg_catalog_column(brel, "c299"), &brel->columns[brel->n_columns - 1]);
	assert_null(mg_catalog_column(brel, "c297"));

	mg_catalog *copy = mg_catalog_copy(cat, &arena, NULL, 0);
	drop_every(copy, "w", 1, 3, N);
	mg_cat_relation *crel = mg_catalog_relation(copy, "public", "w");
	assert_int_equal(crel->n_columns, N / 3);
	assert_ptr_equal(mg_catalog_column(crel, "c2"), &crel->columns[0]);
	assert_null(mg_catalog_column(crel, "c1"));
	/* the source: unchanged */
	assert_string_equal(mg_catalog_snapshot(cat, &arena, NULL, 0), before);
	assert_int_equal(rel->n_columns, 2 * N / 3);
	assert_ptr_equal(mg_catalog_column(rel, "c1"), &rel->columns[0]);
	assert_ptr_equal(mg_catalog_column(rel, "c299"), &rel->columns[rel->n_columns - 1]);

	/* and a drop in the source leaves the copy alone */
	apply_drop(cat, "w", "c2", 2000);
	assert_ptr_equal(mg_catalog_column(crel, "c2"), &crel->columns[0]);
	assert_ptr_equal(mg_catalog_column(rel, "c4"), &rel->columns[1]);
}

/* 20,000 columns emptied from the front in 10,000 drops: every column
 * left is where its name finds it.  (Its time is held by the growth case
 * hang-table-columns-dropped in tests/hostile/growth.py.) */
static void many_drops_from_the_front(void **state)
{
	(void)state;
	mg_catalog *cat = mg_catalog_new(&arena, NULL);
	enum { N = 20000 };
	mg_cat_relation *rel = wide_table(cat, "w", N);
	drop_every(cat, "w", 0, 2, N);
	assert_int_equal(rel->n_columns, N / 2);
	char name[32];
	for (size_t i = 0; i < N / 2; i += 97) {
		snprintf(name, sizeof name, "c%zu", 2 * i + 1);
		assert_ptr_equal(mg_catalog_column(rel, name), &rel->columns[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(create_lookup_rename_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(opaque_text_makes_names_uncertain, setup, teardown),
		cmocka_unit_test_setup_teardown(check_proves_not_null_and_generated_names, setup, teardown),
		cmocka_unit_test_setup_teardown(ten_thousand_tables_stay_linear, setup, teardown),
		cmocka_unit_test_setup_teardown(wide_table_column_lookups, setup, teardown),
		cmocka_unit_test_setup_teardown(drops_keep_order_and_lookups, setup, teardown),
		cmocka_unit_test_setup_teardown(drops_in_copies_stay_there, setup, teardown),
		cmocka_unit_test_setup_teardown(many_drops_from_the_front, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
