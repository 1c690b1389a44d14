/*
 * fuzz_profile.c: the traffic profile reader (src/model/profile.c).
 *
 * The input is written as profile.yaml and loaded; when it loads, every
 * table it names is looked up again.
 */
#include "fuzz_common.h"
#include "migraph/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 262144)
		return 0;
	const char *path = fz_write("profile.yaml", data, size);
	mg_arena arena;
	mg_arena_init(&arena);
	mg_diag_list diags;
	mg_diag_list_init(&diags, &arena);
	mg_profile *prof = mg_profile_load(&arena, path, 0, &diags);
	if (prof)
		for (size_t i = 0; i < prof->n_tables; i++)
			(void)mg_profile_find(prof, prof->tables[i].schema, prof->tables[i].name);
	mg_arena_free(&arena);
	return 0;
}
