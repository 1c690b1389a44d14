/*
 * test_engine.c: the PostgreSQL lock model's version rules, on hand-built
 * operations over a small catalog made through mg_catalog_apply.
 *
 * Each test asks the same operation of two majors, one on each side of the
 * release that changed the behaviour, so a rule that ignores the version
 * fails one of the two.
 */
#include "harness.h"

#include "migraph/catalog.h"
#include "migraph/engine.h"

static mg_arena arena;
static mg_catalog *cat;

static const char **names(const char *a, const char *b)
{
	const char **v = mg_arena_alloc(&arena, 2 * sizeof *v);
	v[0] = a;
	v[1] = b;
	return v;
}

static mg_name_list list1(const char *a)
{
	return (mg_name_list){names(a, NULL), 1};
}

static mg_operation *op_new(mg_op_kind kind, mg_object_kind ok, const char *table, const char *name)
{
	mg_operation *op = mg_arena_alloc(&arena, sizeof *op);
	op->kind = kind;
	op->object = (mg_object){ok, "public", table, name};
	return op;
}

static mg_object table_obj(const char *name)
{
	return (mg_object){MG_OBJ_TABLE, "public", NULL, name};
}

static void apply(mg_operation *op)
{
	mg_catalog_apply(cat, op, 0, NULL, NULL);
}

static mg_operation *create_table(const char *name, size_t ncols)
{
	mg_operation *op = op_new(MG_OP_CREATE_TABLE, MG_OBJ_TABLE, NULL, name);
	op->columns = mg_arena_alloc(&arena, ncols * sizeof *op->columns);
	op->n_columns = ncols;
	return op;
}

/* customers(id serial PK, email varchar(200), score int, created_at
 * timestamp, carrier text CHECK (carrier IS NOT NULL), tracking text with
 * a NOT VALID check) with an index on score; orders(id, customer_id) with
 * a foreign key to customers; events partitioned by created_at with two
 * partitions and an index; a staged table to attach. */
static int setup(void **state)
{
	(void)state;
	mg_arena_init(&arena);
	cat = mg_catalog_new(&arena, NULL);

	mg_operation *c = create_table("customers", 6);
	c->columns[0] = (mg_column_def){.name = "id", .type = "integer", .serial = true,
	                                .primary_key = true,
	                                .default_expr = "nextval('customers_id_seq'::regclass)",
	                                .default_volatility = MG_VOLATILITY_VOLATILE};
	c->columns[1] = (mg_column_def){.name = "email", .type = "character varying(200)"};
	c->columns[2] = (mg_column_def){.name = "score", .type = "integer"};
	c->columns[3] = (mg_column_def){.name = "created_at", .type = "timestamp without time zone"};
	c->columns[4] = (mg_column_def){.name = "carrier", .type = "text"};
	c->columns[5] = (mg_column_def){.name = "tracking", .type = "text"};
	c->constraints = mg_arena_alloc(&arena, sizeof *c->constraints);
	c->n_constraints = 1;
	c->constraints[0] = (mg_constraint_def){.kind = MG_CONSTRAINT_CHECK,
	                                        .name = "customers_carrier_nn",
	                                        .columns = list1("carrier"),
	                                        .expr = "carrier IS NOT NULL"};
	apply(c);
	mg_operation *nv = op_new(MG_OP_ADD_CONSTRAINT, MG_OBJ_CONSTRAINT, "customers",
	                          "customers_tracking_nn");
	nv->flags = MG_OPF_NOT_VALID;
	nv->constraint = mg_arena_alloc(&arena, sizeof *nv->constraint);
	*nv->constraint = (mg_constraint_def){.kind = MG_CONSTRAINT_CHECK,
	                                      .name = "customers_tracking_nn",
	                                      .columns = list1("tracking"),
	                                      .expr = "tracking IS NOT NULL", .not_valid = true};
	apply(nv);
	mg_operation *ix = op_new(MG_OP_CREATE_INDEX, MG_OBJ_INDEX, "customers", "customers_score_idx");
	ix->related = table_obj("customers");
	ix->index_columns = list1("score");
	apply(ix);

	mg_operation *o = create_table("orders", 2);
	o->columns[0] = (mg_column_def){.name = "id", .type = "integer", .primary_key = true};
	o->columns[1] = (mg_column_def){.name = "customer_id", .type = "integer"};
	o->constraints = mg_arena_alloc(&arena, sizeof *o->constraints);
	o->n_constraints = 1;
	o->constraints[0] = (mg_constraint_def){.kind = MG_CONSTRAINT_FOREIGN_KEY,
	                                        .name = "orders_customer_id_fkey",
	                                        .columns = list1("customer_id"),
	                                        .ref_table = table_obj("customers"),
	                                        .ref_columns = list1("id")};
	apply(o);

	mg_operation *e = create_table("events", 2);
	e->flags = MG_OPF_PARTITIONED;
	e->columns[0] = (mg_column_def){.name = "id", .type = "bigint"};
	e->columns[1] = (mg_column_def){.name = "created_at", .type = "date"};
	e->partition_key = list1("created_at");
	apply(e);
	const char *parts[] = {"events_2023", "events_2024"};
	const char *bounds[] = {"'2023-01-01'", "'2024-01-01'", "'2025-01-01'"};
	for (size_t i = 0; i < 2; i++) {
		mg_operation *p = create_table(parts[i], 0);
		p->flags = MG_OPF_PARTITION_OF;
		p->related = table_obj("events");
		p->bound_from = list1(bounds[i]);
		p->bound_to = list1(bounds[i + 1]);
		apply(p);
	}
	mg_operation *eix = op_new(MG_OP_CREATE_INDEX, MG_OBJ_INDEX, "events", "events_created_at_idx");
	eix->related = table_obj("events");
	eix->index_columns = list1("created_at");
	apply(eix);
	mg_operation *st = create_table("events_staged", 2);
	st->columns[0] = (mg_column_def){.name = "id", .type = "bigint"};
	st->columns[1] = (mg_column_def){.name = "created_at", .type = "date"};
	apply(st);

	/* stock(id), the view stock_levels over it, low_stock over that view,
	 * and the materialized view stock_stats over stock. */
	mg_operation *sk = create_table("stock", 1);
	sk->columns[0] = (mg_column_def){.name = "id", .type = "integer", .primary_key = true};
	apply(sk);
	const char *views[][2] = {{"stock_levels", "stock"}, {"low_stock", "stock_levels"}};
	for (size_t i = 0; i < 2; i++) {
		mg_operation *v = op_new(MG_OP_CREATE_VIEW, MG_OBJ_VIEW, NULL, views[i][0]);
		v->depends = mg_arena_alloc(&arena, sizeof *v->depends);
		v->depends[0] = table_obj(views[i][1]);
		v->n_depends = 1;
		apply(v);
	}
	mg_operation *mv = op_new(MG_OP_CREATE_MATERIALIZED_VIEW, MG_OBJ_MATERIALIZED_VIEW, NULL,
	                          "stock_stats");
	mv->depends = mg_arena_alloc(&arena, sizeof *mv->depends);
	mv->depends[0] = table_obj("stock");
	mv->n_depends = 1;
	apply(mv);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mg_arena_free(&arena);
	return 0;
}

static mg_operation *annotate_tz(mg_operation *op, int major, bool utc)
{
	mg_engine_target t = {MG_ENGINE_POSTGRESQL, major, 0};
	mg_engine_session s = {.timezone_utc = utc, .in_transaction_block = true};
	mg_operation *copy = mg_arena_alloc(&arena, sizeof *copy);
	*copy = *op;
	mg_engine_annotate(&arena, &t, &s, cat, copy);
	return copy;
}

static mg_operation *annotate(mg_operation *op, int major)
{
	return annotate_tz(op, major, true);
}

static mg_lock_mode mode_on(const mg_operation *op, const char *name)
{
	for (size_t i = 0; i < op->n_locks; i++)
		if (!strcmp(op->locks[i].relation.name, name))
			return op->locks[i].mode;
	return MG_LOCK_NONE;
}

static bool has(const mg_operation *op, unsigned eff)
{
	return (op->effects & eff) != 0;
}

static bool note_has(const mg_operation *op, const char *text)
{
	return op->effect_note && strstr(op->effect_note, text);
}

/* ---- ADD COLUMN ---------------------------------------------------- */

static void constant_default_rewrites_before_11_only(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_ADD_COLUMN, MG_OBJ_COLUMN, "customers", "tier");
	op->column = mg_arena_alloc(&arena, sizeof *op->column);
	*op->column = (mg_column_def){.name = "tier", .type = "integer", .default_expr = "1",
	                              .default_volatility = MG_VOLATILITY_CONSTANT};
	mg_operation *a = annotate(op, 10), *b = annotate(op, 11);
	assert_true(has(a, MG_EFF_REWRITE));
	assert_int_equal(mode_on(a, "customers_score_idx"), MG_LOCK_ACCESS_EXCLUSIVE);
	assert_true(note_has(a, "before PostgreSQL 11"));
	assert_false(has(b, MG_EFF_REWRITE));
	assert_int_equal(mode_on(b, "customers_score_idx"), MG_LOCK_NONE);
	assert_true(note_has(b, "since PostgreSQL 11"));
	assert_int_equal(mode_on(b, "customers"), MG_LOCK_ACCESS_EXCLUSIVE);
}

static void volatile_default_rewrites_on_every_version(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_ADD_COLUMN, MG_OBJ_COLUMN, "customers", "token");
	op->column = mg_arena_alloc(&arena, sizeof *op->column);
	*op->column = (mg_column_def){.name = "token", .type = "double precision",
	                              .default_expr = "random()",
	                              .default_volatility = MG_VOLATILITY_VOLATILE};
	assert_true(has(annotate(op, 10), MG_EFF_REWRITE));
	assert_true(has(annotate(op, 18), MG_EFF_REWRITE));
}

static void add_column_on_partitioned_table_locks_every_partition(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_ADD_COLUMN, MG_OBJ_COLUMN, "events", "source");
	op->column = mg_arena_alloc(&arena, sizeof *op->column);
	*op->column = (mg_column_def){.name = "source", .type = "text"};
	mg_operation *a = annotate(op, 15);
	assert_int_equal(mode_on(a, "events_2023"), MG_LOCK_ACCESS_EXCLUSIVE);
	assert_int_equal(mode_on(a, "events_2024"), MG_LOCK_ACCESS_EXCLUSIVE);
	op->flags = MG_OPF_ONLY;
	assert_int_equal(mode_on(annotate(op, 15), "events_2023"), MG_LOCK_NONE);
}

/* ---- ATTACH / DETACH PARTITION ---------------------------------------- */

static void attach_partition_parent_lock_weaker_from_12(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_ATTACH_PARTITION, MG_OBJ_TABLE, NULL, "events_staged");
	op->related = table_obj("events");
	mg_operation *a = annotate(op, 11), *b = annotate(op, 12);
	assert_int_equal(mode_on(a, "events"), MG_LOCK_ACCESS_EXCLUSIVE);
	assert_int_equal(mode_on(b, "events"), MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
	assert_int_equal(mode_on(b, "events_staged"), MG_LOCK_ACCESS_EXCLUSIVE);
	assert_true(note_has(b, "since PostgreSQL 12"));
	/* no CHECK proves the bound: the new partition is scanned */
	assert_true(has(b, MG_EFF_SCAN));
}

static void detach_partition_locks_partition_harder_from_14(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_DETACH_PARTITION, MG_OBJ_TABLE, NULL, "events_2023");
	op->related = table_obj("events");
	mg_operation *a = annotate(op, 13), *b = annotate(op, 14);
	assert_int_equal(mode_on(a, "events"), MG_LOCK_ACCESS_EXCLUSIVE);
	assert_int_equal(mode_on(a, "events_2023"), MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
	assert_int_equal(mode_on(b, "events_2023"), MG_LOCK_ACCESS_EXCLUSIVE);
}

static void detach_concurrently_needs_14_and_no_transaction_block(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_DETACH_PARTITION, MG_OBJ_TABLE, NULL, "events_2023");
	op->related = table_obj("events");
	op->flags = MG_OPF_CONCURRENTLY;
	mg_operation *a = annotate(op, 13), *b = annotate(op, 14);
	assert_true(has(a, MG_EFF_FAILS));
	assert_non_null(a->predicted_error);
	assert_false(has(b, MG_EFF_FAILS));
	assert_true(has(b, MG_EFF_NO_TXN_BLOCK));
	assert_int_equal(mode_on(b, "events"), MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
	assert_int_equal(mode_on(b, "events_2023"), MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
}

/* ---- SET NOT NULL ---------------------------------------------------- */

static void set_not_null_skips_scan_with_valid_check_from_12(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_SET_NOT_NULL, MG_OBJ_COLUMN, "customers", "carrier");
	assert_true(has(annotate(op, 11), MG_EFF_SCAN));
	mg_operation *b = annotate(op, 12);
	assert_false(has(b, MG_EFF_SCAN));
	assert_true(note_has(b, "12+"));
	assert_int_equal(mode_on(b, "customers"), MG_LOCK_ACCESS_EXCLUSIVE);
}

static void set_not_null_not_valid_check_proves_nothing(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_SET_NOT_NULL, MG_OBJ_COLUMN, "customers", "tracking");
	assert_true(has(annotate(op, 12), MG_EFF_SCAN));
	assert_true(has(annotate(op, 18), MG_EFF_SCAN));
}

/* ---- ALTER COLUMN TYPE ------------------------------------------------ */

static mg_operation *type_change(const char *column, const char *to)
{
	mg_operation *op = op_new(MG_OP_ALTER_COLUMN_TYPE, MG_OBJ_COLUMN, "customers", column);
	op->type_to = to;
	return op;
}

static void timestamp_to_timestamptz_under_utc_from_12(void **state)
{
	(void)state;
	mg_operation *op = type_change("created_at", "timestamp with time zone");
	assert_true(has(annotate(op, 11), MG_EFF_REWRITE));
	mg_operation *b = annotate(op, 12);
	assert_false(has(b, MG_EFF_REWRITE));
	assert_true(note_has(b, "PostgreSQL 12"));
	/* another session TimeZone: the stored values change */
	assert_true(has(annotate_tz(op, 12, false), MG_EFF_REWRITE));
}

static void binary_coercible_type_changes_do_not_rewrite(void **state)
{
	(void)state;
	assert_false(has(annotate(type_change("email", "character varying(300)"), 15), MG_EFF_REWRITE));
	assert_false(has(annotate(type_change("email", "text"), 15), MG_EFF_REWRITE));
	assert_true(has(annotate(type_change("email", "character varying(100)"), 15), MG_EFF_REWRITE));
	assert_true(has(annotate(type_change("carrier", "character varying(10)"), 15), MG_EFF_REWRITE));
	mg_operation *big = annotate(type_change("score", "bigint"), 15);
	assert_true(has(big, MG_EFF_REWRITE));
	assert_int_equal(mode_on(big, "customers_score_idx"), MG_LOCK_ACCESS_EXCLUSIVE);
}

static void type_change_of_referenced_key_locks_referencing_table(void **state)
{
	(void)state;
	mg_operation *op = type_change("id", "bigint");
	assert_int_equal(mode_on(annotate(op, 15), "orders"), MG_LOCK_ACCESS_EXCLUSIVE);
}

/* ---- indexes ---------------------------------------------------------- */

static void reindex_concurrently_needs_12(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_REINDEX, MG_OBJ_INDEX, NULL, "customers_score_idx");
	op->flags = MG_OPF_CONCURRENTLY;
	mg_operation *a = annotate(op, 11), *b = annotate(op, 12);
	assert_true(has(a, MG_EFF_FAILS));
	assert_false(has(b, MG_EFF_FAILS));
	assert_true(has(b, MG_EFF_NO_TXN_BLOCK));
	assert_int_equal(mode_on(b, "customers"), MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
	assert_int_equal(mode_on(b, "customers_score_idx"), MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
	op->flags = 0;
	mg_operation *plain = annotate(op, 12);
	assert_int_equal(mode_on(plain, "customers"), MG_LOCK_SHARE);
	assert_int_equal(mode_on(plain, "customers_score_idx"), MG_LOCK_ACCESS_EXCLUSIVE);
}

static void index_rename_lock_lowered_in_12(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_RENAME_INDEX, MG_OBJ_INDEX, NULL, "customers_score_idx");
	assert_int_equal(mode_on(annotate(op, 11), "customers_score_idx"), MG_LOCK_ACCESS_EXCLUSIVE);
	assert_int_equal(mode_on(annotate(op, 12), "customers_score_idx"),
	                 MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
}

static void create_index_on_partitioned_table_needs_11(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_CREATE_INDEX, MG_OBJ_INDEX, "events", "events_id_idx");
	op->related = table_obj("events");
	op->index_columns = list1("id");
	assert_true(has(annotate(op, 10), MG_EFF_FAILS));
	mg_operation *b = annotate(op, 11);
	assert_false(has(b, MG_EFF_FAILS));
	assert_int_equal(mode_on(b, "events_2024"), MG_LOCK_SHARE);
	op->flags = MG_OPF_CONCURRENTLY;
	assert_true(has(annotate(op, 18), MG_EFF_FAILS));
}

static void unique_on_partitioned_table_locks_partitions_by_version(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_ADD_CONSTRAINT, MG_OBJ_CONSTRAINT, "events", "events_key");
	op->constraint = mg_arena_alloc(&arena, sizeof *op->constraint);
	*op->constraint = (mg_constraint_def){.kind = MG_CONSTRAINT_UNIQUE, .name = "events_key",
	                                      .columns = list1("id")};
	assert_true(has(annotate(op, 10), MG_EFF_FAILS));
	assert_int_equal(mode_on(annotate(op, 17), "events_2023"), MG_LOCK_SHARE);
	assert_int_equal(mode_on(annotate(op, 18), "events_2023"), MG_LOCK_ACCESS_EXCLUSIVE);
}

/* ---- foreign keys, drops, truncation ---------------------------------- */

static void drop_and_truncate_of_referenced_table_fail_without_cascade(void **state)
{
	(void)state;
	mg_operation *drop = op_new(MG_OP_DROP_TABLE, MG_OBJ_TABLE, NULL, "customers");
	assert_true(has(annotate(drop, 15), MG_EFF_FAILS));
	drop->flags = MG_OPF_CASCADE;
	mg_operation *d = annotate(drop, 15);
	assert_false(has(d, MG_EFF_FAILS));
	assert_int_equal(mode_on(d, "orders"), MG_LOCK_ACCESS_EXCLUSIVE);
	assert_int_equal(mode_on(d, "customers_id_seq"), MG_LOCK_ACCESS_EXCLUSIVE);
	mg_operation *tr = op_new(MG_OP_TRUNCATE, MG_OBJ_TABLE, NULL, "customers");
	assert_true(has(annotate(tr, 15), MG_EFF_FAILS));
	/* the referencing side may be dropped: its FK's target is locked */
	mg_operation *dref = annotate(op_new(MG_OP_DROP_TABLE, MG_OBJ_TABLE, NULL, "orders"), 15);
	assert_false(has(dref, MG_EFF_FAILS));
	assert_int_equal(mode_on(dref, "customers"), MG_LOCK_ACCESS_EXCLUSIVE);
}

/* Whether the first of a statement's operations fails on PostgreSQL 15,
 * given all of them. */
static bool first_fails_among(mg_operation **stmt, size_t n)
{
	mg_engine_target t = {MG_ENGINE_POSTGRESQL, 15, 0};
	mg_engine_session s = {.timezone_utc = true, .in_transaction_block = true,
	                       .statement_ops = stmt, .n_statement_ops = n};
	mg_operation *a = mg_arena_alloc(&arena, sizeof *a);
	*a = *stmt[0];
	mg_engine_annotate(&arena, &t, &s, cat, a);
	return has(a, MG_EFF_FAILS);
}

/* DROP TABLE customers, orders: the referencing table goes with it. */
static void drop_of_several_objects_needs_no_cascade_among_them(void **state)
{
	(void)state;
	mg_operation *drop[] = {op_new(MG_OP_DROP_TABLE, MG_OBJ_TABLE, NULL, "customers"),
	                        op_new(MG_OP_DROP_TABLE, MG_OBJ_TABLE, NULL, "orders")};
	assert_false(first_fails_among(drop, 2));
	/* Alone in its statement, it fails. */
	assert_true(first_fails_among(drop, 1));
	/* The same holds for TRUNCATE customers, orders, and views. */
	mg_operation *trunc[] = {op_new(MG_OP_TRUNCATE, MG_OBJ_TABLE, NULL, "customers"),
	                         op_new(MG_OP_TRUNCATE, MG_OBJ_TABLE, NULL, "orders")};
	assert_false(first_fails_among(trunc, 2));
	assert_true(first_fails_among(trunc, 1));
	mg_operation *views[] = {op_new(MG_OP_DROP_VIEW, MG_OBJ_VIEW, NULL, "stock_levels"),
	                         op_new(MG_OP_DROP_VIEW, MG_OBJ_VIEW, NULL, "low_stock")};
	assert_false(first_fails_among(views, 2));
	assert_true(first_fails_among(views, 1));
}

static void insert_takes_row_share_on_referenced_table(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_INSERT, MG_OBJ_TABLE, NULL, "orders");
	mg_operation *a = annotate(op, 15);
	assert_int_equal(mode_on(a, "orders"), MG_LOCK_ROW_EXCLUSIVE);
	assert_int_equal(mode_on(a, "customers"), MG_LOCK_ROW_SHARE);
	assert_int_equal(mode_on(a, "customers_score_idx"), MG_LOCK_ROW_SHARE);
	assert_int_equal(mode_on(annotate(op, 11), "customers_score_idx"), MG_LOCK_ACCESS_SHARE);
}

static void insert_into_partitioned_table_locks_partitions_before_12(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_INSERT, MG_OBJ_TABLE, NULL, "events");
	assert_int_equal(mode_on(annotate(op, 11), "events_2023"), MG_LOCK_ROW_EXCLUSIVE);
	/* From 12 only the partitions the rows are routed to; rows the model
	 * cannot route (none given here) count every partition, cautiously.
	 * Routing of VALUES rows is held to real servers in tests/truth. */
	mg_operation *a12 = annotate(op, 12);
	assert_int_equal(mode_on(a12, "events_2023"), MG_LOCK_ROW_EXCLUSIVE);
	assert_non_null(a12->effect_note);
}

/* DELETE FROM events WHERE <terms>, annotated for major. */
static mg_operation *delete_events(int major, const mg_where_term *terms, size_t n)
{
	mg_operation *op = op_new(MG_OP_DELETE, MG_OBJ_TABLE, NULL, "events");
	op->flags = MG_OPF_HAS_WHERE;
	op->where_terms = (mg_where_term *)terms;
	op->n_where_terms = n;
	return annotate(op, major);
}

static void update_delete_prune_partitions_from_12(void **state)
{
	(void)state;
	const mg_where_term march[] = {{"created_at", ">=", "'2024-03-01'"},
	                               {"created_at", "<", "'2024-04-01'"}};
	mg_operation *a11 = delete_events(11, march, 2);
	assert_int_equal(mode_on(a11, "events_2023"), MG_LOCK_ROW_EXCLUSIVE);
	mg_operation *a12 = delete_events(12, march, 2);
	assert_int_equal(mode_on(a12, "events"), MG_LOCK_ROW_EXCLUSIVE);
	assert_int_equal(mode_on(a12, "events_2024"), MG_LOCK_ROW_EXCLUSIVE);
	assert_int_equal(mode_on(a12, "events_2023"), MG_LOCK_NONE);
	/* the upper bound is exclusive: < '2024-01-01' stays in 2023 */
	const mg_where_term y2023[] = {{"created_at", "<", "'2024-01-01'"}};
	mg_operation *b = delete_events(12, y2023, 1);
	assert_int_equal(mode_on(b, "events_2023"), MG_LOCK_ROW_EXCLUSIVE);
	assert_int_equal(mode_on(b, "events_2024"), MG_LOCK_NONE);
	/* a range over both partitions, one on another column, or values the
	 * model cannot compare with the bounds keep every partition */
	const mg_where_term both[] = {{"created_at", ">=", "'2023-06-01'"},
	                              {"created_at", "<=", "'2024-06-01'"}};
	mg_operation *c = delete_events(12, both, 2);
	assert_int_equal(mode_on(c, "events_2023"), MG_LOCK_ROW_EXCLUSIVE);
	assert_int_equal(mode_on(c, "events_2024"), MG_LOCK_ROW_EXCLUSIVE);
	const mg_where_term other[] = {{"id", "=", "5"}};
	assert_int_equal(mode_on(delete_events(12, other, 1), "events_2023"), MG_LOCK_ROW_EXCLUSIVE);
	const mg_where_term number[] = {{"created_at", "=", "5"}};
	assert_int_equal(mode_on(delete_events(12, number, 1), "events_2023"),
	                 MG_LOCK_ROW_EXCLUSIVE);
}

/* ---- relations a statement reads ------------------------------------- */

static mg_object *objs(const char *a, const char *b)
{
	mg_object *o = mg_arena_alloc(&arena, 2 * sizeof *o);
	o[0] = table_obj(a);
	if (b)
		o[1] = table_obj(b);
	return o;
}

static void dml_reads_its_other_relations_under_access_share(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_UPDATE, MG_OBJ_TABLE, NULL, "orders");
	mg_operation *plain = annotate(op, 15);
	assert_int_equal(mode_on(plain, "customers"), MG_LOCK_NONE);
	op->depends = objs("customers", NULL); /* UPDATE orders ... FROM customers */
	op->n_depends = 1;
	mg_operation *a = annotate(op, 15);
	assert_int_equal(mode_on(a, "orders"), MG_LOCK_ROW_EXCLUSIVE);
	assert_int_equal(mode_on(a, "customers"), MG_LOCK_ACCESS_SHARE);
	assert_int_equal(mode_on(a, "customers_score_idx"), MG_LOCK_ACCESS_SHARE);
	/* The written table comes first: the risk figures size the work by it. */
	assert_string_equal(a->locks[0].relation.name, "orders");
}

static void select_for_update_of_locks_rows_of_the_named_tables_only(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_SELECT, MG_OBJ_NONE, NULL, NULL);
	op->depends = objs("orders", "customers");
	op->n_depends = 2;
	op->flags = MG_OPF_FOR_UPDATE;
	op->row_locks = objs("orders", NULL);
	op->n_row_locks = 1;
	mg_operation *a = annotate(op, 12), *b = annotate(op, 11);
	assert_int_equal(mode_on(a, "orders"), MG_LOCK_ROW_SHARE);
	assert_int_equal(mode_on(a, "customers"), MG_LOCK_ACCESS_SHARE);
	/* The planner opens the indexes in the table's mode from 12 only. */
	assert_int_equal(mode_on(a, "orders_pkey"), MG_LOCK_ROW_SHARE);
	assert_int_equal(mode_on(b, "orders_pkey"), MG_LOCK_ACCESS_SHARE);
	op->n_row_locks = 0; /* FOR UPDATE without a list: every table */
	assert_int_equal(mode_on(annotate(op, 15), "customers"), MG_LOCK_ROW_SHARE);
}

static void copy_to_keeps_its_lock_until_commit_from_13(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_COPY, MG_OBJ_TABLE, NULL, "orders");
	op->detail = "to";
	mg_operation *a = annotate(op, 12), *b = annotate(op, 13);
	assert_int_equal(mode_on(a, "orders"), MG_LOCK_NONE);
	assert_true(note_has(a, "before PostgreSQL 13"));
	assert_int_equal(mode_on(b, "orders"), MG_LOCK_ACCESS_SHARE);
	op->detail = "from";
	assert_int_equal(mode_on(annotate(op, 12), "orders"), MG_LOCK_ROW_EXCLUSIVE);
}

static void update_of_a_key_column_fires_the_foreign_key_check(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_UPDATE, MG_OBJ_TABLE, NULL, "orders");
	op->set_columns = list1("customer_id"); /* the new key must exist */
	assert_int_equal(mode_on(annotate(op, 15), "customers"), MG_LOCK_ROW_SHARE);
	op->set_columns = list1("id");
	assert_int_equal(mode_on(annotate(op, 15), "customers"), MG_LOCK_NONE);

	mg_operation *pk = op_new(MG_OP_UPDATE, MG_OBJ_TABLE, NULL, "customers");
	pk->set_columns = list1("id"); /* rows may still point at the old key */
	assert_int_equal(mode_on(annotate(pk, 15), "orders"), MG_LOCK_ROW_SHARE);
	pk->set_columns = list1("email");
	assert_int_equal(mode_on(annotate(pk, 15), "orders"), MG_LOCK_NONE);
}

static void insert_calls_nextval_only_for_columns_it_leaves_out(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_INSERT, MG_OBJ_TABLE, NULL, "customers");
	op->insert_columns = (mg_name_list){names("id", "email"), 2};
	op->insert_rows = mg_arena_alloc(&arena, sizeof *op->insert_rows);
	op->insert_rows[0] = (mg_name_list){names("5", "'a@b'"), 2};
	op->n_insert_rows = 1;
	assert_int_equal(mode_on(annotate(op, 15), "customers_id_seq"), MG_LOCK_NONE);
	op->insert_rows[0] = (mg_name_list){names("DEFAULT", "'a@b'"), 2};
	assert_int_equal(mode_on(annotate(op, 15), "customers_id_seq"), MG_LOCK_ROW_EXCLUSIVE);
	op->insert_columns = list1("email");
	op->insert_rows[0] = list1("'a@b'");
	assert_int_equal(mode_on(annotate(op, 15), "customers_id_seq"), MG_LOCK_ROW_EXCLUSIVE);
}

static void views_over_views_lock_every_level(void **state)
{
	(void)state;
	mg_operation *sel = op_new(MG_OP_SELECT, MG_OBJ_NONE, NULL, NULL);
	sel->depends = objs("low_stock", NULL);
	sel->n_depends = 1;
	mg_operation *a = annotate(sel, 15);
	assert_int_equal(mode_on(a, "low_stock"), MG_LOCK_ACCESS_SHARE);
	assert_int_equal(mode_on(a, "stock_levels"), MG_LOCK_ACCESS_SHARE);
	assert_int_equal(mode_on(a, "stock"), MG_LOCK_ACCESS_SHARE);

	mg_operation *up = op_new(MG_OP_UPDATE, MG_OBJ_TABLE, NULL, "low_stock");
	mg_operation *u = annotate(up, 15);
	assert_int_equal(mode_on(u, "stock_levels"), MG_LOCK_ROW_EXCLUSIVE);
	assert_int_equal(mode_on(u, "stock"), MG_LOCK_ROW_EXCLUSIVE);
	assert_int_equal(mode_on(u, "stock_pkey"), MG_LOCK_ROW_EXCLUSIVE);

	mg_operation *lk = op_new(MG_OP_LOCK_TABLE, MG_OBJ_TABLE, NULL, "low_stock");
	lk->detail = "share";
	assert_int_equal(mode_on(annotate(lk, 11), "stock"), MG_LOCK_SHARE);
	assert_true(has(annotate(lk, 10), MG_EFF_FAILS));

	mg_operation *drop = op_new(MG_OP_DROP_VIEW, MG_OBJ_VIEW, NULL, "stock_levels");
	mg_operation *d = annotate(drop, 15);
	assert_true(has(d, MG_EFF_FAILS)); /* low_stock reads it */
	assert_int_equal(mode_on(d, "low_stock"), MG_LOCK_NONE);
	drop->flags = MG_OPF_CASCADE;
	d = annotate(drop, 15);
	assert_false(has(d, MG_EFF_FAILS));
	assert_int_equal(mode_on(d, "low_stock"), MG_LOCK_ACCESS_EXCLUSIVE);
	drop->object.name = "low_stock"; /* nothing reads it */
	drop->flags = 0;
	assert_false(has(annotate(drop, 15), MG_EFF_FAILS));
}

static void refresh_rewrites_unless_concurrently_or_with_no_data(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_REFRESH_MATERIALIZED_VIEW, MG_OBJ_MATERIALIZED_VIEW, NULL,
	                          "stock_stats");
	mg_operation *a = annotate(op, 15);
	assert_true(has(a, MG_EFF_REWRITE));
	assert_int_equal(mode_on(a, "stock"), MG_LOCK_ACCESS_SHARE);
	op->flags = MG_OPF_CONCURRENTLY;
	a = annotate(op, 15);
	assert_false(has(a, MG_EFF_REWRITE));
	assert_int_equal(mode_on(a, "stock_stats"), MG_LOCK_EXCLUSIVE);
	op->flags = MG_OPF_WITH_NO_DATA;
	a = annotate(op, 15);
	assert_false(has(a, MG_EFF_REWRITE) || has(a, MG_EFF_SCAN));
	assert_int_equal(mode_on(a, "stock"), MG_LOCK_NONE);
	assert_int_equal(mode_on(a, "stock_stats"), MG_LOCK_ACCESS_EXCLUSIVE);
}

static void rename_trigger_and_create_table_like_lock_their_tables(void **state)
{
	(void)state;
	mg_operation *rt = op_new(MG_OP_RENAME_TRIGGER, MG_OBJ_TRIGGER, "orders", "orders_touch");
	rt->related = table_obj("orders");
	assert_int_equal(mode_on(annotate(rt, 10), "orders"), MG_LOCK_ACCESS_EXCLUSIVE);
	mg_operation *like = create_table("orders_copy", 0);
	assert_int_equal(like->n_locks, 0);
	like->depends = objs("orders", NULL);
	like->n_depends = 1;
	mg_operation *a = annotate(like, 15);
	assert_int_equal(mode_on(a, "orders"), MG_LOCK_ACCESS_SHARE);
	assert_int_equal(mode_on(a, "orders_pkey"), MG_LOCK_NONE); /* the definition only */
}

/* ---- privileges, enums, storage parameters ---------------------------- */

static void grant_locks_the_table_from_18(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_GRANT, MG_OBJ_TABLE, NULL, "orders");
	assert_int_equal(annotate(op, 17)->n_locks, 0);
	mg_operation *b = annotate(op, 18);
	assert_int_equal(mode_on(b, "orders"), MG_LOCK_ACCESS_SHARE);
	assert_true(note_has(b, "18"));
}

static void enum_add_value_in_transaction_block_fails_before_12(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_ADD_ENUM_VALUE, MG_OBJ_TYPE, NULL, "order_status");
	mg_operation *a = annotate(op, 11);
	assert_true(has(a, MG_EFF_FAILS));
	assert_true(has(a, MG_EFF_NO_TXN_BLOCK));
	mg_operation *b = annotate(op, 12);
	assert_false(has(b, MG_EFF_FAILS));
	assert_false(has(b, MG_EFF_NO_TXN_BLOCK));
}

static void storage_parameters_by_version_and_lock(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_SET_STORAGE_PARAMS, MG_OBJ_TABLE, NULL, "orders");
	op->detail = "vacuum_truncate";
	assert_true(has(annotate(op, 11), MG_EFF_FAILS));
	mg_operation *b = annotate(op, 12);
	assert_false(has(b, MG_EFF_FAILS));
	assert_int_equal(mode_on(b, "orders"), MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
	op->detail = "user_catalog_table";
	assert_int_equal(mode_on(annotate(op, 15), "orders"), MG_LOCK_ACCESS_EXCLUSIVE);
}

/* ---- The 1600-column limit ------------------------------------------- */

static mg_operation *add_column(const char *table, const char *name)
{
	mg_operation *op = op_new(MG_OP_ADD_COLUMN, MG_OBJ_COLUMN, table, name);
	op->column = mg_arena_alloc(&arena, sizeof *op->column);
	*op->column = (mg_column_def){.name = name, .type = "integer"};
	return op;
}

static void create_table_of_1601_columns_fails(void **state)
{
	(void)state;
	mg_operation *ok = annotate(create_table("t1600", 1600), 15);
	assert_false(has(ok, MG_EFF_FAILS));
	mg_operation *bad = annotate(create_table("t1601", 1601), 15);
	assert_true(has(bad, MG_EFF_FAILS));
	assert_non_null(strstr(bad->predicted_error, "at most 1600 columns: 1601 given"));
}

/* As PostgreSQL 15 answered: a table of one column that added and dropped
 * 1599 more has used 1600 attribute numbers, and the next ADD COLUMN
 * fails.  The replay goes on past it without saying so again. */
static void add_column_fails_once_dropped_columns_used_the_attnums(void **state)
{
	(void)state;
	mg_operation *c = create_table("churn", 1);
	c->columns[0] = (mg_column_def){.name = "id", .type = "integer"};
	apply(c);
	char name[16];
	for (int i = 1; i < 1600; i++) {
		snprintf(name, sizeof name, "x%d", i);
		const char *n = mg_arena_strdup(&arena, name);
		mg_operation *add = add_column("churn", n);
		assert_false(has(annotate(add, 15), MG_EFF_FAILS));
		apply(add);
		apply(op_new(MG_OP_DROP_COLUMN, MG_OBJ_COLUMN, "churn", n));
	}
	const mg_cat_relation *rel = mg_catalog_relation(cat, "public", "churn");
	assert_int_equal(rel->n_columns, 1);
	assert_int_equal(rel->n_dropped_columns, 1599);
	/* adding a column that exists takes no new number (it fails otherwise) */
	assert_false(has(annotate(add_column("churn", "id"), 15), MG_EFF_FAILS));
	mg_operation *over = add_column("churn", "one_more");
	mg_operation *a = annotate(over, 15);
	assert_true(has(a, MG_EFF_FAILS));
	assert_non_null(strstr(a->predicted_error, "public.churn has used them all (1 live, 1599 dropped"));
	apply(over);
	assert_false(has(annotate(add_column("churn", "two_more"), 15), MG_EFF_FAILS));
	/* the near miss: as wide, nothing dropped, one number left */
	mg_operation *w = create_table("wide1599", 1599);
	for (size_t i = 0; i < 1599; i++) {
		snprintf(name, sizeof name, "c%zu", i);
		w->columns[i] = (mg_column_def){.name = mg_arena_strdup(&arena, name), .type = "int"};
	}
	apply(w);
	mg_operation *last = add_column("wide1599", "last");
	assert_false(has(annotate(last, 15), MG_EFF_FAILS));
	apply(last);
	assert_true(has(annotate(add_column("wide1599", "past"), 15), MG_EFF_FAILS));
}

/* CREATE INDEX on a materialized view locks the view, and says so. */
static void index_on_a_matview_locks_the_matview(void **state)
{
	(void)state;
	mg_operation *op = op_new(MG_OP_CREATE_INDEX, MG_OBJ_INDEX, "stock_stats", "stock_stats_ix");
	op->related = table_obj("stock_stats");
	op->index_columns = list1("id");
	mg_operation *a = annotate(op, 15);
	assert_int_equal(mode_on(a, "stock_stats"), MG_LOCK_SHARE);
	assert_int_equal(a->locks[0].relation.kind, MG_OBJ_MATERIALIZED_VIEW);
	assert_true(note_has(a, "REFRESH waits"));
	mg_operation *t = op_new(MG_OP_CREATE_INDEX, MG_OBJ_INDEX, "stock", "stock_ix");
	t->related = table_obj("stock");
	t->index_columns = list1("id");
	assert_int_equal(annotate(t, 15)->locks[0].relation.kind, MG_OBJ_TABLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(constant_default_rewrites_before_11_only),
		cmocka_unit_test(volatile_default_rewrites_on_every_version),
		cmocka_unit_test(add_column_on_partitioned_table_locks_every_partition),
		cmocka_unit_test(attach_partition_parent_lock_weaker_from_12),
		cmocka_unit_test(detach_partition_locks_partition_harder_from_14),
		cmocka_unit_test(detach_concurrently_needs_14_and_no_transaction_block),
		cmocka_unit_test(set_not_null_skips_scan_with_valid_check_from_12),
		cmocka_unit_test(set_not_null_not_valid_check_proves_nothing),
		cmocka_unit_test(timestamp_to_timestamptz_under_utc_from_12),
		cmocka_unit_test(binary_coercible_type_changes_do_not_rewrite),
		cmocka_unit_test(type_change_of_referenced_key_locks_referencing_table),
		cmocka_unit_test(reindex_concurrently_needs_12),
		cmocka_unit_test(index_rename_lock_lowered_in_12),
		cmocka_unit_test(create_index_on_partitioned_table_needs_11),
		cmocka_unit_test(update_delete_prune_partitions_from_12),
		cmocka_unit_test(unique_on_partitioned_table_locks_partitions_by_version),
		cmocka_unit_test(drop_and_truncate_of_referenced_table_fail_without_cascade),
		cmocka_unit_test(drop_of_several_objects_needs_no_cascade_among_them),
		cmocka_unit_test(insert_takes_row_share_on_referenced_table),
		cmocka_unit_test(insert_into_partitioned_table_locks_partitions_before_12),
		cmocka_unit_test(dml_reads_its_other_relations_under_access_share),
		cmocka_unit_test(select_for_update_of_locks_rows_of_the_named_tables_only),
		cmocka_unit_test(copy_to_keeps_its_lock_until_commit_from_13),
		cmocka_unit_test(update_of_a_key_column_fires_the_foreign_key_check),
		cmocka_unit_test(insert_calls_nextval_only_for_columns_it_leaves_out),
		cmocka_unit_test(views_over_views_lock_every_level),
		cmocka_unit_test(refresh_rewrites_unless_concurrently_or_with_no_data),
		cmocka_unit_test(rename_trigger_and_create_table_like_lock_their_tables),
		cmocka_unit_test(grant_locks_the_table_from_18),
		cmocka_unit_test(enum_add_value_in_transaction_block_fails_before_12),
		cmocka_unit_test(storage_parameters_by_version_and_lock),
		cmocka_unit_test(create_table_of_1601_columns_fails),
		cmocka_unit_test(add_column_fails_once_dropped_columns_used_the_attnums),
		cmocka_unit_test(index_on_a_matview_locks_the_matview),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
