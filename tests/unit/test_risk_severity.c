/*
 * test_risk_severity.c: a finding's severity comes from the known risk of
 * its table, and an unknown never lowers it (issue 10, item 1); the runtimes
 * behind it count every table a statement's work depends on.
 */
#include <math.h>

#include "issue4_helpers.h"
#include "migraph/profile.h"
#include "migraph/risk.h"

/* A hot 80 GB table and a 200 MB cold one; nothing else is sized (no
 * default_table), so any other table has an unknown runtime. */
static const char *const PROFILE =
	"engine: postgresql\n"
	"version: 16\n"
	"slo: {max_lock_ms: 2000}\n"
	"longest_transaction_ms: 60000\n"
	"throughput: {scan_mb_s: 250, rewrite_mb_s: 70, index_build_mb_s: 50}\n"
	"tables:\n"
	"  orders: {rows: 400M, bytes: 80GB, write_qps: 500, read_qps: 3000, hot: true}\n"
	"  customers: {rows: 1M, bytes: 200MB, write_qps: 5, read_qps: 100}\n"
	"  archive: {rows: 300M, bytes: 50GB, write_qps: 50, read_qps: 10}\n"
	"  settings: {rows: 2K, bytes: 5MB, write_qps: 1, read_qps: 20}\n"
	"  legacy: {rows: 400M, bytes: 80GB, write_qps: 500, read_qps: 3000, hot: true}\n";

#define V1 "V1__base.sql",                                                                  \
	   "CREATE TABLE orders (id bigint PRIMARY KEY, total int);\n"                          \
	   "CREATE TABLE customers (id bigint PRIMARY KEY, score int);\n"                       \
	   "CREATE TABLE unsized (id bigint PRIMARY KEY, n int);\n"                            \
	   "CREATE TABLE settings (id bigint PRIMARY KEY, v text);\n"

/* A project of the given files analysed under PROFILE. */
typedef struct sev_run {
	i4_run r;
	char *dir, *pdir;
} sev_run;

static mg_analysis *sev_open(sev_run *s, const char *const *files)
{
	s->dir = i4_project(files);
	s->pdir = th_tmpdir();
	th_write(s->pdir, "profile.yaml", PROFILE);
	char path[4200];
	snprintf(path, sizeof path, "%s/profile.yaml", s->pdir);
	const mg_analysis_options opts = {0};
	i4_analyze_profiled(&s->r, s->dir, &opts, path);
	return &s->r.analysis;
}

static void sev_close(sev_run *s)
{
	i4_free(&s->r);
	th_rmtree(s->dir);
	th_rmtree(s->pdir);
}

/* The severity of the first finding of rule on table, or -1. */
static int severity_of(const char *const *files, const char *rule, const char *table)
{
	sev_run run;
	mg_analysis *a = sev_open(&run, files);
	int sev = -1;
	for (size_t i = 0; i < a->n_findings; i++) {
		const mg_finding *f = a->findings[i];
		if (strcmp(f->rule->id, rule) == 0 && f->object.name &&
		    strcmp(f->object.name, table) == 0) {
			sev = (int)f->severity;
			break;
		}
	}
	sev_close(&run);
	return sev;
}

static void an_unknown_neighbour_does_not_lower_a_hot_rewrite(void **state)
{
	(void)state;
	const char *alone[] = {V1, "V2__t.sql", "ALTER TABLE orders ALTER COLUMN total TYPE bigint;\n",
	                       NULL};
	assert_int_equal(severity_of(alone, "lock-type-change-rewrite", "orders"), MG_SEV_CRITICAL);
	/* the same rewrite, then a rewrite of a table the profile does not size */
	const char *with[] = {V1, "V2__t.sql",
	                      "ALTER TABLE orders ALTER COLUMN total TYPE bigint;\n"
	                      "ALTER TABLE unsized ALTER COLUMN n TYPE bigint;\n",
	                      NULL};
	assert_int_equal(severity_of(with, "lock-type-change-rewrite", "orders"), MG_SEV_CRITICAL);
}

static void a_lower_bound_below_the_slo_keeps_the_rule_default(void **state)
{
	(void)state;
	/* customers alone: 200 MB at 70 MB/s = 2.9 s > SLO, not hot: high */
	const char *with[] = {V1, "V2__t.sql",
	                      "ALTER TABLE customers ALTER COLUMN score TYPE bigint;\n"
	                      "ALTER TABLE unsized ALTER COLUMN n TYPE bigint;\n",
	                      NULL};
	assert_int_equal(severity_of(with, "lock-type-change-rewrite", "customers"), MG_SEV_HIGH);
}

static void the_risk_block_keeps_the_known_part(void **state)
{
	(void)state;
	const char *files[] = {V1, "V2__t.sql",
	                       "ALTER TABLE orders ALTER COLUMN total TYPE bigint;\n"
	                       "ALTER TABLE unsized ALTER COLUMN n TYPE bigint;\n",
	                       NULL};
	sev_run run;
	mg_analysis *a = sev_open(&run, files);
	mg_table_risk *t = mg_risk_table(&a->risk[1], "public", "orders");
	if (!t)
		t = mg_risk_table(&a->risk[1], NULL, "orders");
	assert_non_null(t);
	assert_true(t->blocked_known);
	assert_true(t->blocked_partial);
	assert_true(t->blocked_ms > 80e9 / 70e6 * 1000 * 0.99); /* at least its own rewrite */
	mg_table_risk *u = mg_risk_table(&a->risk[1], "public", "unsized");
	if (!u)
		u = mg_risk_table(&a->risk[1], NULL, "unsized");
	assert_non_null(u);
	assert_false(u->size_known);
	sev_close(&run);
}

static void a_table_created_in_the_changeset_costs_nothing(void **state)
{
	(void)state;
	const char *files[] = {V1, "V2__t.sql",
	                       "CREATE TABLE archive (id bigint PRIMARY KEY, at date);\n"
	                       "CREATE INDEX archive_at_idx ON archive (at);\n"
	                       "ALTER TABLE archive ALTER COLUMN at TYPE timestamptz;\n",
	                       NULL};
	sev_run run;
	mg_analysis *a = sev_open(&run, files);
	const mg_changeset_risk *cr = &a->risk[1];
	assert_true(cr->runtime_known);
	assert_true(cr->runtime_ms < 1.0); /* not 17 minutes of a 50 GB build */
	assert_int_equal(cr->stmts[1].cost, MG_COST_METADATA);
	assert_int_equal(cr->stmts[2].cost, MG_COST_METADATA);
	assert_true(cr->rewritten_bytes < 1.0); /* nor 50 GB of replication lag */
	sev_close(&run);
}

/* A query's runtime is a pass over every table it reads: a join costs
 * both sides, and a REFRESH of a view the profile does not size is still
 * costed by its sources rather than left unknown. */
static void a_query_costs_every_table_it_reads(void **state)
{
	(void)state;
	const char *files[] = {V1, "V2__t.sql",
	                       "CREATE TABLE pairs AS SELECT o.id FROM orders o JOIN customers c ON c.id = o.id;\n"
	                       "CREATE MATERIALIZED VIEW scores AS SELECT id, score FROM customers;\n"
	                       "REFRESH MATERIALIZED VIEW scores;\n"
	                       "CREATE MATERIALIZED VIEW counts AS SELECT n FROM unsized;\n",
	                       NULL};
	sev_run run;
	mg_analysis *a = sev_open(&run, files);
	const mg_changeset_risk *cr = &a->risk[1];
	const double scan = 250e6 / 1000; /* bytes per ms */
	assert_true(cr->stmts[0].runtime_known);
	assert_int_equal(cr->stmts[0].cost, MG_COST_SCAN);
	assert_true(fabs(cr->stmts[0].runtime_ms - (80e9 + 200e6) / scan) < 1);
	assert_true(cr->stmts[1].runtime_known);
	assert_true(fabs(cr->stmts[1].runtime_ms - 200e6 / scan) < 1);
	assert_true(cr->stmts[2].runtime_known);
	assert_int_equal(cr->stmts[2].cost, MG_COST_REWRITE);
	assert_true(fabs(cr->stmts[2].runtime_ms - 200e6 / scan) < 1);
	assert_non_null(strstr(cr->stmts[2].assumption, "public.customers (200 MB)"));
	/* an unsized source leaves the runtime unknown and says which */
	assert_false(cr->stmts[3].runtime_known);
	assert_non_null(strstr(cr->stmts[3].assumption, "public.unsized"));
	sev_close(&run);
}

/* A materialized view created in the changeset has no reader yet, so its
 * index locks nobody out; but it holds its query's rows, so the build is
 * not free.  Created in an earlier changeset, it is live. */
static void a_matview_created_in_the_changeset_has_no_traffic(void **state)
{
	(void)state;
	const char *files[] = {V1, "V2__mv.sql",
	                       "CREATE MATERIALIZED VIEW totals AS SELECT id, total FROM orders;\n"
	                       "CREATE INDEX totals_id_idx ON totals (id);\n",
	                       "V3__mv2.sql",
	                       "CREATE INDEX totals_total_idx ON totals (total);\n", NULL};
	sev_run run;
	mg_analysis *a = sev_open(&run, files);
	const mg_table_risk *here = mg_risk_table(&a->risk[1], "public", "totals");
	assert_non_null(here);
	assert_true(here->new_in_release);
	assert_int_not_equal(a->risk[1].stmts[1].cost, MG_COST_METADATA);
	const mg_table_risk *later = mg_risk_table(&a->risk[2], "public", "totals");
	assert_non_null(later);
	assert_false(later->new_in_release);
	size_t on_new = 0, on_live = 0;
	for (size_t i = 0; i < a->n_findings; i++) {
		const mg_finding *f = a->findings[i];
		if (strncmp(f->rule->id, "lock-", 5) != 0 || !f->has_changeset)
			continue;
		on_new += f->changeset_index == 1;
		on_live += f->changeset_index == 2;
	}
	assert_int_equal(on_new, 0);
	assert_true(on_live > 0);
	sev_close(&run);
}

/* How many findings of rule, and the severity of the one on table (-1: none). */
static size_t count_of(const char *const *files, const char *rule, const char *table, int *sev)
{
	sev_run run;
	mg_analysis *a = sev_open(&run, files);
	size_t n = 0;
	*sev = -1;
	for (size_t i = 0; i < a->n_findings; i++) {
		const mg_finding *f = a->findings[i];
		if (strcmp(f->rule->id, rule) != 0)
			continue;
		n++;
		if (table && f->object.name && strcmp(f->object.name, table) == 0)
			*sev = (int)f->severity;
	}
	sev_close(&run);
	return n;
}

#define NLT "lock-no-lock-timeout"

static void no_lock_timeout_checks_every_statement(void **state)
{
	(void)state;
	int sev;
	const char *two[] = {V1, "V2__t.sql",
	                     "ALTER TABLE customers ADD COLUMN a int;\n"
	                     "ALTER TABLE orders ADD COLUMN b int;\n",
	                     NULL};
	assert_int_equal(count_of(two, NLT, "orders", &sev), 2);
	/* a plain CREATE INDEX queues writes behind a long transaction too */
	const char *idx[] = {V1, "V2__t.sql", "CREATE INDEX orders_total_idx ON orders (total);\n",
	                     NULL};
	assert_int_equal(count_of(idx, NLT, "orders", &sev), 1);
	/* near miss: a lock_timeout set first protects both */
	const char *safe[] = {V1, "V2__t.sql",
	                      "SET lock_timeout = '2s';\n"
	                      "ALTER TABLE customers ADD COLUMN a int;\n"
	                      "CREATE INDEX orders_total_idx ON orders (total);\n",
	                      NULL};
	assert_int_equal(count_of(safe, NLT, NULL, &sev), 0);
	/* once granted in the transaction, the lock is not requested again */
	const char *twice[] = {V1, "V2__t.sql",
	                       "ALTER TABLE orders ADD COLUMN a int;\n"
	                       "ALTER TABLE orders ADD COLUMN b int;\n"
	                       "CREATE INDEX orders_a_idx ON orders (a);\n",
	                       NULL};
	assert_int_equal(count_of(twice, NLT, "orders", &sev), 1);
	/* one statement, one table: one finding */
	const char *many[] = {V1, "V2__t.sql",
	                      "ALTER TABLE orders ADD COLUMN a int, ADD COLUMN b int, ADD COLUMN c int;\n",
	                      NULL};
	assert_int_equal(count_of(many, NLT, "orders", &sev), 1);
}

static void no_lock_timeout_severity_follows_the_table(void **state)
{
	(void)state;
	int small, unknown, hot, hot_rewrite;
	const char *a[] = {V1, "V2__t.sql", "ALTER TABLE settings ADD COLUMN a int;\n", NULL};
	count_of(a, NLT, "settings", &small);
	const char *b[] = {V1, "V2__t.sql", "ALTER TABLE unsized ADD COLUMN a int;\n", NULL};
	count_of(b, NLT, "unsized", &unknown);
	const char *c[] = {V1, "V2__t.sql", "ALTER TABLE orders ADD COLUMN a int;\n", NULL};
	count_of(c, NLT, "orders", &hot);
	const char *d[] = {V1, "V2__t.sql", "ALTER TABLE orders ALTER COLUMN total TYPE bigint;\n",
	                   NULL};
	count_of(d, NLT, "orders", &hot_rewrite);
	/* a 5 MB table with 21 requests/s is no worse than one of unknown size */
	assert_true(small <= unknown);
	assert_int_equal(unknown, MG_SEV_LOW); /* the rule's default */
	assert_int_equal(hot, MG_SEV_MEDIUM);  /* ACCESS EXCLUSIVE on a hot table, no lock_timeout */
	assert_int_equal(hot_rewrite, MG_SEV_CRITICAL);
}

static void one_finding_per_rule_table_and_statement(void **state)
{
	(void)state;
	int sev;
	const char *many[] = {V1, "V2__t.sql",
	                      "ALTER TABLE orders ALTER COLUMN id TYPE numeric, "
	                      "ALTER COLUMN total TYPE bigint;\n",
	                      NULL};
	assert_int_equal(count_of(many, "lock-type-change-rewrite", "orders", &sev), 1);
	assert_int_equal(sev, MG_SEV_CRITICAL);
	/* near miss: two tables are two rewrites */
	const char *two[] = {V1, "V2__t.sql",
	                     "ALTER TABLE orders ALTER COLUMN id TYPE numeric;\n"
	                     "ALTER TABLE customers ALTER COLUMN score TYPE bigint;\n",
	                     NULL};
	assert_int_equal(count_of(two, "lock-type-change-rewrite", "orders", &sev), 2);
}

static void repeated_rewrites_of_a_table_are_one_finding(void **state)
{
	(void)state;
	const char *files[] = {V1, "V2__t.sql", "ALTER TABLE orders ALTER COLUMN id TYPE numeric;\n",
	                       "V3__t.sql", "ALTER TABLE orders ALTER COLUMN total TYPE bigint;\n",
	                       NULL};
	sev_run run;
	mg_analysis *a = sev_open(&run, files);
	size_t n = 0;
	const mg_finding *f = NULL;
	for (size_t i = 0; i < a->n_findings; i++)
		if (strcmp(a->findings[i]->rule->id, "lock-type-change-rewrite") == 0)
			n++, f = a->findings[i];
	assert_int_equal(n, 1);
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	assert_non_null(strstr(f->message, "2 times"));
	assert_non_null(strstr(f->safe_alternative, "ALTER COLUMN id TYPE numeric"));
	assert_non_null(strstr(f->safe_alternative, "ALTER COLUMN total TYPE bigint"));
	sev_close(&run);
}

static void an_assumed_rewrite_keeps_the_tables_severity(void **state)
{
	(void)state;
	/* legacy is not created by the migrations: its column type is
	 * unknown, the rewrite assumed; the 80 GB hot table is still at stake */
	const char *files[] = {V1, "V2__t.sql", "ALTER TABLE legacy ALTER COLUMN id TYPE bigint;\n",
	                       NULL};
	assert_int_equal(severity_of(files, "lock-type-change-rewrite", "legacy"), MG_SEV_CRITICAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_unknown_neighbour_does_not_lower_a_hot_rewrite),
		cmocka_unit_test(a_lower_bound_below_the_slo_keeps_the_rule_default),
		cmocka_unit_test(the_risk_block_keeps_the_known_part),
		cmocka_unit_test(a_table_created_in_the_changeset_costs_nothing),
		cmocka_unit_test(a_query_costs_every_table_it_reads),
		cmocka_unit_test(a_matview_created_in_the_changeset_has_no_traffic),
		cmocka_unit_test(no_lock_timeout_checks_every_statement),
		cmocka_unit_test(no_lock_timeout_severity_follows_the_table),
		cmocka_unit_test(one_finding_per_rule_table_and_statement),
		cmocka_unit_test(an_assumed_rewrite_keeps_the_tables_severity),
		cmocka_unit_test(repeated_rewrites_of_a_table_are_one_finding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
