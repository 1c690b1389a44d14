/*
 * history.c: reading a history table export (--applied): the CSV file of
 * flyway_schema_history or DATABASECHANGELOG, into rows of fields.
 */
#include <string.h>

#include "migraph/load.h"

int mg_csv_parse(mg_arena *arena, const char *data, size_t len, mg_csv *out)
{
	memset(out, 0, sizeof *out);
	if (len >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB &&
	    (unsigned char)data[2] == 0xBF) {
		data += 3;
		len -= 3;
	}
	char delim = ',';
	{
		size_t commas = 0, semis = 0, tabs = 0;
		for (size_t i = 0; i < len && data[i] != '\n'; i++) {
			commas += data[i] == ',';
			semis += data[i] == ';';
			tabs += data[i] == '\t';
		}
		if (!commas && semis)
			delim = ';';
		else if (!commas && tabs)
			delim = '\t';
	}
	size_t rows_cap = 0;
	mg_buf field = MG_BUF_INIT;
	const char **fields = NULL;
	size_t nf = 0, fcap = 0;
	uint32_t line = 1, row_line = 1;
	size_t i = 0;
	bool any = false;
	while (i <= len) {
		bool end_of_data = i == len;
		char c = end_of_data ? '\n' : data[i];
		if (!end_of_data && c == '"' && field.len == 0) {
			/* A quoted field: "" is a quote, newlines stay in it. */
			i++;
			for (;;) {
				if (i >= len)
					break;
				if (data[i] == '"') {
					if (i + 1 < len && data[i + 1] == '"') {
						mg_buf_putc(&field, '"');
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (data[i] == '\n')
					line++;
				mg_buf_putc(&field, data[i++]);
			}
			mg_buf_putc(&field, '\0');
			field.len--;
			any = true;
			continue;
		}
		if (c == delim || c == '\n' || (c == '\r' && i + 1 < len && data[i + 1] == '\n')) {
			const char *f = mg_arena_strndup(arena, field.data ? field.data : "", field.len);
			mg_arena_push(arena, (void ***)&fields, &nf, &fcap, (void *)f);
			mg_buf_clear(&field);
			if (c == '\r')
				i++;
			if (c != delim) {
				bool blank = nf == 1 && !*fields[0] && !any;
				if (!blank) {
					if (out->n_rows == rows_cap) {
						size_t ncap = rows_cap ? rows_cap * 2 : 16;
						out->rows = mg_arena_grow(arena, out->rows, sizeof *out->rows,
						                          out->n_rows, ncap);
						out->n_fields = mg_arena_grow(arena, out->n_fields,
						                              sizeof *out->n_fields, out->n_rows, ncap);
						out->lines = mg_arena_grow(arena, out->lines, sizeof *out->lines,
						                           out->n_rows, ncap);
						rows_cap = ncap;
					}
					out->rows[out->n_rows] = fields;
					out->n_fields[out->n_rows] = nf;
					out->lines[out->n_rows] = row_line;
					out->n_rows++;
				}
				fields = NULL;
				nf = fcap = 0;
				any = false;
				line++;
				row_line = line;
			}
			i++;
			continue;
		}
		mg_buf_putc(&field, c);
		any = true;
		i++;
	}
	mg_buf_dispose(&field);
	return out->n_rows ? 0 : -1;
}

int mg_history_read(mg_project *project, const char *path, mg_csv *out)
{
	memset(out, 0, sizeof *out);
	mg_file_data fd;
	if (mg_project_read_given(project, path, "--applied", "release-applied-unreadable", &fd) != 0)
		return -1;
	int rc = mg_csv_parse(&project->arena, fd.data, fd.len, out);
	mg_file_data_free(&fd);
	if (rc != 0) {
		mg_diag_add(&project->diags, MG_SEV_HIGH, "release-applied-empty", (mg_loc){path, 1, 1},
		            "the --applied file has no header row");
		return -2;
	}
	return 0;
}
