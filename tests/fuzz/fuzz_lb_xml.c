/*
 * fuzz_lb_xml.c: Liquibase XML changelogs (libxml2 with the network and entities off).
 *
 * The input is written as the root changelog in the scratch directory and
 * loaded as the CLI loads it: reader, interpreter, change types, SQL.
 * Includes can only reach the scratch directory (the search path) and
 * the limits are small, so one input costs milliseconds.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 262144)
		return 0;
	const char *path = fz_write("changelog.xml", data, size);
	mg_load_options opts;
	fz_options(&opts);
	const char *paths[1] = {path};
	mg_project *p = mg_load_project(paths, 1, &opts);
	for (size_t i = 0; i < p->n_changesets; i++)
		if (!p->changesets[i])
			abort();
	mg_project_free(p);
	return 0;
}
