/*
 * backfill_size.c: how many rows one batch changes and how long to pause
 * between batches, from the traffic profile.
 *
 * Two limits decide, each from a figure the team has committed to:
 *
 *   locks        a batch holds the row locks of every row it changes
 *                until it commits, so an application write to one of
 *                those rows waits for the whole batch.  A batch must take
 *                at most a tenth of slo.max_lock_ms.  A changed row costs
 *                its size written at a quarter of the rewrite throughput
 *                (a new row version, its index entries and its WAL, row by
 *                row rather than sequentially).
 *   replication  each changed row writes about twice its size of WAL.
 *                One batch's WAL must replay on the replica within a tenth
 *                of slo.max_replication_lag_s, and the backfill's WAL per
 *                second, added to the application's own (write_qps rows),
 *                stays under half of replica_apply_mb_s: the pause between
 *                batches is what keeps it there.
 *
 * The pause is also never shorter than a batch, so the application gets
 * at least half of the time on the rows the backfill walks through.  What
 * the profile does not say is never taken as zero: without a row size
 * there is no batch duration, so the conservative default applies and the
 * runtime stays unknown.  formats/backfill.md documents the constants.
 */
#include <math.h>
#include <stdio.h>

#include "plan/backfill_int.h"

/* 40000000 -> "40,000,000". */
static void put_count(mg_buf *b, uint64_t n)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			mg_buf_putc(b, ',');
		mg_buf_putc(b, digits[i]);
	}
}

static void put_bytes(mg_buf *b, double bytes)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
	int u = 0;
	while (bytes >= 1000.0 && u < 5) {
		bytes /= 1000.0;
		u++;
	}
	if (u == 0 || bytes >= 100.0)
		mg_buf_printf(b, "%.0f %s", bytes, units[u]);
	else
		mg_buf_printf(b, "%.1f %s", bytes, units[u]);
}

static void put_ms(mg_buf *b, double ms)
{
	if (ms < 1.0)
		mg_buf_printf(b, "%.2f ms", ms);
	else if (ms < 10000.0)
		mg_buf_printf(b, "%.0f ms", ms);
	else if (ms < 120000.0)
		mg_buf_printf(b, "%.1f s", ms / 1000.0);
	else if (ms < 7200000.0)
		mg_buf_printf(b, "%.1f min", ms / 60000.0);
	else
		mg_buf_printf(b, "%.1f h", ms / 3600000.0);
}

/* The largest of 1, 2, 5 x 10^k not above n (at least 1): batch sizes a
 * reviewer can reason about. */
static uint64_t round_down_nice(double n)
{
	if (n < 1.0)
		return 1;
	double p = 1.0;
	while (p * 10.0 <= n)
		p *= 10.0;
	uint64_t best = (uint64_t)p;
	if (2.0 * p <= n)
		best = (uint64_t)(2.0 * p);
	if (5.0 * p <= n)
		best = (uint64_t)(5.0 * p);
	return best;
}

/* Up to the next 10 ms. */
static double round_up_10ms(double ms)
{
	return ceil(ms / 10.0) * 10.0;
}

static void defaults(mg_buf *b, bf_size_out *out, const char *why)
{
	out->batch_size = BF_DEFAULT_BATCH;
	out->pause_ms = BF_DEFAULT_PAUSE_MS;
	mg_buf_printf(b, "%s: the conservative default applies (formats/backfill.md): ", why);
	put_count(b, BF_DEFAULT_BATCH);
	mg_buf_printf(b, " rows per batch, %.0f ms between batches. ", BF_DEFAULT_PAUSE_MS);
}

/* Locks: a batch holds its rows' locks until it commits, so one batch may
 * last a tenth of the lock budget.  Returns the rows that fit; *ms_per_row
 * is what one row costs. */
static double lock_limit(mg_buf *bp, const bf_size_in *in, double row_bytes,
                         double *ms_per_row_out)
{
	double max_lock = in->max_lock_ms.known ? in->max_lock_ms.value : BF_ASSUMED_MAX_LOCK_MS;
	double lock_budget_ms = max_lock * BF_LOCK_SHARE;
	double dml_bytes_s = in->rewrite_bytes_s / BF_DML_FACTOR;
	double ms_per_row = row_bytes / dml_bytes_s * 1000.0;
	double by_lock = lock_budget_ms / ms_per_row;
	mg_buf_printf(
	    bp,
	    "Locks: a batch holds its rows' locks until it commits, so it may take %.0f ms "
	    "(a tenth of ",
	    lock_budget_ms);
	if (in->max_lock_ms.known)
		mg_buf_printf(bp, "slo.max_lock_ms %.0f ms", max_lock);
	else
		mg_buf_printf(bp,
		              "an assumed %.0f ms lock budget: the profile has no slo.max_lock_ms",
		              max_lock);
	mg_buf_puts(bp, "); row-by-row DML at a quarter of ");
	put_bytes(bp, in->rewrite_bytes_s);
	mg_buf_printf(bp, "/s (%s) costs ",
	              in->rewrite_given ? "throughput.rewrite_mb_s"
	                                : "the default rewrite throughput");
	if (ms_per_row < 0.01)
		mg_buf_printf(bp, "%.2f µs", ms_per_row * 1000.0);
	else
		put_ms(bp, ms_per_row);
	mg_buf_puts(bp, " per row: at most ");
	put_count(bp, (uint64_t)by_lock);
	mg_buf_puts(bp, " rows. ");
	*ms_per_row_out = ms_per_row;
	return by_lock;
}

/* Replication: one batch's WAL must replay within a tenth of the lag
 * budget (lowering *limit, and saying so in *decided), and the backfill's
 * WAL rate must leave the replica room: *budget_bytes_s is what is left of
 * half its apply rate after the application's writes.  Returns whether the
 * profile gives the replica's apply rate at all. */
static bool replication_limit(mg_buf *bp, const bf_size_in *in, double wal_per_row, double *limit,
                              const char **decided, double *budget_bytes_s)
{
	*budget_bytes_s = 0.0;
	bool have_apply = in->replica_apply_bytes_s.known && in->replica_apply_bytes_s.value > 0;
	if (have_apply) {
		double apply = in->replica_apply_bytes_s.value;
		mg_buf_printf(bp, "Replication: about %.0fx the row size of WAL per row (",
		              BF_WAL_FACTOR);
		put_bytes(bp, wal_per_row);
		mg_buf_puts(bp, "); the replica applies ");
		put_bytes(bp, apply);
		mg_buf_puts(bp, "/s");
		if (in->max_replication_lag_s.known) {
			double by_lag =
			    apply * in->max_replication_lag_s.value * BF_LAG_SHARE / wal_per_row;
			mg_buf_printf(bp,
			              "; one batch's WAL must replay within %.1f s (a tenth of "
			              "slo.max_replication_lag_s %.0f s): at most ",
			              in->max_replication_lag_s.value * BF_LAG_SHARE,
			              in->max_replication_lag_s.value);
			put_count(bp, (uint64_t)by_lag);
			mg_buf_puts(bp, " rows");
			if (by_lag < *limit) {
				*limit = by_lag;
				*decided = "the replication lag budget";
			}
		} else {
			mg_buf_puts(
			    bp, " (no slo.max_replication_lag_s: the batch is not bounded by lag)");
		}
		double app_bytes_s = 0.0;
		*budget_bytes_s = apply * BF_REPLICA_SHARE;
		if (in->write_qps.known) {
			app_bytes_s = in->write_qps.value * wal_per_row;
			*budget_bytes_s -= app_bytes_s;
			mg_buf_printf(bp, "; the application's %.0f writes/s add ",
			              in->write_qps.value);
			put_bytes(bp, app_bytes_s);
			mg_buf_puts(bp, "/s");
		} else {
			mg_buf_puts(bp,
			            "; the application's write rate is unknown and not counted");
		}
		mg_buf_puts(bp, ". ");
	} else {
		mg_buf_puts(
		    bp, "Replication: the profile has no replica_apply_mb_s, so the WAL rate is "
		        "not bounded by the replica. ");
	}
	return have_apply;
}

/* The pause between batches: as long as a batch at least, longer when the
 * replica needs it.  *why says which. */
static double pause_between(mg_arena *arena, uint64_t batch, double batch_ms, double wal_per_row,
                            bool have_apply, double budget_bytes_s, const char **why)
{
	double pause = batch_ms;
	*why = "as long as a batch, so the application gets half of the time";
	if (have_apply) {
		if (budget_bytes_s <= 0.0) {
			/* The replica is already saturated by the application: crawl. */
			double p = batch_ms * 9.0;
			if (p > pause) {
				pause = p;
				*why = "nine batches long: the application alone already uses half of "
				       "what the replica applies, so the backfill adds a tenth of a "
				       "batch's rate";
			}
		} else {
			double p = (double)batch * wal_per_row / budget_bytes_s * 1000.0 - batch_ms;
			if (p > pause) {
				pause = p;
				*why = mg_arena_printf(
				    arena,
				    "so that the backfill's WAL stays within the %.1f MB/s "
				    "left of half the replica's apply rate",
				    budget_bytes_s / 1e6);
			}
		}
	}
	return pause;
}

void plan_backfill_size(mg_arena *arena, const bf_size_in *in, bf_size_out *out)
{
	*out = (bf_size_out){0};
	mg_buf b = MG_BUF_INIT;
	const char *table = in->table ? in->table : "the table";

	if (!in->has_profile) {
		defaults(&b, out, "No traffic profile");
		mg_buf_puts(&b, "Runtime unknown: the table's size is unknown.");
		goto done;
	}
	if (!in->table_known)
		mg_buf_printf(&b, "%s is not in the profile (size unknown). ", table);
	if (!in->rows.known || !in->bytes.known || in->rows.value == 0) {
		if (in->rows.known && in->rows.value == 0) {
			defaults(&b, out,
			         mg_arena_printf(arena, "%s is empty per the profile", table));
			out->runtime_known = true;
			out->runtime_ms = 0.0;
			mg_buf_puts(&b, "Nothing to change: runtime 0 ms.");
			goto done;
		}
		defaults(&b, out,
		         mg_arena_printf(arena, "No row size for %s (the profile lacks %s)", table,
		                         !in->rows.known && !in->bytes.known ? "rows and bytes"
		                         : !in->rows.known                   ? "rows"
		                                                             : "bytes"));
		mg_buf_puts(&b, "Runtime unknown.");
		goto done;
	}

	/* The figures. */
	double rows = (double)in->rows.value;
	double row_bytes = (double)in->bytes.value / rows;
	if (row_bytes < 1.0)
		row_bytes = 1.0;
	mg_buf_printf(&b, "%s: ", table);
	put_count(&b, in->rows.value);
	mg_buf_puts(&b, " rows, ");
	put_bytes(&b, (double)in->bytes.value);
	mg_buf_puts(&b, " (");
	put_bytes(&b, row_bytes);
	mg_buf_puts(&b, " per row). ");

	/* Locks: one batch's duration. */
	double ms_per_row;
	double by_lock = lock_limit(&b, in, row_bytes, &ms_per_row);

	/* Replication: one batch's WAL, and the WAL rate. */
	double wal_per_row = row_bytes * BF_WAL_FACTOR;
	double limit = by_lock;
	const char *decided = "the lock budget";
	double budget_bytes_s;
	bool have_apply =
	    replication_limit(&b, in, wal_per_row, &limit, &decided, &budget_bytes_s);

	uint64_t batch = round_down_nice(limit);
	bool capped = false;
	if (batch > BF_MAX_BATCH) {
		batch = BF_MAX_BATCH;
		capped = true;
	}
	double batch_ms = (double)batch * ms_per_row;
	const char *pause_why;
	double pause = pause_between(arena, batch, batch_ms, wal_per_row, have_apply, budget_bytes_s,
	                             &pause_why);
	pause = round_up_10ms(pause < 10.0 ? 10.0 : pause);

	mg_buf_puts(&b, "Batch: ");
	put_count(&b, batch);
	mg_buf_printf(&b, " rows (%s%s), about ", capped ? "capped at " : "set by ",
	              capped ? mg_arena_printf(arena, "%d rows per batch", BF_MAX_BATCH) : decided);
	put_ms(&b, batch_ms);
	mg_buf_puts(&b, " each; pause ");
	put_ms(&b, pause);
	mg_buf_printf(&b, " between batches (%s). ", pause_why);

	uint64_t batches = (in->rows.value + batch - 1) / batch;
	double runtime = (double)batches * (batch_ms + pause);
	mg_buf_puts(&b, "Runtime: at most ");
	put_count(&b, batches);
	mg_buf_puts(&b, " batches, about ");
	put_ms(&b, runtime);
	mg_buf_puts(&b, " if every row needs the change (an upper bound: how many rows match is "
	                "not known before it runs).");

	out->batch_size = batch;
	out->pause_ms = pause;
	out->batch_ms_known = true;
	out->batch_ms = batch_ms;
	out->runtime_known = true;
	out->runtime_ms = runtime;
done:
	out->reasoning = mg_arena_strdup(arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
}
