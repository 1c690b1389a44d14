/*
 * test_plan_assess.c: the release's risk per area.  Each area is the worst
 * of its findings and its figures; the summary names the decisive figure;
 * unknown sizes never lower a level and are named; overall is the worst.
 */
#include "assure_helpers.h"

static const char *const base =
	"CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, note text);\n"
	"CREATE TABLE legacy (id int PRIMARY KEY, payload text);\n";

static const char *const big =
	"engine: postgresql\nversion: 15\nslo: {max_lock_ms: 2000, max_replication_lag_s: 30}\n"
	"tables:\n  orders: {rows: 120M, bytes: 80GB, write_qps: 1500, read_qps: 9000, hot: true}\n"
	"  legacy: {rows: 1M, bytes: 1GB, write_qps: 1}\n";

static const mg_area_score *area(const as_run *r, mg_risk_area a)
{
	return &r->plan->areas[a];
}

static bool has_reason(const mg_area_score *s, const char *text)
{
	for (size_t i = 0; i < s->n_reasons; i++)
		if (strstr(s->reasons[i], text))
			return true;
	return false;
}

static void a_quiet_release_is_info(void **state)
{
	(void)state;
	static const char *const files[] = {"V1__base.sql", base,
	                                    "V2__new.sql", "CREATE TABLE tags (id int PRIMARY KEY);",
	                                    NULL};
	as_run r;
	as_plan(&r, files, big, "1");
	for (int i = 0; i < MG_AREA__COUNT; i++) {
		assert_int_equal(area(&r, (mg_risk_area)i)->area, i);
		assert_true(area(&r, (mg_risk_area)i)->level <= MG_SEV_LOW);
		assert_non_null(area(&r, (mg_risk_area)i)->summary);
	}
	assert_true(r.plan->overall <= MG_SEV_LOW);
	assert_non_null(strstr(area(&r, MG_AREA_LOCKING)->summary, "nothing in the release raises it"));
	as_done(&r);
}

static void locking_from_blocked_time_against_the_slo(void **state)
{
	(void)state;
	static const char *const files[] = {"V1__base.sql", base,
	                                    "V2__idx.sql", "CREATE INDEX orders_c ON orders (customer_id);",
	                                    NULL};
	as_run r;
	as_plan(&r, files, big, "1");
	const mg_area_score *l = area(&r, MG_AREA_LOCKING);
	assert_int_equal(l->level, MG_SEV_CRITICAL);
	assert_true(l->n_findings >= 1);
	const mg_finding *f = r.analysis.findings[l->findings[0]];
	assert_int_equal(f->rule->category, MG_CAT_LOCKING);
	/* The figure: SHARE on orders for minutes against a 2 s SLO. */
	assert_true(has_reason(l, "holds SHARE on public.orders for ~"));
	assert_true(has_reason(l, "(SLO 2.0 s), a hot table"));
	assert_non_null(strstr(l->summary, "locking risk is critical: V2 holds SHARE on public.orders"));
	/* A renderer that shows the area and its level itself gets the reason
	 * alone, so a row never reads "Locking risk  critical: locking risk is ...". */
	assert_non_null(l->because);
	assert_string_equal(l->because, l->summary + strlen("locking risk is critical: "));
	assert_int_equal(r.plan->overall, MG_SEV_CRITICAL);
	as_done(&r);
}

static void unknown_sizes_never_lower_a_level(void **state)
{
	(void)state;
	static const char *const files[] = {"V1__base.sql", base,
	                                    "V2__idx.sql", "CREATE INDEX orders_c ON orders (customer_id);",
	                                    NULL};
	as_run r;
	as_plan(&r, files, NULL, "1");
	const mg_area_score *l = area(&r, MG_AREA_LOCKING);
	/* No sizes: the finding's rule default (high) stands, and the size is
	 * named as unknown. */
	assert_int_equal(l->level, MG_SEV_HIGH);
	assert_true(has_reason(l, "size unknown (no profile): public.orders"));
	assert_non_null(strstr(l->summary, "some sizes are unknown"));
	as_done(&r);
}

/* A hot table's known hold keeps its level when a later statement of the
 * same transaction touches a table of unknown size: the figure is a lower
 * bound, says so, and the unknown table is named. */
static void an_unknown_neighbour_never_lowers_a_known_hold(void **state)
{
	(void)state;
	static const char *const files[] = {"V1__base.sql", base,
	                                    "V1_1__other.sql", "CREATE TABLE other (id int PRIMARY KEY, v int);",
	                                    "V2__idx.sql",
	                                    "CREATE INDEX orders_c ON orders (customer_id);\n"
	                                    "CREATE INDEX other_v ON other (v);",
	                                    NULL};
	as_run r;
	as_plan(&r, files, big, "1.1");
	const mg_area_score *l = area(&r, MG_AREA_LOCKING);
	assert_int_equal(l->level, MG_SEV_CRITICAL);
	assert_true(has_reason(l, "holds SHARE on public.orders for at least ~"));
	assert_true(has_reason(l, "public.other"));
	as_done(&r);
}

static void rollback_area_from_irreversible_steps(void **state)
{
	(void)state;
	static const char *const files[] = {"V1__base.sql", base,
	                                    "V2__drop.sql", "ALTER TABLE orders DROP COLUMN note;\n"
	                                                    "UPDATE legacy SET payload = 'x';\n",
	                                    NULL};
	as_run r;
	as_plan(&r, files, big, "1");
	const mg_area_score *rb = area(&r, MG_AREA_ROLLBACK);
	assert_int_equal(rb->level, MG_SEV_CRITICAL);
	/* Each reason names the step by its title, with the table's figures. */
	assert_true(has_reason(rb, "lossy (Drop column orders.note, 80.0 GB hot), held until confirmed"));
	assert_true(has_reason(rb, "irreversible (Backfill legacy in batches)"));
	/* ... and first the changeset, which the reviewer knows. */
	assert_true(has_reason(rb, "V2, step s"));
	/* A finding is listed by index, never repeated among the reasons. */
	assert_false(has_reason(rb, "rollback-irreversible"));
	assert_false(has_reason(area(&r, MG_AREA_LOCKING), "lock-"));
	/* Four steps: the drop, the backfill, and the two deploy steps. */
	assert_int_equal(r.plan->n_steps, 4);
	assert_true(has_reason(rb, "1 of 4 steps irreversible, 1 lossy, 1 held back"));
	/* The finding behind it is counted in the area. */
	bool irr = false;
	for (size_t i = 0; i < rb->n_findings; i++)
		irr = irr || !strcmp(r.analysis.findings[rb->findings[i]]->rule->id,
		                     "rollback-irreversible");
	assert_true(irr);
	/* Data: the compatibility finding of the drop. */
	assert_true(area(&r, MG_AREA_DATA)->level >= MG_SEV_HIGH);
	as_done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_quiet_release_is_info),
		cmocka_unit_test(locking_from_blocked_time_against_the_slo),
		cmocka_unit_test(unknown_sizes_never_lower_a_level),
		cmocka_unit_test(an_unknown_neighbour_never_lowers_a_known_hold),
		cmocka_unit_test(rollback_area_from_irreversible_steps),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
