/*
 * test_graph.c: the changeset graph: def-use edges carry the object,
 * execution-order edges chain the replayed changesets, the cycle search
 * finds a cycle and survives a very long chain without recursion.
 */
#include "issue4_helpers.h"

static void def_use_edges_are_labelled_with_the_object(void **state)
{
	(void)state;
	const char *files[] = {"V1__a.sql", "CREATE TABLE a (id int);\n", "V2__b.sql",
	                       "CREATE TABLE b (id int);\n", "V3__c.sql",
	                       "ALTER TABLE a ADD COLUMN x int;\nINSERT INTO b (id) VALUES (1);\n", NULL};
	char *dir = i4_project(files);
	i4_run r;
	i4_analyze(&r, dir, NULL);
	const mg_graph *g = r.analysis.graph;
	size_t order = 0, a_edge = 0, b_edge = 0;
	for (size_t i = 0; i < g->n_edges; i++) {
		const mg_graph_edge *e = &g->edges[i];
		if (e->kind == MG_EDGE_ORDER) {
			assert_int_equal(e->to, e->from + 1);
			order++;
		} else if (e->kind == MG_EDGE_DEF_USE) {
			assert_int_equal(e->to, 2);
			if (mg_str_eq(e->object.name, "a") && e->from == 0)
				a_edge++;
			if (mg_str_eq(e->object.name, "b") && e->from == 1)
				b_edge++;
		}
	}
	assert_int_equal(order, 2);
	assert_int_equal(a_edge, 1);
	assert_int_equal(b_edge, 1);
	i4_free(&r);
	th_rmtree(dir);
}

static void cycle_search_is_iterative_on_long_chains(void **state)
{
	(void)state;
	mg_project *p = mg_project_new();
	const size_t n = 200000;
	for (size_t i = 0; i < n; i++)
		mg_project_add_changeset(p, MG_CS_FLYWAY_VERSIONED);
	mg_project_renumber(p);
	mg_graph *g = mg_graph_new(&p->arena, n);
	for (size_t i = 0; i + 1 < n; i++)
		mg_graph_add_edge(&p->arena, g, i, i + 1, MG_EDGE_DEF_USE, NULL);
	assert_int_equal(mg_graph_find_cycles(p, g), 0);
	/* closing the chain makes one cycle of every node */
	mg_graph_add_edge(&p->arena, g, n - 1, 0, MG_EDGE_INVERSION, NULL);
	assert_int_equal(mg_graph_find_cycles(p, g), 1);
	/* order edges never make cycles */
	mg_graph *h = mg_graph_new(&p->arena, 3);
	mg_graph_add_edge(&p->arena, h, 0, 1, MG_EDGE_ORDER, NULL);
	mg_graph_add_edge(&p->arena, h, 1, 0, MG_EDGE_INVERSION, NULL);
	assert_int_equal(mg_graph_find_cycles(p, h), 0);
	mg_project_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(def_use_edges_are_labelled_with_the_object),
		cmocka_unit_test(cycle_search_is_iterative_on_long_chains),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_sql_shutdown();
	return rc;
}
