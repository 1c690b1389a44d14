/*
 * raw_pg.c: the floor for SQL, libpg_query alone.  Reads each file named
 * on the command line and parses it whole with pg_query_parse_protobuf,
 * the entry point migraph's front end uses, then frees the result.
 * Nothing else: no splitting, no tree walk, no output.
 */
#include <pg_query.h>
#include <stdio.h>
#include <stdlib.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	size_t errors = 0;
	for (int i = 1; i < argc; i++) {
		char *sql = slurp(argv[i]);
		if (!sql)
			continue;
		PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
		errors += r.error != NULL;
		pg_query_free_protobuf_parse_result(r);
		free(sql);
	}
	fprintf(stderr, "raw_pg: %d files, %zu with a parse error\n", argc - 1, errors);
	return 0;
}
