/*
 * test_profile.c: the traffic profile reader, units, and the severity
 * rules of the risk model.
 */
#include "harness.h"
#include "migraph/profile.h"
#include "migraph/engine.h"
#include "migraph/risk.h"

static mg_profile *load(mg_arena *arena, mg_diag_list *diags, const char *yaml, char **dir)
{
	*dir = th_tmpdir();
	th_write(*dir, "p.yaml", yaml);
	char path[4200];
	snprintf(path, sizeof path, "%s/p.yaml", *dir);
	return mg_profile_load(arena, path, 0, diags);
}

static void units_follow_the_contract(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(mg_parse_bytes("80GB", &v), 0);
	assert_true(v == 80000000000ull);
	assert_int_equal(mg_parse_bytes("12 GiB", &v), 0);
	assert_true(v == 12ull * 1024 * 1024 * 1024);
	assert_int_equal(mg_parse_bytes("4096", &v), 0);
	assert_true(v == 4096);
	assert_int_equal(mg_parse_bytes("1.5kb", &v), 0);
	assert_true(v == 1500);
	assert_int_equal(mg_parse_bytes("8QB", &v), -1);
	assert_int_equal(mg_parse_bytes("-1GB", &v), -1);
	assert_int_equal(mg_parse_count("120M", &v), 0);
	assert_true(v == 120000000);
	assert_int_equal(mg_parse_count("2B", &v), 0);
	assert_true(v == 2000000000ull);
	assert_int_equal(mg_parse_count("40K", &v), 0);
	assert_true(v == 40000);
	assert_int_equal(mg_parse_count("3 rows", &v), -1);
}

static void reads_the_design_example(void **state)
{
	(void)state;
	mg_arena arena;
	mg_arena_init(&arena);
	mg_diag_list diags;
	mg_diag_list_init(&diags, &arena);
	char *dir;
	mg_profile *p = load(&arena, &diags,
	                     "engine: postgresql\nversion: 15\ntimezone: UTC\n"
	                     "slo: {max_lock_ms: 2000, max_replication_lag_s: 30}\n"
	                     "deploy: blue-green\n"
	                     "windows: [{days: [sat, sun], start: \"02:00\", end: \"05:00\", tz: UTC}]\n"
	                     "longest_transaction_ms: 30000\nreplica_apply_mb_s: 60\n"
	                     "throughput: {scan_mb_s: 300, rewrite_mb_s: 80, index_build_mb_s: 60}\n"
	                     "default_table: {rows: null, bytes: null}\n"
	                     "tables:\n"
	                     "  public.orders: {rows: 120M, bytes: 80GB, write_qps: 1500, read_qps: 9000, hot: true}\n"
	                     "  Customers: {rows: 40M, bytes: 12GiB, write_qps: 200, read_qps: 3000, hot: true}\n",
	                     &dir);
	assert_non_null(p);
	assert_int_equal(diags.count, 0);
	assert_int_equal(p->engine.major, 15);
	assert_true(p->has_deploy);
	assert_int_equal(p->deploy, MG_DEPLOY_BLUE_GREEN);
	assert_true(p->max_lock_ms.known);
	assert_true(p->max_lock_ms.value == 2000);
	assert_int_equal(p->n_windows, 1);
	assert_int_equal(p->windows[0].days, (1 << 5) | (1 << 6));
	assert_int_equal(p->windows[0].start_min, 120);
	assert_true(p->rewrite_bytes_s == 80e6);
	assert_false(p->default_table.bytes.known);
	const mg_profile_table *o = mg_profile_find(p, "public", "orders");
	assert_non_null(o);
	assert_true(o->bytes.value == 80000000000ull);
	assert_true(o->hot);
	/* A bare name is in the default schema and folds like an identifier. */
	const mg_profile_table *c = mg_profile_find(p, "public", "customers");
	assert_non_null(c);
	assert_true(c->rows.value == 40000000);
	assert_null(mg_profile_find(p, "public", "missing"));
	th_rmtree(dir);
	mg_arena_free(&arena);
}

static void errors_name_file_line_and_key(void **state)
{
	(void)state;
	mg_arena arena;
	mg_arena_init(&arena);
	mg_diag_list diags;
	mg_diag_list_init(&diags, &arena);
	char *dir;
	mg_profile *p = load(&arena, &diags,
	                     "version: 9\ntables:\n  t: {bytes: 8QB, rows: 5X, hot: perhaps}\nbogus: 1\n",
	                     &dir);
	assert_non_null(p);
	int invalid = 0, unknown = 0;
	for (size_t i = 0; i < diags.count; i++) {
		const mg_diag *d = diags.items[i];
		assert_non_null(d->loc.file);
		assert_true(d->loc.line > 0);
		if (!strcmp(d->code, "profile-invalid"))
			invalid++;
		if (!strcmp(d->code, "profile-unknown-key")) {
			unknown++;
			assert_int_equal(d->loc.line, 4);
			assert_non_null(strstr(d->message, "bogus"));
		}
	}
	assert_int_equal(invalid, 4); /* version 9, bytes, rows, hot */
	assert_int_equal(unknown, 1);
	const mg_profile_table *t = mg_profile_find(p, "public", "t");
	assert_non_null(t);
	assert_false(t->bytes.known); /* a bad value stays unknown */
	th_rmtree(dir);
	mg_arena_free(&arena);
}

static void malformed_yaml_is_a_diagnostic(void **state)
{
	(void)state;
	mg_arena arena;
	mg_arena_init(&arena);
	mg_diag_list diags;
	mg_diag_list_init(&diags, &arena);
	char *dir;
	mg_profile *p = load(&arena, &diags, "tables: {a: [\n", &dir);
	assert_null(p);
	assert_int_equal(diags.count, 1);
	assert_string_equal(diags.items[0]->code, "profile-invalid");
	th_rmtree(dir);
	mg_arena_free(&arena);
}

static mg_table_risk table(double blocked_ms, double qps, bool hot, mg_lock_mode mode)
{
	mg_table_risk t;
	memset(&t, 0, sizeof t);
	t.size_known = true;
	t.bytes = 1000000;
	t.rows = 1000;
	t.mode = mode;
	t.blocks_reads = mode == MG_LOCK_ACCESS_EXCLUSIVE;
	t.blocks_writes = true;
	t.blocked_known = true;
	t.blocked_ms = blocked_ms;
	t.write_qps = qps;
	t.queued_requests = qps * blocked_ms / 1000;
	t.hot = hot;
	return t;
}

static void severity_follows_the_blocked_time(void **state)
{
	(void)state;
	mg_profile p;
	memset(&p, 0, sizeof p);
	p.max_lock_ms.known = true;
	p.max_lock_ms.value = 2000;
	mg_table_risk t = table(25000, 100, true, MG_LOCK_SHARE);
	assert_int_equal(mg_risk_severity(&p, &t, true), MG_SEV_CRITICAL); /* > 10x SLO, hot */
	t = table(25000, 100, false, MG_LOCK_SHARE);
	assert_int_equal(mg_risk_severity(&p, &t, true), MG_SEV_HIGH);     /* > SLO, not hot */
	t = table(500, 100, false, MG_LOCK_SHARE);
	assert_int_equal(mg_risk_severity(&p, &t, true), MG_SEV_MEDIUM);   /* > SLO/10 */
	t = table(50, 100, false, MG_LOCK_SHARE);
	assert_int_equal(mg_risk_severity(&p, &t, true), MG_SEV_LOW);
	t = table(1, 2, false, MG_LOCK_SHARE);
	assert_int_equal(mg_risk_severity(&p, &t, true), MG_SEV_INFO);     /* nobody waits */
	t = table(1, 2, true, MG_LOCK_ACCESS_EXCLUSIVE);
	assert_int_equal(mg_risk_severity(&p, &t, false), MG_SEV_MEDIUM);  /* AE, hot, no lock_timeout */
	assert_int_equal(mg_risk_severity(&p, &t, true), MG_SEV_INFO);
	t.new_in_release = true;
	assert_int_equal(mg_risk_severity(&p, &t, false), MG_SEV_INFO);    /* a new table is empty */
	t = table(25000, 100, true, MG_LOCK_SHARE);
	t.size_known = false;
	assert_int_equal(mg_risk_severity(&p, &t, true), -1);              /* unknown: rule default */
	assert_int_equal(mg_risk_severity(NULL, &t, true), -1);            /* no profile */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(units_follow_the_contract),
		cmocka_unit_test(reads_the_design_example),
		cmocka_unit_test(errors_name_file_line_and_key),
		cmocka_unit_test(malformed_yaml_is_a_diagnostic),
		cmocka_unit_test(severity_follows_the_blocked_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
