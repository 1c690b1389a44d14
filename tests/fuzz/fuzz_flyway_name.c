/*
 * fuzz_flyway_name.c: Flyway file names and versions.
 *
 * The input is one file name as a directory listing could return it
 * (any bytes but '/' and NUL), parsed as a SQL migration name with the
 * default prefixes, as a Java class name, and its leading part as a
 * version.
 */
#include "fuzz_common.h"
#include "load/flyway_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *name = fz_cstr(data, size);
	for (size_t i = 0; i < size; i++)
		if (name[i] == '/' || name[i] == '\0')
			name[i] = '_';
	mg_project *p = mg_project_new();
	fw_config cfg;
	fw_config_init(&cfg, &p->arena);
	static const char *const suffixes[] = {".sql", ".SQL", ".psql", ".sh"};
	fw_name nm;
	fw_name_parse(&p->arena, &cfg, name, suffixes, 4, &nm);
	fw_name_parse_java(&p->arena, name, &nm);
	mg_version a, b;
	if (mg_version_parse(&p->arena, name, &a) == 0 &&
	    mg_version_parse(&p->arena, "1.2.3", &b) == 0) {
		/* Compare must be antisymmetric, whatever the text was. */
		int ab = mg_version_compare(&a, &b), ba = mg_version_compare(&b, &a);
		if ((ab < 0 && ba <= 0) || (ab > 0 && ba >= 0) || (ab == 0 && ba != 0))
			abort();
	}
	/* A non-default configuration: one-character separator, empty
	 * repeatable prefix is refused by Flyway, so keep it non-empty. */
	cfg.separator = "-";
	cfg.prefix_v = "v";
	fw_name_parse(&p->arena, &cfg, name, suffixes, 1, &nm);
	mg_project_free(p);
	free(name);
	return 0;
}
