/*
 * issue4_helpers.h: loading a small Flyway project from files written by
 * the test and running the analysis on it, for the catalog, graph,
 * release and rule tests of issue 4.
 */
#ifndef MIGRAPH_TEST_ISSUE4_HELPERS_H
#define MIGRAPH_TEST_ISSUE4_HELPERS_H

#include "harness.h"
#include "migraph/graph.h"
#include "migraph/load.h"
#include "migraph/profile.h"
#include "migraph/rules.h"
#include "migraph/sql.h"

typedef struct i4_run {
	mg_project *project;
	mg_analysis analysis;
} i4_run;

/* Loads dir (a Flyway location or a Liquibase changelog path) and runs
 * every rule with the given options, under the traffic profile at
 * profile_path when it is not NULL. */
static inline void i4_analyze_profiled(i4_run *r, const char *path,
                                       const mg_analysis_options *opts, const char *profile_path)
{
	mg_load_options lo;
	mg_load_options_init(&lo);
	lo.engine.kind = MG_ENGINE_POSTGRESQL;
	lo.engine.major = 16;
	const char *paths[] = {path};
	r->project = mg_load_project(paths, 1, &lo);
	mg_analysis_init(&r->analysis, r->project, opts);
	if (profile_path) {
		r->analysis.profile =
			mg_profile_load(&r->project->arena, profile_path, 0, &r->project->diags);
		assert_non_null(r->analysis.profile);
	}
	mg_analysis_run(&r->analysis);
}

static inline void i4_analyze(i4_run *r, const char *path, const mg_analysis_options *opts)
{
	i4_analyze_profiled(r, path, opts, NULL);
}

static inline void i4_free(i4_run *r)
{
	mg_project_free(r->project);
}

static inline size_t i4_count(const i4_run *r, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < r->analysis.n_findings; i++)
		if (strcmp(r->analysis.findings[i]->rule->id, rule) == 0)
			n++;
	return n;
}

static inline const mg_finding *i4_find(const i4_run *r, const char *rule)
{
	for (size_t i = 0; i < r->analysis.n_findings; i++)
		if (strcmp(r->analysis.findings[i]->rule->id, rule) == 0)
			return r->analysis.findings[i];
	return NULL;
}

/* Writes files given as name, content pairs (NULL-terminated) into a new
 * temporary directory. */
static inline char *i4_project(const char *const *files)
{
	char *dir = th_tmpdir();
	for (size_t i = 0; files[i]; i += 2)
		th_write(dir, files[i], files[i + 1]);
	return dir;
}

/* Analyses the files with default options and counts one rule. */
static inline size_t i4_count_in(const char *const *files, const char *rule,
                                 const mg_analysis_options *opts)
{
	char *dir = i4_project(files);
	i4_run r;
	i4_analyze(&r, dir, opts);
	size_t n = i4_count(&r, rule);
	i4_free(&r);
	th_rmtree(dir);
	return n;
}

#endif
