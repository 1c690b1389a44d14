/*
 * test_backfill_size.c: the batch size and pause of a backfill, from the
 * profile's figures, and the reasoning that shows the arithmetic.  The
 * expected figures are worked out here by hand from formats/backfill.md.
 */
#include <math.h>

#include "harness.h"
#include "plan/backfill_int.h"

static bf_size_in profile_in(uint64_t rows, uint64_t bytes, double write_qps)
{
	bf_size_in in = {0};
	in.table = "public.t";
	in.has_profile = true;
	in.table_known = true;
	in.rows = (mg_opt_u64){true, rows};
	in.bytes = (mg_opt_u64){true, bytes};
	in.write_qps = (mg_opt_f64){true, write_qps};
	in.max_lock_ms = (mg_opt_f64){true, 2000};
	in.max_replication_lag_s = (mg_opt_f64){true, 30};
	in.replica_apply_bytes_s = (mg_opt_f64){true, 60e6};
	in.rewrite_bytes_s = 80e6;
	in.rewrite_given = true;
	return in;
}

static void size(const bf_size_in *in, bf_size_out *out, mg_arena *a)
{
	mg_arena_init(a);
	plan_backfill_size(a, in, out);
	assert_non_null(out->reasoning);
}

static void no_profile_is_the_default_said_to_be_one(void **state)
{
	(void)state;
	bf_size_in in = {.table = "public.t", .rewrite_bytes_s = 80e6};
	bf_size_out out;
	mg_arena a;
	size(&in, &out, &a);
	assert_int_equal(out.batch_size, BF_DEFAULT_BATCH);
	assert_true(out.pause_ms == BF_DEFAULT_PAUSE_MS);
	assert_false(out.runtime_known);
	assert_non_null(strstr(out.reasoning, "No traffic profile"));
	assert_non_null(strstr(out.reasoning, "conservative default"));
	assert_non_null(strstr(out.reasoning, "Runtime unknown"));
	mg_arena_free(&a);
}

/* customers of the demo: 40M rows, 12 GiB, 200 writes/s. */
static void the_lock_budget_decides_a_hot_table(void **state)
{
	(void)state;
	bf_size_in in = profile_in(40000000, 12884901888ull, 200);
	bf_size_out out;
	mg_arena a;
	size(&in, &out, &a);
	/* 322.1 B/row at 20 MB/s = 16.1 us/row; 200 ms / 16.1 us = 12,417 rows,
	 * rounded down to 10,000. */
	double row = 12884901888.0 / 40000000.0;
	double ms_row = row / 20e6 * 1000.0;
	assert_int_equal(out.batch_size, 10000);
	assert_true(out.batch_ms_known);
	assert_true(fabs(out.batch_ms - 10000 * ms_row) < 0.01);
	/* WAL: 6.44 MB per batch over 29.87 MB/s left = 216 ms, less the batch
	 * = 55 ms: shorter than the batch, so the pause is the batch's 161 ms,
	 * rounded up to 170. */
	assert_true(out.pause_ms == 170.0);
	assert_true(out.runtime_known);
	assert_true(fabs(out.runtime_ms - 4000 * (10000 * ms_row + 170.0)) < 1.0);
	assert_non_null(strstr(out.reasoning, "40,000,000 rows"));
	assert_non_null(strstr(out.reasoning, "12,417 rows"));
	assert_non_null(strstr(out.reasoning, "set by the lock budget"));
	assert_non_null(strstr(out.reasoning, "slo.max_lock_ms 2000 ms"));
	assert_non_null(strstr(out.reasoning, "4,000 batches"));
	mg_arena_free(&a);
}

/* 1M rows of 100 kB, a 1 s lag SLO, a replica applying 10 MB/s. */
static void wide_rows(double write_qps, bf_size_out *out, mg_arena *a)
{
	bf_size_in in = profile_in(1000000, 100000000000ull, write_qps);
	in.max_replication_lag_s.value = 1;
	in.replica_apply_bytes_s.value = 10e6;
	size(&in, out, a);
}

/* Wide rows, a strict lag SLO and a slow replica: the lag decides. */
static void the_replication_lag_decides_wide_rows(void **state)
{
	(void)state;
	bf_size_out out;
	mg_arena a;
	wide_rows(0, &out, &a);
	/* lock: 100 kB/row at 20 MB/s = 5 ms/row -> 40 rows; lag: 0.1 s x
	 * 10 MB/s / 200 kB = 5 rows. */
	assert_int_equal(out.batch_size, 5);
	assert_non_null(strstr(out.reasoning, "set by the replication lag budget"));
	/* 1 MB of WAL per batch at 5 MB/s = 200 ms, less the 25 ms batch. */
	assert_true(out.pause_ms == 180.0);
	mg_arena_free(&a);
}

/* The application's own WAL leaves the backfill little of the replica. */
static void the_application_write_rate_stretches_the_pause(void **state)
{
	(void)state;
	bf_size_out out;
	mg_arena a;
	wide_rows(20, &out, &a);
	/* 5 MB/s less 20 writes/s x 200 kB = 1 MB/s left: one batch's 1 MB
	 * takes 1000 ms, less the 25 ms batch = 975, rounded up to 980. */
	assert_int_equal(out.batch_size, 5);
	assert_true(out.pause_ms == 980.0);
	assert_non_null(strstr(out.reasoning, "20 writes/s"));
	mg_arena_free(&a);
}

static void a_saturated_replica_makes_the_backfill_crawl(void **state)
{
	(void)state;
	bf_size_out out;
	mg_arena a;
	wide_rows(100, &out, &a);
	/* 100 x 200 kB = 20 MB/s of application WAL, above half the apply rate. */
	assert_true(fabs(out.pause_ms - ceil(out.batch_ms * 9.0 / 10.0) * 10.0) < 0.001);
	assert_non_null(strstr(out.reasoning, "nine batches long"));
	mg_arena_free(&a);
}

static void tiny_rows_are_capped(void **state)
{
	(void)state;
	bf_size_in in = profile_in(1000000, 10000000, 0);
	bf_size_out out;
	mg_arena a;
	size(&in, &out, &a);
	assert_int_equal(out.batch_size, BF_MAX_BATCH);
	assert_non_null(strstr(out.reasoning, "capped at 10000 rows per batch"));
	mg_arena_free(&a);
}

static void unknown_stays_unknown(void **state)
{
	(void)state;
	mg_arena a;
	bf_size_out out;
	/* Not in the profile: the default entry has no size. */
	bf_size_in in = profile_in(0, 0, 0);
	in.table_known = false;
	in.rows.known = false;
	in.bytes.known = false;
	size(&in, &out, &a);
	assert_int_equal(out.batch_size, BF_DEFAULT_BATCH);
	assert_false(out.runtime_known);
	assert_non_null(strstr(out.reasoning, "not in the profile (size unknown)"));
	assert_non_null(strstr(out.reasoning, "rows and bytes"));
	mg_arena_free(&a);
	/* Rows without bytes: no row size, so no batch duration. */
	in = profile_in(5000, 0, 0);
	in.bytes.known = false;
	size(&in, &out, &a);
	assert_false(out.runtime_known);
	assert_false(out.batch_ms_known);
	assert_non_null(strstr(out.reasoning, "lacks bytes"));
	mg_arena_free(&a);
	/* An empty table is known to need nothing. */
	in = profile_in(0, 0, 0);
	size(&in, &out, &a);
	assert_true(out.runtime_known);
	assert_true(out.runtime_ms == 0.0);
	mg_arena_free(&a);
}

static void missing_figures_are_assumed_and_said_so(void **state)
{
	(void)state;
	bf_size_in in = profile_in(40000000, 12884901888ull, 200);
	in.max_lock_ms.known = false;
	in.replica_apply_bytes_s.known = false;
	in.write_qps.known = false;
	bf_size_out out;
	mg_arena a;
	size(&in, &out, &a);
	assert_non_null(strstr(out.reasoning, "assumed 2000 ms lock budget"));
	assert_non_null(strstr(out.reasoning, "no replica_apply_mb_s"));
	assert_int_equal(out.batch_size, 10000);
	mg_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_profile_is_the_default_said_to_be_one),
	    cmocka_unit_test(the_lock_budget_decides_a_hot_table),
	    cmocka_unit_test(the_replication_lag_decides_wide_rows),
	    cmocka_unit_test(the_application_write_rate_stretches_the_pause),
	    cmocka_unit_test(a_saturated_replica_makes_the_backfill_crawl),
	    cmocka_unit_test(tiny_rows_are_capped),
	    cmocka_unit_test(unknown_stays_unknown),
	    cmocka_unit_test(missing_figures_are_assumed_and_said_so),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
