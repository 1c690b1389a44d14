/*
 * lb_fixture.h: what the Liquibase tests share: a temporary directory that
 * is the only search path, options for PostgreSQL 15, and loading a root
 * changelog from it.
 */
#ifndef MIGRAPH_TEST_LB_FIXTURE_H
#define MIGRAPH_TEST_LB_FIXTURE_H

#include "harness.h"
#include "migraph/load.h"

#define HDR "<?xml version=\"1.0\"?>\n<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\">\n"
#define END "</databaseChangeLog>\n"

typedef struct fixture {
	char *dir;
	mg_load_options opts;
	const char *sp[1];
	mg_property props[4];
} fixture;

static inline fixture *fx_new(void)
{
	fixture *f = calloc(1, sizeof *f);
	f->dir = th_tmpdir();
	mg_load_options_init(&f->opts);
	f->sp[0] = f->dir;
	f->opts.search_paths = f->sp;
	f->opts.n_search_paths = 1;
	mg_engine_parse("postgresql:15", &f->opts.engine);
	return f;
}

static inline void fx_free(fixture *f)
{
	th_rmtree(f->dir);
	free(f);
}

/* Loads the root changelog `root` (relative to the fixture's directory). */
static inline mg_project *load(fixture *f, const char *root)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", f->dir, root);
	mg_project *p = mg_project_new();
	mg_liquibase_load(p, path, mg_detect_input(path), &f->opts);
	return p;
}

#endif
